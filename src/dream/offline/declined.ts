/**
 * Calls the person declined. Where the importer knows the format's templates it marks the result
 * `declined` (the event model's field; Claude Code's rejections, interruptions and permission denials,
 * Cline's denied operations, …), and gather keeps such an error as declined whatever follows it: at the
 * end of the session or file, among parallel calls, before a harness note. This module is the fallback
 * for formats with no marker (and sessions stored before it existed), from event order alone.
 *
 * Tool errors the person answered: a failed result after which the agent's turn ended — the next event
 * that is neither another tool result (calls made together return together) nor a harness note (Claude
 * Code's "[Request interrupted by user for tool use]", a harness's "output too long") is the person's
 * message, with no agent message, thought or call before it. An agent that met a tool's failure goes on
 * by itself (it reads the error, retries or reports); a turn that stops right at the failed result was
 * stopped by the person: the call was rejected or interrupted (Claude Code's "The user doesn't want to
 * proceed with this tool use…", Cline's "The user denied this operation."), which is the person's
 * decision, not the tool's failure — or the harness gave up and handed the turn back, and the failure
 * still counts in the turns where the agent went on. Found from the order of the normalized events
 * alone, in every format; a failed result that ends the session is not counted (the run may have been
 * cut off).
 */
import type { SessionEvent } from '../../domain/index.js';
import type { ErrorOccurrence } from './digest.js';

/**
 * Sets `declined: true` on each `tool_error` in `errors` whose result event (by `seq`) the person
 * answered (see the module comment). Other errors are left as they are.
 * @param events the session's events in order; `errors` the digest's errors (changed in place).
 * @example a Bash result "The user doesn't want to proceed…", then "[Request interrupted…]" (system),
 *   then the person's "explore more of the repo" → that error is declined.
 */
export function markDeclined(events: readonly SessionEvent[], errors: ErrorOccurrence[]): void {
  const answered = new Set<number>();
  let open: number[] = [];
  for (const ev of events) {
    if (ev.type === 'agent.tool_result') {
      if (ev.is_error) open.push(ev.seq);
    } else if (ev.type === 'user.message') {
      for (const seq of open) answered.add(seq);
      open = [];
    } else if (ev.type !== 'system.message') open = [];
  }
  for (const e of errors) if (e.kind === 'tool_error' && answered.has(e.seq)) e.declined = true;
}
