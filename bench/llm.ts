/**
 * `npm run bench:llm` — the LLM plumbing against a loopback server that answers each call after a fixed
 * delay (default 1 s, like a real model's latency), over the 100 τ-bench airline sessions: number of calls,
 * wall time per concurrency cap, characters sent to the model against the raw transcript characters, and
 * the dry-run token estimate against the (simulated) usage. A skeleton for issue 12: the prompts here are a
 * stand-in pre-pass (a digest per session: outcome, first user request, tool sequence, tool errors
 * verbatim; a batch of digests per call), to be replaced by the LLM engine's own map phase over the
 * offline candidates.
 *
 * Usage: node dist/bench/llm.js [--provider anthropic|openai] [--concurrency 1,4,8,16] [--delay-ms 1000]
 *        [--batch 5] [--data FILE] [--json]
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { withConcurrencyLimit } from '../src/models/concurrency.js';
import { createModel } from '../src/models/config.js';
import { startAnthropicLoopback } from '../src/models/testing/anthropic-loopback.js';
import type { LoopbackServer } from '../src/models/testing/loopback-server.js';
import { startOpenAILoopback } from '../src/models/testing/openai-loopback.js';
import { estimateRequestTokens } from '../src/models/tokens.js';
import type { GenerateObjectRequest, ModelUsage } from '../src/models/types.js';
import { addUsage, emptyUsage } from '../src/models/usage.js';

const repo = resolve(fileURLToPath(import.meta.url), '../../..');
const SYSTEM =
  'You review session digests of a customer-service agent. For each recurring mistake, state the lesson: ' +
  'symptom, likely cause, the fix that worked, how to apply it. If the evidence does not establish a lesson, say none.';
const Lessons = z.object({
  lessons: z.array(z.object({ group: z.number().int(), lesson: z.string().nullable() })),
});

/** Parsed command line. */
interface Options {
  provider: 'anthropic' | 'openai';
  concurrency: number[];
  delayMs: number;
  batch: number;
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
  const concurrency = value('--concurrency', '1,4,8,16').split(',').map(Number);
  if (concurrency.some((c) => !Number.isInteger(c) || c < 1))
    throw new Error('--concurrency takes whole numbers ≥ 1, comma-separated');
  return {
    provider,
    concurrency,
    delayMs: Number(value('--delay-ms', '1000')),
    batch: Number(value('--batch', '5')),
    data: resolve(value('--data', resolve(repo, '../shared/data/tau-bench/airline-gpt-4o.trials-0-1.json'))),
    json: argv.includes('--json'),
  };
}

/** One τ-bench trajectory as stored in the data file. */
interface TauRun {
  task_id: number;
  trial: number;
  reward: number;
  traj: Array<{
    role: string;
    content?: unknown;
    name?: string;
    tool_calls?: Array<{ function: { name: string } }>;
  }>;
}

/**
 * The stand-in pre-pass: per session a digest (outcome, the user's first request, the tool sequence, each
 * tool error verbatim), never the whole transcript; `batch` sessions per call.
 */
function buildRequests(runs: TauRun[], batch: number): GenerateObjectRequest<z.infer<typeof Lessons>>[] {
  const digests = runs.map((run) => {
    const text = (m: { content?: unknown }) => (typeof m.content === 'string' ? m.content : '');
    const firstUser = text(run.traj.find((m) => m.role === 'user') ?? {}).slice(0, 300);
    const tools = run.traj.flatMap((m) => (m.tool_calls ?? []).map((c) => c.function.name));
    const errors = run.traj
      .filter((m) => m.role === 'tool' && text(m).startsWith('Error'))
      .map((m) => `  - ${m.name}: ${text(m).slice(0, 200)}`);
    return [
      `Session task ${run.task_id} trial ${run.trial} (reward ${run.reward})`,
      `  user: ${JSON.stringify(firstUser)}`,
      `  tools: ${tools.join(' → ') || '(none)'}`,
      ...errors,
    ].join('\n');
  });
  const requests = [];
  for (let i = 0; i < digests.length; i += batch) {
    const content = digests.slice(i, i + batch).join('\n\n');
    requests.push({
      system: SYSTEM,
      messages: [{ role: 'user' as const, content }],
      schema: Lessons,
      schemaName: 'record_lessons',
      maxOutputTokens: 2048,
    });
  }
  return requests;
}

function transcriptChars(runs: TauRun[]): number {
  return runs.reduce(
    (n, r) => n + r.traj.reduce((m, t) => m + (typeof t.content === 'string' ? t.content.length : 0), 0),
    0,
  );
}

async function startServer(options: Options): Promise<{ server: LoopbackServer; baseURL: string }> {
  const answer = { lessons: [{ group: 0, lesson: null }] };
  if (options.provider === 'anthropic') {
    const server = await startAnthropicLoopback({
      respond: () => ({ tool: answer, delayMs: options.delayMs }),
    });
    return { server, baseURL: server.url };
  }
  const server = await startOpenAILoopback({ respond: () => ({ json: answer, delayMs: options.delayMs }) });
  return { server, baseURL: server.baseURL };
}

/** Figures of one run at one concurrency cap. */
interface RunResult {
  concurrency: number;
  calls: number;
  wall_ms: number;
  peak_in_flight: number;
  usage: ModelUsage;
}

async function run(
  options: Options,
  requests: GenerateObjectRequest<z.infer<typeof Lessons>>[],
  concurrency: number,
): Promise<RunResult> {
  const { server, baseURL } = await startServer(options);
  try {
    const model = withConcurrencyLimit(
      createModel({
        provider: options.provider,
        modelId: 'bench-model',
        apiKey: 'bench',
        baseURL,
        maxRetries: 0,
      }),
      concurrency,
    );
    const t0 = performance.now();
    const results = await Promise.all(requests.map((r) => model.generateObject(r)));
    const wall_ms = performance.now() - t0;
    const usage = results.reduce((u, r) => addUsage(u, r.usage), emptyUsage());
    return {
      concurrency,
      calls: server.requests.length,
      wall_ms,
      peak_in_flight: model.peakConcurrency,
      usage,
    };
  } finally {
    await server.close();
  }
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const runs = JSON.parse(readFileSync(options.data, 'utf8')) as TauRun[];
  const requests = buildRequests(runs, options.batch);
  const rawChars = transcriptChars(runs);
  const sentChars = requests.reduce(
    (n, r) => n + r.system.length + r.messages.reduce((m, t) => m + t.content.length, 0),
    0,
  );
  const estimate = requests.reduce((n, r) => n + estimateRequestTokens(r).input_tokens, 0);
  const results: RunResult[] = [];
  for (const c of options.concurrency) results.push(await run(options, requests, c));
  const report = {
    provider: options.provider,
    delay_ms: options.delayMs,
    batch: options.batch,
    raw_transcript_chars: rawChars,
    prompt_chars: sentChars,
    prompt_to_raw: sentChars / rawChars,
    estimated_input_tokens: estimate,
    runs,
  };
  if (options.json) {
    console.log(JSON.stringify(report, null, 2));
    return;
  }
  console.log(
    `provider ${options.provider}, server delay ${options.delayMs} ms/call, ${runs.length} sessions in ${requests.length} calls of ≤ ${options.batch} session digests`,
  );
  console.log(
    `prompt characters ${sentChars.toLocaleString('en')} vs raw transcript characters ${rawChars.toLocaleString('en')}: ${(sentChars / rawChars).toFixed(3)}×`,
  );
  console.log(
    `dry-run estimate ${estimate.toLocaleString('en')} input tokens; simulated usage below (loopback: 4 chars/token)`,
  );
  console.log(
    '| concurrency | calls | wall time | peak in flight | input | cache write | cache read | output |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    const u = r.usage;
    console.log(
      `| ${r.concurrency} | ${r.calls} | ${(r.wall_ms / 1000).toFixed(2)} s | ${r.peak_in_flight} | ${u.input_tokens} | ${u.cache_creation_input_tokens} | ${u.cache_read_input_tokens} | ${u.output_tokens} |`,
    );
  }
}

await main();
