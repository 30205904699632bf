/**
 * `reverie eval [--suite planted|tau|swe|locomo|real] [--sessions N] [--seed S] [--phrasings test|train] [--data DIR] [--tau-file F…] [--tau-split D:H] [--json]`: runs
 * a dream-quality suite (src/eval) and prints its table of scores and target checks. Exit status 1 when a
 * target is missed, so scripts can gate on it.
 *
 * The offline engine is the default. `--engine llm --model M [--provider anthropic|openai]` evaluates the
 * LLM engine with the same scorers (issue 12, scope 6), configured as `reverie dream` configures it (the
 * SDKs' environment variables; `--max-input-tokens`, `--record DIR`, `--replay DIR`; `--dry-run` scores
 * the offline pre-pass and reports the calls and tokens the dream would send, sending nothing). Answers are
 * cached in memory for the run, so identical requests across corpora are sent once.
 */
import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { ReverieError } from '../domain/errors.js';
import { EVAL_SUITES, type EvalOptions, type EvalReport, formatReportTable, runEval } from '../eval/index.js';
import { MemoryResponseCache } from '../models/index.js';
import { llmEngineFactory, OFFLINE_MODEL_IDS } from '../service/index.js';
import { addEngineOptions, collect, type EngineFlags, positiveInt } from './args.js';
import type { CliContext } from './program.js';

/**
 * The engine and model options of {@link runEval} for `flags`: none for the offline engine (the default,
 * or `--model reverie-offline`), else the LLM engine configured from the flags and `env`.
 * @throws ReverieError (`invalid_request_error`) for `--record` with `--replay`, or an LLM flag with
 *   `--engine offline`; ValidationError (from the models lane) for a missing `--model` or key variable.
 */
export function evalEngineOptions(
  flags: EngineFlags,
  env: Record<string, string | undefined>,
): Pick<EvalOptions, 'engine' | 'model'> {
  if (flags.record && flags.replay)
    throw new ReverieError('invalid_request_error', 'give --record or --replay, not both');
  const llmFlag = [flags.provider, flags.dryRun, flags.record, flags.replay, flags.maxInputTokens].some(
    (v) => v !== undefined,
  );
  const namesModel = flags.model !== undefined && !OFFLINE_MODEL_IDS.includes(flags.model);
  const engine = flags.engine ?? (namesModel || llmFlag ? 'llm' : 'offline');
  if (engine === 'offline') {
    if (namesModel || llmFlag)
      throw new ReverieError(
        'invalid_request_error',
        '--provider, --model, --max-input-tokens, --dry-run, --record and --replay are for --engine llm',
      );
    return {};
  }
  const provider = flags.provider ?? 'anthropic';
  const factory = llmEngineFactory(
    {
      provider,
      maxInputTokens: flags.maxInputTokens ?? null,
      dryRun: flags.dryRun === true,
      record: flags.record ? resolve(flags.record) : null,
      replay: flags.replay ? resolve(flags.replay) : null,
    },
    env,
  );
  const modelId = flags.model ?? '';
  return {
    engine: factory({ modelId, responseCache: new MemoryResponseCache() }),
    model: { provider, model: modelId.trim() },
  };
}

/** Adds the `eval` command to `program`. */
export function registerEvalCommand(program: Command, ctx: CliContext): void {
  addEngineOptions(
    program
      .command('eval')
      .description(
        'measure dream quality: planted (synthetic sessions with ground truth), tau (τ-bench predictive coverage), swe (mini-swe-agent coverage), locomo (evidence retention vs compression), real (precision and recall on the hand-labelled real corpora)',
      )
      .addOption(new Option('--suite <suite>', 'which suite').choices([...EVAL_SUITES]).default('planted'))
      .option('--sessions <n>', 'planted suite size', positiveInt, 200)
      .option('--seed <seed>', 'planted suite seed', '1')
      .addOption(
        new Option('--phrasings <half>', 'planted wordings: test (held out, reported) or train (for tuning)')
          .choices(['test', 'train'])
          .default('test'),
      )
      .option('--data <dir>', 'shared real data root (default: $REVERIE_EVAL_DATA or ../shared/data)')
      .option('--keep', 'keep the generated planted files (path in the report)')
      .option(
        '--tau-file <path>',
        'tau: a τ-bench trajectory file or folder instead of the shared trials 0–1 (repeatable; sessions pooled)',
        collect,
      )
      .option(
        '--tau-split <dream:heldout>',
        'tau: trials dreamed and trials held out, e.g. 0-2:3 (default 0:1)',
      ),
    {
      model: 'the model for --engine llm',
      maxInputTokens: 'llm: hard cap on input tokens per dream (estimated)',
      dryRun: 'llm: score the offline pre-pass and report the calls and tokens; send nothing',
    },
  )
    .option('--json', 'print the report as JSON')
    .action(async (o) => {
      const report: EvalReport = await runEval(o.suite, {
        sessions: o.sessions,
        seed: o.seed,
        phrasings: o.phrasings,
        dataDir: o.data,
        keep: o.keep,
        tauFiles: o.tauFile?.map((f: string) => resolve(f)),
        tauSplit: o.tauSplit,
        ...evalEngineOptions(o, process.env),
      });
      if (o.json) ctx.printJson(report);
      else ctx.io.out(formatReportTable(report));
      if (report.targets.some((t) => !t.pass)) process.exitCode = 1;
    });
}
