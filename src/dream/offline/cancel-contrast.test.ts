/**
 * Issue 8, τ-bench `tau.cancel-not-eligible`: cancelling reservations the policy does not allow fails
 * its tasks, but the outcomes do not establish `cancel_reservation` as a cause of failure. Within task
 * families (the stratified exact test, the exact form of the Cochran–Mantel–Haenszel test: Birch 1964;
 * Agresti, Categorical Data Analysis §7.3.5) only 6 families differ in whether the call was made — 4
 * where only the failed attempt cancelled, 2 where only the satisfied one did (tasks that required the
 * cancellation) — so P = P(Bin(6, ½) ≥ 4) = 22/64 ≈ 0.34; task 25, where both attempts cancelled and
 * failed, carries no within-task information. Admitting it would admit noise: the dream proposes nothing.
 */
import { beforeAll, expect, it } from 'vitest';
import { describeWithData, TAU } from '../../../test/data.js';
import type { ImportedSession } from '../../ingest/types.js';
import { createOfflineEngine } from '../index.js';
import { importAll, refsFromImported } from '../test-helpers.js';
import { DEFAULT_DREAM_OPTIONS, type DreamResult } from '../types.js';
import { type Stratum, stratifiedExactGreater } from './significance.js';

const cancels = (s: ImportedSession) =>
  s.events.some((e) => e.type === 'agent.tool_use' && e.tool === 'cancel_reservation');

describeWithData('τ-bench: cancelling is not established as a cause of failure', () => {
  let sessions: ImportedSession[];
  let result: DreamResult;
  beforeAll(async () => {
    sessions = await importAll([TAU]);
    result = await createOfflineEngine().run({
      memories: [],
      sessions: refsFromImported(sessions),
      options: DEFAULT_DREAM_OPTIONS,
    });
  });

  it('the within-task test gives p = 22/64 for cancel_reservation', () => {
    const byTask = new Map<unknown, ImportedSession[]>();
    for (const s of sessions) byTask.set(s.metadata.task_id, [...(byTask.get(s.metadata.task_id) ?? []), s]);
    const strata: Stratum[] = [...byTask.values()].map((ss) => ({
      n: ss.length,
      with: ss.filter(cancels).length,
      outcome: ss.filter((s) => s.outcome?.result === 'failed').length,
      both: ss.filter((s) => cancels(s) && s.outcome?.result === 'failed').length,
    }));
    const discordant = strata.filter((s) => s.n === 2 && s.with === 1 && s.outcome === 1);
    expect(discordant.map((s) => s.both).sort()).toEqual([0, 0, 1, 1, 1, 1]);
    expect(stratifiedExactGreater(strata)).toBeCloseTo(22 / 64, 10);
  });

  it('proposes no memory about cancelling', () => {
    for (const c of result.changes) expect(`${c.path}\n${c.after ?? ''}`).not.toMatch(/cancel_reservation/);
  });
});
