/**
 * Whether a session being imported under the external id of a stored session may replace it: the import
 * guard of {@link KyselyStorage.importPrepared}. Pure functions over the stored form (stored-session.ts).
 *
 * The rule (docs/normalized-format.md, "Re-importing a session"): a re-import replaces the stored session
 * only when it is the same transcript read again, or the same transcript grown since (a live session
 * appends lines). Anything else — another conversation that happens to carry the same id (a resumed or
 * forked transcript, a copy), or the same file after it was cut short or rewritten — is stored beside the
 * stored session, never over it.
 *
 * A growing file does not always extend the stored events as they were: the last events read from a file
 * still being written can be provisional and change once later lines arrive (measured on the real
 * transcripts in ../shared/data by importing every file cut after k lines, then whole: a Claude Code
 * `API error … (4 attempts)` that later reads `(8 attempts)`, a harness message that a later line
 * replaces; a Codex `exec_command` result that is empty until its output line is written, in 11 of 25
 * cuts of a Codex rollout, up to 9 events before the end). What a growing file never changes is what was
 * said and done, and where: the messages of the person and the agent, the agent's reasoning and its
 * calls, at their lines. So a session {@link continuesStored continues} a stored one when its stored form
 * starts with the stored events (one hash, {@link storedPrefixMatches}), or else when it has at least as
 * many events and the stored session's authored events ({@link authoredKeys}) are, in order, the first of
 * its own.
 */
import { sha256Hex } from '../domain/index.js';
import type { PreparedSession } from './stored-session.js';

/** What the guard reads of the stored session: its event count and content hash (`sessions` columns). */
export interface StoredSessionHead {
  event_count: number;
  /** SHA-256 (hex) of the stored events' JSON, as {@link PreparedSession.content_sha256}. */
  content_sha256: string;
}

/**
 * True when the first `stored.event_count` events of `p`, in stored form, are exactly the stored events:
 * the SHA-256 of their JSON array equals `stored.content_sha256` (one hash; the stored events are not
 * read). Equal counts compare the two hashes. The array of the first n events is found without parsing
 * where event n starts with `,{"seq":n,` (importers write `seq` first; a quote inside a JSON string is
 * escaped, so only an object can match there, and an earlier nested match just fails the hash); otherwise
 * it is re-serialized from the parsed events (`JSON.stringify` of what `JSON.parse` read back from
 * `JSON.stringify` output is the same text).
 */
export function storedPrefixMatches(stored: StoredSessionHead, p: PreparedSession): boolean {
  const n = stored.event_count;
  if (n > p.event_count) return false;
  if (n === p.event_count) return stored.content_sha256 === p.content_sha256;
  const json = p.events_json;
  const at = n === 0 ? 1 : json.indexOf(`,{"seq":${n},`);
  if (at > 0 && sha256Hex(`${json.slice(0, at)}]`) === stored.content_sha256) return true;
  const events = JSON.parse(json) as unknown[];
  return sha256Hex(JSON.stringify(events.slice(0, n))) === stored.content_sha256;
}

/**
 * The authored events of a stored events array, one comparable key each, in order: `user.message`,
 * `agent.message` and `agent.thinking` by type and text (a `{"$blob": sha256}` reference stands for its
 * text), `agent.tool_use` by type, tool and input; each with where it was read (`source.line`, `index`,
 * `pointer`; not `file`, so that a moved file is the same transcript). Tool results, harness messages,
 * sequence numbers, timestamps, call ids and tool kinds are left out: they may change when a file grows
 * or is read by a newer importer, without the conversation being another. The place matters: short
 * sessions that open with the same words (Aider's `hi`, `/ex` test sessions in ../shared/data: 7,086
 * pairs) are other conversations, written elsewhere.
 * @param events the parsed stored form (`session_events.events`).
 */
export function authoredKeys(events: readonly Record<string, unknown>[]): string[] {
  const keys: string[] = [];
  for (const e of events) {
    const { line, index, pointer } = (e.source ?? {}) as { line?: number; index?: number; pointer?: string };
    const at = [line ?? null, index ?? null, pointer ?? null];
    if (e.type === 'user.message' || e.type === 'agent.message' || e.type === 'agent.thinking')
      keys.push(JSON.stringify([e.type, e.text, ...at]));
    else if (e.type === 'agent.tool_use') keys.push(JSON.stringify([e.type, e.tool, e.input, ...at]));
  }
  return keys;
}

/**
 * True when `p` continues the stored session (see the module comment): its stored form starts with the
 * stored events, or it has at least as many events and the stored authored events (at least one) are the
 * first of its own, in order. False for a shorter session (a file cut short), for another conversation,
 * and, short of an exact prefix, for a stored session without authored events (nothing to recognise it by).
 * @param stored the stored session's head.
 * @param storedEvents a function reading the stored events JSON (`session_events.events`), called only
 *   when the hash check fails.
 * @throws SyntaxError when the stored events are not JSON (a damaged database).
 */
export async function continuesStored(
  stored: StoredSessionHead,
  p: PreparedSession,
  storedEvents: () => Promise<string>,
): Promise<boolean> {
  if (stored.event_count > p.event_count) return false;
  if (storedPrefixMatches(stored, p)) return true;
  const before = authoredKeys(JSON.parse(await storedEvents()) as Record<string, unknown>[]);
  if (before.length === 0) return false;
  const after = authoredKeys(JSON.parse(p.events_json) as Record<string, unknown>[]);
  return before.length <= after.length && before.every((k, i) => k === after[i]);
}
