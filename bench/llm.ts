/**
 * `npm run bench:llm` — the LLM dream engine end to end (service, offline pre-pass, batches, the SDK,
 * the database response cache) against a loopback server that answers each call after a fixed delay
 * (default 1 s, like a real model's latency), over the 100 τ-bench airline sessions. Per concurrency cap:
 * calls, wall time of the dream, peak calls in flight, and the (simulated) usage; once: characters sent to
 * the model against the raw transcript characters (naive full-transcript prompting is 1.0×; the issue's
 * target is ≤ 0.3×), the dry-run estimate against the simulated usage, and a re-dream from the database
 * cache (calls and wall time). Each run uses a fresh in-memory database, so every run pays for its calls.
 * The loopback answers keep every candidate with a scripted lesson (src/dream/llm/scripted-answers.ts).
 *
 * Usage: node dist/bench/llm.js [--provider anthropic|openai] [--concurrency 1,2,4,8] [--delay-ms 1000]
 *        [--batch 6] [--max-input-tokens N] [--data FILE] [--json]
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Dream } from '../src/domain/index.js';
import { scriptedAnswer } from '../src/dream/llm/scripted-answers.js';
import { startAnthropicLoopback } from '../src/models/testing/anthropic-loopback.js';
import type { LoopbackServer, ReceivedRequest } from '../src/models/testing/loopback-server.js';
import { startOpenAILoopback } from '../src/models/testing/openai-loopback.js';
import { llmEngineFactory, Reverie } from '../src/service/index.js';
import { openSqliteStorage } from '../src/storage/index.js';

const repo = resolve(fileURLToPath(import.meta.url), '../../..');

/** Parsed command line. */
interface Options {
  provider: 'anthropic' | 'openai';
  concurrency: number[];
  delayMs: number;
  batch: number;
  maxInputTokens: number | null;
  data: string;
  json: boolean;
}

function parseArgs(argv: string[]): Options {
  const value = (name: string, fallback: string) => {
    const i = argv.indexOf(name);
    return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : fallback;
  };
  const provider = value('--provider', 'anthropic');
  if (provider !== 'anthropic' && provider !== 'openai')
    throw new Error(`--provider must be anthropic or openai (got ${provider})`);
  const concurrency = value('--concurrency', '1,2,4,8').split(',').map(Number);
  if (concurrency.some((c) => !Number.isInteger(c) || c < 1))
    throw new Error('--concurrency takes whole numbers ≥ 1, comma-separated');
  const cap = value('--max-input-tokens', '');
  return {
    provider,
    concurrency,
    delayMs: Number(value('--delay-ms', '1000')),
    batch: Number(value('--batch', '6')),
    maxInputTokens: cap === '' ? null : Number(cap),
    data: resolve(value('--data', resolve(repo, '../shared/data/tau-bench/airline-gpt-4o.trials-0-1.json'))),
    json: argv.includes('--json'),
  };
}

/** Characters of every message content in the τ-bench file (what naive prompting would send). */
function transcriptChars(file: string): number {
  const runs = JSON.parse(readFileSync(file, 'utf8')) as Array<{ traj: Array<{ content?: unknown }> }>;
  return runs.reduce(
    (n, r) => n + r.traj.reduce((m, t) => m + (typeof t.content === 'string' ? t.content.length : 0), 0),
    0,
  );
}

function userTurn(r: ReceivedRequest): string {
  const m = (r.body as { messages: { role: string; content: string | { text: string }[] }[] }).messages.find(
    (x) => x.role === 'user',
  )!;
  return typeof m.content === 'string' ? m.content : m.content.map((b) => b.text).join('');
}

async function startServer(o: Options): Promise<{ server: LoopbackServer; env: Record<string, string> }> {
  if (o.provider === 'anthropic') {
    const server = await startAnthropicLoopback({
      respond: (r) => ({ tool: scriptedAnswer(userTurn(r)), delayMs: o.delayMs }),
    });
    return { server, env: { ANTHROPIC_API_KEY: 'bench', ANTHROPIC_BASE_URL: server.url } };
  }
  const server = await startOpenAILoopback({
    respond: (r) => ({ json: scriptedAnswer(userTurn(r)), delayMs: o.delayMs }),
  });
  return { server, env: { OPENAI_API_KEY: 'bench', OPENAI_BASE_URL: `${server.url}/v1` } };
}

/** Figures of one dream at one concurrency cap. */
interface RunResult {
  concurrency: number;
  calls: number;
  wall_ms: number;
  redream_calls: number;
  redream_ms: number;
  peak_in_flight: number;
  dream: Dream;
}

/** Most requests in flight at once, from arrival times (each is answered `delayMs` after it arrives). */
function peakOverlap(arrivals: number[], delayMs: number): number {
  let peak = 0;
  for (const t of arrivals) peak = Math.max(peak, arrivals.filter((u) => u <= t && t < u + delayMs).length);
  return peak;
}

async function run(o: Options, concurrency: number): Promise<RunResult> {
  const { server, env } = await startServer(o);
  const svc = new Reverie({
    storage: await openSqliteStorage(':memory:'),
    llm: llmEngineFactory(
      {
        provider: o.provider,
        concurrency,
        batchSize: o.batch,
        maxInputTokens: o.maxInputTokens,
        maxRetries: 0,
      },
      env,
    ),
  });
  try {
    const ids = (await svc.importSessions([o.data])).session_ids;
    const store = await svc.createStore({ name: 'bench' });
    const timed = async () => {
      const t0 = performance.now();
      const d = await svc.dream({ memory_store_id: store.id, session_ids: ids, model: 'bench-model' });
      return { d, ms: performance.now() - t0 };
    };
    const first = await timed();
    const calls = server.requests.length;
    const again = await timed();
    return {
      concurrency,
      calls,
      wall_ms: first.ms,
      redream_calls: server.requests.length - calls,
      redream_ms: again.ms,
      peak_in_flight: peakOverlap(
        server.requests.slice(0, calls).map((r) => r.at),
        o.delayMs,
      ),
      dream: first.d,
    };
  } finally {
    await svc.close();
    await server.close();
  }
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const raw = transcriptChars(o.data);
  const results: RunResult[] = [];
  for (const c of o.concurrency) results.push(await run(o, c));
  const s = results[0]!.dream.stats;
  const u = results[0]!.dream.usage;
  const report = {
    provider: o.provider,
    delay_ms: o.delayMs,
    batch: o.batch,
    max_input_tokens: o.maxInputTokens,
    raw_transcript_chars: raw,
    chars_sent: s.llm_chars_sent,
    sent_to_raw: (s.llm_chars_sent ?? 0) / raw,
    candidates: s.llm_candidates,
    skipped_by_budget: s.llm_skipped_budget,
    estimated_input_tokens: s.llm_estimated_input_tokens,
    usage: u,
    runs: results.map(({ dream: _d, ...r }) => r),
  };
  if (o.json) {
    console.log(JSON.stringify(report, null, 2));
    return;
  }
  console.log(
    `provider ${o.provider}, server delay ${o.delayMs} ms/call, ${s.sessions} sessions → ${s.llm_candidates} candidate memories in ${s.llm_batches} calls of ≤ ${o.batch} (${s.llm_skipped_budget} skipped by the budget)`,
  );
  console.log(
    `characters sent ${report.chars_sent?.toLocaleString('en')} vs raw transcript characters ${raw.toLocaleString('en')}: ${report.sent_to_raw.toFixed(3)}×`,
  );
  console.log(
    `dry-run estimate ${s.llm_estimated_input_tokens?.toLocaleString('en')} input tokens; simulated usage (loopback: 4 chars/token): ${u.input_tokens} uncached, ${u.cache_creation_input_tokens} cache written, ${u.cache_read_input_tokens} cache read, ${u.output_tokens} output`,
  );
  console.log(
    '| concurrency | calls | dream wall time | peak in flight | re-dream calls | re-dream wall time |',
  );
  console.log('|---|---|---|---|---|---|');
  for (const r of results) {
    console.log(
      `| ${r.concurrency} | ${r.calls} | ${(r.wall_ms / 1000).toFixed(2)} s | ${r.peak_in_flight} | ${r.redream_calls} | ${(r.redream_ms / 1000).toFixed(2)} s |`,
    );
  }
}

await main();
