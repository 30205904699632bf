/**
 * Words in a person's message that are not the person's own: text quoted back (inside quotation marks)
 * and sentences that repeat what the agent just said or wrote (issue 15). A person pasting the agent's
 * draft copy, its plan, or a line of documentation into their message ("you wrote: 'Always retry three
 * times before giving up' — where did that come from?") states no rule, preference or fact of theirs;
 * their own sentences around it still count.
 *
 * A sentence (see `splitSentences` in `preferences.ts`) is passed over when
 * - at least half of its words sit inside one or more quotations of {@link QUOTED_MIN_WORDS} words or
 *   more (`"…"`, `“…”`, `„…“`, `«…»`, `‘…’`, `「…」`); a short quotation names a thing ("use the 'type of
 *   sync' parameter") and leaves the sentence the person's; or
 * - it repeats the agent's recent words (its messages and the text it wrote into files since the person's
 *   previous turn): a run of {@link ECHO_RUN} words in a row, or — for a sentence of at least
 *   {@link ECHO_MIN_TERMS} content words — {@link ECHO_SHARE} of its content words in the same order
 *   within one sentence of the agent's (longest common subsequence of `contentTokens` stems).
 * Markdown quotation lines (`> …`) are blanked before, by `withoutQuotedData` in `injection.ts`.
 */
import { splitSentences } from './preferences.js';
import { contentTokens } from './text.js';

/** Words a quotation must hold to be someone else's text rather than a name (`"type of sync"`). */
export const QUOTED_MIN_WORDS = 4;
/** Words in a row shared with the agent's recent words that make a sentence a repetition of them. */
export const ECHO_RUN = 6;
/** Content words a sentence needs before its share of the agent's words in order is read. */
export const ECHO_MIN_TERMS = 4;
/** Share of a sentence's content words found in order in one sentence of the agent's. */
export const ECHO_SHARE = 0.8;
/** Most characters of the agent's recent words read (the rest of a long file it wrote is not compared). */
const MAX_AGENT_CHARS = 60_000;

/** Quotation pairs: opening mark → closing marks. */
const QUOTE_PAIRS: Record<string, string> = {
  '"': '"',
  '“': '”"',
  '„': '“”"',
  '«': '»',
  '‘': '’',
  '「': '」',
  '『': '』',
};

/** Words of a text for runs: letters and digits, lower-cased, with inner apostrophes and hyphens. */
function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu) ?? [];
}

/**
 * The character ranges `[from, to)` of the quotations (marks included) in `text` holding at least
 * {@link QUOTED_MIN_WORDS} words. A quotation does not cross a blank line; an unclosed one is none. A
 * straight `'` is never read as a quotation mark (it is an apostrophe as often as not).
 */
export function quotedRanges(text: string): [number, number][] {
  const out: [number, number][] = [];
  let i = 0;
  while (i < text.length) {
    const closers = QUOTE_PAIRS[text[i]!];
    // an opening mark starts a word: after a space, a line start or an opening bracket / colon
    if (closers === undefined || (i > 0 && !/[\s([{:—–-]/.test(text[i - 1]!))) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < text.length && !closers.includes(text[j]!) && !(text[j] === '\n' && text[j + 1] === '\n')) j++;
    if (j >= text.length || !closers.includes(text[j]!)) {
      i++;
      continue;
    }
    if (words(text.slice(i + 1, j)).length >= QUOTED_MIN_WORDS) out.push([i, j + 1]);
    i = j + 1;
  }
  return out;
}

/** Length of the longest common subsequence of two token lists. */
function lcs(a: readonly string[], b: readonly string[]): number {
  let prev = new Array<number>(b.length + 1).fill(0);
  for (const x of a) {
    const row = new Array<number>(b.length + 1).fill(0);
    for (let k = 0; k < b.length; k++)
      row[k + 1] = x === b[k] ? prev[k]! + 1 : Math.max(prev[k + 1]!, row[k]!);
    prev = row;
  }
  return prev[b.length]!;
}

/**
 * What a person's sentence is compared with: the agent's recent words as runs of {@link ECHO_RUN} words
 * and as the content-token lists of its sentences (cut at `.`, `!`, `?` or a line break).
 */
export class AgentWords {
  readonly #runs = new Set<string>();
  readonly #sentences: string[][] = [];
  readonly #terms = new Set<string>();

  /** @param texts the agent's messages and written text since the person's previous turn. */
  constructor(texts: readonly string[]) {
    let left = MAX_AGENT_CHARS;
    for (const t of texts) {
      if (left <= 0) break;
      const text = t.slice(0, left);
      left -= text.length;
      for (const part of text.split(/[.!?。！？]+(?=\s|$)|\n+/)) {
        const w = words(part);
        for (let k = 0; k + ECHO_RUN <= w.length; k++) this.#runs.add(w.slice(k, k + ECHO_RUN).join(' '));
        const terms = contentTokens(part);
        if (terms.length === 0) continue;
        this.#sentences.push(terms);
        for (const x of terms) this.#terms.add(x);
      }
    }
  }

  /** True when nothing was said or written. */
  get empty(): boolean {
    return this.#sentences.length === 0;
  }

  /** True when `sentence` repeats these words (see the module comment). */
  echoedBy(sentence: string): boolean {
    const w = words(sentence);
    for (let k = 0; k + ECHO_RUN <= w.length; k++)
      if (this.#runs.has(w.slice(k, k + ECHO_RUN).join(' '))) return true;
    const terms = contentTokens(sentence);
    if (terms.length < ECHO_MIN_TERMS) return false;
    const need = Math.ceil(terms.length * ECHO_SHARE);
    // a quick bound before the quadratic check: enough of its terms must occur at all
    if (terms.filter((x) => this.#terms.has(x)).length < need) return false;
    return this.#sentences.some((s) => s.length >= need && lcs(terms, s) >= need);
  }
}

/**
 * `text` with the sentences that are not the person's own blanked (each character but line breaks
 * replaced by a space, so offsets and the other sentences stay as written): sentences that lie at least
 * half inside long quotations ({@link quotedRanges}), and sentences that repeat the agent's recent
 * words ({@link AgentWords}). Text without such a sentence is returned unchanged.
 * @param text a person's message (already redacted and stripped of delimited data).
 * @param agent the agent's words since the person's previous turn.
 * @example withoutEchoes('You wrote "retry three times before giving up". Never do that.', new AgentWords([]))
 * // → the first sentence blanked, "Never do that." kept
 */
export function withoutEchoes(text: string, agent: AgentWords): string {
  const quoted = quotedRanges(text);
  if (quoted.length === 0 && agent.empty) return text;
  const inQuote = (at: number) => quoted.some(([a, b]) => at >= a && at < b);
  const blank: [number, number][] = [];
  let cursor = 0;
  for (const s of splitSentences(text)) {
    const at = text.indexOf(s, cursor);
    if (at < 0) continue;
    cursor = at + s.length;
    const starts = [...s.matchAll(/\S+/g)].map((m) => at + m.index!);
    const inside = starts.filter(inQuote).length;
    if ((inside > 0 && inside * 2 >= starts.length) || (!agent.empty && agent.echoedBy(s)))
      blank.push([at, at + s.length]);
  }
  if (blank.length === 0) return text;
  let out = '';
  let from = 0;
  for (const [a, b] of blank) {
    out += text.slice(from, a) + text.slice(a, b).replace(/[^\n]/g, ' ');
    from = b;
  }
  return out + text.slice(from);
}
