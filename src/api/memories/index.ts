/**
 * `/v1/memory_stores/{memory_store_id}/memories` in the hosted shapes (shared/reference/
 * anthropic-api.md §1 "Memory endpoints" and "Path and size rules"):
 *
 * - create `{path, content}` (`content: null` is `""`); never overwrites: 409
 *   `memory_path_conflict_error` with `conflicting_memory_id` and `conflicting_path`;
 * - retrieve, `view` `full` (default) or `basic` (content `null`);
 * - update by POST or PATCH `{content?, path?, precondition?}`: a changed `path` renames;
 *   `precondition: {type:"content_sha256", content_sha256}` that no longer matches is a 409
 *   `memory_precondition_failed_error`, unless the stored state already equals the request (200);
 * - list: `path_prefix` (ends in `/`, whole segments), `depth` 0/omitted (recursive) or 1 (children,
 *   deeper entries rolled up as `{type:"memory_prefix", path}`), `view` (default `basic`; `full` caps
 *   `limit` at 20), `limit`/`page` cursor;
 * - delete, with `expected_content_sha256` → `{id, type:"memory_deleted"}`.
 *
 * Path rules (starts with `/`, ≤ 1,024 bytes, no empty/`.`/`..` segments, no control characters, NFC)
 * and content ≤ 102,400 bytes are the service's; breaking one is a 400 naming the field.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Memory } from '../../domain/index.js';
import type { ApiEnv } from '../core/index.js';
import { PageQuerySchema, StoreParams } from '../memory-stores/index.js';

/** The hosted memory object (`type: "memory"`; `content` null in the `basic` view). */
export const MemorySchema = z
  .object({
    type: z.literal('memory'),
    id: z.string().openapi({ example: 'mem_01JD6X4K2M9Q0V5ZJ3S8R7T1BC' }),
    memory_store_id: z.string(),
    path: z.string(),
    content: z.string().nullable(),
    content_sha256: z.string(),
    content_size_bytes: z.number().int(),
    memory_version_id: z.string(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('Memory');

const PrefixSchema = z.object({ type: z.literal('memory_prefix'), path: z.string() }).openapi('MemoryPrefix');

const MemoryParams = StoreParams.extend({
  memory_id: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: 'memory_id', in: 'path' } }),
});

const View = z.enum(['basic', 'full']);
const ViewQuery = z.object({ view: View.optional() });

const CreateBody = z
  .object({ path: z.string(), content: z.string().nullable() })
  .openapi('MemoryCreateParams');

const UpdateBody = z
  .object({
    content: z.string().nullable().optional(),
    path: z.string().nullable().optional(),
    precondition: z
      .object({ type: z.literal('content_sha256'), content_sha256: z.string().regex(/^[0-9a-f]{64}$/) })
      .optional(),
  })
  .openapi('MemoryUpdateParams');

const ListQuery = z.object({
  ...PageQuerySchema,
  path_prefix: z.string().optional(),
  depth: z.coerce.number().int().optional(),
  view: View.optional(),
});

const DeleteQuery = z.object({ expected_content_sha256: z.string().optional() });

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});

const MemoryList = z.object({
  data: z.array(z.union([MemorySchema, PrefixSchema])),
  next_page: z.string().nullable(),
});
const Deleted = z.object({ id: z.string(), type: z.literal('memory_deleted') });

/** A memory as the hosted API returns it in `view` (`basic`: content null). */
export function memoryBody(m: Memory, view: 'basic' | 'full' = 'full'): z.infer<typeof MemorySchema> {
  return {
    type: 'memory',
    id: m.id,
    memory_store_id: m.memory_store_id,
    path: m.path,
    content: view === 'basic' ? null : m.content,
    content_sha256: m.content_sha256,
    content_size_bytes: m.content_size_bytes,
    memory_version_id: m.memory_version_id,
    created_at: m.created_at,
    updated_at: m.updated_at,
  };
}

/** Create and retrieve. */
function registerMemoryCreateRetrieve(app: OpenAPIHono<ApiEnv>): void {
  const tags = ['Memories'];
  const base = '/v1/memory_stores/{memory_store_id}/memories';

  app.openapi(
    createRoute({
      method: 'post',
      path: base,
      tags,
      request: {
        params: StoreParams,
        query: ViewQuery,
        body: { content: { 'application/json': { schema: CreateBody } }, required: true },
      },
      responses: {
        200: json(MemorySchema, 'The new memory (409 memory_path_conflict_error if the path is taken)'),
      },
    }),
    async (c) => {
      const b = c.req.valid('json');
      const m = await c.var.reverie.createMemory(
        c.req.valid('param').memory_store_id,
        { path: b.path, content: b.content ?? '' },
        c.var.actor,
      );
      return c.json(memoryBody(m, c.req.valid('query').view), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: `${base}/{memory_id}`,
      tags,
      request: { params: MemoryParams, query: ViewQuery },
      responses: { 200: json(MemorySchema, 'The memory') },
    }),
    async (c) => {
      const p = c.req.valid('param');
      const view = c.req.valid('query').view ?? 'full';
      return c.json(
        memoryBody(await c.var.reverie.getMemory(p.memory_store_id, p.memory_id, view), view),
        200,
      );
    },
  );
}

/** Update/rename (POST and PATCH), list, delete. */
function registerMemoryChanges(app: OpenAPIHono<ApiEnv>): void {
  const tags = ['Memories'];
  const base = '/v1/memory_stores/{memory_store_id}/memories';

  for (const method of ['post', 'patch'] as const)
    app.openapi(
      createRoute({
        method,
        path: `${base}/{memory_id}`,
        tags,
        request: {
          params: MemoryParams,
          query: ViewQuery,
          body: { content: { 'application/json': { schema: UpdateBody } }, required: true },
        },
        responses: {
          200: json(
            MemorySchema,
            'The memory after the update (409 memory_precondition_failed_error on a stale precondition)',
          ),
        },
      }),
      async (c) => {
        const p = c.req.valid('param');
        const b = c.req.valid('json');
        const m = await c.var.reverie.updateMemory(
          p.memory_store_id,
          p.memory_id,
          { content: b.content ?? undefined, path: b.path ?? undefined, precondition: b.precondition },
          c.var.actor,
        );
        return c.json(memoryBody(m, c.req.valid('query').view), 200);
      },
    );

  app.openapi(
    createRoute({
      method: 'get',
      path: base,
      tags,
      request: { params: StoreParams, query: ListQuery },
      responses: { 200: json(MemoryList, 'Memories by path, with memory_prefix roll-ups at depth 1') },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const view = q.view ?? 'basic';
      const page = await c.var.reverie.listMemories(c.req.valid('param').memory_store_id, {
        limit: q.limit,
        page: q.page,
        path_prefix: q.path_prefix,
        depth: q.depth,
        view,
      });
      const data = page.data.map((m) => (m.type === 'memory' ? memoryBody(m, view) : m));
      return c.json({ data, next_page: page.next_page }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: `${base}/{memory_id}`,
      tags,
      request: { params: MemoryParams, query: DeleteQuery },
      responses: { 200: json(Deleted, 'The memory is deleted; its versions remain') },
    }),
    async (c) => {
      const p = c.req.valid('param');
      const r = await c.var.reverie.deleteMemory(
        p.memory_store_id,
        p.memory_id,
        { expected_content_sha256: c.req.valid('query').expected_content_sha256 },
        c.var.actor,
      );
      return c.json(r, 200);
    },
  );
}

/** Adds the memory routes to `app` (which has authenticated the key: `c.var.reverie`, `c.var.actor`). */
export function registerMemories(app: OpenAPIHono<ApiEnv>): void {
  registerMemoryCreateRetrieve(app);
  registerMemoryChanges(app);
}
