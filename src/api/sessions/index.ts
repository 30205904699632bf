/**
 * reverie's session extension of the API, under `/v1/reverie/sessions` so that it never collides with
 * the hosted `/v1/sessions` (Managed Agents sessions, another resource): transcripts are uploaded as
 * the raw request body (any supported format, detected or forced with `format`; at most 50 MB; nothing
 * is read from the server's disk), listed, and retrieved with their normalized events. Sessions belong
 * to the key's workspace; the dream endpoints take their `sesn_` ids.
 *
 * - `POST /v1/reverie/sessions?filename=&format=&agent_id=&team_id=&user_id=` → `{type:"session_import",
 *   filename, format, sessions:[{external_id, status, session_id}]}`;
 * - `GET /v1/reverie/sessions?agent_id=&team_id=&limit=&page=` → `{data, next_page}`;
 * - `GET /v1/reverie/sessions/{session_id}?include_events=true` → the session (with `events`).
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { SOURCE_FORMATS } from '../../domain/index.js';
import { importUpload } from '../../service/index.js';
import { type ApiEnv, ApiError } from '../core/index.js';
import { PageQuerySchema } from '../memory-stores/index.js';

/** Largest transcript accepted in one upload (bytes). */
export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

const FORMATS = SOURCE_FORMATS;

const SessionSchema = z
  .object({
    type: z.literal('session'),
    id: z.string(),
    external_id: z.string(),
    agent_id: z.string(),
    team_id: z.string().nullable(),
    user_id: z.string().nullable(),
    parent_session_id: z.string().nullable(),
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
      }),
    ),
  })
  .openapi('ReverieSessionImport');

const UploadQuery = z.object({
  filename: z.string().max(255).optional(),
  format: z.enum(FORMATS).optional(),
  agent_id: z.string().min(1).max(255).optional(),
  team_id: z.string().min(1).max(255).optional(),
  user_id: z.string().min(1).max(255).optional(),
});
const ListQuery = z.object({
  ...PageQuerySchema,
  agent_id: z.string().optional(),
  team_id: z.string().optional(),
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
      const q = c.req.valid('query');
      const content = new Uint8Array(await c.req.arrayBuffer());
      const r = await importUpload(c.var.reverie, { ...q, content });
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
      const page = await c.var.reverie.listSessions({
        limit: q.limit,
        page: q.page,
        agent_id: q.agent_id,
        team_id: q.team_id,
      });
      const body = { data: page.data, next_page: page.next_page };
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
      const events =
        c.req.valid('query').include_events === 'true' ? await c.var.reverie.getEvents(id) : undefined;
      const body = { ...session, ...(events ? { events } : {}) };
      return c.json(body as unknown as z.infer<typeof SessionSchema>, 200);
    },
  );
}

/** Adds the session routes to `app` (which has authenticated the key). */
export function registerSessions(app: OpenAPIHono<ApiEnv>): void {
  registerUpload(app);
  registerSessionReads(app);
}
