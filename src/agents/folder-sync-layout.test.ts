import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { CLAUDE_CODE, DATA, describeWithData } from '../../test/data.js';
import type { Memory } from '../domain/types.js';
import { parseFrontMatter } from '../dream/index.js';
import { toLayout } from '../service/claude-code-layout.js';
import { oneShotDream } from '../service/one-shot.js';
import { Reverie } from '../service/reverie.js';
import { openSqliteStorage } from '../storage/index.js';
import { syncFolder } from './folder-sync.js';

/** The Claude Code file of a store memory, as `dream --out --layout claude-code` writes it. */
const fileOf = (m: Pick<Memory, 'path' | 'content'>) =>
  toLayout([{ path: m.path, content: m.content! }], 'claude-code')[0]!;

describeWithData('reverie sync --layout claude-code on a real dream’s output', () => {
  let svc: Reverie;
  let store: string;
  let root: string;
  let dir: string;
  let clock: number;
  let converted: Memory[];
  const sync = () => syncFolder(svc, store, dir, { layout: 'claude-code', now: () => clock });
  const disk = (rel: string) => readFileSync(join(dir, rel), 'utf8');
  const memory = (path: string) => svc.getMemoryByPath(store, path);
  const edit = async (path: string, content: string) =>
    svc.updateMemory(store, (await memory(path)).id, { content }, { type: 'user_actor', id: 'ana' });

  beforeAll(async () => {
    svc = new Reverie({ storage: await openSqliteStorage(':memory:') });
    const r = await oneShotDream(svc, {
      transcripts: [CLAUDE_CODE, join(DATA, 'formats/claude-code-projects')],
    });
    store = r.output_store_id!;
    converted = (await svc.snapshot(store)).filter(
      (m) => m.path !== '/MEMORY.md' && fileOf(m).path !== m.path,
    );
    root = mkdtempSync(join(tmpdir(), 'reverie-sync-cc-'));
    dir = join(root, 'memory');
    clock = Date.parse('2026-11-30T12:00:00Z');
  }, 120_000);
  afterAll(async () => {
    rmSync(root, { recursive: true, force: true });
    await svc.close();
  });

  it('downloads the folder exactly as the claude-code layout writes it; a sync that finds nothing changed moves no content', async () => {
    expect(converted.length).toBeGreaterThan(3);
    const first = await sync();
    expect(first.downloaded).toMatch(/new, empty/);
    const expected = toLayout(
      (await svc.snapshot(store)).map((m) => ({ path: m.path, content: m.content! })),
      'claude-code',
    );
    const files = readdirSync(dir).filter((f) => !f.startsWith('.'));
    expect(files.sort()).toEqual(expected.map((f) => f.path.slice(1)).sort());
    for (const f of expected) expect(disk(f.path.slice(1)), f.path).toBe(f.content);
    expect(disk('MEMORY.md')).toMatch(/\]\((feedback|project|reference|user)_[^)/]+\.md\)/);
    const fetch = vi.spyOn(svc, 'getMemory');
    const again = await sync();
    expect(again).toMatchObject({ pulled: [], pushed: [], conflicts: [], bytes_moved: 0, skipped: [] });
    expect(fetch).not.toHaveBeenCalled();
    fetch.mockRestore();
  });

  it('a local edit of a converted file becomes a new version of its store path, in reverie’s form', async () => {
    const m = converted[0]!;
    const rel = fileOf(m).path.slice(1);
    const edited = `${disk(rel)}\nAlso check the existing implementation first.\n`;
    writeFileSync(join(dir, rel), edited);
    const r = await sync();
    expect(r.pushed).toEqual([rel]);
    expect(r.pulled).toEqual([]);
    const now = await memory(m.path);
    expect(now.content).toBe(`${m.content}\nAlso check the existing implementation first.\n`);
    expect(parseFrontMatter(now.content!).fields.kind).toBe(parseFrontMatter(m.content!).fields.kind);
    const v = (await svc.listVersions(store, { limit: 5 })).data[0]!;
    expect([v.path, v.created_by]).toEqual([m.path, { type: 'sync_actor', id: dir }]);
    // the file is left as written, and nothing else moved
    expect(disk(rel)).toBe(edited);
    expect(existsSync(join(dir, m.path.slice(1)))).toBe(false);
    expect(await sync()).toMatchObject({ pulled: [], pushed: [], bytes_moved: 0 });
  });

  it('a remote change is written down converted; a person’s own file keeps its path and bytes both ways', async () => {
    const m = converted[1]!;
    const changed = `${m.content}\nServer-side addition.\n`;
    await edit(m.path, changed);
    await svc.createMemory(store, { path: '/their-notes.md', content: 'deploys on Fridays: no\n' });
    const mine = '---\nowner: me\n---\nMy own notes, my own front matter.\n';
    writeFileSync(join(dir, 'my-notes.md'), mine);
    const r = await sync();
    const rel = fileOf(m).path.slice(1);
    expect(r.pulled.sort()).toEqual([rel, 'their-notes.md']);
    expect(r.pushed).toEqual(['my-notes.md']);
    expect(disk(rel)).toBe(fileOf({ path: m.path, content: changed }).content);
    expect(disk('their-notes.md')).toBe('deploys on Fridays: no\n');
    expect((await memory('/my-notes.md')).content).toBe(mine);
    expect(disk('my-notes.md')).toBe(mine);
    expect(r.pushed).not.toContain('MEMORY.md');
    expect(await sync()).toMatchObject({ pulled: [], pushed: [], bytes_moved: 0 });
  });

  it('concurrent edits of one memory on both sides: the server version wins, the local one is kept beside it', async () => {
    const m = converted[2]!;
    const rel = fileOf(m).path.slice(1);
    const local = `${disk(rel)}\nlocal edit\n`;
    writeFileSync(join(dir, rel), local);
    const server = `${m.content}\nserver edit\n`;
    await edit(m.path, server);
    const r = await sync();
    expect(r.conflicts).toEqual([{ path: rel, conflict_file: `${rel}.reverie-conflict-20261130T120000Z` }]);
    expect(disk(rel)).toBe(fileOf({ path: m.path, content: server }).content);
    expect(disk(r.conflicts[0]!.conflict_file)).toBe(local);
    expect((await memory(m.path)).content).toBe(server);
    expect(r.pushed).toEqual([]);
    expect(await sync()).toMatchObject({ pulled: [], pushed: [], conflicts: [], bytes_moved: 0 });
  });

  it('MEMORY.md is regenerated, and sent back only when a person edited it (then kept as theirs)', async () => {
    const index = await memory('/MEMORY.md');
    unlinkSync(join(dir, 'MEMORY.md'));
    clock += 3_600_000;
    const restored = await sync();
    expect(restored.pulled).toEqual(['MEMORY.md']);
    expect(restored.pending_deletes).toEqual([]);
    expect((await memory('/MEMORY.md')).content_sha256).toBe(index.content_sha256);

    const m = converted[0]!;
    const rel = fileOf(m).path.slice(1);
    const mine = `${disk('MEMORY.md')}- my own line, see [the rule](${rel})\n`;
    writeFileSync(join(dir, 'MEMORY.md'), mine);
    const r = await sync();
    expect(r.pushed).toEqual(['MEMORY.md']);
    expect(r.notes.join('\n')).toMatch(/MEMORY\.md: edited on disk, so it is yours/);
    const stored = (await memory('/MEMORY.md')).content!;
    expect(stored).toContain(`- my own line, see [the rule](${m.path.slice(1)})\n`);
    expect(stored).not.toContain(`](${rel})`);
    expect(disk('MEMORY.md')).toBe(mine);
    expect(await sync()).toMatchObject({ pulled: [], pushed: [], bytes_moved: 0 });
  });

  it('a folder synced in the claude-code layout is refused in the reverie layout, left as found', async () => {
    const before = readdirSync(dir).sort();
    await expect(syncFolder(svc, store, dir)).rejects.toThrow(
      /was synced in the claude-code layout, not reverie: sync it with --layout claude-code/,
    );
    expect(readdirSync(dir).sort()).toEqual(before);
  });
});

describe('reverie sync --layout claude-code: edges', () => {
  let svc: Reverie;
  let store: string;
  let root: string;
  let dir: string;
  let clock: number;
  const rule = (i: number, kind = 'feedback') =>
    `---\nkind: ${kind}\nsummary: rule ${i}\nconfidence: 0.6\nkey: ${kind}:rule ${i}\n---\n# Feedback: rule ${i}\n\n> rule ${i}\n`;
  const sync = (o: Parameters<typeof syncFolder>[3] = {}) =>
    syncFolder(svc, store, dir, { layout: 'claude-code', now: () => clock, ...o });
  const disk = (rel: string) => readFileSync(join(dir, rel), 'utf8');

  beforeEach(async () => {
    svc = new Reverie({ storage: await openSqliteStorage(':memory:') });
    store = (await svc.createStore({ name: 'edges' })).id;
    root = mkdtempSync(join(tmpdir(), 'reverie-sync-cc-edge-'));
    dir = join(root, 'memory');
    clock = Date.parse('2026-11-30T12:00:00Z');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('an index shown cut to 200 lines is never sent back: the edit stays on disk, the store keeps every entry', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 250; i++) {
      await svc.createMemory(store, { path: `/feedback/rule-${i}.md`, content: rule(i) });
      lines.push(`- [Feedback: rule ${i}](feedback/rule-${i}.md) — rule ${i}`);
    }
    const index = `# Memory index\n\n${lines.join('\n')}\n`;
    await svc.createMemory(store, { path: '/MEMORY.md', content: index });
    const fetch = vi.spyOn(svc, 'getMemory');
    const snapshot = vi.spyOn(svc, 'snapshot');
    expect((await sync()).pulled).toHaveLength(251);
    expect([fetch.mock.calls.length, snapshot.mock.calls.length]).toEqual([0, 1]); // one snapshot, no per-file fetch
    fetch.mockClear();
    snapshot.mockClear();
    expect(await sync()).toMatchObject({ pulled: [], pushed: [], bytes_moved: 0 });
    expect([fetch.mock.calls.length, snapshot.mock.calls.length]).toEqual([0, 0]);
    expect(disk('MEMORY.md')).toMatch(/_\d+ more memories are in this folder/);
    expect(disk('MEMORY.md')).toContain('](feedback_rule-0.md)');
    const edited = `${disk('MEMORY.md')}- mine\n`;
    writeFileSync(join(dir, 'MEMORY.md'), edited);
    const r = await sync();
    expect(r.pushed).toEqual([]);
    expect(r.skipped).toEqual([
      { path: 'MEMORY.md', reason: expect.stringMatching(/shows only part of the store's index/) },
    ]);
    expect((await svc.getMemoryByPath(store, '/MEMORY.md')).content).toBe(index);
    expect(disk('MEMORY.md')).toBe(edited);
  }, 60_000);

  it('two memories that would share a file: the second is not synced, and says why', async () => {
    await svc.createMemory(store, { path: '/feedback/tabs.md', content: rule(1) });
    await svc.createMemory(store, { path: '/preferences/tabs.md', content: rule(2, 'preference') });
    const r = await sync();
    expect(r.pulled).toEqual(['feedback_tabs.md']);
    expect(r.skipped).toEqual([
      {
        path: 'preferences/tabs.md',
        reason:
          'would be written as feedback_tabs.md, which /feedback/tabs.md already is: not synced (rename one of them)',
      },
    ]);
    expect(disk('feedback_tabs.md')).toContain('> rule 1\n');
  });

  it('deletes cross over by the file’s store path; an edit of the derived lines is said to stay local', async () => {
    for (const i of [1, 2, 3])
      await svc.createMemory(store, { path: `/feedback/r${i}.md`, content: rule(i) });
    await sync();
    await svc.deleteMemory(store, (await svc.getMemoryByPath(store, '/feedback/r1.md')).id);
    unlinkSync(join(dir, 'feedback_r2.md'));
    const first = await sync();
    expect(first.deleted_local).toEqual(['feedback_r1.md']);
    expect(first.pending_deletes).toEqual(['feedback_r2.md']);
    clock += 31_000;
    expect((await sync()).deleted_remote).toEqual(['feedback_r2.md']);
    expect((await svc.snapshot(store)).map((m) => m.path)).toEqual(['/feedback/r3.md']);

    writeFileSync(
      join(dir, 'feedback_r3.md'),
      disk('feedback_r3.md').replace('description: rule 3', 'description: mine'),
    );
    const r = await sync();
    expect(r.pushed).toEqual(['feedback_r3.md']);
    expect(r.notes.join('\n')).toMatch(
      /feedback_r3\.md: stored as \/feedback\/r3\.md; its name, description and type are derived/,
    );
    expect((await svc.getMemoryByPath(store, '/feedback/r3.md')).content).toBe(rule(3));
    expect(disk('feedback_r3.md')).toContain('description: mine');
  });
});
