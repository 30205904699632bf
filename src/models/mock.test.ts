import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ModelError,
  ModelInvalidOutputError,
  ModelOverloadedError,
  ModelRateLimitError,
  ModelRequestError,
  ModelTruncatedError,
} from './errors.js';
import { createMockModel } from './mock.js';
import { isStrictSchema, objectJsonSchema } from './structured.js';

const Lesson = z.object({
  symptom: z.string().min(5),
  fix: z.string(),
  confidence: z.number().min(0).max(1),
});
const request = {
  system: 'You write one lesson from the evidence.',
  messages: [{ role: 'user' as const, content: 'Error: payment amount does not add up, total price is 375' }],
  schema: Lesson,
  schemaName: 'lesson',
  maxOutputTokens: 256,
};
const good = { symptom: 'payment does not add up', fix: 'recompute the total', confidence: 0.9 };

describe('createMockModel', () => {
  it('returns the validated object, usage in the hosted shape and the stop reason', async () => {
    const model = createMockModel([{ object: good, usage: { input_tokens: 120, output_tokens: 30 } }]);
    expect(model.specificationVersion).toBe('v1');
    const result = await model.generateObject(request);
    expect(result).toMatchObject({ object: good, stopReason: 'tool_use', attempts: 1 });
    expect(result.usage).toEqual({
      input_tokens: 120,
      output_tokens: 30,
      cache_read_input_tokens: 0,
      cache_creation_input_tokens: 0,
    });
    expect(model.remaining).toBe(0);
  });

  it('retries an invalid answer once with the validation error appended, summing usage', async () => {
    const model = createMockModel([
      { object: { symptom: 'x', fix: 'y', confidence: 3 }, usage: { input_tokens: 100, output_tokens: 10 } },
      { object: good, usage: { input_tokens: 150, output_tokens: 20 } },
    ]);
    const result = await model.generateObject(request);
    expect(result.attempts).toBe(2);
    expect(result.usage.input_tokens).toBe(250);
    expect(result.usage.output_tokens).toBe(30);
    const retry = model.calls[1]!;
    expect(retry.messages).toHaveLength(3);
    expect(retry.messages[1]).toEqual({
      role: 'assistant',
      content: JSON.stringify({ symptom: 'x', fix: 'y', confidence: 3 }),
    });
    expect(retry.messages[2]!.content).toMatch(/symptom/);
    expect(retry.messages[2]!.content).toMatch(/confidence/);
  });

  it('fails with ModelInvalidOutputError after a second invalid answer, keeping both issues', async () => {
    const model = createMockModel([
      { text: 'I think the lesson is…' },
      { object: { symptom: 'long enough' } },
    ]);
    const error = await model.generateObject(request).catch((e: unknown) => e);
    expect(ModelInvalidOutputError.isInstance(error)).toBe(true);
    expect(ModelError.isInstance(error)).toBe(true);
    expect(ModelTruncatedError.isInstance(error)).toBe(false);
    const invalid = error as ModelInvalidOutputError;
    expect(invalid.type).toBe('invalid_output_error');
    expect(invalid.issues).toHaveLength(2);
    expect(invalid.issues[0]).toMatch(/not a JSON object/);
    expect(invalid.issues[1]).toMatch(/fix/);
  });

  it('raises ModelTruncatedError on a max_tokens stop without retrying', async () => {
    const model = createMockModel([
      { object: good, stopReason: 'max_tokens', usage: { output_tokens: 256 } },
      { object: good },
    ]);
    const error = await model.generateObject(request).catch((e: unknown) => e);
    expect(ModelTruncatedError.isInstance(error)).toBe(true);
    expect((error as ModelTruncatedError).usage?.output_tokens).toBe(256);
    expect(model.remaining).toBe(1);
  });

  it('throws scripted errors as they are and names the call when the script runs out', async () => {
    const busy = new ModelOverloadedError('overloaded', { provider: 'mock', status: 529 });
    const model = createMockModel([{ error: busy }]);
    await expect(model.generateObject(request)).rejects.toBe(busy);
    expect(ModelRateLimitError.isInstance(busy)).toBe(false);
    await expect(model.generateObject(request)).rejects.toThrow(/no scripted response left for call 2/);
  });

  it('rejects a non-object schema and a bad schema name before any call', async () => {
    const model = createMockModel([{ object: good }]);
    const notObject = { ...request, schema: z.array(z.string()) } as never;
    await expect(model.generateObject(notObject)).rejects.toSatisfy(ModelRequestError.isInstance);
    await expect(model.generateObject({ ...request, schemaName: 'a lesson' })).rejects.toThrow(/schemaName/);
    expect(model.calls).toHaveLength(0);
  });
});

describe('isStrictSchema', () => {
  it('accepts all-required closed objects and rejects optional properties', () => {
    expect(isStrictSchema(objectJsonSchema('t', request))).toBe(true);
    const loose = { ...request, schema: Lesson.extend({ note: z.string().optional() }) };
    expect(isStrictSchema(objectJsonSchema('t', loose))).toBe(false);
    const nested = {
      ...request,
      schema: z.object({ items: z.array(z.object({ a: z.string().optional() })) }),
    };
    expect(isStrictSchema(objectJsonSchema('t', nested))).toBe(false);
  });
});
