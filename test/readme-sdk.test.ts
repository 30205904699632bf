/**
 * The README's SDK example (issue 9 "Done when": a five-line SDK example against reverie) is true: the
 * TypeScript block under "## The HTTP API" is read from README.md and run, unchanged but for the server
 * address, with Node against a running `reverie serve` (the built CLI), with a key from
 * `reverie keys create --json` in `REVERIE_KEY` as the example says; it must print the memory it created.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { cliRunner } from './cli-harness.js';

const ROOT = resolve(import.meta.dirname, '..');
const MAIN = join(ROOT, 'dist/src/cli/main.js');

/** The first ```ts block after the heading `## The HTTP API` in README.md. */
function readmeExample(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## The HTTP API\n'));
  const m = /```ts\n([\s\S]*?)```/.exec(section);
  if (!m) throw new Error('README.md: no ```ts block under "## The HTTP API"');
  return m[1]!;
}

let server: ChildProcess | undefined;
const dir = mkdtempSync(join(tmpdir(), 'reverie-readme-sdk-'));

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server!.once('exit', r));
    server.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('README SDK example', () => {
  it('is at most five lines of code and runs against reverie serve, listing the memory it wrote', async () => {
    const example = readmeExample();
    const lines = example.trim().split('\n');
    expect(lines.length).toBeLessThanOrEqual(5);
    expect(example).toContain("baseURL: 'http://127.0.0.1:7433'");

    const db = join(dir, 'r.db');
    const { key } = JSON.parse(
      (await cliRunner(() => db)('keys', 'create', '--name', 'my-agent', '--json')).out,
    );
    server = spawn(process.execPath, [MAIN, '--db', db, 'serve', '--port', '0', '--no-worker'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const url = await new Promise<string>((res, rej) => {
      let out = '';
      server!.stdout!.on('data', (d) => {
        out += d;
        const m = /HTTP API on (http:\/\/127\.0\.0\.1:\d+)\/v1/.exec(out);
        if (m) res(m[1]!);
      });
      server!.on('exit', (code) => rej(new Error(`reverie serve exited (${code}): ${out}`)));
    });

    const code = example.replace('http://127.0.0.1:7433', url);
    // run from the repository, so `@anthropic-ai/sdk` resolves as it would in a project that installed it
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', code], {
      cwd: ROOT,
      env: { ...process.env, REVERIE_KEY: key },
    });
    expect(stdout).toBe('/facts/fare.md\n');
  }, 60_000);
});
