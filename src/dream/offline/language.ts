/**
 * The English language model the offline engine reads people's words with: sentence splitting,
 * part-of-speech tags, lemmas, negation and sentiment from wink-nlp with its bundled light English model
 * (wink-eng-lite-web-model; no download at run time). Loaded once, on first use.
 *
 * Source: wink-nlp (https://winkjs.org/wink-nlp/), its `its.pos` (Universal POS tags), `its.lemma`,
 * `its.negationFlag` and `its.sentiment` (a lexicon score in [-1, 1]).
 */

import model from 'wink-eng-lite-web-model';
import winkNLP, { type ItemSentence, type WinkMethods } from 'wink-nlp';

/** One token of an analysed sentence. */
export interface Token {
  /** The token as written. */
  text: string;
  /** Lower-cased normal form. */
  normal: string;
  lemma: string;
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
      const pos = ts.out(its.pos);
      const neg = ts.out(its.negationFlag);
      const tokens: Token[] = texts.map((t, i) => ({
        text: t,
        normal: String(normals[i]),
        lemma: String(lemmas[i]),
        pos: String(pos[i]),
        negated: Boolean(neg[i]),
      }));
      out.push({ text: s.out(), tokens, sentiment: Number(s.out(its.sentiment)) || 0 });
    });
  return out;
}
