/**
 * The `models/` lane: one structured-output model interface ({@link ObjectModel}), adapters on the
 * official SDKs (Anthropic Messages, OpenAI-compatible chat completions), the scripted mock, typed errors,
 * configuration from options and environment, response cache and record/replay, token estimates.
 * Test helpers (loopback servers, recorder) live in `./testing/` and are imported from there.
 */
export * from './anthropic.js';
export * from './concurrency.js';
export * from './config.js';
export * from './errors.js';
export * from './mock.js';
export * from './openai.js';
/** Per-provider request options (types only). */
export type * from './provider-options.js';
export * from './redaction.js';
export * from './response-cache.js';
export * from './structured.js';
export * from './tokens.js';
/** The versioned model interface: requests, answers, usage (types only). */
export type * from './types.js';
export * from './usage.js';
