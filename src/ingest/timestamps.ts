/**
 * Timestamp normalization for the importers' hot loops. Agents write ISO-8601 UTC with 0 to 9 fraction
 * digits (`2026-08-06T12:55:23.472314Z`, `2026-05-11T08:27:17.490Z`) or without an offset at all
 * (OpenHands: `2025-04-30T16:45:41.913899`, which is UTC). Those are turned into reverie's form
 * (`YYYY-MM-DDTHH:MM:SS.mmmZ`, fraction cut to milliseconds) with string operations, no `Date`;
 * anything else goes through {@link toTimestamp}.
 */
import { toTimestamp } from './text.js';

/** Character positions of the digits in `YYYY-MM-DDTHH:MM:SS`, and where its separators are. */
const DIGIT_AT = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];
const SEPARATORS: [number, number][] = [
  [4, 45], // -
  [7, 45], // -
  [10, 84], // T
  [13, 58], // :
  [16, 58], // :
];

/** The two-digit number at `i` of `v` (its characters are digits). */
function twoDigits(v: string, i: number): number {
  return (v.charCodeAt(i) - 48) * 10 + v.charCodeAt(i + 1) - 48;
}

/** True when `v` starts with `YYYY-MM-DDTHH:MM:SS` (digits and separators in place; ASCII digits only). */
function hasDateTime(v: string): boolean {
  for (const i of DIGIT_AT) {
    const c = v.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  for (const [i, c] of SEPARATORS) if (v.charCodeAt(i) !== c) return false;
  return true;
}

/**
 * An ISO-8601 UTC timestamp (`…Z`, or no offset: read as UTC) in reverie's form; other values as
 * {@link toTimestamp} reads them (Unix seconds or milliseconds, offsets); `null` when unusable. Read by
 * character codes, no regular expression (a few hundred nanoseconds a call in a loop over every event).
 * @example utcTimestamp('2026-08-06T12:55:23.472314Z') // '2026-08-06T12:55:23.472Z'
 */
export function utcTimestamp(v: unknown): string | null {
  if (typeof v !== 'string') return toTimestamp(v);
  const n = v.length;
  if (n === 24 && v.charCodeAt(23) === 90 && v.charCodeAt(19) === 46) return v;
  const end = n > 0 && v.charCodeAt(n - 1) === 90 ? n - 1 : n; // a trailing Z
  if (end < 19 || !hasDateTime(v)) return toTimestamp(v);
  let fraction = '';
  if (end > 19) {
    // `.` and one or more digits, nothing else
    if (v.charCodeAt(19) !== 46 || end === 20) return toTimestamp(v);
    for (let i = 20; i < end; i++) {
      const c = v.charCodeAt(i);
      if (c < 48 || c > 57) return toTimestamp(v);
    }
    fraction = v.slice(20, Math.min(end, 23));
  }
  // Reject impossible fields (month 13, hour 24, …) the way Date would, without building one.
  const month = twoDigits(v, 5);
  const day = twoDigits(v, 8);
  if (month < 1 || month > 12 || day < 1 || day > 31 || twoDigits(v, 11) > 23) return null;
  if (twoDigits(v, 14) > 59 || twoDigits(v, 17) > 59) return null;
  return `${v.slice(0, 19)}.${fraction.padEnd(3, '0')}Z`;
}
