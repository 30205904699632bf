/**
 * `reverie sync <store> <dir> [--watch] [--interval 15s] [--read-only] [--adopt] [--delete-delay 30s]
 * [--layout reverie|claude-code]`: two-way sync of a memory store with a folder (src/agents/folder-sync.ts has the rules). Once, or with
 * `--watch` every interval until interrupted (Ctrl-C finishes the sync under way, then exits).
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { type SyncReport, syncFolder } from '../agents/folder-sync.js';
import { ReverieError } from '../domain/index.js';
import { MEMORY_LAYOUTS, type MemoryLayout } from '../service/claude-code-layout.js';
import type { CliContext } from './program.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Parses a duration option: `500ms`, `15s`, `2m`, `1h`, or a bare number of seconds.
 * @returns milliseconds.
 * @throws InvalidArgumentError (usage error, exit status 2) for anything else.
 */
export function parseDuration(v: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(v.trim());
  if (!m) throw new InvalidArgumentError('expected a duration such as 15s, 500ms, 2m');
  return Math.round(Number(m[1]) * UNITS[m[2] ?? 's']!);
}

/** One line for people: what a sync did. */
export function syncSummary(r: SyncReport): string {
  const parts = [
    `${r.pulled.length} pulled`,
    `${r.pushed.length} pushed`,
    `${r.deleted_local.length} deleted locally`,
    `${r.deleted_remote.length} deleted on the server${r.pending_deletes.length ? ` (${r.pending_deletes.length} local deletes waiting)` : ''}`,
    `${r.conflicts.length} conflicts`,
    `${r.bytes_moved} bytes moved`,
  ];
  const lines = [
    `Synced ${r.memory_store_id} ↔ ${r.dir}${r.downloaded ? ` (downloaded: ${r.downloaded})` : ''}: ${parts.join(', ')}`,
  ];
  for (const c of r.conflicts)
    lines.push(`  conflict ${c.path}: server version kept; yours is in ${c.conflict_file}`);
  for (const s of r.skipped) lines.push(`  skipped ${s.path}: ${s.reason}`);
  for (const n of r.notes ?? []) lines.push(`  note ${n}`);
  return `${lines.join('\n')}\n`;
}

/** True when a sync moved, deleted and found nothing (no pending deletes, conflicts or download either). */
export function idle(r: SyncReport): boolean {
  return (
    r.pulled.length + r.pushed.length + r.deleted_local.length + r.deleted_remote.length === 0 &&
    r.pending_deletes.length + r.conflicts.length === 0 &&
    r.downloaded === null
  );
}

/** Adds the `sync` command to `program`. */
export function registerSyncCommand(program: Command, ctx: CliContext): void {
  program
    .command('sync')
    .description('two-way sync of a memory store with a folder (e.g. a Claude Code memory directory)')
    .argument('<store>', 'memory store id')
    .argument('<dir>', 'the folder (created when missing)')
    .option('--watch', 'keep syncing every --interval until interrupted')
    .option('--interval <duration>', 'time between syncs with --watch (min 1s)', parseDuration, 15_000)
    .option('--read-only', 'pull only: never push or delete on the server')
    .option('--adopt', 'merge a folder that has files but no marker (nothing on either side is lost)')
    .option(
      '--delete-delay <duration>',
      'how long a file must stay deleted locally before the server delete',
      parseDuration,
      30_000,
    )
    .addOption(
      new Option(
        '--layout <layout>',
        "the folder's layout: reverie (default: the store's paths and bytes) or claude-code (Claude Code's memory folder: <type>_<name>.md with its front matter, MEMORY.md regenerated)",
      )
        .choices(MEMORY_LAYOUTS as MemoryLayout[])
        .default('reverie'),
    )
    .option('--json', 'print each sync report as JSON (one line per sync with --watch)')
    .action(async (storeId: string, dir: string, o, cmd: Command) => {
      if (o.interval < 1000) throw new InvalidArgumentError('--interval must be at least 1s');
      await ctx.withService(cmd, async (svc) => {
        const opts = {
          readOnly: o.readOnly === true,
          adopt: o.adopt === true,
          deleteDelayMs: o.deleteDelay,
          layout: o.layout as MemoryLayout,
          log: (l: string) => ctx.io.err(`${l}\n`),
        };
        // With --watch, people see the syncs that did something; --json reports every one.
        const print = (r: SyncReport) => {
          if (o.json) ctx.io.out(`${JSON.stringify(r, null, o.watch ? 0 : 2)}\n`);
          else if (!o.watch || !idle(r)) ctx.io.out(syncSummary(r));
        };
        if (!o.watch) return print(await syncFolder(svc, storeId, dir, opts));
        await watch(o.interval, async () => {
          try {
            print(await syncFolder(svc, storeId, dir, opts));
          } catch (e) {
            if (ReverieError.isInstance(e) && e.type === 'invalid_request_error') throw e;
            ctx.io.err(`error: ${(e as Error).message}\n`);
          }
        });
      });
    });
}

/** Runs `once` now and every `ms` until SIGINT/SIGTERM; a run under way finishes first. */
async function watch(ms: number, once: () => Promise<void>): Promise<void> {
  let stop = false;
  let wake: () => void = () => {};
  const onSignal = () => {
    stop = true;
    wake();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    while (!stop) {
      await once();
      if (!stop)
        await new Promise<void>((r) => {
          const t = setTimeout(r, ms);
          wake = () => {
            clearTimeout(t);
            r();
          };
        });
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
