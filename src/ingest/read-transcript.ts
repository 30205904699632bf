/**
 * Reading one transcript file: detect (or take) its format, parse once, normalize.
 */
import {
  closeSync,
  constants,
  fstatSync,
  openSync,
  readFileSync,
  readSync,
  type Stats,
  statSync,
} from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ImportError, ReverieError, type SourceFormat } from '../domain/index.js';
import { importClaudeCode, isClaudeCodeWarmup } from './claude-code.js';
import { sniff } from './detect.js';
import { REPORT_SIDECAR } from './expand-inputs.js';
import { FORMAT_IMPORTERS, isTextFormat } from './formats.js';
import { findDeepNesting, lineAt, nestsDeeperThan, type ParsedLine, parseJson, tooDeep } from './json.js';
import { importMiniSweAgent } from './mini-swe-agent.js';
import { importOpenAiChat } from './openai-chat.js';
import { importReverieJsonl } from './reverie-jsonl.js';
import { importTauBench } from './tau-bench.js';
import { decodeUtf8, type ImportWarning, type InvalidJsonMode, type InvalidUtf8Mode } from './text.js';
import type { ImportedSession, ImportOptions } from './types.js';

/** The sessions read from one file, the format they were read as, and problems that did not stop it. */
export interface ParsedTranscript {
  file: string;
  format: SourceFormat;
  sessions: ImportedSession[];
  /** E.g. invalid UTF-8 decoded as U+FFFD (see {@link decodeUtf8}); empty when the file was clean. */
  warnings: ImportWarning[];
}

/**
 * {@link ImportOptions} plus how to treat bytes that are not UTF-8 (`--invalid-utf8`, default `warn`) and
 * JSONL lines that are not JSON (`--invalid-json`, default `warn`: skipped, at most
 * {@link MAX_SKIPPED_LINES} per file or a tenth of its lines, each named in a warning).
 */
export interface ReadOptions extends ImportOptions {
  invalid_utf8?: InvalidUtf8Mode;
  invalid_json?: InvalidJsonMode;
}

/**
 * Lines of one JSONL file skipped as invalid JSON at most: 20, or a tenth of the file's lines when that is
 * more, never over 100 (each skip reads the file again); one more refuses the file.
 */
export const MAX_SKIPPED_LINES = 20;

/** The most lines of `text` that may be skipped as invalid JSON (see {@link MAX_SKIPPED_LINES}). */
function skipLimit(text: string): number {
  let lines = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
  return Math.min(100, Math.max(MAX_SKIPPED_LINES, Math.ceil(lines / 10)));
}

/** {@link ImportOptions} plus how to read sidecar files (mini-swe-agent's `report.json`). */
export interface ParseOptions extends ReadOptions {
  /**
   * Returns the text of the file at `path`, or `null` if it does not exist. Used for sidecars only;
   * without it no sidecar is read (mini-swe-agent outcomes stay `null`).
   */
  readSidecar?: (path: string) => string | null;
}

/**
 * Normalizes the text of one transcript file; no I/O except through `opts.readSidecar`.
 * @param file the path as given (recorded in `source_file`, pointers and some ids).
 * @param text the file's content (UTF-8 decoded).
 * @param opts `format` forces the format instead of detecting it; `agent_id`/`team_id` see
 *   {@link ImportOptions}.
 * @returns the file's sessions, in file order.
 * @throws ImportError naming the file (and line or element) for content that cannot be imported,
 *   including a forced `format` that yields no session, arrays/objects nested deeper than 256
 *   levels (`MAX_NESTING_DEPTH`, json.ts), in the text or in JSON strings the importer decodes, and a
 *   JSONL line that is not JSON when `opts.invalid_json` is `error` or more than {@link MAX_SKIPPED_LINES}
 *   lines are not (otherwise they are skipped, each named in an `invalid_json` warning).
 */
export function parseTranscript(file: string, text: string, opts: ParseOptions = {}): ParsedTranscript {
  let parsed: ParsedTranscript;
  try {
    parsed = parseSkipping(file, text, opts);
  } catch (e) {
    // An importer recursing into absurdly deep input: say where it is instead of "Maximum call stack".
    if (e instanceof RangeError && /call stack/i.test(e.message)) throw tooDeep(file, deepLine(text));
    throw e;
  }
  checkSessionNesting(file, text, parsed.sessions);
  if (opts.format !== undefined && parsed.sessions.length === 0 && !skippedSome(parsed))
    throw noForcedSessions(file, text, opts);
  return parsed;
}

/**
 * {@link parseChecked}, skipping JSONL lines that are not JSON (`opts.invalid_json` `warn`, the default):
 * the line an importer failed to parse is blanked (line numbers kept) and the file read again, up to
 * {@link MAX_SKIPPED_LINES} times (a tenth of the lines for a longer file, at most 100); the skipped lines are returned in one `invalid_json` warning. A JSON
 * document (not JSONL) is never read this way: a syntax error there is the file's.
 */
function parseSkipping(file: string, text: string, opts: ParseOptions): ParsedTranscript {
  const skipped: number[] = [];
  let body = text;
  let limit = 0;
  for (;;) {
    try {
      const parsed = parseChecked(file, body, opts);
      if (skipped.length > 0) parsed.warnings.push(skippedWarning(file, skipped));
      return parsed;
    } catch (e) {
      const line = badJsonLine(e);
      if (line === undefined || opts.invalid_json === 'error') throw e;
      // once per file, at its first bad line: JSONL only (the format stays as detected), and how many
      if (skipped.length === 0) {
        if (!isTextFormat(opts.format ?? sniff(file, body).format)) throw e;
        limit = skipLimit(text);
      }
      if (skipped.length >= limit || skipped.includes(line)) throw e;
      skipped.push(line);
      body = blankLine(body, line);
    }
  }
}

/** The 1-based line of an importer's `file:line: invalid JSON` error, else undefined. */
function badJsonLine(e: unknown): number | undefined {
  if (!(e instanceof ImportError) || e.line === undefined) return undefined;
  return e.cause instanceof SyntaxError ? e.line : undefined;
}

/** `text` with the content of its 1-based line `n` removed (its line break kept, so numbering holds). */
function blankLine(text: string, n: number): string {
  let start = 0;
  for (let i = 1; i < n; i++) {
    const nl = text.indexOf('\n', start);
    if (nl === -1) return text;
    start = nl + 1;
  }
  const end = text.indexOf('\n', start);
  return text.slice(0, start) + (end === -1 ? '' : text.slice(end));
}

/** The warning naming the skipped lines (the first 10 listed). */
function skippedWarning(file: string, lines: number[]): ImportWarning {
  const sorted = [...lines].sort((a, b) => a - b);
  const first = sorted[0]!;
  const where =
    sorted.length === 1
      ? `line ${first}`
      : `${sorted.length} lines: ${sorted.slice(0, 10).join(', ')}${sorted.length > 10 ? ', …' : ''}`;
  return {
    type: 'invalid_json',
    file,
    line: first,
    lines: sorted.slice(0, 10),
    count: sorted.length,
    message: `${file}:${first}: invalid JSON on ${where}; skipped (--invalid-json error refuses the file)`,
  };
}

/**
 * The error for a file that a forced format (`--format`) read as zero sessions: most likely a file of
 * another format, whose lines the forced importer skipped. Names the detected format when importing
 * the file as that format does give sessions.
 */
function noForcedSessions(file: string, text: string, opts: ParseOptions): ImportError {
  let hint = '';
  try {
    const detected = parseChecked(file, text, { ...opts, format: undefined });
    if (detected.format !== opts.format && detected.sessions.length > 0)
      hint = `; it reads as ${detected.format} (drop --format to detect it)`;
  } catch {
    // not importable as the detected format either: no hint
  }
  return new ImportError(
    file,
    `no ${opts.format} sessions in this file (format forced with --format)${hint}`,
  );
}

/** The 1-based line where `text` first nests too deep, or `undefined` when the text itself does not. */
function deepLine(text: string): number | undefined {
  const at = findDeepNesting(text);
  return at === -1 ? undefined : lineAt(text, at);
}

/**
 * Refuses sessions holding values nested deeper than `MAX_NESTING_DEPTH` (json.ts), in
 * the file's text or in JSON strings the importer decoded (OpenAI `function.arguments`). Deep input the
 * importer ignores is never stored, so it is not refused. Iterative: about 2 ms for 100 τ-bench sessions.
 * @param text the file's text, to find the line of the first deep value (`''` when there is none).
 * @throws ImportError naming the file, the event's line (or JSON pointer) and its `seq`.
 */
export function checkSessionNesting(file: string, text: string, sessions: ImportedSession[]): void {
  for (const s of sessions) {
    if (nestsDeeperThan(s.metadata))
      throw tooDeep(file, deepLine(text), ` in the metadata of ${s.external_id}`);
    for (const e of s.events) {
      if (!nestsDeeperThan(e)) continue;
      const at = e.source.line === undefined && e.source.pointer ? ` at ${e.source.pointer}` : '';
      throw tooDeep(file, e.source.line ?? deepLine(text), ` in event ${e.seq} (${e.type})${at}`);
    }
  }
}

/** {@link parseTranscript} without its checks of the result (nesting depth, a forced format with no session). */
function parseChecked(file: string, text: string, opts: ParseOptions): ParsedTranscript {
  let format: SourceFormat;
  let value: unknown;
  let first: ParsedLine | undefined;
  if (opts.format !== undefined) {
    format = opts.format;
    if (!isTextFormat(format)) value = parseJson(file, text);
  } else {
    const detected = sniff(file, text);
    format = detected.format;
    value = detected.value;
    first = detected.first;
  }
  const importer = { agent_id: opts.agent_id, team_id: opts.team_id, first_line: first };
  let sessions: ImportedSession[];
  switch (format) {
    case 'tau-bench':
      sessions = importTauBench(file, value, importer);
      break;
    case 'mini-swe-agent': {
      const reportPath = join(dirname(file), REPORT_SIDECAR);
      const reportText = opts.readSidecar?.(reportPath) ?? null;
      const report = reportText === null ? undefined : parseSidecar(file, reportPath, reportText);
      sessions = importMiniSweAgent(file, value, { ...importer, report });
      break;
    }
    case 'openai-chat':
      sessions = importOpenAiChat(file, value, importer);
      break;
    case 'claude-code':
      sessions = importClaudeCode(file, text, importer);
      if (sessions.some(isClaudeCodeWarmup)) return withoutWarmups(file, sessions);
      break;
    case 'reverie':
      sessions = importReverieJsonl(file, text, importer);
      break;
    default: {
      const other = FORMAT_IMPORTERS[format];
      if (other === undefined) throw new ImportError(file, `unknown format: ${String(format)}`);
      sessions = other.run(file, text, value, importer, opts.readSidecar);
    }
  }
  return { file, format, sessions, warnings: [] };
}

/**
 * A Claude Code file's sessions without its warm-up subagents ({@link isClaudeCodeWarmup}), each left
 * out with a `warmup_sidechain` warning naming it. Left out rather than stored marked: nothing is
 * written, so a re-import skips it the same way (idempotent), and a warm-up never counts as a new
 * session for a schedule's `--min-new-sessions` or reaches a dream.
 */
function withoutWarmups(file: string, all: ImportedSession[]): ParsedTranscript {
  const sessions: ImportedSession[] = [];
  const warnings: ImportWarning[] = [];
  for (const s of all) {
    if (!isClaudeCodeWarmup(s)) sessions.push(s);
    else
      warnings.push({
        type: 'warmup_sidechain',
        file,
        message: `${file}: Claude Code warm-up subagent ${s.external_id} (its only prompt is "Warmup" and it made no tool call); skipped`,
      });
  }
  return { file, format: 'claude-code', sessions, warnings };
}

/** True when `parsed` left sessions out on purpose (warm-ups), so having none is no error. */
function skippedSome(parsed: ParsedTranscript): boolean {
  return parsed.warnings.some((w) => w.type === 'warmup_sidechain');
}

/**
 * Decodes a file's bytes ({@link decodeUtf8}, per `opts.invalid_utf8`) and normalizes them
 * ({@link parseTranscript}); decoding warnings are returned with the sessions.
 * @throws ImportError naming the file (and line) for invalid UTF-8 in `error` mode or content that
 *   cannot be imported.
 */
export function parseTranscriptBytes(file: string, bytes: Buffer, opts: ParseOptions = {}): ParsedTranscript {
  const { text, warnings } = decodeUtf8(file, bytes, opts.invalid_utf8);
  const parsed = parseTranscript(file, text, opts);
  return { ...parsed, warnings: [...warnings, ...parsed.warnings] };
}

/**
 * Parses a sidecar's JSON; an error names the transcript first, then the sidecar with its line
 * (`t.traj.json: sidecar …/report.json:1: invalid JSON: …`).
 */
function parseSidecar(file: string, path: string, text: string): unknown {
  try {
    return parseJson(path, text);
  } catch (e) {
    throw new ImportError(file, `sidecar ${(e as Error).message}`, undefined, { cause: e });
  }
}

/** Reads a sidecar synchronously (a regular file only; decoded as UTF-8); `null` when it does not exist. */
export function readSidecarSync(path: string): string | null {
  try {
    return readRegularFileSync(path).toString('utf8');
  } catch (e) {
    if (e instanceof ImportError && (e.cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT')
      return null;
    throw e;
  }
}

/**
 * Reads and normalizes one transcript file synchronously (sidecars included).
 * @param opts see {@link ReadOptions}.
 * @throws ImportError naming the file when it is not a regular file, cannot be read or imported.
 * @example readTranscriptFile('../shared/data/tau-bench/airline-gpt-4o.trials-0-1.json').sessions.length // 100
 */
export function readTranscriptFile(file: string, opts: ReadOptions = {}): ParsedTranscript {
  return parseTranscriptBytes(file, readRegularFileSync(file), { ...opts, readSidecar: readSidecarSync });
}

/**
 * Reads the bytes of a regular file, never opening anything else: the path is `stat`ed first and a
 * FIFO, socket, device or folder is refused by name (opening a FIFO would block until a writer comes,
 * i.e. forever). The file is then opened with `O_NONBLOCK` and checked again with `fstat`, so a FIFO
 * swapped in between cannot block the read either.
 * @throws ImportError `file: not a regular file (a FIFO)…`, `file: no such file or directory` (its
 *   `cause` the errno error) or `file: cannot read: CODE`.
 */
export async function readRegularFile(file: string): Promise<Buffer> {
  const st = await stat(file).catch((e: unknown) => {
    throw cannotRead(file, e);
  });
  if (!st.isFile()) throw notRegular(file, st);
  const fh = await open(file, constants.O_RDONLY | constants.O_NONBLOCK).catch((e: unknown) => {
    throw cannotRead(file, e);
  });
  try {
    const now = await fh.stat();
    if (!now.isFile()) throw notRegular(file, now);
    return await fh.readFile();
  } catch (e) {
    throw e instanceof ImportError ? e : cannotRead(file, e);
  } finally {
    await fh.close();
  }
}

/** Synchronous {@link readRegularFile}, same checks and errors. */
export function readRegularFileSync(file: string): Buffer {
  return withRegularFile(file, (fd) => readFileSync(fd));
}

/**
 * The buffer {@link readRegularFileReused} reads into, kept from one call to the next and grown as needed
 * (up to {@link MAX_REUSED_BYTES}). A fresh buffer per file costs its allocation and a page fault per 4 kB
 * of it, which for 1,000 Claude Code files (22 MB) took about a third of the time of reading them.
 */
let reused: Buffer | null = null;
/** Largest read buffer kept for the next file (64 MiB): a bigger file gets a buffer of its own. */
const MAX_REUSED_BYTES = 64 * 1024 * 1024;

/**
 * {@link readRegularFileSync} (same checks and errors) into a buffer that the next call reuses: the
 * returned bytes are valid only until the next call, so decode them at once (as the import pipeline does,
 * with no `await` between reading and decoding). Reads until end of file, so a file still growing past
 * the size `fstat` gave is read whole.
 * @throws ImportError as {@link readRegularFile}.
 */
export function readRegularFileReused(file: string): Buffer {
  return withRegularFile(file, (fd, size) => {
    let buf = reused !== null && reused.length > size ? reused : Buffer.allocUnsafeSlow(size + 1);
    let n = 0;
    for (;;) {
      if (n === buf.length) {
        const bigger = Buffer.allocUnsafeSlow(buf.length * 2);
        buf.copy(bigger, 0, 0, n);
        buf = bigger;
      }
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
    }
    if (buf.length <= MAX_REUSED_BYTES) reused = buf;
    return buf.subarray(0, n);
  });
}

/**
 * Opens `file` for reading only if it is a regular file (see {@link readRegularFile}: `stat` first, then
 * `O_NONBLOCK` and `fstat`), calls `read` with the descriptor and the size `fstat` gave, and closes it.
 * @throws ImportError as {@link readRegularFile}.
 */
function withRegularFile(file: string, read: (fd: number, size: number) => Buffer): Buffer {
  let fd: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw notRegular(file, st);
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw e instanceof ImportError ? e : cannotRead(file, e);
  }
  try {
    const now = fstatSync(fd);
    if (!now.isFile()) throw notRegular(file, now);
    return read(fd, now.size);
  } catch (e) {
    throw e instanceof ImportError ? e : cannotRead(file, e);
  } finally {
    closeSync(fd);
  }
}

function notRegular(file: string, st: Stats): ImportError {
  const kind = st.isFIFO()
    ? 'a FIFO'
    : st.isSocket()
      ? 'a socket'
      : st.isDirectory()
        ? 'a folder'
        : st.isCharacterDevice() || st.isBlockDevice()
          ? 'a device'
          : 'a special file';
  return new ImportError(file, `not a regular file (${kind}); only regular files are read`);
}

function cannotRead(file: string, e: unknown): ImportError {
  const code = (e as NodeJS.ErrnoException).code;
  return new ImportError(
    file,
    code === 'ENOENT' ? 'no such file or directory' : `cannot read: ${code ?? String(e)}`,
    undefined,
    { cause: e },
  );
}

/** Wraps anything thrown while importing `file` as an {@link ImportError} (ImportErrors pass through). */
export function asImportError(file: string, e: unknown): ImportError {
  if (e instanceof ImportError) return e;
  if (ReverieError.isInstance(e) && e.type === 'import_error') return e as ImportError;
  const message = e instanceof Error ? e.message : String(e);
  return new ImportError(file, `internal error while importing: ${message}`, undefined, { cause: e });
}
