/**
 * `reverie sessions outcome <session> --result satisfied|failed|partial|unknown [--score X] [--label L]
 * [--explanation TEXT]`: records a session's outcome after import (the next dream weights by it), as the
 * domain's `Outcome` with `source: "user"`. `--clear` removes it.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { SessionResource } from '../service/index.js';
import { collect } from './args.js';
import { type CliIO, progressLine } from './output.js';
import type { CliContext } from './program.js';

function score(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError('expected a number from 0 to 1');
  return n;
}

/** Registers `outcome` under the `sessions` command. */
export function registerOutcomeCommand(sessions: Command, ctx: CliContext): void {
  const { io, withService, printJson } = ctx;
  sessions
    .command('outcome')
    .argument('<session>', 'session id')
    .addOption(
      new Option('--result <result>', 'how the session ended').choices([
        'satisfied',
        'failed',
        'partial',
        'unknown',
      ]),
    )
    .option('--score <x>', 'a score from 0 to 1', score)
    .option('--label <label>', 'a label (repeatable)', collect)
    .option('--explanation <text>', 'why')
    .option('--clear', 'remove the outcome')
    .option('--json', 'print the session as JSON')
    .description("record a session's outcome after import (the next dream weights by it)")
    .action(async (id: string, o, cmd: Command) => {
      if (!o.clear && !o.result) throw new InvalidArgumentError('give --result (or --clear)');
      await withService(cmd, async (svc, g) => {
        const s = await svc.setOutcome(
          id,
          o.clear
            ? null
            : {
                result: o.result,
                score: o.score ?? null,
                labels: o.label ?? [],
                explanation: o.explanation ?? null,
                source: 'user',
              },
        );
        if (g.json) return printJson(s);
        io.out(
          `${s.id}: outcome ${s.outcome ? s.outcome.result : 'none'}${s.outcome?.score != null ? ` (score ${s.outcome.score})` : ''}\n`,
        );
      });
    });
}

/**
 * The line `sessions import --attach` prints: which stores the new sessions attached, where they mount,
 * and, when the import created none, that existing sessions keep their attachments.
 */
export function attachedLine(resources: readonly SessionResource[], created: number): string {
  const list = resources.map((r) => `${r.memory_store_id} at ${r.mount_path} ${r.access}`).join(', ');
  if (created === 0)
    return `attached nothing: stores attach to new sessions only, and existing sessions keep theirs (${list})\n`;
  return `attached to ${created} new session${created === 1 ? '' : 's'}: ${list}\n`;
}

/** The progress of `sessions import` (see {@link importProgress}). */
export interface ImportProgress {
  /** The number of files the import will report. */
  total(files: number): void;
  /** `done` files reported so far. */
  file(done: number): void;
  /** Clears the terminal line before another line is printed (a failed file, a warning). */
  pause(): void;
  /** Clears the terminal line at the end. */
  done(): void;
}

/** Least time between two plain progress lines (`--progress` off a terminal), in milliseconds. */
export const PROGRESS_LINE_MS = 1000;
/** Least time between two redraws of the terminal progress line, in milliseconds (as `progressLine`). */
const TTY_REDRAW_MS = 80;

/**
 * Progress of `sessions import`, files done of the total, on stderr: on a terminal one updating line
 * (`importing files 40/120 (33%)`, cleared at the end); with `forced` (`--progress`) off a terminal (a
 * log, a pipe) a plain line `importing: 40/120 files` at most every {@link PROGRESS_LINE_MS} and one
 * when the last file is done; otherwise nothing.
 * @param now the clock, in milliseconds (tests pass their own).
 */
export function importProgress(io: CliIO, forced: boolean, now: () => number = Date.now): ImportProgress {
  const bar = progressLine(io, 'importing');
  let total = 0;
  let last = Number.NEGATIVE_INFINITY;
  return {
    total(n) {
      total = n;
    },
    file(done) {
      const every = io.isTTY ? TTY_REDRAW_MS : forced ? PROGRESS_LINE_MS : null;
      if (every === null || (done !== total && now() - last < every)) return;
      last = now();
      if (!io.isTTY) io.err(`importing: ${done}/${total} files\n`);
      else
        bar.note(`importing files ${done}/${total} (${total > 0 ? Math.floor((100 * done) / total) : 0}%)`);
    },
    pause: () => bar.done(),
    done: () => bar.done(),
  };
}
