import { describe, expect, it } from 'vitest';
import { type SessionEvent, sha256Hex } from '../../domain/index.js';
import { createOfflineEngine } from '../index.js';
import { syntheticSession } from '../test-helpers.js';
import type { DreamSessionRef } from '../types.js';
import { DEFAULT_DREAM_OPTIONS } from '../types.js';
import { failuresAfterFailure, markAfterFailure } from './cancelled.js';
import type { ErrorOccurrence } from './digest.js';

// Wordings written for these tests: a harness's notice on a call it cancelled with its batch.
const NOTICE = 'Cancelled: another call of this batch failed first.';
const src = { file: 'synthetic' };
const ts = '2026-02-01T10:00:00.000Z';

const use = (seq: number, id: string, tool = 'Edit', input: unknown = {}): SessionEvent =>
  ({
    type: 'agent.tool_use',
    tool,
    kind: 'edit',
    input,
    call_id: id,
    seq,
    timestamp: ts,
    source: src,
  }) as SessionEvent;
const result = (seq: number, id: string, content: string, is_error = true): SessionEvent =>
  ({
    type: 'agent.tool_result',
    tool: null,
    call_id: id,
    content,
    is_error,
    seq,
    timestamp: ts,
    source: src,
  }) as SessionEvent;
const say = (type: 'user.message' | 'agent.message', seq: number, text: string) =>
  ({ type, text, seq, timestamp: ts, source: src }) as SessionEvent;
const error = (seq: number): ErrorOccurrence => ({
  kind: 'tool_error',
  tool: 'Edit',
  template: 'x',
  seq,
  seq_use: null,
  quote: 'x',
  label: null,
});

describe('failuresAfterFailure / markAfterFailure', () => {
  it('marks the failures that follow another failure with only tool events between, in either batch order', () => {
    const events = [
      say('user.message', 0, 'tidy the config'),
      say('agent.message', 1, 'Listing and editing together.'),
      // all calls first, then all results
      use(2, 'a', 'Bash'),
      use(3, 'b'),
      use(4, 'c'),
      result(5, 'a', 'ls: cannot access conf/: No such file or directory'),
      result(6, 'b', NOTICE),
      result(7, 'c', NOTICE),
      // the agent read the failure before its next call: that call's failure is its own
      say('agent.message', 8, 'The folder is missing; trying the file directly.'),
      use(9, 'd'),
      result(10, 'd', 'old text not found in conf/app.ini'),
      // each result right after its call
      use(11, 'e'),
      result(12, 'e', NOTICE),
      // a success ends the run
      use(13, 'f', 'Read'),
      result(14, 'f', 'key = 1', false),
      use(15, 'g'),
      result(16, 'g', 'old text not found in conf/app.ini'),
    ];
    expect(failuresAfterFailure(events)).toEqual([6, 7, 12]);
    const errors = [error(5), error(6), error(7), error(10), error(12), error(16)];
    markAfterFailure(events, errors);
    expect(errors.map((e) => e.after_failure ?? false)).toEqual([false, true, true, false, true, false]);
  });
});

/**
 * A session where Bash and `tool` (Edit) are called together and `tool` gets the harness's notice, then Edit
 * is retried, after a look at the file, and succeeds. `alone`: the agent wrote a line before the call, so
 * its failure is its own.
 */
function session(id: string, alone = false, tool = 'Edit'): DreamSessionRef {
  const events: SessionEvent[] = [
    say('user.message', 0, `Update the banner in page-${id}.html`),
    use(1, 'a', 'Bash', { command: `cat missing-${id}.txt` }),
    result(2, 'a', `cat: missing-${id}.txt: No such file or directory`),
    ...(alone ? [say('agent.message', 3, 'Now the banner.')] : []),
    use(4, 'b', tool, { file_path: `page-${id}.html`, old_string: 'Hello', new_string: 'Hi' }),
    result(5, 'b', NOTICE),
    say('agent.message', 6, 'Trying the edit again.'),
    // a look at the file first: the fix is more than the same call sent again (mistakes.ts onlyRetried)
    use(7, 'r', 'Read', { file_path: `page-${id}.html` }),
    result(8, 'r', '<h1>Hello!</h1>', false),
    use(9, 'c', 'Edit', { file_path: `page-${id}.html`, old_string: 'Hello!', new_string: 'Hi' }),
    result(10, 'c', 'The file has been updated.', false),
  ];
  const base = syntheticSession(id, null, []).session;
  return {
    session: { ...base, event_count: events.length, content_sha256: sha256Hex(JSON.stringify(events)) },
    loadEvents: async () => events,
  };
}

describe('a dream over calls cancelled with their batch', () => {
  const engine = createOfflineEngine();
  const editMistakes = (changes: { kind: string; path: string }[]) =>
    changes.filter((c) => c.kind === 'mistake' && c.path.includes('edit'));

  it('proposes no mistake from a notice only ever seen right after another failure', async () => {
    const r = await engine.run({
      memories: [],
      sessions: [session('a'), session('b'), session('c', false, 'Write'), session('d', false, 'Read')],
      options: DEFAULT_DREAM_OPTIONS,
    });
    expect(r.changes.filter((c) => c.kind === 'mistake' && !c.path.includes('bash'))).toEqual([]);
    expect(r.stats.errors_cancelled).toBe(4);
  });

  it("keeps a message only one kind of call gave: an agent's own calls may fail one after another", async () => {
    const r = await engine.run({
      memories: [],
      sessions: ['a', 'b', 'c'].map((id) => session(id)),
      options: DEFAULT_DREAM_OPTIONS,
    });
    expect(r.stats.errors_cancelled).toBe(0);
    expect(editMistakes(r.changes)).toHaveLength(1);
  });

  it('keeps every occurrence of a message also seen on its own', async () => {
    const r = await engine.run({
      memories: [],
      sessions: [session('a'), session('b', false, 'Write'), session('c', true)],
      options: DEFAULT_DREAM_OPTIONS,
    });
    expect(r.stats.errors_cancelled).toBe(0);
    expect(editMistakes(r.changes)).toHaveLength(1);
    expect(editMistakes(r.changes)[0]!).toMatchObject({ support: { sessions: 2 } });
  });
});
