/**
 * `npm run bench:api` — the HTTP API under load (issue 9 "Performance"): a `reverie serve` process on
 * SQLite with a store of 10,000 memories, driven by autocannon (https://github.com/mcollina/autocannon)
 * from this process with 50 concurrent connections: memory retrieve, update (content changes, so each
 * request writes a version) and create (into a second store, since the first is at the 10,000 cap);
 * and, in the same run, plain Hono on @hono/node-server returning a constant — the framework's own
 * ceiling on this machine. Prints requests/s and latency percentiles (ms) per scenario, and the server
 * process's CPU time per request (user + system, from /proc/<pid>/stat on Linux; clock ticks of 10 ms,
 * so over thousands of requests): unlike latency and throughput, it hardly moves with what else the
 * machine runs, so it compares builds on a shared machine. The load average is printed beside.
 * Target (issue 9): p99 < 5 ms for create, update and retrieve.
 *
 * Usage: node dist/bench/api.js [--seconds N] [--connections N] [--json]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { storageOf } from '../src/service/internal.js';

const here = fileURLToPath(import.meta.url);
const repo = resolve(here, '../../..');
const MAIN = join(repo, 'dist/src/cli/main.js');

/** What autocannon reports (the fields used here). */
interface CannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p90: number; p99: number; max: number };
  non2xx: number;
  errors: number;
}
interface CannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (req: CannonRequest) => CannonRequest;
}
type Cannon = (opts: {
  url: string;
  connections: number;
  duration: number;
  headers?: Record<string, string>;
  requests?: CannonRequest[];
}) => Promise<CannonResult>;

/** One scenario's figures. */
interface Row {
  scenario: string;
  req_per_s: number;
  p50_ms: number;
  p90_ms: number;
  p99_ms: number;
  max_ms: number;
  non_2xx: number;
  errors: number;
  /** The server process's CPU time per request (ms), or null where /proc is not available. */
  server_cpu_ms_per_req: number | null;
}

/** CPU time (user + system, ms) a process has used so far, from /proc (Linux), or null elsewhere. */
function cpuMs(pid: number | undefined): number | null {
  try {
    // fields after the command name: state is field 3, utime 14 and stime 15 (proc(5)); ticks of 1/100 s
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return null;
  }
}

/** Child mode `--constant`: plain Hono answering every request with a constant; prints its port. */
async function constantServer(): Promise<void> {
  const { Hono } = await import('hono');
  const { serve } = await import('@hono/node-server');
  const app = new Hono();
  app.all('*', (c) => c.json({ ok: true }));
  serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
    process.stdout.write(`listening on http://127.0.0.1:${info.port}\n`);
  });
}

/** Spawns a server child and resolves with its base URL (the first `http://127.0.0.1:N` it prints). */
function start(args: string[], children: ChildProcess[]): Promise<string> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((res, rej) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) res(m[1]!);
    });
    child.on('exit', (code) => rej(new Error(`server exited (${code}): ${out}`)));
  });
}

/** Seeds the database: a key, a store of 10,000 memories, an empty store for creates. */
async function seed(db: string) {
  const { Reverie } = await import('../src/service/index.js');
  const svc = await Reverie.open({ db });
  try {
    const { key } = await svc.keys.createKey({ name: 'bench' });
    const full = await svc.createStore({ name: 'bench: 10,000 memories' });
    const ids: string[] = [];
    await storageOf(svc).transaction(async (tx) => {
      for (let i = 0; i < 10_000; i++) {
        const m = await tx.createMemory(
          full.id,
          `/bench/${String(i).padStart(5, '0')}.md`,
          `# Memory ${i}\n\nSome remembered fact number ${i}.\n`,
          { actor: { type: 'api_actor', id: 'bench' } },
        );
        ids.push(m.id);
      }
    });
    const empty = await svc.createStore({ name: 'bench: creates' });
    return { key, full: full.id, empty: empty.id, ids };
  } finally {
    await svc.close();
  }
}

function row(scenario: string, r: CannonResult, cpu: number | null): Row {
  return {
    scenario,
    req_per_s: Math.round(r.requests.average),
    p50_ms: r.latency.p50,
    p90_ms: r.latency.p90,
    p99_ms: r.latency.p99,
    max_ms: r.latency.max,
    non_2xx: r.non2xx,
    errors: r.errors,
    server_cpu_ms_per_req:
      cpu === null ? null : Math.round((cpu / Math.max(1, r.requests.total)) * 1000) / 1000,
  };
}

/** Prints the figures as a table, or as JSON. */
function printRows(
  r: { seconds: number; connections: number; seedMs: number; rows: Row[] },
  asJson: boolean,
): void {
  const { seconds, connections, seedMs, rows } = r;
  if (asJson) {
    process.stdout.write(
      `${JSON.stringify({ seconds, connections, seed_ms: seedMs, load_average: loadavg()[0], rows }, null, 2)}\n`,
    );
    return;
  }
  process.stdout.write(
    `SQLite, store of 10,000 memories (seeded in ${(seedMs / 1000).toFixed(1)} s); ${connections} connections, ${seconds} s per scenario; load average ${loadavg()[0].toFixed(1)}\n`,
  );
  process.stdout.write(
    'scenario                 req/s    p50 ms  p90 ms  p99 ms  max ms  non-2xx  server CPU ms/req\n',
  );
  for (const x of rows)
    process.stdout.write(
      `${x.scenario.padEnd(22)} ${String(x.req_per_s).padStart(7)} ${String(x.p50_ms).padStart(8)} ${String(x.p90_ms).padStart(7)} ${String(x.p99_ms).padStart(7)} ${String(x.max_ms).padStart(7)} ${String(x.non_2xx).padStart(8)}  ${String(x.server_cpu_ms_per_req ?? '–').padStart(17)}\n`,
    );
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--constant') return constantServer();
  const num = (flag: string, dflt: number) =>
    args.includes(flag) ? Number(args[args.indexOf(flag) + 1]) : dflt;
  const seconds = num('--seconds', 10);
  const connections = num('--connections', 50);
  const autocannon = createRequire(import.meta.url)('autocannon') as Cannon;
  const dir = mkdtempSync(join(tmpdir(), 'reverie-bench-api-'));
  const children: ChildProcess[] = [];
  try {
    const db = join(dir, 'api.db');
    const t0 = performance.now();
    const s = await seed(db);
    const seedMs = performance.now() - t0;
    const api = await start([MAIN, '--db', db, 'serve', '--port', '0'], children);
    const constant = await start([here, '--constant'], children);
    const headers = {
      'x-api-key': s.key,
      'anthropic-version': '2023-06-01',
      'content-type': 'application/json',
    };
    const pick = () => s.ids[Math.floor(Math.random() * s.ids.length)]!;
    const base = `/v1/memory_stores/${s.full}/memories`;
    let n = 0;
    const [apiPid, constantPid] = children.map((c) => c.pid);
    /** One scenario against the server at `url` (process `pid`): its figures and that server's CPU per request. */
    const run = async (
      scenario: string,
      url: string,
      pid: number | undefined,
      requests?: CannonRequest[],
    ) => {
      const before = cpuMs(pid);
      const r = await autocannon({ url, connections, duration: seconds, headers, requests });
      const after = cpuMs(pid);
      return row(scenario, r, before === null || after === null ? null : after - before);
    };
    // warm-up (untimed): both servers load their modules and compile the hot paths first
    await autocannon({ url: constant, connections: 10, duration: 2, headers });
    await autocannon({
      url: api,
      connections: 10,
      duration: 3,
      headers,
      requests: [{ method: 'GET', setupRequest: (r) => ({ ...r, path: `${base}/${pick()}` }) }],
    });
    const rows: Row[] = [];
    rows.push(await run('plain Hono, constant', constant, constantPid));
    rows.push(
      await run('memory retrieve', api, apiPid, [
        { method: 'GET', setupRequest: (r) => ({ ...r, path: `${base}/${pick()}` }) },
      ]),
    );
    rows.push(
      await run('memory update', api, apiPid, [
        {
          method: 'POST',
          setupRequest: (r) => ({
            ...r,
            path: `${base}/${pick()}`,
            body: JSON.stringify({ content: `updated ${n++}\n` }),
          }),
        },
      ]),
    );
    rows.push(
      await run('memory create', api, apiPid, [
        {
          method: 'POST',
          path: `/v1/memory_stores/${s.empty}/memories`,
          setupRequest: (r) => ({
            ...r,
            body: JSON.stringify({ path: `/new/${n++}.md`, content: 'created\n' }),
          }),
        },
      ]),
    );
    printRows({ seconds, connections, seedMs, rows }, args.includes('--json'));
  } finally {
    for (const c of children) c.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
