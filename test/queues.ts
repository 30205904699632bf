/**
 * The job-queue backends the worker and schedule suites loop over: the embedded queue on SQLite
 * always; the embedded queue on PostgreSQL and pg-boss when REVERIE_TEST_PG_URL is set (required under CI=true, see
 * dialects.ts). Each `open()` gets a fresh storage and (pg-boss) a fresh schema of its own, dropped by
 * `close()`; retries and polls are short so that the suites run in seconds.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Change } from '../src/domain/index.js';
import type { DreamEngine } from '../src/dream/index.js';
import { DREAM_QUEUE, type JobHandler, type JobQueue, openJobQueue } from '../src/schedule/index.js';
import { Reverie } from '../src/service/index.js';
import type { Storage } from '../src/storage/index.js';
import { TAU } from './data.js';
import { DIALECTS, PG_URL } from './dialects.js';

/** A fresh service and a started queue over it. */
export interface QueueEnv {
  svc: Reverie;
  storage: Storage;
  /** Opens another queue handle on the same backend (e.g. for a second worker). */
  queue(): Promise<JobQueue>;
  /**
   * Takes the next queued job as a worker that then dies at once (never heartbeats nor ends it), and
   * marks its dream running as that worker's runner would have (not with `keepDream`: a gather batch's
   * worker leaves the dream alone). Open a {@link QueueEnv.queue} first.
   * @returns the dream id of the job taken.
   */
  ghostClaim(opts?: { keepDream?: boolean }): Promise<string>;
  close(): Promise<void>;
}

/** A named backend. */
export interface TestQueueBackend {
  name: string;
  backend: 'local' | 'pgboss';
  open(opts?: {
    engines?: Partial<Record<'offline' | 'llm', DreamEngine>>;
    maxAttempts?: number;
  }): Promise<QueueEnv>;
}

const pgDialect = DIALECTS.find((d) => d.name === 'postgres');

/** The embedded queue over a storage dialect (its table in the same database). */
const localOn = (dialect: (typeof DIALECTS)[number]): TestQueueBackend => ({
  name: `embedded queue, ${dialect.name === 'sqlite' ? 'SQLite' : 'PostgreSQL'}`,
  backend: 'local',
  async open(opts = {}) {
    const storage = await dialect.open();
    const svc = new Reverie({ storage, engines: opts.engines });
    const queues: JobQueue[] = [];
    return {
      svc,
      storage,
      async queue() {
        const q = await openJobQueue(storage, {
          backend: 'local',
          local: { pollMs: 50, leaseMs: 5_000, backoffBaseMs: 50, maxAttempts: opts.maxAttempts },
        });
        queues.push(q);
        return q;
      },
      async ghostClaim(o = {}) {
        const now = Date.now();
        const job = await storage.claimJob({
          worker_id: 'ghost',
          now: new Date(now).toISOString(),
          lease_until: new Date(now + 300).toISOString(),
        });
        if (!job) throw new Error('no job to claim');
        if (!o.keepDream) await storage.updateDreamIf(job.dream_id, ['pending'], { status: 'running' });
        return job.dream_id;
      },
      async close() {
        for (const q of queues) await q.stop();
        await storage.close();
      },
    };
  },
});
const pgboss: TestQueueBackend | null =
  PG_URL && pgDialect
    ? {
        name: 'pg-boss, PostgreSQL',
        backend: 'pgboss',
        async open(opts = {}) {
          const url: string = PG_URL ?? '';
          const storage = await pgDialect.open();
          const svc = new Reverie({ storage, engines: opts.engines, location: url });
          const schema = `rt_${Date.now().toString(36)}_${randomBytes(5).toString('hex')}b`;
          const queues: JobQueue[] = [];
          return {
            svc,
            storage,
            async queue() {
              const q = await openJobQueue(storage, {
                backend: 'pgboss',
                connectionString: url,
                pgboss: { schema, pollSeconds: 0.5, backoffBaseMs: 1_000, maxAttempts: opts.maxAttempts },
              });
              queues.push(q);
              return q;
            },
            async ghostClaim(o = {}) {
              const { PgBoss } = await import('pg-boss');
              const boss = new PgBoss({ connectionString: url, schema, supervise: false, schedule: false });
              boss.on('error', () => {});
              await boss.start();
              const [job] = await boss.fetch<{ dream_id: string }>(DREAM_QUEUE);
              await boss.stop({ graceful: false });
              if (!job) throw new Error('no job to claim');
              if (!o.keepDream)
                await storage.updateDreamIf(job.data.dream_id, ['pending'], { status: 'running' });
              return job.data.dream_id;
            },
            async close() {
              for (const q of queues) await q.stop();
              await storage.close();
              const c = new pg.Client({ connectionString: url });
              await c.connect();
              await c.query(`drop schema if exists "${schema}" cascade`);
              await c.end();
            },
          };
        },
      }
    : null;

/** The queue backends available here. */
export const QUEUE_BACKENDS: TestQueueBackend[] = [
  localOn(DIALECTS[0]!),
  ...(pgDialect ? [localOn(pgDialect)] : []),
  ...(pgboss ? [pgboss] : []),
];

/** Polls `fn` every 50 ms until it returns a truthy value; fails naming `what` after `ms`. */
export async function until<T>(
  what: string,
  ms: number,
  fn: () => Promise<T | undefined | false>,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** What a change proposes, without the ids of the dream that proposed it. */
export const proposal = (c: Change) => ({
  op: c.op,
  path: c.path,
  to_path: c.to_path,
  before: c.before,
  after: c.after,
  kind: c.kind,
  reason: c.reason,
  confidence: c.confidence,
  support: c.support,
  evidence: c.evidence,
});

/**
 * The τ-bench airline dream run in the foreground, unbatched, on a fresh `backend` (cold gather cache):
 * its proposals ({@link proposal}) and the session ids it read. The backend is closed again.
 */
export async function unbatchedTauDream(
  backend: TestQueueBackend,
): Promise<{ proposals: ReturnType<typeof proposal>[]; session_ids: string[] }> {
  const plain = await backend.open();
  try {
    const session_ids = (await plain.svc.importSessions([TAU])).session_ids;
    const store = await plain.svc.createStore({ name: 'airline' });
    const d = await plain.svc.createDream({ memory_store_id: store.id, session_ids });
    await plain.svc.runDream(d.id);
    return { proposals: (await plain.svc.listChanges(d.id)).map(proposal), session_ids };
  } finally {
    await plain.close();
  }
}

/** `q` with its handler wrapped by `wrap` (e.g. to slow or record attempts); everything else as `q`. */
export function wrapHandler(q: JobQueue, wrap: (h: JobHandler) => JobHandler): JobQueue {
  return {
    backend: q.backend,
    enqueue: (r) => q.enqueue(r),
    wake: (j) => q.wake(j),
    stop: () => q.stop(),
    work: (h, o) => q.work(wrap(h), o),
  };
}
