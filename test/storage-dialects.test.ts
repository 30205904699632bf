/**
 * The places where SQLite and PostgreSQL differ underneath the storage port, each pinned down on every
 * dialect of test/dialects.ts: text ordering (byte order whatever the database collation), prefix
 * ranges beyond the BMP, U+0000 in text, doubles, numbers that `pg` returns as strings, parameter
 * limits of big batches, and concurrent writers (row lock, unique paths, compare-and-set).
 */
import { describe, expect, it } from 'vitest';
import { type Change, type MemoryStore, newId, sha256Hex } from '../src/domain/index.js';
import type { NewSession, Storage } from '../src/storage/index.js';
import { DIALECTS } from './dialects.js';
import { newTestDream, newTestSession, newTestStore, testActor } from './storage-fixtures.js';

const actor = testActor;
const store = newTestStore;

const dream = (storeId: string) => newTestDream(storeId);

function change(dreamId: string, ordinal: number, confidence: number, after: string): Change {
  return {
    type: 'change',
    id: newId('chg'),
    dream_id: dreamId,
    ordinal,
    op: 'create',
    path: `/c/${ordinal}.md`,
    to_path: null,
    before: null,
    after,
    base_sha256: null,
    kind: 'fact',
    reason: 'r',
    confidence,
    support: { sessions: 1, agents: 1 },
    evidence: [],
    status: 'pending',
    review: null,
    applied_at: null,
  };
}

function session(ext: string, text: string): NewSession {
  return newTestSession(
    ext,
    [
      { seq: 0, type: 'user.message', text, timestamp: null, source: { file: 'x.jsonl', line: 1 } },
      {
        seq: 1,
        type: 'agent.tool_result',
        call_id: 't1',
        tool: 'cat',
        content: `binary\u0000output\u0001${'x'.repeat(1100)}`,
        is_error: false,
        timestamp: null,
        source: { file: 'x.jsonl', line: 2 },
      },
    ],
    { metadata: { k: 'v' } },
  );
}

/** Byte (UTF-8) order, which is code-point order: what SQLite's BINARY and PostgreSQL's "C" give. */
const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function withStore(
  dialect: (typeof DIALECTS)[number],
  fn: (db: Storage, s: MemoryStore) => Promise<void>,
) {
  const db = await dialect.open();
  try {
    const s = store();
    await db.insertStore(s);
    await fn(db, s);
  } finally {
    await db.close();
  }
}

for (const dialect of DIALECTS) {
  describe(`storage dialect differences (${dialect.name})`, () => {
    it('orders paths and pages them in byte order, whatever the database collation', () =>
      withStore(dialect, async (db, s) => {
        const paths = ['/b', '/B', '/a', '/_x', '/Z', '/a/1', '/ab', '/é', '/a-b', '/a.b', '/😀', '/\uff5e'];
        for (const p of paths) await db.createMemory(s.id, p, p, { actor });
        const want = [...paths].sort(byteOrder);
        expect((await db.allMemories(s.id)).map((m) => m.path)).toEqual(want);
        const seen: string[] = [];
        let page: string | null | undefined;
        do {
          const r = await db.listMemories(s.id, { limit: 5, page });
          seen.push(...r.data.map((m) => m.path));
          page = r.next_page;
        } while (page);
        expect(seen).toEqual(want);
      }));

    it('filters a path prefix by whole segments, including names beyond the BMP', () =>
      withStore(dialect, async (db, s) => {
        const inside = ['/a/1', '/a/\uffff', '/a/😀', '/a/😀/deep', '/a/\u{10ffff}'];
        for (const p of [...inside, '/a', '/a0', '/a.md', '/ab/1', '/b/1'])
          await db.createMemory(s.id, p, p, { actor });
        const r = await db.listMemories(s.id, { path_prefix: '/a/', limit: 100 });
        expect(r.data.map((m) => m.path)).toEqual([...inside].sort(byteOrder));
        const emoji = await db.listMemories(s.id, { path_prefix: '/a/😀/', limit: 100 });
        expect(emoji.data.map((m) => m.path)).toEqual(['/a/😀/deep']);
      }));

    it('orders stores, dreams and sessions by id, and pages them', async () => {
      const db = await dialect.open();
      try {
        const stores = [store(), store(), store()];
        for (const s of stores) await db.insertStore(s);
        const listed = await db.listStores({ limit: 2 });
        const rest = await db.listStores({ limit: 2, page: listed.next_page });
        expect([...listed.data, ...rest.data].map((s) => s.id)).toEqual(
          stores
            .map((s) => s.id)
            .sort(byteOrder)
            .reverse(),
        );
        const ext = ['Zeta', 'alpha', '_under', 'Beta', 'émile'];
        await db.importSessions(ext.map((e) => session(e, 'hi')));
        const ids: string[] = [];
        let page: string | null | undefined;
        do {
          const r = await db.listSessions({ limit: 2, page });
          ids.push(...r.data.map((x) => x.id));
          page = r.next_page;
        } while (page);
        expect(ids).toEqual([...ids].sort(byteOrder));
        expect(ids).toHaveLength(ext.length);
      } finally {
        await db.close();
      }
    });

    it('stores U+0000 and U+0001 in memory content, versions, changes and session blobs', () =>
      withStore(dialect, async (db, s) => {
        const text = 'nul:\u0000 soh:\u0001 both:\u0001\u0000 escape-look-alike:\u00010 end';
        const m = await db.createMemory(s.id, '/bin.md', text, { actor });
        expect((await db.getMemory(m.id))!.content).toBe(text);
        expect((await db.getMemoryByPath(s.id, '/bin.md'))!.content_sha256).toBe(sha256Hex(text));
        const next = await db.updateMemory(
          m.id,
          { content: `${text}!`, expected_sha256: sha256Hex(text) },
          { actor },
        );
        const versions = await db.listVersions(s.id, { memory_id: m.id, ascending: true });
        expect(versions.data.map((v) => v.content)).toEqual([text, `${text}!`]);
        expect(next.content).toBe(`${text}!`);
        const d = dream(s.id);
        await db.insertDream(d);
        await db.insertChanges([change(d.id, 0, 0.5, text)]);
        expect((await db.listChanges(d.id))[0]!.after).toBe(text);
        const [r] = await db.importSessions([session('nul', `user said \u0000`)]);
        expect(await db.getEvents(r!.session_id)).toEqual(session('nul', `user said \u0000`).events);
      }));

    it('updates only the dream fields a patch names: a late progress write never undoes a completion', () =>
      withStore(dialect, async (db, s) => {
        const d = { ...dream(s.id), status: 'running' as const };
        await db.insertDream(d);
        // a fire-and-forget progress write racing the completion, in both orders
        for (const progressFirst of [true, false]) {
          await db.updateDream(d.id, { status: 'running', ended_at: null });
          const progress = () => db.updateDream(d.id, { progress: { phase: 'gather', done: 5, total: 9 } });
          const complete = () =>
            db.updateDream(d.id, { status: 'completed', ended_at: '2026-11-30T00:00:00.000Z' });
          await Promise.all(progressFirst ? [progress(), complete()] : [complete(), progress()]);
          const got = (await db.getDream(d.id))!;
          expect(got.status).toBe('completed');
          expect(got.ended_at).toBe('2026-11-30T00:00:00.000Z');
          expect(got.progress).toEqual({ phase: 'gather', done: 5, total: 9 });
        }
      }));

    it('keeps confidences as doubles and counts and sequence numbers as numbers', () =>
      withStore(dialect, async (db, s) => {
        const d = dream(s.id);
        await db.insertDream(d);
        const conf = [0.7, 0.1 + 0.2, 1 / 3, 0.123456789012345];
        await db.insertChanges(conf.map((c, i) => change(d.id, i, c, `a${i}`)));
        const got = await db.listChanges(d.id);
        expect(got.map((c) => c.confidence)).toEqual(conf);
        expect(got.map((c) => c.ordinal)).toEqual([0, 1, 2, 3]);
        for (let i = 0; i < 5; i++) await db.createMemory(s.id, `/m${i}`, 'x'.repeat(i), { actor });
        const n = await db.countMemories(s.id);
        expect(n).toBe(5);
        expect(typeof n).toBe('number');
        const all = await db.allMemories(s.id);
        expect(all.map((m) => m.content_size_bytes)).toEqual([0, 1, 2, 3, 4]);
        // Version cursors carry the sequence number: paging must walk all of them in order.
        const seen: string[] = [];
        let page: string | null | undefined;
        do {
          const r = await db.listVersions(s.id, { limit: 2, page });
          seen.push(...r.data.map((v) => v.path!));
          page = r.next_page;
        } while (page);
        expect(seen).toEqual(['/m4', '/m3', '/m2', '/m1', '/m0']);
      }));

    it('imports 2,500 sessions and 1,000 changes in one go (batches stay under parameter limits)', async () => {
      const db = await dialect.open();
      try {
        const batch = Array.from({ length: 2500 }, (_, i) => session(`bulk-${i}`, `text ${i}`));
        const r = await db.importSessions(batch);
        expect(r.filter((x) => x.status === 'created')).toHaveLength(2500);
        const again = await db.importSessions(batch);
        expect(again.every((x) => x.status === 'unchanged')).toBe(true);
        expect(await db.getSessions(r.map((x) => x.session_id))).toHaveLength(2500);
        const s = store();
        await db.insertStore(s);
        const d = dream(s.id);
        await db.insertDream(d);
        await db.insertChanges(Array.from({ length: 1000 }, (_, i) => change(d.id, i, 0.5, `after ${i}`)));
        expect(await db.listChanges(d.id)).toHaveLength(1000);
      } finally {
        await db.close();
      }
    });

    it('serializes read-then-write transactions that take the store lock first', () =>
      withStore(dialect, async (db, s) => {
        // Each writer counts the memories, waits, then writes /n<count>: without a real lock both would
        // read 0 and the second create would conflict.
        const writer = () =>
          db.transaction(async (tx) => {
            expect(await tx.lockStore(s.id)).toBe(true);
            const n = await tx.countMemories(s.id);
            await sleep(100);
            await tx.createMemory(s.id, `/n${n}`, 'x', { actor });
            return n;
          });
        const got = await Promise.all([writer(), writer(), writer()]);
        expect([...got].sort()).toEqual([0, 1, 2]);
        expect((await db.allMemories(s.id)).map((m) => m.path)).toEqual(['/n0', '/n1', '/n2']);
      }));

    it('reports concurrent writers of one memory as conflicts, never as lost updates', () =>
      withStore(dialect, async (db, s) => {
        // Two creates of one path: one wins, the other is a path conflict (not a constraint error).
        const creates = await Promise.allSettled(
          ['one', 'two'].map((c) =>
            db.transaction(async (tx) => {
              await sleep(10);
              const m = await tx.createMemory(s.id, '/same.md', c, { actor });
              await sleep(100);
              return m;
            }),
          ),
        );
        expect(creates.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const lost = creates.find((r) => r.status === 'rejected') as PromiseRejectedResult;
        expect(lost.reason).toMatchObject({ type: 'memory_path_conflict_error' });
        // Two updates from the same base: one wins, the other fails its precondition.
        const m = (await db.getMemoryByPath(s.id, '/same.md'))!;
        const updates = await Promise.allSettled(
          ['A', 'B'].map((c) =>
            db.transaction(async (tx) => {
              const r = await tx.updateMemory(
                m.id,
                { content: c, expected_sha256: m.content_sha256 },
                { actor },
              );
              await sleep(100);
              return r;
            }),
          ),
        );
        expect(updates.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        expect((updates.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject({
          type: 'memory_precondition_failed_error',
        });
        const versions = await db.listVersions(s.id, { memory_id: m.id });
        expect(versions.data.map((v) => v.operation)).toEqual(['modified', 'created']);
        const head = (await db.getMemory(m.id))!;
        expect(head.memory_version_id).toBe(versions.data[0]!.id);
        expect(head.content).toBe(versions.data[0]!.content);
      }));
  });
}
