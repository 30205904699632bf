/**
 * Schedule triggers: when a store's schedule is due. Pure functions over the schedule, the clock and
 * counts, so that they are tested with an injected clock. Cron expressions (5 or 6 fields, with an
 * IANA time zone) are read by croner (https://github.com/hexagon/croner), as the hosted deployments'
 * `{type: "cron", expression, timezone}` schedule.
 */
import { Cron } from 'croner';
import { type CronSchedule, type DreamSchedule, ValidationError } from '../domain/index.js';

/**
 * Validates a cron expression and time zone.
 * @returns the `{type: "cron", expression, timezone}` schedule.
 * @throws ValidationError naming `cron` (bad expression) or `timezone` (not an IANA zone).
 */
export function parseCron(expression: string, timezone = 'UTC'): CronSchedule {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch {
    throw new ValidationError(`timezone ${JSON.stringify(timezone)} is not an IANA time zone`, 'timezone');
  }
  try {
    new Cron(expression, { timezone, paused: true }).nextRun();
  } catch (e) {
    throw new ValidationError(
      `cron expression ${JSON.stringify(expression)} is invalid: ${(e as Error).message}`,
      'cron',
    );
  }
  return { type: 'cron', expression, timezone };
}

/** The next `n` occurrences of a cron schedule strictly after `from` (ISO-8601 UTC strings). */
export function nextRuns(cron: CronSchedule, n: number, from: Date): string[] {
  const c = new Cron(cron.expression, { timezone: cron.timezone, paused: true });
  return c.nextRuns(n, from).map((d) => d.toISOString());
}

/** What {@link scheduleDue} reads besides the schedule. Times in ms since the epoch. */
export interface TriggerState {
  now: number;
  /** Sessions attached to the store since its last dream (plus the probes that dream held back). */
  new_sessions: number;
  /** When the store's last dream was created, or null. */
  last_dream_at: number | null;
  /** True while the schedule's previous dream is still pending or running, or its job (e.g. its automatic apply) has not ended. */
  previous_running: boolean;
}

/**
 * Whether a schedule is due: not paused, its previous dream finished, at least one new session, and
 * every trigger it sets holds — `min_new_sessions` new sessions, `min_hours` since the last dream (none
 * yet counts as long ago), and a cron occurrence after the time it last fired (or was created) that
 * is not in the future.
 * @returns `due` and, either way, the reason in words.
 */
export function scheduleDue(s: DreamSchedule, st: TriggerState): { due: boolean; why: string } {
  if (s.paused) return { due: false, why: 'paused' };
  if (st.previous_running) return { due: false, why: `its previous dream ${s.last_dream_id} has not ended` };
  const need = s.min_new_sessions ?? 1;
  if (st.new_sessions < Math.max(1, need))
    return { due: false, why: `${st.new_sessions} of ${Math.max(1, need)} new sessions` };
  if (s.min_hours !== null && st.last_dream_at !== null) {
    const hours = (st.now - st.last_dream_at) / 3_600_000;
    if (hours < s.min_hours)
      return { due: false, why: `${hours.toFixed(1)} of ${s.min_hours} hours since the last dream` };
  }
  if (s.cron) {
    const since = new Date(s.last_fired_at ?? s.created_at);
    const next = new Cron(s.cron.expression, { timezone: s.cron.timezone, paused: true }).nextRun(since);
    if (!next || next.getTime() > st.now)
      return { due: false, why: `next cron occurrence ${next ? next.toISOString() : 'never'}` };
  }
  return { due: true, why: `${st.new_sessions} new sessions` };
}
