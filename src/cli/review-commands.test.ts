import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliJson, cliRunner } from '../../test/cli-harness.js';
import { describeWithData, TAU } from '../../test/data.js';

let dir: string;
let db: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'reverie-review-cli-'));
  db = join(dir, 'r.db');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = cliRunner(() => db);
const json = cliJson(cli);

describeWithData('review commands (τ-bench airline)', () => {
  it('review → approve/edit/reject → apply → log → rollback, with human output and exit codes', async () => {
    const store = await json('store', 'create', 'airline');
    const d = await json('dream', '--store', store.id, TAU);
    const dreamId = d.dream.id as string;

    const review = await cli('review', dreamId);
    expect(review.code).toBe(0);
    expect(review.out).toMatch(/\d+ changes: \d+ pending/);
    expect(review.out).toMatch(/chg_\S+\s+pending\s+mistake\s+create\s+\/mistakes\//);

    const set = await json('review', dreamId);
    const mistakes = set.changes.filter((c: { kind: string }) => c.kind === 'mistake');
    const index = set.changes.find((c: { path: string }) => c.path === '/MEMORY.md');

    const bulk = await cli('approve', dreamId, '--kind', 'mistake', '--by', 'ana', '--comment', 'recurring');
    expect(bulk.code).toBe(0);
    expect(bulk.out).toMatch(
      new RegExp(`approve: ${mistakes.length} of ${mistakes.length} selected changes`),
    );
    const rej = await cli('reject', mistakes[0].id, '--by', 'ana');
    expect(rej.out).toMatch(/✓ chg_\S+ rejected/);
    const file = join(dir, 'mine.md');
    writeFileSync(file, '# Mine\n');
    const edit = await cli('edit', mistakes[1].id, '--file', file, '--by', 'bo');
    expect(edit.out).toMatch(/edited: \/mistakes\/.*\(7 bytes; the proposal is kept\)/);
    await cli('approve', index.id, '--by', 'ana');

    const applied = await cli('apply', dreamId, '--by', 'carla');
    expect(applied.code).toBe(0);
    expect(applied.out).toMatch(
      new RegExp(
        `Applied ${mistakes.length} changes of ${dreamId} to ${store.id} \\(0 conflicts, 0 errors, \\d+ skipped\\)`,
      ),
    );
    expect(applied.out).toMatch(/✓ create \/MEMORY\.md {2}→ memver_/);
    expect(applied.out).toMatch(/warning: \/MEMORY\.md links to/);
    const again = await json('apply', dreamId, '--by', 'carla');
    expect(again.applied).toBe(0);

    const log = await cli('log', store.id, mistakes[1].path);
    expect(log.out).toMatch(/created\s+\/mistakes\/\S+ {2}— review by carla/);
    expect(log.out).toMatch(/edited by bo/);
    expect(log.out).toMatch(/- sesn_\S+ \(Task/);

    const refused = await cli('reject', mistakes[1].id, '--by', 'ana');
    expect(refused.code).toBe(1);
    expect(refused.out).toMatch(/decisions on applied changes are refused/);

    const dry = await cli('rollback', store.id, '--before-dream', dreamId, '--dry-run');
    expect(dry.out).toMatch(/Would roll back store .* to before dream/);
    expect((await json('store', 'show', store.id)).memories.length).toBe(mistakes.length);
    const rb = await cli('rollback', store.id, '--before-dream', dreamId, '--by', 'ops');
    expect(rb.code).toBe(0);
    expect(rb.out).toMatch(/\d+ new versions written/);
    expect((await json('store', 'show', store.id)).memories).toEqual([]);
  });

  it('policy and dream --apply auto: applies what the policy allows, holds the rest', async () => {
    const store = await json('store', 'create', 'airline auto');
    const p = await cli(
      'policy',
      store.id,
      '--auto-additions',
      '4',
      '--protect',
      '/preferences/**',
      '--max-changes',
      'off',
    );
    expect(p.code).toBe(0);
    expect(p.out).toMatch(/auto-apply additions: +support ≥ 4 sessions/);
    expect(p.out).toMatch(/protected paths: +\/preferences\/\*\*/);
    const bad = await cli('policy', store.id, '--unprotect', '/nope/**');
    expect(bad.code).toBe(1);
    expect((await cli('policy', store.id, '--auto-additions', '0')).code).toBe(2);

    const r = await cli('dream', '--store', store.id, TAU, '--apply', 'auto');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/Policy of store \S+: \d+ changes? applied automatically, \d+ held for review/);
    expect(r.out).toMatch(/held: addition backed by [23] sessions \(< 4\)/);
    const j = await json(
      'dream',
      '--store',
      store.id,
      '--session',
      'sesn_does_not_matter',
      '--apply',
      'auto',
    ).catch(() => null);
    expect(j).toBeNull();
    const oneShot = await cli('dream', TAU, '--apply', 'auto');
    expect(oneShot.code).toBe(1);
    expect(oneShot.err).toMatch(/--apply needs --store/);
  });

  it('clear errors for bad input', async () => {
    const store = await json('store', 'create', 'x');
    const r1 = await cli('rollback', store.id);
    expect(r1.code).toBe(1);
    expect(r1.err).toMatch(/give exactly one point to roll back to/);
    const r2 = await cli('approve', 'drm_NOPE', '--all');
    expect(r2.err).toMatch(/dream not found: drm_NOPE/);
    const r3 = await cli('edit', 'chg_X');
    expect(r3.err).toMatch(/exactly one of --file or --content/);
    const r4 = await cli('log', store.id, 'not-a-path');
    expect(r4.err).toMatch(/path must start with "\/"/);
  });
});

describe('serve', () => {
  it('refuses a non-loopback --host without --insecure-no-auth (issue 7 item 11), before listening', async () => {
    const r = await cli('serve', '--host', '0.0.0.0', '--port', '0');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/refusing to listen on 0\.0\.0\.0 without authentication/);
    expect(r.err).toContain('--require-login');
    expect(r.err).toContain('--insecure-no-auth');
    expect(r.out).toBe('');
  });
});
