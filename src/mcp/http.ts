/**
 * MCP over Streamable HTTP (the MCP 2025-03-26+ transport, on the SDK's Web-standard
 * `WebStandardStreamableHTTPServerTransport`), for the HTTP API to mount at `/mcp`: a fetch-style handler
 * `(Request) => Promise<Response>`. Stateless: each request gets its own server over the store that
 * `authorize` picks for it, so authentication and workspace scoping stay with the HTTP API (its API keys),
 * and the actor of every write is the one `authorize` returns. Dreams started over HTTP outlive the
 * request; `close` cancels the ones still running.
 */
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { Actor } from '../domain/index.js';
import type { Reverie } from '../service/reverie.js';
import { createDreamRuns } from './dream-tools.js';
import { createMcpServer } from './server.js';
import { createSessionMcpServer, type SessionMcpOptions } from './session-server.js';

/**
 * Who calls and which store they may use; `null` refuses the request with 401. `reverie` (optional) is the
 * service to serve it with — e.g. the caller's workspace view — and `readOnly` limits it to reading.
 */
export type McpAuthorize = (req: Request) => Promise<McpGrant | null>;

/**
 * What {@link McpAuthorize} allows: one store (`storeId`), or with `session` the stores attached to that
 * session at their mount paths (session-server.ts; `storeId` is then unused), each writable when
 * `session.writable` says so.
 */
export interface McpGrant {
  storeId: string;
  actor: Actor;
  reverie?: Reverie;
  readOnly?: boolean;
  session?: { id: string; writable?: SessionMcpOptions['writable'] };
}

/** The handler {@link createMcpHttpHandler} returns. */
export interface McpHttpHandler {
  /** Answers one MCP request (POST with JSON-RPC; GET and DELETE get 405 in stateless mode). */
  handle(req: Request): Promise<Response>;
  /** Cancels dreams still running and waits for them to settle. */
  close(): Promise<void>;
}

/**
 * Builds the Streamable HTTP handler.
 * @example
 *   const mcp = createMcpHttpHandler(reverie, async (req) => apiKeyStore(req)); // the HTTP API's auth
 *   app.all('/mcp', (c) => mcp.handle(c.req.raw));
 */
export function createMcpHttpHandler(reverie: Reverie, authorize: McpAuthorize): McpHttpHandler {
  const runs = createDreamRuns();
  return {
    async handle(req) {
      const who = await authorize(req);
      if (!who)
        return Response.json(
          {
            jsonrpc: '2.0',
            error: { code: -32001, message: 'unauthorized: a valid API key is required' },
            id: null,
          },
          { status: 401, headers: { 'www-authenticate': 'Bearer' } },
        );
      const { server } = who.session
        ? await createSessionMcpServer(who.reverie ?? reverie, who.session.id, {
            readOnly: who.readOnly === true,
            writable: who.session.writable,
          })
        : createMcpServer(who.reverie ?? reverie, who.storeId, {
            actor: who.actor,
            runs,
            readOnly: who.readOnly === true,
          });
      const transport = new WebStandardStreamableHTTPServerTransport({
        sessionIdGenerator: undefined,
        enableJsonResponse: true,
      });
      await server.connect(transport);
      try {
        return await transport.handleRequest(req);
      } finally {
        await server.close();
      }
    },
    close: () => runs.shutdown(),
  };
}
