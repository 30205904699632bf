import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATA, describeWithData, itWithData } from '../../test/data.js';
import { ImportError } from '../domain/index.js';
import { isBlank } from './import-transcripts.js';
import { expandInputs, type FileImportResult, importTranscripts, readTranscriptFile } from './index.js';

async function collect(paths: string[], opts = {}): Promise<FileImportResult[]> {
  const out: FileImportResult[] = [];
  for await (const r of importTranscripts(paths, opts)) out.push(r);
  return out;
}

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'reverie-ingest-'));
}

describe('expandInputs', () => {
  itWithData('walks folders, keeps transcripts, skips report.json, sorts', async () => {
    const files = await expandInputs([join(DATA, 'mini-swe-agent/django-100')]);
    expect(files).toHaveLength(100);
    expect(files.every((f) => f.endsWith('.traj.json'))).toBe(true);
    expect([...files].sort()).toEqual(files);
  });

  itWithData('includes Claude Code subagent files after their parent', async () => {
    const files = await expandInputs([join(DATA, 'claude-code')]);
    expect(files.map((f) => f.slice(DATA.length + 1))).toEqual([
      'claude-code/0ccf1a04-1b4c-43b6-8aa5-79e41db43a68.jsonl',
      'claude-code/0ccf1a04-1b4c-43b6-8aa5-79e41db43a68/subagents/agent-a5bdbc1.jsonl',
      'claude-code/0ccf1a04-1b4c-43b6-8aa5-79e41db43a68/subagents/agent-a9cad17.jsonl',
      'claude-code/0ccf1a04-1b4c-43b6-8aa5-79e41db43a68/subagents/agent-aa5ef13.jsonl',
      'claude-code/0ccf1a04-1b4c-43b6-8aa5-79e41db43a68/subagents/agent-ac27727.jsonl',
      'claude-code/0ccf1a04-1b4c-43b6-8aa5-79e41db43a68/subagents/agent-afbbf75.jsonl',
      'claude-code/4b2030ed-5563-49ea-b703-6a002f2d3cc8.jsonl',
      'claude-code/4b2030ed-5563-49ea-b703-6a002f2d3cc8/subagents/agent-a2018e5.jsonl',
    ]);
  });

  it('keeps explicit files, skips hidden entries and node_modules, de-duplicates', async () => {
    const dir = scratch();
    mkdirSync(join(dir, '.hidden'));
    mkdirSync(join(dir, 'node_modules'));
    mkdirSync(join(dir, 'sub'));
    for (const f of [
      '.hidden/a.json',
      'node_modules/b.json',
      'sub/c.jsonl',
      'd.json',
      'report.json',
      'e.txt',
      '.f.json',
    ]) {
      writeFileSync(join(dir, f), '[]');
    }
    // Argument order is kept: the folder's files (sorted) first, then the explicit report.json; d.json,
    // named twice, appears once where it was first found.
    expect(await expandInputs([dir, join(dir, 'd.json'), join(dir, 'report.json')])).toEqual([
      join(dir, 'd.json'),
      join(dir, 'sub/c.jsonl'),
      join(dir, 'report.json'),
    ]);
  });

  it('enters an agent’s own hidden folder only where it keeps transcripts (.claude/projects, .codex/sessions)', async () => {
    const dir = scratch();
    for (const d of ['.claude/projects/-w-app', '.claude/todos', '.codex/sessions/2026/01/02', '.codex/log'])
      mkdirSync(join(dir, d), { recursive: true });
    for (const f of [
      '.claude/settings.json',
      '.claude/todos/t.json',
      '.claude/projects/-w-app/s1.jsonl',
      '.codex/sessions/2026/01/02/rollout-1.jsonl',
      '.codex/log/x.json',
    ])
      writeFileSync(join(dir, f), '{}');
    expect(await expandInputs([dir])).toEqual([
      join(dir, '.claude/projects/-w-app/s1.jsonl'),
      join(dir, '.codex/sessions/2026/01/02/rollout-1.jsonl'),
    ]);
  });

  it('names a path that does not exist', async () => {
    await expect(expandInputs(['/nope/missing.json'])).rejects.toThrow(
      '/nope/missing.json: no such file or directory',
    );
  });
});

describe('importTranscripts', () => {
  itWithData('imports the good file when another one fails', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'a-bad.json'), '{"hello": "world"}');
    const results = await collect([
      join(dir, 'a-bad.json'),
      join(DATA, 'tau-bench/airline-gpt-4o.trials-0-1.json'),
      '/nope/x.json',
    ]);
    expect(results).toHaveLength(3);
    const [missing, bad, good] = results;
    expect(missing).toMatchObject({ file: '/nope/x.json' });
    expect('error' in missing! && missing.error).toBeInstanceOf(ImportError);
    expect('error' in bad! && bad.error.message).toMatch(/a-bad\.json: unknown transcript format/);
    expect(good).toMatchObject({ format: 'tau-bench' });
    expect('sessions' in good! && good.sessions).toHaveLength(100);
  });

  itWithData('imports a file named twice only once', async () => {
    const tau = join(DATA, 'tau-bench/airline-gpt-4o.trials-0-1.json');
    const results = await collect([
      tau,
      join(DATA, 'tau-bench'),
      join(DATA, 'tau-bench/../tau-bench/airline-gpt-4o.trials-0-1.json'),
    ]);
    expect(results.map((r) => r.file)).toEqual([tau]);
  });

  it('forces a format with opts.format', async () => {
    const dir = scratch();
    const file = join(dir, 'chat.json');
    writeFileSync(file, JSON.stringify([{ task_id: 1, reward: 1, traj: [{ role: 'user', content: 'hi' }] }]));
    const [r] = await collect([file], { format: 'openai-chat' });
    expect('error' in r! && r.error.message).toMatch(/conversation 0: expected an array of messages/);
    const [ok] = await collect([file], { format: 'tau-bench' });
    expect(ok).toMatchObject({
      format: 'tau-bench',
      sessions: [{ external_id: 'tau-bench:chat.json:task-1:element-0' }],
    });
  });

  it('reports broken JSON with its line', async () => {
    const dir = scratch();
    const file = join(dir, 'broken.json');
    writeFileSync(file, '[\n  {"task_id": 1,\n   "reward": 1\n   "traj": []}\n]\n');
    const [r] = await collect([file]);
    expect('error' in r! && r.error.message).toBe(
      `${file}:4: invalid JSON: Expected ',' or '}' after property value in JSON at position 37`,
    );
    expect('error' in r! && r.error.line).toBe(4);
  });
});

/** Runs `p`, failing instead of hanging if it takes longer than `ms` (a FIFO opened for reading blocks forever). */
async function within<T>(ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still running after ${ms} ms (hung on a FIFO?)`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describeWithData('only regular files are read (issue 7 item 12)', () => {
  const CC = join(DATA, 'claude-code/4b2030ed-5563-49ea-b703-6a002f2d3cc8.jsonl');

  it('a FIFO named on the command line or met in a folder is a failed file, never opened', async () => {
    const dir = scratch();
    execFileSync('mkfifo', [join(dir, 'named.jsonl')]);
    mkdirSync(join(dir, 'folder'));
    execFileSync('mkfifo', [join(dir, 'folder/in-folder.jsonl')]);
    execFileSync('mkfifo', [join(dir, 'folder/notes.txt')]); // not a transcript name: skipped as before
    symlinkSync(join(dir, 'named.jsonl'), join(dir, 'folder/link.json'));
    copyFileSync(CC, join(dir, 'folder/real.jsonl'));
    const results = await within(5000, collect([join(dir, 'named.jsonl'), join(dir, 'folder')]));
    const failed = results.filter((r) => 'error' in r).map((r) => ('error' in r ? r.error.message : ''));
    expect(failed).toEqual([
      `${join(dir, 'named.jsonl')}: not a regular file (a FIFO); only regular files are read`,
      `${join(dir, 'folder/in-folder.jsonl')}: not a regular file (a FIFO); only regular files are read`,
      `${join(dir, 'folder/link.json')}: not a regular file (a FIFO); only regular files are read`,
    ]);
    const good = results.find((r) => r.file === join(dir, 'folder/real.jsonl'));
    expect(good && 'sessions' in good && good.sessions.length).toBe(1);
    // The synchronous reader refuses it the same way.
    expect(() => readTranscriptFile(join(dir, 'named.jsonl'))).toThrow(/not a regular file \(a FIFO\)/);
  });

  it('a report.json sidecar that is a FIFO is refused, not waited on', () => {
    const dir = scratch();
    const traj = readdirSync(join(DATA, 'mini-swe-agent/django-100'))[0]!;
    const src = join(DATA, 'mini-swe-agent/django-100', traj, `${traj}.traj.json`);
    copyFileSync(src, join(dir, 'x.traj.json'));
    execFileSync('mkfifo', [join(dir, 'report.json')]);
    expect(() => readTranscriptFile(join(dir, 'x.traj.json'))).toThrow(
      `${join(dir, 'report.json')}: not a regular file (a FIFO)`,
    );
  });
});

describeWithData('invalid UTF-8 (issue 7 item 13)', () => {
  /** A real Claude Code transcript with bytes 0xFF and 0xC3 0x28 planted inside strings on lines 4 and 9. */
  function corrupted(): string {
    const lines = readFileSync(join(DATA, 'claude-code/4b2030ed-5563-49ea-b703-6a002f2d3cc8.jsonl'))
      .toString('latin1')
      .split('\n');
    for (const [i, bad] of [
      [3, '\xff'],
      [8, '\xc3('],
    ] as const) {
      const at = lines[i]!.indexOf('"type":"') + 8;
      lines[i] = lines[i]!.slice(0, at) + lines[i]!.slice(at).replace('"', `${bad}"`);
    }
    const file = join(scratch(), 'bad-utf8.jsonl');
    writeFileSync(file, Buffer.from(lines.join('\n'), 'latin1'));
    return file;
  }

  it('by default imports the file and warns with the file and the lines', async () => {
    const file = corrupted();
    const [r] = await collect([file]);
    expect(r && 'sessions' in r && r.sessions.length).toBe(1);
    expect(r && 'warnings' in r && r.warnings).toEqual([
      {
        type: 'invalid_utf8',
        file,
        line: 4,
        lines: [4, 9],
        count: 2,
        message: `${file}:4: invalid UTF-8 on 2 lines: 4, 9; imported with U+FFFD in place of the bad bytes`,
      },
    ]);
  });

  it('with invalid_utf8 "error" refuses the file, naming file and first line', async () => {
    const file = corrupted();
    const [r] = await collect([file], { invalid_utf8: 'error' });
    expect(r && 'error' in r && r.error.message).toMatch(
      new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:4: invalid UTF-8 \\(2 lines\\)`),
    );
  });

  it('clean real files carry no warning', async () => {
    const results = await collect([join(DATA, 'claude-code'), join(DATA, 'tau-bench')]);
    expect(results.length).toBeGreaterThan(5);
    expect(results.every((r) => 'warnings' in r && r.warnings.length === 0)).toBe(true);
  });
});

describeWithData('a forced format that finds no session (issue 7 item 18)', () => {
  it('is an error for that file, naming the format it reads as', async () => {
    const traj = join(DATA, 'mini-swe-agent/django-100/django__django-10097/django__django-10097.traj.json');
    const managed = join(DATA, 'formats/managed-agents/phase-7-T-001.jsonl');
    const cc = join(DATA, 'claude-code/4b2030ed-5563-49ea-b703-6a002f2d3cc8.jsonl');
    const [a, b, c] = await collect([traj, managed, cc], { format: 'claude-code' });
    expect(a && 'error' in a && a.error.message).toBe(
      `${traj}: no claude-code sessions in this file (format forced with --format); it reads as mini-swe-agent (drop --format to detect it)`,
    );
    expect(b && 'error' in b && b.error.message).toMatch(
      /phase-7-T-001\.jsonl: no claude-code sessions in this file \(format forced with --format\)/,
    );
    expect(c && 'sessions' in c && c.sessions).toHaveLength(1);
  });
});

describeWithData(
  'empty files in a folder walk (issue 13: importing a real ~/.claude/projects folder)',
  () => {
    const CC = join(DATA, 'claude-code/4b2030ed-5563-49ea-b703-6a002f2d3cc8.jsonl');

    it('skips empty and whitespace-only files met in a folder, each named in an empty_file warning', async () => {
      const dir = scratch();
      copyFileSync(CC, join(dir, 'real.jsonl'));
      writeFileSync(join(dir, 'a-empty.jsonl'), ''); // what Claude Code leaves behind
      writeFileSync(join(dir, 'b-blank.jsonl'), '\n  \r\n\t\n');
      writeFileSync(join(dir, 'c-bom.json'), '\uFEFF\n');
      const results = await collect([dir]);
      expect(
        results.map((r) => [r.file.slice(dir.length + 1), 'error' in r ? 'error' : !!r.skipped]),
      ).toEqual([
        ['a-empty.jsonl', true],
        ['b-blank.jsonl', true],
        ['c-bom.json', true],
        ['real.jsonl', false],
      ]);
      expect(results[0]).toEqual({
        file: join(dir, 'a-empty.jsonl'),
        skipped: true,
        sessions: [],
        warnings: [
          {
            type: 'empty_file',
            file: join(dir, 'a-empty.jsonl'),
            message: `${join(dir, 'a-empty.jsonl')}: empty file (0 bytes); skipped`,
          },
        ],
      });
      expect(results[1] && 'warnings' in results[1] && results[1].warnings[0]?.message).toBe(
        `${join(dir, 'b-blank.jsonl')}: empty file (only whitespace); skipped`,
      );
      const real = results[3]!;
      expect('sessions' in real && real.sessions).toHaveLength(1);
    });

    it('an empty file named explicitly stays an error naming it, even when its folder is walked too', async () => {
      const dir = scratch();
      writeFileSync(join(dir, 'empty.jsonl'), '');
      const [named] = await collect([join(dir, 'empty.jsonl'), dir]);
      expect(named && 'error' in named && named.error.message).toBe(
        `${join(dir, 'empty.jsonl')}: empty file: nothing to import`,
      );
      const [walked] = await collect([dir, join(dir, 'empty.jsonl')]);
      expect(walked && 'error' in walked && walked.error.message).toBe(
        `${join(dir, 'empty.jsonl')}: empty file: nothing to import`,
      );
    });
  },
);

describe('isBlank', () => {
  it('is true for nothing but whitespace and a BOM, false as soon as anything else appears', () => {
    expect(isBlank(Buffer.alloc(0))).toBe(true);
    expect(isBlank(Buffer.from(' \n\t\r\v\f'))).toBe(true);
    expect(isBlank(Buffer.from('\uFEFF \n'))).toBe(true);
    expect(isBlank(Buffer.from('\u00A0\u2003\n'))).toBe(true); // Unicode spaces, as sniff's \s
    expect(isBlank(Buffer.from('\n\n{"type":"user"}\n'))).toBe(false);
    expect(isBlank(Buffer.from('\uFEFF{}'))).toBe(false);
    expect(isBlank(Buffer.from('\u00A0é'))).toBe(false);
  });
});
