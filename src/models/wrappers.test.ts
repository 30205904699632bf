import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeWithData, TAU } from '../../test/data.js';
import { createAnthropicModel } from './anthropic.js';
import { withConcurrencyLimit } from './concurrency.js';
import { createMockModel } from './mock.js';
import { withRedaction } from './redaction.js';
import { MemoryResponseCache, withResponseCache } from './response-cache.js';
import { startAnthropicLoopback } from './testing/anthropic-loopback.js';
import type { LoopbackServer } from './testing/loopback-server.js';
import { readTauToolErrors } from './testing/tau-evidence.js';

const Fix = z.object({ fix: z.string() });
let server: LoopbackServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('withRedaction', () => {
  it('redacts the system prompt and every turn before the wire, and before the cache', async () => {
    server = await startAnthropicLoopback({ script: [{ tool: { fix: 'rotate the key' } }] });
    const live = createAnthropicModel({
      modelId: 'claude-test',
      apiKey: 'k',
      baseURL: server.url,
      maxRetries: 0,
    });
    const cache = new MemoryResponseCache();
    const redact = (text: string) => text.replace(/sk-ant-[A-Za-z0-9-]+/g, '[REDACTED:api-key]');
    const model = withRedaction(withResponseCache(live, cache), redact);
    const secret = 'sk-ant-api03-abcdefghijklmnop';
    const request = {
      system: `Never repeat keys like ${secret}.`,
      messages: [
        { role: 'user' as const, content: `The agent printed ANTHROPIC_API_KEY=${secret} in a tool result.` },
      ],
      schema: Fix,
      schemaName: 'fix',
      maxOutputTokens: 100,
    };
    expect((await model.generateObject(request)).object).toEqual({ fix: 'rotate the key' });
    const wire = JSON.stringify(server.requests[0]!.body);
    expect(wire).not.toContain(secret);
    expect(wire).toContain('ANTHROPIC_API_KEY=[REDACTED:api-key]');
    expect((await model.generateObject(request)).cached).toBe(true);
    expect(server.requests).toHaveLength(1);
  });
});

describeWithData('withConcurrencyLimit', () => {
  it('never runs more calls than the cap and answers every call', async () => {
    const errors = readTauToolErrors(TAU).slice(0, 12);
    server = await startAnthropicLoopback({ respond: () => ({ tool: { fix: 'f' }, delayMs: 50 }) });
    const live = createAnthropicModel({
      modelId: 'claude-test',
      apiKey: 'k',
      baseURL: server.url,
      maxRetries: 0,
    });
    const model = withConcurrencyLimit(live, 3);
    let maxSeen = 0;
    const results = await Promise.all(
      errors.map(async (e) => {
        const pending = model.generateObject({
          system: 's',
          messages: [{ role: 'user', content: e.text }],
          schema: Fix,
          schemaName: 'fix',
          maxOutputTokens: 50,
        });
        maxSeen = Math.max(maxSeen, model.running);
        return pending;
      }),
    );
    expect(results).toHaveLength(errors.length);
    expect(model.peakConcurrency).toBe(3);
    expect(maxSeen).toBe(3);
    expect(server.requests).toHaveLength(errors.length);
    expect([model.running, model.waiting]).toEqual([0, 0]);
  });

  it('rejects a cap below 1 and releases its slot when a call fails', async () => {
    expect(() => withConcurrencyLimit(createMockModel([]), 0)).toThrow(RangeError);
    const model = withConcurrencyLimit(
      createMockModel([{ error: new Error('boom') }, { object: { fix: 'ok' } }]),
      1,
    );
    const request = {
      system: '',
      messages: [{ role: 'user' as const, content: 'x' }],
      schema: Fix,
      schemaName: 'fix',
      maxOutputTokens: 10,
    };
    await expect(model.generateObject(request)).rejects.toThrow('boom');
    expect((await model.generateObject(request)).object).toEqual({ fix: 'ok' });
  });
});
