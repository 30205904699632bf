import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BetaLocalFilesystemMemoryTool } from '@anthropic-ai/sdk/tools/memory/node';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '../domain/index.js';
import { Reverie } from '../service/reverie.js';
import { openSqliteStorage } from '../storage/index.js';
import { resolveToolPath } from './memory-paths.js';
import { type MemoryCommand, MemoryTool } from './memory-tool.js';

const actor: Actor = { type: 'agent_actor', id: 'test-agent' };

async function outcome(run: () => Promise<unknown>): Promise<{ ok?: string; error?: string }> {
  try {
    return { ok: String(await run()) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

describe('MemoryTool', () => {
  let svc: Reverie;
  let storeId: string;
  let tool: MemoryTool;
  const dirs: string[] = [];

  beforeEach(async () => {
    svc = new Reverie({ storage: await openSqliteStorage(':memory:') });
    storeId = (await svc.createStore({ name: 'agent' })).id;
    tool = new MemoryTool(svc, storeId, actor);
  });
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('answers every command with the same text as the SDK reference filesystem handler', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reverie-memtool-'));
    dirs.push(dir);
    const ref = await BetaLocalFilesystemMemoryTool.init(dir);
    const script: MemoryCommand[] = [
      { command: 'create', path: '/memories/notes.md', file_text: 'alpha\nprice: $5\nbeta\ngamma\n' },
      { command: 'create', path: '/memories/notes.md', file_text: 'again' },
      { command: 'view', path: '/memories/notes.md' },
      { command: 'view', path: '/memories/notes.md', view_range: [2, 3] },
      { command: 'view', path: '/memories/notes.md', view_range: [3, -1] },
      {
        command: 'str_replace',
        path: '/memories/notes.md',
        old_str: 'price: $5',
        new_str: "cost: $& $1 $$ $'",
      },
      { command: 'str_replace', path: '/memories/notes.md', old_str: 'missing', new_str: 'x' },
      { command: 'create', path: '/memories/dup.md', file_text: 'x\ny\nx\n' },
      { command: 'str_replace', path: '/memories/dup.md', old_str: 'x', new_str: 'z' },
      { command: 'insert', path: '/memories/notes.md', insert_line: 0, insert_text: 'top\n' },
      { command: 'insert', path: '/memories/notes.md', insert_line: 99, insert_text: 'no' },
      { command: 'view', path: '/memories/notes.md' },
      { command: 'view', path: '/memories/nope.md' },
      { command: 'str_replace', path: '/memories/nope.md', old_str: 'a', new_str: 'b' },
      { command: 'create', path: '/memories/topics/a.md', file_text: 'A' },
      { command: 'str_replace', path: '/memories/topics', old_str: 'a', new_str: 'b' },
      { command: 'rename', old_path: '/memories/dup.md', new_path: '/memories/notes.md' },
      { command: 'rename', old_path: '/memories/dup.md', new_path: '/memories/topics/dup.md' },
      { command: 'rename', old_path: '/memories/gone.md', new_path: '/memories/x.md' },
      { command: 'rename', old_path: '/memories', new_path: '/memories/x' },
      { command: 'delete', path: '/memories' },
      { command: 'delete', path: '/memories/gone.md' },
      { command: 'view', path: '/etc/passwd' },
      { command: 'view', path: '/memories/../etc/passwd' },
      { command: 'create', path: '/memories/a/../../x.md', file_text: 'x' },
      { command: 'delete', path: '/memories/topics/a.md' },
      { command: 'view', path: '/memories/topics/dup.md' },
    ];
    for (const cmd of script) {
      const want = await outcome(() =>
        (ref[cmd.command] as (c: MemoryCommand) => Promise<string>).call(ref, cmd),
      );
      const got = await outcome(() => tool.run(cmd));
      expect({ cmd, ...got }).toEqual({ cmd, ...want });
    }
    expect((await svc.getMemoryByPath(storeId, '/notes.md')).content).toBe(
      "top\nalpha\ncost: $& $1 $$ $'\nbeta\ngamma\n",
    );
  });

  it('lists a directory two levels deep with sizes, hidden items left out', async () => {
    await tool.run({ command: 'create', path: '/memories/MEMORY.md', file_text: 'x'.repeat(2048) });
    await tool.run({ command: 'create', path: '/memories/facts/tz.md', file_text: 'UTC\n' });
    await tool.run({ command: 'create', path: '/memories/facts/deep/er/most.md', file_text: 'abc' });
    await tool.run({ command: 'create', path: '/memories/.hidden/x.md', file_text: 'h' });
    expect(await tool.run({ command: 'view', path: '/memories' })).toBe(
      [
        "Here're the files and directories up to 2 levels deep in /memories, excluding hidden items and node_modules:",
        '2.0K\t/memories',
        '2K\t/memories/MEMORY.md',
        '7B\t/memories/facts/',
        '3B\t/memories/facts/deep/',
        '4B\t/memories/facts/tz.md',
      ].join('\n'),
    );
    expect(await tool.run({ command: 'view', path: '/memories/facts/' })).toContain(
      '3B\t/memories/facts/deep/er/',
    );
  });

  it('writes every change as a version by the actor; a folder moves and goes in one transaction', async () => {
    await tool.run({ command: 'create', path: '/memories/d/a.md', file_text: 'a' });
    await tool.run({ command: 'create', path: '/memories/d/b.md', file_text: 'b' });
    await svc.createMemory(storeId, { path: '/e/b.md', content: 'occupied' });
    await expect(
      tool.run({ command: 'rename', old_path: '/memories/d', new_path: '/memories/e' }),
    ).rejects.toThrow('The destination /memories/e already exists');
    expect(await tool.run({ command: 'rename', old_path: '/memories/d', new_path: '/memories/f' })).toBe(
      'Successfully renamed /memories/d to /memories/f',
    );
    expect((await svc.snapshot(storeId)).map((m) => m.path)).toEqual(['/e/b.md', '/f/a.md', '/f/b.md']);
    expect(await tool.run({ command: 'delete', path: '/memories/f' })).toBe(
      'Successfully deleted /memories/f',
    );
    const versions = (await svc.listVersions(storeId, { limit: 100 })).data;
    const mine = versions.filter((v) => v.created_by.type === 'agent_actor');
    expect(mine.map((v) => v.operation).sort()).toEqual([
      'created',
      'created',
      'deleted',
      'deleted',
      'modified',
      'modified',
    ]);
    expect(mine.every((v) => v.created_by.id === 'test-agent')).toBe(true);
  });

  it('never overwrites a concurrent edit: str_replace writes against the content it read', async () => {
    await tool.run({ command: 'create', path: '/memories/n.md', file_text: 'one two' });
    const m = await svc.getMemoryByPath(storeId, '/n.md');
    const update = svc.updateMemory.bind(svc);
    // Another writer lands between the tool's read and its write.
    svc.updateMemory = async (...args: Parameters<Reverie['updateMemory']>) => {
      svc.updateMemory = update;
      await update(storeId, m.id, { content: 'someone else' }, { type: 'user_actor', id: 'ana' });
      return update(...args);
    };
    await expect(
      tool.run({ command: 'str_replace', path: '/memories/n.md', old_str: 'one', new_str: '1' }),
    ).rejects.toThrow(/changed by someone else/);
    expect((await svc.getMemoryByPath(storeId, '/n.md')).content).toBe('someone else');
  });

  it('read-only: view runs, every other command is refused and nothing is written', async () => {
    await tool.run({ command: 'create', path: '/memories/team.md', file_text: 'Shared rule.\n' });
    const ro = new MemoryTool(svc, storeId, actor, { readOnly: true });
    expect(await ro.run({ command: 'view', path: '/memories/team.md' })).toContain('1\tShared rule.');
    for (const cmd of [
      { command: 'create', path: '/memories/x.md', file_text: 'x' },
      { command: 'str_replace', path: '/memories/team.md', old_str: 'Shared', new_str: 'Mine' },
      { command: 'insert', path: '/memories/team.md', insert_line: 0, insert_text: 'x' },
      { command: 'delete', path: '/memories/team.md' },
      { command: 'rename', old_path: '/memories/team.md', new_path: '/memories/t.md' },
    ])
      await expect(ro.run(cmd)).rejects.toThrow(`read-only here: ${cmd.command} is not allowed`);
    expect((await svc.snapshot(storeId)).map((m) => [m.path, m.content])).toEqual([
      ['/team.md', 'Shared rule.\n'],
    ]);
  });

  it('refuses traversal, encoded dots, paths outside /memories and writes below a file', async () => {
    expect(() => resolveToolPath('/memories/%2e%2e/x')).toThrow('would escape /memories directory');
    expect(() => resolveToolPath('/memoriesX/a')).toThrow(
      'Path must start with /memories, got: /memoriesX/a',
    );
    expect(resolveToolPath('/memories/a/./b//c.md/').store).toBe('/a/b/c.md');
    expect(resolveToolPath('/memories/a/../b.md').store).toBe('/b.md');
    await tool.run({ command: 'create', path: '/memories/f.md', file_text: '' });
    await expect(tool.run({ command: 'create', path: '/memories/f.md/x', file_text: '' })).rejects.toThrow(
      '/memories/f.md is a file, not a directory',
    );
    await expect(tool.run({ command: 'bogus', path: '/memories' })).rejects.toThrow(
      /Unknown command "bogus"/,
    );
    await expect(tool.run({ command: 'create', path: '/memories/y.md' })).rejects.toThrow(
      'create: file_text must be a string',
    );
  });
});
