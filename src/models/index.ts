/**
 * The `models/` lane: one structured-output model interface ({@link ObjectModel}), adapters on the
 * official SDKs, the scripted mock, typed errors, response cache and record/replay, token estimates.
 */
export * from './errors.js';
export * from './mock.js';
export * from './structured.js';
export type * from './types.js';
export * from './usage.js';
