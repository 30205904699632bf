/** The domain: pure types and rules. Imports nothing of ours. */
export * from './errors.js';
export * from './hash.js';
export * from './ids.js';
export * from './jobs.js';
export * from './paths.js';
export * from './types.js';
