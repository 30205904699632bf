/**
 * The scale-out job queue: pg-boss 12 (https://github.com/timgit/pg-boss, docs https://pgboss.io) on
 * PostgreSQL, so that `reverie worker` processes on many machines share the queue. Dreams go to the
 * queue `reverie-dreams` under the `singleton` policy (one active job per singleton key: `store:<id>` for
 * `update_existing` dreams, `dream:<id>` otherwise), with pg-boss's own heartbeats
 * (`heartbeatSeconds`, default 10: a worker killed mid-dream is failed by pg-boss's supervisor and the
 * job retried on its next pass, `superviseSeconds`, default 5), retries with exponential backoff
 * (`retryBackoff`; pg-boss applies it to an abandoned job too, so the base here defaults to 2 s, keeping
 * a killed worker's dream retried within about 20 s), and a dead-letter queue `reverie-dreams-dead`
 * after `maxAttempts`.
 *
 * pg-boss keeps its tables in its own schema (`pgboss` by default). Every job is mirrored into
 * reverie's `dream_jobs` table (state, attempt, last error), which is what `reverie dreams list` reads
 * on both backends.
 */
import { hostname } from 'node:os';
import type { Job, PgBoss as PgBossType, WorkOptions as PgWorkOptions } from 'pg-boss';
import { ConflictError, type DreamJob, newId, ReverieError } from '../../domain/index.js';
import type { Storage } from '../../storage/index.js';
import type { EnqueueRequest, JobHandler, JobQueue, RetryOptions, WorkOptions } from '../port.js';

/** Options of {@link PgBossJobQueue}. */
export interface PgBossQueueOptions extends RetryOptions {
  /** PostgreSQL connection string (`postgres://…`). */
  connectionString: string;
  /** Schema of pg-boss's tables. Default `pgboss`. */
  schema?: string;
  /** Seconds between a running job's heartbeats are due (pg-boss minimum 10). Default 10. */
  heartbeatSeconds?: number;
  /** Seconds between pg-boss supervisor passes (lost heartbeats, retries). Default 5. */
  superviseSeconds?: number;
  /** Seconds an idle worker waits between polls (≥ 0.5). Default 1. */
  pollSeconds?: number;
}

/** The dream queue's name. */
export const DREAM_QUEUE = 'reverie-dreams';
/** The dead-letter queue's name. */
export const DEAD_LETTER_QUEUE = 'reverie-dreams-dead';

interface JobData {
  job_id: string;
  dream_id: string;
  /** Attempts used before this pg-boss job (a deferred job is sent anew; its retry count starts at 0). */
  attempt_base?: number;
}

/** The pg-boss queue (see the module comment). Call {@link PgBossJobQueue.start} before use. */
export class PgBossJobQueue implements JobQueue {
  readonly backend = 'pgboss' as const;
  readonly #storage: Storage;
  readonly #o: PgBossQueueOptions;
  #boss: PgBossType | null = null;

  constructor(storage: Storage, opts: PgBossQueueOptions) {
    this.#storage = storage;
    this.#o = opts;
  }

  get #maxAttempts(): number {
    return this.#o.maxAttempts ?? 3;
  }

  /**
   * Connects, installs or migrates pg-boss's schema, and creates the two queues when missing.
   * @throws ReverieError(`internal_error`) when PostgreSQL cannot be reached.
   */
  async start(): Promise<this> {
    if (this.#boss) return this;
    const { PgBoss } = await import('pg-boss');
    const boss = new PgBoss({
      connectionString: this.#o.connectionString,
      schema: this.#o.schema ?? 'pgboss',
      superviseIntervalSeconds: this.#o.superviseSeconds ?? 5,
      monitorIntervalSeconds: this.#o.superviseSeconds ?? 5,
    });
    boss.on('error', () => {}); // reported per call; an idle connection's error must not crash the worker
    try {
      await boss.start();
      const retry = {
        retryLimit: this.#maxAttempts - 1,
        retryDelay: Math.max(1, Math.round((this.#o.backoffBaseMs ?? 2_000) / 1000)),
        retryBackoff: true,
        retryDelayMax: Math.round((this.#o.backoffMaxMs ?? 300_000) / 1000),
      };
      if (!(await boss.getQueue(DEAD_LETTER_QUEUE))) await boss.createQueue(DEAD_LETTER_QUEUE);
      if (!(await boss.getQueue(DREAM_QUEUE)))
        await boss.createQueue(DREAM_QUEUE, {
          policy: 'singleton',
          heartbeatSeconds: this.#o.heartbeatSeconds ?? 10,
          deadLetter: DEAD_LETTER_QUEUE,
          ...retry,
        });
    } catch (e) {
      await boss.stop({ graceful: false }).catch(() => {});
      throw new ReverieError(
        'internal_error',
        `cannot start pg-boss: ${(e as Error).message}`,
        {},
        { cause: e },
      );
    }
    this.#boss = boss;
    return this;
  }

  #started(): PgBossType {
    if (!this.#boss) throw new ReverieError('internal_error', 'the pg-boss queue is not started');
    return this.#boss;
  }

  async enqueue(req: EnqueueRequest): Promise<DreamJob> {
    const boss = this.#started();
    const kind = req.kind ?? 'dream';
    if (kind === 'dream' && (await this.#storage.getJob({ dream_id: req.dream_id })))
      throw new ConflictError(`dream ${req.dream_id} is already queued`, { dream_id: req.dream_id });
    const now = new Date().toISOString();
    const job: DreamJob = {
      type: 'dream_job',
      id: newId('job'),
      ...req,
      kind,
      batch: req.batch ?? null,
      backend: 'pgboss',
      state: 'queued',
      attempts: 0,
      max_attempts: this.#maxAttempts,
      run_after: now,
      lease_until: null,
      worker_id: null,
      queue_job_id: null,
      last_error: null,
      created_at: now,
      updated_at: now,
    };
    await this.#storage.insertJob(job);
    const data: JobData = { job_id: job.id, dream_id: req.dream_id };
    let qid: string | null;
    try {
      qid = await boss.send(DREAM_QUEUE, data, {
        singletonKey: req.singleton_key,
        group: { id: req.workspace_id },
      });
      if (!qid)
        throw new ConflictError(`pg-boss did not queue dream ${req.dream_id}`, { dream_id: req.dream_id });
    } catch (e) {
      // never leave a row that no worker will ever take
      const message = `could not be queued: ${(e as Error).message}`;
      await this.#storage.updateJob(job.id, {
        state: 'dead_letter',
        last_error: { type: 'queue_error', message },
      });
      throw e;
    }
    await this.#storage.updateJob(job.id, { queue_job_id: qid });
    return { ...job, queue_job_id: qid };
  }

  async work(handler: JobHandler, opts: WorkOptions = {}): Promise<void> {
    const boss = this.#started();
    const workerId = opts.worker_id ?? `${hostname()}:${process.pid}`;
    const options: PgWorkOptions = {
      localConcurrency: Math.max(1, Math.floor(opts.concurrency ?? 1)),
      pollingIntervalSeconds: this.#o.pollSeconds ?? 1,
      batchSize: 1,
      ...(opts.group_concurrency ? { groupConcurrency: Math.floor(opts.group_concurrency) } : {}),
    };
    await boss.work<JobData>(DREAM_QUEUE, options, async (jobs: Job<JobData>[]) => {
      for (const j of jobs) await this.#attempt(handler, j, workerId);
    });
    // Jobs pg-boss dead-letters: after a thrown last attempt the mirror says so already; after a last
    // attempt whose worker died (heartbeat lost) only this handler learns of it.
    await boss.work<JobData>(
      DEAD_LETTER_QUEUE,
      { pollingIntervalSeconds: options.pollingIntervalSeconds },
      async (jobs) => {
        for (const j of jobs) await this.#deadLettered(j, opts.onAbandoned);
      },
    );
  }

  /** A job in the dead-letter queue: marks its mirror, and reports it abandoned if no attempt ended it. */
  async #deadLettered(j: Job<JobData>, onAbandoned: WorkOptions['onAbandoned']): Promise<void> {
    const job = await this.#storage.getJob({ id: j.data.job_id });
    if (!job || job.state === 'dead_letter' || job.state === 'completed' || job.state === 'canceled') return;
    const last_error = {
      type: 'worker_lost',
      message: `the worker running attempt ${job.attempts} stopped before it ended (heartbeat lost)`,
    };
    await this.#storage.updateJob(job.id, { state: 'dead_letter', last_error });
    await onAbandoned?.({ ...job, state: 'dead_letter', last_error });
  }

  /** One pg-boss delivery: mirrors it into `dream_jobs`, runs the handler, mirrors the end. */
  async #attempt(handler: JobHandler, j: Job<JobData>, workerId: string): Promise<void> {
    const attempts = (j.data.attempt_base ?? 0) + j.retryCount + 1;
    const last = attempts >= this.#maxAttempts;
    await this.#storage.updateJob(j.data.job_id, {
      state: 'active',
      attempts,
      worker_id: workerId,
      queue_job_id: j.id,
    });
    const job = await this.#storage.getJob({ id: j.data.job_id });
    if (!job) throw new ReverieError('internal_error', `pg-boss job ${j.id}: no dream job ${j.data.job_id}`);
    try {
      const end = await handler({ job, last_attempt: last });
      if (typeof end === 'object') await this.#defer(job, end.defer_ms);
      else await this.#storage.updateJob(job.id, { state: end, last_error: null });
    } catch (e) {
      const err = ReverieError.isInstance(e)
        ? { type: e.type, message: e.message }
        : { type: 'internal_error', message: (e as Error)?.message ?? String(e) };
      await this.#storage.updateJob(job.id, { state: last ? 'dead_letter' : 'retry', last_error: err });
      throw e;
    }
  }

  /**
   * Runs a job again after `ms` without counting the attempt: a new pg-boss job (same singleton key and
   * group, starting after the delay, with the retries left) replaces the one now completing. A dream
   * waiting for its gather batches defers with a growing delay (fan-out.ts), so it makes a few such
   * jobs however long it waits, and its last batch pulls the newest one forward
   * ({@link PgBossJobQueue.wake}).
   */
  async #defer(job: DreamJob, ms: number): Promise<void> {
    const base = job.attempts - 1;
    const data: JobData = { job_id: job.id, dream_id: job.dream_id, attempt_base: base };
    const qid = await this.#started().send(DREAM_QUEUE, data, {
      singletonKey: job.singleton_key,
      group: { id: job.workspace_id },
      startAfter: new Date(Date.now() + Math.max(0, ms)),
      retryLimit: Math.max(0, this.#maxAttempts - 1 - base),
    });
    if (!qid) throw new ReverieError('internal_error', `pg-boss did not queue dream job ${job.id} again`);
    await this.#storage.updateJob(job.id, { state: 'queued', attempts: base, queue_job_id: qid });
  }

  /** Pulls the deferred pg-boss job of `job` forward to now (pg-boss `update` with `startAfter: 0`). */
  async wake(job: DreamJob): Promise<boolean> {
    const cur = await this.#storage.getJob({ id: job.id });
    if (cur?.state !== 'queued' || !cur.queue_job_id) return false;
    const r = await this.#started().update(DREAM_QUEUE, undefined, { id: cur.queue_job_id, startAfter: 0 });
    return r.updated > 0;
  }

  async stop(): Promise<void> {
    const boss = this.#boss;
    this.#boss = null;
    if (boss) await boss.stop({ graceful: true, timeout: 30_000 });
  }
}
