/**
 * JSON and JSONL parsing that reports failures as {@link ImportError}s naming the file and the 1-based
 * line: for a JSON document the line is computed from the parser's error position; for JSONL it is
 * the line being parsed. One `JSON.parse` per document (per line for JSONL), nothing else.
 */
import { ImportError } from '../domain/index.js';

/** Counts the lines of `text` up to (excluding) `pos`, 1-based. Uses `indexOf`, not a per-char loop. */
export function lineAt(text: string, pos: number): number {
  let line = 1;
  let i = text.indexOf('\n');
  while (i !== -1 && i < pos) {
    line++;
    i = text.indexOf('\n', i + 1);
  }
  return line;
}

/** Drops a leading UTF-8 byte order mark, which `JSON.parse` rejects. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Parses a whole JSON document.
 * @param file path used in error messages.
 * @param text the document (a BOM is tolerated).
 * @returns the parsed value.
 * @throws ImportError `file:line: invalid JSON: …`, the line computed from the parser's position (the
 *   last line for an unexpected end of input).
 */
export function parseJson(file: string, text: string): unknown {
  const body = stripBom(text);
  try {
    return JSON.parse(body);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const m = /at position (\d+)/.exec(message);
    const line = m ? lineAt(body, Number(m[1])) : lineAt(body, body.trimEnd().length);
    throw new ImportError(file, `invalid JSON: ${stripLocation(message)}`, line, { cause: e });
  }
}

/**
 * Parses one JSONL line.
 * @param line 1-based line number, used in the error.
 * @throws ImportError `file:line: invalid JSON: …`.
 */
export function parseJsonLine(file: string, text: string, line: number): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new ImportError(file, `invalid JSON: ${stripLocation(message)}`, line, { cause: e });
  }
}

/** V8 appends `(line N column M)` for multi-line input; our prefix already says where. */
function stripLocation(message: string): string {
  const i = message.indexOf(' (line ');
  return i === -1 ? message : message.slice(0, i);
}

/**
 * Calls `fn(text, lineNumber)` for every non-blank line of a JSONL document, in order.
 * Line numbers are 1-based and count blank lines; a trailing `\r` (CRLF files) is removed; a BOM on
 * the first line is dropped. Splits with `indexOf`, so it is linear and allocation-light.
 */
export function forEachLine(text: string, fn: (line: string, lineNumber: number) => void): void {
  const body = stripBom(text);
  let start = 0;
  let lineNumber = 0;
  const n = body.length;
  while (start <= n) {
    let end = body.indexOf('\n', start);
    if (end === -1) end = n;
    lineNumber++;
    let stop = end;
    if (stop > start && body.charCodeAt(stop - 1) === 13) stop--;
    if (stop > start) {
      const line = body.slice(start, stop);
      if (!isBlank(line)) fn(line, lineNumber);
    }
    start = end + 1;
  }
}

/** True for a string made only of whitespace; checks the first char before trimming. */
function isBlank(s: string): boolean {
  const c = s.charCodeAt(0);
  return (c === 32 || c === 9 || c === 13) && s.trim() === '';
}

/** True if `v` is a non-null, non-array object. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
