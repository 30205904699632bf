import { describe, expect, it } from 'vitest';
import { createOfflineEngine } from '../index.js';
import { type Step, syntheticSession } from '../test-helpers.js';
import { DEFAULT_DREAM_OPTIONS } from '../types.js';

// Wordings written for these tests, in the shape of a file-edit tool's refusal.
const NOT_FOUND = 'Error: the text to replace was not found in the file.';

/** A session whose `tool` call fails with NOT_FOUND, then (after `before`) succeeds with another argument. */
function retried(id: string, tool: string, kind: 'edit' | 'other', before: Step[] = []) {
  return syntheticSession(id, null, [
    `Rename the helper in ${id}`,
    {
      tool,
      kind,
      input: { file_path: `/w/${id}.ts`, old_string: 'function  helper(' },
      result: NOT_FOUND,
      error: true,
    },
    ...before,
    { tool, kind, input: { file_path: `/w/${id}.ts`, old_string: 'function helper(' }, result: 'updated' },
  ]);
}

/** A formatter run on the file before the retry: a step that changes the file, not a second look at it. */
const format = (id: string): Step => ({
  tool: 'Bash',
  kind: 'shell',
  input: { command: `npx prettier --write /w/${id}.ts` },
  result: `/w/${id}.ts 12ms`,
});

describe('a fix that only sends the same call again with another argument', () => {
  const engine = createOfflineEngine();
  const run = async (sessions: ReturnType<typeof syntheticSession>[]) =>
    engine.run({ memories: [], sessions, options: DEFAULT_DREAM_OPTIONS });

  it('is no lesson for the agent’s own tools', async () => {
    const r = await run(['a', 'b', 'c'].map((id) => retried(id, 'Edit', 'edit')));
    expect(r.changes.filter((c) => c.kind === 'mistake')).toEqual([]);
    expect(r.stats.mistakes_retry).toBe(1);
  });

  it('is no lesson either when the call made first only looked at the file again', async () => {
    const read: Step = {
      tool: 'Read',
      kind: 'read',
      input: { file_path: '/w/x.ts' },
      result: '1 function helper(',
    };
    const r = await run(['a', 'b', 'c'].map((id) => retried(id, 'Edit', 'edit', [read])));
    expect(r.changes.filter((c) => c.kind === 'mistake')).toEqual([]);
    expect(r.stats.mistakes_retry).toBe(1);
  });

  it('is kept when a call made first came with it, and for an API’s domain tools', async () => {
    const first = await run(['a', 'b', 'c'].map((id) => retried(id, 'Edit', 'edit', [format(id)])));
    expect(first.changes.filter((c) => c.kind === 'mistake')).toHaveLength(1);
    expect(first.stats.mistakes_retry).toBe(0);
    const api = await run(['a', 'b', 'c'].map((id) => retried(id, 'update_document', 'other')));
    const [m] = api.changes.filter((c) => c.kind === 'mistake');
    expect(m?.after).toContain('old_string');
  });
});

describe('a call made first in only some of the retries that worked', () => {
  const engine = createOfflineEngine();

  it('is no fix when half the retries or fewer came after it: the changed argument did the work', async () => {
    // four sessions retried with another old_string; two of them formatted the file first
    const sessions = ['a', 'b', 'c', 'd'].map((id, i) =>
      retried(id, 'Edit', 'edit', i < 2 ? [format(id)] : []),
    );
    const r = await engine.run({ memories: [], sessions, options: DEFAULT_DREAM_OPTIONS });
    expect(r.changes.filter((c) => c.kind === 'mistake')).toEqual([]);
    expect(r.stats.mistakes_retry).toBe(1);
  });

  it('is the fix when most retries came after it', async () => {
    const sessions = ['a', 'b', 'c', 'd'].map((id, i) =>
      retried(id, 'Edit', 'edit', i < 3 ? [format(id)] : []),
    );
    const r = await engine.run({ memories: [], sessions, options: DEFAULT_DREAM_OPTIONS });
    const [m, ...rest] = r.changes.filter((c) => c.kind === 'mistake');
    expect(rest).toEqual([]);
    expect(m!.after).toContain('Calls made before the successful retry: `Bash:npx prettier` (3)');
  });
});

describe('an edit that worked when sent again after only looking, its arguments unchanged', () => {
  const engine = createOfflineEngine();

  it('is no lesson: the look, not a fix, is all that came between', async () => {
    const input = (id: string) => ({ file_path: `/w/${id}.ts`, old_string: 'a', new_string: 'b' });
    const sessions = ['a', 'b', 'c'].map((id) =>
      syntheticSession(id, null, [
        `Change a to b in ${id}`,
        { tool: 'Edit', kind: 'edit', input: input(id), result: NOT_FOUND, error: true },
        { tool: 'Read', kind: 'read', input: { file_path: `/w/${id}.ts` }, result: '1 const a = 1;' },
        { tool: 'Edit', kind: 'edit', input: input(id), result: 'updated' },
      ]),
    );
    const r = await engine.run({ memories: [], sessions, options: DEFAULT_DREAM_OPTIONS });
    expect(r.changes.filter((c) => c.kind === 'mistake')).toEqual([]);
  });
});
