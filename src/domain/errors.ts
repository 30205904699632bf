/**
 * Typed errors. Every error reverie raises on purpose is a {@link ReverieError} whose `type` string
 * matches the hosted API's error types where one exists (`invalid_request_error`, `not_found_error`,
 * `conflict_error`, `memory_path_conflict_error`, `memory_precondition_failed_error`), so the HTTP shell
 * can map it to a status without knowing the cause. `isInstance` works across module copies
 * (Vercel AI SDK style marker), unlike `instanceof`.
 */

const MARKER = Symbol.for('reverie.error');

/** Error type strings and the HTTP status each maps to. */
export const ERROR_STATUS = {
  invalid_request_error: 400,
  not_found_error: 404,
  conflict_error: 409,
  memory_path_conflict_error: 409,
  memory_precondition_failed_error: 409,
  import_error: 422,
  permission_error: 403,
  internal_error: 500,
  // a model provider's failures, in the hosted API's types (a dream that could not use its model)
  authentication_error: 401,
  rate_limit_error: 429,
  api_error: 500,
  api_connection_error: 502,
  timeout_error: 504,
  overloaded_error: 529,
} as const;

/** One of the error type strings in {@link ERROR_STATUS}. */
export type ErrorType = keyof typeof ERROR_STATUS;

/** Base class of reverie's own errors; `type` names the class of failure, `details` adds fields. */
export class ReverieError extends Error {
  readonly [MARKER] = true;
  readonly type: ErrorType;
  readonly details: Record<string, unknown>;

  constructor(
    type: ErrorType,
    message: string,
    details: Record<string, unknown> = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'ReverieError';
    this.type = type;
    this.details = details;
  }

  /** HTTP status for this error's type. */
  get status(): number {
    return ERROR_STATUS[this.type];
  }

  /** True if `e` is a ReverieError (from any copy of this module). */
  static isInstance(e: unknown): e is ReverieError {
    return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[MARKER] === true;
  }
}

/** Bad input: `field` names the offending field (dotted path), when known. */
export class ValidationError extends ReverieError {
  constructor(message: string, field?: string, details: Record<string, unknown> = {}) {
    super('invalid_request_error', message, field ? { field, ...details } : details);
    this.name = 'ValidationError';
  }
}

/** A resource that does not exist; `resource` is e.g. `memory_store`, `id` what was asked for. */
export class NotFoundError extends ReverieError {
  constructor(resource: string, id: string) {
    super('not_found_error', `${resource} not found: ${id}`, { resource, id });
    this.name = 'NotFoundError';
  }
}

/** A state conflict (occupied path, stale precondition, wrong lifecycle state). */
export class ConflictError extends ReverieError {
  constructor(
    message: string,
    details: Record<string, unknown> = {},
    type:
      | 'conflict_error'
      | 'memory_path_conflict_error'
      | 'memory_precondition_failed_error' = 'conflict_error',
  ) {
    super(type, message, details);
    this.name = 'ConflictError';
  }
}

/**
 * A transcript that cannot be imported. The message starts with `file:line:` (or `file:` when no line
 * applies) so that editors and terminals can jump to it.
 */
export class ImportError extends ReverieError {
  readonly file: string;
  readonly line: number | undefined;

  constructor(file: string, message: string, line?: number, options?: ErrorOptions) {
    super(
      'import_error',
      `${file}${line !== undefined ? `:${line}` : ''}: ${message}`,
      { file, line },
      options,
    );
    this.name = 'ImportError';
    this.file = file;
    this.line = line;
  }
}
