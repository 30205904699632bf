/**
 * A small wire recorder: a loopback proxy that forwards every request to a real (or any) upstream endpoint
 * and writes each exchange to a folder, and the loader that turns such a folder back into replies for the
 * loopback servers (`{reply}` script items of anthropic-loopback.ts / openai-loopback.ts). Credentials never
 * reach the files: only the method, path and JSON body of requests are kept, and of responses the status,
 * the JSON body and the headers the SDKs act on (`retry-after`, `retry-after-ms`, `x-should-retry`,
 * `request-id`, `x-request-id`, `content-type`).
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type LoopbackReply, type LoopbackServer, startLoopbackServer } from './loopback-server.js';

const KEPT_RESPONSE_HEADERS = [
  'retry-after',
  'retry-after-ms',
  'x-should-retry',
  'request-id',
  'x-request-id',
  'content-type',
];
const DROPPED_REQUEST_HEADERS = new Set(['host', 'content-length', 'connection', 'accept-encoding']);

/** One recorded exchange as stored in `NNNN.json`. */
export interface RecordedExchange {
  request: { method: string; path: string; body: unknown };
  response: LoopbackReply;
}

/**
 * Starts a recording proxy: requests to its `url` are forwarded to `upstream` + the same path (all request
 * headers but hop-by-hop ones, so the client's own key authenticates upstream), the answer is returned to
 * the client unchanged, and the exchange is written to `dir/0001.json`, `0002.json`, … (write-then-rename;
 * `dir` is created when missing). Point the SDK's base URL at it (for OpenAI, `url` + `/v1` when
 * `upstream` is the origin).
 */
export async function startRecordingProxy(upstream: string, dir: string): Promise<LoopbackServer> {
  mkdirSync(dir, { recursive: true });
  let count = 0;
  return startLoopbackServer(async (request) => {
    const headers = Object.entries(request.headers).filter(([k]) => !DROPPED_REQUEST_HEADERS.has(k));
    const response = await fetch(new URL(request.path, upstream), {
      method: request.method,
      headers: headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
    });
    const text = await response.text();
    const kept = KEPT_RESPONSE_HEADERS.flatMap((k) =>
      response.headers.has(k) ? [[k, response.headers.get(k)!] as const] : [],
    );
    const reply: LoopbackReply = {
      status: response.status,
      headers: Object.fromEntries(kept),
      body: parseJson(text),
    };
    count += 1;
    const exchange: RecordedExchange = {
      request: { method: request.method, path: request.path, body: request.body },
      response: reply,
    };
    const file = join(dir, `${String(count).padStart(4, '0')}.json`);
    writeFileSync(`${file}.tmp`, `${JSON.stringify(exchange, null, 2)}\n`);
    renameSync(`${file}.tmp`, file);
    return reply;
  });
}

/**
 * The exchanges recorded in `dir`, in recording order (by file name).
 * @throws Error naming the file when one is not a recorded exchange, or `dir` when it holds none.
 */
export function loadRecording(dir: string): RecordedExchange[] {
  const files = readdirSync(dir)
    .filter((f) => /^\d+\.json$/.test(f))
    .sort();
  if (files.length === 0) throw new Error(`${dir}: no recorded exchanges (NNNN.json files)`);
  return files.map((f) => {
    const exchange = JSON.parse(readFileSync(join(dir, f), 'utf8')) as RecordedExchange;
    if (typeof exchange?.response?.status !== 'number' || typeof exchange.request?.path !== 'string') {
      throw new Error(
        `${join(dir, f)}: not a recorded exchange ({request: {method, path, body}, response: {status, headers, body}})`,
      );
    }
    return exchange;
  });
}

/** The replies of a recording as `{reply}` script items, for either loopback server. */
export function recordedScript(dir: string): Array<{ reply: LoopbackReply }> {
  return loadRecording(dir).map((e) => ({ reply: e.response }));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
