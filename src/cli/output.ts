/**
 * Terminal output helpers for the CLI: an output sink (so tests can capture), progress on a TTY, and
 * plain tables. Progress goes to stderr and only when it is a terminal; results go to stdout.
 */
import type { DreamProgress } from '../domain/index.js';

/** Where the CLI writes: results to `out`, diagnostics and progress to `err`. */
export interface CliIO {
  out: (text: string) => void;
  err: (text: string) => void;
  /** True when `err` is an interactive terminal (progress is drawn only then). */
  isTTY: boolean;
}

/** The process's stdout/stderr. */
export const processIO: CliIO = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  isTTY: Boolean(process.stderr.isTTY),
};

/**
 * Makes the process exit quietly when the reader of `stream` goes away (`reverie … | head`: the next
 * write fails with EPIPE), as a tool killed by SIGPIPE does, instead of dying on an unhandled 'error'
 * event with a stack trace. The exit status is the one the command has set so far (`process.exitCode`,
 * else 0). Exiting mid-command is safe: every database write is a transaction (an interrupted one is
 * rolled back) and folders are replaced by rename. Other stream errors are rethrown.
 * @param exit called with the status (tests pass a spy); defaults to `process.exit`.
 */
export function exitOnClosedOutput(
  stream: NodeJS.WritableStream,
  exit: (code: number) => void = (code) => process.exit(code),
): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
  });
}

/** Draws `label phase done/total` on one updating line of a TTY; no-op elsewhere. Call `done()` to clear it. */
export function progressLine(
  io: CliIO,
  label: string,
): { update(p: DreamProgress): void; note(text: string): void; done(): void } {
  let last = 0;
  let drawn = false;
  return {
    update(p) {
      if (!io.isTTY) return;
      const now = Date.now();
      if (now - last < 80 && p.done !== p.total) return;
      last = now;
      const pct = p.total > 0 ? Math.floor((100 * p.done) / p.total) : 0;
      io.err(`\r\x1b[2K${label} ${p.phase} ${p.done}/${p.total} (${pct}%)`);
      drawn = true;
    },
    note(text) {
      if (!io.isTTY) return;
      io.err(`\r\x1b[2K${text}`);
      drawn = true;
    },
    done() {
      if (drawn) io.err('\r\x1b[2K');
      drawn = false;
    },
  };
}

/** Formats rows as an aligned plain-text table with a header row. */
export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return `${cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n')}\n`;
}

/** Milliseconds as a short human duration (`850 ms`, `1.24 s`, `2 min 5 s`). */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}
