/**
 * OpenAI chat-completions message arrays (platform.openai.com/docs/api-reference/chat/create):
 * - a JSON array of messages `[{role, content, tool_calls?, tool_call_id?, name?}, …]` → one session;
 * - an object `{messages: […], model?, …}` → one session;
 * - a JSON array of conversations (each an array of messages or a `{messages}` object) → one session
 *   per conversation.
 *
 * Events as in {@link normalizeChatMessages}, tool kinds from the names every known agent uses
 * ({@link GENERIC_TOOL_KINDS}: `run_terminal_cmd`, `run_shell_command`, `bash`, `read_file`, …); a tool result is an error when its content starts with
 * `Error` or `error:`, or is a JSON object with an `error` key. No outcome. external_id
 * `openai-chat:<file basename>` (single conversation) or `openai-chat:<file basename>:<index>`;
 * agent_id `openai-chat`. Pointers: `{file, index: <message index>, pointer: '/<k>/messages/<i>'}` (the
 * JSON pointer of the message in the file).
 */
import { basename } from 'node:path';
import { ImportError } from '../domain/index.js';
import { normalizeChatMessages } from './chat-messages.js';
import { EventList } from './event-list.js';
import { isRecord } from './json.js';
import { titleFrom } from './text.js';
import { GENERIC_TOOL_KINDS } from './tool-kinds.js';
import type { ImportedSession, ImporterOptions } from './types.js';

/**
 * Tool-result error heuristic for generic chat logs: text starting with `Error`/`error:`, or a JSON
 * object with an `error` key (parsed only when the text starts with `{` and mentions `"error"`).
 */
export function isOpenAiToolError(content: string): boolean {
  if (content.startsWith('Error') || content.startsWith('error:')) return true;
  const t = content.trimStart();
  if (t.startsWith('{') && t.includes('"error"')) {
    try {
      const v: unknown = JSON.parse(t);
      return isRecord(v) && 'error' in v && v.error !== null && v.error !== false;
    } catch {
      return false;
    }
  }
  return false;
}

/** True if `v` is an array whose first element is a chat message (`{role: string}`). */
function isMessageArray(v: unknown): v is unknown[] {
  return Array.isArray(v) && (v.length === 0 || (isRecord(v[0]) && typeof v[0].role === 'string'));
}

/** True if a parsed JSON value has one of the shapes this importer reads. */
export function isOpenAiChat(data: unknown): boolean {
  if (isRecord(data)) return Array.isArray(data.messages);
  if (!Array.isArray(data) || data.length === 0) return false;
  const first = data[0];
  return (
    (isRecord(first) && (typeof first.role === 'string' || Array.isArray(first.messages))) ||
    isMessageArray(first)
  );
}

/**
 * Imports a parsed OpenAI chat file.
 * @returns one session per conversation, in file order.
 * @throws ImportError when the value has none of the shapes above, or a conversation/message is
 *   malformed (`conversation 2: expected an array of messages or {messages: […]}`,
 *   `conversation 2: messages[4]: missing role`).
 */
export function importOpenAiChat(file: string, data: unknown, opts: ImporterOptions = {}): ImportedSession[] {
  const base = basename(file);
  const convs: { messages: unknown[]; pointer: string; where: string; meta: Record<string, unknown> }[] = [];
  let many = false;
  if (isRecord(data)) {
    if (!Array.isArray(data.messages)) throw new ImportError(file, 'openai-chat: missing messages');
    convs.push({ messages: data.messages, pointer: '/messages', where: 'messages', meta: pickMeta(data) });
  } else if (Array.isArray(data)) {
    if (isMessageArray(data)) convs.push({ messages: data, pointer: '', where: 'messages', meta: {} });
    else {
      many = true;
      for (let k = 0; k < data.length; k++) {
        const c = data[k];
        if (Array.isArray(c))
          convs.push({ messages: c, pointer: `/${k}`, where: `conversation ${k}: messages`, meta: {} });
        else if (isRecord(c) && Array.isArray(c.messages)) {
          convs.push({
            messages: c.messages,
            pointer: `/${k}/messages`,
            where: `conversation ${k}: messages`,
            meta: pickMeta(c),
          });
        } else
          throw new ImportError(file, `conversation ${k}: expected an array of messages or {messages: […]}`);
      }
    }
  } else throw new ImportError(file, 'openai-chat: expected a JSON array or an object with messages');

  return convs.map((c, k) => {
    const events = new EventList();
    normalizeChatMessages(
      c.messages,
      {
        file,
        pointer: c.pointer,
        where: c.where,
        isError: isOpenAiToolError,
        toolKinds: GENERIC_TOOL_KINDS,
      },
      events,
    );
    const firstUser = events.events.find((e) => e.type === 'user.message');
    const external = many ? `openai-chat:${base}:${k}` : `openai-chat:${base}`;
    return {
      external_id: external,
      agent_id: opts.agent_id ?? 'openai-chat',
      user_id: null,
      team_id: opts.team_id ?? null,
      parent_external_id: null,
      source_format: 'openai-chat',
      source_file: file,
      title: (firstUser && 'text' in firstUser ? titleFrom(firstUser.text) : '') || external,
      started_at: null,
      ended_at: null,
      metadata: many ? { conversation_index: k, ...c.meta } : c.meta,
      events: events.events,
      outcome: null,
    } satisfies ImportedSession;
  });
}

/** Scalar fields of a conversation object worth keeping (`model`, `id`, `user`). */
function pickMeta(o: Record<string, unknown>): Record<string, unknown> {
  const meta: Record<string, unknown> = {};
  for (const k of ['id', 'model', 'user']) {
    const v = o[k];
    if (typeof v === 'string' || typeof v === 'number') meta[k] = v;
  }
  return meta;
}
