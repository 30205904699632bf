import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_POLICY } from '../../domain/index.js';
import { BackgroundCheckpointer } from './checkpointer.js';
import { openSqliteStorage } from './index.js';

const dirs: string[] = [];
function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'reverie-ckpt-'));
  dirs.push(dir);
  return join(dir, 'r.db');
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** What the database file holds by itself, without its -wal: a copy opened alone. */
function fileOnly<T>(file: string, fn: (db: BetterSqlite3.Database) => T): T {
  const copy = `${file}.copy`;
  copyFileSync(file, copy);
  const db = new BetterSqlite3(copy, { readonly: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

describe('BackgroundCheckpointer', () => {
  it('copies committed WAL frames into the database file on its worker after a nudge', async () => {
    const file = tempDb();
    const db = new BetterSqlite3(file);
    db.pragma('journal_mode = WAL');
    db.pragma('wal_autocheckpoint = 0'); // only the worker can move frames into the file
    db.exec('create table t (x integer)');
    db.pragma('wal_checkpoint(TRUNCATE)');
    const ckpt = new BackgroundCheckpointer(file, { idleMs: 1 });
    const insert = db.prepare('insert into t values (?)');
    for (let i = 0; i < 50; i++) {
      insert.run(i);
      ckpt.nudge();
    }
    expect(fileOnly(file, (c) => c.prepare('select count(*) n from t').get())).toEqual({ n: 0 });
    await vi.waitFor(() => expect(ckpt.stats.checkpoints).toBeGreaterThan(0), { timeout: 5_000 });
    await vi.waitFor(
      () => expect(fileOnly(file, (c) => c.prepare('select count(*) n from t').get())).toEqual({ n: 50 }),
      { timeout: 5_000 },
    );
    // The 50 commits came without a pause: one checkpoint took them all.
    expect(ckpt.stats.checkpoints).toBe(1);
    await ckpt.close();
    expect(ckpt.stats.failure).toBeUndefined();
    await expect(ckpt.checkpoint()).rejects.toThrow(/closed/);
    db.close();
  });

  it('checkpoints after maxCommits commits when the writes never pause', async () => {
    const file = tempDb();
    const db = new BetterSqlite3(file);
    db.pragma('journal_mode = WAL');
    db.pragma('wal_autocheckpoint = 0');
    db.exec('create table t (x integer)');
    const ckpt = new BackgroundCheckpointer(file, { idleMs: 600_000, maxCommits: 10 });
    const insert = db.prepare('insert into t values (?)');
    for (let i = 0; i < 10; i++) {
      insert.run(i);
      ckpt.nudge();
    }
    await vi.waitFor(() => expect(ckpt.stats.checkpoints).toBe(1), { timeout: 5_000 });
    expect(fileOnly(file, (c) => c.prepare('select count(*) n from t').get())).toEqual({ n: 10 });
    insert.run(10);
    ckpt.nudge(); // one commit, then a pause far shorter than idleMs: no checkpoint yet
    await new Promise((r) => setTimeout(r, 100));
    expect(ckpt.stats.checkpoints).toBe(1);
    await ckpt.close();
    db.close();
  });

  it('does not keep the process alive: a process that never closes it still exits', () => {
    const built = resolve(import.meta.dirname, '../../../dist/src/storage/sqlite/checkpointer.js');
    expect(existsSync(built), `${built} is missing: build first (./dev runs tsc)`).toBe(true);
    const file = tempDb();
    new BetterSqlite3(file).pragma('journal_mode = WAL');
    const child = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const { BackgroundCheckpointer } = await import(${JSON.stringify(pathToFileURL(built).href)});
         const c = new BackgroundCheckpointer(${JSON.stringify(file)}, { idleMs: 1 });
         c.nudge();
         await c.checkpoint();
         c.nudge();
         console.log('left open');`,
      ],
      { encoding: 'utf8', timeout: 30_000 },
    );
    expect(child.stderr).toBe('');
    expect(child.stdout).toBe('left open\n');
    expect(child.status).toBe(0);
  });

  it('reports a worker that cannot start, once, and then ignores nudges', async () => {
    const onFailure = vi.fn();
    const ckpt = new BackgroundCheckpointer(join(tmpdir(), 'reverie-no-such-dir', 'missing.db'), {
      onFailure,
    });
    await vi.waitFor(() => expect(onFailure).toHaveBeenCalledTimes(1), { timeout: 5_000 });
    expect(ckpt.stats.failure?.message).toMatch(/directory does not exist|unable to open/i);
    ckpt.nudge();
    await expect(ckpt.checkpoint()).rejects.toBe(ckpt.stats.failure);
    await ckpt.close();
    expect(onFailure).toHaveBeenCalledTimes(1);
  });
});

describe('openSqliteStorage({ checkpointInBackground })', () => {
  it('checkpoints memory writes off the main connection and leaves no WAL behind on close', async () => {
    const file = tempDb();
    const storage = await openSqliteStorage(file, { checkpointInBackground: true });
    const actor = { actor: { type: 'api_actor', id: 't' } } as const;
    const store = 'memstore_ckpt';
    const now = new Date().toISOString();
    await storage.insertStore({
      type: 'memory_store',
      id: store,
      name: 'ckpt',
      description: '',
      metadata: {},
      policy: DEFAULT_POLICY,
      created_at: now,
      updated_at: now,
      archived_at: null,
    });
    const m = await storage.createMemory(store, '/a.md', 'v0', actor);
    for (let i = 1; i <= 20; i++) await storage.updateMemory(m.id, { content: `v${i}` }, actor);
    // The main connection's own checkpoint waits for 10,000 pages; these writes are a few dozen.
    const content = () =>
      fileOnly(file, (c) => c.prepare('select content from memories where id = ?').get(m.id));
    await vi.waitFor(() => expect(content()).toEqual({ content: 'v20' }), { timeout: 5_000 });
    await storage.close();
    expect(existsSync(`${file}-wal`)).toBe(false);
  });
});
