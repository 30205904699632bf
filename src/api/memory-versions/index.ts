/**
 * `/v1/memory_stores/{memory_store_id}/memory_versions` in the hosted shapes (shared/reference/
 * anthropic-api.md §1 "Versions", §0a): list newest first, filtered by `memory_id`, `operation`,
 * `session_id`, `api_key_id`, `service_account_id` (one actor filter at a time) and
 * `created_at[gte|lte]`, `view` (default `basic`: content null), `limit`/`page` cursor; retrieve
 * (`view` default `full`); redact (path, content, hash and size become null; the head of a live memory
 * is refused with 400).
 *
 * Actors: the hosted ones in their hosted shape (`{type:"api_actor", api_key_id}`, `session_actor`
 * with `session_id`, `user_actor` with `user_id`, `service_account_actor` with
 * `service_account_id`); reverie's own (`dream_actor`, `review_actor`, `import_actor`,
 * `rollback_actor`) as `{type, id}`, an extension.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Actor, MemoryVersion } from '../../domain/index.js';
import { redactVersion } from '../../service/index.js';
import { type ApiEnv, ApiError } from '../core/index.js';
import { PageQuerySchema, StoreParams } from '../memory-stores/index.js';

const ActorSchema = z.record(z.string(), z.string()).openapi('Actor', {
  description:
    'Hosted actors: {type:"api_actor", api_key_id} | session_actor | user_actor | service_account_actor; reverie actors: {type, id}',
});

/** The hosted memory version object (`type: "memory_version"`). */
export const MemoryVersionSchema = z
  .object({
    type: z.literal('memory_version'),
    id: z.string(),
    memory_id: z.string(),
    memory_store_id: z.string(),
    operation: z.enum(['created', 'modified', 'deleted']),
    path: z.string().nullable(),
    content: z.string().nullable(),
    content_sha256: z.string().nullable(),
    content_size_bytes: z.number().int().nullable(),
    created_by: ActorSchema,
    created_at: z.string(),
    redacted_at: z.string().nullable(),
    redacted_by: ActorSchema.nullable(),
  })
  .openapi('MemoryVersion');

const ID_FIELD: Partial<Record<Actor['type'], string>> = {
  api_actor: 'api_key_id',
  session_actor: 'session_id',
  user_actor: 'user_id',
  service_account_actor: 'service_account_id',
};

/** An actor in the hosted shape (`{type, api_key_id}` …), reverie's own as `{type, id}`. */
export function actorBody(a: Actor): Record<string, string> {
  const field = ID_FIELD[a.type];
  return field ? { type: a.type, [field]: a.id } : { type: a.type, id: a.id };
}

/** A version as the hosted API returns it in `view` (`basic`: content null). */
export function versionBody(v: MemoryVersion, view: 'basic' | 'full'): z.infer<typeof MemoryVersionSchema> {
  return {
    type: 'memory_version',
    id: v.id,
    memory_id: v.memory_id,
    memory_store_id: v.memory_store_id,
    operation: v.operation,
    path: v.path,
    content: view === 'basic' ? null : v.content,
    content_sha256: v.content_sha256,
    content_size_bytes: v.content_size_bytes,
    created_by: actorBody(v.created_by),
    created_at: v.created_at,
    redacted_at: v.redacted_at,
    redacted_by: v.redacted_by ? actorBody(v.redacted_by) : null,
  };
}

const VersionParams = StoreParams.extend({
  memory_version_id: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: 'memory_version_id', in: 'path' } }),
});
const View = z.enum(['basic', 'full']);
const ListQuery = z.object({
  ...PageQuerySchema,
  memory_id: z.string().optional(),
  operation: z.enum(['created', 'modified', 'deleted']).optional(),
  session_id: z.string().optional(),
  api_key_id: z.string().optional(),
  service_account_id: z.string().optional(),
  'created_at[gte]': z.iso.datetime({ offset: true }).optional(),
  'created_at[lte]': z.iso.datetime({ offset: true }).optional(),
  view: View.optional(),
});
const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});

function actorFilter(q: z.infer<typeof ListQuery>): Actor | undefined {
  const given: Actor[] = [];
  if (q.session_id) given.push({ type: 'session_actor', id: q.session_id });
  if (q.api_key_id) given.push({ type: 'api_actor', id: q.api_key_id });
  if (q.service_account_id) given.push({ type: 'service_account_actor', id: q.service_account_id });
  if (given.length > 1)
    throw new ApiError(
      400,
      'invalid_request_error',
      'give at most one of session_id, api_key_id, service_account_id',
    );
  return given[0];
}

/** Adds the memory-version routes to `app` (which has authenticated the key). */
export function registerMemoryVersions(app: OpenAPIHono<ApiEnv>): void {
  const tags = ['Memory versions'];
  const base = '/v1/memory_stores/{memory_store_id}/memory_versions';

  app.openapi(
    createRoute({
      method: 'get',
      path: base,
      tags,
      request: { params: StoreParams, query: ListQuery },
      responses: {
        200: json(
          z.object({ data: z.array(MemoryVersionSchema), next_page: z.string().nullable() }),
          'Versions, newest first',
        ),
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const page = await c.var.reverie.listVersions(c.req.valid('param').memory_store_id, {
        limit: q.limit,
        page: q.page,
        memory_id: q.memory_id,
        operation: q.operation,
        created_by: actorFilter(q),
        created_at_gte: q['created_at[gte]'],
        created_at_lte: q['created_at[lte]'],
      });
      return c.json(
        { data: page.data.map((v) => versionBody(v, q.view ?? 'basic')), next_page: page.next_page },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: `${base}/{memory_version_id}`,
      tags,
      request: { params: VersionParams, query: z.object({ view: View.optional() }) },
      responses: { 200: json(MemoryVersionSchema, 'The version') },
    }),
    async (c) => {
      const p = c.req.valid('param');
      const v = await c.var.reverie.getVersion(p.memory_store_id, p.memory_version_id);
      return c.json(versionBody(v, c.req.valid('query').view ?? 'full'), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: `${base}/{memory_version_id}/redact`,
      tags,
      request: { params: VersionParams },
      responses: {
        200: json(MemoryVersionSchema, 'The redacted version (400 for the head of a live memory)'),
      },
    }),
    async (c) => {
      const p = c.req.valid('param');
      const v = await redactVersion(c.var.reverie, p.memory_store_id, p.memory_version_id, c.var.actor);
      return c.json(versionBody(v, 'full'), 200);
    },
  );
}
