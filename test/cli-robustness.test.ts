/** The CLI against hostile or broken input (issue 7, items 12–18), on real transcripts from ../shared/data. */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTranscriptFile, toReverieJsonl } from '../src/ingest/index.js';
import { cliRunner } from './cli-harness.js';
import { CLAUDE_CODE, DJANGO, TAU } from './data.js';

let dir: string;
let db: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'reverie-cli-robust-'));
  db = join(dir, 'r.db');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = cliRunner(() => db);
const CC_FILE = join(CLAUDE_CODE, '4b2030ed-5563-49ea-b703-6a002f2d3cc8.jsonl');

/** A copy of the real Claude Code transcript with the byte 0xFF planted in a string on line 4. */
function badUtf8Copy(name: string): string {
  const lines = readFileSync(CC_FILE).toString('latin1').split('\n');
  lines[3] = lines[3]!.replace('"type":"', '"type":"\xff');
  const file = join(dir, name);
  writeFileSync(file, Buffer.from(lines.join('\n'), 'latin1'));
  return file;
}

describe('item 12: FIFOs', () => {
  it('sessions import of a FIFO fails that file by path and imports the rest', async () => {
    const fifo = join(dir, 'pipe.jsonl');
    execFileSync('mkfifo', [fifo]);
    const r = await cli('sessions', 'import', fifo, CC_FILE);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`✗ ${fifo}: not a regular file (a FIFO); only regular files are read`);
    expect(r.out).toMatch(/^1 new, 0 updated, 0 unchanged sessions from 2 files \(1 failed\)/);
  });
});

describe('item 13: invalid UTF-8', () => {
  it('warns by default with file and line, on stderr and in --json', async () => {
    const file = badUtf8Copy('warn.jsonl');
    const human = await cli('sessions', 'import', file);
    expect(human.code).toBe(0);
    expect(human.err).toContain(`! ${file}:4: invalid UTF-8 on line 4; imported with U+FFFD`);
    const json = JSON.parse((await cli('sessions', 'import', file, '--json')).out);
    expect(json.files[0].warnings).toMatchObject([{ type: 'invalid_utf8', file, line: 4, count: 1 }]);
    const dream = await cli('dream', file, TAU, '--json');
    expect(dream.code).toBe(0);
    expect(JSON.parse(dream.out).warnings).toMatchObject([{ type: 'invalid_utf8', file, line: 4 }]);
  });

  it('--invalid-utf8 error refuses the file and exits 1', async () => {
    const file = badUtf8Copy('refuse.jsonl');
    const r = await cli('sessions', 'import', '--invalid-utf8', 'error', file);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`✗ ${file}:4: invalid UTF-8 (1 line); refused by --invalid-utf8 error`);
    expect((await cli('sessions', 'import', '--invalid-utf8', 'maybe', file)).code).toBe(2);
  });
});

describe('item 14: deep nesting', () => {
  it('a 100k-deep value fails its file with file:line (no internal error) and the others import', async () => {
    const lines = readFileSync(CC_FILE, 'utf8').split('\n');
    const i = lines.findIndex((l) => l.includes('"type":"tool_use"'));
    const depth = 100_000;
    lines[i] = lines[i]!.replace('"input":{', `"input":{"deep":${'['.repeat(depth)}${']'.repeat(depth)},`);
    const file = join(dir, 'deep.jsonl');
    writeFileSync(file, lines.join('\n'));
    const r = await cli('sessions', 'import', file, TAU, '--json');
    expect(r.code).toBe(1);
    const rep = JSON.parse(r.out);
    expect(rep.files[0]).toEqual({
      file,
      status: 'failed',
      error: {
        type: 'import_error',
        message: `${file}:${i + 1}: arrays/objects nested deeper than 256 levels in event 2 (agent.tool_use); reverie refuses such input`,
      },
    });
    expect(rep.totals).toMatchObject({ files: 2, failed_files: 1 });
    expect(rep.files[1].sessions).toHaveLength(100);
  });
});

/**
 * The built CLI, run as a real process (`./dev` and `./dev test` rebuild dist/ from the sources first;
 * the sources themselves cannot run under type stripping because of the UI's .tsx files).
 */
const ROOT = join(import.meta.dirname, '..');
const CLI_ARGS = [join(ROOT, 'dist/src/cli/main.js')];

/**
 * Runs `reverie ARGS…` as a real process whose stdout reader is gone from the start (as with
 * `reverie … | head` once head has exited); resolves with its exit status and stderr.
 */
function runWithClosedStdout(args: string[]): Promise<{ code: number | null; err: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [...CLI_ARGS, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, err }));
  });
}

describe('item 15: a closed stdout', () => {
  it('`reverie … | head` exits quietly: no EPIPE stack trace, the command’s own status', async () => {
    expect((await cli('sessions', 'import', TAU)).code).toBe(0);
    const list = await runWithClosedStdout(['--db', db, 'sessions', 'list', '--json']);
    expect(list.err).toBe('');
    expect(list.code).toBe(0);
    const human = await runWithClosedStdout(['--db', db, 'sessions', 'list']);
    expect(human).toEqual({ code: 0, err: '' });
  });
});

describe('item 16: long values and terminal escapes in human output', () => {
  it('a title carrying escape sequences is printed escaped in sessions list and show', async () => {
    const text = readFileSync(CC_FILE, 'utf8').replace(
      '"content":"spawn a subagent',
      '"content":"\\u001b]0;pwned\\u0007\\u001b[2Jspawn a subagent',
    );
    const file = join(dir, 'title-escapes.jsonl');
    writeFileSync(
      file,
      text.replaceAll('4b2030ed-5563-49ea-b703-6a002f2d3cc8', '4b2030ed-0000-49ea-b703-6a002f2d3cc8'),
    );
    const imp = JSON.parse((await cli('sessions', 'import', file, '--json')).out);
    const id = imp.files[0].sessions[0].session_id;
    const list = await cli('sessions', 'list');
    expect(list.out).not.toMatch(/[\x07\x1b]/);
    expect(list.out).toContain('\\x1b]0;pwned\\x07\\x1b[2Jspawn a subagent');
    const show = await cli('sessions', 'show', id, '--events');
    expect(show.out).not.toMatch(/[\x07\x1b]/);
    expect(show.out).toContain(`${id}  \\x1b]0;pwned\\x07\\x1b[2Jspawn a subagent`);
  });

  it('an error quoting a 5 MB value gives a short line, escapes included', async () => {
    // reverie's normalized JSONL of the real Claude Code session, with a 5 MB unknown field on line 3
    const lines = toReverieJsonl(readTranscriptFile(CC_FILE).sessions).split('\n');
    const event = JSON.parse(lines[2]!);
    event[`\x1b[31m${'x'.repeat(5_000_000)}`] = 1;
    lines[2] = JSON.stringify(event);
    const file = join(dir, 'huge-key.jsonl');
    writeFileSync(file, lines.join('\n'));
    const r = await cli('sessions', 'import', file);
    expect(r.code).toBe(1);
    const line = r.err.split('\n').find((l) => l.includes('huge-key.jsonl'))!;
    expect(line).toMatch(
      /^ {2}✗ .*huge-key\.jsonl:3: unknown field\(s\): \\x1b\[31mx+…\[\d+ characters cut\]…x+$/,
    );
    expect(line.length).toBeLessThanOrEqual(1000);
    // --json keeps the exact report for scripts
    const j = await cli('sessions', 'import', file, '--json');
    expect(JSON.parse(j.out).files[0].error.message.length).toBeGreaterThan(5_000_000);
  });
});

/** Runs `reverie ARGS…` as a real process; resolves with its status, output and wall time (ms). */
function runCliProcess(
  args: string[],
): Promise<{ code: number | null; out: string; err: string; ms: number }> {
  const t0 = Date.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [...CLI_ARGS, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, out, err, ms: Date.now() - t0 }));
  });
}

describe('item 17: concurrent writers on one SQLite database wait instead of failing', () => {
  it('two concurrent `sessions import` processes both succeed', async () => {
    const file = join(dir, 'concurrent-imports.db');
    const [a, b] = await Promise.all([
      runCliProcess(['--db', file, 'sessions', 'import', DJANGO, '--json']),
      runCliProcess(['--db', file, 'sessions', 'import', DJANGO, TAU, '--json']),
    ]);
    for (const r of [a, b]) {
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.out).totals.failed_files).toBe(0);
    }
    const list = await cliRunner(() => file)('sessions', 'list', '--limit', '1000', '--json');
    expect(JSON.parse(list.out).data).toHaveLength(200);
  });

  it('`store import` and `sessions import` wait for a transaction that holds the lock, as apply does', async () => {
    const file = join(dir, 'held-lock.db');
    const run = cliRunner(() => file);
    const store = JSON.parse((await run('store', 'create', 'team', '--json')).out).id as string;
    const memDir = join(dir, 'memories');
    mkdirSync(memDir, { recursive: true });
    writeFileSync(join(memDir, 'notes.md'), '# notes\n');
    const holder = spawn(
      process.execPath,
      [
        '--import',
        join(ROOT, 'test/e2e/ts-resolve.mjs'),
        join(ROOT, 'test/sqlite-lock-holder.ts'),
        file,
        store,
        '1500',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const holderDone = new Promise<number | null>((r) => holder.on('close', r));
    await new Promise<void>((r) => holder.stdout.once('data', () => r()));
    const [imp, sess] = await Promise.all([
      runCliProcess(['--db', file, 'store', 'import', memDir, '--store', store, '--json']),
      runCliProcess(['--db', file, 'sessions', 'import', CC_FILE, '--json']),
    ]);
    expect(await holderDone).toBe(0);
    expect(imp.err).toBe('');
    expect(imp.code).toBe(0);
    expect(JSON.parse(imp.out).results).toMatchObject([{ status: 'created' }]);
    expect(sess.code).toBe(0);
    expect(JSON.parse(sess.out).totals).toMatchObject({ failed_files: 0, created: 1 });
  });
});

describe('item 18: --format on a file of another format', () => {
  it('sessions import and dream fail that file instead of printing ✓ … 0 sessions', async () => {
    const traj = join(DJANGO, 'django__django-10097/django__django-10097.traj.json');
    const r = await cli('sessions', 'import', '--format', 'claude-code', '--verbose', traj);
    expect(r.code).toBe(1);
    expect(r.err).not.toMatch(/✓/);
    expect(r.err).toContain(`✗ ${traj}: no claude-code sessions in this file (format forced with --format)`);
    const d = await cli('dream', '--format', 'claude-code', traj);
    expect(d.code).toBe(1);
    expect(d.err).toContain('no claude-code sessions in this file');
  });
});
