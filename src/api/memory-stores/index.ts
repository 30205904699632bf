/**
 * `/v1/memory_stores` in the hosted shapes (shared/reference/anthropic-api.md §1 "Store endpoints"):
 * create, retrieve, update (`metadata` is a patch in which `null` deletes a key), list (newest first,
 * `include_archived`, `created_at[gte]`, `created_at[lte]`, `limit` 1–1000 default 20, `page` cursor),
 * archive (one-way; the store becomes read-only) and delete (`{id, type:"memory_store_deleted"}`,
 * memories and versions removed). Stores are those of the key's workspace; other ids answer 404.
 * reverie's own `policy` is not part of the hosted store object and is left out here.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { MemoryStore } from '../../domain/index.js';
import type { ApiEnv } from '../core/index.js';

/** The hosted store object (`type: "memory_store"`). */
export const MemoryStoreSchema = z
  .object({
    type: z.literal('memory_store'),
    id: z.string().openapi({ example: 'memstore_01JD6X4K2M9Q0V5ZJ3S8R7T1BC' }),
    name: z.string(),
    description: z.string(),
    metadata: z.record(z.string(), z.string()),
    created_at: z.string(),
    updated_at: z.string(),
    archived_at: z.string().nullable(),
  })
  .openapi('MemoryStore');

/** The store id in the path. */
export const StoreParams = z.object({
  memory_store_id: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: 'memory_store_id', in: 'path' } }),
});

const CreateBody = z
  .object({
    name: z.string(),
    description: z.string().optional(),
    metadata: z.record(z.string(), z.string()).optional(),
  })
  .openapi('MemoryStoreCreateParams');

const UpdateBody = z
  .object({
    name: z.string().nullable().optional(),
    description: z.string().nullable().optional(),
    metadata: z.record(z.string(), z.string().nullable()).nullable().optional(),
  })
  .openapi('MemoryStoreUpdateParams');

const bool = z
  .enum(['true', 'false'])
  .optional()
  .transform((v) => v === 'true');

/** `limit` and `page` of a cursor-paginated list (`limit` 1–1000). */
export const PageQuerySchema = {
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  page: z.string().max(2000).optional(),
};

const ListQuery = z.object({
  ...PageQuerySchema,
  include_archived: bool,
  'created_at[gte]': z.iso.datetime({ offset: true }).optional(),
  'created_at[lte]': z.iso.datetime({ offset: true }).optional(),
});

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});

const StoreList = z.object({ data: z.array(MemoryStoreSchema), next_page: z.string().nullable() });
const Deleted = z.object({ id: z.string(), type: z.literal('memory_store_deleted') });

/** The hosted store object of a stored store (without reverie's `policy`). */
export function storeBody(s: MemoryStore): z.infer<typeof MemoryStoreSchema> {
  return {
    type: 'memory_store',
    id: s.id,
    name: s.name,
    description: s.description,
    metadata: s.metadata,
    created_at: s.created_at,
    updated_at: s.updated_at,
    archived_at: s.archived_at,
  };
}

/** Create and retrieve. */
function registerStoreCreateRetrieve(app: OpenAPIHono<ApiEnv>): void {
  const tags = ['Memory stores'];
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/memory_stores',
      tags,
      request: { body: { content: { 'application/json': { schema: CreateBody } }, required: true } },
      responses: { 200: json(MemoryStoreSchema, 'The new store') },
    }),
    async (c) => c.json(storeBody(await c.var.reverie.createStore(c.req.valid('json'))), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/memory_stores/{memory_store_id}',
      tags,
      request: { params: StoreParams },
      responses: { 200: json(MemoryStoreSchema, 'The store') },
    }),
    async (c) => c.json(storeBody(await c.var.reverie.getStore(c.req.valid('param').memory_store_id)), 200),
  );
}

/** Update, list, archive, delete. */
function registerStoreChanges(app: OpenAPIHono<ApiEnv>): void {
  const tags = ['Memory stores'];
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/memory_stores/{memory_store_id}',
      tags,
      request: { params: StoreParams, body: { content: { 'application/json': { schema: UpdateBody } } } },
      responses: { 200: json(MemoryStoreSchema, 'The updated store') },
    }),
    async (c) => {
      const b = c.req.valid('json');
      const s = await c.var.reverie.updateStore(c.req.valid('param').memory_store_id, {
        name: b.name ?? undefined,
        description: b.description === null ? '' : b.description,
        metadata: b.metadata ?? undefined,
      });
      return c.json(storeBody(s), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/memory_stores',
      tags,
      request: { query: ListQuery },
      responses: { 200: json(StoreList, 'Stores, newest first') },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const page = await c.var.reverie.listStores({
        limit: q.limit,
        page: q.page,
        include_archived: q.include_archived,
        created_at_gte: q['created_at[gte]'],
        created_at_lte: q['created_at[lte]'],
      });
      return c.json({ data: page.data.map(storeBody), next_page: page.next_page }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/memory_stores/{memory_store_id}/archive',
      tags,
      request: { params: StoreParams },
      responses: { 200: json(MemoryStoreSchema, 'The archived (read-only) store') },
    }),
    async (c) =>
      c.json(storeBody(await c.var.reverie.archiveStore(c.req.valid('param').memory_store_id)), 200),
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/memory_stores/{memory_store_id}',
      tags,
      request: { params: StoreParams },
      responses: { 200: json(Deleted, 'The store is gone with its memories and versions') },
    }),
    async (c) => c.json(await c.var.reverie.deleteStore(c.req.valid('param').memory_store_id), 200),
  );
}

/** Adds the memory-store routes to `app` (which has authenticated the key: `c.var.reverie`). */
export function registerMemoryStores(app: OpenAPIHono<ApiEnv>): void {
  registerStoreCreateRetrieve(app);
  registerStoreChanges(app);
}
