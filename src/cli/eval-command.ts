/**
 * `reverie eval [--suite planted|tau|swe|locomo|real] [--sessions N] [--seed S] [--phrasings test|train] [--data DIR] [--json]`: runs
 * a dream-quality suite (src/eval) with the offline engine and prints its table of scores and target
 * checks. Exit status 1 when a target is missed, so scripts can gate on it.
 */
import { type Command, Option } from 'commander';
import { EVAL_SUITES, type EvalReport, formatReportTable, runEval } from '../eval/index.js';
import { positiveInt } from './args.js';
import type { CliContext } from './program.js';

/** Adds the `eval` command to `program`. */
export function registerEvalCommand(program: Command, ctx: CliContext): void {
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
    .option('--json', 'print the report as JSON')
    .action(async (o) => {
      const report: EvalReport = await runEval(o.suite, {
        sessions: o.sessions,
        seed: o.seed,
        phrasings: o.phrasings,
        dataDir: o.data,
        keep: o.keep,
      });
      if (o.json) ctx.printJson(report);
      else ctx.io.out(formatReportTable(report));
      if (report.targets.some((t) => !t.pass)) process.exitCode = 1;
    });
}
