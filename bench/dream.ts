/**
 * `npm run bench:dream` — import and dream wall time and peak RSS for 100 and 1,000 τ-bench sessions
 * (1,000 made by repeating the 100 real ones under new trial numbers, hence new session ids) and for
 * ~100 and 1,000 Claude Code sessions (JSONL, one file per session: the 8 real sessions and subagents of
 * ../shared/data/claude-code repeated under new session ids), plus import throughput as a ratio to plain
 * `JSON.parse` of the same bytes (UTF-8 decoding included; a JSONL file parsed line by line), measured in
 * the same run. Each scenario runs in a fresh child process on a fresh database so that peak RSS is its own.
 * Targets: dream over 100 sessions < 2 s; 1,000 sessions ≤ 12× the time of 100 with peak RSS < 1 GiB
 * (issue 2); import ≥ 0.5× JSON.parse throughput (issue 13).
 *
 * Usage: node dist/bench/dream.js [--data DIR] [--only tau|claude-code] [--json]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(import.meta.url);
const repo = resolve(here, '../../..');

/** Figures of one scenario, measured in a child process. */
interface ScenarioResult {
  corpus: string;
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

/** Every regular file under `path` (or `path` itself), sorted. */
function filesUnder(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { recursive: true, encoding: 'utf8' })
    .map((f) => join(path, f))
    .filter((f) => statSync(f).isFile())
    .sort();
}

/** `JSON.parse` of `bytes` as the importer reads them: decoded, then whole or (`.jsonl`) line by line. */
function parseBytes(bytes: Buffer, jsonl: boolean): void {
  const text = bytes.toString('utf8');
  if (!jsonl) {
    JSON.parse(text);
    return;
  }
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    if (end > start) JSON.parse(text.slice(start, end));
    start = end + 1;
  }
}

async function child(corpus: string, path: string, sessions: number): Promise<void> {
  const { Reverie } = await import('../src/service/index.js');
  const inputs = filesUnder(path).map((f) => ({ bytes: readFileSync(f), jsonl: f.endsWith('.jsonl') }));
  const parseTimes: number[] = [];
  for (let i = 0; i < 7; i++) {
    const t = performance.now();
    for (const x of inputs) parseBytes(x.bytes, x.jsonl);
    parseTimes.push(performance.now() - t);
  }
  const file = path;
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
      corpus,
      sessions,
      bytes: inputs.reduce((n, x) => n + x.bytes.length, 0),
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

/**
 * Writes `copies` copies of the Claude Code folder `src` (session files `<uuid>.jsonl` and their
 * `<uuid>/subagents/`) under `out`, copy k with every session uuid's last 12 digits replaced by k (in
 * file names and content), so that each copy imports as new sessions. Returns the number of sessions.
 */
function repeatClaudeCode(src: string, copies: number, out: string): number {
  const files = filesUnder(src).map((f) => ({ rel: f.slice(src.length + 1), text: readFileSync(f, 'utf8') }));
  const uuids = [
    ...new Set(files.map((f) => /^([0-9a-f-]{36})/.exec(f.rel)?.[1]).filter((u) => u !== undefined)),
  ];
  for (let k = 0; k < copies; k++) {
    const swap = (t: string) =>
      uuids.reduce((acc, u) => acc.replaceAll(u, `${u.slice(0, 24)}${k.toString(16).padStart(12, '0')}`), t);
    for (const f of files) {
      const dest = join(out, swap(f.rel));
      mkdirSync(resolve(dest, '..'), { recursive: true });
      writeFileSync(dest, swap(f.text));
    }
  }
  return files.length * copies;
}

/** Runs one scenario in a child process and returns its figures. */
function runScenario(corpus: string, path: string, sessions: number): ScenarioResult {
  process.stderr.write(`bench: ${corpus}, ${sessions} sessions…\n`);
  const out = execFileSync(process.execPath, [here, '--child', corpus, path, String(sessions)], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  return JSON.parse(out.trim().split('\n').pop()!) as ScenarioResult;
}

/** The scenarios of `corpus`, prepared under `tmp`: [path, sessions] at ~100 and 1,000 sessions. */
function scenarios(corpus: 'tau' | 'claude-code', dataDir: string, tmp: string): [string, number][] {
  if (corpus === 'tau') {
    const tau = join(dataDir, 'tau-bench/airline-gpt-4o.trials-0-1.json');
    const tau1000 = join(tmp, 'airline-x10.json');
    repeatTau(tau, 10, tau1000);
    return [
      [tau, 100],
      [tau1000, 1000],
    ];
  }
  const src = join(dataDir, 'claude-code');
  const per = filesUnder(src).length;
  return [100, 1000].map((n) => {
    const dir = join(tmp, `claude-code-${n}`);
    return [dir, repeatClaudeCode(src, Math.ceil(n / per), dir)];
  });
}

function table(results: ScenarioResult[]): string {
  const row = (r: ScenarioResult) =>
    `| ${r.corpus} | ${r.sessions} | ${(r.bytes / 1e6).toFixed(1)} MB | ${r.import_ms.toFixed(0)} ms | ${r.import_cold_ms.toFixed(0)} ms | ${r.json_parse_ms.toFixed(1)} ms | ${r.import_ratio.toFixed(2)}× | ${r.dream_ms.toFixed(0)} ms | ${r.redream_ms.toFixed(0)} ms | ${r.changes} | ${r.peak_rss_mib.toFixed(0)} MiB |`;
  const lines = [
    'reverie bench:dream (offline engine, SQLite)',
    '',
    '| corpus | sessions | input | import (warm median) | import (first, cold JIT) | JSON.parse (median) | import/parse throughput | dream (cold cache) | re-dream (cached) | changes | peak RSS |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...results.map(row),
    '',
  ];
  for (const corpus of new Set(results.map((r) => r.corpus))) {
    const [a, b] = results.filter((r) => r.corpus === corpus) as [ScenarioResult, ScenarioResult];
    lines.push(
      `${corpus}: dream time ${b.sessions} / ${a.sessions} sessions ${(b.dream_ms / a.dream_ms).toFixed(2)}× (target ≤ 12×); dream over ${a.sessions} sessions ${(a.dream_ms / 1000).toFixed(2)} s (target < 2 s); peak RSS at ${b.sessions} ${b.peak_rss_mib.toFixed(0)} MiB (target < 1024 MiB)`,
      `${corpus}: import throughput vs JSON.parse ${a.import_ratio.toFixed(2)}× at ${a.sessions}, ${b.import_ratio.toFixed(2)}× at ${b.sessions} (target ≥ 0.5×)`,
    );
  }
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return child(args[1]!, args[2]!, Number(args[3]));
  const dataDir = args.includes('--data')
    ? resolve(args[args.indexOf('--data') + 1]!)
    : resolve(repo, '../shared/data');
  const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
  const corpora = (['tau', 'claude-code'] as const).filter((c) => only === undefined || c === only);
  const tmp = mkdtempSync(join(tmpdir(), 'reverie-bench-data-'));
  const results: ScenarioResult[] = [];
  try {
    for (const corpus of corpora)
      for (const [path, n] of scenarios(corpus, dataDir, tmp)) results.push(runScenario(corpus, path, n));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  if (args.includes('--json')) process.stdout.write(`${JSON.stringify({ results }, null, 2)}\n`);
  else process.stdout.write(table(results));
}

await main();
