/**
 * Options shared by the commands that import transcripts (`dream`, `sessions import`) or write memory
 * folders (`dream --out`, `store export`), built fresh for each command (commander options are not shared).
 */
import { Option } from 'commander';
import { SOURCE_FORMATS, type SourceFormat } from '../domain/index.js';
import { MEMORY_LAYOUTS, type MemoryLayout } from '../service/index.js';

/** `--format <format>`: forces the transcript format (one of `SOURCE_FORMATS`); detected from content when absent. */
export function formatOption(): Option {
  return new Option('--format <format>', 'force the transcript format').choices([
    ...SOURCE_FORMATS,
  ] as SourceFormat[]);
}

/** `--invalid-utf8 warn|error` (default `warn`): what to do with transcript bytes that are not UTF-8. */
export function invalidUtf8Option(): Option {
  return new Option(
    '--invalid-utf8 <mode>',
    'bytes that are not UTF-8: warn = import them as U+FFFD and report file and line; error = refuse the file',
  )
    .choices(['warn', 'error'])
    .default('warn');
}

/** `--invalid-json warn|error` (default `warn`): what to do with a JSONL transcript line that is not JSON. */
export function invalidJsonOption(): Option {
  return new Option(
    '--invalid-json <mode>',
    'JSONL lines that are not JSON (e.g. broken by hand redaction): warn = skip them and report file and line (at most 20 per file, or a tenth of its lines up to 100); error = refuse the file',
  )
    .choices(['warn', 'error'])
    .default('warn');
}

/**
 * `--layout reverie|claude-code` (default `reverie`) of a folder reverie writes (`dream --out`, `store
 * export`): reverie's own folders, or Claude Code's memory conventions (see `service/claude-code-layout.ts`).
 */
export function layoutOption(): Option {
  return new Option(
    '--layout <layout>',
    'folder layout: reverie (default) or claude-code (one memory per file, front matter name/description/type, MEMORY.md ≤ 200 lines / 25 kB)',
  )
    .choices(MEMORY_LAYOUTS as MemoryLayout[])
    .default('reverie');
}
