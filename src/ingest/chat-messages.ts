/**
 * Normalizes OpenAI chat-completions messages into session events; shared by the τ-bench and
 * openai-chat importers. Message shape (platform.openai.com/docs/api-reference/chat/create):
 * `{role: system|developer|user|assistant|tool|function, content: string | null | parts[],
 * tool_calls?: [{id, type: 'function', function: {name, arguments: JSON string}}], tool_call_id?,
 * name?, function_call?: {name, arguments}, reasoning_content?}`.
 *
 * Mapping: system/developer → `system.message`; user → `user.message`, except a user-role message a
 * tool wrote (see {@link toolAuthor}), which is tool output (`agent.tool_result`, never a person's
 * words, so never a source of instructions); assistant → optional
 * `agent.thinking` (`reasoning_content`/`reasoning`), `agent.message` (non-empty content), then one
 * `agent.tool_use` per tool call (arguments parsed as JSON, the raw string kept if invalid);
 * tool/function → `agent.tool_result` paired through a {@link CallRegistry}. Messages that produce no
 * text (e.g. an assistant message with `content: null` and no calls) produce no event.
 */
import { ImportError, type SourcePointer } from '../domain/index.js';
import { CallRegistry } from './call-registry.js';
import type { EventList } from './event-list.js';
import { isRecord } from './json.js';
import { shellCommand, type ToolKindTable, toolKind } from './tool-kinds.js';

/** Where the messages sit in the source, and how tool errors are recognised. */
export interface ChatContext {
  file: string;
  /** JSON pointer of the messages array, e.g. `/12/traj`; message `i` is at `${pointer}/${i}`. */
  pointer: string;
  /** Error-message prefix naming the array, e.g. `element 12: traj`. */
  where: string;
  /** Decides `is_error` of a tool result from its text. */
  isError(content: string): boolean;
  /**
   * Tool name → {@link ToolKind} of the agent that wrote the messages (see tool-kinds.ts); names it
   * does not list are `other`. Shell calls also get their `command` from the arguments.
   */
  toolKinds: ToolKindTable;
}

/**
 * Flattens chat `content` to text: strings as they are, `null`/absent as `''`, a parts array joined
 * with newlines (`text`/`input_text`/`output_text` parts by their text, `refusal` by its refusal,
 * images, audio and files as `[image]`, `[audio]`, `[file]`).
 */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return content == null ? '' : JSON.stringify(content);
  const out: string[] = [];
  for (const part of content) {
    if (typeof part === 'string') out.push(part);
    else if (isRecord(part)) {
      if (typeof part.text === 'string') out.push(part.text);
      else if (typeof part.refusal === 'string') out.push(part.refusal);
      else if (part.type === 'image_url' || part.type === 'input_image' || part.type === 'image')
        out.push('[image]');
      else if (part.type === 'input_audio' || part.type === 'audio') out.push('[audio]');
      else if (part.type === 'file' || part.type === 'input_file') out.push('[file]');
    }
  }
  return out.join('\n');
}

/**
 * Parses tool-call arguments: a JSON string becomes its value, an empty string `{}`, an invalid JSON
 * string stays the raw string, an already-parsed value is kept.
 */
export function parseArguments(args: unknown): unknown {
  if (typeof args !== 'string') return args ?? {};
  if (args === '') return {};
  try {
    return JSON.parse(args);
  } catch {
    return args;
  }
}

/** `[tool web_fetch returned] …`, `[function lookup output]: …`: a harness relaying a tool's output as a user turn. */
const TOOL_RELAY =
  /^\s*\[(?:tool|function)[\s:]+`?([\w.-]+)`?(?:\s+(?:returned|result|output|response|says)\b)?[^\]\n]{0,40}\]/i;
/** A participant `name` shaped like a tool identifier (`web_fetch`, `http.get`), not a person's name. */
const TOOL_NAME = /^[a-z][a-z0-9]*(?:[_.-][a-z0-9]+)+$/i;

/**
 * The tool that wrote a user-role message, or null when a person did: the message's `name` (OpenAI's
 * participant name) when it is a tool the conversation called or is shaped like a tool identifier,
 * else the tool a `[tool NAME returned]` prefix names.
 */
export function toolAuthor(
  m: Record<string, unknown>,
  text: string,
  tools: ReadonlySet<string>,
): string | null {
  if (typeof m.name === 'string' && (tools.has(m.name) || TOOL_NAME.test(m.name))) return m.name;
  return TOOL_RELAY.exec(text)?.[1] ?? null;
}

/**
 * Appends the events of `messages` to `events`.
 * @param calls the session's call registry (pass a fresh one per session).
 * @throws ImportError when a message is not an object or has no string `role`
 *   (`<where>[<i>]: missing role`).
 */
export function normalizeChatMessages(
  messages: readonly unknown[],
  ctx: ChatContext,
  events: EventList,
  calls: CallRegistry = new CallRegistry(),
): void {
  const { file, pointer } = ctx;
  const tools = new Set<string>();
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    if (!isRecord(m)) throw new ImportError(file, `${ctx.where}[${i}]: expected a message object`);
    const role = m.role;
    if (typeof role !== 'string') throw new ImportError(file, `${ctx.where}[${i}]: missing role`);
    const source: SourcePointer = { file, index: i, pointer: `${pointer}/${i}` };
    const timestamp = null;
    switch (role) {
      case 'system':
      case 'developer': {
        const text = contentText(m.content);
        if (text !== '') events.systemMessage(text, timestamp, source);
        break;
      }
      case 'user': {
        const text = contentText(m.content);
        const tool = toolAuthor(m, text, tools);
        if (tool !== null) events.toolResult(`result-${i}`, tool, text, false, timestamp, source);
        else events.userMessage(text, timestamp, source);
        break;
      }
      case 'assistant': {
        const reasoning = typeof m.reasoning_content === 'string' ? m.reasoning_content : m.reasoning;
        if (typeof reasoning === 'string' && reasoning !== '') events.thinking(reasoning, timestamp, source);
        const text = contentText(m.content);
        if (text !== '') events.agentMessage(text, timestamp, source);
        const toolCalls = m.tool_calls;
        if (Array.isArray(toolCalls)) {
          for (let j = 0; j < toolCalls.length; j++) {
            const call = toolCalls[j];
            if (!isRecord(call)) continue;
            const fn = isRecord(call.function) ? call.function : call;
            const name = typeof fn.name === 'string' ? fn.name : 'unknown';
            tools.add(name);
            const rawId = typeof call.id === 'string' && call.id !== '' ? call.id : `call-${i}-${j}`;
            const callId = calls.issue(rawId, name);
            addToolUse(events, ctx, name, parseArguments(fn.arguments), callId, {
              file,
              index: i,
              pointer: `${pointer}/${i}/tool_calls/${j}`,
            });
          }
        } else if (isRecord(m.function_call)) {
          const fc = m.function_call;
          const name = typeof fc.name === 'string' ? fc.name : 'unknown';
          const callId = calls.issue(`function:${name}`, name);
          addToolUse(events, ctx, name, parseArguments(fc.arguments), callId, {
            file,
            index: i,
            pointer: `${pointer}/${i}/function_call`,
          });
        }
        break;
      }
      case 'tool':
      case 'function': {
        const content = contentText(m.content);
        const name = typeof m.name === 'string' ? m.name : null;
        const rawId =
          role === 'tool' ? (typeof m.tool_call_id === 'string' ? m.tool_call_id : null) : `function:${name}`;
        const call = rawId === null ? null : calls.answer(rawId);
        const callId = call?.call_id ?? rawId ?? `result-${i}`;
        events.toolResult(callId, call?.tool ?? name, content, ctx.isError(content), timestamp, source);
        break;
      }
      default: {
        const text = contentText(m.content);
        if (text !== '') events.systemMessage(`[${role}] ${text}`, timestamp, source);
      }
    }
  }
}

/** Appends a tool call with its kind from `ctx.toolKinds` (and its command, for shell calls). */
function addToolUse(
  events: EventList,
  ctx: ChatContext,
  name: string,
  input: unknown,
  callId: string,
  source: SourcePointer,
): void {
  const kind = toolKind(ctx.toolKinds, name);
  events.toolUse(name, kind, input, callId, null, source, kind === 'shell' ? shellCommand(input) : undefined);
}
