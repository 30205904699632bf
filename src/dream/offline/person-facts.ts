/**
 * What people say about themselves in a conversation without tools: a companion chat, a conversation
 * between people (LoCoMo, arXiv 2402.17753). Claude Code's memory keeps these as its `user` type
 * ("information about the user's role, goals, responsibilities and knowledge"); open memory layers
 * benchmark exactly this (what a person did, has, plans, and when). Here they become `fact` memories
 * with `type: user`: one file per person and month, each line the person's own sentence, dated by the
 * session it was said in, relative dates made absolute ("last week" → "the week of 2023-05-15"), with
 * evidence to the exact message.
 *
 * Precision rules (by sentence structure, with the language model of `language.ts`; no sentence lists):
 * - only sessions without tool calls (a person talking, not directing an agent through a task: there a
 *   person's "I" is about the task) and never a subagent's session;
 * - a declarative sentence about the speaker (first person), not about the listener ("you", "your"),
 *   never a question, never hedged or hypothetical ("I think", "maybe", "would", "if");
 * - it names something: a noun, a proper noun or a number besides the pronouns ("I'm so excited!" and
 *   "I agree" say nothing to keep);
 * - 4 to 45 words; the same sentence said again (near-duplicate content terms) is kept once;
 * - the person is known (a speaker label or the session's user id) and spoke about themselves on at
 *   least two different days: a service desk's customer (one case, or a benchmark's task replayed in
 *   undated trials) is not someone the agent meets again over time.
 * A person's profile is personal by definition: team and organisation dreams never promote it
 * (`teams/promotion.ts`).
 */
import type { PersonFactOccurrence } from './digest.js';
import { analyse, isForeign, type Sentence } from './language.js';
import {
  dayOf,
  type GatheredSession,
  lastDayOf,
  type PlannedEvidence,
  type PlannedMemory,
  supportOf,
} from './plan.js';
import { speakerLabel } from './preferences.js';
import { absolutizeRelativeDates } from './relative-dates.js';
import { clusterNearDuplicates } from './similarity.js';
import { compareStrings, counted, fileSlug } from './text.js';

/** The speaker speaking of themselves (lower-cased token normals). */
const FIRST_PERSON = new Set(['i', 'me', 'my', 'mine', 'myself', 'we', 'us', 'our', 'ours', 'ourselves']);

/** The listener. */
const SECOND_PERSON = new Set(['you', 'your', 'yours', 'yourself', 'yourselves', 'u', 'ya']);

/** Hedged or hypothetical wording: not a statement of what is. */
const HEDGE =
  /\b(?:I think|I guess|I believe|I suppose|I hope|I wish|I wonder|I bet|maybe|perhaps|probably|possibly|might|would|could|if)\b/i;

/** Quick screen before the language model runs: some first-person word. */
const ANY_FIRST_PERSON = /\b(?:I|I'm|I've|I'd|I'll|me|my|mine|we|we're|we've|us|our)\b/i;

/** Stage directions (`[shares a photo: …]`). */
const ANNOTATION = /\s*\[[^\]]*\]\s*/g;

/** Shortest and longest sentence kept, in words. */
const MIN_WORDS = 4;
const MAX_WORDS = 45;

/** A sentence that states something about its speaker (see the module comment). */
function aboutSpeaker(s: Sentence): boolean {
  const text = s.text.trim();
  if (/\?\s*$/.test(text) || HEDGE.test(text)) return false;
  const words = text.split(/\s+/).filter(Boolean).length;
  if (words < MIN_WORDS || words > MAX_WORDS) return false;
  const normals = s.tokens.map((t) => t.normal);
  if (!normals.some((n) => FIRST_PERSON.has(n)) || normals.some((n) => SECOND_PERSON.has(n))) return false;
  const verb = s.tokens.some((t) => t.pos === 'VERB' || t.pos === 'AUX');
  const names = s.tokens.some(
    (t) => (t.pos === 'NOUN' || t.pos === 'PROPN' || t.pos === 'NUM') && !FIRST_PERSON.has(t.normal),
  );
  return verb && names;
}

/**
 * The sentences of one message in which its speaker states something about themselves, verbatim
 * (stage directions and a speaker label removed), in order.
 * @example extractPersonFacts('Gina: Thanks! I just got accepted for a fashion internship!')
 *   // → ['I just got accepted for a fashion internship!']
 */
export function extractPersonFacts(message: string): string[] {
  // the speaker label is the one the digest records as the statement's speaker (`speakerLabel`)
  const spoken = speakerLabel(message) ? message.slice(message.indexOf(':') + 1) : message;
  const text = spoken.replace(ANNOTATION, ' ').trim();
  if (!ANY_FIRST_PERSON.test(text) || isForeign(text)) return [];
  const out: string[] = [];
  for (const s of analyse(text)) {
    if (aboutSpeaker(s)) out.push(s.text.trim());
  }
  return out;
}

/**
 * A statement ready for the digest: relative dates made absolute against the message's time.
 * @param at the message's ISO timestamp, or null (then the text stays as written).
 */
export function datedStatement(sentence: string, at: string | null): { text: string; day: string | null } {
  if (!at || Number.isNaN(Date.parse(at))) return { text: sentence, day: null };
  return { text: absolutizeRelativeDates(sentence, at).text, day: dayOf(new Date(at).toISOString()) };
}

/** A person is remembered only when they spoke about themselves on at least this many different days. */
export const MIN_PERSON_DAYS = 2;

/** Confidence of a person's statement about themselves: their own words, said once. */
export const PERSON_FACT_CONFIDENCE = 0.6;

/** The same sentence said again (content terms Jaccard ≥ this) is kept once. */
const SAME_STATEMENT = 0.6;

interface Occ {
  s: GatheredSession;
  p: PersonFactOccurrence;
}

/**
 * Plans one `fact` memory (`type: user`) per person and month from the digests' `person` statements of
 * sessions without tool calls (see the module comment). A person is the statement's speaker label, or
 * the session's user id; statements of an unknown person, or of a person heard on fewer than
 * {@link MIN_PERSON_DAYS} days (or on no dated day), are not kept.
 */
export function minePersonFacts(sessions: readonly GatheredSession[]): {
  memories: PlannedMemory[];
  stats: { person_statements: number; person_memories: number };
} {
  const groups = new Map<string, Occ[]>();
  const seenOn = new Map<string, Set<string>>();
  let count = 0;
  for (const s of sessions) {
    if (s.subagent || s.digest.tool_calls > 0) continue;
    for (const p of s.digest.person ?? []) {
      // who said it must be known (a speaker label or the session's user): "the user" of many
      // one-off sessions (customers of a service desk) is not one person
      const who = p.speaker ?? s.user_id;
      if (!who) continue;
      const month = (p.day ?? dayOf(s.time) ?? 'undated').slice(0, 7);
      const key = `${who}\u0000${month}`;
      const list = groups.get(key) ?? [];
      list.push({ s, p });
      groups.set(key, list);
      if (p.day) seenOn.set(who, (seenOn.get(who) ?? new Set()).add(p.day));
      count++;
    }
  }
  const memories = [...groups.entries()]
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([key, occ]) => ({ who: key.split('\u0000')[0]!, month: key.split('\u0000')[1]!, occ }))
    // a person heard on one day only is one case, not someone the agent meets again over time
    .filter((g) => (seenOn.get(g.who)?.size ?? 0) >= MIN_PERSON_DAYS)
    .map((g) => planPerson(g.who, g.month, g.occ));
  return { memories, stats: { person_statements: count, person_memories: memories.length } };
}

/** Statements in the order said, a near-duplicate of an earlier one dropped. */
function distinct(occ: Occ[]): Occ[] {
  const sorted = [...occ].sort(
    (a, b) =>
      compareStrings(a.p.day ?? '', b.p.day ?? '') ||
      compareStrings(a.s.time ?? '', b.s.time ?? '') ||
      compareStrings(a.s.id, b.s.id) ||
      a.p.seq - b.p.seq,
  );
  const groups = clusterNearDuplicates(
    sorted.map((o) => o.p.tokens),
    { threshold: SAME_STATEMENT },
  );
  return groups.map((g) => sorted[g[0]!]!).sort((a, b) => sorted.indexOf(a) - sorted.indexOf(b));
}

/** One person's month: a dated line per statement, evidence to each message. */
function planPerson(who: string, month: string, occ: Occ[]): PlannedMemory {
  const kept = distinct(occ);
  const support = supportOf(kept.map((o) => o.s));
  const evidence: PlannedEvidence[] = kept.map((o) => ({
    session_id: o.s.id,
    seq_from: o.p.seq,
    seq_to: o.p.seq,
    quote: o.p.text,
    source: 'user.message',
  }));
  const lines = kept.map((o) => `- ${o.p.day ?? 'undated'}: ${o.p.text}`);
  const sessionsText = counted(support.sessions, 'session');
  const title = `${who}, ${month}`;
  const body = [
    `# ${title}`,
    '',
    `What ${who} said about themselves in ${sessionsText} (their own words; dates are the day it was said, relative dates made absolute).`,
    '',
    ...lines,
    '',
  ];
  const terms = [...new Set(kept.flatMap((o) => o.p.tokens))].sort(compareStrings);
  return {
    key: `user:${who.toLowerCase()}:${month}`,
    kind: 'fact',
    type: 'user',
    slug: fileSlug(`${who} ${month}`, 50, 'person'),
    title,
    summary: `${counted(kept.length, 'statement')} by ${who} about themselves (${sessionsText})`,
    body: `${body.join('\n')}`,
    support,
    confidence: PERSON_FACT_CONFIDENCE,
    last_seen: lastDayOf(kept.map((o) => o.s.time)),
    evidence,
    score: 0.25 + kept.length / 100,
    match_terms: terms.slice(0, 40),
    reason: `What ${who} said about themselves, verbatim and dated, in ${sessionsText} without tool calls.`,
  };
}
