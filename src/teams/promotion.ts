/**
 * Promotion to team and organisation stores (issue 14 item 2): a filter over a dream engine's
 * proposals and their evidence, not a miner of its own. A memory the engine proposes reaches a team
 * store only when its evidence sessions come from at least `min_support` distinct people or agents,
 * and an organisation store only when they come from at least `min_support` distinct teams; a memory
 * that holds personal details is never promoted to either: redacted personal data (the engine's PII
 * markers, `src/dream/offline/pii.ts`), an e-mail address or one case's identifier (the engine's
 * feedback rule `CASE_IDENTIFIER`, restricted here to tokens with five or more digits so that standard
 * names such as ISO-8601 or RFC-3339 stay; a shorter one counts when only one person's evidence quotes
 * hold it), or a team member's own id. What is dropped is removed from
 * the output store and from `/MEMORY.md`, so the change set stays consistent.
 */
import type { Change, StoreScope } from '../domain/index.js';
import { INDEX_PATH, parseFrontMatter, REDACTION_MARKER } from '../dream/index.js';
import { CASE_IDENTIFIER } from '../dream/offline/feedback.js';
import type { DreamResult, ProposedChange } from '../dream/types.js';

/** Who stands behind one session, for counting support (the session's user, agent and teams). */
export interface SessionMembers {
  user_id: string | null;
  agent_id: string;
  /** Team ids (`team_…`) the session belongs to: its `team_id`, or the teams of its user or agent. */
  teams: string[];
}

/** A change the filter held back, and why (reported in the dream's stats and tests). */
export interface HeldBack {
  path: string;
  reason: 'support' | 'personal';
  detail: string;
}

/** The kinds of change that state a lesson (the others, index and cleanup, follow what is kept). */
const LESSON_KINDS = new Set<Change['kind']>(['mistake', 'workflow', 'preference', 'feedback', 'fact']);

const CASE_GLOBAL = new RegExp(CASE_IDENTIFIER.source, 'g');

/**
 * Why `content` is personal, or null: a person's profile (front matter `type: user`, what someone said
 * about themselves: see `dream/offline/person-facts.ts`), a PII marker, an e-mail address, a case
 * identifier (a token mixing letters and five or more digits), or one of `names` as a word in the body.
 */
export function personalDetail(content: string, names: readonly string[]): string | null {
  const { fields, body } = parseFrontMatter(content);
  if (fields.type === 'user') return `a person's own profile (type user)`;
  const marker = REDACTION_MARKER.exec(body);
  if (marker) return `redacted personal data ${marker[0]}`;
  for (const m of body.matchAll(CASE_GLOBAL)) {
    const token = m[0];
    if (token.includes('@')) return `an e-mail address`;
    if ((token.match(/\d/g)?.length ?? 0) >= 5) return `the case identifier ${token}`;
  }
  const lower = body.toLowerCase();
  for (const n of names) {
    const name = n.toLowerCase();
    if (name.length < 2) continue;
    const re = new RegExp(`(?<![\\p{L}\\p{N}_])${escapeRe(name)}(?![\\p{L}\\p{N}_])`, 'u');
    if (re.test(lower)) return `the member name ${n}`;
  }
  return null;
}

/**
 * An identifier-shaped token of the memory's body (letters mixed with digits, e.g. a reservation or
 * order id) that the evidence quotes hold for one person only (by user, else by session): one case's,
 * whatever its digit count. A token in no quote, or in two people's, is not.
 */
export function oneCaseToken(
  change: Pick<ProposedChange, 'after' | 'evidence'>,
  sessions: ReadonlyMap<string, SessionMembers>,
): string | null {
  const body = parseFrontMatter(change.after ?? '').body;
  const seen = new Set<string>();
  for (const m of body.matchAll(CASE_GLOBAL)) {
    const token = m[0];
    if (token.includes('@') || seen.has(token)) continue;
    seen.add(token);
    const who = new Set(
      change.evidence
        .filter((e) => e.quote.includes(token))
        .map((e) => sessions.get(e.session_id)?.user_id ?? `session:${e.session_id}`),
    );
    if (who.size === 1) return `the identifier ${token}, in one person's sessions only`;
  }
  return null;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Distinct people, agents, teams and members behind a change's evidence. */
export function supportOf(
  change: Pick<ProposedChange, 'evidence'>,
  sessions: ReadonlyMap<string, SessionMembers>,
): { people: Set<string>; agents: Set<string>; teams: Set<string>; sessions: Set<string> } {
  const out = { people: new Set<string>(), agents: new Set<string>(), teams: new Set<string>() };
  const ids = new Set(change.evidence.map((e) => e.session_id));
  for (const id of ids) {
    const s = sessions.get(id);
    if (!s) continue;
    if (s.user_id) out.people.add(s.user_id);
    out.agents.add(s.agent_id);
    for (const t of s.teams) out.teams.add(t);
  }
  return { ...out, sessions: ids };
}

/**
 * Filters an engine's result for a team or organisation store (see the module comment); a result for
 * any other scope is returned as it is. Kept lesson changes get `support.people`, `support.teams` and
 * `support.members` (whose sessions support them), which the audit log shows.
 * @param names ids of the people in the scope's teams (never promoted as text).
 */
export function filterForScope(
  result: DreamResult,
  scope: StoreScope | undefined,
  sessions: ReadonlyMap<string, SessionMembers>,
  names: readonly string[],
): { result: DreamResult; held_back: HeldBack[] } {
  if (!scope || (scope.type !== 'team' && scope.type !== 'organisation')) return { result, held_back: [] };
  const held: HeldBack[] = [];
  const kept: ProposedChange[] = [];
  for (const c of result.changes) {
    if (!LESSON_KINDS.has(c.kind) || c.after === null) {
      kept.push(c);
      continue;
    }
    const why = judge(c, scope, sessions, names);
    if (typeof why === 'string') {
      held.push({ path: c.path, reason: why.startsWith('support') ? 'support' : 'personal', detail: why });
      continue;
    }
    kept.push({ ...c, support: why });
  }
  if (held.length === 0) return { result: { ...result, changes: kept }, held_back: [] };
  return { result: withoutHeld(result, kept, held), held_back: held };
}

/** The support of a change that may be promoted, or the sentence saying why it may not. */
function judge(
  c: ProposedChange,
  scope: StoreScope,
  sessions: ReadonlyMap<string, SessionMembers>,
  names: readonly string[],
): Change['support'] | string {
  const s = supportOf(c, sessions);
  const k = scope.min_support;
  if (scope.type === 'team' && s.people.size < k && s.agents.size < k)
    return `support: ${s.people.size} people and ${s.agents.size} agents, below ${k}`;
  if (scope.type === 'organisation' && s.teams.size < k) return `support: ${s.teams.size} teams, below ${k}`;
  const personal = personalDetail(c.after ?? '', names) ?? oneCaseToken(c, sessions);
  if (personal) return `personal: ${personal}`;
  return {
    ...c.support,
    people: s.people.size,
    teams: s.teams.size,
    members: [
      ...[...s.people].sort().map((p) => `person:${p}`),
      ...[...s.agents].sort().map((a) => `agent:${a}`),
    ],
  };
}

/** The result without the held-back changes: their files restored, their index lines removed. */
function withoutHeld(result: DreamResult, kept: ProposedChange[], held: HeldBack[]): DreamResult {
  const heldPaths = new Set(held.map((h) => h.path));
  const files = new Map(result.files.map((f) => [f.path, f.content]));
  for (const c of result.changes) {
    if (!heldPaths.has(c.path) || !LESSON_KINDS.has(c.kind)) continue;
    if (c.before === null) files.delete(c.path);
    else files.set(c.path, c.before);
  }
  const targets = [...heldPaths].map((p) => `](${encodeURI(p.slice(1))})`);
  const changes: ProposedChange[] = [];
  for (const c of kept) {
    if (c.path !== INDEX_PATH || c.after === null) {
      changes.push(c);
      continue;
    }
    const after = c.after
      .split('\n')
      .filter((line) => !targets.some((t) => line.includes(t)))
      .join('\n');
    files.set(INDEX_PATH, after);
    if (after !== c.before) changes.push({ ...c, after });
    else if (c.before === null) files.delete(INDEX_PATH);
  }
  return {
    ...result,
    changes,
    files: [...files].map(([path, content]) => ({ path, content })).sort((a, b) => cmp(a.path, b.path)),
    stats: { ...result.stats, scope_held_back: held.length },
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
