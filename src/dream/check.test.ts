import { describe, expect, it } from 'vitest';
import { describeWithData, TAU } from '../../test/data.js';
import type { SessionEvent } from '../domain/index.js';
import { checkProposal, runCheck, splitHoldout, valueTokens } from './check.js';
import { gatherSession } from './offline/gather.js';
import type { GatheredSession } from './offline/plan.js';
import { createOfflineEngine } from './offline-engine.js';
import { importAll, MemoryCache, refsFromImported } from './test-helpers.js';

/** A probe session in which a person states facts, one `user.message` per line. */
function probe(id: string, lines: string[]): GatheredSession {
  const events: SessionEvent[] = lines.map((text, seq) => ({
    type: 'user.message',
    seq,
    timestamp: null,
    source: { file: `${id}.jsonl`, line: seq + 1 },
    text,
  }));
  return {
    id,
    agent_id: 'ops-agent',
    user_id: null,
    content_sha256: id,
    outcome: 'unknown',
    family: null,
    subagent: false,
    time: '2026-11-01T00:00:00Z',
    digest: gatherSession(events),
  };
}

describe('splitHoldout', () => {
  it('holds back the newest ceil(fraction × n), nothing below 5 sessions, and rejects bad fractions', () => {
    const s = Array.from({ length: 10 }, (_, i) => ({
      id: `s${i}`,
      time: `2026-01-${String(10 - i).padStart(2, '0')}`,
    }));
    const { read, probes } = splitHoldout(s, 0.2);
    expect(probes.map((p) => p.id)).toEqual(['s1', 's0']);
    expect(read).toHaveLength(8);
    expect(splitHoldout(s.slice(0, 4), 0.2).probes).toEqual([]);
    expect(splitHoldout(s, 0).probes).toEqual([]);
    expect(() => splitHoldout(s, 0.9)).toThrow(RangeError);
  });
});

describe('checkProposal', () => {
  it('flags a proposal that adds a fact contradicted by a newer probe session, and passes one that does not', () => {
    const probes = [
      probe('sesn_p1', ['Heads up: the staging database moved to db-staging-2.internal last week.']),
    ];
    const input = [{ path: '/notes/team.md', content: '# Team\n\nStandup is at 09:30.\n' }];
    const stale = '# Staging database\n\nThe staging database is db-staging-1.internal.\n';
    const bad = checkProposal({
      input,
      proposed: [...input, { path: '/facts/staging-database.md', content: stale }],
      changes: [
        { op: 'create', path: '/facts/staging-database.md', to_path: null, reason: 'stated in 2 sessions' },
      ],
      probes,
    });
    expect(bad.verdict).toBe('regression');
    expect(bad.regressions.map((r) => r.class)).toEqual(['contradictions']);
    expect(bad.regressions[0]!.paths).toEqual(['/facts/staging-database.md']);
    expect(bad.regressions[0]!.session_ids).toEqual(['sesn_p1']);
    expect(bad.input.contradictions).toBe(0);
    expect(bad.proposed.contradictions).toBe(1);

    const fresh = '# Staging database\n\nThe staging database is db-staging-2.internal.\n';
    const good = checkProposal({
      input,
      proposed: [...input, { path: '/facts/staging-database.md', content: fresh }],
      changes: [
        { op: 'create', path: '/facts/staging-database.md', to_path: null, reason: 'stated in 2 sessions' },
      ],
      probes,
    });

    expect(good.verdict).toBe('pass');
  });

  it('counts a probe call the person declined as no tool error, and a failed one as one', () => {
    const call = (seq: number, id: string): SessionEvent => ({
      type: 'agent.tool_use',
      seq,
      timestamp: null,
      source: { file: 'p.jsonl', line: seq + 1 },
      tool: 'Bash',
      kind: 'shell',
      input: { command: 'make deploy' },
      call_id: id,
      command: 'make deploy',
    });
    const result = (seq: number, id: string, content: string, declined: boolean): SessionEvent => ({
      type: 'agent.tool_result',
      seq,
      timestamp: null,
      source: { file: 'p.jsonl', line: seq + 1 },
      call_id: id,
      tool: 'Bash',
      content,
      is_error: true,
      ...(declined ? { declined: true as const } : {}),
    });
    const events = [
      call(0, 'c1'),
      result(1, 'c1', "The user doesn't want to proceed with this tool use.", true),
      call(2, 'c2'),
      result(3, 'c2', 'Exit code 2\nmake: *** No rule to make target deploy. Stop.', false),
      { type: 'agent.message', seq: 4, timestamp: null, source: { file: 'p.jsonl', line: 5 }, text: 'done' },
    ] as SessionEvent[];
    const p = { ...probe('sesn_p2', []), digest: gatherSession(events) };
    const r = checkProposal({ input: [], proposed: [], changes: [], probes: [p] });
    expect(r.input.errors_total).toBe(1);
  });
  it('flags information lost behind a false merge claim, accepts a stated retirement, and needs probes to pass', () => {
    const input = [
      {
        path: '/facts/escalation.md',
        content: 'Escalations go to tier2@acme-shop.example, phone extension 4417.\n',
      },
      { path: '/facts/escalation-old.md', content: 'Escalations go to tier2@acme-shop.example.\n' },
      { path: '/notes/legacy.md', content: 'The legacy export job ran on host batch-07.\n' },
    ];
    const proposed = [{ path: '/facts/escalation-old.md', content: input[1]!.content }];
    const r = checkProposal({
      input,
      proposed,
      changes: [
        {
          op: 'delete',
          path: '/facts/escalation.md',
          to_path: null,
          reason: 'merged into /facts/escalation-old.md (similarity 0.73)',
        },
        {
          op: 'delete',
          path: '/notes/legacy.md',
          to_path: null,
          reason: 'retired: superseded by the new export service',
        },
      ],
      probes: [],
    });
    expect(r.verdict).toBe('regression');
    expect(r.regressions).toHaveLength(1);
    expect(r.regressions[0]).toMatchObject({ class: 'lost', paths: ['/facts/escalation.md'] });
    expect(r.regressions[0]!.detail).toContain('4417');
    expect(r.proposed.lost).toBe(1);
    // the same proposal without the false merge: nothing is lost, but with no probes the verdict is no_probes
    const kept = checkProposal({ input, proposed: input, changes: [], probes: [] });
    expect(kept.verdict).toBe('no_probes');
  });

  it('value tokens are numbers, identifiers, addresses and quoted strings, not plain words', () => {
    expect(
      valueTokens(
        'Call `make test-all` or mail ops@example.com; server db-2 at https://x.example/a, "blue team" wins',
      ),
    ).toEqual(['blue team', 'db-2', 'https://x.example/a', 'make test-all', 'ops@example.com']);
  });
});

describeWithData('the gate on τ-bench (newest 20% held back)', () => {
  it('passes the offline dream and blocks a planted harmful one on the probe errors', async () => {
    const refs = refsFromImported(await importAll([TAU]));
    const { read, probes } = splitHoldout(
      refs.map((r) => ({ ...r, id: r.session.id, time: r.session.started_at })),
      0.2,
    );
    expect(probes).toHaveLength(20);
    const cache = new MemoryCache();
    const result = await createOfflineEngine().run(
      { memories: [], sessions: read, options: { min_support: 2 } as never },
      { cache },
    );
    const good = await runCheck(
      { input: [], proposed: result.files, changes: result.changes, probes },
      { cache },
    );

    expect(good.verdict).toBe('pass');
    expect(good.probe_session_ids).toHaveLength(20);
    expect(good.proposed.errors_total).toBeGreaterThan(0);
    expect(good.proposed.errors_covered).toBeGreaterThan(good.input.errors_covered);

    // Plant harm: the store already holds the good memories; the "dream" retires every mistake memory.
    const mistakes = result.files.filter((f) => f.path.startsWith('/mistakes/'));
    expect(mistakes.length).toBeGreaterThan(0);
    const harmful = await runCheck(
      {
        input: result.files,
        proposed: result.files.filter((f) => !f.path.startsWith('/mistakes/')),
        changes: mistakes.map((m) => ({
          op: 'delete' as const,
          path: m.path,
          to_path: null,
          reason: 'retired: nothing reinforces it',
        })),
        probes,
      },
      { cache },
    );
    expect(harmful.verdict).toBe('regression');
    expect(harmful.regressions.map((r) => r.class)).toEqual(['errors']);
    expect(harmful.proposed.errors_covered).toBe(0);
    expect(harmful.regressions[0]!.paths.every((p) => p.startsWith('/mistakes/'))).toBe(true);
  });
});
