/**
 * `reverie sessions discover [--home DIR] [--aider-root DIR…] [--since 7d] [--json]`: lists the
 * transcript folders of known agents on this machine (Claude Code, Codex CLI, Gemini CLI, Cline and its
 * forks Roo Code and Kilo Code, OpenHands conversations, and aider histories under the given folders)
 * with their file counts and newest modification times; and
 * the file list `sessions import --discovered` imports (see src/ingest/discover.ts).
 */
import { homedir } from 'node:os';
import type { Command } from 'commander';
import { type DiscoveredSource, discoverTranscripts, parseSince } from '../service/index.js';
import { collect } from './args.js';
import { table } from './output.js';
import type { CliContext } from './program.js';

/** The discovery options shared by `sessions discover` and `sessions import --discovered`. */
export interface DiscoverFlags {
  home?: string;
  aiderRoot?: string[];
  since?: string;
}

/** Adds `--home`, `--aider-root` and `--since` to a command. */
export function discoverOptions(cmd: Command): Command {
  return cmd
    .option('--home <dir>', 'home folder whose agent folders are searched (default: $HOME)')
    .option(
      '--aider-root <dir>',
      'folder to search for .aider.chat.history.md files (repeatable)',
      collect,
      [],
    )
    .option('--since <when>', 'only transcripts modified since: a duration (7d, 12h, 90m, 2w) or a date');
}

/**
 * Runs the discovery the flags describe.
 * @throws ValidationError for a bad `--since` or a missing `--aider-root`.
 */
export function discover(o: DiscoverFlags): Promise<DiscoveredSource[]> {
  return discoverTranscripts({
    home: o.home ?? homedir(),
    aiderRoots: o.aiderRoot ?? [],
    since: o.since === undefined ? null : parseSince(o.since),
  });
}

/** Adds `discover` to the `sessions` command. */
export function registerDiscoverCommand(sessions: Command, ctx: CliContext): void {
  discoverOptions(
    sessions
      .command('discover')
      .description(
        'list the transcript folders of known agents on this machine, with counts and newest dates',
      ),
  )
    .option('--json', 'print JSON')
    .action(async (o: DiscoverFlags & { json?: boolean }, cmd: Command) => {
      const found = await discover(o);
      const g = cmd.optsWithGlobals() as { json?: boolean };
      if (o.json || g.json) return ctx.printJson(found.map((s) => ({ ...s, count: s.files.length })));
      ctx.io.out(
        found.length
          ? table(
              ['agent', 'files', 'newest', 'folder'],
              found.map((s) => [s.agent, s.files.length, s.newest ?? '-', s.root]),
            )
          : 'no known agent folders found\n',
      );
    });
}
