/**
 * Token estimates for dry runs and budgets, without a tokenizer. The approximation: ASCII text at 3.5
 * characters per token, every other code point (accented letters, CJK, emoji) 1 token each, plus a fixed
 * overhead per message and per request. Both providers document ~4 characters per token for English prose
 * (https://docs.anthropic.com/en/docs/about-claude/pricing, https://platform.openai.com/tokenizer); 3.5
 * leans high because transcripts are dense in ids, numbers, JSON and code, which tokenize shorter, and an
 * estimate used as a hard cap should err on the side of sending less. The overheads follow OpenAI's
 * cookbook count for chat messages (3 tokens per message, 3 to prime the reply:
 * https://cookbook.openai.com/examples/how_to_count_tokens_with_tiktoken); the forced tool or response
 * format adds its JSON Schema's text. Real counts come back in `usage` after each call.
 */
import { objectJsonSchema } from './structured.js';
import type { GenerateObjectRequest } from './types.js';

/** ASCII characters per token. */
export const ASCII_CHARS_PER_TOKEN = 3.5;
/** Tokens added per message (role and delimiters). */
export const TOKENS_PER_MESSAGE = 3;
/** Tokens added per request (reply priming). */
export const TOKENS_PER_REQUEST = 3;

/** Estimated tokens of `text` (≥ 0; 0 for the empty string). */
export function estimateTokens(text: string): number {
  let ascii = 0;
  let other = 0;
  for (const ch of text) {
    if (ch.charCodeAt(0) < 128) ascii += 1;
    else other += 1;
  }
  return Math.ceil(ascii / ASCII_CHARS_PER_TOKEN) + other;
}

/**
 * Estimated input tokens of one request (system, turns, schema, overheads) and its output cap, in the
 * hosted usage field names: `{input_tokens, max_output_tokens}`.
 * @throws ModelRequestError when the schema is not an object schema (as the adapters would).
 */
export function estimateRequestTokens(request: GenerateObjectRequest<unknown>): {
  input_tokens: number;
  max_output_tokens: number;
} {
  const schema = JSON.stringify(objectJsonSchema('estimate', request));
  let input = TOKENS_PER_REQUEST + estimateTokens(schema) + estimateTokens(request.schemaName);
  if (request.system) input += TOKENS_PER_MESSAGE + estimateTokens(request.system);
  for (const m of request.messages) input += TOKENS_PER_MESSAGE + estimateTokens(m.content);
  return { input_tokens: input, max_output_tokens: request.maxOutputTokens };
}
