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
 *   without one it is a task instruction ("update the phase 4.1 document", "show me the JSON"); an order
 *   limited to now ("yet", "for now", "this time") is one too; or
 * - is **shaped** as a rule beyond the plain imperative: an action barred ("force push is forbidden
 *   here", "not ok to …"), "stop …ing" (ending a habit), a time frame then an order ("next time X, do
 *   Y"), a general statement then "so" and an order, an order set against what it replaces ("keep X in
 *   chat, not in files"; "no --force, rebase instead"), "I never want to see …"; or
 * - **corrects** what the agent just did (only right after the agent acted): criticism of it ("it's a bad
 *   idea", "that's wrong", "way too complicated"), "not like that", or a question that objects ("why did
 *   you X?").
 * and it is not about the speaker's own case ("my order", "I need a refund"), not task-specific (a file
 * name, version or number without a cue of generality), and not a question asking for information.
 * A rule's reason is kept as **Why:** when the person gave one ("…, since X", "because X", or an
 * evaluative sentence beside it such as "performance is crucial").
 */
import { extractForeignFeedback } from './foreign-feedback.js';
import {
  analyse,
  analyseSentences,
  isForeign,
  ordersReplyLanguage,
  REPLY_LANGUAGE,
  type Sentence,
  type Token,
} from './language.js';
import { holdsBeyondNow, speakerLabel, ventsAtAgent, withoutFalseCues } from './preferences.js';
import { namesOneDay } from './relative-dates.js';
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
  /**
   * True for an objection in the speaker's own words ("I don't need these summary files"): feedback only
   * when the agent had just changed files or run commands (see `addressed.ts`), never about a case of the
   * speaker's own ("I don't need these extra bags").
   */
  needs_change?: true;
}

/**
 * A cheap test run before the language model: every rule or correction {@link extractFeedback} can find
 * holds one of these words (a negation, a cue of generality, an obligation, a reason, an objection) or
 * opens a sentence with a word pointing at the agent's work. Messages without any are skipped unread.
 */
const MAY_HOLD_FEEDBACK =
  /\b(?:even|what'?s (?:up )?with|I (?:asked|wanted)|everywhere|for (?:any|every|all)|did (?:the|anyone|anybody)|norm|rule)\b|^\s*(?:[a-z-]+ ){0,2}[a-z]+s [a-z]+\b[^.!?]{0,80}[,;.!]\s+\w|\b[a-z]+s (?:go|live|stay|belong|sit) (?:in|into|on|under|next|beside|with|alongside)\b|\b(?:need|require)s? (?!to\b)\w+|\b(?:don'?t|do not|never|always|stop|avoid|quit|should(?:n'?t)?|must|need to|have to|ought|make sure|be sure|remember|keep in mind|whenever|every ?time|each time|any ?time|from now on|going forward|future|default|general(?:ly)?|anymore|as a rule|because|since|so that|otherwise|why|who|how|just|rather|did I|not|no|nope|too|over-?\w+|unnecessary|next ?time|if|when|before|after|unless|once|really|seriously|honestly|actually|whole|entire|we|nobody|no one|anyone|anybody|every|each|instead|in this (?:project|repo|codebase)|can'?t|cannot|forbidden|prohibited|banned|allowed|permitted|ok|okay|(?:un)?acceptable|cool|limits|no-?go|ugh|sigh|want|so|again|anyway)\b|n't\b|(?:^|[.!?]\s+)(?:it|this|that|these|those|you|the|\w+(?: \w+)?, (?:a|an|another|you|[a-z]+ing)|(?:[a-z]+-)?[a-z]{3,}ing)\b|, \w+[.?]?\s*$/i;

/** Longest sentence considered (longer ones are pasted text, not a remark). */
const MAX_SENTENCE_CHARS = 300;

/**
 * Words and phrases that make a statement general rather than about this one task. ("instead" and
 * "rather than" are not among them: "let's cancel that instead" picks an alternative within one task.)
 */
const GENERALITY =
  /^\W*for future reference\b|\b(?:here and everywhere|(?:do|apply) (?:that|this|it|the same) (?:for|to|in|with) (?:any|every|each|all\b(?! (?:of )?(?:the|these|those|our|my|your)\b))\b|(?:for|in|across) (?:all|every|any)(?: (?:of )?(?:the|my|our))? (?:projects?|repos?|repositories|codebases?|sessions?|tasks?|conversations?)\b|(?:our|team|house) (?:rule|policy|convention)s?\b|(?:once|one (?:query|request|call|round ?trip)) per [a-z]{2,}|always|never(?! ?mind|[- ]?ending)|(?:don'?t|do not) ever|whenever|every ?time|each time|any ?time|next time|from now on|going forward|in (?:the )?future|future (?:work|tasks?|changes?|sessions?|projects?|commits?|prs?)|by default|in general|generally|as a rule|anymore|in this (?:project|repo|codebase)|rule of thumb|policy|convention|house rule|no exceptions?)\b|[,;–—-]\s*ever\b|\bavoid any more\b|\bany more(?=\s*(?:[.,;!)]|$))/i;

/** A leading interjection, conjunction or politeness word that does not change the sentence's mood. */
const LEAD_IN =
  /^(?:(?:ok(?:ay)?|so|and|also|but|well|hey|hi|hello|oh|no|nope|please|pls|again|now|then|yes|yeah|right|actually|from now on|going forward|in (?:the )?future|for future reference|by default|in general|generally|next time|(?:our|the|team|house) (?:rule|policy|convention)s?(?= ?:))\b[\s,.:;!-]*)+/i;

/**
 * A clause embedded in the order that its cue of generality would describe instead of the order: a time
 * or purpose clause ("… for when I reopen next time", "… so that it always passes", "… until …", "… in
 * case …", "fix the settings so it doesn't fail in the future": a bare "so" and a subject, with no comma
 * before it, which would make it a result: "it broke twice, so we never …") or the infinitive of a
 * thing being set up ("wire hooks for the reviewer to always run"). It
 * runs to the end of its clause.
 */
const EMBEDDED =
  /\b(?:for when|so that|until|in case|for (?:the |a |an )?[\w-]+(?: [\w-]+)? to)\b[^,;.!?]*|(?<=[^\s,;:]\s+)so (?=(?:it|we|i|you|they|this|that|there|the)\b)[^,;.!?]*/gi;

/** "in this project/repo/codebase": the scope of a rule, or only where an order's work is (see {@link placesWork}). */
const IN_THIS = /\bin this (?:project|repo|codebase)\b/i;
/** A negation or a modal: what makes "in this project" the scope of an order ("don't run npm in this repo"). */
const FORBIDS_OR_PRESCRIBES =
  /\b(?:not|no|never|nothing|don'?t|doesn'?t|won'?t|can'?t|should|must|only)\b|n't\b/i;

/**
 * True when "in this project" in `text` only says where an order's work is: the sentence is a plain
 * order that neither forbids nor prescribes ("create actions from the scripts in this project"). A norm
 * with a subject of its own ("Fixtures stay small in this repo": a noun or pronoun before its first verb,
 * within its first five words), a sentence it opens ("In this project, check with me …") and a negated
 * order keep it as their scope.
 */
function placesWork(text: string): boolean {
  const body = strip(text);
  if (FORBIDS_OR_PRESCRIBES.test(body) || /^in this\b/i.test(body)) return false;
  const ts = (analyse(body)[0]?.tokens ?? []).slice(0, 5);
  const verb = ts.findIndex((t, i) => i > 0 && (t.pos === 'VERB' || t.pos === 'AUX'));
  // ("check if I committed a key in this repo": an order whose verb the light model tags NOUN before "if")
  const order =
    ts[0]?.pos === 'VERB' || (ts[0]?.pos === 'NOUN' && /^(?:if|whether)$/.test(ts[1]?.normal ?? ''));
  const subject = !order && ts.slice(0, Math.max(verb, 0)).some((t) => /^(?:NOUN|PROPN|PRON)$/.test(t.pos));
  return !subject;
}

/**
 * True when `text` carries a cue of generality ({@link GENERALITY}: always, never, every time, from now
 * on, in general, …, not a setting's value such as "sparse=always") in the order itself: what makes an order a rule for every next time rather than for
 * this task. A cue inside an embedded time or purpose clause ({@link EMBEDDED}) describes that clause,
 * not the order; "in this project" only places the work unless it opens the sentence or the sentence
 * forbids or prescribes ({@link placesWork}): "create actions from the scripts in this project" is a task.
 */
export function saysGenerally(text: string): boolean {
  let main = withoutFalseCues(text).replace(EMBEDDED, ' ');
  if (IN_THIS.test(main) && placesWork(main)) main = main.replace(IN_THIS, ' ');
  return GENERALITY.test(main);
}

/**
 * Task-specific references: paths and slash commands, file names, versions, numbers, line references,
 * ids. A file name made a modifier of a kind ("SUMMARY.md-style documents") names no one file.
 */
const SPECIFIC =
  /\b[A-Za-z]:\\\S*|(?<![\w/.])\/[a-z][\w-]+|\b[\w-]+\.(?:[a-z]{1,5})\b(?![-\s](?:style|like|type|ish|kind)\b)|\b\d+(?:\.\d+)+\b|\b(?:line|row|step|phase|issue|ticket|pr) ?#?\d+|#\d+|\b\d{2,}\b/i;

/** A count of things, a number then a plural ("41 files", "12 tests"). */
const COUNTED = /\b\d+\s+([a-z]{2,}[^s\W]s)\b/gi;

/** A file name with an extension, as a word ("package.json", "CHANGES_SUMMARY.md", "src/a.test.ts"). */
const FILE_NAME = /(?<![\w.])(?:[\w-]+\/)*[\w-]+(?:\.[\w-]+)*\.[a-z]{1,5}\b/gi;

/**
 * A code identifier written as code: snake_case (`conversation_uid`), camelCase (`lastSyncedId`), a
 * PascalCase class name of three or more parts, UPPER_SNAKE (an environment variable), or a call
 * `name()`. A sentence naming one is about acting on that one thing now ("don't add notes, track conversation_uid"),
 * not a way of working, unless it carries a cue of generality.
 */
const CODE_IDENTIFIER = new RegExp(
  [
    /\b[a-z][a-z\d]*(?:_[a-z\d]+)+\b/.source, // snake_case
    /\b[a-z]+[A-Z][A-Za-z\d]*\b/.source, // camelCase
    /\b[A-Z][a-z\d]+(?:[A-Z][a-z\d]+){2,}\b/.source, // PascalCase of three or more parts (a class)
    /\b[A-Z][A-Z\d]*(?:_[A-Z\d]+)+\b/.source, // UPPER_SNAKE (an environment variable, a constant)
    /\b[A-Za-z_$][\w$.]*\(\)/.source, // a call: confirm(), os.getcwd()
  ].join('|'),
);

/** An identifier of one case: a token mixing letters and digits (order and ticket ids), or an e-mail address (also the team promotion filter's, src/teams). */
export const CASE_IDENTIFIER =
  /\b(?=[A-Za-z-]*\d)(?=[\d-]*[A-Za-z])[A-Za-z\d-]{5,}\b|\b[\w.+-]+@[\w-]+\.[\w.-]+/;

/**
 * First-person talk about the speaker's own case: "my …", or a sentence whose subject is "I" — except
 * "I want/need/prefer/'d like you to …" and "I told/asked you …", which address the agent.
 */
const OWN_CASE =
  /(?<!\b(?:need|needs|require|requires|without|get|ask for|asking for)\s+)\b(?:my|mine)\b|^I\b(?!(?:'d| would| really| do)? (?:want|need|prefer|like|appreciate it if|prefer (?:it )?if|like it if) you\b| (?:told|asked|said) you\b|(?:'d| would) rather\b|(?: really)?(?: never| don'?t| do not)(?: ever)? want (?:to see|you|(?:any |any more |more |these |those )?(?:[a-z-]+ )?[a-z]+[^s\s]s)\b| (?:didn'?t|did not|never) ask(?:ed)? (?:you )?(?:for|to)\b| (?:asked|wanted) (?:you )?(?:for|to)\b[^,;]*,\s*not\b| (?:asked|wanted) you to\b[^,;.]* and (?:got|received|you (?:gave|did|made|sent|wrote))\b)/i;

/** Personal data a redactor replaced (an address, a phone number): one case's particulars, or pasted text. */
const REDACTED = /\[(?:EMAIL|PHONE|CARD|IBAN|USER_ID)\]/;

/** Most words of a sentence read as a rule or correction without a cue of generality (see `classify`). */
const MAX_RULE_WORDS = 32;

/** Fewest content words an evaluation needs to be kept ("that can't be right" says nothing to keep). */
const MIN_CORRECTION_TERMS = 2;

/** The speaker speaking of themselves. */
const FIRST_PERSON = /\b(?:I|I'm|I've|I'll|I'd|me|my|mine|myself)\b/;

/** A sentence opened by the present moment ("Currently, …", "At the moment …"): how things are now. */
const CURRENT_STATE = /^\W*(?:currently|right now|at the moment|as of (?:now|today)|as things stand)\b/i;

/** A proposal of a joint next step ("let's cancel it"): a task instruction, whatever follows. */
const PROPOSAL = /^let(?:'s| us)\b/i;

/** A capitalised name inside the sentence (a place, a person, a product: one case's particulars). */
const NAME_INSIDE = /(?<=\S\s+)(?:[A-Z][a-z]+)(?:\s+[A-Z][a-z]+)*\b/;

/** A request for information rather than an objection. */
const QUESTION = /\?[?!]*[\s,;.]*$/;
const OBJECTING_QUESTION =
  /^(?:did (?:the (?:task|ticket|issue|spec|plan)|anyone|anybody) (?:say|ask|mention|want)\b|what(?:'s| is) (?:up )?with (?:the|all|these|those|this|that|every|so many)\b|why (?:would|do|should) (?:I|we|anyone|anybody) (?:ever )?(?:want|need)\b(?! to\b)|why (?:on earth |the hell |in the world |in god's name |exactly |again |tf )?(?:(?:did|are|were|would|is|could|should)(?:n'?t| not)?|(?:do|does)(?:n'?t| not)|won'?t|can'?t) (?:you|it|this|that)\b|why (?:on earth |the hell )?(?:do|does) (?:you|it) (?:keep|always|still|insist|even|ever)\b|why (?:do|did|would|should) we (?:really )?(?:need|want|have)\b|who (?:even |actually )?(?:reads|needs|uses|wants|looks at|cares about)\b[^?]*\b(?:anyway|anyways|even)\b|who (?:said|told) you (?:could|to|that you could)\b|why (?:do|does) (?:every|all|each)\b|why would [^?]*\bever\b|who(?: exactly| even| actually| really)?(?:'s| is) (?:ever )?going to (?:read|use|need|look at|maintain)\b|how (?:is|are|was) (?:this|that|it|[a-z]+ing)\b[^?]*\b(?:a|an|any) \w+|why not (?:just )?\w+|why (?:is|are) there\b|since when\b|did I (?:ask|tell|say)\b|who (?:asked|told|approved|allowed|wanted)\b)/i;

/** Words naming excess or wrongness of the agent's work, for corrections the sentiment lexicon misses. */
const EXCESS =
  /\bover-?(?:complicat|engineer|kill|do|think|build)\w*|\bnot (?:like (?:that|this)|what I (?:asked|meant|wanted)|necessary|needed)\b|\bunnecessary\b/i;

/** "too" + an adjective, adverb or participle ("far too verbose", "too complicated"), by the model's tags. */
function excessive(s: Sentence): boolean {
  // (a participle too: "too complicated", which the light model tags VERB)
  const degree = (t: Token | undefined) =>
    t !== undefined && (['ADJ', 'ADV'].includes(t.pos) || (t.pos === 'VERB' && /ed$/.test(t.normal)));
  return s.tokens.some((t, i) => t.normal === 'too' && degree(s.tokens[i + 1]));
}

/** A subject that points at what the agent just did. */
const POINTS_AT_WORK =
  /^(?:it|this|that|these|those|you|the (?:change|code|approach|fix|file|doc\w*|test))\b/i;

/** Verbs that weigh one thing against another, as a reason does ("stability matters more", "clients depend on it"). */
const WEIGHING = /^(?:matter|count|depend|rely|break|cost|hurt|slow|need|require|deserve)$/;

/** A clause giving a reason. */
const REASON =
  /[,;]?\s*\b(since|because|as otherwise|otherwise|so that|so (?:new|old|we|it|they|the)|as (?:it|this|that|the|we))\b\s*(.*)$/i;

/**
 * An interjection or a form of address set off by punctuation ("ugh, …", "dude, …", "look, …"): words
 * that are also verbs or nouns elsewhere ("look at the logs"), so only before a comma, stop or dash.
 */
const INTERJECTION =
  /^(?:(?:ugh+|argh+|sigh|meh|geez|jeez|dude|man|hmm*|look|listen|come on|hold on|wait|wtf|omg|ffs|bruh|guys|mate|whoa+|woah|wow|yikes|oof|uh+|um+|erm|huh|eh|oi|yo|ouch|oops)\s*[,.!;:-]+\s*)+/i;

/**
 * An exclamation of frustration that is never a verb or noun of the sentence it opens ("fuck me stop
 * making changes without checking with me first", "ffs don't …"): cut with or without punctuation.
 */
const EXPLETIVE =
  /^(?:(?:fuck(?:ing)?(?: me| sake| hell)?|for fuck'?s sake|ffs|fml|jfc|smh|omg|wtf|ugh+|argh+|jeez|geez)\b[\s,.!;:-]*)+/i;

function strip(text: string): string {
  return text
    .replace(EXPLETIVE, '')
    .replace(INTERJECTION, '')
    .replace(LEAD_IN, '')
    .replace(INTERJECTION, '')
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

/**
 * Verbs of knowing after "don't" with the subject dropped: "don't understand", "don't know why" report
 * the speaker's state (an "I" left out), they bar nothing.
 */
const KNOWING = /^(?:understand|know|see|think|remember|recall|mind|care|believe)$/;

/** "get" or "follow" of understanding: "(I) don't get what …", "(I) don't follow why …", "don't get it". */
function puzzled(ws: Token[]): boolean {
  const [verb, next] = ws;
  return (
    /^(?:get|follow)$/.test(verb?.lemma ?? '') &&
    /^(?:what|why|how|where|who|which|it|this|that|you)$/.test(next?.normal ?? '')
  );
}

/** "don't …", "do not …", "never …", "stop …", "avoid …", "no need to …" at the start. */
function negatedImperative(ws: Token[]): boolean {
  const [a, b] = ws;
  if (!a) return false;
  // ("does not work", "did not run": a report with its subject dropped, not an order)
  // ("don't get what you're doing", "don't follow why": "I" dropped, not an order)
  if (a.normal === 'do' && b && (b.normal === 'not' || b.normal === "n't" || b.lemma === 'not'))
    return baseVerbAt(ws, 2, true) && !KNOWING.test(ws[2]?.lemma ?? '') && !puzzled(ws.slice(2));
  // ("never mind" takes something back, it bars nothing)
  if (/^(?:don'?t|never)$/.test(a.normal))
    return (
      !(a.normal === 'never' && b?.normal === 'mind') &&
      baseVerbAt(ws, 1) &&
      !(a.normal !== 'never' && KNOWING.test(b?.lemma ?? ''))
    );
  if (a.normal === 'avoid') return true;
  // "stop adding …", "quit doing …", "stop force pushing …" (not "stop flights", "stop the server")
  if (/^(?:stop|quit)$/.test(a.normal)) return stopsHabit(ws);
  return a.normal === 'no' && b?.normal === 'need';
}

/**
 * True when the first word from `i` on that is not an adverb ("don't *ever* …") is a verb in its base
 * form: "never *had* a chance", "never *been* there" report the past, they order nothing. The light model
 * tags some verbs NOUN ("don't overcomplicate") or, after "do not", ADJ ("don't *mock* the database"),
 * so the form decides, not the tag; `adjective` admits the ADJ tag (only after "do not", where an
 * adjective cannot follow).
 */
function baseVerbAt(ws: Token[], i: number, adjective = false): boolean {
  let j = i;
  while (ws[j]?.pos === 'ADV') j++;
  const t = ws[j];
  const tags = adjective ? ['VERB', 'NOUN', 'AUX', 'PROPN', 'ADJ'] : ['VERB', 'NOUN', 'AUX', 'PROPN'];
  return t !== undefined && tags.includes(t.pos) && t.normal === t.lemma;
}

/**
 * "stop/quit" and a gerund right after it or after one more word of a compound ("stop *force pushing*",
 * "quit *over-engineering*"): ending a habit, which is about every next time, never one thing now.
 */
function stopsHabit(ws: Token[]): boolean {
  if (!/^(?:stop|quit)$/.test(ws[0]?.normal ?? '')) return false;
  return ingForm(ws[1]) || (ws[1] !== undefined && ws[1].pos !== 'DET' && ingForm(ws[2]));
}

/**
 * A gerund: a word in -ing that is a verb form (its lemma differs, or the model tags it VERB where it
 * does not know the lemma: "vendoring"); not "thing", "nothing", "during".
 */
function gerund(t: Token | undefined): boolean {
  return t !== undefined && /[a-z]{2}ing$/.test(t.normal) && (t.normal !== t.lemma || t.pos === 'VERB');
}

/**
 * A gerund by its form alone, where the position already calls for a verb ("stop *editing* …", "ugh,
 * *mocking* the clock again"): the light model tags many of them NOUN with the -ing form as lemma. A
 * stem with a vowel ("string", "thing" are not), never "-thing".
 */
function ingForm(t: Token | undefined): boolean {
  if (t === undefined || t.pos === 'DET') return false;
  const m = /^(.*[a-z])ing$/.exec(t.normal);
  return gerund(t) || (m !== null && m[1]!.length >= 2 && /[aeiouy]/.test(m[1]!) && !/thing$/.test(t.normal));
}

/** Demonstratives: "those tests", "that file" name things of this task. */
const DEMONSTRATIVE = /^(?:this|that|these|those)$/;

/**
 * True when the rule's first clause names one particular thing rather than a kind of thing: a
 * demonstrative anywhere in it ("don't use --no-git in *those* tests"), or a first object that is a
 * definite singular noun phrase or a pronoun ("don't replace *the* tree cache", "make sure *they*
 * exist"; a definite plural names a kind: "don't edit the generated files"). A
 * rule for the future names kinds — bare plurals and indefinites ("don't create separate documents",
 * "never mark a test as skipped"); one that names this task's things is an instruction for this task.
 */
function pointsAtOne(clause: Token[]): boolean {
  // (a relative "that" after a noun is no demonstrative: "comments *that* repeat the code")
  const demonstrative = (t: Token, i: number) =>
    t.pos === 'DET' &&
    DEMONSTRATIVE.test(t.normal) &&
    !(t.normal === 'that' && ['NOUN', 'PROPN'].includes(clause[i - 1]?.pos ?? ''));
  if (clause.some(demonstrative)) return true;
  // "don't mock the db *in integration tests*": a scope of a kind of thing makes it a way of working
  if (
    clause.some((t, i) => t.pos === 'ADP' && (kindAt(clause, i + 1) || anyOne(clause[i + 1], clause[i + 2])))
  )
    return false;
  // the first object: the first determiner, pronoun or noun after the clause's first verb (tagged ADJ at
  // times: "don't *mock* the queue")
  const verb = clause.findIndex((t) => ['VERB', 'NOUN', 'ADJ'].includes(t.pos) && t.normal === t.lemma);
  return objectIsOne(clause.slice(verb + 1));
}

/** A bare plural from `i` on: at most two modifiers, then a plural ("integration *tests*", "shared *branches*"). */
function kindAt(ws: Token[], i: number): boolean {
  for (let j = i; j < i + 3 && ws[j]; j++) {
    if (plural(ws[j])) return true;
    if (
      !['ADJ', 'NOUN', 'PROPN'].includes(ws[j]!.pos) &&
      !(ws[j]!.pos === 'VERB' && /ed$/.test(ws[j]!.normal))
    )
      return false;
  }
  return false;
}

/**
 * A noun phrase of any one of a kind after a preposition: an indefinite ("to *a file*", "in *a new
 * package*") or a bare common noun ("with *summary markdown*"), never a name or a pronoun.
 */
function anyOne(t: Token | undefined, next: Token | undefined): boolean {
  if (!t) return false;
  // (after an article the light model tags some nouns VERB: "to a *file*")
  if (/^(?:a|an|any)$/.test(t.normal))
    return next !== undefined && ['NOUN', 'ADJ', 'VERB'].includes(next.pos);
  // a bare compound ("with *summary markdown*"); one bare word ("for dance") may be a name or a mass noun
  return (
    t.text === t.normal &&
    ['NOUN', 'ADJ'].includes(t.pos) &&
    next?.pos === 'NOUN' &&
    next.text === next.normal
  );
}

/** The first object after the clause's first verb is a bare plural, a kind of thing ("skip *tests*"). */
function namesKind(clause: Token[]): boolean {
  const verb = clause.findIndex((t) => ['VERB', 'NOUN'].includes(t.pos) && t.normal === t.lemma);
  const head = clause.slice(verb + 1).find((t) => ['DET', 'PRON', 'NOUN', 'PROPN'].includes(t.pos));
  return plural(head);
}

/** A pronoun that points back at this conversation's things ("update *them*", "so *it* handles …"). */
const ANAPHOR = /^(?:it|they|them|this|that|these|those)$/;

/** The noun phrase opening `rest` is one thing: a pronoun, or "the" + a singular (see {@link pointsAtOne}). */
function objectIsOne(rest: Token[]): boolean {
  const at = rest.findIndex((t) => ['DET', 'PRON', 'NOUN', 'PROPN'].includes(t.pos));
  const head = rest[at];
  if (!head) return false;
  if (head.pos === 'PRON' && !/^(?:your|his|her|our|their|its)$/.test(head.normal))
    return ANAPHOR.test(head.normal);
  // "the …" or a possessive ("your passion"): a definite noun phrase
  if (!/^(?:the|your|his|her|our|their|its)$/.test(head.normal)) return false;
  // "the generated files" names a kind (a definite plural); "the tree cache" one thing
  let end = at + 1;
  const modifier = (t: Token | undefined) =>
    t !== undefined &&
    (['ADJ', 'NOUN', 'PROPN'].includes(t.pos) || (t.pos === 'VERB' && /ed$/.test(t.normal)));
  while (modifier(rest[end])) end++;
  const noun = rest[end - 1]!;
  return !(noun.normal !== noun.lemma && noun.normal.endsWith('s'));
}

/** Words that open a subordinate clause: a finite "be" after one of them is not the sentence's own verb. */
const SUBORDINATOR =
  /^(?:that|if|when|whenever|whether|as|because|since|so|until|before|after|while|where|what|how|why|which|who|unless|once)$/;

/**
 * True when the first clause is a statement about something ("sign-off for e-mails is always …"): a
 * finite form of "be" (is, are, was, were) comes before any word opening a subordinate clause, so the
 * first word is the subject, not an imperative verb.
 */
function copularStatement(ws: Token[]): boolean {
  for (const t of (clauses(ws)[0] ?? []).slice(1)) {
    if (SUBORDINATOR.test(t.normal)) return false;
    if (t.lemma === 'be' && t.normal !== 'be' && t.normal !== 'being' && t.normal !== 'been') return true;
  }
  return false;
}

/**
 * An imperative: the sentence opens with a word in its base form (or an adverb and then one) that is
 * not the subject of a following verb. The light model often tags a sentence-initial verb as NOUN or
 * PROPN ("Use pnpm …", "check existing …"), so the tag alone cannot decide; a word joined to the next by
 * a hyphen ("sign-off") is a compound, and a first clause whose verb is "is/are" a statement.
 */
function imperative(ws: Token[], text = ''): boolean {
  const i = ws[0]?.pos === 'ADV' ? 1 : 0;
  const t = ws[i];
  const next = ws[i + 1];
  // "clean up …": the light model tags some verbs ADJ; a particle right after shows the verb
  const phrasal = t?.pos === 'ADJ' && /^(?:up|out|off|away|down)$/.test(next?.normal ?? '');
  if (!t || !(['VERB', 'NOUN', 'PROPN'].includes(t.pos) || phrasal) || t.normal !== t.lemma) return false;
  if (phrasal) return true;
  // "Maria, since we talked …": a name called out, not a verb
  if (t.pos === 'PROPN' && text.trimStart().startsWith(`${t.text},`)) return false;
  if (new RegExp(`\\b${t.text.replace(/\W/g, '')}-\\w`, 'i').test(text) || copularStatement(ws)) return false;
  if (!next) return t.pos === 'VERB';
  if (next.pos === 'AUX' || next.pos === 'PART') return false;
  // "everytime I open it …": a time word, then a subject of its own
  if (/^(?:i|we|he|she|they)$/.test(next.normal)) return false;
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

/**
 * "must" of inference, not of obligation: "you must have had a long day", "you must be so proud", "you
 * must really enjoy it" — "must" before a perfect ("have" + participle) or a verb of state.
 */
const EPISTEMIC_MUST =
  /\b(?:you|that|it|this|they|he|she|we|I|there|which|who)(?: really| surely)? must(?: really| surely| truly)? (?:have (?:been|had|\w+ed|\w+en)|be|feel|enjoy|love|know|think|see|want|like|mean|seem)\b|^(?:\w+,\s*)?[a-z]+ing\b[^.;]*\bmust(?: really| surely)? be\b/i;

/**
 * "make sure …", "remember to …", "you/we should|must|need to|have to …", and what the agent may not do:
 * "you can't just …", "you don't get to …", "you're not supposed to …", "there's no need for …". Not
 * "you should be able to …", what the agent is expected to manage (a complaint), nor an inference
 * ({@link EPISTEMIC_MUST}).
 */
function obligation(text: string): boolean {
  if (EPISTEMIC_MUST.test(text)) return false;
  // "you should be able to trace the logic": what the agent is expected to manage, a complaint, no order
  if (/\byou (?:should|must|ought to)(?: really)? be able to\b/i.test(text)) return false;
  // "do whatever you need to": a permission, not an obligation
  const said = text.replace(
    /\b(?:what ?ever|everything|anything|all)(?: else)? (?:you|we) (?:need|have) to\b/gi,
    '',
  );
  return obligationIn(said);
}

/**
 * What "we" need/have to or should do is this task ("we need to troubleshoot the login", "not sure if
 * we should fork") unless the sentence has a cue of generality; what "you" should, must, need to do, or
 * "we must", is addressed as a rule.
 */
function obligationIn(text: string): boolean {
  const we = /\bwe(?: really)? (?:should(?:n't)?|need to|have to|ought to)\b/i.test(text);
  if (we && !/\bwe(?: really)? (?:always|never) /i.test(text) && !saysGenerally(text))
    return /\byou(?: really| always| never)? (?:should(?:n't)?|must(?:n't)?|need to|have to|ought to)\b|\bwe must/i.test(
      text,
    );
  return (
    /^(?:make sure|be sure|remember to|keep in mind|note that you)\b/i.test(text) ||
    /^(?:you (?:didn'?t|don'?t|do not|did not) (?:need|have|get) to|(?:there(?:'s| is) )?no need (?:to|for))\b/i.test(
      text,
    ) ||
    /(?:^|[;,]\s*)you(?: (?:can'?t|cannot|can not|may not|mustn'?t|are not allowed to|aren'?t allowed to|are not supposed to|aren'?t supposed to)|'re not (?:allowed|supposed) to)(?: just| simply| ever)? (?!be\b)[a-z]/i.test(
      text,
    ) ||
    // (not inside an embedded "if": "see if you can … or if you need to search the web")
    /(?<!\b(?:if|whether) )\b(?:you|we)(?: really| always| never)? (?:should(?:n't)?|must(?:n't)?|need to|have to|ought to)\b/i.test(
      text,
    )
  );
}

/**
 * "it" that stands for nothing the agent made: "It's easy to get lost", "It's hard when …" (an
 * adjective, then the clause it stands for), "It's like a journey", "It's what keeps us going".
 */
function dummyIt(ws: Token[]): boolean {
  if (ws[0]?.normal !== 'it') return false;
  const be = ws.findIndex((t, i) => i >= 1 && i <= 3 && t.lemma === 'be');
  if (be < 0) return false;
  let i = be + 1;
  while (ws[i]?.pos === 'ADV') i++;
  const next = ws[i];
  if (next && /^(?:like|what|about)$/.test(next.normal)) return true;
  return next?.pos === 'ADJ' && /^(?:to|when|that|how|where|if)$/.test(ws[i + 1]?.normal ?? '');
}

/**
 * A verdict of excess that leaves its subject out: "way too complicated", "far too many files", "overly
 * clever" — the subject is what the agent just made (also read by `addressed.ts`).
 */
export const ELLIPTIC_EXCESS =
  /^(?:(?:way|far|much|a bit|a little|just|waa+y|sooo*|totally|massively)\s+)?(?:(?:too|overly|needlessly|unnecessarily) [a-z]{3,}|over-?(?:engineer|complicat|kill|do|think|build)\w*)/i;

/** Criticism of the agent's work: negative sentiment or excess, aimed at what it did. */
function criticism(s: Sentence, text: string): boolean {
  if (OBJECTING_QUESTION.test(text)) return true;
  // criticism of the agent's work is about the work, not about the speaker ("it'll just be me and I …")
  if (FIRST_PERSON.test(text.replace(/\bwhat I (?:asked|meant|wanted)\b/gi, ''))) return false;
  const opensWithNo = /^(?:no|nope|not)\b/i.test(s.text.trim());
  // "nobody wants …", "no one reads …": a verdict on the kind of thing the agent made
  if (/^(?:nobody|no one)\b/i.test(text)) return substantive(words(firstWords(s))) >= 3;
  // "way too complicated.", "overly clever": excess with the subject (what the agent made) left out
  if (ELLIPTIC_EXCESS.test(text) && (excessive(s) || !/\btoo\b/i.test(text.slice(0, 20)))) return true;
  if (!POINTS_AT_WORK.test(text) && !opensWithNo) return false;
  // "it is detecting the wrong city now": how the work behaves at the moment, a report
  if (/\bnow\b(?! on\b)/i.test(text)) return false;
  // "no the space look too much": a thing of this task's output judged, not the agent's way of working
  if (!POINTS_AT_WORK.test(text) && /^(?:the|a|an|my|your|our|his|her|their)\b/i.test(text)) return false;
  if (dummyIt(words(firstWords(s)))) return false;
  // "This broke the build.": what the agent made, doing harm (a verb in the past, negative sentiment)
  const done = words(firstWords(s)).slice(1, 5);
  // (not "you broke the login page", "you forgot the footer": harm to one thing of this task, reported)
  const oneThingHurt = /^you\b/i.test(text) && /^(?:the|my|our|this|that)$/.test(done[1]?.normal ?? '');
  if (s.sentiment < 0 && !oneThingHurt && done.some((t) => t.pos === 'VERB' && pastTense(t))) return true;
  if (EXCESS.test(text) || excessive(s)) return true;
  // "that's not how we do it", "this is not what …": the agent's way against the person's
  if (/^(?:that|this|it)(?:'s| is| was) not (?:how|what|the way)\b/i.test(text)) return true;
  // an evaluation: "<it/this/that …> is/'s/can't be <something bad>", with something to keep in it
  const ws = words(firstWords(s));
  // the pointer, then at most a modal and a negation, then "be": "that's", "this is", "it can't be"
  const be = ws.findIndex((t) => t.lemma === 'be');
  const copular = be >= 1 && be <= 3 && ws.slice(1, be).every((t) => t.pos === 'AUX' || t.pos === 'PART');
  // (a cleft is no verdict: "it's in these vulnerable moments that we bond")
  const cleft = ws[be + 1]?.pos === 'ADP';
  // (and it names what it judges: "that is a much bigger problem" sizes a problem the agent found)
  return (
    copular && !cleft && s.sentiment < 0 && substantive(ws) >= MIN_CORRECTION_TERMS && namesSomething(text)
  );
}

/** Words of degree or size: they grade what a sentence judges and name nothing ("a much bigger problem"). */
const DEGREE =
  /^(?:much|very|really|so|way|far|quite|pretty|too|even|big|bigger|biggest|large|larger|huge|great|greater|major|serious|real|whole|entire|more|most|less|many|few)$/;

/**
 * True when a judgement names what it judges: a content word that neither grades nor judges (no degree
 * word, no word of the sentiment lexicon, no {@link PLACEHOLDER}) — "that's a terrible *idea*", "this
 * broke the *build*". "That is a much bigger problem" names nothing: it sizes a problem the agent found,
 * not something it did; nor does "that's the wrong answer".
 */
function namesSomething(text: string): boolean {
  return contentTokens(text).some(
    (t) =>
      !/^(?:[a-z]|re|ve|ll)$/.test(t) &&
      !DEGREE.test(t) &&
      !PLACEHOLDER.test(t) &&
      (analyse(t)[0]?.sentiment ?? 0) === 0,
  );
}

/**
 * Nouns that stand for whatever the agent last gave, naming none of it ("that's the wrong *answer*",
 * "this *thing* is bad", "this is not the right *home*", "your *approach* failed", "too many
 * *mistakes*"), and light verbs ("make", "do", "get"), as `contentTokens` gives them: a verdict on them
 * alone leaves nothing to keep.
 */
const PLACEHOLDER =
  /^(?:answer|thing|stuff|one|response|reply|result|output|home|place|spot|approach|mistake|error|time|mak|make|made|do|doing|did|gett|get|got)$/;

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

/**
 * The reason inside a rule sentence ("…, since X" → "since X"), or null. "since", "as" or "so" with no
 * verb after it is a point in time or a role ("rows changed since the last run", "use it as the
 * basename"), and "since" before a verb in the past tense a point in time ("since we last spoke"), not
 * a reason; nor is "so that I can …", the person's own next step (the purpose of a task, not a reason
 * for a rule).
 */
function reasonIn(text: string): string | null {
  const m = REASON.exec(text);
  if (!m || m[2]!.trim().split(/\s+/).length < 3) return null;
  const word = m[1]!.toLowerCase();
  // "… so that I can launch them with one command": what the person will do next, the goal of a task
  if (word === 'so that' && /^I\s+(?:can|could|may|might|will)\b/.test(m[2]!.trim())) return null;
  if (/^(?:since|as|so)\b/.test(word)) {
    const verbs = analyse(m[2]!).flatMap((s) => s.tokens.filter((t) => t.pos === 'VERB' || t.pos === 'AUX'));
    // "as the basename of …" is a role, not a reason: a reason is a clause with a verb
    if (verbs.length === 0) return null;
    // "since we last spoke …": a point in the past, not a reason
    if (word === 'since' && pastTense(verbs[0]!)) return null;
  }
  return `${m[1]} ${m[2]!.trim()}`;
}

/** A verb form of the past tense, by its form against its lemma ("spoke", "talked", "was"; not "is", "matters"). */
function pastTense(t: Token): boolean {
  if (t.lemma === 'be') return /^(?:was|were)$/.test(t.normal);
  if (t.lemma === 'have') return t.normal === 'had';
  return t.normal !== t.lemma && !/(?:s|ing)$/.test(t.normal);
}

/**
 * An evaluative statement that can serve as the reason next to a rule: a subject of a few words, then
 * "is/are" + an adjective ("performance is crucial") or a verb of weighing ("stability matters more than
 * elegance", "old clients still depend on it", "new dependencies need a review"), or an action named by
 * a gerund and what it does ("skipping it just hides the bug"); never a question, never about the
 * speaker's own case or about what the agent did.
 */
function evaluative(s: Sentence): boolean {
  const ws = s.tokens.filter((t) => t.pos !== 'PUNCT');
  if (QUESTION.test(s.text) || POINTS_AT_WORK.test(s.text) || OWN_CASE.test(s.text)) return false;
  if (ws[0]?.pos === 'PRON') return false;
  // an action named by a gerund, then what it does: "Skipping it just hides the bug from everyone."
  // (the light model tags some such verbs NOUN: "double-charges")
  if (gerund(ws[0]))
    return ws
      .slice(1, 6)
      .some((t) => ['VERB', 'NOUN'].includes(t.pos) && /[^s]s$/.test(t.normal) && t.normal !== t.lemma);
  if (ws[0]?.pos === 'VERB') return false;
  // the light model tags a sentence's verb as NOUN at times ("Stability matters …"): look at lemmas
  const at = ws.findIndex((t, i) => i >= 1 && i <= 3 && (t.lemma === 'be' || WEIGHING.test(t.lemma)));
  if (at < 0 || ws.slice(0, at).some((t) => t.pos === 'PRON')) return false;
  if (ws[at]!.lemma === 'be') return ['ADJ', 'ADV'].includes(ws[at + 1]?.pos ?? '');
  return true;
}

/** Words of a time up to now ("recently", "lately", "yet", "today"): what they qualify is a report. */
const SO_FAR = /^(?:recently|lately|yet|today|yesterday)$/;

/**
 * A verbless prohibition: "No force pushes.", "No extra summary documents in the repo, please." — "no"
 * (at most one lead-in word before it) directly followed by a noun phrase of at least two content words
 * up to the first punctuation, with no verb of its own (no auxiliary, no pronoun subject). "No problem",
 * "no worries" and "no, it's …" are not: one content word, or a comma right after "no".
 */
function prohibition(s: Sentence): boolean {
  const ts = joinHyphens(s.tokens);
  const at = ts.findIndex((t) => t.normal === 'no');
  // at most one lead-in word before it ("Please, no more …"), punctuation not counted
  const before = ts.slice(0, Math.max(0, at)).filter((t) => t.pos !== 'PUNCT');
  if (
    at < 0 ||
    before.length > 1 ||
    (before.length === 1 && !['INTJ', 'ADV', 'CCONJ'].includes(before[0]!.pos))
  )
    return false;
  // the phrase ends at punctuation or a word opening a clause ("no new dependencies *unless* I approve them")
  const end = ts.findIndex(
    (t, i) =>
      i > at &&
      (t.pos === 'PUNCT' || t.pos === 'SCONJ' || /^(?:unless|without|except|until)$/.test(t.normal)),
  );
  let phrase = ts.slice(at + 1, end < 0 ? ts.length : end);
  // "No default view of type 'tree' could be found!": a verb of its own later in the clause makes "no …"
  // the subject of a statement (a pasted error), not a prohibition
  // (up to a relative clause: "no comments that just repeat what the line *does*")
  const clauseEnd = ts.findIndex(
    (t, i) =>
      i > at &&
      (/^[,;]$/.test(t.normal) ||
        t.pos === 'SCONJ' ||
        /^(?:unless|without|except|until|that|which|who)$/.test(t.normal)),
  );
  if (ts.slice(at + 1, clauseEnd < 0 ? ts.length : clauseEnd).some((t) => t.pos === 'AUX')) return false;
  // "No signups via forms recently.": a time so far makes it a report of what happened, not a ban
  if (ts.slice(at + 1).some((t) => SO_FAR.test(t.normal))) return false;
  // "No change-history comments please."
  while (phrase.length > 0 && /^(?:please|pls|plz|thanks)$/.test(phrase.at(-1)!.normal))
    phrase = phrase.slice(0, -1);
  // "no comments that just repeat what the line does": a relative clause restricts the kind
  const rel = phrase.findIndex((t, i) => i >= 1 && /^(?:that|which|who)$/.test(t.normal));
  const restricted = rel >= 1 ? phrase.slice(rel + 1) : [];
  if (rel >= 1) phrase = phrase.slice(0, rel);
  // "no *any* types", "no *more* stubs": a quantifier before the things forbidden
  if (/^(?:any|more)$/.test(phrase[0]?.normal ?? '')) phrase = phrase.slice(1);
  if (phrase.length === 0 || phrase.some((t) => t.pos === 'AUX' || t.pos === 'PRON')) return false;
  if (!['NOUN', 'ADJ', 'PROPN', 'VERB'].includes(phrase[0]!.pos)) return false;
  // "No sudo, ever.": one thing forbidden for good
  if (EVER.test(s.text) && phrase.some((t) => ['NOUN', 'PROPN'].includes(t.pos))) return true;
  // the things forbidden, in the plural ("no force pushes"), or a longer phrase; not "no big deal"
  const head = phrase.findIndex((t) => t.pos === 'ADP');
  const noun = phrase.slice(0, head < 0 ? phrase.length : head).at(-1)!;
  const plural = (noun.normal !== noun.lemma || noun.stem !== noun.normal) && /[^s]s$/.test(noun.normal);
  return substantive(phrase) + Math.min(1, substantive(restricted)) >= (plural ? 2 : 3);
}

/** "…, ever", "ever again": a prohibition for good. */
const EVER = /,\s*(?:not )?ever(?: again)?\s*[.!]*\s*$/i;

/**
 * Tokens with hyphenated compounds joined back into one word ("drive - by" → "drive-by", an adjective
 * when its last part is a particle or preposition): the tokenizer splits them, and their parts are not
 * words of the sentence ("by" opens no phrase there).
 */
function joinHyphens(ts: readonly Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < ts.length; i++) {
    const [a, dash, b] = [out.at(-1), ts[i]!, ts[i + 1]];
    if (dash.text === '-' && a && b && /^\w/.test(a.text) && /^\w/.test(b.text)) {
      const pos = ['ADP', 'ADV', 'PART'].includes(b.pos) ? 'ADJ' : b.pos;
      out[out.length - 1] = {
        ...b,
        text: `${a.text}-${b.text}`,
        normal: `${a.normal}-${b.normal}`,
        lemma: `${a.normal}-${b.lemma}`,
        stem: `${a.normal}-${b.stem}`,
        pos,
      };
      i++;
    } else out.push(dash);
  }
  return out;
}

/**
 * A verbless prohibition as a later clause ("keep your diffs focused, *no drive-by refactors*"), read as
 * a sentence of its own ({@link prohibition}).
 */
function laterProhibition(parts: Token[][]): boolean {
  return parts.slice(1).some((c) => {
    const ws = words(c);
    if (ws[0]?.normal !== 'no') return false;
    const clause = analyse(
      c
        .map((t) => t.text)
        .join(' ')
        .replace(/ - /g, '-'),
    )[0];
    return clause !== undefined && prohibition(clause);
  });
}

/** A statement of a need ("there is a need to track …", "it should …"): completes a rule or correction. */
const NEED = /^(?:there (?:is|'s) (?:a |the )?need to|it (?:should|must|needs to|has to))\b/i;

/** Words opening a condition or a time clause ("if a test fails, …", "before adding any …"). */
const CONDITION = /^(?:if|when|whenever|before|after|unless|once)$/;

/** Indefinite determiners and pronouns: a condition holding one is about any case, not this one. */
const INDEFINITE = /^(?:a|an|any|every|each|one|anything|anyone|anybody|something|someone|everything)$/;

/** A condition or time clause about any case ("before adding any …", "if a test fails"). */
function anyCase(all: Token[]): boolean {
  return clauses(all)
    .map(words)
    .some((c) => {
      const at = c.findIndex((t) => CONDITION.test(t.normal));
      if (at < 0) return false;
      // "check if …", "see if …", "ask if …": an embedded question (whether), no condition
      // ("a validation *about if* credentials exist": the same)
      if (c[at]!.normal === 'if' && at > 0 && ['VERB', 'ADP'].includes(c[at - 1]!.pos)) return false;
      // ("a guide on when to use each agent", "a description of when claude should use each one": what
      // the person asks to be told, after a preposition or before an infinitive, no condition; "check if
      // …" with "check" tagged NOUN the same)
      const lead = c[at - 1]?.normal ?? '';
      if (
        /^(?:of|on|about|for)$/.test(lead) ||
        (c[at]!.normal === 'if' && /^(?:check|see|verify|test)$/.test(lead))
      )
        return false;
      if (c[at + 1]?.normal === 'to') return false;
      // ("if not, create one": a pronoun for this task's thing, not any case)
      const after = c.slice(at + 1);
      // ("… has the system before everything else": an order of things, no condition)
      if (after[1]?.normal === 'else') return false;
      // ("how much traffic, if any, these pages got": an elided "if there was any", no condition)
      // ("if any are needed, add setters": "any" the subject of a verb, a condition)
      if (
        c[at]!.normal === 'if' &&
        /^(?:any|anything)$/.test(after[0]?.normal ?? '') &&
        (after[1] === undefined || ['PUNCT', 'DET', 'PRON', 'ADP', 'CCONJ', 'SCONJ'].includes(after[1].pos))
      )
        return false;
      // ("let me know when everything is ready": the whole of this task's work in a state, not any case)
      if (/^(?:everything|all)$/.test(after[0]?.normal ?? '') && after[1]?.lemma === 'be') return false;
      // (in an "if" only: "before adding one" is a time frame of any such act)
      const rest = after.filter(
        (t, i) =>
          !(
            c[at]!.normal === 'if' &&
            t.normal === 'one' &&
            !['NOUN', 'ADJ'].includes(after[i + 1]?.pos ?? '')
          ),
      );
      // an indefinite ("if a test fails"), a bare noun as subject ("if push gets rejected") or a bare
      // plural ("before you install packages") names any case
      return (
        rest.some((t) => INDEFINITE.test(t.normal)) ||
        // (the light model tags some such subjects VERB: "if *push* gets rejected"; the -s verb after tells)
        (['NOUN', 'VERB'].includes(rest[0]?.pos ?? '') &&
          rest[0]!.normal === rest[0]!.lemma &&
          rest[1]?.pos === 'VERB' &&
          /[^s]s$/.test(rest[1].normal) &&
          rest[1].normal !== rest[1].lemma) ||
        rest.some(
          (t, i) =>
            plural(t) &&
            (i === 0 ||
              rest[i - 1]!.pos === 'VERB' ||
              (rest[i - 1]!.pos === 'ADJ' && (i === 1 || rest[i - 2]!.pos === 'VERB'))),
        )
      );
    });
}

/**
 * A rule by its condition: an imperative clause beside a condition about any case ("If a test fails,
 * fix the code", "Ask me before adding any new dependency") — the indefinite makes it general, where
 * "when you are done, show me the diff" is about now.
 */
function genericCondition(all: Token[], text: string): boolean {
  // "if I need …, let me know": the speaker's own case (in the condition; a reason after ";" may say "I")
  const condition = text.split(/;/)[0]!;
  if (/\b(?:I|my)\b/i.test(condition) || /^for me\b/i.test(text)) return false;
  // ("…, please run the whole suite": the politeness word before the order is no part of it)
  const parts = clauses(all).map(leadless);
  // (a report asked for instead of what the agent would do is how to act: "if a tool is missing, tell
  // me instead of improvising with a different one")
  const instead = /\b(?:instead of|rather than)\b/i.test(text);
  return (
    anyCase(all) &&
    parts.some((c) => c.length > 0 && imperative(c, text) && (instead || !REPORT.test(c[0]!.lemma)))
  );
}

/**
 * Verbs asking to be shown or told something now ("show me the JSON before you change anything"): a
 * request for information is a one-off task, whatever condition it carries.
 */
const REPORT = /^(?:show|tell|give|send|list|print|display|explain|describe|summari[sz]e|let)$/;

/** An order to report ({@link REPORT}), maybe after "look/go and" ("look and summarize …"). */
function reportOrder(ws: Token[]): boolean {
  const at = /^(?:look|go|come|check)$/.test(ws[0]?.lemma ?? '') && ws[1]?.normal === 'and' ? 2 : 0;
  return REPORT.test(ws[at]?.lemma ?? '');
}

/** Verbs of state: "we don't know/have/need …" reports a state, not a way of working. */
const STATIVE = /^(?:be|know|have|need|see|think|understand|want|like|remember|get|mind|care|mean|seem)$/;

/**
 * A team's way of working, stated as what "we" do: "we never force-push shared branches", "we don't
 * pull in packages without a review" — "we" + never/always/usually or do-not, then a verb of action; or
 * "we" + a verb of action in the present + a bare plural ("we keep dependencies to a minimum").
 */
function convention(ws: Token[]): boolean {
  if (ws[0]?.normal !== 'we') return false;
  let i = 1;
  // "we try to keep …", "we aim to …": a practice the team keeps to
  if (/^(?:try|aim|like|prefer)$/.test(ws[1]?.lemma ?? '') && ws[2]?.normal === 'to' && ws[3]?.pos === 'VERB')
    return !STATIVE.test(ws[3]!.lemma);
  const adverb = /^(?:never|always|usually|only)$/.test(ws[i]?.normal ?? '');
  const negated = ws[i]?.lemma === 'do' && /^(?:not|n't)$/.test(ws[i + 1]?.normal ?? '');
  // "we keep dependencies to a minimum", "we write tests first": a practice about a kind of thing
  const practice =
    ws[1] !== undefined &&
    ws[1].pos === 'VERB' &&
    ws[1].normal === ws[1].lemma &&
    !STATIVE.test(ws[1].lemma) &&
    plural(ws[2]);
  if (practice) return true;
  if (!adverb && !negated) return false;
  i += negated ? 2 : 1;
  const verb = ws[i];
  // after "do not" the light model tags some verbs ADJ ("we don't *mock* the database")
  // (and "do" itself, which it may tag AUX: "we don't *do* per-row queries")
  const tags = negated ? ['VERB', 'NOUN', 'ADJ'] : ['VERB', 'NOUN'];
  if (negated && verb?.lemma === 'do' && ws.slice(i + 1, i + 4).some((t) => plural(t))) return true;
  // ("we never do a db query per item": "do" and the thing the team never does)
  if (adverb && verb?.lemma === 'do' && ws.slice(i + 1, i + 4).some((t) => t.pos === 'NOUN')) return true;
  // "we never want these extra documents in the repo": what the team never wants, a kind of thing
  const wantsNot = verb?.lemma === 'want' && ws.slice(i + 1, i + 5).some((t) => plural(t));
  return verb !== undefined && tags.includes(verb.pos) && (!STATIVE.test(verb.lemma) || wantsNot);
}

/**
 * A question that objects rather than asks: an auxiliary first, "you" or "we" next, and "really" or a
 * negation ("Did you really just skip …?", "Shouldn't you have rebased …?", "Do we really need …?"), or
 * an action named by a gerund doubted with "really" ("Is skipping a failing test really the fix?").
 */
function auxObjection(ws: Token[], text: string): boolean {
  if (!QUESTION.test(text)) return false;
  // "you force-pushed?": what the agent did, echoed back in disbelief
  // ("you need them for …?" asks: "need" ends in -ed, but it is no past form)
  if (
    ws[0]?.normal === 'you' &&
    ws.slice(1, 4).some((t) => t.pos === 'VERB' && /ed$/.test(t.normal) && pastTense(t))
  )
    return true;
  // "so we just skip tests now?": what the agent did, restated as the new way of working, in disbelief
  // (not a proposal checked with a tag: "we just remove that flag, no?")
  if (
    /^(?:you|we)$/.test(ws[0]?.normal ?? '') &&
    ws[1]?.normal === 'just' &&
    ws[2]?.pos === 'VERB' &&
    !/,?\s*(?:no|right|yeah|yes|correct|ok(?:ay)?)\s*\?+\s*$/i.test(text)
  )
    return true;
  if (ws[0]?.pos !== 'AUX') return false;
  const negated = /^(?:not|n't)$/.test(ws[1]?.normal ?? '');
  const subject = ws[negated ? 2 : 1]?.normal ?? '';
  // "really", or "just" right after the subject ("Did you just force-push …?"): disbelief; after a
  // modal, "just" asks for the simple way ("Can you just make this the default?": a request)
  const really =
    ws.slice(2, 5).some((t) => /^(?:really|seriously|actually|honestly)$/.test(t.normal)) ||
    (ws[negated ? 3 : 2]?.normal === 'just' &&
      !/^(?:can|could|would|will|shall|may|might)$/.test(ws[0]!.normal));
  // "Is skipping a failing test really the fix here?": an action named by a gerund, doubted with "really"
  if (gerund(ws[1]) && ws.slice(2, 8).some((t) => t.normal === 'really')) return true;
  // "did anyone ask for …?": nobody did
  if (/^(?:anyone|anybody)$/.test(subject))
    return ws.slice(2, 4).some((t) => /^(?:ask|tell|want|need)$/.test(t.lemma));
  if (/^(?:it|this|that)$/.test(subject)) return really;
  if (subject !== 'you' && subject !== 'we') return false;
  // "did you even run the tests?": doubt that the agent did the least ("can we even do that?" wonders)
  const done = /^(?:did|have|has)$/.test(ws[0]!.normal);
  return negated || really || (done && ws[negated ? 3 : 2]?.normal === 'even');
}

/** "Why is the test skipped?": a question about a state the agent's action left (a passive participle). */
function passiveWhy(ws: Token[]): boolean {
  if (ws[0]?.normal !== 'why' || !/^(?:is|are|was|were|has|have)$/.test(ws[1]?.normal ?? '')) return false;
  if (!/^(?:the|this|that|these|those|everything|all|every|each)$/.test(ws[2]?.normal ?? '')) return false;
  // the light model tags some participles as adjectives ("squashed")
  return ws
    .slice(3)
    .some(
      (t) =>
        (t.pos === 'VERB' && /(?:ed|en)$/.test(t.normal) && t.normal !== t.lemma) ||
        (t.pos === 'ADJ' && /ed$/.test(t.normal)),
    );
}

/**
 * "Why the force push??", "why another wrapper?", "Why all the mocks?": "why" and a bare noun phrase
 * naming what was done, with no verb of its own to ask about (no auxiliary, no pronoun).
 */
function verblessWhy(ws: Token[], text: string): boolean {
  if (ws[0]?.normal !== 'why' || !QUESTION.test(text)) return false;
  // "why ts-ignore?", "why sudo?": one thing named, nothing else ("why not?" asks)
  if (
    ws.length >= 2 &&
    ws.length <= 3 &&
    ws.slice(1).every((t) => ['NOUN', 'PROPN', 'ADJ', 'X', 'VERB'].includes(t.pos))
  )
    return ws[1]!.normal !== 'not';
  if (!/^(?:the|a|an|another|all|so|these|those|such)$/.test(ws[1]?.normal ?? '')) return false;
  return ws.length >= 3 && !ws.some((t) => t.pos === 'AUX' || t.pos === 'PRON' || t.pos === 'SCONJ');
}

/**
 * A verdict on an action named by a gerund: "Skipping the test doesn't fix the bug", "Force-pushing to
 * main is a firing offence", "Adding a package for this is overkill" — the -ing subject, then a negated
 * or negative predicate (a negation, excess, or negative sentiment), or any predicate with a reason
 * ("… is off limits here, because teammates lose their commits").
 */
function gerundVerdict(s: Sentence, ws: Token[], text: string): boolean {
  if (!/^(?:[a-z]+-)?[a-z]{3,}ing\b/i.test(text)) return false;
  // "Running a business isn't easy, but I'm determined …": the speaker's own life, not the agent's work
  if (FIRST_PERSON.test(text)) return false;
  const verb = ws.findIndex((t, i) => i >= 1 && t.pos === 'AUX' && /^(?:be|do)$/.test(t.lemma));
  // "Mocking the database in integration tests defeats the point": the action's own verb, negative
  // (the action with its object: "mocking *the database*", not a bare "Networking really pays off")
  if (verb < 0)
    return (
      s.sentiment < 0 &&
      ['DET', 'NOUN', 'PRON', 'PROPN', 'ADJ'].includes(ws[1]?.pos ?? '') &&
      ws.slice(2, 9).some((t) => t.pos === 'VERB' && /[^s]s$/.test(t.normal) && t.normal !== t.lemma)
    );
  const rest = ws.slice(verb + 1);
  const verdict = /^(?:not|n't|never)$/.test(rest[0]?.normal ?? '') || EXCESS.test(text);
  // "Pushing with --force is off limits here, because teammates lose their commits": judged, with a reason
  return verdict || s.sentiment < 0 || reasonIn(text) !== null;
}

/**
 * Sarcasm at what the agent just did: a word of praise, a comma, then what was done
 * ({@link namesWhatWasDone}: "Great, a skipped test.", "Oh good, a force push.", "Wow, skipping the
 * failing test.", "Nice, you just rewrote the history.") or the same the other way round ("Another
 * dependency for a five-line helper, lovely.") — praise whose object is not itself praised, never an
 * exclamation.
 */
function sarcasm(s: Sentence): boolean {
  if (/!\s*$/.test(s.text)) return false;
  const commas = s.tokens.flatMap((t, i) => (t.normal === ',' ? [i] : []));
  const first = commas[0] ?? -1;
  if (first >= 1 && first <= 2) {
    const rest = s.tokens.slice(first + 1).filter((t) => t.pos !== 'PUNCT');
    const lead = s.tokens.slice(0, first);
    if ((namesWhatWasDone(rest) && praised(lead, rest)) || (annoyed(lead) && namesWhatWasDone(rest, true)))
      return true;
  }
  // the praise last: "Another dependency for a five-line helper, lovely."
  const last = commas.at(-1) ?? -1;
  const tail = s.tokens.slice(last + 1).filter((t) => t.pos !== 'PUNCT');
  if (last < 2 || tail.length === 0 || tail.length > 2) return false;
  const head = s.tokens.slice(0, last).filter((t) => t.pos !== 'PUNCT');
  return namesWhatWasDone(head) && praised(tail, head);
}

/**
 * What the agent did, named after a word of praise or annoyance (`loose`): a bare noun phrase ("a skipped test", "another
 * summary document"), a gerund phrase ("skipping the failing test") or "you" + a verb in the past ("you
 * just rewrote the shared history").
 */
function namesWhatWasDone(tokens: Token[], loose = false): boolean {
  // "so now we just skip …": connectives before it say nothing
  let from = 0;
  while (
    /^(?:so|now|and|then)$/.test(tokens[from]?.normal ?? '') ||
    (loose && tokens[from]?.normal === 'not')
  )
    from++;
  const ws = tokens.slice(from);
  const [a] = ws;
  if (!a) return false;
  // "you just rewrote …" (the light model tags some past forms NOUN): a verb of its own, no auxiliary;
  // "we just skip …": what the agent did, restated as the team's new way
  if (a.normal === 'we') return ws[1]?.normal === 'just' && ws[2]?.pos === 'VERB';
  if (a.normal === 'you')
    return (
      ['VERB', 'NOUN'].includes(ws[ws[1]?.pos === 'ADV' ? 2 : 1]?.pos ?? '') &&
      !ws.some((t) => t.pos === 'AUX')
    );
  // after annoyance an -ing form is read by its form alone ({@link ingForm}); after praise ("Appreciate
  // it, feeling better") only a verb form the model knows
  const action = (loose ? ingForm(a) : gerund(a)) && ['VERB', 'NOUN'].includes(a.pos);
  if (!action && !/^(?:a|an|another)$/.test(a.normal)) return false;
  // "another dependency": the repetition is the complaint, one word names it
  const least = a.normal === 'another' && loose ? 1 : 2;
  return substantive(ws) >= least && !ws.slice(1, 4).some((t) => t.pos === 'AUX');
}

/** An interjection of annoyance before what was done ("ugh, another summary file", "sigh, skipping tests again"). */
function annoyed(lead: Token[]): boolean {
  return /^(?:ugh+|argh+|sigh|meh|ffs|geez|jeez|come on|oh no|seriously)$/i.test(
    lead
      .map((t) => t.text)
      .join(' ')
      .trim(),
  );
}

/** Praise (positive sentiment) of something less praised than the praise itself: the mark of sarcasm. */
function praised(praise: Token[], object: Token[]): boolean {
  const of = (ts: Token[]) => analyse(ts.map((t) => t.text).join(' '))[0]?.sentiment ?? 0;
  const p = of(praise);
  return p > 0 && of(object) < p;
}

/**
 * A denial about a kind of thing: "A skipped test is not a passing test.", "A green build isn't a fixed
 * bug." — an indefinite subject, "is not", then an indefinite complement.
 */
function kindDenied(ws: Token[]): boolean {
  // "a skipped test is not …", or a bare subject ("`as any` plus a ts-ignore is not a fix"); never a
  // pronoun, a definite or a possessive (one thing: "the weather is not a problem")
  const bare =
    !/^(?:the|my|your|our|their|his|her|its|this|that|these|those)$/.test(ws[0]?.normal ?? '') &&
    ws[0]?.pos !== 'PRON';
  if (!/^(?:a|an)$/.test(ws[0]?.normal ?? '') && !bare) return false;
  // the "be" that is denied ("a fix that hasn't been tested *isn't* a fix"), its subject free of pronouns
  // (a relative clause may hold an auxiliary: "that has n't been tested")
  const be = ws.findIndex(
    (t, i) => i >= 2 && i <= 9 && t.lemma === 'be' && /^(?:not|n't)$/.test(ws[i + 1]?.normal ?? ''),
  );
  const relative = ws.findIndex((t) => /^(?:that|which|who)$/.test(t.normal));
  const subjectEnd = relative > 0 && relative < be ? relative : be;
  if (be >= 0 && ws.slice(0, subjectEnd).some((t) => t.pos === 'PRON' || t.pos === 'AUX')) return false;
  if (be < 0 || !/^(?:not|n't)$/.test(ws[be + 1]?.normal ?? '')) return false;
  // "A change isn't done until the tests have run green": what any such thing needs first
  const until = ws.slice(be + 2, be + 5).some((t) => /^(?:until|unless|without)$/.test(t.normal));
  return /^(?:a|an)$/.test(ws[be + 2]?.normal ?? '') || until;
}

/**
 * What a kind of thing may not be or do: a bare plural subject (at most four words, no determiner), "are
 * not" and the rest ("Force pushes are not allowed on shared branches.", "Summary files aren't
 * welcome here."); or a bare subject of any number, "is never" and a participle ("Generated code is
 * never edited by hand.").
 */
function kindBarred(ws: Token[]): boolean {
  const be = ws.findIndex((t, i) => i >= 1 && i <= 4 && t.lemma === 'be');
  if (be < 1 || !/^(?:not|n't|never)$/.test(ws[be + 1]?.normal ?? '')) return false;
  const subject = ws.slice(0, be);
  if (subject.some((t) => !['ADJ', 'NOUN', 'PROPN', 'VERB'].includes(t.pos))) return false;
  const participle = ws[be + 2];
  if (ws[be + 1]!.normal === 'never')
    return (
      participle !== undefined &&
      /(?:ed|en)$/.test(participle.normal) &&
      ['VERB', 'ADJ'].includes(participle.pos)
    );
  // the head, in the plural (the light model tags some plurals VERB: "Force pushes")
  const kind = /[^s]s$/.test(subject.at(-1)!.normal) && subject.at(-1)!.stem !== subject.at(-1)!.normal;
  // what a kind may not be: barred ("… are not allowed/welcome/ok"), or what is not done to it ("… are
  // not edited by hand"); not a state of this case ("tests are not passing", "documents are not needed")
  const predicate = ws.slice(be + 2);
  const deontic =
    BARRED.test(
      ws
        .slice(be + 1)
        .map((t) => t.normal)
        .join(' '),
    ) ||
    /^(?:welcome|wanted|appropriate|meant|supposed|optional|negotiable)$/.test(predicate[0]?.normal ?? '') ||
    (predicate[0] !== undefined &&
      /(?:ed|en)$/.test(predicate[0].normal) &&
      !/^(?:needed|required|necessary|used|done|finished|fixed|working)$/.test(predicate[0].normal) &&
      predicate[1] !== undefined);
  return kind && deontic;
}

/** "Adding packages needs approval", "Changing the schema requires a review": an action that needs a permission. */
function gerundNeeds(ws: Token[]): boolean {
  return (
    gerund(ws[0]) && ws.slice(1, 5).some((t) => /^(?:need|require)$/.test(t.lemma) && /s$/.test(t.normal))
  );
}

/**
 * An order that replaces a way of working: an imperative, then "instead of" / "rather than" and a gerund
 * whose object is a kind, not this task's one thing ("write small helpers yourself instead of adding
 * libraries"; not "cancel it instead of changing the order").
 */
function replacesPractice(ws: Token[]): boolean {
  const at = ws.findIndex(
    (t, i) =>
      (t.normal === 'instead' && ws[i + 1]?.normal === 'of') ||
      (t.normal === 'rather' && ws[i + 1]?.normal === 'than'),
  );
  if (at < 0 || !gerund(ws[at + 2])) return false;
  return !pointsAtOne(ws.slice(0, at)) && !objectIsOne(ws.slice(at + 3));
}

/** A plural noun by its form against its lemma ("tests", "summaries"). */
const plural = (t: Token | undefined) =>
  t !== undefined &&
  // a capitalised plural opening a sentence is often tagged PROPN ("Tests stay …"): its stem tells
  ((t.pos === 'NOUN' && t.normal !== t.lemma) || (t.pos === 'PROPN' && t.stem !== t.normal)) &&
  /[^s]s$/.test(t.normal);

/**
 * A norm about a kind of thing: a bare plural subject (no determiner), a verb in the present, and a cue
 * that it holds beyond now — a cue of generality, a contrast or a reason ("Summaries go in the chat, not
 * in new markdown files.", "Tests stay enabled in this repo.", "New dependencies need a review, since
 * each one is a risk.").
 */
function norm(ws: Token[], text: string, general: boolean): boolean {
  // "a red test gets fixed, never skipped": a generic indefinite, a verb in the present, and a cue
  if (/^(?:a|an)$/.test(ws[0]?.normal ?? '') && (general || /,\s*(?:not|never)\b/i.test(text))) {
    const v = ws.findIndex(
      (t, j) => j >= 2 && j <= 4 && t.pos === 'VERB' && /[^s]s$/.test(t.normal) && t.normal !== t.lemma,
    );
    // (the light model tags some such words VERB: "a failing *build* gets fixed")
    const modifier = (t: Token) => ['ADJ', 'NOUN', 'PROPN', 'VERB'].includes(t.pos);
    if (v >= 2 && ws.slice(1, v).every(modifier)) return true;
  }
  // the head noun after at most two modifiers ("new dependencies", "integration tests")
  const i = ws.slice(0, 3).findIndex((t) => plural(t));
  // (a participle may modify it: "*Generated* clients")
  const modifier = (t: Token) =>
    ['ADJ', 'NOUN', 'PROPN'].includes(t.pos) || (t.pos === 'VERB' && /ed$/.test(t.normal));
  if (i < 0 || !ws.slice(0, i).every(modifier)) return false;
  // the verb in its base form; the light model tags some NOUN ("Migrations ship in …"): a preposition,
  // adverb or adjective after it shows it is not a compound noun
  // "new dependencies *always* need …": an adverb of frequency may stand before the verb
  const v = /^(?:always|never|usually|normally|generally)$/.test(ws[i + 1]?.normal ?? '') ? i + 2 : i + 1;
  // "Summary files *don't* belong in the repo": a kind negated is a norm by itself
  // ("tests don't get skipped": a kind negated in the passive, "get" and a participle)
  if (
    ws[v]?.lemma === 'do' &&
    /^(?:not|n't)$/.test(ws[v + 1]?.normal ?? '') &&
    ws[v + 2]?.lemma === 'get' &&
    /(?:ed|en)$/.test(ws[v + 3]?.normal ?? '')
  )
    return true;
  if (ws[v]?.lemma === 'do' && /^(?:not|n't)$/.test(ws[v + 1]?.normal ?? '') && ws[v + 2]?.pos === 'VERB')
    return ws[v + 2]!.normal === ws[v + 2]!.lemma && !STATIVE.test(ws[v + 2]!.lemma);
  const verb = ws[v];
  if (!verb || verb.normal !== verb.lemma) return false;
  const after = ws[v + 1]?.pos ?? '';
  if (verb.pos !== 'VERB' && !(verb.pos === 'NOUN' && ['ADP', 'ADV', 'ADJ'].includes(after))) return false;
  // "destructive commands need my approval first", "unrelated refactors go in a separate PR": what a kind
  // needs, and where a kind goes, hold for any one of it
  // (what a kind needs from someone first: "… need my approval first", "… require a review before merging")
  const needs =
    /^(?:need|require)$/.test(verb.lemma) &&
    ws[v + 1]?.normal !== 'to' &&
    (/^(?:my|our)$/.test(ws[v + 1]?.normal ?? '') || /\b(?:first|before|beforehand)\b/i.test(text));
  const placed =
    PLACEMENT.test(verb.lemma) &&
    (ws[v + 1]?.pos === 'ADP' || (ws[v + 1]?.normal === 'next' && ws[v + 2]?.normal === 'to'));
  return general || needs || placed || /,\s*(?:not|never)\b/i.test(text) || reasonIn(text) !== null;
}

/** Verbs of where a kind of thing goes ("refactors *go* in a separate PR", "tests *live* beside the code"). */
const PLACEMENT = /^(?:go|belong|live|stay|sit)$/;

/**
 * A scope opening the sentence, then a comma: "For every task, …", "On shared branches, …" — a phrase
 * that starts with a preposition and names a kind (a bare plural, or every/any/all; "for each X" goes
 * through this task's set, as does an order on "them"). Returns the words after it, or null.
 */
function scoped(parts: Token[][], raw = ''): Token[] | null {
  const [first, second] = parts.map(words);
  if (!first || !second || first[0]?.pos !== 'ADP' || first.length > 5) return null;
  // set off by a comma, not cut at "and" ("for photos and receipt add a checkbox …" orders this task)
  const scopeText = first.map((t) => t.text).join(' ');
  if (
    !new RegExp(
      `^\\W*${scopeText.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\W+')}\\s*,`,
      'i',
    ).test(raw)
  )
    return null;
  // ("for each artifact, check each of them …": "each" goes through a set this task has, and "them"
  // points back at it)
  if (second.some((t) => t.normal === 'them')) return null;
  const kind = first.some((t) => /^(?:every|any|all)$/.test(t.normal)) || plural(first.at(-1));
  return kind ? second : null;
}

/**
 * Words that limit an order to this task ("don't push *yet*", "skip the lint step *this time*", "don't
 * touch the tests *for now*"): with no cue of generality, such an order is a task instruction.
 */
const FOR_NOW =
  /\b(?:for now|yet|this time|right now|for the moment|at the moment|for this (?:one|task|change|pr|commit|ticket)|in this (?:pr|change|commit|task|ticket))\b/i;

/**
 * A verdict's limit to this one case ("that's overkill *for this page*", "… *for this*"; not "for this
 * project", which is the project's): with no cue of generality, a verdict on this case is no lesson.
 */
const THIS_CASE =
  /\bfor this(?! (?:project|repo|repository|codebase|team|company|org|organi[sz]ation|kind|sort|type)\b)(?: \w+)?\b|\bin this (?:page|file|screen|view|component|function|case)\b/i;

/**
 * An order opened by "now" ("now don't resize.", "ok, now run it again"): the next step of this task
 * ("from now on" opens with "from", and "now on" is left out).
 */
const NOW_LED =
  /^\W*(?:(?:ok(?:ay)?|so|and|but|no|yes|yeah|good|great|right|perfect|thanks)\b[\s,.!-]*)*now\b(?![\s,]+on\b)/i;

/** Verbs of what happens to someone ("I get an error", "I see a blank page", "I keep getting …"). */
const UNDERGO = /^(?:get|see|receive|hit|have|keep|encounter|notice|lose|run)$/;

/**
 * True when a sentence reports what happens to the speaker — a clause with "I" as its subject and a verb
 * of undergoing ({@link UNDERGO}: "I get a permission error", "I see a blank screen") — and no clause
 * orders anything: a bug report, however general its condition ("whenever …", "every time …").
 */
function reportsExperience(parts: Token[][]): boolean {
  const cs = parts.map(leadless).filter((c) => c.length > 0);
  const undergoes = cs.some((c) =>
    c.some(
      (t, at) =>
        t.normal === 'i' &&
        UNDERGO.test(c[at + 1]?.lemma ?? '') &&
        !/^(?:to|ta)$/.test(c[at + 2]?.normal ?? ''),
    ),
  );
  // (a condition orders nothing: "whenever I'm using …")
  return (
    undergoes &&
    !cs.some(
      (c) => c[0]!.normal !== 'i' && !CONDITION.test(c[0]!.normal) && (imperative(c) || negatedImperative(c)),
    )
  );
}

/**
 * A report that something is still wrong ("no, there is still an error", "it still doesn't work", "still
 * the same"), about the result and not the agent ("you still haven't …" is about the agent).
 */
const STILL_FAILING =
  /^still\b|\bstill\b(?:\s+\w+){0,3}?\s+(?:errors?|bugs?|fail\w*|broken|crash\w*|not|doesn'?t|don'?t|isn'?t|aren'?t|won'?t|can'?t|wrong|same|empty|blank|missing|there)\b/i;

/**
 * A report of how the work behaves, not of how the agent worked: it does not work ("adding the flag
 * didn't work", "the import isn't working", "it is not mapping correctly"), a guess at a cause ("it
 * could be a misconfigured setting").
 */
const STATUS_REPORT =
  /\b(?:did|does|do|is|was|are)(?:n'?t| not) work(?:ing)?\b|\bnot working\b|\bstopped working\b|^(?:it|this|that|there)\b[^.?!]{0,40}\b(?:could|might|may) (?:be|have been)\b|^(?:it|this|that)(?:'s| is| was)(?:n't| not) \w+ing (?:correctly|properly|right)\b/i;

/**
 * A state counted out ("… but there are 3 failing checks on the PR", "there's still one error"): a report
 * of how things stand, whatever the agent claimed.
 */
const COUNTED_STATE =
  /\bthere(?:'s| is| are| were| was) (?:still )?(?:\d+|one|two|three|some|several|many|a few)\b/i;

/**
 * True when a sentence reports the state of the work as still wrong ({@link STILL_FAILING}) or reports
 * how it behaves ({@link STATUS_REPORT}): status, no correction.
 */
function stillFailing(text: string): boolean {
  return (STILL_FAILING.test(text) || STATUS_REPORT.test(text)) && !/\byou\b/i.test(text);
}

/** A clause's words after its leading interjections, conjunctions and "please" ("…, please don't …"). */
function leadless(clause: Token[]): Token[] {
  const ws = words(clause);
  let i = 0;
  while (
    ws[i] &&
    (['INTJ', 'CCONJ'].includes(ws[i]!.pos) ||
      /^(?:please|pls|plz|so|then|just|and|but)$/.test(ws[i]!.normal))
  )
    i++;
  return ws.slice(i);
}

/** A clause's words after its lead-ins ({@link leadless}), as text with contractions rejoined ("we don't"). */
function leadlessText(clause: Token[]): string {
  return leadless(clause)
    .map((t) => t.text)
    .join(' ')
    .replace(/ n't\b/g, "n't");
}

/** The index of the first clause that is a negated imperative ("don't …", "never …", "stop …ing"), or -1. */
function orders(parts: Token[][]): number {
  return parts.findIndex((c) => negatedImperative(leadless(c)));
}

/**
 * True when a clause before clause `at` opens with a bare plural, the kind a pronoun in the order points
 * back to ("Summary files clutter the repo, please don't create *them*").
 */
function kindBefore(parts: Token[][], at: number): boolean {
  return parts.slice(0, Math.max(0, at)).some((c) => {
    const ws = leadless(c);
    const i = ws.slice(0, 3).findIndex((t) => plural(t));
    return i >= 0 && ws.slice(0, i).every((t) => ['ADJ', 'NOUN', 'PROPN'].includes(t.pos));
  });
}

/**
 * Words that bar an action, after "is/are" or opening a verbless verdict: "forbidden", "banned", "off
 * limits", "not allowed", "not ok", "never acceptable", "a no-go" (deontic cue words, not sentences).
 */
const BARRED =
  /^(?:(?:really |just |absolutely |strictly )?(?:forbidden|prohibited|banned|disallowed|unacceptable|off[- ]limits|a no[- ]?go|verboten)|(?:not|never|n't)(?: really)? (?:allowed|permitted|ok|okay|acceptable|cool|fine|a thing|an option))\b/i;

/** "Our policy is to keep …", "we have a strict no-`any` rule": a rule named as one. */
const STATED_POLICY =
  /^(?:(?:our|the|team|house) (?:policy|rule|convention|practice) is (?:to|that) [a-z]|we have an? (?:\S+ ){0,3}(?:rule|policy|convention)\b)/i;

/** "It is forbidden to commit on main", "it's never ok to …": an action barred, its subject put after. */
const DUMMY_BARRED =
  /^it(?:'s| is)(?: (?:really|just|absolutely|strictly))? (?:forbidden|prohibited|banned|not allowed|never allowed|not ok(?:ay)?|never ok(?:ay)?|not acceptable|never acceptable|unacceptable) to [a-z]{2,}/i;

/**
 * An action or kind of thing barred: a subject of at most four words that names it (no pronoun:
 * "force push", "skipping tests", "direct commits"), "is/are", then {@link BARRED} ("force push is
 * forbidden here", "skipping tests is not ok"); or, with the subject left out, a verdict on an
 * infinitive ("not cool to skip tests just to get green CI", "never ok to force-push").
 */
function barredAction(ws: Token[]): boolean {
  const rest = (from: number) =>
    ws
      .slice(from)
      .map((t) => t.normal)
      .join(' ')
      // hyphenated words come apart in tokens: "no - go"
      .replace(/ - /g, '-');
  if (/^(?:not|never)$/.test(ws[0]?.normal ?? '') && BARRED.test(rest(0))) {
    const to = ws.findIndex((t, i) => i >= 2 && i <= 4 && t.normal === 'to');
    return to > 0 && ['VERB', 'NOUN', 'ADJ'].includes(ws[to + 1]?.pos ?? '');
  }
  // ("*any* type is not allowed": a universal determiner names every one of the kind)
  // (and a phrase after the head: "force push *on the shared branch* is not allowed")
  const firstAdp = ws.findIndex((t) => t.pos === 'ADP');
  const reach = firstAdp > 0 && firstAdp <= 3 ? 7 : 4;
  const be = ws.findIndex((t, i) => i >= 1 && i <= reach && t.lemma === 'be' && t.pos === 'AUX');
  const subjectWord = (t: Token, i: number) =>
    !['PRON', 'DET', 'AUX', 'SCONJ'].includes(t.pos) ||
    (i === 0 && /^(?:any|every)$/.test(t.normal)) ||
    (t.pos === 'DET' && firstAdp > 0 && i > firstAdp);
  if (be < 1 || !ws.slice(0, be).every(subjectWord)) return false;
  return BARRED.test(rest(be + 1));
}

/** "I never want to see …", "I don't want you to …": what the person does not want from the agent's work. */
function unwanted(text: string): boolean {
  // "…, I just want a column in the existing table": what this task should give instead
  if (/\bI (?:just|only) (?:want|need)\b/i.test(text)) return false;
  if (
    /^I(?:'d| would)? (?:prefer|want|like|need) you (?:to )?(?:not|never|always|didn'?t|did not|don'?t|wouldn'?t|would not)\b/i.test(
      text,
    )
  )
    return contentTokens(text).length >= 4;
  const object = /^I (?:really )?(?:never|don'?t|do not)(?: ever)? want (?:to see |you to )?(.*)$/i.exec(
    text,
  )?.[1];
  // "I don't want future generations to go through that": what the speaker wants for others
  if (object === undefined || /^(?:to|that|this|it)\b/i.test(object) || /\bto\b/i.test(object)) return false;
  // what is not wanted: a kind (a plural) or, after "to see" / "you to", an action
  return (
    contentTokens(object).length >= 2 &&
    (/^I \S+(?: ever)? want (?:to see|you to)\b/i.test(text) || /[^s]s\b/.test(object))
  );
}

/** "Comments should say why", "Migrations must be reversible": what a kind (a bare plural) should do or be. */
function kindModal(ws: Token[], text = ''): boolean {
  const at = ws.slice(0, 3).findIndex((t) => plural(t));
  if (at >= 0 && kindAt(ws, 0))
    return /^(?:should|must)$/.test(ws[at + 1]?.normal ?? '') && ws[at + 2] !== undefined;
  // a bare singular or mass noun ("Generated code must never be edited by hand", "test file must be
  // beside the source, not in …"): general when barred for good or set against what it is not
  const modal = ws.findIndex((t, i) => i >= 1 && i <= 3 && /^(?:should|must)$/.test(t.normal));
  if (
    modal < 1 ||
    !ws.slice(0, modal).every((t) => ['ADJ', 'NOUN', 'VERB'].includes(t.pos) && t.normal !== 'it')
  )
    return false;
  const never = ws[modal + 1]?.normal === 'never' && ws[modal + 2]?.lemma === 'be';
  const where = ws[modal + 1]?.lemma === 'be' || PLACEMENT.test(ws[modal + 1]?.lemma ?? '');
  return never || (where && /,\s*(?:not|never)\b/i.test(text));
}

/**
 * A later clause that states something of a kind, as a reason does: a bare plural subject and a verb
 * in the present ("…; drive-by refactors make the diff impossible to review").
 */
function kindReason(s: Sentence): boolean {
  // only after a semicolon: "Nature and animals can be so peaceful" is no reason for anything
  const at = s.text.indexOf(';');
  if (at < 0) return false;
  const ws = analyse(s.text.slice(at + 1))[0]?.tokens.filter((t) => t.pos !== 'PUNCT') ?? [];
  const head = ws.slice(0, 4).findIndex((t) => plural(t));
  if (
    head < 0 ||
    ws.slice(0, head).some((t) => ['PRON', 'DET', 'AUX'].includes(t.pos) && !/^(?:the|all)$/.test(t.normal))
  )
    return false;
  const verb = ws[head + 1];
  return (
    verb !== undefined && ['VERB', 'AUX'].includes(verb.pos) && verb.normal !== 'were' && !pastTense(verb)
  );
}

/**
 * A clause that weighs something, as a reason does: a noun phrase subject, then a verb of weighing
 * ({@link WEIGHING}: "the integration tests *need* the real thing", "old clients *depend* on it").
 */
function weighs(c: Token[]): boolean {
  const at = c.findIndex(
    (t, i) => i >= 1 && i <= 6 && WEIGHING.test(t.lemma) && ['VERB', 'NOUN'].includes(t.pos),
  );
  // (a hyphenated compound comes apart: "the end - to - end tests")
  const inPhrase = (t: Token) =>
    ['DET', 'ADJ', 'NOUN', 'PROPN'].includes(t.pos) || /^(?:to|of)$/.test(t.normal);
  return at >= 1 && c.slice(0, at).every(inPhrase) && c[0]!.pos !== 'PRON';
}

/** "You left debug logs in again", "you force-pushed AGAIN?": the agent's act (you + a past verb) repeated. */
function againDone(ws: Token[], text: string): boolean {
  if (ws[0]?.normal !== 'you' || !/\bagain\b/i.test(text)) return false;
  const at = ws[1]?.pos === 'ADV' ? 2 : 1;
  const verb = ws[at];
  return verb !== undefined && ['VERB', 'NOUN'].includes(verb.pos) && pastTense(verb) && substantive(ws) >= 2;
}

/** A whole thing for a small one: "a whole library for one function", "an entire ORM for two queries". */
const DISPROPORTION =
  /\b(?:a|an) (?:whole|entire) [\w-]+(?: [\w-]+)? for (?:just )?(?:one|a single|a|an|two|three|a few)\b/i;

/**
 * "You said done but never ran the tests", "you didn't run the linter": what the agent left undone —
 * "you" and, in the same sentence, "never" with a verb in the past, "didn't" or "forgot to/about" ("you
 * never know …" is a saying, not a report; "you forgot the footer links" names a part of this task's
 * output).
 */
function leftUndone(ws: Token[]): boolean {
  if (ws[0]?.normal !== 'you') return false;
  return ws.some(
    (t, i) =>
      (t.normal === 'never' &&
        ws[i + 1] !== undefined &&
        pastTense(ws[i + 1]!) &&
        ws[i + 1]!.pos === 'VERB') ||
      (t.lemma === 'do' && t.normal === 'did' && /^(?:not|n't)$/.test(ws[i + 1]?.normal ?? '')) ||
      // (forgot *to* do something, a step of the work; "you forgot the footer links" names a part of
      // this task's output)
      (t.normal === 'forgot' && /^(?:to|about)$/.test(ws[i + 1]?.normal ?? '')),
  );
}

/** "I asked for one test fix, not a 41-file diff": what was asked, then what the agent did instead. */
const ASKED_NOT =
  /^I (?:asked|wanted) (?:(?:you )?(?:for|to)\b[^,;]*,\s*not\b|you to\b[^,;.]* and (?:got|received|you (?:gave|did|made|sent|wrote))\b)/i;

/**
 * A code identifier named as a kind of thing: "console.log calls", "alert() statements", "any casts" —
 * every use of it, not one place in this task.
 */
const KIND_OF_CODE = /\S+\s+(calls|statements|usages|imports|casts|prints)\b/gi;

/** "I didn't ask for a summary file", "I never asked you to add …": what the agent did that nobody asked for. */
const NOT_ASKED = /^I (?:didn'?t|did not|never) ask(?:ed)? (?:you )?(?:for|to)\b/i;

/** A time frame of any case: "before any …", "whenever a …". */
const BEFORE_ANY =
  /\b(?:before|whenever|every time|each time)\b(?: \w+)? (?:any|a|an|every|each|anything|anyone|everything)\b/i;

/**
 * A request addressed to the agent: "could/can/would/will you …", "I'd prefer/want/like you (to) …" —
 * a rule only with a cue of generality or a condition about any case (see `classify`).
 */
const REQUEST =
  /^(?:(?:could|can|would|will) you (?:please |kindly )?(?:only |always |just )?(?!like\b)[a-z]{2,}|I(?:'d| would)? (?:prefer|want|like|need|appreciate) (?:it )?(?:if )?you (?:to )?(?:always |only |never )?[a-z]{2,})/i;

/**
 * "Could you not add …?", "would you stop …?": a negated order in a polite question — a rule when it
 * names a kind (a bare plural) or carries a cue of generality, else an instruction for now.
 */
const POLITE_NOT = /^(?:could|can|would|will) you (?:please |kindly )?(?:not|stop|quit|never)\b/i;

/**
 * "why pull in a package", "…, why write a file?": "why" and a verb in its base form, no subject — a
 * rhetorical objection to doing it at all (where "why did the build fail?" asks).
 */
function whyBare(all: Token[]): boolean {
  // the act doubted at all: its object an indefinite ("why pull in *a* package"), not one thing asked
  // about ("why include strength training in your routine?")
  return all.some(
    (t, i) =>
      t.normal === 'why' &&
      (i === 0 || all[i - 1]!.pos === 'PUNCT') &&
      all[i + 1]?.pos === 'VERB' &&
      all[i + 1]!.normal === all[i + 1]!.lemma &&
      all.slice(i + 2, i + 5).some((u) => /^(?:a|an|another|whole)$/.test(u.normal)),
  );
}

/** A rule in a policy's words: "rule of thumb", "our policy", "the convention", "a house rule". */
const POLICY = /\b(?:rule of thumb|policy|convention|house rule)\b/i;

/**
 * A rule by its shape beyond the plain imperative (see the module comment): an action barred
 * ({@link barredAction}), what the person never wants to see, an imperative clause in a sentence with a
 * cue of generality ("next time a test fails, find out why"), a general statement then "so" and an
 * order ("every new dependency is a risk, so ask me first"), or an order contrasted with what it
 * replaces ({@link contrastOrder}).
 */
function shapedRule(
  s: Sentence,
  parts: Token[][],
  text: string,
  afterAgent: boolean,
  general: boolean,
): 'rule' | 'correction' | null {
  const ws = words(firstWords(s));
  if (barredAction(ws) || DUMMY_BARRED.test(text) || STATED_POLICY.test(text)) return 'rule';
  if (unwanted(text)) return 'rule';
  if (afterAgent && NOT_ASKED.test(text) && contentTokens(text).length >= 3) return 'correction';
  if (afterAgent && leftUndone(ws) && !obligation(text) && contentTokens(text).length >= 3)
    return 'correction';
  // "you left debug logs everywhere again": what the agent did, once more
  if (afterAgent && againDone(ws, text)) return 'correction';
  if (general && timedOrder(parts, text, s.text.trim())) return 'rule';
  // "complete the commit, always verify and run hooks": a clause ordering with "always" itself
  if (parts.some((c, i) => i > 0 && leadless(c)[0]?.normal === 'always' && imperative(leadless(c), text)))
    return 'rule';
  if (reasonBefore(parts, text) !== null) return 'rule';
  if (statementThenOrder(text)) return 'rule';
  return contrastOrder(parts, text, s.text.trim(), afterAgent);
}

/** A time frame of every next case, opening a clause. */
const TIME_FRAME =
  /^(?:next time|every ?time|each time|any ?time|whenever|from now on|going forward|in (?:the )?future)\b/i;

/**
 * A time frame of any next case, then an order: "next time a test fails, find out why", "from now on,
 * ask first" — the clause before the imperative opens with a condition word or a cue of generality of
 * time; never about the speaker ("It always reminds me to take a break" is no order).
 */
function timedOrder(parts: Token[][], text: string, raw: string): boolean {
  if (FIRST_PERSON.test(text)) return false;
  return parts.some((c, i) => {
    const order = leadless(c);
    if (i === 0 || !imperative(order, text) || REPORT.test(order[0]!.lemma)) return false;
    // the lead-in words are cut from the clauses: a sentence opening with a time cue frames clause 1
    if (i === 1 && TIME_FRAME.test(raw.replace(INTERJECTION, ''))) return true;
    const frame = words(parts[i - 1]!)
      .map((t) => t.normal)
      .join(' ');
    return CONDITION.test(frame.split(' ')[0] ?? '') || TIME_FRAME.test(frame) || POLICY.test(frame);
  });
}

/**
 * A general statement, then ", so" and an order: "every new dependency is a security risk, so ask me
 * first" — the first clause's subject a kind (a bare plural, or every/each/any/all and a noun) and its
 * verb in the present. Returns the statement (the reason), or null.
 */
function reasonBefore(parts: Token[][], text: string): string | null {
  const at = parts.findIndex((c, i) => i > 0 && /^so$/i.test(words(c)[0]?.normal ?? ''));
  if (at !== 1) return null;
  const order = leadless(parts[1]!);
  if (!imperative(order, text) || REPORT.test(order[0]!.lemma)) return null;
  const first = words(parts[0]!);
  const universal = /^(?:every|each|any|all)$/.test(first[0]?.normal ?? '');
  const kind = universal || kindAt(first, 0);
  const present = first.some(
    (t) =>
      /^(?:is|are)$/.test(t.normal) || (t.pos === 'VERB' && /[^s]s$/.test(t.normal) && t.normal !== t.lemma),
  );
  if (!kind || !present || first.some((t) => t.normal.endsWith('ing') && t.pos === 'VERB')) return null;
  return first.map((t) => t.text).join(' ');
}

/**
 * A general statement about a kind, then an order in a later clause of the same sentence: "loops with a
 * query in them kill performance, load everything in one query" (see {@link genericStatement}); the
 * order may point back at the kind ("…, don't do it"), never at one thing of this task named anew.
 */
function statementThenOrder(text: string): boolean {
  // (the order after a comma or semicolon: "… and make dancing more fun" continues the statement)
  const [head, ...rest] = text.split(/\s*[,;]\s*/);
  const first = analyse(head ?? '')[0];
  // a harm stated, not a pleasure ("Challenges will come, but believe in yourself" encourages)
  if (rest.length === 0 || !first || first.sentiment >= 0 || !genericStatement(first)) return false;
  return rest.some((c) => {
    const order = leadless(analyse(c)[0]?.tokens ?? []);
    if (order.length === 0 || REPORT.test(order[0]!.lemma)) return false;
    const backToKind = order.some((t) => /^(?:it|them)$/.test(t.normal)) && order.length <= 4;
    if (negatedImperative(order)) return backToKind || !pointsAtOne(order);
    return imperative(order, c) && !pointsAtOne(order);
  });
}

/**
 * An order set against what it replaces: an imperative, then ", not …" naming a kind on either side
 * ("keep your summaries in chat, not in files"); or, right after the agent acted, "no …" naming what it
 * did, then an order "… instead" ("no --force, rebase instead").
 */
function contrastOrder(
  parts: Token[][],
  text: string,
  text0: string,
  afterAgent: boolean,
): 'rule' | 'correction' | null {
  const [first, ...rest] = parts.map(leadless);
  if (!first || rest.length === 0) return null;
  const not = rest.findIndex((c) => /^(?:not|never)$/.test(c[0]?.normal ?? ''));
  if (imperative(first, text) && not >= 0) {
    const kinds = [first, rest[not]!].some((c) => c.some((_, i) => kindAt(c, i)));
    if (kinds && !pointsAtOne(first)) return 'rule';
    // "fix the source, not the generated output": what the agent touched, described, set against the order
    // ("…, not sure why it is not working" is a doubt, not what the agent touched: no verb of its own)
    const touched = rest[not]!.every((t) => t.pos !== 'AUX' && !(t.pos === 'VERB' && !/ed$/.test(t.normal)));
    if (
      afterAgent &&
      touched &&
      substantive(rest[not]!) >= 2 &&
      !/^not (?:sure|certain)\b/i.test(leadlessText(rest[not]!))
    )
      return 'correction';
  }
  // "no" opening the sentence and naming something ("pls no --force"; not "no, …"); read on the words
  // as written, since "no" is a lead-in the clauses are cut without
  const refused = /^(?:(?:pls|plz|please|ok(?:ay)?|so|and|but)\b[\s,]*)*no\s+[^\s,.!?;]/i.test(text0);
  const instead = rest.some((c) => imperative(c, text) && c.at(-1)?.normal === 'instead');
  return afterAgent && refused && instead ? 'correction' : null;
}

/** Code named in prose: a file name or path, a code identifier, a span in backticks. */
const CODE_NAMED = new RegExp(
  `\`[^\`]+\`|${FILE_NAME.source}|(?<![\\w/])(?:[\\w.-]+/)+[\\w.-]*[\\w-]|${CODE_IDENTIFIER.source}`,
  'g',
);

/**
 * A statement about code named by its name ("console.log in committed code is not acceptable", "hand
 * edits in src/generated get lost, don't make them"): read with the names as the word "code", it is a
 * rule when it is a statement (barred, a norm, a kind that must …), never when a clause of it is an order
 * ("don't edit package.json", "use the logger, not console.log" act on the thing named: this task's).
 * Null when names of other kinds (numbers, versions, ids, places) remain.
 */
function codeStatement(text: string, afterAgent: boolean): 'rule' | 'correction' | null {
  const coded = text.replace(CODE_NAMED, 'code');
  // ("you should edit 03_Projects.xlsx!", "You are not allowed to access 'x.wizard' records": to the agent
  // about this task's file, or a pasted error)
  if (/\byou\b/i.test(text)) return null;
  if (coded === text || SPECIFIC.test(coded) || CODE_IDENTIFIER.test(coded) || NAME_INSIDE.test(coded))
    return null;
  const s = analyse(coded)[0];
  if (!s) return null;
  // (no order in any clause: "if we can get a language, add it to `platform_text`" is this task's)
  const orders = clauses(firstWords(s)).map(leadless);
  if (orders.some((c) => c.length > 0 && (imperative(c, coded) || negatedImperative(c)))) return null;
  const k = classify(s, afterAgent);
  return k === 'rule' || k === 'correction' ? k : null;
}

/**
 * Where a sentence turns to a second statement: a comma or semicolon, then "but", "also", "and also",
 * "oh and", "btw", "so" ("works now, but next time ask before you delete anything"; "everything to main
 * goes through review, so please create a branch next time").
 */
const TURN = /[,;]\s*(?:but|also|and also|oh and|and btw|btw|plus|so)\s+(?=\S)/gi;

/**
 * {@link classify}, and when the sentence as a whole is no rule, the statement after a turn in it
 * ({@link TURN}) read on its own: a rule embedded after a status or a thank-you ("looks good, but dont
 * ever edit the lockfile by hand") — only when that statement carries a cue of generality, so an order
 * for now after "but" stays an instruction.
 */
function classifyWithTail(s: Sentence, afterAgent: boolean): Kind {
  const k = classify(s, afterAgent);
  if (k === 'rule' || k === 'correction') return k;
  for (const m of s.text.matchAll(TURN)) {
    const tail = s.text.slice(m.index + m[0].length);
    // (a question after the turn asks: "…, also in general how change the padding")
    // (nor a tail longer than a rule is: a run-on, dictated paragraph specifying this task)
    if (
      !saysGenerally(tail) ||
      tail.split(/\s+/).length > MAX_RULE_WORDS ||
      ASKING.test(tail) ||
      /^(?:\S+\s+){0,3}?(?:how|what|which|where)\b/i.test(tail)
    )
      continue;
    const t = analyse(tail)[0];
    if (t && classify(t, afterAgent) === 'rule') return 'rule';
  }
  return k;
}

/** "no" as a determiner, then a noun phrase (not "no, …" nor "no need to …"), after any label. */
const NO_KIND =
  /^(?:[^:]{3,30}:\s+)?no (?!(?:need|way|idea|problem|worries|thanks|rush|longer|more)\b)[a-z*.`'-]/i;

/**
 * "No console.* calls in committed code.", "in general: no separate summary docs in the repo, they go
 * stale": "no" as a determiner before a plural noun, with no verb before the first comma — a kind of
 * thing barred. A rule when it is said generally (the sentence or its label) or with a reason after the
 * comma or a "because"; otherwise undefined, and {@link classify} reads on ("No errors in the build" is a
 * report, "no" is then a lead-in).
 */
function noKind(s: Sentence): Kind | undefined {
  const raw = s.text.trim().replace(/[‘’]/g, "'");
  if (!NO_KIND.test(raw) || QUESTION.test(raw)) return undefined;
  const head = raw.split(/[,;]|\s[-–—]\s/)[0]!;
  const from = raw.toLowerCase().indexOf('no ', head.indexOf(':') + 1);
  const phrase = analyse(head.slice(from + 3))[0];
  if (!phrase) return undefined;
  const ws = words(phrase.tokens);
  if (ws.some((t) => t.pos === 'AUX' || (t.pos === 'VERB' && !/(?:ed|ing)$/.test(t.normal))))
    return undefined;
  if (!ws.some((t) => plural(t) || /\*/.test(t.text))) return undefined;
  // (a reason after the comma says what the things do: "…, they go stale", "…, nobody reads them")
  const reasoned = /^\W*(?:they|these|those|nobody|no one|everyone|it)\s+(?!\w+ing\b)\w+/i.test(
    raw.slice(head.length),
  );
  return saysGenerally(raw) || reasoned || reasonIn(raw) !== null ? 'rule' : undefined;
}

/** What one sentence is, as feedback; `directive` and `imperative` only complete a rule or a correction. */
/** A sentence's kind: a standing rule, a correction of what the agent did, a one-off order, a need, or none. */
type Kind = 'rule' | 'correction' | 'imperative' | 'directive' | null;

/** What the steps of {@link classify} read: the sentence, its text, and whether it answers the agent. */
interface Reading {
  s: Sentence;
  /** The sentence without its lead-in, typographic apostrophes as plain ones. */
  text: string;
  afterAgent: boolean;
  all: ReturnType<typeof firstWords>;
  ws: ReturnType<typeof words>;
  /** True when the sentence objects to what the agent did (see `objecting`). */
  objection: boolean;
  /** True when the sentence holds a cue of generality ({@link GENERALITY}: always, from now on, …). */
  general: boolean;
}

function classify(s: Sentence, afterAgent: boolean): Kind {
  // typographic apostrophes ("can’t") read as plain ones
  const text = strip(s.text).replace(/[‘’]/g, "'");
  const barred = noKind(s);
  if (barred !== undefined) return barred;
  const opening = openingKind(s, text, afterAgent);
  if (opening !== undefined) return opening;
  const all = firstWords(s);
  const ws = words(all);
  const r: Reading = {
    s,
    text,
    afterAgent,
    all,
    ws,
    objection: objecting(text, ws, all),
    // ("always use the test key for the demo tomorrow": for one day, however it says "always")
    general: saysGenerally(s.text) && !namesOneDay(s.text),
  };
  const asked = requestKind(r);
  if (asked !== undefined) return asked;
  const parts = clauses(all);
  const scoped = scopeKind(r, parts);
  if (scoped !== undefined) return scoped;
  return statementKind(r, parts);
}

/**
 * The kinds decided before the sentence's words are read: an inference about someone's experience, mocked
 * disproportion, what a rule's label introduces, too short or long, the speaker's own case or a proposal,
 * "I'd rather …". Undefined when none applies.
 */
function openingKind(s: Sentence, text: string, afterAgent: boolean): Kind | undefined {
  // "That must have been tough", "… must be so cool": an inference about someone's experience
  if (EPISTEMIC_MUST.test(text)) return null;
  // "Sure, let's pull in a whole library for one function": disproportion mocked, whatever the form
  if (afterAgent && DISPROPORTION.test(text) && !QUESTION.test(text)) return 'correction';
  // "Just a heads-up for the future: we don't force-push shared branches", "I'd prefer small diffs: please
  // don't reformat …": a short label, then the statement, read on its own (general if the label is)
  // "our convention: comments only for non-obvious reasons, …": what a label naming a rule introduces
  // is that rule, whatever its form (the label itself is a lead-in `strip` cut)
  const fromLabel = labelledKind(s, text, afterAgent);
  if (fromLabel !== null) return fromLabel;
  // ("i dont want console log in the code, never": what the speaker never wants from the agent's work)
  const neverWanted = /^I (?:really )?(?:don'?t|dont|do not|never) want\b/i.test(text) && saysGenerally(text);
  if (
    text.length < 8 ||
    text.length > MAX_SENTENCE_CHARS ||
    (OWN_CASE.test(text) && !neverWanted) ||
    PROPOSAL.test(text)
  )
    return null;
  if (neverWanted && contentTokens(text).length >= 3) return 'rule';
  // "Reply in Chinese.": the language of every answer, for good
  if (ordersReplyLanguage(s.text)) return 'rule';
  // "ik that we will …", "afaik the job runs nightly": the speaker's own knowledge, as "I know …" is
  if (/^(?:ik|idk|iirc|afaik|afaict)\b/i.test(text)) return null;
  // "The problem with the IDE's folders is you have to manage them": what a thing makes anyone do
  if (/^the (?:problem|issue|trouble|downside|catch) with\b/i.test(text)) return null;
  // "Never have seen that one before on …": the speaker's experience in the perfect, not an order
  // ("never have the bot push to main" orders: what follows "have" is no past participle)
  const first = firstWords(s);
  if (neverPerfect(first) || neverHappened(first)) return null;
  // "Currently, the config isn't a flake, but …": a description of how things are now, not an order
  // (unless it says how to work: "currently we never …", "right now, don't …")
  if (
    CURRENT_STATE.test(s.text) &&
    !saysGenerally(text) &&
    !/\b(?:don'?t|do not|stop|should|must)\b/i.test(text)
  )
    return null;
  // "I'd rather see a red build than a skipped test": how the person wants the work done
  if (/^I(?:'d| would) rather\b/i.test(text) && contentTokens(text).length >= 3) return 'rule';
  return undefined;
}

/** "Never have seen …", "never has worked": "never", then "have/has/had" and a past participle. */
function neverPerfect(all: Token[]): boolean {
  const ws = words(all);
  const participle = ws[2];
  return (
    ws[0]?.normal === 'never' &&
    /^(?:have|has|had|'ve)$/.test(ws[1]?.normal ?? '') &&
    participle?.pos === 'VERB' &&
    participle.normal !== participle.lemma &&
    !participle.normal.endsWith('ing')
  );
}

/**
 * "updateTargets was never called when I closed the modal": a thing (not the agent) that never underwent
 * something, in the past passive — a bug report. (What the agent never did, "you never ran the tests", is
 * read on as a correction.)
 */
function neverHappened(all: Token[]): boolean {
  const ws = words(all);
  const at = ws.findIndex((t) => t.normal === 'never');
  const participle = ws[at + 1];
  return (
    at >= 2 &&
    /^(?:was|were)$/.test(ws[at - 1]!.normal) &&
    !/^(?:you|i|we)$/.test(ws[0]!.normal) &&
    participle?.pos === 'VERB' &&
    participle.normal !== participle.lemma &&
    !participle.normal.endsWith('ing')
  );
}

/**
 * Requests and questions: a polite request made general ("could you check with me before … in future"),
 * a polite "please don't", and a question that neither objects nor asserts (no rule). Undefined otherwise.
 */
function requestKind(r: Reading): Kind | undefined {
  const { s, text, ws, objection } = r;
  // "Could you check with me before any destructive command in future?", "I'd prefer you ask before …
  // from now on": a request to the agent, made general by a cue or a condition about any case
  // ("could you check if there's any way …" asks about this case: an "if" is no time frame)
  // (nor does naming a policy: "could you honor the policy?" asks for this case)
  // (a condition of any case only for a request to check with the person: "… ask me before any …")
  if (
    REQUEST.test(text) &&
    // ("can you save … so next time i run claude …": the speaker's own next steps make it this task's)
    !/\bi\b(?!'d| would| really)/i.test(
      text.replace(/^I(?:'d| would)? (?:prefer|want|like|need|appreciate)\b/i, ''),
    ) &&
    (saysGenerally(s.text.replace(POLICY, '')) || (BEFORE_ANY.test(text) && /\bme\b/i.test(text)))
  )
    return 'rule';
  if (POLITE_NOT.test(text)) {
    const kind = ws.some((_, i) => i > 2 && kindAt(ws, i));
    return kind || saysGenerally(text) ? 'rule' : 'imperative';
  }
  // a tag question ("…, right?") asserts what comes before it
  const tagged = /,\s*(?:right|ok(?:ay)?|yes|isn'?t it|don'?t we|aren'?t we)\s*\?\s*$/i.test(text);
  if (QUESTION.test(text) && !objection && !tagged) return null;
  return undefined;
}

/**
 * What narrows a sentence to one case: what was asked against what was done, one case's identifiers, a
 * long run-on request, named code or files, "for now", "now …", a report of what happens to the speaker.
 * Undefined when the sentence is not narrowed.
 */
function scopeKind(r: Reading, parts: ReturnType<typeof clauses>): Kind | undefined {
  const { s, text, afterAgent, ws, objection, general } = r;
  // one case's identifiers (an order id, an e-mail address) make it that case, whatever words surround them
  // "I asked for one test fix, not a 41-file diff": what was asked against what the agent did
  if (afterAgent && ASKED_NOT.test(text)) return 'correction';
  if (CASE_IDENTIFIER.test(text) || REDACTED.test(text)) return null;
  // a long run-on request without a cue of generality is this task's specification ("look for the task
  // with notes … and see why … maybe I need another field …"), however it is phrased
  if (!general && ws.length > MAX_RULE_WORDS) return null;
  // (twice that, a cue of generality inside is one of the task's conditions: a dictated paragraph)
  if (ws.length > 2 * MAX_RULE_WORDS) return null;
  // specifics said after a colon are examples of a general statement ("Tests live next to the code: a.test.ts …")
  // (and a reason names what it explains by, not which case: "don't edit the locale files, because
  // they're synced from Crowdin")
  // (a cause only: a purpose, "so they use OpenAI only, and fix the DVLA regressions listed below", is
  // this task's aim and may run on into more of the task)
  const why = reasonIn(text);
  const cause = why !== null && /^(?:because|since|otherwise|as otherwise)\b/i.test(why);
  const head = /^(.{12,}?):\s/.exec(text)?.[1] ?? (cause ? text.slice(0, text.lastIndexOf(why)) : text);
  // an objection right after the agent acted names the file it made or touched ("why is there a
  // CHANGES_SUMMARY.md now?"): that file is what it objects to, not one case of a task
  // (and counts of what it touched: "why did you touch 41 files …?"; not a line or an id: "line 42")
  const named =
    afterAgent && objection ? head.replace(FILE_NAME, 'the file').replace(COUNTED, 'many $1') : head;
  // (examples after "like" or "such as" name a kind by its instances: "documents like CHANGES_SUMMARY.md")
  const ofKind = named
    .replace(KIND_OF_CODE, 'code $1')
    .replace(/\b(?:like|such as|e\.g\.,?)\s+\S+/gi, 'like those')
    // ("CHANGES_SUMMARY.md type files": a name standing for a kind)
    .replace(/\S+[-\s](?:style|type|kind|ish)\b/gi, 'such');
  if ((SPECIFIC.test(ofKind) || CODE_IDENTIFIER.test(ofKind) || NAME_INSIDE.test(ofKind)) && !general)
    return codeStatement(ofKind, afterAgent);
  // "don't push yet", "skip the lint step this time": an order for this task only
  if (FOR_NOW.test(text) && !general) return imperative(ws, text) || orders(parts) >= 0 ? 'imperative' : null;
  // ("great, so now we just delete whatever fails" is sarcasm, no order)
  if (NOW_LED.test(s.text) && !general && (imperative(ws, text) || negatedImperative(ws)))
    return 'imperative';
  // "whenever I'm using the export button, I get an error": what happens to the speaker, a bug report
  if (reportsExperience(parts)) return null;
  return undefined;
}

/** The sentence's form: an order, an obligation, the team's practice, a verdict, a prohibition, an objection. */
function statementKind(r: Reading, parts: ReturnType<typeof clauses>): Kind {
  const { s, text, afterAgent, all, ws, objection, general } = r;
  // "you know we …": what the person reminds the agent of starts after the lead-in
  const told = /^you know(?: that)?$/i.test(
    ws
      .slice(0, 2)
      .map((t) => t.normal)
      .join(' '),
  )
    ? 2
    : 0;
  const at = orders(parts);
  const sure = /^(?:make|be) sure\b/i.test(text);
  // "we fix failing tests, we don't skip them": the team's way in a later clause too
  // (a later clause only when it bars the practice: "…, we usually play fetch" tells a habit)
  const practised =
    convention(ws.slice(told)) ||
    (!FIRST_PERSON.test(text) &&
      parts
        .slice(1)
        .some((c) => /^we (?:never|don'?t|do not)\b/i.test(leadlessText(c)) && convention(leadless(c))));
  if (asksFirst(ws, text)) return 'rule';
  if (at >= 0 || sure || obligation(text) || practised) return orderKind(text, all, parts, at, sure, general);
  // ("adding the flag didn't work" reports; "… is cheating, because the bug is still there" judges)
  if ((afterAgent || general) && !STATUS_REPORT.test(text.replace(REASON, '')) && gerundVerdict(s, ws, text))
    return afterAgent ? 'correction' : 'rule';
  const shaped = shapedRule(s, parts, text, afterAgent, general);
  if (shaped) return shaped;
  const scope = scoped(parts, strip(s.text));
  if (scope && (imperative(scope, text) || negatedImperative(scope))) return 'rule';
  const ordered = imperative(ws, text);
  // (an order on this task's one thing whose reason is about now stays an instruction: "recreate the
  // weekly dashboard as this is not working now", "use this backup, … because we already have progress")
  const reason = reasonIn(text);
  // (so is an order whose reason is a state in progress: "… improve the page speed, as it is badly
  // underperforming"; a rule's reason holds of a kind, in the simple present: "… as reviews get harder")
  // (and so is an order whose purpose is what this task's things are to do: "update them so they match
  // the new schema", "refactor the loader so that it can stream big files")
  const ofNow =
    reason !== null &&
    (((pointsAtOne(ws) || objectIsOne(ws.slice(1))) && EPISODIC.test(reason)) ||
      IN_PROGRESS.test(reason) ||
      taskAim(reason, all));
  // (an order to report, "look and summarize the % success so we can be efficient", asks for now,
  // whatever its purpose)
  if (ordered && (general || ((reason !== null || kindReason(s)) && !ofNow && !reportOrder(ws))))
    return 'rule';
  if (norm(ws, text, general) || kindBarred(ws) || gerundNeeds(ws) || kindModal(ws, text)) return 'rule';
  if (ordered && replacesPractice(ws)) return 'rule';
  if (kindDenied(ws)) return afterAgent ? 'correction' : 'rule';
  if (genericCondition(all, text)) return 'rule';
  if (habitual(ws, text, general)) return 'rule';
  // "If a test fails, the answer is never it.skip": what holds in any such case, for good
  if (anyCase(all) && /\b(?:never|always)\b/i.test(text) && !FIRST_PERSON.test(text)) return 'rule';
  if ((afterAgent || general) && (prohibition(s) || laterProhibition(parts))) return 'rule';
  // (nor a verdict limited to this case or this moment: "that's overkill for this page", "too many
  // borders now"; sarcasm and an objecting question may say either: "great, so now we just delete …")
  // (nor in an objecting question: "did we really need a whole new dependency for this?")
  const limited =
    !QUESTION.test(text) && (FOR_NOW.test(text) || THIS_CASE.test(text) || /\bnow\b(?! on\b)/i.test(text));
  if (
    afterAgent &&
    !stillFailing(text) &&
    !COUNTED_STATE.test(text) &&
    (objection || sarcasm(s) || (criticism(s, text) && !(limited && !general))) &&
    // an objecting question says what it objects to in a word ("You skipped it?")
    (reasonIn(text) || contentTokens(text).length >= (objection ? 1 : MIN_CORRECTION_TERMS)) &&
    // and it names something of the work, not only a verdict ("your approach failed", "you make too
    // many mistakes")
    // ("way too clever.": excess with its subject left out judges what the agent just made)
    (objection || ELLIPTIC_EXCESS.test(text) || namesSomething(text))
  )
    return 'correction';
  if (ordered) return 'imperative';
  return NEED.test(text) ? 'directive' : null;
}

/**
 * Where a team's practice holds, opening the sentence before its "we" ("In this repo we don't add new
 * files for …", "On this team, we …", "Here we …"): cut before the practice is read.
 */
const LEADING_SCOPE =
  /^(?:(?:in|on|at|for|across|within) (?:this|our|the) (?:repo|repository|project|codebase|monorepo|team|company|org(?:anization)?|service|app|workspace|package)|here)\b,?\s+(?=we\b)/i;

/**
 * A way of working stated without an order's form (issue 15: negations and stern statements):
 * - a team's practice after a place ("In this repo we don't add new files …": {@link LEADING_SCOPE});
 * - what the agent never does, said as a fact of its job ("you never read .env.production", "You don't
 *   delete tests without asking me", "you do not touch prod, ever"): "you", then "never" or a negation,
 *   then a verb of action in its base form (not one of knowing or needing: "you don't need to", "you
 *   never know"), negated with "never", a cue of generality or "without" (what it may not do unasked);
 * - a kind of thing barred for good: an indefinite or bare noun phrase, a file name included, then
 *   "should/must never" and a verb ("a package-lock.json should never show up in this repo").
 * Never a question (an objection is read elsewhere).
 * @param ws the sentence's words after its lead-in; `text` the sentence as `classify` reads it.
 */
function habitual(ws: Token[], text: string, general: boolean): boolean {
  if (QUESTION.test(text)) return false;
  const scope = LEADING_SCOPE.exec(text);
  if (scope) {
    const rest = analyse(text.slice(scope[0].length))[0];
    if (rest && convention(words(rest.tokens))) return true;
  }
  if (ws[0]?.normal === 'you') {
    const never = ws[1]?.normal === 'never';
    const negated = ws[1]?.lemma === 'do' && /^(?:not|n't)$/.test(ws[2]?.normal ?? '');
    const verb = ws[never ? 2 : 3];
    if (
      (never || (negated && (general || /\bwithout\b/i.test(text)))) &&
      verb !== undefined &&
      // (after "do not" the light model tags some verbs ADJ: "you do not *open* …")
      (negated ? ['VERB', 'NOUN', 'ADJ'] : ['VERB', 'NOUN']).includes(verb.pos) &&
      verb.normal === verb.lemma &&
      !STATIVE.test(verb.lemma) &&
      !KNOWING.test(verb.lemma)
    )
      return true;
  }
  return barredForGood(ws);
}

/**
 * What the agent may do only with the person's say, named in an order not to: "without asking me
 * (first)", "without checking with me", "without discussing it", "without my ok / approval / review".
 */
const ASK_FIRST =
  /\bwithout (?:(?:first )?(?:asking|checking with|consulting|telling|talking to|clearing it with|discussing (?:it |this )?with) (?:me|us|the team)\b|(?:first )?asking\b|discussing it\b|(?:my|our|the team's) (?:ok|okay|approval|sign-?off|go-?ahead|review)\b|(?:an? )?(?:explicit )?approval\b)/i;

/**
 * "Don't change the test runner without asking me first", "don't swap out tooling without discussing
 * it": an order not to, unless the person agrees first — a permission for every next time, whatever it
 * names. Not when its object points at one thing of now ("don't merge this without my review").
 */
function asksFirst(ws: Token[], text: string): boolean {
  if (!ASK_FIRST.test(text) || !negatedImperative(ws)) return false;
  const verb = ws.findIndex((t, i) => i > 0 && ['VERB', 'NOUN', 'ADJ'].includes(t.pos) && t.normal !== 'not');
  const upTo = ws.findIndex((t) => t.normal === 'without');
  const object = ws.slice(verb + 1, upTo).find((t) => ['DET', 'PRON', 'NOUN', 'PROPN'].includes(t.pos));
  return !/^(?:this|that|it|these|those)$/.test(object?.normal ?? '');
}

/** "a package-lock.json should never show up …", "lockfiles must never be …": a kind of thing barred for good. */
function barredForGood(ws: Token[]): boolean {
  const modal = ws.findIndex((t, i) => i >= 1 && i <= 8 && /^(?:should|must)$/.test(t.normal));
  if (modal < 1 || ws[modal + 1]?.normal !== 'never') return false;
  const subject = ws.slice(0, modal);
  // an indefinite or a bare noun phrase names a kind; "the X", "it", "this" name one thing
  if (
    !/^(?:a|an|any|no)$/.test(subject[0]!.normal) &&
    !['NOUN', 'ADJ', 'PROPN', 'X'].includes(subject[0]!.pos)
  )
    return false;
  // (the light model tags parts of a compound VERB: "package-*lock*.json")
  return (
    subject.slice(1).every((t) => !['PRON', 'AUX', 'ADP', 'SCONJ', 'CCONJ', 'PART', 'DET'].includes(t.pos)) &&
    ws[modal + 2] !== undefined &&
    ['VERB', 'AUX'].includes(ws[modal + 2]!.pos)
  );
}

/**
 * What a sentence opening with a label is ({@link classify}'s first reading): a label naming a rule
 * (`RULE_LABEL`: "our convention: …", "Just a heads-up for the future: …"), or a short label (at most 7
 * words) before a statement read on its own. Null when the label decides nothing.
 * @param text the sentence as {@link classify} reads it (lead-in cut, plain apostrophes).
 */
function labelledKind(s: Sentence, text: string, afterAgent: boolean): 'rule' | 'correction' | null {
  const policy = RULE_LABEL.exec(s.text.trim());
  if (policy && contentTokens(policy[1]!).length >= 3 && !QUESTION.test(s.text)) return 'rule';
  const labelled = LABEL.exec(text);
  if (!labelled || labelled[1]!.split(/\s+/).length > 7) return null;
  const rest = analyse(labelled[2]!)[0];
  const k = rest ? classify(rest, afterAgent) : null;
  if (k === 'rule' || k === 'correction') return k;
  if (k === 'imperative' && saysGenerally(labelled[1]!)) return 'rule';
  // ("our rule for agents: …": a label naming a rule, with words of its own)
  if (
    /^(?:our|team|house)\b.*\b(?:rule|policy|convention|norm)s?\b/i.test(labelled[1]!) &&
    contentTokens(labelled[2]!).length >= 3
  )
    return 'rule';
  return null;
}

/**
 * True when a sentence objects to what was done, as a question ("why did you …?", "You skipped it?",
 * "how do you know it works if you didn't run the tests?").
 * @param text the sentence as {@link classify} reads it; `ws` its words; `all` its first words' tokens.
 */
function objecting(text: string, ws: Token[], all: Token[]): boolean {
  return (
    OBJECTING_QUESTION.test(text) ||
    auxObjection(ws, text) ||
    passiveWhy(ws) ||
    verblessWhy(ws, text) ||
    whyBare(all) ||
    // "how do you know it works if you didn't run the tests?": what the agent left undone, asked back
    // (a "how/why" question: "do you know if you didn't save it?" asks)
    (QUESTION.test(text) &&
      /^(?:how|why)$/.test(ws[0]?.normal ?? '') &&
      ws.some((t, i) => i > 0 && t.normal === 'you' && leftUndone(ws.slice(i))) &&
      // what was left undone is named ("…if you didn't change anything?" wonders, it names nothing)
      !/\b(?:anything|nothing)\s*\?\s*$/i.test(text))
  );
}

/**
 * An order, a "make sure", an obligation or a practice ({@link classify}): a rule, unless it is an
 * instruction for this task's things only (`imperative`).
 * @param at the index of the clause in `parts` that orders (-1 for none); `sure` a "make/be sure".
 */
function orderKind(
  text: string,
  all: Token[],
  parts: Token[][],
  at: number,
  sure: boolean,
  general: boolean,
): 'rule' | 'imperative' {
  const ws = words(all);
  // "don't replace the tree cache", "make sure they exist": this task's things, an instruction for now
  const reason = reasonIn(text);
  const forNow =
    (at >= 0 || sure) &&
    !general &&
    (reason === null || IN_PROGRESS.test(reason)) &&
    !anyCase(all) &&
    !stopsHabit(at >= 0 ? leadless(parts[at]!) : ws) &&
    // "don't do that again": never again
    !(at >= 0 && /\bagain\b/i.test(text)) &&
    // "don't mock the db, the integration tests need the real thing": a reason beside the order
    !parts.some((c, i) => i !== at && weighs(words(c)));
  // "make sure gitleaks is set to max strict": a check of this task, unless it names a kind
  // ("make sure no console.log calls are left": a kind after "no")
  const kindFrom = ws[2]?.normal === 'no' ? 3 : 2;
  if (sure && at < 0 && forNow && !kindAt(ws, kindFrom)) return 'imperative';
  const clause = at >= 0 ? leadless(parts[at]!) : words(parts[0] ?? []);
  // "don't miss anything", "don't make mistakes": a call to be thorough, naming nothing of the work
  if (forNow && at >= 0 && exhortation(clause)) return 'imperative';
  return forNow && pointsAtOne(clause) && !kindBefore(parts, at) ? 'imperative' : 'rule';
}

/** Verbs of an oversight (as lemmas): "miss", "forget", "overlook", "skip", "make" (a mistake), "mess up". */
const OVERSIGHT = /^(?:miss|forget|overlook|skip|make|mess|leave|break|screw)$/;

/** What an exhortation's verb may take: nothing named ("anything", "a single thing", "mistakes", "up"). */
const NOTHING_NAMED =
  /^(?:any|anything|everything|something|a|single|thing|things|mistake|mistakes|error|errors|out|up|again|here|this|time|please)$/;

/**
 * True for a negated order whose verb is an oversight and whose object names nothing of the work ("Don't
 * miss anything", "don't make any mistakes", "never forget anything"): it asks for care, it states no rule.
 * @param clause the ordering clause's words after its lead-ins ({@link leadless}).
 */
function exhortation(clause: Token[]): boolean {
  const verb = clause.findIndex(
    (t, i) => i > 0 && t.pos !== 'PART' && !/^(?:do|not|n't|never|ever)$/.test(t.normal),
  );
  const rest = clause.slice(verb + 1).filter((t) => t.pos !== 'PUNCT');
  return (
    verb > 0 &&
    OVERSIGHT.test(clause[verb]!.lemma) &&
    rest.length > 0 &&
    rest.every((t) => NOTHING_NAMED.test(t.normal))
  );
}

/**
 * The feedback statements of one message of a person; a statement in another language (see `isForeign`
 * in `language.ts`) is not read with English cue words but with `foreign-feedback.ts`'s narrower rule
 * (standing rules only, no corrections).
 * @param afterAgent true when the agent acted (spoke or called a tool) since the person's last message,
 *   so that criticism can only be a correction of something the agent did.
 */
export function extractFeedback(message: string, afterAgent: boolean): FeedbackStatement[] {
  // a turn labelled with its speaker ("Audrey: …", several people in one transcript): the words only
  const speaker = speakerLabel(message);
  const said = speaker ? message.slice(message.indexOf(':') + 1) : message;
  const original = said.replace(/```[\s\S]*?```/g, ' ');
  // read with plain apostrophes ("don’t" as "don't"); quoted as written (same length, same offsets)
  // "No sudo. Ever.": a sentence of one cue of generality belongs to the one before (read as ", ever.")
  const text = original.replace(/[‘’]/g, "'").replace(LONE_EVER, '$1,$2');
  const foreign = extractForeignFeedback(original);
  if (!MAY_HOLD_FEEDBACK.test(text) && !REPLY_LANGUAGE.test(text)) return foreign;
  // people often start a sentence in lower case, which the model then runs into the one before it
  const sentences = text
    // (an emoji ends a sentence too: "… in there 😅 Could you …")
    // (and a command-line flag ends one: "Stop using git add -A. Add paths explicitly.", which the model
    // reads as an initial, "A.")
    .split(
      /(?<=[.!?])\s+(?=[a-z])|(?<=\p{Extended_Pictographic})\s+(?=[A-Z])|(?<=\s--?[A-Za-z][\w-]*[.!?])\s+(?=[A-Z])/u,
    )
    .flatMap((chunk) => analyseSentences(chunk))
    .filter((s) => s.text.trim().length > 0);
  let from = 0;
  const written = sentences.map((s) => {
    const at = text.indexOf(s.text, from);
    if (at < 0) return s.text.trim();
    from = at + s.text.length;
    return original.slice(at, from).trim();
  });
  const kinds = sentences.map((s) => classifyWithTail(s, afterAgent));
  if (afterAgent) markElliptic(sentences, kinds);
  if (afterAgent) markPraiseAfter(sentences, kinds);
  const unneeded = afterAgent ? markUnneeded(sentences, kinds) : new Set<number>();
  markConstraints(sentences, kinds);
  const pointsBack = markAntecedents(sentences, kinds);
  const reasoned = markReasoned(sentences, kinds);
  markNamedRules(sentences, kinds);
  const out: FeedbackStatement[] = [];
  // anger at the agent inside one incident ("don't revert anything, you're still stupid, …"): its
  // orders are for the incident, unless said to hold beyond it
  const vents = ventsAtAgent(text);
  for (let i = 0; i < sentences.length; i++) {
    const k = kinds[i];
    if (k !== 'rule' && k !== 'correction') continue;
    const start = i;
    const parts = [written[i]!];
    /** Sentences joined to an objecting question that state no rule ("the old one was fine"). */
    const ruleless: string[] = [];
    // the reason: a reason clause of a part, or an evaluative sentence beside, in the order said
    const reasons: (string | null)[] = [reasonIn(parts[0]!)];
    // what follows completes it: an imperative or a need ("Don't create separate documents. Put it into
    // the existing one."; "It's a bad idea, since … Performance is crucial. There is a need to track …")
    for (let n = 0; n < 2 && i + 1 < sentences.length; n++) {
      const next = written[i + 1]!;
      // a rule right after a rule or a correction says how to do it instead: one statement; so does the
      // statement right after an objecting question ("You skipped it? The test was right.")
      const elaborates = n === 0 && k === 'correction' && QUESTION.test(parts[0]!) && !QUESTION.test(next);
      if (kinds[i + 1] !== null || elaborates) {
        // (what follows a question states a rule only with a kind of its own or as the team's practice)
        if (kinds[i + 1] === null && !statesPractice(next)) ruleless.push(next);
        parts.push(next);
        reasons.push(reasonIn(next));
      } else if (kinds[i + 1] === null && evaluative(sentences[i + 1]!)) reasons.push(next);
      else break;
      i++;
    }
    const before = sentences[start - 1];
    if (!reasons.some((r) => r !== null) && before && kinds[start - 1] === null && evaluative(before))
      reasons.push(written[start - 1]!);
    if (needsBefore(sentences, kinds, written, start, i) || pointsBack.has(start) || reasoned.has(start))
      parts.unshift(written[start - 1]!);
    if (reasoned.has(start) && !reasons.some((r) => r !== null)) reasons.push(written[start - 1]!);
    // "why do we need the retry wrapper?", "why not just pass the flag?": asking about the work states no
    // rule; the rule must be in the message, not only in the asking
    if (k === 'correction' && asksOnly(parts.filter((p) => !ruleless.includes(p)))) continue;
    if (vents && !holdsBeyondNow(parts.join(' '))) continue;
    const said = parts.join(' ');
    // another language: English cue words would misread it (as preferences and facts leave it alone)
    if (isForeign(said)) continue;
    const why = reasons.filter((w): w is string => Boolean(w)).join(' ') || null;
    if (forNowOnly(parts, why)) continue;
    out.push({
      cue: k,
      text: said,
      why,
      tokens: contentTokens(said),
      ...(unneeded.has(start) ? { needs_change: true as const } : {}),
    });
  }
  // "don't force push — well actually, it's your sandbox branch, so go ahead": taken back in the same
  // message, what was said before the take-back is not feedback
  const back = retractionAt(text);
  return [...foreign, ...(back < 0 ? out : out.filter((f) => original.indexOf(f.text) >= back))];
}

/** Agreement opening a statement: "That's right, your cost model doesn't have to …" explains, it corrects nothing. */
const AGREES = /^(?:\W*)(?:that'?s (?:right|correct|true)|you'?re (?:right|correct)|exactly|correct)\b/i;
/**
 * An order for a piece of thinking or writing to deliver now ("Critique if each candidate method …",
 * "Design a configurable approach so …", "Think hard about how to refactor …", "Summarize the run"): a
 * way of working is ordered with a cue of generality ("always design for …").
 */
const DELIVERABLE =
  /^(?:\W*)(?:(?:please|pls|now|ok(?:ay)?|so|then),? )?(?:critique|design|brainstorm|draft|propose|investigate|research|explore|think (?:hard|deeply|carefully|about|through)|analy[sz]e|summari[sz]e|explain)\b/i;
/** A sentence opening with "now": the next step of this task ("now, we need the assembly code", "ok. now wire …"). */
const NEXT_STEP = /^(?:\W*)(?:(?:ok(?:ay)?|cool|good|great|fine|so|and)[,.!]?\s+)?now\b(?!\s+on\b)/i;
/** A time clause that makes an order a habit ("… before you push", "when a test fails"). */
const ON_OCCASION = /\b(?:before|after|when|whenever|unless|until|once)\b/i;
/** A quantifier or a condition: what follows may be a class of cases, not this one. */
const SCOPED = /\b(?:every|each|any|all|before|after|when|whenever|if|unless|until|once)\b/i;
/** A hedge opening a statement: "maybe you need to …", "This is probably insufficient …", "I guess …". */
const HEDGED =
  /^(?:\W*)(?:maybe|perhaps|probably|possibly|I (?:guess|suppose|think)|it (?:seems|looks like))\b|^\S+(?: \S+){0,3} (?:is|are|was|might|may|could) (?:probably|possibly|perhaps|maybe)\b/i;
/**
 * What the agent left out of this task's output: "You didn't try other uarch tuning.", "you haven't …"
 * (not "you didn't need to …", which says what it did was not needed).
 */
const LEFT_OUT =
  /^(?:\W*)(?:but |and |also )?you (?:(?:didn'?t|did not|haven'?t|have not)(?! (?:need|have) to\b)|forgot to|missed)\b/i;
/** An order put to the agent as its duty: "you need to consider the shapes.", "You must change …". */
const DUTY =
  /^(?:\W*)(?:(?:so|but|and|now|then|also),? )?you (?:need to|have to|must|should|'ve got to|got to|gotta)\b/i;

/**
 * True when a statement says what to do in this task only, with no cue of generality anywhere
 * ({@link GENERALITY}) and no reason: a hedged suggestion ("maybe you need to build the model for riscv"), a
 * short aside in parentheses ("(don't implement)"), what the agent left out ("you didn't mention the tile
 * size"), one bounded by one day ("… lose all our work today", {@link namesOneDay}), a duty of this
 * task ("you have to show the cycle sum of …"), an agreement that explains ("That's right, your cost
 * model …"), a piece of work asked for ("Critique if each candidate …"), or a next step ("… now, we
 * need the assembly code"). Seen on the dev corpus of
 * earlier blind batches' developers (real Claude Code sessions), where each was kept as standing feedback.
 * @param parts the statement's sentences as written; `why` its reason, or null.
 */
function forNowOnly(parts: readonly string[], why: string | null): boolean {
  const said = parts.join(' ').trim();
  // (a cue anywhere, even inside a time clause, or a quantifier or condition that may make a class:
  // "you need to run the linter before every commit", "you must ask when a migration drops a column")
  if (GENERALITY.test(withoutFalseCues(said))) return false;
  // bounded by one day ("I don't want you to lose all our work today", "update the file for today")
  if (namesOneDay(said)) return true;
  // a piece of work asked for ("Critique if each candidate method makes sense …, and list them …"),
  // unless a time clause makes it a habit ("… before you start a feature")
  if (DELIVERABLE.test(parts[0]!.trim()) && !ON_OCCASION.test(said)) return true;
  // the next step ("Did we just get the cycle from plain C? now, we need the assembly code")
  if (parts.some((p) => NEXT_STEP.test(p.trim()))) return true;
  if (SCOPED.test(said)) return false;
  if (HEDGED.test(parts[0]!.trim()) || AGREES.test(parts[0]!.trim())) return true;
  // (a short aside: "(don't touch original code/script, it's used for other dataset)" gives its reason)
  if (/^\([^(),;]*\)[.!]?$/.test(said) && said.split(/\s+/).length <= 6) return true;
  return why === null && parts.length === 1 && (LEFT_OUT.test(said) || DUTY.test(said));
}

/**
 * True when the statement of sentences `start`..`end` (a rule or a correction, {@link extractFeedback})
 * takes the sentence before it along: it is thin and that sentence names what it is about, or it points
 * back to a kind that sentence names.
 * @param written the sentences as the person wrote them (same indices as `sentences` and `kinds`).
 */
function needsBefore(
  sentences: readonly Sentence[],
  kinds: readonly ReturnType<typeof classify>[],
  written: readonly string[],
  start: number,
  end: number,
): boolean {
  const before = sentences[start - 1];
  if (before === undefined) return false;
  // "That's a new dependency. Ask me first next time.": a short rule right after a sentence about what
  // the agent made takes that sentence along (it names what the rule is about)
  // (thin: no noun of its own but general ones — "Ask me first next time.")
  const nouns = sentences
    .slice(start, end + 1)
    // (the first word is the order's verb, which the light model tags NOUN at times: "Check …")
    .flatMap((x) => words(firstWords(x)).slice(1))
    .filter(
      (t) => ['NOUN', 'PROPN'].includes(t.pos) && !/^(?:time|way|thing|one|stuff|first)$/.test(t.lemma),
    );
  const thin =
    kinds[start] === 'rule' &&
    kinds[start - 1] === null &&
    !QUESTION.test(before.text) &&
    contentTokens(written[start - 1]!).length >= 2 &&
    // (what the agent did, named with "you" + a past verb, goes along whatever the rule names itself)
    ((/^(?:that|this|these|those)\b/i.test(strip(before.text)) && nouns.length === 0) ||
      namesAgentAct(before.text));
  // "New packages are my call. Ask me before installing one.": "one", "them" point back to a kind
  // (the sentence before may read as an order: "Nice debug logs." tagged as a verb first)
  const anaphoric =
    (kinds[start - 1] === null || kinds[start - 1] === 'imperative') &&
    !QUESTION.test(before.text) &&
    ((/\b(?:one|them|they)\b/i.test(written[start]!) &&
      words(firstWords(before)).some((_, j, ws) => kindAt(ws, j))) ||
      // "… is not needed, please remove. We never want these extra documents …": a demonstrative back
      (/\b(?:these|those) \w+/i.test(written[start]!) && contentTokens(written[start - 1]!).length >= 2) ||
      // "n+1 query again. batch it. always": "it" in a rule with no noun of its own is the thing named before
      (/\bit\b/i.test(written[start]!) &&
        nouns.length === 0 &&
        contentTokens(written[start - 1]!).length >= 2));
  // "pushed to main without review?? please never do this again": "this" is what the question before names
  const askedBack =
    kinds[start] === 'rule' &&
    kinds[start - 1] === null &&
    QUESTION.test(before.text) &&
    /\b(?:this|that|it)\b/i.test(written[start]!) &&
    nouns.length === 0 &&
    contentTokens(written[start - 1]!).length >= 2;
  return thin || anaphoric || askedBack;
}

/**
 * A question about the agent's work ("why do we need …?", "why not just …?", "should it just be …?",
 * "why does it keep …?"): a sentence ending in a question mark, or one opening with "why" or "should"
 * and its subject (people often leave the mark out).
 */
const ASKING = /\?[?!]*\s*$|^(?:why|how come|should(?:n'?t)? (?:it|we|this|that|they|I))\b/i;

/**
 * A question that says what it objects to rather than asks: one naming a way of working of the agent's
 * and not only one act — its habit or its refusal, with "you" as the subject ("why do you keep …?", "why
 * won't you run it?", "you did it again?"), or the asking or checking it left out ("why would you drop the
 * volumes without asking?", "why didn't you ask before …?") — or one asked in disbelief, which no
 * answer could satisfy ("did you seriously …?", "… really?", "since when do we …?", "who told you to
 * …?", "did I ask you to …?", "did the ticket say to …?", "did you even …?", "why would you …?", "did
 * you just …?", "… nobody asked for?", "who is going to read …?", "how is skipping it a fix?"), or one
 * naming what should have been done ("why X instead of Y?", "how do you know it works if you didn't …?"),
 * or a habit across cases ("why does every fix come with …?", "why is everything wrapped in …?"), or the
 * agent's act echoed back in disbelief ("you deleted it?", "… ?!").
 */
const ASKS_TO_OBJECT =
  /\b(?:you (?:keep|always|still|insist|refuse)|(?:won'?t|wouldn'?t|will not|would not) you|you (?:won'?t|wouldn'?t|will not|refuse to))\b|\byou\b.*\bagain\b|(?:\bwithout|n'?t you(?: have)?|\bnot you|\byou (?:didn'?t|did not|never))\s+(?:even |first )?(?:ask|check|confirm|test)\w*|\bif you (?:didn'?t|did not|haven'?t|have not|never)\b|\b(?:really|seriously|honestly|on earth|who (?:even|actually|ever) \w+|anyways?|the hell|since when|why would (?:you|anyone|anybody|I)\b|why would (?!we\b)[^?]*\bever|instead of|rather than|(?:you|we) just|who (?:told|said|asked|allowed|approved)|(?:nobody|no one|did anyone|did anybody) (?:\w+ )?(?:ask|want|need)\w*|did I (?:ask|tell|say|want)|did (?:the|your|my) (?:task|ticket|issue|spec|plan) (?:say|ask|mention)|who(?: exactly| even| actually| really)?(?:'s| is) (?:ever )?going to|did you (?:\w+ )?even)\b|^how (?:is|are|was) (?:this|that|it|\w+ing)\b.*\b(?:a|an) \w+|^why (?:is|are|do|does) (?:every\w*|all|each)\b|^you (?:\w+ly |just |actually |really )?[a-z-]+ed\b[^?]*\?|\?!|!\?/i;

/**
 * A statement of how the team or the project works, after an objecting question ("why npm? we use
 * pnpm", "… we always rebase here"): "we"/"our team"/"this repo" with a verb of practice or a modal
 * ("we should find out why, not hide it"), a way set against another ("instead of", "rather than", ",
 * not …"), a generic subject ("a failing test means …"), or anyone's case ("… the next time anyone runs
 * the generator").
 */
const STATES_PRACTICE =
  /^(?:we|our (?:team|project|repo)|this (?:repo|project|codebase))\b.*\b(?:use|do|don'?t|never|always|prefer|keep|write|run|go through|stick to|should|must|need to|have to)\b|\b(?:instead of|rather than|anyone|anybody|everyone|everybody)\b|,\s*not\b|^(?:a|an|any|every)\s+(?:[a-z-]+\s+)?[a-z-]+\s+(?:means?|is|are|breaks?|needs?|should|must|has|have)\b/i;

/** True when a sentence after an objecting question states a practice ({@link STATES_PRACTICE}) or a cue of generality. */
function statesPractice(sentence: string): boolean {
  const t = strip(sentence).replace(/[‘’]/g, "'");
  return STATES_PRACTICE.test(t) || saysGenerally(t);
}

/**
 * True when every sentence of a correction is a question ({@link ASKING}) and none names a habit, a
 * refusal, a left-out step or disbelief ({@link ASKS_TO_OBJECT}): the person asked about the work and
 * stated no rule — nothing a later session could apply (a rhetorical "why npm? we use pnpm" states its
 * rule in the sentence beside, "can you stop …?" is a request, read as a rule elsewhere).
 * @param parts the statement's sentences as the person wrote them.
 */
function asksOnly(parts: readonly string[]): boolean {
  return parts.every((p) => {
    const t = strip(p).replace(/[‘’]/g, "'");
    return ASKING.test(t) && !ASKS_TO_OBJECT.test(t);
  });
}

/** A turn of mind in the middle of a message ("well actually", "oh wait", "on second thought"). */
const TURN_OF_MIND =
  /\b(?:well,? actually|actually,? no|oh,? wait|wait,? no|no,? wait|on second thought|never ?mind|scratch that|hmm,? actually)\b/i;

/** Words that allow what the person had barred ("so go ahead", "keep it", "that's fine"). */
const ALLOWED =
  /\b(?:go ahead|keep (?:it|them|that|those)|(?:that|it)(?:'s| is) (?:fine|ok(?:ay)?)|leave it)\b/i;

/**
 * Where a message takes back what it said before: a turn of mind ({@link TURN_OF_MIND}) not at its
 * start, followed later by words that allow what was barred ({@link ALLOWED}); -1 when there is none.
 */
function retractionAt(text: string): number {
  const m = TURN_OF_MIND.exec(text);
  if (!m || m.index === 0 || !ALLOWED.test(text.slice(m.index))) return -1;
  return m.index;
}

/**
 * A sentence that is only a cue of generality ("ever", "always", "every time", "no exceptions") after
 * another ("No sudo. Ever.", "Batch it. Always."): the stop before it becomes a comma (same length).
 */
const LONE_EVER =
  /(\w)[.!](\s+(?:(?:not )?ever(?: again)?|always|every ?time|no exceptions?)\s*(?:[.!]+|$))/gi;

/**
 * True when `text` opens with what the agent did: "you" and a verb in the past ("you just threw away the
 * local data", "You deleted the volumes"), by the model's tags.
 */
export function namesAgentAct(text: string): boolean {
  const first = analyse(strip(text))[0];
  const ws = words(first?.tokens ?? []);
  // never praise ("you worked so hard"), never a saying ("you got this")
  if (ws[0]?.normal !== 'you' || (first?.sentiment ?? 0) > 0) return false;
  let i = 1;
  while (ws[i]?.pos === 'ADV') i++;
  const verb = ws[i];
  return (
    verb !== undefined &&
    verb.pos === 'VERB' &&
    pastTense(verb) &&
    !STATIVE.test(verb.lemma) &&
    verb.lemma !== 'do'
  );
}

/** A label naming a rule, then the rule: "Our convention: …", "Team rule: …"; group 1 is the rule. */
const RULE_LABEL = /^(?:our|team|house)(?: \w+)? (?:rule|policy|convention|norm)s?\s*:\s*(\S.*)$/i;

/** A short label before a colon, then the statement ("Heads-up for the future: …"). */
const LABEL = /^([^:]{3,45}):\s+(\S.{7,})$/;

/** Most agent commitments a session's digest keeps. */
export const MAX_COMMITMENTS = 20;

/**
 * An agent's sentence saying how it will or will not work: "I won't …", "I will not …", "I'm not going
 * to …", "I'll … instead", "Instead of …, I …", with at least 3 content words. Read with a plain
 * pattern (no language model: every agent message passes here).
 */
const COMMITMENT =
  /^(?:(?:ok(?:ay)?|sure|understood|got it|noted|right)[,.!]?\s+)?(?:I(?:'ll| will| won'?t| will not|'m not going to| am not going to| didn'?t| did not)\b|instead of\b|rather than\b)/i;

/**
 * The agent's commitments in one of its messages (see {@link COMMITMENT}), verbatim, cue `follows`:
 * they reinforce a rule a person said in an earlier session when they say the same thing (see
 * `feedback-mining.ts`).
 */
export function agentCommitments(message: string): { text: string; tokens: string[] }[] {
  if (
    !/\b(?:I'll|I will|I won'?t|I'm not going|I am not going|I didn'?t|I did not|instead of|rather than)\b/i.test(
      message,
    )
  )
    return [];
  const out: { text: string; tokens: string[] }[] = [];
  for (const raw of message.replace(/```[\s\S]*?```/g, ' ').split(/(?<=[.!?])\s+|\n+/)) {
    const text = raw.replace(/^[\s>*#-]+/, '').trim();
    if (text.length > 300 || !COMMITMENT.test(text)) continue;
    const tokens = contentTokens(text);
    if (tokens.length >= 3) out.push({ text, tokens });
  }
  return out;
}

/**
 * "Add the language to the platform text. But don't assume English as a fallback.": a rule opened by
 * "but" right after a task instruction (an imperative, specific or not) limits that one task, unless it
 * carries a cue of generality or names a kind of thing ("But don't skip tests."). Updates `kinds` in
 * place.
 */
function markConstraints(sentences: readonly Sentence[], kinds: ReturnType<typeof classify>[]): void {
  for (let i = 1; i < sentences.length; i++) {
    const t = sentences[i]!.text.trim();
    if (kinds[i] !== 'rule' || !/^but\b/i.test(t) || saysGenerally(t)) continue;
    // "But don't skip tests.": a kind of thing (a bare plural) stays a rule
    if (namesKind(words(clauses(firstWords(sentences[i]!))[0] ?? []))) continue;
    if (kinds[i - 1] !== null && kinds[i - 1] !== 'imperative') continue;
    const prev = sentences[i - 1]!;
    // thanks is no task instruction ("Thanks for the summary! But could you not …")
    if (/^(?:thanks|thank you|great|nice|cool|awesome|perfect)\b/i.test(prev.text.trim())) continue;
    const text = strip(prev.text);
    if (clauses(firstWords(prev)).some((c) => imperative(words(c), text))) kinds[i] = 'imperative';
  }
}

/** Disbelief on its own ("Really?", "Seriously?") or a bare "don't" ("Please don't.", "Don't do that again."). */
const INCREDULITY =
  /^(?:(?:really|seriously|are you serious)\s*[?!]+|(?:no|nope|nah)\s*[.!]+|(?:(?:that's |that is |so )?not (?:ok|okay|cool|acceptable|fine)|unacceptable)\s*[.!]*)$/i;
const BARE_DONT =
  /^(?:please,?\s+)?(?:(?:don'?t|do not)(?:\s+do (?:that|this|it))?|stop(?: (?:it|that|this|doing (?:that|this|it)))?)(?:\s+(?:again|already))?\s*[.!]*$/i;

/** A bare "stop" (see {@link markElliptic}). */
const BARE_STOP = /^(?:please,?\s+)?stop\b/i;

/**
 * Elliptic corrections: "A whole library for a debounce? Really?" and "Thanks for the summary file, I
 * guess. Please don't." — the sentence before the disbelief or the bare "don't" names what the agent did
 * (at least 2 content words), so it becomes a correction, completed by the elliptic sentence. Updates
 * `kinds` in place.
 */
function markElliptic(sentences: readonly Sentence[], kinds: ReturnType<typeof classify>[]): void {
  for (let i = 1; i < sentences.length; i++) {
    const t = sentences[i]!.text.trim();
    if (!INCREDULITY.test(t) && !BARE_DONT.test(t)) continue;
    const prev = sentences[i - 1]!.text.trim();
    if (kinds[i - 1] !== null && kinds[i - 1] !== 'imperative') continue;
    // a bare "no." refuses only a verbless question naming the thing ("lodash for a debounce? no.")
    // (hyphenated words joined: "ts-ignore" is no verb)
    const verbless = !joinHyphens(sentences[i - 1]!.tokens).some(
      (t) => (t.pos === 'VERB' && !t.text.includes('-')) || t.pos === 'AUX',
    );
    // a verbless question names the thing in one word ("sudo? really?")
    const least = verbless && QUESTION.test(prev) ? 1 : MIN_CORRECTION_TERMS;
    if (contentTokens(prev).length < least || OWN_CASE.test(strip(prev))) continue;
    if (/^(?:no|nope|nah)\b/i.test(t) && !(QUESTION.test(prev) && verbless)) continue;
    // a bare "stop." ends what the sentence before names as the agent's work, never praise of it
    // ("These summary docs are noise. Stop."; not "Looks good so far. Stop.")
    if (BARE_STOP.test(t) && (!POINTS_AT_WORK.test(strip(prev)) || sentences[i - 1]!.sentiment > 0)) continue;
    kinds[i - 1] = 'correction';
    kinds[i] = 'directive';
  }
}

/**
 * A sentence that names the one before a rule ("… That's the team norm.") or is only a cue of generality
 * said after it ("… In that order, always."): the statement or orders before it (up to two) are rules,
 * and the naming sentence goes along. Updates `kinds` in place.
 */
function markNamedRules(sentences: readonly Sentence[], kinds: ReturnType<typeof classify>[]): void {
  for (let i = 1; i < sentences.length; i++) {
    const t = strip(sentences[i]!.text);
    const named = NAMES_A_RULE.test(t);
    // (the cue alone, with at most "in that order"-like words: "Always up for something sweet" is a remark)
    const cueOnly =
      (words(sentences[i]!.tokens).length <= 5 &&
        /^(?:(?:in|at) (?:that|this) \w+,?\s*)?(?:always|never|every ?time|no exceptions?)\s*[.!]*$/i.test(
          t,
        )) ||
      SCOPE_WIDENED.test(t);
    if (!named && !cueOnly) continue;
    const open = (k: ReturnType<typeof classify>) => k === null || k === 'imperative';
    const prev = sentences[i - 1]!;
    if (!open(kinds[i - 1]) || contentTokens(prev.text).length < (cueOnly ? 1 : 2)) continue;
    // (the speaker's own remark, "I'm keen to try it"; "tell me it's done" is an order all the same;
    // so is a polite request, "can you run the tests first? every time")
    const request = cueOnly && REQUEST.test(strip(prev.text));
    if (
      /\b(?:I|I'm|I've|my)\b/.test(prev.text) ||
      prev.sentiment > 0 ||
      (QUESTION.test(prev.text) && !request)
    )
      continue;
    kinds[i - 1] = 'rule';
    if (i >= 2 && kinds[i - 2] === 'imperative') kinds[i - 2] = 'rule';
    if (kinds[i] === null || kinds[i] === 'imperative') kinds[i] = 'directive';
  }
}

/**
 * A sentence that only widens the order before it to every case: "that goes for every change", "same
 * for all PRs", "every time, not just for big changes", "applies to every repo".
 */
const SCOPE_WIDENED =
  /^(?:(?:and|but|oh and)\s+)?(?:(?:that|this|it|the same|same)(?: rule)?(?:'s| is)? (?:goes |applies |holds |counts )?(?:for|to) (?:every|all|any|each)\b[^.?!]{0,40}|(?:every ?time|each time|for (?:every|all|any|each) \w+)(?:,? not (?:just|only) [^.?!]{0,40})?)\s*[.!]*$/i;

/** "That's the team norm", "this is our rule": a sentence naming the one before a rule. */
const NAMES_A_RULE =
  /^(?:that|this|it)(?:'s| is) (?:the|our|a) (?:team |house |company |hard |strict )?(?:norm|rule|policy|convention|standard)\b/i;

/**
 * "One-line changes break things too. Run the tests.": an order right after a general statement about a
 * kind ({@link genericStatement}) takes it as its reason, so it is a rule, not this task's instruction —
 * unless the order names one thing of this task ("Tests pass. Merge the branch."). Updates `kinds` in
 * place; returns the indexes whose statement takes the sentence before along.
 */
function markReasoned(sentences: readonly Sentence[], kinds: ReturnType<typeof classify>[]): Set<number> {
  const out = new Set<number>();
  for (let i = 1; i < sentences.length; i++) {
    // (the light model takes some such statements for orders: "*Hotfixes* cause regressions.")
    const before = kinds[i - 1];
    if (kinds[i] !== 'imperative' || (before !== null && before !== 'imperative')) continue;
    if (!genericStatement(sentences[i - 1]!)) continue;
    // an order, not a wish ("Glad you had a good time", which the light model reads as an imperative)
    if (sentences[i]!.sentiment > 0) continue;
    const order = leadless(firstWords(sentences[i]!));
    if (order.length === 0 || REPORT.test(order[0]!.lemma) || pointsAtOne(order)) continue;
    kinds[i] = 'rule';
    out.add(i);
  }
  // "We keep the dependency list short, every package must be audited. So ask before you add one.": a
  // rule drawn from the statement before it ("so …") takes that statement along as its reason
  for (let i = 1; i < sentences.length; i++) {
    if (kinds[i] !== 'rule' || kinds[i - 1] !== null || !/^so\b/i.test(sentences[i]!.text.trim())) continue;
    const prev = sentences[i - 1]!;
    if (QUESTION.test(prev.text) || contentTokens(prev.text).length < 3) continue;
    out.add(i);
  }
  // "Drop the CHANGED comments. Comments say why, git says what changed.": the statement after the order
  for (let i = 0; i + 1 < sentences.length; i++) {
    if (kinds[i] !== 'imperative' || kinds[i + 1] !== null || !genericStatement(sentences[i + 1]!)) continue;
    // (a statement with a verb of its own, "comments say why", not a state: "changes are not available")
    if (!sentences[i + 1]!.tokens.some((t) => t.pos === 'VERB' && t.normal === t.lemma)) continue;
    const order = leadless(firstWords(sentences[i]!));
    if (order.length === 0 || REPORT.test(order[0]!.lemma) || pointsAtOne(order)) continue;
    kinds[i] = 'rule';
    kinds[i + 1] = 'directive';
  }
  return out;
}

/** Most words of a {@link genericStatement}. */
const MAX_GENERIC_WORDS = 14;

/**
 * A reason that is a state in progress ("as it is underperforming", "because it's failing", "since this
 * is not allowing these"): about now.
 */
const IN_PROGRESS =
  /^\w+(?: that)? (?:it|this|that|the \w+|they|these|those)(?:'s|'re| is| are| was| were)(?: not|n't)?(?: \w+ly)? \w+ing\b/i;

/**
 * True when the reason of an order is a purpose ("so …", "so that …") that says what this task's things are
 * to do: the order's object points back ("update *them* so the rows match") or is one thing to make
 * ("create *a* shared method so we …"), or the purpose's subject does
 * and the order names no kind ("refactor *the parser* so that *it* handles nested quotes"; not "keep
 * *functions* small so they stay testable"). Such a purpose specifies the task; a purpose about others
 * or a kind ("extend the format so that new clients get it, old won't break") is a reason that may hold for
 * good.
 * @param reason the reason as {@link reasonIn} gives it; `all` the sentence's first words' tokens.
 */
function taskAim(reason: string, all: Token[]): boolean {
  const purpose = /^so(?: that)?\s+(\S+)/i.exec(reason);
  if (!purpose) return false;
  // the clause the purpose belongs to: the last one ({@link clauses}) before "so"
  const so = all.findLastIndex((t) => t.normal === 'so');
  const ws = words(clauses(all.slice(0, so < 0 ? all.length : so)).at(-1) ?? []);
  // the order's object: the word after its verb ("please" and the like before it)
  const lead = ws.findIndex((t) => !/^(?:please|pls|just|also|now|then|so|ok|okay)$/.test(t.normal));
  const object = ws[lead + 1];
  if (object?.pos === 'PRON' && ANAPHOR.test(object.normal)) return true;
  // ("create a shared method so we aren't repeating the validation": one thing to make for the team's own
  // ease, this task's; not "add a test for every bug fix so …", one for each of a kind, nor "add a column
  // so that older readers keep working", a purpose for others)
  if (
    /^(?:we|i)$/i.test(purpose[1]!) &&
    /^(?:create|add|write|make|build|implement|introduce|extract)$/.test(ws[lead]?.lemma ?? '') &&
    /^(?:a|an|one)$/.test(object?.normal ?? '') &&
    !ws.some((t) => /^(?:every|each|any|all|whenever)$/.test(t.normal))
  )
    return true;
  // ("keep functions small so that they stay testable": a purpose of a kind's, a reason for good)
  return ANAPHOR.test(purpose[1]!.toLowerCase()) && !bareKind(ws);
}

/** A bare plural among `ws`: a plural with no determiner or possessive before its modifiers ("large *modules*"). */
function bareKind(ws: Token[]): boolean {
  return ws.some((t, i) => {
    if (!plural(t)) return false;
    let j = i - 1;
    while (j >= 0 && ['ADJ', 'NOUN', 'PROPN'].includes(ws[j]!.pos)) j--;
    return !(j >= 0 && /^(?:the|these|those|your|our|my|their|its|his|her)$/.test(ws[j]!.normal));
  });
}

/** Words that tie a statement to this moment ("tests pass *now*"). */
const EPISODIC = /\b(?:now|again|still|yet|today|already|currently|at the moment)\b/i;

/**
 * A general statement about a kind of thing: a bare plural subject (at most three modifiers before it,
 * numbers and hyphenated parts included: "one-line changes"), then a verb in the present or a modal
 * ("break", "are", "can", "need"); never a question, never about the speaker, nothing tying it to now,
 * and not praise ("Tests are green now", "Small PRs are great").
 */
function genericStatement(s: Sentence): boolean {
  if (QUESTION.test(s.text) || FIRST_PERSON.test(s.text) || EPISODIC.test(s.text) || s.sentiment > 0)
    return false;
  const ws = words(firstWords(s));
  // a remark, not a story ("Competitive games can be difficult to play when people get upset, but …")
  if (ws.length > MAX_GENERIC_WORDS) return false;
  const head = ws.slice(0, 4).findIndex((t) => plural(t));
  const modifier = (t: Token) =>
    ['ADJ', 'NOUN', 'PROPN', 'NUM'].includes(t.pos) || (t.pos === 'VERB' && /ed$/.test(t.normal));
  if (head < 0 || !ws.slice(0, head).every(modifier)) return false;
  let v = head + 1;
  // a phrase after the head ("loops *with a query in them* kill …"), then the verb
  if (ws[v]?.pos === 'ADP')
    while (ws[v] && ['ADP', 'DET', 'NOUN', 'PRON', 'ADJ', 'NUM'].includes(ws[v]!.pos) && v < head + 7) v++;
  while (ws[v]?.pos === 'ADV') v++;
  const verb = ws[v];
  if (!verb) return false;
  if (verb.pos === 'AUX') return /^(?:are|can|will|do|should|must|need|may|might)$/.test(verb.normal);
  return verb.pos === 'VERB' && verb.normal === verb.lemma;
}

/**
 * "I don't need these summary files", "Thanks, but I really don't want those wrapper classes": what the
 * agent made, refused in the speaker's own words — a thing named (a demonstrative, an indefinite or a
 * bare noun, with at least one content word; never "to …" or "you …"). Marked as corrections whose
 * statement needs the agent to have changed something just before ({@link FeedbackStatement.needs_change}).
 * Updates `kinds` in place; returns the indexes marked.
 */
function markUnneeded(sentences: readonly Sentence[], kinds: ReturnType<typeof classify>[]): Set<number> {
  const out = new Set<number>();
  sentences.forEach((s, i) => {
    if ((kinds[i] !== null && kinds[i] !== 'imperative') || QUESTION.test(s.text)) return;
    // ("… I just want a column in the existing table": this task's output specified instead)
    if (/\bI (?:just|only) (?:want|need)\b/i.test(s.text)) return;
    const object = UNNEEDED.exec(s.text.trim().replace(/[‘’]/g, "'"))?.[1];
    if (object === undefined || contentTokens(object.split(/[;,.]/)[0]!).length < 1) return;
    kinds[i] = 'correction';
    out.add(i);
  });
  return out;
}

/** "(Thanks, but) I (really) don't need/want these …" (see {@link markUnneeded}); group 1 is what is refused. */
const UNNEEDED =
  /^(?:(?:thanks|thank you|ok(?:ay)?|hmm+)[,.!]*\s*(?:but\s+)?)?I (?:really |honestly )?(?:don'?t|do not) (?:need|want) ((?:these|those|this|that|a|an|any|more|all these|all those)\s+(?!to\b)[a-z][^?]*)$/i;

/**
 * Sarcasm with the praise said after: "Another markdown file nobody asked for. Wonderful.", "Oh nice,
 * another skipped test. Very helpful." — a sentence naming what the agent did as a repetition
 * ("another …") or as something unwanted ("nobody …"), not praised itself, then a short sentence of
 * praise alone. Updates `kinds` in place.
 */
function markPraiseAfter(sentences: readonly Sentence[], kinds: ReturnType<typeof classify>[]): void {
  for (let i = 1; i < sentences.length; i++) {
    const praise = sentences[i]!;
    const ws = words(praise.tokens);
    if (ws.length === 0 || ws.length > 3 || praise.sentiment <= 0 || QUESTION.test(praise.text)) continue;
    const prev = sentences[i - 1]!;
    if (kinds[i - 1] !== null && kinds[i - 1] !== 'imperative') continue;
    if (QUESTION.test(prev.text) || FIRST_PERSON.test(prev.text) || EPISODIC.test(prev.text)) continue;
    // (after a word of praise and a comma: "Great, force pushing …"; the thing named is not praised)
    const from = sarcasmLead(prev) ?? words(firstWords(prev));
    if ((analyse(from.map((t) => t.text).join(' '))[0]?.sentiment ?? 0) > 0) continue;
    // (an action named alone may be praised sincerely: "Refactoring the parser. Nice.")
    const text = from.map((t) => t.text).join(' ');
    const unwantedThing =
      /^(?:another|yet another|more)\b/i.test(text) || /\b(?:nobody|no one)\b/i.test(text);
    if (!unwantedThing || substantive(from) < 2) continue;
    kinds[i - 1] = 'correction';
    kinds[i] = 'directive';
  }
}

/** The words after a leading word of praise and a comma ("Great, force pushing …" → "force pushing …"), or null. */
function sarcasmLead(s: Sentence): Token[] | null {
  const comma = s.tokens.findIndex((t) => t.normal === ',');
  if (comma < 1 || comma > 2) return null;
  return words(s.tokens.slice(comma + 1));
}

/**
 * "Nobody reads summary files. Don't write them.": an order on "them/they" right after a sentence that
 * names a kind (a bare plural) is about that kind — a rule, said with the sentence it points back to.
 * Updates `kinds` in place; returns the indexes whose statement takes the sentence before along.
 */
function markAntecedents(sentences: readonly Sentence[], kinds: ReturnType<typeof classify>[]): Set<number> {
  const out = new Set<number>();
  for (let i = 1; i < sentences.length; i++) {
    if (kinds[i] !== 'imperative' || kinds[i - 1] !== null) continue;
    const order = leadless(firstWords(sentences[i]!));
    if (!negatedImperative(order) || !order.some((t) => /^(?:them|they)$/.test(t.normal))) continue;
    const prev = words(firstWords(sentences[i - 1]!));
    if (QUESTION.test(sentences[i - 1]!.text) || !prev.some((_, j) => kindAt(prev, j))) continue;
    kinds[i] = 'rule';
    out.add(i);
  }
  return out;
}

/**
 * True if a message takes back what the person said before ("never mind", "scratch that", "ignore what
 * I said", "my bad", "you were right" — the agent's explanation convinced them).
 */
export function takesBack(message: string): boolean {
  return /^\s*(?:(?:ok(?:ay)?|actually|sorry|oh|ah|wait|hmm)[,\s]+)*(?:never ?mind|scratch (?:that|what I said)|forget (?:it|that|what I said|my (?:earlier|last|previous))|ignore (?:that|what I said|my (?:last|previous|earlier) (?:message|comment|point|remark))|I was wrong|my (?:bad|mistake)|I stand corrected|you(?:'re| are| were) right|disregard (?:that|my|what I said))\b/i.test(
    message,
  );
}

/**
 * What a take-back is about, as content tokens: "forget what I said about the config files" → the
 * config files; "never mind the config file comment" → config file. Empty when it names nothing (then it
 * takes back the person's previous message).
 */
export function retractedTopic(message: string): string[] {
  const first = message.split(/(?<=[.!?;])\s+/)[0] ?? '';
  const about = /\b(?:about|regarding)\s+(?:the\s+)?([^,.;!?]{3,80})/i.exec(first);
  const named =
    /\b(?:never ?mind|ignore|forget|scratch|disregard)\s+(?:the|my)\s+(?:earlier\s+|previous\s+|last\s+)?([^,.;!?]{3,60}?)\s+(?:comment|remark|point|note|rule)\b/i.exec(
      first,
    );
  const topic = about?.[1] ?? named?.[1] ?? '';
  return contentTokens(topic).filter((t) => !/^(?:earlier|previous|last|said|comment)$/.test(t));
}
