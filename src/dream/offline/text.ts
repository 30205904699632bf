/**
 * Small text utilities shared by the offline extractors: content-word tokenization with a crude
 * suffix stripper, short verbatim quotes, slugs and a deterministic string order.
 */

/** English function words ignored when comparing statements (a short, fixed list). */
export const STOPWORDS: ReadonlySet<string> = new Set(
  (
    'a an the and or but if then else of to in on at by for with from into onto as is are was were be been being ' +
    'it its this that these those there here we our us you your i me my he she they them their his her ' +
    'do does did done have has had will would shall should can could may might must so such than too very ' +
    'just also about over under up down out off again once all any both each few more most other some no nor ' +
    'not only own same what which who whom when where why how please'
  ).split(' '),
);

/**
 * Strips a few common English suffixes (`-ing`, `-ed`, `-es`, `-s`) so that "deploys"/"deploy" and
 * "installing"/"install" compare equal. A deliberately crude subset of the Porter stemmer (Porter 1980);
 * only used for similarity keys, never for text shown to people.
 */
export function stem(word: string): string {
  if (word.length > 5 && word.endsWith('ing')) return word.slice(0, -3);
  if (word.length > 4 && word.endsWith('ied')) return `${word.slice(0, -3)}y`;
  if (word.length > 4 && word.endsWith('ed')) return word.slice(0, -2);
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 4 && /(?:ch|sh|x|ss)es$/.test(word)) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss') && !word.endsWith('us'))
    return word.slice(0, -1);
  return word;
}

/**
 * Lowercased word tokens of `text`: runs of letters/digits/underscore, plus template placeholders such as
 * `<N>` or `<ID>` kept as single tokens. No stopword removal, no stemming.
 */
export function wordTokens(text: string): string[] {
  return text.toLowerCase().match(/<[a-z]+>|[\p{L}\p{N}_]+/gu) ?? [];
}

/**
 * The comparison key of a statement: its word tokens without stopwords, stemmed, as a sorted,
 * de-duplicated array (a token set). Used for Jaccard similarity.
 */
export function contentTokens(text: string): string[] {
  const out = new Set<string>();
  for (const w of wordTokens(text)) {
    if (STOPWORDS.has(w)) continue;
    out.add(stem(w));
  }
  return [...out].sort();
}

/**
 * A verbatim prefix of `text` of at most `max` characters (default 200), cut at a word boundary when
 * one is near, with surrounding whitespace trimmed. The result is always a substring of `text`.
 */
export function shortQuote(text: string, max = 200): string {
  const t = text.trim();
  if (t.length <= max) return t;
  const cut = t.slice(0, max);
  const sp = cut.lastIndexOf(' ');
  return (sp > max * 0.6 ? cut.slice(0, sp) : cut).trimEnd();
}

/**
 * Shortens `text` for display to at most `max` characters, appending `…` when cut (not verbatim).
 */
export function ellipsize(text: string, max: number): string {
  const t = text.replace(/\s+/g, ' ').trim();
  if (t.length <= max) return t;
  const cut = t.slice(0, Math.max(1, max - 1));
  const sp = cut.lastIndexOf(' ');
  return `${(sp > max * 0.6 ? cut.slice(0, sp) : cut).trimEnd()}…`;
}

/**
 * A file-name slug: lowercase ASCII letters and digits joined by `-`, at most `max` characters
 * (default 48), cut at a `-`; `fallback` when nothing is left.
 */
export function fileSlug(text: string, max = 48, fallback = 'memory'): string {
  let s = text
    .normalize('NFKD')
    .toLowerCase()
    .replace(/<[a-z]+>/g, ' ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (s.length > max) {
    s = s.slice(0, max);
    const dash = s.lastIndexOf('-');
    if (dash > max / 2) s = s.slice(0, dash);
    s = s.replace(/-+$/g, '');
  }
  return s || fallback;
}

/**
 * Code-unit string comparison for `Array.prototype.sort`: locale-independent, so the order is the
 * same on every machine (unlike `localeCompare`).
 */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Rounds to 2 decimals (confidences and ratios in output, so they serialize identically everywhere). */
export function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/**
 * Discourse openers that carry no content ("FYI", "heads up:", "Quick note:", "Policy reminder:",
 * "btw", "Also,", "As always,", "One more thing:", "Note that", "PS:"), matched at the start of a
 * sentence, case-insensitively.
 */
const LEAD_IN =
  /^(?:(?:fyi|btw|by the way|ps|p\.s\.|also|oh and|as always|as usual|one more thing|just so you know|heads[- ]up|note that|remember that|keep in mind(?: that)?)\b[\s:,!-]*|(?:(?:so|ok|okay|and|quick|friendly|important|policy|small|side) )?(?:reminder|note|update|tip|so|ok|okay)\s*[:,-]\s*)/i;

/**
 * Strips discourse openers (see {@link LEAD_IN}) from the start of a sentence, repeatedly ("Also,
 * quick note: …"). The result is a suffix of `sentence` (verbatim), so it can still be quoted.
 * @example stripLeadIn('Also, policy reminder: the return window is 45 days.') === 'the return window is 45 days.'
 */
export function stripLeadIn(sentence: string): string {
  let s = sentence.trim();
  for (let i = 0; i < 4; i++) {
    const m = LEAD_IN.exec(s);
    if (!m || m[0].length >= s.length) break;
    s = s.slice(m[0].length);
  }
  return s;
}

/**
 * English number words and their values, for the extractors that read counts written as words
 * ("two days", "in three weeks", "fourteen days"). Each caller's own pattern decides which words it
 * accepts; this is only the lookup.
 */
export const NUMBER_WORDS: Readonly<Record<string, number>> = {
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  fourteen: 14,
  fifteen: 15,
  twenty: 20,
  thirty: 30,
  sixty: 60,
  ninety: 90,
};

/**
 * A count with its noun, singular for one: `counted(1, 'session')` → "1 session", `counted(3,
 * 'session')` → "3 sessions" (`plural` for irregular nouns).
 */
export function counted(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}
