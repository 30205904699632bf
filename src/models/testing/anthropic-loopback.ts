/**
 * A loopback server speaking Anthropic Messages (`POST /v1/messages`, non-streaming JSON) for tests and the
 * LLM benchmark, driven through the unmodified `@anthropic-ai/sdk`. Wire shapes follow the API reference
 * (https://docs.anthropic.com/en/api/messages, https://docs.anthropic.com/en/api/errors): a `message` with
 * `content` blocks, `stop_reason` and `usage`; errors as `{type: "error", error: {type, message}}` with a
 * `request-id` header. Like API version 2026-10-21 it rejects `temperature`/`top_p`/`top_k` with 400, and it
 * checks the key when one is configured. Replies are typed as the SDK's own `Message`, so the compiler
 * keeps them in the shape the SDK expects. Usage is simulated: ~4 characters per token, and a prefix marked
 * with `cache_control` (tools + system) counts as `cache_creation_input_tokens` the first time it is seen
 * and `cache_read_input_tokens` afterwards.
 */
import type { ContentBlock, Message, StopReason, Usage } from '@anthropic-ai/sdk/resources/messages';
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
 * One scripted answer: `tool` (a `tool_use` block for the tool the request forces, with this input),
 * `text` (a text block), `error` (an error reply, e.g. from {@link anthropicError}), or `reply` (a raw
 * recorded reply sent as is). `stopReason` defaults to `tool_use` for tool answers and `end_turn` for text;
 * `usage` overrides the simulated counts; `delayMs` delays the reply. A function receives the request.
 */
export type AnthropicScriptItem =
  | { tool: unknown; stopReason?: string; usage?: Partial<Usage>; delayMs?: number }
  | { text: string; stopReason?: string; usage?: Partial<Usage>; delayMs?: number }
  | {
      error: { status: number; type: string; message: string };
      headers?: Record<string, string>;
      delayMs?: number;
    }
  | { reply: LoopbackReply }
  | ((request: ReceivedRequest) => AnthropicScriptItem);

/**
 * Server options: `script` answers requests in order; `respond` answers once the script is used up
 * (default: a 400 saying the script is exhausted); `apiKey`, when set, is the only key accepted (as
 * `x-api-key` or `Authorization: Bearer`).
 */
export interface AnthropicLoopbackOptions {
  script?: AnthropicScriptItem[];
  respond?: (request: ReceivedRequest) => AnthropicScriptItem;
  apiKey?: string;
}

/** An Anthropic-protocol error item: HTTP `status`, error `type`, `message`, optional `retry-after` seconds. */
export function anthropicError(
  status: number,
  type: string,
  message: string,
  retryAfterSeconds?: number,
): AnthropicScriptItem {
  return scriptedError(status, type, message, retryAfterSeconds);
}

/**
 * Starts the server; pass its `url` as the SDK's `baseURL` (the SDK appends `/v1/messages`).
 * Requests to other paths get a 404 `not_found_error`.
 */
export async function startAnthropicLoopback(
  options: AnthropicLoopbackOptions = {},
): Promise<LoopbackServer> {
  const script = [...(options.script ?? [])];
  const cached = new Set<string>();
  let served = 0;
  return startLoopbackServer((request) => {
    const refused = refusal(request, options.apiKey);
    if (refused) return refused;
    const item = nextScripted(script, request, options.respond, exhausted);
    served += 1;
    return toReply(item, request.body as MessageBody, served, cached);
  });
}

interface MessageBody {
  model?: string;
  max_tokens?: number;
  system?: string | Array<{ type: string; text: string; cache_control?: unknown }>;
  messages?: unknown[];
  tools?: Array<{ name: string }>;
  tool_choice?: { type: string; name?: string };
  [key: string]: unknown;
}

function errorReply(
  status: number,
  type: string,
  message: string,
  headers: Record<string, string> = {},
): LoopbackReply {
  return {
    status,
    headers: { 'request-id': `req_loopback_${type}`, ...headers },
    body: { type: 'error', error: { type, message } },
  };
}

function exhausted(): AnthropicScriptItem {
  return {
    reply: errorReply(400, 'invalid_request_error', 'loopback: no scripted response left', {
      'x-should-retry': 'false',
    }),
  };
}

/** The reply for a request the real API would refuse before answering, if any. */
function refusal(request: ReceivedRequest, apiKey: string | undefined): LoopbackReply | undefined {
  if (request.method !== 'POST' || !request.path.startsWith('/v1/messages')) {
    return errorReply(404, 'not_found_error', `loopback: no route ${request.method} ${request.path}`);
  }
  const given = request.headers['x-api-key'] ?? request.headers.authorization?.replace(/^Bearer /, '');
  if (!given || (apiKey !== undefined && given !== apiKey)) {
    return errorReply(401, 'authentication_error', 'invalid x-api-key');
  }
  const body = request.body as MessageBody | undefined;
  if (
    typeof body !== 'object' ||
    body === null ||
    !body.model ||
    !body.max_tokens ||
    !Array.isArray(body.messages)
  ) {
    return errorReply(400, 'invalid_request_error', 'model, max_tokens and messages are required');
  }
  for (const field of ['temperature', 'top_p', 'top_k']) {
    if (field in body)
      return errorReply(400, 'invalid_request_error', `${field}: not supported by this API version`);
  }
  return undefined;
}

function toReply(
  item: Exclude<AnthropicScriptItem, (...args: never) => unknown>,
  body: MessageBody,
  n: number,
  cached: Set<string>,
): LoopbackReply {
  if ('reply' in item) return item.reply;
  if ('error' in item)
    return {
      ...errorReply(item.error.status, item.error.type, item.error.message, item.headers),
      delayMs: item.delayMs,
    };
  const toolName = body.tool_choice?.name ?? body.tools?.[0]?.name ?? 'answer';
  const content: ContentBlock[] =
    'tool' in item
      ? [
          {
            type: 'tool_use',
            id: `toolu_loopback_${n}`,
            caller: { type: 'direct' },
            name: toolName,
            input: item.tool,
          },
        ]
      : [{ type: 'text', text: item.text, citations: null }];
  const stop_reason = (item.stopReason ?? ('tool' in item ? 'tool_use' : 'end_turn')) as StopReason;
  const usage: Usage = { ...simulatedUsage(body, content, cached), ...item.usage };
  const message: Message = {
    id: `msg_loopback_${n}`,
    type: 'message',
    role: 'assistant',
    model: body.model ?? '',
    content,
    container: null,
    diagnostics: null,
    stop_details: null,
    stop_reason,
    stop_sequence: null,
    usage,
  };
  return {
    status: 200,
    headers: { 'request-id': `req_loopback_${n}` },
    body: message,
    delayMs: item.delayMs,
  };
}

function simulatedUsage(body: MessageBody, content: unknown[], cached: Set<string>): Usage {
  const system =
    typeof body.system === 'string' ? [{ type: 'text', text: body.system }] : (body.system ?? []);
  const marked = system.some((b) => b.cache_control !== undefined);
  const prefix = JSON.stringify(body.tools ?? []) + system.map((b) => b.text).join('');
  const rest = loopbackTokens(JSON.stringify(body.messages));
  const prefixTokens = loopbackTokens(prefix);
  const hit = marked && cached.has(prefix);
  if (marked) cached.add(prefix);
  return {
    input_tokens: rest + (marked ? 0 : prefixTokens),
    output_tokens: loopbackTokens(JSON.stringify(content)),
    cache_creation_input_tokens: marked && !hit ? prefixTokens : 0,
    cache_read_input_tokens: hit ? prefixTokens : 0,
    cache_creation: null,
    inference_geo: null,
    output_tokens_details: null,
    server_tool_use: null,
    service_tier: 'standard',
    speed: null,
  };
}
