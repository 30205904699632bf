/**
 * The `reverie` command line (commander). A thin shell: every command parses its arguments, calls the
 * service layer, and prints a human summary or, with `--json`, one JSON document on stdout.
 * Errors print `error: <message>` on stderr (or `{"error":{…}}` with `--json`) and exit with status 1;
 * usage errors exit with 2.
 */
import { resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { type Change, type Dream, ReverieError, SOURCE_FORMATS, type SourceFormat } from '../domain/index.js';
import { DEFAULT_HOLDOUT, type LlmEstimate } from '../dream/index.js';
import {
  attachSessions,
  enqueueDream,
  evidenceSources,
  type FileImportReport,
  findInstructionFiles,
  listDreamsWithJobs,
  llmEngineFactory,
  MEMORY_LAYOUTS,
  type MemoryLayout,
  oneShotDream,
  oneShotEstimate,
  parseAttachOptions,
  Reverie,
  type ReverieOpenOptions,
  readMemoryFolder,
  renderChangeSetMarkdown,
  storeSummaries,
  toLayout,
  writeMemoryFolder,
} from '../service/index.js';
import { addEngineOptions, collect, fraction, positiveInt } from './args.js';
import { checkLine, registerCheckCommand } from './check-command.js';
import { registerClaudeCodeCommands } from './claude-code-command.js';
import { demoLine, prepareDemo } from './demo.js';
import { discover, discoverOptions, registerDiscoverCommand } from './discover-command.js';
import { registerEvalCommand } from './eval-command.js';
import { registerKeysCommand } from './keys-command.js';
import { registerMcpCommand } from './mcp-command.js';
import { type CliIO, duration, humanIO, processIO, progressLine, table } from './output.js';
import { autoApplyAfterDream, printAutoApply, registerReviewCommands } from './review-commands.js';
import { registerScheduleCommands } from './schedule-commands.js';
import { attachedLine, importProgress, registerOutcomeCommand } from './session-commands.js';
import { registerSyncCommand } from './sync-command.js';
import { registerTeamsCommand } from './teams-command.js';
import { registerDreamCancelCommand, registerWorkerCommand } from './worker-command.js';

const FORMATS: SourceFormat[] = [...SOURCE_FORMATS];

/** `--invalid-utf8 warn|error`: what to do with transcript bytes that are not UTF-8. */
const invalidUtf8Option = () =>
  new Option(
    '--invalid-utf8 <mode>',
    'bytes that are not UTF-8: warn = import them as U+FFFD and report file and line; error = refuse the file',
  )
    .choices(['warn', 'error'])
    .default('warn');

/** `--invalid-json warn|error`: what to do with a JSONL transcript line that is not JSON. */
const invalidJsonOption = () =>
  new Option(
    '--invalid-json <mode>',
    'JSONL lines that are not JSON (e.g. broken by hand redaction): warn = skip them and report file and line (at most 20 per file, or a tenth of its lines up to 100); error = refuse the file',
  )
    .choices(['warn', 'error'])
    .default('warn');

/** The `file:line: …` warnings of an imported file, one line each (none for a failed or clean file). */
function warningLines(r: FileImportReport): string {
  if (r.status === 'failed' || !r.warnings) return '';
  return r.warnings.map((w) => `  ! ${w.message}\n`).join('');
}

/** Options every command accepts. */
export interface GlobalOpts {
  db?: string;
  json?: boolean;
}

/** What command modules get from the program: the output sink, a service opener, and a JSON printer. */
export interface CliContext {
  io: CliIO;
  /** Opens the service on the database chosen by `--db` (with `extra` options), runs `fn`, and closes it. */
  withService<T>(
    cmd: Command,
    fn: (svc: Reverie, g: GlobalOpts) => Promise<T>,
    extra?: Omit<ReverieOpenOptions, 'db'>,
  ): Promise<T>;
  /** Prints a value as indented JSON on stdout. */
  printJson(v: unknown): void;
}

/** Counts changes by kind, e.g. `{mistake: 4, workflow: 2}`, sorted by kind. */
function countByKind(changes: Pick<Change, 'kind'>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of [...changes].sort((a, b) => (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0)))
    out[c.kind] = (out[c.kind] ?? 0) + 1;
  return out;
}

function kindsLine(changes: Pick<Change, 'kind'>[]): string {
  const parts = Object.entries(countByKind(changes)).map(([k, n]) => `${n} ${k}`);
  return parts.length ? parts.join(', ') : 'none';
}

/** `, N skipped` for the import summary when files were skipped (empty, warm-ups), else nothing. */
function skippedNote(n: number): string {
  return n > 0 ? `, ${n} skipped` : '';
}

function importLine(r: FileImportReport): string {
  if (r.status === 'failed') return `  ✗ ${r.error.message}`;
  if (r.status === 'skipped') return `  - ${r.file}: skipped`;
  const c = { created: 0, updated: 0, unchanged: 0 };
  for (const s of r.sessions) c[s.status]++;
  return `  ✓ ${r.file} (${r.format}): ${r.sessions.length} session${r.sessions.length === 1 ? '' : 's'} — ${c.created} new, ${c.updated} updated, ${c.unchanged} unchanged`;
}

function dreamSummary(d: Dream, changes: Change[]): string {
  const secs = d.stats.elapsed_ms !== undefined ? ` in ${duration(d.stats.elapsed_ms)}` : '';
  const n = d.inputs[1].session_ids.length;
  return `Dream ${d.id} ${d.status}${secs}: ${changes.length} change${changes.length === 1 ? '' : 's'} (${kindsLine(changes)}) over ${n} session${n === 1 ? '' : 's'}`;
}

/** The `dream` options a dry run reads. */
interface DryRunOptions {
  store?: string;
  memory?: string;
  session?: string[];
  format?: SourceFormat;
  agent?: string;
  team?: string;
  invalidUtf8?: 'warn' | 'error';
  invalidJson?: 'warn' | 'error';
  instructions?: string;
  model?: string;
  minSupport?: number;
}

/** The dream's token usage in the hosted field names, one line. */
function usageLine(d: Dream): string {
  const u = d.usage;
  return `usage: input_tokens=${u.input_tokens} output_tokens=${u.output_tokens} cache_read_input_tokens=${u.cache_read_input_tokens} cache_creation_input_tokens=${u.cache_creation_input_tokens}`;
}

/**
 * `--layout reverie|claude-code` of a folder reverie writes (`dream --out`, `store export`): reverie's
 * own folders, or Claude Code's memory conventions (see `service/claude-code-layout.ts`).
 */
function layoutOption(): Option {
  return new Option(
    '--layout <layout>',
    'folder layout: reverie (default) or claude-code (one memory per file, front matter name/description/type, MEMORY.md ≤ 200 lines / 25 kB)',
  )
    .choices(MEMORY_LAYOUTS as MemoryLayout[])
    .default('reverie');
}

/**
 * Builds the `reverie` program. `io` receives all output (tests pass a capturing sink).
 * Use `runCli(argv)` to parse and run with error handling.
 */
export function buildProgram(io: CliIO = processIO): Command {
  const program = new Command('reverie')
    .description('Memory and dreaming for AI agents: consolidate memory stores from session transcripts.')
    .version('0.1.0')
    .option(
      '--db <file|url>',
      'SQLite database file, or a postgres:// URL (default: $REVERIE_DB, $REVERIE_HOME/reverie.db or ~/.reverie/reverie.db)',
    )
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });

  async function withService<T>(
    cmd: Command,
    fn: (svc: Reverie, g: GlobalOpts) => Promise<T>,
    extra: Omit<ReverieOpenOptions, 'db'> = {},
  ): Promise<T> {
    const g = cmd.optsWithGlobals() as GlobalOpts;
    const svc = await Reverie.open({ ...extra, db: g.db });
    try {
      return await fn(svc, g);
    } finally {
      await svc.close();
    }
  }
  const printJson = (v: unknown) => io.out(`${JSON.stringify(v, null, 2)}\n`);
  const ctx: CliContext = { io, withService, printJson };

  // ── dream
  addEngineOptions(
    program
      .command('dream')
      .summary('dream over transcripts: one-shot into --out DIR, or a stored --store')
      .description(
        'Dream over transcripts. With no --store: one-shot — import TRANSCRIPTS (files or folders), load --memory DIR, write the consolidated store and its change set to --out DIR. With --store: dream that stored store over TRANSCRIPTS, --session ids, or the sessions imported since its last dream.',
      )
      .argument(
        '[transcripts...]',
        'transcript files or folders (Claude Code, τ-bench, mini-swe-agent, OpenAI chat, reverie JSONL)',
      )
      .option('--memory <dir>', 'folder of existing memories to consolidate (one-shot)')
      .option(
        '--out <dir>',
        'write the output store and .reverie/CHANGES.md here (files reverie did not write are kept; refuses to overwrite them)',
      )
      .addOption(layoutOption())
      .option(
        '--instructions-file <path>',
        "the project's CLAUDE.md/AGENTS.md (repeatable; those in the sessions' cwd are found): nothing that repeats it is proposed, what contradicts it is flagged",
        collect,
      )
      .option('--store <id>', 'dream a stored memory store instead of a one-shot')
      .option('--session <id>', 'session to include (repeatable; with --store)', collect)
      .addOption(new Option('--format <format>', 'force the transcript format').choices(FORMATS))
      .addOption(invalidUtf8Option())
      .addOption(invalidJsonOption())
      .option('--agent <id>', 'agent id for imported sessions')
      .option('--team <id>', 'team id for imported sessions')
      .option('--min-support <n>', 'sessions a pattern needs to be promoted', positiveInt)
      .option('--instructions <text>', 'guidance for the dream (≤ 4,096 chars)'),
    {
      model: 'the model for --engine llm (reverie-offline = the offline engine)',
      maxInputTokens: 'llm: hard cap on input tokens (estimated); the rest keep their offline form',
      dryRun: 'llm: print the estimated calls and tokens; send nothing',
    },
  )
    .option(
      '--update-existing',
      'propose changes to the input store instead of creating a new store (with --store)',
    )
    .option(
      '--holdout <fraction>',
      'with --store: hold back the newest fraction (0–0.5) of the sessions as probes for the do-no-harm check (default 0, or 0.2 with --apply auto)',
      fraction,
    )
    .addOption(
      new Option(
        '--apply <mode>',
        'with --store: auto = apply right away what the store policy allows and hold the rest for review; review = apply nothing (default)',
      ).choices(['auto', 'review']),
    )
    .option(
      '--queue',
      'with --store: queue the dream for a worker (reverie worker) instead of running it here',
    )
    .option(
      '--demo',
      'one-shot dream over a small corpus generated on the spot (needs no transcripts; its own database unless --db)',
    )
    .option('--json', 'print the result as JSON')
    .action(async (transcripts: string[], o, cmd: Command) => {
      if (o.demo) {
        const demo = await prepareDemo(cmd, transcripts, o);
        if (!o.json && !cmd.optsWithGlobals().json) io.out(demoLine(demo));
        transcripts = demo.transcripts;
        o.memory = demo.memory;
      }
      if (o.record && o.replay)
        throw new ReverieError('invalid_request_error', 'give --record or --replay, not both');
      const engine: 'offline' | 'llm' | undefined =
        o.engine ?? (o.provider || o.dryRun || o.record || o.replay || o.maxInputTokens ? 'llm' : undefined);
      const llm = llmEngineFactory(
        {
          provider: o.provider,
          maxInputTokens: o.maxInputTokens ?? null,
          dryRun: o.dryRun === true,
          record: o.record ? resolve(o.record) : null,
          replay: o.replay ? resolve(o.replay) : null,
        },
        process.env,
      );
      const withLlm = <T>(c: Command, fn: (svc: Reverie, g: GlobalOpts) => Promise<T>) =>
        withService(c, fn, { llm });
      await withLlm(cmd, async (svc, g) => {
        if (o.dryRun) return dryRun(svc, transcripts, o, g);
        const bar = progressLine(io, 'dreaming');
        let files = 0;
        const onFile = (r: FileImportReport) => {
          files++;
          if (g.json) return;
          if (r.status === 'failed') {
            bar.done();
            io.err(`${importLine(r)}\n`);
          } else if (r.warnings) {
            bar.done();
            io.err(warningLines(r));
          } else bar.note(`importing: ${files} files`);
        };
        if (!o.store) {
          if (o.apply)
            throw new ReverieError(
              'invalid_request_error',
              '--apply needs --store: a one-shot dream has no store of yours to apply to (it writes --out)',
            );
          if (transcripts.length === 0)
            throw new ReverieError('invalid_request_error', 'give transcript files or folders, or --store');
          const r = await oneShotDream(svc, {
            transcripts,
            memoryDir: o.memory ?? null,
            outDir: o.out ?? null,
            layout: o.layout,
            instructions_files: o.instructionsFile,
            format: o.format,
            agent_id: o.agent,
            team_id: o.team,
            invalid_utf8: o.invalidUtf8,
            invalid_json: o.invalidJson,
            min_support: o.minSupport,
            instructions: o.instructions ?? null,
            ...(engine ? { engine } : {}),
            ...(o.model ? { model: o.model } : {}),
            onFile,
            onProgress: (p) => bar.update(p),
          });
          bar.done();
          const changes = await svc.listChanges(r.dream.id);
          if (g.json) {
            printJson({
              dream: r.dream,
              input_store_id: r.input_store.id,
              output_store_id: r.output_store_id,
              out_dir: r.out_dir,
              import: r.import.totals,
              failed_files: r.import.files.filter((f) => f.status === 'failed'),
              warnings: r.import.files.flatMap((f) => (f.status !== 'failed' && f.warnings) || []),
              changes: { total: changes.length, by_kind: countByKind(changes) },
            });
            return;
          }
          const t = r.import.totals;
          io.out(
            `Imported ${t.created + t.updated + t.unchanged} session${t.created + t.updated + t.unchanged === 1 ? '' : 's'} from ${t.files - t.failed_files - t.skipped_files} of ${t.files} file${t.files === 1 ? '' : 's'} (${t.created} new, ${t.updated} updated, ${t.unchanged} unchanged${skippedNote(t.skipped_files)})\n`,
          );
          io.out(`${dreamSummary(r.dream, changes)}\n`);
          io.out(`Input store ${r.input_store.id}; output store ${r.output_store_id}\n`);
          if (r.out_dir) io.out(`Wrote ${r.out_dir} (index: MEMORY.md; change set: .reverie/CHANGES.md)\n`);
          io.out(`Review: reverie changes ${r.dream.id}${g.db ? ` --db ${g.db}` : ''}\n`);
          if (t.failed_files > 0) process.exitCode = 1;
          return;
        }
        let sessionIds: string[] | undefined = o.session;
        if (transcripts.length > 0) {
          const rep = await svc.importSessions(transcripts, {
            format: o.format,
            agent_id: o.agent,
            team_id: o.team,
            invalid_utf8: o.invalidUtf8,
            invalid_json: o.invalidJson,
            onFile,
          });
          sessionIds = [...new Set([...(sessionIds ?? []), ...rep.session_ids])];
        }
        const instructionFiles = await findInstructionFiles(svc, sessionIds ?? [], o.instructionsFile ?? []);
        if (o.queue) {
          if (o.out)
            throw new ReverieError(
              'invalid_request_error',
              '--out cannot be used with --queue: a worker runs the dream later; export its output store with reverie store export',
            );
          const q = await enqueueDream(
            svc,
            {
              memory_store_id: o.store,
              session_ids: sessionIds,
              instructions: o.instructions ?? null,
              output_behavior: o.updateExisting
                ? { type: 'update_existing', memory_store_id: o.store }
                : undefined,
              // read here, where the files are: the worker that runs the dream may be elsewhere
              options: {
                ...(o.minSupport ? { min_support: o.minSupport } : {}),
                ...(instructionFiles.length > 0 ? { instruction_files: instructionFiles } : {}),
              },
              holdout: o.holdout,
            },
            { apply: o.apply },
          );
          if (g.json) return printJson(q);
          io.out(
            `Queued dream ${q.dream.id} (job ${q.job.id}, ${q.job.backend} queue); reverie worker runs it\n`,
          );
          return;
        }
        const dream = await svc.dream(
          {
            memory_store_id: o.store,
            session_ids: sessionIds,
            instructions: o.instructions ?? null,
            ...(engine ? { engine } : {}),
            ...(o.model ? { model: o.model } : {}),
            output_behavior: o.updateExisting
              ? { type: 'update_existing', memory_store_id: o.store }
              : undefined,
            options: {
              ...(o.minSupport ? { min_support: o.minSupport } : {}),
              ...(instructionFiles.length > 0 ? { instruction_files: instructionFiles } : {}),
            },
            holdout: o.holdout ?? (o.apply === 'auto' ? DEFAULT_HOLDOUT : undefined),
          },
          { onProgress: (p) => bar.update(p) },
        );
        bar.done();
        const auto = o.apply === 'auto' ? await autoApplyAfterDream(svc, dream.id) : null;
        const changes = await svc.listChanges(dream.id);
        if (o.out && dream.outputs[0]) {
          const files = toLayout(
            (await svc.snapshot(dream.outputs[0].memory_store_id)).map((m) => ({
              path: m.path,
              content: m.content!,
            })),
            o.layout,
          );
          await writeMemoryFolder(resolve(o.out), files, {
            '.reverie/CHANGES.md': renderChangeSetMarkdown(changes, { title: `Change set of ${dream.id}` }),
          });
        }
        if (g.json)
          return printJson({
            dream,
            changes: { total: changes.length, by_kind: countByKind(changes) },
            ...(auto ? { auto } : {}),
          });
        io.out(`${dreamSummary(dream, changes)}\n`);
        if (dream.outputs[0]) io.out(`Output store ${dream.outputs[0].memory_store_id}\n`);
        if (dream.check) io.out(`${checkLine(dream.check)}\n`);
        if (auto) printAutoApply(io, auto);
        io.out(`Review: reverie review ${dream.id}\n`);
      });
    });

  /** `dream --dry-run`: imports, then prints the LLM engine's estimate; no dream is created, nothing is sent. */
  async function dryRun(svc: Reverie, transcripts: string[], o: DryRunOptions, g: GlobalOpts) {
    const common = { instructions: o.instructions ?? null, model: o.model, min_support: o.minSupport };
    let estimate: LlmEstimate;
    if (!o.store) {
      if (transcripts.length === 0)
        throw new ReverieError('invalid_request_error', 'give transcript files or folders, or --store');
      const r = await oneShotEstimate(svc, {
        ...common,
        transcripts,
        memoryDir: o.memory ?? null,
        format: o.format,
        agent_id: o.agent,
        team_id: o.team,
        invalid_utf8: o.invalidUtf8,
        invalid_json: o.invalidJson,
      });
      estimate = r.estimate;
    } else {
      let sessionIds: string[] | undefined = o.session;
      if (transcripts.length > 0) {
        const rep = await svc.importSessions(transcripts, {
          format: o.format,
          agent_id: o.agent,
          team_id: o.team,
        });
        sessionIds = [...new Set([...(sessionIds ?? []), ...rep.session_ids])];
      }
      estimate = await svc.estimateDream({
        memory_store_id: o.store,
        session_ids: sessionIds,
        instructions: common.instructions,
        engine: 'llm',
        model: o.model,
        options: o.minSupport ? { min_support: o.minSupport } : undefined,
      });
    }
    if (g.json) return printJson({ dry_run: true, estimate });
    io.out(
      `Dry run (nothing sent): ${estimate.calls} calls for ${estimate.candidates} candidate memories (${estimate.skipped} left in offline form by --max-input-tokens); estimated ${estimate.input_tokens} input tokens, at most ${estimate.max_output_tokens} output tokens; ${estimate.characters} characters\n`,
    );
  }

  // ── store
  const store = program.command('store').description('memory stores');
  store
    .command('create')
    .argument('<name>', 'store name (1–255 chars)')
    .option('--description <text>', 'description (≤ 1,024 chars)')
    .option('--from <dir>', 'load memories from this folder')
    .option('--json', 'print JSON')
    .description('create a memory store')
    .action(async (name: string, o, cmd: Command) => {
      await withService(cmd, async (svc, g) => {
        const files = o.from ? await readMemoryFolder(o.from) : null; // fails before the store is created
        const s = await svc.createStore({ name, description: o.description });
        const loaded = files ? await svc.importFolder(s.id, o.from, undefined, files) : [];
        if (g.json) return printJson({ ...s, imported: loaded.length });
        io.out(`${s.id}\t${s.name}${o.from ? `\t${loaded.length} memories from ${o.from}` : ''}\n`);
      });
    });
  store
    .command('list')
    .description('list memory stores')
    .option('--archived', 'include archived stores')
    .option('--json', 'print JSON')
    .action(async (o, cmd: Command) => {
      await withService(cmd, async (svc, g) => {
        if (g.json) return printJson(await svc.listStores({ include_archived: o.archived, limit: 1000 }));
        const rows = (await storeSummaries(svc, { include_archived: o.archived })).map(
          ({ store: s, memories }) => [s.id, s.name, memories, s.created_at],
        );
        io.out(rows.length ? table(['id', 'name', 'memories', 'created_at'], rows) : 'no memory stores\n');
      });
    });
  store
    .command('show')
    .argument('<store>', 'store id')
    .option('--path-prefix <prefix>', 'only paths under this prefix (ends with /)')
    .option('--json', 'print JSON')
    .description('show a store and its memories')
    .action(async (id: string, o, cmd: Command) => {
      await withService(cmd, async (svc, g) => {
        const s = await svc.getStore(id);
        const mems = (await svc.snapshot(id)).filter((m) => !o.pathPrefix || m.path.startsWith(o.pathPrefix));
        if (g.json) return printJson({ ...s, memories: mems.map((m) => ({ ...m, content: undefined })) });
        io.out(`${s.id}  ${s.name}\n${s.description ? `${s.description}\n` : ''}${mems.length} memories\n\n`);
        io.out(
          table(
            ['path', 'bytes', 'updated_at'],
            mems.map((m) => [m.path, m.content_size_bytes, m.updated_at]),
          ),
        );
      });
    });
  store
    .command('export')
    .argument('<store>', 'store id')
    .argument('<dir>', 'folder to write (files reverie did not write are kept; refuses to overwrite them)')
    .option('--force', 'write into a non-empty folder not written by reverie (its files are still kept)')
    .addOption(layoutOption())
    .option('--json', 'print JSON')
    .description('write a store as a folder of files (MEMORY.md + topic files)')
    .action(async (id: string, dir: string, o, cmd: Command) => {
      await withService(cmd, async (svc, g) => {
        const mems = await svc.snapshot(id);
        await writeMemoryFolder(
          resolve(dir),
          toLayout(
            mems.map((m) => ({ path: m.path, content: m.content! })),
            o.layout,
          ),
          {},
          { force: o.force },
        );
        if (g.json) return printJson({ memory_store_id: id, dir: resolve(dir), files: mems.length });
        io.out(`Wrote ${mems.length} memories to ${resolve(dir)}\n`);
      });
    });
  store
    .command('import')
    .argument('<dir>', 'folder of memory files')
    .option('--store <id>', 'import into this store (default: create one named after the folder)')
    .option('--name <name>', 'name of the new store')
    .option('--json', 'print JSON')
    .description('load a folder of files into a store (new paths created, changed ones modified)')
    .action(async (dir: string, o, cmd: Command) => {
      await withService(cmd, async (svc, g) => {
        const files = await readMemoryFolder(dir); // a bad folder fails before a store is created
        const id = o.store ?? (await svc.createStore({ name: o.name ?? resolve(dir).split('/').pop()! })).id;
        const res = await svc.importFolder(id, dir, undefined, files);
        if (g.json) return printJson({ memory_store_id: id, results: res });
        const c = { created: 0, modified: 0, unchanged: 0 };
        for (const r of res) c[r.status]++;
        io.out(`${id}: ${c.created} created, ${c.modified} modified, ${c.unchanged} unchanged\n`);
      });
    });

  // ── sessions
  const sessions = program.command('sessions').description('session transcripts');
  discoverOptions(
    sessions
      .command('import')
      .argument(
        '[paths...]',
        'transcript files or folders (an OpenHands conversation folder, or its events/ folder, is one session)',
      )
      .addOption(new Option('--format <format>', 'force the transcript format').choices(FORMATS))
      .addOption(invalidUtf8Option())
      .addOption(invalidJsonOption())
      .option('--agent <id>', 'agent id for imported sessions')
      .option('--team <id>', 'team id for imported sessions')
      .option('--user <id>', 'the person whose sessions these are, when the format does not say')
      .option(
        '--store <id>',
        "attach the imported sessions to this store (its schedule's next dream takes them)",
      )
      .option(
        '--attach <store[:read_only]>',
        'attach this memory store to each new session, read_write or :read_only (repeatable, at most 8)',
        collect,
      )
      .option(
        '--discovered',
        'also import what `sessions discover` finds (with its --home, --aider-root, --since)',
      )
      .option('--verbose', 'print one line per imported file')
      .option('--progress', 'print files done / total on stderr even when it is not a terminal')
      .option('--json', 'print JSON'),
  )
    .description(
      'import transcripts (idempotent; a bad file is reported and the others still import; empty files met in a folder and Claude Code warm-up subagents are skipped with a warning)',
    )
    .action(async (given: string[], o, cmd: Command) => {
      const found = o.discovered ? (await discover(o)).flatMap((d) => d.files) : undefined;
      if (given.length === 0 && !o.discovered) cmd.error('error: give transcript paths or --discovered');
      await withService(cmd, async (svc, g) => {
        const progress = importProgress(io, o.progress === true);
        const rep = await svc.importSessions(given, {
          discovered: found,
          format: o.format,
          agent_id: o.agent,
          team_id: o.team,
          user_id: o.user,
          ...(o.attach ? { resources: parseAttachOptions(o.attach) } : {}),
          invalid_utf8: o.invalidUtf8,
          invalid_json: o.invalidJson,
          onTotal: (n) => progress.total(n),
          onFile: (r, i) => {
            const line =
              g.json || !(r.status === 'failed' || (o.verbose && r.status === 'imported'))
                ? ''
                : `${importLine(r)}\n`;
            const text = line + (g.json ? '' : warningLines(r));
            if (text !== '') {
              progress.pause();
              io.err(text);
            }
            progress.file(i + 1);
          },
        });
        progress.done();
        if (rep.totals.failed_files > 0) process.exitCode = 1;
        if (o.store) await attachSessions(svc, o.store, rep.session_ids);
        if (g.json) return printJson(rep);
        const t = rep.totals;
        io.out(
          `${t.created} new, ${t.updated} updated, ${t.unchanged} unchanged sessions from ${t.files} files (${t.failed_files} failed${skippedNote(t.skipped_files)})\n`,
        );
        if (rep.resources) io.out(attachedLine(rep.resources, t.created));
      });
    });
  registerDiscoverCommand(sessions, ctx);
  sessions
    .command('list')
    .option('--agent <id>', 'only this agent')
    .option('--memory-store <id>', 'only sessions this memory store is attached to')
    .option('--limit <n>', 'at most this many', positiveInt, 100)
    .option('--json', 'print JSON')
    .description('list sessions')
    .action(async (o, cmd: Command) => {
      await withService(cmd, async (svc, g) => {
        const page = await svc.listSessions({
          agent_id: o.agent,
          memory_store_id: o.memoryStore,
          limit: o.limit,
        });
        if (g.json) return printJson(page);
        io.out(
          page.data.length
            ? table(
                ['id', 'format', 'agent', 'events', 'outcome', 'title'],
                page.data.map((s) => [
                  s.id,
                  s.source_format,
                  s.agent_id,
                  s.event_count,
                  s.outcome?.result ?? '-',
                  s.title.slice(0, 60),
                ]),
              )
            : 'no sessions\n',
        );
      });
    });
  sessions
    .command('show')
    .argument('<session>', 'session id')
    .option('--events', 'print the events')
    .option('--json', 'print JSON')
    .description('show a session (and its events)')
    .action(async (id: string, o, cmd: Command) => {
      await withService(cmd, async (svc, g) => {
        const s = await svc.getSession(id);
        const resources = (await svc.sessionResources([id])).get(id) ?? [];
        const events = o.events || g.json ? await svc.getEvents(id) : [];
        if (g.json) return printJson({ ...s, resources, events });
        io.out(
          `${s.id}  ${s.title}\nformat ${s.source_format} · agent ${s.agent_id}${s.user_id ? ` · user ${s.user_id}` : ''} · ${s.event_count} events · outcome ${s.outcome?.result ?? 'none'}\nsource ${s.source_file}${s.parent_session_id ? `\nparent ${s.parent_session_id}` : ''}\n`,
        );
        for (const r of resources)
          io.out(`memory store ${r.memory_store_id} (${r.name}) at ${r.mount_path} ${r.access}\n`);
        for (const e of events) {
          const body =
            e.type === 'agent.tool_use'
              ? `${e.tool}(${JSON.stringify(e.input).slice(0, 160)})`
              : e.type === 'agent.tool_result'
                ? `${e.is_error ? 'ERROR ' : ''}${e.content.slice(0, 160)}`
                : e.text.slice(0, 160);
          io.out(`${String(e.seq).padStart(4)} ${e.type.padEnd(17)} ${body.replace(/\s+/g, ' ')}\n`);
        }
      });
    });

  // ── dreams
  const dreams = program.command('dreams').description('dreams');
  dreams
    .command('list')
    .option('--store <id>', 'only dreams of this store')
    .option('--json', 'print JSON')
    .description('list dreams, newest first')
    .action(async (o, cmd: Command) => {
      await withService(cmd, async (svc, g) => {
        const page = await listDreamsWithJobs(svc, { memory_store_id: o.store, limit: 100 });
        if (g.json)
          return printJson({
            data: page.data.map((x) => ({ ...x.dream, job: x.job })),
            next_page: page.next_page,
          });
        io.out(
          page.data.length
            ? table(
                ['id', 'status', 'job', 'store', 'sessions', 'changes', 'created_at'],
                page.data.map(({ dream: d, job }) => [
                  d.id,
                  d.status,
                  job ? `${job.state.replace('_', ' ')} (attempt ${job.attempts}/${job.max_attempts})` : '-',
                  d.inputs[0].memory_store_id,
                  d.inputs[1].session_ids.length,
                  d.stats.changes ?? '-',
                  d.created_at,
                ]),
              )
            : 'no dreams\n',
        );
      });
    });
  dreams
    .command('show')
    .argument('<dream>', 'dream id')
    .option('--json', 'print JSON')
    .description('show a dream')
    .action(async (id: string, _o, cmd: Command) => {
      await withService(cmd, async (svc, g) => {
        const d = await svc.getDream(id);
        const changes = await svc.listChanges(id);
        if (g.json) return printJson(d);
        io.out(`${dreamSummary(d, changes)}\n`);
        io.out(`engine ${d.engine} · created ${d.created_at}${d.ended_at ? ` · ended ${d.ended_at}` : ''}\n`);
        io.out(
          `input store ${d.inputs[0].memory_store_id} → ${d.outputs.map((o) => o.memory_store_id).join(', ') || '(no output store)'}\n`,
        );
        if (d.error) io.out(`error: ${d.error.type}: ${d.error.message}\n`);
        io.out(`model ${d.model.id} · ${usageLine(d)}\n`);
        const stats = Object.entries(d.stats).sort(([a], [b]) => (a < b ? -1 : 1));
        if (stats.length) io.out(`stats: ${stats.map(([k, v]) => `${k}=${v}`).join(' ')}\n`);
      });
    });

  program
    .command('changes')
    .argument('<dream>', 'dream id')
    .option('--no-diff', 'omit diffs')
    .option('--json', 'print JSON')
    .description("show a dream's change set: each change with its reason, support, evidence and diff")
    .action(async (id: string, o, cmd: Command) => {
      await withService(cmd, async (svc, g) => {
        const changes = await svc.listChanges(id);
        if (g.json) return printJson({ dream_id: id, data: changes });
        const sessions = new Map(
          (
            await svc.getSessions([...new Set(changes.flatMap((c) => c.evidence.map((e) => e.session_id)))])
          ).map((s) => [s.id, s]),
        );
        io.out(
          renderChangeSetMarkdown(changes, {
            title: `Change set of ${id}`,
            lookup: (sid) => sessions.get(sid),
            sources: await evidenceSources(changes, (sid) => svc.getEvents(sid)),
            diff: o.diff,
          }),
        );
      });
    });

  program
    .command('why')
    .argument('<store>', 'store id')
    .argument('<path>', 'memory path, e.g. /mistakes/payment-total.md')
    .option('--json', 'print JSON')
    .description(
      'show the provenance of one memory: versions, the dream changes behind them and their evidence',
    )
    .action(async (storeId: string, path: string, _o, cmd: Command) => {
      await withService(cmd, async (svc, g) => {
        const p = await svc.why(storeId, path);
        if (g.json) return printJson(p);
        io.out(`${path} in ${storeId}${p.memory ? ` (memory ${p.memory.id})` : ' (deleted)'}\n`);
        for (const h of p.history) {
          const v = h.version;
          io.out(`\n${v.created_at}  ${v.operation} by ${v.created_by.type} ${v.created_by.id}  [${v.id}]\n`);
          if (v.note) io.out(`  note: ${v.note}\n`);
          if (h.change) {
            io.out(
              `  change ${h.change.id} (${h.change.kind}, ${h.change.op}, confidence ${h.change.confidence.toFixed(2)}, support ${h.change.support.sessions} session${h.change.support.sessions === 1 ? '' : 's'} / ${h.change.support.agents} agent${h.change.support.agents === 1 ? '' : 's'})\n`,
            );
            io.out(`  why: ${h.change.reason}\n`);
          }
          for (const e of h.evidence)
            io.out(
              `  - ${e.session_id} ${e.session_title ? `(${e.session_title}) ` : ''}events ${e.seq_from}–${e.seq_to}: “${e.quote.replace(/\s+/g, ' ').slice(0, 160)}”\n`,
            );
        }
      });
    });

  registerReviewCommands(program, ctx);
  registerEvalCommand(program, ctx);
  registerCheckCommand(program, ctx);
  registerMcpCommand(program, ctx);
  registerSyncCommand(program, ctx);
  registerClaudeCodeCommands(program, ctx);
  registerKeysCommand(program, ctx);
  registerTeamsCommand(program, ctx);
  registerWorkerCommand(program, ctx);
  registerScheduleCommands(program, ctx);
  registerOutcomeCommand(sessions, ctx);
  registerDreamCancelCommand(dreams, ctx);
  return program;
}

/**
 * Parses `argv` (without the node and script entries) and runs the command, mapping errors to exit codes:
 * 0 success, 1 failure (error printed), 2 usage error. Returns the exit code; never throws. Human output
 * goes through `humanIO` (control characters escaped, long lines cut); `--json` stdout stays exact.
 */
export async function runCli(argv: string[], raw: CliIO = processIO): Promise<number> {
  const json = argv.includes('--json');
  const io = humanIO(raw, json);
  const program = buildProgram(io);
  try {
    process.exitCode = undefined;
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError)
      return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' ? 0 : 2;
    const err = ReverieError.isInstance(e) ? e : null;
    if (json)
      io.out(
        `${JSON.stringify({ error: { type: err?.type ?? 'internal_error', message: (e as Error).message, ...(err?.details ?? {}) } })}\n`,
      );
    else io.err(`error: ${(e as Error).message}\n`);
    if (!err && process.env.REVERIE_DEBUG) io.err(`${(e as Error).stack}\n`);
    return 1;
  }
}
