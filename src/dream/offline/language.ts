/**
 * The English language model the offline engine reads people's words with: sentence splitting,
 * part-of-speech tags, lemmas, negation and sentiment from wink-nlp with its bundled light English model
 * (wink-eng-lite-web-model; no download at run time), loaded once, on first use; and the language of a
 * text from eld (Efficient Language Detector, its `extrasmall` n-gram database, shipped in the package),
 * so that a person's words in another language are left alone instead of being misread by English rules.
 *
 * Sources: wink-nlp (https://winkjs.org/wink-nlp/), its `its.pos` (Universal POS tags), `its.lemma`,
 * `its.negationFlag` and `its.sentiment` (a lexicon score in [-1, 1]); eld
 * (https://github.com/nitotm/efficient-language-detector-js), `detect(text).language` (ISO 639-1) and
 * `isReliable()`.
 */

import { eld } from 'eld/extrasmall';
import model from 'wink-eng-lite-web-model';
import winkNLP, { type ItemSentence, type WinkMethods } from 'wink-nlp';

/** One token of an analysed sentence. */
export interface Token {
  /** The token as written. */
  text: string;
  /** Lower-cased normal form. */
  normal: string;
  lemma: string;
  /** Porter stem (wink-nlp's `its.stem`, Porter2): "escalated", "escalation" → "escal". */
  stem: string;
  /** Universal POS tag (VERB, AUX, PRON, NOUN, ADJ, ADV, PART, SCONJ, INTJ, PUNCT, …). */
  pos: string;
  /** True inside the scope of a negation ("do not *create* …"). */
  negated: boolean;
}

/** One analysed sentence. */
export interface Sentence {
  text: string;
  tokens: Token[];
  /** Sentiment in [-1, 1] (negative: criticism, complaint). */
  sentiment: number;
}

let nlp: WinkMethods | null = null;

function model_(): WinkMethods {
  nlp ??= winkNLP(model);
  return nlp;
}

/** Splits `text` into analysed sentences. */
export function analyse(text: string): Sentence[] {
  const n = model_();
  const its = n.its;
  // wink's typings declare its.lemma with an extra `addons` parameter that `out` supplies itself
  const lemma = its.lemma as unknown as typeof its.normal;
  const out: Sentence[] = [];
  n.readDoc(text)
    .sentences()
    .each((s: ItemSentence) => {
      const ts = s.tokens();
      const texts = ts.out();
      const normals = ts.out(its.normal);
      const lemmas = ts.out(lemma);
      const stems = ts.out(its.stem as unknown as typeof its.normal);
      const pos = ts.out(its.pos);
      const neg = ts.out(its.negationFlag);
      const tokens: Token[] = texts.map((t, i) => ({
        text: t,
        normal: String(normals[i]),
        lemma: String(lemmas[i]),
        stem: String(stems[i]),
        pos: String(pos[i]),
        negated: Boolean(neg[i]),
      }));
      out.push({ text: s.out(), tokens, sentiment: Number(s.out(its.sentiment)) || 0 });
    });
  return out;
}

/**
 * True if `text` is written in a language other than English, as far as eld can tell reliably: at
 * least 4 words (identifiers, paths, URLs and numbers removed first), a detection eld calls reliable,
 * and another language scoring at least {@link FOREIGN_MARGIN} above English. Short or mixed text ("ok
 * cool", "pnpm only", "Nice reminder, Gina!") is never called foreign, so English rules still read it.
 * Checked on 8,943 sentences of the τ-bench and LoCoMo user turns: one flagged, and it is French.
 * @example isForeign('Bitte verwende pnpm statt npm für alle Pakete.') === true
 * @example isForeign('Please use pnpm, not npm.') === false
 */
export function isForeign(text: string): boolean {
  const words = text
    .replace(/\S*[/@:_]\S*|\S*\.\S*\w/g, ' ')
    .replace(/[^\p{L}\s'’-]+/gu, ' ')
    .trim();
  if (words.split(/\s+/).filter((w) => w.length > 1).length < 4) return false;
  const r = eld.detect(words);
  if (r.language === '' || r.language === 'en' || !r.isReliable()) return false;
  const scores = r.getScores();
  return (scores[r.language] ?? 0) - (scores.en ?? 0) >= FOREIGN_MARGIN;
}

/** How far (in eld's score, 0–1) another language must lead English for a text to count as foreign. */
const FOREIGN_MARGIN = 0.1;

/**
 * Splits `text` into sentences with wink-nlp's sentence boundaries, each a verbatim substring of
 * `text` (trimmed). A boundary wink finds inside a run of non-space characters (`vi.fn`,
 * `db-staging-1.internal`, `ghcr.io/acme`) is not a sentence end and is ignored. Line breaks are
 * boundaries too.
 * @example sentenceSpans('Use vi.fn here. Staging is db-2.internal.') → ['Use vi.fn here.', 'Staging is db-2.internal.']
 */
export function sentenceSpans(text: string): string[] {
  const hit = spanCache.get(text);
  if (hit) return [...hit];
  const out: string[] = [];
  for (const line of text.split(/\n+/)) {
    if (!line.trim()) continue;
    // no sentence end followed by space: one sentence, wink is not needed
    if (!/[.!?…]["'’”)\]]*\s+\S/.test(line)) {
      out.push(line.trim());
      continue;
    }
    const cuts: number[] = [];
    let at = 0;
    model_()
      .readDoc(line)
      .sentences()
      .each((s: ItemSentence) => {
        const t = s.out();
        const i = line.indexOf(t, at);
        if (i < 0) return;
        at = i + t.length;
        // a real boundary: whitespace (or the end) right after the sentence
        if (at < line.length && /\s/.test(line[at]!)) cuts.push(at);
      });
    let from = 0;
    for (const c of cuts) {
      const piece = line.slice(from, c).trim();
      if (piece) out.push(piece);
      from = c;
    }
    const rest = line.slice(from).trim();
    if (rest) out.push(rest);
  }
  if (spanCache.size >= SPAN_CACHE_SIZE) spanCache.delete(spanCache.keys().next().value!);
  spanCache.set(text, out);
  return [...out];
}

/** Recently split texts (a message is split for preferences, facts and feedback alike). */
const spanCache = new Map<string, string[]>();
const SPAN_CACHE_SIZE = 256;

/**
 * The lemmas of the content words of `text` (nouns, proper nouns, verbs, adjectives, adverbs and
 * numbers; not auxiliaries, pronouns, determiners or punctuation), lower-cased, in order of first
 * occurrence, without repeats: "The staging databases moved" → ['staging', 'database', 'move'].
 */
export function contentLemmas(text: string): string[] {
  const out: string[] = [];
  for (const s of analyse(text))
    for (const t of s.tokens)
      if (CONTENT_POS.has(t.pos)) {
        const l = t.lemma.toLowerCase();
        if (/[\p{L}\p{N}]/u.test(l) && !out.includes(l)) out.push(l);
      }
  return out;
}

/** Universal POS tags of content words. */
const CONTENT_POS: ReadonlySet<string> = new Set(['NOUN', 'PROPN', 'VERB', 'ADJ', 'ADV', 'NUM']);
