import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Reverie } from '../service/reverie.js';
import { openSqliteStorage } from '../storage/index.js';
import { syncFolder } from './folder-sync.js';
import { SYNC_LOCK, SYNC_MARKER } from './sync-disk.js';

describe('syncFolder', () => {
  let svc: Reverie;
  let store: string;
  let dir: string;
  let clock: number;
  const sync = (o: Parameters<typeof syncFolder>[3] = {}) =>
    syncFolder(svc, store, dir, { now: () => clock, ...o });
  const disk = (rel: string) => readFileSync(join(dir, rel), 'utf8');
  const remote = async (path: string) => (await svc.getMemoryByPath(store, path)).content;
  const put = async (path: string, content: string) => {
    const m = await svc.getMemoryByPath(store, path);
    await svc.updateMemory(store, m.id, { content }, { type: 'user_actor', id: 'ana' });
  };

  beforeEach(async () => {
    svc = new Reverie({ storage: await openSqliteStorage(':memory:') });
    store = (await svc.createStore({ name: 'project' })).id;
    for (const [p, c] of [
      ['/MEMORY.md', '- [Tests](testing.md)\n'],
      ['/testing.md', 'Run ./dev test.\n'],
      ['/facts/tz.md', 'UTC\n'],
    ])
      await svc.createMemory(store, { path: p!, content: c! });
    dir = join(mkdtempSync(join(tmpdir(), 'reverie-sync-')), 'memory');
    clock = Date.parse('2026-11-30T12:00:00Z');
  });
  afterEach(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

  it('downloads into a new folder; a sync that finds nothing changed moves no content', async () => {
    const first = await sync();
    expect(first.downloaded).toMatch(/new, empty/);
    expect(first.pulled.sort()).toEqual(['MEMORY.md', 'facts/tz.md', 'testing.md']);
    expect(disk('facts/tz.md')).toBe('UTC\n');
    expect(disk(SYNC_MARKER)).toBe(`version 1\n${store}\n`);
    const fetch = vi.spyOn(svc, 'getMemory');
    const again = await sync();
    expect(again).toMatchObject({ pulled: [], pushed: [], conflicts: [], bytes_moved: 0, downloaded: null });
    expect(fetch).not.toHaveBeenCalled();
  });

  it('concurrent edits on both sides: one-sided changes cross over, a two-sided one keeps both versions', async () => {
    await sync();
    writeFileSync(join(dir, 'testing.md'), 'Run ./dev test (local edit).\n');
    await put('/testing.md', 'Run ./dev test --bail (server edit).\n');
    writeFileSync(join(dir, 'MEMORY.md'), '- [Tests](testing.md)\n- [TZ](facts/tz.md)\n');
    await put('/facts/tz.md', 'Europe/Paris\n');
    mkdirSync(join(dir, 'notes'));
    writeFileSync(join(dir, 'notes/new.md'), 'local only\n');
    await svc.createMemory(store, { path: '/remote-new.md', content: 'server only\n' });

    const r = await sync();
    expect(r.conflicts).toHaveLength(1);
    expect(r.conflicts[0]!.path).toBe('testing.md');
    expect(r.conflicts[0]!.conflict_file).toBe('testing.md.reverie-conflict-20261130T120000Z');
    expect(disk('testing.md')).toBe('Run ./dev test --bail (server edit).\n');
    expect(disk(r.conflicts[0]!.conflict_file)).toBe('Run ./dev test (local edit).\n');
    expect(await remote('/testing.md')).toBe('Run ./dev test --bail (server edit).\n');
    expect(r.pushed.sort()).toEqual(['MEMORY.md', 'notes/new.md']);
    expect(await remote('/MEMORY.md')).toBe('- [Tests](testing.md)\n- [TZ](facts/tz.md)\n');
    expect(await remote('/notes/new.md')).toBe('local only\n');
    expect(r.pulled.sort()).toEqual(['facts/tz.md', 'remote-new.md', 'testing.md']);
    expect(disk('facts/tz.md')).toBe('Europe/Paris\n');
    const byActor = (await svc.listVersions(store, { limit: 100 })).data.filter(
      (v) => v.created_by.type === 'sync_actor',
    );
    expect(byActor.map((v) => v.path).sort()).toEqual(['/MEMORY.md', '/notes/new.md']);
    expect(byActor[0]!.created_by.id).toBe(dir);

    const settled = await sync();
    expect(settled).toMatchObject({ pulled: [], pushed: [], conflicts: [], bytes_moved: 0 });
    expect((await svc.snapshot(store)).some((m) => m.path.includes('reverie-conflict'))).toBe(false);
  });

  it('keeps every conflicting local version byte for byte, even two in the same second', async () => {
    await sync();
    const bytes = Buffer.from([0xff, 0xfe, 0x00, 0x41]); // not UTF-8: must survive as it was
    writeFileSync(join(dir, 'testing.md'), bytes);
    await put('/testing.md', 'server one\n');
    const first = await sync();
    writeFileSync(join(dir, 'testing.md'), 'second local edit\n');
    await put('/testing.md', 'server two\n');
    const second = await sync();
    const copies = [first.conflicts[0]!.conflict_file, second.conflicts[0]!.conflict_file];
    expect(copies).toEqual([
      'testing.md.reverie-conflict-20261130T120000Z',
      'testing.md.reverie-conflict-20261130T120000Z-2',
    ]);
    expect(readFileSync(join(dir, copies[0]!))).toEqual(bytes);
    expect(disk(copies[1]!)).toBe('second local edit\n');
    expect(disk('testing.md')).toBe('server two\n');
  });

  it('leaves a symlink at a memory’s path alone', async () => {
    await sync();
    const target = join(dir, '..', 'elsewhere.md');
    writeFileSync(target, 'not reverie’s\n');
    unlinkSync(join(dir, 'facts/tz.md'));
    symlinkSync(target, join(dir, 'facts/tz.md'));
    await put('/facts/tz.md', 'Europe/Paris\n');
    const r = await sync();
    expect(r.skipped.map((x) => x.path)).toEqual(['facts/tz.md']);
    expect(lstatSync(join(dir, 'facts/tz.md')).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('not reverie’s\n');
    expect(await remote('/facts/tz.md')).toBe('Europe/Paris\n');
  });

  it('sends a local delete only after the delay and a re-check, capped per sync', async () => {
    for (let i = 0; i < 12; i++)
      await svc.createMemory(store, { path: `/log/${i}.md`, content: `entry ${i}\n` });
    await sync();
    for (let i = 0; i < 11; i++) unlinkSync(join(dir, `log/${i}.md`));
    const first = await sync();
    expect(first.deleted_remote).toEqual([]);
    expect(first.pending_deletes).toHaveLength(11);
    writeFileSync(join(dir, 'log/0.md'), 'entry 0\n'); // restored before the delay ran out
    clock += 31_000;
    const second = await sync();
    expect(second.deleted_remote).toHaveLength(8); // cap: max(8, min(50, 15 / 4))
    expect(second.pending_deletes).toHaveLength(2);
    expect(second.deleted_remote).not.toContain('log/0.md');
    const third = await sync();
    expect(third.deleted_remote).toHaveLength(2);
    expect((await svc.snapshot(store)).filter((m) => m.path.startsWith('/log/')).map((m) => m.path)).toEqual([
      '/log/0.md',
      '/log/11.md',
    ]);
  });

  it('a deleted folder is downloaded again, never read as deletions', async () => {
    await sync();
    rmSync(dir, { recursive: true });
    clock += 3_600_000;
    const r = await sync();
    expect(r.downloaded).toMatch(/new, empty, or lost its marker/);
    expect(r.deleted_remote).toEqual([]);
    expect((await svc.snapshot(store)).map((m) => m.path)).toEqual([
      '/MEMORY.md',
      '/facts/tz.md',
      '/testing.md',
    ]);
    expect(disk('testing.md')).toBe('Run ./dev test.\n');
    // Every file gone but the marker kept: the same.
    for (const f of ['MEMORY.md', 'testing.md', 'facts/tz.md']) unlinkSync(join(dir, f));
    clock += 3_600_000;
    expect((await sync()).downloaded).toBe('every synced file is gone at once');
    expect((await svc.listVersions(store, { operation: 'deleted' })).data).toEqual([]);
  });

  it('leaves a folder with a foreign marker, or unmarked files, as found', async () => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, SYNC_MARKER), 'version 1\nmemstore_someone_else\n');
    writeFileSync(join(dir, 'theirs.md'), 'not yours\n');
    await expect(sync()).rejects.toThrow(`is synced with memory store memstore_someone_else, not ${store}`);
    expect(readdirSync(dir).sort()).toEqual([SYNC_MARKER, 'theirs.md']);
    expect((await svc.snapshot(store)).map((m) => m.path)).toEqual([
      '/MEMORY.md',
      '/facts/tz.md',
      '/testing.md',
    ]);

    unlinkSync(join(dir, SYNC_MARKER));
    writeFileSync(join(dir, 'testing.md'), 'my own notes\n');
    await expect(sync()).rejects.toThrow(/has 2 files but no \.reverie-memory-store marker: pass --adopt/);
    expect(existsSync(join(dir, SYNC_MARKER))).toBe(false);
    const adopted = await sync({ adopt: true });
    expect(adopted.pushed).toEqual(['theirs.md']);
    expect(adopted.conflicts.map((c) => c.path)).toEqual(['testing.md']);
    expect(disk(adopted.conflicts[0]!.conflict_file)).toBe('my own notes\n');
    expect(await remote('/theirs.md')).toBe('not yours\n');
  });

  it('one sync of a folder at a time: a live holder of the lock refuses, a dead one is taken over', async () => {
    await sync();
    writeFileSync(join(dir, SYNC_LOCK), String(process.pid));
    await expect(sync()).rejects.toThrow(`is being synced by process ${process.pid}`);
    writeFileSync(join(dir, SYNC_LOCK), '2147483646');
    expect((await sync()).pulled).toEqual([]);
    expect(existsSync(join(dir, SYNC_LOCK))).toBe(false);
  });

  it('removes a file the server deleted only while it holds the synced bytes; read-only never pushes', async () => {
    await sync();
    const tz = await svc.getMemoryByPath(store, '/facts/tz.md');
    const testing = await svc.getMemoryByPath(store, '/testing.md');
    await svc.deleteMemory(store, tz.id);
    await svc.deleteMemory(store, testing.id);
    writeFileSync(join(dir, 'testing.md'), 'edited while the server deleted it\n');
    const r = await sync();
    expect(r.deleted_local).toEqual(['facts/tz.md']);
    expect(existsSync(join(dir, 'facts/tz.md'))).toBe(false);
    expect(r.pushed).toEqual(['testing.md']);
    expect(await remote('/testing.md')).toBe('edited while the server deleted it\n');

    writeFileSync(join(dir, 'MEMORY.md'), 'local edit\n');
    unlinkSync(join(dir, 'testing.md'));
    clock += 60_000;
    const ro = await sync({ readOnly: true });
    expect(ro.pushed).toEqual([]);
    expect(ro.deleted_remote).toEqual([]);
    clock += 60_000;
    await sync({ readOnly: true });
    expect(await remote('/MEMORY.md')).toBe('- [Tests](testing.md)\n');
    expect(await remote('/testing.md')).toBe('edited while the server deleted it\n');
  });
});

describe('syncFolder at 10,000 files', () => {
  it('downloads them all; a sync that finds nothing changed moves no content; one edit per side moves two', async () => {
    const svc = new Reverie({ storage: await openSqliteStorage(':memory:') });
    const store = (await svc.createStore({ name: 'big' })).id;
    const files = Array.from({ length: 10_000 }, (_, i) => ({
      path: `/t${i % 100}/m${i}.md`,
      content: `memory ${i}\n`,
      mtime: '2026-11-30T00:00:00.000Z',
    }));
    await svc.importFolder(store, '(test)', { type: 'import_actor', id: 'test' }, files);
    const dir = join(mkdtempSync(join(tmpdir(), 'reverie-sync-10k-')), 'memory');
    try {
      expect((await syncFolder(svc, store, dir)).pulled).toHaveLength(10_000);
      expect(disk(dir, 't7/m507.md')).toBe('memory 507\n');
      const fetch = vi.spyOn(svc, 'getMemory');
      const snapshot = vi.spyOn(svc, 'snapshot');
      const idle = await syncFolder(svc, store, dir);
      expect(idle).toMatchObject({ pulled: [], pushed: [], bytes_moved: 0, skipped: [] });
      expect(fetch).not.toHaveBeenCalled();
      expect(snapshot).not.toHaveBeenCalled();
      writeFileSync(join(dir, 't1/m1.md'), 'edited here\n');
      const m2 = await svc.getMemoryByPath(store, '/t2/m2.md');
      await svc.updateMemory(store, m2.id, { content: 'edited there\n' });
      const busy = await syncFolder(svc, store, dir);
      expect([busy.pushed, busy.pulled]).toEqual([['t1/m1.md'], ['t2/m2.md']]);
      expect(busy.bytes_moved).toBe('edited here\n'.length + 'edited there\n'.length);
    } finally {
      rmSync(join(dir, '..'), { recursive: true, force: true });
    }
  }, 240_000);
});

function disk(dir: string, rel: string): string {
  return readFileSync(join(dir, rel), 'utf8');
}
