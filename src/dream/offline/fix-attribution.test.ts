import { describe, expect, it } from 'vitest';
import { createOfflineEngine } from '../index.js';
import { type Step, syntheticSession } from '../test-helpers.js';
import { DEFAULT_DREAM_OPTIONS } from '../types.js';
import { errorNamesCall } from './mistakes.js';

// Tools, paths and messages written for these tests: an edit tool that refuses a file the agent has not
// opened; the agent opens it, then retries with the text it now sees.
const engine = createOfflineEngine();

describe('errorNamesCall', () => {
  it('is true when every word of the call name is a word of the message, by stem', () => {
    expect(errorNamesCall('Refused: the file was not read in this session.', 'Read')).toBe(true);
    expect(errorNamesCall('Refused: the file was not read in this session.', 'ReadFile')).toBe(true);
    expect(errorNamesCall('Please run make first', 'Bash:make')).toBe(true);
    expect(errorNamesCall('Refused: the file was not read in this session.', 'Grep')).toBe(false);
    expect(errorNamesCall('Refused: the file was not read in this session.', 'read_notes')).toBe(false);
  });
});

/**
 * A session whose edit of `id`/index.md is refused with `message`; the agent makes the call `between`
 * (given the file's path), then retries with the text it now sees.
 */
const refusedEdit = (id: string, message: string, between: (path: string) => Step) =>
  syntheticSession(id, null, [
    `Rename the title in ${id}/index.md`,
    {
      tool: 'Edit',
      kind: 'edit',
      input: { file_path: `${id}/index.md`, old_string: 'Title', new_string: `New ${id} title` },
      result: message,
      error: true,
    },
    between(`${id}/index.md`),
    {
      tool: 'Edit',
      kind: 'edit',
      input: { file_path: `${id}/index.md`, old_string: `# Title of ${id}`, new_string: `# ${id}` },
      result: 'Updated.',
    },
  ]);

describe('an edit refused until the file is read, mended by reading it', () => {
  const session = (id: string, message: string) =>
    refusedEdit(id, message, (path) => ({
      tool: 'Read',
      kind: 'read',
      input: { file_path: path },
      result: `# Title of ${id}`,
    }));

  it('is no lesson: a second look at the file is what every agent does (blind batch 7: all such proposals noise)', async () => {
    for (const message of [
      'Refused: the file was not read in this session.',
      'Refused: the text you gave does not match the file.',
    ]) {
      const r = await engine.run({
        memories: [],
        sessions: [session('docs', message), session('blog', message), session('wiki', message)],
        options: DEFAULT_DREAM_OPTIONS,
      });
      expect(r.changes.filter((c) => c.kind === 'mistake')).toEqual([]);
      expect(r.stats.mistakes_retry).toBe(1);
    }
  });
});

describe('an error whose own words say what to do next', () => {
  // the refusal tells the agent to read first; the agent writes the file through the shell instead
  const session = (id: string) =>
    syntheticSession(id, null, [
      `Write the notes of ${id}`,
      {
        tool: 'Write',
        kind: 'edit',
        input: { file_path: `${id}/NOTES.md`, content: `# ${id}` },
        result: 'Refused: the file was not read in this session. Read it first before writing to it.',
        error: true,
      },
      { tool: 'Bash', kind: 'shell', input: { command: `touch ${id}/NOTES.md` }, result: '' },
      {
        tool: 'Write',
        kind: 'edit',
        input: { file_path: `${id}/NOTES.md`, content: `# ${id}!` },
        result: 'Written.',
      },
    ]);

  it('is no lesson of its own: the tool already tells every agent', async () => {
    const r = await engine.run({
      memories: [],
      sessions: [session('docs'), session('blog'), session('wiki')],
      options: DEFAULT_DREAM_OPTIONS,
    });
    expect(r.changes.filter((c) => c.kind === 'mistake')).toEqual([]);
    expect(r.stats.mistakes_retry).toBe(1);
  });
});

describe('the headline fix of an edit refused until the file is unlocked', () => {
  const session = (id: string, message: string) =>
    refusedEdit(id, message, (path) => ({
      tool: 'Unlock',
      kind: 'edit',
      input: { file_path: path },
      result: 'Unlocked.',
    }));
  const headline = async (message: string) => {
    const r = await engine.run({
      memories: [],
      sessions: [session('docs', message), session('blog', message)],
      options: DEFAULT_DREAM_OPTIONS,
    });
    const m = r.changes.filter((c) => c.kind === 'mistake');
    expect(m).toHaveLength(1);
    return /fix: [^;]*/.exec(m[0]!.after ?? '')?.[0];
  };

  it('is the call the message names, not the arguments the retry also changed', async () => {
    expect(await headline('Refused: the file must be unlocked in this session.')).toBe(
      'fix: call Unlock first',
    );
  });

  it('stays the changed arguments when the message names no call made before the retry', async () => {
    expect(await headline('Refused: the text you gave does not match the file.')).toBe(
      'fix: change new_string, old_string',
    );
  });
});

describe('the call made first that the message names, among calls made as often', () => {
  // a write refused until the file is read; before the retry the agent also edits another file
  const session = (id: string, [from, to]: [string, string]) =>
    syntheticSession(id, null, [
      `Write the changelog of ${id}`,
      {
        tool: 'Write',
        kind: 'edit',
        input: { file_path: `${id}/CHANGES.md`, content: `# ${id}` },
        result: 'Refused: the file was not read in this session.',
        error: true,
      },
      {
        tool: 'Edit',
        kind: 'edit',
        input: { file_path: `${id}/notes.md`, old_string: from, new_string: to },
        result: 'Updated.',
      },
      { tool: 'Read', kind: 'read', input: { file_path: `${id}/CHANGES.md` }, result: `# Old ${id}` },
      {
        tool: 'Write',
        kind: 'edit',
        input: { file_path: `${id}/CHANGES.md`, content: `# ${id}` },
        result: 'Written.',
      },
    ]);

  it('leads: the Read the refusal names, not the Edit of another file made as often', async () => {
    const r = await engine.run({
      memories: [],
      sessions: [session('docs', ['todo', 'done']), session('blog', ['draft', 'final'])],
      options: DEFAULT_DREAM_OPTIONS,
    });
    const m = r.changes.filter((c) => c.kind === 'mistake');
    expect(m).toHaveLength(1);
    expect(/fix: [^;]*/.exec(m[0]!.after ?? '')?.[0]).toBe('fix: call Read first');
  });
});
