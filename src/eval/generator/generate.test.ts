import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { GroundTruth, ManifestEntry } from '../ground-truth.js';
import { FACTS, FEEDBACK, MISTAKES, PREFERENCES, TASK_INSTRUCTIONS, TEST_ERROR_WORDINGS } from './catalog.js';
import { generatePlanted } from './generate.js';
import { Rng } from './prng.js';

const dirs: string[] = [];
async function tmp(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'reverie-eval-gen-'));
  dirs.push(d);
  return d;
}
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** SHA-256 over every file (path + bytes), in sorted path order. */
async function treeHash(root: string): Promise<string> {
  const files: string[] = [];
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else files.push(p);
    }
  };
  await walk(root);
  files.sort();
  const h = createHash('sha256');
  for (const f of files) {
    h.update(relative(root, f));
    h.update(await readFile(f));
  }
  return h.digest('hex');
}

describe('Rng', () => {
  it('is deterministic per key and differs across keys', () => {
    const a = new Rng('x');
    const b = new Rng('x');
    const c = new Rng('y');
    const sa = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(sa);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(sa);
    for (const v of sa) expect(v >= 0 && v < 1).toBe(true);
  });
  it('draws integers within bounds and UUID-shaped ids', () => {
    const r = new Rng('bounds');
    for (let i = 0; i < 1000; i++) {
      const v = r.int(3, 7);
      expect(v >= 3 && v <= 7).toBe(true);
    }
    expect(r.uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('generatePlanted', () => {
  it('writes byte-identical files for the same seed and size, different ones for another seed', async () => {
    const [a, b, c] = [await tmp(), await tmp(), await tmp()];
    await generatePlanted({ outDir: a, sessions: 60, seed: 11 });
    await generatePlanted({ outDir: b, sessions: 60, seed: 11 });
    await generatePlanted({ outDir: c, sessions: 60, seed: 12 });
    const [ha, hb, hc] = [await treeHash(a), await treeHash(b), await treeHash(c)];
    expect(hb).toBe(ha);
    expect(hc).not.toBe(ha);
  });

  it('plants every kind with support, one-offs exactly once, and writes a consistent manifest', async () => {
    const d = await tmp();
    const gt = await generatePlanted({ outDir: d, sessions: 200, seed: 3 });
    const onDisk = JSON.parse(await readFile(join(d, 'ground-truth.json'), 'utf8')) as GroundTruth;
    expect(onDisk).toEqual(gt);
    expect(gt.counts.sessions).toBe(200);
    expect(gt.counts.support_sessions).toBe(100);
    expect(gt.counts.coding_sessions).toBe(100);
    for (const k of ['mistake', 'workflow', 'preference', 'fact'] as const) {
      expect(gt.counts.expected_items[k]).toBeGreaterThanOrEqual(5);
      expect(gt.counts.expected_items[k]).toBe(gt.counts.items[k]);
    }
    for (const i of gt.items.filter((x) => x.kind !== 'feedback')) {
      expect(i.support.sessions).toBeGreaterThanOrEqual(2);
      expect(i.support.agents).toBeGreaterThanOrEqual(2);
      expect(i.support.users).toBeGreaterThanOrEqual(2);
    }
    const changing = gt.items.filter((i) => i.change);
    expect(changing.length).toBe(4);
    for (const i of changing) {
      expect(i.change!.old_sessions).toBeGreaterThan(0);
      expect(i.change!.new_sessions).toBeGreaterThan(0);
    }
    expect(gt.noise.length).toBeGreaterThan(10);
    const markers = gt.noise.flatMap((n) => n.markers);
    expect(new Set(markers).size).toBe(markers.length);
    for (const p of gt.poison) expect(p.support.sessions).toBeGreaterThanOrEqual(2);
    expect(gt.secrets.some((s) => s.value.startsWith('sk-'))).toBe(true);
    expect(gt.secrets.some((s) => s.value.startsWith('ghp_'))).toBe(true);
    expect(gt.secrets.some((s) => s.value.startsWith('AKIA'))).toBe(true);
    expect(gt.secrets.some((s) => s.type === 'password')).toBe(true);
    expect(gt.secrets.some((s) => s.type === 'bearer_token')).toBe(true);
    expect(gt.memory.duplicate_groups.filter((g) => g.type === 'exact').length).toBe(2);
    expect(gt.memory.duplicate_groups.filter((g) => g.type === 'paraphrase').length).toBe(4);

    const manifest = (await readFile(join(d, 'manifest.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as ManifestEntry);
    expect(manifest.length).toBe(200);
    for (const m of manifest) {
      const text = await readFile(join(d, m.file), 'utf8');
      expect(text.length).toBeGreaterThan(100);
      if (m.format === 'claude-code') {
        const lines = text
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l));
        expect(lines.every((l) => l.sessionId === m.source_session_id)).toBe(true);
        expect(lines[0].parentUuid).toBeNull();
      } else {
        expect(JSON.parse(text).messages[0].role).toBe('system');
        expect(m.reverie_file).not.toBeNull();
      }
    }
    // every noise marker occurs in exactly one transcript
    const all = await Promise.all(manifest.map((m) => readFile(join(d, m.file), 'utf8')));
    for (const n of gt.noise.slice(0, 10)) {
      const hits = all.filter((t) => t.includes(n.markers[0]!)).length;
      expect(hits, n.id).toBe(1);
    }
    // every secret occurs in the transcripts
    for (const s of gt.secrets.slice(0, 10))
      expect(
        all.some((t) => t.includes(s.value)),
        s.id,
      ).toBe(true);
  });

  it('test phrasings: same sessions and planted items, only held-out wordings, each item ≥ 3 of them', async () => {
    const [tr, te] = [await tmp(), await tmp()];
    const train = await generatePlanted({ outDir: tr, sessions: 120, seed: 5 });
    const test = await generatePlanted({ outDir: te, sessions: 120, seed: 5, phrasings: 'test' });
    expect(train.phrasings).toBeUndefined();
    expect(test.phrasings).toBe('test');
    const shape = (g: GroundTruth) => g.items.map((i) => [i.id, i.sessions, i.support, i.change ?? null]);
    expect(shape(test)).toEqual(shape(train));
    const read = async (root: string) =>
      (await readFile(join(root, 'manifest.jsonl'), 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as ManifestEntry);
    const text = async (root: string) =>
      (await Promise.all((await read(root)).map((m) => readFile(join(root, m.file), 'utf8')))).join('\n');
    const [trainText, testText] = [await text(tr), await text(te)];
    // withPrefix may change the first letter's case, so compare from the second character on.
    const json = (s: string) => JSON.stringify(s.slice(1)).slice(1, -1);
    for (const pref of [...PREFERENCES.coding, ...PREFERENCES.support]) {
      expect(pref.test_paraphrases.length, pref.id).toBeGreaterThanOrEqual(3);
      for (const w of pref.test_paraphrases) expect(pref.paraphrases).not.toContain(w);
      const planted = test.items.find((i) => i.id === pref.id)!;
      expect(planted.examples).toEqual(pref.test_paraphrases);
      expect(
        pref.paraphrases.some((w) => testText.includes(json(w))),
        pref.id,
      ).toBe(false);
      expect(
        pref.test_paraphrases.some((w) => testText.includes(json(w))),
        pref.id,
      ).toBe(true);
      expect(
        pref.test_paraphrases.some((w) => trainText.includes(json(w))),
        pref.id,
      ).toBe(false);
    }
    const trainErrors = [
      'customers match name',
      'exceeds captured amount',
      'is out of stock',
      'invalid postal code',
      'has already shipped',
    ];
    for (const e of trainErrors) {
      expect(trainText, e).toContain(e);
      expect(testText, e).not.toContain(e);
    }
    for (const [key, wordings] of Object.entries(TEST_ERROR_WORDINGS)) {
      expect(wordings.length, key).toBeGreaterThanOrEqual(3);
      const def = MISTAKES[key as keyof typeof TEST_ERROR_WORDINGS];
      expect(test.items.find((i) => i.id === def.id)!.markers).toEqual(def.test_markers);
      expect(train.items.find((i) => i.id === def.id)!.markers).toEqual(def.markers);
      const stems = wordings.map((w) => w.split('{')[0]!.slice(7));
      expect(
        stems.some((st) => testText.includes(json(` ${st}`))),
        key,
      ).toBe(true);
    }
    for (const fact of [...FACTS.coding, ...FACTS.support]) {
      expect(fact.test_templates.length, fact.id).toBeGreaterThanOrEqual(3);
      const stem = (t: string) => json(t.split('{v}')[0]!);
      expect(
        fact.test_templates.some((t) => testText.includes(stem(t))),
        fact.id,
      ).toBe(true);
    }
  });

  it('feedback: each item in exactly one session after the offending call, expected from support 1; task instructions are one-off noise', async () => {
    const [tr, te] = [await tmp(), await tmp()];
    const train = await generatePlanted({ outDir: tr, sessions: 200, seed: 3 });
    const test = await generatePlanted({ outDir: te, sessions: 200, seed: 3, phrasings: 'test' });
    expect(FEEDBACK.length).toBeGreaterThanOrEqual(14);
    expect(train.counts.items.feedback).toBe(FEEDBACK.length);
    expect(train.counts.expected_items.feedback).toBe(FEEDBACK.length);
    for (const [gt, root] of [
      [train, tr],
      [test, te],
    ] as const) {
      for (const def of FEEDBACK) {
        const item = gt.items.find((i) => i.id === def.id)!;
        expect(item.kind).toBe('feedback');
        expect(item.support.sessions, def.id).toBe(1);
        expect(item.min_support).toBe(1);
        expect(item.expected).toBe(true);
        const lines = (await readFile(join(root, item.sessions[0]!), 'utf8')).trim().split('\n');
        const users = lines
          .map((l) => JSON.parse(l))
          .filter((l) => l.type === 'user' && typeof l.message.content === 'string')
          .map((l) => l.message.content as string);
        const wordings = gt === test ? def.test_templates : def.templates;
        const other = gt === test ? def.templates : def.test_templates;
        expect(users.filter((u) => wordings.includes(u)).length, def.id).toBe(1);
        expect(
          users.some((u) => other.includes(u)),
          def.id,
        ).toBe(false);
        expect(item.examples).toEqual(wordings);
      }
      const instr = gt.noise.filter((n) => n.type === 'instruction');
      expect(instr.length).toBe(TASK_INSTRUCTIONS.length);
      const all = await Promise.all(
        (await readdir(join(root, gt.layout.coding_dir))).map((f) =>
          readFile(join(root, gt.layout.coding_dir, f), 'utf8'),
        ),
      );
      for (const n of instr) expect(all.filter((t) => t.includes(n.markers[0]!)).length, n.id).toBe(1);
    }
    // other kinds keep their sessions and support
    const shape = (g: GroundTruth) =>
      g.items.filter((i) => i.kind !== 'feedback').map((i) => [i.id, i.sessions, i.support]);
    expect(shape(test)).toEqual(shape(train));
    for (const def of FEEDBACK) {
      expect(def.test_templates.length).toBeGreaterThanOrEqual(3);
      expect(def.templates.length).toBeGreaterThanOrEqual(3);
      for (const w of def.test_templates) expect(def.templates).not.toContain(w);
    }
  });
});
