/**
 * Tool errors that may be another call's. A harness that runs an agent's calls as one batch may cancel
 * the rest of the batch when one of them fails: Claude Code answers each cancelled call with a fixed
 * notice ("Sibling tool call errored"), whatever the call was. The cancelled call never ran, so its
 * "error" says nothing about how it was made, and what the agent changed before calling it again is no
 * fix for it.
 *
 * In the normalized events a cancelled call's result follows another failed result with nothing but tool
 * calls and results between them: no agent text or thinking (the agent never read the first failure
 * before this call was made), no person or harness message. Such a failure is marked `after_failure` in
 * gather ({@link markAfterFailure}); importers differ in how they order a batch (all calls, then all
 * results; or each result right after its call), and both orders give the same run of failures. A run
 * of failures can also be the agent's own calls failing one after the other, so one such failure proves
 * nothing: `mistakes.ts` leaves out an error only when *every* occurrence of it, in every session, came
 * right after another failure (a notice the harness gives cancelled calls; a real error of a call is also
 * seen on its own). Found from the order of the normalized events alone, in every format.
 */
import type { SessionEvent } from '../../domain/index.js';
import type { ErrorOccurrence } from './digest.js';

/**
 * Seqs of the failed results that follow another failed result with only tool calls and results between
 * them (see the module comment).
 * @param events the session's events in order.
 * @returns result `seq`s, ascending.
 * @example use A, use B, result A (failed), result B (failed) → [seq of result B]; the same with an agent
 *   message before `use B` → [].
 */
export function failuresAfterFailure(events: readonly SessionEvent[]): number[] {
  const out: number[] = [];
  let failing = false;
  for (const ev of events) {
    if (ev.type === 'agent.tool_result') {
      if (ev.is_error && failing) out.push(ev.seq);
      failing = ev.is_error;
    } else if (ev.type !== 'agent.tool_use') failing = false;
  }
  return out;
}

/**
 * Sets `after_failure: true` on each `tool_error` in `errors` whose result (by `seq`) came right after
 * another failure (see {@link failuresAfterFailure}). Other errors are left as they are.
 * @param events the session's events in order; `errors` the digest's errors (changed in place).
 * @example Bash and Edit called together; Bash fails ("cat: x: No such file or directory"), then Edit's
 *   result is "Sibling tool call errored" → that Edit error is marked, the Bash error is not.
 */
export function markAfterFailure(events: readonly SessionEvent[], errors: ErrorOccurrence[]): void {
  const seqs = new Set(failuresAfterFailure(events));
  if (seqs.size === 0) return;
  for (const e of errors) if (e.kind === 'tool_error' && seqs.has(e.seq)) e.after_failure = true;
}
