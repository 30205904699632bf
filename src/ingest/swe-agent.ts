/**
 * SWE-agent trajectories (github.com/SWE-agent/SWE-agent, `<instance_id>.traj`): one JSON object
 * `{environment, trajectory: [{action, observation, response, thought, state, execution_time}],
 * history: [{role, content, agent, message_type?, is_demo?, tool_calls?, tool_call_ids?}], info:
 * {exit_status, submission, model_stats}, replay_config?}`. Two generations share it: 0.x writes
 * actions as text (`open file.py 10`, `edit 287:295\n…\nend_of_edit`, shell commands); 1.0 (function
 * calling) also records `history[].tool_calls[{id, function: {name, arguments}}]`, answered by the
 * following `tool` message's `tool_call_ids`.
 *
 * Mapping: the first system message → `system.message`; the task (the first user message that is not a
 * demonstration) → `user.message`; demonstrations (`is_demo`, `--- DEMONSTRATION ---`) →
 * `system.message`. Each `trajectory[i]` (which already pairs an action with its observation) →
 * `agent.thinking` (its `thought`, when not empty), `agent.tool_use` and `agent.tool_result`. The tool
 * is the 1.0 call's function name, else the action's first word when it is a SWE-agent command
 * (`open`, `edit`, `create`, `find_file`, `search_dir`, `submit`, …), else `bash` with the whole action
 * as `command`; kinds from {@link SWE_AGENT_TOOL_KINDS}; call ids are the 1.0 tool-call ids (made unique
 * by {@link CallRegistry}, since replayed trajectories reuse them) or `step-<i+1>`. There is no error
 * flag: a result is failed when its text says so ({@link isSweAgentFailure}).
 * Outcome from `info.exit_status` (source `swe-agent.exit_status`): `submitted` → `unknown` (a patch
 * was submitted, not evaluated; label `submitted`), `submitted (exit_…)` → `unknown` (labels
 * `autosubmitted` and the exit reason), any other `exit_…`/`early_exit` → `failed`; no status → none.
 * external_id `swe-agent:<file basename without .traj>`; agent_id `swe-agent`. Pointers `{file,
 * index: i, pointer: '/trajectory/<i>'}` (history messages: `/history/<i>`).
 */
import { basename } from 'node:path';
import { ImportError, type Outcome } from '../domain/index.js';
import { CallRegistry } from './call-registry.js';
import { contentText, parseArguments } from './chat-messages.js';
import { EventList } from './event-list.js';
import { isRecord } from './json.js';
import { MAX_TOOL_OUTPUT_CHARS, titleFrom, truncateMiddle } from './text.js';
import { SWE_AGENT_TOOL_KINDS, shellCommand, toolKind } from './tool-kinds.js';
import type { ImportedSession, ImporterOptions } from './types.js';

/** SWE-agent's own commands (0.x `config/commands`, 1.0 tool bundles); other actions run in bash. */
const COMMANDS = new Set([
  'open',
  'goto',
  'scroll_up',
  'scroll_down',
  'create',
  'edit',
  'insert',
  'find_file',
  'search_dir',
  'search_file',
  'submit',
  'str_replace_editor',
  'filemap',
]);

/**
 * Observation texts that mean the action failed: a rejected edit (`Your proposed edit has introduced
 * new syntax error(s)`), a Python traceback, `command not found`, a missing file, editor errors
 * (`ERROR:`, `No replacement was performed`, `Usage:`), and SWE-agent's own error replies.
 */
const FAILURE =
  /^(Traceback \(most recent call last\)|ERROR:|Error:|Usage:|No replacement was performed|Invalid )|Your proposed edit has introduced new syntax error|: command not found|No such file or directory|^File .* not found/m;

/** True when a SWE-agent observation reports a failure (see {@link FAILURE}'s list). */
export function isSweAgentFailure(observation: string): boolean {
  return FAILURE.test(observation.slice(0, 2000));
}

/**
 * True for a SWE-agent demonstration (`trajectories/demonstrations/*.traj`, the few-shot examples its
 * configs load): `{history: [{role, content, agent, message_type}]}` without `trajectory` or `info`.
 * It is not a recorded run, so it imports as no session.
 */
export function isSweAgentDemonstration(data: unknown): boolean {
  if (!isRecord(data) || data.trajectory !== undefined || data.info !== undefined) return false;
  const first = Array.isArray(data.history) ? data.history[0] : undefined;
  return isRecord(first) && typeof first.agent === 'string' && typeof first.message_type === 'string';
}

/**
 * True if `data` looks like a SWE-agent trajectory (`trajectory` array plus `history` or `info`), or
 * a demonstration ({@link isSweAgentDemonstration}).
 */
export function isSweAgent(data: unknown): boolean {
  return (
    isRecord(data) &&
    ((Array.isArray(data.trajectory) &&
      (Array.isArray(data.history) || isRecord(data.info)) &&
      typeof data.trajectory_format !== 'string') ||
      isSweAgentDemonstration(data))
  );
}

/** The outcome `info.exit_status` stands for (see the module comment). */
export function sweAgentOutcome(exitStatus: unknown): Outcome | null {
  if (typeof exitStatus !== 'string' || exitStatus === '') return null;
  const base = { score: null, source: 'swe-agent.exit_status' } as const;
  if (exitStatus === 'submitted')
    return {
      ...base,
      result: 'unknown',
      labels: ['submitted'],
      explanation: 'SWE-agent submitted a patch (not evaluated)',
    };
  const auto = /^submitted \((\w+)\)$/.exec(exitStatus);
  if (auto)
    return {
      ...base,
      result: 'unknown',
      labels: ['autosubmitted', auto[1]!],
      explanation: `SWE-agent stopped (${auto[1]}) and its patch was submitted automatically`,
    };
  return { ...base, result: 'failed', labels: [exitStatus], explanation: `SWE-agent stopped: ${exitStatus}` };
}

/**
 * Imports a parsed SWE-agent `.traj` (one session; none for a demonstration).
 * @throws ImportError when `trajectory` is missing or a step is not an object (`trajectory[3]: …`).
 */
export function importSweAgent(file: string, data: unknown, opts: ImporterOptions = {}): ImportedSession[] {
  if (isSweAgentDemonstration(data)) return [];
  if (!isRecord(data) || !Array.isArray(data.trajectory))
    throw new ImportError(file, 'swe-agent: missing trajectory');
  const history = Array.isArray(data.history) ? (data.history as unknown[]) : [];
  const info = isRecord(data.info) ? data.info : {};
  const events = new EventList();
  const task = preamble(file, history, events);
  const calls = functionCalls(history);
  const registry = new CallRegistry();
  const steps = data.trajectory as unknown[];
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    if (!isRecord(step)) throw new ImportError(file, `trajectory[${i}]: expected a step object`);
    const source = { file, index: i, pointer: `/trajectory/${i}` };
    const thought = typeof step.thought === 'string' ? step.thought.trim() : '';
    if (thought !== '') events.thinking(thought, null, source);
    const action = typeof step.action === 'string' ? step.action.trim() : '';
    const fc = calls[i];
    let tool: string;
    let input: unknown;
    if (fc !== undefined) {
      tool = fc.name;
      input = fc.input;
    } else {
      const word = action.split(/\s/, 1)[0] ?? '';
      tool = COMMANDS.has(word) ? word : 'bash';
      input = tool === 'bash' ? { command: action } : { action };
    }
    const kind = toolKind(SWE_AGENT_TOOL_KINDS, tool);
    const id = registry.issue(fc?.id ?? `step-${i + 1}`, tool);
    const command = kind === 'shell' ? (shellCommand(input) ?? action) : undefined;
    events.toolUse(tool, kind, input, id, null, source, command);
    const observation =
      typeof step.observation === 'string' ? step.observation : contentText(step.observation);
    const failed = tool !== 'submit' && isSweAgentFailure(observation);
    events.toolResult(id, tool, truncateMiddle(observation, MAX_TOOL_OUTPUT_CHARS), failed, null, source);
  }
  const name = basename(file).replace(/\.traj$|\.json$/, '');
  const stats = isRecord(info.model_stats) ? info.model_stats : {};
  return [
    {
      external_id: `swe-agent:${name}`,
      agent_id: opts.agent_id ?? 'swe-agent',
      user_id: null,
      team_id: opts.team_id ?? null,
      parent_external_id: null,
      source_format: 'swe-agent',
      source_file: file,
      title: task === '' ? name : `${name}: ${task}`,
      started_at: null,
      ended_at: null,
      metadata: {
        exit_status: typeof info.exit_status === 'string' ? info.exit_status : null,
        function_calling: calls.length > 0,
        api_calls: typeof stats.api_calls === 'number' ? stats.api_calls : null,
        instance_cost: typeof stats.instance_cost === 'number' ? stats.instance_cost : null,
        submitted: typeof info.submission === 'string' && info.submission.trim() !== '',
      },
      events: events.events,
      outcome: sweAgentOutcome(info.exit_status),
    },
  ];
}

/**
 * Emits the history's system prompt, demonstrations and task (everything before the first action).
 * @returns a title from the task (the issue's first line).
 */
function preamble(file: string, history: unknown[], events: EventList): string {
  let title = '';
  for (let i = 0; i < history.length; i++) {
    const m = history[i];
    if (!isRecord(m)) continue;
    if (m.role === 'assistant' && m.is_demo !== true) break;
    const text = contentText(m.content);
    if (text.trim() === '') continue;
    const source = { file, index: i, pointer: `/history/${i}` };
    if (
      m.role === 'system' ||
      m.role === 'assistant' ||
      m.is_demo === true ||
      text.includes('--- DEMONSTRATION ---')
    )
      events.systemMessage(text, null, source);
    else {
      events.userMessage(text, null, source);
      if (title === '') {
        const at = text.indexOf('ISSUE:\n');
        title = titleFrom(at === -1 ? text : text.slice(at + 7), 72);
      }
    }
  }
  return title;
}

/** The 1.0 function calls in history order: one `{id, name, input}` per assistant message with calls. */
function functionCalls(history: unknown[]): { id: string; name: string; input: unknown }[] {
  const out: { id: string; name: string; input: unknown }[] = [];
  for (const m of history) {
    if (!isRecord(m) || m.role !== 'assistant' || m.is_demo === true || !Array.isArray(m.tool_calls))
      continue;
    const c = m.tool_calls[0];
    if (!isRecord(c)) continue;
    const fn = isRecord(c.function) ? c.function : {};
    out.push({
      id: typeof c.id === 'string' ? c.id : `call-${out.length + 1}`,
      name: typeof fn.name === 'string' ? fn.name : 'unknown',
      input: parseArguments(fn.arguments),
    });
  }
  return out;
}
