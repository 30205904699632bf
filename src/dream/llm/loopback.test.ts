/**
 * The LLM engine against loopback servers that speak the Anthropic and OpenAI wire protocols, driven by
 * the unmodified SDKs, over the real τ-bench sessions: a full dream on both protocols with prompt caching,
 * every failure mode (429 with retry-after then success, 529, 5xx exhausted, timeouts, max_tokens), the
 * budget within 10 % of real (simulated) usage, and record → replay determinism with zero calls.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { describeWithData, TAU } from '../../../test/data.js';
import {
  type CacheMode,
  createAnthropicModel,
  createOpenAIModel,
  DirectoryResponseCache,
  type ObjectModel,
  withConcurrencyLimit,
  withResponseCache,
} from '../../models/index.js';
import {
  type AnthropicScriptItem,
  anthropicError,
  startAnthropicLoopback,
} from '../../models/testing/anthropic-loopback.js';
import type { LoopbackServer, ReceivedRequest } from '../../models/testing/loopback-server.js';
import { startOpenAILoopback } from '../../models/testing/openai-loopback.js';
import { createOfflineEngine } from '../offline-engine.js';
import { importAll, MemoryCache, refsFromImported } from '../test-helpers.js';
import { DEFAULT_DREAM_OPTIONS, type DreamRequest, type DreamResult } from '../types.js';
import { candidatesOf, type LlmCandidate } from './candidates.js';
import { createLlmEngine } from './engine.js';
import { LlmDreamError } from './errors.js';
import { scriptedAnswer } from './scripted-answers.js';

let server: LoopbackServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** The batch message of an Anthropic request (the first user turn). */
function anthropicTurn(r: ReceivedRequest): string {
  const m = (r.body as { messages: { content: string | { text: string }[] }[] }).messages[0]!;
  return typeof m.content === 'string' ? m.content : m.content.map((b) => b.text).join('');
}

/** Mistakes with no reliable fix, which the scripted answers judge noise. */
const isContrast = (text: string) => text.includes('no reliable fix seen');
const answer = (r: ReceivedRequest): AnthropicScriptItem => ({
  tool: scriptedAnswer(anthropicTurn(r), (c) => isContrast(c.text)),
});

async function anthropicModel(
  script: AnthropicScriptItem[],
  respond: (r: ReceivedRequest) => AnthropicScriptItem = answer,
  extra: { maxRetries?: number; timeoutMs?: number; concurrency?: number } = {},
): Promise<ObjectModel> {
  server = await startAnthropicLoopback({ script, respond });
  const model = createAnthropicModel({
    modelId: 'claude-test',
    apiKey: 'sk-ant-test',
    baseURL: server.url,
    maxRetries: extra.maxRetries ?? 2,
    timeoutMs: extra.timeoutMs,
  });
  return withConcurrencyLimit(model, extra.concurrency ?? 4);
}

const reviewed = (r: DreamResult) => r.files.filter((f) => f.content.includes('reviewed_by: llm')).length;

describeWithData('LLM engine through the SDKs on loopback servers (τ-bench, 100 sessions)', () => {
  let request: DreamRequest;
  /** The candidates of the offline pre-pass, best first, and those the scripted answers drop. */
  let cands: LlmCandidate[];
  let noise: LlmCandidate[];
  /** True for a request whose batch shows the best candidate (or the last-ranked one). */
  let withBest: (r: ReceivedRequest) => boolean;
  let withLast: (r: ReceivedRequest) => boolean;
  beforeAll(async () => {
    request = {
      memories: [],
      sessions: refsFromImported(await importAll([TAU])),
      options: DEFAULT_DREAM_OPTIONS,
    };
    const offline = await createOfflineEngine().run(request, { cache: new MemoryCache() });
    cands = candidatesOf(offline.changes);
    noise = cands.filter((c) => isContrast(c.fields.summary ?? ''));
    withBest = (r) => anthropicTurn(r).includes(cands[0]!.fields.summary!);
    withLast = (r) => anthropicTurn(r).includes(cands.at(-1)!.fields.summary!);
  });

  it('dreams over Anthropic Messages with the shared instructions cached, and the same over OpenAI', async () => {
    const r = await createLlmEngine({ model: await anthropicModel([]) }).run(request);
    const reqs = server!.requests;
    expect(reqs.length).toBe(r.stats.llm_batches);
    expect(noise.length).toBeGreaterThan(0);
    expect(r.stats.llm_kept).toBe(cands.length - noise.length);
    expect(r.stats.llm_dropped).toBe(noise.length);
    expect(reviewed(r)).toBe(r.stats.llm_kept);
    const system = (reqs[0]!.body as { system: { cache_control?: unknown }[] }).system;
    expect(system[0]!.cache_control).toEqual({ type: 'ephemeral' });
    expect(r.usage.cache_creation_input_tokens).toBeGreaterThan(0);
    expect(r.usage.cache_read_input_tokens).toBe(r.usage.cache_creation_input_tokens * (reqs.length - 1));
    expect(r.usage.input_tokens).toBeGreaterThan(0);
    expect(r.usage.output_tokens).toBeGreaterThan(0);
    await server!.close();
    server = await startOpenAILoopback({
      respond: (q) => {
        const m = (q.body as { messages: { role: string; content: string }[] }).messages;
        return {
          json: scriptedAnswer(m.find((x) => x.role === 'user')!.content, (c) => isContrast(c.text)),
        };
      },
    });
    const openai = createOpenAIModel({
      modelId: 'gpt-test',
      apiKey: 'sk-test',
      baseURL: `${server.url}/v1`,
      maxRetries: 0,
    });
    const o = await createLlmEngine({ model: openai }).run(request);
    expect(o.files).toEqual(r.files);
    expect(o.changes).toEqual(r.changes);
    expect(o.usage.input_tokens).toBeGreaterThan(0);
  });

  it('waits out a 429 with retry-after and a 529, then completes', async () => {
    const model = await anthropicModel([
      anthropicError(429, 'rate_limit_error', 'slow down', 0.05),
      anthropicError(529, 'overloaded_error', 'Overloaded', 0.01),
    ]);
    const r = await createLlmEngine({ model }).run(request);
    expect(server!.requests.length).toBe(r.stats.llm_batches + 2);
    expect(r.stats.llm_kept + r.stats.llm_dropped).toBe(cands.length);
  });

  it('5xx after the retries fails the dream with api_error and keeps the partial result', async () => {
    // one call at a time, 2 candidates per call: the best candidate's batch is answered, the next one
    // fails after its retry, and the rest are never sent
    const model = await anthropicModel(
      [],
      (q) => (withBest(q) ? answer(q) : anthropicError(500, 'api_error', 'Internal server error', 0.01)),
      { maxRetries: 1, concurrency: 1 },
    );
    const err = await createLlmEngine({ model, batchSize: 2 })
      .run(request)
      .catch((e: unknown) => e);
    expect(LlmDreamError.isInstance(err)).toBe(true);
    const e = err as LlmDreamError;
    expect(e.type).toBe('api_error');
    const batches = e.partial.stats.llm_batches!;
    expect(batches).toBeGreaterThanOrEqual(3);
    expect(e.partial.stats.llm_batches_not_sent).toBe(batches - 1);
    expect(server!.requests.length).toBe(1 + 2); // the answered batch, the failed one and its retry
    expect(server!.requests.some(withLast)).toBe(false);
    expect(reviewed(e.partial)).toBe(e.partial.stats.llm_kept);
    expect(e.partial.stats.llm_kept).toBeGreaterThan(0);
    expect(e.partial.usage.input_tokens).toBeGreaterThan(0);
    // the batches not answered keep their offline form
    const last = e.partial.files.find((f) => f.path === cands.at(-1)!.change.path)!;
    expect(last.content).toBe(cands.at(-1)!.change.after);
  });

  it('a batch that times out or stops at max_tokens keeps its offline form; the dream completes', async () => {
    const model = await anthropicModel(
      [],
      (q) => {
        if (withLast(q)) return { ...answer(q), delayMs: 1_000 } as AnthropicScriptItem;
        if (withBest(q)) return { tool: { judgements: [] }, stopReason: 'max_tokens' };
        return answer(q);
      },
      { maxRetries: 0, timeoutMs: 300 },
    );
    const r = await createLlmEngine({ model, batchSize: 2 }).run(request);
    expect(r.stats.llm_batches).toBeGreaterThanOrEqual(3);
    expect(r.stats.llm_fallback_timeout).toBe(1);
    expect(r.stats.llm_fallback_truncated).toBe(1);
    expect(r.stats.llm_kept + r.stats.llm_dropped).toBeGreaterThan(0);
    for (const c of [cands[0]!, cands.at(-1)!])
      expect(r.files.find((f) => f.path === c.change.path)!.content).toBe(c.change.after);
  });

  it('keeps real input within 10 % of max_input_tokens', async () => {
    for (const cap of [2_500, 4_000]) {
      const model = await anthropicModel([]);
      const r = await createLlmEngine({ model, batchSize: 2, budget: { max_input_tokens: cap } }).run(
        request,
      );
      const u = r.usage;
      const spent = u.input_tokens + u.cache_read_input_tokens + u.cache_creation_input_tokens;
      expect(spent).toBeGreaterThan(0);
      expect(spent).toBeLessThanOrEqual(cap * 1.1);
      expect(r.stats.llm_skipped_budget).toBeGreaterThan(0);
      await server!.close();
      server = undefined;
    }
  });

  it('replays recorded answers byte for byte without a single call', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reverie-llm-fixtures-'));
    try {
      const run = async (mode: CacheMode) => {
        const model = withResponseCache(await anthropicModel([]), new DirectoryResponseCache(dir), mode);
        const r = await createLlmEngine({ model }).run(request);
        const calls = server!.requests.length;
        await server!.close();
        server = undefined;
        return { r, calls };
      };
      const recorded = await run('record');
      const replayed = await run('replay');
      expect(recorded.calls).toBe(recorded.r.stats.llm_batches);
      expect(recorded.calls).toBeGreaterThan(0);
      expect(replayed.calls).toBe(0);
      expect(JSON.stringify(replayed.r.files)).toBe(JSON.stringify(recorded.r.files));
      expect(JSON.stringify(replayed.r.changes)).toBe(JSON.stringify(recorded.r.changes));
      expect(replayed.r.usage).toEqual({
        input_tokens: 0,
        output_tokens: 0,
        cache_read_input_tokens: 0,
        cache_creation_input_tokens: 0,
      });
      expect(replayed.r.stats.llm_cache_hits).toBe(recorded.calls);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
