import { describe, expect, it } from 'vitest';
import { contents, hashes, seedDream, seedStore } from '../../test/e2e/fixtures.js';
import { sha256Hex } from '../domain/index.js';
import { openSqliteStorage, type Storage } from '../storage/index.js';
import { applyDream } from './apply.js';
import { auditLog } from './audit.js';
import { decideMany } from './decide.js';
import { planRollback, rollbackStore } from './rollback.js';

const user = { actor: { type: 'user_actor' as const, id: 'u' } };
// Bytes that are easy to mangle: CRLF, a BOM, trailing spaces, NFD vs NFC, emoji, no final newline.
const TRICKY = '\uFEFFline one\r\nline two  \r\n\tcafe\u0301 · café · 🧠\n\n  trailing';

async function mem(db: Storage, storeId: string, path: string) {
  return (await db.getMemoryByPath(storeId, path))!;
}

describe('rollbackStore', () => {
  it('restores the exact bytes of an earlier version, as a new version by rollback_actor', async () => {
    const db = await openSqliteStorage(':memory:');
    const store = await seedStore(db, { '/notes.md': TRICKY });
    const v1 = (await mem(db, store.id, '/notes.md')).memory_version_id;
    await db.updateMemory((await mem(db, store.id, '/notes.md')).id, { content: 'overwritten' }, user);
    await db.updateMemory(
      (await mem(db, store.id, '/notes.md')).id,
      { content: 'overwritten again\n' },
      user,
    );
    const r = await rollbackStore(db, store.id, { version: v1 }, { by: 'ops' });
    expect(r.steps).toHaveLength(1);
    const m = await mem(db, store.id, '/notes.md');
    expect(m.content).toBe(TRICKY);
    expect(m.content_sha256).toBe(sha256Hex(TRICKY));
    expect(Buffer.from(m.content!, 'utf8').equals(Buffer.from(TRICKY, 'utf8'))).toBe(true);
    const versions = (await db.listVersions(store.id, { memory_id: m.id })).data;
    expect(versions).toHaveLength(4); // history kept: created, 2× modified, and the rollback
    expect(versions[0]).toMatchObject({
      created_by: { type: 'rollback_actor', id: 'ops' },
      note: expect.stringContaining(v1),
    });
    // Nothing left to do the second time.
    expect((await rollbackStore(db, store.id, { version: v1 }, { by: 'ops' })).steps).toEqual([]);
    await db.close();
  });

  it('rolls a whole store back to before a dream: re-creates deletions, undoes renames and creations', async () => {
    const db = await openSqliteStorage(':memory:');
    const store = await seedStore(db, {
      '/a.md': 'a',
      '/b.md': TRICKY,
      '/c.md': 'c',
      '/MEMORY.md': '- [a](a.md)\n',
    });
    const before = await hashes(db, store.id);
    const { dream } = await seedDream(db, store, [
      { op: 'update', path: '/a.md', after: 'a2' },
      { op: 'delete', path: '/b.md' },
      { op: 'rename', path: '/c.md', to_path: '/facts/c.md', after: 'c' },
      { op: 'create', path: '/new.md', after: 'n' },
      { op: 'update', path: '/MEMORY.md', after: '- [a](a.md)\n- [n](new.md)\n', kind: 'index' },
    ]);
    await decideMany(db, dream.id, { decision: 'approve', by: 'ana' }, { all: true });
    await applyDream(db, dream.id, { by: 'ana' });
    expect(await hashes(db, store.id)).not.toEqual(before);
    const plan = await planRollback(db, store.id, { before_dream: dream.id });
    expect(plan.steps.map((s) => s.action).sort()).toEqual([
      'create',
      'delete',
      'update',
      'update',
      'update',
    ]);
    await rollbackStore(db, store.id, { before_dream: dream.id }, { by: 'ops' });
    expect(await hashes(db, store.id)).toEqual(before);
    await expect(
      rollbackStore(db, store.id, { before_dream: 'drm_NOPE' }, { by: 'ops' }),
    ).rejects.toMatchObject({
      type: 'not_found_error',
    });
    await db.close();
  });

  it('rolls back one path only, to a time, and swaps paths without collisions', async () => {
    const db = await openSqliteStorage(':memory:');
    const store = await seedStore(db, { '/x.md': 'x1', '/y.md': 'y1' });
    await new Promise((r) => setTimeout(r, 5));
    const t = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    const x = await mem(db, store.id, '/x.md');
    const y = await mem(db, store.id, '/y.md');
    await db.updateMemory(x.id, { content: 'x2' }, user);
    await db.updateMemory(y.id, { content: 'y2' }, user);
    await rollbackStore(db, store.id, { time: t }, { by: 'ops', path: '/x.md' });
    expect(await contents(db, store.id)).toEqual({ '/x.md': 'x1', '/y.md': 'y2' });

    // Swap the two paths, then roll the swap back: needs a temporary move.
    const v = (await db.listVersions(store.id, { limit: 1 })).data[0]!.id;
    await db.updateMemory(x.id, { path: '/tmp.md' }, user);
    await db.updateMemory(y.id, { path: '/x.md' }, user);
    await db.updateMemory(x.id, { path: '/y.md' }, user);
    await rollbackStore(db, store.id, { version: v }, { by: 'ops' });
    expect(await contents(db, store.id)).toEqual({ '/x.md': 'x1', '/y.md': 'y2' });
    expect((await mem(db, store.id, '/x.md')).id).toBe(x.id);
    await db.close();
  });

  it('refuses bad targets with clear errors', async () => {
    const db = await openSqliteStorage(':memory:');
    const store = await seedStore(db, { '/a.md': 'a' });
    const other = await seedStore(db, { '/o.md': 'o' });
    const ov = (await mem(db, other.id, '/o.md')).memory_version_id;
    await expect(rollbackStore(db, store.id, { version: ov }, { by: 'ops' })).rejects.toMatchObject({
      details: { field: 'version' },
    });
    await expect(rollbackStore(db, store.id, { time: 'yesterday-ish' }, { by: 'ops' })).rejects.toMatchObject(
      {
        details: { field: 'time' },
      },
    );
    await expect(rollbackStore(db, store.id, {} as never, { by: 'ops' })).rejects.toMatchObject({
      details: { field: 'target' },
    });
    await expect(
      rollbackStore(db, store.id, { time: new Date().toISOString() }, { by: 'ops', path: '/never.md' }),
    ).rejects.toMatchObject({
      type: 'not_found_error',
    });
    const { dream } = await seedDream(db, store, []);
    await expect(rollbackStore(db, store.id, { before_dream: dream.id }, { by: 'ops' })).rejects.toThrow(
      /wrote nothing to store/,
    );
    await db.close();
  });
});

describe('auditLog', () => {
  it('tells who changed what, through which dream and change, who reviewed it, with evidence', async () => {
    const db = await openSqliteStorage(':memory:');
    const [sid] = (
      await db.importSessions([
        {
          external_id: 'task-7',
          agent_id: 'agent-a',
          user_id: null,
          parent_external_id: null,
          source_format: 'reverie',
          source_file: 't.jsonl',
          title: 'Book a flight',
          started_at: null,
          ended_at: null,
          metadata: {},
          events: [
            {
              seq: 0,
              type: 'user.message',
              text: 'hi',
              timestamp: null,
              source: { file: 't.jsonl', line: 1 },
            },
          ],
          outcome: null,
        },
      ])
    ).map((s) => s.session_id);
    const store = await seedStore(db, { '/facts/a.md': 'a' });
    const { dream, changes } = await seedDream(db, store, [
      {
        op: 'update',
        path: '/facts/a.md',
        after: 'a2',
        reason: 'users corrected it',
        evidence: [{ session_id: sid!, seq_from: 0, seq_to: 0, quote: 'hi' }],
      },
    ]);
    await decideMany(
      db,
      dream.id,
      { decision: 'approve', by: 'ana', comment: 'checked the transcript' },
      { all: true },
    );
    await applyDream(db, dream.id, { by: 'ana' });
    const m = await mem(db, store.id, '/facts/a.md');
    await db.updateMemory(m.id, { path: '/facts/renamed.md' }, user);

    const log = await auditLog(db, store.id, { path: '/facts/a.md' });
    expect(log.data.map((e) => [e.operation, e.created_by.type, e.path])).toEqual([
      ['modified', 'user_actor', '/facts/renamed.md'],
      ['modified', 'review_actor', '/facts/a.md'],
      ['created', 'user_actor', '/facts/a.md'],
    ]);
    const applied = log.data[1]!;
    expect(applied).toMatchObject({
      dream_id: dream.id,
      change: { id: changes[0]!.id, reason: 'users corrected it', status: 'applied' },
      review: { by: 'ana', comment: 'checked the transcript' },
      evidence: [{ session_id: sid, session_title: 'Book a flight', external_id: 'task-7', quote: 'hi' }],
    });
    const byDream = await auditLog(db, store.id, { dream_id: dream.id });
    expect(byDream.data).toHaveLength(1);
    await expect(auditLog(db, store.id, { path: '/nope.md' })).rejects.toMatchObject({
      type: 'not_found_error',
    });
    await db.close();
  });
});
