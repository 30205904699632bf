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
 * response holds an `error`; a shell result's `Exit Code: N` line gives `exit_code`; a call to an
 * agent by its own name, whose `resultDisplay` is a subagent progress display, is a `delegate` call,
 * failed when that display's `state` is `error` or `cancelled` even under `status: success`; a call with
 * `status: cancelled` is also `declined`: gemini-cli's tool scheduler (`coreToolScheduler.ts`) sets it when
 * the person answers the confirmation with Cancel ("User did not allow tool call") or aborts the turn,
 * while a policy's denial is `error`); `info`, `error`,
 * `warning` → `system.message`. external_id `gemini-cli:<sessionId>`; agent_id `gemini-cli`. Pointers
 * `{file, index: <message index>, pointer: '/messages/<i>'}` (`…/toolCalls/<j>` for calls).
 *
 * Newer Gemini CLIs write the same record as JSONL (`session-<time>-<id>.jsonl`; gemini-cli
 * `packages/core/src/services/chatRecordingService.ts`, `appendRecord` / `loadConversationRecord`): a
 * metadata line `{sessionId, projectHash, startTime, lastUpdated, kind?: main|subagent}`, then one line
 * per message record `{id, …}` (a record appended again under the same id replaces the earlier one in
 * its place: a tool call's result arrives that way), `{$set: {…}}` metadata updates (`$set.messages`
 * replaces all messages), and `{$rewindTo: <id>}`, which drops that message and every later one (all of
 * them when the id is unknown). {@link importGeminiCliText} folds the lines into the record above, as
 * the CLI does when it resumes a session; pointers are then `{file, line}` of the message's last record
 * (`pointer: '/toolCalls/<j>'` for calls). A `kind: subagent` session (written to
 * `chats/<parent session id>/<session id>.jsonl`) gets `parent_external_id` `gemini-cli:<parent id>`
 * and agent_id `gemini-cli/subagent`.
 */
import { basename, dirname } from 'node:path';
import { ImportError, type SourcePointer } from '../domain/index.js';
import { contentText } from './chat-messages.js';
import { EventList } from './event-list.js';
import { completeLines } from './growing.js';
import { forEachJsonLine, isRecord, type ParsedLine } from './json.js';
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
 * True for the first line of a JSONL Gemini CLI chat: its metadata `{sessionId, projectHash, …}` with no
 * `type` and no `messages` (a whole chat on one line is a JSON document, {@link isGeminiChat}).
 */
export function isGeminiChatMetadata(o: Record<string, unknown>): boolean {
  return (
    typeof o.sessionId === 'string' &&
    typeof o.projectHash === 'string' &&
    o.type === undefined &&
    !Array.isArray(o.messages)
  );
}

/**
 * Imports a Gemini CLI chat file: the parsed JSON document when `value` is given, else the text as one
 * JSON document or as JSONL records (see the module comment), folded into one chat.
 * @param first the first line as format detection parsed it (not parsed again).
 * @throws ImportError naming the file and line of a record that is not JSON or not an object, and as
 *   {@link importGeminiCli}.
 */
export function importGeminiCliText(
  file: string,
  text: string,
  value: unknown,
  opts: ImporterOptions = {},
): ImportedSession[] {
  if (value !== undefined) return importGeminiCli(file, value, opts);
  const t = text.trimStart();
  let doc: unknown;
  // One document unless the first line is a whole object followed by another (JSONL).
  if (t.startsWith('{') && !/^\{[^\n]*\}[ \t\r]*\n\s*\{/.test(t)) {
    try {
      doc = JSON.parse(t);
    } catch {
      // not one document: JSONL
    }
  }
  if (isRecord(doc) && Array.isArray(doc.messages)) return importGeminiCli(file, doc, opts);
  const { chat, lines } = foldRecords(file, text, opts.first_line);
  // A chat just started (metadata only) has nothing to import yet; it is read again as it grows.
  if ((chat.messages as unknown[]).length === 0) return [];
  return importGeminiCli(file, chat, opts, (i) => ({ file, line: lines[i] }));
}

/** Folds JSONL chat records into `{…metadata, messages}` and the line of each message's last record. */
function foldRecords(
  file: string,
  text: string,
  first: ParsedLine | undefined,
): { chat: Record<string, unknown>; lines: (number | undefined)[] } {
  let meta: Record<string, unknown> = {};
  let messages = new Map<string, { m: Record<string, unknown>; line: number }>();
  forEachJsonLine(
    file,
    completeLines(text),
    (o, line) => {
      if (!isRecord(o)) throw new ImportError(file, 'gemini-cli: expected a JSON object', line);
      if (typeof o.$rewindTo === 'string') {
        const ids = [...messages.keys()];
        const at = ids.indexOf(o.$rewindTo);
        if (at === -1) messages.clear();
        else for (const id of ids.slice(at)) messages.delete(id);
      } else if (typeof o.id === 'string') messages.set(o.id, { m: o, line });
      else if (isRecord(o.$set)) {
        if (Array.isArray(o.$set.messages)) messages = byId(o.$set.messages, line);
        const { messages: _m, ...rest } = o.$set;
        meta = { ...meta, ...rest };
      } else if (typeof o.sessionId === 'string') {
        const { messages: list, ...rest } = o;
        meta = { ...meta, ...rest };
        if (Array.isArray(list)) for (const [id, v] of byId(list, line)) messages.set(id, v);
      }
    },
    first,
  );
  const list = [...messages.values()];
  return { chat: { ...meta, messages: list.map((x) => x.m) }, lines: list.map((x) => x.line) };
}

/** Message records keyed by id (records without one are skipped, as the CLI does), all at `line`. */
function byId(list: unknown[], line: number): Map<string, { m: Record<string, unknown>; line: number }> {
  const out = new Map<string, { m: Record<string, unknown>; line: number }>();
  for (const m of list) if (isRecord(m) && typeof m.id === 'string') out.set(m.id, { m, line });
  return out;
}

/**
 * Imports a parsed Gemini CLI chat (one session).
 * @param at the source pointer of message `i` (default `{file, index: i, pointer: '/messages/<i>'}`).
 * @throws ImportError when `messages` is missing or an entry is not an object (`messages[4]: …`).
 */
export function importGeminiCli(
  file: string,
  data: unknown,
  opts: ImporterOptions = {},
  at: (i: number) => SourcePointer = (i) => ({ file, index: i, pointer: `/messages/${i}` }),
): ImportedSession[] {
  if (!isRecord(data) || !Array.isArray(data.messages))
    throw new ImportError(file, 'gemini-cli: missing messages');
  const events = new EventList();
  const models = new Set<string>();
  const messages = data.messages as unknown[];
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    if (!isRecord(m)) throw new ImportError(file, `messages[${i}]: expected a message object`);
    const ts = toTimestamp(m.timestamp);
    const source = at(i);
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
      if (Array.isArray(m.toolCalls)) toolCalls(source, i, m.toolCalls, ts, events);
    } else if (text.trim() !== '') {
      events.systemMessage(`[${String(m.type)}] ${text}`, ts, source);
    }
  }
  const sid = String(data.sessionId ?? file);
  const first = events.events.find((e) => e.type === 'user.message');
  // A subagent's chat sits in a folder named after its parent session (chatRecordingService.ts).
  const parent = data.kind === 'subagent' ? basename(dirname(file)) : null;
  return [
    {
      external_id: `gemini-cli:${sid}`,
      agent_id: opts.agent_id ?? (parent === null ? 'gemini-cli' : 'gemini-cli/subagent'),
      user_id: null,
      team_id: opts.team_id ?? null,
      parent_external_id: parent === null ? null : `gemini-cli:${parent}`,
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

function toolCalls(
  message: SourcePointer,
  i: number,
  calls: unknown[],
  ts: string | null,
  events: EventList,
): void {
  for (let j = 0; j < calls.length; j++) {
    const c = calls[j];
    if (!isRecord(c)) continue;
    const name = typeof c.name === 'string' ? c.name : 'unknown';
    const id = typeof c.id === 'string' ? c.id : `call-${i}-${j}`;
    const at = toTimestamp(c.timestamp) ?? ts;
    const source = { ...message, pointer: `${message.pointer ?? ''}/toolCalls/${j}` };
    const progress = subagentProgress(c.resultDisplay);
    const named = toolKind(GEMINI_CLI_TOOL_KINDS, name);
    const kind = named === 'other' && progress !== null ? 'delegate' : named;
    const input = c.args ?? {};
    events.toolUse(name, kind, input, id, at, source, kind === 'shell' ? shellCommand(input) : undefined);
    const { text, error } = responseOf(c);
    let exit: number | undefined;
    if (kind === 'shell') {
      const m = /^Exit Code: (-?\d+)/m.exec(text);
      if (m) exit = Number(m[1]);
    }
    const failed =
      (typeof c.status === 'string' && c.status !== 'success') ||
      error ||
      (exit !== undefined && exit !== 0) ||
      progress === 'error' ||
      progress === 'cancelled';
    const r = events.toolResult(
      id,
      name,
      truncateMiddle(text, MAX_TOOL_OUTPUT_CHARS),
      failed,
      at,
      source,
      exit,
    );
    // the scheduler's `cancelled`: the person declined the confirmation, or stopped the call
    if (c.status === 'cancelled') r.declined = true;
  }
}

/**
 * The `state` of a subagent's progress display (gemini-cli core's `SubagentProgress`: `{isSubagentProgress:
 * true, agentName, state?: running|completed|error|cancelled, recentActivity}`), which newer CLIs keep as
 * the `resultDisplay` of a call to an agent by its own name (`generalist`, `cli_help`, …); `''` for a
 * progress display without a state, `null` when the display is not one.
 */
function subagentProgress(display: unknown): string | null {
  if (!isRecord(display) || display.isSubagentProgress !== true) return null;
  return typeof display.state === 'string' ? display.state : '';
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
