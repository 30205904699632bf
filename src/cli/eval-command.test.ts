/**
 * `reverie eval --engine llm` against loopback servers speaking the Anthropic and OpenAI protocols, driven
 * by the unmodified SDKs (no network): the planted suite scored on the LLM engine's output with the same
 * scorers as the offline engine, the report stating engine, provider, model and usage, and `--record` /
 * `--replay` fixtures answering a second run with no server and no key.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cliRunner } from '../../test/cli-harness.js';
import { scriptedAnswer } from '../dream/llm/scripted-answers.js';
import type { EvalReport } from '../eval/index.js';
import { startAnthropicLoopback } from '../models/testing/anthropic-loopback.js';
import type { LoopbackServer, ReceivedRequest } from '../models/testing/loopback-server.js';
import { startOpenAILoopback } from '../models/testing/openai-loopback.js';
import { evalEngineOptions } from './eval-command.js';

const KEYS = ['ANTHROPIC_API_KEY', 'ANTHROPIC_BASE_URL', 'OPENAI_API_KEY', 'OPENAI_BASE_URL'];
const saved = Object.fromEntries(KEYS.map((k) => [k, process.env[k]]));
let dir: string;
let server: LoopbackServer | undefined;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'reverie-eval-llm-'));
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  for (const k of KEYS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The batch message (the first user turn) of an Anthropic or OpenAI request. */
function userTurn(r: ReceivedRequest): string {
  const m = (r.body as { messages: { role: string; content: string | { text: string }[] }[] }).messages.find(
    (x) => x.role === 'user',
  )!;
  return typeof m.content === 'string' ? m.content : m.content.map((b) => b.text).join('');
}

/** The scripted model: keeps every candidate except mistakes, which it judges noise. */
const dropMistakes = (r: ReceivedRequest) => scriptedAnswer(userTurn(r), (c) => c.kind === 'mistake');

const cli = cliRunner(() => join(dir, 'unused.db'));
const PLANTED = ['eval', '--suite', 'planted', '--sessions', '40', '--seed', '3', '--json'];

async function evalJson(...extra: string[]): Promise<EvalReport> {
  const r = await cli(...PLANTED, ...extra);
  expect(r.err).toBe('');
  return JSON.parse(r.out) as EvalReport;
}

describe('reverie eval --engine llm (planted suite, loopback servers)', () => {
  let offline: EvalReport;
  beforeAll(async () => {
    offline = await evalJson();
  }, 60_000);

  it('scores the LLM engine output over Anthropic Messages and states engine, model and usage', async () => {
    server = await startAnthropicLoopback({ respond: (r) => ({ tool: dropMistakes(r) }) });
    process.env.ANTHROPIC_API_KEY = 'sk-ant-test';
    process.env.ANTHROPIC_BASE_URL = server.url;
    const llm = await evalJson('--engine', 'llm', '--model', 'claude-test');
    expect(offline.engine).toMatchObject({ id: 'offline', provider: null, model: 'reverie-offline' });
    expect(llm.engine).toMatchObject({ id: 'llm', provider: 'anthropic', model: 'claude-test' });
    expect(llm.engine.version).toMatch(/^llm-/);
    // the same report structure and the same checks as the offline engine's
    expect(Object.keys(llm).sort()).toEqual(Object.keys(offline).sort());
    expect(llm.targets.map((t) => t.metric)).toEqual(offline.targets.map((t) => t.metric));
    expect(llm.input).toEqual(offline.input);
    // every batch went through the SDK to the server, and its tokens are in the report
    const calls = server.requests.length;
    expect(calls).toBeGreaterThan(0);
    expect(llm.engine_stats.llm_calls).toBe(calls);
    expect(llm.usage.input_tokens).toBeGreaterThan(0);
    expect(llm.usage.output_tokens).toBeGreaterThan(0);
    // scoring read the LLM engine's output: the mistakes the model dropped are missing from it
    expect(offline.planted!.kinds.mistake.recall).toBeGreaterThan(0);
    expect(llm.engine_stats.llm_dropped).toBe(offline.output.changes_by_kind['mistake.create']);
    expect(llm.planted!.kinds.mistake.recall).toBe(0);
    expect(llm.output.by_kind.mistake ?? 0).toBeLessThan(offline.output.by_kind.mistake!);
    expect(llm.planted!.kinds.feedback).toEqual(offline.planted!.kinds.feedback);
    expect(llm.planted!.lost).toEqual(offline.planted!.lost);
  }, 60_000);

  it('--provider openai --record DIR, then --replay DIR with no server and no key: the same scores', async () => {
    server = await startOpenAILoopback({ respond: (r) => ({ json: dropMistakes(r) }) });
    process.env.OPENAI_API_KEY = 'sk-test';
    process.env.OPENAI_BASE_URL = `${server.url}/v1`;
    const fixtures = join(dir, 'fixtures');
    const args = ['--provider', 'openai', '--model', 'gpt-test'];
    const recorded = await evalJson(...args, '--record', fixtures);
    expect(recorded.engine).toMatchObject({ id: 'llm', provider: 'openai', model: 'gpt-test' });
    expect(recorded.engine_stats.llm_calls).toBe(server.requests.length);
    expect(recorded.planted!.kinds.mistake.recall).toBe(0);
    await server.close();
    server = undefined;
    delete process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_BASE_URL;
    const replayed = await evalJson(...args, '--replay', fixtures);
    expect(replayed.planted).toEqual(recorded.planted);
    expect(replayed.engine_stats.llm_calls).toBe(0);
    expect(replayed.engine_stats.llm_cache_hits).toBe(recorded.engine_stats.llm_calls);
    expect(replayed.usage).toEqual({
      input_tokens: 0,
      output_tokens: 0,
      cache_read_input_tokens: 0,
      cache_creation_input_tokens: 0,
    });
    const table = await cli(...PLANTED.filter((a) => a !== '--json'), ...args, '--replay', fixtures);
    expect(table.out).toContain('engine llm');
    expect(table.out).toContain('model openai/gpt-test');
  }, 60_000);

  it('--dry-run sends nothing and reports the calls it would make', async () => {
    const dry = await evalJson('--model', 'claude-test', '--dry-run');
    expect(dry.engine).toMatchObject({ id: 'llm', provider: 'anthropic', model: 'claude-test' });
    expect(dry.engine_stats.llm_dry_run).toBe(1);
    expect(dry.engine_stats.llm_batches).toBeGreaterThan(0);
    expect(dry.planted).toEqual(offline.planted);
  }, 60_000);
});

describe('evalEngineOptions', () => {
  it('is the offline engine by default and for --model reverie-offline', () => {
    expect(evalEngineOptions({}, {})).toEqual({});
    expect(evalEngineOptions({ model: 'reverie-offline' }, {})).toEqual({});
  });
  it('refuses LLM flags with --engine offline, --record with --replay, and a missing key or model', () => {
    expect(() => evalEngineOptions({ engine: 'offline', model: 'm' }, {})).toThrow(/for --engine llm/);
    expect(() => evalEngineOptions({ model: 'm', record: 'a', replay: 'b' }, {})).toThrow(/not both/);
    expect(() => evalEngineOptions({ model: 'm' }, {})).toThrow(/ANTHROPIC_API_KEY is not set/);
    expect(() => evalEngineOptions({ engine: 'llm' }, { ANTHROPIC_API_KEY: 'k' })).toThrow(
      /--model is required/,
    );
  });
});
