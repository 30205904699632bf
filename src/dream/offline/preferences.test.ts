import { describe, expect, it } from 'vitest';
import { extractPreferences, MAX_USER_MESSAGE_CHARS } from './preferences.js';

describe('extractPreferences', () => {
  it('finds standing rules and corrections, verbatim', () => {
    const got = extractPreferences(
      'No, use the staging database. Always run the linter before committing. I prefer squash merges.\nUse pnpm instead of npm.',
    );
    expect(got.map((p) => [p.kind, p.text])).toEqual([
      ['correction', 'No, use the staging database.'],
      ['preference', 'Always run the linter before committing.'],
      ['preference', 'I prefer squash merges.'],
      ['preference', 'Use pnpm instead of npm.'],
    ]);
  });

  it('ignores one-off requests, answers and questions', () => {
    for (const m of [
      'Please use my credit card ending in 7334 for the payment.',
      'No, I do not want travel insurance.',
      "I don't remember the reservation ID.",
      'Could you please always check the fare?',
    ])
      expect(extractPreferences(m)).toEqual([]);
  });

  it('skips long messages (task descriptions, templated prompts)', () => {
    expect(extractPreferences(`Always do X. ${'x'.repeat(MAX_USER_MESSAGE_CHARS)}`)).toEqual([]);
  });
});
