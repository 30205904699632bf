/**
 * `reverie claude-code install [--project DIR] [--store ID] [--memory DIR]`: ties a Claude Code project to
 * a memory store: the store (found by its `reverie.claude_code_project` metadata, or created), and a
 * SessionEnd hook in the project's `.claude/settings.json` (merged; nothing there is changed).
 *
 * `reverie claude-code dream [--project DIR]`: see {@link registerDream}.
 *
 * `reverie claude-code hook --store ID [--memory DIR]`: what that hook runs. Reads Claude Code's
 * SessionEnd payload on stdin, imports the finished session (and its subagents), then syncs the project's
 * memory folder with the store (src/agents/folder-sync.ts; an existing folder is adopted, nothing lost).
 *
 * The hook and `claude-code dream` sync the folder in Claude Code's own layout (src/service/claude-code-layout.ts:
 * one memory per flat `<type>_<name>.md` file with front matter `name`, `description`, `type` and
 * `metadata.type`; `MEMORY.md` the index, cut to 200 lines / 25 kB), so that what reverie adds is read by
 * Claude Code like its own memory. A folder synced before in reverie's layout keeps it (a folder is never
 * switched between layouts: that would rewrite every file); `--layout` chooses explicitly.
 */
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import {
  claudeMemoryDir,
  installSessionEndHook,
  memoryDirOfTranscript,
  parseSessionEndPayload,
  projectSessionIds,
} from '../agents/claude-code.js';
import { syncFolder } from '../agents/folder-sync.js';
import { recordedLayout } from '../agents/sync-disk.js';
import { ValidationError } from '../domain/index.js';
import { MEMORY_LAYOUTS, type MemoryLayout } from '../service/claude-code-layout.js';
import { isPostgresUrl, resolveDbPath } from '../service/config.js';
import type { Reverie } from '../service/reverie.js';
import { ReviewService } from '../service/review-service.js';
import type { CliContext, GlobalOpts } from './program.js';
import { syncSummary } from './sync-command.js';

const PROJECT_KEY = 'reverie.claude_code_project';

async function lookupProjectStore(svc: Reverie, project: string): Promise<string | null> {
  let page: string | null = null;
  do {
    const p = await svc.listStores({ limit: 100, page });
    const found = p.data.find((s) => s.metadata[PROJECT_KEY] === project);
    if (found) return found.id;
    page = p.next_page;
  } while (page);
  return null;
}

async function projectStore(
  svc: Reverie,
  project: string,
  given?: string,
): Promise<{ id: string; created: boolean }> {
  if (given) return { id: (await svc.getStore(given)).id, created: false };
  const found = await lookupProjectStore(svc, project);
  if (found) return { id: found, created: false };
  const s = await svc.createStore({
    name: `claude-code ${basename(project)}`.slice(0, 255),
    description: `Memory of the Claude Code project ${project}`.slice(0, 1024),
    metadata: { [PROJECT_KEY]: project.slice(0, 512) },
  });
  return { id: s.id, created: true };
}

/**
 * The shell command the hook runs: this CLI, by absolute path, on the database this install used (as an
 * absolute file path, so the hook does not depend on Claude Code's environment). A PostgreSQL URL is not
 * written into the settings file (it may hold a password, and settings files get committed): the hook then
 * reads `REVERIE_DB` from the environment Claude Code runs it in.
 */
function hookCommand(storeId: string, g: GlobalOpts, memory?: string, layout?: MemoryLayout): string {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const parts = [q(process.execPath), q(resolve(process.argv[1] ?? 'reverie'))];
  const db = resolveDbPath(g.db);
  if (!isPostgresUrl(db)) parts.push('--db', q(db));
  parts.push('claude-code', 'hook', '--store', storeId);
  if (memory) parts.push('--memory', q(resolve(memory)));
  if (layout) parts.push('--layout', layout);
  return parts.join(' ');
}

/** `--layout` of the claude-code commands: no default, so that {@link layoutOf} can pick one per folder. */
function layoutOption(): Option {
  return new Option(
    '--layout <layout>',
    "the memory folder's layout (default: the one it was last synced in, else claude-code: Claude Code's own <type>_<name>.md files and MEMORY.md index)",
  ).choices(MEMORY_LAYOUTS as MemoryLayout[]);
}

/**
 * The layout to sync `dir` in: the one asked for, else the one the folder was last synced in (a folder
 * keeps its layout), else Claude Code's.
 */
async function layoutOf(dir: string, asked?: MemoryLayout): Promise<MemoryLayout> {
  return asked ?? (await recordedLayout(dir)) ?? 'claude-code';
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Adds the `claude-code` command group to `program`. */
export function registerClaudeCodeCommands(program: Command, ctx: CliContext): void {
  const cc = program
    .command('claude-code')
    .description('Claude Code integration: import sessions and sync memory');
  cc.command('install')
    .description(
      "add a SessionEnd hook to the project's .claude/settings.json that imports each session and syncs memory",
    )
    .option('--project <dir>', 'the project folder (default: the current folder)')
    .option('--store <id>', "the project's memory store (default: found by project, or created)")
    .option(
      '--memory <dir>',
      "the memory folder to sync (default: Claude Code's ~/.claude/projects/<slug>/memory)",
    )
    .option('--local', 'write .claude/settings.local.json (personal, not committed) instead of settings.json')
    .addOption(layoutOption())
    .option('--json', 'print the result as JSON')
    .action(async (o, cmd: Command) => {
      await ctx.withService(cmd, async (svc, g) => {
        const project = resolve(o.project ?? '.');
        const store = await projectStore(svc, project, o.store);
        const command = hookCommand(store.id, g, o.memory, o.layout);
        const r = await installSessionEndHook(
          project,
          command,
          store.id,
          o.local ? 'settings.local.json' : 'settings.json',
        );
        const memory = o.memory ? resolve(o.memory) : claudeMemoryDir(project);
        const out = {
          project,
          memory_store_id: store.id,
          store_created: store.created,
          settings: r.file,
          hook_added: r.changed,
          command,
          memory_dir: memory,
          layout: await layoutOf(memory, o.layout),
        };
        if (g.json) return ctx.printJson(out);
        ctx.io.out(`${store.created ? 'Created' : 'Using'} memory store ${store.id} for ${project}\n`);
        ctx.io.out(
          `${r.changed ? 'Added the SessionEnd hook to' : 'The SessionEnd hook is already in'} ${r.file}\n`,
        );
        ctx.io.out(
          `Each finished session is imported; memory folder ${memory} is synced with the store (${out.layout} layout).\n`,
        );
      });
    });
  registerDream(cc, ctx);
  cc.command('hook')
    .description("run by Claude Code's SessionEnd hook: reads its JSON payload on stdin")
    .requiredOption('--store <id>', 'the memory store')
    .option('--memory <dir>', 'the memory folder to sync (default: beside the transcript)')
    .addOption(layoutOption())
    .action(async (o, cmd: Command) => {
      const payload = parseSessionEndPayload(await readStdin());
      await ctx.withService(cmd, async (svc) => {
        const sub = join(payload.transcript_path.replace(/\.jsonl$/, ''), 'subagents');
        const files = [payload.transcript_path, ...(existsSync(sub) ? [sub] : [])];
        const report = await svc.importSessions(files, { format: 'claude-code' });
        const failed = report.files.filter((f) => f.status === 'failed');
        for (const f of failed) if (f.status === 'failed') ctx.io.err(`error: ${f.error.message}\n`);
        ctx.io.err(
          `Imported session ${payload.session_id}: ${report.totals.created} new, ${report.totals.updated} updated, ${report.totals.unchanged} unchanged\n`,
        );
        const memory = o.memory ?? memoryDirOfTranscript(payload.transcript_path);
        const sync = await syncFolder(svc, o.store, memory, {
          adopt: true,
          layout: await layoutOf(memory, o.layout),
          log: (l) => ctx.io.err(`${l}\n`),
        });
        ctx.io.err(syncSummary(sync));
        if (failed.length > 0) process.exitCode = 1;
      });
    });
}

/**
 * `reverie claude-code dream`: syncs the project's memory folder into its store, dreams the store over the
 * project's imported sessions (`update_existing`), applies what the store's policy allows with `--apply
 * auto` (the default; `review` applies nothing) and holds the rest for review, then syncs the store back
 * to the folder, so what was applied lands on disk (in the folder's layout: Claude Code's by default).
 */
function registerDream(cc: Command, ctx: CliContext): void {
  cc.command('dream')
    .description(
      "dream the project's sessions and memory; apply what the policy allows; sync the result back",
    )
    .option('--project <dir>', 'the project folder (default: the current folder)')
    .option('--store <id>', "the project's memory store (default: the one claude-code install chose)")
    .option('--memory <dir>', "the memory folder (default: Claude Code's ~/.claude/projects/<slug>/memory)")
    .addOption(layoutOption())
    .addOption(
      new Option('--apply <mode>', 'auto: apply what the store policy allows; review: apply nothing')
        .choices(['auto', 'review'])
        .default('auto'),
    )
    .option('--json', 'print the result as JSON')
    .action(async (o, cmd: Command) => {
      await ctx.withService(cmd, async (svc, g) => {
        const project = resolve(o.project ?? '.');
        const store = o.store ?? (await findProjectStore(svc, project));
        const memory = o.memory ? resolve(o.memory) : claudeMemoryDir(project);
        const log = (l: string) => ctx.io.err(`${l}\n`);
        const layout = await layoutOf(memory, o.layout);
        const before = await syncFolder(svc, store, memory, { adopt: true, layout, log });
        const sessions = await projectSessionIds(svc, project);
        if (sessions.length === 0)
          throw new ValidationError(
            `no imported Claude Code sessions ran in ${project} (the SessionEnd hook of claude-code install imports them)`,
            'project',
          );
        const r = await new ReviewService(svc).dream(
          {
            memory_store_id: store,
            session_ids: sessions,
            output_behavior: { type: 'update_existing', memory_store_id: store },
          },
          { apply: o.apply },
        );
        const after = await syncFolder(svc, store, memory, { layout, log });
        const out = {
          memory_store_id: store,
          layout,
          dream_id: r.dream.id,
          sessions: sessions.length,
          changes: r.changes.length,
          applied: r.auto?.apply?.applied ?? 0,
          held: r.auto?.held.length ?? r.changes.length,
          sync_before: before,
          sync_after: after,
        };
        if (g.json) return ctx.printJson(out);
        ctx.io.out(
          `Dream ${r.dream.id} over ${sessions.length} session${sessions.length === 1 ? '' : 's'} of ${project}: ${out.changes} change${out.changes === 1 ? '' : 's'}, ${out.applied} applied by the store policy, ${out.held} held for review (reverie review ${r.dream.id})\n`,
        );
        ctx.io.out(syncSummary(after));
      });
    });
}

async function findProjectStore(svc: Reverie, project: string): Promise<string> {
  const found = await lookupProjectStore(svc, project);
  if (found) return found;
  throw new ValidationError(
    `no memory store for ${project}: run reverie claude-code install, or pass --store`,
    'store',
  );
}
