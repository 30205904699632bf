/**
 * Feedback memories across sessions: a person's rules and corrections (gathered per session by
 * `feedback.ts`) become `feedback` memories even from one session, in the shape Claude Code's own memory
 * gives them — the rule in the person's words, **Why:** (their reason, quoted, when they gave one) and
 * **How to apply:** — with evidence to the exact message. The same rule said again in other sessions
 * (near-duplicate content terms, MinHash + Jaccard as in `similarity.ts`) reinforces one memory: support,
 * confidence and evidence grow; so do they when the agent of a later session says it follows the rule
 * ("I won't force-push; I'll rebase instead": an agent commitment sharing the rule's terms, with its
 * polarity). One session gives confidence 0.6, so a store policy that auto-applies additions only from
 * two sessions up never applies it without a person.
 *
 * Never from a subagent's session (its "user" is the parent agent) and never a statement that a
 * preference memory of the same dream already cites (the preference then carries it).
 *
 * Across dreams: the feedback memories an earlier dream generated (in the input store, see
 * {@link earlierRules}) are rules too. A group of this dream that restates one (Jaccard ≥ 0.5 of
 * content terms) takes its key, and a later session whose agent follows one this dream does not restate
 * yields a memory under its key — so `accumulate.ts` adds this dream's sessions to the earlier ones
 * (support, confidence, evidence) instead of starting a second memory.
 */
import type { FeedbackOccurrence } from './digest.js';
import { negatedRule } from './instruction-files.js';
import { evidenceLines, type GatheredSession, lastDayOf, type PlannedMemory, supportOf } from './plan.js';
import { groupSaid, type SaidOccurrence, saidEvidence } from './said.js';
import { compareStrings, contentTokens, counted, ellipsize, fileSlug } from './text.js';

/** Counters {@link mineFeedback} reports. */
export interface FeedbackStats {
  feedback_statements: number;
  feedback_promoted: number;
}

/**
 * A feedback memory an earlier dream generated: its cluster key, the rule as quoted, its content terms
 * and the last day it was seen (a session must be later to follow it).
 */
export interface EarlierRule {
  key: string;
  rule: string;
  why: string | null;
  tokens: string[];
  /** ISO day or time (front matter `last_seen`); null when not recorded. */
  since: string | null;
}

/**
 * The rules of the feedback memories an earlier dream generated, read from their files: key
 * `feedback:…` in the front matter, the rule on the first `> ` line of the body, **Why:** when quoted.
 * @param memories the input store's memories with their parsed front matter and body (orient.ts).
 */
export function earlierRules(
  memories: readonly { generatedKey: string | null; fields: Record<string, string>; body: string }[],
): EarlierRule[] {
  const out: EarlierRule[] = [];
  for (const m of memories) {
    if (!m.generatedKey?.startsWith('feedback:')) continue;
    const rule = /^> (.+)$/m.exec(m.body)?.[1]?.trim();
    if (!rule) continue;
    const why = /^\*\*Why:\*\* “(.+)”$/m.exec(m.body)?.[1] ?? null;
    out.push({
      key: m.generatedKey,
      rule,
      why,
      tokens: contentTokens(rule),
      since: m.fields.last_seen?.replace(/^"|"$/g, '') ?? null,
    });
  }
  return out;
}

/**
 * The statements (`session_id#seq`) that preference memories carry (`carries`, else their evidence), so
 * that feedback leaves them to those memories: a statement counts only when it shares at least {@link CARRIED} of its content
 * terms with the preference's own terms (`match_terms`, else its summary) — a statement a preference
 * merely lumped in on one shared word ("No console.log in committed code, ever." in a preference about
 * log timestamps) stays feedback.
 */
export function citedStatements(prefs: readonly PlannedMemory[]): Set<string> {
  const out = new Set<string>();
  for (const m of prefs) {
    const terms = new Set(m.match_terms?.length ? m.match_terms : contentTokens(m.summary));
    for (const e of m.carries ?? m.evidence) {
      const own = [...new Set(contentTokens(e.quote))];
      const shared = own.filter((t) => terms.has(t)).length;
      if (own.length > 0 && shared / own.length >= CARRIED) out.add(`${e.session_id}#${e.seq_from}`);
    }
  }
  return out;
}

/** Share of a quote's content terms a preference must hold to carry the statement (see {@link citedStatements}). */
const CARRIED = 0.34;

/** Fewest Jaccard similarity of content terms for a group of this dream to restate an earlier rule. */
const RESTATES = 0.5;

function jaccard(a: readonly string[], b: readonly string[]): number {
  const x = new Set(a);
  const y = new Set(b);
  const shared = [...x].filter((t) => y.has(t)).length;
  return shared / (x.size + y.size - shared || 1);
}

/** Confidence of a feedback memory said in `sessions` distinct sessions (0.6 for one, +0.1 per more, ≤ 0.9). */
export function feedbackConfidence(sessions: number): number {
  return Math.round(Math.min(0.9, 0.5 + 0.1 * sessions) * 100) / 100;
}

/** A rule or a correction (the digest's `feedback` list also carries stated facts: `project-facts.ts`). */
function isFeedback(f: FeedbackOccurrence): boolean {
  return f.cue === 'rule' || f.cue === 'correction';
}

type Occ = SaidOccurrence;

/**
 * Groups the sessions' feedback statements and plans one memory per group.
 * @param cited `session_id#seq` of statements already cited by preference memories (skipped).
 * @param injected true for a statement that tells the agent to ignore its instructions or to send data
 *   to an unknown host (see `injection.ts`): never feedback, whoever said it.
 */
export function mineFeedback(
  sessions: readonly GatheredSession[],
  cited: ReadonlySet<string> = new Set(),
  injected: (text: string) => boolean = () => false,
  earlier: readonly EarlierRule[] = [],
): { memories: PlannedMemory[]; stats: FeedbackStats } {
  const occ: Occ[] = [];
  const commitments: Occ[] = [];
  for (const s of sessions) {
    if (s.subagent) continue;
    for (const f of s.digest.feedback ?? []) {
      if (f.cue === 'follows') commitments.push({ s, f });
      else if (isFeedback(f) && !cited.has(`${s.id}#${f.seq}`) && !injected(f.text)) occ.push({ s, f });
    }
  }
  const memories = groupSaid(occ).map((group) => {
    const m = planFeedback(group, followersOf(group, commitments));
    const prior = earlier.find((e) => jaccard(e.tokens, group[0]!.f.tokens) >= RESTATES);
    return prior ? { ...m, key: prior.key } : m;
  });
  // an earlier dream's rule that this dream does not restate, followed by an agent in a later session
  for (const e of earlier) {
    if (memories.some((m) => m.key === e.key)) continue;
    // the rule's own terms, its reason left out (as for a rule of this dream)
    const terms = contentTokens(e.why ? e.rule.replace(e.why, '') : e.rule);
    const followers = followersOfRule(terms, negatedRule(e.rule), e.since, new Set(), commitments);
    if (followers.length > 0) memories.push(planFollowed(e, followers));
  }
  memories.sort((a, b) => compareStrings(a.key, b.key));
  return { memories, stats: { feedback_statements: occ.length, feedback_promoted: memories.length } };
}

/** How to apply a rule: when the situation it answered recurs (named by what the agent had done). */
function howToApply(first: FeedbackOccurrence): string {
  const did = (c: string) =>
    /^called /.test(c) ? c : `said: “${c}”${first.context_call ? ` and called ${first.context_call}` : ''}`;
  if (first.cue === 'correction' && first.context)
    return `Before doing again what this corrected — the agent had ${did(first.context)}.`;
  if (first.context)
    return `Whenever the same kind of work comes up (it was said after the agent ${did(first.context)}).`;
  return 'Whenever the same kind of work comes up in this project.';
}

/** Fewest content terms an agent's commitment shares with a rule to follow it, and the share of the smaller set. */
const FOLLOW_SHARED = 3;
const FOLLOW_COVER = 0.6;

/** An agent's commitment that negates what it names ("I won't …", "… instead of …"). */
const NEGATED_COMMITMENT =
  /\b(?:won'?t|will not|not going to|didn'?t|did not|instead of|rather than|never|avoid)\b/i;

/**
 * The agent's commitments that follow a rule: in a main session other than the rule's and later than
 * the first time it was said, sharing ≥ {@link FOLLOW_SHARED} content terms with it (≥
 * {@link FOLLOW_COVER} of the smaller set), with the same polarity ("never force-push" is followed by
 * "I won't force-push", broken by "I'll force-push").
 */
function followersOf(group: Occ[], commitments: readonly Occ[]): Occ[] {
  const first = [...group].sort((a, b) => compareStrings(a.s.time ?? '', b.s.time ?? ''))[0]!;
  if (first.s.time === null) return [];
  const said = new Set(group.map((o) => o.s.content_sha256));
  // the rule's own terms: its reason left out
  const terms = group.flatMap((o) => contentTokens(o.f.why ? o.f.text.replace(o.f.why, '') : o.f.text));
  return followersOfRule(terms, negatedRule(first.f.text), first.s.time, said, commitments);
}

/**
 * The commitments that follow a rule of content `ruleTerms` (see {@link followersOf}): in a session
 * not in `said` and later than `since`, sharing enough terms at the same polarity.
 */
function followersOfRule(
  ruleTerms: readonly string[],
  negated: boolean,
  since: string | null,
  said: ReadonlySet<string>,
  commitments: readonly Occ[],
): Occ[] {
  if (since === null) return [];
  // contraction stubs ("ll", "t") name nothing
  const core = (ts: readonly string[]) => ts.filter((t) => t.length >= 3);
  const terms = new Set(core(ruleTerms));
  return commitments.filter((c) => {
    // a day (front matter last_seen) compares with a session's time by its date
    const later = since.length === 10 ? (c.s.time ?? '').slice(0, 10) > since : (c.s.time ?? '') > since;
    if (said.has(c.s.content_sha256) || c.s.time === null || !later) return false;
    const own = core(c.f.tokens);
    const shared = own.filter((t) => terms.has(t)).length;
    const cover = shared / Math.min(terms.size, own.length);
    return shared >= FOLLOW_SHARED && cover >= FOLLOW_COVER && NEGATED_COMMITMENT.test(c.f.text) === negated;
  });
}

/**
 * A memory under an earlier dream's key for a rule this dream's sessions only follow: the rule as the
 * earlier memory quotes it, support and evidence from the following sessions (`accumulate.ts` adds the
 * earlier ones).
 */
function planFollowed(e: EarlierRule, followers: Occ[]): PlannedMemory {
  const support = supportOf(followers.map((o) => o.s));
  const evidence = saidEvidence(followers);
  const followedText = counted(support.sessions, 'later session');
  const body = [
    `# Feedback: ${ellipsize(e.rule, 90)}`,
    '',
    `> ${e.rule}`,
    '',
    `**Why:** ${e.why ? `“${e.why}”` : 'not stated.'}`,
    '**How to apply:** Whenever the same kind of work comes up in this project.',
    '',
    `Said by the person directing the agent in an earlier dream's sessions; the agent followed it in ${followedText}.`,
    '',
    '## Evidence',
    '',
    ...evidenceLines(evidence),
  ];
  return {
    key: e.key,
    kind: 'feedback',
    slug: fileSlug(e.rule, 50, 'feedback'),
    title: `Feedback: ${ellipsize(e.rule, 70)}`,
    summary: `${ellipsize(e.rule, 90)} (${counted(support.sessions, 'session')})`,
    body: `${body.join('\n')}\n`,
    support,
    confidence: feedbackConfidence(support.sessions),
    last_seen: lastDayOf(followers.map((o) => o.s.time)),
    evidence,
    score: 1 + support.sessions,
    match_text: e.rule,
    match_terms: e.tokens,
    reason: `Feedback an earlier dream found, followed by the agent in ${followedText} of this dream.`,
  };
}

/** One feedback memory of a group in the order said (see {@link groupSaid}) and the agent's follow-ups. */
function planFeedback(group: Occ[], followers: Occ[] = []): PlannedMemory {
  const first = group[0]!;
  const saidIn = supportOf(group.map((o) => o.s));
  const support = supportOf([...group, ...followers].map((o) => o.s));
  const followedIn = support.sessions - saidIn.sessions;
  const why = group.find((o) => o.f.why)?.f.why ?? null;
  const evidence = saidEvidence([...group, ...followers]);
  const wordings = [...new Set(group.map((o) => o.f.text))];
  const rule = first.f.text.replace(/\s+/g, ' ').trim();
  const kindWord = group.every((o) => o.f.cue === 'correction') ? 'Correction' : 'Feedback';
  const sessionsText = counted(saidIn.sessions, 'session');
  const followedText =
    followedIn > 0 ? `; the agent followed it in ${counted(followedIn, 'later session')}` : '';
  const body = [
    `# ${kindWord}: ${ellipsize(rule, 90)}`,
    '',
    `> ${rule}`,
    '',
    `**Why:** ${why ? `“${why}”` : 'not stated.'}`,
    `**How to apply:** ${howToApply(first.f)}`,
    '',
    `Said by the person directing the agent in ${sessionsText}${wordings.length > 1 ? `, in ${wordings.length} wordings` : ''}${followedText}.`,
    ...(wordings.length > 1 ? ['', ...wordings.slice(1, 4).map((w) => `> ${w}`)] : []),
    '',
    '## Evidence',
    '',
    ...evidenceLines(evidence),
  ];
  const lastSeen = lastDayOf(group.map((o) => o.s.time));
  return {
    key: `feedback:${[...new Set(first.f.tokens)].sort(compareStrings).join(' ')}`,
    kind: 'feedback',
    slug: fileSlug(rule, 50, 'feedback'),
    title: `${kindWord}: ${ellipsize(rule, 70)}`,
    summary: `${ellipsize(rule, 90)} (${sessionsText})`,
    body: `${body.join('\n')}\n`,
    support,
    confidence: feedbackConfidence(support.sessions),
    last_seen: lastSeen,
    evidence,
    score: 1 + support.sessions,
    match_text: rule,
    match_terms: first.f.tokens,
    reason: `${kindWord} the person gave the agent, verbatim, in ${sessionsText}${followedText}${
      support.sessions === 1 ? ' (one session: lower confidence; reinforced when said again or followed)' : ''
    }.`,
  };
}
