import { describe, expect, it } from 'vitest';
import { contents, seedDream, seedStore } from '../../test/e2e/fixtures.js';
import { type CheckReport, DEFAULT_POLICY } from '../domain/index.js';
import { openSqliteStorage } from '../storage/index.js';
import { autoApplyDream } from './auto-apply.js';
import { mergePolicy, policyWarnings } from './policy.js';

describe('mergePolicy', () => {
  it('merges field by field and validates with the field named', () => {
    const p = mergePolicy(DEFAULT_POLICY, {
      auto_apply: { additions_min_support: 3 },
      protected_paths: ['/preferences/**', '/MEMORY.md'],
    });
    expect(p.auto_apply).toEqual({ exact_duplicates: false, additions_min_support: 3, deletions: false });
    expect(p.protected_paths).toEqual(['/preferences/**', '/MEMORY.md']);
    expect(
      mergePolicy(p, { auto_apply: { additions_min_support: null } }).auto_apply.additions_min_support,
    ).toBeNull();
    const bad: [unknown, string][] = [
      [{ auto_apply: { additions_min_support: 0 } }, 'auto_apply.additions_min_support'],
      [{ auto_apply: { deletions: 'yes' } }, 'auto_apply.deletions'],
      [{ auto_apply: { whatever: true } }, 'auto_apply.whatever'],
      [{ protected_paths: ['facts/**'] }, 'protected_paths[0]'],
      [{ protected_paths: ['/a//b'] }, 'protected_paths[0]'],
      [{ max_changes_per_dream: -1 }, 'max_changes_per_dream'],
      [{ triggers: { min_hours: 'x', min_sessions: 1 } }, 'triggers.min_hours'],
      [{ colour: 'red' }, 'colour'],
    ];
    for (const [patch, field] of bad)
      expect(() => mergePolicy(DEFAULT_POLICY, patch as never), JSON.stringify(patch)).toThrowError(
        expect.objectContaining({ type: 'invalid_request_error', details: { field } }),
      );
  });

  it('warns about protected paths and the cap', async () => {
    const db = await openSqliteStorage(':memory:');
    const store = await seedStore(db);
    const { changes } = await seedDream(db, store, [
      { op: 'create', path: '/preferences/p.md', after: 'p' },
      { op: 'create', path: '/facts/f.md', after: 'f' },
    ]);
    const w = policyWarnings(
      changes,
      mergePolicy(DEFAULT_POLICY, { protected_paths: ['/preferences/**'], max_changes_per_dream: 1 }),
    );
    expect(w.map((x) => x.type)).toEqual(['over_cap', 'protected_path']);
    await db.close();
  });
});

const score = { errors_total: 3, errors_covered: 1, contradictions: 0, lost: 0 };
/** A check that passed: the policy alone decides (these tests are about the policy rules). */
const PASS: CheckReport = {
  version: 1,
  verdict: 'pass',
  probe_session_ids: ['sesn_probe'],
  input: score,
  proposed: score,
  regressions: [],
};

describe('autoApplyDream', () => {
  it('applies additions with enough support and exact-duplicate merges; holds the rest', async () => {
    const db = await openSqliteStorage(':memory:');
    const store = await seedStore(
      db,
      {
        '/facts/a.md': 'same text',
        '/facts/a-copy.md': 'same text',
        '/facts/stale.md': 'stale',
        '/facts/u.md': 'u',
      },
      { auto_apply: { exact_duplicates: true, additions_min_support: 3, deletions: false } },
    );
    const { dream, changes } = await seedDream(db, store, [
      {
        op: 'create',
        path: '/mistakes/strong.md',
        after: 'strong',
        support: { sessions: 5, agents: 2 },
        kind: 'mistake',
      },
      {
        op: 'create',
        path: '/mistakes/weak.md',
        after: 'weak',
        support: { sessions: 2, agents: 1 },
        kind: 'mistake',
      },
      { op: 'delete', path: '/facts/a-copy.md', kind: 'cleanup', reason: 'exact duplicate of /facts/a.md' },
      { op: 'delete', path: '/facts/stale.md', kind: 'cleanup', reason: 'nothing reinforces it' },
      { op: 'update', path: '/facts/u.md', after: 'u2', support: { sessions: 9, agents: 3 } },
      {
        op: 'create',
        path: '/MEMORY.md',
        after: '- index',
        kind: 'index',
        support: { sessions: 9, agents: 3 },
      },
    ]);
    const r = await autoApplyDream(db, dream.id, { gate: PASS });
    expect(r.auto.map((a) => [a.path, a.rule])).toEqual([
      ['/mistakes/strong.md', 'addition'],
      ['/facts/a-copy.md', 'exact_duplicate'],
    ]);
    expect(Object.fromEntries(r.held.map((h) => [h.path, h.why]))).toEqual({
      '/mistakes/weak.md': 'addition backed by 2 sessions (< 3)',
      '/facts/stale.md': 'deletions are held for review (auto_apply.deletions is off)',
      '/facts/u.md': 'updates are held for review',
      '/MEMORY.md': 'index rewrites are held for review',
    });
    expect(r.apply?.applied).toBe(2);
    expect(await contents(db, store.id)).toEqual({
      '/facts/a.md': 'same text',
      '/facts/stale.md': 'stale',
      '/facts/u.md': 'u',
      '/mistakes/strong.md': 'strong',
    });
    const v = (await db.listVersions(store.id, { dream_id: dream.id })).data;
    expect(v.every((x) => x.created_by.type === 'review_actor' && x.created_by.id === 'policy')).toBe(true);
    const c0 = (await db.getChange(changes[0]!.id))!;
    expect(c0).toMatchObject({
      status: 'applied',
      review: { by: 'policy', decision: 'auto', comment: expect.stringContaining('addition') },
    });
    expect((await db.getChange(changes[1]!.id))!.status).toBe('pending');
    // Running it again changes nothing.
    const again = await autoApplyDream(db, dream.id, { gate: PASS });
    expect(again.auto).toEqual([]);
    expect(again.apply).toBeNull();
    await db.close();
  });

  it('applies deletions only when the policy says so, never protected paths, nothing over the cap', async () => {
    const db = await openSqliteStorage(':memory:');
    const store = await seedStore(
      db,
      { '/facts/stale.md': 'stale', '/preferences/p.md': 'p' },
      {
        auto_apply: { exact_duplicates: true, additions_min_support: 1, deletions: true },
        protected_paths: ['/preferences/**'],
      },
    );
    const { dream } = await seedDream(db, store, [
      { op: 'delete', path: '/facts/stale.md', kind: 'cleanup' },
      { op: 'delete', path: '/preferences/p.md', kind: 'cleanup' },
      { op: 'create', path: '/preferences/new.md', after: 'n', kind: 'preference' },
    ]);
    const r = await autoApplyDream(db, dream.id, { gate: PASS });
    expect(r.auto.map((a) => [a.path, a.rule])).toEqual([['/facts/stale.md', 'deletion']]);
    expect(r.held.map((h) => h.why)).toEqual([
      'touches protected path /preferences/**',
      'touches protected path /preferences/**',
    ]);
    expect(r.warnings.filter((w) => w.type === 'protected_path')).toHaveLength(2);
    expect(await contents(db, store.id)).toEqual({ '/preferences/p.md': 'p' });

    const capped = await seedStore(
      db,
      {},
      {
        auto_apply: { exact_duplicates: false, additions_min_support: 1, deletions: false },
        max_changes_per_dream: 1,
      },
    );
    const d2 = await seedDream(db, capped, [
      { op: 'create', path: '/a.md', after: 'a' },
      { op: 'create', path: '/b.md', after: 'b' },
    ]);
    const r2 = await autoApplyDream(db, d2.dream.id, { gate: PASS });
    expect(r2.auto).toEqual([]);
    expect(r2.held[0]!.why).toMatch(/over the cap of 1/);
    expect(await contents(db, capped.id)).toEqual({});
    await db.close();
  });

  it('the do-no-harm gate: a regression holds everything; without probes only exact duplicates pass', async () => {
    const db = await openSqliteStorage(':memory:');
    const policy = { auto_apply: { exact_duplicates: true, additions_min_support: 1, deletions: true } };
    const seeded = async () => {
      const store = await seedStore(db, { '/a.md': 'same', '/b.md': 'same', '/old.md': 'old' }, policy);
      const { dream } = await seedDream(db, store, [
        { op: 'delete', path: '/b.md', kind: 'cleanup', reason: 'exact duplicate of /a.md' },
        { op: 'delete', path: '/old.md', kind: 'cleanup', reason: 'retired' },
        {
          op: 'create',
          path: '/mistakes/m.md',
          after: 'm',
          kind: 'mistake',
          support: { sessions: 4, agents: 1 },
        },
      ]);
      return { store, dream };
    };
    const regression: CheckReport = {
      ...PASS,
      verdict: 'regression',
      proposed: { ...score, errors_covered: 0 },
      regressions: [{ class: 'errors', detail: 'covered 1 → 0 of 3', paths: ['/m.md'], session_ids: [] }],
    };
    const bad = await seeded();
    const r1 = await autoApplyDream(db, bad.dream.id, { gate: regression });
    expect(r1.auto).toEqual([]);
    expect(r1.held).toHaveLength(3);
    expect(r1.held.every((h) => h.why.startsWith('the do-no-harm check found the proposal worse'))).toBe(
      true,
    );
    expect(await contents(db, bad.store.id)).toEqual({ '/a.md': 'same', '/b.md': 'same', '/old.md': 'old' });

    for (const gate of [null, { ...PASS, verdict: 'no_probes' as const, probe_session_ids: [] }]) {
      const { store, dream } = await seeded();
      const r = await autoApplyDream(db, dream.id, { gate });
      expect(r.auto.map((a) => [a.path, a.rule])).toEqual([['/b.md', 'exact_duplicate']]);
      expect(r.held.map((h) => h.path).sort()).toEqual(['/mistakes/m.md', '/old.md']);
      expect(r.held[0]!.why).toMatch(/no sessions were held back/);
      expect(await contents(db, store.id)).toEqual({ '/a.md': 'same', '/old.md': 'old' });
    }

    const good = await seeded();
    const r3 = await autoApplyDream(db, good.dream.id, { gate: PASS });
    expect(r3.auto).toHaveLength(3);
    await db.close();
  });
});
