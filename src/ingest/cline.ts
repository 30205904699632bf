/**
 * Cline task folders (VS Code global storage `…/saoudrizwan.claude-dev/tasks/<task id>/`; written by
 * Cline's `disk.ts`): `api_conversation_history.json` is the conversation as sent to the model, an
 * array of Anthropic `MessageParam`s `{role, content: string | [text | thinking | tool_use{id, name,
 * input} | tool_result | image]}` (plus `modelInfo`, `metrics`); `ui_messages.json` is the same task
 * as displayed (`{ts, type: say|ask, say|ask, text, conversationHistoryIndex}`); `task_metadata.json`
 * lists files and model usage. The task folder is one session, read from the API history; the other
 * two files are sidecars (they import as no session), except a `ui_messages.json` with no API history
 * beside it, which is read by itself (cline-ui.ts).
 *
 * Mapping: assistant `thinking` → `agent.thinking`, `text` → `agent.message`, `tool_use` →
 * `agent.tool_use` (kind from {@link CLINE_TOOL_KINDS}, `command` for `execute_command`). Histories of
 * models without native tool calls (older Cline, Roo Code) carry the calls as XML in the assistant's
 * text (`<read_file><path>…</path></read_file>`, after a `<thinking>` section): those are split into
 * `agent.tool_use`, `agent.thinking` and the remaining prose (cline-xml.ts), and the result comes back
 * as a header block followed by the output block, read as one result. A result header with no call
 * waiting is still tool output (`system.message`), never the person's words. Cline sends a
 * tool's result back as a user `text` block `[<tool> for '<what>'] Result:\n…` that names the tool,
 * not the call, so results pair with the preceding assistant message's calls by position (standard
 * `tool_result` blocks pair by `tool_use_id`). A result is failed when Cline reports a tool error
 * (`The tool execution failed with the following error`, `[<tool>] Error`, a denied operation); a
 * result that says the person denied the call, or that Cline skipped it after they denied another, is
 * also `declined` ({@link clineDeclined}).
 * Other user text: the person's words are what Cline wraps in `<task>`, `<feedback>`, `<answer>` or
 * `<user_message>` (wherever the tag sits: Cline prefixes it with its own line, e.g. `New instructions
 * for task continuation:` or `The user provided the following feedback:`) → `user.message`, tags and
 * prefix removed; Cline's own text (reminders `# task_progress`, `# TODO LIST UPDATE REQUIRED`,
 * `[ERROR] You did not use a tool`, `[TASK RESUMPTION]`, notes such as `The user has provided feedback
 * on the results…` or `(The user did not provide a new message…)`, and `Files attached by the user:`
 * with the files' contents) → `system.message`; an untagged text block after a tool result in the same
 * message (e.g. the output of `attempt_completion`'s command) is more tool output → `system.message`,
 * never the person's words; a tagged section inside a tool result (the `<answer>` to
 * `ask_followup_question`, `<feedback>` on a denied call) is also a `user.message` after the result. Strings from Cline's `src/core/prompts/responses.ts` and
 * `src/integrations/misc/extract-text.ts`. The `<environment_details>` block Cline appends to every
 * turn is dropped. Timestamps: each API message gets the first `ts` of the `ui_messages`
 * entries whose `conversationHistoryIndex` is its index (else the previous one's). No outcome
 * (`attempt_completion` is the agent's own claim). external_id `cline:<task folder name>`; agent_id
 * `cline`. Pointers `{file, index: <message>, pointer: '/<message>/content/<block>'}`.
 */
import { basename, dirname, join } from 'node:path';
import { ImportError, type SourcePointer, type Timestamp } from '../domain/index.js';
import { CallRegistry } from './call-registry.js';
import { flattenToolResult } from './claude-code.js';
import { hasToolUseBlocks, parseClineXml } from './cline-xml.js';
import { EventList } from './event-list.js';
import { isRecord, parseJson } from './json.js';
import { MAX_TOOL_OUTPUT_CHARS, titleFrom, toTimestamp, truncateMiddle } from './text.js';
import { CLINE_TOOL_KINDS, shellCommand, toolKind } from './tool-kinds.js';
import type { ImportedSession, ImporterOptions } from './types.js';

/** Cline's result header: `[read_file for 'x.cs'] Result:` (the `for …` part may span lines). */
const RESULT_HEADER = /^\[(\w+)(?: for [\s\S]*?)?\] (Result|Error):?/;
const TOOL_FAILED =
  /The tool execution failed with the following error|The user denied this operation|^\[\w+(?: for [\s\S]*?)?\] Error/;
const REMINDERS = [
  '# task_progress',
  '# TODO LIST UPDATE REQUIRED',
  '[ERROR] ',
  '[TASK RESUMPTION]',
  '[TASK RESUMPTION',
  '[NOTE] ',
  '[Continue assisting the user!]',
  'The user has provided feedback on the results.',
  '(The user did not provide a new message.',
  'The user has accepted the condensed conversation summary',
  'Files attached by the user:',
];
/** The person's words inside Cline's text: the first `<task|feedback|answer|user_message>` section. */
const USER_TAGGED = /<(task|feedback|answer|user_message)>([\s\S]*?)<\/\1>/;

/**
 * True when a tool result Cline sent back reports a failure (a tool error, `[<tool>] Error`, or a
 * denied operation), read from its first 4,000 characters.
 */
export function clineResultFailed(text: string): boolean {
  return TOOL_FAILED.test(text.slice(0, 4000));
}

/**
 * The start of a result Cline (and its forks Roo Code, Kilo Code) sends back for a call that did not run
 * because the person turned it down: `formatResponse.toolDenied()` "The user denied this operation."
 * (optionally "…and provided the following feedback:" in newer versions; cline/cline
 * `src/core/prompts/responses.ts`), and, for the calls after a denied one in the same message, "Skipping
 * tool [<tool> for '…'] due to user rejecting a previous tool." or, for a call still streaming, "Tool
 * [<tool>] was interrupted and not executed due to user rejecting a previous tool." (Cline's task loop,
 * `src/core/task`; Roo Code's `presentAssistantMessage`, also "Skipping MCP tool <name> …").
 */
const CLINE_DECLINED =
  /^(?:The user denied this operation\b|(?:Skipping (?:MCP )?tool|(?:MCP )?Tool)\b[\s\S]{0,400}? due to user rejecting a previous tool\b)/;

/**
 * True when a tool result Cline sent back says the person declined the call (see {@link CLINE_DECLINED}):
 * `text` is the result with or without its `[<tool> for '…'] Result:` header.
 * @example clineDeclined("[execute_command for 'npm i'] Result:\nThe user denied this operation.") // true
 */
export function clineDeclined(text: string): boolean {
  const header = RESULT_HEADER.exec(text);
  const body = header === null ? text : text.slice(header[0].length);
  return CLINE_DECLINED.test(body.trimStart());
}

/** Reads Cline's sidecar files beside the API history (`null` when absent). */
export type ClineSidecar = (path: string) => string | null;

/** True for Cline's `ui_messages.json`: an array opening with `{ts: number, type: say|ask}`. */
export function isClineUiMessages(data: unknown): data is unknown[] {
  if (!Array.isArray(data) || data.length === 0) return false;
  const first = data[0];
  return isRecord(first) && typeof first.ts === 'number' && (first.type === 'say' || first.type === 'ask');
}

/** True for Cline's `ui_messages.json` ({@link isClineUiMessages}) or `task_metadata.json`. */
export function isClineSidecar(data: unknown): boolean {
  if (isRecord(data)) return Array.isArray(data.files_in_context) || Array.isArray(data.model_usage);
  return isClineUiMessages(data);
}

/**
 * True for a Cline API history: an array of Anthropic messages whose first user message opens with
 * `<task>`, or whose assistant messages carry `tool_use` blocks.
 */
export function isClineHistory(data: unknown): boolean {
  if (!Array.isArray(data) || data.length === 0) return false;
  const first = data[0];
  if (!isRecord(first) || first.role !== 'user' || !Array.isArray(first.content)) return false;
  const b = first.content[0];
  if (isRecord(b) && typeof b.text === 'string' && b.text.trimStart().startsWith('<task>')) return true;
  return data.some(
    (m) =>
      isRecord(m) &&
      m.role === 'assistant' &&
      Array.isArray(m.content) &&
      m.content.some((x) => isRecord(x) && x.type === 'tool_use'),
  );
}

/**
 * Imports a Cline task from its parsed API history (`[]` for a sidecar file).
 * @param readSidecar reads `ui_messages.json` beside it for timestamps (optional).
 * @throws ImportError when the history is not an array of messages (`messages[3]: …`).
 */
export function importCline(
  file: string,
  data: unknown,
  opts: ImporterOptions = {},
  readSidecar?: ClineSidecar,
): ImportedSession[] {
  if (isClineSidecar(data)) return [];
  if (!Array.isArray(data)) throw new ImportError(file, 'cline: expected the API conversation history array');
  const times = uiTimes(file, readSidecar);
  const r: HistoryContext = { file, events: new EventList(), calls: new CallRegistry(), pending: [] };
  const { events } = r;
  let ts: Timestamp | null = null;
  for (let i = 0; i < data.length; i++) {
    const m = data[i];
    if (!isRecord(m) || typeof m.role !== 'string')
      throw new ImportError(file, `messages[${i}]: expected a message with a role`);
    ts = times.get(i) ?? ts;
    const blocks =
      typeof m.content === 'string'
        ? [{ type: 'text', text: m.content }]
        : Array.isArray(m.content)
          ? m.content
          : [];
    if (m.role === 'assistant') {
      r.pending = [];
      const xml = !hasToolUseBlocks(m.content);
      for (let k = 0; k < blocks.length; k++) assistantBlock(r, blocks[k], xml, ts, i, k);
    } else userBlocks(r, blocks, ts, i);
  }
  const started = times.size > 0 ? (times.get(Math.min(...times.keys())) ?? null) : null;
  return [clineSession(file, opts, events, started, ts, { models: models(data) })];
}

/**
 * The session of a Cline task folder (`file` is one of its files): external_id `cline:<task folder
 * name>`, agent_id `cline` unless `opts` says, titled by the person's first message (else `Cline task
 * <id>`); `metadata` is `{task_id, …extra}`.
 */
export function clineSession(
  file: string,
  opts: ImporterOptions,
  events: EventList,
  started: Timestamp | null,
  ended: Timestamp | null,
  extra: Record<string, unknown>,
): ImportedSession {
  const taskId = basename(dirname(file)) || basename(file);
  const first = events.events.find((e) => e.type === 'user.message');
  return {
    external_id: `cline:${taskId}`,
    agent_id: opts.agent_id ?? 'cline',
    user_id: null,
    team_id: opts.team_id ?? null,
    parent_external_id: null,
    source_format: 'cline',
    source_file: file,
    title: (first && 'text' in first ? titleFrom(first.text) : '') || `Cline task ${taskId}`,
    started_at: started,
    ended_at: ended,
    metadata: { task_id: taskId, ...extra },
    events: events.events,
    outcome: null,
  };
}

/** What reading one API history shares: the calls made and those still waiting for a result. */
interface HistoryContext {
  file: string;
  events: EventList;
  calls: CallRegistry;
  pending: { id: string; tool: string }[];
}

/** Records one tool call (native `tool_use` block or XML in the text) as waiting for its result. */
function call(
  r: HistoryContext,
  name: string,
  rawId: string,
  input: unknown,
  ts: Timestamp | null,
  source: SourcePointer,
): void {
  const kind = toolKind(CLINE_TOOL_KINDS, name);
  const id = r.calls.issue(rawId, name);
  r.pending.push({ id, tool: name });
  r.events.toolUse(name, kind, input, id, ts, source, kind === 'shell' ? shellCommand(input) : undefined);
}

/**
 * One block of an assistant message: thinking, text (with its XML tool calls and `<thinking>` sections
 * split out when the message has no native `tool_use` block, see cline-xml.ts) or a `tool_use`.
 */
function assistantBlock(
  r: HistoryContext,
  b: unknown,
  xml: boolean,
  ts: Timestamp | null,
  i: number,
  k: number,
): void {
  if (!isRecord(b)) return;
  const source = { file: r.file, index: i, pointer: `/${i}/content/${k}` };
  if (b.type === 'thinking' && typeof b.thinking === 'string' && b.thinking.trim() !== '')
    r.events.thinking(b.thinking, ts, source);
  else if (b.type === 'text' && typeof b.text === 'string' && b.text.trim() !== '') {
    const segments = xml ? parseClineXml(b.text) : null;
    if (segments === null) r.events.agentMessage(b.text.trim(), ts, source);
    else
      segments.forEach((seg, n) => {
        if (seg.type === 'tool') call(r, seg.name, `call-${i}-${k}-${n}`, seg.input, ts, source);
        else if (seg.type === 'thinking') r.events.thinking(seg.text, ts, source);
        else r.events.agentMessage(seg.text, ts, source);
      });
  } else if (b.type === 'tool_use' && typeof b.name === 'string')
    call(r, b.name, typeof b.id === 'string' ? b.id : `call-${i}-${k}`, b.input ?? {}, ts, source);
}

/**
 * The blocks of a user message: tool results (native `tool_result` blocks, or Cline's
 * `[<tool> for '…'] Result:` texts paired by position with the waiting calls; a header alone in its
 * block takes the next plain block as its output, as the XML protocol writes it; a header with no call
 * waiting is tool output all the same, a `system.message`), then the person's words and Cline's text.
 */
function userBlocks(r: HistoryContext, blocks: unknown[], ts: Timestamp | null, i: number): void {
  const { events } = r;
  let afterResult = false;
  for (let k = 0; k < blocks.length; k++) {
    const b = blocks[k];
    if (!isRecord(b)) continue;
    const source = { file: r.file, index: i, pointer: `/${i}/content/${k}` };
    if (b.type === 'tool_result') {
      const answered = typeof b.tool_use_id === 'string' ? r.calls.answer(b.tool_use_id) : null;
      r.pending = r.pending.filter((p) => p.id !== answered?.call_id);
      const text = truncateMiddle(flattenToolResult(b.content), MAX_TOOL_OUTPUT_CHARS);
      const id = answered?.call_id ?? `result-${i}-${k}`;
      const result = events.toolResult(id, answered?.tool ?? null, text, b.is_error === true, ts, source);
      if (clineDeclined(text)) result.declined = true;
      afterResult = true;
    } else if (b.type === 'text' && typeof b.text === 'string') {
      let text = b.text;
      const header = RESULT_HEADER.exec(text);
      if (header === null) {
        if (userText(text, ts, source, events, afterResult)) afterResult = false;
        continue;
      }
      const next = blocks[k + 1];
      if (text.slice(header[0].length).trim() === '' && isPlainText(next)) {
        text = `${text}\n${next.text}`;
        k++;
      }
      afterResult = true;
      const waiting = r.pending.shift();
      if (waiting === undefined) {
        events.systemMessage(text, ts, source);
        continue;
      }
      const failed = clineResultFailed(text);
      const result = events.toolResult(
        waiting.id,
        waiting.tool,
        truncateMiddle(text, MAX_TOOL_OUTPUT_CHARS),
        failed,
        ts,
        source,
      );
      if (clineDeclined(text)) result.declined = true;
      // The person's answer to `ask_followup_question` (or feedback on a denied call) is in the result.
      const said = USER_TAGGED.exec(text);
      if (said && said[2]!.trim() !== '') events.userMessage(said[2]!.trim(), ts, source);
    } else if (b.type === 'image') events.userMessage('[image]', ts, source);
  }
}

/** A text block that is neither the person's tagged words, nor Cline's reminders or details. */
function isPlainText(b: unknown): b is { text: string } {
  if (!isRecord(b) || b.type !== 'text' || typeof b.text !== 'string') return false;
  const t = b.text.trim();
  return (
    !t.startsWith('<environment_details>') &&
    !REMINDERS.some((x) => t.startsWith(x)) &&
    !USER_TAGGED.test(t) &&
    !RESULT_HEADER.test(t)
  );
}

/**
 * A user text block that is not a tool result: the person's tagged words, Cline's own text, or (after a
 * tool result, untagged) more tool output.
 * @returns true when it recorded the person's words (later untagged text is no longer tool output).
 */
function userText(
  text: string,
  ts: Timestamp | null,
  source: SourcePointer,
  events: EventList,
  afterResult: boolean,
): boolean {
  const t = text.trim();
  if (t === '' || t.startsWith('<environment_details>')) return false;
  if (REMINDERS.some((r) => t.startsWith(r))) {
    events.systemMessage(t, ts, source);
    return false;
  }
  const tagged = USER_TAGGED.exec(t);
  if (tagged) {
    events.userMessage(tagged[2]!.trim(), ts, source);
    return true;
  }
  if (afterResult) events.systemMessage(t, ts, source);
  else events.userMessage(t, ts, source);
  return false;
}

/** API message index → first ui_messages `ts` with that `conversationHistoryIndex`. */
function uiTimes(file: string, readSidecar: ClineSidecar | undefined): Map<number, Timestamp> {
  const out = new Map<number, Timestamp>();
  const path = join(dirname(file), 'ui_messages.json');
  const text = readSidecar?.(path) ?? null;
  if (text === null) return out;
  const ui = parseJson(path, text);
  if (!Array.isArray(ui)) return out;
  for (const u of ui) {
    if (!isRecord(u) || typeof u.conversationHistoryIndex !== 'number') continue;
    // Entries written after message k carry index k; the message they follow is k, the next is k+1.
    const k = u.conversationHistoryIndex + 1;
    const ts = toTimestamp(u.ts);
    if (ts !== null && !out.has(k)) out.set(k, ts);
  }
  return out;
}

/** Model ids named in `modelInfo`. */
function models(data: unknown[]): string[] {
  const out = new Set<string>();
  for (const m of data)
    if (isRecord(m) && isRecord(m.modelInfo) && typeof m.modelInfo.modelId === 'string')
      out.add(m.modelInfo.modelId);
  return [...out].sort();
}
