import { cpSync, mkdtempSync, readFileSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliRunner } from './cli-harness.js';
import { CLAUDE_CODE, DJANGO, itWithData, TAU } from './data.js';

let dir: string;
let db: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'reverie-cli-'));
  db = join(dir, 'r.db');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = cliRunner(() => db);

/** Copies the planted memory fixture (without its README and timestamps file) with its recorded mtimes. */
function plantedMemoryDir(): string {
  const src = resolve(import.meta.dirname, 'fixtures/memory-planted');
  const dst = join(dir, 'memory-planted');
  cpSync(src, dst, {
    recursive: true,
    filter: (p) => !/README\.md$|updated-at\.json$/.test(p) || p.includes('/notes/'),
  });
  const times = JSON.parse(readFileSync(join(src, 'updated-at.json'), 'utf8')) as Record<string, string>;
  for (const [path, iso] of Object.entries(times)) {
    const t = new Date(iso);
    utimesSync(join(dst, path), t, t);
  }
  return dst;
}

describe('reverie CLI', () => {
  itWithData('one-shot dream on τ-bench prints JSON with the dream and change counts', async () => {
    const out = join(dir, 'tau-out');
    const r = await cli('dream', TAU, '--out', out, '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.dream.status).toBe('completed');
    expect(j.import).toMatchObject({ files: 1, created: 100 });
    expect(j.changes.by_kind.mistake).toBeGreaterThanOrEqual(4);
    const index = readFileSync(join(out, 'MEMORY.md'), 'utf8');
    expect(index).toMatch(/payment amount does not add up/);
    // The 6 kB policy prompt is not promoted into memories.
    expect(index).not.toMatch(/Airline Agent Policy/);

    const changes = await cli('changes', j.dream.id);
    expect(changes.code).toBe(0);
    expect(changes.out).toMatch(/\*\*Why:\*\*/);
    expect(changes.out).toMatch(/Evidence:\n- sesn_/);
    expect(changes.out).toMatch(/```diff\n--- \/dev\/null\n\+\+\+ \/mistakes\//);

    const list = await cli('dreams', 'list', '--json');
    expect(JSON.parse(list.out).data[0].id).toBe(j.dream.id);

    const mistake = JSON.parse((await cli('changes', j.dream.id, '--json')).out).data.find(
      (c: { kind: string }) => c.kind === 'mistake',
    );
    const why = await cli('why', j.output_store_id, mistake.path);
    expect(why.code).toBe(0);
    expect(why.out).toContain(`change ${mistake.id}`);
    expect(why.out).toMatch(/why: Recurring tool error/);
  });

  itWithData('finds shell failure templates and no workflow on mini-swe-agent django-100', async () => {
    const r = await cli('dream', DJANGO, '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.import.created).toBe(100);
    const changes = JSON.parse((await cli('changes', j.dream.id, '--json')).out).data as {
      kind: string;
      support: { sessions: number };
      path: string;
    }[];
    const mistakes = changes.filter((c) => c.kind === 'mistake');
    expect(mistakes.length).toBeGreaterThan(3);
    expect(mistakes.every((c) => c.support.sessions >= 2)).toBe(true);
    // no shell sequence predicts resolution there (labels: swe.generic-shell-sequences)
    expect(changes.some((c) => c.kind === 'workflow')).toBe(false);
  });

  itWithData(
    'consolidates a planted memory folder: merge, supersede and absolute dates, with reasons',
    async () => {
      const mem = plantedMemoryDir();
      const r = await cli('dream', TAU, '--memory', mem, '--json');
      expect(r.code).toBe(0);
      const j = JSON.parse(r.out);
      const changes = JSON.parse((await cli('changes', j.dream.id, '--json')).out).data as {
        op: string;
        path: string;
        reason: string;
        after: string | null;
      }[];
      const merge = changes.find((c) => c.op === 'delete' && /merged into/i.test(c.reason));
      expect(merge).toBeDefined();
      const supersede = changes.find((c) => /supersed/i.test(c.reason));
      expect(supersede).toBeDefined();
      const dated = changes.find((c) => c.path === '/notes/incident.md');
      expect(dated?.after).toMatch(/2026-03-01/);
      expect(dated?.reason).toMatch(/date/i);
    },
  );

  it('eval prints a planted-suite report with target checks', async () => {
    const r = await cli('eval', '--suite', 'planted', '--sessions', '40', '--json');
    const report = JSON.parse(r.out);
    expect(report.suite).toBe('planted');
    expect(report.input.sessions).toBe(40);
    expect(report.params.phrasings).toBe('test');
    expect(report.targets.length).toBeGreaterThan(10);
    expect(r.code).toBe(report.targets.every((t: { pass: boolean }) => t.pass) ? 0 : 1);
    expect((await cli('eval', '--suite', 'nope')).code).toBe(2);
    const train = JSON.parse((await cli('eval', '--sessions', '40', '--phrasings', 'train', '--json')).out);
    expect(train.params.phrasings).toBe('train');
  });

  it('reports usage errors with exit code 2 and failures with exit code 1', async () => {
    expect((await cli('dream', '--min-support', 'zero', TAU)).code).toBe(2);
    // A bad memory folder is refused before anything is stored.
    const sessionsBefore = JSON.parse((await cli('sessions', 'list', '--json', '--limit', '10000')).out).data
      .length;
    const badMemory = await cli('dream', CLAUDE_CODE, '--memory', join(dir, 'no-such-folder'));
    expect(badMemory.code).toBe(1);
    expect(badMemory.err).toMatch(/memory folder not found/);
    expect(JSON.parse((await cli('sessions', 'list', '--json', '--limit', '10000')).out).data.length).toBe(
      sessionsBefore,
    );
    const missing = await cli('dream', join(dir, 'nope.json'));
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/nope\.json/);
    const nf = await cli('dreams', 'show', 'drm_missing', '--json');
    expect(nf.code).toBe(1);
    expect(JSON.parse(nf.out).error.type).toBe('not_found_error');
  });
});
