/**
 * ATIF, the Agent Trajectory Interchange Format of Harbor / Terminal-Bench (RFC 0001,
 * laude-institute/harbor `docs/rfcs/0001-trajectory-format.md`, v1.0–v1.4): one JSON object
 * `{schema_version: "ATIF-v1.x", session_id, agent: {name, version, model_name?}, steps: [{step_id,
 * timestamp?, source: system|user|agent, message, reasoning_content?, tool_calls?: [{tool_call_id,
 * function_name, arguments}], observation?: {results: [{source_call_id?, content?,
 * subagent_trajectory_ref?}]}, metrics?}], final_metrics?, notes?}`. One file is one session.
 *
 * Mapping: `system` steps → `system.message`; `user` steps → `user.message`; `agent` steps →
 * `agent.thinking` (`reasoning_content`), `agent.message` (`message`, when not empty), one
 * `agent.tool_use` per tool call, then one `agent.tool_result` per observation result, paired by
 * `source_call_id` (a result without one, from an action outside tool calling, answers nothing and
 * becomes a `system.message`). Kinds come from the table of the agent that `agent.name` names
 * (claude-code, codex, gemini-cli, openhands, mini-swe-agent / swe-agent, cline), else the union of
 * all tables; shell calls get their `command`. ATIF has no error flag: a result is failed when it
 * carries `is_error: true` (an extension some writers add), when it is its step's only result and the
 * step's `extra` says so (`tool_result_is_error` or `tool_result_metadata.is_error`, as Harbor's
 * Claude Code converter writes them; an explicit `false` wins over the text), or when its text reads
 * as an error ({@link isOpenAiToolError}, or Claude Code's `<tool_use_error>`). The placeholder
 * message `Executed <function> <call id>` that Harbor puts on a step with only tool calls is dropped. Observations of system steps → `system.message`. Subagent trajectory
 * references are listed in metadata `subagent_session_ids`. No outcome. external_id
 * `atif:<session_id>`; agent_id the ATIF `agent.name`. Pointers `{file, index: <step index>, pointer:
 * '/steps/<i>…'}`.
 */
import { ImportError } from '../domain/index.js';
import { CallRegistry } from './call-registry.js';
import { contentText, parseArguments } from './chat-messages.js';
import { EventList } from './event-list.js';
import { isRecord } from './json.js';
import { isOpenAiToolError } from './openai-chat.js';
import { MAX_TOOL_OUTPUT_CHARS, titleFrom, truncateMiddle } from './text.js';
import { utcTimestamp } from './timestamps.js';
import {
  CLAUDE_CODE_TOOL_KINDS,
  CLINE_TOOL_KINDS,
  CODEX_TOOL_KINDS,
  GEMINI_CLI_TOOL_KINDS,
  GENERIC_TOOL_KINDS,
  OPENHANDS_TOOL_KINDS,
  SWE_AGENT_TOOL_KINDS,
  shellCommand,
  type ToolKindTable,
  toolKind,
} from './tool-kinds.js';
import type { ImportedSession, ImporterOptions } from './types.js';

/** The tool table of an ATIF `agent.name`. */
const AGENT_TABLES: Record<string, ToolKindTable> = {
  'claude-code': CLAUDE_CODE_TOOL_KINDS,
  codex: CODEX_TOOL_KINDS,
  'gemini-cli': GEMINI_CLI_TOOL_KINDS,
  openhands: OPENHANDS_TOOL_KINDS,
  'mini-swe-agent': SWE_AGENT_TOOL_KINDS,
  'swe-agent': SWE_AGENT_TOOL_KINDS,
  cline: CLINE_TOOL_KINDS,
};

/** What reading the steps of one trajectory shares. */
interface StepContext {
  file: string;
  table: ToolKindTable;
  events: EventList;
  calls: CallRegistry;
  subagents: string[];
}

/** One step: its messages and tool calls, then its observation results. */
function step(r: StepContext, st: Record<string, unknown>, i: number): void {
  const { events, calls } = r;
  const ts = utcTimestamp(st.timestamp);
  const at = (p = '') => ({ file: r.file, index: i, pointer: `/steps/${i}${p}` });
  const message = contentText(st.message);
  if (st.source === 'user') {
    if (message.trim() !== '') events.userMessage(message, ts, at());
  } else if (st.source === 'agent') {
    if (typeof st.reasoning_content === 'string' && st.reasoning_content.trim() !== '')
      events.thinking(st.reasoning_content, ts, at('/reasoning_content'));
    const tcs = Array.isArray(st.tool_calls) ? st.tool_calls : [];
    if (message.trim() !== '' && !isToolPlaceholder(message, tcs)) events.agentMessage(message, ts, at());
    for (let j = 0; j < tcs.length; j++) {
      const c = tcs[j];
      if (!isRecord(c)) continue;
      const fn = typeof c.function_name === 'string' ? c.function_name : 'unknown';
      const kind = toolKind(r.table, fn);
      const input = parseArguments(c.arguments);
      const rawId = typeof c.tool_call_id === 'string' ? c.tool_call_id : `step-${i}-${j}`;
      const cmd = kind === 'shell' ? shellCommand(input) : undefined;
      events.toolUse(fn, kind, input, calls.issue(rawId, fn), ts, at(`/tool_calls/${j}`), cmd);
    }
  } else if (message.trim() !== '') events.systemMessage(message, ts, at());
  const results =
    isRecord(st.observation) && Array.isArray(st.observation.results) ? st.observation.results : [];
  for (let k = 0; k < results.length; k++) {
    const res = results[k];
    if (!isRecord(res)) continue;
    if (Array.isArray(res.subagent_trajectory_ref))
      for (const ref of res.subagent_trajectory_ref)
        if (isRecord(ref) && typeof ref.session_id === 'string') r.subagents.push(ref.session_id);
    const text = contentText(res.content);
    const source = at(`/observation/results/${k}`);
    const call = typeof res.source_call_id === 'string' ? calls.answer(res.source_call_id) : null;
    if (call === null) {
      if (text.trim() !== '') events.systemMessage(text, ts, source);
      continue;
    }
    const own = typeof res.is_error === 'boolean' ? res.is_error : undefined;
    const flagged = own ?? (results.length === 1 ? stepErrorFlag(st) : undefined);
    const failed = flagged === true || (flagged !== false && isToolErrorText(text));
    events.toolResult(
      call.call_id,
      call.tool,
      truncateMiddle(text, MAX_TOOL_OUTPUT_CHARS),
      failed,
      ts,
      source,
    );
  }
}

/**
 * The error flag a writer put in the step's `extra` rather than on the result: Harbor's converter of
 * Claude Code sessions sets `extra.tool_result_is_error` and `extra.tool_result_metadata.is_error`
 * (from the `tool_result` block's `is_error`) on the step that made the call. `undefined` when absent.
 */
function stepErrorFlag(st: Record<string, unknown>): boolean | undefined {
  const extra = isRecord(st.extra) ? st.extra : null;
  if (extra === null) return undefined;
  if (typeof extra.tool_result_is_error === 'boolean') return extra.tool_result_is_error;
  const meta = isRecord(extra.tool_result_metadata) ? extra.tool_result_metadata : null;
  return meta !== null && typeof meta.is_error === 'boolean' ? meta.is_error : undefined;
}

/**
 * True when a result's text reads as an error: an OpenAI-style error ({@link isOpenAiToolError}) or
 * Claude Code's `<tool_use_error>` wrapper, which converters copy into the observation verbatim.
 */
function isToolErrorText(text: string): boolean {
  return isOpenAiToolError(text) || text.trimStart().startsWith('<tool_use_error>');
}

/**
 * True for the placeholder message a converter writes on a step that only made tool calls
 * (Harbor writes `Executed <function_name> <tool_call_id>`): harness text, not the agent's words.
 */
function isToolPlaceholder(message: string, calls: unknown[]): boolean {
  const m = /^Executed (\S+) (\S+)$/.exec(message.trim());
  return m !== null && calls.some((c) => isRecord(c) && c.function_name === m[1] && c.tool_call_id === m[2]);
}

/** True for an ATIF trajectory: a `session_id`, a `steps` array and an ATIF `schema_version`. */
export function isAtif(data: unknown): boolean {
  return (
    isRecord(data) &&
    typeof data.schema_version === 'string' &&
    /^ATIF/i.test(data.schema_version) &&
    Array.isArray(data.steps)
  );
}

/**
 * Imports a parsed ATIF trajectory (one session).
 * @throws ImportError when `steps` is missing or a step is not an object (`steps[3]: …`).
 */
export function importAtif(file: string, data: unknown, opts: ImporterOptions = {}): ImportedSession[] {
  if (!isRecord(data) || !Array.isArray(data.steps)) throw new ImportError(file, 'atif: missing steps');
  const agent = isRecord(data.agent) ? data.agent : {};
  const name = typeof agent.name === 'string' && agent.name !== '' ? agent.name : 'atif';
  const table = AGENT_TABLES[name] ?? GENERIC_TOOL_KINDS;
  const r: StepContext = { file, table, events: new EventList(), calls: new CallRegistry(), subagents: [] };
  const steps = data.steps as unknown[];
  for (let i = 0; i < steps.length; i++) {
    const st = steps[i];
    if (!isRecord(st)) throw new ImportError(file, `steps[${i}]: expected a step object`);
    step(r, st, i);
  }
  const { events, subagents } = r;
  const sid = typeof data.session_id === 'string' && data.session_id !== '' ? data.session_id : file;
  const first = events.events.find((e) => e.type === 'user.message');
  const stamped = events.events.filter((e) => e.timestamp !== null);
  return [
    {
      external_id: `atif:${sid}`,
      agent_id: opts.agent_id ?? name,
      user_id: null,
      team_id: opts.team_id ?? null,
      parent_external_id: null,
      source_format: 'atif',
      source_file: file,
      title: (first && 'text' in first ? titleFrom(first.text) : '') || `ATIF session ${sid}`,
      started_at: stamped[0]?.timestamp ?? null,
      ended_at: stamped.at(-1)?.timestamp ?? null,
      metadata: {
        schema_version: data.schema_version ?? null,
        agent_version: typeof agent.version === 'string' ? agent.version : null,
        model: typeof agent.model_name === 'string' ? agent.model_name : null,
        subagent_session_ids: subagents,
      },
      events: events.events,
      outcome: null,
    },
  ];
}
