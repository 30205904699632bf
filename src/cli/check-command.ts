/**
 * `reverie check <dream>`: the dream's do-no-harm check (shared/DESIGN.md "The dream", step 6): the input
 * store and the proposal scored on the probe sessions the dream held back, per probe class, with the
 * regressions and the paths behind them. Exit status 1 when the verdict is `regression`, so scripts can
 * gate on it.
 */
import type { Command } from 'commander';
import type { CheckReport, StoreScore } from '../domain/index.js';
import { table } from './output.js';
import type { CliContext } from './program.js';

const VERDICT_TEXT: Record<CheckReport['verdict'], string> = {
  pass: 'pass — the proposal is no worse than the store on any probe class',
  regression: 'REGRESSION — the proposal is worse than the store; it is never applied automatically',
  no_probes:
    'no probes — no sessions were held back (dream with --holdout 0.2); only lost information was checked',
};

/** One line for a dream summary, e.g. `Do-no-harm check: pass (probe errors covered 0 → 2 of 6, …)`. */
export function checkLine(c: CheckReport): string {
  const e = `probe errors covered ${c.input.errors_covered} → ${c.proposed.errors_covered} of ${c.proposed.errors_total}`;
  const k = `contradictions ${c.input.contradictions} → ${c.proposed.contradictions}`;
  return `Do-no-harm check: ${c.verdict} (${c.probe_session_ids.length} probe sessions; ${e}; ${k}; lost ${c.proposed.lost})`;
}

const scoreRow = (name: string, s: StoreScore): string[] => [
  name,
  `${s.errors_covered}/${s.errors_total}`,
  String(s.contradictions),
  String(s.lost),
];

/** Registers `check` on the program. */
export function registerCheckCommand(program: Command, ctx: CliContext): void {
  const { io, withService, printJson } = ctx;
  program
    .command('check')
    .argument('<dream>', 'dream id')
    .option('--json', 'print the check report as JSON')
    .description(
      'the do-no-harm check of a dream: the store and the proposal scored on held-back probe sessions (exit 1 on a regression)',
    )
    .action(async (dreamId: string, _o, cmd: Command) => {
      await withService(cmd, async (svc, g) => {
        const dream = await svc.getDream(dreamId);
        const c = dream.check ?? null;
        if (g.json) printJson({ dream_id: dream.id, status: dream.status, check: c });
        else if (!c)
          io.out(
            `Dream ${dream.id} is ${dream.status}: it has no check yet (the check runs when a dream completes)\n`,
          );
        else {
          io.out(`Dream ${dream.id}: ${VERDICT_TEXT[c.verdict]}\n\n`);
          io.out(
            table(
              ['store', 'probe errors covered', 'contradictions', 'lost'],
              [scoreRow('input', c.input), scoreRow('proposal', c.proposed)],
            ),
          );
          for (const r of c.regressions) {
            io.out(`\n${r.class}: ${r.detail}\n`);
            if (r.paths.length) io.out(`  paths: ${r.paths.join(', ')}\n`);
            if (r.session_ids.length) io.out(`  probe sessions: ${r.session_ids.join(', ')}\n`);
          }
          if (c.regressions.length)
            io.out(`\nReview the changes on those paths: reverie review ${dream.id}\n`);
        }
        if (c?.verdict === 'regression') process.exitCode = 1;
      });
    });
}
