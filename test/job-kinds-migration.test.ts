/**
 * Migration 009 (job kinds) on a database that already has queued dreams: `dream_jobs` is rebuilt with
 * every job kept as a `dream` job of its dream's workspace, and a dream may then have gather batches
 * beside its own job (its `dream_id` was unique before).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { Migrator } from 'kysely/migration';
import { expect, it } from 'vitest';
import { openSqliteStorage } from '../src/storage/index.js';
import { KyselyStorage } from '../src/storage/kysely-storage.js';
import { migrationProvider } from '../src/storage/migrations/index.js';
import type { Database } from '../src/storage/schema.js';
import { newTestDream, newTestStore } from './storage-fixtures.js';

it('migration 009 keeps queued dreams as dream jobs of their workspace and lets a dream have gather batches', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'reverie-jobs-'));
  try {
    const file = join(dir, 'old.db');
    const raw = new BetterSqlite3(file);
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }) });
    const r = await new Migrator({ db, provider: migrationProvider('sqlite') }).migrateTo('007-teams');
    expect(r.error).toBeUndefined();
    const old = new KyselyStorage(db, 'sqlite').forWorkspace('wrkspc_team_x');
    const store = newTestStore();
    await old.insertStore(store);
    const dream = newTestDream(store.id, 'pending');
    await old.insertDream(dream);
    const at = '2026-01-01T00:00:00.000Z';
    const row = {
      memory_store_id: store.id,
      singleton_key: `dream:${dream.id}`,
      backend: 'local',
      state: 'queued',
      apply: 'review',
      attempts: 0,
      max_attempts: 3,
      run_after: at,
      lease_until: null,
      worker_id: null,
      queue_job_id: null,
      last_error: null,
      created_at: at,
      updated_at: at,
    };
    // the columns of migration 005: no kind, batch or workspace yet
    const insertOld = (id: string, dreamId: string) =>
      (db as unknown as Kysely<Record<string, Record<string, unknown>>>)
        .insertInto('dream_jobs')
        .values({ id, dream_id: dreamId, ...row })
        .execute();
    await insertOld('job_OLD', dream.id);
    await insertOld('job_ORPHAN', 'drm_GONE');
    await db.destroy();

    const s = await openSqliteStorage(file);
    try {
      const job = await s.getJob({ dream_id: dream.id });
      expect(job).toMatchObject({
        id: 'job_OLD',
        kind: 'dream',
        batch: null,
        workspace_id: 'wrkspc_team_x',
        state: 'queued',
        run_after: at,
      });
      expect((await s.getJob({ id: 'job_ORPHAN' }))?.workspace_id).toBe('wrkspc_default');
      const batch = { index: 0, count: 1, session_ids: ['sesn_A'] };
      await s.insertJob({ ...job!, id: 'job_BATCH', kind: 'dream.gather', batch });
      expect((await s.getJob({ dream_id: dream.id }))?.id).toBe('job_OLD');
      const gather = await s.listJobs({ dream_ids: [dream.id], kinds: ['dream.gather'] });
      expect(gather.map((j) => [j.id, j.batch])).toEqual([['job_BATCH', batch]]);
      // one job per (dream, kind, batch)
      await expect(s.insertJob({ ...job!, id: 'job_TWICE', kind: 'dream.gather', batch })).rejects.toThrow();
    } finally {
      await s.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
