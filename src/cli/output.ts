/**
 * Terminal output helpers for the CLI: an output sink (so tests can capture), progress on a TTY, and
 * plain tables. Progress goes to stderr and only when it is a terminal; results go to stdout. All human
 * text passes through {@link printable} ({@link humanIO} wraps the sink), so transcript content
 * (titles, file names, quotes, error values) can neither drive the terminal nor flood it.
 */
import type { DreamProgress } from '../domain/index.js';

/** Where the CLI writes: results to `out`, diagnostics and progress to `err`. */
export interface CliIO {
  out: (text: string) => void;
  err: (text: string) => void;
  /** True when `err` is an interactive terminal (progress is drawn only then). */
  isTTY: boolean;
  /**
   * Raw terminal control output (the progress line's `\r` and erase-line sequence), bypassing
   * {@link printable}; `err` when absent.
   */
  control?: (text: string) => void;
}

/** Longest line of human output on stderr (diagnostics), in UTF-16 code units: 1,000. */
export const MAX_ERR_LINE = 1000;
/** Longest line of human output on stdout (results, change sets), in UTF-16 code units: 10,000. */
export const MAX_OUT_LINE = 10_000;

/**
 * Characters that must not reach a terminal raw: C0 controls except tab, line feed and a carriage
 * return that ends a CRLF line; DEL and the C1 controls (U+0080–U+009F, which include the 8-bit CSI);
 * the bidirectional overrides and isolates of "Trojan Source" (CVE-2021-42574: U+200E, U+200F,
 * U+202A–U+202E, U+2066–U+2069); and the Unicode line/paragraph separators U+2028/U+2029.
 */
const UNSAFE =
  /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]|\r(?!\n)/g;

function escapeChar(c: string): string {
  const n = c.charCodeAt(0);
  return n <= 0xff ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
}

/**
 * Makes text safe and readable on a terminal: every unsafe character (see `UNSAFE`: controls such as
 * ESC, BEL, a lone CR, C1, bidi overrides) is shown as a `\xHH` / `\uHHHH` escape, and every line longer
 * than `maxLine` keeps its head and tail around `…[N characters cut]…`. Line feeds and tabs are kept.
 * Text that needs neither is returned unchanged (same string).
 * @param maxLine longest line kept whole, in UTF-16 code units (≥ 40); default {@link MAX_OUT_LINE}.
 * @example printable('title \x1b]0;pwned\x07') // 'title \\x1b]0;pwned\\x07'
 */
export function printable(text: string, maxLine: number = MAX_OUT_LINE): string {
  const escaped = text.replace(UNSAFE, escapeChar);
  if (escaped.length <= maxLine) return escaped;
  return escaped
    .split('\n')
    .map((line) => cutMiddle(line, maxLine))
    .join('\n');
}

/**
 * One value on one line: {@link printable} with line feeds and tabs escaped too, cut to `max`.
 * For titles, file names and other values embedded in a line or a table cell.
 * @param max longest result kept whole, in UTF-16 code units (≥ 40); default 200.
 */
export function oneLine(value: string, max = 200): string {
  return printable(value.replace(/[\n\t]/g, escapeChar), max);
}

/** `line` cut in the middle to about `max` code units, never splitting a surrogate pair. */
function cutMiddle(line: string, max: number): string {
  if (line.length <= max) return line;
  let head = Math.floor((max - 30) / 2);
  let tail = line.length - head;
  if (/[\ud800-\udbff]/.test(line.charAt(head - 1))) head--;
  if (/[\udc00-\udfff]/.test(line.charAt(tail))) tail++;
  return `${line.slice(0, head)}…[${tail - head} characters cut]…${line.slice(tail)}`;
}

/**
 * The sink for human output: `out` and `err` pass through {@link printable} (stdout lines capped at
 * {@link MAX_OUT_LINE}, stderr lines at {@link MAX_ERR_LINE}); `control` stays raw for the progress line.
 * With `json`, stdout is left exact (it carries one JSON document, whose strings JSON escapes).
 */
export function humanIO(io: CliIO, json = false): CliIO {
  return {
    out: json ? io.out : (t) => io.out(printable(t, MAX_OUT_LINE)),
    err: (t) => io.err(printable(t, MAX_ERR_LINE)),
    isTTY: io.isTTY,
    control: io.control ?? io.err,
  };
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
  const draw = io.control ?? io.err;
  return {
    update(p) {
      if (!io.isTTY) return;
      const now = Date.now();
      if (now - last < 80 && p.done !== p.total) return;
      last = now;
      const pct = p.total > 0 ? Math.floor((100 * p.done) / p.total) : 0;
      draw(`\r\x1b[2K${oneLine(label)} ${oneLine(p.phase)} ${p.done}/${p.total} (${pct}%)`);
      drawn = true;
    },
    note(text) {
      if (!io.isTTY) return;
      draw(`\r\x1b[2K${oneLine(text)}`);
      drawn = true;
    },
    done() {
      if (drawn) draw('\r\x1b[2K');
      drawn = false;
    },
  };
}

/**
 * Formats rows as an aligned plain-text table with a header row; each cell is shown with
 * {@link oneLine} (escaped, at most 200 code units), so alignment holds whatever the values hold.
 */
export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map((c) => oneLine(String(c))))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return `${cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n')}\n`;
}

/** Milliseconds as a short human duration (`850 ms`, `1.24 s`, `2 min 5 s`). */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}
