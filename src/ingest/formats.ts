/**
 * The importers of the formats added after the first five, keyed by format, so that reading a file
 * (read-transcript.ts) dispatches to them without a case each. Each entry says whether the importer
 * reads the text itself (JSONL, Markdown) or takes the parsed JSON document.
 */
import type { SourceFormat } from '../domain/index.js';
import { importAider } from './aider.js';
import { importAtif } from './atif.js';
import { importClaudeStreamJson } from './claude-code-stream-json.js';
import { importClineFile } from './cline-ui.js';
import { importCodex } from './codex.js';
import { importGeminiCliText } from './gemini-cli.js';
import { isRecord, parseJson } from './json.js';
import { importManagedAgents } from './managed-agents.js';
import { importOpenAiResponses } from './openai-responses.js';
import { importOpenHandsEvents, importOpenHandsJsonl } from './openhands.js';
import { importOtel } from './otel.js';
import { importSweAgent } from './swe-agent.js';
import type { ImportedSession, ImporterOptions } from './types.js';

/** Reads a sidecar file's text, or `null` when it does not exist (see read-transcript.ts). */
export type ReadSidecar = (path: string) => string | null;

/** How one format is imported. */
export interface FormatImporter {
  /** True when the importer takes the file's text (JSONL, Markdown); false for one JSON document. */
  text: boolean;
  /**
   * Imports one file: `text` is its content; `value` the parsed document for JSON formats
   * (`undefined` for text formats); `readSidecar` reads files beside it (Cline's task folder).
   */
  run(
    file: string,
    text: string,
    value: unknown,
    opts: ImporterOptions,
    readSidecar: ReadSidecar | undefined,
  ): ImportedSession[];
}

/** An importer that reads the file's text. */
const fromText = (
  f: (file: string, text: string, opts: ImporterOptions) => ImportedSession[],
): FormatImporter => ({
  text: true,
  run: (file, text, _value, opts) => f(file, text, opts),
});

/** An importer that takes the parsed JSON document. */
const fromJson = (
  f: (file: string, value: unknown, opts: ImporterOptions) => ImportedSession[],
): FormatImporter => ({
  text: false,
  run: (file, _text, value, opts) => f(file, value, opts),
});

/** The importers by format (the first five formats are dispatched in read-transcript.ts). */
export const FORMAT_IMPORTERS: Partial<Record<SourceFormat, FormatImporter>> = {
  'claude-code-stream-json': fromText(importClaudeStreamJson),
  codex: fromText(importCodex),
  aider: fromText(importAider),
  'managed-agents': {
    text: true,
    run: (file, text, value, opts) => importManagedAgents(file, text, opts, value),
  },
  'swe-agent': fromJson(importSweAgent),
  'gemini-cli': {
    // One JSON document (older CLIs) or JSONL records (newer ones).
    text: true,
    run: (file, text, value, opts) => importGeminiCliText(file, text, value, opts),
  },
  'openai-responses': fromJson(importOpenAiResponses),
  atif: fromJson(importAtif),
  otel: {
    // One OTLP JSON document (maybe pretty-printed), or one per line (the OTLP file exporter).
    text: true,
    run: (file, text, value, opts) => importOtel(file, text, value ?? wholeDocument(text), opts),
  },
  cline: {
    text: false,
    run: (file, _text, value, opts, readSidecar) => importClineFile(file, value, opts, readSidecar),
  },
  openhands: {
    // output.jsonl (one instance per line), a bare event list, or a saved {history} trajectory.
    text: true,
    run: (file, text, value, opts) => {
      const t = text.trimStart();
      const doc =
        value ??
        (t.startsWith('[') ? parseJson(file, text) : /^\{\s*\n/.test(t) ? parseJson(file, text) : undefined);
      if (doc === undefined) return importOpenHandsJsonl(file, text, opts);
      if (isRecord(doc) && typeof doc.instance_id === 'string')
        return importOpenHandsJsonl(file, JSON.stringify(doc), { ...opts, first_line: undefined });
      return importOpenHandsEvents(file, doc, opts);
    },
  },
};

/** The text parsed as one JSON document, or `undefined` when it is not one (JSONL). */
function wholeDocument(text: string): unknown {
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    return undefined;
  }
}

/** True when `format` is read from the text (JSONL, Markdown), not parsed as one JSON document. */
export function isTextFormat(format: SourceFormat): boolean {
  return format === 'claude-code' || format === 'reverie' || FORMAT_IMPORTERS[format]?.text === true;
}
