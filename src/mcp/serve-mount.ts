/**
 * MCP over Streamable HTTP at `/mcp` on `reverie serve`, behind the HTTP API's keys: the key (`x-api-key`
 * or `Authorization: Bearer`) picks the workspace, `?store=memstore_…` the store (which must be in that
 * workspace and, for a key that acts as a person or agent, be one that member sees; without `?store=`
 * such a key gets its own store), and the key's role what the client may do (`reader`: the memory
 * tool's `view` only; the dream and review tools need `writer` or above; team and organisation stores
 * are read-only below `reviewer`, see `TeamService.canWrite`). An agent's or person's store shows its
 * team's memory read-only at `/memories/team/` and the organisation's at `/memories/org/`. Every write
 * is a version by `{type: "mcp_actor", id: <key name>}`. `?session=sesn_…` instead serves the stores
 * attached to that session at `/mnt/memory/<slug>/` (session-server.ts), writable where attached
 * `read_write` and the key may write the store; those writes are versions by the session.
 */
import type { Principal } from '../service/keys.js';
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

/** The own store of a key that acts as a person or agent, or null. */
async function ownStore(reverie: Reverie, p: Principal): Promise<string | null> {
  return p.member ? reverie.teams.ownStore(p.member) : null;
}

/**
 * The grant of `?session=sesn_…`: the session's attached stores at their mount paths, each writable
 * when attached `read_write` and the key may write it (`TeamService.canWrite`); null (401) for a
 * session the key does not see.
 */
async function sessionGrant(reverie: Reverie, principal: Principal, sessionId: string) {
  if (!(await reverie.getSession(sessionId).catch(() => null))) return null;
  return {
    storeId: '',
    reverie,
    actor: { type: 'mcp_actor' as const, id: principal.key_name },
    session: {
      id: sessionId,
      writable: async (m: { memory_store_id: string }) => {
        const store = await reverie.getStore(m.memory_store_id).catch(() => null);
        return store !== null && (await reverie.teams.canWrite(principal, store));
      },
    },
  };
}

/**
 * The `/mcp` handler for `reverie serve` over the root service (see the module comment). Requests with an
 * unknown or revoked key, without `?store=`, or naming a store outside the key's workspace get 401.
 */
export function createServedMcpHandler(root: Reverie): McpHttpHandler {
  return createMcpHttpHandler(root, async (req) => {
    const principal = await root.keys.authenticate(presentedKey(req));
    if (!principal) return null;
    const reverie = root.forPrincipal(principal);
    const session = new URL(req.url).searchParams.get('session');
    if (session) return sessionGrant(reverie, principal, session);
    const storeId = new URL(req.url).searchParams.get('store') ?? (await ownStore(reverie, principal));
    if (!storeId) return null;
    try {
      await reverie.getStore(storeId);
    } catch {
      return null;
    }
    const store = await reverie.getStore(storeId);
    return {
      storeId,
      reverie,
      actor: { type: 'mcp_actor', id: principal.key_name },
      readOnly: !(await reverie.teams.canWrite(principal, store)),
    };
  });
}
