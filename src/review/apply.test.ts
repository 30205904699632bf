import { describe, expect, it } from 'vitest';
import { contents, seedDream, seedStore } from '../../test/e2e/fixtures.js';
import { openSqliteStorage, type Storage } from '../storage/index.js';
import { applyDream } from './apply.js';
import { decideChange, decideMany, rebaseChange } from './decide.js';

const user = { actor: { type: 'user_actor' as const, id: 'someone' } };

async function approveAll(db: Storage, dreamId: string) {
  await decideMany(db, dreamId, { decision: 'approve', by: 'ana' }, { all: true });
}

describe('applyDream', () => {
  it('writes approved and edited changes as versions by the reviewer, with dream, change and note', async () => {
    const db = await openSqliteStorage(':memory:');
    const store = await seedStore(db, {
      '/facts/a.md': 'a1',
      '/old.md': 'old',
      '/mv.md': 'move me',
      '/MEMORY.md': '- a\n',
    });
    const { dream, changes } = await seedDream(db, store, [
      { op: 'update', path: '/facts/a.md', after: 'a2', kind: 'fact', reason: 'newer value wins' },
      { op: 'create', path: '/mistakes/m.md', after: 'proposal', kind: 'mistake' },
      { op: 'delete', path: '/old.md', after: null, kind: 'cleanup' },
      { op: 'rename', path: '/mv.md', to_path: '/workflows/mv.md', after: 'moved', kind: 'cleanup' },
      { op: 'update', path: '/MEMORY.md', after: '- a\n- m\n', kind: 'index' },
      { op: 'create', path: '/facts/held.md', after: 'held' },
      { op: 'create', path: '/facts/no.md', after: 'no' },
    ]);
    for (const c of changes.slice(0, 5)) await decideChange(db, c.id, { decision: 'approve', by: 'ana' });
    await decideChange(db, changes[1]!.id, {
      decision: 'edit',
      by: 'bo',
      content: 'reviewer text',
      comment: 'clearer',
    });
    await decideChange(db, changes[6]!.id, { decision: 'reject', by: 'bo' });

    const r = await applyDream(db, dream.id, { by: 'carla' });
    expect(r).toMatchObject({
      applied: 5,
      conflicts: 0,
      errors: 0,
      skipped: 2,
      held_back: false,
      memory_store_id: store.id,
    });
    expect(r.items.map((i) => [i.path, i.status, i.change_status])).toEqual([
      ['/facts/a.md', 'ok', 'applied'],
      ['/mistakes/m.md', 'ok', 'applied'],
      ['/old.md', 'ok', 'applied'],
      ['/mv.md', 'ok', 'applied'],
      ['/MEMORY.md', 'ok', 'applied'],
      ['/facts/held.md', 'skipped', 'pending'],
      ['/facts/no.md', 'skipped', 'rejected'],
    ]);
    expect(await contents(db, store.id)).toEqual({
      '/facts/a.md': 'a2',
      '/mistakes/m.md': 'reviewer text',
      '/workflows/mv.md': 'moved',
      '/MEMORY.md': '- a\n- m\n',
    });
    const versions = (await db.listVersions(store.id, { dream_id: dream.id, limit: 100, ascending: true }))
      .data;
    expect(versions).toHaveLength(5);
    for (const v of versions) {
      expect(v.created_by).toEqual({ type: 'review_actor', id: 'carla' });
      expect(v.change_id).toBeTruthy();
      expect(v.note).toMatch(new RegExp(`^applied from dream ${dream.id}`));
    }
    expect(versions[0]!.note).toContain('newer value wins');
    expect(versions[1]!.note).toContain('edited by bo');
    expect(versions.map((v) => v.operation)).toEqual([
      'modified',
      'created',
      'deleted',
      'modified',
      'modified',
    ]);
    const applied = (await db.getChange(changes[0]!.id))!;
    expect(applied.status).toBe('applied');
    expect(applied.applied_at).toBeTruthy();
    await expect(decideChange(db, applied.id, { decision: 'reject', by: 'ana' })).rejects.toThrow(
      /decisions on applied changes are refused/,
    );
    await db.close();
  });

  it('is a no-op the second time (idempotent)', async () => {
    const db = await openSqliteStorage(':memory:');
    const store = await seedStore(db, { '/a.md': 'a' });
    const { dream } = await seedDream(db, store, [
      { op: 'update', path: '/a.md', after: 'a2' },
      { op: 'create', path: '/b.md', after: 'b' },
    ]);
    await approveAll(db, dream.id);
    const first = await applyDream(db, dream.id, { by: 'ana' });
    expect(first.applied).toBe(2);
    const nVersions = (await db.listVersions(store.id, { limit: 1000 })).data.length;
    const second = await applyDream(db, dream.id, { by: 'ana' });
    expect(second).toMatchObject({ applied: 0, conflicts: 0, skipped: 2 });
    expect(second.items.every((i) => i.reason === 'already applied')).toBe(true);
    expect((await db.listVersions(store.id, { limit: 1000 })).data.length).toBe(nVersions);
    // Bulk decisions skip applied changes; naming one explicitly is refused.
    const bulk = await decideMany(
      db,
      dream.id,
      { decision: 'reject', by: 'bo' },
      { all: true, statuses: ['approved', 'applied'] },
    );
    expect(bulk.map((i) => [i.status, i.reason])).toEqual([
      ['skipped', 'already applied'],
      ['skipped', 'already applied'],
    ]);
    const named = await decideMany(
      db,
      dream.id,
      { decision: 'reject', by: 'bo' },
      { ids: [second.items[0]!.id] },
    );
    expect(named[0]).toMatchObject({ status: 'error', error: { type: 'conflict_error' } });
    await db.close();
  });

  it('detects every kind of conflict and never overwrites', async () => {
    const db = await openSqliteStorage(':memory:');
    const store = await seedStore(
      db,
      {
        '/u.md': 'u1',
        '/d.md': 'd1',
        '/gone.md': 'g',
        '/r.md': 'r',
        '/taken.md': 't',
        '/keep/x.md': 'x',
        '/ok.md': 'ok',
      },
      { protected_paths: ['/keep/**'] },
    );
    const { dream, changes } = await seedDream(db, store, [
      { op: 'update', path: '/u.md', after: 'u-dream' },
      { op: 'delete', path: '/d.md' },
      { op: 'update', path: '/gone.md', after: 'g2' },
      { op: 'create', path: '/new.md', after: 'dream version' },
      { op: 'rename', path: '/r.md', to_path: '/taken2.md', after: 'r' },
      { op: 'update', path: '/keep/x.md', after: 'x2' },
      { op: 'update', path: '/ok.md', after: 'ok2' },
    ]);
    await approveAll(db, dream.id);
    // The store moves on after the dream started.
    const mem = async (p: string) => (await db.getMemoryByPath(store.id, p))!;
    await db.updateMemory((await mem('/u.md')).id, { content: 'u-human' }, user);
    await db.updateMemory((await mem('/d.md')).id, { content: 'd-human' }, user);
    await db.deleteMemory((await mem('/gone.md')).id, {}, user);
    await db.createMemory(store.id, '/new.md', 'human version', user);
    await db.createMemory(store.id, '/taken2.md', 'someone else', user);

    const r = await applyDream(db, dream.id, { by: 'ana' });
    const byPath = Object.fromEntries(r.items.map((i) => [i.path, i]));
    expect(byPath['/u.md']!.error?.conflict?.reason).toBe('base_changed');
    expect(byPath['/d.md']!.error?.conflict?.reason).toBe('base_changed');
    expect(byPath['/gone.md']!.error?.conflict?.reason).toBe('path_missing');
    expect(byPath['/new.md']!.error?.conflict?.reason).toBe('path_exists');
    expect(byPath['/r.md']!.error?.conflict?.reason).toBe('target_exists');
    expect(byPath['/keep/x.md']!.error?.conflict?.reason).toBe('protected_path');
    expect(byPath['/ok.md']).toMatchObject({ status: 'ok', change_status: 'applied' });
    expect(r).toMatchObject({ applied: 1, conflicts: 6 });
    expect(await contents(db, store.id)).toMatchObject({
      '/u.md': 'u-human',
      '/d.md': 'd-human',
      '/new.md': 'human version',
      '/r.md': 'r',
      '/taken2.md': 'someone else',
      '/keep/x.md': 'x',
      '/ok.md': 'ok2',
    });
    const stored = (await db.getChange(changes[0]!.id))!;
    expect(stored.status).toBe('conflict');
    expect(stored.review?.conflict).toMatchObject({
      reason: 'base_changed',
      message: expect.stringContaining('/u.md changed'),
    });
    expect(stored.review?.by).toBe('ana');

    // A conflict cannot be approved as is; rebased, re-approved and applied, it lands on the human's text.
    await expect(decideChange(db, stored.id, { decision: 'approve', by: 'ana' })).rejects.toThrow(/rebase/);
    await rebaseChange(db, stored.id, 'ana');
    await decideChange(db, stored.id, { decision: 'edit', by: 'ana', content: 'u-merged' });
    const again = await applyDream(db, dream.id, { by: 'ana' });
    expect(again.applied).toBe(1);
    expect((await mem('/u.md')).content).toBe('u-merged');
    await db.close();
  });

  it('strict mode writes nothing when any change conflicts, but records the conflicts', async () => {
    const db = await openSqliteStorage(':memory:');
    const store = await seedStore(db, { '/a.md': 'a', '/b.md': 'b' });
    const { dream } = await seedDream(db, store, [
      { op: 'update', path: '/a.md', after: 'a2' },
      { op: 'update', path: '/b.md', after: 'b2' },
    ]);
    await approveAll(db, dream.id);
    await db.updateMemory((await db.getMemoryByPath(store.id, '/b.md'))!.id, { content: 'b-human' }, user);
    const r = await applyDream(db, dream.id, { by: 'ana', strict: true });
    expect(r).toMatchObject({ applied: 0, conflicts: 1, held_back: true });
    expect(r.items[0]).toMatchObject({ status: 'skipped', change_status: 'approved' });
    expect(await contents(db, store.id)).toEqual({ '/a.md': 'a', '/b.md': 'b-human' });
    await db.close();
  });

  it('refuses unfinished dreams, archived stores, bad reviewers and foreign change ids', async () => {
    const db = await openSqliteStorage(':memory:');
    const store = await seedStore(db, {});
    const { dream } = await seedDream(db, store, [{ op: 'create', path: '/a.md', after: 'a' }]);
    await expect(applyDream(db, 'drm_NOPE', { by: 'ana' })).rejects.toMatchObject({
      type: 'not_found_error',
    });
    await expect(applyDream(db, dream.id, { by: '' })).rejects.toMatchObject({ details: { field: 'by' } });
    await expect(applyDream(db, dream.id, { by: 'ana', only: ['chg_OTHER'] })).rejects.toMatchObject({
      type: 'not_found_error',
    });
    await db.updateDream(dream.id, { status: 'running' });
    await expect(applyDream(db, dream.id, { by: 'ana' })).rejects.toThrow(
      /only completed dreams can be applied/,
    );
    await db.updateDream(dream.id, { status: 'completed' });
    await db.updateStore(store.id, { archived_at: new Date().toISOString() });
    await expect(applyDream(db, dream.id, { by: 'ana' })).rejects.toThrow(/archived/);
    await db.close();
  });

  it('adopts a create_new dream into its input store', async () => {
    const db = await openSqliteStorage(':memory:');
    const store = await seedStore(db, { '/a.md': 'a' });
    const { dream } = await seedDream(db, store, [{ op: 'update', path: '/a.md', after: 'a2' }], {
      output_behavior: { type: 'create_new' },
    });
    await approveAll(db, dream.id);
    const r = await applyDream(db, dream.id, { by: 'ana' });
    expect(r.memory_store_id).toBe(store.id);
    expect(await contents(db, store.id)).toEqual({ '/a.md': 'a2' });
    await db.close();
  });
});
