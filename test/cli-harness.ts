/** Runs the `reverie` CLI in-process with captured output, for tests. */

import { expect } from 'vitest';
import type { CliIO } from '../src/cli/output.js';
import { runCli } from '../src/cli/program.js';

/** What one CLI run returned: exit code and everything written to stdout and stderr. */
export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/**
 * Returns a runner for `reverie --db <db()> ARGS…` (the database is read at each call, so it can be set
 * in a `beforeAll`).
 */
export function cliRunner(db: () => string): (...args: string[]) => Promise<CliRun> {
  return async (...args) => {
    let out = '';
    let err = '';
    const io: CliIO = { out: (t) => (out += t), err: (t) => (err += t), isTTY: false };
    const code = await runCli(['--db', db(), ...args], io);
    return { code, out, err };
  };
}

/**
 * Returns a runner for `reverie … ARGS… --json` over `cli` that expects exit code 0 (the assertion names
 * stderr and stdout) and returns the parsed JSON output.
 */
export function cliJson(
  cli: (...args: string[]) => Promise<CliRun>,
  // biome-ignore lint/suspicious/noExplicitAny: CLI JSON output is checked field by field in tests
): (...args: string[]) => Promise<any> {
  return async (...args) => {
    const r = await cli(...args, '--json');
    expect(r.code, `reverie ${args.join(' ')}: ${r.err}${r.out}`).toBe(0);
    return JSON.parse(r.out);
  };
}
