import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliRunner } from '../../test/cli-harness.js';
import { CLAUDE_CODE, HAVE_DATA, TAU } from '../../test/data.js';
import { claudeProjectSlug } from '../agents/claude-code.js';
import { Reverie } from '../service/reverie.js';

const CLI = resolve(import.meta.dirname, '../../dist/src/cli/main.js');
const SESSION = '0ccf1a04-1b4c-43b6-8aa5-79e41db43a68';
const run = HAVE_DATA || process.env.CI === 'true';

describe('reverie claude-code', () => {
  const root = mkdtempSync(join(tmpdir(), 'reverie-cc-'));
  const db = join(root, 'reverie.db');
  const cli = cliRunner(() => db);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('install merges a SessionEnd hook into .claude/settings.json, keeping what is there; twice changes nothing', async () => {
    const project = join(root, 'my.repo');
    mkdirSync(join(project, '.claude'), { recursive: true });
    const before = {
      permissions: { allow: ['Bash(npm test)'] },
      hooks: {
        PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: 'guard.sh' }] }],
        SessionEnd: [{ hooks: [{ type: 'command', command: 'notify-send bye' }] }],
      },
    };
    writeFileSync(join(project, '.claude/settings.json'), JSON.stringify(before));
    const r = await cli('claude-code', 'install', '--project', project, '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out);
    expect(out).toMatchObject({ store_created: true, hook_added: true });
    expect(out.memory_dir).toMatch(new RegExp(`/\\.claude/projects/${claudeProjectSlug(project)}/memory$`));
    expect(claudeProjectSlug('/home/me/my.repo')).toBe('-home-me-my-repo');
    const after = JSON.parse(readFileSync(join(project, '.claude/settings.json'), 'utf8'));
    expect(after.permissions).toEqual(before.permissions);
    expect(after.hooks.PreToolUse).toEqual(before.hooks.PreToolUse);
    expect(after.hooks.SessionEnd).toEqual([
      before.hooks.SessionEnd[0],
      { hooks: [{ type: 'command', command: out.command }] },
    ]);
    expect(out.command).toContain(`--db '${db}' claude-code hook --store ${out.memory_store_id}`);
    const local = JSON.parse(
      (await cli('claude-code', 'install', '--project', project, '--local', '--json')).out,
    );
    expect(local.settings).toBe(join(project, '.claude/settings.local.json'));
    expect(JSON.parse(readFileSync(local.settings, 'utf8'))).toEqual({
      hooks: { SessionEnd: [{ hooks: [{ type: 'command', command: out.command }] }] },
    });
    const again = JSON.parse((await cli('claude-code', 'install', '--project', project, '--json')).out);
    expect(again).toMatchObject({
      memory_store_id: out.memory_store_id,
      store_created: false,
      hook_added: false,
    });
    expect(JSON.parse(readFileSync(join(project, '.claude/settings.json'), 'utf8'))).toEqual(after);

    writeFileSync(join(project, '.claude/settings.json'), '{"hooks": ');
    const bad = await cli('claude-code', 'install', '--project', project);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain(join(project, '.claude/settings.json'));
    expect(readFileSync(join(project, '.claude/settings.json'), 'utf8')).toBe('{"hooks": ');
  });

  it.skipIf(!run)(
    'the hook imports the finished session from a real SessionEnd payload and syncs the memory folder',
    async () => {
      expect(existsSync(CLI), `${CLI} is missing: build first (./dev runs tsc)`).toBe(true);
      const projects = join(root, 'home/.claude/projects/-work-curry');
      mkdirSync(join(projects, 'memory'), { recursive: true });
      copyFileSync(join(CLAUDE_CODE, `${SESSION}.jsonl`), join(projects, `${SESSION}.jsonl`));
      cpSync(join(CLAUDE_CODE, SESSION), join(projects, SESSION), { recursive: true });
      writeFileSync(join(projects, 'memory/MEMORY.md'), '- [Curry](curry.md) — spice levels\n');
      const svc = await Reverie.open({ db });
      const store = (await svc.createStore({ name: 'curry' })).id;
      await svc.createMemory(store, { path: '/curry.md', content: 'Green is the hottest.\n' });
      await svc.close();
      const payload = JSON.stringify({
        session_id: SESSION,
        transcript_path: join(projects, `${SESSION}.jsonl`),
        cwd: '/work/curry',
        permission_mode: 'default',
        hook_event_name: 'SessionEnd',
        reason: 'prompt_input_exit',
      });
      const hook = () =>
        spawnSync(process.execPath, [CLI, '--db', db, 'claude-code', 'hook', '--store', store], {
          input: payload,
          encoding: 'utf8',
        });
      const first = hook();
      expect(first.stderr).toContain(`Imported session ${SESSION}: 6 new`);
      expect(first.status).toBe(0);
      expect(readFileSync(join(projects, 'memory/curry.md'), 'utf8')).toBe('Green is the hottest.\n');
      const second = hook();
      expect(second.status).toBe(0);
      expect(second.stderr).toContain('0 new, 0 updated, 6 unchanged');
      expect(second.stderr).toContain('0 pulled, 0 pushed');
      const check = await Reverie.open({ db });
      expect((await check.getMemoryByPath(store, '/MEMORY.md')).content).toBe(
        '- [Curry](curry.md) — spice levels\n',
      );
      const sessions = (await check.listSessions({ limit: 100 })).data;
      expect(sessions.some((s) => s.external_id === `claude-code:${SESSION}`)).toBe(true);
      await check.close();

      const wrong = spawnSync(process.execPath, [CLI, '--db', db, 'claude-code', 'hook', '--store', store], {
        input: '{"hook_event_name":"Stop"}',
        encoding: 'utf8',
      });
      expect(wrong.status).toBe(1);
      expect(wrong.stderr).toContain('hook_event_name must be SessionEnd, got "Stop"');
    },
  );

  it.skipIf(!run)(
    'dream: syncs the folder in, dreams the project’s own sessions, syncs the result back',
    async () => {
      const svc = await Reverie.open({ db });
      await svc.importSessions([CLAUDE_CODE, TAU]);
      const store = (await svc.createStore({ name: 'curry project' })).id;
      const mine = (await svc.listSessions({ limit: 1000 })).data.filter(
        (s) => s.metadata.cwd === '/Users/pete/tmp/claude-code-sessions',
      );
      await svc.close();
      const memory = join(root, 'dream-memory');
      mkdirSync(memory);
      writeFileSync(join(memory, 'MEMORY.md'), '- [Poems](poems.md) — curry poems\n');
      const r = await cli(
        'claude-code',
        'dream',
        '--project',
        '/Users/pete/tmp/claude-code-sessions',
        '--store',
        store,
        '--memory',
        memory,
        '--json',
      );
      expect(r.code, r.err).toBe(0);
      const out = JSON.parse(r.out);
      expect(mine.length).toBeGreaterThan(1);
      expect(out.sessions).toBe(mine.length);
      expect(out.sync_before.pushed).toEqual(['MEMORY.md']);
      const check = await Reverie.open({ db });
      const dream = await check.getDream(out.dream_id);
      expect(dream.status).toBe('completed');
      // automatic mode holds the newest sessions back as probes for the do-no-harm check
      expect(dream.probe_session_ids?.length).toBeGreaterThan(0);
      expect([...dream.inputs[1].session_ids, ...(dream.probe_session_ids ?? [])].sort()).toEqual(
        mine.map((s) => s.id).sort(),
      );
      expect(dream.check).toBeTruthy();
      const inStore = (await check.snapshot(store)).map((m) => m.path.slice(1)).sort();
      await check.close();
      const onDisk = readdirSync(memory, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile() && !e.name.startsWith('.'))
        .map((e) => join(e.parentPath, e.name).slice(memory.length + 1))
        .sort();
      expect(onDisk).toEqual(inStore);
      const none = await cli(
        'claude-code',
        'dream',
        '--project',
        join(root, 'elsewhere'),
        '--store',
        store,
        '--memory',
        memory,
      );
      expect(none.code).toBe(1);
      expect(none.err).toContain('no imported Claude Code sessions ran in');
      expect((await cli('claude-code', 'dream', '--store', store, '--apply', 'always')).code).toBe(2);
    },
  );
});
