/**
 * MCP over Streamable HTTP at `/mcp` on `reverie serve`, behind the HTTP API's keys: the key (`x-api-key`
 * or `Authorization: Bearer`) picks the workspace, `?store=memstore_…` the store (which must be in that
 * workspace), and the key's role what the client may do (`reader`: the memory tool's `view` only; the
 * dream and review tools need `writer` or above). Every write is a version by
 * `{type: "mcp_actor", id: <key name>}`.
 */
import { roleAllows } from '../service/keys.js';
import type { Reverie } from '../service/reverie.js';
import { createMcpHttpHandler, type McpHttpHandler } from './http.js';

/** The path `reverie serve` answers MCP requests on. */
export const MCP_PATH = '/mcp';

/** The key a request presents: `x-api-key`, else a Bearer token. */
function presentedKey(req: Request): string | null {
  const direct = req.headers.get('x-api-key');
  if (direct) return direct;
  const auth = req.headers.get('authorization');
  return auth?.toLowerCase().startsWith('bearer ') ? auth.slice(7).trim() : null;
}

/**
 * The `/mcp` handler for `reverie serve` over the root service (see the module comment). Requests with an
 * unknown or revoked key, without `?store=`, or naming a store outside the key's workspace get 401.
 */
export function createServedMcpHandler(root: Reverie): McpHttpHandler {
  return createMcpHttpHandler(root, async (req) => {
    const principal = await root.keys.authenticate(presentedKey(req));
    const storeId = new URL(req.url).searchParams.get('store');
    if (!principal || !storeId) return null;
    const reverie = root.forWorkspace(principal.workspace_id);
    try {
      await reverie.getStore(storeId);
    } catch {
      return null;
    }
    return {
      storeId,
      reverie,
      actor: { type: 'mcp_actor', id: principal.key_name },
      readOnly: !roleAllows(principal.role, 'writer'),
    };
  });
}
