/**
 * The shared real-data sets (`../shared/data` beside the repository; read in place, never copied into
 * it) and the one rule every test that reads them follows:
 * - data present: the tests run;
 * - data missing, `CI` unset (a bare clone): they are skipped, and each file says so on stderr;
 * - data missing under `CI=true`: importing this module throws, so every test file that reads the data
 *   fails, naming the folder (CI must never pass by skipping them).
 * `REVERIE_TEST_DATA` points at another data folder (the suite's own test of this rule uses it).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'vitest';

/** Root of the shared data folder. */
export const DATA = resolve(
  process.env.REVERIE_TEST_DATA ?? resolve(import.meta.dirname, '../../shared/data'),
);
/** The 100 τ-bench airline sessions (trials 0 and 1 of 50 tasks). */
export const TAU = resolve(DATA, 'tau-bench/airline-gpt-4o.trials-0-1.json');
/** 100 mini-swe-agent django sessions with report.json outcomes. */
export const DJANGO = resolve(DATA, 'mini-swe-agent/django-100');
/** Two Claude Code sessions with six subagents. */
export const CLAUDE_CODE = resolve(DATA, 'claude-code');
/** One LoCoMo conversation (conv-26). */
export const LOCOMO = resolve(DATA, 'locomo/conv-26.json');
/** True when the shared data is present (it is in CI). */
export const HAVE_DATA = existsSync(TAU);

if (!HAVE_DATA) {
  if (process.env.CI && process.env.CI !== 'false')
    throw new Error(
      `the shared data folder ${DATA} is missing (looked for ${TAU}); under CI=true the tests that read it must run, not skip`,
    );
  process.stderr.write(`note: ${DATA} not found: the tests of this file that read it are skipped\n`);
}

/**
 * `describe` for a suite that reads the shared data: a normal suite when the data is present; else a
 * skipped suite whose factory is never run (so it may load data while collecting).
 */
export function describeWithData(name: string, factory: () => void | Promise<void>): void {
  if (HAVE_DATA) describe(name, factory);
  else describe.skip(name, () => it(`needs ${DATA}`, () => {}));
}

/** `it` for one test that reads the shared data: skipped when the data is missing. */
export const itWithData = it.skipIf(!HAVE_DATA);

/** Runs `load` only when the shared data is present, else returns `fallback` (for module-level reads). */
export function withData<T>(load: () => T, fallback: T): T {
  return HAVE_DATA ? load() : fallback;
}
