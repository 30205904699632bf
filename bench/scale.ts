/**
 * `npm run bench:scale` — a queued dream run by a worker at 1,000 and 10,000 sessions, and 100,000 with
 * `--large` (issue 10; opt-in because it takes longer than 5 minutes on the project's 2-core machine and
 * writes 1.8 GB of transcripts and a database of about that size to the temporary folder): wall time from
 * enqueue to the job's completion, the dream's own elapsed time, and the worker process's peak RSS, with
 * the targets checked: time growing no worse than linearly, and peak RSS under 1 GiB at 100,000. Sessions are the 100 real τ-bench airline ones repeated under new trial numbers (hence new session
 * ids), as bench/dream.ts does, written as one file per 100 so that import streams file by file; their
 * content repeats, so every session past the first 100 is a gather-cache hit (the figures measure
 * orient, consolidate, curate and storage at scale, not extraction). Import
 * runs in its own child process, the dream in another, so that the dream's peak RSS is its own.
 *
 * Usage: node dist/bench/scale.js [--data DIR] [--sessions 1000,10000] [--large] [--json]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { storageOf } from '../src/service/internal.js';

const here = fileURLToPath(import.meta.url);
const repo = resolve(here, '../../..');

/** Figures of one scenario. Times in ms, memory in MiB. */
interface ScaleResult {
  sessions: number;
  import_ms: number;
  enqueue_to_done_ms: number;
  dream_elapsed_ms: number;
  changes: number;
  /** Gather-cache hits: repeated sessions share their content hash, so all but the first 100 hit. */
  cache_hits: number;
  peak_rss_mib: number;
}

/** Writes `times` files of the real sessions, each under new trial numbers. */
function repeatTau(src: string, times: number, dir: string): void {
  const data = JSON.parse(readFileSync(src, 'utf8')) as { trial?: number }[];
  mkdirSync(dir, { recursive: true });
  for (let k = 0; k < times; k++)
    writeFileSync(
      join(dir, `airline-${k}.json`),
      JSON.stringify(data.map((s) => ({ ...s, trial: (s.trial ?? 0) + 1000 * k }))),
    );
}

async function childImport(db: string, dir: string): Promise<void> {
  const { Reverie } = await import('../src/service/index.js');
  const svc = await Reverie.open({ db });
  const t = performance.now();
  const rep = await svc.importSessions([dir]);
  const store = await svc.createStore({ name: 'scale' });
  await storageOf(svc).attachSessions(store.id, rep.session_ids, new Date().toISOString());
  process.stdout.write(
    `${JSON.stringify({ import_ms: performance.now() - t, store: store.id, sessions: rep.session_ids.length })}\n`,
  );
  await svc.close();
}

async function childDream(db: string, storeId: string): Promise<void> {
  const { Reverie, enqueueDream, startEmbeddedWorker } = await import('../src/service/index.js');
  const svc = await Reverie.open({ db, defaultSessionLimit: 100_000 });
  // The store's sessions since its last dream (all of them here): explicit ids stop at 10,000.
  const t = performance.now();
  const { dream } = await enqueueDream(svc, { memory_store_id: storeId });
  const worker = await startEmbeddedWorker(svc, {
    schedules: false,
    queueOptions: { local: { pollMs: 20 } },
  });
  for (;;) {
    const j = await storageOf(svc).getJob({ dream_id: dream.id });
    if (j && (j.state === 'completed' || j.state === 'dead_letter')) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const wall = performance.now() - t;
  await worker.stop();
  const d = await svc.getDream(dream.id);
  if (d.status !== 'completed') throw new Error(`dream ${d.id} ended ${d.status}: ${d.error?.message}`);
  process.stdout.write(
    `${JSON.stringify({
      enqueue_to_done_ms: wall,
      dream_elapsed_ms: d.stats.elapsed_ms ?? 0,
      changes: d.stats.changes ?? 0,
      cache_hits: d.stats.cache_hits ?? 0,
      peak_rss_mib: process.resourceUsage().maxRSS / 1024,
    })}\n`,
  );
  await svc.close();
}

function runChild(args: string[]): Record<string, number | string> {
  const out = execFileSync(process.execPath, [here, ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  return JSON.parse(out.trim().split('\n').pop()!);
}

/** Peak RSS target of issue 10 at 100,000 sessions (MiB). */
const RSS_TARGET_MIB = 1024;

/**
 * The checks: from each size to the next, time growing no worse than linearly (time ratio ≤
 * session ratio, for the dream's wall time and for import), and peak RSS under 1 GiB at 100,000 sessions.
 */
function targetLines(results: ScaleResult[]): string[] {
  const out: string[] = [];
  for (let i = 1; i < results.length; i++) {
    const a = results[i - 1]!;
    const b = results[i]!;
    const n = b.sessions / a.sessions;
    const dream = b.enqueue_to_done_ms / a.enqueue_to_done_ms;
    const imp = b.import_ms / a.import_ms;
    const ok = (x: number) => (x <= n ? 'linear or better ✓' : 'worse than linear ✗');
    out.push(
      `${a.sessions} → ${b.sessions} sessions (${n.toFixed(0)}×): dream time ${dream.toFixed(2)}× (${ok(dream)}), import time ${imp.toFixed(2)}× (${ok(imp)})`,
    );
  }
  for (const r of results.filter((x) => x.sessions >= 100_000))
    out.push(
      `peak RSS at ${r.sessions} sessions: ${r.peak_rss_mib.toFixed(0)} MiB (target < ${RSS_TARGET_MIB} MiB ${r.peak_rss_mib < RSS_TARGET_MIB ? '✓' : '✗'})`,
    );
  return out;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--import') return childImport(args[1]!, args[2]!);
  if (args[0] === '--dream') return childDream(args[1]!, args[2]!);
  const opt = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
  const tau = join(
    resolve(opt('--data') ?? resolve(repo, '../shared/data')),
    'tau-bench/airline-gpt-4o.trials-0-1.json',
  );
  const sizes = (opt('--sessions') ?? (args.includes('--large') ? '1000,10000,100000' : '1000,10000'))
    .split(',')
    .map(Number);
  const results: ScaleResult[] = [];
  for (const n of sizes) {
    const tmp = mkdtempSync(join(tmpdir(), 'reverie-scale-'));
    try {
      process.stderr.write(`bench:scale: ${n} sessions…\n`);
      repeatTau(tau, Math.ceil(n / 100), join(tmp, 'data'));
      const db = join(tmp, 'r.db');
      const imp = runChild(['--import', db, join(tmp, 'data')]);
      const dr = runChild(['--dream', db, String(imp.store)]);
      results.push({
        sessions: Number(imp.sessions),
        import_ms: Number(imp.import_ms),
        enqueue_to_done_ms: Number(dr.enqueue_to_done_ms),
        dream_elapsed_ms: Number(dr.dream_elapsed_ms),
        changes: Number(dr.changes),
        cache_hits: Number(dr.cache_hits),
        peak_rss_mib: Number(dr.peak_rss_mib),
      });
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  if (args.includes('--json')) {
    process.stdout.write(`${JSON.stringify({ results }, null, 2)}\n`);
    return;
  }
  const lines = [
    'reverie bench:scale (τ-bench airline repeated; queued dream, one embedded worker, SQLite, offline engine)',
    '',
    '| sessions | import | enqueue → job completed | dream elapsed | gather cache hits | changes | worker peak RSS |',
    '|---|---|---|---|---|---|---|',
    ...results.map(
      (r) =>
        `| ${r.sessions} | ${(r.import_ms / 1000).toFixed(1)} s | ${(r.enqueue_to_done_ms / 1000).toFixed(2)} s | ${(r.dream_elapsed_ms / 1000).toFixed(2)} s | ${r.cache_hits} | ${r.changes} | ${r.peak_rss_mib.toFixed(0)} MiB |`,
    ),
  ];
  lines.push('', ...targetLines(results));
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
