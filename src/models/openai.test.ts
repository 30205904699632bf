import { afterEach, expect, it } from 'vitest';
import { z } from 'zod';
import { describeWithData, TAU } from '../../test/data.js';
import {
  ModelAuthenticationError,
  ModelInvalidOutputError,
  ModelRateLimitError,
  ModelServerError,
  ModelTimeoutError,
  ModelTruncatedError,
} from './errors.js';
import { createOpenAIModel, defaultOutputTokensField } from './openai.js';
import {
  type OpenAILoopbackServer,
  type OpenAIScriptItem,
  openaiError,
  startOpenAILoopback,
} from './testing/openai-loopback.js';
import { readTauToolErrors } from './testing/tau-evidence.js';

const Lesson = z.object({
  symptom: z.string().min(5),
  fix: z.string(),
  confidence: z.number().min(0).max(1),
});
const lesson = { symptom: 'flight not available', fix: 'search again for the new date', confidence: 0.7 };
const SYSTEM = 'You turn recurring tool errors of an airline agent into one lesson.';

let server: OpenAILoopbackServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function modelOn(
  script: OpenAIScriptItem[],
  extra: { maxRetries?: number; timeoutMs?: number; apiKey?: string } = {},
) {
  server = await startOpenAILoopback({ script, apiKey: 'sk-test' });
  return createOpenAIModel({
    modelId: 'gpt-test',
    apiKey: extra.apiKey ?? 'sk-test',
    baseURL: server.baseURL,
    maxRetries: extra.maxRetries ?? 2,
    timeoutMs: extra.timeoutMs,
  });
}

describeWithData('OpenAI adapter on the loopback chat-completions server', () => {
  const errors = readTauToolErrors(TAU);
  const evidence = errors
    .slice(10, 18)
    .map((e) => `task ${e.taskId}: ${e.text}`)
    .join('\n');
  const request = {
    system: SYSTEM,
    messages: [{ role: 'user' as const, content: evidence }],
    schema: Lesson,
    schemaName: 'record_lesson',
    maxOutputTokens: 400,
  };

  it('round-trips structured output through a strict json_schema response format', async () => {
    const model = await modelOn([{ json: lesson }]);
    const result = await model.generateObject(request);
    expect(result).toMatchObject({
      object: lesson,
      stopReason: 'end_turn',
      attempts: 1,
      responseId: 'chatcmpl-loopback-1',
    });
    const body = server!.requests[0]!.body as Record<string, unknown>;
    expect(server!.requests[0]!.path).toBe('/v1/chat/completions');
    expect(body.messages).toEqual([
      { role: 'system', content: SYSTEM },
      { role: 'user', content: evidence },
    ]);
    expect(body.response_format).toEqual({
      type: 'json_schema',
      json_schema: {
        name: 'record_lesson',
        schema: expect.objectContaining({ type: 'object', additionalProperties: false }),
        strict: true,
      },
    });
    expect(body.max_tokens).toBe(400);
    expect(body).not.toHaveProperty('max_completion_tokens');
    expect(body).not.toHaveProperty('temperature');
  });

  it('sends the output cap as max_completion_tokens to api.openai.com or when asked, else as max_tokens', async () => {
    expect(defaultOutputTokensField('https://api.openai.com/v1')).toBe('max_completion_tokens');
    expect(defaultOutputTokensField('http://localhost:11434/v1')).toBe('max_tokens');
    server = await startOpenAILoopback({ script: [{ json: lesson }] });
    const model = createOpenAIModel({
      modelId: 'o4-mini',
      apiKey: 'k',
      baseURL: server.baseURL,
      outputTokensField: 'max_completion_tokens',
    });
    await model.generateObject(request);
    const body = server.requests[0]!.body as Record<string, unknown>;
    expect(body.max_completion_tokens).toBe(400);
    expect(body).not.toHaveProperty('max_tokens');
  });

  it('reports cached prompt tokens as cache_read_input_tokens, outside input_tokens', async () => {
    const model = await modelOn([
      { json: lesson },
      {
        json: lesson,
        usage: {
          prompt_tokens: 900,
          completion_tokens: 40,
          total_tokens: 940,
          prompt_tokens_details: { cached_tokens: 600 },
        },
      },
    ]);
    const first = await model.generateObject(request);
    expect(first.usage.cache_read_input_tokens).toBe(0);
    expect(first.usage.input_tokens).toBeGreaterThan(0);
    const second = await model.generateObject(request);
    expect(second.usage).toEqual({
      input_tokens: 300,
      output_tokens: 40,
      cache_read_input_tokens: 600,
      cache_creation_input_tokens: 0,
    });
  });

  it('retries content that is not JSON once with the parse error, then validates', async () => {
    const model = await modelOn([{ content: 'Sure! Here is the lesson: {' }, { json: lesson }]);
    const result = await model.generateObject(request);
    expect(result.attempts).toBe(2);
    const messages = (server!.requests[1]!.body as { messages: Array<{ role: string; content: string }> })
      .messages;
    expect(messages.slice(2)).toEqual([
      { role: 'assistant', content: 'Sure! Here is the lesson: {' },
      { role: 'user', content: expect.stringMatching(/not valid JSON/) },
    ]);
  });

  it('fails with ModelInvalidOutputError after a refusal and an invalid retry', async () => {
    const model = await modelOn([{ refusal: 'I cannot help with that.' }, { json: { symptom: 'no' } }]);
    const error = await model.generateObject(request).catch((e: unknown) => e);
    expect(ModelInvalidOutputError.isInstance(error)).toBe(true);
    expect((error as ModelInvalidOutputError).issues[0]).toMatch(/refused: I cannot help/);
  });

  it('raises ModelTruncatedError on finish_reason length', async () => {
    const model = await modelOn([{ content: '{"symptom": "flight not av', finishReason: 'length' }]);
    await expect(model.generateObject(request)).rejects.toSatisfy(ModelTruncatedError.isInstance);
  });

  it('retries 429 honouring retry-after and maps persistent 429/5xx, timeouts and bad keys', async () => {
    let model = await modelOn([
      openaiError(429, 'rate_limit_exceeded', 'Rate limit reached', 1),
      { json: lesson },
    ]);
    expect((await model.generateObject(request)).object).toEqual(lesson);
    expect(server!.requests[1]!.at - server!.requests[0]!.at).toBeGreaterThanOrEqual(950);
    await server!.close();
    const limited = openaiError(429, 'rate_limit_exceeded', 'Rate limit reached', 0.01);
    model = await modelOn([limited, limited], { maxRetries: 1 });
    await expect(model.generateObject(request)).rejects.toSatisfy(ModelRateLimitError.isInstance);
    await server!.close();
    const down = openaiError(503, 'server_error', 'The server is overloaded', 0.01);
    model = await modelOn([down, down], { maxRetries: 1 });
    await expect(model.generateObject(request)).rejects.toSatisfy(ModelServerError.isInstance);
    await server!.close();
    model = await modelOn([{ json: lesson, delayMs: 2000 }], { maxRetries: 0, timeoutMs: 150 });
    await expect(model.generateObject(request)).rejects.toSatisfy(ModelTimeoutError.isInstance);
    await server!.close();
    model = await modelOn([{ json: lesson }], { apiKey: 'sk-wrong' });
    const error = await model.generateObject(request).catch((e: unknown) => e);
    expect(ModelAuthenticationError.isInstance(error)).toBe(true);
    expect(server!.requests).toHaveLength(1);
  });
});
