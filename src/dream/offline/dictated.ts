/**
 * Dictated turns (issue 15): a long message with very little punctuation for its length, as
 * speech-to-text writes it ("ok so I want to add another test to check that a delta is sent right after
 * a backfill if there are local changes and we need to …"). The sentence splitter (`splitSentences` in
 * `preferences.ts`) cuts such a message at guessed boundaries, and a fragment reads like a rule or a fact
 * the person never stated on its own; so none is read from it unless the fragment carries an explicit
 * cue of generality (`saysForGood` in `answers.ts`: from now on, every time, by default, always or never
 * opening a clause …), as in an answer to the agent's question.
 *
 * Measured on the real Claude Code sessions that may be read (/work/blind, /work/heldout/claude-code,
 * ../shared/data; 499 user messages of 30 words or more): words per sentence (words over one more than
 * the sentence ends inside the message, a line break counting as one) has median 11.5, 80th percentile
 * 19, 90th 30, 95th 46; messages at 25 or more are run-on requests and dictation, and none of the
 * statements labelled there as a person's rule comes from one (the longest labelled one without a full
 * stop has 26 words, under {@link DICTATED_MIN_WORDS}).
 */

/** Words (separated by white space) a message needs before its punctuation is judged. */
export const DICTATED_MIN_WORDS = 30;
/** Words per sentence at or above which a long message counts as dictated. */
export const DICTATED_WORDS_PER_SENTENCE = 25;

/** A sentence end inside a message: `.`, `!`, `?`, `;` (or their CJK forms) before a space. */
const SENTENCE_END = /[.!?;。！？；…](?=\s)/g;

/**
 * True when `text` is a dictated turn: at least {@link DICTATED_MIN_WORDS} words and at least
 * {@link DICTATED_WORDS_PER_SENTENCE} words per sentence (sentence ends inside it and line breaks
 * between non-empty lines, plus one).
 * @example dictated('so the idea is that when the goal date changes and there is data in older months we need to clear that out and then recompute the totals for the months after it and the device copy has to follow') // true
 */
export function dictated(text: string): boolean {
  const words = text.trim().split(/\s+/).length;
  if (words < DICTATED_MIN_WORDS) return false;
  const body = text.trim();
  const ends = (body.match(SENTENCE_END) ?? []).length;
  const lines = body.split('\n').filter((l) => l.trim()).length - 1;
  return words / (ends + lines + 1) >= DICTATED_WORDS_PER_SENTENCE;
}
