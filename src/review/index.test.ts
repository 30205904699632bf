/**
 * Process-level guarantees of apply on the embedded SQLite backend: two processes applying one dream at
 * once (one wins, the other finds nothing left), and a process killed in the middle of an apply (the
 * store is left exactly as before: all or nothing).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashes, seedDream, seedStore } from '../../test/e2e/fixtures.js';
import { type KyselyStorage, openSqliteStorage, type Storage } from '../storage/index.js';
import { type ApplyResult, applyDream, decideMany } from './index.js';

const ROOT = resolve(import.meta.dirname, '../..');
const CHILD = join(ROOT, 'test/e2e/apply-child.ts');
const HOOKS = join(ROOT, 'test/e2e/ts-resolve.mjs');
const N = 60;

interface Run {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Starts `apply-child.ts` on the database file with extra environment. */
/** Starts apply-child.ts; `pause` makes it wait `ms` inside the transaction after its `after`-th write. */
function startApply(file: string, dreamId: string, by: string, pause?: { after: number; ms: number }): Run {
  const args = [file, dreamId, by, ...(pause ? [String(pause.after), String(pause.ms)] : [])];
  const child = spawn(
    process.execPath,
    ['--experimental-strip-types', '--no-warnings', '--import', HOOKS, CHILD, ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => {
    stdout += d;
  });
  child.stderr!.on('data', (d) => {
    stderr += d;
  });
  const done = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>((res) => child.on('exit', (code, signal) => res({ code, signal, stdout, stderr })));
  return { child, done };
}

function waitFor(run: Run, text: string, ms = 30_000): Promise<void> {
  return new Promise((res, rej) => {
    const t = setTimeout(() => rej(new Error(`timed out waiting for "${text}"`)), ms);
    const check = (d: Buffer) => {
      if (d.toString().includes(text)) {
        clearTimeout(t);
        res();
      }
    };
    run.child.stderr!.on('data', check);
    run.child.on('exit', () => rej(new Error(`child exited before "${text}"`)));
  });
}

describe('apply across processes (SQLite file, WAL)', () => {
  let dir: string;
  let file: string;
  let db: Storage;
  let storeId: string;
  let dreamId: string;
  let before: Record<string, string>;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'reverie-apply-'));
    file = join(dir, 'reverie.db');
    db = await openSqliteStorage(file);
    const initial: Record<string, string> = {};
    for (let i = 0; i < N; i++) initial[`/facts/f${i}.md`] = `fact ${i}\n`;
    const store = await seedStore(db, initial);
    const seeds = [];
    for (let i = 0; i < N; i++)
      seeds.push({ op: 'update' as const, path: `/facts/f${i}.md`, after: `fact ${i}, consolidated\n` });
    for (let i = 0; i < N; i++)
      seeds.push({ op: 'create' as const, path: `/mistakes/m${i}.md`, after: `mistake ${i}\n` });
    const { dream } = await seedDream(db, store, seeds);
    await decideMany(db, dream.id, { decision: 'approve', by: 'ana' }, { all: true });
    storeId = store.id;
    dreamId = dream.id;
    before = await hashes(db, storeId);
    // The children open their own connections; close ours so only they hold the file while they run.
    await db.close();
  });

  afterEach(async () => {
    await db.close().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  });

  it('two concurrent applies of one dream: one applies everything, the other finds nothing to apply', async () => {
    // Each pauses 300 ms after its first write while holding the lock, so the two truly overlap.
    const pause = { after: 1, ms: 300 };
    const a = startApply(file, dreamId, 'ana', pause);
    const b = startApply(file, dreamId, 'bo', pause);
    const [ra, rb] = await Promise.all([a.done, b.done]);
    expect(ra.code, ra.stderr + ra.stdout).toBe(0);
    expect(rb.code, rb.stderr + rb.stdout).toBe(0);
    const results = [JSON.parse(ra.stdout) as ApplyResult, JSON.parse(rb.stdout) as ApplyResult];
    const winner = results.find((r) => r.applied > 0)!;
    const loser = results.find((r) => r !== winner)!;
    expect(winner).toMatchObject({ applied: 2 * N, conflicts: 0, errors: 0 });
    expect(loser).toMatchObject({ applied: 0, conflicts: 0, errors: 0, skipped: 2 * N });
    expect(loser.items.every((i) => i.reason === 'already applied')).toBe(true);

    db = await openSqliteStorage(file);
    const versions = await db.listVersions(storeId, { dream_id: dreamId, limit: 1000 });
    expect(versions.data).toHaveLength(2 * N);
    expect(new Set(versions.data.map((v) => v.created_by.id)).size).toBe(1);
    expect((await db.getMemoryByPath(storeId, '/facts/f7.md'))!.content).toBe('fact 7, consolidated\n');
  });

  it('a process killed in the middle of an apply leaves the store exactly as before (all or nothing)', async () => {
    const run = startApply(file, dreamId, 'ana', { after: N + 5, ms: 60_000 });
    await waitFor(run, `apply paused after ${N + 5} writes`);
    run.child.kill('SIGKILL');
    const r = await run.done;
    expect(r.signal).toBe('SIGKILL');

    db = await openSqliteStorage(file);
    expect(await hashes(db, storeId)).toEqual(before);
    expect((await db.listVersions(storeId, { dream_id: dreamId, limit: 1000 })).data).toHaveLength(0);
    expect(
      (await db.listChanges(dreamId)).every((c) => c.status === 'approved' && c.applied_at === null),
    ).toBe(true);
    const integrity = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(
      (db as KyselyStorage).db,
    );
    expect(integrity.rows).toEqual([{ integrity_check: 'ok' }]);

    // The lock died with the process: a new apply goes through completely.
    const again = await applyDream(db, dreamId, { by: 'ana' });
    expect(again).toMatchObject({ applied: 2 * N, conflicts: 0 });
    expect((await db.listVersions(storeId, { dream_id: dreamId, limit: 1000 })).data).toHaveLength(2 * N);
  });
});
