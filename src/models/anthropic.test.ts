import { afterEach, expect, it } from 'vitest';
import { z } from 'zod';
import { describeWithData, TAU } from '../../test/data.js';
import { createAnthropicModel } from './anthropic.js';
import {
  ModelAuthenticationError,
  ModelConnectionError,
  ModelError,
  ModelInvalidOutputError,
  ModelOverloadedError,
  ModelRateLimitError,
  ModelRequestError,
  ModelServerError,
  ModelTimeoutError,
  ModelTruncatedError,
} from './errors.js';
import {
  type AnthropicScriptItem,
  anthropicError,
  startAnthropicLoopback,
} from './testing/anthropic-loopback.js';
import type { LoopbackServer } from './testing/loopback-server.js';
import { readTauToolErrors } from './testing/tau-evidence.js';

const Lesson = z.object({
  symptom: z.string().min(5),
  cause: z.string(),
  fix: z.string(),
  confidence: z.number().min(0).max(1),
});
const lesson = {
  symptom: 'gift card balance is not enough',
  cause: 'paid the full price by gift card',
  fix: 'split the payment',
  confidence: 0.8,
};
const SYSTEM = 'You turn recurring tool errors of an airline agent into one lesson: symptom, cause, fix.';

let server: LoopbackServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function modelOn(
  script: AnthropicScriptItem[],
  extra: { maxRetries?: number; timeoutMs?: number; apiKey?: string } = {},
) {
  server = await startAnthropicLoopback({ script, apiKey: 'sk-ant-test' });
  return createAnthropicModel({
    modelId: 'claude-test',
    apiKey: extra.apiKey ?? 'sk-ant-test',
    baseURL: server.url,
    maxRetries: extra.maxRetries ?? 2,
    timeoutMs: extra.timeoutMs,
  });
}

function requestFor(evidence: string) {
  return {
    system: SYSTEM,
    messages: [{ role: 'user' as const, content: evidence }],
    schema: Lesson,
    schemaName: 'record_lesson',
    maxOutputTokens: 512,
  };
}

describeWithData('Anthropic adapter on the loopback Messages server', () => {
  const errors = readTauToolErrors(TAU);
  const evidence = errors
    .slice(0, 8)
    .map((e) => `task ${e.taskId} trial ${e.trial}: ${e.text}`)
    .join('\n');

  it('round-trips structured output through a forced tool call with the system prompt cached', async () => {
    const model = await modelOn([{ tool: lesson }]);
    const result = await model.generateObject(requestFor(evidence));
    expect(result.object).toEqual(lesson);
    expect(result).toMatchObject({ stopReason: 'tool_use', attempts: 1, responseId: 'msg_loopback_1' });
    const sent = server!.requests[0]!;
    expect(sent.path).toBe('/v1/messages');
    const body = sent.body as Record<string, unknown>;
    expect(body.tool_choice).toEqual({
      type: 'tool',
      name: 'record_lesson',
      disable_parallel_tool_use: true,
    });
    expect(body.tools).toEqual([
      expect.objectContaining({
        name: 'record_lesson',
        input_schema: expect.objectContaining({
          type: 'object',
          required: ['symptom', 'cause', 'fix', 'confidence'],
        }),
      }),
    ]);
    expect(body.system).toEqual([{ type: 'text', text: SYSTEM, cache_control: { type: 'ephemeral' } }]);
    expect(body.messages).toEqual([{ role: 'user', content: evidence }]);
    expect(body).not.toHaveProperty('temperature');
    expect(body.max_tokens).toBe(512);
  });

  it('accounts usage in the hosted shape: cache written on the first call, read on the next', async () => {
    const model = await modelOn([{ tool: lesson }, { tool: lesson }]);
    const first = await model.generateObject(requestFor(errors[0]!.text));
    const second = await model.generateObject(requestFor(errors[1]!.text));
    expect(first.usage.cache_creation_input_tokens).toBeGreaterThan(0);
    expect(first.usage.cache_read_input_tokens).toBe(0);
    expect(second.usage.cache_read_input_tokens).toBe(first.usage.cache_creation_input_tokens);
    expect(second.usage.cache_creation_input_tokens).toBe(0);
    expect(first.usage.input_tokens).toBeGreaterThan(0);
    expect(first.usage.output_tokens).toBeGreaterThan(0);
  });

  it('retries an invalid answer once, returning the validation error as an error tool_result', async () => {
    const model = await modelOn([
      { tool: { symptom: 'gift', fix: 'x' }, usage: { input_tokens: 100, output_tokens: 10 } },
      { tool: lesson, usage: { input_tokens: 140, output_tokens: 20 } },
    ]);
    const result = await model.generateObject(requestFor(evidence));
    expect(result.attempts).toBe(2);
    expect(result.usage.input_tokens).toBe(240);
    expect(result.usage.output_tokens).toBe(30);
    const messages = (server!.requests[1]!.body as { messages: Array<{ role: string; content: unknown }> })
      .messages;
    expect(messages).toHaveLength(3);
    expect(messages[1]).toEqual({
      role: 'assistant',
      content: [
        {
          type: 'tool_use',
          id: 'toolu_loopback_1',
          name: 'record_lesson',
          input: { symptom: 'gift', fix: 'x' },
        },
      ],
    });
    const [result2] = messages[2]!.content as Array<{
      type: string;
      tool_use_id: string;
      is_error: boolean;
      content: string;
    }>;
    expect(result2).toMatchObject({ type: 'tool_result', tool_use_id: 'toolu_loopback_1', is_error: true });
    expect(result2!.content).toMatch(/symptom/);
    expect(result2!.content).toMatch(/cause/);
  });

  it('fails with ModelInvalidOutputError when the retry is invalid too (a text answer, no tool call)', async () => {
    const model = await modelOn([
      { text: 'The lesson is to split payments.' },
      { tool: { symptom: 'short' } },
    ]);
    const error = await model.generateObject(requestFor(evidence)).catch((e: unknown) => e);
    expect(ModelInvalidOutputError.isInstance(error)).toBe(true);
    expect((error as ModelInvalidOutputError).issues[0]).toMatch(/did not call the tool record_lesson/);
    const retry = (server!.requests[1]!.body as { messages: Array<{ role: string; content: unknown }> })
      .messages;
    expect(retry[1]).toEqual({ role: 'assistant', content: 'The lesson is to split payments.' });
  });

  it('raises ModelTruncatedError on stop_reason max_tokens, with the tokens spent', async () => {
    const model = await modelOn([
      { tool: { symptom: 'gift card bal' }, stopReason: 'max_tokens', usage: { output_tokens: 512 } },
    ]);
    const error = await model.generateObject(requestFor(evidence)).catch((e: unknown) => e);
    expect(ModelTruncatedError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      type: 'output_truncated_error',
      maxOutputTokens: 512,
      usage: expect.objectContaining({ output_tokens: 512 }),
    });
    expect(server!.requests).toHaveLength(1);
  });

  it('retries 429 after the retry-after the server asks for, then answers', async () => {
    const model = await modelOn([anthropicError(429, 'rate_limit_error', 'slow down', 1), { tool: lesson }]);
    const result = await model.generateObject(requestFor(evidence));
    expect(result.object).toEqual(lesson);
    const [first, second] = server!.requests;
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);
  });

  it('raises ModelRateLimitError once retries are used up, with the retry-after seconds', async () => {
    const limited = anthropicError(429, 'rate_limit_error', 'slow down', 0.01);
    const model = await modelOn([limited, limited, limited]);
    const error = await model.generateObject(requestFor(evidence)).catch((e: unknown) => e);
    expect(ModelRateLimitError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      type: 'rate_limit_error',
      status: 429,
      retryAfterSeconds: 0.01,
      requestId: 'req_loopback_rate_limit_error',
    });
    expect(server!.requests).toHaveLength(3);
  });

  it('retries 529 overloaded and 500, and maps each to its typed error when they persist', async () => {
    const overloaded = anthropicError(529, 'overloaded_error', 'Overloaded', 0.01);
    let model = await modelOn([overloaded, { tool: lesson }]);
    expect((await model.generateObject(requestFor(evidence))).object).toEqual(lesson);
    await server!.close();
    model = await modelOn([overloaded, overloaded], { maxRetries: 1 });
    await expect(model.generateObject(requestFor(evidence))).rejects.toSatisfy(
      ModelOverloadedError.isInstance,
    );
    await server!.close();
    const internal = anthropicError(500, 'api_error', 'Internal server error', 0.01);
    model = await modelOn([internal, internal], { maxRetries: 1 });
    const error = await model.generateObject(requestFor(evidence)).catch((e: unknown) => e);
    expect(ModelServerError.isInstance(error)).toBe(true);
    expect((error as ModelServerError).message).toMatch(
      /500 api_error: Internal server error \(after 1 retries\)/,
    );
    expect(server!.requests).toHaveLength(2);
  });

  it('raises ModelTimeoutError when the server does not answer in time', async () => {
    const model = await modelOn(
      [
        { tool: lesson, delayMs: 2000 },
        { tool: lesson, delayMs: 2000 },
      ],
      { maxRetries: 1, timeoutMs: 150 },
    );
    const error = await model.generateObject(requestFor(evidence)).catch((e: unknown) => e);
    expect(ModelTimeoutError.isInstance(error)).toBe(true);
    expect(server!.requests).toHaveLength(2);
  });

  it('raises ModelConnectionError when nothing listens, and lets a caller abort pass through untyped', async () => {
    await modelOn([]);
    const url = server!.url;
    await server!.close();
    server = undefined;
    const unreachable = createAnthropicModel({
      modelId: 'claude-test',
      apiKey: 'k',
      baseURL: url,
      maxRetries: 0,
    });
    const error = await unreachable.generateObject(requestFor(evidence)).catch((e: unknown) => e);
    expect(ModelConnectionError.isInstance(error)).toBe(true);
    const model = await modelOn([{ tool: lesson, delayMs: 2000 }]);
    const controller = new AbortController();
    const pending = model
      .generateObject({ ...requestFor(evidence), signal: controller.signal })
      .catch((e: unknown) => e);
    setTimeout(() => controller.abort(), 50);
    const aborted = await pending;
    expect(ModelError.isInstance(aborted)).toBe(false);
    expect((aborted as Error).name).toMatch(/Abort/);
  });

  it('raises ModelAuthenticationError on a wrong key without retrying, and ModelRequestError on a 400', async () => {
    let model = await modelOn([{ tool: lesson }], { apiKey: 'sk-ant-wrong' });
    const error = await model.generateObject(requestFor(evidence)).catch((e: unknown) => e);
    expect(ModelAuthenticationError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ type: 'authentication_error', status: 401 });
    expect(server!.requests).toHaveLength(1);
    await server!.close();
    model = await modelOn([anthropicError(400, 'invalid_request_error', 'prompt is too long')]);
    await expect(model.generateObject(requestFor(evidence))).rejects.toThrow(
      /400 invalid_request_error: prompt is too long/,
    );
    expect(
      ModelRequestError.isInstance(await model.generateObject(requestFor(evidence)).catch((e: unknown) => e)),
    ).toBe(true);
  });
});
