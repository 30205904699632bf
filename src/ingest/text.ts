/** Small text helpers shared by the importers: truncation, titles and UTF-8 decoding. */
import { isUtf8 } from 'node:buffer';
import { ImportError } from '../domain/index.js';

/** Default cap for long tool outputs, in UTF-16 code units (≈ bytes for ASCII): 4,096. */
export const MAX_TOOL_OUTPUT_CHARS = 4096;

/**
 * Shortens `text` to about `max` characters by keeping its head and tail and replacing the middle
 * with a line `[… N characters truncated by reverie …]` (N = characters removed). Text within the cap
 * is returned unchanged. Never splits a surrogate pair.
 * @param max cap in UTF-16 code units, ≥ 2; the result is at most `max` plus the marker line.
 */
export function truncateMiddle(text: string, max: number = MAX_TOOL_OUTPUT_CHARS): string {
  if (text.length <= max) return text;
  let headEnd = Math.floor(max / 2);
  let tailStart = text.length - (max - headEnd);
  if (isHighSurrogate(text.charCodeAt(headEnd - 1))) headEnd--;
  if (isLowSurrogate(text.charCodeAt(tailStart))) tailStart++;
  const removed = tailStart - headEnd;
  return `${text.slice(0, headEnd)}\n[… ${removed} characters truncated by reverie …]\n${text.slice(tailStart)}`;
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/**
 * A one-line title from free text: the first non-empty line, whitespace collapsed, cut to `max`
 * characters with `…`. Returns `''` for empty text.
 * @param max maximum length in characters, default 80.
 */
export function titleFrom(text: string, max = 80): string {
  let start = 0;
  let line = '';
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const l = (end - start > 4 * max ? text.slice(start, start + 4 * max) : text.slice(start, end)).trim();
    if (l !== '') {
      line = l;
      break;
    }
    start = end + 1;
  }
  if (/\s\s|[\t\r\v\f]/.test(line)) line = line.replace(/\s+/g, ' ');
  return line.length > max ? `${line.slice(0, max - 1).trimEnd()}…` : line;
}

/** Converts Unix seconds or an ISO string to an ISO-8601 UTC timestamp; `null` if unusable. */
export function toTimestamp(v: unknown): string | null {
  if (typeof v === 'number' && Number.isFinite(v)) {
    const d = new Date(v < 1e12 ? v * 1000 : v);
    return Number.isNaN(d.getTime()) ? null : d.toISOString();
  }
  if (typeof v === 'string' && v !== '') {
    if (v.length === 24 && v.endsWith('Z') && v[10] === 'T') return v;
    const d = new Date(v);
    return Number.isNaN(d.getTime()) ? null : d.toISOString();
  }
  return null;
}

/** What to do with bytes that are not valid UTF-8: import with a warning (`warn`) or refuse the file (`error`). */
export type InvalidUtf8Mode = 'warn' | 'error';

/**
 * What to do with a line of a JSONL transcript that is not valid JSON (e.g. broken by hand editing or
 * redaction): skip it with a warning naming it (`warn`) or refuse the file (`error`).
 */
export type InvalidJsonMode = 'warn' | 'error';

/**
 * A problem in a file that was still imported. `type` names the problem (`invalid_utf8`: byte
 * sequences that are not UTF-8, decoded as U+FFFD; `invalid_json`: JSONL lines that do not parse,
 * skipped); `line` is the first 1-based line concerned, `lines`
 * the first (at most 10) such lines, `count` how many lines are concerned in all; `message` is
 * `file:line: …`, ready to print.
 */
export interface LineWarning {
  type: 'invalid_utf8' | 'invalid_json';
  file: string;
  line: number;
  lines: number[];
  count: number;
  message: string;
}

/**
 * Something left out on purpose, whole: `empty_file`, a file met in a folder walk that holds nothing
 * but whitespace (Claude Code leaves empty `<session>.jsonl` files behind); `warmup_sidechain`, a Claude
 * Code subagent that only primed the prompt cache (see `isClaudeCodeWarmup`, claude-code.ts).
 * `message` is `file: …`, ready to print.
 */
export interface SkipWarning {
  type: 'empty_file' | 'warmup_sidechain';
  file: string;
  message: string;
}

/** A warning attached to a file's import result: a {@link LineWarning} or a {@link SkipWarning}. */
export type ImportWarning = LineWarning | SkipWarning;

/**
 * Decodes a file's bytes as UTF-8 (WHATWG Encoding Standard decoding: every invalid sequence becomes
 * U+FFFD, as `Buffer#toString('utf8')` does). Valid input is checked with `buffer.isUtf8` (simdutf) and
 * costs one validation pass; only invalid input is examined line by line (0x0A never occurs inside a
 * UTF-8 multi-byte sequence, so each line validates on its own).
 * @param file path used in the warning or error.
 * @param mode `warn` (default): decode and return an `invalid_utf8` warning naming the lines; `error`:
 *   throw instead.
 * @returns the text and zero or one warning.
 * @throws ImportError `file:line: invalid UTF-8 …` in `error` mode.
 */
export function decodeUtf8(
  file: string,
  bytes: Buffer,
  mode: InvalidUtf8Mode = 'warn',
): { text: string; warnings: LineWarning[] } {
  if (isUtf8(bytes)) return { text: bytes.toString('utf8'), warnings: [] };
  const { lines, count } = invalidUtf8Lines(bytes);
  const first = lines[0] ?? 1;
  if (mode === 'error')
    throw new ImportError(
      file,
      `invalid UTF-8 (${count} line${count === 1 ? '' : 's'}); refused by --invalid-utf8 error (--invalid-utf8 warn imports it with U+FFFD in their place)`,
      first,
    );
  const where =
    count === 1 ? `line ${first}` : `${count} lines: ${lines.join(', ')}${count > lines.length ? ', …' : ''}`;
  const message = `${file}:${first}: invalid UTF-8 on ${where}; imported with U+FFFD in place of the bad bytes`;
  return {
    text: bytes.toString('utf8'),
    warnings: [{ type: 'invalid_utf8', file, line: first, lines, count, message }],
  };
}

/** The first 10 1-based lines of `bytes` that are not valid UTF-8, and how many there are in all. */
function invalidUtf8Lines(bytes: Buffer): { lines: number[]; count: number } {
  const lines: number[] = [];
  let count = 0;
  let start = 0;
  let line = 0;
  while (start <= bytes.length) {
    let end = bytes.indexOf(0x0a, start);
    if (end === -1) end = bytes.length;
    line++;
    if (!isUtf8(bytes.subarray(start, end))) {
      count++;
      if (lines.length < 10) lines.push(line);
    }
    start = end + 1;
  }
  return { lines, count };
}
