/**
 * Store schedules for the shells (`reverie schedule …`, and the API): set, show, pause, resume and
 * delete a store's dream schedule, attach sessions to a store, and evaluate every schedule once (what
 * a worker does on its timer). A schedule's dream takes the sessions attached to the store since its
 * last completed dream (plus the probes that dream held back); with `apply: auto` it holds back 20% of
 * them for the do-no-harm check and applies what the store policy and the check allow.
 */
import {
  type ApplyMode,
  type DreamSchedule,
  type JobState,
  NotFoundError,
  ValidationError,
} from '../domain/index.js';
import { DEFAULT_HOLDOUT } from '../dream/index.js';
import { type JobQueue, nextRuns, parseCron, scheduleDue } from '../schedule/index.js';
import { enqueueDream } from './dream-queue.js';
import { storageOf } from './internal.js';
import type { Reverie } from './reverie.js';

/** Input of {@link setSchedule}; omitted fields keep their current value (or the default). */
export interface ScheduleInput {
  min_new_sessions?: number | null;
  min_hours?: number | null;
  /** A cron expression (`null` removes it). */
  cron?: string | null;
  /** IANA time zone of the cron expression. Default `UTC`. */
  timezone?: string;
  apply?: ApplyMode;
  instructions?: string | null;
}

/** A schedule with what it would do now. */
export interface ScheduleView {
  schedule: DreamSchedule;
  /** The next five cron occurrences (ISO-8601 UTC), empty without cron. */
  next_runs: string[];
  new_sessions: number;
  due: boolean;
  why: string;
}

const MAX_SESSIONS = 10_000;

/** Sessions a scheduled dream of the store would take now, and when its last completed dream was created. */
async function pendingSessions(
  svc: Reverie,
  storeId: string,
): Promise<{ ids: string[]; last_dream_at: string | null }> {
  const last = (
    await storageOf(svc).listDreams({ memory_store_id: storeId, statuses: ['completed'], limit: 1 })
  ).data[0];
  const attached = await storageOf(svc).storeSessions(storeId, last?.created_at ?? null);
  const ids = [...new Set([...(last?.probe_session_ids ?? []), ...attached.map((a) => a.session_id)])];
  return { ids: ids.slice(-MAX_SESSIONS), last_dream_at: last?.created_at ?? null };
}

function checkCount(v: number | null | undefined, field: string, integer: boolean): void {
  if (v === undefined || v === null) return;
  if (!(Number.isFinite(v) && v >= 0 && (!integer || Number.isInteger(v))))
    throw new ValidationError(`${field} must be a ${integer ? 'whole ' : ''}number ≥ 0, got ${v}`, field);
}

/**
 * Creates or changes a store's schedule.
 * @throws NotFoundError for an unknown store; ValidationError naming `min_new_sessions`, `min_hours`,
 *   `cron`, `timezone` or `apply`, or when no trigger is left.
 */
export async function setSchedule(
  svc: Reverie,
  storeId: string,
  input: ScheduleInput,
): Promise<ScheduleView> {
  await svc.getStore(storeId);
  checkCount(input.min_new_sessions, 'min_new_sessions', true);
  checkCount(input.min_hours, 'min_hours', false);
  if (input.apply !== undefined && input.apply !== 'auto' && input.apply !== 'review')
    throw new ValidationError(`apply must be auto or review, not ${JSON.stringify(input.apply)}`, 'apply');
  const cur = (await storageOf(svc).getSchedules(storeId))[0];
  const now = new Date().toISOString();
  const cronExpr = input.cron === undefined ? (cur?.cron?.expression ?? null) : input.cron;
  const tz = input.timezone ?? cur?.cron?.timezone ?? 'UTC';
  const s: DreamSchedule = {
    type: 'dream_schedule',
    memory_store_id: storeId,
    min_new_sessions:
      input.min_new_sessions === undefined ? (cur?.min_new_sessions ?? null) : input.min_new_sessions,
    min_hours: input.min_hours === undefined ? (cur?.min_hours ?? null) : input.min_hours,
    cron: cronExpr === null ? null : parseCron(cronExpr, tz),
    apply: input.apply ?? cur?.apply ?? 'review',
    instructions: input.instructions === undefined ? (cur?.instructions ?? null) : input.instructions,
    paused: cur?.paused ?? false,
    last_fired_at: cur?.last_fired_at ?? null,
    last_dream_id: cur?.last_dream_id ?? null,
    created_at: cur?.created_at ?? now,
    updated_at: now,
  };
  if (s.min_new_sessions === null && s.min_hours === null && s.cron === null)
    throw new ValidationError(
      'a schedule needs --min-new-sessions, --min-hours or --cron',
      'min_new_sessions',
    );
  await storageOf(svc).putSchedule(s);
  return showSchedule(svc, storeId);
}

/** A store's schedule with its next cron runs and whether it is due now. @throws NotFoundError */
export async function showSchedule(svc: Reverie, storeId: string, now = Date.now()): Promise<ScheduleView> {
  const s = (await storageOf(svc).getSchedules(storeId))[0];
  if (!s) throw new NotFoundError('dream_schedule', storeId);
  return view(svc, s, now);
}

async function view(svc: Reverie, s: DreamSchedule, now: number): Promise<ScheduleView> {
  // The previous dream before the sessions: read the other way round, a dream that completes between
  // the two reads counts as ended while its sessions still count as new, and the schedule fires again.
  const previous_running = await previousRunning(svc, s.last_dream_id);
  const { ids, last_dream_at } = await pendingSessions(svc, s.memory_store_id);
  const verdict = scheduleDue(s, {
    now,
    new_sessions: ids.length,
    last_dream_at: last_dream_at === null ? null : Date.parse(last_dream_at),
    previous_running,
  });
  return {
    schedule: s,
    next_runs: s.cron ? nextRuns(s.cron, 5, new Date(now)) : [],
    new_sessions: ids.length,
    ...verdict,
  };
}

const JOB_ENDED = new Set<JobState>(['completed', 'canceled', 'dead_letter']);

/**
 * Whether a schedule's previous dream has not ended: the dream is pending or running, or its job has
 * not ended — a completed dream's job still applies it automatically, and a dream created meanwhile
 * would pin the store as it was before that apply (and fail, the store changed before its run).
 */
async function previousRunning(svc: Reverie, dreamId: string | null): Promise<boolean> {
  if (!dreamId) return false;
  const prev = await storageOf(svc).getDream(dreamId);
  if (!prev) return false;
  if (prev.status === 'pending' || prev.status === 'running') return true;
  const job = await storageOf(svc).getJob({ dream_id: dreamId });
  return job !== undefined && !JOB_ENDED.has(job.state);
}

/** Pauses (`true`) or resumes a store's schedule. @throws NotFoundError */
export async function pauseSchedule(svc: Reverie, storeId: string, paused: boolean): Promise<ScheduleView> {
  const s = (await storageOf(svc).getSchedules(storeId))[0];
  if (!s) throw new NotFoundError('dream_schedule', storeId);
  await storageOf(svc).putSchedule({ ...s, paused, updated_at: new Date().toISOString() });
  return showSchedule(svc, storeId);
}

/** Deletes a store's schedule (its dreams stay). @throws NotFoundError when it has none. */
export async function deleteSchedule(
  svc: Reverie,
  storeId: string,
): Promise<{ memory_store_id: string; type: 'dream_schedule_deleted' }> {
  if (!(await storageOf(svc).deleteSchedule(storeId))) throw new NotFoundError('dream_schedule', storeId);
  return { memory_store_id: storeId, type: 'dream_schedule_deleted' };
}

/** Attaches sessions to a store, for its scheduled dreams. @throws NotFoundError for an unknown store or session. */
export async function attachSessions(svc: Reverie, storeId: string, sessionIds: string[]): Promise<number> {
  await svc.getStore(storeId);
  const found = await storageOf(svc).getSessions(sessionIds);
  if (found.length !== new Set(sessionIds).size) {
    const have = new Set(found.map((s) => s.id));
    throw new NotFoundError('session', sessionIds.find((id) => !have.has(id))!);
  }
  await storageOf(svc).attachSessions(storeId, sessionIds, new Date().toISOString());
  return found.length;
}

/**
 * Evaluates every schedule once at `now` and queues a dream for each due one. Two workers evaluating at
 * once queue one dream per firing (the firing is a compare-and-set on `last_fired_at`).
 * @returns the dreams queued, by store.
 */
export async function evaluateSchedules(
  svc: Reverie,
  opts: { queue: JobQueue; now?: () => number },
): Promise<{ memory_store_id: string; dream_id: string }[]> {
  const now = (opts.now ?? Date.now)();
  const fired: { memory_store_id: string; dream_id: string }[] = [];
  for (const s of await storageOf(svc).getSchedules()) {
    const store = await storageOf(svc).getStore(s.memory_store_id);
    if (!store || store.archived_at) continue;
    const v = await view(svc, s, now);
    if (!v.due) continue;
    const at = new Date(now).toISOString();
    if (!(await storageOf(svc).markScheduleFired(s.memory_store_id, s.last_fired_at, at, ''))) continue;
    const { ids } = await pendingSessions(svc, s.memory_store_id);
    const { dream } = await enqueueDream(
      svc,
      {
        memory_store_id: s.memory_store_id,
        session_ids: ids,
        instructions: s.instructions,
        holdout: s.apply === 'auto' ? DEFAULT_HOLDOUT : 0,
      },
      { apply: s.apply, queue: opts.queue },
    );
    await storageOf(svc).markScheduleFired(s.memory_store_id, at, at, dream.id);
    fired.push({ memory_store_id: s.memory_store_id, dream_id: dream.id });
  }
  return fired;
}
