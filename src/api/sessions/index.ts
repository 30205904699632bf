/**
 * reverie's session extension of the API, under `/v1/reverie/sessions` so that it never collides with
 * the hosted `/v1/sessions` (Managed Agents sessions, another resource): transcripts are uploaded as
 * the raw request body (any supported format, detected or forced with `format`; at most 50 MB; nothing
 * is read from the server's disk), listed, and retrieved with their normalized events. Sessions belong
 * to the key's workspace; the dream endpoints take their `sesn_` ids.
 *
 * - `POST /v1/reverie/sessions?filename=&format=&agent_id=&team_id=&user_id=&resources=` →
 *   `{type:"session_import", filename, format, sessions:[{external_id, status, session_id, conflicts_with?}],
 *   warnings?, resources?}` (`warnings`: a `session_conflict` per session kept beside a stored session of the
 *   same external id that it must not replace, see Storage.importSessions);
 *   `resources` is the JSON of the hosted session-create `resources[]` (up to 8 memory stores, each
 *   `read_write` or `read_only`, see service/session-stores.ts), attached to the sessions it creates;
 * - `GET /v1/reverie/sessions?agent_id=&team_id=&memory_store_id=&limit=&page=` → `{data, next_page}`;
 * - `GET /v1/reverie/sessions/{session_id}?include_events=true` → the session (with `events`).
 *
 * Every session carries `resources`: its attached stores as the hosted API echoes them (`name` and
 * `description` as they were at attach time, `mount_path` `/mnt/memory/<slug>/`).
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { SOURCE_FORMATS } from '../../domain/index.js';
import { importUpload, type SessionResourceInput } from '../../service/index.js';
import { type ApiEnv, ApiError } from '../core/index.js';
import { PageQuerySchema } from '../memory-stores/index.js';

/** Largest transcript accepted in one upload (bytes). */
export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

const FORMATS = SOURCE_FORMATS;

/** An attached store as a session echoes it (hosted session `resources[]` of type `memory_store`). */
const ResourceSchema = z
  .object({
    type: z.literal('memory_store'),
    memory_store_id: z.string(),
    access: z.enum(['read_write', 'read_only']),
    instructions: z.string().nullable(),
    name: z.string().openapi({ description: "the store's name when it was attached" }),
    description: z.string().openapi({ description: "the store's description when it was attached" }),
    mount_path: z.string().openapi({ description: '`/mnt/memory/<slug>/`, read-only' }),
  })
  .openapi('ReverieSessionResource');

const SessionSchema = z
  .object({
    type: z.literal('session'),
    id: z.string(),
    external_id: z.string(),
    agent_id: z.string(),
    team_id: z.string().nullable(),
    user_id: z.string().nullable(),
    parent_session_id: z.string().nullable(),
    parent_external_id: z.string().nullable().optional().openapi({
      description:
        'for a subagent, the external id of the session that spawned it, also when that one is not imported',
    }),
    source_format: z.enum(FORMATS),
    source_file: z.string(),
    title: z.string(),
    started_at: z.string().nullable(),
    ended_at: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()),
    event_count: z.number().int(),
    content_sha256: z.string(),
    outcome: z.record(z.string(), z.unknown()).nullable(),
    imported_at: z.string(),
    resources: z.array(ResourceSchema),
    events: z.array(z.record(z.string(), z.unknown())).optional(),
  })
  .openapi('ReverieSession');

const ImportResult = z
  .object({
    type: z.literal('session_import'),
    filename: z.string(),
    format: z.enum(FORMATS),
    sessions: z.array(
      z.object({
        external_id: z.string(),
        status: z.enum(['created', 'updated', 'unchanged']),
        session_id: z.string(),
        conflicts_with: z.object({ session_id: z.string(), external_id: z.string() }).optional().openapi({
          description:
            'present when this session was stored beside a stored session of the same external id instead of replacing it (another conversation, or the file cut short or rewritten): that session, kept as it was',
        }),
      }),
    ),
    warnings: z
      .array(
        z.object({
          type: z.literal('session_conflict'),
          file: z.string(),
          external_id: z.string(),
          session_id: z.string(),
          conflicts_with: z.object({ session_id: z.string(), external_id: z.string() }),
          message: z.string(),
        }),
      )
      .optional()
      .openapi({ description: 'one per session kept beside a stored session it must not replace' }),
    resources: z
      .array(ResourceSchema)
      .optional()
      .openapi({ description: 'the stores attached to the sessions whose status is `created`' }),
  })
  .openapi('ReverieSessionImport');

const UploadQuery = z.object({
  filename: z.string().max(255).optional(),
  format: z.enum(FORMATS).optional(),
  agent_id: z.string().min(1).max(255).optional(),
  team_id: z.string().min(1).max(255).optional(),
  user_id: z.string().min(1).max(255).optional(),
  resources: z.string().max(64_000).optional().openapi({
    description:
      'JSON array of up to 8 `{type:"memory_store", memory_store_id, access?: "read_write"|"read_only", instructions?}` (the hosted session-create `resources[]`), attached to the sessions the upload creates',
  }),
});
const ListQuery = z.object({
  ...PageQuerySchema,
  agent_id: z.string().optional(),
  team_id: z.string().optional(),
  memory_store_id: z.string().min(1).max(200).optional(),
});
const SessionParams = z.object({
  session_id: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: 'session_id', in: 'path' } }),
});
const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});

/**
 * The `resources` query parameter's JSON (its shape is checked by the service's `checkSessionResources`,
 * which names the bad field). @throws ApiError 400 naming `resources` when it is not JSON.
 */
function parseResources(text: string): SessionResourceInput[] {
  try {
    return JSON.parse(text) as SessionResourceInput[];
  } catch {
    throw new ApiError(
      400,
      'invalid_request_error',
      'resources: must be a JSON array of {type:"memory_store", memory_store_id, access?, instructions?}',
    );
  }
}

/** The upload route and its body limit. */
function registerUpload(app: OpenAPIHono<ApiEnv>): void {
  const tags = ['Sessions (reverie extension)'];
  app.use(
    '/v1/reverie/sessions',
    bodyLimit({
      maxSize: MAX_UPLOAD_BYTES,
      onError: () => {
        throw new ApiError(
          413,
          'invalid_request_error',
          `the transcript is larger than ${MAX_UPLOAD_BYTES} bytes`,
        );
      },
    }),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/reverie/sessions',
      tags,
      description: 'Upload one transcript file as the request body (any supported format).',
      request: {
        query: UploadQuery,
        body: {
          content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } },
        },
      },
      responses: { 200: json(ImportResult, 'What was imported') },
    }),
    async (c) => {
      const { resources, ...q } = c.req.valid('query');
      const content = new Uint8Array(await c.req.arrayBuffer());
      const r = await importUpload(c.var.reverie, {
        ...q,
        content,
        principal: c.var.principal,
        ...(resources === undefined ? {} : { resources: parseResources(resources) }),
      });
      return c.json(r, 200);
    },
  );
}

/** List and retrieve. */
function registerSessionReads(app: OpenAPIHono<ApiEnv>): void {
  const tags = ['Sessions (reverie extension)'];
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/reverie/sessions',
      tags,
      request: { query: ListQuery },
      responses: {
        200: json(
          z.object({ data: z.array(SessionSchema), next_page: z.string().nullable() }),
          'Sessions, by id',
        ),
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const svc = c.var.reverie;
      const page = await svc.listSessions({
        limit: q.limit,
        page: q.page,
        agent_id: q.agent_id,
        team_id: q.team_id,
        memory_store_id: q.memory_store_id,
      });
      const resources = await svc.sessionResources(page.data.map((s) => s.id));
      const data = page.data.map((s) => ({ ...s, resources: resources.get(s.id) ?? [] }));
      const body = { data, next_page: page.next_page };
      return c.json(
        body as unknown as { data: z.infer<typeof SessionSchema>[]; next_page: string | null },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/reverie/sessions/{session_id}',
      tags,
      request: {
        params: SessionParams,
        query: z.object({ include_events: z.enum(['true', 'false']).optional() }),
      },
      responses: { 200: json(SessionSchema, 'The session, with its normalized events when asked') },
    }),
    async (c) => {
      const id = c.req.valid('param').session_id;
      const session = await c.var.reverie.getSession(id);
      const resources = (await c.var.reverie.sessionResources([id])).get(id) ?? [];
      const events =
        c.req.valid('query').include_events === 'true' ? await c.var.reverie.getEvents(id) : undefined;
      const body = { ...session, resources, ...(events ? { events } : {}) };
      return c.json(body as unknown as z.infer<typeof SessionSchema>, 200);
    },
  );
}

/** Adds the session routes to `app` (which has authenticated the key). */
export function registerSessions(app: OpenAPIHono<ApiEnv>): void {
  registerUpload(app);
  registerSessionReads(app);
}
