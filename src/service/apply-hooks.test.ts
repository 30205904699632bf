/**
 * Apply hooks come from the caller only (issue 7 item 23): production code reads no test hook from the
 * environment; the pause of the kill-during-apply test is injected by its harness (test/e2e/apply-child.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { seedDream, seedStore } from '../../test/e2e/fixtures.js';
import { openSqliteStorage } from '../storage/index.js';
import { storageOf } from './internal.js';
import { Reverie } from './reverie.js';
import { ReviewService } from './review-service.js';

let svc: Reverie;
let dreamId: string;
const saved = { ...process.env };
beforeEach(async () => {
  svc = new Reverie({ storage: await openSqliteStorage(':memory:') });
  const store = await seedStore(storageOf(svc), { '/a.md': 'a\n', '/b.md': 'b\n' });
  const { dream } = await seedDream(storageOf(svc), store, [
    { op: 'update', path: '/a.md', after: 'a2\n' },
    { op: 'update', path: '/b.md', after: 'b2\n' },
  ]);
  dreamId = dream.id;
});
afterEach(async () => {
  process.env = { ...saved };
  vi.restoreAllMocks();
  await svc.close();
});

describe('apply hooks', () => {
  it('an apply never pauses because of an environment variable', async () => {
    process.env.REVERIE_TEST_APPLY_PAUSE_AFTER = '1';
    process.env.REVERIE_TEST_APPLY_PAUSE_MS = '1';
    const stderr = vi.spyOn(process.stderr, 'write');
    const review = new ReviewService(svc);
    await review.decideMany(dreamId, { decision: 'approve', by: 'ana' }, { all: true });
    const r = await review.apply(dreamId, { by: 'ana' });
    expect(r).toMatchObject({ applied: 2, conflicts: 0, errors: 0 });
    expect(stderr.mock.calls.map((c) => String(c[0])).join('')).not.toMatch(/apply paused/);
  });

  it('hooks the caller passes run inside the apply, after each write', async () => {
    const seen: string[] = [];
    const review = new ReviewService(svc, {
      applyHooks: { afterWrite: (n, c) => void seen.push(`${n}:${c.path}`) },
    });
    await review.decideMany(dreamId, { decision: 'approve', by: 'ana' }, { all: true });
    await review.apply(dreamId, { by: 'ana' });
    expect(seen).toEqual(['1:/a.md', '2:/b.md']);
  });

  it('no production source reads a REVERIE_TEST_ variable', () => {
    const root = resolve(import.meta.dirname, '../..');
    const hits: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (
          /\.tsx?$/.test(e.name) &&
          !/\.test\.tsx?$/.test(e.name) &&
          /REVERIE_TEST_/.test(readFileSync(p, 'utf8'))
        )
          hits.push(relative(root, p));
      }
    };
    for (const d of ['src', 'bench', 'bin']) walk(join(root, d));
    expect(hits).toEqual([]);
  });
});
