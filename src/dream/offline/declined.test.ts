import { describe, expect, it } from 'vitest';
import { type SessionEvent, sha256Hex } from '../../domain/index.js';
import { createOfflineEngine } from '../index.js';
import { syntheticSession } from '../test-helpers.js';
import { DEFAULT_DREAM_OPTIONS, type DreamSessionRef } from '../types.js';
import { markDeclined } from './declined.js';
import type { ErrorOccurrence } from './digest.js';
import { gatherSession } from './gather.js';

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

/** `ref` with the importer's `declined` marker on every result whose content is {@link REFUSED}. */
async function marked(ref: DreamSessionRef): Promise<DreamSessionRef> {
  const events = (await ref.loadEvents()).map((e) =>
    e.type === 'agent.tool_result' && e.content === REFUSED ? { ...e, declined: true as const } : e,
  );
  const session = { ...ref.session, content_sha256: sha256Hex(JSON.stringify(events)) };
  return { session, loadEvents: async () => events };
}

describe('a result the importer marked declined', () => {
  const engine = createOfflineEngine();
  it('is never a mistake, even where the agent went on by itself (no order to tell it by)', async () => {
    const went = (id: string) =>
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
        { tool: 'Bash', kind: 'shell', command: `rm -rf dist/${id}`, input: {}, result: '' },
      ]);
    const r = await engine.run({
      memories: [],
      sessions: await Promise.all([went('a'), went('b'), went('c')].map(marked)),
      options: DEFAULT_DREAM_OPTIONS,
    });
    // unmarked, the same sessions give one mistake (see above); marked, the person's decision
    expect(r.changes.filter((c) => c.kind === 'mistake')).toEqual([]);
    expect(r.stats.errors_declined).toBe(3);
  });

  const src = { file: 'synthetic' };
  const ts = '2026-02-01T10:00:00.000Z';
  const call = (seq: number, tool: string, input: Record<string, unknown>, command?: string) =>
    ({
      type: 'agent.tool_use',
      tool,
      kind: command === undefined ? 'edit' : 'shell',
      ...(command === undefined ? {} : { command }),
      input,
      call_id: `c${seq}`,
      seq,
      timestamp: ts,
      source: src,
    }) as SessionEvent;
  const answer = (seq: number, tool: string, content: string, is_error: boolean, declined = false) =>
    ({
      type: 'agent.tool_result',
      tool,
      call_id: `c${seq - 1}`,
      content,
      is_error,
      ...(declined ? { declined: true } : {}),
      seq,
      timestamp: ts,
      source: src,
    }) as SessionEvent;

  it('is never the fix of an earlier error, even when the source did not flag it failed', () => {
    const edit = (old_string: string) => ({ file_path: '/w/a.py', old_string, new_string: 'y = 2' });
    const events = [
      call(0, 'Edit', edit('x = 1 ')),
      answer(1, 'Edit', 'String to replace not found in file.', true),
      call(2, 'Edit', edit('x=1')),
      answer(3, 'Edit', REFUSED, false, true),
      call(4, 'Edit', edit('x = 1')),
      answer(5, 'Edit', 'The file /w/a.py has been updated.', false),
    ];
    const d = gatherSession(events);
    expect(d.recoveries.map((r) => r.seq_use)).toEqual([4]);
    // the declined call is no step of the session's sequence either
    expect(d.steps.map((st) => st.seq)).toEqual([4]);
  });

  it('leaves no edit, call or set-up step behind in the recovery of an earlier error', () => {
    const events = [
      call(0, 'Bash', { command: 'pytest -q' }, 'pytest -q'),
      answer(1, 'Bash', 'E   ImportError: cannot import name parse', true),
      call(2, 'Edit', { file_path: '/w/p.py', old_string: 'def parse_all', new_string: 'def parse' }),
      answer(3, 'Edit', REFUSED, true, true),
      call(4, 'Bash', { command: 'pip install -e .' }, 'pip install -e .'),
      answer(5, 'Bash', REFUSED, true, true),
      call(6, 'Bash', { command: 'pytest -q' }, 'pytest -q'),
      answer(7, 'Bash', '3 passed', false),
    ];
    const d = gatherSession(events);
    expect(d.errors.map((e) => [e.seq, e.declined ?? false])).toEqual([
      [1, false],
      [3, true],
      [5, true],
    ]);
    const rec = d.recoveries.find((r) => r.error === 0)!;
    expect(rec.seq_use).toBe(6);
    expect(rec.edits).toBeUndefined();
    expect(rec.between).toEqual([]);
    expect(rec.setup ?? []).not.toContain('pip install -e .');
  });
});
