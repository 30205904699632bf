/**
 * Claude Managed Agents session events (beta `managed-agents-2026-04-01`; shared/reference/
 * anthropic-api.md §3 and platform.claude.com/docs/en/managed-agents/reference), as a session's event
 * list is exported: one event per line, `{id: 'sevt_…', type: '<domain>.<action>', processed_at, …}`.
 * One file is one session.
 *
 * Mapping:
 * - `user.define_outcome` (the task: the agent starts on it, with no `user.message`) →
 *   `user.message` with its `description`; `user.message` → `user.message`; `user.interrupt` →
 *   `system.message`.
 * - `agent.message` → `agent.message`; `agent.thinking` carries no text and is skipped.
 * - `agent.tool_use` / `agent.mcp_tool_use` / `agent.custom_tool_use` → `agent.tool_use` (`call_id` =
 *   the event's `sevt_` id; built-in tools' kinds from {@link MANAGED_AGENTS_TOOL_KINDS}, except that a
 *   `read`/`write`/`edit`/`glob`/`grep` under the memory mount `/mnt/memory/` is `memory`; `bash` gets
 *   its `command`; MCP and custom tools are `other`).
 * - `agent.tool_result.tool_use_id`, `agent.mcp_tool_result.mcp_tool_use_id` and
 *   `user.custom_tool_result.custom_tool_use_id` point at the call event → `agent.tool_result` with the
 *   event's `is_error`; `declined` when a `user.tool_confirmation` with `result: "deny"` names the call
 *   (a tool under an `always_ask` permission policy that the person refused: it does not run, and the
 *   agent is told so; platform.claude.com/docs/en/managed-agents/permission-policies); the denial's
 *   `deny_message`, the person's words, → `user.message` at the confirmation. Other confirmations leave
 *   no event.
 * - `span.outcome_evaluation_end` → a `system.message` with the grader's result and explanation (the
 *   agent reads it and revises); the last terminal result is the session's outcome (source
 *   `managed-agents.outcome_evaluation`): `satisfied` → satisfied, `max_iterations_reached` or `failed`
 *   → failed, `interrupted` → unknown; only `needs_revision` → none.
 * - `session.error` → `system.message`; other `session.*` and `span.*` events are skipped.
 * external_id `managed-agents:<id of the first event>` (a growing export keeps its key); agent_id
 * `managed-agents/<agent_name>` when the events name the agent, else `managed-agents`. Pointers `{file,
 * line}`.
 */
import {
  type AgentToolResultEvent,
  ImportError,
  type Outcome,
  type SourcePointer,
  type Timestamp,
} from '../domain/index.js';
import { CallRegistry } from './call-registry.js';
import { contentText } from './chat-messages.js';
import { EventList } from './event-list.js';
import { completeLines } from './growing.js';
import { forEachJsonLine, isRecord } from './json.js';
import { MAX_TOOL_OUTPUT_CHARS, titleFrom, truncateMiddle } from './text.js';
import { utcTimestamp } from './timestamps.js';
import { MANAGED_AGENTS_TOOL_KINDS, shellCommand, toolKind } from './tool-kinds.js';
import type { ImportedSession, ImporterOptions } from './types.js';

/** Where Managed Agents mounts memory stores in the session container. */
const MEMORY_MOUNT = '/mnt/memory/';
const FILE_TOOLS = new Set(['read', 'write', 'edit', 'glob', 'grep']);
const CALLS = new Set(['agent.tool_use', 'agent.mcp_tool_use', 'agent.custom_tool_use']);
const RESULT_REFS: Record<string, string> = {
  'agent.tool_result': 'tool_use_id',
  'agent.mcp_tool_result': 'mcp_tool_use_id',
  'user.custom_tool_result': 'custom_tool_use_id',
};
const TERMINAL: Record<string, Outcome['result']> = {
  satisfied: 'satisfied',
  max_iterations_reached: 'failed',
  failed: 'failed',
  interrupted: 'unknown',
};

/** True for a parsed Managed Agents event line (`sevt_` id and a dotted `type`). */
export function isManagedAgentsEvent(o: Record<string, unknown>): boolean {
  return typeof o.id === 'string' && o.id.startsWith('sevt_') && typeof o.type === 'string';
}

/**
 * Imports one session's Managed Agents events: JSONL (one event per line), or a JSON export (an
 * array of events, or a list-endpoint page `{data: [events]}`) given parsed as `value` or found in
 * `text`.
 * @throws ImportError `file:line: …` for a line that does not parse or is not an event object.
 */
export function importManagedAgents(
  file: string,
  text: string,
  opts: ImporterOptions = {},
  value?: unknown,
): ImportedSession[] {
  const r = new EventReader(file);
  const doc = value ?? wholeJson(text);
  const list = Array.isArray(doc) ? doc : isRecord(doc) && Array.isArray(doc.data) ? doc.data : null;
  if (list !== null) {
    // A JSON export: an array of events, or a page of the list endpoint ({data: [...]}).
    const base = Array.isArray(doc) ? '' : '/data';
    list.forEach((e, i) => {
      if (!isRecord(e) || typeof e.type !== 'string')
        throw new ImportError(file, `${base}/${i}: expected a session event {id, type, processed_at}`);
      r.event(e, e.type, { file, index: i, pointer: `${base}/${i}` });
    });
  } else
    forEachJsonLine(
      file,
      completeLines(text),
      (e, line) => {
        if (!isRecord(e) || typeof e.type !== 'string')
          throw new ImportError(file, 'expected a session event {id, type, processed_at}', line);
        r.event(e, e.type, { file, line });
      },
      opts.first_line,
    );
  if (r.firstId === null || r.events.length === 0) return [];
  const first = r.events.events.find((ev) => ev.type === 'user.message');
  const name = r.agentName;
  return [
    {
      external_id: `managed-agents:${r.firstId}`,
      agent_id: opts.agent_id ?? (name === null ? 'managed-agents' : `managed-agents/${name}`),
      user_id: null,
      team_id: opts.team_id ?? null,
      parent_external_id: null,
      source_format: 'managed-agents',
      source_file: file,
      title: (first && 'text' in first ? titleFrom(first.text) : '') || `Managed Agents session ${r.firstId}`,
      started_at: r.started,
      ended_at: r.ended,
      metadata: { agent_name: name, outcome_id: r.outcomeId },
      events: r.events.events,
      outcome: r.outcome,
    },
  ];
}

/** `text` parsed as one JSON array or `{data}` page, or `undefined` (JSONL). */
function wholeJson(text: string): unknown {
  const t = text.trimStart();
  if (!t.startsWith('[') && !t.startsWith('{"data"')) return undefined;
  try {
    return JSON.parse(t);
  } catch {
    return undefined;
  }
}

/** The state of one session's events being read. */
class EventReader {
  readonly events = new EventList();
  readonly calls = new CallRegistry();
  firstId: string | null = null;
  agentName: string | null = null;
  outcome: Outcome | null = null;
  outcomeId: string | null = null;
  started: Timestamp | null = null;
  ended: Timestamp | null = null;
  /** Calls (raw event ids) the person denied with `user.tool_confirmation`, and the results read so far. */
  readonly #denied = new Set<string>();
  readonly #results = new Map<string, AgentToolResultEvent>();

  readonly file: string;
  constructor(file: string) {
    this.file = file;
  }

  event(e: Record<string, unknown>, type: string, source: SourcePointer): void {
    if (typeof e.id === 'string') this.firstId ??= e.id;
    if (typeof e.agent_name === 'string') this.agentName ??= e.agent_name;
    const ts = utcTimestamp(e.processed_at);
    if (ts !== null) {
      this.started ??= ts;
      this.ended = ts;
    }
    const events = this.events;
    if (type === 'user.define_outcome') {
      if (typeof e.outcome_id === 'string') this.outcomeId = e.outcome_id;
      if (typeof e.description === 'string' && e.description.trim() !== '')
        events.userMessage(e.description, ts, source);
    } else if (type === 'user.message' || type === 'agent.message') {
      const said = contentText(e.content);
      if (said.trim() === '') return;
      if (type === 'user.message') events.userMessage(said, ts, source);
      else events.agentMessage(said, ts, source);
    } else if (type === 'user.interrupt')
      events.systemMessage('[the user interrupted the agent]', ts, source);
    else if (CALLS.has(type)) call(e, type, ts, source, events, this.calls);
    else if (type === 'user.tool_confirmation') this.#confirmation(e, ts, source);
    else if (type in RESULT_REFS) {
      const ref = e[RESULT_REFS[type]!];
      const rawId = typeof ref === 'string' ? ref : `result-${source.line ?? source.index}`;
      const c = this.calls.answer(rawId);
      const content = truncateMiddle(contentText(e.content), MAX_TOOL_OUTPUT_CHARS);
      const r = events.toolResult(
        c?.call_id ?? rawId,
        c?.tool ?? null,
        content,
        e.is_error === true,
        ts,
        source,
      );
      if (this.#denied.has(rawId)) r.declined = true;
      this.#results.set(rawId, r);
    } else if (type === 'span.outcome_evaluation_end') this.#evaluation(e, ts, source);
    else if (type === 'session.error') {
      const err = isRecord(e.error) ? e.error : e;
      events.systemMessage(`Session error: ${String(err.message ?? err.type ?? 'error')}`, ts, source);
    }
  }

  /**
   * `user.tool_confirmation {tool_use_id, result: allow | deny, deny_message?}`: a denied call does not
   * run, and the agent gets a result saying so — that result (before or after this event) is declined.
   * The `deny_message` the person typed is their reply to the call: a `user.message`.
   */
  #confirmation(e: Record<string, unknown>, ts: Timestamp | null, source: SourcePointer): void {
    if (e.result !== 'deny' || typeof e.tool_use_id !== 'string') return;
    if (typeof e.deny_message === 'string' && e.deny_message.trim() !== '')
      this.events.userMessage(e.deny_message, ts, source);
    this.#denied.add(e.tool_use_id);
    const r = this.#results.get(e.tool_use_id);
    if (r) r.declined = true;
  }

  /** The grader's verdict: a system message, and the outcome when it is terminal. */
  #evaluation(e: Record<string, unknown>, ts: Timestamp | null, source: SourcePointer): void {
    const result = typeof e.result === 'string' ? e.result : 'unknown';
    const why = typeof e.explanation === 'string' ? e.explanation : '';
    this.events.systemMessage(`Outcome evaluation: ${result}${why === '' ? '' : `\n${why}`}`, ts, source);
    const terminal = TERMINAL[result];
    if (terminal === undefined) return;
    this.outcome = {
      result: terminal,
      score: terminal === 'satisfied' ? 1 : terminal === 'failed' ? 0 : null,
      labels: [result],
      explanation: why === '' ? null : why,
      source: 'managed-agents.outcome_evaluation',
    };
  }
}

function call(
  e: Record<string, unknown>,
  type: string,
  ts: Timestamp | null,
  source: SourcePointer,
  events: EventList,
  calls: CallRegistry,
): void {
  const name = typeof e.name === 'string' ? e.name : 'unknown';
  const input = e.input ?? {};
  let kind = type === 'agent.tool_use' ? toolKind(MANAGED_AGENTS_TOOL_KINDS, name) : 'other';
  if (type === 'agent.tool_use' && FILE_TOOLS.has(name) && isRecord(input)) {
    const path = input.file_path ?? input.path;
    if (typeof path === 'string' && path.startsWith(MEMORY_MOUNT)) kind = 'memory';
  }
  const id = calls.issue(typeof e.id === 'string' ? e.id : `call-${source.line}`, name);
  events.toolUse(name, kind, input, id, ts, source, kind === 'shell' ? shellCommand(input) : undefined);
}
