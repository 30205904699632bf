/**
 * Agents' access to memory (shared/DESIGN.md "Interfaces"): the transport-independent memory tool over a
 * store, the Anthropic SDK memory-tool handler, search, and two-way folder sync. Built on src/service.
 */
export * from './anthropic-memory-tool.js';
export * from './memory-paths.js';
export * from './memory-search.js';
export * from './memory-tool.js';
export { formatFileSize } from './memory-view.js';
export * from './mounted-memory-tool.js';
