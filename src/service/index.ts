/** The service layer: the one API every shell calls. */

/** Finding agents' transcript folders on this machine (`sessions discover`, `sessions import --discovered`). */
export { type DiscoveredSource, discoverTranscripts, parseSince } from '../ingest/index.js';
export * from './change-report.js';
export * from './claude-code-layout.js';
export { resolveDbPath } from './config.js';
export {
  type FolderFile,
  type FolderWriteReport,
  OUTPUT_MARKER,
  readMemoryFolder,
  writeMemoryFolder,
} from './directory.js';
export * from './dream-queue.js';
export * from './dream-runs.js';
export { folderFileNames, MAX_NAME_BYTES } from './folder-paths.js';
export * from './instruction-files.js';
export * from './keys.js';
export * from './llm-engine.js';
export * from './one-shot.js';
export * from './reverie.js';
export * from './schedules.js';
export * from './session-stores.js';
export * from './store-summaries.js';
export * from './teams.js';
export * from './uploads.js';
export * from './versions.js';
