/**
 * Dream jobs and schedules (shared/DESIGN.md "Storage and scale"): a queued dream is a job a worker
 * runs; a store's schedule creates dreams by itself. The cron shape is the hosted deployments'
 * `{type: "cron", expression, timezone}`.
 */
import type { Timestamp } from './types.js';

/** Where a job is queued: the embedded table (`local`) or pg-boss on PostgreSQL. */
export type JobBackend = 'local' | 'pgboss';

/**
 * A job's state. `queued` → `active` → `completed`; a failed attempt goes to `retry` (with backoff)
 * until its attempts are used up, then `dead_letter`; `canceled` when its dream was canceled.
 */
export type JobState = 'queued' | 'active' | 'retry' | 'completed' | 'dead_letter' | 'canceled';

/** What a worker does with a dream's change set once it completed. */
export type ApplyMode = 'review' | 'auto';

/**
 * What a job does: `dream` runs a dream (orient to verify); `dream.gather` is one batch of a big dream's
 * gather phase fanned out across workers (its digests go to the gather cache; the dream job consolidates
 * once every batch ended).
 */
export type JobKind = 'dream' | 'dream.gather';

/** The sessions of a `dream.gather` job: batch `index` (0-based) of `count`, in session-id order. */
export interface GatherBatch {
  index: number;
  count: number;
  session_ids: string[];
  /**
   * The user ids of all the dream's sessions (distinct, sorted), which the batch's redactor hides as the
   * dream's would; taken once when the batches are planned, so that a batch reads only its own sessions.
   * Absent in batches queued before it existed (their worker reads the dream's sessions for it).
   */
  user_ids?: string[];
}

/** One queued dream, or one gather batch of a queued dream. Times are ISO-8601 UTC. */
export interface DreamJob {
  type: 'dream_job';
  id: string;
  /** `dream` unless a gather batch (see {@link JobKind}). */
  kind: JobKind;
  dream_id: string;
  /** The batch of a `dream.gather` job; null for a `dream` job. */
  batch: GatherBatch | null;
  /** The workspace of the dream: the group of the per-workspace concurrency limit. */
  workspace_id: string;
  memory_store_id: string;
  /**
   * Jobs sharing a key never run at the same time: `store:<id>` for `update_existing` dreams (one per
   * store at a time), `dream:<id>` (unique) otherwise.
   */
  singleton_key: string;
  backend: JobBackend;
  state: JobState;
  apply: ApplyMode;
  /** Attempts started so far (1 on the first run). */
  attempts: number;
  /** Attempts allowed before `dead_letter`. */
  max_attempts: number;
  /** Not run before this time (retry backoff). */
  run_after: Timestamp;
  /** The lease of the worker running it: it must heartbeat before this time or lose the job. */
  lease_until: Timestamp | null;
  worker_id: string | null;
  /** The queue's own job id (pg-boss), or null. */
  queue_job_id: string | null;
  last_error: { type: string; message: string } | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** A cron schedule as the hosted deployments write it. `timezone` is an IANA name (default `UTC`). */
export interface CronSchedule {
  type: 'cron';
  expression: string;
  timezone: string;
}

/**
 * A store's dream schedule. It fires when every trigger set holds: `min_new_sessions` sessions attached
 * to the store since its last dream, `min_hours` since its last dream, and (with `cron`) a cron
 * occurrence passed since it last fired. A store has at most one.
 */
export interface DreamSchedule {
  type: 'dream_schedule';
  memory_store_id: string;
  min_new_sessions: number | null;
  min_hours: number | null;
  cron: CronSchedule | null;
  apply: ApplyMode;
  instructions: string | null;
  paused: boolean;
  /** When it last created a dream, and which. */
  last_fired_at: Timestamp | null;
  last_dream_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}
