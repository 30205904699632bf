/**
 * Transcript import: format detection and one importer per format, all producing the normalized
 * event model ({@link ImportedSession}). See docs/normalized-format.md for reverie's own JSONL format.
 */
export { contentText, normalizeChatMessages, parseArguments } from './chat-messages.js';
export { flattenToolResult, importClaudeCode } from './claude-code.js';
export { type Detected, detectFormat, sniff } from './detect.js';
export {
  AIDER_MAX_DEPTH,
  type DiscoveredSource,
  type DiscoverOptions,
  discoverTranscripts,
  parseSince,
} from './discover.js';
export { expandInputs, isTranscriptName, REPORT_SIDECAR } from './expand-inputs.js';
export { FORMAT_IMPORTERS, isTextFormat } from './formats.js';
export {
  type FileImportResult,
  type ImportTranscriptsOptions,
  importTranscripts,
} from './import-transcripts.js';
export {
  FORMAT_ERROR_PREFIX,
  findBashBlocks,
  importMiniSweAgent,
  type MiniSweAgentOptions,
  parseObservation,
  sweBenchOutcome,
} from './mini-swe-agent.js';
export { importOpenAiChat, isOpenAiToolError } from './openai-chat.js';
export {
  type ParsedTranscript,
  type ParseOptions,
  parseTranscript,
  parseTranscriptBytes,
  type ReadOptions,
  readRegularFile,
  readTranscriptFile,
} from './read-transcript.js';
export { EventLine, importReverieJsonl, OutcomeLine, SessionLine } from './reverie-jsonl.js';
export { importTauBench, isTauBenchError, tauBenchOutcome } from './tau-bench.js';
export {
  decodeUtf8,
  type ImportWarning,
  type InvalidJsonMode,
  type InvalidUtf8Mode,
  MAX_TOOL_OUTPUT_CHARS,
  truncateMiddle,
} from './text.js';
export * from './tool-kinds.js';
/** Importer output and option types (documented in types.ts). */
export type { ImportedSession, ImporterOptions, ImportOptions } from './types.js';
export { eventLine, toReverieJsonl } from './write-reverie-jsonl.js';
