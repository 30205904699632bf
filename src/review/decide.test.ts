import { describe, expect, it } from 'vitest';
import { seedDream, seedStore } from '../../test/e2e/fixtures.js';
import { type Change, type ChangeStatus, sha256Hex } from '../domain/index.js';
import { openSqliteStorage } from '../storage/index.js';
import { type Decision, decideChange, decideMany, nextReview, rebaseChange } from './decide.js';

const NOW = '2026-03-01T10:00:00.000Z';

function change(status: ChangeStatus, extra: Partial<Change> = {}): Change {
  return {
    type: 'change',
    id: 'chg_TEST',
    dream_id: 'drm_TEST',
    ordinal: 0,
    op: 'update',
    path: '/facts/a.md',
    to_path: null,
    before: 'old',
    after: 'proposal',
    base_sha256: null,
    kind: 'fact',
    reason: 'r',
    confidence: 0.9,
    support: { sessions: 3, agents: 2 },
    evidence: [],
    status,
    review: status === 'pending' ? null : { by: 'earlier', at: NOW, comment: null },
    applied_at: status === 'applied' ? NOW : null,
    ...extra,
  };
}

describe('nextReview: every state × every decision', () => {
  const expected: Record<ChangeStatus, Record<Decision, ChangeStatus | 'refused'>> = {
    pending: { approve: 'approved', edit: 'edited', reject: 'rejected', reset: 'pending' },
    approved: { approve: 'approved', edit: 'edited', reject: 'rejected', reset: 'pending' },
    edited: { approve: 'edited', edit: 'edited', reject: 'rejected', reset: 'pending' },
    rejected: { approve: 'approved', edit: 'edited', reject: 'rejected', reset: 'pending' },
    conflict: { approve: 'refused', edit: 'refused', reject: 'rejected', reset: 'pending' },
    applied: { approve: 'refused', edit: 'refused', reject: 'refused', reset: 'refused' },
  };
  for (const [from, row] of Object.entries(expected) as [
    ChangeStatus,
    Record<Decision, ChangeStatus | 'refused'>,
  ][]) {
    for (const [decision, to] of Object.entries(row) as [Decision, ChangeStatus | 'refused'][]) {
      it(`${from} --${decision}--> ${to}`, () => {
        const c =
          from === 'edited'
            ? change(from, {
                after: 'mine',
                review: { by: 'x', at: NOW, comment: null, original_after: 'proposal' },
              })
            : change(from);
        const input = {
          decision,
          by: 'ana',
          comment: 'looks right',
          content: decision === 'edit' ? 'reviewer text' : undefined,
        };
        if (to === 'refused') {
          expect(() => nextReview(c, input, NOW)).toThrowError(
            expect.objectContaining({ type: 'conflict_error' }),
          );
          return;
        }
        const out = nextReview(c, input, NOW);
        expect(out.status).toBe(to);
        expect(out.review).toMatchObject({ by: 'ana', at: NOW, comment: 'looks right' });
      });
    }
  }

  it('an edit keeps the proposal in review.original_after; reset restores it', () => {
    const e = nextReview(change('pending'), { decision: 'edit', by: 'ana', content: 'mine' }, NOW);
    expect(e).toMatchObject({
      status: 'edited',
      after: 'mine',
      review: { original_after: 'proposal', decision: 'edit' },
    });
    const e2 = nextReview(
      { ...change('edited'), ...e },
      { decision: 'edit', by: 'bo', content: 'mine again' },
      NOW,
    );
    expect(e2.review?.original_after).toBe('proposal');
    const r = nextReview({ ...change('edited'), ...e2 }, { decision: 'reset', by: 'bo' }, NOW);
    expect(r).toMatchObject({ status: 'pending', after: 'proposal' });
    const rej = nextReview({ ...change('edited'), ...e2 }, { decision: 'reject', by: 'bo' }, NOW);
    expect(rej).toMatchObject({ status: 'rejected', after: 'mine again' });
    expect(nextReview({ ...change('rejected'), ...rej }, { decision: 'approve', by: 'bo' }, NOW).status).toBe(
      'edited',
    );
  });

  it('an edit back to the proposal is an approval', () => {
    const e = nextReview(change('pending'), { decision: 'edit', by: 'ana', content: 'proposal' }, NOW);
    expect(e.status).toBe('approved');
  });

  it('refuses bad input with the field named', () => {
    const c = change('pending');
    expect(() => nextReview(c, { decision: 'edit', by: 'ana' }, NOW)).toThrowError(
      expect.objectContaining({ type: 'invalid_request_error', details: { field: 'content' } }),
    );
    expect(() =>
      nextReview(
        change('pending', { op: 'delete', after: null }),
        { decision: 'edit', by: 'a', content: 'x' },
        NOW,
      ),
    ).toThrow(/a delete has no content to edit/);
    expect(() => nextReview(c, { decision: 'approve', by: ' ' }, NOW)).toThrowError(
      expect.objectContaining({ details: { field: 'by' } }),
    );
    expect(() => nextReview(c, { decision: 'maybe' as Decision, by: 'a' }, NOW)).toThrowError(
      expect.objectContaining({ details: { field: 'decision' } }),
    );
    expect(() => nextReview(c, { decision: 'edit', by: 'a', content: 'x'.repeat(102_401) }, NOW)).toThrow(
      /102400/,
    );
    expect(() => nextReview(change('applied'), { decision: 'reject', by: 'a' }, NOW)).toThrow(
      /decisions on applied changes are refused/,
    );
  });
});

describe('decideChange / decideMany / rebaseChange (storage)', () => {
  it('records a single decision with who, when and comment', async () => {
    const db = await openSqliteStorage(':memory:');
    const store = await seedStore(db, { '/facts/a.md': 'a' });
    const { changes } = await seedDream(db, store, [{ op: 'update', path: '/facts/a.md', after: 'a2' }]);
    const c = await decideChange(
      db,
      changes[0]!.id,
      { decision: 'approve', by: 'ana', comment: 'ok' },
      { now: NOW },
    );
    expect(c).toMatchObject({ status: 'approved', review: { by: 'ana', at: NOW, comment: 'ok' } });
    expect((await db.getChange(c.id))!.status).toBe('approved');
    await expect(decideChange(db, 'chg_NOPE', { decision: 'approve', by: 'ana' })).rejects.toMatchObject({
      type: 'not_found_error',
    });
    await db.close();
  });

  it('bulk by kind and by path glob, with per-item results; pending only unless told', async () => {
    const db = await openSqliteStorage(':memory:');
    const store = await seedStore(db, {});
    const { dream, changes } = await seedDream(db, store, [
      { op: 'create', path: '/facts/a.md', after: 'a', kind: 'fact' },
      { op: 'create', path: '/facts/b.md', after: 'b', kind: 'fact' },
      { op: 'create', path: '/mistakes/m.md', after: 'm', kind: 'mistake' },
      { op: 'create', path: '/workflows/w.md', after: 'w', kind: 'workflow' },
    ]);
    await decideChange(db, changes[1]!.id, { decision: 'reject', by: 'ana' });
    const facts = await decideMany(db, dream.id, { decision: 'approve', by: 'bo' }, { kinds: ['fact'] });
    expect(facts.map((i) => [i.path, i.status, i.change_status])).toEqual([
      ['/facts/a.md', 'ok', 'approved'],
      ['/facts/b.md', 'skipped', 'rejected'],
    ]);
    const glob = await decideMany(
      db,
      dream.id,
      { decision: 'reject', by: 'bo', comment: 'noise' },
      { path_glob: '/mistakes/**' },
    );
    expect(glob).toEqual([
      { id: changes[2]!.id, status: 'ok', change_status: 'rejected', path: '/mistakes/m.md' },
    ]);
    const ids = await decideMany(
      db,
      dream.id,
      { decision: 'approve', by: 'bo' },
      { ids: [changes[1]!.id, 'chg_UNKNOWN'] },
    );
    expect(ids.map((i) => [i.id, i.status])).toEqual([
      [changes[1]!.id, 'ok'],
      ['chg_UNKNOWN', 'error'],
    ]);
    await expect(decideMany(db, dream.id, { decision: 'approve', by: 'bo' }, {})).rejects.toMatchObject({
      details: { field: 'selector' },
    });
    await expect(
      decideMany(db, dream.id, { decision: 'approve', by: 'bo' }, { kinds: ['nope' as 'fact'] }),
    ).rejects.toMatchObject({
      details: { field: 'kinds' },
    });
    await expect(
      decideMany(db, dream.id, { decision: 'edit', by: 'bo', content: 'x' }, { all: true }),
    ).rejects.toMatchObject({
      details: { field: 'decision' },
    });
    const all = await decideMany(db, dream.id, { decision: 'approve', by: 'bo' }, { all: true });
    expect(all.filter((i) => i.status === 'ok').map((i) => i.path)).toEqual(['/workflows/w.md']);
    await db.close();
  });

  it('rebases a conflicted update onto the current content, keeping the originals', async () => {
    const db = await openSqliteStorage(':memory:');
    const store = await seedStore(db, { '/facts/a.md': 'v1' });
    const { changes } = await seedDream(db, store, [{ op: 'update', path: '/facts/a.md', after: 'v2' }]);
    await expect(rebaseChange(db, changes[0]!.id, 'ana')).rejects.toThrow(/only changes in conflict/);
    await db.updateChange(changes[0]!.id, {
      status: 'conflict',
      review: { by: 'x', at: NOW, comment: null },
    });
    const m = (await db.getMemoryByPath(store.id, '/facts/a.md'))!;
    await db.updateMemory(m.id, { content: 'v1b' }, { actor: { type: 'user_actor', id: 'u' } });
    const r = await rebaseChange(db, changes[0]!.id, 'ana');
    expect(r).toMatchObject({
      status: 'pending',
      before: 'v1b',
      review: { decision: 'rebase', original_before: 'v1' },
    });
    expect(r.base_sha256).toBe(sha256Hex('v1b'));
    await db.close();
  });
});
