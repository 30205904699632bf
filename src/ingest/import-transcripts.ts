/**
 * Importing many transcripts: the CLI's and the service's entry point.
 */
import { resolve } from 'node:path';
import type { ImportError, SourceFormat } from '../domain/index.js';
import { expandOne } from './expand-inputs.js';
import {
  asImportError,
  parseTranscriptBytes,
  type ReadOptions,
  readRegularFileReused,
  readSidecarSync,
} from './read-transcript.js';
import type { ImportWarning } from './text.js';
import type { ImportedSession } from './types.js';

/** What importing one file gave: its sessions (and warnings, e.g. invalid UTF-8), or the error that stopped it. */
export type FileImportResult =
  | { file: string; format: SourceFormat; sessions: ImportedSession[]; warnings: ImportWarning[] }
  | { file: string; error: ImportError };

/**
 * Imports transcripts from files and folders, one result per file, in the order of
 * {@link expandInputs} (argument order, each folder's files sorted). A file that fails yields `{file, error}` and the others still
 * import; a path that does not exist yields an error result for that path first. Only regular files
 * are read: a FIFO, socket or device (named or met in a folder walk) yields an error result naming it
 * and is never opened. Never throws for bad input.
 * @param paths files and folders as given on the command line.
 * @param opts `format` forces a format for every file; `agent_id`, `team_id` see {@link ImportOptions};
 *   `invalid_utf8` and `invalid_json` (`warn` by default, or `error`) see {@link ReadOptions}.
 * @example
 * for await (const r of importTranscripts(['../shared/data/mini-swe-agent/django-100'])) {
 *   if ('error' in r) console.error(r.error.message); else console.log(r.file, r.sessions.length);
 * }
 */
export async function* importTranscripts(
  paths: string[],
  opts: ReadOptions = {},
): AsyncGenerator<FileImportResult, void, undefined> {
  const files = new Map<string, string>(); // resolved path → path as given
  for (const p of paths) {
    let expanded: string[];
    try {
      expanded = await expandOne(p);
    } catch (e) {
      yield { file: p, error: asImportError(p, e) };
      continue;
    }
    for (const f of expanded) {
      const key = resolve(f);
      if (!files.has(key)) files.set(key, f);
    }
  }
  for (const file of files.values()) {
    try {
      // Read synchronously: parsing that follows is synchronous anyway, and the async file API costs
      // five thread-pool round trips per file (a third of the import time of 1,000 small files). Into the
      // one reused buffer: the bytes are decoded before anything else can read into it.
      const bytes = readRegularFileReused(file);
      yield parseTranscriptBytes(file, bytes, { ...opts, readSidecar: readSidecarSync });
    } catch (e) {
      yield { file, error: asImportError(file, e) };
    }
  }
}
