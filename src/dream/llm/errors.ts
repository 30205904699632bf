/**
 * The error an LLM dream fails with when the model cannot be used (rate limited, overloaded or failing
 * after the SDK's retries, unreachable, refused, or a replay without its fixture). It carries the
 * hosted error `type` of the model failure (`rate_limit_error`, `overloaded_error`, `api_error`, …) and
 * the partial result: every batch answered before the failure applied, the rest in offline form, with
 * the usage already spent, so the caller can keep and show it.
 */
import type { DreamResult } from '../types.js';

const MARKER = Symbol.for('reverie.llm-dream.error');

/** A failed LLM dream: `type` is the hosted error type of the cause, `partial` what was done. */
export class LlmDreamError extends Error {
  readonly [MARKER] = true;
  readonly type: string;
  readonly partial: DreamResult;

  /** `type`: hosted error type; `partial`: the result so far; `cause`: the model error. */
  constructor(type: string, message: string, partial: DreamResult, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LlmDreamError';
    this.type = type;
    this.partial = partial;
  }

  /** True if `e` is an {@link LlmDreamError} (from any copy of this module). */
  static isInstance(e: unknown): e is LlmDreamError {
    return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[MARKER] === true;
  }
}
