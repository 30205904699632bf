/**
 * A person's explicit feedback to the agent — the rules they state and the corrections they make — read
 * from their own messages, sentence by sentence, with the language model of `language.ts` (no sentence
 * lists). Claude Code's own memory keeps exactly these from a single statement (its `feedback` type: the
 * rule, **Why:**, **How to apply:**), so unlike tool errors they need no second session.
 *
 * A sentence is feedback when it
 * - states a **rule**: an imperative or an obligation addressed to the agent ("don't X", "never X",
 *   "always X", "make sure X", "you/we should X") — a plain imperative counts only with a cue of
 *   generality (always, never, every time, from now on, by default, in general, instead, …), because
 *   without one it is a task instruction ("update the phase 4.1 document", "show me the JSON"); or
 * - **corrects** what the agent just did (only right after the agent acted): criticism of it ("it's a bad
 *   idea", "that's wrong", "way too complicated"), "not like that", or a question that objects ("why did
 *   you X?").
 * and it is not about the speaker's own case ("my order", "I need a refund"), not task-specific (a file
 * name, version or number without a cue of generality), and not a question asking for information.
 * A rule's reason is kept as **Why:** when the person gave one ("…, since X", "because X", or an
 * evaluative sentence beside it such as "performance is crucial").
 */
import { analyse, type Sentence, type Token } from './language.js';
import { contentTokens } from './text.js';

/** One feedback statement found in a message. */
export interface FeedbackStatement {
  /** `rule`: a stated rule; `correction`: an objection to what the agent just did. */
  cue: 'rule' | 'correction';
  /** The person's words (the sentence, and an imperative right after it that completes it), verbatim. */
  text: string;
  /** The person's reason, verbatim, when they gave one. */
  why: string | null;
  /** Content tokens of `text` (for grouping the same rule across sessions). */
  tokens: string[];
}

/**
 * A cheap test run before the language model: every rule or correction {@link extractFeedback} can find
 * holds one of these words (a negation, a cue of generality, an obligation, a reason, an objection) or
 * opens a sentence with a word pointing at the agent's work. Messages without any are skipped unread.
 */
const MAY_HOLD_FEEDBACK =
  /\b(?:don'?t|do not|never|always|stop|avoid|quit|should(?:n'?t)?|must|need to|have to|ought|make sure|be sure|remember|keep in mind|whenever|every ?time|each time|any ?time|from now on|going forward|future|default|general(?:ly)?|anymore|as a rule|because|since|so that|otherwise|why|who|did I|not|no|nope|too|over-?\w+|unnecessary)\b|(?:^|[.!?]\s+)(?:it|this|that|these|those|you|the)\b/i;

/** Longest sentence considered (longer ones are pasted text, not a remark). */
const MAX_SENTENCE_CHARS = 300;

/**
 * Words and phrases that make a statement general rather than about this one task. ("instead" and
 * "rather than" are not among them: "let's cancel that instead" picks an alternative within one task.)
 */
const GENERALITY =
  /\b(?:always|never|whenever|every ?time|each time|any ?time|from now on|going forward|in (?:the )?future|by default|in general|generally|as a rule|anymore|in this (?:project|repo|codebase))\b/i;

/** A leading interjection, conjunction or politeness word that does not change the sentence's mood. */
const LEAD_IN =
  /^(?:(?:ok(?:ay)?|so|and|also|but|well|hey|oh|no|nope|please|pls|again|now|then|yes|yeah|right|actually|from now on|going forward|in (?:the )?future|by default|in general|generally)\b[\s,.:;!-]*)+/i;

/** Task-specific references: file names, versions, numbers, line references, ids. */
const SPECIFIC =
  /\b[\w-]+\.(?:[a-z]{1,5})\b|\b\d+(?:\.\d+)+\b|\b(?:line|row|step|phase|issue|ticket|pr) ?#?\d+|#\d+|\b\d{2,}\b/i;

/** An identifier of one case: a token mixing letters and digits (order and ticket ids), or an e-mail address (also the team promotion filter's, src/teams). */
export const CASE_IDENTIFIER =
  /\b(?=[A-Za-z-]*\d)(?=[\d-]*[A-Za-z])[A-Za-z\d-]{5,}\b|\b[\w.+-]+@[\w-]+\.[\w.-]+/;

/**
 * First-person talk about the speaker's own case: "my …", or a sentence whose subject is "I" — except
 * "I want/need/prefer/'d like you to …" and "I told/asked you …", which address the agent.
 */
const OWN_CASE =
  /\b(?:my|mine)\b|^I\b(?!(?:'d| would| really| do)? (?:want|need|prefer|like) you\b| (?:told|asked|said) you\b)/i;

/** Fewest content words an evaluation needs to be kept ("that can't be right" says nothing to keep). */
const MIN_CORRECTION_TERMS = 2;

/** The speaker speaking of themselves. */
const FIRST_PERSON = /\b(?:I|I'm|I've|I'll|I'd|me|my|mine|myself)\b/;

/** A proposal of a joint next step ("let's cancel it"): a task instruction, whatever follows. */
const PROPOSAL = /^let(?:'s| us)\b/i;

/** A capitalised name inside the sentence (a place, a person, a product: one case's particulars). */
const NAME_INSIDE = /(?<=\S\s+)(?:[A-Z][a-z]+)(?:\s+[A-Z][a-z]+)*\b/;

/** A request for information rather than an objection. */
const QUESTION = /\?\s*$/;
const OBJECTING_QUESTION =
  /^(?:why (?:did|do|are|were|would|is|does) (?:you|it|this|that)\b|did I (?:ask|tell|say)\b|who (?:asked|told)\b)/i;

/** Words naming excess or wrongness of the agent's work, for corrections the sentiment lexicon misses. */
const EXCESS =
  /\bover-?(?:complicat|engineer|kill|do|think|build)\w*|\bnot (?:like (?:that|this)|what I (?:asked|meant|wanted)|necessary|needed)\b|\bunnecessary\b/i;

/** "too" + an adjective or adverb ("far too verbose"), by the model's tags. */
function excessive(s: Sentence): boolean {
  return s.tokens.some((t, i) => t.normal === 'too' && ['ADJ', 'ADV'].includes(s.tokens[i + 1]?.pos ?? ''));
}

/** A subject that points at what the agent just did. */
const POINTS_AT_WORK =
  /^(?:it|this|that|these|those|you|the (?:change|code|approach|fix|file|doc\w*|test))\b/i;

/** Verbs that weigh one thing against another, as a reason does ("stability matters more", "clients depend on it"). */
const WEIGHING = /^(?:matter|count|depend|rely|break|cost|hurt|slow)$/;

/** A clause giving a reason. */
const REASON =
  /[,;]?\s*\b(since|because|as otherwise|otherwise|so that|so (?:new|old|we|it|they|the)|as (?:it|this|that|the|we))\b\s*(.*)$/i;

function strip(text: string): string {
  return text
    .replace(LEAD_IN, '')
    .replace(/^[\s,.;:!-]+/, '')
    .trim();
}

/** The sentence's tokens after its lead-in words ("ok, so please …"), punctuation kept for clause splits. */
function firstWords(s: Sentence): Token[] {
  const lead = s.text.length - strip(s.text).length;
  let at = 0;
  return s.tokens.filter((t) => {
    const start = s.text.indexOf(t.text, at);
    at = start >= 0 ? start + t.text.length : at;
    return start >= lead;
  });
}

const words = (ts: Token[]) => ts.filter((t) => t.pos !== 'PUNCT');

/** "don't …", "do not …", "never …", "stop …", "avoid …", "no need to …" at the start. */
function negatedImperative(ws: Token[]): boolean {
  const [a, b] = ws;
  if (!a) return false;
  if (a.lemma === 'do' && b && (b.normal === 'not' || b.normal === "n't")) return true;
  if (/^(?:don'?t|never|avoid)$/.test(a.normal)) return true;
  // "stop adding …", "quit doing …" (not "stop flights")
  if (/^(?:stop|quit)$/.test(a.normal) && b?.normal.endsWith('ing')) return true;
  return a.normal === 'no' && b?.normal === 'need';
}

/**
 * An imperative: the sentence opens with a word in its base form (or an adverb and then one) that is
 * not the subject of a following verb. The light model often tags a sentence-initial verb as NOUN or
 * PROPN ("Use pnpm …", "check existing …"), so the tag alone cannot decide.
 */
function imperative(ws: Token[]): boolean {
  const i = ws[0]?.pos === 'ADV' ? 1 : 0;
  const t = ws[i];
  const next = ws[i + 1];
  if (!t || !['VERB', 'NOUN', 'PROPN'].includes(t.pos) || t.normal !== t.lemma) return false;
  if (!next) return t.pos === 'VERB';
  if (next.pos === 'AUX' || next.pos === 'PART') return false;
  // "Stability matters …": a subject and a verb in -s form that the model tagged NOUN
  if (t.pos !== 'VERB' && next.pos === 'NOUN' && next.normal !== next.lemma && next.normal.endsWith('s'))
    return false;
  return !(next.pos === 'VERB' && next.normal !== next.lemma && !next.normal.endsWith('ing'));
}

/** The clauses of a sentence (split at commas, semicolons, dashes and "and"/"but"), as token lists. */
function clauses(ws: Token[]): Token[][] {
  const out: Token[][] = [[]];
  for (const t of ws) {
    if (/^(?:,|;|—|–|and|but)$/.test(t.normal)) out.push([]);
    else out[out.length - 1]!.push(t);
  }
  return out.filter((c) => c.length > 0);
}

/** "make sure …", "remember to …", "you/we should|must|need to|have to …". */
function obligation(text: string): boolean {
  return (
    /^(?:make sure|be sure|remember to|keep in mind|note that you)\b/i.test(text) ||
    /\b(?:you|we)(?: really| always| never)? (?:should(?:n't)?|must(?:n't)?|need to|have to|ought to)\b/i.test(
      text,
    )
  );
}

/** Criticism of the agent's work: negative sentiment or excess, aimed at what it did. */
function criticism(s: Sentence, text: string): boolean {
  if (OBJECTING_QUESTION.test(text)) return true;
  // criticism of the agent's work is about the work, not about the speaker ("it'll just be me and I …")
  if (FIRST_PERSON.test(text.replace(/\bwhat I (?:asked|meant|wanted)\b/gi, ''))) return false;
  const opensWithNo = /^(?:no|nope|not)\b/i.test(s.text.trim());
  if (!POINTS_AT_WORK.test(text) && !opensWithNo) return false;
  if (EXCESS.test(text) || excessive(s)) return true;
  // an evaluation: "<it/this/that …> is/'s/can't be <something bad>", with something to keep in it
  const ws = words(firstWords(s));
  // the pointer, then at most a modal and a negation, then "be": "that's", "this is", "it can't be"
  const be = ws.findIndex((t) => t.lemma === 'be');
  const copular = be >= 1 && be <= 3 && ws.slice(1, be).every((t) => t.pos === 'AUX' || t.pos === 'PART');
  return copular && s.sentiment < 0 && substantive(ws) >= MIN_CORRECTION_TERMS;
}

/** Content words (nouns, verbs, adjectives, adverbs) other than auxiliaries and intensifiers. */
function substantive(ws: Token[]): number {
  return ws.filter(
    (t) =>
      ['NOUN', 'VERB', 'ADJ', 'ADV', 'PROPN'].includes(t.pos) &&
      !/^(?:be|do|have|will|can|could|would|should|just|really|very|so|not|now|then|here|there)$/.test(
        t.lemma,
      ),
  ).length;
}

/** The reason inside a rule sentence ("…, since X" → "since X"), or null. */
function reasonIn(text: string): string | null {
  const m = REASON.exec(text);
  return m && m[2]!.trim().split(/\s+/).length >= 3 ? `${m[1]} ${m[2]!.trim()}` : null;
}

/**
 * An evaluative statement that can serve as the reason next to a rule: a subject of a few words, then
 * "is/are" + an adjective ("performance is crucial") or a verb of weighing ("stability matters more than
 * elegance", "old clients still depend on it"); never a question, never about the speaker's own case or
 * about what the agent did.
 */
function evaluative(s: Sentence): boolean {
  const ws = s.tokens.filter((t) => t.pos !== 'PUNCT');
  if (QUESTION.test(s.text) || POINTS_AT_WORK.test(s.text) || OWN_CASE.test(s.text)) return false;
  if (ws[0]?.pos === 'PRON' || ws[0]?.pos === 'VERB') return false;
  // the light model tags a sentence's verb as NOUN at times ("Stability matters …"): look at lemmas
  const at = ws.findIndex((t, i) => i >= 1 && i <= 3 && (t.lemma === 'be' || WEIGHING.test(t.lemma)));
  if (at < 0 || ws.slice(0, at).some((t) => t.pos === 'PRON')) return false;
  if (ws[at]!.lemma === 'be') return ['ADJ', 'ADV'].includes(ws[at + 1]?.pos ?? '');
  return true;
}

/** What one sentence is, as feedback. */
function classify(s: Sentence, afterAgent: boolean): 'rule' | 'correction' | 'imperative' | null {
  const text = strip(s.text);
  if (text.length < 8 || text.length > MAX_SENTENCE_CHARS || OWN_CASE.test(text) || PROPOSAL.test(text))
    return null;
  if (QUESTION.test(text) && !OBJECTING_QUESTION.test(text)) return null;
  const all = firstWords(s);
  const ws = words(all);
  const general = GENERALITY.test(s.text);
  // one case's identifiers (an order id, an e-mail address) make it that case, whatever words surround them
  if (CASE_IDENTIFIER.test(text)) return null;
  if ((SPECIFIC.test(text) || NAME_INSIDE.test(text)) && !general) return null;
  const parts = clauses(all);
  if (parts.some((c) => negatedImperative(c)) || obligation(text)) return 'rule';
  if (imperative(ws) && (general || reasonIn(text) !== null)) return 'rule';
  if (
    afterAgent &&
    criticism(s, text) &&
    (reasonIn(text) || contentTokens(text).length >= MIN_CORRECTION_TERMS)
  )
    return 'correction';
  return imperative(ws) ? 'imperative' : null;
}

/**
 * The feedback statements of one message of a person.
 * @param afterAgent true when the agent acted (spoke or called a tool) since the person's last message,
 *   so that criticism can only be a correction of something the agent did.
 */
export function extractFeedback(message: string, afterAgent: boolean): FeedbackStatement[] {
  const text = message.replace(/```[\s\S]*?```/g, ' ');
  if (!MAY_HOLD_FEEDBACK.test(text)) return [];
  // people often start a sentence in lower case, which the model then runs into the one before it
  const sentences = text
    .split(/(?<=[.!?])\s+(?=[a-z])/)
    .flatMap((chunk) => analyse(chunk))
    .filter((s) => s.text.trim().length > 0);
  const kinds = sentences.map((s) => classify(s, afterAgent));
  const out: FeedbackStatement[] = [];
  for (let i = 0; i < sentences.length; i++) {
    const k = kinds[i];
    if (k !== 'rule' && k !== 'correction') continue;
    const start = i;
    let said = sentences[i]!.text.trim();
    // an imperative right after a rule completes it ("Don't create separate documents. Put it into the existing one.")
    if (kinds[i + 1] === 'imperative') said = `${said} ${sentences[++i]!.text.trim()}`;
    const beside = [i + 1, start - 1]
      .filter((j) => j >= 0 && j < sentences.length && kinds[j] === null)
      .map((j) => sentences[j]!)
      .find(evaluative);
    const why =
      [reasonIn(said), beside?.text.trim()].filter((w): w is string => Boolean(w)).join(' ') || null;
    out.push({ cue: k, text: said, why, tokens: contentTokens(said) });
  }
  return out;
}

/** True if a message takes back what the person said before ("never mind", "scratch that", "ignore what I said"). */
export function takesBack(message: string): boolean {
  return /^\s*(?:(?:ok(?:ay)?|actually|sorry)[,\s]+)*(?:never ?mind|scratch that|forget (?:it|that|what I said)|ignore (?:that|what I said|my (?:last|previous) (?:message|comment))|I was wrong|disregard (?:that|my))\b/i.test(
    message,
  );
}
