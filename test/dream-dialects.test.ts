/**
 * The whole service over each storage dialect on real data: the τ-bench airline sessions imported, a
 * memory folder loaded, dreamed and written out. Every dialect must produce byte-identical output to
 * SQLite's (the folder, `.reverie/changes.json` and `CHANGES.md`), and the stored change set must read
 * back the same.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { sha256Hex } from '../src/domain/index.js';
import { oneShotDream, Reverie } from '../src/service/index.js';
import { describeWithData, TAU } from './data.js';
import { DIALECTS } from './dialects.js';

const dir = mkdtempSync(join(tmpdir(), 'reverie-dialects-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every file under `root` (relative path → content hash), hidden files included. */
function treeHash(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(root, p)] = sha256Hex(readFileSync(p));
    }
  };
  walk(root);
  return out;
}

/** The change set without run-specific ids and times. */
function portable(changes: Awaited<ReturnType<Reverie['listChanges']>>) {
  return changes.map(({ id: _id, dream_id: _d, ...c }) => c);
}

const mem = join(dir, 'memory');
mkdirSync(join(mem, 'notes'), { recursive: true });
writeFileSync(join(mem, 'MEMORY.md'), '- [Refunds](notes/refunds.md) — how refunds work\n');
writeFileSync(join(mem, 'notes/refunds.md'), 'Refunds go back to the original payment method.\n');

const results = new Map<string, { tree: Record<string, string>; changes: unknown }>();

describeWithData('one-shot dream on τ-bench, per storage dialect', () => {
  for (const dialect of DIALECTS) {
    it(`${dialect.name}: dreams, and the output is byte-identical to SQLite's`, async () => {
      const svc = new Reverie({ storage: await dialect.open() });
      try {
        const out = join(dir, `out-${dialect.name}`);
        const r = await oneShotDream(svc, { transcripts: [TAU], memoryDir: mem, outDir: out });
        expect(r.dream.status).toBe('completed');
        expect(r.import.session_ids.length).toBe(100);
        const changes = portable(await svc.listChanges(r.dream.id));
        expect(changes.length).toBeGreaterThan(0);
        const tree = treeHash(out);
        expect(Object.keys(tree)).toContain('.reverie/changes.json');
        results.set(dialect.name, { tree, changes });
        const base = results.get('sqlite');
        expect(base, 'the SQLite run comes first').toBeDefined();
        expect(tree).toEqual(base!.tree);
        expect(changes).toEqual(base!.changes);
      } finally {
        await svc.close();
      }
    });
  }
});
