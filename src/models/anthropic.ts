/**
 * The Anthropic Messages adapter, on the unmodified `@anthropic-ai/sdk` (1.x; also reaches servers that
 * serve `/v1/messages`: Ollama, llama.cpp's server, vLLM). Structured output is a forced tool call: one tool
 * whose `input_schema` is the request's JSON Schema and `tool_choice: {type: "tool", name}`
 * (https://docs.anthropic.com/en/docs/build-with-claude/tool-use#forcing-tool-use). The shared system
 * instructions carry `cache_control: {type: "ephemeral"}`, which caches the tool definition and system
 * prompt as one prefix (https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching). No
 * `temperature`/`top_p`/`top_k` is sent (API version 2026-10-21 rejects them). Retries and timeouts are the
 * SDK's own: `maxRetries` attempts after the first on 408/409/429/5xx (529 included) and connection errors,
 * waiting `retry-after-ms`/`retry-after` when the server sends one, else 0.5 s · 2^n (≤ 8 s, ≤ 25 % jitter).
 */
import Anthropic from '@anthropic-ai/sdk';
import type { MessageParam, Usage } from '@anthropic-ai/sdk/resources/messages';
import type { ProviderOptions } from './provider-options.js';
import { toModelError } from './sdk-errors.js';
import {
  type AttemptAnswer,
  type AttemptFeedback,
  generateValidated,
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

/**
 * Creates an {@link ObjectModel} on Anthropic Messages (`provider: "anthropic"`).
 * @example
 * const model = createAnthropicModel({ modelId: 'claude-sonnet-4-5', apiKey: process.env.ANTHROPIC_API_KEY!, baseURL: 'https://api.anthropic.com' });
 */
export function createAnthropicModel(options: ProviderOptions): ObjectModel {
  const maxRetries = options.maxRetries ?? 4;
  const client = new Anthropic({
    apiKey: options.apiKey,
    baseURL: options.baseURL,
    maxRetries,
    timeout: options.timeoutMs ?? 120_000,
  });
  const call = async (body: Anthropic.MessageCreateParamsNonStreaming, signal?: AbortSignal) => {
    try {
      return await client.messages.create(body, { signal });
    } catch (e) {
      throw toModelError('anthropic', e, Anthropic, maxRetries);
    }
  };
  return {
    specificationVersion: 'v1',
    provider: 'anthropic',
    modelId: options.modelId,
    async generateObject<T>(request: GenerateObjectRequest<T>): Promise<GenerateObjectResult<T>> {
      const tool = {
        name: request.schemaName,
        description: request.schemaDescription ?? `Record the answer as one ${request.schemaName} object.`,
        input_schema: objectJsonSchema('anthropic', request) as Anthropic.Tool.InputSchema,
      };
      const base = {
        model: options.modelId,
        max_tokens: request.maxOutputTokens,
        ...(request.system
          ? {
              system: [
                {
                  type: 'text' as const,
                  text: request.system,
                  cache_control: { type: 'ephemeral' as const },
                },
              ],
            }
          : {}),
        tools: [tool],
        tool_choice: { type: 'tool' as const, name: tool.name, disable_parallel_tool_use: true },
      };
      return generateValidated('anthropic', request, async (feedback) => {
        const messages = [...request.messages, ...retryTurns(tool.name, feedback)];
        return answerOf(await call({ ...base, messages }, request.signal), tool.name);
      });
    },
  };
}

function answerOf(message: Anthropic.Message, toolName: string): AttemptAnswer {
  const usage = anthropicUsage(message.usage);
  const stopReason = (message.stop_reason ?? 'end_turn') as ModelStopReason;
  const block = message.content.find((b) => b.type === 'tool_use' && b.name === toolName);
  if (block?.type === 'tool_use') {
    return {
      value: block.input,
      text: JSON.stringify(block.input),
      stopReason,
      usage,
      responseId: message.id,
      toolCallId: block.id,
    };
  }
  const text = message.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
  return {
    value: undefined,
    missing: `the answer did not call the tool ${toolName}`,
    text,
    stopReason,
    usage,
    responseId: message.id,
  };
}

/** The turns that send an invalid answer back: the tool call and an error `tool_result`, or plain text. */
function retryTurns(toolName: string, feedback: AttemptFeedback | undefined): MessageParam[] {
  if (feedback === undefined) return [];
  const instruction = retryInstruction(feedback.error);
  const { answer } = feedback;
  if (answer.toolCallId !== undefined) {
    return [
      {
        role: 'assistant',
        content: [{ type: 'tool_use', id: answer.toolCallId, name: toolName, input: answer.value }],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: answer.toolCallId, is_error: true, content: instruction },
        ],
      },
    ];
  }
  return [
    { role: 'assistant', content: answer.text.trim() || '(no answer)' },
    { role: 'user', content: instruction },
  ];
}

/** Anthropic `usage` → {@link ModelUsage} (nulls become 0). */
export function anthropicUsage(usage: Usage): ModelUsage {
  return {
    input_tokens: usage.input_tokens,
    output_tokens: usage.output_tokens,
    cache_read_input_tokens: usage.cache_read_input_tokens ?? 0,
    cache_creation_input_tokens: usage.cache_creation_input_tokens ?? 0,
  };
}
