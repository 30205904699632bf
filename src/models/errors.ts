/**
 * Typed model errors. Every failure an adapter reports is a {@link ModelError} whose `type` is the hosted
 * API's error type where one exists (Anthropic: `rate_limit_error`, `overloaded_error`, `api_error`,
 * `timeout_error`, `authentication_error`, `permission_error`, `invalid_request_error`, `not_found_error`;
 * https://docs.anthropic.com/en/api/errors) and a reverie name otherwise (`output_truncated_error`,
 * `invalid_output_error`, `api_connection_error`, `fixture_missing_error`). Each class has a static
 * `isInstance` that works across module copies (a `Symbol.for` marker, as the Vercel AI SDK's `AISDKError`
 * does), unlike `instanceof`.
 */

import type { ModelUsage } from './types.js';

const MARKER = Symbol.for('reverie.model.error');

/** What kind of model failure an error is; one per class below. */
export type ModelErrorKind =
  | 'rate_limit'
  | 'overloaded'
  | 'server'
  | 'timeout'
  | 'connection'
  | 'truncated'
  | 'invalid_output'
  | 'authentication'
  | 'request'
  | 'fixture_missing';

/**
 * Fields every model error carries: the provider (`anthropic`, `openai`, …), HTTP status and request id
 * when known, and `usage`: tokens already spent by the failed call (answers that came back truncated or
 * invalid still cost tokens), so that a budget can count them.
 */
export interface ModelErrorInit {
  provider: string;
  status?: number;
  requestId?: string | null;
  usage?: ModelUsage;
  cause?: unknown;
}

function hasKind(e: unknown, kind?: ModelErrorKind): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const mark = (e as Record<symbol, unknown>)[MARKER];
  return kind === undefined ? typeof mark === 'string' : mark === kind;
}

/**
 * Base class of model failures. `type` is the hosted error type string, `kind` the class, `retryable`
 * whether retrying the same request later may succeed (already retried by the SDK when it was).
 */
export class ModelError extends Error {
  readonly [MARKER]: ModelErrorKind;
  readonly kind: ModelErrorKind;
  readonly type: string;
  readonly provider: string;
  readonly status: number | undefined;
  readonly requestId: string | undefined;
  readonly retryable: boolean;
  readonly usage: ModelUsage | undefined;

  constructor(kind: ModelErrorKind, type: string, message: string, init: ModelErrorInit, retryable = false) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'ModelError';
    this[MARKER] = kind;
    this.kind = kind;
    this.type = type;
    this.provider = init.provider;
    this.status = init.status;
    this.requestId = init.requestId ?? undefined;
    this.retryable = retryable;
    this.usage = init.usage;
  }

  /** True if `e` is any model error (from any copy of this module). */
  static isInstance(e: unknown): e is ModelError {
    return hasKind(e);
  }
}

/** 429 `rate_limit_error` after the SDK's retries; `retryAfterSeconds` from the last `retry-after` header. */
export class ModelRateLimitError extends ModelError {
  readonly retryAfterSeconds: number | undefined;
  constructor(message: string, init: ModelErrorInit & { retryAfterSeconds?: number }) {
    super('rate_limit', 'rate_limit_error', message, init, true);
    this.name = 'ModelRateLimitError';
    this.retryAfterSeconds = init.retryAfterSeconds;
  }
  /** True if `e` is a {@link ModelRateLimitError}. */
  static override isInstance(e: unknown): e is ModelRateLimitError {
    return hasKind(e, 'rate_limit');
  }
}

/** 529 `overloaded_error` (Anthropic) after the SDK's retries. */
export class ModelOverloadedError extends ModelError {
  constructor(message: string, init: ModelErrorInit) {
    super('overloaded', 'overloaded_error', message, init, true);
    this.name = 'ModelOverloadedError';
  }
  /** True if `e` is a {@link ModelOverloadedError}. */
  static override isInstance(e: unknown): e is ModelOverloadedError {
    return hasKind(e, 'overloaded');
  }
}

/** Any other 5xx (`api_error`) after the SDK's retries. */
export class ModelServerError extends ModelError {
  constructor(message: string, init: ModelErrorInit) {
    super('server', 'api_error', message, init, true);
    this.name = 'ModelServerError';
  }
  /** True if `e` is a {@link ModelServerError}. */
  static override isInstance(e: unknown): e is ModelServerError {
    return hasKind(e, 'server');
  }
}

/** No answer within the configured timeout (per HTTP attempt), after the SDK's retries: `timeout_error`. */
export class ModelTimeoutError extends ModelError {
  constructor(message: string, init: ModelErrorInit) {
    super('timeout', 'timeout_error', message, init, true);
    this.name = 'ModelTimeoutError';
  }
  /** True if `e` is a {@link ModelTimeoutError}. */
  static override isInstance(e: unknown): e is ModelTimeoutError {
    return hasKind(e, 'timeout');
  }
}

/** The server could not be reached (refused, reset, DNS) after the SDK's retries: `api_connection_error`. */
export class ModelConnectionError extends ModelError {
  constructor(message: string, init: ModelErrorInit) {
    super('connection', 'api_connection_error', message, init, true);
    this.name = 'ModelConnectionError';
  }
  /** True if `e` is a {@link ModelConnectionError}. */
  static override isInstance(e: unknown): e is ModelConnectionError {
    return hasKind(e, 'connection');
  }
}

/**
 * The answer stopped at the output cap (`stop_reason: "max_tokens"`, OpenAI `finish_reason: "length"`):
 * `output_truncated_error`. Not retried (the same cap would cut it again); `maxOutputTokens` is the cap.
 */
export class ModelTruncatedError extends ModelError {
  readonly maxOutputTokens: number;
  constructor(message: string, init: ModelErrorInit & { maxOutputTokens: number }) {
    super('truncated', 'output_truncated_error', message, init);
    this.name = 'ModelTruncatedError';
    this.maxOutputTokens = init.maxOutputTokens;
  }
  /** True if `e` is a {@link ModelTruncatedError}. */
  static override isInstance(e: unknown): e is ModelTruncatedError {
    return hasKind(e, 'truncated');
  }
}

/**
 * The answer did not validate against the schema twice (the first failure is retried once with the
 * validation error appended): `invalid_output_error`. `issues` holds the readable validation error of each
 * attempt, `output` the last raw answer text.
 */
export class ModelInvalidOutputError extends ModelError {
  readonly issues: string[];
  readonly output: string;
  constructor(message: string, init: ModelErrorInit & { issues: string[]; output: string }) {
    super('invalid_output', 'invalid_output_error', message, init);
    this.name = 'ModelInvalidOutputError';
    this.issues = init.issues;
    this.output = init.output;
  }
  /** True if `e` is a {@link ModelInvalidOutputError}. */
  static override isInstance(e: unknown): e is ModelInvalidOutputError {
    return hasKind(e, 'invalid_output');
  }
}

/** 401 `authentication_error` or 403 `permission_error`: the key is missing, wrong or lacks access. */
export class ModelAuthenticationError extends ModelError {
  constructor(message: string, init: ModelErrorInit, type = 'authentication_error') {
    super('authentication', type, message, init);
    this.name = 'ModelAuthenticationError';
  }
  /** True if `e` is a {@link ModelAuthenticationError}. */
  static override isInstance(e: unknown): e is ModelAuthenticationError {
    return hasKind(e, 'authentication');
  }
}

/** Any other 4xx (`invalid_request_error`, `not_found_error`, …): the request itself is wrong. */
export class ModelRequestError extends ModelError {
  constructor(message: string, init: ModelErrorInit, type = 'invalid_request_error') {
    super('request', type, message, init);
    this.name = 'ModelRequestError';
  }
  /** True if `e` is a {@link ModelRequestError}. */
  static override isInstance(e: unknown): e is ModelRequestError {
    return hasKind(e, 'request');
  }
}

/** Replay mode found no recorded answer for a request (`fixture_missing_error`); `key` is the request hash. */
export class ModelFixtureMissingError extends ModelError {
  readonly key: string;
  constructor(message: string, init: ModelErrorInit & { key: string }) {
    super('fixture_missing', 'fixture_missing_error', message, init);
    this.name = 'ModelFixtureMissingError';
    this.key = init.key;
  }
  /** True if `e` is a {@link ModelFixtureMissingError}. */
  static override isInstance(e: unknown): e is ModelFixtureMissingError {
    return hasKind(e, 'fixture_missing');
  }
}
