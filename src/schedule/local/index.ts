/**
 * The embedded job queue: the `dream_jobs` table in reverie's own database (SQLite by default) and
 * in-process worker loops; nothing to start. A worker claims the oldest runnable job with a
 * compare-and-set under a lease (`leaseMs`, default 20 s) that it renews every `heartbeatMs`; a worker
 * killed mid-dream stops renewing, its lease lapses, and any worker polling the table (every `pollMs`)
 * takes the job again as its next attempt — within `leaseMs + pollMs` (about 21 s by default, under 30 s).
 * A failed attempt is retried after an exponential backoff; the `maxAttempts`-th failure parks the job
 * in `dead_letter`. Jobs sharing a singleton key (`store:<id>` for `update_existing` dreams) never run at once.
 */
import { hostname } from 'node:os';
import { ConflictError, type DreamJob, newId, ReverieError } from '../../domain/index.js';
import type { Storage } from '../../storage/index.js';
import {
  backoffMs,
  type EnqueueRequest,
  type JobHandler,
  type JobQueue,
  type RetryOptions,
  type WorkOptions,
} from '../port.js';

/** Options of {@link LocalJobQueue}. */
export interface LocalQueueOptions extends RetryOptions {
  /** Lease a claim takes, in ms. Default 20,000. */
  leaseMs?: number;
  /** Lease renewal interval, in ms. Default a quarter of the lease. */
  heartbeatMs?: number;
  /** Poll interval of an idle worker loop, in ms. Default 1,000. */
  pollMs?: number;
  /** The clock (ms since the epoch). Default `Date.now`. */
  now?: () => number;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Default worker id: `host:pid`. */
export function defaultWorkerId(): string {
  return `${hostname()}:${process.pid}`;
}

/** The embedded queue (see the module comment). */
export class LocalJobQueue implements JobQueue {
  readonly backend = 'local' as const;
  readonly #storage: Storage;
  readonly #o: Required<Omit<LocalQueueOptions, 'heartbeatMs'>> & { heartbeatMs: number };
  #stopping = false;
  #loops: Promise<void>[] = [];
  #wake: (() => void)[] = [];

  constructor(storage: Storage, opts: LocalQueueOptions = {}) {
    this.#storage = storage;
    const leaseMs = opts.leaseMs ?? 20_000;
    this.#o = {
      leaseMs,
      heartbeatMs: opts.heartbeatMs ?? Math.max(50, Math.floor(leaseMs / 4)),
      pollMs: opts.pollMs ?? 1_000,
      now: opts.now ?? Date.now,
      maxAttempts: opts.maxAttempts ?? 3,
      backoffBaseMs: opts.backoffBaseMs ?? 5_000,
      backoffMaxMs: opts.backoffMaxMs ?? 300_000,
    };
  }

  async enqueue(req: EnqueueRequest): Promise<DreamJob> {
    const kind = req.kind ?? 'dream';
    if (kind === 'dream' && (await this.#storage.getJob({ dream_id: req.dream_id })))
      throw new ConflictError(`dream ${req.dream_id} is already queued`, { dream_id: req.dream_id });
    const now = iso(this.#o.now());
    const job: DreamJob = {
      type: 'dream_job',
      id: newId('job'),
      ...req,
      kind,
      batch: req.batch ?? null,
      backend: 'local',
      state: 'queued',
      attempts: 0,
      max_attempts: this.#o.maxAttempts,
      run_after: now,
      lease_until: null,
      worker_id: null,
      queue_job_id: null,
      last_error: null,
      created_at: now,
      updated_at: now,
    };
    await this.#storage.insertJob(job);
    for (const w of this.#wake.splice(0)) w();
    return job;
  }

  async work(handler: JobHandler, opts: WorkOptions = {}): Promise<void> {
    const workerId = opts.worker_id ?? defaultWorkerId();
    const n = Math.max(1, Math.floor(opts.concurrency ?? 1));
    for (let i = 0; i < n; i++) this.#loops.push(this.#loop(handler, `${workerId}#${i}`, opts));
  }

  async wake(job: DreamJob): Promise<boolean> {
    const now = iso(this.#o.now());
    const ok = await this.#storage.updateJob(job.id, { run_after: now }, { states: ['queued'] });
    if (ok) for (const w of this.#wake.splice(0)) w();
    return ok;
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    for (const w of this.#wake.splice(0)) w();
    await Promise.allSettled(this.#loops);
    this.#loops = [];
  }

  async #loop(handler: JobHandler, workerId: string, opts: WorkOptions): Promise<void> {
    while (!this.#stopping) {
      let job: DreamJob | undefined;
      try {
        const now = this.#o.now();
        job = await this.#storage.claimJob({
          worker_id: workerId,
          now: iso(now),
          lease_until: iso(now + this.#o.leaseMs),
          group_limit: opts.group_concurrency ?? null,
        });
      } catch {
        job = undefined; // a busy database: try again on the next poll
      }
      if (job) await this.#attempt(handler, job, workerId, opts.onAbandoned);
      else await this.#sleep(this.#o.pollMs);
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.#wake.push(done);
    });
  }

  /** Runs one claimed attempt with heartbeats, then records its end (guarded by worker and attempt). */
  async #attempt(
    handler: JobHandler,
    job: DreamJob,
    workerId: string,
    onAbandoned?: WorkOptions['onAbandoned'],
  ): Promise<void> {
    const guard = { states: ['active' as const], worker_id: workerId, attempts: job.attempts };
    if (job.attempts > job.max_attempts) {
      // every attempt so far died with its worker (lease lapsed): no attempt left
      await this.#storage.updateJob(
        job.id,
        {
          state: 'dead_letter',
          lease_until: null,
          last_error: job.last_error ?? {
            type: 'worker_lost',
            message: `the worker running attempt ${job.max_attempts} stopped before it ended (lease expired)`,
          },
        },
        guard,
      );
      await onAbandoned?.(job).catch(() => {});
      return;
    }
    const beat = setInterval(() => {
      const until = iso(this.#o.now() + this.#o.leaseMs);
      this.#storage.updateJob(job.id, { lease_until: until }, guard).catch(() => {});
    }, this.#o.heartbeatMs);
    try {
      const end = await handler({ job, last_attempt: job.attempts >= job.max_attempts });
      if (typeof end === 'object') {
        // not yet: back in the queue, this attempt not counted
        const runAfter = iso(this.#o.now() + Math.max(0, end.defer_ms));
        const patch = { state: 'queued' as const, attempts: job.attempts - 1, run_after: runAfter };
        await this.#storage.updateJob(job.id, { ...patch, lease_until: null, worker_id: null }, guard);
      } else
        await this.#storage.updateJob(job.id, { state: end, lease_until: null, last_error: null }, guard);
    } catch (e) {
      const err = ReverieError.isInstance(e)
        ? { type: e.type, message: e.message }
        : { type: 'internal_error', message: (e as Error)?.message ?? String(e) };
      const last = job.attempts >= job.max_attempts;
      const runAfter = this.#o.now() + backoffMs(job.attempts, this.#o.backoffBaseMs, this.#o.backoffMaxMs);
      await this.#storage.updateJob(
        job.id,
        last
          ? { state: 'dead_letter', lease_until: null, last_error: err }
          : { state: 'retry', lease_until: null, run_after: iso(runAfter), last_error: err },
        guard,
      );
    } finally {
      clearInterval(beat);
    }
  }
}
