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
import { CLAUDE_CODE, DATA, HAVE_DATA, TAU } from '../../test/data.js';
import { claudeProjectSlug } from '../agents/claude-code.js';
import { SYNC_STATE } from '../agents/sync-disk.js';
import { parseFrontMatter } from '../dream/index.js';
import { CLAUDE_CODE_INDEX_LIMITS } from '../service/claude-code-layout.js';
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

  it.skipIf(!run)(
    'the installed hook syncs the project’s memory folder in Claude Code’s layout, both ways, keeping Claude Code’s own files',
    async () => {
      expect(existsSync(CLI), `${CLI} is missing: build first (./dev runs tsc)`).toBe(true);
      // A project, and its Claude Code folder as Claude Code leaves it: a finished session's transcript (real,
      // from the shared data) and a memory folder with Claude Code's own memory file and index.
      const home = join(root, 'cc-home');
      const project = join(root, 'cc-project');
      mkdirSync(join(project, '.claude'), { recursive: true });
      const folder = join(home, '.claude/projects', claudeProjectSlug(project));
      const memory = join(folder, 'memory');
      mkdirSync(memory, { recursive: true });
      const id = '624a4a58-b34c-462d-a70d-13421c8125a8'; // ran in /Users/user/repo
      copyFileSync(join(DATA, `formats/claude-code-projects/${id}.jsonl`), join(folder, `${id}.jsonl`));
      const theirs = {
        'user_role.md':
          '---\nname: User role\ndescription: the user is a senior TypeScript developer\ntype: user\n---\nSenior TypeScript developer; prefers small diffs.\n',
        'MEMORY.md': '- [User role](user_role.md) — senior TypeScript developer\n',
      };
      for (const [f, text] of Object.entries(theirs)) writeFileSync(join(memory, f), text);
      const disk = (f: string) => readFileSync(join(memory, f), 'utf8');
      const reverieFiles = () => readdirSync(memory).filter((f) => !f.startsWith('.') && !(f in theirs));

      const install = spawnSync(
        process.execPath,
        [CLI, '--db', db, 'claude-code', 'install', '--project', project, '--json'],
        { encoding: 'utf8', env: { ...process.env, HOME: home } },
      );
      expect(install.status, install.stderr).toBe(0);
      const installed = JSON.parse(install.stdout);
      expect(installed).toMatchObject({ memory_dir: memory, layout: 'claude-code' });
      const store: string = installed.memory_store_id;
      const command: string = JSON.parse(readFileSync(join(project, '.claude/settings.json'), 'utf8')).hooks
        .SessionEnd[0].hooks[0].command;
      expect(command).toBe(installed.command);
      // Claude Code runs the hook's command through the shell with the payload on stdin.
      const payload = JSON.stringify({
        session_id: id,
        transcript_path: join(folder, `${id}.jsonl`),
        cwd: project,
        permission_mode: 'default',
        hook_event_name: 'SessionEnd',
        reason: 'prompt_input_exit',
      });
      const hook = () => {
        const r = spawnSync('/bin/sh', ['-c', command], {
          input: payload,
          encoding: 'utf8',
          env: { ...process.env, HOME: home },
        });
        expect(r.status, r.stderr).toBe(0);
        return r.stderr;
      };

      // 1. First session end: the session is imported; Claude Code's files go up as they are, nothing changes on disk.
      expect(hook()).toContain(`Imported session ${id}: 1 new`);
      for (const [f, text] of Object.entries(theirs)) expect(disk(f), f).toBe(text);
      expect(JSON.parse(disk(SYNC_STATE)).layout).toBe('claude-code');
      let svc = await Reverie.open({ db });
      expect((await svc.getMemoryByPath(store, '/user_role.md')).content).toBe(theirs['user_role.md']);
      await svc.close();

      // 2. A dream of the project's sessions, reviewed and applied; the next session end brings it down.
      const dreamed = await cli(
        'claude-code',
        'dream',
        '--project',
        '/Users/user/repo',
        '--store',
        store,
        '--memory',
        memory,
        '--apply',
        'review',
        '--json',
      );
      expect(dreamed.code, dreamed.err).toBe(0);
      const dream = JSON.parse(dreamed.out);
      expect(dream).toMatchObject({ layout: 'claude-code', applied: 0 });
      expect(dream.changes).toBeGreaterThan(1);
      expect((await cli('approve', dream.dream_id, '--all')).code).toBe(0);
      expect((await cli('apply', dream.dream_id)).code).toBe(0);
      expect(hook()).toContain('0 new, 0 updated, 1 unchanged');
      svc = await Reverie.open({ db });
      const applied = (await svc.snapshot(store)).filter((m) => /^\/(feedback|facts)\//.test(m.path));
      await svc.close();
      expect(applied.length).toBeGreaterThan(1);
      // one memory per flat <type>_<name>.md file with Claude Code's front matter, nothing in reverie's folders
      expect(reverieFiles().sort()).toEqual(
        applied
          .map((m) => {
            const kind = parseFrontMatter(m.content!).fields.kind;
            return `${kind === 'fact' ? 'project' : 'feedback'}_${m.path.split('/').pop()}`;
          })
          .sort(),
      );
      for (const f of reverieFiles()) {
        const { fields, body } = parseFrontMatter(disk(f));
        const type = f.split('_')[0]!;
        expect(fields, f).toMatchObject({ type });
        expect(fields.name && fields.description, f).toBeTruthy();
        expect(disk(f), f).toContain(`metadata:\n  type: ${type}\n`);
        if (type === 'feedback') expect(body, f).toMatch(/\*\*Why:\*\*[\s\S]*\*\*How to apply:\*\*/);
      }
      const index = disk('MEMORY.md');
      expect(index.split('\n').length).toBeLessThanOrEqual(CLAUDE_CODE_INDEX_LIMITS.lines);
      expect(Buffer.byteLength(index)).toBeLessThanOrEqual(CLAUDE_CODE_INDEX_LIMITS.bytes);
      expect(index).toContain(theirs['MEMORY.md'].trim());
      for (const f of reverieFiles()) expect(index).toContain(`](${f})`);
      expect(disk('user_role.md')).toBe(theirs['user_role.md']);

      // 3. A memory edited in the folder goes up at the next session end: a version of its store path, in reverie's form.
      const file = reverieFiles().find((f) => f.startsWith('feedback_'))!;
      const m = applied.find((x) => x.path === `/feedback/${file.slice('feedback_'.length)}`)!;
      writeFileSync(join(memory, file), `${disk(file)}\nConfirmed again in a later session.\n`);
      // and a file Claude Code itself writes meanwhile is the person's: it goes up as it is
      const later =
        '---\nname: Deploys\ndescription: no deploys on Fridays\ntype: project\n---\nNo deploys on Fridays.\n';
      writeFileSync(join(memory, 'project_deploys.md'), later);
      expect(hook()).toMatch(/0 pulled, 2 pushed, 0 deleted locally, 0 deleted on the server, 0 conflicts/);
      svc = await Reverie.open({ db });
      const now = await svc.getMemoryByPath(store, m.path);
      expect(now.content).toBe(`${m.content}\nConfirmed again in a later session.\n`);
      const v = (await svc.listVersions(store, { limit: 5 })).data.find((x) => x.memory_id === m.id)!;
      expect(v.created_by).toEqual({ type: 'sync_actor', id: memory });
      expect((await svc.getMemoryByPath(store, '/project_deploys.md')).content).toBe(later);
      // Claude Code's original index is kept in the store's history, word for word
      const indexVersions = (await svc.listVersions(store, { limit: 100 })).data.filter(
        (x) => x.path === '/MEMORY.md',
      );
      expect(indexVersions.at(-1)!.content).toBe(theirs['MEMORY.md']);
      await svc.close();
      // nothing reverie did not write was removed or rewritten
      expect(disk('user_role.md')).toBe(theirs['user_role.md']);
      expect(disk('project_deploys.md')).toBe(later);
      expect(hook()).toMatch(/0 pulled, 0 pushed, .* 0 bytes moved/);
    },
    120_000,
  );

  it.skipIf(!run)(
    'a folder synced before in reverie’s layout keeps it: the hook does not switch layouts',
    async () => {
      const memory = join(root, 'old-layout');
      const svc = await Reverie.open({ db });
      const store = (await svc.createStore({ name: 'old' })).id;
      await svc.createMemory(store, {
        path: '/feedback/x.md',
        content: '---\nkind: feedback\nsummary: x\n---\n# X\n',
      });
      await svc.close();
      expect((await cli('sync', store, memory)).code).toBe(0);
      expect(readdirSync(join(memory, 'feedback'))).toEqual(['x.md']);
      const payload = JSON.stringify({
        session_id: SESSION,
        transcript_path: join(CLAUDE_CODE, `${SESSION}.jsonl`),
        cwd: '/work/curry',
        hook_event_name: 'SessionEnd',
        reason: 'other',
      });
      const r = spawnSync(
        process.execPath,
        [CLI, '--db', db, 'claude-code', 'hook', '--store', store, '--memory', memory],
        { input: payload, encoding: 'utf8' },
      );
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toContain('0 pulled, 0 pushed');
      expect(JSON.parse(readFileSync(join(memory, SYNC_STATE), 'utf8')).layout).toBe('reverie');
      expect(readdirSync(memory).filter((f) => !f.startsWith('.'))).toEqual(['feedback']);
    },
  );
});
