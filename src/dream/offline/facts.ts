/**
 * Declarative facts with keys, for contradiction detection: "Deploys happen on Tuesdays" →
 * `{subject: 'deploy', value: 'tuesday', type: 'weekday'}`; "Deploys moved to Thursdays" →
 * `{subject: 'deploy', value: 'thursday', type: 'weekday', change: true}`. Two facts with the same subject
 * and value type but different values contradict when the type is precise (weekday, date, time, number,
 * version) or one of them states a change ("moved to", "is now", "switched to"), or both are `key: value` /
 * "we use X for Y" facts. A plain "X is Y" never contradicts another plain "X is Y" (too ambiguous).
 */
import { STOPWORDS, stem, wordTokens } from './text.js';

/** The shape of a fact's value. */
export type FactValueType = 'weekday' | 'date' | 'time' | 'number' | 'version' | 'text';

/** Which sentence pattern produced a fact. */
export type FactPattern = 'uses-for' | 'change' | 'schedule' | 'is-now' | 'is' | 'key-value';

/** One declarative fact found in a line of text. */
export interface Fact {
  /** Normalized subject key (content words, stemmed, space-joined). */
  subject: string;
  /** Normalized value (lowercased, stemmed words). */
  value: string;
  type: FactValueType;
  pattern: FactPattern;
  /** True when the sentence states a change ("moved to", "is now", "switched to"). */
  change: boolean;
  /** The line as written (trimmed, list markers removed). */
  text: string;
}

const WEEKDAY = /\b(mondays?|tuesdays?|wednesdays?|thursdays?|fridays?|saturdays?|sundays?)\b/i;

function normalizeKey(text: string): string {
  const words = wordTokens(text).filter((w) => !STOPWORDS.has(w) && w !== 'now' && w !== 'currently');
  return words.map(stem).join(' ');
}

function classify(value: string): { type: FactValueType; value: string } {
  const wd = WEEKDAY.exec(value);
  if (wd) return { type: 'weekday', value: stem(wd[1]!.toLowerCase()).replace(/s$/, '') };
  const date = /\b\d{4}-\d{2}-\d{2}\b/.exec(value);
  if (date) return { type: 'date', value: date[0] };
  const time = /\b(\d{1,2}(?::\d{2})?\s*(?:am|pm)|\d{1,2}:\d{2})\b/i.exec(value);
  if (time) return { type: 'time', value: time[1]!.toLowerCase().replace(/\s+/g, '') };
  const version = /\bv?(\d+\.\d+(?:\.\d+)*)\b/.exec(value);
  if (version) return { type: 'version', value: version[1]! };
  const num = /^\D{0,12}(\d+(?:\.\d+)?)\D{0,12}$/.exec(value.trim());
  if (num && normalizeKey(value).split(' ').length <= 3) return { type: 'number', value: num[1]! };
  return { type: 'text', value: normalizeKey(value) };
}

const PATTERNS: { re: RegExp; pattern: FactPattern; change: boolean; subject: number; value: number }[] = [
  {
    re: /^(?:we|the team|our team|they) (?:now )?uses? (.+?) (?:for|to) (.+)$/i,
    pattern: 'uses-for',
    change: false,
    subject: 2,
    value: 1,
  },
  {
    re: /^(.+?) (?:has |have |was |were |got |is |are )?(?:moved|changed|switched|migrated|shifted|rescheduled) (?:over )?(?:to|from .+? to) (.+)$/i,
    pattern: 'change',
    change: true,
    subject: 1,
    value: 2,
  },
  {
    re: /^(.+?) (?:now )?(?:happens?|occurs?|takes? place|runs?|goes? out|ships?|is scheduled|are scheduled|is done|are done) (?:on|every|each|at) (.+)$/i,
    pattern: 'schedule',
    change: false,
    subject: 1,
    value: 2,
  },
  { re: /^(.+?) (?:is|are) now (.+)$/i, pattern: 'is-now', change: true, subject: 1, value: 2 },
  { re: /^(.+?) (?:is|are) (?!not\b)(.+)$/i, pattern: 'is', change: false, subject: 1, value: 2 },
  {
    re: /^([A-Za-z][\w .()/-]{0,40}?):\s+(\S.*)$/,
    pattern: 'key-value',
    change: false,
    subject: 1,
    value: 2,
  },
];

/**
 * Finds at most one fact in one line or sentence of text. Markdown list markers, emphasis and a trailing
 * period are ignored; headings, code, links-only lines, questions and long lines (> 200 chars) yield none.
 * The subject must have 1–6 content words and the value 1–12 words.
 */
export function extractFact(line: string): Fact | null {
  let t = line.trim();
  if (
    !t ||
    t.length > 200 ||
    t.startsWith('#') ||
    t.startsWith('```') ||
    t.startsWith('|') ||
    t.endsWith('?')
  )
    return null;
  t = t
    .replace(/^(?:[-*+]|\d+[.)])\s+/, '')
    .replace(/\*\*|__/g, '')
    .replace(/[.!;]+$/, '')
    .trim();
  if (!t || /^\[.*\]\(.*\)/.test(t) || /^(?:https?:|<)/.test(t)) return null;
  if (/^superseded\b/i.test(t)) return null;
  t = t.replace(/^(?:fyi|btw|note|heads[- ]up|so|also|ok|okay|update|reminder)\b[,:!-]?\s+/i, '');
  for (const p of PATTERNS) {
    const m = p.re.exec(t);
    if (!m) continue;
    const subjectText = m[p.subject]!;
    const valueText = m[p.value]!;
    const subject = normalizeKey(subjectText);
    const subjectWords = subject ? subject.split(' ').length : 0;
    if (subjectWords < 1 || subjectWords > 6) continue;
    if (/^(?:i|you|he|she|it|this|that|there|here|what|which|who)$/i.test(subjectText.trim())) continue;
    const valueWords = valueText.trim().split(/\s+/).length;
    if (valueWords < 1 || valueWords > 12) continue;
    const cls = classify(valueText);
    if (!cls.value) continue;
    return {
      subject,
      value: cls.value,
      type: cls.type,
      pattern: p.pattern,
      change: p.change,
      text: line.trim(),
    };
  }
  return null;
}

/** All facts of a multi-line text, one per line (see {@link extractFact}), skipping fenced code. */
export function extractFacts(text: string): Fact[] {
  const out: Fact[] = [];
  let inFence = false;
  for (const line of text.split('\n')) {
    if (line.trim().startsWith('```')) {
      inFence = !inFence;
      continue;
    }
    if (inFence) continue;
    const f = extractFact(line);
    if (f) out.push(f);
  }
  return out;
}

/** True if two facts about the same subject contradict each other (see the module comment). */
export function factsContradict(a: Fact, b: Fact): boolean {
  if (a.subject !== b.subject || a.type !== b.type || a.value === b.value) return false;
  if (a.type !== 'text') return true;
  if (a.change || b.change) return true;
  const exact = (f: Fact) => f.pattern === 'key-value' || f.pattern === 'uses-for';
  return exact(a) && exact(b);
}
