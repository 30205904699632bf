/**
 * Queued dreams for the shells (CLI, HTTP, web): enqueue a dream, list dreams with their jobs, start
 * a worker embedded in a long-running process. The queue itself and the worker live in `schedule/`;
 * this module wires them to the service (`Reverie` for dreams, `ReviewService` for automatic apply).
 */
import {
  type ApplyMode,
  type Dream,
  type DreamJob,
  type DreamSchedule,
  ValidationError,
} from '../domain/index.js';
import { DEFAULT_HOLDOUT } from '../dream/index.js';
import {
  type JobQueue,
  type OpenQueueOptions,
  openJobQueue,
  Worker,
  type WorkerHost,
  type WorkerOptions,
} from '../schedule/index.js';
import type { Page } from '../storage/index.js';
import { storageOf } from './internal.js';
import type { CreateDreamInput, Reverie } from './reverie.js';
import { ReviewService } from './review-service.js';

/** Opens the job queue of a service's database (see `openJobQueue`: pg-boss on PostgreSQL, else the embedded table). */
export function openQueue(svc: Reverie, opts: OpenQueueOptions = {}): Promise<JobQueue> {
  return openJobQueue(storageOf(svc), {
    ...opts,
    connectionString: opts.connectionString ?? (storageOf(svc).dialect === 'postgres' ? svc.location : null),
  });
}

/** The singleton key of a dream's job: one `update_existing` dream per store at a time. */
export function singletonKey(dream: Pick<Dream, 'id' | 'output_behavior' | 'inputs'>): string {
  return dream.output_behavior.type === 'update_existing'
    ? `store:${dream.inputs[0].memory_store_id}`
    : `dream:${dream.id}`;
}

/**
 * Creates a pending dream and queues it; a worker runs it. `apply: 'auto'` holds back
 * {@link DEFAULT_HOLDOUT} of the sessions for the do-no-harm check (unless `holdout` is given) and
 * applies what the policy and the check allow once it completes.
 * @returns the dream (pending) and its job.
 * @throws as {@link Reverie.createDream}; ValidationError for a bad `apply`.
 */
export async function enqueueDream(
  svc: Reverie,
  input: CreateDreamInput,
  opts: { apply?: ApplyMode; queue?: JobQueue; queueOptions?: OpenQueueOptions } = {},
): Promise<{ dream: Dream; job: DreamJob }> {
  const apply = opts.apply ?? 'review';
  if (apply !== 'auto' && apply !== 'review')
    throw new ValidationError(`apply must be auto or review, not ${JSON.stringify(apply)}`, 'apply');
  const dream = await svc.createDream({
    ...input,
    holdout: input.holdout ?? (apply === 'auto' ? DEFAULT_HOLDOUT : 0),
  });
  return { dream, job: await enqueueCreated(svc, dream, { ...opts, apply }) };
}

/**
 * Queues a dream already created (pending) as a job, for a worker to run (see {@link enqueueDream}; the
 * HTTP API creates its dreams with its own checks first).
 * @throws whatever the queue's `enqueue` throws (ConflictError for a held singleton key).
 */
export async function enqueueCreated(
  svc: Reverie,
  dream: Dream,
  opts: { apply?: ApplyMode; queue?: JobQueue; queueOptions?: OpenQueueOptions } = {},
): Promise<DreamJob> {
  const queue = opts.queue ?? (await openQueue(svc, opts.queueOptions));
  try {
    return await queue.enqueue({
      dream_id: dream.id,
      workspace_id: storageOf(svc).workspace_id,
      memory_store_id: dream.inputs[0].memory_store_id,
      singleton_key: singletonKey(dream),
      apply: opts.apply ?? 'review',
    });
  } finally {
    if (!opts.queue) await queue.stop();
  }
}

/** A dream and its job (null when it was run in the foreground). */
export interface DreamWithJob {
  dream: Dream;
  job: Pick<
    DreamJob,
    'id' | 'state' | 'attempts' | 'max_attempts' | 'last_error' | 'backend' | 'apply'
  > | null;
}

/** Dreams, newest first, each with its job's state (`dead_letter` after its last failed attempt). */
export async function listDreamsWithJobs(
  svc: Reverie,
  q: { memory_store_id?: string; limit?: number; include_archived?: boolean } = {},
): Promise<Page<DreamWithJob>> {
  const page = await svc.listDreams({ limit: 100, ...q });
  const jobs = await storageOf(svc).listJobs({ dream_ids: page.data.map((d) => d.id) });
  const byDream = new Map(jobs.map((j) => [j.dream_id, j]));
  return {
    data: page.data.map((dream) => {
      const j = byDream.get(dream.id);
      return {
        dream,
        job: j
          ? {
              id: j.id,
              state: j.state,
              attempts: j.attempts,
              max_attempts: j.max_attempts,
              last_error: j.last_error,
              backend: j.backend,
              apply: j.apply,
            }
          : null,
      };
    }),
    next_page: page.next_page,
  };
}

/**
 * The {@link WorkerHost} of a service: its storage and runner, dream creation, automatic apply, and the
 * same for another workspace (`svc.forWorkspace`), so one worker runs every workspace's jobs.
 */
export function workerHost(svc: Reverie): WorkerHost {
  const review = new ReviewService(svc);
  return {
    storage: storageOf(svc),
    runner: svc.runner,
    createDream: (input) => svc.createDream(input),
    autoApply: (dreamId) => review.autoApply(dreamId),
    forWorkspace: (id) => workerHost(svc.forWorkspace(id)),
  };
}

/** Options of {@link startEmbeddedWorker}. */
export interface EmbeddedWorkerOptions extends Omit<WorkerOptions, 'evaluateSchedules'> {
  /** The queue to take jobs from (default: {@link openQueue} with `queueOptions`). */
  queue?: JobQueue;
  queueOptions?: OpenQueueOptions;
  /** Evaluate the stores' schedules (default true). */
  schedules?: boolean;
  /** The clock schedules are evaluated with (ms since the epoch). Default `Date.now`. */
  now?: () => number;
}

/**
 * Starts a worker in this process (what `reverie worker` runs, and what `reverie serve` can embed): it
 * runs queued dreams and, unless `schedules: false`, evaluates schedules every `scheduleEveryMs`.
 * @returns the worker; `await worker.stop()` before closing the service.
 */
export async function startEmbeddedWorker(svc: Reverie, opts: EmbeddedWorkerOptions = {}): Promise<Worker> {
  const queue = opts.queue ?? (await openQueue(svc, opts.queueOptions));
  const { evaluateSchedules } = await import('./schedules.js');
  const worker = new Worker(workerHost(svc), queue, {
    ...opts,
    evaluateSchedules:
      opts.schedules === false ? undefined : () => evaluateSchedules(svc, { queue, now: opts.now }),
  });
  await worker.start();
  return worker;
}

/** Re-exported for the shells: the schedule shape. */
export type { DreamSchedule };
