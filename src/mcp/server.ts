/**
 * reverie's MCP server (Model Context Protocol, https://modelcontextprotocol.io, on the official
 * `@modelcontextprotocol/sdk` 1.x): one memory store served to one client. A thin shell over the service
 * layer and the agents' memory tool:
 *
 * - `memory`: the memory tool's commands (`view|create|str_replace|insert|delete|rename`, fields as the
 *   Anthropic memory tool `memory_20250818` names them; paths under `/memories/`);
 * - `memory_search`: ranked snippets with paths;
 * - `dream_start`, `dream_status`, `dream_changes`, `change_decide`: a dream over the store's recent
 *   sessions and the review of its change set (decisions are recorded; applying stays with a person:
 *   `reverie apply`, the review page, or the store's policy);
 * - every memory as a resource `reverie://<store id>/memories/<path>`.
 *
 * Every write is a memory version by `{type:'mcp_actor', id: '<client name>/<version>'}` (from the
 * client's `initialize`). Failures are tool results with `isError: true`, never protocol errors.
 */
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { MEMORY_COMMANDS } from '../agents/memory-tool.js';
import { MountedMemorySearch, MountedMemoryTool } from '../agents/mounted-memory-tool.js';
import type { Actor } from '../domain/index.js';
import { listTree } from '../service/memory-tree.js';
import type { Reverie } from '../service/reverie.js';
import { ReviewService } from '../service/review-service.js';
import { type DreamRuns, registerDreamTools } from './dream-tools.js';
import { toolCall } from './results.js';

/** Options of {@link createMcpServer}. */
export interface McpServerOptions {
  /** Server version reported in `initialize` (default the package version). */
  version?: string;
  /**
   * Who writes. Default: `{type:'mcp_actor', id:'<client name>/<version>'}` from the client's `initialize`;
   * an HTTP shell passes the actor its authentication found (an API key), since a stateless request carries
   * no `initialize`.
   */
  actor?: Actor;
  /** Where started dreams are kept, when they must outlive this server (one server per HTTP request). */
  runs?: DreamRuns;
  /** Read-only access: `memory` runs only `view`, and the dream and review tools are not offered. */
  readOnly?: boolean;
}

/**
 * The memory tool's input schema (`memory_20250818`): `command` and the fields of every command (each
 * command checks its own). `root` names where paths live in the descriptions (`/memories`, or a
 * session's mounts under `/mnt/memory/`).
 */
export function memoryInputSchema(root: string) {
  return {
    command: z.enum(MEMORY_COMMANDS).describe('Command type identifier'),
    path: z.string().optional().describe(`view/create/str_replace/insert/delete: path under ${root}`),
    view_range: z
      .array(z.number().int())
      .optional()
      .describe('view: optional line range [from, to]; to = -1 for the end'),
    file_text: z.string().optional().describe('create: content to write to the file'),
    old_str: z.string().optional().describe('str_replace: text to search for (literal, must be unique)'),
    new_str: z.string().optional().describe('str_replace: text to replace with'),
    insert_line: z
      .number()
      .int()
      .optional()
      .describe('insert: line number where text should be inserted (0..N)'),
    insert_text: z.string().optional().describe('insert: text to insert'),
    old_path: z.string().optional().describe('rename: current path of the file or directory'),
    new_path: z.string().optional().describe('rename: new path for the file or directory'),
  };
}

const MEMORY_INPUT = memoryInputSchema('/memories');

/** An MCP server for one store, and how to stop the work it started. */
export interface ReverieMcpServer {
  server: McpServer;
  /** Cancels the dreams it is running and waits for them to settle; call it after the transport closed. */
  shutdown(): Promise<void>;
}

/**
 * Builds the MCP server for one store (connect `server` to a transport: stdio in `reverie mcp`).
 * The store must exist; it is checked per call, so a deleted store gives `isError` results.
 */
export function createMcpServer(
  reverie: Reverie,
  storeId: string,
  opts: McpServerOptions = {},
): ReverieMcpServer {
  const server = new McpServer(
    { name: 'reverie', version: opts.version ?? '0.1.0' },
    {
      instructions: `Memory store ${storeId}. Use the memory tool (paths under /memories) to read and record what future sessions need; memory_search finds memories by words.`,
    },
  );
  const actor = (): Actor => {
    if (opts.actor) return opts.actor;
    const c = server.server.getClientVersion();
    return { type: 'mcp_actor', id: c ? `${c.name}/${c.version}` : 'unknown' };
  };
  registerMemoryTools(server, reverie, storeId, actor, opts.readOnly === true);
  registerMemoryResources(server, reverie, storeId);
  if (opts.readOnly) return { server, shutdown: async () => {} };
  const runs = registerDreamTools(server, new ReviewService(reverie), storeId, () => actor().id, opts.runs);
  return { server, shutdown: () => runs.shutdown() };
}

function registerMemoryTools(
  server: McpServer,
  reverie: Reverie,
  storeId: string,
  actor: () => Actor,
  readOnly: boolean,
): void {
  server.registerTool(
    'memory',
    {
      description:
        "Anthropic memory tool (memory_20250818) over this reverie store: view (directory listing or numbered file), create (never overwrites), str_replace (literal, unique), insert, delete, rename. Paths start with /memories; for an agent's or person's store, the team's memory is read-only at /memories/team/ and the organisation's at /memories/org/.",
      inputSchema: MEMORY_INPUT,
    },
    (args) =>
      toolCall(() =>
        new MountedMemoryTool(reverie, storeId, actor(), { readOnly }).run(stripUndefined(args)),
      ),
  );
  const search = new MountedMemorySearch(reverie, storeId);
  server.registerTool(
    'memory_search',
    {
      description:
        "Full-text search of this store (and of the team's and organisation's memory under /memories/team/ and /memories/org/, when mounted): ranked hits with /memories paths, scores and matching lines.",
      inputSchema: {
        query: z.string().min(1).describe('words to look for (prefix and fuzzy matching)'),
        limit: z.number().int().min(1).max(100).optional().describe('at most this many hits (default 10)'),
        path_prefix: z
          .string()
          .optional()
          .describe('only memories under this folder, e.g. /memories/mistakes/'),
      },
      annotations: { readOnlyHint: true },
    },
    ({ query, limit, path_prefix }) =>
      toolCall(async () => {
        const hits = await search.search(query, { limit, pathPrefix: path_prefix });
        if (hits.length === 0) return `No memory matches ${JSON.stringify(query)}.`;
        return hits.map((h) => `${h.path} (score ${h.score})\n${h.snippet}`).join('\n\n');
      }),
  );
}

function registerMemoryResources(server: McpServer, reverie: Reverie, storeId: string): void {
  const base = `reverie://${storeId}/memories`;
  server.registerResource(
    'memory',
    new ResourceTemplate(`${base}/{+path}`, {
      list: async () => ({
        resources: (await listTree(reverie, storeId, '/')).map((m) => ({
          uri: `${base}${encodeURI(m.path)}`,
          name: m.path,
          mimeType: mimeOf(m.path),
          size: m.content_size_bytes,
        })),
      }),
    }),
    { description: `Memories of store ${storeId}`, mimeType: 'text/markdown' },
    async (uri, vars) => {
      const path = `/${decodeURI(String(vars.path))}`;
      const m = await reverie.getMemoryByPath(storeId, path);
      return { contents: [{ uri: uri.href, mimeType: mimeOf(path), text: m.content ?? '' }] };
    },
  );
}

function mimeOf(path: string): string {
  return path.endsWith('.md') ? 'text/markdown' : path.endsWith('.json') ? 'application/json' : 'text/plain';
}

function stripUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
