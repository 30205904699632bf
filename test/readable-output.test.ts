/**
 * Readable output (issue 8 scope 4) through the CLI and the engine, on the real τ-bench sessions:
 * counts read "1 session", not "1 sessions"; the change set is ordered by expected value
 * (confidence × supporting sessions), the index last.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createOfflineEngine } from '../src/dream/index.js';
import { expectedValue } from '../src/dream/offline/verify.js';
import { importAll, refsFromImported } from '../src/dream/test-helpers.js';
import { DEFAULT_DREAM_OPTIONS } from '../src/dream/types.js';
import { cliRunner } from './cli-harness.js';
import { describeWithData, TAU } from './data.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'reverie-readable-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeWithData('readable output on τ-bench', () => {
  it('one session, one file: "1 session", "1 file", in the CLI and in CHANGES.md', async () => {
    const one = join(dir, 'one.json');
    writeFileSync(one, JSON.stringify((JSON.parse(readFileSync(TAU, 'utf8')) as unknown[]).slice(0, 1)));
    const cli = cliRunner(() => join(dir, 'one.db'));
    const r = await cli('dream', one, '--out', join(dir, 'out'));
    expect(r.err).toBe('');
    expect(r.out).toMatch(/^Imported 1 session from 1 of 1 file \(/m);
    expect(r.out).toMatch(/ over 1 session$/m);
    expect(r.out).not.toMatch(/\b1 (sessions|files|changes)\b/);
    expect(readFileSync(join(dir, 'out/.reverie/CHANGES.md'), 'utf8')).toMatch(
      /^# Change set of the dream over 1 session$/m,
    );
  });

  it('the change set is ordered by confidence × support, the index last', async () => {
    const r = await createOfflineEngine().run({
      memories: [],
      sessions: refsFromImported(await importAll([TAU])),
      options: DEFAULT_DREAM_OPTIONS,
    });
    const values = r.changes.filter((c) => c.kind !== 'index').map(expectedValue);
    expect(values.length).toBeGreaterThan(3);
    expect(values).toEqual([...values].sort((a, b) => b - a));
    // the workspace's own order (by kind, then path) is not this one here
    const byPath = r.changes.filter((c) => c.kind !== 'index').map((c) => c.path);
    expect(byPath).not.toEqual([...byPath].sort());
    expect(r.changes.at(-1)!.kind).toBe('index');
  });
});
