import { describe, expect, it } from 'vitest';
import { toTimestamp } from './text.js';
import { utcTimestamp } from './timestamps.js';

/** The reading this module implements, with a regular expression (its form before it read character codes). */
function byRegex(v: unknown): string | null {
  if (typeof v !== 'string') return toTimestamp(v);
  if (v.length === 24 && v.charCodeAt(23) === 90 && v.charCodeAt(19) === 46) return v;
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z)?$/.exec(v);
  if (m === null) return toTimestamp(v);
  const d = m[1]!;
  const month = Number(d.slice(5, 7));
  const day = Number(d.slice(8, 10));
  if (month < 1 || month > 12 || day < 1 || day > 31 || Number(d.slice(11, 13)) > 23) return null;
  if (Number(d.slice(14, 16)) > 59 || Number(d.slice(17, 19)) > 59) return null;
  return `${d}.${(m[2] ?? '').slice(0, 3).padEnd(3, '0')}Z`;
}

describe('utcTimestamp', () => {
  it('turns the forms agents write into reverie form', () => {
    expect(utcTimestamp('2026-08-06T12:55:23.472314Z')).toBe('2026-08-06T12:55:23.472Z');
    expect(utcTimestamp('2025-04-30T16:45:41.913899')).toBe('2025-04-30T16:45:41.913Z');
    expect(utcTimestamp('2026-05-11T08:27:17Z')).toBe('2026-05-11T08:27:17.000Z');
    expect(utcTimestamp('2026-05-11T08:27:17.4Z')).toBe('2026-05-11T08:27:17.400Z');
    expect(utcTimestamp('2026-05-11T08:27:17.490Z')).toBe('2026-05-11T08:27:17.490Z');
    expect(utcTimestamp('2026-13-11T08:27:17Z')).toBeNull();
    expect(utcTimestamp('2026-05-11T24:00:00Z')).toBeNull();
    expect(utcTimestamp('2026-05-11T08:27:17+02:00')).toBe('2026-05-11T06:27:17.000Z');
    expect(utcTimestamp(1_700_000_000)).toBe('2023-11-14T22:13:20.000Z');
    expect(utcTimestamp('soon')).toBeNull();
  });

  it('reads every value as the regular expression did', () => {
    const values: unknown[] = [
      '',
      'Z',
      '2026-08-06T12:55:23',
      '2026-08-06T12:55:23.',
      '2026-08-06T12:55:23.Z',
      '2026-08-06T12:55:23.1x',
      '2026-08-06T12:55:23.123456789Z',
      '2026-08-06 12:55:23Z',
      '2026-08-06T12:60:23Z',
      '2026-08-06T12:55:60Z',
      '2026-00-06T12:55:23Z',
      '2026-02-32T12:55:23Z',
      '٢٠٢٦-08-06T12:55:23Z',
      '2026-08-06T12:55:23ZZ',
      '2026-08-06T12:55:23.5ZZ',
      ' 2026-08-06T12:55:23Z',
      '2026-08-06T12:55:23z',
      null,
      undefined,
      1_700_000_000_000,
      {},
    ];
    for (let i = 0; i < 2000; i++) {
      // random strings over the characters of a timestamp, of lengths around the real ones
      const chars = '0123456789-T:.Z+ ';
      const len = 17 + (i % 14);
      let s = '2026-08-06T12:55:23.123456Z'.slice(0, i % 28);
      while (s.length < len) s += chars[(i * 7919 + s.length * 104729) % chars.length];
      values.push(s);
    }
    for (const v of values) expect([v, utcTimestamp(v)]).toEqual([v, byRegex(v)]);
  });
});
