/**
 * The job-queue port (shared/DESIGN.md "schedule/"): dreams are jobs; a queue hands each to one worker
 * at a time under a lease kept alive by heartbeats, retries a failed or abandoned attempt with
 * exponential backoff, and after `max_attempts` failures parks it in the dead-letter state. Two
 * backends, each in its own folder: `local/` (a table in the same database; nothing to start) and
 * `pgboss/` (pg-boss 12 on PostgreSQL). Both record every job in the `dream_jobs` table, which is what
 * `reverie dreams list` shows.
 */
import {
  type ApplyMode,
  type DreamJob,
  type GatherBatch,
  type JobBackend,
  type JobKind,
  ReverieError,
} from '../domain/index.js';

/** What to enqueue: one pending dream, or one gather batch of it (`kind: 'dream.gather'`). */
export interface EnqueueRequest {
  /** Default `dream`. */
  kind?: JobKind;
  dream_id: string;
  /** The sessions of a `dream.gather` job (required for one, absent otherwise). */
  batch?: GatherBatch | null;
  /** The dream's workspace: the group of the per-workspace concurrency limit. */
  workspace_id: string;
  memory_store_id: string;
  /** Jobs with the same key never run at once (`store:<id>` for `update_existing` dreams). */
  singleton_key: string;
  /** After completion: `auto` applies what the store policy and the do-no-harm gate allow. */
  apply: ApplyMode;
}

/** One attempt of a job, as a handler receives it. */
export interface JobAttempt {
  job: DreamJob;
  /** True when a failure of this attempt sends the job to the dead-letter state (no retry left). */
  last_attempt: boolean;
}

/**
 * True for an error no retry can mend (a {@link ReverieError} whose `details.retryable` is `false`, e.g.
 * a dream whose input store changed after it was created): both backends dead-letter the job on the
 * attempt that threw it instead of retrying with backoff.
 */
export function isPermanentJobError(e: unknown): boolean {
  return ReverieError.isInstance(e) && e.details.retryable === false;
}

/**
 * How an attempt ended: `completed`; `canceled` (its dream was canceled); or `{defer_ms}`: not yet —
 * run the job again after `defer_ms` milliseconds without counting this attempt (a dream waiting for
 * its gather batches; the worker slot is free meanwhile).
 */
export type JobEnd = 'completed' | 'canceled' | { defer_ms: number };

/**
 * Runs one attempt. Resolve with how the job ended ({@link JobEnd}); throw to fail the attempt (retried
 * with backoff, or dead-lettered on the last attempt or at once for {@link isPermanentJobError}).
 */
export type JobHandler = (attempt: JobAttempt) => Promise<JobEnd>;

/** Options of {@link JobQueue.work}. */
export interface WorkOptions {
  /** Jobs this process runs at once. Default 1. */
  concurrency?: number;
  /** Names this worker in `dream_jobs.worker_id` (default: host name and process id). */
  worker_id?: string;
  /**
   * Per-workspace concurrency limit: at most this many jobs (dreams and gather batches) of one workspace
   * run at once across all workers that pass it, so that one workspace's big dream leaves slots for
   * another's (pg-boss `groupConcurrency`; the same rule embedded). Default: no limit.
   */
  group_concurrency?: number | null;
  /**
   * Called when a job reaches the dead-letter state without its handler ending it: every attempt's
   * worker died (lease or heartbeat lost). The worker ends the dream there, so that none stays `running`.
   */
  onAbandoned?: (job: DreamJob) => Promise<void>;
  /**
   * Told of an error the queue recovers from by trying again (a claim that failed, e.g. a busy or lost
   * database connection), for a log line. Default: none (the error is only retried).
   */
  onError?: (e: WorkerError) => void;
}

/** An error a worker or queue recovered from by trying again later: where it happened and its message. */
export interface WorkerError {
  /** `claim`: taking the next job; `schedules`: evaluating schedules. */
  where: 'claim' | 'schedules';
  message: string;
}

/** A job queue backend (see the module comment). */
export interface JobQueue {
  readonly backend: JobBackend;
  /** Queues a dream or a gather batch. @throws ConflictError if that dream (or batch) already has a job. */
  enqueue(req: EnqueueRequest): Promise<DreamJob>;
  /** Starts taking jobs and running `handler` on them; resolves once started. */
  work(handler: JobHandler, opts?: WorkOptions): Promise<void>;
  /**
   * Makes a deferred job (`queued`, waiting for the time its last attempt deferred it to) runnable now:
   * a dream whose last gather batch just ended. A job in any other state is left alone.
   * @returns whether the job was waiting and now is due.
   */
  wake(job: DreamJob): Promise<boolean>;
  /** Stops taking jobs and waits for the running attempts to end; releases connections. */
  stop(): Promise<void>;
}

/** Retry settings every backend takes. */
export interface RetryOptions {
  /** Attempts before the dead-letter state. Default 3. */
  maxAttempts?: number;
  /** Delay before the first retry, in ms; doubled on each further retry. Default 5,000. */
  backoffBaseMs?: number;
  /** Upper bound of the retry delay, in ms. Default 300,000. */
  backoffMaxMs?: number;
}

/**
 * Exponential backoff without jitter: `base · 2^(attempt−1)`, capped at `max` (ms), for the retry after
 * attempt number `attempt` (1-based). The usual scheme (e.g. AWS Architecture Blog, "Exponential
 * Backoff and Jitter", 2015); jitter is left out because one job is retried by one queue.
 */
export function backoffMs(attempt: number, base: number, max: number): number {
  return Math.min(max, base * 2 ** Math.max(0, attempt - 1));
}
