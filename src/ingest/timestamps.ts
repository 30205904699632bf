/**
 * Timestamp normalization for the importers' hot loops. Agents write ISO-8601 UTC with 0 to 9 fraction
 * digits (`2026-08-06T12:55:23.472314Z`, `2026-05-11T08:27:17.490Z`) or without an offset at all
 * (OpenHands: `2025-04-30T16:45:41.913899`, which is UTC). Those are turned into reverie's form
 * (`YYYY-MM-DDTHH:MM:SS.mmmZ`, fraction cut to milliseconds) with string operations, no `Date`;
 * anything else goes through {@link toTimestamp}.
 */
import { toTimestamp } from './text.js';

const ISO_UTC = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z)?$/;

/**
 * An ISO-8601 UTC timestamp (`…Z`, or no offset: read as UTC) in reverie's form; other values as
 * {@link toTimestamp} reads them (Unix seconds or milliseconds, offsets); `null` when unusable.
 * @example utcTimestamp('2026-08-06T12:55:23.472314Z') // '2026-08-06T12:55:23.472Z'
 */
export function utcTimestamp(v: unknown): string | null {
  if (typeof v !== 'string') return toTimestamp(v);
  if (v.length === 24 && v.charCodeAt(23) === 90 && v.charCodeAt(19) === 46) return v;
  const m = ISO_UTC.exec(v);
  if (m === null) return toTimestamp(v);
  const d = m[1]!;
  // Reject impossible fields (month 13, hour 24, …) the way Date would, without building one.
  const month = Number(d.slice(5, 7));
  const day = Number(d.slice(8, 10));
  if (month < 1 || month > 12 || day < 1 || day > 31 || Number(d.slice(11, 13)) > 23) return null;
  if (Number(d.slice(14, 16)) > 59 || Number(d.slice(17, 19)) > 59) return null;
  return `${d}.${(m[2] ?? '').slice(0, 3).padEnd(3, '0')}Z`;
}
