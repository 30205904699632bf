/**
 * reverie's MCP server for one session (issue 14 item 3): the stores the session attached at creation,
 * mounted at their `mount_path` (`/mnt/memory/<slug>/`) with their access (see session-mounts.ts), as
 * the hosted product mounts them into a session's container. Tools: `memory` (the memory-tool commands
 * on mount paths) and `memory_search` (across the mounts). The server's instructions carry one note per
 * mount (name, path, access, description, instructions), as the hosted system prompt does. No dream or
 * review tools: a session's agent reads and writes memory; dreams are a store's business.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { Reverie } from '../service/reverie.js';
import type { SessionResource } from '../storage/index.js';
import { toolCall } from './results.js';
import { memoryInputSchema, type ReverieMcpServer } from './server.js';
import { mountNotes, SessionMemoryTool, sessionMounts } from './session-mounts.js';

/** The memory tool's input on mount paths. */
const INPUT = memoryInputSchema('/mnt/memory/');

/** Options of {@link createSessionMcpServer}. */
export interface SessionMcpOptions {
  /** Server version reported in `initialize` (default the package version). */
  version?: string;
  /** Mount every store read-only, whatever its access (a reader's key, `reverie mcp --read-only`). */
  readOnly?: boolean;
  /**
   * Whether the caller may write an attached store (e.g. an API key's `TeamService.canWrite`); a store
   * it may not write is mounted read-only even when attached `read_write`. Default: every store.
   */
  writable?: (m: SessionResource) => Promise<boolean>;
}

/**
 * Builds the MCP server of session `sessionId` over the stores attached to it (read when called);
 * a store is mounted read-write only when attached `read_write` and allowed by `opts`.
 * @throws NotFoundError when the session does not exist (or is not visible in `reverie`'s view).
 */
export async function createSessionMcpServer(
  reverie: Reverie,
  sessionId: string,
  opts: SessionMcpOptions = {},
): Promise<ReverieMcpServer> {
  const mounts: SessionResource[] = [];
  for (const m of await sessionMounts(reverie, sessionId)) {
    const rw = m.access === 'read_write' && !opts.readOnly && (await (opts.writable?.(m) ?? true));
    mounts.push(rw ? m : { ...m, access: 'read_only' });
  }
  const server = new McpServer(
    { name: 'reverie', version: opts.version ?? '0.1.0' },
    {
      instructions: `Memory stores attached to session ${sessionId}, mounted under /mnt/memory/ (read-only itself):\n${mountNotes(mounts)}\nUse the memory tool with these paths to read and record what future sessions need; memory_search finds memories by words.`,
    },
  );
  registerTools(server, new SessionMemoryTool(reverie, sessionId, mounts), mounts);
  return { server, shutdown: async () => {} };
}

function registerTools(server: McpServer, tool: SessionMemoryTool, mounts: readonly SessionResource[]): void {
  const list = mounts.map((m) => `${m.mount_path} (${m.access})`).join(', ') || 'none';
  server.registerTool(
    'memory',
    {
      description: `Anthropic memory tool commands (view, create, str_replace, insert, delete, rename) over the memory stores attached to this session, at their mount paths: ${list}. read_only mounts only view.`,
      inputSchema: INPUT,
    },
    (args) =>
      toolCall(() => tool.run(Object.fromEntries(Object.entries(args).filter(([, v]) => v !== undefined)))),
  );
  server.registerTool(
    'memory_search',
    {
      description: `Full-text search of the memory stores attached to this session (${list}): ranked hits with mount paths, scores and matching lines.`,
      inputSchema: {
        query: z.string().min(1).describe('words to look for (prefix and fuzzy matching)'),
        limit: z.number().int().min(1).max(100).optional().describe('at most this many hits (default 10)'),
        path_prefix: z.string().optional().describe('only memories under this mount path or folder'),
      },
      annotations: { readOnlyHint: true },
    },
    ({ query, limit, path_prefix }) =>
      toolCall(async () => {
        const hits = await tool.search(query, { limit, pathPrefix: path_prefix });
        if (hits.length === 0) return `No memory matches ${JSON.stringify(query)}.`;
        return hits.map((h) => `${h.path} (score ${h.score})\n${h.snippet}`).join('\n\n');
      }),
  );
}
