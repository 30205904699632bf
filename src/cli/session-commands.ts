/**
 * `reverie sessions import|discover|list|show|outcome`: session transcripts in, listed, shown, and their
 * outcomes recorded after import (`outcome <session> --result satisfied|failed|partial|unknown [--score X]
 * [--label L] [--explanation TEXT]`, the domain's `Outcome` with `source: "user"`; `--clear` removes it).
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { attachSessions, parseAttachOptions, type SessionResource } from '../service/index.js';
import { collect, positiveInt } from './args.js';
import { discover, discoverOptions, registerDiscoverCommand } from './discover-command.js';
import { formatOption, invalidJsonOption, invalidUtf8Option } from './import-options.js';
import { type CliIO, progressLine, table } from './output.js';
import type { CliContext } from './program.js';
import { importLine, skippedNote, warningLines } from './summary-lines.js';

/** Registers the `sessions` command and its subcommands on `program`; returns it. */
export function registerSessionCommands(program: Command, ctx: CliContext): Command {
  const sessions = program.command('sessions').description('session transcripts');
  registerImportCommand(sessions, ctx);
  registerDiscoverCommand(sessions, ctx);
  registerListCommand(sessions, ctx);
  registerShowCommand(sessions, ctx);
  registerOutcomeCommand(sessions, ctx);
  return sessions;
}

/** `sessions import [paths...]`: transcripts in (idempotent), with per-file warnings and progress. */
function registerImportCommand(sessions: Command, ctx: CliContext): void {
  const { io, withService, printJson } = ctx;
  discoverOptions(
    sessions
      .command('import')
      .argument(
        '[paths...]',
        'transcript files or folders (an OpenHands conversation folder, or its events/ folder, is one session)',
      )
      .addOption(formatOption())
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
}

/** `sessions list`: the sessions, newest first, optionally of one agent or memory store. */
function registerListCommand(sessions: Command, ctx: CliContext): void {
  const { io, withService, printJson } = ctx;
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
}

/** `sessions show <session>`: one session, its attached stores, and its events with `--events`. */
function registerShowCommand(sessions: Command, ctx: CliContext): void {
  const { io, withService, printJson } = ctx;
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
}

function score(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError('expected a number from 0 to 1');
  return n;
}

/** Registers `outcome` under the `sessions` command. */
function registerOutcomeCommand(sessions: Command, ctx: CliContext): void {
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
