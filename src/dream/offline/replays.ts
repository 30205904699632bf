/**
 * Replays: sessions that are one run played again — a harness replaying a recorded demonstration under
 * another configuration (SWE-agent's `replay__…` trajectories), a session forked or resumed under a new id
 * that repeats the original's turns. Their agent wrote the same reasoning, word for word; independent
 * runs do not (sampling, other tasks, other people), beyond short stock phrases. A mistake seen in a run
 * and its replays was seen once, so the support of a lesson must count the run once.
 *
 * Gather keeps a print of each distinct agent text (message or thinking) of at least
 * {@link MIN_PRINT_CHARS} characters ({@link agentTextPrints}); {@link replayOf} then groups sessions that
 * share at least {@link MIN_SHARED} prints making at least {@link MIN_SHARE} of the smaller session's
 * prints (prints held by more than {@link MAX_PRINT_SESSIONS} sessions are stock texts and not counted), and names one session per group (the one with the most prints, then the smallest content hash)
 * as the run the others replay. Found from the agent's own words alone, in every format.
 */
import { type SessionEvent, sha256Hex } from '../../domain/index.js';

/** Agent texts shorter than this are stock phrases ("Let me check the file."), never a print. */
export const MIN_PRINT_CHARS = 60;
/** At most this many prints are kept per session (the first ones, in order). */
export const MAX_PRINTS = 200;
/** Two sessions are one run when they share at least this many prints … */
export const MIN_SHARED = 3;
/** … making at least this share of the smaller session's prints. */
export const MIN_SHARE = 0.5;
/** A print in more sessions than this is a stock text of the harness or agent, not a sign of a replay. */
export const MAX_PRINT_SESSIONS = 50;

/**
 * Prints of a session's agent texts: the first 16 hex characters of the SHA-256 of each distinct
 * `agent.message` / `agent.thinking` text of at least {@link MIN_PRINT_CHARS} characters (whitespace
 * collapsed), in order of first appearance, at most {@link MAX_PRINTS}.
 */
export function agentTextPrints(events: readonly SessionEvent[]): string[] {
  const out = new Set<string>();
  for (const ev of events) {
    if (out.size >= MAX_PRINTS) break;
    if (ev.type !== 'agent.message' && ev.type !== 'agent.thinking') continue;
    const text = ev.text.replace(/\s+/g, ' ').trim();
    if (text.length >= MIN_PRINT_CHARS) out.add(sha256Hex(text).slice(0, 16));
  }
  return [...out];
}

/** A session as {@link replayOf} reads it: its content hash and its agent-text prints (may be absent). */
export interface PrintedSession {
  content_sha256: string;
  prints?: readonly string[];
}

/**
 * For each session that replays another (see the module comment), the content hash of the session it
 * replays: the group's representative, which maps to nothing. Sessions without prints replay nothing,
 * and sessions of the same content (one transcript imported under two ids) are one session, not replays.
 * @returns a map from replaying session's `content_sha256` to its representative's.
 */
export function replayOf(sessions: readonly PrintedSession[]): Map<string, string> {
  // one entry per content: the same transcript imported twice is one session already (support counts
  // distinct contents), never a replay of itself
  const byContent = new Map<string, PrintedSession>();
  for (const s of sessions)
    if ((s.prints?.length ?? 0) >= MIN_SHARED && !byContent.has(s.content_sha256))
      byContent.set(s.content_sha256, s);
  const list = [...byContent.values()];
  const parent = list.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  const byPrint = new Map<string, number[]>();
  list.forEach((s, i) => {
    for (const p of s.prints!) {
      const l = byPrint.get(p);
      if (l) l.push(i);
      else byPrint.set(p, [i]);
    }
  });
  const shared = new Map<string, number>();
  for (const l of byPrint.values())
    if (l.length <= MAX_PRINT_SESSIONS)
      for (let a = 0; a < l.length; a++)
        for (let b = a + 1; b < l.length; b++) {
          const k = `${l[a]} ${l[b]}`;
          shared.set(k, (shared.get(k) ?? 0) + 1);
        }
  for (const [k, n] of shared) {
    const [a, b] = k.split(' ').map(Number) as [number, number];
    const smaller = Math.min(list[a]!.prints!.length, list[b]!.prints!.length);
    if (n >= MIN_SHARED && n >= MIN_SHARE * smaller) parent[find(a)] = find(b);
  }
  const groups = new Map<number, number[]>();
  list.forEach((_, i) => {
    const r = find(i);
    const g = groups.get(r);
    if (g) g.push(i);
    else groups.set(r, [i]);
  });
  const out = new Map<string, string>();
  for (const g of groups.values()) {
    if (g.length < 2) continue;
    const rep = [...g].sort(
      (a, b) =>
        list[b]!.prints!.length - list[a]!.prints!.length ||
        (list[a]!.content_sha256 < list[b]!.content_sha256 ? -1 : 1),
    )[0]!;
    for (const i of g) if (i !== rep) out.set(list[i]!.content_sha256, list[rep]!.content_sha256);
  }
  return out;
}
