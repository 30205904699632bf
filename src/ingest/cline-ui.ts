/**
 * A Cline task read from its `ui_messages.json` alone, when no `api_conversation_history.json` lies
 * beside it (people commit or share the display file by itself). The display file is an array of
 * `ClineMessage`s `{ts, type: say|ask, say|ask, text, partial?, conversationHistoryIndex}` (Cline's
 * `src/shared/ExtensionMessage.ts`); with the API history present the history is read instead
 * ({@link importCline}) and this file stays a sidecar.
 *
 * Mapping (what Cline's task loop writes, `src/core/task`):
 * - the person: `say: task` and a `say: text` written before the first `api_req_started` (the task
 *   Cline's `startTask` says as text), `say: user_feedback` (new messages, answers to `followup`,
 *   feedback on a result) → `user.message`;
 * - the agent: `say: text`, `say: completion_result`, `ask: followup` (its `question`) and
 *   `ask: plan_mode_respond` (its `response`) → `agent.message`; `say: reasoning` → `agent.thinking`;
 * - calls: `say|ask: tool` (JSON `{tool: readFile|editedExistingFile|newFileCreated|searchFiles|…,
 *   path, content}`, named by the API tool it stands for: `read_file`, `replace_in_file`,
 *   `write_to_file`, `search_files`…), `say|ask: command` (the command line, Cline's `REQ_APP` marker
 *   removed) and `say|ask: use_mcp_server` → `agent.tool_use`;
 * - results: the next `api_req_started` carries the request sent to the model (`{request}`), whose
 *   `[<tool> for '…'] Result:` sections are the results Cline sent back; each pairs with the first call
 *   since the previous request of the same tool (else of the same kind, taking the tool's name from
 *   the result: Cline shows a `write_to_file` over an existing file as `editedExistingFile`); failed
 *   as {@link importCline} decides (Cline's `clineResultFailed`), `declined` as `clineDeclined`. Calls left
 *   without a request after them (the task stopped) take their streamed `command_output` as result.
 * - `say: error` and `ask: api_req_failed` → `system.message`; calls still partial (streaming when the
 *   file was written; Cline updates an entry in place, so a partial text is the text as it stood),
 *   checkpoints, `task_progress`, retries and resume prompts are left out, as is everything inside a
 *   request but the tool results (the person's words in it are already `user_feedback`).
 * No outcome. external_id `cline:<task folder name>` (the same session the API history would give);
 * pointers `{file, index: <message>, pointer: '/<message>'}`.
 */
import { dirname, join } from 'node:path';
import type { AgentToolUseEvent, SourcePointer, Timestamp, ToolKind } from '../domain/index.js';
import {
  type ClineSidecar,
  clineDeclined,
  clineResultFailed,
  clineSession,
  importCline,
  isClineUiMessages,
} from './cline.js';
import { EventList } from './event-list.js';
import { isRecord } from './json.js';
import { MAX_TOOL_OUTPUT_CHARS, toTimestamp, truncateMiddle } from './text.js';
import { CLINE_TOOL_KINDS, toolKind } from './tool-kinds.js';
import type { ImportedSession, ImporterOptions } from './types.js';

/** Cline's (and Roo Code's) display names of tools (`ClineSayTool.tool`) → the API tool each stands for. */
const UI_TOOL_NAMES: Record<string, string> = {
  readFile: 'read_file',
  listFilesTopLevel: 'list_files',
  listFilesRecursive: 'list_files',
  listCodeDefinitionNames: 'list_code_definition_names',
  searchFiles: 'search_files',
  editedExistingFile: 'replace_in_file',
  newFileCreated: 'write_to_file',
  webFetch: 'web_fetch',
  // Roo Code's display names (its `ClineSayTool.tool`).
  appliedDiff: 'apply_diff',
  insertContent: 'insert_content',
  searchAndReplace: 'search_and_replace',
  codebaseSearch: 'codebase_search',
  newTask: 'new_task',
  switchMode: 'switch_mode',
  updateTodoList: 'update_todo_list',
};
/** A result section of a request: `[read_file for 'a.ts'] Result:` at the start of a line. */
const RESULT_SECTION = /^\[(\w+)(?: for '[\s\S]*?')?\] (?:Result|Error)/gm;
/** Display kinds whose partial (last streamed) state is kept: text, not calls. */
const PARTIAL_KEPT = new Set(['text', 'reasoning', 'completion_result']);
/** Cline's marker after a command that waits for approval (`COMMAND_REQ_APP_STRING`). */
const REQ_APP = /REQ_APP$/;

/** A call waiting for its result. */
interface Pending {
  id: string;
  tool: string;
  kind: ToolKind;
  output: string;
  /** The call's event, renamed when its result names the API tool it was (see {@link request}). */
  event: AgentToolUseEvent;
}

/** What reading one display file shares. */
interface UiContext {
  file: string;
  events: EventList;
  pending: Pending[];
  requested: boolean;
  calls: number;
}

/**
 * Imports a file of a Cline task folder: the API history, a sidecar (no session), or a
 * `ui_messages.json` with no API history beside it (one session read from it).
 * @param readSidecar reads files beside `file` (`null` when absent); without it a display file is
 *   taken as alone.
 * @throws ImportError as {@link importCline}.
 */
export function importClineFile(
  file: string,
  data: unknown,
  opts: ImporterOptions = {},
  readSidecar?: ClineSidecar,
): ImportedSession[] {
  if (isClineUiMessages(data)) {
    const history = readSidecar?.(join(dirname(file), 'api_conversation_history.json')) ?? null;
    return history === null ? importClineUi(file, data, opts) : [];
  }
  return importCline(file, data, opts, readSidecar);
}

/**
 * Imports one Cline task from its display messages (see the module comment for the mapping).
 * @returns one session, or none when the file holds no message of the person or the agent.
 */
export function importClineUi(file: string, data: unknown[], opts: ImporterOptions = {}): ImportedSession[] {
  const r: UiContext = { file, events: new EventList(), pending: [], requested: false, calls: 0 };
  let first: Timestamp | null = null;
  let last: Timestamp | null = null;
  let previous = '';
  for (let i = 0; i < data.length; i++) {
    const m = data[i];
    if (!isRecord(m)) continue;
    const ts = toTimestamp(m.ts);
    first ??= ts;
    last = ts ?? last;
    const kind = m.type === 'say' ? m.say : m.type === 'ask' ? m.ask : undefined;
    // A message still streaming is updated in place; the file keeps its last state, which is all
    // there is of a text, but a call whose JSON never completed is no call.
    if (typeof kind !== 'string' || (m.partial === true && !PARTIAL_KEPT.has(kind))) continue;
    const text = typeof m.text === 'string' ? m.text : '';
    // Cline sometimes writes a finished text twice in a row: one message.
    if (PARTIAL_KEPT.has(kind) && previous === `${kind}\n${text}`) continue;
    previous = `${kind}\n${text}`;
    message(r, kind, text, ts, i);
  }
  for (const p of r.pending)
    if (p.output.trim() !== '')
      r.events.toolResult(p.id, p.tool, truncateMiddle(p.output.trim()), false, last, {
        file,
        index: data.length - 1,
        pointer: `/${data.length - 1}`,
      });
  if (r.events.length === 0) return [];
  return [clineSession(file, opts, r.events, first, last, { read_from: 'ui_messages' })];
}

/** One display message. */
function message(r: UiContext, kind: string, text: string, ts: Timestamp | null, i: number): void {
  const source = { file: r.file, index: i, pointer: `/${i}` };
  const t = text.trim();
  switch (kind) {
    case 'task':
    case 'user_feedback':
      if (t !== '') r.events.userMessage(t, ts, source);
      return;
    case 'text':
      if (t === '') return;
      if (r.requested) r.events.agentMessage(t, ts, source);
      else r.events.userMessage(t, ts, source);
      return;
    case 'completion_result':
      if (t !== '') r.events.agentMessage(t, ts, source);
      return;
    case 'followup':
    case 'plan_mode_respond': {
      const said = jsonField(t, kind === 'followup' ? 'question' : 'response') ?? t;
      if (said.trim() !== '') r.events.agentMessage(said.trim(), ts, source);
      return;
    }
    case 'reasoning':
      if (t !== '') r.events.thinking(t, ts, source);
      return;
    case 'error':
    case 'api_req_failed':
      if (t !== '') r.events.systemMessage(t, ts, source);
      return;
    case 'api_req_started':
      request(r, t, ts, source);
      return;
    case 'command_output': {
      const p = r.pending.at(-1);
      if (p?.kind === 'shell') p.output += `${text}\n`;
      return;
    }
    default:
      call(r, kind, t, ts, source);
  }
}

/** A tool, command or MCP call shown to the person (other display kinds are left out). */
function call(r: UiContext, kind: string, t: string, ts: Timestamp | null, source: SourcePointer): void {
  let tool: string;
  let input: Record<string, unknown>;
  let command: string | undefined;
  if (kind === 'command') {
    command = t.replace(REQ_APP, '').trim();
    if (command === '') return;
    tool = 'execute_command';
    input = { command };
  } else if (kind === 'tool' || kind === 'use_mcp_server') {
    const v = parseObject(t);
    if (v === null) return;
    if (kind === 'use_mcp_server') {
      tool = v.type === 'access_mcp_resource' ? 'access_mcp_resource' : 'use_mcp_tool';
      input = v;
    } else {
      if (typeof v.tool !== 'string') return;
      tool = UI_TOOL_NAMES[v.tool] ?? v.tool;
      // `content` is the change for an edit; for a read or search it is the path read or what was found.
      const { content, ...rest } = v;
      input = toolKind(CLINE_TOOL_KINDS, tool) === 'edit' ? v : rest;
    }
  } else return;
  const kindOf = toolKind(CLINE_TOOL_KINDS, tool);
  const id = `cline-ui-${++r.calls}`;
  const event = r.events.toolUse(tool, kindOf, input, id, ts, source, command);
  r.pending.push({ id, tool, kind: kindOf, output: '', event });
}

/** A request sent to the model: its tool result sections answer the calls made since the last one. */
function request(r: UiContext, t: string, ts: Timestamp | null, source: SourcePointer): void {
  r.requested = true;
  const req = jsonField(t, 'request');
  if (req !== null) {
    // Cline appends the details last; a file the agent read may itself contain the tag.
    const cut = req.lastIndexOf('<environment_details>');
    const body = cut === -1 ? req : req.slice(0, cut);
    const heads = [...body.matchAll(RESULT_SECTION)];
    for (let k = 0; k < heads.length; k++) {
      const tool = heads[k]![1]!;
      const section = body.slice(heads[k]!.index, heads[k + 1]?.index ?? body.length).trim();
      const kind = toolKind(CLINE_TOOL_KINDS, tool);
      const named = r.pending.findIndex((p) => p.tool === tool);
      const at = named !== -1 ? named : r.pending.findIndex((p) => kind !== 'other' && p.kind === kind);
      if (at === -1) continue;
      const p = r.pending.splice(at, 1)[0]!;
      // `editedExistingFile` is shown for a `write_to_file` over an existing file too: the result says.
      p.tool = tool;
      p.event.tool = tool;
      const text = truncateMiddle(section, MAX_TOOL_OUTPUT_CHARS);
      const result = r.events.toolResult(p.id, p.tool, text, clineResultFailed(section), ts, source);
      if (clineDeclined(section)) result.declined = true;
    }
  }
  r.pending = [];
}

/** A string field of a JSON object text (`null` when the text is not such an object). */
function jsonField(text: string, field: string): string | null {
  const v = parseObject(text);
  return v !== null && typeof v[field] === 'string' ? v[field] : null;
}

/** The text parsed as a JSON object, or `null`. */
function parseObject(text: string): Record<string, unknown> | null {
  if (!text.startsWith('{')) return null;
  try {
    const v: unknown = JSON.parse(text);
    return isRecord(v) ? v : null;
  } catch {
    return null;
  }
}
