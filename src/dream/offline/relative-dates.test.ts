import { describe, expect, it } from 'vitest';
import { absolutizeRelativeDates } from './relative-dates.js';

// 2026-03-02 is a Monday
const REF = '2026-03-02T10:00:00.000Z';

describe('absolutizeRelativeDates', () => {
  it('rewrites day-relative phrases with sentence-aware prepositions', () => {
    const r = absolutizeRelativeDates('Yesterday we rotated the keys. They expire tomorrow.', REF);
    expect(r.text).toBe('On 2026-03-01 we rotated the keys. They expire on 2026-03-03.');
    expect(r.fixes.map((f) => f.from)).toEqual(['Yesterday', 'tomorrow']);
    expect(absolutizeRelativeDates('broken since yesterday', REF).text).toBe('broken since 2026-03-01');
    expect(absolutizeRelativeDates('we ship today', REF).text).toBe('we ship on 2026-03-02');
  });

  it('handles counts, weeks, months and weekdays', () => {
    expect(absolutizeRelativeDates('done 3 days ago', REF).text).toBe('done on 2026-02-27');
    expect(absolutizeRelativeDates('due in two weeks', REF).text).toBe('due on 2026-03-16');
    expect(absolutizeRelativeDates('moved last week', REF).text).toBe('moved in the week of 2026-02-23');
    expect(absolutizeRelativeDates('planned for next month', REF).text).toBe('planned for 2026-04');
    expect(absolutizeRelativeDates('stops next Friday', REF).text).toBe('stops on 2026-03-06');
    expect(absolutizeRelativeDates('happened last Monday', REF).text).toBe('happened on 2026-02-23');
    expect(absolutizeRelativeDates('due this Sunday', REF).text).toBe('due on 2026-03-08');
  });

  it('leaves non-relative uses, possessives and code alone', () => {
    for (const t of [
      'during the last week of December',
      "today's standup",
      'run `deploy --since yesterday`',
    ]) {
      const r = absolutizeRelativeDates(t, REF);
      expect(r.text).toBe(t);
      expect(r.fixes).toEqual([]);
    }
  });

  it('rejects an invalid reference', () => {
    expect(() => absolutizeRelativeDates('today', 'not a date')).toThrow(RangeError);
  });
});
