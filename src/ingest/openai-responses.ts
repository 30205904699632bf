/**
 * OpenAI Responses API objects and items (platform.openai.com/docs/api-reference/responses) and
 * OpenAI Agents SDK run results (openai.github.io/openai-agents-python/results):
 * - a response `{object: 'response', id: 'resp_…', model, instructions, output: [items]}` → one session;
 * - an Agents SDK result `{input: string | [items], final_output, raw_responses: [{output: [items]}],
 *   new_items?}` → one session;
 * - a bare item list `[{type: 'message' | 'function_call' | 'function_call_output' | …}]` (a
 *   conversation's input, `to_input_list()`) → one session.
 *
 * Items: `message` (role user/assistant/system/developer, content a string or `input_text` /
 * `output_text` / `refusal` parts; the Agents SDK's `tool_calls` inside a message are calls too) →
 * `user.message` / `agent.message` / `system.message`; `reasoning` → `agent.thinking` from its summary;
 * `function_call` / `custom_tool_call` / `local_shell_call` / `web_search_call` / `file_search_call` /
 * `computer_call` / `mcp_call` → `agent.tool_use` (kinds from the names every known agent uses,
 * {@link GENERIC_TOOL_KINDS}; `web_search_call` is `web`, `file_search_call` `search`,
 * `local_shell_call` `shell`), paired with `*_output` items by `call_id`; an output is failed when
 * {@link isOpenAiToolError} says so, an `mcp_call` when it has an `error`. A call whose output is not in
 * the file stays without a result. `instructions` → `system.message`; an Agents SDK `final_output` that
 * no message already said → `agent.message`. No outcome. external_id `openai-responses:<response id>`
 * (the first response's for a result, the file's basename for a bare list); agent_id
 * `openai-responses`. Pointers `{file, index, pointer}` with the item's JSON pointer.
 */
import { basename } from 'node:path';
import { ImportError, type SourcePointer, type ToolKind } from '../domain/index.js';
import { CallRegistry } from './call-registry.js';
import { contentText, parseArguments } from './chat-messages.js';
import { EventList } from './event-list.js';
import { isRecord } from './json.js';
import { isOpenAiToolError } from './openai-chat.js';
import { MAX_TOOL_OUTPUT_CHARS, titleFrom, toTimestamp, truncateMiddle } from './text.js';
import { GENERIC_TOOL_KINDS, shellCommand, toolKind } from './tool-kinds.js';
import type { ImportedSession, ImporterOptions } from './types.js';

/** Built-in call items: their tool name and kind. */
const BUILTIN_CALLS: Record<string, { tool: string; kind: ToolKind }> = {
  web_search_call: { tool: 'web_search', kind: 'web' },
  file_search_call: { tool: 'file_search', kind: 'search' },
  local_shell_call: { tool: 'local_shell', kind: 'shell' },
  computer_call: { tool: 'computer', kind: 'other' },
};
const ITEM_TYPES = new Set([
  'message',
  'reasoning',
  'function_call',
  'function_call_output',
  'custom_tool_call',
  'custom_tool_call_output',
  'mcp_call',
  'computer_call_output',
  'local_shell_call_output',
  ...Object.keys(BUILTIN_CALLS),
]);

/** True for a Responses object, an Agents SDK result, or a list of Responses items. */
export function isOpenAiResponses(data: unknown): boolean {
  if (Array.isArray(data)) {
    const first = data[0];
    return isRecord(first) && typeof first.type === 'string' && ITEM_TYPES.has(first.type);
  }
  if (!isRecord(data)) return false;
  if (data.object === 'response' && Array.isArray(data.output)) return true;
  return Array.isArray(data.raw_responses) && 'final_output' in data;
}

/** Appends Responses items to a session. */
class ItemReader {
  readonly events = new EventList();
  readonly calls = new CallRegistry();
  readonly models = new Set<string>();
  readonly file: string;
  constructor(file: string) {
    this.file = file;
  }

  items(items: unknown[], pointer: string): void {
    for (let i = 0; i < items.length; i++) {
      const it = items[i];
      if (isRecord(it)) this.item(it, { file: this.file, index: i, pointer: `${pointer}/${i}` });
    }
  }

  item(it: Record<string, unknown>, source: SourcePointer): void {
    const type = typeof it.type === 'string' ? it.type : typeof it.role === 'string' ? 'message' : '';
    if (type === 'message') {
      this.message(it, source);
      return;
    }
    if (type === 'reasoning') {
      const text = contentText(it.summary);
      if (text.trim() !== '') this.events.thinking(text, null, source);
      return;
    }
    if (type === 'function_call' || type === 'custom_tool_call' || type === 'mcp_call') {
      const name = typeof it.name === 'string' ? it.name : 'unknown';
      const input = type === 'custom_tool_call' ? (it.input ?? '') : parseArguments(it.arguments);
      const id = this.call(name, toolKind(GENERIC_TOOL_KINDS, name), input, it.call_id ?? it.id, source);
      if (type === 'mcp_call' && (it.output != null || it.error != null)) {
        const failed = it.error != null;
        const text = failed ? contentText(it.error) : contentText(it.output);
        this.events.toolResult(id, name, truncateMiddle(text, MAX_TOOL_OUTPUT_CHARS), failed, null, source);
      }
      return;
    }
    const builtin = BUILTIN_CALLS[type];
    if (builtin !== undefined) {
      const input = isRecord(it.action)
        ? it.action
        : Array.isArray(it.queries)
          ? { queries: it.queries }
          : {};
      this.call(builtin.tool, builtin.kind, input, it.call_id ?? it.id, source);
      return;
    }
    if (type.endsWith('_output')) {
      const rawId = typeof it.call_id === 'string' ? it.call_id : `result-${source.pointer}`;
      const call = this.calls.answer(rawId);
      const text = contentText(it.output);
      this.events.toolResult(
        call?.call_id ?? rawId,
        call?.tool ?? null,
        truncateMiddle(text, MAX_TOOL_OUTPUT_CHARS),
        isOpenAiToolError(text),
        null,
        source,
      );
    }
  }

  message(it: Record<string, unknown>, source: SourcePointer): void {
    const text = contentText(it.content);
    if (text.trim() !== '') {
      if (it.role === 'user') this.events.userMessage(text, null, source);
      else if (it.role === 'assistant') this.events.agentMessage(text, null, source);
      else this.events.systemMessage(text, null, source);
    }
    // Agents SDK exports may nest chat-style tool_calls in a message.
    if (Array.isArray(it.tool_calls)) {
      for (let j = 0; j < it.tool_calls.length; j++) {
        const c = it.tool_calls[j];
        if (!isRecord(c)) continue;
        const fn = isRecord(c.function) ? c.function : c;
        const name = typeof fn.name === 'string' ? fn.name : 'unknown';
        this.call(name, toolKind(GENERIC_TOOL_KINDS, name), parseArguments(fn.arguments), c.id, {
          ...source,
          pointer: `${source.pointer}/tool_calls/${j}`,
        });
      }
    }
  }

  call(name: string, kind: ToolKind, input: unknown, rawId: unknown, source: SourcePointer): string {
    const id = this.calls.issue(
      typeof rawId === 'string' && rawId !== '' ? rawId : `call-${source.pointer}`,
      name,
    );
    this.events.toolUse(
      name,
      kind,
      input,
      id,
      null,
      source,
      kind === 'shell' ? shellCommand(input) : undefined,
    );
    return id;
  }
}

/**
 * Imports a parsed Responses object, Agents SDK result or item list (one session).
 * @throws ImportError when `data` has none of these shapes.
 */
export function importOpenAiResponses(
  file: string,
  data: unknown,
  opts: ImporterOptions = {},
): ImportedSession[] {
  if (!isOpenAiResponses(data))
    throw new ImportError(
      file,
      'openai-responses: expected a response, an Agents SDK result or a list of items',
    );
  const r = new ItemReader(file);
  let id = basename(file);
  const meta: Record<string, unknown> = {};
  let started: string | null = null;
  if (Array.isArray(data)) r.items(data, '');
  else if (isRecord(data) && Array.isArray(data.output)) {
    if (typeof data.id === 'string') id = data.id;
    if (typeof data.model === 'string') meta.model = data.model;
    started = toTimestamp(data.created_at);
    if (typeof data.instructions === 'string' && data.instructions !== '')
      r.events.systemMessage(data.instructions, null, { file, pointer: '/instructions' });
    r.items(data.output, '/output');
  } else if (isRecord(data)) {
    if (typeof data.input === 'string')
      r.events.userMessage(data.input, null, { file, index: 0, pointer: '/input' });
    else if (Array.isArray(data.input)) r.items(data.input, '/input');
    const raws = data.raw_responses as unknown[];
    for (let k = 0; k < raws.length; k++) {
      const raw = raws[k];
      if (!isRecord(raw) || !Array.isArray(raw.output)) continue;
      const rid = raw.referenceable_id ?? raw.response_id ?? raw.id;
      if (k === 0 && typeof rid === 'string') id = rid;
      r.items(raw.output, `/raw_responses/${k}/output`);
    }
    const final =
      typeof data.final_output === 'string'
        ? data.final_output
        : data.final_output == null
          ? ''
          : JSON.stringify(data.final_output);
    const said = r.events.events.some((e) => e.type === 'agent.message' && e.text === final);
    if (final.trim() !== '' && !said) r.events.agentMessage(final, null, { file, pointer: '/final_output' });
  }
  const first = r.events.events.find((e) => e.type === 'user.message');
  return [
    {
      external_id: `openai-responses:${id}`,
      agent_id: opts.agent_id ?? 'openai-responses',
      user_id: null,
      team_id: opts.team_id ?? null,
      parent_external_id: null,
      source_format: 'openai-responses',
      source_file: file,
      title: (first && 'text' in first ? titleFrom(first.text) : '') || `OpenAI response ${id}`,
      started_at: started,
      ended_at: null,
      metadata: meta,
      events: r.events.events,
      outcome: null,
    },
  ];
}
