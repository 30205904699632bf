/**
 * Cross-session preferences and facts.
 *
 * Preferences: preference/correction sentences are grouped by their *distinctive terms*, not their
 * wording. A statement's terms are its content words minus the words that only signal a rule
 * ({@link CUE_TERMS}: "use", "always", "never", "avoid", "stick" …); a term is distinctive when it occurs
 * in at least two distinct statements (a word used once cannot link paraphrases, it only dilutes
 * them). Statements whose distinctive-term sets are similar (Jaccard ≥ 0.5 and at least two shared
 * terms, candidates from MinHash/LSH) form one cluster when one shared term is a plain word in both (not
 * only part of a file name, path or code span: two requests about the same files are not one rule). So
 * "Please use pnpm, not npm", "we're a pnpm shop, so no npm install please" and "Don't run npm here" meet
 * on {pnpm, npm}; statements about the speaker or one case ("my
 * flight", an order id) are grouped by exact wording only. Support counts distinct *speakers* (the
 * session's `user_id`, or the session itself when the user is unknown), so one customer repeating
 * themselves in two sessions is still one voice.
 *
 * Facts: facts stated in sessions are grouped by (type, subject, value) and returned for contradiction
 * checks against memories; for subjects no memory covers, the value users stated newest (with at
 * least `min_support` users) becomes a fact memory, recording the values it superseded.
 */
import { scoreConfidence } from './confidence.js';
import type { FactOccurrence, StatementOccurrence } from './digest.js';
import { type Stance, stance } from './language.js';
import {
  dayOf,
  evidenceLines,
  type GatheredSession,
  lastDayOf,
  type PlannedEvidence,
  type PlannedMemory,
  supportOf,
} from './plan.js';
import { ONE_OFF, PERSONAL } from './preferences.js';
import { clusterNearDuplicates } from './similarity.js';
import { compareStrings, contentTokens, counted, ellipsize, fileSlug } from './text.js';

/** The speaker key of a session: its user, or its content when the user is unknown. */
export function speakerOf(s: GatheredSession): string {
  return s.user_id ? `user:${s.user_id}` : `session:${s.content_sha256}`;
}

/**
 * The voice of one statement: the session's user when known, else the speaker the message names
 * (`Audrey: …` — one person across many sessions is one voice), else the session.
 */
export function voiceOf(s: GatheredSession, named?: string): string {
  return s.user_id ? `user:${s.user_id}` : named ? `name:${named}` : `session:${s.content_sha256}`;
}

/**
 * How to name the voices behind a statement: "by 3 distinct users in 4 sessions" only when every voice
 * is a known user or a named speaker; else "in 4 sessions" (the users are not known).
 * @param speakers voice keys (see {@link voiceOf}); `sessions` the distinct sessions.
 */
export function voices(speakers: ReadonlySet<string>, sessions: number): { by: string; short: string } {
  const known = [...speakers].every((v) => !v.startsWith('session:'));
  return known
    ? {
        by: `by ${counted(speakers.size, 'distinct user')} in ${counted(sessions, 'session')}`,
        short: counted(speakers.size, 'user'),
      }
    : { by: `in ${counted(sessions, 'session')} (users unknown)`, short: counted(sessions, 'session') };
}

/** Counters {@link minePreferences} reports. */
export interface PreferenceStats {
  preference_statements: number;
  preference_clusters: number;
  preferences_promoted: number;
  preferences_noise: number;
}

/**
 * Content terms that only signal that a sentence sets a rule, and everyday words that name no topic;
 * they never link two statements.
 */
export const CUE_TERMS: ReadonlySet<string> = new Set(
  contentTokens(
    "use using always never avoid prefer preferred stick keep make sure remember don't dont do not every " +
      'everything anymore instead rather should must please new any only no longer standard standardized ' +
      "we're shop here really thing reminder note quick also btw fyi whenever convention rule team " +
      // everyday words that name no topic
      'get go make take let give come see know need want like much many way time good new big small ' +
      'lot just bring find help try keep start put thing things stuff people',
  ),
);

/**
 * What may join a group beyond shared terms: `mayJoin(small, into)` is false when the two groups'
 * statements take contrary stances (see {@link contrary}).
 */
interface AttachFit {
  mayJoin: (small: readonly number[], into: readonly number[]) => boolean;
}

/**
 * True when two stances (see `stance` in `language.ts`) contradict and agree on nothing: a shared topic
 * term is preferred in one and dispreferred in the other, and no shared term is preferred, or
 * dispreferred, in both. Stricter than `opposes`: one wording's plain mention of what the rule rejects
 * ("always install with yarn; npm breaks our lockfile") does not oppose "never use npm, yarn only",
 * which agrees with it on yarn.
 */
function contrary(a: Stance, b: Stance): boolean {
  const has = (l: readonly string[], t: string) => l.includes(t);
  const conflict =
    a.preferred.some((t) => has(b.dispreferred, t)) || a.dispreferred.some((t) => has(b.preferred, t));
  const agree =
    a.preferred.some((t) => has(b.preferred, t)) || a.dispreferred.some((t) => has(b.dispreferred, t));
  return conflict && !agree;
}

/**
 * The {@link AttachFit} of statement texts (`texts[i]`: the distinct wordings of statement key `i`),
 * and `opposite(i, j)`: two statement keys take contrary stances. Stances are computed on demand
 * (wink-nlp, see `language.ts`) and cached.
 */
function attachFit(texts: readonly string[][]): AttachFit & { opposite: (i: number, j: number) => boolean } {
  const stances = new Map<number, Stance>();
  const stanceOf = (i: number) => {
    const known = stances.get(i);
    if (known) return known;
    const st = stance(texts[i]!, CUE_TERMS);
    stances.set(i, st);
    return st;
  };
  return {
    opposite: (i, j) => contrary(stanceOf(i), stanceOf(j)),
    mayJoin: (small, into) =>
      !contrary(
        stance(
          small.flatMap((i) => texts[i]!),
          CUE_TERMS,
        ),
        stance(
          into.flatMap((i) => texts[i]!),
          CUE_TERMS,
        ),
      ),
  };
}

/**
 * A group of statements after {@link attachContained}: all its statement indexes (`members`, ascending)
 * and the groups it was made of (`parts`: the near-duplicate group itself, then each small group
 * attached to it). A part is a set of wordings that share most of their terms; an attached part shares
 * only a word or two with the rule it joined.
 */
interface AttachedGroup {
  members: number[];
  parts: number[][];
}

/** Minimum Jaccard similarity of two statements' distinctive-term sets to share a cluster. */
const PREFERENCE_SIMILARITY = 0.5;

/**
 * Attaches a small group (≤ 3 distinctive terms in all) to an established group (≥ 2 wordings) one of
 * whose statements contains all its terms, when one of them is a core term of that group (in statements
 * making ≥ 60% of its weight): "Don't run npm here" {npm} → the {pnpm, npm, lockfile} group, a terse
 * wording of a rule is part of the rule; but a one-off request that shares only a side word of one
 * wording ("… when content is an array" {content} beside "only count lines that have non-blank content"
 * and "only consider non-blank lines") stays apart. Each small group goes to the single most-stated such group (no chaining
 * through it), so a generic term shared by two rules cannot merge them. A small group no statement
 * contains goes to the one established group whose anchor term it holds — a core term of that group
 * (in ≥ 60% of its statements) whose statements lie ≥ 80% in it ("Do not add Jest configs" {add, jest}
 * → the vitest rule) — when no other group anchors any of its terms.
 * A small group placed by its anchor term never joins a group whose stance is contrary to its own (see
 * {@link AttachFit}). (Not yet checked for a small group contained in a wording: blocking it there left
 * a stray one-session feedback in the planted train half, see the branch report.)
 * @param groups groups of statement indexes; `terms` each statement's distinctive terms; `counts` how
 *   often each statement was made.
 * @returns the groups after attaching, each with the groups it was made of (see {@link AttachedGroup}).
 */
function attachContained(
  groups: number[][],
  terms: string[][],
  counts: number[],
  fit: AttachFit = { mayJoin: () => true },
): AttachedGroup[] {
  const st = attachState(groups, terms, counts);
  attachIntoContaining(st);
  attachToAnchors(st, fit);
  const merged = new Map<number, number[][]>();
  groups.forEach((g, gi) => {
    const t = st.target[gi]!;
    const l = merged.get(t);
    if (l) l.push([...g]);
    else merged.set(t, [[...g]]);
  });
  return [...merged.values()]
    .map((parts) => ({ members: parts.flat().sort((a, b) => a - b), parts }))
    .sort((a, b) => a.members[0]! - b.members[0]!);
}

/** What both passes of {@link attachContained} read and write. */
interface AttachState {
  groups: number[][];
  terms: string[][];
  counts: number[];
  /** Statement index → its group. */
  groupOf: Map<number, number>;
  /** Each group's weight: how often its statements were made. */
  weight: number[];
  /** Term → the statements holding it. */
  byTerm: Map<string, number[]>;
  /** Each group's terms, sorted. */
  unions: string[][];
  /** Each group's destination (itself until attached). */
  target: number[];
  /** The small groups (≤ 3 terms, not exact-wording keys), fewest terms first: the ones that may attach. */
  small: number[];
  /** Groups that took a small group in the first pass (never attached themselves). */
  absorbed: Set<number>;
}

function attachState(groups: number[][], terms: string[][], counts: number[]): AttachState {
  const groupOf = new Map<number, number>();
  groups.forEach((g, gi) => {
    for (const i of g) groupOf.set(i, gi);
  });
  const byTerm = new Map<string, number[]>();
  terms.forEach((ts, i) => {
    for (const t of ts) {
      const l = byTerm.get(t);
      if (l) l.push(i);
      else byTerm.set(t, [i]);
    }
  });
  const unions = groups.map((g) => [...new Set(g.flatMap((i) => terms[i]!))].sort(compareStrings));
  return {
    groups,
    terms,
    counts,
    groupOf,
    weight: groups.map((g) => g.reduce((a, i) => a + counts[i]!, 0)),
    byTerm,
    unions,
    target: groups.map((_, gi) => gi),
    small: groups
      .map((_, gi) => gi)
      .filter((gi) => unions[gi]!.length <= 3 && !unions[gi]![0]!.startsWith('\u0000'))
      .sort((a, b) => unions[a]!.length - unions[b]!.length || a - b),
    absorbed: new Set<number>(),
  };
}

/**
 * First pass: a small group goes into the heaviest established group (several wordings) one of whose
 * statements holds all its terms, with one of them a core term there (in statements making ≥ 60% of
 * its weight); never chaining through attached groups.
 */
function attachIntoContaining(st: AttachState): void {
  const { groups, terms, counts, weight, target } = st;
  const isCore = (t: string, gj: number) =>
    groups[gj]!.reduce((a, i) => a + (terms[i]!.includes(t) ? counts[i]! : 0), 0) >= 0.6 * weight[gj]!;
  for (const gi of st.small) {
    const u = st.unions[gi]!;
    // statements (outside this group) whose terms contain all of u
    let cands: number[] | null = null;
    for (const t of u) {
      const posting = st.byTerm.get(t) ?? [];
      cands = cands === null ? posting : cands.filter((i) => posting.includes(i));
    }
    let best: number | null = null;
    for (const i of cands ?? []) {
      const gj = st.groupOf.get(i)!;
      // only into an established group (several wordings), never chaining through attached groups
      if (gj === gi || terms[i]!.length <= u.length || target[gj] !== gj || st.absorbed.has(gi)) continue;
      if (groups[gj]!.length < 2 || !u.some((t) => isCore(t, gj))) continue;
      if (best === null || weight[gj]! > weight[best]! || (weight[gj] === weight[best] && gj < best))
        best = gj;
    }
    if (best !== null) {
      target[gi] = best;
      st.absorbed.add(best);
    }
  }
}

/**
 * Second pass, over the groups as attached so far (a terse "pnpm only." group no longer splits the
 * weight of `pnpm`): a small group no statement contains goes to the one group that anchors its terms,
 * when `fit` lets it join.
 */
function attachToAnchors(st: AttachState, fit: AttachFit): void {
  const { groups, target } = st;
  const home = (i: number) => target[st.groupOf.get(i)!]!;
  const size = new Map<number, number>();
  const homeWeight = new Map<number, number>();
  groups.forEach((g, gi) => {
    size.set(target[gi]!, (size.get(target[gi]!) ?? 0) + g.length);
    homeWeight.set(target[gi]!, (homeWeight.get(target[gi]!) ?? 0) + st.weight[gi]!);
  });
  // per term, how its statements (weighted by how often each was made) spread over the groups
  const spread = new Map<string, Map<number, { w: number; n: number }>>();
  for (const [t, posting] of st.byTerm) {
    const per = new Map<number, { w: number; n: number }>();
    for (const i of posting) {
      const e = per.get(home(i)) ?? { w: 0, n: 0 };
      e.w += st.counts[i]!;
      e.n++;
      per.set(home(i), e);
    }
    spread.set(t, per);
  }
  /**
   * The group a term anchors for small group `gi`: outside `gi`, at least 80% of the term's weight lies
   * in it, in at least two of its statements, and the term is a core term of it (in ≥ 60% of its
   * statements by weight) — "jest" for the vitest rule.
   */
  const anchorOf = (t: string, gi: number): number | null => {
    const per = spread.get(t);
    if (!per) return null;
    let total = 0;
    for (const [gj, e] of per) if (gj !== gi) total += e.w;
    for (const [gj, e] of per)
      if (
        gj !== gi &&
        size.get(gj)! >= 2 &&
        e.n >= 2 &&
        e.w >= 0.8 * total &&
        e.w >= 0.6 * homeWeight.get(gj)!
      )
        return gj;
    return null;
  };
  for (const gi of st.small) {
    if (target[gi] !== gi || st.absorbed.has(gi)) continue;
    // the one established group whose core anchor term the small group holds, if no other anchors it
    const hits = new Set<number>();
    for (const t of st.unions[gi]!) {
      const gj = anchorOf(t, gi);
      if (gj !== null) hits.add(gj);
    }
    const gj = hits.size === 1 ? [...hits][0]! : null;
    if (gj !== null && fit.mayJoin(groups[gi]!, groups[gj]!)) target[gi] = gj;
  }
}

/**
 * A template sentence is in at least this many sessions of one agent (a prompt built by code runs at
 * volume; a person retyping the same request into a handful of sessions, as in the shared Claude Code
 * corpus's five poem sessions, is still a person) …
 */
const TEMPLATE_MIN_SESSIONS = 10;
/** … and in at least this share of that agent's sessions … */
const TEMPLATE_SHARE = 0.8;
/**
 * … or in at least this many sessions of one agent, whatever their share: nobody retypes a sentence into
 * fifty sessions, a plugin's prompt does (claude-mem's observer sessions, a third of one developer's 1,121
 * Claude Code sessions in the dev corpus: "Never reply with prose such as "Skipping" …" in 360 of them).
 */
const TEMPLATE_VOLUME = 50;

function templateKey(s: GatheredSession, text: string): string {
  return `${s.agent_id}\u0000${text.replace(/\s+/g, ' ').trim().toLowerCase()}`;
}

/**
 * Sentences of a user message that the app wrote, not a person: the same words, verbatim, in the user
 * messages of at least {@link TEMPLATE_MIN_SESSIONS} sessions of one agent and of at least
 * {@link TEMPLATE_SHARE} of that agent's sessions (a prompt built by code, such as "Triage this ticket.
 * Follow your playbook." above each ticket; a person does not type the same sentence into nearly every
 * session), or in at least {@link TEMPLATE_VOLUME} of its sessions. Keys as {@link templateKey}.
 */
export function templateSentences(sessions: readonly GatheredSession[]): Set<string> {
  const perAgent = new Map<string, number>();
  const seen = new Map<string, Set<string>>();
  for (const s of sessions) {
    if (s.subagent) continue;
    perAgent.set(s.agent_id, (perAgent.get(s.agent_id) ?? 0) + 1);
    for (const st of s.digest.statements) {
      const k = templateKey(s, st.text);
      const l = seen.get(k);
      if (l) l.add(s.content_sha256);
      else seen.set(k, new Set([s.content_sha256]));
    }
  }
  const out = new Set<string>();
  for (const [k, ss] of seen) {
    const total = perAgent.get(k.slice(0, k.indexOf('\u0000')))!;
    if (ss.size >= TEMPLATE_VOLUME || (ss.size >= TEMPLATE_MIN_SESSIONS && ss.size >= total * TEMPLATE_SHARE))
      out.add(k);
  }
  return out;
}

/** A person's statement and the session it was said in. */
type Said = { s: GatheredSession; st: StatementOccurrence };

/**
 * The person's statements of the sessions (never a subagent's "user", an agent, a tool, an excluded text or
 * the app's own templated prompt), grouped by their tokens; `count` is how many there were.
 */
function statementsByTokens(
  sessions: readonly GatheredSession[],
  exclude: (text: string) => boolean,
): { byKey: Map<string, Said[]>; count: number } {
  const byKey = new Map<string, Said[]>();
  let count = 0;
  const templated = templateSentences(sessions);
  for (const s of sessions) {
    if (s.subagent) continue; // a subagent's "user" is the parent agent
    for (const st of s.digest.statements) {
      if (st.source !== 'user.message' || exclude(st.text)) continue; // never from agents or tools
      if (templated.has(templateKey(s, st.text))) continue; // the app's own prompt, not a person's
      count++;
      const key = st.tokens.join(' ');
      const l = byKey.get(key);
      if (l) l.push({ s, st });
      else byKey.set(key, [{ s, st }]);
    }
  }
  return { byKey, count };
}

/** Code spans, paths and dotted names (`flake.nix`, `src/app`, `vi.fn`): names of things, not words of a rule. */
const NAMES = /`[^`\n]*`|\S*[/\\]\S*|\b\w+(?:\.\w+)+\b/g;

/**
 * The content terms of statement wordings outside code spans, paths and dotted names ({@link NAMES}):
 * two statements that share only terms read from such names ("`jaro/default.nix`" and
 * "`systems/nixos/default.nix`") are about the same files, not the same rule.
 */
function plainTerms(texts: readonly string[]): Set<string> {
  return new Set(texts.flatMap((t) => contentTokens(t.replace(NAMES, ' '))));
}

/**
 * Clusters the statement keys into rules: each key's distinctive terms (non-cue terms found in two or
 * more statements; a personal or one-case statement groups by its exact wording only), near-duplicate
 * term sets sharing two or more terms and not opposite, then statements contained in a cluster attached.
 */
function preferenceClusters(keys: readonly string[], byKey: Map<string, Said[]>) {
  // distinctive terms: non-cue terms found in at least two distinct statements
  const terms = keys.map((k) => k.split(' ').filter((t) => !CUE_TERMS.has(t)));
  const df = new Map<string, number>();
  for (const ts of terms) for (const t of ts) df.set(t, (df.get(t) ?? 0) + 1);
  // statements about the speaker or one case ("I prefer a flight within 3 hours of my …") group by
  // their exact wording only: their shared words say little about a shared rule
  const personal = keys.map((k) =>
    byKey.get(k)!.every((o) => PERSONAL.test(o.st.text) || ONE_OFF.test(o.st.text)),
  );
  const distinctive = terms.map((ts, i) => {
    const d = ts.filter((t) => df.get(t)! >= 2);
    return d.length > 0 && !personal[i] ? d : [`\u0000${keys[i]}`];
  });
  const wordings = keys.map((k) => [...new Set(byKey.get(k)!.map((o) => o.st.text))]);
  const fit = attachFit(wordings);
  const plain = wordings.map(plainTerms);
  const near = clusterNearDuplicates(distinctive, {
    threshold: PREFERENCE_SIMILARITY,
    bands: 32,
    rows: 2,
    // one shared word (e.g. "flight", "go") is not a shared rule; a statement and its opposite never are;
    // nor are two requests that share only the names of the files they are about
    accept: (i, j) => {
      const shared = distinctive[i]!.filter((t) => distinctive[j]!.includes(t));
      return (
        shared.length >= 2 && shared.some((t) => plain[i]!.has(t) && plain[j]!.has(t)) && !fit.opposite(i, j)
      );
    },
  });
  const groups = attachContained(
    near,
    distinctive,
    keys.map((k) => byKey.get(k)!.length),
    fit,
  );
  return { distinctive, groups };
}

/** Distinctive terms of a cluster held by at least `num`/`den` of its `total` statements, most held first. */
function heldTerms(
  g: readonly number[],
  distinctive: readonly string[][],
  counts: (i: number) => number,
  total: number,
  [num, den]: [number, number],
): string[] {
  const termCount = new Map<string, number>();
  for (const i of g)
    for (const t of distinctive[i]!)
      if (!t.startsWith('\u0000')) termCount.set(t, (termCount.get(t) ?? 0) + counts(i));
  return [...termCount.entries()]
    .filter(([, n]) => n * den >= total * num)
    .sort((a, b) => b[1] - a[1] || compareStrings(a[0], b[0]))
    .map(([t]) => t);
}

/** A preference (or correction) memory from one cluster's statements (see {@link minePreferences}). */
function renderPreference(occ: Said[], core: string[], strong: string[]): PlannedMemory {
  const speakers = new Set(occ.map((o) => voiceOf(o.s, o.st.speaker)));
  const support = supportOf(occ.map((o) => o.s));
  // quotes: distinct texts, most frequent first, then shortest
  const texts = new Map<string, number>();
  for (const o of occ) texts.set(o.st.text, (texts.get(o.st.text) ?? 0) + 1);
  const quotes = [...texts.entries()].sort(
    (a, b) => b[1] - a[1] || a[0].length - b[0].length || compareStrings(a[0], b[0]),
  );
  const corrections = occ.filter((o) => o.st.kind === 'correction').length;
  const kindWord = corrections * 2 > occ.length ? 'Correction' : 'Preference';
  const head = quotes[0]![0];
  // every statement the memory groups; its evidence shows the first of each session, at most six
  const carries: PlannedEvidence[] = occ.map((o) => ({
    session_id: o.s.id,
    seq_from: o.st.seq,
    seq_to: o.st.seq,
    quote: o.st.text,
    source: 'user.message',
  }));
  const seen = new Set<string>();
  const evidence = carries.filter((_, i) => {
    const session = occ[i]!.s.content_sha256;
    if (seen.has(session) || seen.size >= 6) return false;
    seen.add(session);
    return true;
  });
  const title = `${kindWord}: ${ellipsize(head, 70)}`;
  const who = voices(speakers, support.sessions);
  const body = [
    `# ${title}`,
    '',
    `Stated ${who.by}${quotes.length > 1 ? `, in ${quotes.length} wordings` : ''}. In their words:`,
    '',
    ...quotes.slice(0, 5).map(([q, n]) => `> ${q}${n > 1 ? ` (×${n})` : ''}`.replace(/\n/g, ' ')),
    '',
    ...(core.length > 0 ? [`Key terms: ${core.map((t) => `\`${t}\``).join(', ')}.`, ''] : []),
    '## Evidence',
    '',
    ...evidenceLines(evidence),
  ];
  return {
    // keyed by the core terms (stable across re-dreams and free of one statement's incidental words)
    key: `preference:${core.length > 0 ? [...core].sort(compareStrings).join(' ') : contentTokens(head).join(' ')}`,
    match_text: core.length >= 2 ? core.join(' ') : head,
    // the rule's strongest terms (two or more, in ≥ 80% of its statements) find a person's memory of it
    // ("Use pnpm, not npm." for {pnpm, npm}); one term alone ("poem") matches too loosely
    match_terms: strong.length >= 2 ? strong : core,
    kind: 'preference',
    slug: fileSlug(head, 50, 'preference'),
    title,
    summary: `${ellipsize(head, 90)} (${who.short})`,
    body: `${body.join('\n')}\n`,
    support,
    confidence: scoreConfidence({ sessions: support.sessions, contexts: speakers.size }),
    last_seen: lastDayOf(occ.map((o) => o.s.time)),
    evidence,
    carries,
    score: speakers.size * 1.2,
    reason: `${kindWord} stated verbatim ${who.by}${
      quotes.length > 1 ? ` (${quotes.length} wordings grouped by their shared terms)` : ''
    }.`,
  };
}

/**
 * Finds preferences and corrections stated by at least `minSupport` distinct speakers. Template
 * sentences (see {@link templateSentences}) are never read. The support must come from one group of
 * near-duplicate wordings on its own: a small group attached by {@link attachContained} (sharing a word
 * or two with the rule) adds its evidence and voices to a rule that already stands, never the voices
 * that make it stand.
 * @param exclude statements never to use (the engine passes the injection check of `injection.ts`).
 * @returns planned preference memories (sorted by key) and counters.
 */
export function minePreferences(
  sessions: readonly GatheredSession[],
  minSupport: number,
  exclude: (text: string) => boolean = () => false,
): { memories: PlannedMemory[]; stats: PreferenceStats } {
  const { byKey, count } = statementsByTokens(sessions, exclude);
  const keys = [...byKey.keys()].sort(compareStrings);
  const { distinctive, groups } = preferenceClusters(keys, byKey);
  const counts = (i: number) => byKey.get(keys[i]!)!.length;
  const memories: PlannedMemory[] = [];
  let noise = 0;
  /** True when the statements `part` make on their own reach `minSupport` speakers and sessions. */
  const standsAlone = (part: readonly number[]) => {
    const occ = part.flatMap((i) => byKey.get(keys[i]!)!);
    return (
      new Set(occ.map((o) => voiceOf(o.s, o.st.speaker))).size >= minSupport &&
      supportOf(occ.map((o) => o.s)).sessions >= minSupport
    );
  };
  for (const { members: g, parts } of groups) {
    // support is earned by wordings that share most of their terms: a statement attached by a word or
    // two ("No need to run it." beside "ensure that all tests run") only reinforces a rule that stands
    if (!parts.some(standsAlone)) {
      noise++;
      continue;
    }
    const occ = g
      .flatMap((i) => byKey.get(keys[i]!)!)
      .sort((a, b) => compareStrings(a.s.id, b.s.id) || a.st.seq - b.st.seq);
    // the cluster's core: distinctive terms found in at least half of its statements; the strong ones
    // in nearly every statement (≥ 80%): what a person's memory of the same rule names
    const core = heldTerms(g, distinctive, counts, occ.length, [1, 2]);
    const strong = heldTerms(g, distinctive, counts, occ.length, [4, 5]);
    memories.push(renderPreference(occ, core, strong));
  }
  memories.sort((a, b) => compareStrings(a.key, b.key));
  return {
    memories,
    stats: {
      preference_statements: count,
      preference_clusters: groups.length,
      preferences_promoted: memories.length,
      preferences_noise: noise,
    },
  };
}

/** A fact as stated in sessions: one (subject, value) with who said it. */
export interface SessionFact {
  subject: string;
  value: string;
  type: string;
  change: boolean;
  /** Most frequent verbatim sentence. */
  text: string;
  /** The value as written in `text`. */
  raw: string;
  /** Weighted support: user statements 1 per speaker, agent statements 0.5 per session. */
  weight: number;
  /** Distinct user speakers. */
  users: number;
  /** Latest session time stating it, or null. */
  time: string | null;
  occurrences: { s: GatheredSession; f: FactOccurrence }[];
}

/**
 * Groups the facts stated in sessions by (subject, type, value).
 * @returns one entry per (subject, type, value), sorted by that key.
 */
export function collectSessionFacts(sessions: readonly GatheredSession[]): SessionFact[] {
  const by = new Map<string, { s: GatheredSession; f: FactOccurrence }[]>();
  for (const s of sessions) {
    for (const f of s.digest.facts) {
      // a subagent's "user" messages are the parent agent's prompts: agent statements, not a person's
      if (s.subagent && f.source === 'user.message') continue;
      const key = `${f.subject}\u0000${f.type}\u0000${f.value}`;
      const l = by.get(key);
      if (l) l.push({ s, f });
      else by.set(key, [{ s, f }]);
    }
  }
  const out: SessionFact[] = [];
  for (const key of [...by.keys()].sort(compareStrings)) {
    const occ = by.get(key)!.sort((a, b) => compareStrings(a.s.id, b.s.id) || a.f.seq - b.f.seq);
    const users = new Set(
      occ.filter((o) => o.f.source === 'user.message').map((o) => voiceOf(o.s, o.f.speaker)),
    );
    const agentSessions = new Set(
      occ.filter((o) => o.f.source === 'agent.message').map((o) => o.s.content_sha256),
    );
    const texts = new Map<string, { n: number; raw: string }>();
    for (const o of occ)
      if (o.f.source === 'user.message' || users.size === 0) {
        const t = texts.get(o.f.text);
        if (t) t.n++;
        else texts.set(o.f.text, { n: 1, raw: o.f.raw ?? o.f.value });
      }
    const best = [...texts.entries()].sort(
      (a, b) => b[1].n - a[1].n || a[0].length - b[0].length || compareStrings(a[0], b[0]),
    )[0];
    const f0 = occ[0]!.f;
    out.push({
      subject: f0.subject,
      value: f0.value,
      type: f0.type,
      change: occ.some((o) => o.f.change),
      text: best?.[0] ?? f0.text,
      raw: best?.[1].raw ?? f0.raw ?? f0.value,
      weight: users.size + agentSessions.size * 0.5,
      users: users.size,
      time:
        occ
          .map((o) => o.s.time)
          .filter((t): t is string => t !== null)
          .sort()
          .pop() ?? null,
      occurrences: occ,
    });
  }
  return out;
}

/**
 * Merges session facts of one topic and value (stated under several subject wordings) into one: the
 * most-stated wording, all occurrences, users and agent sessions recounted, the latest time.
 */
export function mergeSessionFacts(list: readonly SessionFact[]): SessionFact {
  if (list.length === 1) return list[0]!;
  const occurrences = list
    .flatMap((f) => f.occurrences)
    .sort((a, b) => compareStrings(a.s.id, b.s.id) || a.f.seq - b.f.seq);
  const users = new Set(
    occurrences.filter((o) => o.f.source === 'user.message').map((o) => voiceOf(o.s, o.f.speaker)),
  );
  const agentSessions = new Set(
    occurrences.filter((o) => o.f.source === 'agent.message').map((o) => o.s.content_sha256),
  );
  const best = [...list].sort((a, b) => b.users - a.users || compareStrings(a.text, b.text))[0]!;
  return {
    ...best,
    change: list.some((f) => f.change),
    weight: users.size + agentSessions.size * 0.5,
    users: users.size,
    time:
      list
        .map((f) => f.time)
        .filter((t): t is string => t !== null)
        .sort()
        .pop() ?? null,
    occurrences,
  };
}

/** The voices (see {@link voiceOf}) of the user statements of a session fact. */
function factVoices(f: SessionFact): Set<string> {
  return new Set(
    f.occurrences.filter((o) => o.f.source === 'user.message').map((o) => voiceOf(o.s, o.f.speaker)),
  );
}

/** Evidence (up to `max`) for a session fact, user statements first. */
export function sessionFactEvidence(f: SessionFact, max = 5): PlannedEvidence[] {
  const occ = [...f.occurrences].sort(
    (a, b) =>
      Number(b.f.source === 'user.message') - Number(a.f.source === 'user.message') ||
      compareStrings(a.s.id, b.s.id),
  );
  const seen = new Set<string>();
  const out: PlannedEvidence[] = [];
  for (const o of occ) {
    if (seen.has(o.s.content_sha256) || out.length >= max) continue;
    seen.add(o.s.content_sha256);
    out.push({ session_id: o.s.id, seq_from: o.f.seq, seq_to: o.f.seq, quote: o.f.text, source: o.f.source });
  }
  return out;
}

/** Earliest time a session fact was stated, or null. */
export function firstStated(f: SessionFact): string | null {
  return (
    f.occurrences
      .map((o) => o.s.time)
      .filter((t): t is string => t !== null)
      .sort()[0] ?? null
  );
}

/**
 * Evidence for a session fact stated at or after `since` (all of it when `since` is null): distinct
 * users, plus 0.5 per agent session.
 */
export function strengthSince(f: SessionFact, since: string | null): number {
  const recent = f.occurrences.filter((o) => since === null || (o.s.time !== null && o.s.time >= since));
  const users = new Set(
    recent.filter((o) => o.f.source === 'user.message').map((o) => voiceOf(o.s, o.f.speaker)),
  );
  const agents = new Set(recent.filter((o) => o.f.source === 'agent.message').map((o) => o.s.content_sha256));
  return users.size + agents.size * 0.5;
}

/**
 * True if a topic is established in sessions: some value of it was stated by at least `minSupport`
 * users (`extra` adds voices per value, e.g. 1 for a value a memory also states). A topic whose values
 * are each stated once (a per-case field such as "the email on file is …") is not.
 */
export function topicEstablished(
  values: readonly SessionFact[],
  minSupport: number,
  extra: (v: SessionFact) => number = () => 0,
): boolean {
  return values.some((v) => v.users + extra(v) >= minSupport);
}

/**
 * Picks the current value among the values users stated for one subject, once the subject is
 * established (see {@link topicEstablished}): the newest (latest session time), unless
 * an older value has clearly stronger evidence *since the newest one first appeared* (≥ 2 × its
 * evidence + 1, counted with {@link strengthSince}). Values naturally pile up support before they
 * change, so only statements made while both values were around can outvote the newer one. Null when
 * the subject is not established.
 */
export function currentValue(values: readonly SessionFact[], minSupport: number): SessionFact | null {
  if (!topicEstablished(values, minSupport)) return null;
  const eligible = values.filter((v) => v.users >= 1);
  if (eligible.length === 0) return null;
  const newest = [...eligible].sort(
    (a, b) =>
      compareStrings(b.time ?? '', a.time ?? '') || b.users - a.users || compareStrings(a.value, b.value),
  )[0]!;
  const since = firstStated(newest);
  const own = strengthSince(newest, since);
  const stronger = eligible
    .filter((v) => v !== newest && strengthSince(v, since) >= 2 * own + 1)
    .sort((a, b) => strengthSince(b, since) - strengthSince(a, since) || compareStrings(a.value, b.value));
  return stronger[0] ?? newest;
}

/**
 * Fact memories for facts that users (not agents) stated in at least `minSupport` distinct voices and
 * that no memory covers. Facts are grouped by topic — (type, canonical subject) from `topicOf` — and
 * per topic only the current value (see {@link currentValue}) is promoted; the older values stated
 * by enough users are recorded as `Superseded:` lines (never as current).
 * @param topicOf the topic key of a session fact (`null`: skip it).
 * @param covered topic keys a memory already states (those are updated in place by cleanup instead).
 */
export function promoteSessionFacts(
  facts: readonly SessionFact[],
  minSupport: number,
  topicOf: (f: SessionFact) => string | null,
  covered: ReadonlySet<string>,
): PlannedMemory[] {
  const out: PlannedMemory[] = [];
  const byTopic = new Map<string, SessionFact[]>();
  for (const f of facts) {
    const topic = topicOf(f);
    if (topic === null || covered.has(topic)) continue;
    const l = byTopic.get(topic);
    if (l) l.push(f);
    else byTopic.set(topic, [f]);
  }
  for (const topic of [...byTopic.keys()].sort(compareStrings)) {
    // one entry per value (the topic may join several subject wordings)
    const perValue = new Map<string, SessionFact[]>();
    for (const f of byTopic.get(topic)!) {
      const l = perValue.get(f.value);
      if (l) l.push(f);
      else perValue.set(f.value, [f]);
    }
    const values = [...perValue.keys()].sort(compareStrings).map((v) => mergeSessionFacts(perValue.get(v)!));
    const best = currentValue(values, minSupport);
    if (!best) continue;
    const older = values
      .filter((v) => v !== best && v.users >= 1 && v.value !== best.value)
      .sort((a, b) => compareStrings(b.time ?? '', a.time ?? '') || compareStrings(a.value, b.value))
      .slice(0, 3);
    const evidence = sessionFactEvidence(best);
    const support = supportOf(best.occurrences.map((o) => o.s));
    const subject = topic.split('\u0000')[1] ?? best.subject;
    const who = voices(factVoices(best), support.sessions);
    const superseded = older.map(
      (v) =>
        `Superseded: "${v.text}" (stated ${voices(factVoices(v), new Set(v.occurrences.map((o) => o.s.content_sha256)).size).by} until ${dayOf(v.time) ?? 'an unknown date'}).`,
    );
    out.push({
      key: `fact:${subject}`,
      match_text: best.text,
      kind: 'fact',
      slug: fileSlug(subject, 50, 'fact'),
      title: ellipsize(best.text, 70),
      summary: `${ellipsize(best.text, 90)} (${who.short})`,
      body: `# ${ellipsize(best.text, 90)}\n\n${best.text}\n\nStated ${who.by}${
        best.time ? `, latest ${dayOf(best.time)}` : ''
      }.\n${superseded.length ? `\n${superseded.join('\n')}\n` : ''}\n## Evidence\n\n${evidence
        .map((e) => `- ${e.session_id} #${e.seq_from}: ${JSON.stringify(e.quote)}`)
        .join('\n')}\n`,
      support,
      confidence: scoreConfidence({ sessions: support.sessions, contexts: best.users }),
      last_seen: dayOf(best.time),
      evidence,
      score: best.users,
      reason: `Fact stated ${who.by}${
        older.length ? `; newer than ${older.map((v) => `"${v.raw}"`).join(', ')}, which it supersedes` : ''
      }.`,
    });
  }
  return out;
}
