import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeWithData, TAU } from '../../test/data.js';
import { createAnthropicModel } from './anthropic.js';
import { ModelFixtureMissingError, ModelInvalidOutputError } from './errors.js';
import { createMockModel } from './mock.js';
import {
  cacheKey,
  canonicalJson,
  DirectoryResponseCache,
  MemoryResponseCache,
  withResponseCache,
} from './response-cache.js';
import { startAnthropicLoopback } from './testing/anthropic-loopback.js';
import type { LoopbackServer } from './testing/loopback-server.js';
import { readTauToolErrors } from './testing/tau-evidence.js';

const Fix = z.object({ fix: z.string() });
const dirs: string[] = [];
let server: LoopbackServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'reverie-cache-'));
  dirs.push(dir);
  return dir;
}

describe('cacheKey', () => {
  const model = createMockModel([]);
  const base = {
    system: 's',
    messages: [{ role: 'user' as const, content: 'e' }],
    schema: Fix,
    schemaName: 'fix',
    maxOutputTokens: 100,
  };
  it('is stable under key order and changes with anything that decides the answer', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe('{"a":[{"c":3,"d":2}],"b":1}');
    const key = cacheKey(model, base).key;
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(cacheKey(model, { ...base, signal: AbortSignal.timeout(1000) }).key).toBe(key);
    expect(cacheKey(model, { ...base, system: 's2' }).key).not.toBe(key);
    expect(cacheKey(model, { ...base, maxOutputTokens: 101 }).key).not.toBe(key);
    expect(cacheKey(model, { ...base, schema: z.object({ fix: z.string().min(1) }) }).key).not.toBe(key);
    expect(cacheKey(createMockModel([], 'other-model'), base).key).not.toBe(key);
  });
});

describeWithData('record and replay on real τ-bench errors', () => {
  const errors = readTauToolErrors(TAU);
  const distinct = [...new Set(errors.map((e) => e.text))].slice(0, 5);
  const requests = distinct.map((text) => ({
    system: 'Name the fix for this tool error.',
    messages: [{ role: 'user' as const, content: text }],
    schema: Fix,
    schemaName: 'fix',
    maxOutputTokens: 100,
  }));

  it('answers a repeated request from the cache without a call, with zero usage', async () => {
    const inner = createMockModel(
      distinct.map((text) => ({
        object: { fix: `fix for ${text}` },
        usage: { input_tokens: 50, output_tokens: 5 },
      })),
    );
    const model = withResponseCache(inner, new MemoryResponseCache());
    const first = await Promise.all(requests.map((r) => model.generateObject(r)));
    const again = await Promise.all(requests.map((r) => model.generateObject(r)));
    expect(model.calls).toBe(requests.length);
    expect(inner.calls).toHaveLength(requests.length);
    expect(again.map((r) => r.object)).toEqual(first.map((r) => r.object));
    expect(again.every((r) => r.cached && r.usage.input_tokens === 0)).toBe(true);
    expect(first[0]!.usage.input_tokens).toBe(50);
  });

  it('shares one call between concurrent identical requests', async () => {
    const inner = createMockModel([{ object: { fix: 'once' } }]);
    const model = withResponseCache(inner, new MemoryResponseCache());
    const both = await Promise.all([model.generateObject(requests[0]!), model.generateObject(requests[0]!)]);
    expect(both.map((r) => r.object)).toEqual([{ fix: 'once' }, { fix: 'once' }]);
    expect(inner.calls).toHaveLength(1);
  });

  it('records through the Anthropic adapter to a folder and replays with no network call, identically', async () => {
    const dir = tempDir();
    server = await startAnthropicLoopback({
      script: distinct.map((text) => ({ tool: { fix: `retry ${text.length}` } })),
    });
    const live = createAnthropicModel({
      modelId: 'claude-test',
      apiKey: 'k',
      baseURL: server.url,
      maxRetries: 0,
    });
    const recorder = withResponseCache(live, new DirectoryResponseCache(dir), 'record');
    const recorded = [];
    for (const r of requests) recorded.push(await recorder.generateObject(r));
    expect(readdirSync(dir).filter((f) => f.endsWith('.json'))).toHaveLength(requests.length);
    await server.close();
    server = undefined;

    const offline = createAnthropicModel({
      modelId: 'claude-test',
      apiKey: 'k',
      baseURL: 'http://127.0.0.1:9',
      maxRetries: 0,
    });
    const replayer = withResponseCache(offline, new DirectoryResponseCache(dir), 'replay');
    const replayed = [];
    for (const r of requests) replayed.push(await replayer.generateObject(r));
    expect(replayed.map((r) => r.object)).toEqual(recorded.map((r) => r.object));
    expect(replayer.calls).toBe(0);
    const entry = JSON.parse(readFileSync(join(dir, readdirSync(dir)[0]!), 'utf8'));
    expect(entry.request).toMatchObject({ provider: 'anthropic', modelId: 'claude-test', schemaName: 'fix' });
    expect(entry.response.usage.input_tokens).toBeGreaterThan(0);

    const missing = { ...requests[0]!, messages: [{ role: 'user' as const, content: 'never recorded' }] };
    const error = await replayer.generateObject(missing).catch((e: unknown) => e);
    expect(ModelFixtureMissingError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain(dir);
    expect((error as ModelFixtureMissingError).key).toMatch(/^[0-9a-f]{64}$/);
  });

  it('names the fixture file when it is corrupt, and refuses a cached answer the schema no longer accepts', async () => {
    const dir = tempDir();
    const cache = new DirectoryResponseCache(dir);
    const model = createMockModel([]);
    const { key, request } = cacheKey(model, requests[1]!);
    writeFileSync(cache.fileOf(key), '{"key": ');
    const replayer = withResponseCache(model, cache, 'replay');
    await expect(replayer.generateObject(requests[1]!)).rejects.toThrow(`${key}.json: not valid JSON`);
    await cache.set({
      key,
      request,
      response: {
        object: { fix: 42 },
        usage: {
          input_tokens: 1,
          output_tokens: 1,
          cache_read_input_tokens: 0,
          cache_creation_input_tokens: 0,
        },
        stopReason: 'tool_use',
        attempts: 1,
      },
    });
    await expect(replayer.generateObject(requests[1]!)).rejects.toSatisfy(ModelInvalidOutputError.isInstance);
    expect(readdirSync(dir)).toEqual([`${key}.json`]);
  });
});
