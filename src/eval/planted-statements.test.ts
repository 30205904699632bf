import { beforeAll, describe, expect, it } from 'vitest';
import { type EvalReport, runEval } from './runner.js';

/**
 * Floors for preferences, facts that change and paraphrase duplicates on the planted benchmark at 200
 * sessions (issue 8): the held-out test wordings, which no engine rule was written against, and the
 * train wordings the rules were tuned on. The figures asserted are the ones reached (see the lead's
 * report); a change that loses any of them fails here.
 */
describe('planted statements at 200 sessions', () => {
  const runs: Partial<Record<'train' | 'test', EvalReport>> = {};
  beforeAll(async () => {
    runs.test = await runEval('planted', { sessions: 200, seed: 1, phrasings: 'test' });
    runs.train = await runEval('planted', { sessions: 200, seed: 1, phrasings: 'train' });
  }, 240_000);

  it('test wordings: preferences found and precise, every changed fact resolved', () => {
    const p = runs.test!.planted!;
    expect(p.kinds.preference.recall).toBeGreaterThanOrEqual(0.9);
    expect(p.kinds.preference.precision).toBeGreaterThanOrEqual(0.9);
    expect(p.contradictions.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(p.kinds.fact.precision).toBeGreaterThanOrEqual(0.9);
    // at 200 sessions one of the four paraphrase groups is still left (0 at 1,000)
    expect(p.duplicates.paraphrase_rate).toBeLessThanOrEqual(0.25);
    expect(p.lost.lost).toBe(0);
  });

  it('train wordings: the same, with no paraphrase duplicate left', () => {
    const p = runs.train!.planted!;
    expect(p.kinds.preference.recall).toBeGreaterThanOrEqual(0.9);
    expect(p.kinds.preference.precision).toBeGreaterThanOrEqual(0.9);
    expect(p.contradictions.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(p.kinds.fact.recall).toBeGreaterThanOrEqual(0.8);
    expect(p.duplicates.paraphrase_rate).toBe(0);
    expect(p.lost.lost).toBe(0);
  });

  it('feedback (issue 15): every train item found precisely; test wordings measured, below target', () => {
    // 15 items (written by an engineer who did not read the engine). Train: all found, none wrong.
    const train = runs.train!.planted!.kinds.feedback;
    expect(train.expected).toBe(15);
    expect(train.recalled).toBe(15);
    expect(train.precision).toBe(1);
    // Test wordings (never tuned on): measured 7/15 found, 7 of 8 proposals right; after s21 (fbprec: a
    // question that only asks, with no rule in the message, is no feedback — on unseen real sessions 6
    // of 21 wrong person-statement memories were such questions) 6/15 found, 5 of 6 right. The issue's
    // targets (recall 0.7, precision 0.9) are not reached; `reverie eval --suite planted --phrasings test`
    // reports them as FAIL. These floors guard the measured figures against regressions only.
    const test = runs.test!.planted!.kinds.feedback;
    expect(test.expected).toBe(15);
    expect(test.recalled).toBeGreaterThanOrEqual(6);
    expect(test.precision).toBeGreaterThanOrEqual(0.8);
  });
});
