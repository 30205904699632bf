import { describe, expect, it } from 'vitest';
import { absolutizeRelativeDates, namesOneDay } from './relative-dates.js';

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

  it('resolves phrases through chrono-node, with ISO weeks and calendar months at month ends', () => {
    expect(absolutizeRelativeDates('the day before yesterday we paused it', REF).text).toBe(
      'On 2026-02-28 we paused it',
    );
    expect(absolutizeRelativeDates('rotated a week ago', REF).text).toBe('rotated on 2026-02-23');
    // a Wednesday: "this week" is the ISO week (Monday), not chrono's Sunday start
    const wed = '2026-03-04T10:00:00Z';
    expect(absolutizeRelativeDates('frozen this week', wed).text).toBe('frozen in the week of 2026-03-02');
    expect(absolutizeRelativeDates('ships next Wednesday', wed).text).toBe('ships on 2026-03-11');
    expect(absolutizeRelativeDates('started last Wednesday', wed).text).toBe('started on 2026-02-25');
    expect(absolutizeRelativeDates('due in 3 days', '2026-12-30T10:00:00Z').text).toBe('due on 2027-01-02');
    expect(absolutizeRelativeDates('planned for next month', '2026-01-31T10:00:00Z').text).toBe(
      'planned for 2026-02',
    );
    expect(absolutizeRelativeDates('since last month', '2026-03-31T10:00:00Z').text).toBe('since 2026-02');
    expect(absolutizeRelativeDates('We migrated billing to Postgres 16 last month.', wed).text).toBe(
      'We migrated billing to Postgres 16 in 2026-02.',
    );
    // recurring days and clock times are not relative dates
    const recurring = 'Handoff happens Mondays at 10:00 UTC.';
    expect(absolutizeRelativeDates(recurring, wed).text).toBe(recurring);
  });

  it('rejects an invalid reference', () => {
    expect(() => absolutizeRelativeDates('today', 'not a date')).toThrow(RangeError);
  });
});

describe('namesOneDay', () => {
  it('is true for one day (today, tomorrow, a date), false for now, a clock time or a weekday', () => {
    expect(namesOneDay('for the demo tomorrow')).toBe(true);
    expect(namesOneDay('on 3 March')).toBe(true);
    expect(namesOneDay('from now on')).toBe(false);
    expect(namesOneDay('after 5pm')).toBe(false);
    expect(namesOneDay('never on Friday')).toBe(false);
  });
});
