/**
 * The one model interface every LLM provider sits behind (DESIGN's `models/` lane). It is modelled on the
 * Vercel AI SDK's versioned provider specification (`LanguageModelV1`: `specificationVersion`, `provider`,
 * `modelId`, one generate call; https://github.com/vercel/ai, packages/provider) but narrowed to what the
 * dream engine needs: one structured answer per call, validated against a zod schema.
 */
import type { z } from 'zod';

/**
 * Token usage of one call (or a sum of calls) in the hosted API's shape (Anthropic Messages `usage`):
 * `input_tokens` are uncached input tokens, `cache_read_input_tokens` input tokens read from the prompt
 * cache, `cache_creation_input_tokens` input tokens written to it, `output_tokens` generated tokens.
 * All are counts of tokens (never null: a provider that does not report a field gives 0).
 */
export interface ModelUsage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
}

/**
 * Why the model stopped, in the hosted API's terms (Anthropic `stop_reason`); OpenAI's `finish_reason`
 * maps `stop` → `end_turn`, `length` → `max_tokens`, `tool_calls` → `tool_use`, `content_filter` →
 * `refusal`.
 */
export type ModelStopReason =
  | 'end_turn'
  | 'max_tokens'
  | 'stop_sequence'
  | 'tool_use'
  | 'pause_turn'
  | 'refusal'
  | 'model_context_window_exceeded';

/** One conversation turn sent to the model: plain text, `user` or `assistant`. */
export interface ModelMessage {
  role: 'user' | 'assistant';
  content: string;
}

/**
 * One structured-output request.
 * - `system`: the shared instructions, identical across the calls of a dream (Anthropic adapters mark them
 *   with `cache_control` so that they are read from the prompt cache after the first call).
 * - `messages`: the per-call turns (the evidence), at least one, starting with `user`.
 * - `schema`: a zod object schema; its JSON Schema is sent to the provider and the answer is parsed with it.
 * - `schemaName`: the tool name (Anthropic) or `json_schema.name` (OpenAI), `^[a-zA-Z0-9_-]{1,64}$`.
 * - `maxOutputTokens`: hard cap on generated tokens (`max_tokens`, or OpenAI's `max_completion_tokens`); an answer cut
 *   at the cap raises {@link import('./errors.js').ModelTruncatedError}.
 * - `signal`: cancels the call.
 */
export interface GenerateObjectRequest<T> {
  system: string;
  messages: ModelMessage[];
  schema: z.ZodType<T>;
  schemaName: string;
  schemaDescription?: string;
  maxOutputTokens: number;
  signal?: AbortSignal;
}

/**
 * The answer to a {@link GenerateObjectRequest}: the parsed, validated `object`; `usage` summed over every
 * HTTP attempt the call made that returned an answer (both answers when the first was invalid and retried);
 * the final `stopReason`; `attempts` (1, or 2 after a retry on invalid output); the provider's response id
 * when it gave one; `cached` when it was answered from a response cache.
 */
export interface GenerateObjectResult<T> {
  object: T;
  usage: ModelUsage;
  stopReason: ModelStopReason;
  attempts: number;
  responseId?: string;
  /** True when the answer came from a response cache (then `usage` is all zeros: nothing was sent). */
  cached?: boolean;
}

/**
 * A model that answers with structured output (specification version `v1`).
 * `provider` is e.g. `anthropic`, `openai`, `mock`; `modelId` the provider's model name.
 * `generateObject` resolves with a validated object or rejects with a
 * {@link import('./errors.js').ModelError} subclass (rate limit, overloaded, server, timeout, truncated,
 * invalid output, authentication, request).
 * @example
 * const { object, usage } = await model.generateObject({
 *   system: 'You write lessons.', messages: [{ role: 'user', content: 'evidence…' }],
 *   schema: z.object({ lesson: z.string() }), schemaName: 'lesson', maxOutputTokens: 512,
 * });
 */
export interface ObjectModel {
  readonly specificationVersion: 'v1';
  readonly provider: string;
  readonly modelId: string;
  generateObject<T>(request: GenerateObjectRequest<T>): Promise<GenerateObjectResult<T>>;
}
