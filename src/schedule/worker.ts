/**
 * The worker: takes queued dreams from a {@link JobQueue} and runs each through the {@link DreamRunner}
 * (after `prepareAttempt`, so a retried dream starts clean), applies automatically when the job asks
 * for it, and evaluates the stores' schedules on a timer. `reverie worker` runs one; `reverie serve`
 * can embed one (`startEmbeddedWorker` in the service layer). A big dream first fans its gather out
 * as `dream.gather` jobs that any worker runs, and waits deferred until they ended (fan-out.ts); each job
 * runs in its dream's workspace (`WorkerHost.forWorkspace`).
 *
 * A failed attempt that will be retried puts its dream back to `pending` (the error is kept on the
 * job); the last failed attempt leaves the dream `failed` and the job `dead_letter`.
 */
import type { Dream, DreamJob } from '../domain/index.js';
import type { Storage } from '../storage/index.js';
import {
  type FanOutHost,
  type FanOutOptions,
  fanOutGather,
  runGatherBatch,
  wakeGatheredDream,
} from './fan-out.js';
import {
  isPermanentJobError,
  type JobAttempt,
  type JobEnd,
  type JobQueue,
  type WorkerError,
} from './port.js';
import { DreamCanceledError, type DreamRunner } from './runner.js';

/** What a worker needs from the service layer (the service implements it; schedule/ never imports it). */
export interface WorkerHost {
  readonly storage: Storage;
  readonly runner: DreamRunner;
  /** Creates a pending dream with the service's validation, holdout split and version pin. */
  createDream(input: {
    memory_store_id: string;
    session_ids: string[];
    instructions: string | null;
    holdout: number;
  }): Promise<Dream>;
  /** Automatic mode on a completed dream: applies what the store policy and the do-no-harm gate allow. */
  autoApply(dreamId: string): Promise<unknown>;
  /**
   * The same host scoped to workspace `id`: a job runs in its dream's workspace. Absent: every job is
   * taken to be of this host's workspace.
   */
  forWorkspace?(id: string): WorkerHost;
}

/** Options of {@link Worker}. */
export interface WorkerOptions {
  /** Dreams run at once in this process. Default 1. */
  concurrency?: number;
  worker_id?: string;
  /** Interval of schedule evaluation in ms (0: never). Default 30,000. */
  scheduleEveryMs?: number;
  /** Evaluates schedules once (see triggers.ts); called every `scheduleEveryMs`. */
  evaluateSchedules?: () => Promise<unknown>;
  /**
   * Notified of each attempt's end, e.g. for a log line; `batch` is set for a gather batch (0-based).
   * A dream attempt deferred while its gather batches run is not reported.
   */
  onJobEnd?: (e: {
    dream_id: string;
    attempt: number;
    outcome: string;
    error?: string;
    batch?: number;
  }) => void;
  /**
   * Told of an error the worker recovered from by trying again (a schedule evaluation or a job claim
   * that threw), e.g. for a log line. Default: none.
   */
  onError?: (e: WorkerError) => void;
  /** When and how a big dream fans its gather phase out (see fan-out.ts). */
  fanOut?: FanOutOptions;
  /** Per-workspace concurrency limit across workers (see `WorkOptions.group_concurrency`). Default: none. */
  group_concurrency?: number | null;
}

/** A worker over one queue (see the module comment). */
export class Worker {
  readonly #host: WorkerHost;
  readonly #queue: JobQueue;
  readonly #o: WorkerOptions;
  #timer: NodeJS.Timeout | null = null;
  #ticking: Promise<unknown> = Promise.resolve();

  constructor(host: WorkerHost, queue: JobQueue, opts: WorkerOptions = {}) {
    this.#host = host;
    this.#queue = queue;
    this.#o = opts;
  }

  /** Starts taking jobs and, when `evaluateSchedules` is given, evaluating schedules (once at once). */
  async start(): Promise<void> {
    await this.#queue.work((a) => this.runAttempt(a), {
      concurrency: this.#o.concurrency,
      worker_id: this.#o.worker_id,
      group_concurrency: this.#o.group_concurrency,
      onError: this.#o.onError,
      onAbandoned: async (job) => {
        // a lost gather batch leaves its sessions to the dream's own gather
        if (job.kind === 'dream.gather') return;
        const message = job.last_error?.message ?? 'every attempt of this dream lost its worker';
        await this.#hostFor(job).runner.abandon(job.dream_id, message);
        this.#o.onJobEnd?.({
          dream_id: job.dream_id,
          attempt: job.attempts,
          outcome: 'dead_letter',
          error: message,
        });
      },
    });
    const every = this.#o.scheduleEveryMs ?? 30_000;
    const evaluate = this.#o.evaluateSchedules;
    if (evaluate && every > 0) {
      const tick = () => {
        // a failed evaluation is tried again at the next tick; the error is told, never thrown
        const told = (e: unknown) =>
          this.#o.onError?.({ where: 'schedules', message: (e as Error)?.message ?? String(e) });
        this.#ticking = this.#ticking.then(() => evaluate().catch(told));
      };
      tick();
      this.#timer = setInterval(tick, every);
    }
  }

  /** Stops evaluating schedules and taking jobs; waits for running attempts. */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#ticking;
    await this.#queue.stop();
  }

  /** The host of a job's workspace. */
  #hostFor(job: DreamJob): WorkerHost {
    const h = this.#host;
    return job.workspace_id === h.storage.workspace_id || !h.forWorkspace
      ? h
      : h.forWorkspace(job.workspace_id);
  }

  /**
   * Runs one attempt of a queued job (the queue's handler): a gather batch, or a dream — deferred while
   * its gather batches run (see fan-out.ts), else run, then applied automatically when the job asks.
   */
  async runAttempt({ job, last_attempt }: JobAttempt): Promise<JobEnd> {
    const host = this.#hostFor(job);
    const runner = host.runner;
    const report = (outcome: string, error?: string) =>
      this.#o.onJobEnd?.({
        dream_id: job.dream_id,
        attempt: job.attempts,
        outcome,
        error,
        ...(job.batch ? { batch: job.batch.index } : {}),
      });
    const fan: FanOutHost = { storage: host.storage, gatherVersion: (id) => runner.gatherVersion(id) };
    if (job.kind === 'dream.gather') {
      try {
        const end = await runGatherBatch(fan, job);
        report(end);
        if (end === 'completed') await wakeGatheredDream(fan, this.#queue, job).catch(() => false);
        return end;
      } catch (e) {
        report(last_attempt ? 'dead_letter' : 'retry', (e as Error).message);
        throw e;
      }
    }
    const state = await runner.prepareAttempt(job.dream_id);
    if (state === 'canceled') {
      report('canceled');
      return 'canceled';
    }
    if (state === 'run') {
      const ready = await fanOutGather(fan, this.#queue, job, this.#o.fanOut);
      if (ready !== 'ready') return ready;
      try {
        await runner.run(job.dream_id);
      } catch (e) {
        if (e instanceof DreamCanceledError) {
          // another attempt of this job (its lease taken over) may have completed the dream meanwhile
          const now = (await host.storage.getDream(job.dream_id))?.status;
          const end = now === 'completed' ? 'completed' : 'canceled';
          report(end);
          return end;
        }
        // a retry is coming: the dream waits for it as pending (prepareAttempt clears the failed attempt);
        // an error no retry can mend ends the dream failed now
        const final = last_attempt || isPermanentJobError(e);
        if (!final) await runner.prepareAttempt(job.dream_id).catch(() => {});
        report(final ? 'dead_letter' : 'retry', (e as Error).message);
        throw e;
      }
    }
    if (job.apply === 'auto') await host.autoApply(job.dream_id);
    report('completed');
    return 'completed';
  }
}
