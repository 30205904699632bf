/**
 * A loopback server speaking OpenAI chat completions (`POST /v1/chat/completions`, non-streaming JSON) for
 * tests and the LLM benchmark, driven through the unmodified `openai` SDK. Wire shapes follow the API
 * reference (https://platform.openai.com/docs/api-reference/chat/object): a `chat.completion` with
 * `choices[0].message.content`, `finish_reason` and `usage` (`prompt_tokens`, `completion_tokens`,
 * `prompt_tokens_details.cached_tokens`); errors as `{error: {message, type, param, code}}` with an
 * `x-request-id` header. Replies are typed as the SDK's own `ChatCompletion`. Usage is simulated at ~4 characters per token; the system message counts as cached
 * from the second request that repeats it (OpenAI caches repeated prefixes automatically).
 */
import type { ChatCompletion, ChatCompletionMessage } from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';
import {
  type LoopbackReply,
  type LoopbackServer,
  loopbackTokens,
  nextScripted,
  type ReceivedRequest,
  scriptedError,
  startLoopbackServer,
} from './loopback-server.js';

/**
 * One scripted answer: `json` (sent as the message content, JSON-encoded), `content` (raw content text),
 * `refusal` (a refusal message), `error` (an error reply, e.g. from {@link openaiError}), or `reply` (a raw
 * recorded reply). `finishReason` defaults to `stop`; `usage` overrides the simulated counts; `delayMs`
 * delays the reply. A function receives the request.
 */
export type OpenAIScriptItem =
  | { json: unknown; finishReason?: string; usage?: Partial<CompletionUsage>; delayMs?: number }
  | { content: string; finishReason?: string; usage?: Partial<CompletionUsage>; delayMs?: number }
  | { refusal: string; delayMs?: number }
  | {
      error: { status: number; type: string; message: string; code?: string };
      headers?: Record<string, string>;
      delayMs?: number;
    }
  | { reply: LoopbackReply }
  | ((request: ReceivedRequest) => OpenAIScriptItem);

/** Server options, as for the Anthropic server: `script`, `respond` when it is used up, accepted `apiKey`. */
export interface OpenAILoopbackOptions {
  script?: OpenAIScriptItem[];
  respond?: (request: ReceivedRequest) => OpenAIScriptItem;
  apiKey?: string;
}

/** An OpenAI-protocol error item: HTTP `status`, error `type`, `message`, optional `retry-after` seconds. */
export function openaiError(
  status: number,
  type: string,
  message: string,
  retryAfterSeconds?: number,
): OpenAIScriptItem {
  return scriptedError(status, type, message, retryAfterSeconds);
}

/** A running OpenAI loopback server; `baseURL` (`url` + `/v1`) is what the SDK takes. */
export interface OpenAILoopbackServer extends LoopbackServer {
  baseURL: string;
}

/** Starts the server. Requests to other paths get a 404 `invalid_request_error`. */
export async function startOpenAILoopback(
  options: OpenAILoopbackOptions = {},
): Promise<OpenAILoopbackServer> {
  const script = [...(options.script ?? [])];
  const seenSystems = new Set<string>();
  let served = 0;
  const server = await startLoopbackServer((request) => {
    const refused = refusal(request, options.apiKey);
    if (refused) return refused;
    const item = nextScripted(script, request, options.respond, exhausted);
    served += 1;
    return toReply(item, request.body as ChatBody, served, seenSystems);
  });
  return Object.assign(server, { baseURL: `${server.url}/v1` });
}

type FinishReason = ChatCompletion.Choice['finish_reason'];

interface ChatBody {
  model?: string;
  messages?: Array<{ role: string; content: string }>;
}

function errorReply(
  status: number,
  type: string,
  message: string,
  headers: Record<string, string> = {},
  code: string | null = null,
): LoopbackReply {
  return {
    status,
    headers: { 'x-request-id': `req_loopback_${type}`, ...headers },
    body: { error: { message, type, param: null, code } },
  };
}

function exhausted(): OpenAIScriptItem {
  return {
    reply: errorReply(400, 'invalid_request_error', 'loopback: no scripted response left', {
      'x-should-retry': 'false',
    }),
  };
}

function refusal(request: ReceivedRequest, apiKey: string | undefined): LoopbackReply | undefined {
  if (request.method !== 'POST' || request.path !== '/v1/chat/completions') {
    return errorReply(404, 'invalid_request_error', `loopback: no route ${request.method} ${request.path}`);
  }
  const given = request.headers.authorization?.replace(/^Bearer /, '');
  if (!given || (apiKey !== undefined && given !== apiKey)) {
    return errorReply(401, 'invalid_request_error', 'Incorrect API key provided', {}, 'invalid_api_key');
  }
  const body = request.body as ChatBody | undefined;
  if (typeof body !== 'object' || body === null || !body.model || !Array.isArray(body.messages)) {
    return errorReply(400, 'invalid_request_error', 'model and messages are required');
  }
  return undefined;
}

function toReply(
  item: Exclude<OpenAIScriptItem, (...args: never) => unknown>,
  body: ChatBody,
  n: number,
  seen: Set<string>,
): LoopbackReply {
  if ('reply' in item) return item.reply;
  if ('error' in item) {
    const { status, type, message, code } = item.error;
    return { ...errorReply(status, type, message, item.headers, code ?? null), delayMs: item.delayMs };
  }
  const content = 'json' in item ? JSON.stringify(item.json) : 'content' in item ? item.content : null;
  const message: ChatCompletionMessage = {
    role: 'assistant',
    content,
    refusal: 'refusal' in item ? item.refusal : null,
  };
  const finish_reason = (
    'finishReason' in item && item.finishReason ? item.finishReason : 'stop'
  ) as FinishReason;
  const usage: CompletionUsage = {
    ...simulatedUsage(body, content ?? message.refusal ?? '', seen),
    ...('usage' in item ? item.usage : {}),
  };
  const completion: ChatCompletion = {
    id: `chatcmpl-loopback-${n}`,
    object: 'chat.completion',
    created: 1_767_225_600 + n,
    model: body.model ?? '',
    choices: [{ index: 0, message, finish_reason, logprobs: null }],
    usage,
  };
  return {
    status: 200,
    headers: { 'x-request-id': `req_loopback_${n}` },
    body: completion,
    delayMs: item.delayMs,
  };
}

function simulatedUsage(body: ChatBody, answer: string, seen: Set<string>): CompletionUsage {
  const system = (body.messages ?? [])
    .filter((m) => m.role === 'system')
    .map((m) => m.content)
    .join('');
  const prompt = loopbackTokens(JSON.stringify(body.messages));
  const cached = system && seen.has(system) ? loopbackTokens(system) : 0;
  if (system) seen.add(system);
  const completion = loopbackTokens(answer);
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: cached },
  };
}
