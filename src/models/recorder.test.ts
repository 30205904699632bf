import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { z } from 'zod';
import { describeWithData, TAU } from '../../test/data.js';
import { createAnthropicModel } from './anthropic.js';
import { createOpenAIModel } from './openai.js';
import { anthropicError, startAnthropicLoopback } from './testing/anthropic-loopback.js';
import type { LoopbackServer } from './testing/loopback-server.js';
import { startOpenAILoopback } from './testing/openai-loopback.js';
import { loadRecording, recordedScript, startRecordingProxy } from './testing/recorder.js';
import { readTauToolErrors } from './testing/tau-evidence.js';

const Fix = z.object({ error_template: z.string(), fix: z.string() });
const servers: LoopbackServer[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describeWithData('wire recorder', () => {
  const errors = readTauToolErrors(TAU).slice(20, 23);
  const requests = errors.map((e) => ({
    system: 'Name the fix.',
    messages: [{ role: 'user' as const, content: e.text }],
    schema: Fix,
    schemaName: 'fix',
    maxOutputTokens: 200,
  }));

  it('records Anthropic exchanges through a proxy and replays them with no upstream, identically', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reverie-rec-'));
    dirs.push(dir);
    const upstream = await startAnthropicLoopback({
      apiKey: 'sk-ant-secret',
      script: [
        { tool: { error_template: errors[0]!.text, fix: 'a' } },
        anthropicError(429, 'rate_limit_error', 'slow down', 0.01),
        { tool: { error_template: errors[1]!.text, fix: 'b' } },
        anthropicError(429, 'rate_limit_error', 'slow down', 0.01),
      ],
    });
    const proxy = await startRecordingProxy(upstream.url, dir);
    servers.push(upstream, proxy);
    const live = createAnthropicModel({
      modelId: 'claude-test',
      apiKey: 'sk-ant-secret',
      baseURL: proxy.url,
      maxRetries: 1,
    });
    const recorded = [await live.generateObject(requests[0]!), await live.generateObject(requests[1]!)];
    const failure = await live.generateObject(requests[2]!).catch((e: unknown) => e);
    expect(failure).toMatchObject({ type: 'invalid_request_error', status: 400 }); // upstream's script ran out after the 429
    await upstream.close();

    const exchanges = loadRecording(dir);
    expect(exchanges.map((e) => e.response.status)).toEqual([200, 429, 200, 429, 400]);
    expect(exchanges[1]!.response.headers).toMatchObject({ 'retry-after': '0.01' });
    for (const f of ['0001.json', '0002.json'])
      expect(readFileSync(join(dir, f), 'utf8')).not.toContain('sk-ant-secret');

    const replay = await startAnthropicLoopback({ script: recordedScript(dir) });
    servers.push(replay);
    const replayed = createAnthropicModel({
      modelId: 'claude-test',
      apiKey: 'any',
      baseURL: replay.url,
      maxRetries: 1,
    });
    expect([
      await replayed.generateObject(requests[0]!),
      await replayed.generateObject(requests[1]!),
    ]).toEqual(recorded);
    expect(replay.requests.map((r) => r.body)).toEqual(exchanges.slice(0, 3).map((e) => e.request.body));
  });

  it('records and replays OpenAI chat completions', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reverie-rec-'));
    dirs.push(dir);
    const upstream = await startOpenAILoopback({
      script: [{ json: { error_template: errors[2]!.text, fix: 'c' } }],
    });
    const proxy = await startRecordingProxy(upstream.url, dir);
    servers.push(upstream, proxy);
    const live = createOpenAIModel({
      modelId: 'gpt-test',
      apiKey: 'k',
      baseURL: `${proxy.url}/v1`,
      maxRetries: 0,
    });
    const result = await live.generateObject(requests[2]!);
    const replay = await startOpenAILoopback({ script: recordedScript(dir) });
    servers.push(replay);
    const replayed = createOpenAIModel({
      modelId: 'gpt-test',
      apiKey: 'k',
      baseURL: replay.baseURL,
      maxRetries: 0,
    });
    expect(await replayed.generateObject(requests[2]!)).toEqual(result);
    expect(result.object.error_template).toBe(errors[2]!.text);
  });

  it('names the folder or file when a recording is missing or malformed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'reverie-rec-'));
    dirs.push(dir);
    expect(() => loadRecording(dir)).toThrow(/no recorded exchanges/);
    writeFileSync(join(dir, '0001.json'), JSON.stringify({ request: {}, response: { status: 200 } }));
    expect(() => loadRecording(dir)).toThrow(`${join(dir, '0001.json')}: not a recorded exchange`);
  });

  it('answers 502 and records nothing when the upstream is unreachable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reverie-rec-'));
    dirs.push(dir);
    const gone = await startAnthropicLoopback();
    await gone.close();
    const proxy = await startRecordingProxy(gone.url, dir);
    servers.push(proxy);
    const model = createAnthropicModel({
      modelId: 'claude-test',
      apiKey: 'k',
      baseURL: proxy.url,
      maxRetries: 0,
    });
    const error = await model.generateObject(requests[0]!).catch((e: unknown) => e);
    expect(error).toMatchObject({ type: 'api_error', status: 502 });
    expect(readdirSync(dir)).toEqual([]);
  });
});
