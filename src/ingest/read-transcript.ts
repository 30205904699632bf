/**
 * Reading one transcript file: detect (or take) its format, parse once, normalize.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ImportError, ReverieError, type SourceFormat } from '../domain/index.js';
import { importClaudeCode } from './claude-code.js';
import { sniff } from './detect.js';
import { REPORT_SIDECAR } from './expand-inputs.js';
import { FORMAT_IMPORTERS, isTextFormat } from './formats.js';
import { parseJson } from './json.js';
import { importMiniSweAgent } from './mini-swe-agent.js';
import { importOpenAiChat } from './openai-chat.js';
import { importReverieJsonl } from './reverie-jsonl.js';
import { importTauBench } from './tau-bench.js';
import type { ImportedSession, ImportOptions } from './types.js';

/** The sessions read from one file, and the format they were read as. */
export interface ParsedTranscript {
  file: string;
  format: SourceFormat;
  sessions: ImportedSession[];
}

/** {@link ImportOptions} plus how to read sidecar files (mini-swe-agent's `report.json`). */
export interface ParseOptions extends ImportOptions {
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
 * @throws ImportError naming the file (and line or element) for content that cannot be imported.
 */
export function parseTranscript(file: string, text: string, opts: ParseOptions = {}): ParsedTranscript {
  let format: SourceFormat;
  let value: unknown;
  if (opts.format !== undefined) {
    format = opts.format;
    if (!isTextFormat(format)) value = parseJson(file, text);
  } else {
    const detected = sniff(file, text);
    format = detected.format;
    value = detected.value;
  }
  const importer = { agent_id: opts.agent_id, team_id: opts.team_id };
  let sessions: ImportedSession[];
  switch (format) {
    case 'tau-bench':
      sessions = importTauBench(file, value, importer);
      break;
    case 'mini-swe-agent': {
      const reportPath = join(dirname(file), REPORT_SIDECAR);
      const reportText = opts.readSidecar?.(reportPath) ?? null;
      const report = reportText === null ? undefined : parseJson(reportPath, reportText);
      sessions = importMiniSweAgent(file, value, { ...importer, report });
      break;
    }
    case 'openai-chat':
      sessions = importOpenAiChat(file, value, importer);
      break;
    case 'claude-code':
      sessions = importClaudeCode(file, text, importer);
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
  return { file, format, sessions };
}

/** Reads a sidecar synchronously; `null` when it does not exist. */
export function readSidecarSync(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new ImportError(path, `cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

/**
 * Reads and normalizes one transcript file synchronously (sidecars included).
 * @throws ImportError naming the file when it cannot be read or imported.
 * @example readTranscriptFile('../shared/data/tau-bench/airline-gpt-4o.trials-0-1.json').sessions.length // 100
 */
export function readTranscriptFile(file: string, opts: ImportOptions = {}): ParsedTranscript {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ImportError(
      file,
      code === 'ENOENT' ? 'no such file or directory' : `cannot read: ${code ?? String(e)}`,
    );
  }
  return parseTranscript(file, text, { ...opts, readSidecar: readSidecarSync });
}

/** Wraps anything thrown while importing `file` as an {@link ImportError} (ImportErrors pass through). */
export function asImportError(file: string, e: unknown): ImportError {
  if (e instanceof ImportError) return e;
  if (ReverieError.isInstance(e) && e.type === 'import_error') return e as ImportError;
  const message = e instanceof Error ? e.message : String(e);
  return new ImportError(file, `internal error while importing: ${message}`, undefined, { cause: e });
}
