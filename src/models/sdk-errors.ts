/**
 * Maps the official SDKs' errors to {@link ModelError}s. Both `@anthropic-ai/sdk` and `openai` are
 * Stainless-generated and share the error model (`APIError` with `status`, `headers`, `type`;
 * `APIConnectionError`, `APIConnectionTimeoutError`, `APIUserAbortError`), so one mapping serves both.
 * Retrying is left to the SDKs (see anthropic.ts / openai.ts): an error reaching this point has used up
 * its retries.
 */
import {
  ModelAuthenticationError,
  ModelConnectionError,
  ModelError,
  ModelOverloadedError,
  ModelRateLimitError,
  ModelRequestError,
  ModelServerError,
  ModelTimeoutError,
} from './errors.js';

/** The error classes of one SDK (constructor references, for `instanceof`). */
export interface SdkErrorClasses {
  APIError: abstract new (...args: never[]) => Error;
  APIConnectionError: abstract new (...args: never[]) => Error;
  APIConnectionTimeoutError: abstract new (...args: never[]) => Error;
  APIUserAbortError: abstract new (...args: never[]) => Error;
}

interface ApiErrorFields {
  status?: number;
  headers?: Headers;
  type?: string | null;
  requestID?: string | null;
  apiMessage?: string | null;
  message: string;
}

/**
 * The {@link ModelError} for an SDK error: 401 → authentication, 403 → authentication (`permission_error`),
 * 408 and connection timeouts → timeout, 429 → rate limit (with `retry-after` seconds), 529 → overloaded,
 * other 5xx → server, other 4xx → request, unreachable server → connection. User aborts and errors that
 * are already model errors are returned unchanged; anything else is returned unchanged too.
 * `retries` is the SDK's configured retry count, named in the message.
 */
export function toModelError(provider: string, e: unknown, sdk: SdkErrorClasses, retries: number): unknown {
  if (ModelError.isInstance(e) || e instanceof sdk.APIUserAbortError) return e;
  const after = retries > 0 ? ` (after ${retries} retries)` : '';
  if (e instanceof sdk.APIConnectionTimeoutError) {
    return new ModelTimeoutError(`${provider}: request timed out${after}`, { provider, cause: e });
  }
  if (e instanceof sdk.APIConnectionError) {
    return new ModelConnectionError(`${provider}: cannot reach the server${after}: ${e.message}`, {
      provider,
      cause: e,
    });
  }
  if (!(e instanceof sdk.APIError)) return e;
  const err = e as unknown as ApiErrorFields;
  const status = err.status ?? 0;
  const init = { provider, status, requestId: err.requestID, cause: e };
  const message = `${provider}: ${status} ${err.type ?? 'error'}: ${err.apiMessage ?? err.message}`;
  if (status === 401) return new ModelAuthenticationError(message, init);
  if (status === 403) return new ModelAuthenticationError(message, init, 'permission_error');
  if (status === 408) return new ModelTimeoutError(message + after, init);
  if (status === 429) {
    return new ModelRateLimitError(message + after, { ...init, retryAfterSeconds: retryAfter(err.headers) });
  }
  if (status === 529 || err.type === 'overloaded_error')
    return new ModelOverloadedError(message + after, init);
  if (status >= 500) return new ModelServerError(message + after, init);
  return new ModelRequestError(message, init, err.type ?? 'invalid_request_error');
}

/** Seconds from a `retry-after-ms` or `retry-after` header (seconds or HTTP date), when present. */
function retryAfter(headers: Headers | undefined): number | undefined {
  const ms = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms)) return ms / 1000;
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number.parseFloat(value);
  if (Number.isFinite(seconds)) return seconds;
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, (date - Date.now()) / 1000) : undefined;
}
