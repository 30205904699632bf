/**
 * What every route of the HTTP API shares (issue 9, shared/reference/anthropic-api.md §0 and §0a):
 *
 * - the error body of the hosted API, `{type:"error", error:{type, message, …}}`, with its type
 *   strings and statuses (400 `invalid_request_error`, 401 `authentication_error`, 403
 *   `permission_error`, 404 `not_found_error`, 409 `conflict_error` / `memory_path_conflict_error`
 *   (with `conflicting_memory_id`, `conflicting_path`) / `memory_precondition_failed_error`, 500
 *   `api_error`), and a `request-id` header on every response;
 * - the wire styles of both SDK generations: the key in `x-api-key` (0.x) or `Authorization: Bearer`
 *   (1.x), `anthropic-version` 2023-06-01 or 2026-10-21 (another value is a 400; none is accepted),
 *   `?beta=true` ignored, `anthropic-beta` accepted except the pair the hosted memory endpoints refuse
 *   (`agent-memory-2026-07-22` with `managed-agents-2026-04-01`), and `anthropic-workspace-id`, which
 *   must name the key's workspace when sent (responses carry the key's in `anthropic-workspace-id`);
 * - authentication by API key ({@link KeyService}) and its role ({@link requiredRole}; 403
 *   `permission_error` when it does not suffice): the route handlers get a {@link Reverie} scoped to
 *   the key's workspace (`c.var.reverie`) and the key as the actor of their writes (`c.var.actor`).
 */
import { randomUUID } from 'node:crypto';
import type { Hook } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { type Actor, ERROR_STATUS, ReverieError } from '../../domain/index.js';
import { type Principal, type Reverie, roleAllows } from '../../service/index.js';
import type { ApiKeyRole } from '../../storage/index.js';
import { HttpError } from '../../ui/http-error.js';

/** The hosted API's error type strings this server returns. */
export type ApiErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'conflict_error'
  | 'memory_path_conflict_error'
  | 'memory_precondition_failed_error'
  | 'api_error'
  // a dream's model provider failed (hosted types, passed through)
  | 'rate_limit_error'
  | 'api_connection_error'
  | 'timeout_error'
  | 'overloaded_error';

/** The hosted error body: `{type:"error", error:{type, message, …extra}}`. */
export interface ApiErrorBody {
  type: 'error';
  error: { type: ApiErrorType; message: string; [extra: string]: unknown };
}

/** Hono variables the API's middleware sets for route handlers. */
export interface ApiEnv {
  Variables: {
    /** The service scoped to the key's workspace. */
    reverie: Reverie;
    /** Who is calling. */
    principal: Principal;
    /** The actor recorded on versions this request writes: `{type:'api_actor', id: key id}`. */
    actor: Actor;
  };
}

/** `anthropic-version` values accepted: the 0.x SDK's and the 1.x SDK's (reference §0a). */
export const API_VERSIONS = ['2023-06-01', '2026-10-21'] as const;

/** An error the API answers with: status, hosted type, message and extra error fields. */
export class ApiError extends Error {
  readonly status: ContentfulStatusCode;
  readonly type: ApiErrorType;
  readonly extra: Record<string, unknown>;

  constructor(
    status: ContentfulStatusCode,
    type: ApiErrorType,
    message: string,
    extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.type = type;
    this.extra = extra;
  }

  /**
   * Converts any thrown value: ApiError → itself; ReverieError → its status and type (the path
   * conflict keeps `conflicting_memory_id` / `conflicting_path`; `import_error` becomes a 400
   * `invalid_request_error`); the review server's HttpError (host check) → its status; Hono's
   * HTTPException → its status; anything else → 500 `api_error` with a generic message.
   */
  static from(e: unknown): ApiError {
    if (e instanceof ApiError) return e;
    if (ReverieError.isInstance(e)) {
      if (e.type === 'import_error' || e.type === 'internal_error')
        return new ApiError(
          e.type === 'import_error' ? 400 : 500,
          e.type === 'import_error' ? 'invalid_request_error' : 'api_error',
          e.message,
        );
      const extra: Record<string, unknown> = {};
      if (e.type === 'memory_path_conflict_error')
        for (const k of ['conflicting_memory_id', 'conflicting_path'])
          if (typeof e.details[k] === 'string') extra[k] = e.details[k];
      return new ApiError(ERROR_STATUS[e.type] as ContentfulStatusCode, e.type, e.message, extra);
    }
    if (e instanceof HttpError)
      return new ApiError(
        e.status,
        e.type === 'permission_error' ? 'permission_error' : 'invalid_request_error',
        e.message,
      );
    if (e instanceof HTTPException)
      return new ApiError(
        e.status as ContentfulStatusCode,
        e.status === 401
          ? 'authentication_error'
          : e.status === 404
            ? 'not_found_error'
            : 'invalid_request_error',
        e.message || 'Bad request',
      );
    return new ApiError(500, 'api_error', 'Internal server error; see the server log.');
  }

  /** The hosted error body of this error. */
  body(): ApiErrorBody {
    return { type: 'error', error: { type: this.type, message: this.message, ...this.extra } };
  }
}

/**
 * Sends `e` as the hosted error body with its status (500s are logged with their cause). A 409 carries
 * `x-should-retry: false`, as the hosted API's conflicts do: the SDK would otherwise retry it, and a
 * conflict does not go away by asking again.
 */
export function errorResponse(c: Context, e: unknown): Response {
  const err = ApiError.from(e);
  if (err.status >= 500) console.error(e);
  if (err.status === 409) c.header('x-should-retry', 'false');
  return c.json(err.body(), err.status);
}

/**
 * The zod-openapi hook for requests that fail their schema: a 400 `invalid_request_error` whose
 * message names the first bad field, e.g. `path: Invalid input: expected string, received number`.
 */
export const validationHook: Hook<unknown, ApiEnv, string, unknown> = (result, c) => {
  if (result.success) return;
  const issue = result.error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : result.target;
  return errorResponse(
    c,
    new ApiError(400, 'invalid_request_error', `${where}: ${issue?.message ?? 'invalid'}`),
  );
};

const REVIEW_PATH =
  /^\/v1\/reverie\/(changes\/[^/]+\/decision|dreams\/[^/]+\/(decisions|apply)|memory_stores\/[^/]+\/(policy|rollback))$/;

/**
 * The key role a request needs: reads (GET, HEAD) `reader`; decisions, apply, policy changes and
 * rollback `reviewer`; every other write `writer` (see `ApiKeyRecord.role`).
 */
export function requiredRole(method: string, path: string): ApiKeyRole {
  if (method === 'GET' || method === 'HEAD') return 'reader';
  return REVIEW_PATH.test(path) ? 'reviewer' : 'writer';
}

/** The key a request presents: `x-api-key`, else `Authorization: Bearer …`. */
export function presentedKey(c: Context): string | undefined {
  const x = c.req.header('x-api-key');
  if (x) return x.trim();
  const auth = c.req.header('authorization');
  const m = auth ? /^Bearer\s+(\S+)\s*$/i.exec(auth) : null;
  return m?.[1];
}

/**
 * Middleware checking the version and beta headers, then authenticating the key: sets `reverie`
 * (scoped to the key's workspace), `principal` and `actor`.
 * @param root the service over the whole database (its `keys` authenticate; `forWorkspace` scopes).
 */
export function apiAuth(root: Reverie): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const version = c.req.header('anthropic-version');
    if (version !== undefined && !(API_VERSIONS as readonly string[]).includes(version.trim()))
      throw new ApiError(
        400,
        'invalid_request_error',
        `anthropic-version: unsupported version ${JSON.stringify(version.slice(0, 40))}; use ${API_VERSIONS.join(' or ')}`,
      );
    const betas = (c.req.header('anthropic-beta') ?? '').split(',').map((b) => b.trim());
    if (
      betas.includes('agent-memory-2026-07-22') &&
      betas.includes('managed-agents-2026-04-01') &&
      c.req.path.startsWith('/v1/memory_stores')
    )
      throw new ApiError(
        400,
        'invalid_request_error',
        'anthropic-beta: agent-memory-2026-07-22 cannot be combined with managed-agents-2026-04-01 on memory store endpoints',
      );
    const principal = await root.keys.authenticate(presentedKey(c));
    if (!principal)
      throw new ApiError(
        401,
        'authentication_error',
        presentedKey(c)
          ? 'invalid x-api-key'
          : 'missing API key: send it in x-api-key or Authorization: Bearer',
      );
    const ws = c.req.header('anthropic-workspace-id');
    if (ws !== undefined && ws.trim() !== principal.workspace_id)
      throw new ApiError(
        403,
        'permission_error',
        `this API key belongs to workspace ${principal.workspace_id}, not ${ws.slice(0, 80)}`,
      );
    const needed = requiredRole(c.req.method, c.req.path);
    if (!roleAllows(principal.role, needed))
      throw new ApiError(
        403,
        'permission_error',
        `this API key is a ${principal.role} key; ${c.req.method} ${c.req.path.slice(0, 200)} needs a ${needed} key (reverie keys create --role ${needed})`,
      );
    c.set('principal', principal);
    c.set('reverie', root.forPrincipal(principal));
    c.set('actor', { type: 'api_actor', id: principal.key_id });
    // before next(): a header set on a finished response makes Hono rebuild it as a streamed Response
    c.header('anthropic-workspace-id', principal.workspace_id);
    await next();
  };
}

/**
 * Middleware adding a `request-id` header (`req_` + UUID) to every response, as the hosted API does.
 * The header is set before the handler runs (Hono applies it to whatever response the handler or the
 * error handler builds): set on a finished response, Hono copies it into a new streamed `Response`,
 * which cost a retrieve through `reverie serve` about a third of its time.
 */
export function requestId(): MiddlewareHandler {
  return async (c, next) => {
    c.header('request-id', `req_${randomUUID().replace(/-/g, '')}`);
    await next();
  };
}
