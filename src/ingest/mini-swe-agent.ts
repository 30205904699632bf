/**
 * mini-swe-agent trajectories (github.com/SWE-agent/mini-swe-agent, `trajectory_format:
 * "mini-swe-agent-1"`): `<instance_id>.traj.json` = `{info: {exit_status, submission, model_stats,
 * mini_version, config}, messages: [{role, content}], trajectory_format, instance_id}`, plus an
 * optional sibling `report.json` from the SWE-bench harness (`{resolved, tests_status, …}` or
 * `{<instance_id>: {resolved, …}}`).
 *
 * Conventions (the harness's templates are in `info.config.agent`):
 * - the first system message → `system.message`; the first user message (task / PR description) →
 *   `user.message`.
 * - an assistant turn with exactly one ```` ```bash ```` block (the harness's action regex
 *   ```` ```bash\s*\n(.*?)\n``` ````) → its THOUGHT as `agent.thinking` (`agent.message` if the text
 *   does not start with `THOUGHT:`), then `agent.tool_use {tool: 'bash', kind: 'shell', input:
 *   {command}, call_id: 'bash-<n>', command}` (n counts from 1).
 * - the observation that follows (`<returncode>N</returncode><output>…</output>`, or the
 *   `<output_head>/<elided_chars>/<output_tail>` form for long output) → `agent.tool_result` with
 *   `exit_code = N`, `is_error = N ≠ 0`, content = the output, cut to {@link MAX_TOOL_OUTPUT_CHARS} by
 *   {@link truncateMiddle} (head and tail kept, the cut announced in the text).
 * - a timeout reply (`The last command <command>…</command> timed out…`) → failed `agent.tool_result`.
 * - the reply to the submit command (raw `git diff` output without `<returncode>`) → successful
 *   `agent.tool_result`.
 * - an assistant turn with zero or several bash blocks → `agent.message` (whole text); the harness's
 *   format-error reply (`Please always provide EXACTLY ONE action…`) → `system.message`.
 * - any other user message → `user.message`.
 * - v2 (`trajectory_format: "mini-swe-agent-1.1"`, mini-swe-agent 2.x; src/minisweagent/models/utils/
 *   actions_toolcall.py): an assistant message with OpenAI `tool_calls` → its text as `agent.thinking`
 *   and one `bash` call per tool call (`call_id` = the tool call id, `command` from the arguments); a
 *   `tool` message (`tool_call_id`) → its `agent.tool_result`, exit code from `extra.returncode` (else
 *   the `<returncode>`), failed when not 0 or when `extra.exception_info` says the action did not run;
 *   the harness's `No tool calls found in the response…` (or any `extra.interrupt_type: FormatError`)
 *   → `system.message`, like v1's `EXACTLY ONE action`; text-based v2 actions use
 *   ```` ```mswea_bash_command ```` blocks, read like v1's ```` ```bash ````. Timestamps from
 *   `extra.timestamp`.
 * - a bare message list (no wrapper, {@link isMiniSweAgentMessages}) is read the same way (pointers `/<index>`).
 * - Pointers: `{file, index: <message index>, pointer: '/messages/<index>'}`.
 * - Outcome from the report: resolved → satisfied (score 1), else failed (score 0), source
 *   `swe-bench.report`, explanation summarising test counts; no report → `null`.
 */
import { basename } from 'node:path';
import { ImportError, type Outcome, type SourcePointer } from '../domain/index.js';
import { CallRegistry } from './call-registry.js';
import { contentText, parseArguments } from './chat-messages.js';
import { EventList } from './event-list.js';
import { isRecord } from './json.js';
import { MAX_TOOL_OUTPUT_CHARS, titleFrom, toTimestamp, truncateMiddle } from './text.js';
import type { ImportedSession, ImporterOptions } from './types.js';

/** The start of mini-swe-agent's format-error reply (`format_error_template`). */
export const FORMAT_ERROR_PREFIX = 'Please always provide EXACTLY ONE action';
/** v2's (`mini-swe-agent-1.1`) format error of tool-call models, inside its `format_error_template`. */
export const NO_TOOL_CALLS = 'No tool calls found in the response';
/** v2's text-based action fence (v1's is ```` ```bash ````). */
const V2_FENCE = '```mswea_bash_command';

/**
 * True for the harness's reply to a malformed action: v1/v2 text `Please always provide EXACTLY ONE
 * action…`, v2 tool-call errors (`No tool calls found…`, bad arguments, unknown tool), or any message
 * v2 marks `extra.interrupt_type: 'FormatError'`.
 */
export function isFormatError(m: Record<string, unknown>, text: string): boolean {
  const extra = isRecord(m.extra) ? m.extra : {};
  return (
    extra.interrupt_type === 'FormatError' ||
    text.startsWith(FORMAT_ERROR_PREFIX) ||
    text.includes(NO_TOOL_CALLS)
  );
}
const TIMEOUT_PREFIX = 'The last command <command>';

/** Options of {@link importMiniSweAgent}: the parsed `report.json` beside the trajectory, if any. */
export interface MiniSweAgentOptions extends ImporterOptions {
  report?: unknown;
}

/**
 * Finds the bash blocks of an assistant message the way mini-swe-agent's action regex
 * ```` ```bash\s*\n(.*?)\n``` ```` (DOTALL) does, with `indexOf` instead of a regex.
 * @returns each block's command (trimmed) and the offsets of the whole block in `text`.
 */
export function findBashBlocks(text: string): { command: string; start: number; end: number }[] {
  const blocks: { command: string; start: number; end: number }[] = [];
  let pos = 0;
  for (;;) {
    const a = text.indexOf('```bash', pos);
    const b = text.indexOf(V2_FENCE, pos);
    const start = a === -1 ? b : b === -1 ? a : Math.min(a, b);
    if (start === -1) break;
    const fence = start === b ? V2_FENCE.length : 7;
    // \s*\n: a run of whitespace holding at least one newline; the command follows it.
    let j = start + fence;
    let firstNewline = -1;
    while (j < text.length) {
      const c = text.charCodeAt(j);
      if (c === 10) {
        if (firstNewline === -1) firstNewline = j;
      } else if (c !== 32 && c !== 9 && c !== 13 && c !== 11 && c !== 12) break;
      j++;
    }
    if (firstNewline === -1) {
      pos = start + fence;
      continue;
    }
    // (.*?)\n```: lazily up to the first "\n```" (it may reuse a later newline of the run).
    const close = text.indexOf('\n```', firstNewline + 1);
    if (close === -1) break;
    const afterNewline = firstNewline + 1;
    blocks.push({ command: text.slice(afterNewline, close).trim(), start, end: close + 4 });
    pos = close + 4;
  }
  return blocks;
}

/**
 * Parses a `<returncode>` observation.
 * @returns the return code, the output (long outputs' elided middle announced in the text) and the
 *   harness's `<warning>` text if any (e.g. "The output of your last command was too long."), or
 *   `null` if `text` is not an observation.
 */
export function parseObservation(
  text: string,
): { returncode: number; output: string; warning: string | null } | null {
  if (!text.startsWith('<returncode>')) return null;
  const rcEnd = text.indexOf('</returncode>');
  if (rcEnd === -1) return null;
  const returncode = Number.parseInt(text.slice(12, rcEnd), 10);
  const rest = text.slice(rcEnd + 13);
  let output: string;
  const head = between(rest, '<output_head>', '</output_head>');
  if (head !== null) {
    const elided = between(rest, '<elided_chars>', '</elided_chars>');
    const tail = between(rest, '<output_tail>', '</output_tail>') ?? '';
    const note = elided === null ? 'output elided' : elided.trim();
    output = `${trimNewlines(head)}\n[… ${note} by mini-swe-agent …]\n${trimNewlines(tail)}`;
  } else {
    output = trimNewlines(between(rest, '<output>', '</output>') ?? rest);
  }
  const w = between(rest, '<warning>', '</warning>');
  const warning = w === null ? null : w.trim();
  return { returncode: Number.isNaN(returncode) ? -1 : returncode, output, warning };
}

function between(text: string, open: string, close: string): string | null {
  const a = text.indexOf(open);
  if (a === -1) return null;
  const b = text.lastIndexOf(close);
  if (b < a) return text.slice(a + open.length);
  return text.slice(a + open.length, b);
}

/** Drops one leading and one trailing newline (the templates put the output on its own lines). */
function trimNewlines(s: string): string {
  let a = 0;
  let b = s.length;
  if (s.charCodeAt(0) === 10) a = 1;
  if (b > a && s.charCodeAt(b - 1) === 10) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

/**
 * The outcome in a SWE-bench `report.json`: `{resolved, tests_status}` or `{<instance_id>: {…}}`.
 * @returns `null` when the report says nothing about `instanceId`.
 */
export function sweBenchOutcome(report: unknown, instanceId: string): Outcome | null {
  if (!isRecord(report)) return null;
  const entry = typeof report.resolved === 'boolean' ? report : report[instanceId];
  if (!isRecord(entry) || typeof entry.resolved !== 'boolean') return null;
  const parts: string[] = [];
  if (isRecord(entry.tests_status)) {
    for (const [kind, status] of Object.entries(entry.tests_status)) {
      if (!isRecord(status)) continue;
      const ok = Array.isArray(status.success) ? status.success.length : 0;
      const bad = Array.isArray(status.failure) ? status.failure.length : 0;
      if (ok + bad > 0) parts.push(`${kind} ${ok}/${ok + bad} passed`);
    }
  }
  return {
    result: entry.resolved ? 'satisfied' : 'failed',
    score: entry.resolved ? 1 : 0,
    labels: [],
    explanation: `SWE-bench: ${entry.resolved ? 'resolved' : 'not resolved'}${parts.length > 0 ? ` (${parts.join('; ')})` : ''}`,
    source: 'swe-bench.report',
  };
}

/**
 * True for mini-swe-agent's bare message list (what its tests and older runs save: `[{role, content}]`
 * without the `{info, messages, trajectory_format}` wrapper): it opens with the system prompt and a user
 * message of the list (among the first 10) is one of its observations (`<returncode>N</returncode>…`),
 * which would otherwise read as the person's words.
 */
export function isMiniSweAgentMessages(data: unknown): boolean {
  if (!Array.isArray(data) || !isRecord(data[0]) || data[0].role !== 'system') return false;
  for (let i = 2; i < Math.min(data.length, 10); i++) {
    const m = data[i];
    if (isRecord(m) && m.role === 'user' && contentText(m.content).startsWith('<returncode>')) return true;
  }
  return false;
}

/** True if `data` looks like a mini-swe-agent trajectory (`trajectory_format` `mini-swe-agent…`). */
export function isMiniSweAgent(data: unknown): boolean {
  return (
    isRecord(data) &&
    typeof data.trajectory_format === 'string' &&
    data.trajectory_format.startsWith('mini-swe-agent') &&
    Array.isArray(data.messages)
  );
}

/**
 * Imports a parsed mini-swe-agent trajectory (one session): the `{messages, info, …}` object, or the bare
 * message list ({@link isMiniSweAgentMessages}; no info, so no exit status).
 * @param file the path as given; the instance id falls back to its name without `.traj.json`.
 * @param opts `report`: the parsed sibling `report.json` (absent → outcome `null`).
 * @throws ImportError when `messages` is missing or a message has no role (`messages[3]: missing role`).
 */
export function importMiniSweAgent(
  file: string,
  data: unknown,
  opts: MiniSweAgentOptions = {},
): ImportedSession[] {
  const bare = Array.isArray(data);
  if (bare) data = { messages: data };
  if (!isRecord(data) || !Array.isArray(data.messages)) {
    throw new ImportError(file, 'mini-swe-agent: missing messages');
  }
  const messages = data.messages as unknown[];
  const info = isRecord(data.info) ? data.info : {};
  const instanceId =
    typeof data.instance_id === 'string' && data.instance_id !== ''
      ? data.instance_id
      : basename(file).replace(/\.traj\.json$|\.json$/, '');
  const t: Trajectory = {
    events: new EventList(),
    registry: new CallRegistry(),
    calls: 0,
    pending: null,
    sawTask: false,
    taskTitle: '',
  };
  let started: string | null = null;
  let ended: string | null = null;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    if (!isRecord(m)) throw new ImportError(file, `messages[${i}]: expected a message object`);
    if (typeof m.role !== 'string') throw new ImportError(file, `messages[${i}]: missing role`);
    const text = contentText(m.content);
    const ts = toTimestamp(m.timestamp ?? (isRecord(m.extra) ? m.extra.timestamp : undefined));
    if (ts !== null) {
      started ??= ts;
      ended = ts;
    }
    const source = { file, index: i, pointer: bare ? `/${i}` : `/messages/${i}` };
    if (m.role === 'system') {
      t.events.systemMessage(text, ts, source);
    } else if (m.role === 'assistant' && Array.isArray(m.tool_calls) && m.tool_calls.length > 0) {
      t.pending = null;
      toolCallTurn(m.tool_calls, text, ts, source, t.events, t.registry);
    } else if (m.role === 'assistant') {
      textTurn(t, text, messages[i + 1], ts, source);
    } else if (m.role === 'tool' && typeof m.tool_call_id === 'string') {
      toolMessage(m, m.tool_call_id, text, ts, source, t.events, t.registry);
    } else if (m.role === 'user' || m.role === 'tool') {
      userTurn(t, m, text, ts, source);
    } else if (text !== '') {
      t.events.systemMessage(`[${m.role}] ${text}`, ts, source);
    }
  }
  return [
    {
      external_id: `mini-swe-agent:${instanceId}`,
      agent_id: opts.agent_id ?? 'mini-swe-agent',
      user_id: null,
      team_id: opts.team_id ?? null,
      parent_external_id: null,
      source_format: 'mini-swe-agent',
      source_file: file,
      title: t.taskTitle === '' ? instanceId : `${instanceId}: ${t.taskTitle}`,
      started_at: started,
      ended_at: ended,
      metadata: trajectoryMetadata(info, data.trajectory_format, instanceId),
      events: t.events.events,
      outcome: opts.report === undefined ? null : sweBenchOutcome(opts.report, instanceId),
    },
  ];
}

/** A trajectory being read: its events, calls, the text-format call awaiting its observation, and the task. */
interface Trajectory {
  events: EventList;
  registry: CallRegistry;
  /** Text-format (v1) bash calls so far. */
  calls: number;
  /** The call id awaiting its observation. */
  pending: string | null;
  sawTask: boolean;
  taskTitle: string;
}

/**
 * An assistant message in the text format (v1): one ```bash block is its call (the words around it its
 * thought), unless the harness answers it with a format error; else it is the agent's words.
 */
function textTurn(
  t: Trajectory,
  text: string,
  next: unknown,
  ts: string | null,
  source: SourcePointer,
): void {
  t.pending = null;
  const blocks = findBashBlocks(text);
  const nextIsFormatError =
    isRecord(next) && next.role === 'user' && isFormatError(next, contentText(next.content));
  if (blocks.length === 1 && !nextIsFormatError) {
    const block = blocks[0]!;
    let thought = `${text.slice(0, block.start)}${text.slice(block.end)}`.trim();
    const isThought = thought.startsWith('THOUGHT:');
    if (isThought) thought = thought.slice(8).trim();
    if (thought !== '') {
      if (isThought) t.events.thinking(thought, ts, source);
      else t.events.agentMessage(thought, ts, source);
    }
    t.calls++;
    t.pending = `bash-${t.calls}`;
    t.events.toolUse('bash', 'shell', { command: block.command }, t.pending, ts, source, block.command);
  } else if (text !== '') {
    t.events.agentMessage(text, ts, source);
  }
}

/**
 * A user (or tool) message: the task (the first one), a harness format error, an observation of the
 * pending call (output and return code, a time-out, or the submission's output), or the person's words.
 */
function userTurn(
  t: Trajectory,
  m: Record<string, unknown>,
  text: string,
  ts: string | null,
  source: SourcePointer,
): void {
  if (!t.sawTask && t.pending === null && !isFormatError(m, text)) {
    t.sawTask = true;
    t.taskTitle = prTitle(text);
    t.events.userMessage(text, ts, source);
    return;
  }
  if (isFormatError(m, text)) {
    t.events.systemMessage(text, ts, source);
    return;
  }
  const obs = parseObservation(text);
  if (obs === null && t.pending === null && !text.startsWith(TIMEOUT_PREFIX)) {
    t.events.userMessage(text, ts, source);
    return;
  }
  const callId = t.pending ?? (t.calls > 0 ? `bash-${t.calls}` : `bash-0`);
  t.pending = null;
  let content: string;
  let isError: boolean;
  if (obs !== null) {
    content = obs.output;
    isError = obs.returncode !== 0;
  } else if (text.startsWith(TIMEOUT_PREFIX)) {
    const out = between(text, '<output>', '</output>');
    content = `[command timed out and was killed]${out === null ? '' : `\n${trimNewlines(out)}`}`;
    isError = true;
  } else {
    content = text; // e.g. the submission's `git diff` output
    isError = false;
  }
  t.events.toolResult(
    callId,
    'bash',
    truncateMiddle(content, MAX_TOOL_OUTPUT_CHARS),
    isError,
    ts,
    source,
    obs?.returncode,
  );
  // The harness's warning (e.g. output too long) is feedback on the agent's command: keep it.
  if (obs?.warning) t.events.systemMessage(obs.warning, ts, source);
}

/** The session metadata a trajectory's `info` gives: model, exit status, version, calls and cost. */
function trajectoryMetadata(
  info: Record<string, unknown>,
  trajectoryFormat: unknown,
  instanceId: string,
): Record<string, unknown> {
  const config = isRecord(info.config) ? info.config : {};
  const modelCfg = isRecord(config.model) ? config.model : {};
  const model =
    typeof info.model_name === 'string'
      ? info.model_name
      : typeof modelCfg.model_name === 'string'
        ? modelCfg.model_name
        : null;
  const stats = isRecord(info.model_stats) ? info.model_stats : {};
  return {
    instance_id: instanceId,
    model,
    exit_status: typeof info.exit_status === 'string' ? info.exit_status : null,
    mini_version: typeof info.mini_version === 'string' ? info.mini_version : null,
    trajectory_format: trajectoryFormat ?? null,
    api_calls: typeof stats.api_calls === 'number' ? stats.api_calls : null,
    instance_cost: typeof stats.instance_cost === 'number' ? stats.instance_cost : null,
  };
}

/**
 * A v2 tool-call turn: its text as `agent.thinking` (`THOUGHT:` dropped), then one `bash` call per
 * tool call (`call_id` = the tool call's id, `command` = its `command` argument).
 */
function toolCallTurn(
  toolCalls: unknown[],
  text: string,
  ts: string | null,
  source: SourcePointer,
  events: EventList,
  registry: CallRegistry,
): void {
  const thought = text.trim().replace(/^THOUGHT:\s*/, '');
  if (thought !== '') events.thinking(thought, ts, source);
  for (let j = 0; j < toolCalls.length; j++) {
    const c = toolCalls[j];
    if (!isRecord(c)) continue;
    const fn = isRecord(c.function) ? c.function : {};
    const name = typeof fn.name === 'string' ? fn.name : 'bash';
    const input = parseArguments(fn.arguments);
    const command = isRecord(input) && typeof input.command === 'string' ? input.command : undefined;
    const id = registry.issue(typeof c.id === 'string' ? c.id : `call-${source.index}-${j}`, name);
    const at = { ...source, pointer: `${source.pointer}/tool_calls/${j}` };
    events.toolUse(name, name === 'bash' ? 'shell' : 'other', input, id, ts, at, command);
  }
}

/** A v2 `tool` message: the observation of the call it names, exit code from `extra.returncode`. */
function toolMessage(
  m: Record<string, unknown>,
  rawId: string,
  text: string,
  ts: string | null,
  source: SourcePointer,
  events: EventList,
  registry: CallRegistry,
): void {
  const call = registry.answer(rawId);
  const extra = isRecord(m.extra) ? m.extra : {};
  const obs = parseObservation(text);
  const rc = typeof extra.returncode === 'number' ? extra.returncode : obs?.returncode;
  const failed = (rc !== undefined && rc !== 0) || typeof extra.exception_info === 'string';
  const content = truncateMiddle(obs?.output ?? text, MAX_TOOL_OUTPUT_CHARS);
  events.toolResult(call?.call_id ?? rawId, call?.tool ?? 'bash', content, failed, ts, source, rc);
  if (obs?.warning) events.systemMessage(obs.warning, ts, source);
}

/** The PR title inside mini-swe-agent's task template (the line after "Consider the following PR description:"). */
function prTitle(task: string): string {
  const marker = 'Consider the following PR description:';
  const at = task.indexOf(marker);
  return titleFrom(
    at === -1 ? task.slice(0, 400) : task.slice(at + marker.length, at + marker.length + 400),
    72,
  );
}
