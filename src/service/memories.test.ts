import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { Reverie } from './reverie.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function open(): Promise<{ svc: Reverie; file: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'reverie-memories-'));
  dirs.push(dir);
  const file = join(dir, 'r.db');
  return { svc: await Reverie.open({ db: file }), file };
}

describe('MemoryService.update write path', () => {
  it("refuses a memory of another store by id, in the write's own transaction, and writes nothing", async () => {
    const { svc } = await open();
    const a = (await svc.createStore({ name: 'a' })).id;
    const b = (await svc.createStore({ name: 'b' })).id;
    const m = await svc.createMemory(a, { path: '/x.md', content: 'one' });
    await expect(svc.updateMemory(b, m.id, { content: 'two' })).rejects.toMatchObject({
      type: 'not_found_error',
    });
    expect((await svc.getMemory(a, m.id)).content).toBe('one');
    expect((await svc.listVersions(a, {})).data).toHaveLength(1);
    expect((await svc.updateMemory(a, m.id, { content: 'two' })).content).toBe('two');
    await svc.close();
  });

  it('a content edit leaves the path index alone: one WAL page fewer than a rename', async () => {
    const { svc, file } = await open();
    const store = (await svc.createStore({ name: 's' })).id;
    const m = await svc.createMemory(store, { path: '/x.md', content: 'one' });
    const side = new BetterSqlite3(file);
    // Frames (pages) the next write appends: restart the WAL, write, count.
    const framesOf = async (write: () => Promise<unknown>) => {
      side.pragma('wal_checkpoint(TRUNCATE)');
      await write();
      return (side.pragma('wal_checkpoint(PASSIVE)') as { log: number }[])[0]!.log;
    };
    const edit = await framesOf(() => svc.updateMemory(store, m.id, { content: 'two' }));
    const rename = await framesOf(() => svc.updateMemory(store, m.id, { path: '/y.md' }));
    expect(edit).toBeGreaterThan(0);
    expect(edit).toBe(rename - 1);
    side.close();
    await svc.close();
  });
});
