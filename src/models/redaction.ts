/**
 * The redaction seam: nothing reaches a model before a redactor has seen it. The secrets/PII redactor
 * itself belongs to the dream engine (src/dream, which already redacts memory output); the LLM engine passes
 * it here as `redactForModel`. Wrap in this order so that cached requests and `--record` fixtures hold only
 * redacted text: `withRedaction(withResponseCache(withConcurrencyLimit(createModel(config), n), cache), redactForModel)`.
 */
import type { GenerateObjectRequest, GenerateObjectResult, ObjectModel } from './types.js';

/**
 * Rewrites text before it is sent to a model (e.g. `sk-ant-…` → `[REDACTED:anthropic-api-key]`). Must be
 * deterministic (same input, same output) so that cache keys and replays stay stable, and must not throw on
 * any string.
 */
export type RedactForModel = (text: string) => string;

/**
 * Wraps `model` so that the system prompt and every message content go through `redactForModel` first.
 * The schema, schema name and limits are sent as they are (they are reverie's own). Answers are returned
 * unchanged.
 */
export function withRedaction(model: ObjectModel, redactForModel: RedactForModel): ObjectModel {
  return {
    specificationVersion: 'v1',
    provider: model.provider,
    modelId: model.modelId,
    generateObject<T>(request: GenerateObjectRequest<T>): Promise<GenerateObjectResult<T>> {
      return model.generateObject({
        ...request,
        system: redactForModel(request.system),
        messages: request.messages.map((m) => ({ role: m.role, content: redactForModel(m.content) })),
      });
    },
  };
}
