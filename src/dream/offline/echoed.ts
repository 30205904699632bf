/**
 * Words in a person's message that are not the person's own: text quoted back (inside quotation marks)
 * and sentences that repeat what the agent just said or wrote (issue 15). A person pasting the agent's
 * draft copy, its plan, or a line of documentation into their message ("you wrote: 'Always retry three
 * times before giving up' — where did that come from?") states no rule, preference or fact of theirs;
 * their own sentences around it still count.
 *
 * A sentence (see `splitSentences` in `preferences.ts`) is passed over when
 * - most of its content words repeat one sentence of the agent's recent words (its messages and the text
 *   it wrote into files since the person's previous turn) in order: {@link ECHO_SHARE} of at least
 *   {@link ECHO_MIN_TERMS} content words (longest common subsequence of `contentTokens` stems) and it
 *   adds no directing word of its own (a negation, a cue of generality, "please": "no top-level tests
 *   directory please" after "I put the tests in a top-level tests/ directory" turns the agent's words
 *   around, it does not repeat them); or
 * - it holds someone else's words — a quotation (`"…"`, `“…”`, `„…“`, `«…»`, `‘…’`, `'…'`, `「…」`) of at
 *   least {@link QUOTED_MIN_WORDS} words that holds a sentence end, runs to {@link QUOTED_LONG_WORDS}
 *   words or repeats the agent, or a run of {@link ECHO_RUN} words the agent just said or wrote — and
 *   the rest of it, those words set aside, states no rule of its own ("You wrote '…'", "The handbook
 *   says '…'", a sentence inside the quotation). A frame that is a rule keeps its example: "Don't leave
 *   comments like '// CHANGED: fixed it here'" corrects the agent whose comment it quotes. A short
 *   quotation names a thing ("use the 'type of sync' parameter") and is the person's.
 * Markdown quotation lines (`> …`) are blanked before, by `withoutQuotedData` in `injection.ts`.
 */
import { splitSentences } from './preferences.js';
import { contentTokens } from './text.js';

/** Words a quotation must hold to be someone else's text rather than a name (`"type of sync"`). */
export const QUOTED_MIN_WORDS = 4;
/** Words from which a quotation is someone else's text even without a sentence end in it. */
export const QUOTED_LONG_WORDS = 10;
/** A sentence end inside a quotation: `.`, `!` or `?` before a space or at its end. */
const QUOTED_SENTENCE_END = /[\p{L}\p{N})\]][.!?。！？](?:\s|$)/u;
/** Words in a row shared with the agent's recent words that make a sentence a repetition of them. */
export const ECHO_RUN = 6;
/** Content words a sentence needs before its share of the agent's words in order is read. */
export const ECHO_MIN_TERMS = 4;
/** Share of a sentence's content words found in order in one sentence of the agent's. */
export const ECHO_SHARE = 0.8;
/** Most characters of the agent's recent words read (the rest of a long file it wrote is not compared). */
const MAX_AGENT_CHARS = 60_000;

/** Words that direct or turn around what was said (a negation, a cue of generality, "please"). */
const DIRECTS = /\b(?:no|not|never|don'?t|dont|stop|always|instead|please|pls)\b|n't\b/gi;

/** The directing words ({@link DIRECTS}) of a text, lower-cased ("don't" and "n't" as "not"). */
function directing(text: string): Set<string> {
  return new Set(
    [...text.replace(/[’]/g, "'").matchAll(DIRECTS)].map((m) =>
      /^(?:n't|don'?t|dont)$/i.test(m[0]) ? 'not' : m[0].toLowerCase(),
    ),
  );
}

/** Quotation pairs: opening mark → closing marks. */
const QUOTE_PAIRS: Record<string, string> = {
  '"': '"',
  '“': '”"',
  '„': '“”"',
  '«': '»',
  '‘': '’',
  "'": "'’",
  '「': '」',
  '『': '』',
};

/** A word for runs: letters and digits, with inner apostrophes and hyphens. */
const WORD = /[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu;

/** Words of a text for runs, lower-cased. */
function words(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

/** Words of a text for runs, lower-cased, with their character ranges `[from, to)`. */
function wordSpans(text: string): { w: string; from: number; to: number }[] {
  return [...text.matchAll(WORD)].map((m) => ({
    w: m[0].toLowerCase(),
    from: m.index!,
    to: m.index! + m[0].length,
  }));
}

/** Closing marks that are also apostrophes: they close a quotation only where no letter or digit follows. */
const APOSTROPHES = "'’";

/** True when `text[j]` closes a quotation opened by a mark whose closing marks are `closers`. */
function closes(text: string, j: number, closers: string): boolean {
  const c = text[j]!;
  if (!closers.includes(c)) return false;
  return !APOSTROPHES.includes(c) || !/[\p{L}\p{N}]/u.test(text[j + 1] ?? '');
}

/**
 * The character ranges `[from, to)` of the quotations (marks included) in `text` that quote someone
 * else's text: at least {@link QUOTED_MIN_WORDS} words with a sentence end in them, or at least
 * {@link QUOTED_LONG_WORDS} words, or (given `agent`) repeating the agent's words (all of them in a row,
 * or as {@link AgentWords.echoedBy} reads a sentence). A quotation opens where a word starts and does not cross a blank line;
 * an unclosed one is none. A straight or curly single quote closes one only where no letter follows
 * (so "don't" inside `'…'` is an apostrophe).
 */
export function quotedRanges(text: string, agent?: AgentWords): [number, number][] {
  const out: [number, number][] = [];
  let i = 0;
  while (i < text.length) {
    const closers = QUOTE_PAIRS[text[i]!];
    // an opening mark starts a word: after a space, a line start or an opening bracket / colon
    if (
      closers === undefined ||
      (i > 0 && !/[\s([{:—–-]/.test(text[i - 1]!)) ||
      /\s/.test(text[i + 1] ?? ' ')
    ) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < text.length && !closes(text, j, closers) && !(text[j] === '\n' && text[j + 1] === '\n')) j++;
    if (j >= text.length || !closes(text, j, closers)) {
      i++;
      continue;
    }
    const inner = text.slice(i + 1, j);
    const n = words(inner).length;
    if (
      n >= QUOTED_MIN_WORDS &&
      (n >= QUOTED_LONG_WORDS ||
        QUOTED_SENTENCE_END.test(inner) ||
        agent?.contains(inner) === true ||
        agent?.echoedBy(inner) === true)
    )
      out.push([i, j + 1]);
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
  /** The directing words ({@link DIRECTS}) of each of `#sentences`, lower-cased. */
  readonly #directing: Set<string>[] = [];
  readonly #terms = new Set<string>();
  /** The agent's words in a row, each text between spaces (for {@link AgentWords.contains}). */
  #joined = ' ';

  /** @param texts the agent's messages and written text since the person's previous turn. */
  constructor(texts: readonly string[]) {
    let left = MAX_AGENT_CHARS;
    for (const t of texts) {
      if (left <= 0) break;
      const text = t.slice(0, left);
      left -= text.length;
      this.#joined += `${words(text).join(' ')} | `;
      for (const part of text.split(/[.!?。！？]+(?=\s|$)|\n+/)) {
        const w = words(part);
        for (let k = 0; k + ECHO_RUN <= w.length; k++) this.#runs.add(w.slice(k, k + ECHO_RUN).join(' '));
        const terms = contentTokens(part);
        if (terms.length === 0) continue;
        this.#sentences.push(terms);
        this.#directing.push(directing(part));
        for (const x of terms) this.#terms.add(x);
      }
    }
  }

  /** True when nothing was said or written. */
  get empty(): boolean {
    return this.#sentences.length === 0;
  }

  /** True when all the words of `quoted` occur in a row in the agent's words. */
  contains(quoted: string): boolean {
    const w = words(quoted);
    return w.length > 0 && this.#joined.includes(` ${w.join(' ')} `);
  }

  /** True when `sentence` repeats these words (see the module comment). */
  echoedBy(sentence: string): boolean {
    return this.sharedRuns(sentence).length > 0 || this.inOrder(sentence);
  }

  /**
   * The character ranges `[from, to)` of `sentence` covered by runs of {@link ECHO_RUN} words or more
   * that the agent's words hold too (overlapping runs merged).
   */
  sharedRuns(sentence: string): [number, number][] {
    const w = wordSpans(sentence);
    const out: [number, number][] = [];
    for (let k = 0; k + ECHO_RUN <= w.length; k++) {
      if (
        !this.#runs.has(
          w
            .slice(k, k + ECHO_RUN)
            .map((x) => x.w)
            .join(' '),
        )
      )
        continue;
      const from = w[k]!.from;
      const to = w[k + ECHO_RUN - 1]!.to;
      const last = out[out.length - 1];
      if (last && from <= last[1]) last[1] = to;
      else out.push([from, to]);
    }
    return out;
  }

  /**
   * True when a sentence of at least {@link ECHO_MIN_TERMS} content words has {@link ECHO_SHARE} of
   * them in the same order within one sentence of the agent's (longest common subsequence).
   */
  inOrder(sentence: string): boolean {
    const terms = contentTokens(sentence);
    if (terms.length < ECHO_MIN_TERMS) return false;
    const need = Math.ceil(terms.length * ECHO_SHARE);
    // a quick bound before the quadratic check: enough of its terms must occur at all
    if (terms.filter((x) => this.#terms.has(x)).length < need) return false;
    // (the agent's words turned around, a directing word of the person's own added, are no repetition:
    // "no top-level tests directory please" after "I put the tests in a top-level tests/ directory")
    const own = directing(sentence);
    return this.#sentences.some(
      (s, i) =>
        s.length >= need && lcs(terms, s) >= need && [...own].every((w) => this.#directing[i]!.has(w)),
    );
  }
}

/**
 * `text` with the sentences that are not the person's own blanked (each character but line breaks
 * replaced by a space, so offsets and the other sentences stay as written). A sentence is not the
 * person's when most of its content words repeat one sentence of the agent's in order
 * ({@link AgentWords.inOrder}), or when it holds someone else's words — a quotation of someone else's
 * text ({@link quotedRanges}) or a run of words the agent just said or wrote ({@link AgentWords.sharedRuns})
 * — and what is left of it, those words replaced by `…`, states nothing itself (`framesRule` says
 * whether it does: "Don't leave comments like '…'" still corrects the agent, "You wrote '…'" and a
 * sentence inside the quotation say nothing). Text without such a sentence is returned unchanged.
 * @param text a person's message (already redacted and stripped of delimited data).
 * @param agent the agent's words since the person's previous turn.
 * @param framesRule whether a sentence (its quoted or repeated words replaced by `…`) is a rule or a
 *   preference of its own; by default none is.
 * @example withoutEchoes('You wrote "retry three times before giving up." Never do that.', new AgentWords([]))
 * // → the first sentence blanked, "Never do that." kept
 */
export function withoutEchoes(
  text: string,
  agent: AgentWords,
  framesRule: (frame: string) => boolean = () => false,
): string {
  const quoted = quotedRanges(text, agent.empty ? undefined : agent);
  if (quoted.length === 0 && agent.empty) return text;
  const blank: [number, number][] = [];
  let cursor = 0;
  for (const s of splitSentences(text)) {
    const at = text.indexOf(s, cursor);
    if (at < 0) continue;
    cursor = at + s.length;
    if (!agent.empty && agent.inOrder(s)) {
      blank.push([at, at + s.length]);
      continue;
    }
    const marked = [
      ...quoted
        .filter(([a, b]) => a < at + s.length && b > at)
        .map(([a, b]): [number, number] => [Math.max(a, at) - at, Math.min(b, at + s.length) - at]),
      ...(agent.empty ? [] : agent.sharedRuns(s)),
    ].sort((x, y) => x[0] - y[0]);
    if (marked.length > 0 && !framesRule(frameOf(s, marked))) blank.push([at, at + s.length]);
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

/** `sentence` with the (sorted, possibly overlapping) ranges `marked` replaced by `…`. */
function frameOf(sentence: string, marked: readonly [number, number][]): string {
  let out = '';
  let from = 0;
  for (const [a, b] of marked) {
    if (b <= from) continue;
    out += `${sentence.slice(from, Math.max(a, from))}…`;
    from = b;
  }
  return (out + sentence.slice(from)).trim();
}
