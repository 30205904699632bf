/**
 * The LLM engine's response cache in the database (`model_cache`, migration 004-model-cache) through
 * `StorageResponseCache`, on every dialect of test/dialects.ts: entries round-trip as JSON, a second
 * `set` replaces the first, and `withResponseCache` answers a repeated request from the table.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createMockModel, withResponseCache } from '../src/models/index.js';
import { StorageResponseCache } from '../src/service/index.js';
import { DIALECTS } from './dialects.js';

const request = {
  system: 'You judge memories.',
  messages: [
    { role: 'user' as const, content: 'c1: payment amount does not add up — “total 375, paid 299”' },
  ],
  schema: z.object({ verdict: z.enum(['keep', 'drop']) }),
  schemaName: 'judge',
  maxOutputTokens: 64,
};

for (const dialect of DIALECTS) {
  describe(`model response cache (${dialect.name})`, () => {
    it('answers the same request from the table the second time, with zero usage', async () => {
      const db = await dialect.open();
      try {
        const mock = createMockModel([
          { object: { verdict: 'keep' }, usage: { input_tokens: 40, output_tokens: 5 } },
        ]);
        const cached = withResponseCache(mock, new StorageResponseCache(db));
        const first = await cached.generateObject(request);
        const second = await cached.generateObject(request);
        expect(first.object).toEqual({ verdict: 'keep' });
        expect(first.usage.input_tokens).toBe(40);
        expect(second).toMatchObject({
          object: { verdict: 'keep' },
          cached: true,
          usage: { input_tokens: 0 },
        });
        expect(mock.calls.length).toBe(1);
      } finally {
        await db.close();
      }
    });

    it('stores entries as JSON and replaces an entry on a second set', async () => {
      const db = await dialect.open();
      try {
        const cache = new StorageResponseCache(db);
        const key = 'a'.repeat(64);
        expect(await cache.get(key)).toBeUndefined();
        const response = {
          object: { text: 'é😀\u0000' },
          usage: {
            input_tokens: 1,
            output_tokens: 2,
            cache_read_input_tokens: 0,
            cache_creation_input_tokens: 0,
          },
          stopReason: 'tool_use' as const,
          attempts: 1,
        };
        await cache.set({ key, request: { v: 1 } as never, response });
        expect(await cache.get(key)).toEqual({ key, request: { v: 1 }, response });
        await cache.set({ key, request: { v: 2 } as never, response: { ...response, attempts: 2 } });
        expect((await cache.get(key))!.response.attempts).toBe(2);
        expect(await db.modelCacheGet('b'.repeat(64))).toBeUndefined();
      } finally {
        await db.close();
      }
    });
  });
}
