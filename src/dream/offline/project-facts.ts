/**
 * Project facts and references a person states while directing an agent (issue 15 scope 2): which
 * thing is the same as which ("conversationId is the same as sessionId"), what something really is when
 * the agent got it wrong ("it's not a JSONL file. It's a JSON file with syncState in it"), where
 * something lives ("the fixtures live in test/data"), which command runs the tests ("the tests run with
 * `pnpm vitest`"), and whatever statement the person explicitly asks to keep ("remember that the staging
 * database is read-only", "save in memory that …": {@link KEEP_REQUEST}). Claude Code's memory keeps these as its `project` and `reference` types from a single
 * statement; here they become `fact` memories with front matter `type: project|reference`, at a lower
 * confidence than feedback (0.5 from one session), so a store policy that auto-applies additions only
 * from two sessions up never applies them without a person.
 *
 * Read sentence by sentence with the language model of `language.ts` (part of speech), by sentence
 * structure only (no sentence lists). Never a question, never hedged ("I think", "might", "maybe"), never
 * about the speaker ("I", "my"), never from a subagent's session (its "user" is the parent agent).
 */
import type { FeedbackOccurrence } from './digest.js';
import { extractForeignFacts } from './foreign-feedback.js';
import { analyse, analyseSentences, type Sentence } from './language.js';
import { evidenceLines, type GatheredSession, lastDayOf, type PlannedMemory, supportOf } from './plan.js';
import { groupSaid, type SaidOccurrence, saidEvidence } from './said.js';
import { compareStrings, contentTokens, counted, ellipsize, fileSlug, stripLeadIn } from './text.js';

/** The kind of a stated fact, as Claude Code's memory types name them. */
export type ProjectFactType = 'project' | 'reference';

/** One project fact or reference found in a message. */
export interface ProjectFactStatement {
  /** `project`: how things are (identities, what something is); `reference`: where things live, which command runs what. */
  type: ProjectFactType;
  /** The person's words, verbatim (one sentence, or a "not A. It's B." pair). */
  text: string;
  /** Content tokens of `text` (for grouping the same fact across sessions). */
  tokens: string[];
}

/** Hedges: a fact the person is unsure of is not stated. */
const HEDGE =
  /\b(?:I think|I guess|I believe|I suppose|maybe|perhaps|probably|possibly|might|may|could|seems?|looks like)\b/i;

/** The speaker's own case. */
const OWN = /\b(?:I|I'm|I've|my|mine|me)\b/i;

/** "X is (exactly) the same as Y", "X is identical to Y", "X is an alias for Y". */
const IDENTITY =
  /^(.{2,60}?) (?:is|are) (?:exactly |just |basically |always )?(?:the same as|identical to|equal to|an alias (?:of|for)) (.{2,60}?)[.!]?$/i;

/**
 * The other side of an identity that points at another time ("the same as before", "as last time", "as
 * yesterday's"): a statement about one case going on as it was, not a standing fact of the project.
 */
const ANOTHER_TIME =
  /^(?:(?:in|on|at)\s+)?(?:the\s+)?(?:before|earlier|previously|last (?:time|week|month|year|one)|previous(?: one| time)?|yesterday|the other day|then)\b/i;

/** "X lives in / is stored in / is kept under / is defined in Y". */
const LOCATION =
  /^(?:the )?(.{2,50}?) (?:lives?|(?:is|are) (?:stored|kept|located|defined|configured|declared|generated)) (?:in|under|inside|at) (.{2,80}?)[.!]?$/i;

/**
 * Where a thing is, named by a place of the file system: "M-Claude is in the Documents folder" (the
 * object ends in folder, directory, repo), or "M-Claude is our repo and local folder (documents\M-Claude)"
 * (what it is, with a path). A bare "X is in Y" ("the bug is in the parser") states no place.
 */
const PLACE =
  /^(?:the )?(.{2,50}?) (?:is|are) (?:(?:in|under|inside) (?:the |our )?(.{1,60}?\b(?:folder|directory|dir|repo|repository))|(?:our|the) (?:\w+ ){0,4}?(?:repo|repository|folder|directory)\b.*?([~\w.:-]*[/\\][\w./\\-]+))\)?[.!]?$/i;

/**
 * Where a thing is, named by a path: "the migrations are under db/migrations", "our API client is in
 * apps/api_client/", "the schema is here: @prisma/schema.prisma" (a path holds a slash, or is a file name
 * with an extension; "@" is Claude Code's file mention; a web address is none).
 */
const PATH_PLACE =
  /^(?:the |our )?(.{2,50}?) (?:is|are|lives?) (?:(?:in|under|inside|at)|(?:over )?here:?) @?((?:[~\w.:-]*[/\\][\w./\\-]+|[\w-]+\.[a-z]{1,5})\/?)[.!]?$/i;

/**
 * A subject that is a defect or a change of this task, not a thing of the project: "the bug is in
 * src/parser.ts", "the failing test is at test/api.test.ts" state where this task's work is.
 */
const THIS_TASK_SUBJECT =
  /\b(?:bugs?|errors?|issues?|problems?|faults?|typos?|crash(?:es)?|failures?|failing|regressions?|leaks?|mistakes?|exceptions?|warnings?|culprits?|fix(?:es)?|changes?|diffs?|todos?)\b/i;

/** "the tests run with `X`", "tests are run via X", "`X` runs the tests". */
const COMMAND =
  /^(?:the |our |all )?(?:unit |integration |e2e )?(?:tests?|test suite|build|linter|lint|migrations?) (?:(?:is|are) )?(?:run|runs|built|build|builds) (?:with|via|using|through|by) (`[^`]+`|\S+(?: \S+){0,3})[.!]?$|^(`[^`]+`) (?:runs|builds|lints) (?:the |all )?(?:unit |integration )?(?:tests?|test suite|build|code)\b/i;

/** "it's not A" / "X is not A" at the start of a sentence (a correction of what something is). */
const IS_NOT = /^(?:no,?\s+)?(\w+)(?:'s| is| are|'re) not (?:a |an |the )?(.{2,80}?)[.!]?$/i;

/** "it's B" / "this is B" right after an IS_NOT sentence. */
const IT_IS = /^(?:it|this|that|they|ir)(?:'s| is| are|'re) (?:a |an |the )?(.{2,120}?)[.!]?$/i;

/**
 * A side of a statement that names something: a noun, a proper noun or a path-like word among the
 * sentence's tokens that lie inside `side` — not only pronouns and determiners ("it", "the same").
 */
function names(s: Sentence, side: string): boolean {
  const lower = side.toLowerCase();
  return s.tokens.some(
    (t) =>
      t.normal.length > 1 &&
      ['NOUN', 'PROPN', 'X'].includes(t.pos) &&
      new RegExp(`(?:^|[\\s/._\`-])${t.normal.replace(/[^\w]/g, '\\$&')}(?:$|[\\s/._\`-])`).test(lower),
  );
}

function plain(s: Sentence): string {
  return s.text.trim();
}

/**
 * Sentences of a message; a sentence begun in lower case is split from the one before it, and none is cut
 * inside a run of non-space characters (`analyseSentences`: "settings.json" stays one word).
 */
function sentencesOf(message: string): Sentence[] {
  return (
    message
      .replace(/```[\s\S]*?```/g, ' ')
      .split(/(?<=[.!?])\s+(?=[a-z])/)
      // (no boundary inside a file name: "app.py so that …" is one sentence, not "app." and "py so that …")
      .flatMap((chunk) => analyseSentences(chunk))
      .filter((s) => s.text.trim().length > 0)
  );
}

/** A statement that can be kept: not a question, not hedged, not about the speaker, not pasted text. */
function keepable(text: string): boolean {
  return (
    text.length >= 8 && text.length <= 240 && !/\?\s*$/.test(text) && !HEDGE.test(text) && !OWN.test(text)
  );
}

/**
 * A subject that is more than a noun phrase: it holds a clause break (`:`, `;`, `,`) or a conjunction
 * ("refactor the loader: the config", "move it so that the parsing code") — the statement is a clause of
 * a longer instruction, not a fact said on its own.
 */
const CLAUSE_IN_SUBJECT = /[:;,]|\b(?:so|that|because|since|if|when|and|but|then|which|where)\b/i;

/**
 * True when a statement's subject is a clause of a longer instruction ({@link CLAUSE_IN_SUBJECT}), after
 * the lead-in and a request to keep it ("FYI, …", "For future reference, …") are cut.
 */
function clausal(subject: string): boolean {
  return CLAUSE_IN_SUBJECT.test(stripLeadIn(subject).replace(KEEP_REQUEST, ''));
}

/** The fact one sentence states on its own, or null. */
function single(s: Sentence): ProjectFactStatement | null {
  const text = plain(s);
  if (!keepable(text)) return null;
  const id = IDENTITY.exec(text);
  if (
    id &&
    !clausal(id[1]!) &&
    names(s, id[1]!) &&
    names(s, id[2]!) &&
    !/^(?:it|this|that)\b/i.test(id[1]!) &&
    !ANOTHER_TIME.test(id[2]!)
  )
    return { type: 'project', text, tokens: contentTokens(text) };
  const at = LOCATION.exec(text);
  if (at && !clausal(at[1]!) && names(s, at[1]!) && names(s, at[2]!) && !/^(?:it|this|that)\b/i.test(at[1]!))
    return { type: 'reference', text, tokens: contentTokens(text) };
  if (COMMAND.test(text)) return { type: 'reference', text, tokens: contentTokens(text) };
  const path = PATH_PLACE.exec(text);
  if (
    path &&
    !clausal(path[1]!) &&
    names(s, path[1]!) &&
    !THIS_TASK_SUBJECT.test(path[1]!) &&
    // (a scratch file of this run is no place of the project, nor is a web address a path)
    !/^(?:\/(?:tmp|var\/folders)\/|\w+:\/\/)/.test(path[2]!) &&
    !/^(?:it|this|that|there|here|they|these|those)\b/i.test(path[1]!)
  )
    return { type: 'reference', text, tokens: contentTokens(text) };
  const place = PLACE.exec(text);
  if (
    place &&
    !clausal(place[1]!) &&
    names(s, place[1]!) &&
    !/^(?:it|this|that|there|here)\b/i.test(place[1]!)
  )
    return { type: 'reference', text, tokens: contentTokens(text) };
  return null;
}

/**
 * An explicit request to keep something, at the start of a sentence: "remember (that) …", "remember and
 * save in memory that …", "save in (your) memory that …", "add to CLAUDE.md that …", "note for the future that …", "keep in mind
 * that …", "for future reference, …" — what Claude Code's `#` shortcut and memory tool are for. The words
 * after it are what to keep.
 */
const KEEP_REQUEST =
  /^(?:please[,\s]+)?(?:(?:remember|note(?=\s+for\s+(?:the\s+)?future))(?:\s+(?:and|&)\s+(?:save|store|keep|add)(?:\s+(?:it|this))?\s+(?:in|to)\s+(?:your\s+|the\s+)?memory)?(?:\s+for\s+(?:the\s+)?future)?(?:\s+that\b|,|:|\s+(?=the\b))|(?:save|store|keep|add|put|write|note)(?:\s+(?:it|this))?\s+(?:in|to|into)\s+(?:your\s+|the\s+)?(?:memory|claude\.md|agents\.md)(?:\s+that\b|,|:)|keep\s+in\s+mind(?:\s+that\b|,|:)|for\s+future\s+reference[,:])\s*/i;

/** "the X is / are / lives / goes / belongs …" (a statement about a named thing). */
const BARE_STATEMENT = /^the\s+[\w./\\-]+(?:\s+[\w./\\-]+){0,4}?\s+(?:is|are|lives?|goes|belongs)\b/i;

/** A path of the file system or a file name in a kept statement: a reference (where things live). */
const PATH_LIKE = /[~\w.:-]*[/\\][\w./\\-]+|\b[\w-]+\.[a-z]{1,5}\b/i;

/**
 * The statement an explicit request to keep something carries ({@link KEEP_REQUEST}), when it is a
 * declarative clause that names something (a noun, proper noun or path after the request) and has a
 * finite verb not at its start (an order, "remember to run X", is feedback's, not a fact), and is
 * keepable (not a question, hedge or the speaker's own case). `reference` when it names a path or file,
 * else `project`.
 */
function keptStatement(text: string): ProjectFactStatement | null {
  const m = KEEP_REQUEST.exec(text);
  if (!m) return null;
  const rest = text.slice(m[0].length).trim();
  if (!keepable(rest) || /^to\b/i.test(rest)) return null;
  // with no "that" or comma, "remember the …" is a statement only as "the X is/are/lives …", not a
  // memory of an event ("remember the last time this happened")
  if (!/(?:\bthat|[,:])\s*$/i.test(m[0]) && !BARE_STATEMENT.test(rest)) return null;
  const [s] = analyse(rest);
  if (!s) return null;
  const words = s.tokens.filter((t) => t.pos !== 'PUNCT');
  const verbAt = words.findIndex((t) => t.pos === 'VERB' || t.pos === 'AUX');
  if (verbAt <= 0 || !names(s, rest)) return null;
  // "remember that time we went …": a shared memory of people, not a fact of the work
  if (words.slice(0, verbAt).some((t) => /^(?:we|you|they|he|she|u)$/.test(t.normal))) return null;
  // what happened once ("the build failed again", "it was down") is an event, not a standing fact
  const verb = words[verbAt]!;
  if (
    /^(?:was|were|did|had)$/.test(verb.normal) ||
    (verb.normal.endsWith('ed') && verb.normal !== verb.lemma)
  )
    return null;
  return { type: PATH_LIKE.test(rest) ? 'reference' : 'project', text, tokens: contentTokens(rest) };
}

/**
 * The project facts and references of one message of a person.
 * @param afterAgent true when the agent acted since the person's last message: only then is "it's not
 *   A. It's B." a correction of what the agent took something to be.
 */
export function extractProjectFacts(message: string, afterAgent: boolean): ProjectFactStatement[] {
  // in another language: only what the person asks to keep (`foreign-feedback.ts`)
  const foreign = extractForeignFacts(message);
  if (foreign.length > 0) return foreign;
  if (
    !/\b(?:same|identical|equal|alias|lives?|stored|kept|located|defined|configured|declared|generated|runs?|not|folder|directory|dir|repo|repository|remember|memory|mind|note|reference|here|claude\.md|agents\.md)\b|\w[/\\][\w.]/i.test(
      message,
    )
  )
    return [];
  const ss = sentencesOf(message);
  const out: ProjectFactStatement[] = [];
  for (let i = 0; i < ss.length; i++) {
    const s = ss[i]!;
    const text = plain(s);
    const next = ss[i + 1];
    const not = IS_NOT.exec(text);
    const is = next ? IT_IS.exec(plain(next)) : null;
    // "it's not A. It's B." — what the agent took it to be, and what it is (B must name something)
    if (afterAgent && not && is && next && keepable(`${text} ${plain(next)}`) && names(next, is[1]!)) {
      const both = `${text} ${plain(next)}`;
      out.push({ type: 'project', text: both, tokens: contentTokens(both) });
      i++;
      continue;
    }
    const f = single(s) ?? keptStatement(text);
    if (f) out.push(f);
  }
  return out;
}

/** Confidence of a stated fact said in `sessions` distinct sessions (0.5 for one, +0.1 per more, ≤ 0.8). */
export function projectFactConfidence(sessions: number): number {
  return Math.round(Math.min(0.8, 0.4 + 0.1 * sessions) * 100) / 100;
}

/** The cues of a digest's `feedback` occurrences that are stated facts rather than feedback. */
export const FACT_CUES: readonly FeedbackOccurrence['cue'][] = ['project', 'reference'];

type Occ = SaidOccurrence;

/**
 * Groups the sessions' stated project facts and references (digest `feedback` occurrences with cue
 * `project` or `reference`) into one `fact` memory each, with `type` set, reinforced when said again in
 * other sessions (near-duplicate content terms, Jaccard ≥ 0.5).
 * @param injected true for a statement that tells the agent to ignore its instructions or send data to
 *   an unknown host (never kept).
 */
export function mineProjectFacts(
  sessions: readonly GatheredSession[],
  injected: (text: string) => boolean = () => false,
): { memories: PlannedMemory[]; stats: { project_facts: number; project_facts_promoted: number } } {
  const occ: Occ[] = [];
  for (const s of sessions) {
    if (s.subagent) continue;
    for (const f of s.digest.feedback ?? [])
      if (FACT_CUES.includes(f.cue) && !injected(f.text)) occ.push({ s, f });
  }
  const memories = groupSaid(occ).map(planFact);
  memories.sort((a, b) => compareStrings(a.key, b.key));
  return { memories, stats: { project_facts: occ.length, project_facts_promoted: memories.length } };
}

/** One fact memory of a group in the order said (see {@link groupSaid}). */
function planFact(group: Occ[]): PlannedMemory {
  const first = group[0]!;
  const type = first.f.cue === 'reference' ? 'reference' : 'project';
  const support = supportOf(group.map((o) => o.s));
  const evidence = saidEvidence(group);
  const fact = first.f.text.replace(/\s+/g, ' ').trim();
  const label = type === 'project' ? 'Project' : 'Reference';
  const sessionsText = counted(support.sessions, 'session');
  const context = first.f.context
    ? ` It was said after the agent ${/^called /.test(first.f.context) ? first.f.context : `said: “${first.f.context}”`}.`
    : '';
  const body = [
    `# ${label}: ${ellipsize(fact, 90)}`,
    '',
    `> ${fact}`,
    '',
    `**How to apply:** take this as given when working on what it names in this project; it is the person's own statement, not verified against the code.${context}`,
    '',
    `Stated by the person directing the agent in ${sessionsText}.`,
    '',
    '## Evidence',
    '',
    ...evidenceLines(evidence),
  ];
  const lastSeen = lastDayOf(group.map((o) => o.s.time));
  return {
    key: `${type}:${[...new Set(first.f.tokens)].sort(compareStrings).join(' ')}`,
    kind: 'fact',
    type,
    slug: fileSlug(fact, 50, 'fact'),
    title: `${label}: ${ellipsize(fact, 70)}`,
    summary: `${ellipsize(fact, 90)} (${sessionsText})`,
    body: `${body.join('\n')}\n`,
    support,
    confidence: projectFactConfidence(support.sessions),
    last_seen: lastSeen,
    evidence,
    score: 0.5 + support.sessions,
    match_text: fact,
    match_terms: first.f.tokens,
    reason: `A ${type} fact the person stated, verbatim, in ${sessionsText}${
      support.sessions === 1 ? ' (one session: lower confidence; reinforced when said again)' : ''
    }.`,
  };
}
