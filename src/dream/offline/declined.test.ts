import { describe, expect, it } from 'vitest';
import type { SessionEvent } from '../../domain/index.js';
import { createOfflineEngine } from '../index.js';
import { syntheticSession } from '../test-helpers.js';
import { DEFAULT_DREAM_OPTIONS } from '../types.js';
import { markDeclined } from './declined.js';
import type { ErrorOccurrence } from './digest.js';

// Wordings written for these tests: a harness telling the agent that the person turned a call down.
const REFUSED = 'The person declined this call; nothing was run. Wait for their next message.';
const src = { file: 'synthetic' };
const ts = '2026-02-01T10:00:00.000Z';

function result(seq: number, content: string, is_error = true): SessionEvent {
  return {
    type: 'agent.tool_result',
    tool: 'Bash',
    call_id: `c${seq}`,
    content,
    is_error,
    seq,
    timestamp: ts,
    source: src,
  } as SessionEvent;
}
function use(seq: number): SessionEvent {
  return {
    type: 'agent.tool_use',
    tool: 'Bash',
    kind: 'shell',
    command: 'make deploy',
    input: { command: 'make deploy' },
    call_id: `c${seq + 1}`,
    seq,
    timestamp: ts,
    source: src,
  } as SessionEvent;
}
const text = (type: 'user.message' | 'system.message' | 'agent.message', seq: number, t: string) =>
  ({ type, text: t, seq, timestamp: ts, source: src }) as SessionEvent;
const error = (seq: number): ErrorOccurrence => ({
  kind: 'tool_error',
  tool: 'Bash',
  template: 'x',
  seq,
  seq_use: seq - 1,
  quote: 'x',
  label: null,
});

describe('markDeclined', () => {
  it('marks a failed result the person answered before the agent went on, past harness notes', () => {
    const events = [
      text('user.message', 0, 'deploy it'),
      use(1),
      result(2, REFUSED),
      text('system.message', 3, '[the person stopped the call]'),
      text('user.message', 4, 'check the config first'),
      use(5),
      result(6, 'make: *** No rule to make target deploy'),
      text('system.message', 7, 'Your output was too long.'),
      text('agent.message', 8, 'The target is missing; looking at the Makefile.'),
      use(9),
      result(10, 'make: *** No rule to make target deploy'),
    ];
    const errors = [error(2), error(6), error(10)];
    markDeclined(events, errors);
    // answered by the person; the agent went on after the second; the third ends the session
    expect(errors.map((e) => e.declined ?? false)).toEqual([true, false, false]);
  });
});

describe('a dream over calls the person turned down', () => {
  const engine = createOfflineEngine();
  it('proposes no mistake from them; a failure the agent went on from still counts', async () => {
    /** A session whose `rm -rf build/<id>` is refused, then `after` (the person's answer or the agent's next call). */
    const refused = (id: string, after: Parameters<typeof syntheticSession>[2][number]) =>
      syntheticSession(id, null, [
        `Ship ${id}`,
        {
          tool: 'Bash',
          kind: 'shell',
          command: `rm -rf build/${id}`,
          input: {},
          result: REFUSED,
          error: true,
        },
        after,
      ]);
    const declined = (id: string) => refused(id, 'no, keep the build folder');
    const r = await engine.run({
      memories: [],
      sessions: [declined('a'), declined('b'), declined('c')],
      options: DEFAULT_DREAM_OPTIONS,
    });
    expect(r.changes.filter((c) => c.kind === 'mistake')).toEqual([]);
    expect(r.stats.errors_declined).toBe(3);

    // the same text where the agent went on by itself is the tool's failure, as before
    const went = (id: string) =>
      refused(id, { tool: 'Bash', kind: 'shell', command: `rm -rf dist/${id}`, input: {}, result: '' });
    const r2 = await engine.run({
      memories: [],
      sessions: [went('a'), went('b')],
      options: DEFAULT_DREAM_OPTIONS,
    });
    expect(r2.stats.errors_declined).toBe(0);
    expect(r2.changes.filter((c) => c.kind === 'mistake')).toHaveLength(1);
  });
});
