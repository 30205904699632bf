/**
 * The worker: takes queued dreams from a {@link JobQueue} and runs each through the {@link DreamRunner}
 * (after `prepareAttempt`, so a retried dream starts clean), applies automatically when the job asks
 * for it, and evaluates the stores' schedules on a timer. `reverie worker` runs one; `reverie serve`
 * can embed one (`startEmbeddedWorker` in the service layer).
 *
 * A failed attempt that will be retried puts its dream back to `pending` (the error is kept on the
 * job); the last failed attempt leaves the dream `failed` and the job `dead_letter`.
 */
import type { Dream } from '../domain/index.js';
import type { Storage } from '../storage/index.js';
import type { JobAttempt, JobQueue } from './port.js';
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
  /** Notified of each attempt's end, e.g. for a log line. */
  onJobEnd?: (e: { dream_id: string; attempt: number; outcome: string; error?: string }) => void;
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
      onAbandoned: async (job) => {
        const message = job.last_error?.message ?? 'every attempt of this dream lost its worker';
        await this.#host.runner.abandon(job.dream_id, message);
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
        this.#ticking = this.#ticking.then(() => evaluate().catch(() => {}));
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

  /** Runs one attempt of a queued dream (the queue's handler). */
  async runAttempt({ job, last_attempt }: JobAttempt): Promise<'completed' | 'canceled'> {
    const runner = this.#host.runner;
    const report = (outcome: string, error?: string) =>
      this.#o.onJobEnd?.({ dream_id: job.dream_id, attempt: job.attempts, outcome, error });
    const state = await runner.prepareAttempt(job.dream_id);
    if (state === 'canceled') {
      report('canceled');
      return 'canceled';
    }
    if (state === 'run') {
      try {
        await runner.run(job.dream_id);
      } catch (e) {
        if (e instanceof DreamCanceledError) {
          // another attempt of this job (its lease taken over) may have completed the dream meanwhile
          const now = (await this.#host.storage.getDream(job.dream_id))?.status;
          const end = now === 'completed' ? 'completed' : 'canceled';
          report(end);
          return end;
        }
        // a retry is coming: the dream waits for it as pending (prepareAttempt clears the failed attempt)
        if (!last_attempt) await runner.prepareAttempt(job.dream_id).catch(() => {});
        report(last_attempt ? 'dead_letter' : 'retry', (e as Error).message);
        throw e;
      }
    }
    if (job.apply === 'auto') await this.#host.autoApply(job.dream_id);
    report('completed');
    return 'completed';
  }
}
