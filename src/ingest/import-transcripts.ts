/**
 * Importing many transcripts: the CLI's and the service's entry point.
 */
import { resolve } from 'node:path';
import type { ImportError, SourceFormat } from '../domain/index.js';
import { expandOne } from './expand-inputs.js';
import { isEventsFolderPath, readOpenHandsConversation } from './openhands-file-store.js';
import {
  asImportError,
  checkSessionNesting,
  parseTranscriptBytes,
  type ReadOptions,
  readRegularFileReused,
  readRegularFileSync,
  readSidecarSync,
} from './read-transcript.js';
import type { ImportWarning, SkipWarning } from './text.js';
import type { ImportedSession } from './types.js';

/**
 * What importing one file gave: its sessions (and warnings, e.g. invalid UTF-8); or, with `skipped:
 * true`, nothing on purpose (`warnings` says why: an `empty_file` met in a folder walk, or only
 * `warmup_sidechain` sessions; `format` when it was read); or the error that stopped it.
 */
export type FileImportResult =
  | {
      file: string;
      format: SourceFormat;
      sessions: ImportedSession[];
      warnings: ImportWarning[];
      skipped?: undefined;
    }
  | { file: string; format?: SourceFormat; skipped: true; sessions: []; warnings: ImportWarning[] }
  | { file: string; error: ImportError };

/** {@link ReadOptions} plus what {@link importTranscripts} alone takes. */
export interface ImportTranscriptsOptions extends ReadOptions {
  /** Called once, before the first result, with how many results will follow (for progress). */
  onTotal?: (results: number) => void;
  /**
   * Paths found by a search (`sessions discover`), imported after `paths` as files met in a folder walk
   * are: an empty one is skipped, not an error.
   */
  discovered?: readonly string[];
}

/**
 * Imports transcripts from files and folders, one result per file, in the order of
 * {@link expandInputs} (argument order, each folder's files sorted). A file that fails yields `{file, error}` and the others still
 * import; a path that does not exist yields an error result for that path first. Only regular files
 * are read: a FIFO, socket or device (named or met in a folder walk) yields an error result naming it
 * and is never opened. A file met in a folder walk that is empty (0 bytes, or only whitespace and a BOM)
 * is skipped, `{file, skipped: true}` with an `empty_file` warning (Claude Code leaves empty session files
 * behind); named explicitly, it is an error (`file: empty file: nothing to import`). A file whose only
 * sessions are Claude Code warm-ups is skipped too (`warmup_sidechain` warnings, see read-transcript.ts).
 * Never throws for bad input.
 * @param paths files and folders as given on the command line.
 * @param opts `format` forces a format for every file; `agent_id`, `team_id` see {@link ImportOptions};
 *   `invalid_utf8` and `invalid_json` (`warn` by default, or `error`) see {@link ReadOptions};
 *   `onTotal` and `discovered` see {@link ImportTranscriptsOptions}.
 * @example
 * for await (const r of importTranscripts(['../shared/data/mini-swe-agent/django-100'])) {
 *   if ('error' in r) console.error(r.error.message); else console.log(r.file, r.sessions.length);
 * }
 */
export async function* importTranscripts(
  paths: string[],
  opts: ImportTranscriptsOptions = {},
): AsyncGenerator<FileImportResult, void, undefined> {
  const files = new Map<string, string>(); // resolved path → path as given
  const named = new Set<string>(); // resolved paths named explicitly (not met in a folder walk)
  const missing: FileImportResult[] = [];
  const given = new Set(paths);
  for (const p of [...paths, ...(opts.discovered ?? [])]) {
    let expanded: string[];
    try {
      expanded = await expandOne(p);
    } catch (e) {
      missing.push({ file: p, error: asImportError(p, e) });
      continue;
    }
    for (const f of expanded) {
      const key = resolve(f);
      if (!files.has(key)) files.set(key, f);
      if (expanded.length === 1 && expanded[0] === p && given.has(p)) named.add(key);
    }
  }
  opts.onTotal?.(missing.length + files.size);
  yield* missing;
  for (const [key, file] of files) {
    try {
      // Read synchronously: parsing that follows is synchronous anyway, and the async file API costs
      // five thread-pool round trips per file (a third of the import time of 1,000 small files). Into the
      // one reused buffer: the bytes are decoded before anything else can read into it.
      if (isEventsFolderPath(file)) {
        const parsed = readOpenHandsConversation(file, opts, readRegularFileSync, readSidecarSync);
        checkSessionNesting(file, '', parsed.sessions);
        yield parsed;
        continue;
      }
      const bytes = readRegularFileReused(file);
      if (!named.has(key) && isBlank(bytes)) {
        yield skippedFile(file, undefined, [emptyWarning(file, bytes.length)]);
        continue;
      }
      const parsed = parseTranscriptBytes(file, bytes, { ...opts, readSidecar: readSidecarSync });
      if (parsed.sessions.length === 0 && parsed.warnings.some((w) => w.type === 'warmup_sidechain'))
        yield skippedFile(file, parsed.format, parsed.warnings);
      else yield parsed;
    } catch (e) {
      yield { file, error: asImportError(file, e) };
    }
  }
}

/** The result of a file left out on purpose (see {@link FileImportResult}). */
function skippedFile(
  file: string,
  format: SourceFormat | undefined,
  warnings: ImportWarning[],
): FileImportResult {
  return format === undefined
    ? { file, skipped: true, sessions: [], warnings }
    : { file, format, skipped: true, sessions: [], warnings };
}

/** The `empty_file` warning of a skipped file of `size` bytes. */
function emptyWarning(file: string, size: number): SkipWarning {
  const what = size === 0 ? '0 bytes' : 'only whitespace';
  return { type: 'empty_file', file, message: `${file}: empty file (${what}); skipped` };
}

/**
 * True when `bytes` hold nothing but whitespace (and a UTF-8 BOM), as format detection judges it
 * (`sniff`, detect.ts: no `\S` after the BOM). Scans ASCII whitespace bytewise; decodes only from the
 * first byte that is not ASCII (a BOM or Unicode whitespace), so a real transcript costs a byte or two.
 * @param bytes a file's content.
 */
export function isBlank(bytes: Buffer): boolean {
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  for (; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) continue;
    if (c < 0x80) return false;
    return !/\S/.test(bytes.toString('utf8', i).replace(/^\uFEFF/, ''));
  }
  return true;
}
