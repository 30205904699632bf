/**
 * A person's reply that answers the agent's question (issue 15): "1. as a new tab 2. yes, same model",
 * "option 2", "go with the second, and use the blue theme", "yes, keep the old endpoint". Such a reply
 * decides something for this task; it states no standing rule, preference or fact unless a sentence of it
 * carries an explicit cue of generality ({@link saysForGood}: always, never …, from now on, in future,
 * every time, by default …).
 *
 * - The agent asks ({@link asksPerson}) when its message, outside code, holds a question (a sentence
 *   ending in `?`, anywhere in it), asks to choose or confirm ("let me know which …"), or offers options (two or more lines labelled "Option 1", "Option A",
 *   "A)" …).
 * - A reply answers in form ({@link answerForm}) when it opens with numbered answers (a number label,
 *   then another one later: "1 as new tab, 2 yes …", "1. … \n2. …"), picks an option ("the second one",
 *   "#3", "B", "both", "neither") or names one anywhere ("… also option 2 sounds great"), opens with yes
 *   or no ("yes, …", "nope", "sure", "ok"), or says which to take ("go with …", "let's go with …", "I'll
 *   take …").
 */

/** Fenced code (``` or ~~~ blocks) and inline code spans, whose `?` is no question. */
const CODE = /(?:```|~~~)[\s\S]*?(?:```|~~~)|`[^`\n]*`/g;
/** A question: `?` ending a sentence (then a space, a line end, the end, or closing marks). */
const QUESTION = /[\p{L}\p{N})\]"'’”*_]\s*[?？](?=[\s*_)"'’”]|$)/u;
/** A line labelling one option: "Option 2:", "**Option B** –", "A) …", "(b) …". */
const OPTION_LINE =
  /^\s*(?:[-*]\s*)?(?:\*\*)?(?:option|choice|approach|alternative)\s+(?:\d+|[A-D])\b|^\s*(?:\*\*)?\(?[A-D]\)\s+\S/gim;

/** Asking without a question mark: "let me know which …", "tell me which …", "please confirm/choose …". */
const ASKS_WHICH = /\b(?:let me know|tell me) which\b|\bplease (?:confirm|clarify|choose|pick|select)\b/i;

/**
 * True when the agent's message asks the person something: a question anywhere outside code, a request
 * to choose or confirm ({@link ASKS_WHICH}), or two or more labelled options (see the module comment).
 * @example asksPerson('I updated the schema. Should I also migrate the old rows, or leave them?') // true
 * @example asksPerson('Done: `a ? b : c` now reads better.') // false
 */
export function asksPerson(agentText: string): boolean {
  const prose = agentText.replace(CODE, ' ');
  if (QUESTION.test(prose) || ASKS_WHICH.test(prose)) return true;
  return (prose.match(OPTION_LINE) ?? []).length >= 2;
}

/** A number label opening the reply or one of its items: "1 ", "1.", "1)", "1 -", "#1", "(1)", "Q1:". */
const NUMBER_LABEL = String.raw`(?:#|\(|q|a)?\d{1,2}(?:[.):]|\s|-\s)`;
/** The reply opens with a number label and has another one after a separator or a line break. */
const NUMBERED_ANSWERS = new RegExp(
  String.raw`^\s*${NUMBER_LABEL}[\s\S]*?(?:[,;.]\s*|\n\s*|\s{2,})${NUMBER_LABEL}`,
  'i',
);
/** An offered option named anywhere in the reply: "option 2", "approach B", "choice #3". */
const NAMES_OPTION = /\b(?:option|approach|choice|alternative)\s*#?\s*(?:\d{1,2}|[A-D])\b/i;
/** Leading words that pick one of the options offered. */
const PICK =
  /^\W*(?:(?:ok(?:ay)?|so|then|hmm+|well|i think|i'd say|let'?s|lets|please|just)\b[\s,.]*)*(?:(?:go|going|went) (?:with|for)\b|(?:i'?ll |we'?ll )?(?:take|pick|choose) (?:the |option |#)?(?:\d|first|second|third|fourth|last|former|latter|[a-d]\b)|option\s*#?\s*(?:\d+|[a-d])\b|(?:the )?(?:first|second|third|fourth|last|former|latter)(?:\s+(?:one|option|approach|choice|way)\b|\s*(?:[.!]|$))|#?\d{1,2}\s*(?:[.,!]|$)|[a-d](?:\)|\s*[.,!]|\s*$)|both\b|neither\b|either\b)/i;
/** A reply opening with yes or no, or an assent. */
const YES_NO =
  /^\W*(?:yes|yeah|yep|yup|ya|yea|no|nope|nah|sure|ok|okay|k|correct|right|exactly|absolutely|definitely|of course|sounds good|do it|go ahead|proceed|please do|not yet|not now)\b(?![-'])/i;

/**
 * True when a reply has the form of an answer to the agent's question (see the module comment).
 * @example answerForm('1 as a new tab, 2 yes same model') // true
 * @example answerForm("don't create separate documents, put it into the existing one") // false
 */
export function answerForm(reply: string): boolean {
  return NUMBERED_ANSWERS.test(reply) || PICK.test(reply) || YES_NO.test(reply) || NAMES_OPTION.test(reply);
}

/**
 * Cues that a sentence holds beyond this task, strong enough to read inside an answer: "from now on",
 * "in (the) future", "going forward", "every time", "each time", "whenever", "next time", "by default",
 * "in general", "as a rule", "(don't|do not) ever", "for all/every/any project(s)/repo(s)/session(s)",
 * "ever" closing the sentence after a comma or dash ("don't just agree with me - ever."),
 * and "always" / "never" opening a clause (at the start or after a comma, semicolon, colon or dash, a
 * yes, a no or a conjunction between: "yes, and always …", "…, and never write …"), not inside a report
 * ("it never worked").
 */
const FOR_GOOD =
  /[,;–—-]\s*ever\W*$|\b(?:from now on|going forward|in (?:the )?future|every ?time|each time|whenever|next time|by default|in general|as a rule|(?:don'?t|do not) ever|(?:for|in|across) (?:all|every|any) (?:(?:of )?(?:the|my|our) )?(?:projects?|repos?|repositories|sessions?|tasks?|codebases?))\b|(?:^|[,;:–—-])\W*(?:(?:yes|yeah|yep|no|nope|ok(?:ay)?|sure|and|but|also|so|then|please|just|oh)\b[\s,.!;:-]*)*(?:always|never)\b(?! ?mind)/i;

/**
 * True when `sentence` carries an explicit cue of holding beyond this task ({@link FOR_GOOD}): what a
 * sentence inside an answer needs to be a standing rule, preference or fact.
 * @example saysForGood('yes, and from now on squash the commits') // true
 * @example saysForGood('nope it never worked') // false
 */
export function saysForGood(sentence: string): boolean {
  return FOR_GOOD.test(sentence);
}
