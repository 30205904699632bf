import { describe, expect, it } from 'vitest';
import { type SessionEvent, sha256Hex } from '../../domain/index.js';
import { createOfflineEngine } from '../index.js';
import { syntheticSession } from '../test-helpers.js';
import type { DreamSessionRef } from '../types.js';
import { DEFAULT_DREAM_OPTIONS } from '../types.js';
import { agentTextPrints, replayOf } from './replays.js';

// Reasoning, commands and outputs written for these tests: an agent fixing a config loader, whose edit
// is refused by a linter once, then accepted.
const src = { file: 'synthetic' };
const ts = '2026-02-01T10:00:00.000Z';
const THOUGHTS = [
  'First I will look at how the loader reads the settings file, since the issue mentions a crash on start.',
  'The loader splits each line on the first equals sign, but it never strips the trailing newline from values.',
  'I will change the parser so that it strips whitespace around both the key and the value before storing them.',
  'The linter refused the edit because the new line is indented one level too deep; I will fix the indentation.',
  'The edit is in place now; running the reproduction script again should print the cleaned value without error.',
];

/**
 * One run of the agent: its reasoning (`thoughts`), an edit the linter refuses, a formatter run, then
 * the same edit re-indented. `variant` changes the run's first user message and command syntax, as a
 * replay under another configuration does; the reasoning stays word for word.
 */
function run(id: string, thoughts: readonly string[], variant: string): DreamSessionRef {
  let seq = 0;
  const e = (x: Record<string, unknown>) =>
    ({ seq: seq++, timestamp: ts, source: src, ...x }) as SessionEvent;
  const events: SessionEvent[] = [
    e({ type: 'user.message', text: `Fix the settings loader (${variant})` }),
    e({ type: 'agent.thinking', text: thoughts[0]! }),
    e({ type: 'agent.thinking', text: thoughts[1]! }),
    e({ type: 'agent.thinking', text: thoughts[2]! }),
    e({
      type: 'agent.tool_use',
      tool: 'edit',
      kind: 'edit',
      input: { action: `${variant} 3:3\n        v = v.strip()` },
      call_id: 'a',
    }),
    e({
      type: 'agent.tool_result',
      tool: 'edit',
      call_id: 'a',
      content: 'Refused by linter:\n- E111 unexpected indentation on line 3',
      is_error: true,
    }),
    e({ type: 'agent.thinking', text: thoughts[3]! }),
    // the file formatted first: the fix is more than the same call sent again or a second look at the
    // file (see mistakes.ts onlyRetried)
    e({ type: 'agent.tool_use', tool: 'format', kind: 'edit', input: { path: 'loader.py' }, call_id: 'v' }),
    e({ type: 'agent.tool_result', tool: 'format', call_id: 'v', content: 'Reformatted.', is_error: false }),
    e({
      type: 'agent.tool_use',
      tool: 'edit',
      kind: 'edit',
      input: { action: `${variant} 3:3\n    v = v.strip()` },
      call_id: 'b',
    }),
    e({ type: 'agent.tool_result', tool: 'edit', call_id: 'b', content: 'File updated.', is_error: false }),
    e({ type: 'agent.thinking', text: thoughts[4]! }),
  ];
  const base = syntheticSession(id, null, []).session;
  return {
    session: { ...base, event_count: events.length, content_sha256: sha256Hex(JSON.stringify(events)) },
    loadEvents: async () => events,
  };
}
/** The same steps told in other words: an independent run of the same task. */
const reworded = (i: number) => THOUGHTS.map((t) => `In run ${i}, ${t.charAt(0).toLowerCase()}${t.slice(1)}`);

describe('agentTextPrints / replayOf', () => {
  it('groups sessions whose agent wrote most of the same long texts, and no others', () => {
    const a = { content_sha256: 'a', prints: ['p1', 'p2', 'p3', 'p4'] };
    const b = { content_sha256: 'b', prints: ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'] };
    const c = { content_sha256: 'c', prints: ['p1', 'p2', 'q3', 'q4'] };
    // b has the most prints: the run the others replay
    expect(replayOf([a, b, c])).toEqual(new Map([['a', 'b']]));
    // the same content under two ids is one session (counted once elsewhere), not a replay of itself
    expect(replayOf([a, { ...a }])).toEqual(new Map());
    const short = [
      { type: 'agent.message', text: 'Let me check the file.', seq: 0, timestamp: ts, source: src },
    ];
    expect(agentTextPrints(short as SessionEvent[])).toEqual([]);
  });
});

describe('a dream over replays of one run', () => {
  const engine = createOfflineEngine();
  const mistakes = async (sessions: DreamSessionRef[]) => {
    const r = await engine.run({ memories: [], sessions, options: DEFAULT_DREAM_OPTIONS });
    return { n: r.changes.filter((c) => c.kind === 'mistake').length, replayed: r.stats.sessions_replayed };
  };

  it('counts a run and its replays once: a mistake seen in one run is no lesson', async () => {
    expect(await mistakes([run('x', THOUGHTS, 'edit'), run('y', THOUGHTS, 'replace')])).toEqual({
      n: 0,
      replayed: 1,
    });
  });

  it('still counts independent runs of the same task', async () => {
    expect(await mistakes([run('x', reworded(1), 'edit'), run('y', reworded(2), 'replace')])).toEqual({
      n: 1,
      replayed: 0,
    });
  });
});
