/**
 * Teams and scopes in the HTTP API (issue 14), reverie extensions under `/v1/reverie/…`; every route
 * calls the service's {@link TeamService} over the key's view (a key that acts as a member sees only
 * its own teams and the stores it may see):
 *
 * - `GET /v1/reverie/teams` → `{data: Team[]}` (with members); `POST /v1/reverie/teams` `{name}` → the team (admin);
 * - `GET /v1/reverie/teams/{team_id}` (id or name); `POST /v1/reverie/teams/{team_id}/members`
 *   `{members: [{type: person|agent, id}]}` → the team (admin);
 * - `GET|POST /v1/reverie/memory_stores/{id}/scope` `{type, id?, min_support?}` or `null` → `{scope}` (POST admin);
 * - `GET|PUT /v1/reverie/agents/{agent_id}/memory_stores` `{memory_stores: [{memory_store_id,
 *   access: read_write|read_only}]}` (at most 8, the hosted limit) → `{data}` (PUT admin).
 *
 * {@link teamWriteGuard} refuses (403 `permission_error`) writes to a team or organisation store by
 * keys below reviewer, writes to a store attached `read_only` to the key's agent, and writes made
 * through a session (header {@link SESSION_HEADER}) to a store it attached `read_only` or not at all.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { type Principal, roleAllows } from '../../service/index.js';
import { type ApiEnv, ApiError } from '../core/index.js';
import { StoreParams } from '../memory-stores/index.js';

const tags = ['Teams (reverie extension)'];
const Obj = (name: string) => z.record(z.string(), z.unknown()).openapi(name);
const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});
const body = <T extends z.ZodType>(schema: T) => ({
  body: { content: { 'application/json': { schema } }, required: true },
});
const Id = (name: string) =>
  z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name, in: 'path' } });
const TeamParams = z.object({ team_id: Id('team_id') });
const AgentParams = z.object({ agent_id: Id('agent_id') });
const Member = z.object({ type: z.enum(['person', 'agent']), id: z.string().min(1).max(128) });
const ScopeBody = z
  .object({
    type: z.enum(['person', 'agent', 'team', 'organisation']),
    id: z.string().min(1).max(200).nullable().optional(),
    min_support: z.number().int().min(1).max(1000).optional(),
  })
  .nullable()
  .openapi('ReverieScope');
const AttachBody = z.object({
  memory_stores: z.array(
    z.object({
      memory_store_id: z.string().min(1).max(200),
      access: z.enum(['read_write', 'read_only']).optional(),
    }),
  ),
});

/** Refuses unless the key is an admin: team administration changes who sees what. */
function needAdmin(c: Context<ApiEnv>): void {
  const p: Principal = c.var.principal;
  if (!roleAllows(p.role, 'admin'))
    throw new ApiError(
      403,
      'permission_error',
      `this API key is a ${p.role} key; ${c.req.method} ${c.req.path.slice(0, 200)} needs an admin key`,
    );
}

/**
 * Middleware for `/v1/memory_stores/*`: a write (any method but GET/HEAD) to a store the key may not
 * write (`TeamService.canWrite`) is refused with 403 `permission_error`; so is a write sent through a
 * session ({@link SESSION_HEADER}) to a store that session attached `read_only` or not at all (404 for a
 * session the key does not see); an allowed write through a session is recorded as the session's
 * (`{type: "session_actor", id}` on the version it makes). Unknown stores pass through (the route
 * answers 404).
 */
export function teamWriteGuard(): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const m = /^\/v1\/memory_stores\/([^/]+)/.exec(c.req.path);
    if (m && c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      const svc = c.var.reverie;
      const session = c.req.header(SESSION_HEADER);
      if (session) {
        await sessionWriteCheck(c, session, decodeURIComponent(m[1]!));
        // hosted writes made through a session are the session's (`session_actor`), as MCP's are
        c.set('actor', { type: 'session_actor', id: session });
      }
      const store = await svc.getStore(decodeURIComponent(m[1]!)).catch(() => null);
      if (store && !(await svc.teams.canWrite(c.var.principal, store)))
        throw new ApiError(
          403,
          'permission_error',
          store.scope?.type === 'team' || store.scope?.type === 'organisation'
            ? `memory store ${store.id} is a ${store.scope.type} store: only reviewer and admin keys write it (its changes come from reviewed dreams)`
            : `memory store ${store.id} is attached read_only to this key's agent`,
        );
    }
    await next();
  };
}

/**
 * The request header that names the session a write is made through (reverie's extension: the hosted
 * product mounts a session's stores into its container; reverie's session agents write over HTTP).
 */
export const SESSION_HEADER = 'x-reverie-session-id';

/**
 * Refuses (403 `permission_error`) a write to `storeId` through session `sessionId` when the store is
 * not attached to the session or is attached `read_only`. @throws ApiError 404 for an unknown session.
 */
async function sessionWriteCheck(c: Context<ApiEnv>, sessionId: string, storeId: string): Promise<void> {
  const svc = c.var.reverie;
  await svc.getSession(sessionId);
  const attached = (await svc.sessionResources([sessionId])).get(sessionId) ?? [];
  const a = attached.find((r) => r.memory_store_id === storeId);
  if (!a)
    throw new ApiError(
      403,
      'permission_error',
      `memory store ${storeId} is not attached to session ${sessionId}: writes through a session go to its attached stores only`,
    );
  if (a.access === 'read_only')
    throw new ApiError(
      403,
      'permission_error',
      `memory store ${storeId} is attached read_only to session ${sessionId} (mounted at ${a.mount_path}): writes through it are refused`,
    );
}

/** Registers the team routes on `app`. */
export function registerTeams(app: OpenAPIHono<ApiEnv>): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/reverie/teams',
      tags,
      responses: { 200: json(z.object({ data: z.array(Obj('ReverieTeam')) }), 'Teams with members') },
    }),
    async (c) => c.json({ data: await c.var.reverie.teams.listTeams() } as never, 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/reverie/teams',
      tags,
      request: body(z.object({ name: z.string().min(1).max(128) })),
      responses: { 200: json(Obj('ReverieTeamCreated'), 'The new team') },
    }),
    async (c) => {
      needAdmin(c);
      return c.json((await c.var.reverie.teams.createTeam(c.req.valid('json').name)) as never, 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/reverie/teams/{team_id}',
      tags,
      request: { params: TeamParams },
      responses: { 200: json(Obj('ReverieTeamDetail'), 'The team and its members') },
    }),
    async (c) => {
      const teams = c.var.reverie.teams;
      const id = c.req.valid('param').team_id;
      const mine = c.var.principal.member ? await teams.listTeams() : null;
      if (mine && !mine.some((t) => t.id === id || t.name === id))
        throw new ApiError(404, 'not_found_error', `team not found: ${id}`);
      return c.json((await teams.getTeam(id)) as never, 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/reverie/teams/{team_id}/members',
      tags,
      request: { params: TeamParams, ...body(z.object({ members: z.array(Member).min(1).max(1000) })) },
      responses: { 200: json(Obj('ReverieTeamMembers'), 'The team and its members') },
    }),
    async (c) => {
      needAdmin(c);
      const t = await c.var.reverie.teams.addMembers(
        c.req.valid('param').team_id,
        c.req.valid('json').members,
      );
      return c.json(t as never, 200);
    },
  );
  registerScopeRoutes(app);
}

/** Store scope and agents' attached stores. */
function registerScopeRoutes(app: OpenAPIHono<ApiEnv>): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/reverie/memory_stores/{memory_store_id}/scope',
      tags,
      request: { params: StoreParams },
      responses: { 200: json(Obj('ReverieStoreScope'), '`{scope}`: the scope, or null') },
    }),
    async (c) => {
      const s = await c.var.reverie.getStore(c.req.valid('param').memory_store_id);
      return c.json({ memory_store_id: s.id, scope: s.scope ?? null } as never, 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/reverie/memory_stores/{memory_store_id}/scope',
      tags,
      request: { params: StoreParams, ...body(ScopeBody) },
      responses: { 200: json(Obj('ReverieStoreScopeSet'), '`{scope}` after the change') },
    }),
    async (c) => {
      needAdmin(c);
      const s = await c.var.reverie.teams.setScope(
        c.req.valid('param').memory_store_id,
        c.req.valid('json') ?? null,
      );
      return c.json({ memory_store_id: s.id, scope: s.scope ?? null } as never, 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/reverie/agents/{agent_id}/memory_stores',
      tags,
      request: { params: AgentParams },
      responses: { 200: json(z.object({ data: z.array(Obj('ReverieAgentStore')) }), 'Attached stores') },
    }),
    async (c) => {
      const agentId = c.req.valid('param').agent_id;
      const all = await c.var.reverie.teams.attachedStores(agentId);
      const visible = [];
      for (const a of all)
        if (await c.var.reverie.getStore(a.memory_store_id).catch(() => null)) visible.push(a);
      return c.json({ data: visible } as never, 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'put',
      path: '/v1/reverie/agents/{agent_id}/memory_stores',
      tags,
      request: { params: AgentParams, ...body(AttachBody) },
      responses: { 200: json(z.object({ data: z.array(Obj('ReverieAgentStoreSet')) }), 'Attached stores') },
    }),
    async (c) => {
      needAdmin(c);
      const data = await c.var.reverie.teams.attachStores(
        c.req.valid('param').agent_id,
        c.req.valid('json').memory_stores,
      );
      return c.json({ data } as never, 200);
    },
  );
}
