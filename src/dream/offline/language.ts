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
import { contentTokens } from './text.js';

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
 * {@link analyse}, without the sentence boundaries wink finds inside a run of non-space characters: a
 * "sentence" that starts right where the one before it ended, with no space between (`.skip`,
 * `console.log`, `v1.2`), is joined to it — tokens concatenated, text as written between them,
 * sentiment the mean of the two. The same boundary rule as {@link sentenceSpans}.
 * @example analyseSentences("pls dont ever .skip a test").length === 1 (wink alone gives 2)
 */
export function analyseSentences(text: string): Sentence[] {
  const out: (Sentence & { start: number; end: number })[] = [];
  let at = 0;
  for (const s of analyse(text)) {
    const start = text.indexOf(s.text, at);
    const end = start < 0 ? at : start + s.text.length;
    const prev = out.at(-1);
    if (prev && start >= 0 && start === prev.end && start > 0 && !/\s/.test(text[start - 1]!)) {
      prev.text = text.slice(prev.start, end);
      prev.tokens = [...prev.tokens, ...s.tokens];
      prev.sentiment = (prev.sentiment + s.sentiment) / 2;
      prev.end = end;
    } else out.push({ ...s, start: Math.max(start, at), end });
    at = end;
  }
  return out.map(({ start: _s, end: _e, ...s }) => s);
}

/** English "answer/reply/respond/write/talk/explain … in <Language>" (see {@link REPLY_LANGUAGE}). */
const ENGLISH_REPLY = String.raw`\b(?:answer|reply|respond|write|talk|speak|explain|communicate|chat)(?:s|ing)?\b[^.!?]{0,40}\bin (?:plain )?(?:English|French|German|Spanish|Portuguese|Italian|Dutch|Polish|Russian|Ukrainian|Turkish|Arabic|Hebrew|Hindi|Chinese|Mandarin|Cantonese|Japanese|Korean|Vietnamese|Thai|Indonesian)\b`;

/**
 * A rule on the language the agent answers in: English "answer/reply/respond/write/talk/explain … in
 * <Language>", Chinese 用…中文/英文…回答, Japanese 日本語で答えて, Korean 한국어로 대답, French "réponds en
 * français", Spanish "responde en español", German "antworte auf Deutsch", Portuguese "responda em
 * português", Italian "rispondi in italiano", Polish "odpowiadaj po polsku", Russian "отвечай
 * по-русски". (Its topic is how the agent talks, which no tool call names.)
 */
export const REPLY_LANGUAGE = new RegExp(
  [
    ENGLISH_REPLY,
    '(?:用|以)[^，,。；;]{0,8}(?:中文|英文|英语|英語|日文|日语|日語|韩语|韓語|韩文|韓文)[^，,。；;]{0,6}(?:回答|回覆|回复|答覆|答复|回應|回应|说明|說明|交流|沟通|溝通|写|寫)',
    '(?:日本語|英語|中国語|韓国語)で(?:答え|返答|回答|話し|説明|書い|返信)',
    String.raw`(?:한국어|영어|한글|일본어|중국어)로\s*(?:대답|답변|말해|설명|작성|답해)`,
    String.raw`\b(?:réponds|répondez|répondre|écris|écrivez)\b[^.!?]{0,30}\ben (?:français|anglais|allemand|espagnol)\b`,
    String.raw`\b(?:responde|responda|respondas|respóndeme|contesta|escribe|escreva|responder)\b[^.!?]{0,30}\b(?:en|em) (?:español|castellano|inglés|inglês|português|portugués|francés|francês)\b`,
    String.raw`\b(?:antworte|antworten|antwortest|schreibe|schreib)\b[^.!?]{0,30}\bauf (?:Deutsch|Englisch|Französisch|Spanisch)\b`,
    String.raw`\b(?:rispondi|rispondimi|rispondere|scrivi)\b[^.!?]{0,30}\bin (?:italiano|inglese)\b`,
    String.raw`\b(?:odpowiadaj|odpowiedz|pisz|napisz)\b[^.!?]{0,30}\bpo (?:polsku|angielsku)\b`,
    '(?:отвечай|отвечайте|ответь|пиши|пишите|общайся)[^.!?]{0,30}(?:по-русски|по-английски|на русском|на английском)',
  ].join('|'),
  'iu',
);

/** {@link ENGLISH_REPLY} alone, compiled once (read for every sentence by {@link ordersReplyLanguage}). */
const ENGLISH_REPLY_ORDER = new RegExp(ENGLISH_REPLY, 'i');

/**
 * A verb of answering or talking, in the languages of {@link REPLY_LANGUAGE}: what makes a language
 * rule hold for every answer ("odpowiadaj po polsku"), where a verb of writing names one text ("napisz
 * to po angielsku", "write it in English").
 */
const ANSWERING =
  /\b(?:answer|reply|respond|talk|speak|communicate|chat|réponds|répondez|répondre|responde|responda|respondas|respóndeme|contesta|responder|antworte|antworten|antwortest|rispondi|rispondimi|rispondere|odpowiadaj|odpowiedz)|回答|回覆|回复|答覆|答复|回應|回应|交流|沟通|溝通|答え|返答|話し|返信|대답|답변|말해|답해|отвеча|ответь|общайся/iu;

/**
 * True for an order on the language the agent answers in, which holds for good without a cue of
 * generality (nobody wants one answer in Chinese and the next in English): {@link REPLY_LANGUAGE}'s
 * forms with a verb of answering ({@link ANSWERING}; not "write the README in English", "napisz to po
 * angielsku": one text's language), never as a question; in English only opening with that verb
 * ("Reply in Chinese", "please answer in French").
 * @param sentence one sentence as written.
 */
export function ordersReplyLanguage(sentence: string): boolean {
  const s = sentence.trim();
  if (/[?？]$/u.test(s) || !REPLY_LANGUAGE.test(s) || !ANSWERING.test(s)) return false;
  if (!ENGLISH_REPLY_ORDER.test(s)) return true;
  return /^(?:(?:please|pls|always|and|also)\s+)*(?:answer|reply|respond|talk|speak|communicate|chat)\b/i.test(
    s,
  );
}

/**
 * True if `text` is written in a language other than English: in another script than the Latin one
 * for at least 30% of its letters (outside identifiers, paths and URLs), or, as far as eld can tell
 * reliably, at least 4 words (identifiers, paths, URLs and numbers removed first), a detection eld calls reliable,
 * and another language scoring at least {@link FOREIGN_MARGIN} above English. Short or mixed text ("ok
 * cool", "pnpm only", "Nice reminder, Gina!") is never called foreign, so English rules still read it.
 * Checked on 8,943 sentences of the τ-bench and LoCoMo user turns: one flagged, and it is French.
 * @example isForeign('Bitte verwende pnpm statt npm für alle Pakete.') === true
 * @example isForeign('Please use pnpm, not npm.') === false
 */
export function isForeign(text: string): boolean {
  // another script than the Latin one for most of its letters (Chinese, Japanese, Korean, Cyrillic, …):
  // foreign however few its words, since a run of Han characters is one "word" between spaces
  // (identifiers, paths, URLs and e-mail addresses removed first)
  // (runs of printable ASCII: Chinese and Japanese put no space between a path and the words around it)
  const prose = text.replace(/[!-~]*[/@:_][!-~]*|[!-~]*\.[!-~]*\w/g, ' ');
  const letters = prose.match(/\p{L}/gu) ?? [];
  const other = letters.filter((c) => !/\p{Script=Latin}/u.test(c)).length;
  if (letters.length >= 4 && other / letters.length >= 0.3) return true;
  const words = prose.replace(/[^\p{L}\s'’-]+/gu, ' ').trim();
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

/**
 * What a statement is for and against: its topic terms (content tokens, see `contentTokens`) split by
 * polarity. `preferred` terms are stated plainly ("Use **yarn**"), `dispreferred` ones inside a negation or
 * a contrast ("not **npm**", "**tabs** rather than…" → the part after the contrast). Each list sorted, no
 * term in both.
 */
export interface Stance {
  preferred: string[];
  dispreferred: string[];
}

/**
 * The stance of one statement, or of several statements of one rule taken together: each topic term
 * gets a polarity by sentence structure, read with wink-nlp (POS, lemmas, `its.negationFlag`):
 *
 * - a term in the scope of a negation wink marks ("never **npm**", "no **vivid** imagery", "without
 *   **tests**") is dispreferred;
 * - a contrast makes what follows it, up to the end of the clause, dispreferred: "X instead of **Y**",
 *   "X rather than **Y**", "X over **Y**" (only in a sentence with a verb of choosing such as prefer, or
 *   with no verb at all: "tabs over **spaces**"; "run it over SSH" states no preference), and verbs
 *   of leaving out ("avoid **Y**", "skip **Y**", "stop using **Y**", "forget …");
 * - these compose: a negated verb of leaving out prefers what it governs ("don't forget to run the
 *   **linter**", "never skip the **tests**"), and "don't X without **Y**" prefers Y and says nothing of X;
 * - every other topic term is preferred.
 *
 * A term's polarity in one text is the sign of its occurrences' sum. Across texts (the wordings of one
 * rule), a term is preferred only when no text rejects it, and dispreferred when the texts rejecting it,
 * each counting {@link REJECT_WEIGHT} times, outweigh those mentioning it plainly; otherwise the wordings
 * disagree and it is neither. A negation or contrast states a polarity, while a plain mention is also
 * what the subject of a complaint looks like ("npm breaks our lockfile"), so plain mentions are the
 * weaker evidence.
 * Topic terms are the content words (as in {@link contentLemmas}), each lemma's `contentTokens`; terms in
 * `ignore` (cue words such as "use", "always") and the markers themselves are not topic terms.
 * The markers are English grammar words, not sentences; text in another language yields nothing useful.
 * @example stance('Use yarn, not npm.') → { preferred: ['yarn'], dispreferred: ['npm'] } (with "use" ignored)
 */
export function stance(texts: string | readonly string[], ignore: ReadonlySet<string> = new Set()): Stance {
  const total = new Map<string, number>();
  const rejected = new Set<string>();
  for (const text of typeof texts === 'string' ? [texts] : texts) {
    const one = new Map<string, number>();
    for (const s of analyse(text))
      for (const [term, sign] of termSigns(s.tokens))
        if (!ignore.has(term)) one.set(term, (one.get(term) ?? 0) + sign);
    for (const [t, n] of one) {
      if (n < 0) rejected.add(t);
      total.set(t, (total.get(t) ?? 0) + (n < 0 ? -REJECT_WEIGHT : Math.sign(n)));
    }
  }
  const pick = (want: number) =>
    [...total.entries()]
      .filter(([t, n]) => Math.sign(n) === want && (want < 0 || !rejected.has(t)))
      .map(([t]) => t)
      .sort();
  return { preferred: pick(1), dispreferred: pick(-1) };
}

/**
 * True when two stances oppose: some shared topic term is preferred in one and dispreferred in the
 * other, and such terms outnumber the shared terms both disprefer (what both reject is the strongest
 * sign they state the same rule: "Never deploy by hand" and "Deploy with the script, not by hand"
 * share a rejected "hand", so their differing "deploy" does not make them opposites).
 * @example opposes(stance('Deploy on Fridays.'), stance('Never deploy on Fridays.')) === true
 * @example opposes(stance('Use yarn, not npm.'), stance('Never use npm here, yarn only.')) === false
 */
export function opposes(a: Stance, b: Stance): boolean {
  const bPref = new Set(b.preferred);
  const bDis = new Set(b.dispreferred);
  const opposed =
    a.preferred.filter((t) => bDis.has(t)).length + a.dispreferred.filter((t) => bPref.has(t)).length;
  const bothReject = a.dispreferred.filter((t) => bDis.has(t)).length;
  return opposed > 0 && opposed > bothReject;
}

/** How many plain mentions of a term, across statements, one statement rejecting it weighs as (see {@link stance}). */
const REJECT_WEIGHT = 2;

/** Lemmas of verbs of leaving out: what they govern is dispreferred (preferred when they are negated). */
const LEAVE_OUT: ReadonlySet<string> = new Set([
  'avoid',
  'skip',
  'omit',
  'forget',
  'neglect',
  'ignore',
  'stop',
  'quit',
]);

/** Lemmas of verbs of choosing, which make "X over Y" a preference of X to Y. */
const CHOOSE: ReadonlySet<string> = new Set(['prefer', 'favor', 'favour', 'choose', 'pick']);

/** Words that end a clause for a contrast's scope (besides punctuation and subordinators). */
const CLAUSE_END: ReadonlySet<string> = new Set(['but', 'yet', 'so']);

/**
 * The topic terms of one analysed sentence with their signs (+1 preferred, −1 dispreferred, 0 said
 * nothing of), in order, as read by {@link stance}.
 */
function termSigns(tokens: readonly Token[]): [string, number][] {
  const words = tokens.map((t) => t.normal);
  const lemmas = tokens.map((t) => t.lemma.toLowerCase());
  const choosing = lemmas.some((l) => CHOOSE.has(l)) || !tokens.some((t) => t.pos === 'VERB');
  const markers = new Set<number>();
  const flip = new Array<number>(tokens.length).fill(1);
  const neutral = new Set<number>();
  // from marker i, flip the polarity of what follows up to the end of its clause
  // (a preposition after the rejected words starts an adjunct: "over grep **for code discovery**")
  const scope = (i: number) => {
    let named = false;
    for (let j = i + 1; j < tokens.length; j++) {
      const t = tokens[j]!;
      if ((t.pos === 'PUNCT' && !/^[-'’/]$/.test(t.text)) || t.pos === 'SCONJ' || CLAUSE_END.has(t.normal))
        break;
      if (named && t.pos === 'ADP') break;
      named ||= CONTENT_POS.has(t.pos);
      flip[j] = -flip[j]!;
    }
  };
  tokens.forEach((t, i) => {
    const next = words[i + 1];
    if ((t.normal === 'instead' && next === 'of') || (t.normal === 'rather' && next === 'than')) {
      markers.add(i).add(i + 1);
      scope(i + 1);
    } else if (t.normal === 'over' && t.pos === 'ADP' && choosing) {
      markers.add(i);
      scope(i);
    } else if (LEAVE_OUT.has(lemmas[i]!) && (t.pos === 'VERB' || i === 0)) {
      markers.add(i);
      scope(i);
    } else if (t.normal === 'without' && i > 0 && tokens[i - 1]!.negated) {
      // "don't X without Y": the negation is of leaving Y out; X is not rejected
      markers.add(i);
      for (let j = i - 1; j >= 0 && tokens[j]!.negated; j--) neutral.add(j);
      scope(i);
    }
  });
  const out: [string, number][] = [];
  tokens.forEach((t, i) => {
    if (markers.has(i) || !CONTENT_POS.has(t.pos)) return;
    const sign = neutral.has(i) ? 0 : (t.negated ? -1 : 1) * flip[i]!;
    for (const term of contentTokens(t.lemma)) out.push([term, sign]);
  });
  return out;
}
