/**
 * `/v1/dreams` in the hosted shapes (shared/reference/anthropic-api.md §2, §0a): create (`inputs` =
 * exactly one `memory_store` and one `sessions` entry with 1–100 unique ids, echoed sorted; `model` a
 * string or `{id, speed}`, `reverie-offline` being the engine this server runs; `instructions`
 * 1–4,096 characters; `output_behavior`), retrieve, list (newest first; `include_archived`,
 * `statuses`, `created_at[gt|lt]`, `limit` 1–100 default 20, `page`), cancel and archive. A dream runs
 * in the background after create (see service/dream-runs.ts); clients poll. reverie's own fields
 * (engine, progress, stats, the version pin) are left out of the hosted object.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Dream } from '../../domain/index.js';
import { cancelDreamRun, startDream } from '../../service/index.js';
import { type ApiEnv, ApiError } from '../core/index.js';

const Status = z.enum(['pending', 'running', 'completed', 'failed', 'canceled']);
const StoreRef = z.object({ type: z.literal('memory_store'), memory_store_id: z.string().min(1) });
const SessionsRef = z.object({
  type: z.literal('sessions'),
  session_ids: z.array(z.string().min(1)).min(1).max(100),
});
const OutputBehavior = z.union([
  z.object({ type: z.literal('create_new') }),
  z.object({ type: z.literal('update_existing'), memory_store_id: z.string().min(1) }),
]);
const Usage = z.object({
  input_tokens: z.number().int(),
  output_tokens: z.number().int(),
  cache_read_input_tokens: z.number().int(),
  cache_creation_input_tokens: z.number().int(),
});

/** The hosted dream object (`type: "dream"`). */
export const DreamSchema = z
  .object({
    type: z.literal('dream'),
    id: z.string(),
    status: Status,
    inputs: z.array(z.union([StoreRef, SessionsRef])),
    outputs: z.array(StoreRef),
    model: z.object({ id: z.string(), speed: z.enum(['standard', 'fast']).optional() }),
    instructions: z.string().nullable(),
    output_behavior: OutputBehavior,
    session_id: z.string().nullable(),
    usage: Usage,
    error: z.object({ type: z.string(), message: z.string() }).nullable(),
    created_at: z.string(),
    ended_at: z.string().nullable(),
    archived_at: z.string().nullable(),
  })
  .openapi('Dream');

const CreateBody = z
  .object({
    inputs: z
      .array(z.union([StoreRef, SessionsRef]))
      .min(2)
      .max(2),
    model: z.union([
      z.string().min(1).max(256),
      z.object({ id: z.string().min(1).max(256), speed: z.enum(['standard', 'fast']).nullable().optional() }),
    ]),
    instructions: z.string().min(1).max(4096).nullable().optional(),
    output_behavior: OutputBehavior.optional(),
    /**
     * reverie's extension: the project's instruction files (`CLAUDE.md`, `AGENTS.md`) as the client
     * read them — the server never reads a client's paths. A memory that repeats one is not proposed; one
     * that contradicts it is flagged.
     */
    instruction_files: z
      .array(z.object({ path: z.string().min(1).max(4096), content: z.string().max(100_000) }))
      .max(8)
      .optional()
      .openapi({ description: "reverie extension: instruction files' path and content, read by the client" }),
  })
  .openapi('DreamCreateParams');

const DreamParams = z.object({
  dream_id: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: 'dream_id', in: 'path' } }),
});
const Statuses = z.union([Status, z.array(Status)]).optional();
const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).optional(),
  page: z.string().max(2000).optional(),
  include_archived: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true'),
  statuses: Statuses,
  'statuses[]': Statuses,
  'created_at[gt]': z.iso.datetime({ offset: true }).optional(),
  'created_at[lt]': z.iso.datetime({ offset: true }).optional(),
});
const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});

/**
 * Error types of a failed dream in the hosted vocabulary: a store or session that vanished is
 * `input_memory_store_unavailable` / `input_session_unavailable`, anything else `internal_error`.
 */
export function dreamErrorType(e: { type: string; message: string }): string {
  if (/memory.store/.test(e.message) && (e.type === 'not_found_error' || e.type === 'conflict_error'))
    return 'input_memory_store_unavailable';
  if (e.type === 'not_found_error' && /session/.test(e.message)) return 'input_session_unavailable';
  return 'internal_error';
}

/** The hosted dream object of a stored dream. */
export function dreamBody(d: Dream): z.infer<typeof DreamSchema> {
  return {
    type: 'dream',
    id: d.id,
    status: d.status,
    inputs: d.inputs,
    outputs: d.outputs,
    model: d.model,
    instructions: d.instructions,
    output_behavior: d.output_behavior,
    session_id: d.session_id,
    usage: d.usage,
    error: d.error ? { type: dreamErrorType(d.error), message: d.error.message } : null,
    created_at: d.created_at,
    ended_at: d.ended_at,
    archived_at: d.archived_at,
  };
}

function createInput(b: z.infer<typeof CreateBody>) {
  const stores = b.inputs.filter((i) => i.type === 'memory_store');
  const sessions = b.inputs.filter((i) => i.type === 'sessions');
  if (stores.length !== 1 || sessions.length !== 1)
    throw new ApiError(
      400,
      'invalid_request_error',
      'inputs must hold exactly one memory_store and one sessions entry',
    );
  return {
    memory_store_id: stores[0]!.memory_store_id,
    session_ids: sessions[0]!.session_ids,
    model: typeof b.model === 'string' ? { id: b.model } : b.model,
    instructions: b.instructions,
    output_behavior: b.output_behavior,
    ...(b.instruction_files?.length ? { options: { instruction_files: b.instruction_files } } : {}),
  };
}

const asList = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Create and retrieve. */
function registerDreamCreate(app: OpenAPIHono<ApiEnv>, queue: boolean): void {
  const tags = ['Dreams'];
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/dreams',
      tags,
      request: { body: { content: { 'application/json': { schema: CreateBody } }, required: true } },
      responses: { 200: json(DreamSchema, 'The dream, pending; it runs in the background') },
    }),
    async (c) =>
      c.json(dreamBody(await startDream(c.var.reverie, createInput(c.req.valid('json')), { queue })), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/dreams/{dream_id}',
      tags,
      request: { params: DreamParams },
      responses: { 200: json(DreamSchema, 'The dream') },
    }),
    async (c) => c.json(dreamBody(await c.var.reverie.getDream(c.req.valid('param').dream_id)), 200),
  );
}

/** List, cancel, archive. */
function registerDreamLists(app: OpenAPIHono<ApiEnv>): void {
  const tags = ['Dreams'];
  const one = (c: Context<ApiEnv>, d: Dream) => c.json(dreamBody(d), 200);

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/dreams',
      tags,
      request: { query: ListQuery },
      responses: {
        200: json(
          z.object({ data: z.array(DreamSchema), next_page: z.string().nullable() }),
          'Dreams, newest first',
        ),
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const statuses = [...asList(q.statuses), ...asList(q['statuses[]'])] as Dream['status'][];
      const page = await c.var.reverie.listDreams({
        limit: q.limit,
        page: q.page,
        include_archived: q.include_archived,
        statuses: statuses.length ? statuses : undefined,
        created_at_gt: q['created_at[gt]'],
        created_at_lt: q['created_at[lt]'],
      });
      return c.json({ data: page.data.map(dreamBody), next_page: page.next_page }, 200);
    },
  );

  for (const action of ['cancel', 'archive'] as const)
    app.openapi(
      createRoute({
        method: 'post',
        path: `/v1/dreams/{dream_id}/${action}`,
        tags,
        request: { params: DreamParams },
        responses: {
          200: json(
            DreamSchema,
            action === 'cancel'
              ? 'Canceled (a no-op when already canceled; 400 when completed or failed)'
              : 'Archived (terminal states only; idempotent)',
          ),
        },
      }),
      async (c) => {
        const id = c.req.valid('param').dream_id;
        return one(
          c,
          action === 'cancel'
            ? await cancelDreamRun(c.var.reverie, id)
            : await c.var.reverie.archiveDream(id),
        );
      },
    );
}

/** Adds the dream routes to `app` (which has authenticated the key); `opts.queue`: create dreams as queued jobs. */
export function registerDreams(app: OpenAPIHono<ApiEnv>, opts: { queue?: boolean } = {}): void {
  registerDreamCreate(app, opts.queue === true);
  registerDreamLists(app);
}
