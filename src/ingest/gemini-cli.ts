/**
 * Gemini CLI saved chats (`~/.gemini/tmp/<project hash>/chats/session-<time>-<id>.json`, written by
 * gemini-cli's `ChatRecordingService`): one JSON object `{sessionId, projectHash, startTime,
 * lastUpdated, messages: [{id, timestamp, type: user|gemini|info|error|warning, content, thoughts?:
 * [{subject, description, timestamp}], tokens?, model?, toolCalls?: [{id, name, args, result:
 * [{functionResponse: {id, name, response: {output} | {error}}}], status, timestamp, displayName,
 * resultDisplay}]}]}`.
 *
 * Mapping: `user` → `user.message`; `gemini` → its thought summaries as `agent.thinking` (`subject:
 * description`), its `content` as `agent.message`, and each tool call as `agent.tool_use` (kind from
 * {@link GEMINI_CLI_TOOL_KINDS}, `command` for `run_shell_command`) immediately followed by its
 * `agent.tool_result` (the call and its result live in the same entry; content = the
 * `functionResponse` output, else `resultDisplay`; failed when `status` is not `success` or the
 * response holds an `error`; a shell result's `Exit Code: N` line gives `exit_code`); `info`, `error`,
 * `warning` → `system.message`. external_id `gemini-cli:<sessionId>`; agent_id `gemini-cli`. Pointers
 * `{file, index: <message index>, pointer: '/messages/<i>'}` (`…/toolCalls/<j>` for calls).
 */
import { ImportError } from '../domain/index.js';
import { contentText } from './chat-messages.js';
import { EventList } from './event-list.js';
import { isRecord } from './json.js';
import { MAX_TOOL_OUTPUT_CHARS, titleFrom, toTimestamp, truncateMiddle } from './text.js';
import { GEMINI_CLI_TOOL_KINDS, shellCommand, toolKind } from './tool-kinds.js';
import type { ImportedSession, ImporterOptions } from './types.js';

/** True if `data` is a Gemini CLI chat: `sessionId` and `messages` whose entries have `type`. */
export function isGeminiChat(data: unknown): boolean {
  if (!isRecord(data) || typeof data.sessionId !== 'string' || !Array.isArray(data.messages)) return false;
  const first = data.messages[0];
  return first === undefined || (isRecord(first) && typeof first.type === 'string');
}

/**
 * Imports a parsed Gemini CLI chat (one session).
 * @throws ImportError when `messages` is missing or an entry is not an object (`messages[4]: …`).
 */
export function importGeminiCli(file: string, data: unknown, opts: ImporterOptions = {}): ImportedSession[] {
  if (!isRecord(data) || !Array.isArray(data.messages))
    throw new ImportError(file, 'gemini-cli: missing messages');
  const events = new EventList();
  const models = new Set<string>();
  const messages = data.messages as unknown[];
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    if (!isRecord(m)) throw new ImportError(file, `messages[${i}]: expected a message object`);
    const ts = toTimestamp(m.timestamp);
    const source = { file, index: i, pointer: `/messages/${i}` };
    const text = contentText(m.content);
    if (m.type === 'user') {
      if (text.trim() !== '') events.userMessage(text, ts, source);
    } else if (m.type === 'gemini') {
      if (typeof m.model === 'string') models.add(m.model);
      if (Array.isArray(m.thoughts)) {
        for (const t of m.thoughts) {
          if (!isRecord(t)) continue;
          const said = [t.subject, t.description].filter((x) => typeof x === 'string' && x !== '').join(': ');
          if (said !== '') events.thinking(said, toTimestamp(t.timestamp) ?? ts, source);
        }
      }
      if (text.trim() !== '') events.agentMessage(text, ts, source);
      if (Array.isArray(m.toolCalls)) toolCalls(file, i, m.toolCalls, ts, events);
    } else if (text.trim() !== '') {
      events.systemMessage(`[${String(m.type)}] ${text}`, ts, source);
    }
  }
  const sid = String(data.sessionId ?? file);
  const first = events.events.find((e) => e.type === 'user.message');
  return [
    {
      external_id: `gemini-cli:${sid}`,
      agent_id: opts.agent_id ?? 'gemini-cli',
      user_id: null,
      team_id: opts.team_id ?? null,
      parent_external_id: null,
      source_format: 'gemini-cli',
      source_file: file,
      title:
        (first && 'text' in first ? titleFrom(first.text) : '') || `Gemini CLI session ${sid.slice(0, 8)}`,
      started_at: toTimestamp(data.startTime) ?? events.events[0]?.timestamp ?? null,
      ended_at: toTimestamp(data.lastUpdated) ?? events.events.at(-1)?.timestamp ?? null,
      metadata: {
        session_id: sid,
        project_hash: typeof data.projectHash === 'string' ? data.projectHash : null,
        models: [...models].sort(),
      },
      events: events.events,
      outcome: null,
    },
  ];
}

function toolCalls(file: string, i: number, calls: unknown[], ts: string | null, events: EventList): void {
  for (let j = 0; j < calls.length; j++) {
    const c = calls[j];
    if (!isRecord(c)) continue;
    const name = typeof c.name === 'string' ? c.name : 'unknown';
    const id = typeof c.id === 'string' ? c.id : `call-${i}-${j}`;
    const at = toTimestamp(c.timestamp) ?? ts;
    const source = { file, index: i, pointer: `/messages/${i}/toolCalls/${j}` };
    const kind = toolKind(GEMINI_CLI_TOOL_KINDS, name);
    const input = c.args ?? {};
    events.toolUse(name, kind, input, id, at, source, kind === 'shell' ? shellCommand(input) : undefined);
    const { text, error } = responseOf(c);
    let exit: number | undefined;
    if (kind === 'shell') {
      const m = /^Exit Code: (-?\d+)/m.exec(text);
      if (m) exit = Number(m[1]);
    }
    const failed =
      (typeof c.status === 'string' && c.status !== 'success') || error || (exit !== undefined && exit !== 0);
    events.toolResult(id, name, truncateMiddle(text, MAX_TOOL_OUTPUT_CHARS), failed, at, source, exit);
  }
}

/** The text of a call's `functionResponse` (output or error), else its `resultDisplay`. */
function responseOf(c: Record<string, unknown>): { text: string; error: boolean } {
  const parts: string[] = [];
  let error = false;
  if (Array.isArray(c.result)) {
    for (const r of c.result) {
      const fr = isRecord(r) && isRecord(r.functionResponse) ? r.functionResponse : null;
      const resp = fr && isRecord(fr.response) ? fr.response : null;
      if (resp === null) continue;
      if (typeof resp.error === 'string' || isRecord(resp.error)) {
        error = true;
        parts.push(typeof resp.error === 'string' ? resp.error : JSON.stringify(resp.error));
      } else if (typeof resp.output === 'string') parts.push(resp.output);
      else parts.push(JSON.stringify(resp));
    }
  }
  if (parts.length === 0 && typeof c.resultDisplay === 'string') parts.push(c.resultDisplay);
  return { text: parts.join('\n'), error };
}
