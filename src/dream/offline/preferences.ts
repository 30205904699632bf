/**
 * User corrections and stated preferences, quoted verbatim: "no, use the staging DB", "don't push to
 * main", "always run the linter first", "I prefer squash merges", "use pnpm instead of npm". Only human
 * user messages are read (never system prompts, agent text or tool output, which are untrusted for
 * instructions), and only messages of at most {@link MAX_USER_MESSAGE_CHARS} characters, because long
 * user turns are task descriptions and templated harness prompts, not conversation.
 *
 * A sentence counts when it sets a standing rule (an imperative such as "always/never/don't/avoid/make
 * sure …", "use X instead of Y", "from now on", "by default", "I/we prefer …") or corrects the agent
 * ("no, use …", "actually, it should …"). One-off requests ("please use my card ending in 7334") and
 * answers ("no, I don't want insurance") do not. Weaker cues ("X is always Y", "pnpm only", "commit
 * messages should …", "we don't do default exports", "use conventional commit prefixes") count only
 * in sentences that are not about the speaker or one occasion ("my card", "this time"); whether a
 * statement is a team rule is then decided by recurrence across users (see `statements.ts`). A
 * sentence that states a typed fact ("from now on the staging DB is db-2.internal", "no, the return
 * window is 45 days") is a fact, not a rule, whatever its cue, unless it opens with an imperative.
 */
import { extractFact, isChatFact, namesIdentifier } from './facts.js';
import { holdsProgramOutput } from './injection.js';
import { analyse, isForeign, sentenceSpans, type Token } from './language.js';
import { REDACTION_MARKER } from './pii.js';
import { contentTokens, stripLeadIn } from './text.js';

/** Longer user messages are treated as task descriptions / prompts and skipped. */
export const MAX_USER_MESSAGE_CHARS = 1500;

/** A preference or correction sentence. */
export interface PreferenceStatement {
  kind: 'preference' | 'correction';
  /** The sentence verbatim (trimmed), at most 200 characters. */
  text: string;
  /** Comparison key: content tokens (see `contentTokens`). */
  tokens: string[];
}

/** "No, …"-style openers; the rest must be an instruction to the agent (not "No, I don't want …"). */
const CORRECTION_START =
  /^(?:no|nope|nah|wrong|actually|not quite|not like that|that's (?:not|wrong)|that is (?:not|wrong))\b[,.!:;\s-]+/i;
const CORRECTION_REST =
  /^(?:please |you )?(?:use|do|don't|do not|never|always|stop|avoid|run|put|keep|call|should|need to|must|it should|it's|it is|that should|we use|we don't|we do not|the (?:\w+ ){0,3}(?:is|are|should))\b/i;
/** Imperatives that set a standing rule. "Please use X" alone is a one-off request, not a preference. */
const IMPERATIVE_START =
  /^(?:(?:and |but |so |also |then )?(?:please |pls |just )?)(?:always|never(?! ?mind\b)|(?:don't|do not|dont)(?! (?:understand|know|get it|see|think|care|remember|recall|mind|like|believe)\b)|avoid|make sure|remember to|be sure to|stop|only use|stick to|refrain from)\b/i;
const USE_INSTEAD = /^(?:please )?(?:use|prefer|pick|choose) .{1,80}\b(?:instead of|rather than|not|over)\b/i;
const PREFERENCE_ANYWHERE =
  /\b(?:i|we) (?:(?:would|'d|do|really|usually|generally|always|strongly) )?(?:prefer|rather)\b|\bi'd rather\b|\bplease (?:always|never|don't|do not|avoid|make sure)\b|\bfrom now on\b|\bgoing forward\b|\bin (?:the )?future\b|\bby default\b|\bevery time\b|\bwhenever\b/i;

/**
 * Weaker cues of a standing rule, accepted only in impersonal sentences (see {@link PERSONAL}):
 * frequency words ("is always", "never local time", "every log line", "anymore"), deontic modals
 * ("should", "must"), "only" ("pnpm only", "only mention …"), the team's voice ("we don't …", "we moved off …", "we standardized on …", "we're a pnpm shop"), a
 * bare imperative of a rule-setting verb ("use …", "keep …", "sign …") and "No X" ("No Jest please").
 * A contrast (", not …", "instead of", "rather than") is a cue too, in its main clause only (see
 * {@link contrastCue}).
 */
const WEAK_CUES: RegExp[] = [
  /(?<!\bnot )\b(?:always|never)\b(?!-)|\b(?:every|for everything|everywhere|no longer|anymore|any new|all new|each time)\b/i,
  // a deontic modal after a generic subject: "commit messages should …", "emails to customers should …",
  // "you/we/agents must …" — not "the flight should …" or "there should be …"
  /^(?:(?:you|we|agents?|everyone|everybody|all [\w -]{1,40}|every [\w -]{1,40}|each [\w -]{1,40})|(?!(?:the|this|that|these|those|it|there|he|she|they|a|an)\b|\w+ing\b)[\w -]{0,40}s) (?:should|must|has to|have to|need to|needs to)\b(?! (?:be|have) (?:been|so|really|very|pretty|quite|such)\b)/i,
  // "only" restricting a rule: "pnpm only", "store credit only on request", "only mention …"
  // (not a ticket's key: "LAF-14/LAF-15 only." scopes this task)
  /^only \w+|(?<![\w-])(?![a-z][a-z\d]*-\d+\b)\w+ only(?:[,.;]|$| on\b| if\b| when\b| for\b| in\b| with\b)/i,
  /\bwe(?:'re| are)? (?:an? [\w-]+ (?:shop|house)|standardi[sz]ed on|moved (?:off|away from|to)|switched (?:to|from|off)|(?:don't|do not|never|always|only|no longer) (?:use|do|run|write|add|allow|accept|ship|deploy|merge|commit|push|support|touch|rely on)\b)/i,
  // a bare imperative of a rule-setting verb whose object is a kind ("write commit messages in …", "use
  // pnpm"), not one thing of this task ("write a script that …", "name the file …", "use it", "format
  // 'make bench' output", "write into plan.md"); "follow the …" names a norm ("follow the existing
  // layout"), "follow this link" does not
  /^(?:please |pls |kindly )?(?:follow\b(?! (?:a|an|this|that|these|those|it|them|me|my|your|up|along|through)\b| the (?:link|url)\b)|(?:use|stick|prefer|sign|log|write|name|format)\b(?! (?:(?:a|an|the|this|that|these|those|it|them|me|my|your|one|some|into|onto|down|up|out|back|here|there)\b|['"`‘“])))/i,
  // a recurring step of the team's workflow as the order's time: "run all tests before pushing", "…
  // after every merge" (not "before pushing this")
  /\b(?:before|after) (?:you |we )?(?:push|commit|merg|deploy|releas|ship)\w*\b(?! (?:this|it|that|these|those)\b)/i,
  // a requirement over a class: "ensure that all tests run before you push", "make sure every reply …"
  /^(?:please )?(?:ensure|make sure) (?:that )?(?:all|every|each|no)\b/i,
  // a reminder of a team convention: "remember our commits are Conventional Commits style"
  /^remember,? (?:that )?(?:our|we|the team|all|every)\b/i,
  // "No Jest please" — not "no test.jsonl" (one file of this task: that it is missing, or not to make it)
  // (nor a status, "No still failed", "no not yet", nor "no" before an order: "No check the latest files")
  /^no (?!(?:thanks|thank|problems?|worries|worry|way|idea|clue|rush|need|still|yet|not|just|really|it|that|this|check|look|see|try|wait|go|read|open|find|search|run|do|use)\b|[\w-]+\.(?:jsonl?|md|txt|py|ts|js|csv|ya?ml|toml|sh|html|css|cfg|ini)\b)[a-z][\w-]*\b/i,
];
/** A setting written as `name=value` ("sparse=always", `--color=never`). */
const SETTING = /\S*\w=\w\S*/g;

/**
 * "never"/"always" and the word after it, where that word may be a verb in the past ("… and never
 * recovered", "it always failed"); not after a form of "be", a modal or "to", where a past participle is
 * a passive norm ("secrets are never committed"), nor after a comma, where "be" is left out ("… go in
 * their own PR, never mixed into a fix"), nor after "you" or "we", where it tells a habit ("you never
 * tested it", "I'd appreciate it if you never skipped the hooks again").
 */
const TOLD_CUE =
  /(?<!\b(?:is|are|be|been|being|was|were|'s|'re|get|gets|must|should|shall|will|would|can|could|may|might|to|you|we)\s+|,\s*)\b(?:never|always)\s+([a-z]+)\b/gi;

/**
 * `text` without the cue words that state no rule ("always", "never" and their word blanked):
 * - a setting written as `name=value` ("explain sparse=always" → "explain  ");
 * - a past event told ("Val loss … never recovered", "the build always failed"): "never" or "always"
 *   before a verb in the past (by the tagger's lemma: the word is not its lemma, and not an -ing or -s
 *   form), which narrates what happened, not how to work;
 * - "by default" describing a state ({@link DEFAULT_STATE}: "the tests are running by default").
 */
export function withoutFalseCues(text: string): string {
  return text
    .replace(SETTING, ' ')
    .replace(TOLD_CUE, (m, word: string) => (pastVerb(word) ? ' ' : m))
    .replace(DEFAULT_STATE, (m) => m.replace(/by default/i, ' '))
    .replace(FUTURE_NOUN, (m) => m.replace(/(?:going|moving) forward/i, ' '));
}

/**
 * "going forward" after a noun of planning ("help figure out a game plan going forward", "the strategy
 * moving forward"): the plan is for the future; the order is to make it now.
 */
const FUTURE_NOUN =
  /\b(?:plan|plans|strategy|strategies|approach|path|way|steps|roadmap|direction|options|priorities)\s+(?:going|moving) forward\b/gi;

/**
 * "by default" after a form of "be" and a participle ("the order the tests are running by default", "it
 * is enabled by default") or after "it/this/that" and a verb ("ensure it works by default"): what a thing
 * does when left alone, not how the agent is to work.
 */
const DEFAULT_STATE =
  /\b(?:(?:is|are|was|were|be|been|being|'s|'re)\s+(?:\w+\s+)?\w+(?:ed|ing|en)|(?:it|this|that)\s+(?:\w+\s+)?\w+s)\s+by default\b/gi;

/** True when `word` reads as a verb in the past by the tagger ("recovered", "ran"; not "need", "use", "uses"). */
function pastVerb(word: string): boolean {
  const t = analyse(`it ${word}`)[0]?.tokens[1];
  return (
    t !== undefined && ['VERB', 'AUX'].includes(t.pos) && t.lemma !== t.normal && !/(?:ing|s)$/.test(t.normal)
  );
}
/** True when a sentence holds one of the {@link WEAK_CUES}, read without its false cues ({@link withoutFalseCues}). */
function weakCue(body: string): boolean {
  const cued = withoutFalseCues(body);
  return WEAK_CUES.some((re) => re.test(cued));
}

/** A contrast between two ways: ", not …", "(not …", "instead of", "rather than". */
const CONTRAST = /,\s*not\b|\(not\b|\binstead of\b|\brather than\b/i;
/** Words that open an adverbial clause even where the tagger does not call them SCONJ ("When …"). */
const SUBORDINATORS: ReadonlySet<string> = new Set(
  'if when whenever while because since unless although though whereas once until'.split(' '),
);

/**
 * True if `body` contrasts two ways in its main clause: a contrast inside a clause opened by a
 * subordinating conjunction (wink-nlp's SCONJ tag, or one of {@link SUBORDINATORS}), up to the next
 * comma, semicolon or colon, belongs to a condition or a reason ("same problem if the app tried to
 * provide an api rather than just run as a terminal app"), not to a rule ("When writing tests, use vitest
 * rather than jest" keeps its cue: the contrast follows the comma that closes the condition).
 */
function contrastCue(body: string): boolean {
  if (!CONTRAST.test(body)) return false;
  for (const s of analyse(body)) {
    const ts = s.tokens;
    let sub = false;
    for (let i = 0; i < ts.length; i++) {
      const t = ts[i]!;
      if (t.pos === 'PUNCT' && /^[,;:]$/.test(t.text)) {
        if (!sub && t.text === ',' && ts[i + 1]?.normal === 'not') return true;
        sub = false;
        continue;
      }
      if ((t.pos === 'SCONJ' && t.normal !== 'that') || SUBORDINATORS.has(t.normal)) sub = true;
      const next = ts[i + 1]?.normal;
      const contrast =
        (t.normal === 'rather' && next === 'than') ||
        (t.normal === 'instead' && next === 'of') ||
        (t.text === '(' && next === 'not');
      if (contrast && !sub) return true;
    }
  }
  return false;
}

/** Deontic words: the sentence says what is allowed, required or forbidden ("are not allowed here"). */
const DEONTIC =
  /\b(?:allowed|permitted|forbidden|banned|prohibited|required|mandatory|off[- ]limits|not ok(?:ay)?|a must|expected to|is a no-go)\b/i;
/** Deontic words that are past participles, so may head a reduced relative clause ("a file required by …"). */
const DEONTIC_PARTICIPLE = /^(?:allowed|permitted|forbidden|banned|prohibited|required)$/;

/**
 * True if the participle at `ts[i]` opens a reduced relative clause: it follows a noun, and a finite verb
 * comes earlier in the sentence ("An error occurred while loading a module *required* by the page": the
 * participle describes the module, the sentence reports an event). Without an earlier verb, "Reviews
 * required for every PR" is a rule in telegraphic style.
 */
function reducedRelative(ts: readonly Token[], i: number): boolean {
  const prev = ts[i - 1];
  if (!prev || (prev.pos !== 'NOUN' && prev.pos !== 'PROPN')) return false;
  return ts.slice(0, i - 1).some((t) => t.pos === 'VERB');
}

/**
 * Deontic words that are no rule: an HTTP status and its reason phrase (RFC 9110 §15: "403 Forbidden",
 * "405 Method Not Allowed", "402 Payment Required") and a word inside an identifier or a setting
 * (`filter.strongbox.required=true`, `allowed_hosts`).
 */
const NOT_DEONTIC =
  /\b[1-5]\d\d\b[\s:–-]*(?:[A-Z][\w-]*\s+){0,3}(?:Forbidden|Required|Allowed)\b|\S*\w[._=/]\w\S*/g;

/** True if the participle at `ts[i]` is attributive: a noun follows it ("the required field", "allowed values"). */
function attributive(ts: readonly Token[], i: number): boolean {
  const next = ts[i + 1];
  return next !== undefined && (next.pos === 'NOUN' || next.pos === 'PROPN');
}

/**
 * True if `body` says what is allowed, required or forbidden (see {@link DEONTIC}) in its predicate: a
 * deontic participle that only describes a noun (a reduced relative clause, see {@link reducedRelative},
 * or before it, see {@link attributive}) sets no rule, nor does a status code or an identifier
 * ({@link NOT_DEONTIC}).
 */
function deonticCue(text: string): boolean {
  const body = text.replace(NOT_DEONTIC, ' ');
  const words = body.match(new RegExp(DEONTIC.source, 'gi'));
  if (!words) return false;
  if (words.some((w) => !DEONTIC_PARTICIPLE.test(w.toLowerCase()))) return true;
  return analyse(body).some((s) =>
    s.tokens.some(
      (t, i) =>
        DEONTIC_PARTICIPLE.test(t.normal) && !reducedRelative(s.tokens, i) && !attributive(s.tokens, i),
    ),
  );
}
/** A label naming a rule or convention ("Team rule: …", "Our convention is …", "House style: …"). */
const RULE_LABEL =
  /^(?:(?:team|house|our|the)\s+)?(?:rule|convention|policy|standard|guideline|practice|style)s?\s*[:-]|^our (?:\w+ )?(?:rule|convention|policy|standard|practice|habit) is\b/i;
/**
 * A quantifier over a class as the sentence's subject ("All replies go out signed") or its scope ("… for
 * all new services"), not "all set", "all good", nor over a set this task has ("commit all the
 * changes", "all of them", "all these files"), nor "all" inside a remark ("comparing … and all HCR ROIs
 * is useful"). Not "any": "use a gift card for any payment needed" is about one booking.
 */
const ALL_OF =
  /^all (?!(?:right|set|good|done|fine|of|the|these|those|this|that|my|your|its|their)\b)[a-z][\w-]*|\b(?:for|across) all (?!(?:the|these|those|this|that|my|your|its|their)\b)[a-z][\w-]*/i;
/** "Our repos are …", "our test runner is …": the team's own things, in the present tense. */
const TEAM_OWN = /^our (?:[\w-]+ ){1,3}(?:is|are|uses?|runs?|goes|go|gets?|stays?|lives?)\b/i;
/** Verbs after "we" that report a one-off need or state of mind, not a habit. */
const NOT_HABITS: ReadonlySet<string> = new Set(
  'need want have get go think see know try look hope guess feel wonder mean be do'.split(' '),
);

/**
 * A cue that a sentence states how things are always done, read with wink-nlp: a deontic word, a rule
 * label, a quantifier over a class, the team's own things, or the team's habit — "we" opening the
 * main clause, followed
 * (adverbs aside) by a verb in the present tense (its lemma is its form: "we sign off as …", "we keep
 * store credit off the table …"), not a one-off need ("we need to …").
 */
function generalityCue(body: string): boolean {
  // a question without its question mark ("are all the tests passing now")
  if (/^(?:are|is|do|does|did|can|could|should|will|would|have|has|was|were|shall|may)\b/i.test(body))
    return false;
  if (deonticCue(body) || RULE_LABEL.test(body) || ALL_OF.test(body) || TEAM_OWN.test(body)) return true;
  if (!/\bwe\b/i.test(body)) return false;
  for (const s of analyse(body)) {
    const ts = s.tokens;
    for (let i = 0; i < ts.length; i++) {
      if (ts[i]!.normal !== 'we') continue;
      // the main clause's subject: only adverbs, conjunctions or punctuation before it ("while we
      // wait …" is a subordinate clause, not a habit)
      if (ts.slice(0, i).some((k) => !['ADV', 'CCONJ', 'PUNCT', 'INTJ'].includes(k.pos))) continue;
      let j = i + 1;
      while (j < ts.length && (ts[j]!.pos === 'ADV' || ts[j]!.pos === 'PART') && !ts[j]!.negated) j++;
      const v = ts[j];
      if (v && v.pos === 'VERB' && v.normal === v.lemma && !NOT_HABITS.has(v.lemma)) return true;
    }
  }
  return false;
}

/** Answers and status remarks ("Yes, everything looks correct", "Nope, never …"): never a rule. */
const ANSWER =
  /^(?:(?:yes|yeah|yep|yup|sure|ok|okay|correct|right|great|perfect|fine|true|exactly|agreed|absolutely|definitely|of course|thanks|thank you|no problem|sounds good|you're right|you are right|that's (?:right|correct|fine|all|it|great|perfect))\b|(?:no|nope|nah)[,.!])|\beverything (?:is|looks|seems|sounds|was)\b/i;
/** Chat, not a rule: an exclamation or an evaluation ("is always so much fun", "must be frustrating"). */
const CHATTER =
  /!\s*$|\b(?:fun|cool|awesome|amazing|great|happy|happiness|joy|love|loved|lovely|wonderful|beautiful|fantastic|nice|sweet|exciting|excited|scary|scared|frustrating|proud|glad|sad|cute|incredible|energy|tough)\b/i;
/** A narrative about someone or something ("it's always been …", "they always go …"): not a rule. */
const NARRATIVE = /^(?:it|it's|they|they're|he|she|he's|she's|that|that's|this|this is|there|there's)\b/i;
/** A question left without its mark: "why …", "how come …", "should it/we …". */
const UNMARKED_QUESTION =
  /^(?:\w+,?\s+){0,2}?(?:why|how come|should(?:n'?t)? (?:it|we|this|that|they|i))\b|^how (?:to|do|does|did|can|could|should|would|is|are)\b/i;
/**
 * How things are now ("currently the export always uses UTC", "the current default is …", "we are
 * testing libm only"): a state, no rule.
 */
const PRESENT_STATE =
  /^(?:currently|right now|at the moment|at present|as of now|as it stands|the current(?:ly)?)\b|^(?:we|i)(?:'re| are|'m| am) (?!going to\b)\w+ing\b/i;
/** "now …" opening an order: the next step of this task ("now don't resize", "ok now run it"). */
const NOW_LED =
  /^\W*(?:(?:ok(?:ay)?|so|and|but|no|yes|yeah|good|great|right|perfect|thanks)\b[\s,.!-]*)*now\b(?![\s,]+on\b)/i;
/** What happens to the speaker: "I get an error", "I see a blank page", "I keep getting …" (a bug report). */
const UNDERGOES =
  /\bI(?:'m| am)? (?:get|got|getting|see|saw|seeing|receive|received|hit|keep getting|keep seeing|run into|ran into)\b/i;
/** An order on this task's thing over a set of them: "implement it for all systems", "do the same for every endpoint". */
const ON_THIS_FOR_ALL =
  /^(?:(?:please|pls|just|then|so|and)\s+)*(?!keep\b)[a-z]+ (?:it|them|this|that|the same(?: \w+)?)\b.*\b(?:for|to|on|in|across) (?:all|every|each|any)\b/i;
/**
 * An order on a set this task has, said as a bare object: "commit all changes", "iterate all functions",
 * "list all testable functions", "commit and push all repos", "run the tests and fix all warnings". A
 * rule-setting verb ("sign all replies", "keep all …") or a complement of manner or condition ("… all dates as ISO 8601", "… all tests before
 * pushing") still quantifies over a class.
 */
const ORDER_OVER_ALL =
  /^(?:(?:please|pls|just|then|so|and|now|also|ok(?:ay)?)\s+)*(?!(?:keep|make|use|sign|format|log|write|name|prefix|end|start|wrap|put|send|route|treat|give|mark|always|never|do|don|every|each|whenever|from)\b)[a-z]+\b(?:[^,.;]*?(?:,|\band\b|\bthen\b)\s*[a-z]+)?\s+all\s+(?!.*\b(?:as|with|using|via|before|after|when|whenever|if|unless|by default|through|so that)\b)/i;
/**
 * "whenever …", "every time …" with nothing asked of anyone (no order, modal or "you"/"we"): what happens
 * each time ("every time the page reloads the list is empty"), a report, not a rule.
 */
const WHENEVER_REPORT = /^(?:whenever|every ?time|each time)\b/i;
const ASKS_SOMETHING =
  /\b(?:please|you|we|should|must|need to|needs to|have to|has to|don'?t|do not|never|always|make sure)\b/i;
/** The main clause after a condition opening with an order ("…, run the migrations"). */
const THEN_ORDER = /,\s*(?:(?:please|then|just|and)\s+)*[a-z]+ (?:the|a|an|it|them|all|every|any|\w+s)\b/i;

/**
 * True for a sentence that is this task's one-off, not a standing preference, whatever its cue words: a
 * question without its mark, a description of the present state ("currently …"), an order opened by "now", a bug report (what happens to the speaker), an
 * order on this task's thing over a set ("implement it for all systems", "commit all changes"), or a "whenever …" report that
 * asks nothing of anyone.
 * @param raw the sentence as written; `body` the same with its lead-in cut.
 */
function oneOff(raw: string, body: string): boolean {
  return (
    UNMARKED_QUESTION.test(body) ||
    PRESENT_STATE.test(body) ||
    NOW_LED.test(raw) ||
    UNDERGOES.test(body) ||
    ON_THIS_FOR_ALL.test(body) ||
    ORDER_OVER_ALL.test(body) ||
    (WHENEVER_REPORT.test(body) && !ASKS_SOMETHING.test(body) && !THEN_ORDER.test(body))
  );
}

/**
 * Words that insult the one addressed ("stupid", "idiot", "useless", …): a word class of abuse, as
 * sentiment lexicons list it; profanity alone ("ffs") is not in it.
 */
const INSULT =
  '(?:stupid|dumb|idiot(?:ic)?|useless|moron(?:ic)?|incompetent|clueless|hopeless|pathetic|lazy|brainless|worthless|imbecile)';
/** An insult aimed at the agent: "you're still stupid", "you idiot", "stop being so dumb", "are you stupid?". */
const VENTING = new RegExp(
  String.raw`\b(?:you(?:'re|\s+are)?|ur|u\s+r|youre)\s+(?:\w+\s+){0,2}?(?:an?\s+)?${INSULT}\b|\b(?:are|r)\s+(?:you|u)\s+(?:\w+\s+)?${INSULT}\b|\bbeing\s+(?:so\s+|this\s+|such\s+an?\s+)?${INSULT}\b`,
  'i',
);
/** A cue that a statement holds beyond this incident (what venting leaves standing). */
const BEYOND_NOW =
  /\b(?:always|never(?! ?mind\b)|from now on|going forward|in (?:the )?future|next time|every ?time|whenever|by default|in general|anymore|ever again)\b/i;

/**
 * True when a message vents at the agent ({@link VENTING}: "don't revert anything, you're still stupid,
 * figure out …"): anger inside one incident, whose orders are for that incident. Only a statement with a
 * cue of holding beyond now ({@link BEYOND_NOW}: always, never, from now on, next time, …) may still be a
 * rule in such a message; {@link extractPreferences} and `extractFeedback` keep no other.
 */
export function ventsAtAgent(message: string): boolean {
  return VENTING.test(message.replace(/[‘’]/g, "'"));
}

/** True when `text` carries a cue of holding beyond this incident ({@link BEYOND_NOW}). */
export function holdsBeyondNow(text: string): boolean {
  return BEYOND_NOW.test(text);
}

/** Stage directions and speaker labels around quoted speech: `[shares a photo: …]`, `John: …`. */
const TRAILING_ANNOTATION = /\s*\[[^\]\s]*\s[^\]]*\]\s*$/;
const SPEAKER_LABEL = /^[A-Z][a-z]+:\s+(?=\S)/;
/** Capitalised labels that open a line without naming a speaker ("Note: …", "Reminder: …"). */
const NOT_SPEAKERS = new Set(
  (
    'note notes reminder update tip important warning error errors fyi ps question answer context summary ' +
    'todo fix bug edit example output input result results status goal task issue problem solution step ' +
    'steps hint policy also again btw ticket re subject'
  ).split(' '),
);

/**
 * The speaker a message names when a transcript of several people labels each turn (`Audrey: Don't
 * let anything stop you.`), else null. Labels that are ordinary words ("Note:", "Reminder:") name no
 * one.
 */
export function speakerLabel(message: string): string | null {
  const m = /^([A-Z][a-z]+):\s+\S/.exec(message);
  return m && !NOT_SPEAKERS.has(m[1]!.toLowerCase()) ? m[1]! : null;
}

/**
 * A sentence about the speaker or one occasion — first person singular, "this time", or a specific
 * record (an id mixing letters and digits such as `#W2158448` or `04_R1_subgoal_01`, an e-mail address, or personal data
 * already redacted to a marker such as `[EMAIL]`): weak cues do not
 * make it a standing rule.
 */
export const ONE_OFF =
  /\[(?:EMAIL|PHONE|CARD|IBAN|USER_ID)\]|#\w*\d|\b(?=[A-Za-z]*\d)(?=\d*[A-Za-z])[A-Za-z\d]{5,}\b|\b(?=\w*\d)(?=\w*[A-Za-z])\w+_\w+\b|\b[\w.+-]+@[\w-]+\.[\w.-]+/;
/**
 * First-person or here-and-now wording ("I", "my", "this time", "for now", "today"): a sentence that
 * matches speaks about one situation, so it is not a standing rule on its own.
 */
export const PERSONAL =
  /\b(?:i|i'm|i've|i'd|i'll|me|my|mine|myself|us)\b|\bthis (?:time|once|one|order|ticket|reservation|booking|flight|trip|case)\b|\bfor now\b|\bjust (?:this|once)\b|\bright now\b|\btoday\b|\btonight\b/i;

/**
 * True if some sentence of `text` (see {@link splitSentences}) states a typed fact and is not an
 * imperative ("Always deploy to db-2.internal" is a rule): a message part that will go stale when the
 * value changes, so never a rule or feedback to remember.
 */
export function holdsFactStatement(text: string): boolean {
  return splitSentences(text).some((s) => {
    const body = stripLeadIn(s);
    return !IMPERATIVE_START.test(body) && statesFact(body);
  });
}

/**
 * True if the sentence states a typed fact ("CI uses ci-runner:2025.1 for every job", "from now on
 * the staging DB is db-2.internal"): a fact, which may change, not a rule about how to work.
 */
export function statesFact(sentence: string): boolean {
  // a run-on sentence may hide the fact's pattern ("our CI image is X, match that locally staging …")
  if (namesIdentifier(sentence)) return true;
  const f = extractFact(sentence);
  return f !== null && f.type !== 'text' && isChatFact(f);
}

/** Capitalised words that start a sentence (function words and rule verbs), for splitting run-on text. */
const STARTERS = new Set(
  (
    "if when whenever the this that these those we our please also remember note fyi don't do never always " +
    'use stick avoid only no make keep let could can would should just btw heads reminder quick one as ' +
    'thanks thank ok okay so but and there it i my your you he she they his her their for in on at with ' +
    'from by after before what why how where who which is are'
  ).split(' '),
);
/** Words after which a capitalised "I" continues the sentence ("… and I think"). */
const JOINERS = new Set(['and', 'or', 'but', 'so', 'then', 'when', 'if', 'because', 'that', 'where', 'as']);
/** Finite verbs that show a capitalised word begins a clause ("Customers have …", "Staging runs …"). */
const CLAUSE_VERB =
  /^(?:is|are|was|were|has|have|had|go|goes|run|runs|ship|ships|live|lives|use|uses|should|must|can|will|need|needs|happen|happens|moved|changed|switched|get|gets)$/i;
const DETERMINERS = new Set([
  'the',
  'a',
  'an',
  'our',
  'your',
  'my',
  'this',
  'that',
  'their',
  'its',
  'of',
  'to',
  'in',
  'on',
  'at',
  'for',
  'with',
]);

/**
 * Splits one punctuation-delimited piece where a new sentence starts without closing punctuation:
 * before a capitalised sentence starter ("… any new tests If you need …"), before a capitalised word
 * that begins a clause within three words ("… 'The Acme Care Team' Customers have 45 days …"), and
 * before a lowercase "btw"/"fyi". The left part must have ≥ 3 words and must not end inside a noun
 * phrase ("the staging Postgres is …" stays whole).
 */
function splitRunOn(piece: string): string[] {
  const words = [...piece.matchAll(/\S+/g)];
  const cuts: number[] = [];
  let last = 0;
  let quoted = false;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const token = w[0];
    const opens = /^["'‘“]/.test(token);
    const closes = /["'’”][,.:;!?)]*$/.test(token);
    const inQuote = quoted || opens;
    quoted = (quoted || opens) && !(closes && (quoted || token.length > 1));
    if (i < 3 || i - last < 3 || inQuote) continue;
    const prev = words[i - 1]![0];
    let cut = false;
    if (/^(?:btw|fyi)\b/i.test(token)) cut = true;
    else if (/[a-z0-9)\]'"’”]$/.test(prev) && /^[A-Z][a-z]*[,.:;!?]*$/.test(token)) {
      const bare = token.replace(/[,.:;!?]+$/, '');
      const before = words
        .slice(Math.max(last, i - 2), i)
        .map((x) => x[0].toLowerCase().replace(/[^a-z']/g, ''));
      if (before.some((b) => DETERMINERS.has(b))) continue;
      const prevWord = prev.toLowerCase().replace(/[^a-z']/g, '');
      // a starter before a capitalised word opens a name ("signed The Acme Care Team"), not a sentence
      const name = /^[A-Z]/.test(words[i + 1]?.[0] ?? '') && DETERMINERS.has(bare.toLowerCase());
      if (STARTERS.has(bare.toLowerCase()) && !name && !(bare === 'I' && JOINERS.has(prevWord))) cut = true;
      // after a closing quote, a capitalised word starts a new sentence ("… 'The Acme Care Team' Legal …")
      else if (/["'’”]$/.test(prev) && !/^["'‘“]/.test(prev) && bare !== 'I') cut = true;
      // "Legal calls the …": a capitalised word, a verb in -s, then a determiner
      else if (
        /^[a-z]+s$/.test(words[i + 1]?.[0] ?? '') &&
        /^(?:the|a|an|our|their|its|this|that|all|every)$/.test(words[i + 2]?.[0] ?? '')
      )
        cut = true;
      else if (token === bare) {
        for (let k = i + 1; k <= i + 3 && k < words.length; k++) {
          const t = words[k]![0];
          const b = t.replace(/[,.:;!?]+$/, '');
          if (CLAUSE_VERB.test(b)) {
            cut = true;
            break;
          }
          // the subject phrase runs on in lowercase words ("Same-day shipping cutoff is")
          if (b !== t || !/^[a-z0-9][\w-]*$/.test(b)) break;
        }
      }
    }
    if (cut) {
      cuts.push(w.index!);
      last = i;
    }
  }
  if (cuts.length === 0) return [piece];
  const out: string[] = [];
  let from = 0;
  for (const c of cuts) {
    out.push(piece.slice(from, c).trim());
    from = c;
  }
  out.push(piece.slice(from).trim());
  return out.filter((x) => x.length > 0);
}

/**
 * Splits a message into sentences: wink-nlp's sentence boundaries (see `sentenceSpans` in
 * `language.ts`: line breaks, and sentence ends followed by space, never inside a token such as
 * `vi.fn` or a host name), then where a sentence plainly ends without punctuation (see `splitRunOn`).
 * Every sentence is a verbatim substring of the message.
 */
export function splitSentences(text: string): string[] {
  return sentenceSpans(text)
    .flatMap((s) => splitRunOn(s.trim()))
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/**
 * Finds preference and correction sentences in one user message.
 * @returns the matching sentences (verbatim, without a discourse opener such as "Quick note:", ≤ 200
 *   chars, with ≥ 2 content words), in order; none when the message is longer than
 *   {@link MAX_USER_MESSAGE_CHARS} or holds pasted program output (see `holdsProgramOutput` in
 *   `injection.ts`). Sentences in another language (see `isForeign`) are left alone:
 *   English cue words would misread them.
 */
export function extractPreferences(message: string): PreferenceStatement[] {
  // pasted program output (an error report, a log): its sentences are a program's, not the person's
  if (message.length > MAX_USER_MESSAGE_CHARS || holdsProgramOutput(message)) return [];
  const out: PreferenceStatement[] = [];
  const vents = ventsAtAgent(message);
  for (const s of splitSentences(message)) {
    if (s.length < 8 || s.length > 200 || s.endsWith('?')) continue;
    // venting at the agent: only what is said to hold beyond this incident
    if (vents && !holdsBeyondNow(s)) continue;
    const body = stripLeadIn(
      s
        .replace(/^[-*+>]\s+/, '')
        .replace(TRAILING_ANNOTATION, '')
        .replace(SPEAKER_LABEL, ''),
    );
    if (body.length < 8 || body.endsWith('?') || CHATTER.test(body) || oneOff(s, body)) continue;
    let kind: PreferenceStatement['kind'] | null = null;
    const corr = CORRECTION_START.exec(body);
    if (corr && CORRECTION_REST.test(body.slice(corr[0].length))) kind = 'correction';
    else if (ANSWER.test(body)) continue;
    else if (IMPERATIVE_START.test(body)) kind = 'preference';
    // "from now on every CI job uses image X" states a fact (a value that can change), not a rule
    else if ((USE_INSTEAD.test(body) || PREFERENCE_ANYWHERE.test(body)) && !statesFact(body))
      kind = 'preference';
    else if (
      !PERSONAL.test(body) &&
      !ONE_OFF.test(body) &&
      // a redacted credential or personal datum: about one case (weak cues do not make it a rule)
      !REDACTION_MARKER.test(body) &&
      !NARRATIVE.test(body) &&
      (weakCue(body) || contrastCue(body) || generalityCue(body)) &&
      !statesFact(body)
    )
      kind = 'preference';
    if (!kind || (kind === 'correction' && statesFact(body))) continue;
    const tokens = contentTokens(body);
    if (tokens.length < 2 || isForeign(body)) continue;
    out.push({ kind, text: body, tokens });
  }
  return out;
}
