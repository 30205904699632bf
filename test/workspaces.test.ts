/**
 * Workspace scoping in the storage layer (issue 9), on every dialect of test/dialects.ts: a view of
 * one workspace (`forWorkspace`) neither reads nor writes another's stores, memories, versions,
 * sessions, events, dreams or changes; the same transcript imports into two workspaces as two
 * sessions; data written before migration 002 belongs to the default workspace.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { Migrator } from 'kysely/migration';
import { describe, expect, it } from 'vitest';
import { type Change, newId } from '../src/domain/index.js';
import { DEFAULT_WORKSPACE_ID, openSqliteStorage, type Storage } from '../src/storage/index.js';
import { migrationProvider } from '../src/storage/migrations/index.js';
import type { Database } from '../src/storage/schema.js';
import { DIALECTS } from './dialects.js';
import { newTestDream, newTestSession, newTestStore, testActor } from './storage-fixtures.js';

const dream = (storeId: string, sessionIds: string[]) => newTestDream(storeId, 'completed', sessionIds);

function change(dreamId: string): Change {
  return {
    type: 'change',
    id: newId('chg'),
    dream_id: dreamId,
    ordinal: 0,
    op: 'create',
    path: '/a.md',
    to_path: null,
    before: null,
    after: 'x',
    base_sha256: null,
    kind: 'fact',
    reason: 'r',
    confidence: 0.9,
    support: { sessions: 1, agents: 1 },
    evidence: [],
    status: 'pending',
    review: null,
    applied_at: null,
  };
}

const EVENTS = [
  {
    seq: 0,
    type: 'user.message' as const,
    text: 'secret plan of A',
    timestamp: null,
    source: { file: 'x', line: 1 },
  },
];

/** Fills workspace `ws` with one of everything; returns the ids. */
async function fill(s: Storage) {
  const store = newTestStore();
  await s.insertStore(store);
  const mem = await s.createMemory(store.id, '/a.md', 'A only', { actor: testActor });
  const [sess] = await s.importSessions([newTestSession('same-transcript', EVENTS)]);
  const d = dream(store.id, [sess!.session_id]);
  await s.insertDream(d);
  const c = change(d.id);
  await s.insertChanges([c]);
  return {
    store: store.id,
    mem: mem.id,
    version: mem.memory_version_id,
    session: sess!.session_id,
    dream: d.id,
    change: c.id,
  };
}

describe.each(DIALECTS)('workspaces ($name)', (dialect) => {
  it('a workspace view sees and changes nothing of another workspace', async () => {
    const root = await dialect.open();
    try {
      expect(root.workspace_id).toBe(DEFAULT_WORKSPACE_ID);
      const a = root.forWorkspace('wrkspc_A');
      const b = root.forWorkspace('wrkspc_B');
      const A = await fill(a);
      for (const other of [b, root]) {
        expect(await other.getStore(A.store)).toBeUndefined();
        expect((await other.listStores({ include_archived: true })).data).toEqual([]);
        expect(await other.getMemory(A.mem)).toBeUndefined();
        expect(await other.getMemoryByPath(A.store, '/a.md')).toBeUndefined();
        expect((await other.listMemories(A.store, { view: 'full' })).data).toEqual([]);
        expect(await other.allMemories(A.store)).toEqual([]);
        expect(await other.countMemories(A.store)).toBe(0);
        expect(await other.countMemoriesByStore([A.store])).toEqual(new Map());
        expect(await other.getVersion(A.version)).toBeUndefined();
        expect((await other.listVersions(A.store, {})).data).toEqual([]);
        expect(await other.getSession(A.session)).toBeUndefined();
        expect(await other.getSessions([A.session])).toEqual([]);
        expect((await other.listSessions({})).data).toEqual([]);
        await expect(other.getEvents(A.session)).rejects.toMatchObject({ type: 'not_found_error' });
        await expect(other.setOutcome(A.session, null)).rejects.toMatchObject({ type: 'not_found_error' });
        expect(await other.getDream(A.dream)).toBeUndefined();
        expect((await other.listDreams({ include_archived: true })).data).toEqual([]);
        expect(await other.listChanges(A.dream)).toEqual([]);
        expect(await other.getChange(A.change)).toBeUndefined();
        expect(await other.lockStore(A.store)).toBe(false);
        expect(await other.transaction((tx) => tx.getStore(A.store))).toBeUndefined();
        // Writes: refused as absent, or no effect.
        await expect(other.createMemory(A.store, '/b.md', 'x', { actor: testActor })).rejects.toMatchObject({
          type: 'not_found_error',
        });
        await expect(
          other.updateMemory(A.mem, { content: 'B was here' }, { actor: testActor }),
        ).rejects.toMatchObject({ type: 'not_found_error' });
        await expect(other.deleteMemory(A.mem, {}, { actor: testActor })).rejects.toMatchObject({
          type: 'not_found_error',
        });
        await expect(other.updateDream(A.dream, { status: 'failed' })).rejects.toMatchObject({
          type: 'not_found_error',
        });
        await expect(other.updateChange(A.change, { status: 'approved' })).rejects.toMatchObject({
          type: 'not_found_error',
        });
        expect(await other.redactVersion(A.version, testActor, new Date().toISOString())).toBeUndefined();
        expect((await other.listVersions(A.store, { created_by: testActor })).data).toEqual([]);
        await other.updateStore(A.store, { name: 'renamed by B' });
        await other.deleteStore(A.store);
      }
      // A still has all of it, unchanged.
      expect((await a.getStore(A.store))?.name).toBe('test');
      expect((await a.getMemory(A.mem))?.content).toBe('A only');
      expect((await a.getEvents(A.session))[0]).toMatchObject({ text: 'secret plan of A' });
      expect((await a.getDream(A.dream))?.status).toBe('completed');
      expect((await a.getChange(A.change))?.status).toBe('pending');
      expect((await a.listVersions(A.store, {})).data).toHaveLength(1);
      expect((await a.getVersion(A.version))?.content).toBe('A only');
      expect(await a.countMemoriesByStore([A.store, 'memstore_NONE'])).toEqual(new Map([[A.store, 1]]));
      expect((await a.listVersions(A.store, { created_by: testActor })).data).toHaveLength(1);

      // The same transcript in B is B's own session: another id, the same external id.
      const [inB] = await b.importSessions([newTestSession('same-transcript', EVENTS)]);
      expect(inB!.status).toBe('created');
      expect(inB!.session_id).not.toBe(A.session);
      expect((await b.getSession(inB!.session_id))?.external_id).toBe('same-transcript');
      expect((await a.getSession(A.session))?.external_id).toBe('same-transcript');
      expect((await a.listSessions({})).data.map((s) => s.id)).toEqual([A.session]);
      const [again] = await a.importSessions([newTestSession('same-transcript', EVENTS)]);
      expect(again).toMatchObject({ status: 'unchanged', session_id: A.session });
    } finally {
      await root.close();
    }
  });
});

describe('migration 002', () => {
  it('puts data written before workspaces into the default workspace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reverie-ws-'));
    try {
      const file = join(dir, 'old.db');
      const raw = new BetterSqlite3(file);
      const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }) });
      const r = await new Migrator({ db, provider: migrationProvider('sqlite') }).migrateTo('001-initial');
      expect(r.error).toBeUndefined();
      const at = '2026-01-01T00:00:00.000Z';
      await db
        .insertInto('memory_stores')
        .values({
          id: 'memstore_OLD',
          name: 'old',
          description: '',
          metadata: '{}',
          policy: '{}',
          created_at: at,
          updated_at: at,
          archived_at: null,
        })
        .execute();
      await db.destroy();
      const s = await openSqliteStorage(file);
      try {
        expect((await s.getStore('memstore_OLD'))?.name).toBe('old');
        expect(await s.forWorkspace('wrkspc_other').getStore('memstore_OLD')).toBeUndefined();
        expect((await s.listWorkspaces()).map((w) => [w.id, w.name])).toEqual([
          [DEFAULT_WORKSPACE_ID, 'default'],
        ]);
      } finally {
        await s.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
