/**
 * The rule of test/data.ts (issue 7 item 22): every test that reads ../shared/data goes through it, and
 * a missing data folder skips those tests on a bare clone but fails the run under CI=true. Checked by
 * running vitest itself, in a child process, on the data-reading test files with the data folder
 * pointed somewhere that does not exist.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const MISSING = join(ROOT, 'no-such-shared-data');

/** Every test file and test helper of the repository (relative paths). */
function testFiles(): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.test\.tsx?$/.test(e.name) || (d.startsWith(join(ROOT, 'test')) && e.name.endsWith('.ts')))
        out.push(relative(ROOT, p));
    }
  };
  walk(join(ROOT, 'src'));
  walk(join(ROOT, 'test'));
  return out.sort();
}
const readsSharedData = (f: string) =>
  /from '(\.\.\/)+(test\/)?data\.js'|from '\.\/data\.js'/.test(readFileSync(join(ROOT, f), 'utf8'));

/** Runs vitest on `files` with the shared data "missing"; returns exit status and output. */
function vitestWithoutData(files: string[], ci: boolean) {
  const env: NodeJS.ProcessEnv = { ...process.env, REVERIE_TEST_DATA: MISSING };
  delete env.CI;
  if (ci) env.CI = 'true';
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', ...files], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    timeout: 240_000,
  });
  return { code: r.status, out: r.stdout + r.stderr };
}

describe('tests that read ../shared/data (test/data.ts)', () => {
  it('all name the data through test/data.ts, never by a path of their own', () => {
    const own = testFiles().filter(
      (f) =>
        f !== 'test/data.ts' &&
        f !== 'test/data-rule.test.ts' &&
        /['"`][^'"`\n]*shared\/data/.test(readFileSync(join(ROOT, f), 'utf8')),
    );
    expect(
      own,
      'import DATA/TAU/DJANGO/CLAUDE_CODE/LOCOMO and describeWithData/itWithData from test/data.ts',
    ).toEqual([]);
    expect(testFiles().filter(readsSharedData).length).toBeGreaterThanOrEqual(15);
  });

  it('under CI=true a missing data folder fails every file that reads it, naming the folder', () => {
    const files = testFiles().filter((f) => readsSharedData(f) && f.endsWith('.test.ts'));
    const r = vitestWithoutData(files, true);
    expect(r.code, r.out).toBe(1);
    expect(r.out).toContain(`the shared data folder ${MISSING} is missing`);
    const m = /(\d+) passed, (\d+) failed, (\d+) skipped/.exec(r.out)!;
    expect(Number(m[2])).toBe(files.length);
  }, 240_000);

  it('without CI a missing data folder skips the tests that read it, says so, and the rest pass', () => {
    // The importer suites: data read in a describe body, at collection, and test by test.
    const files = [
      'src/ingest/tau-bench.test.ts',
      'src/ingest/claude-code.test.ts',
      'src/ingest/mini-swe-agent.test.ts',
      'src/ingest/detect.test.ts',
      'src/ingest/import-transcripts.test.ts',
      'src/ingest/bad-input.test.ts',
      'src/ingest/reverie-jsonl.test.ts',
      'test/service.test.ts',
    ];
    const r = vitestWithoutData(files, false);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain(`note: ${MISSING} not found: the tests of this file that read it are skipped`);
    const m = /(\d+) passed, (\d+) failed, (\d+) skipped/.exec(r.out)!;
    expect(Number(m[1])).toBeGreaterThan(10);
    expect(Number(m[2])).toBe(0);
    expect(Number(m[3])).toBeGreaterThanOrEqual(10);
  }, 240_000);
});
