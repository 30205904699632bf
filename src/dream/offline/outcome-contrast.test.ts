/**
 * Outcome contrasts (issue 8 scope 2): a call becomes a lesson only when its presence predicts failure
 * within task families (stratified exact test, Holm-corrected), in ≥ 2 families, and it is not a step
 * most satisfied attempts take; on the real τ-bench sessions (2 trials per task) nothing reaches that bar.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { describeWithData, TAU } from '../../../test/data.js';
import type { OutcomeResult } from '../../domain/index.js';
import { createOfflineEngine } from '../index.js';
import { importAll, refsFromImported, type Step, syntheticSession } from '../test-helpers.js';
import { DEFAULT_DREAM_OPTIONS, type DreamResult, type DreamSessionRef } from '../types.js';
import {
  fisherExactGreater,
  holmSignificant,
  outcomeTable,
  predictionP,
  stratifiedExactGreater,
} from './significance.js';

const engine = createOfflineEngine();
const run = (sessions: DreamSessionRef[]) =>
  engine.run({ memories: [], sessions, options: DEFAULT_DREAM_OPTIONS });
const contrasts = (r: DreamResult) => r.changes.filter((c) => c.path.startsWith('/mistakes/contrast-'));
const call = (tool: string, id: string): Step => ({ tool, input: { id }, result: '{"ok":true}' });

/** One attempt of task `fam` calling `tools` in order. */
const attempt = (fam: number, i: number, outcome: OutcomeResult, tools: string[]) =>
  syntheticSession(
    `sesn_f${fam}t${i}`,
    `u${fam}`,
    [`help with case ${fam}`, ...tools.map((t) => call(t, `R${fam}-${i}`))],
    { outcome, metadata: { task_id: fam } },
  );

describe('significance: the stratified exact test and Holm', () => {
  it('equals Fisher one-sided with one stratum, and combines strata by convolution', () => {
    // Agresti's tea-tasting table [[3, 1], [1, 3]]
    expect(stratifiedExactGreater([{ n: 8, with: 4, outcome: 4, both: 3 }])).toBeCloseTo(
      fisherExactGreater(3, 1, 1, 3),
      10,
    );
    // five pairs, the call always in the failed attempt: (1/2)^5 (a sign test on discordant pairs)
    const pair = { n: 2, with: 1, outcome: 1, both: 1 };
    expect(stratifiedExactGreater([pair, pair, pair, pair, pair])).toBeCloseTo(1 / 32, 10);
    // strata without variation add nothing
    expect(stratifiedExactGreater([pair, { n: 2, with: 2, outcome: 1, both: 1 }])).toBeCloseTo(0.5, 10);
    expect(stratifiedExactGreater([])).toBe(1);
  });

  it('Holm stops at the first p-value above its step-down threshold', () => {
    expect(holmSignificant([0.001, 0.03, 0.04])).toEqual([true, false, false]);
    expect(holmSignificant([0.04, 0.001, 0.02])).toEqual([true, true, true]);
    expect(holmSignificant([])).toEqual([]);
  });
});

describe('outcome contrasts on synthetic task families', () => {
  it('a call only failed attempts make, in 5 families, is a policy-style lesson naming what satisfied attempts did', async () => {
    const sessions = [0, 1, 2, 3, 4].flatMap((f) => [
      attempt(f, 0, 'satisfied', ['lookup', 'handoff']),
      attempt(f, 1, 'satisfied', ['lookup', 'handoff']),
      attempt(f, 2, 'failed', ['lookup', 'cancel']),
      attempt(f, 3, 'failed', ['lookup', 'cancel']),
    ]);
    const r = await run(sessions);
    const [c, ...rest] = contrasts(r);
    expect(rest).toEqual([]);
    expect(c!.after).toContain('# Do not call cancel right after lookup unless the task requires it');
    expect(c!.after).toContain(
      'Satisfied attempts of the same tasks called `handoff` instead (5 of 5 families).',
    );
    expect(c!.after).toMatch(/stratified exact test, one-sided p < 0\.001/);
    expect(c!.support).toEqual({ sessions: 20, agents: 1 });
    expect(c!.evidence).toHaveLength(5);
    // the call, not its argument object
    expect(c!.evidence.map((e) => e.quote)).toEqual(['cancel', 'cancel', 'cancel', 'cancel', 'cancel']);
    // the lookup every attempt makes is never advice
    expect(r.changes.some((x) => /Do not call lookup/.test(x.after ?? ''))).toBe(false);
  });

  it('never advice to skip a step that half the satisfied attempts of its families take', async () => {
    // 3 families where only failed attempts search (p = 1/6³ ≈ 0.005), but in 3 others every attempt
    // searches: half the satisfied attempts of the families where it occurs search
    const sessions = [
      ...[0, 1, 2].flatMap((f) => [
        attempt(f, 0, 'satisfied', ['lookup']),
        attempt(f, 1, 'satisfied', ['lookup']),
        attempt(f, 2, 'failed', ['lookup', 'search']),
        attempt(f, 3, 'failed', ['lookup', 'search']),
      ]),
      ...[3, 4, 5].flatMap((f) => [
        attempt(f, 0, 'satisfied', ['search', 'book']),
        attempt(f, 1, 'satisfied', ['search', 'book']),
        attempt(f, 2, 'failed', ['search']),
        attempt(f, 3, 'failed', ['search']),
      ]),
    ];
    const r = await run(sessions);
    expect(r.stats.contrasts_tested).toBe(1);
    expect(contrasts(r)).toEqual([]);
  });

  it('a hard task where most attempts fail does not make its ordinary step a cause of failure', async () => {
    // `search` comes with failure over all sessions (Fisher p ≈ 0.01), but only because the tasks that
    // need it are hard; within each family it makes no difference
    const sessions = [
      ...[0, 1, 2].flatMap((f) => [
        attempt(f, 0, 'satisfied', ['search', 'book']),
        attempt(f, 1, 'failed', ['search', 'book']),
        attempt(f, 2, 'failed', ['search', 'book']),
        attempt(f, 3, 'failed', ['book']),
      ]),
      ...[3, 4, 5].flatMap((f) => [
        attempt(f, 0, 'satisfied', ['lookup']),
        attempt(f, 1, 'satisfied', ['lookup']),
        attempt(f, 2, 'satisfied', ['lookup']),
        attempt(f, 3, 'failed', ['lookup', 'search']),
      ]),
    ];
    const r = await run(sessions);
    expect(contrasts(r)).toEqual([]);
  });
});

describeWithData('outcome contrasts on the real τ-bench airline sessions', () => {
  let r: DreamResult;
  beforeAll(async () => {
    r = await run(refsFromImported(await importAll([TAU])));
  });

  it('no call predicts failure within tasks at 2 trials per task: no contrast, no advice to skip a search', () => {
    expect(r.stats.contrast_families).toBeGreaterThanOrEqual(10);
    expect(contrasts(r).map((c) => c.path)).toEqual([]);
  });

  it('over all sessions search_direct_flight does come with failure (the confounded signal the old rule used)', async () => {
    const refs = refsFromImported(await importAll([TAU]));
    const t = outcomeTable(
      await Promise.all(
        refs.map(async (x) => ({
          content_sha256: x.session.content_sha256,
          outcome: x.session.outcome?.result ?? 'unknown',
          search: (await x.loadEvents()).some(
            (e) => e.type === 'agent.tool_use' && e.tool === 'search_direct_flight',
          ),
        })),
      ),
      (s) => s.search,
    );
    expect(predictionP(t, 'failed')).toBeLessThan(0.05);
  });
});
