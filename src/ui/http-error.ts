/**
 * The one HTTP error class of the web review page: every failure a handler meets becomes an
 * {@link HttpError} with a status, the domain's error `type` and a message for people. Domain errors
 * ({@link ReverieError}) keep their type and map through `ERROR_STATUS` (`invalid_request_error` → 400,
 * `not_found_error` → 404, `conflict_error` and the memory conflict types → 409, …); Hono's own
 * `HTTPException`s (e.g. the CSRF guard's 403) keep their status; anything else is a 500
 * `internal_error` whose message is not shown to the browser.
 */
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ERROR_STATUS, type ErrorType, ReverieError } from '../domain/index.js';

/** An error with an HTTP status, a domain error type, and (for bad input) the field at fault. */
export class HttpError extends Error {
  readonly status: ContentfulStatusCode;
  readonly type: ErrorType;
  readonly field: string | null;

  constructor(status: ContentfulStatusCode, type: ErrorType, message: string, field: string | null = null) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.type = type;
    this.field = field;
  }

  /**
   * Converts any thrown value: ReverieError → its status and type; HttpError → itself; Hono
   * HTTPException → its status (`permission_error` for 403, `not_found_error` for 404, else
   * `invalid_request_error`); anything else → 500 `internal_error` with a generic message.
   */
  static from(e: unknown): HttpError {
    if (e instanceof HttpError) return e;
    if (ReverieError.isInstance(e)) {
      const field = typeof e.details.field === 'string' ? e.details.field : null;
      return new HttpError(ERROR_STATUS[e.type] as ContentfulStatusCode, e.type, e.message, field);
    }
    if (e instanceof HTTPException) {
      const type: ErrorType =
        e.status === 403
          ? 'permission_error'
          : e.status === 404
            ? 'not_found_error'
            : 'invalid_request_error';
      const message =
        e.status === 403
          ? 'This request was refused: it did not come from the review page itself.'
          : e.message || 'Bad request';
      return new HttpError(e.status as ContentfulStatusCode, type, message);
    }
    return new HttpError(
      500,
      'internal_error',
      'Something went wrong on the server; see its log for details.',
    );
  }
}
