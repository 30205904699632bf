/** The service layer: the one API every shell calls. */
export * from './change-report.js';
export { resolveDbPath } from './config.js';
export {
  type FolderFile,
  type FolderWriteReport,
  OUTPUT_MARKER,
  readMemoryFolder,
  writeMemoryFolder,
} from './directory.js';
export { folderFileNames, MAX_NAME_BYTES } from './folder-paths.js';
export * from './llm-engine.js';
export * from './one-shot.js';
export * from './reverie.js';
