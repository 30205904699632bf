/**
 * A tiny node:http server on 127.0.0.1 for tests and benchmarks: each request is answered by a handler
 * that returns a status, headers, a JSON body and an optional delay; every request is kept for assertions.
 * The protocol servers (anthropic-loopback.ts, openai-loopback.ts) are built on it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the server received: method, path (with query), lower-cased headers, parsed JSON body. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
  /** Milliseconds since the server started when the request arrived. */
  at: number;
}

/** A reply: HTTP `status`, extra `headers`, a JSON `body`, sent after `delayMs` milliseconds (default 0). */
export interface LoopbackReply {
  status: number;
  headers?: Record<string, string>;
  body: unknown;
  delayMs?: number;
}

/** Answers one request; `index` counts the requests received so far (0-based). */
export type LoopbackHandler = (
  request: ReceivedRequest,
  index: number,
) => LoopbackReply | Promise<LoopbackReply>;

/** A running loopback server: its origin `url` (`http://127.0.0.1:PORT`), the requests so far, and `close`. */
export interface LoopbackServer {
  url: string;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

/**
 * The next answer of a scripted protocol server: the script's next item, else `respond(request)` once
 * the script is used up, else `exhausted()`; an item that is a function is called with the request until
 * it yields an answer. Shared by the Anthropic and OpenAI loopback servers.
 */
export function nextScripted<T>(
  script: T[],
  request: ReceivedRequest,
  respond: ((request: ReceivedRequest) => T) | undefined,
  exhausted: () => T,
): Exclude<T, (request: ReceivedRequest) => unknown> {
  let item: T = script.shift() ?? respond?.(request) ?? exhausted();
  while (typeof item === 'function') item = (item as (request: ReceivedRequest) => T)(request);
  return item as Exclude<T, (request: ReceivedRequest) => unknown>;
}

/**
 * A scripted error answer: HTTP `status`, error `type`, `message`, and a `retry-after` header when
 * `retryAfterSeconds` is given (the protocol servers render the body in their own error shape).
 */
export function scriptedError(
  status: number,
  type: string,
  message: string,
  retryAfterSeconds?: number,
): { error: { status: number; type: string; message: string }; headers: Record<string, string> } {
  return {
    error: { status, type, message },
    headers: retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) },
  };
}

/**
 * Starts a server on an ephemeral port of 127.0.0.1. A body that is not JSON is kept as its text. A handler
 * that throws is answered with 502 and the error's message. Replies still waiting on their delay when
 * `close` is called are dropped with their connections.
 */
export async function startLoopbackServer(handler: LoopbackHandler): Promise<LoopbackServer> {
  const requests: ReceivedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const started = performance.now();
  const server = createServer((req, res) => {
    const answer = readBody(req).then(async (text) => {
      const request: ReceivedRequest = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])),
        body: parseJson(text),
        at: performance.now() - started,
      };
      requests.push(request);
      const reply = await handler(request, requests.length - 1);
      if (!reply.delayMs) return send(res, reply);
      const timer = setTimeout(() => {
        timers.delete(timer);
        send(res, reply);
      }, reply.delayMs);
      timers.add(timer);
    });
    answer.catch((e: unknown) =>
      send(res, { status: 502, body: { error: `loopback handler failed: ${(e as Error).message}` } }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(res: ServerResponse, reply: LoopbackReply): void {
  if (res.destroyed) return;
  const body = JSON.stringify(reply.body);
  res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Rough token count used by the loopback servers' `usage`: one token per 4 characters, rounded up. */
export function loopbackTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
