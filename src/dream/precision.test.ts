/**
 * Issue 8 scope 2, precision-first mining, on synthetic sessions (the real-data checks are in
 * offline-engine.test.ts): a lesson is stated only when the data establishes it.
 */
import { describe, expect, it } from 'vitest';
import type { OutcomeResult, SessionEvent } from '../domain/index.js';
import { createOfflineEngine } from './index.js';
import { fisherExactGreater, presencePredicts, wilsonLower } from './offline/significance.js';
import { type Step, syntheticSession } from './test-helpers.js';
import { DEFAULT_DREAM_OPTIONS, type DreamSessionRef } from './types.js';

const engine = createOfflineEngine();
const bash = (command: string, result: string, error = false): Step => ({
  tool: 'bash',
  input: { command },
  result,
  error,
});
const run = (sessions: DreamSessionRef[]) =>
  engine.run({ memories: [], sessions, options: DEFAULT_DREAM_OPTIONS });
const mistakes = (r: Awaited<ReturnType<typeof run>>) => r.changes.filter((c) => c.kind === 'mistake');

describe('significance', () => {
  it("Fisher's exact test and the Wilson lower bound match published values", () => {
    // Agresti's tea-tasting table [[3, 1], [1, 3]]: one-sided p = 0.2429
    expect(fisherExactGreater(3, 1, 1, 3)).toBeCloseTo(0.2429, 4);
    expect(fisherExactGreater(8, 0, 2, 10)).toBeLessThan(0.001);
    // Wilson 95% interval of 8/10: lower bound 0.4902
    expect(wilsonLower(8, 10)).toBeCloseTo(0.4902, 3);
    expect(
      presencePredicts({ withSatisfied: 1, withFailed: 6, withoutSatisfied: 6, withoutFailed: 1 }, 'failed'),
    ).toBe(true);
  });
});

describe('mistakes: only recurring and avoidable', () => {
  it('a search that finds nothing is exploration, unless its presence predicts failure', async () => {
    const grep = (i: number, outcome: OutcomeResult) =>
      syntheticSession(`sesn_g${i}`, `u${i}`, [`task ${i}`, bash(`grep -rn foo${i} src/`, '', true)], {
        outcome,
      });
    const plain = (i: number, outcome: OutcomeResult) =>
      syntheticSession(`sesn_p${i}`, `u${i}`, [`task ${i}`, bash('ls', 'a b')], { outcome });
    // grep finds nothing in satisfied and failed sessions alike: exploration
    const mixed = await run([0, 1, 2, 3].map((i) => grep(i, i % 2 ? 'failed' : 'satisfied')));
    expect(mistakes(mixed)).toEqual([]);
    expect(mixed.stats.mistakes_exploration).toBe(1);
    // grep failing in 6 failed sessions, never in the 6 satisfied ones: it predicts failure
    const predictive = await run([
      ...[0, 1, 2, 3, 4, 5].map((i) => grep(i, 'failed')),
      ...[6, 7, 8, 9, 10, 11].map((i) => plain(i, 'satisfied')),
    ]);
    expect(mistakes(predictive)).toHaveLength(1);
  });

  it("the agent's own failing reproduction script is exploration; a usage error is a mistake", async () => {
    const sessions = [0, 1, 2].map((i) =>
      syntheticSession(`sesn_r${i}`, `u${i}`, [
        `task ${i}`,
        bash(`cat > reproduce_${i}.py <<'EOF'\nassert f() == 2\nEOF`, ''),
        bash(`python reproduce_${i}.py`, 'Traceback …\nAssertionError: 1 != 2', true),
        bash(`pytest tests/t${i}.py --runInBand`, 'error: unrecognized arguments: --runInBand', true),
      ]),
    );
    const r = await run(sessions);
    const text = mistakes(r)
      .map((c) => c.after)
      .join('\n');
    expect(text).not.toContain('AssertionError');
    expect(text).toContain('unrecognized arguments');
  });
});

describe('fixes: the same change, recovered, not only in failed sessions', () => {
  const failing = (i: number, outcome: OutcomeResult, retry: string) =>
    syntheticSession(
      `sesn_f${i}`,
      `u${i}`,
      [
        `task ${i}`,
        {
          tool: 'book',
          input: { cabin: 'basic', pay: `gift_${i}` },
          result: 'Error: gift card balance is low',
          error: true,
        },
        {
          tool: 'book',
          input: retry === 'pay' ? { cabin: 'basic', pay: `card_${i}` } : { cabin: 'eco', pay: `gift_${i}` },
          result: 'ok',
        },
      ],
      { outcome },
    );

  it('states a fix that recovered in two sessions, one of them satisfied', async () => {
    const r = await run([
      failing(1, 'satisfied', 'pay'),
      failing(2, 'failed', 'pay'),
      failing(3, 'failed', 'cabin'),
    ]);
    const m = mistakes(r)[0]!;
    // the retries paid with another kind of value (`card_…` for `gift_…`): the fix names it
    expect(m.after).toContain('fix: use another kind of `pay` than `gift`');
    // the evidence shows what changed, not the whole argument object
    expect(m.evidence.map((e) => e.quote)).toContain('pay: "gift_1" → "card_1"');
  });

  it('never states a fix seen only in failed sessions', async () => {
    const r = await run([
      failing(1, 'failed', 'pay'),
      failing(2, 'failed', 'pay'),
      failing(3, 'satisfied', 'cabin'),
    ]);
    const m = mistakes(r)[0]!;
    expect(m.after).not.toContain('fix: change pay');
    expect(m.after).toContain('No reliable fix was seen');
  });

  it('a shell fix is what was done before the same program succeeded again', async () => {
    const sessions = [0, 1, 2].map((i) =>
      syntheticSession(`sesn_p${i}`, `u${i}`, [
        `task ${i}`,
        bash(`git push origin feat-${i}`, 'error: failed to push some refs to origin', true),
        bash(`git pull --rebase origin feat-${i}`, 'Successfully rebased'),
        bash(`git push origin feat-${i}`, 'ok'),
      ]),
    );
    const m = mistakes(await run(sessions))[0]!;
    expect(m.after).toContain('fix: run git pull first');
  });

  it('the next command is not a fix by itself', async () => {
    const sessions = [0, 1, 2].map((i) =>
      syntheticSession(`sesn_n${i}`, `u${i}`, [
        `task ${i}`,
        bash(`make build${i}`, 'make: *** No rule to make target', true),
        bash(`cat Makefile`, 'all: …'),
      ]),
    );
    const m = mistakes(await run(sessions))[0]!;
    expect(m.after).not.toMatch(/fix: `cat|then bash:cat succeeded/);
    expect(m.after).toContain('No reliable fix was seen');
  });
});

describe("preferences: only a person's own words", () => {
  const asked = (i: number, user: string | null, answer: string): DreamSessionRef => {
    const ref = syntheticSession(`sesn_q${i}`, user, [`hello ${i}`, answer]);
    const load = ref.loadEvents;
    return {
      ...ref,
      loadEvents: async () => {
        const events = await load();
        const ask: SessionEvent = {
          type: 'agent.message',
          text: 'Which seat do you want?',
          seq: 1,
          timestamp: null,
          source: { file: 'synthetic' },
        };
        return [events[0]!, ask, ...events.slice(1).map((e) => ({ ...e, seq: e.seq + 1 }))];
      },
    };
  };

  it("a short answer to the agent's question is not a preference", async () => {
    const r = await run([1, 2, 3].map((i) => asked(i, `u${i}`, 'Always the aisle seat, never the middle.')));
    expect(r.changes.filter((c) => c.kind === 'preference')).toEqual([]);
  });

  it('a harness template repeated through a session is not a preference', async () => {
    const nag = 'Always reply with exactly one bash block, never two.';
    const r = await run(
      [1, 2, 3].map((i) => syntheticSession(`sesn_h${i}`, `u${i}`, [`task ${i}`, nag, nag, nag])),
    );
    expect(r.changes.filter((c) => c.kind === 'preference')).toEqual([]);
  });

  it('says "N users" only when the users are known', async () => {
    const rule = 'Always run the linter before committing, never skip it.';
    const known = await run([1, 2].map((i) => syntheticSession(`sesn_k${i}`, `u${i}`, [`task ${i}`, rule])));
    expect(known.changes.find((c) => c.kind === 'preference')!.reason).toContain(
      'by 2 distinct users in 2 sessions',
    );
    const unknown = await run([1, 2].map((i) => syntheticSession(`sesn_x${i}`, null, [`task ${i}`, rule])));
    const p = unknown.changes.find((c) => c.kind === 'preference')!;
    expect(p.reason).toContain('in 2 sessions (users unknown)');
    expect(p.after).not.toMatch(/\d+ (?:distinct )?users/);
  });
});

describe('workflows and outcome contrasts: only what predicts the outcome', () => {
  const flow = (i: number, outcome: OutcomeResult, tools: string[]) =>
    syntheticSession(
      `sesn_w${i}`,
      `u${i}`,
      [`task ${i}`, ...tools.map((t): Step => ({ tool: t, input: { i }, result: '{}' }))],
      { outcome, metadata: { task_id: `t${i % 4}` } },
    );
  const SEQ = ['get_order', 'check_stock', 'ship_order'];

  it('a sequence as common in failed sessions as in satisfied ones is no workflow', async () => {
    const sessions = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => flow(i, i % 2 ? 'failed' : 'satisfied', SEQ));
    expect((await run(sessions)).changes.filter((c) => c.kind === 'workflow')).toEqual([]);
  });

  it('a sequence whose presence predicts success is a workflow, with the test named', async () => {
    const sessions = [
      ...[0, 1, 2, 3, 4, 5].map((i) => flow(i, 'satisfied', SEQ)),
      ...[6, 7, 8, 9, 10, 11].map((i) => flow(i, 'failed', ['get_order', 'ship_order'])),
    ];
    const w = (await run(sessions)).changes.filter((c) => c.kind === 'workflow');
    expect(w).toHaveLength(1);
    expect(w[0]!.after).toContain("Fisher's exact test");
    // evidence quotes name the calls, not whole argument objects
    expect(w[0]!.evidence[0]!.quote).toBe('get_order → check_stock → ship_order');
  });

  it('never a workflow that ends by handing off to a human', async () => {
    const handoff = ['get_user', 'get_order', 'transfer_to_human_agents'];
    const sessions = [
      ...[0, 1, 2, 3, 4, 5].map((i) => flow(i, 'satisfied', handoff)),
      ...[6, 7, 8, 9, 10, 11].map((i) => flow(i, 'failed', ['get_user'])),
    ];
    const w = (await run(sessions)).changes.filter((c) => c.kind === 'workflow');
    expect(w.some((c) => c.after?.includes('transfer_to_human_agents'))).toBe(false);
  });

  it('never advises skipping a step most successful sessions take', async () => {
    // in 5 tasks only the failed attempts called check_stock (its presence predicts failure), but half
    // of all successful sessions call it too: no advice to skip it
    const task = (i: number, task_id: string, outcome: OutcomeResult, tools: string[]) =>
      syntheticSession(
        `sesn_t${i}`,
        `u${i}`,
        [`task ${i}`, ...tools.map((t): Step => ({ tool: t, input: { i }, result: '{}' }))],
        { outcome, metadata: { task_id } },
      );
    const mixed = [0, 1, 2, 3, 4].flatMap((k) => [
      task(k * 3, `t${k}`, 'satisfied', ['get_order', 'ship_order']),
      task(k * 3 + 1, `t${k}`, 'failed', ['get_order', 'check_stock']),
      task(k * 3 + 2, `t${k}`, 'failed', ['get_order', 'check_stock']),
    ]);
    const common = [0, 1, 2, 3, 4].map((k) =>
      task(100 + k, `u${k}`, 'satisfied', ['get_order', 'check_stock', 'ship_order']),
    );
    const contrast = (r: Awaited<ReturnType<typeof run>>) =>
      r.changes.filter((c) => c.path.includes('contrast') && c.after?.includes('check_stock'));
    expect(contrast(await run(mixed))).toHaveLength(1);
    expect(contrast(await run([...mixed, ...common]))).toEqual([]);
  });
});

describe("facts: only a person's own words", () => {
  it('a fact the agent states, however often, is never a fact memory nor a vote', async () => {
    const sessions = [1, 2, 3].map((i) => {
      const ref = syntheticSession(`sesn_a${i}`, `u${i}`, [`task ${i}`]);
      const load = ref.loadEvents;
      return {
        ...ref,
        loadEvents: async () => [
          ...(await load()),
          {
            type: 'agent.message' as const,
            text: 'We use Redis 7 for session storage.',
            seq: 1,
            timestamp: null,
            source: { file: 'synthetic' },
          },
        ],
      };
    });
    const r = await run(sessions);
    expect(r.stats.session_facts).toBe(0);
    expect(r.changes.filter((c) => c.kind === 'fact')).toEqual([]);
  });
});
