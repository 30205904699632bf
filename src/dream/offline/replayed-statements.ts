/**
 * A person's words copied into a replay are said once. A session resumed or forked under a new id (Claude
 * Code's `--resume` and `--fork-session` write a new file that starts with the earlier conversation) holds
 * the person's earlier messages again, word for word; counted in both sessions, one rule said once would
 * have the support of two sessions, and a preference that needs two sessions would be kept from one.
 *
 * Replays are found from the agent's own texts (`replays.ts`: sessions sharing most of their long agent
 * messages are one run, and the one with the most of them stands for the run). For each session that
 * replays another, the statements, facts, feedback and person facts whose text the run's representative
 * also holds are dropped from it (a shallow copy: the cached digest is not touched); what the person said
 * only there — new turns after a resume — is kept. The cost: a person who says the very same words again
 * in the new turns of a resumed session is counted once for both.
 */
import type { GatheredSession } from './plan.js';
import { replayOf } from './replays.js';

/**
 * The replays among gathered sessions (`replayOf` over their digests' prints): replaying session's
 * `content_sha256` → its run's representative's. One map serves the mistakes and the person's words.
 */
export function sessionReplays(sessions: readonly GatheredSession[]): Map<string, string> {
  return replayOf(sessions.map((s) => ({ content_sha256: s.content_sha256, prints: s.digest.prints })));
}

/**
 * The sessions with the person's words that a replay copied from its run left out of the replaying
 * sessions (see the module comment). Sessions that replay nothing are returned as they are.
 * @param sessions gathered sessions (their digests' `prints` name the replays).
 * @param replays {@link sessionReplays} of `sessions`, when the caller has it already.
 */
export function withoutReplayedStatements(
  sessions: readonly GatheredSession[],
  replays: Map<string, string> = sessionReplays(sessions),
): GatheredSession[] {
  if (replays.size === 0) return [...sessions];
  const byContent = new Map(sessions.map((s) => [s.content_sha256, s]));
  return sessions.map((s) => {
    const run = replays.get(s.content_sha256);
    const rep = run === undefined ? undefined : byContent.get(run);
    if (!rep) return s;
    const d = rep.digest;
    const said = (list: readonly { text: string }[] | undefined) => new Set((list ?? []).map((o) => o.text));
    const statements = said(d.statements);
    const facts = said(d.facts);
    const feedback = said(d.feedback);
    const person = said(d.person);
    return {
      ...s,
      digest: {
        ...s.digest,
        statements: s.digest.statements.filter((o) => !statements.has(o.text)),
        facts: s.digest.facts.filter((o) => !facts.has(o.text)),
        feedback: s.digest.feedback.filter((o) => !feedback.has(o.text)),
        ...(s.digest.person ? { person: s.digest.person.filter((o) => !person.has(o.text)) } : {}),
      },
    };
  });
}
