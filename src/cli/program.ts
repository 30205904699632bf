/**
 * The `reverie` command line (commander). A thin shell: every command parses its arguments, calls the
 * service layer, and prints a human summary or, with `--json`, one JSON document on stdout.
 * Errors print `error: <message>` on stderr (or `{"error":{…}}` with `--json`) and exit with status 1;
 * usage errors exit with 2.
 */
import { Command, CommanderError } from 'commander';
import { ReverieError } from '../domain/index.js';
import { Reverie, type ReverieOpenOptions } from '../service/index.js';
import { registerCheckCommand } from './check-command.js';
import { registerClaudeCodeCommands } from './claude-code-command.js';
import { registerDreamCommand } from './dream-command.js';
import { registerDreamsCommands } from './dreams-commands.js';
import { registerEvalCommand } from './eval-command.js';
import { registerKeysCommand } from './keys-command.js';
import { registerMcpCommand } from './mcp-command.js';
import { type CliIO, humanIO, processIO } from './output.js';
import { registerReviewCommands } from './review-commands.js';
import { registerScheduleCommands } from './schedule-commands.js';
import { registerServeCommand } from './serve-command.js';
import { registerSessionCommands } from './session-commands.js';
import { registerStoreCommands } from './store-commands.js';
import { registerSyncCommand } from './sync-command.js';
import { registerTeamsCommand } from './teams-command.js';
import { registerWorkerCommand } from './worker-command.js';

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

  registerDreamCommand(program, ctx);
  registerStoreCommands(program, ctx);
  registerSessionCommands(program, ctx);
  registerDreamsCommands(program, ctx);
  registerReviewCommands(program, ctx);
  registerServeCommand(program, ctx);
  registerEvalCommand(program, ctx);
  registerCheckCommand(program, ctx);
  registerMcpCommand(program, ctx);
  registerSyncCommand(program, ctx);
  registerClaudeCodeCommands(program, ctx);
  registerKeysCommand(program, ctx);
  registerTeamsCommand(program, ctx);
  registerWorkerCommand(program, ctx);
  registerScheduleCommands(program, ctx);
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
