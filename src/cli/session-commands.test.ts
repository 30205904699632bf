import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliJson, cliRunner } from '../../test/cli-harness.js';
import { CLAUDE_CODE, itWithData } from '../../test/data.js';
import { importProgress } from './session-commands.js';

let dir: string;
let db: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'reverie-attach-cli-'));
  db = join(dir, 'r.db');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = cliRunner(() => db);
const json = cliJson(cli);

describe('reverie sessions import --attach', () => {
  itWithData(
    'attaches stores to the new sessions, lists sessions by store and shows the mounts',
    async () => {
      const notes = await json('store', 'create', 'Team Notes');
      const org = await json('store', 'create', 'Org');
      const file = join(CLAUDE_CODE, '4b2030ed-5563-49ea-b703-6a002f2d3cc8.jsonl');
      const bad = await cli('sessions', 'import', file, '--attach', `${notes.id}:write`);
      expect(bad.code).toBe(1);
      expect(bad.err).toContain('--attach takes store_id or store_id:read_only');
      const missing = await cli('sessions', 'import', file, '--attach', 'memstore_nope');
      expect(missing.err).toContain('resources[0].memory_store_id: memory store not found: memstore_nope');
      expect((await json('sessions', 'list')).data).toHaveLength(0);

      const r = await cli(
        'sessions',
        'import',
        file,
        '--attach',
        notes.id,
        '--attach',
        `${org.id}:read_only`,
      );
      expect(r.code, r.err).toBe(0);
      expect(r.out).toContain(
        `attached to 1 new session: ${notes.id} at /mnt/memory/team-notes/ read_write, ${org.id} at /mnt/memory/org/ read_only`,
      );
      const other = join(CLAUDE_CODE, '0ccf1a04-1b4c-43b6-8aa5-79e41db43a68.jsonl');
      await json('sessions', 'import', other);
      const all = await json('sessions', 'list');
      const byNotes = await json('sessions', 'list', '--memory-store', notes.id);
      expect(all.data.length).toBeGreaterThan(byNotes.data.length);
      expect(byNotes.data).toHaveLength(1);
      const id = byNotes.data[0].id;
      const show = await cli('sessions', 'show', id);
      expect(show.out).toContain(`memory store ${org.id} (Org) at /mnt/memory/org/ read_only`);
      const again = await cli('sessions', 'import', file, '--attach', org.id);
      expect(again.out).toContain('attached nothing: stores attach to new sessions only');
      expect((await json('sessions', 'show', id)).resources.map((x: { access: string }) => x.access)).toEqual(
        ['read_write', 'read_only'],
      );
      const mcp = await cli('mcp', '--store', notes.id, '--session', id);
      expect(mcp.code).toBe(2); // a usage error
      expect(mcp.err).toContain('give either --store <id> or --session <id>');
    },
  );
});

describe('reverie sessions import of a folder with empty files (issue 13 item 1)', () => {
  const cli = cliRunner(() => join(dir, 'empty-files.db'));
  const json = cliJson(cli);
  itWithData('skips them, counts them as skipped with a warning naming each, and exits 0', async () => {
    const folder = join(dir, 'projects-with-empty');
    mkdirSync(folder);
    copyFileSync(join(CLAUDE_CODE, '4b2030ed-5563-49ea-b703-6a002f2d3cc8.jsonl'), join(folder, 'a.jsonl'));
    writeFileSync(join(folder, 'b.jsonl'), '');
    const human = await cli('sessions', 'import', folder);
    expect(human.code, human.err).toBe(0);
    expect(human.out).toBe('1 new, 0 updated, 0 unchanged sessions from 2 files (0 failed, 1 skipped)\n');
    expect(human.err).toBe(`  ! ${join(folder, 'b.jsonl')}: empty file (0 bytes); skipped\n`);
    const rep = await json('sessions', 'import', folder);
    expect(rep.totals).toEqual({
      files: 2,
      failed_files: 0,
      skipped_files: 1,
      created: 0,
      updated: 0,
      unchanged: 1,
    });
    expect(rep.files[1]).toEqual({
      file: join(folder, 'b.jsonl'),
      status: 'skipped',
      warnings: [
        {
          type: 'empty_file',
          file: join(folder, 'b.jsonl'),
          message: `${join(folder, 'b.jsonl')}: empty file (0 bytes); skipped`,
        },
      ],
    });
    // Found by discovery (~/.claude/projects), it is skipped as in a folder walk.
    const home = join(dir, 'home-with-empty');
    mkdirSync(join(home, '.claude/projects/-p'), { recursive: true });
    copyFileSync(join(folder, 'a.jsonl'), join(home, '.claude/projects/-p/a.jsonl'));
    writeFileSync(join(home, '.claude/projects/-p/c.jsonl'), '');
    const found = await json('sessions', 'import', '--discovered', '--home', home);
    expect(found.totals).toMatchObject({ files: 2, failed_files: 0, skipped_files: 1, unchanged: 1 });
    expect(found.files[1]).toMatchObject({
      file: join(home, '.claude/projects/-p/c.jsonl'),
      status: 'skipped',
    });
    // Named on its own, the empty file is still an error naming it.
    const named = await cli('sessions', 'import', join(folder, 'b.jsonl'));
    expect(named.code).toBe(1);
    expect(named.err).toContain(`${join(folder, 'b.jsonl')}: empty file: nothing to import`);
  });
});

describe('reverie sessions import of a Claude Code warm-up subagent (issue 13 item 2)', () => {
  const cli = cliRunner(() => join(dir, 'warmup.db'));
  const json = cliJson(cli);
  it('skips it with a warning on every import (nothing stored, so re-import is idempotent)', async () => {
    const folder = join(dir, 'projects-with-warmup');
    mkdirSync(folder);
    const warm = {
      parentUuid: null,
      isSidechain: true,
      sessionId: '0b5e55ed-0000-4000-8000-000000000001',
      agentId: 'a7e57aa',
      type: 'user',
      message: { role: 'user', content: 'Warmup' },
      uuid: 'u-1',
      timestamp: '2026-01-10T03:45:19.689Z',
    };
    writeFileSync(join(folder, 'agent-a7e57aa.jsonl'), `${JSON.stringify(warm)}\n`);
    for (let round = 0; round < 2; round++) {
      const rep = await json('sessions', 'import', folder);
      expect(rep.totals).toEqual({
        files: 1,
        failed_files: 0,
        skipped_files: 1,
        created: 0,
        updated: 0,
        unchanged: 0,
      });
      expect(rep.files[0]).toMatchObject({ status: 'skipped', format: 'claude-code' });
      expect(rep.files[0].warnings[0].type).toBe('warmup_sidechain');
    }
    expect((await json('sessions', 'list')).data).toHaveLength(0);
    const human = await cli('sessions', 'import', folder);
    expect(human.code).toBe(0);
    expect(human.err).toContain('agent-a7e57aa.jsonl: Claude Code warm-up subagent');
  });
});

describe('reverie sessions import of OpenHands conversation folders (issue 13 item 3)', () => {
  const cli = cliRunner(() => join(dir, 'openhands.db'));
  const json = cliJson(cli);
  it('imports ~/.openhands/sessions found by --discovered, one session per conversation, idempotently', async () => {
    const home = join(dir, 'openhands-home');
    const events = join(home, '.openhands/sessions/5e55a1/events');
    mkdirSync(events, { recursive: true });
    const list = [
      { id: 0, source: 'user', action: 'message', args: { content: 'count the files' } },
      { id: 1, source: 'agent', action: 'run', args: { command: 'ls | wc -l' } },
      {
        id: 2,
        source: 'agent',
        cause: 1,
        observation: 'run',
        content: '3',
        extras: { metadata: { exit_code: 0 } },
      },
    ];
    for (const e of list) writeFileSync(join(events, `${e.id}.json`), JSON.stringify(e));
    writeFileSync(join(home, '.openhands/sessions/5e55a1/metadata.json'), '{"title": "Count files"}');
    const found = await json('sessions', 'discover', '--home', home);
    expect(found.find((s: { agent: string }) => s.agent === 'openhands')).toMatchObject({
      count: 1,
      files: [events],
    });
    const first = await json('sessions', 'import', '--discovered', '--home', home);
    expect(first.totals).toMatchObject({ files: 1, failed_files: 0, created: 1 });
    expect(first.files[0]).toMatchObject({ file: events, format: 'openhands', status: 'imported' });
    const again = await json('sessions', 'import', join(home, '.openhands/sessions'));
    expect(again.totals).toMatchObject({ files: 1, created: 0, unchanged: 1 });
    const [s] = (await json('sessions', 'list')).data;
    expect(s).toMatchObject({ title: 'Count files', source_format: 'openhands' });
    const shown = await json('sessions', 'show', s.id, '--events');
    expect(shown.events.map((e: { type: string }) => e.type)).toEqual([
      'user.message',
      'agent.tool_use',
      'agent.tool_result',
    ]);
  });
});

describe('sessions import progress (issue 13 item 4)', () => {
  function sink(isTTY: boolean) {
    const lines: string[] = [];
    const io = { out: () => {}, err: (t: string) => lines.push(t), isTTY };
    return { io, lines };
  }

  it('with --progress off a terminal: a plain line at most once a second, and one at the end', () => {
    const { io, lines } = sink(false);
    let t = 0;
    const p = importProgress(io, true, () => t);
    p.total(5);
    for (const [done, at] of [
      [1, 0],
      [2, 400],
      [3, 1200],
      [4, 1500],
      [5, 1600],
    ] as const) {
      t = at;
      p.file(done);
    }
    p.done();
    expect(lines).toEqual(['importing: 1/5 files\n', 'importing: 3/5 files\n', 'importing: 5/5 files\n']);
  });

  it('silent off a terminal without --progress; on a terminal one redrawn line, cleared at the end', () => {
    const quiet = sink(false);
    const p = importProgress(quiet.io, false, () => 0);
    p.total(2);
    p.file(1);
    p.file(2);
    expect(quiet.lines).toEqual([]);
    const tty = sink(true);
    let t = 0;
    const q = importProgress(tty.io, false, () => t);
    q.total(2);
    q.file(1);
    t = 10;
    q.file(2); // the last file is always drawn
    q.done();
    expect(tty.lines).toEqual([
      '\r\x1b[2Kimporting files 1/2 (50%)',
      '\r\x1b[2Kimporting files 2/2 (100%)',
      '\r\x1b[2K',
    ]);
  });

  itWithData('reverie sessions import --progress reports files done of the total on stderr', async () => {
    const cli = cliRunner(() => join(dir, 'progress.db'));
    const r = await cli('sessions', 'import', CLAUDE_CODE, '--progress');
    expect(r.code, r.err).toBe(0);
    expect(r.err.trim().split('\n').at(-1)).toBe('importing: 8/8 files');
    expect(r.out).toBe('8 new, 0 updated, 0 unchanged sessions from 8 files (0 failed)\n');
    const plain = await cli('sessions', 'import', CLAUDE_CODE);
    expect(plain.err).toBe('');
  });
});

describe('reverie dream over a folder with an empty file (issue 13 item 1)', () => {
  itWithData('counts it as skipped in the summary and lists its warning in --json', async () => {
    const cli = cliRunner(() => join(dir, 'dream-empty.db'));
    const folder = join(dir, 'dream-with-empty');
    mkdirSync(folder);
    copyFileSync(join(CLAUDE_CODE, '4b2030ed-5563-49ea-b703-6a002f2d3cc8.jsonl'), join(folder, 'a.jsonl'));
    writeFileSync(join(folder, 'b.jsonl'), ' \n');
    const human = await cli('dream', folder);
    expect(human.code, human.err).toBe(0);
    expect(human.out.split('\n')[0]).toBe(
      'Imported 1 session from 1 of 2 files (1 new, 0 updated, 0 unchanged, 1 skipped)',
    );
    const r = await cli('dream', folder, '--json');
    expect(r.code, r.err).toBe(0);
    const out = JSON.parse(r.out);
    expect(out.import).toMatchObject({ files: 2, failed_files: 0, skipped_files: 1, unchanged: 1 });
    expect(out.failed_files).toEqual([]);
    expect(out.warnings).toEqual([
      {
        type: 'empty_file',
        file: join(folder, 'b.jsonl'),
        message: `${join(folder, 'b.jsonl')}: empty file (only whitespace); skipped`,
      },
    ]);
  });
});
