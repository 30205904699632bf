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

/**
 * A JSONL line already parsed, with its 1-based line number: format detection parses a file's first line to
 * tell its format and hands it to the importer (`ImporterOptions.first_line`), so that no line is parsed twice.
 */
export interface ParsedLine {
  line: number;
  value: unknown;
}

/**
 * Calls `fn(value, lineNumber)` for every non-blank line of a JSONL document, parsed with
 * {@link parseJsonLine} (lines as {@link forEachLine} splits them), except line `known.line`, for which
 * `known.value` is used as it is.
 * @throws ImportError `file:line: invalid JSON: …` for a line that does not parse.
 */
export function forEachJsonLine(
  file: string,
  text: string,
  fn: (value: unknown, lineNumber: number) => void,
  known?: ParsedLine,
): void {
  forEachLine(text, (lineText, line) =>
    fn(known !== undefined && line === known.line ? known.value : parseJsonLine(file, lineText, line), line),
  );
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

/**
 * Deepest nesting of arrays and objects reverie imports: 256 levels. Real transcripts stay far below
 * (the deepest in ../shared/data is 11); deeper input is refused with its line rather than crashing a
 * recursive step later with "Maximum call stack size exceeded". A depth cap is the usual guard of JSON
 * readers (serde_json's default recursion limit is 128; Python's `json` stops at its recursion limit).
 */
export const MAX_NESTING_DEPTH = 256;

/**
 * Finds where JSON text nests arrays/objects deeper than `max`: a linear scan that counts `[`/`{`
 * against `]`/`}` outside strings (string bodies are skipped with `indexOf`). It does not validate the
 * JSON; for JSONL it scans the whole text (valid lines each return to depth 0).
 * @returns the 0-based position of the first bracket beyond `max`, or -1.
 */
export function findDeepNesting(text: string, max: number = MAX_NESTING_DEPTH): number {
  let depth = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      i = stringEnd(text, i);
      if (i === -1) return -1;
      continue;
    }
    if (c === 123 || c === 91) {
      if (++depth > max) return i;
    } else if ((c === 125 || c === 93) && depth > 0) depth--;
    i++;
  }
  return -1;
}

/** Position just after the string that opens at `start` (a `"`), or -1 when it is never closed. */
function stringEnd(text: string, start: number): number {
  let from = start + 1;
  for (;;) {
    const q = text.indexOf('"', from);
    if (q === -1) return -1;
    let backslashes = 0;
    while (text.charCodeAt(q - 1 - backslashes) === 92) backslashes++;
    if (backslashes % 2 === 0) return q + 1;
    from = q + 1;
  }
}

/** The ImportError for nesting beyond {@link MAX_NESTING_DEPTH}, at `line` when known. */
export function tooDeep(file: string, line: number | undefined, where = ''): ImportError {
  return new ImportError(
    file,
    `arrays/objects nested deeper than ${MAX_NESTING_DEPTH} levels${where}; reverie refuses such input`,
    line,
  );
}

/**
 * True when `value` nests arrays/objects deeper than `max` (the value itself is level 1). Recursive but
 * bounded: it never descends below level `max + 1`, so at most `max + 1` frames (257 by default) whatever
 * the input's depth; it allocates nothing (checking every event of an import is in its hot path).
 */
export function nestsDeeperThan(value: unknown, max: number = MAX_NESTING_DEPTH): boolean {
  return typeof value === 'object' && value !== null && deeperThan(value, 1, max);
}

/** {@link nestsDeeperThan} for an object or array `v` at level `level`. */
function deeperThan(v: object, level: number, max: number): boolean {
  if (level > max) return true;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const c: unknown = v[i];
      if (typeof c === 'object' && c !== null && deeperThan(c, level + 1, max)) return true;
    }
    return false;
  }
  for (const k in v) {
    const c: unknown = (v as Record<string, unknown>)[k];
    if (typeof c === 'object' && c !== null && deeperThan(c, level + 1, max)) return true;
  }
  return false;
}
