import { describe, expect, it } from 'vitest';
import { newId, ReverieError, sha256Hex } from '../src/domain/index.js';
import type { NewSession } from '../src/storage/index.js';
import { DIALECTS } from './dialects.js';
import { newTestSession, newTestStore, testActor } from './storage-fixtures.js';

const actor = testActor;
const store = newTestStore;

function session(ext: string, text: string, parent: string | null = null): NewSession {
  return newTestSession(
    ext,
    [
      { seq: 0, type: 'system.message', text, timestamp: null, source: { file: 'x.jsonl', line: 1 } },
      { seq: 1, type: 'user.message', text: 'hi', timestamp: null, source: { file: 'x.jsonl', line: 2 } },
    ],
    { parent_external_id: parent },
  );
}

for (const dialect of DIALECTS) {
  describe(`storage (${dialect.name})`, () => {
    it('creates, updates, renames and deletes memories with one version per real change', async () => {
      const db = await dialect.open();
      const s = store();
      await db.insertStore(s);
      const m = await db.createMemory(s.id, '/a.md', 'one', { actor });
      expect(m.content_sha256).toBe(sha256Hex('one'));
      await expect(db.createMemory(s.id, '/a.md', 'two', { actor })).rejects.toMatchObject({
        type: 'memory_path_conflict_error',
      });
      const same = await db.updateMemory(m.id, { content: 'one' }, { actor });
      expect(same.memory_version_id).toBe(m.memory_version_id);
      await expect(
        db.updateMemory(m.id, { content: 'x', expected_sha256: sha256Hex('zzz') }, { actor }),
      ).rejects.toMatchObject({ type: 'memory_precondition_failed_error' });
      const moved = await db.updateMemory(m.id, { path: '/b/a.md', content: 'two' }, { actor });
      expect(moved.path).toBe('/b/a.md');
      await db.deleteMemory(m.id, {}, { actor });
      expect(await db.getMemory(m.id)).toBeUndefined();
      const versions = await db.listVersions(s.id, { memory_id: m.id });
      expect(versions.data.map((v) => v.operation)).toEqual(['deleted', 'modified', 'created']);
      expect(versions.data[2]!.content).toBe('one');
      await db.close();
    });

    it('pages memories by path and filters by whole-segment prefix', async () => {
      const db = await dialect.open();
      const s = store();
      await db.insertStore(s);
      for (const p of ['/a/1', '/a/2', '/ab', '/a/3', '/b']) await db.createMemory(s.id, p, p, { actor });
      const p1 = await db.listMemories(s.id, { path_prefix: '/a/', limit: 2 });
      expect(p1.data.map((m) => m.path)).toEqual(['/a/1', '/a/2']);
      expect(p1.data[0]!.content).toBeNull();
      const p2 = await db.listMemories(s.id, { path_prefix: '/a/', limit: 2, page: p1.next_page });
      expect(p2.data.map((m) => m.path)).toEqual(['/a/3']);
      expect(p2.next_page).toBeNull();
      await db.close();
    });

    it('imports sessions idempotently, stores big texts once and links subagents in any order', async () => {
      const db = await dialect.open();
      const policy = 'P'.repeat(5000);
      const r1 = await db.importSessions([session('child', policy, 'parent'), session('s1', policy)]);
      expect(r1.map((r) => r.status)).toEqual(['created', 'created']);
      // before its parent is imported, a subagent still names it
      expect(await db.getSession(r1[0]!.session_id)).toMatchObject({
        parent_session_id: null,
        parent_external_id: 'parent',
      });
      const r2 = await db.importSessions([session('parent', policy), session('s1', policy)]);
      expect(r2.map((r) => r.status)).toEqual(['created', 'unchanged']);
      expect(r2[1]!.session_id).toBe(r1[1]!.session_id);
      const changed = session('s1', 'different');
      const r3 = await db.importSessions([changed]);
      expect(r3[0]).toMatchObject({ status: 'updated', session_id: r1[1]!.session_id });
      const child = await db.getSession(r1[0]!.session_id);
      expect(child!.parent_session_id).toBe(r2[0]!.session_id);
      const events = await db.getEvents(r1[0]!.session_id);
      // Events come back exactly as imported (blob references and implied source files restored).
      expect(events).toEqual(session('child', policy, 'parent').events);
      if ('db' in db) {
        const blobs = await (
          db as unknown as { db: import('kysely').Kysely<import('../src/storage/schema.js').Database> }
        ).db
          .selectFrom('blobs')
          .selectAll()
          .execute();
        expect(blobs).toHaveLength(1);
      }
      // parent before child, in separate imports; a child re-imported with new content stays linked
      const [p2] = await db.importSessions([session('parent-2', 'p')]);
      const [c2] = await db.importSessions([session('child-2', 'c', 'parent-2')]);
      expect((await db.getSession(c2!.session_id))!.parent_session_id).toBe(p2!.session_id);
      const [c3] = await db.importSessions([session('child', 'changed', 'parent')]);
      expect(c3).toMatchObject({ status: 'updated', session_id: r1[0]!.session_id });
      expect((await db.getSession(c3!.session_id))!.parent_session_id).toBe(r2[0]!.session_id);
      await db.close();
    });

    it('links subagents to a parent in the same batch, before or after it, and waiting ones later', async () => {
      const db = await dialect.open();
      const r = await db.importSessions([
        session('kid-a', 'a', 'mom'),
        session('mom', 'm'),
        session('kid-b', 'b', 'mom'),
        session('orphan', 'o', 'dad'),
      ]);
      const parentOf = async (i: number) => (await db.getSession(r[i]!.session_id))!.parent_session_id;
      expect(await parentOf(0)).toBe(r[1]!.session_id);
      expect(await parentOf(2)).toBe(r[1]!.session_id);
      expect(await parentOf(1)).toBeNull();
      expect(await parentOf(3)).toBeNull();
      // the parent arriving later links the child that waited for it; an unrelated session stays unlinked
      const [dad] = await db.importSessions([session('dad', 'd')]);
      expect(await parentOf(3)).toBe(dad!.session_id);
      expect(await parentOf(1)).toBeNull();
      // a re-import of the changed parent keeps its children's links (its id does not change)
      const [mom2] = await db.importSessions([session('mom', 'm2')]);
      expect(mom2).toMatchObject({ status: 'updated', session_id: r[1]!.session_id });
      expect(await parentOf(0)).toBe(r[1]!.session_id);
      await db.close();
    });

    it('rolls back a failed transaction entirely', async () => {
      const db = await dialect.open();
      const s = store();
      await db.insertStore(s);
      await expect(
        db.transaction(async (tx) => {
          await tx.createMemory(s.id, '/x', 'x', { actor });
          throw new ReverieError('internal_error', 'boom');
        }),
      ).rejects.toThrow('boom');
      expect(await db.countMemories(s.id)).toBe(0);
      expect((await db.listVersions(s.id, {})).data).toHaveLength(0);
      await db.close();
    });

    it('locks a store with a write that changes nothing, and filters versions by several memories', async () => {
      const db = await dialect.open();
      const s = store();
      await db.insertStore(s);
      expect(await db.lockStore(newId('memstore'))).toBe(false);
      const locked = await db.transaction(async (tx) => {
        const ok = await tx.lockStore(s.id);
        await tx.createMemory(s.id, '/in-tx.md', 'x', { actor });
        return ok;
      });
      expect(locked).toBe(true);
      expect((await db.getStore(s.id))!.updated_at).toBe(s.updated_at);
      const a = await db.createMemory(s.id, '/a.md', 'a', { actor });
      const b = await db.createMemory(s.id, '/b.md', 'b', { actor });
      await db.updateMemory(a.id, { content: 'a2' }, { actor });
      await db.createMemory(s.id, '/c.md', 'c', { actor });
      const v = await db.listVersions(s.id, { memory_ids: [a.id, b.id], ascending: true });
      expect(v.data.map((x) => [x.path, x.operation])).toEqual([
        ['/a.md', 'created'],
        ['/b.md', 'created'],
        ['/a.md', 'modified'],
      ]);
      expect((await db.listVersions(s.id, { memory_ids: [] })).data).toEqual([]);
      await db.close();
    });

    it('updates a change: status, review record (with extra fields), after, and a rebased before/base', async () => {
      const db = await dialect.open();
      const s = store();
      await db.insertStore(s);
      const dreamId = newId('drm');
      await db.insertDream({
        type: 'dream',
        id: dreamId,
        status: 'completed',
        inputs: [
          { type: 'memory_store', memory_store_id: s.id },
          { type: 'sessions', session_ids: [] },
        ],
        outputs: [],
        model: { id: 'offline' },
        instructions: null,
        output_behavior: { type: 'create_new' },
        session_id: null,
        usage: {
          input_tokens: 0,
          output_tokens: 0,
          cache_read_input_tokens: 0,
          cache_creation_input_tokens: 0,
        },
        error: null,
        created_at: new Date().toISOString(),
        ended_at: null,
        archived_at: null,
        engine: 'offline',
        progress: null,
        stats: {},
        base: {},
      });
      const id = newId('chg');
      await db.insertChanges([
        {
          type: 'change',
          id,
          dream_id: dreamId,
          ordinal: 0,
          op: 'update',
          path: '/a.md',
          to_path: null,
          before: 'old',
          after: 'new',
          base_sha256: sha256Hex('old'),
          kind: 'fact',
          reason: 'r',
          confidence: 0.5,
          support: { sessions: 1, agents: 1 },
          evidence: [],
          status: 'pending',
          review: null,
          applied_at: null,
        },
      ]);
      const review = {
        by: 'ana',
        at: '2026-01-01T00:00:00.000Z',
        comment: null,
        decision: 'edit' as const,
        original_after: 'new',
      };
      await db.updateChange(id, {
        status: 'edited',
        after: 'mine',
        review,
        before: 'older',
        base_sha256: sha256Hex('older'),
      });
      const c = await db.getChange(id);
      expect(c).toMatchObject({
        status: 'edited',
        after: 'mine',
        review,
        before: 'older',
        base_sha256: sha256Hex('older'),
      });
      await expect(db.updateChange(newId('chg'), { status: 'approved' })).rejects.toMatchObject({
        type: 'not_found_error',
      });
      await db.close();
    });
  });
}
