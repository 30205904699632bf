/**
 * reverie's review extension of the API (issue 9 item 3), under `/v1/reverie/…`: what the hosted API
 * does not have — a dream's change set with per-change decisions, apply, the store policy, provenance
 * (`why`) and session outcomes. Every route calls the service layer ({@link ReviewService} over the
 * key's workspace); decisions and applies are recorded under the key's name.
 *
 * - `GET /v1/reverie/dreams/{dream_id}/changes` → `{data: Change[]}` (reason, confidence, support,
 *   evidence, before/after, status);
 * - `POST /v1/reverie/changes/{change_id}/decision` `{decision: approve|reject|edit|reset, comment?,
 *   content?}` → the change;
 * - `POST /v1/reverie/dreams/{dream_id}/decisions` `{decision, comment?, ids?, kinds?, path_glob?,
 *   statuses?}` (bulk; `all` when nothing selects) → `{data: [{id, status: ok|skipped|error, …}]}`;
 * - `POST /v1/reverie/dreams/{dream_id}/apply` `{strict?}` → the apply result (per change, conflicts);
 * - `GET|POST /v1/reverie/memory_stores/{id}/policy` (POST is a patch) → the policy;
 * - `GET /v1/reverie/memory_stores/{id}/why?path=` → every version of the path with its change and evidence;
 * - `POST /v1/reverie/memory_stores/{id}/rollback` `{version | time | before_dream, path?, dry_run?}` →
 *   the plan (dry run) or the result (new versions, history kept);
 * - `GET /v1/reverie/memory_stores/{id}/log?path=&dream_id=&limit=&page=` → the audit log;
 * - `POST /v1/reverie/sessions/{session_id}/outcome` `{result, score?, labels?, explanation?}` (or
 *   `null` to clear) → the session.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { RollbackTarget } from '../../review/index.js';
import { ReviewService } from '../../service/review-service.js';
import { type ApiEnv, ApiError } from '../core/index.js';
import { StoreParams } from '../memory-stores/index.js';

const KINDS = ['mistake', 'workflow', 'preference', 'fact', 'index', 'cleanup'] as const;
const STATUSES = ['pending', 'approved', 'rejected', 'edited', 'applied', 'conflict'] as const;
const Decision = z.enum(['approve', 'reject', 'edit', 'reset']);

const Obj = (name: string) => z.record(z.string(), z.unknown()).openapi(name);
const ChangeSchema = Obj('ReverieChange');
const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});
const body = <T extends z.ZodType>(schema: T) => ({
  body: { content: { 'application/json': { schema } }, required: true },
});
const DreamParams = z.object({
  dream_id: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: 'dream_id', in: 'path' } }),
});
const ChangeParams = z.object({
  change_id: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: 'change_id', in: 'path' } }),
});
const SessionParams = z.object({
  session_id: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: 'session_id', in: 'path' } }),
});

const DecisionBody = z.object({
  decision: Decision,
  comment: z.string().max(4000).nullable().optional(),
  content: z.string().optional(),
});
const BulkBody = z.object({
  decision: z.enum(['approve', 'reject', 'reset']),
  comment: z.string().max(4000).nullable().optional(),
  ids: z.array(z.string()).max(10_000).optional(),
  kinds: z.array(z.enum(KINDS)).optional(),
  path_glob: z.string().max(1024).optional(),
  statuses: z.array(z.enum(STATUSES)).optional(),
});
const PolicyPatch = z
  .object({
    auto_apply: z
      .object({
        exact_duplicates: z.boolean().optional(),
        additions_min_support: z.number().int().min(1).nullable().optional(),
        deletions: z.boolean().optional(),
      })
      .optional(),
    protected_paths: z.array(z.string()).optional(),
    max_changes_per_dream: z.number().int().min(1).nullable().optional(),
  })
  .openapi('ReveriePolicyPatch');
const OutcomeBody = z
  .object({
    result: z.enum(['satisfied', 'failed', 'partial', 'unknown']),
    score: z.number().min(0).max(1).nullable().optional(),
    labels: z.array(z.string().max(200)).max(50).optional(),
    explanation: z.string().max(10_000).nullable().optional(),
  })
  .nullable();

const RollbackBody = z
  .object({
    version: z.string().min(1).optional(),
    time: z.string().min(1).optional(),
    before_dream: z.string().min(1).optional(),
    path: z.string().optional(),
    dry_run: z.boolean().optional(),
  })
  .openapi('ReverieRollbackParams');
const LogQuery = z.object({
  path: z.string().optional(),
  dream_id: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  page: z.string().max(2000).optional(),
});

/** The review service of the request's workspace. */
const rv = (c: Context<ApiEnv>) => new ReviewService(c.var.reverie);

/** The change set, per-change and bulk decisions, apply. */
function registerDecisions(app: OpenAPIHono<ApiEnv>): void {
  const tags = ['Review (reverie extension)'];

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/reverie/dreams/{dream_id}/changes',
      tags,
      request: { params: DreamParams },
      responses: { 200: json(z.object({ data: z.array(ChangeSchema) }), "The dream's change set, in order") },
    }),
    async (c) =>
      c.json({ data: await c.var.reverie.listChanges(c.req.valid('param').dream_id) } as never, 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/reverie/changes/{change_id}/decision',
      tags,
      request: { params: ChangeParams, ...body(DecisionBody) },
      responses: { 200: json(ChangeSchema, 'The change after the decision') },
    }),
    async (c) => {
      const b = c.req.valid('json');
      const ch = await rv(c).decide(c.req.valid('param').change_id, {
        decision: b.decision,
        by: c.var.principal.key_name,
        comment: b.comment,
        content: b.content,
      });
      return c.json(ch as never, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/reverie/dreams/{dream_id}/decisions',
      tags,
      request: { params: DreamParams, ...body(BulkBody) },
      responses: {
        200: json(z.object({ data: z.array(Obj('ReverieBatchItem')) }), 'One item per selected change'),
      },
    }),
    async (c) => {
      const b = c.req.valid('json');
      const selects = b.ids || b.kinds || b.path_glob || b.statuses;
      const items = await rv(c).decideMany(
        c.req.valid('param').dream_id,
        { decision: b.decision, by: c.var.principal.key_name, comment: b.comment },
        { ids: b.ids, kinds: b.kinds, path_glob: b.path_glob, statuses: b.statuses, all: !selects },
      );
      return c.json({ data: items } as never, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/reverie/dreams/{dream_id}/apply',
      tags,
      request: { params: DreamParams, ...body(z.object({ strict: z.boolean().optional() })) },
      responses: {
        200: json(Obj('ReverieApplyResult'), 'What was applied, per change; conflicts are never overwritten'),
      },
    }),
    async (c) => {
      const r = await rv(c).apply(c.req.valid('param').dream_id, {
        by: c.var.principal.key_name,
        strict: c.req.valid('json').strict,
      });
      return c.json(r as never, 200);
    },
  );
}

/** Store policy (read and patch) and provenance. */
function registerStoreRules(app: OpenAPIHono<ApiEnv>): void {
  const tags = ['Review (reverie extension)'];

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/reverie/memory_stores/{memory_store_id}/policy',
      tags,
      request: { params: StoreParams },
      responses: { 200: json(Obj('ReveriePolicy'), "The store's policy") },
    }),
    async (c) => c.json((await rv(c).getPolicy(c.req.valid('param').memory_store_id)) as never, 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/reverie/memory_stores/{memory_store_id}/policy',
      tags,
      request: { params: StoreParams, ...body(PolicyPatch) },
      responses: { 200: json(Obj('ReveriePolicyResult'), 'The complete new policy') },
    }),
    async (c) =>
      c.json(
        (await rv(c).setPolicy(c.req.valid('param').memory_store_id, c.req.valid('json'))) as never,
        200,
      ),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/reverie/memory_stores/{memory_store_id}/why',
      tags,
      request: { params: StoreParams, query: z.object({ path: z.string().min(1) }) },
      responses: {
        200: json(Obj('ReverieProvenance'), 'Every version of the path, its change and evidence'),
      },
    }),
    async (c) =>
      c.json(
        (await c.var.reverie.why(c.req.valid('param').memory_store_id, c.req.valid('query').path)) as never,
        200,
      ),
  );
}

/** Rollback, the audit log, session outcomes. */
function registerHistory(app: OpenAPIHono<ApiEnv>): void {
  registerRollback(app);
  registerLog(app);
  registerOutcome(app);
}

const HISTORY_TAGS = ['Review (reverie extension)'];

/** `POST /v1/reverie/memory_stores/{id}/rollback`: restore a store (or a path), or plan it with `dry_run`. */
function registerRollback(app: OpenAPIHono<ApiEnv>): void {
  const tags = HISTORY_TAGS;
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/reverie/memory_stores/{memory_store_id}/rollback',
      tags,
      request: { params: StoreParams, ...body(RollbackBody) },
      responses: {
        200: json(
          Obj('ReverieRollback'),
          'The steps (dry_run) or what was written, as new versions by rollback_actor',
        ),
      },
    }),
    async (c) => {
      const b = c.req.valid('json');
      const given = [b.version, b.time, b.before_dream].filter((x) => x !== undefined);
      if (given.length !== 1)
        throw new ApiError(400, 'invalid_request_error', 'give exactly one of version, time, before_dream');
      const target: RollbackTarget = b.version
        ? { version: b.version }
        : b.time
          ? { time: b.time }
          : { before_dream: b.before_dream! };
      const storeId = c.req.valid('param').memory_store_id;
      const r = b.dry_run
        ? await rv(c).planRollback(storeId, target, { path: b.path ?? null })
        : await rv(c).rollback(storeId, target, { by: c.var.principal.key_name, path: b.path ?? null });
      return c.json(r as never, 200);
    },
  );
}

/** `GET /v1/reverie/memory_stores/{id}/log`: the audit log, newest first. */
function registerLog(app: OpenAPIHono<ApiEnv>): void {
  const tags = HISTORY_TAGS;
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/reverie/memory_stores/{memory_store_id}/log',
      tags,
      request: { params: StoreParams, query: LogQuery },
      responses: {
        200: json(
          z.object({ data: z.array(Obj('ReverieAuditEntry')), next_page: z.string().nullable() }),
          'Who or what wrote each version, through which dream and change, newest first',
        ),
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const page = await rv(c).log(c.req.valid('param').memory_store_id, {
        path: q.path ?? null,
        dream_id: q.dream_id ?? null,
        limit: q.limit,
        page: q.page ?? null,
      });
      return c.json(page as never, 200);
    },
  );
}

/** `POST /v1/reverie/sessions/{id}/outcome`: record (or clear) a session's outcome. */
function registerOutcome(app: OpenAPIHono<ApiEnv>): void {
  const tags = HISTORY_TAGS;
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/reverie/sessions/{session_id}/outcome',
      tags,
      request: { params: SessionParams, ...body(OutcomeBody) },
      responses: { 200: json(Obj('ReverieSessionWithOutcome'), 'The session with its outcome') },
    }),
    async (c) => {
      const o = c.req.valid('json');
      const s = await c.var.reverie.setOutcome(
        c.req.valid('param').session_id,
        o === null
          ? null
          : {
              result: o.result,
              score: o.score ?? null,
              labels: o.labels ?? [],
              explanation: o.explanation ?? null,
              source: `api:${c.var.principal.key_name}`,
            },
      );
      return c.json(s as never, 200);
    },
  );
}

/** Adds the review routes to `app` (which has authenticated the key). */
export function registerReview(app: OpenAPIHono<ApiEnv>): void {
  registerDecisions(app);
  registerStoreRules(app);
  registerHistory(app);
}
