/** The service layer: the one API every shell calls. */
export * from './change-report.js';
export { resolveDbPath } from './config.js';
export { OUTPUT_MARKER, readMemoryFolder, writeMemoryFolder } from './directory.js';
export * from './dream-runs.js';
export * from './keys.js';
export * from './one-shot.js';
export * from './reverie.js';
export * from './store-summaries.js';
export * from './uploads.js';
export * from './versions.js';
