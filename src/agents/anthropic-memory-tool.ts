/**
 * The Anthropic SDK's memory tool backed by a reverie store, in-process: handlers for the SDK's
 * `betaMemoryTool(handlers)` (`@anthropic-ai/sdk/helpers/beta/memory`, SDK 1.x) that run each command
 * through {@link MemoryTool}, so an agent built on the SDK's tool runner (`client.beta.messages.toolRunner`)
 * reads and writes versioned memories instead of a local folder. Results and errors are the strings of
 * the SDK's reference `BetaLocalFilesystemMemoryTool`; a failure is thrown, which the tool runner turns into
 * an `is_error` tool result (`Error: <message>`), as it does for the reference handler.
 */
import { betaMemoryTool, type MemoryToolHandlers } from '@anthropic-ai/sdk/helpers/beta/memory';
import type { Actor } from '../domain/index.js';
import type { Reverie } from '../service/reverie.js';
import { MemoryTool } from './memory-tool.js';

/** Options of {@link reverieMemoryToolHandlers}. */
export interface ReverieMemoryToolOptions {
  /**
   * Who writes: recorded as the `created_by` of every memory version. Default
   * `{type: 'agent_actor', id: 'anthropic-sdk'}`; pass the agent's or session's name.
   */
  actor?: Actor;
}

/**
 * The six command handlers (`view`, `create`, `str_replace`, `insert`, `delete`, `rename`) over store
 * `storeId`, for `betaMemoryTool(handlers)`.
 * @throws (from each handler) MemoryToolError with the message the model reads.
 * @example
 *   const tool = betaMemoryTool(reverieMemoryToolHandlers(reverie, 'memstore_…', { actor: { type: 'agent_actor', id: 'support-bot' } }));
 *   await client.beta.messages.toolRunner({ model, max_tokens: 1024, messages, tools: [tool] });
 */
export function reverieMemoryToolHandlers(
  reverie: Reverie,
  storeId: string,
  opts: ReverieMemoryToolOptions = {},
): MemoryToolHandlers {
  const tool = new MemoryTool(reverie, storeId, opts.actor ?? { type: 'agent_actor', id: 'anthropic-sdk' });
  return {
    view: (c) => tool.run(c),
    create: (c) => tool.run(c),
    str_replace: (c) => tool.run(c),
    insert: (c) => tool.run(c),
    delete: (c) => tool.run(c),
    rename: (c) => tool.run(c),
  };
}

/**
 * The runnable memory tool for the SDK's tool runner, backed by store `storeId`:
 * `betaMemoryTool(reverieMemoryToolHandlers(reverie, storeId, opts))`.
 */
export function reverieMemoryTool(
  reverie: Reverie,
  storeId: string,
  opts: ReverieMemoryToolOptions = {},
): ReturnType<typeof betaMemoryTool> {
  return betaMemoryTool(reverieMemoryToolHandlers(reverie, storeId, opts));
}
