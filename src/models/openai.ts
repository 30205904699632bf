/**
 * The OpenAI chat-completions adapter, on the unmodified `openai` SDK, against any OpenAI-compatible base
 * URL (OpenAI, vLLM, Ollama's `/v1`, llama.cpp's server, LiteLLM). Structured output through
 * `response_format: {type: "json_schema", json_schema: {name, schema, strict}}`
 * (https://platform.openai.com/docs/guides/structured-outputs); `strict` is set only when the schema meets
 * strict mode's rules ({@link isStrictSchema}). The output cap is sent as `max_completion_tokens` to
 * api.openai.com (its reasoning models reject `max_tokens`) and as `max_tokens` to any other base URL (the
 * field Ollama, LM Studio, llama.cpp's server and vLLM all accept; Ollama ignores `max_completion_tokens`,
 * ollama/ollama#7125); {@link OpenAIModelOptions.outputTokensField} overrides the choice. Prompt
 * caching is automatic on OpenAI for repeated prefixes, so the shared instructions go first as the `system`
 * message; `prompt_tokens_details.cached_tokens` is reported as `cache_read_input_tokens` and subtracted
 * from `input_tokens` (the hosted shape counts uncached input only). Retries and timeouts are the SDK's own,
 * as for the Anthropic adapter (429/5xx/408/409 and connection errors, `retry-after-ms`/`retry-after`
 * honoured, else exponential backoff 0.5 s · 2^n ≤ 8 s).
 */
import OpenAI from 'openai';
import type { ChatCompletion, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { ProviderOptions } from './provider-options.js';
import { toModelError } from './sdk-errors.js';
import {
  type AttemptAnswer,
  generateValidated,
  isStrictSchema,
  objectJsonSchema,
  retryInstruction,
} from './structured.js';
import type {
  GenerateObjectRequest,
  GenerateObjectResult,
  ModelStopReason,
  ModelUsage,
  ObjectModel,
} from './types.js';

const FINISH: Record<string, ModelStopReason> = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  function_call: 'tool_use',
  content_filter: 'refusal',
};

/**
 * Options of the OpenAI adapter: the shared {@link ProviderOptions}, plus `outputTokensField`, the request
 * field that carries the output cap (default: `max_completion_tokens` for api.openai.com, else `max_tokens`).
 */
export interface OpenAIModelOptions extends ProviderOptions {
  outputTokensField?: 'max_completion_tokens' | 'max_tokens';
}

/** The default output-cap field for `baseURL` (see {@link OpenAIModelOptions}). */
export function defaultOutputTokensField(baseURL: string): 'max_completion_tokens' | 'max_tokens' {
  return URL.canParse(baseURL) && new URL(baseURL).hostname === 'api.openai.com'
    ? 'max_completion_tokens'
    : 'max_tokens';
}

/**
 * Creates an {@link ObjectModel} on OpenAI-compatible chat completions (`provider: "openai"`).
 * @example
 * const model = createOpenAIModel({ modelId: 'gpt-4o-mini', apiKey: process.env.OPENAI_API_KEY!, baseURL: 'https://api.openai.com/v1' });
 */
export function createOpenAIModel(options: OpenAIModelOptions): ObjectModel {
  const capField = options.outputTokensField ?? defaultOutputTokensField(options.baseURL);
  const maxRetries = options.maxRetries ?? 4;
  const client = new OpenAI({
    apiKey: options.apiKey,
    baseURL: options.baseURL,
    maxRetries,
    timeout: options.timeoutMs ?? 120_000,
  });
  const call = async (body: OpenAI.ChatCompletionCreateParamsNonStreaming, signal?: AbortSignal) => {
    try {
      return await client.chat.completions.create(body, { signal });
    } catch (e) {
      throw toModelError('openai', e, OpenAI, maxRetries);
    }
  };
  return {
    specificationVersion: 'v1',
    provider: 'openai',
    modelId: options.modelId,
    async generateObject<T>(request: GenerateObjectRequest<T>): Promise<GenerateObjectResult<T>> {
      const schema = objectJsonSchema('openai', request);
      const json_schema = {
        name: request.schemaName,
        ...(request.schemaDescription ? { description: request.schemaDescription } : {}),
        schema,
        strict: isStrictSchema(schema),
      };
      const system: ChatCompletionMessageParam[] = request.system
        ? [{ role: 'system', content: request.system }]
        : [];
      return generateValidated('openai', request, async (feedback) => {
        const retry: ChatCompletionMessageParam[] = feedback
          ? [
              { role: 'assistant', content: feedback.answer.text.trim() || '(no answer)' },
              { role: 'user', content: retryInstruction(feedback.error) },
            ]
          : [];
        const completion = await call(
          {
            model: options.modelId,
            messages: [...system, ...request.messages, ...retry],
            [capField]: request.maxOutputTokens,
            response_format: { type: 'json_schema', json_schema },
          },
          request.signal,
        );
        return answerOf(completion);
      });
    },
  };
}

function answerOf(completion: ChatCompletion): AttemptAnswer {
  const usage = openaiUsage(completion.usage);
  const choice = completion.choices[0];
  const stopReason = FINISH[choice?.finish_reason ?? 'stop'] ?? 'end_turn';
  const text = choice?.message.content ?? '';
  const base = { text, stopReason, usage, responseId: completion.id };
  if (choice?.message.refusal)
    return { ...base, value: undefined, missing: `the model refused: ${choice.message.refusal}` };
  try {
    return { ...base, value: JSON.parse(text) };
  } catch (e) {
    return { ...base, value: undefined, missing: `the answer was not valid JSON (${(e as Error).message})` };
  }
}

/** OpenAI `usage` → {@link ModelUsage}: cached prompt tokens become `cache_read_input_tokens`. */
export function openaiUsage(usage: OpenAI.CompletionUsage | undefined): ModelUsage {
  const cached = usage?.prompt_tokens_details?.cached_tokens ?? 0;
  return {
    input_tokens: Math.max(0, (usage?.prompt_tokens ?? 0) - cached),
    output_tokens: usage?.completion_tokens ?? 0,
    cache_read_input_tokens: cached,
    cache_creation_input_tokens: 0,
  };
}
