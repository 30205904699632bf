/**
 * Making relative dates absolute ("yesterday we …" written on 2026-03-02 → "on 2026-03-01 we …"), the
 * Claude Code Auto Dream rule "convert relative dates to absolute". Reference dates are UTC calendar
 * days. The phrases rewritten are the deictic ones below (recognized by {@link PHRASE}: absolute dates,
 * clock times and bare weekdays such as "Mondays at 10:00" are already absolute or recurring and stay
 * as written); each is resolved by chrono-node (https://github.com/wanasit/chrono, its casual English
 * parser) against the reference. Conventions (documented, deterministic):
 * - `today`/`tonight`/`this morning|afternoon|evening` → the reference day; `yesterday` → −1; `tomorrow` → +1;
 * - `N days|weeks ago` / `in N days|weeks` (N a numeral or a number word up to ten) → ∓N days/weeks;
 * - `last|next|this week` → "the week of <Monday>" (ISO weeks start on Monday);
 * - `last|next|this month` → `YYYY-MM`;
 * - `last <weekday>` → the latest such day strictly before the reference; `next <weekday>` → the first
 *   strictly after; `this <weekday>` → that day of the reference's ISO week.
 * Not rewritten: possessives ("today's"), "the last week of December", and text inside fenced or inline code.
 */
import * as chrono from 'chrono-node';

const DAY_MS = 86_400_000;
/** Words after which a date needs no "on"/"in" ("since 2026-03-01", not "since on 2026-03-01"). */
const PREPOSITIONS = new Set([
  'on',
  'since',
  'until',
  'till',
  'by',
  'before',
  'after',
  'from',
  'of',
  'as',
  'to',
  'for',
  'through',
  'starting',
  'in',
  'at',
]);

/** `YYYY-MM-DD` of a UTC day number (days since the epoch). */
function isoDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** One replacement made by {@link absolutizeRelativeDates}. */
export interface DateFix {
  /** The relative phrase as written. */
  from: string;
  /** What it became. */
  to: string;
}

const NUM = '(\\d{1,3}|a|an|one|two|three|four|five|six|seven|eight|nine|ten)';
const WD = '(sunday|monday|tuesday|wednesday|thursday|friday|saturday)';
const PHRASE = new RegExp(
  [
    `\\b(the day before yesterday|the day after tomorrow)\\b`,
    `\\b(today|tonight|yesterday|tomorrow)\\b(?!['’]s)`,
    `\\b(this (?:morning|afternoon|evening))\\b`,
    `\\b${NUM} (days?|weeks?) ago\\b`,
    `\\bin ${NUM} (days?|weeks?)\\b`,
    `(?<!\\bthe )\\b(last|next|this) (week|month)\\b(?! of\\b)`,
    `(?<!\\bthe )\\b(last|next|this) ${WD}\\b(?! of\\b)`,
  ].join('|'),
  'gi',
);

/**
 * Rewrites relative date phrases in `text` as absolute dates relative to `reference` (an ISO timestamp;
 * its UTC calendar day is "today").
 * @returns the new text and the list of replacements (empty → text unchanged).
 * @throws RangeError when `reference` is not a valid date.
 * @example absolutizeRelativeDates('Yesterday we rotated the keys.', '2026-03-02T10:00:00Z').text
 *   === 'On 2026-03-01 we rotated the keys.'
 */
export function absolutizeRelativeDates(text: string, reference: string): { text: string; fixes: DateFix[] } {
  const refMs = Date.parse(reference);
  if (Number.isNaN(refMs)) throw new RangeError(`invalid reference date: ${reference}`);
  const today = Math.floor(refMs / DAY_MS);
  const weekday = new Date(today * DAY_MS).getUTCDay();
  const monday = today - ((weekday + 6) % 7);
  const fixes: DateFix[] = [];
  const parts = splitCode(text);
  const out = parts
    .map((p) => {
      if (p.code) return p.text;
      return p.text.replace(PHRASE, (match: string, ...groups: unknown[]) => {
        const offset = groups[groups.length - 2] as number;
        const whole = groups[groups.length - 1] as string;
        const replacement = resolve(match.toLowerCase(), refMs, today, monday);
        if (replacement === null) return match;
        const before = whole.slice(0, offset);
        const prevWord = /([A-Za-z]+)\W*$/.exec(before)?.[1]?.toLowerCase();
        const sentenceStart = /(?:^|[.!?:]\s+|\n\s*(?:[-*+]\s+|\d+[.)]\s+)?)$/.test(before);
        let to = prevWord && PREPOSITIONS.has(prevWord) ? replacement.bare : replacement.withPrep;
        if (sentenceStart) to = to[0]!.toUpperCase() + to.slice(1);
        fixes.push({ from: match, to });
        return to;
      });
    })
    .join('');
  return { text: out, fixes };
}

/**
 * Resolves one relative phrase (as matched by {@link PHRASE}, lower-cased) with chrono-node, the
 * reference instant's UTC day being "today". chrono computes the day; reverie's conventions shape it:
 * weeks as their ISO Monday ("this week" is the reference's week, where chrono would start it on
 * Sunday), months as `YYYY-MM` counted on the calendar (chrono's month arithmetic overflows at month
 * ends), and `next <weekday>` as the first such day strictly after the reference
 * (chrono's is the one of the following week). Null when chrono does not read the phrase.
 */
function resolve(
  phrase: string,
  refMs: number,
  today: number,
  monday: number,
): { bare: string; withPrep: string } | null {
  const day = (d: number) => ({ bare: isoDay(d), withPrep: `on ${isoDay(d)}` });
  const week = (m: number) => ({ bare: `the week of ${isoDay(m)}`, withPrep: `in the week of ${isoDay(m)}` });
  const parsed = chrono.casual.parseDate(phrase, { instant: new Date(refMs), timezone: 0 });
  if (!parsed) return null;
  const d = Math.floor(parsed.getTime() / DAY_MS);
  const unit = /^(last|next|this) (week|month|\w+day)$/.exec(phrase);
  if (unit?.[2] === 'week') {
    const base = unit[1] === 'this' ? today : d;
    return week(base - ((new Date(base * DAY_MS).getUTCDay() + 6) % 7));
  }
  if (unit?.[2] === 'month') {
    // counted on the calendar: chrono adds a month to the day (Jan 31 + 1 month → Mar 3)
    const r = new Date(today * DAY_MS);
    const off = unit[1] === 'last' ? -1 : unit[1] === 'next' ? 1 : 0;
    const m = new Date(Date.UTC(r.getUTCFullYear(), r.getUTCMonth() + off, 1)).toISOString().slice(0, 7);
    return { bare: m, withPrep: `in ${m}` };
  }
  if (unit?.[1] === 'next' && d - 7 > today) return day(d - 7);
  if (unit?.[1] === 'this' && unit[2] !== undefined) return day(monday + ((d - monday + 70) % 7));
  return day(d);
}

/** Splits text into code (fenced blocks, inline backticks) and prose parts, in order. */
function splitCode(text: string): { text: string; code: boolean }[] {
  const out: { text: string; code: boolean }[] = [];
  const re = /```[\s\S]*?(?:```|$)|`[^`\n]*`/g;
  let last = 0;
  for (const m of text.matchAll(re)) {
    if (m.index! > last) out.push({ text: text.slice(last, m.index), code: false });
    out.push({ text: m[0], code: true });
    last = m.index! + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last), code: false });
  return out;
}

/**
 * True when `text` names one day ("tomorrow", "today", "on 3 March"; not "now", a clock time or a
 * weekday, which recur): an order so bounded is for that occasion, however it says "always" ("always use
 * the test key for the demo tomorrow"). Dates found with chrono-node's English parser, a day component
 * it is certain of.
 */
export function namesOneDay(text: string): boolean {
  return chrono.parse(text).some((r) => r.text.trim().toLowerCase() !== 'now' && r.start.isCertain('day'));
}
