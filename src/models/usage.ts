/** Token usage arithmetic in the hosted `usage` shape ({@link ModelUsage}). */
import type { ModelUsage } from './types.js';

/** A usage with every count 0. */
export function emptyUsage(): ModelUsage {
  return { input_tokens: 0, output_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 };
}

/** Field-by-field sum of two usages (a new object; neither argument is changed). */
export function addUsage(a: ModelUsage, b: ModelUsage): ModelUsage {
  return {
    input_tokens: a.input_tokens + b.input_tokens,
    output_tokens: a.output_tokens + b.output_tokens,
    cache_read_input_tokens: a.cache_read_input_tokens + b.cache_read_input_tokens,
    cache_creation_input_tokens: a.cache_creation_input_tokens + b.cache_creation_input_tokens,
  };
}
