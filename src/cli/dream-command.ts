/**
 * `reverie dream`: a one-shot dream over transcripts into `--out DIR`, or a dream of a stored memory store
 * (run here, queued for a worker with `--queue`, or estimated with `--dry-run` for the LLM engine).
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { type Dream, ReverieError, type SourceFormat } from '../domain/index.js';
import { DEFAULT_HOLDOUT, type LlmEstimate } from '../dream/index.js';
import {
  enqueueDream,
  type FileImportReport,
  findInstructionFiles,
  llmEngineFactory,
  type MemoryLayout,
  oneShotDream,
  oneShotEstimate,
  type Reverie,
  renderChangeSetMarkdown,
  toLayout,
  writeMemoryFolder,
} from '../service/index.js';
import { addEngineOptions, collect, type EngineFlags, fraction, positiveInt } from './args.js';
import { checkLine } from './check-command.js';
import { demoLine, prepareDemo } from './demo.js';
import { formatOption, invalidJsonOption, invalidUtf8Option, layoutOption } from './import-options.js';
import { type CliIO, progressLine } from './output.js';
import type { CliContext, GlobalOpts } from './program.js';
import { autoApplyAfterDream, printAutoApply } from './review-commands.js';
import { countByKind, dreamSummary, importLine, skippedNote, warningLines } from './summary-lines.js';

/** The parsed options of `reverie dream` (commander's camel-cased names). */
interface DreamOptions extends EngineFlags {
  memory?: string;
  out?: string;
  layout: MemoryLayout;
  instructionsFile?: string[];
  store?: string;
  session?: string[];
  format?: SourceFormat;
  invalidUtf8?: 'warn' | 'error';
  invalidJson?: 'warn' | 'error';
  agent?: string;
  team?: string;
  minSupport?: number;
  instructions?: string;
  updateExisting?: boolean;
  holdout?: number;
  apply?: 'auto' | 'review';
  queue?: boolean;
  demo?: boolean;
  json?: boolean;
}

type ProgressBar = ReturnType<typeof progressLine>;

/** Registers `dream` on `program`. */
export function registerDreamCommand(program: Command, ctx: CliContext): void {
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
      .addOption(formatOption())
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
    .action((transcripts: string[], o: DreamOptions, cmd: Command) => dreamAction(ctx, transcripts, o, cmd));
}

/** Runs `reverie dream`: prepares the demo corpus and the engine, then one of the four ways below. */
async function dreamAction(ctx: CliContext, given: string[], o: DreamOptions, cmd: Command): Promise<void> {
  let transcripts = given;
  if (o.demo) {
    const demo = await prepareDemo(cmd, transcripts, o);
    if (!o.json && !cmd.optsWithGlobals().json) ctx.io.out(demoLine(demo));
    transcripts = demo.transcripts;
    o.memory = demo.memory;
  }
  if (o.record && o.replay)
    throw new ReverieError('invalid_request_error', 'give --record or --replay, not both');
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
  await ctx.withService(
    cmd,
    async (svc, g) => {
      if (o.dryRun) return dryRun(ctx, svc, transcripts, o, g);
      const bar = progressLine(ctx.io, 'dreaming');
      const onFile = fileReporter(ctx.io, bar, g.json === true);
      if (!o.store) return oneShot(ctx, svc, transcripts, o, g, bar, onFile);
      return storedDream(ctx, svc, transcripts, { ...o, store: o.store }, g, bar, onFile);
    },
    { llm },
  );
}

/** The engine `--engine` names, or `llm` when an LLM-only option was given, else the default. */
function engineOf(o: DreamOptions): 'offline' | 'llm' | undefined {
  return o.engine ?? (o.provider || o.dryRun || o.record || o.replay || o.maxInputTokens ? 'llm' : undefined);
}

/** Per-file import feedback while dreaming: failures and warnings on stderr, else a progress note. */
function fileReporter(io: CliIO, bar: ProgressBar, json: boolean): (r: FileImportReport) => void {
  let files = 0;
  return (r) => {
    files++;
    if (json) return;
    if (r.status === 'failed') {
      bar.done();
      io.err(`${importLine(r)}\n`);
    } else if (r.warnings) {
      bar.done();
      io.err(warningLines(r));
    } else bar.note(`importing: ${files} files`);
  };
}

/** One-shot dream (no `--store`): import, dream, write `--out`; prints the summary or the JSON result. */
async function oneShot(
  ctx: CliContext,
  svc: Reverie,
  transcripts: string[],
  o: DreamOptions,
  g: GlobalOpts,
  bar: ProgressBar,
  onFile: (r: FileImportReport) => void,
): Promise<void> {
  const { io } = ctx;
  if (o.apply)
    throw new ReverieError(
      'invalid_request_error',
      '--apply needs --store: a one-shot dream has no store of yours to apply to (it writes --out)',
    );
  if (transcripts.length === 0)
    throw new ReverieError('invalid_request_error', 'give transcript files or folders, or --store');
  const engine = engineOf(o);
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
    ctx.printJson({
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
  const n = t.created + t.updated + t.unchanged;
  io.out(
    `Imported ${n} session${n === 1 ? '' : 's'} from ${t.files - t.failed_files - t.skipped_files} of ${t.files} file${t.files === 1 ? '' : 's'} (${t.created} new, ${t.updated} updated, ${t.unchanged} unchanged${skippedNote(t.skipped_files)})\n`,
  );
  io.out(`${dreamSummary(r.dream, changes)}\n`);
  io.out(`Input store ${r.input_store.id}; output store ${r.output_store_id}\n`);
  if (r.out_dir) io.out(`Wrote ${r.out_dir} (index: MEMORY.md; change set: .reverie/CHANGES.md)\n`);
  io.out(`Review: reverie changes ${r.dream.id}${g.db ? ` --db ${g.db}` : ''}\n`);
  if (t.failed_files > 0) process.exitCode = 1;
}

/**
 * The sessions a `--store` dream reads: the `--session` ids and those TRANSCRIPTS import as (none given:
 * undefined, the sessions imported since the store's last dream).
 */
async function sessionsForStore(
  svc: Reverie,
  transcripts: string[],
  o: DreamOptions,
  onFile?: (r: FileImportReport) => void,
): Promise<string[] | undefined> {
  if (transcripts.length === 0) return o.session;
  const rep = await svc.importSessions(transcripts, {
    format: o.format,
    agent_id: o.agent,
    team_id: o.team,
    invalid_utf8: o.invalidUtf8,
    invalid_json: o.invalidJson,
    ...(onFile ? { onFile } : {}),
  });
  return [...new Set([...(o.session ?? []), ...rep.session_ids])];
}

/** The dream options both a stored run and a queued one send: min support and the instruction files. */
function dreamOptions(o: DreamOptions, instructionFiles: Awaited<ReturnType<typeof findInstructionFiles>>) {
  return {
    ...(o.minSupport ? { min_support: o.minSupport } : {}),
    ...(instructionFiles.length > 0 ? { instruction_files: instructionFiles } : {}),
  };
}

/** `--store`: imports TRANSCRIPTS, then queues the dream (`--queue`) or runs it here and prints the result. */
async function storedDream(
  ctx: CliContext,
  svc: Reverie,
  transcripts: string[],
  o: DreamOptions & { store: string },
  g: GlobalOpts,
  bar: ProgressBar,
  onFile: (r: FileImportReport) => void,
): Promise<void> {
  const sessionIds = await sessionsForStore(svc, transcripts, o, onFile);
  const instructionFiles = await findInstructionFiles(svc, sessionIds ?? [], o.instructionsFile ?? []);
  const output_behavior = o.updateExisting
    ? ({ type: 'update_existing', memory_store_id: o.store } as const)
    : undefined;
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
        output_behavior,
        // read here, where the files are: the worker that runs the dream may be elsewhere
        options: dreamOptions(o, instructionFiles),
        holdout: o.holdout,
      },
      { apply: o.apply },
    );
    if (g.json) return ctx.printJson(q);
    ctx.io.out(
      `Queued dream ${q.dream.id} (job ${q.job.id}, ${q.job.backend} queue); reverie worker runs it\n`,
    );
    return;
  }
  const engine = engineOf(o);
  const dream = await svc.dream(
    {
      memory_store_id: o.store,
      session_ids: sessionIds,
      instructions: o.instructions ?? null,
      ...(engine ? { engine } : {}),
      ...(o.model ? { model: o.model } : {}),
      output_behavior,
      options: dreamOptions(o, instructionFiles),
      holdout: o.holdout ?? (o.apply === 'auto' ? DEFAULT_HOLDOUT : undefined),
    },
    { onProgress: (p) => bar.update(p) },
  );
  bar.done();
  await reportStoredDream(ctx, svc, dream, o, g);
}

/** After a stored dream ran here: auto-applies under `--apply auto`, writes `--out`, prints the result. */
async function reportStoredDream(
  ctx: CliContext,
  svc: Reverie,
  dream: Dream,
  o: DreamOptions,
  g: GlobalOpts,
): Promise<void> {
  const { io } = ctx;
  const dreamId = dream.id;
  const auto = o.apply === 'auto' ? await autoApplyAfterDream(svc, dreamId) : null;
  const changes = await svc.listChanges(dreamId);
  if (o.out && dream.outputs[0]) {
    const files = toLayout(
      (await svc.snapshot(dream.outputs[0].memory_store_id)).map((m) => ({
        path: m.path,
        content: m.content!,
      })),
      o.layout,
    );
    await writeMemoryFolder(resolve(o.out), files, {
      '.reverie/CHANGES.md': renderChangeSetMarkdown(changes, { title: `Change set of ${dreamId}` }),
    });
  }
  if (g.json)
    return ctx.printJson({
      dream,
      changes: { total: changes.length, by_kind: countByKind(changes) },
      ...(auto ? { auto } : {}),
    });
  io.out(`${dreamSummary(dream, changes)}\n`);
  if (dream.outputs[0]) io.out(`Output store ${dream.outputs[0].memory_store_id}\n`);
  if (dream.check) io.out(`${checkLine(dream.check)}\n`);
  if (auto) printAutoApply(io, auto);
  io.out(`Review: reverie review ${dreamId}\n`);
}

/** `dream --dry-run`: imports, then prints the LLM engine's estimate; no dream is created, nothing is sent. */
async function dryRun(
  ctx: CliContext,
  svc: Reverie,
  transcripts: string[],
  o: DreamOptions,
  g: GlobalOpts,
): Promise<void> {
  const { io, printJson } = ctx;
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
    const sessionIds = await sessionsForStore(svc, transcripts, o);
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
