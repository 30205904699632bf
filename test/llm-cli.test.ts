/**
 * The LLM engine wired through the service and the CLI, against loopback servers (unmodified SDKs) over
 * the real τ-bench sessions: `reverie dream <transcripts> --engine llm [--provider openai] --model M
 * --max-input-tokens N --out DIR`, `--dry-run`, the engine chosen by the model id, the database response
 * cache (re-dreaming makes no calls, byte-identical output), `dreams show` with usage, and a failed dream
 * that keeps its partial change set under the hosted error type.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { scriptedAnswer } from '../src/dream/llm/scripted-answers.js';
import { anthropicError, startAnthropicLoopback } from '../src/models/testing/anthropic-loopback.js';
import type { LoopbackServer, ReceivedRequest } from '../src/models/testing/loopback-server.js';
import { startOpenAILoopback } from '../src/models/testing/openai-loopback.js';
import { llmEngineFactory, Reverie } from '../src/service/index.js';
import { cliRunner } from './cli-harness.js';
import { describeWithData, TAU } from './data.js';

let dir: string;
let server: LoopbackServer | undefined;
const saved = { ...process.env };
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'reverie-llm-cli-'));
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  for (const k of ['ANTHROPIC_API_KEY', 'ANTHROPIC_BASE_URL', 'OPENAI_API_KEY', 'OPENAI_BASE_URL']) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const userTurn = (r: ReceivedRequest): string => {
  const m = (r.body as { messages: { role: string; content: string | { text: string }[] }[] }).messages.find(
    (x) => x.role === 'user',
  )!;
  return typeof m.content === 'string' ? m.content : m.content.map((b) => b.text).join('');
};
const keepAll = (r: ReceivedRequest) => scriptedAnswer(userTurn(r));

async function anthropicServer(respond = (r: ReceivedRequest) => ({ tool: keepAll(r) }) as never) {
  server = await startAnthropicLoopback({ respond });
  process.env.ANTHROPIC_API_KEY = 'sk-ant-test';
  process.env.ANTHROPIC_BASE_URL = server.url;
}

/** Every file under `root` (relative path → content), `.reverie/` included. */
function folder(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) {
      const p = join(e.parentPath, e.name);
      out[p.slice(root.length + 1)] = readFileSync(p, 'utf8');
    }
  }
  return out;
}

describeWithData('reverie dream --engine llm (loopback servers, τ-bench)', () => {
  it('dreams with --model and --max-input-tokens into --out; the same dream again makes no calls and writes the same bytes', async () => {
    await anthropicServer();
    const cli = cliRunner(() => join(dir, 'a.db'));
    const out1 = join(dir, 'out1');
    const r = await cli(
      'dream',
      TAU,
      '--engine',
      'llm',
      '--model',
      'claude-test',
      '--max-input-tokens',
      '2500',
      '--out',
      out1,
    );
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const calls = server!.requests.length;
    expect(calls).toBeGreaterThan(0);
    const files = folder(out1);
    expect(Object.values(files).some((c) => c.includes('reviewed_by: llm'))).toBe(true);
    expect(Object.values(files).some((c) => c.startsWith('---') && !c.includes('reviewed_by'))).toBe(true); // over budget: offline form
    const id = /Dream (drm_\w+) completed/.exec(r.out)![1]!;
    const show = await cli('dreams', 'show', id);
    expect(show.out).toMatch(
      /model claude-test · usage: input_tokens=[1-9]\d* output_tokens=[1-9]\d* cache_read_input_tokens=\d+ cache_creation_input_tokens=[1-9]/,
    );
    expect(show.out).toContain('engine llm');
    const out2 = join(dir, 'out2');
    const again = await cli(
      'dream',
      TAU,
      '--engine',
      'llm',
      '--model',
      'claude-test',
      '--max-input-tokens',
      '2500',
      '--out',
      out2,
    );
    expect(again.code).toBe(0);
    expect(server!.requests.length).toBe(calls);
    expect(folder(out2)).toEqual(files);
  });

  it('--record DIR writes fixtures; --replay DIR answers from them with no server and no key', async () => {
    await anthropicServer();
    const fixtures = join(dir, 'fixtures');
    const rec = await cliRunner(() => join(dir, 'r1.db'))(
      'dream',
      TAU,
      '--model',
      'claude-test',
      '--record',
      fixtures,
      '--out',
      join(dir, 'rec'),
      '--json',
    );
    expect(rec.code).toBe(0);
    const batches = JSON.parse(rec.out).dream.stats.llm_batches as number;
    expect(batches).toBeGreaterThan(0);
    expect(readdirSync(fixtures).filter((f) => f.endsWith('.json')).length).toBe(batches);
    const calls = server!.requests.length;
    await server!.close();
    server = undefined;
    process.env.ANTHROPIC_API_KEY = ''; // set but blank counts as no key
    const rep = await cliRunner(() => join(dir, 'r2.db'))(
      'dream',
      TAU,
      '--model',
      'claude-test',
      '--replay',
      fixtures,
      '--out',
      join(dir, 'rep'),
    );
    expect(rep.err).toBe('');
    expect(rep.code).toBe(0);
    expect(calls).toBe(batches);
    expect(folder(join(dir, 'rep'))).toEqual(folder(join(dir, 'rec')));
    const missing = await cliRunner(() => join(dir, 'r2.db'))(
      'dream',
      TAU,
      '--model',
      'claude-other',
      '--replay',
      fixtures,
    );
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(
      /no recorded answer for request [0-9a-f]{64} .* in .*fixtures; record it first with --record/,
    );
  });

  it('--provider openai speaks chat completions; --dry-run prints the estimate and sends nothing', async () => {
    server = await startOpenAILoopback({ respond: (q) => ({ json: keepAll(q) }) });
    delete process.env.OPENAI_API_KEY; // a dry run needs no key
    process.env.OPENAI_BASE_URL = `${server.url}/v1`;
    const cli = cliRunner(() => join(dir, 'b.db'));
    const dry = await cli(
      'dream',
      TAU,
      '--engine',
      'llm',
      '--provider',
      'openai',
      '--model',
      'gpt-test',
      '--dry-run',
    );
    expect(dry.code).toBe(0);
    const estimate =
      /Dry run \(nothing sent\): (\d+) calls for (\d+) candidate memories \(0 left in offline form by --max-input-tokens\); estimated [1-9]\d* input tokens/.exec(
        dry.out,
      );
    expect(estimate, dry.out).not.toBeNull();
    const [calls, candidates] = [Number(estimate![1]), Number(estimate![2])];
    expect(calls).toBeGreaterThan(0);
    expect(candidates).toBeGreaterThanOrEqual(calls);
    expect(server.requests.length).toBe(0);
    process.env.OPENAI_API_KEY = 'sk-test';
    const r = await cli(
      'dream',
      TAU,
      '--engine',
      'llm',
      '--provider',
      'openai',
      '--model',
      'gpt-test',
      '--out',
      join(dir, 'out-openai'),
      '--json',
    );
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.dream.engine).toBe('llm');
    // the dream makes the calls the dry run announced and keeps every candidate it estimated
    expect(j.dream.stats.llm_candidates).toBe(candidates);
    expect(j.dream.stats.llm_kept).toBe(candidates);
    expect(server.requests.length).toBe(calls);
    expect(server.requests[0]!.path).toBe('/v1/chat/completions');
  });

  it('the model picks the engine; without a provider an llm model is refused with how to configure one', async () => {
    delete process.env.ANTHROPIC_API_KEY;
    const cli = cliRunner(() => join(dir, 'c.db'));
    const offline = await cli('dream', TAU, '--model', 'reverie-offline', '--json');
    expect(offline.code).toBe(0);
    expect(JSON.parse(offline.out).dream.engine).toBe('offline');
    const refused = await cli('dream', TAU, '--model', 'claude-test');
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('ANTHROPIC_API_KEY is not set');
    const svc = await Reverie.open({ db: join(dir, 'c.db') });
    try {
      const store = await svc.createStore({ name: 's' });
      const ids = (await svc.listSessions({ limit: 5 })).data.map((s) => s.id);
      await expect(
        svc.createDream({ memory_store_id: store.id, session_ids: ids, model: 'claude-test' }),
      ).rejects.toThrow(/no model provider is configured: set ANTHROPIC_API_KEY/);
    } finally {
      await svc.close();
    }
  });

  it('Reverie.open takes the provider from the environment for a model id (no factory given)', async () => {
    await anthropicServer();
    const svc = await Reverie.open({ db: join(dir, 'e.db') });
    try {
      const rep = await svc.importSessions([TAU]);
      const store = await svc.createStore({ name: 's' });
      const d = await svc.dream({
        memory_store_id: store.id,
        session_ids: rep.session_ids,
        model: 'claude-test',
      });
      expect(d.engine).toBe('llm');
      expect(d.status).toBe('completed');
      const calls = d.stats.llm_batches!;
      expect(calls).toBeGreaterThan(0);
      expect(server!.requests.length).toBe(calls);
      const off = await svc.dream({
        memory_store_id: store.id,
        session_ids: rep.session_ids,
        model: 'reverie-offline',
      });
      expect(off.engine).toBe('offline');
      expect(server!.requests.length).toBe(calls);
    } finally {
      await svc.close();
    }
  });

  it('a provider failing after its retries fails the dream with api_error and keeps the partial change set', async () => {
    await anthropicServer((q) =>
      // book_reservation's own error (its tool also appears in merged errors of other batches)
      userTurn(q).includes('payment amount does not add up')
        ? ({ tool: keepAll(q) } as never)
        : (anthropicError(500, 'api_error', 'Internal server error', 0.01) as never),
    );
    const svc = await Reverie.open({
      db: join(dir, 'd.db'),
      // one call at a time, 3 candidates per call: the batch with book_reservation's error is answered,
      // the next fails after its retry, the last is never sent
      llm: llmEngineFactory({ maxRetries: 1, concurrency: 1, batchSize: 3 }, process.env),
    });
    try {
      const rep = await svc.importSessions([TAU]);
      const store = await svc.createStore({ name: 's' });
      const err = (await svc
        .dream({ memory_store_id: store.id, session_ids: rep.session_ids, model: 'claude-test' })
        .then(
          () => ({ type: 'completed', details: { dream_id: '' } }),
          (e: unknown) => e,
        )) as { type: string; details: { dream_id: string } };
      expect(err.type).toBe('api_error');
      const d = await svc.getDream(err.details.dream_id);
      expect(d.status).toBe('failed');
      expect(d.error!.type).toBe('api_error');
      expect(d.usage.input_tokens).toBeGreaterThan(0);
      expect(d.outputs).toEqual([]);
      const changes = await svc.listChanges(d.id);
      expect(server!.requests.length).toBe(1 + 2);
      expect(d.stats.llm_batches_not_sent).toBe(d.stats.llm_batches! - 1);
      expect(changes.some((c) => c.after?.includes('reviewed_by: llm'))).toBe(true);
      // the candidates of the batches not answered are in the change set in their offline form
      const offlineForm = changes.filter(
        (c) => c.kind === 'mistake' && c.after?.includes('\nkey: ') && !c.after.includes('reviewed_by'),
      );
      const judged = d.stats.llm_kept! + d.stats.llm_dropped!;
      expect(judged).toBeGreaterThan(0);
      expect(offlineForm.length).toBe(d.stats.llm_candidates! - judged);
    } finally {
      await svc.close();
    }
  });
});
