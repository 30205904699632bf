/**
 * `npm run bench:dream` — import and dream wall time and peak RSS for 100 and 1,000 τ-bench sessions
 * (1,000 made by repeating the 100 real ones under new trial numbers, hence new session ids), plus
 * import throughput as a ratio to plain `JSON.parse` of the same bytes, measured in the same run.
 * Each scenario runs in a fresh child process on a fresh database so that peak RSS is its own.
 * Targets (issue 2): dream over 100 sessions < 2 s; 1,000 sessions ≤ 12× the time of 100 with peak
 * RSS < 1 GiB; import ≥ 0.3× JSON.parse throughput.
 *
 * Usage: node dist/bench/dream.js [--data DIR] [--json]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(import.meta.url);
const repo = resolve(here, '../../..');

/** Figures of one scenario, measured in a child process. */
interface ScenarioResult {
  sessions: number;
  bytes: number;
  json_parse_ms: number;
  /** Median of the warm imports (ms). */
  import_ms: number;
  /** The first import of the process, JIT still cold (ms). */
  import_cold_ms: number;
  import_ratio: number;
  dream_ms: number;
  redream_ms: number;
  changes: number;
  peak_rss_mib: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function child(file: string, sessions: number): Promise<void> {
  const { Reverie } = await import('../src/service/index.js');
  const bytes = readFileSync(file);
  const parseTimes: number[] = [];
  for (let i = 0; i < 7; i++) {
    const t = performance.now();
    JSON.parse(bytes.toString('utf8'));
    parseTimes.push(performance.now() - t);
  }
  const dir = mkdtempSync(join(tmpdir(), 'reverie-bench-'));
  // Import throughput: the first (cold) import, then the median of 3 more into fresh databases, since
  // JSON.parse's figure is a warm median too.
  const warm: number[] = [];
  let coldMs = 0;
  for (let i = 0; i < 4; i++) {
    const s = await Reverie.open({ db: join(dir, `warm-${i}.db`) });
    const t0 = performance.now();
    await s.importSessions([file]);
    const ms = performance.now() - t0;
    if (i === 0) coldMs = ms;
    else warm.push(ms);
    await s.close();
  }
  const svc = await Reverie.open({ db: join(dir, 'bench.db') });
  try {
    let t = performance.now();
    const rep = await svc.importSessions([file]);
    const importMs = median([...warm, performance.now() - t]);
    if (rep.totals.created !== sessions)
      throw new Error(`expected ${sessions} sessions, imported ${rep.totals.created}`);
    const store = await svc.createStore({ name: 'bench' });
    t = performance.now();
    const d = await svc.dream({ memory_store_id: store.id, session_ids: rep.session_ids });
    const dreamMs = performance.now() - t;
    t = performance.now();
    await svc.dream({ memory_store_id: store.id, session_ids: rep.session_ids });
    const redreamMs = performance.now() - t;
    const parseMs = median(parseTimes);
    const result: ScenarioResult = {
      sessions,
      bytes: bytes.length,
      json_parse_ms: parseMs,
      import_ms: importMs,
      import_cold_ms: coldMs,
      import_ratio: parseMs / importMs,
      dream_ms: dreamMs,
      redream_ms: redreamMs,
      changes: d.stats.changes ?? 0,
      peak_rss_mib: process.resourceUsage().maxRSS / 1024,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await svc.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes a τ-bench file with the real sessions repeated `times` times under new trial numbers. */
function repeatTau(src: string, times: number, out: string): void {
  const data = JSON.parse(readFileSync(src, 'utf8')) as { trial?: number }[];
  const all = [];
  for (let k = 0; k < times; k++) for (const s of data) all.push({ ...s, trial: (s.trial ?? 0) + 1000 * k });
  writeFileSync(out, JSON.stringify(all));
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return child(args[1]!, Number(args[2]));
  const dataDir = args.includes('--data')
    ? resolve(args[args.indexOf('--data') + 1]!)
    : resolve(repo, '../shared/data');
  const tau = join(dataDir, 'tau-bench/airline-gpt-4o.trials-0-1.json');
  const tmp = mkdtempSync(join(tmpdir(), 'reverie-bench-data-'));
  const tau1000 = join(tmp, 'airline-x10.json');
  repeatTau(tau, 10, tau1000);
  const results: ScenarioResult[] = [];
  for (const [file, n] of [
    [tau, 100],
    [tau1000, 1000],
  ] as const) {
    process.stderr.write(`bench: ${n} sessions…\n`);
    const out = execFileSync(process.execPath, [here, '--child', file, String(n)], {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    });
    results.push(JSON.parse(out.trim().split('\n').pop()!));
  }
  rmSync(tmp, { recursive: true, force: true });
  const [a, b] = results as [ScenarioResult, ScenarioResult];
  const scaling = b.dream_ms / a.dream_ms;
  if (args.includes('--json')) {
    process.stdout.write(`${JSON.stringify({ results, dream_scaling_1000_over_100: scaling }, null, 2)}\n`);
    return;
  }
  const row = (r: ScenarioResult) =>
    `| ${r.sessions} | ${(r.bytes / 1e6).toFixed(1)} MB | ${r.import_ms.toFixed(0)} ms | ${r.import_cold_ms.toFixed(0)} ms | ${r.json_parse_ms.toFixed(1)} ms | ${r.import_ratio.toFixed(2)}× | ${r.dream_ms.toFixed(0)} ms | ${r.redream_ms.toFixed(0)} ms | ${r.changes} | ${r.peak_rss_mib.toFixed(0)} MiB |`;
  process.stdout.write(
    [
      'reverie bench:dream (τ-bench airline, offline engine, SQLite)',
      '',
      '| sessions | input | import (warm median) | import (first, cold JIT) | JSON.parse (median) | import/parse throughput | dream (cold cache) | re-dream (cached) | changes | peak RSS |',
      '|---|---|---|---|---|---|---|---|---|---|',
      row(a),
      row(b),
      '',
      `dream time 1,000 / 100 sessions: ${scaling.toFixed(2)}× (target ≤ 12×)`,
      `dream over 100 sessions: ${(a.dream_ms / 1000).toFixed(2)} s (target < 2 s)`,
      `import throughput vs JSON.parse: ${a.import_ratio.toFixed(2)}× at 100, ${b.import_ratio.toFixed(2)}× at 1,000 (target ≥ 0.3×)`,
      `peak RSS at 1,000 sessions: ${b.peak_rss_mib.toFixed(0)} MiB (target < 1024 MiB)`,
      '',
    ].join('\n'),
  );
}

await main();
