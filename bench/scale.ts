/**
 * `npm run bench:scale` — a queued dream run by a worker at 1,000 and 10,000 sessions, and 100,000 with
 * `--large` (issue 10; opt-in because it takes longer than 5 minutes on the project's 2-core machine and
 * writes 1.8 GB of transcripts and a database of about that size to the temporary folder): wall time from
 * enqueue to the job's completion, the dream's own elapsed time, and the worker process's peak RSS, with
 * the issue's targets checked: time growing no worse than linearly, and peak RSS under 1 GiB at 100,000. Sessions are the 100 real τ-bench airline ones repeated under new trial numbers (hence new session
 * ids), as bench/dream.ts does, written as one file per 100 so that import streams file by file; their
 * content repeats, so every session past the first 100 is a gather-cache hit (the figures measure
 * orient, consolidate, curate and storage at scale, not extraction). Import
 * runs in its own child process, the dream in another, so that the dream's peak RSS is its own.
 *
 * With `--workers 1,2,4 --pg URL`: the 10,000-session dream (`--sessions` to change it) on PostgreSQL
 * and pg-boss, run by 1, 2 and 4 `reverie worker` processes (one slot each) in the same run, reported as
 * speed-ups against 1 worker. Its sessions are distinct in content — each copy's system prompt ends with
 * its copy number, which gather keeps only as a hash (context, never memory) — so that every session is a
 * gather-cache miss and the fanned-out gather (schedule/fan-out.ts, batches of `--gather-batch`, default
 * 500) is real work; the cache is emptied before each run. Everything lives in two schemas of its own,
 * dropped at the end. On a machine with 2 cores, expect at most 2×.
 *
 * Usage: node dist/bench/scale.js [--data DIR] [--sessions 1000,10000] [--large] [--json]
 *        node dist/bench/scale.js --workers 1,2,4 --pg postgres://… [--sessions 10000] [--gather-batch 500]
 *          [--baseline: also 1 worker with the gather not fanned out]
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
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

interface TauRecord {
  trial?: number;
  traj?: { role: string; content: unknown }[];
}

/** Copy `k` of a session; with `distinct`, its system prompt ends with the copy number (a new content hash). */
function copyOf(s: TauRecord, k: number, distinct: boolean): TauRecord {
  const trial = (s.trial ?? 0) + 1000 * k;
  if (!distinct || !s.traj) return { ...s, trial };
  const traj = s.traj.map((m, i) =>
    i === 0 && m.role === 'system' && typeof m.content === 'string'
      ? { ...m, content: `${m.content}\n\n(bench copy ${k})` }
      : m,
  );
  return { ...s, trial, traj };
}

/** Writes `times` files of the real sessions, each under new trial numbers (see {@link copyOf}). */
function repeatTau(src: string, times: number, dir: string, distinct = false): void {
  const data = JSON.parse(readFileSync(src, 'utf8')) as TauRecord[];
  mkdirSync(dir, { recursive: true });
  for (let k = 0; k < times; k++)
    writeFileSync(join(dir, `airline-${k}.json`), JSON.stringify(data.map((s) => copyOf(s, k, distinct))));
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

/** A `reverie worker` (one slot, pg-boss in `bossSchema`) until SIGTERM; prints `ready` once taking jobs. */
async function childWorker(url: string, bossSchema: string, batch: number, off: boolean): Promise<void> {
  const { Reverie, startEmbeddedWorker } = await import('../src/service/index.js');
  const svc = await Reverie.open({ db: url, defaultSessionLimit: 100_000 });
  const worker = await startEmbeddedWorker(svc, {
    schedules: false,
    concurrency: 1,
    fanOut: { batchSize: batch, ...(off ? { minSessions: Number.POSITIVE_INFINITY } : {}) },
    queueOptions: { backend: 'pgboss', pgboss: { schema: bossSchema, pollSeconds: 0.5 } },
  });
  process.stdout.write('ready\n');
  await new Promise<void>((r) => process.once('SIGTERM', () => r()));
  await worker.stop();
  await svc.close();
  const u = process.resourceUsage();
  process.stdout.write(`cpu ${Math.round((u.userCPUTime + u.systemCPUTime) / 1000)}\n`);
}

/** Starts `n` worker processes and resolves once each says it is ready. */
async function startWorkers(
  n: number,
  url: string,
  bossSchema: string,
  batch: number,
  fanOut: boolean,
): Promise<ChildProcess[]> {
  const mode = fanOut ? 'on' : 'off';
  const kids = Array.from({ length: n }, () =>
    spawn(process.execPath, [here, '--pg-worker', url, bossSchema, String(batch), mode], {
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
  await Promise.all(
    kids.map(
      (k) =>
        new Promise<void>((ok, fail) => {
          k.stdout!.on('data', (b: Buffer) => b.toString().includes('ready') && ok());
          k.once('exit', (code) => fail(new Error(`worker exited (${code}) before it was ready`)));
        }),
    ),
  );
  return kids;
}

/** Stops the workers. @returns the CPU time (user + system, ms) they used in all. */
async function stopWorkers(kids: ChildProcess[]): Promise<number> {
  const exited = (k: ChildProcess) =>
    new Promise<number>((r) => {
      let out = '';
      k.stdout!.on('data', (b: Buffer) => {
        out += b.toString();
      });
      if (k.exitCode !== null) return r(0);
      k.once('exit', () => r(Number(/cpu (\d+)/.exec(out)?.[1] ?? 0)));
      k.kill('SIGTERM');
    });
  return (await Promise.all(kids.map(exited))).reduce((a, b) => a + b, 0);
}

/** Figures of one worker count. Times in ms. */
interface WorkersResult {
  workers: number;
  /** False for the baseline run whose dream gathers in its own job. */
  fan_out: boolean;
  enqueue_to_done_ms: number;
  dream_elapsed_ms: number;
  batches: number;
  /** From the first batch queued to the last one ended (mirror table times). */
  gather_span_ms: number;
  /** CPU time (user + system) of all the worker processes, from start to stop. */
  workers_cpu_ms: number;
  /** Distinct worker processes that ran a gather batch. */
  batch_workers: number;
  cache_hits: number;
  cache_misses: number;
  changes: number;
}

/** One dream over all imported sessions (a new store), run by `n` worker processes; the cache emptied first. */
async function runWithWorkers(
  url: string,
  bossSchema: string,
  ids: string[],
  n: number,
  batch: number,
  fanOut = true,
): Promise<WorkersResult> {
  const { Reverie, enqueueDream, openQueue } = await import('../src/service/index.js');
  const svc = await Reverie.open({ db: url, defaultSessionLimit: 100_000 });
  const storage = storageOf(svc);
  const pg = (await import('pg')).default;
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query('delete from gather_cache');
  await c.end();
  const store = await svc.createStore({ name: `scale ${n} workers` });
  await storage.attachSessions(store.id, ids, new Date().toISOString());
  const kids = await startWorkers(n, url, bossSchema, batch, fanOut);
  const queue = await openQueue(svc, { backend: 'pgboss', pgboss: { schema: bossSchema } });
  try {
    const t = performance.now();
    const { dream } = await enqueueDream(svc, { memory_store_id: store.id }, { queue });
    for (;;) {
      const j = await storage.getJob({ dream_id: dream.id });
      if (j && (j.state === 'completed' || j.state === 'dead_letter')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const wall = performance.now() - t;
    const d = await svc.getDream(dream.id);
    if (d.status !== 'completed') throw new Error(`dream ${d.id} ended ${d.status}: ${d.error?.message}`);
    const batches = await storage.listJobs({ dream_ids: [dream.id], kinds: ['dream.gather'] });
    const times = (f: (b: (typeof batches)[number]) => string) => batches.map((b) => Date.parse(f(b)));
    return {
      workers: n,
      fan_out: fanOut,
      enqueue_to_done_ms: wall,
      dream_elapsed_ms: d.stats.elapsed_ms ?? 0,
      batches: batches.length,
      gather_span_ms:
        batches.length === 0
          ? 0
          : Math.max(...times((b) => b.updated_at)) - Math.min(...times((b) => b.created_at)),
      workers_cpu_ms: await stopWorkers(kids.splice(0)),
      batch_workers: new Set(batches.map((b) => b.worker_id?.split('#')[0])).size,
      cache_hits: d.stats.cache_hits ?? 0,
      cache_misses: d.stats.cache_misses ?? 0,
      changes: d.stats.changes ?? 0,
    };
  } finally {
    await queue.stop();
    await stopWorkers(kids);
    await svc.close();
  }
}

/** Creates (or drops) the bench's two schemas. */
async function schemas(base: string, names: string[], drop: boolean): Promise<void> {
  const pg = (await import('pg')).default;
  const c = new pg.Client({ connectionString: base });
  await c.connect();
  for (const n of names)
    await c.query(drop ? `drop schema if exists "${n}" cascade` : `create schema "${n}"`);
  await c.end();
}

/** The `--workers` scenario (see the module comment): import once, then one dream per worker count. */
async function workersScenario(tau: string, opt: (name: string) => string | undefined): Promise<void> {
  const base = opt('--pg');
  if (!base) throw new Error('--workers needs --pg postgres://… (the queue is pg-boss)');
  const counts = opt('--workers')!.split(',').map(Number);
  const n = Number(opt('--sessions') ?? 10_000);
  const batch = Number(opt('--gather-batch') ?? 500);
  const tag = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const [dataSchema, bossSchema] = [`bench_scale_${tag}`, `bench_boss_${tag}`];
  const url = `${base}${base.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${dataSchema}`)}`;
  const tmp = mkdtempSync(join(tmpdir(), 'reverie-scale-'));
  await schemas(base, [dataSchema, bossSchema], false);
  const results: WorkersResult[] = [];
  let importMs = 0;
  try {
    repeatTau(tau, Math.ceil(n / 100), join(tmp, 'data'), true);
    process.stderr.write(`bench:scale: importing ${n} distinct sessions into PostgreSQL…\n`);
    const imp = runChild(['--import', url, join(tmp, 'data')]);
    importMs = Number(imp.import_ms);
    const { Reverie } = await import('../src/service/index.js');
    const svc = await Reverie.open({ db: url });
    const ids = await storageOf(svc).storeSessions(String(imp.store));
    await svc.close();
    if (process.argv.includes('--baseline')) {
      process.stderr.write(`bench:scale: ${n} sessions, 1 worker, gather not fanned out…\n`);
      results.push(
        await runWithWorkers(
          url,
          bossSchema,
          ids.map((x) => x.session_id),
          1,
          batch,
          false,
        ),
      );
    }
    for (const w of counts) {
      process.stderr.write(`bench:scale: ${n} sessions, ${w} worker(s)…\n`);
      results.push(
        await runWithWorkers(
          url,
          bossSchema,
          ids.map((x) => x.session_id),
          w,
          batch,
        ),
      );
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    await schemas(base, [dataSchema, bossSchema], true);
  }
  printWorkers(results, n, batch, importMs, opt);
}

function printWorkers(
  results: WorkersResult[],
  n: number,
  batch: number,
  importMs: number,
  opt: (name: string) => string | undefined,
): void {
  if (process.argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify({ sessions: n, gather_batch: batch, results }, null, 2)}\n`);
    return;
  }
  const one = results.find((r) => r.workers === 1 && r.fan_out) ?? results[0]!;
  const lines = [
    `reverie bench:scale --workers (${n} distinct τ-bench sessions; PostgreSQL + pg-boss; gather fanned out in batches of ${batch}; import ${(importMs / 1000).toFixed(0)} s; ${opt('--pg')?.replace(/:[^:@/]*@/, ':…@')})`,
    '',
    "| workers | enqueue → job completed | speed-up vs 1 | gather batches | batches queued → last ended | consolidating dream | workers' CPU | dream cache hits / misses | changes |",
    '|---|---|---|---|---|---|---|---|---|',
    ...results.map(
      (r) =>
        `| ${r.workers}${r.fan_out ? '' : ' (not fanned out)'} | ${(r.enqueue_to_done_ms / 1000).toFixed(1)} s | ${(one.enqueue_to_done_ms / r.enqueue_to_done_ms).toFixed(2)}× | ${r.batches} (${r.batch_workers}) | ${(r.gather_span_ms / 1000).toFixed(1)} s | ${(r.dream_elapsed_ms / 1000).toFixed(1)} s | ${(r.workers_cpu_ms / 1000).toFixed(0)} s | ${r.cache_hits} / ${r.cache_misses} | ${r.changes} |`,
    ),
  ];
  lines.push(
    '',
    `load average at the end: ${loadavg()
      .map((x) => x.toFixed(1))
      .join(
        ', ',
      )} on ${availableParallelism()} cores (other jobs share the machine; a worker can only go faster where a core is free)`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}

function runChild(args: string[]): Record<string, number | string> {
  const out = execFileSync(process.execPath, [here, ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  return JSON.parse(out.trim().split('\n').pop()!);
}

/** Peak RSS target of issue 10 at 100,000 sessions (MiB). */
const RSS_TARGET_MIB = 1024;

/**
 * The issue's checks: from each size to the next, time growing no worse than linearly (time ratio ≤
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
  if (args[0] === '--pg-worker') return childWorker(args[1]!, args[2]!, Number(args[3]), args[4] === 'off');
  const opt = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
  const tau = join(
    resolve(opt('--data') ?? resolve(repo, '../shared/data')),
    'tau-bench/airline-gpt-4o.trials-0-1.json',
  );
  if (opt('--workers')) return workersScenario(tau, opt);
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
