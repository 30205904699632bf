/**
 * OpenHands event streams (github.com/All-Hands-AI/OpenHands, `openhands/events/serialization`):
 * - evaluation output, `output.jsonl`: one line per benchmark instance `{instance_id, instruction,
 *   metadata: {agent_class, llm_config: {model}}, history: [events], metrics, error, test_result,
 *   instance}` → one session per line;
 * - a bare event list (a JSON array of events, as saved trajectories and replay files are) → one
 *   session.
 *
 * Events are actions `{id, timestamp, source: agent|user|environment, action, args, message,
 * tool_call_metadata: {function_name, tool_call_id}}` and observations `{id, cause, observation,
 * content, extras}`; an observation's `cause` is the `id` of the action it answers (ids restart in
 * every session, and `tool_call_id`s such as `toolu_01` too, so pairing is per session).
 *
 * Mapping: action `system` → `system.message`; `message` → `user.message` or `agent.message` by
 * `source`; `think` → `agent.thinking`; `finish` → `agent.message` (its final thought); `recall`,
 * `change_agent_state` and their observations, `null` and `agent_state_changed` observations are
 * skipped. Every other action (`run`, `read`, `edit`, `browse`, `run_ipython`, `mcp`, …) →
 * `agent.thinking` for a non-empty `args.thought`, then `agent.tool_use` (tool =
 * `tool_call_metadata.function_name`, else the action; kind from the action through
 * {@link OPENHANDS_TOOL_KINDS}; `command` for `run`; `call_id` `<event id>`), and the observation
 * whose `cause` is that id → `agent.tool_result`: `exit_code` from `extras.metadata.exit_code` for
 * `run` (-1, "no exit yet", is neither recorded nor a failure), failed when the exit code is not 0,
 * the observation is `error`, or an editor observation starts with `ERROR:`; an action the person
 * rejected (`user_rejected`, not failed in V0) is `declined`. An `error` observation
 * that answers no action (a malformed call the runtime rejected) → `system.message`.
 * Outcome: `test_result.report.resolved` (SWE-bench) → satisfied / failed; otherwise a run stopped
 * by an `error` (e.g. maximum iterations) → failed, source `openhands.error`; otherwise the resolver's
 * `success` (a model's judgement, not a test) → `unknown` labelled `resolver_success|resolver_failure`,
 * source `openhands.resolver`; otherwise none.
 * The OpenHands resolver's `output.jsonl` (`{issue: {owner, repo, number}, instruction, history,
 * success, result_explanation, git_patch}`, external_id `openhands:<owner>/<repo>#<number>`; its first
 * message is the resolver's prompt template around the issue → `system.message`, and the issue's
 * `title` and `body`, the person's words, → `user.message`) and other
 * older files use a flat event shape without ids, read by {@link fromLegacy}.
 * external_id `openhands:<instance_id>` (`openhands:<file basename>` for a bare list); agent_id
 * `openhands`. Pointers: `{file, line, index, pointer: '/history/<i>'}` (JSONL) or `{file, index,
 * pointer: '/<i>'}` (a list).
 */
import { basename } from 'node:path';
import { ImportError, type Outcome, type SourcePointer } from '../domain/index.js';
import { EventList } from './event-list.js';
import { completeLines } from './growing.js';
import { forEachJsonLine, isRecord } from './json.js';
import { MAX_TOOL_OUTPUT_CHARS, titleFrom, truncateMiddle } from './text.js';
import { utcTimestamp } from './timestamps.js';
import { OPENHANDS_TOOL_KINDS, shellCommand, toolKind } from './tool-kinds.js';
import type { ImportedSession, ImporterOptions } from './types.js';

const SKIPPED_ACTIONS = new Set(['recall', 'change_agent_state', 'null']);

/**
 * The observation OpenHands (V0) records when the person rejected an action awaiting their confirmation
 * (`ObservationType.USER_REJECTED`, `UserRejectObservation` "Action has been rejected by the user!
 * Waiting for further user input.", `openhands/events/observation/reject.py` and the runtimes'
 * `run_action`); the V1 SDK's `UserRejectObservation` is rewritten to an `error` observation flagged
 * `user_rejected` (openhands-sdk-events.ts).
 */
const USER_REJECTED = 'user_rejected';

/** True for an OpenHands event: a numeric `id` and an `action` or `observation` name. */
export function isOpenHandsEvent(v: unknown): boolean {
  return (
    isRecord(v) &&
    typeof v.id === 'number' &&
    (typeof v.action === 'string' || typeof v.observation === 'string')
  );
}

/**
 * True for an `output.jsonl` line: `{instance_id, history: [events]}`, or the OpenHands resolver's
 * `{issue: {owner, repo, number}, history: [events], success}` whose first event is an action or an
 * observation.
 */
export function isOpenHandsOutputLine(o: Record<string, unknown>): boolean {
  if (!Array.isArray(o.history)) return false;
  if (typeof o.instance_id === 'string') return true;
  const first = o.history[0];
  return (
    isRecord(o.issue) &&
    isRecord(first) &&
    (typeof first.action === 'string' || typeof first.observation === 'string')
  );
}

/** The resolver's issue as its author wrote it (`title`, blank line, `body`), else `undefined`. */
function issueText(o: Record<string, unknown>): string | undefined {
  if (!isRecord(o.issue)) return undefined;
  const text = [o.issue.title, o.issue.body]
    .filter((x) => typeof x === 'string' && x.trim() !== '')
    .join('\n\n');
  return text === '' ? undefined : text;
}

/** The resolver's issue `{owner, repo, number}` as `owner/repo#number`, else `null`. */
function issueId(o: Record<string, unknown>): string | null {
  const issue = isRecord(o.issue) ? o.issue : null;
  if (issue === null || typeof issue.repo !== 'string') return null;
  return `${String(issue.owner ?? '')}/${issue.repo}#${String(issue.number ?? '')}`;
}

/**
 * Imports an OpenHands evaluation `output.jsonl` (one session per line).
 * @throws ImportError `file:line: …` for a line that does not parse or has no `history` array.
 */
export function importOpenHandsJsonl(
  file: string,
  text: string,
  opts: ImporterOptions = {},
): ImportedSession[] {
  const sessions: ImportedSession[] = [];
  forEachJsonLine(
    file,
    completeLines(text),
    (o, line) => {
      if (!isRecord(o) || !Array.isArray(o.history))
        throw new ImportError(file, 'expected an OpenHands output line {instance_id, history: […]}', line);
      const id =
        typeof o.instance_id === 'string' ? o.instance_id : (issueId(o) ?? `${basename(file)}:${line}`);
      const events = eventsOf(
        file,
        o.history,
        (i) => ({ file, line, index: i, pointer: `/history/${i}` }),
        issueText(o),
      );
      const meta = isRecord(o.metadata) ? o.metadata : {};
      const llm = isRecord(meta.llm_config) ? meta.llm_config : {};
      sessions.push(
        session(file, `openhands:${id}`, events, opts, outcomeOf(o), {
          instance_id: id,
          agent_class: typeof meta.agent_class === 'string' ? meta.agent_class : null,
          model: typeof llm.model === 'string' ? llm.model : null,
          error: typeof o.error === 'string' ? o.error : null,
        }),
      );
    },
    opts.first_line,
  );
  return sessions;
}

/**
 * Imports a bare OpenHands event list (one session).
 * @throws ImportError when `data` is not an array of events (`element 3: expected an OpenHands event`).
 */
export function importOpenHandsEvents(
  file: string,
  data: unknown,
  opts: ImporterOptions = {},
): ImportedSession[] {
  // A bare list, or a saved trajectory {history: [events]}.
  const list = Array.isArray(data)
    ? data
    : isRecord(data) && Array.isArray(data.history)
      ? data.history
      : null;
  if (list === null)
    throw new ImportError(file, 'openhands: expected a JSON array of events or {history: [...]}');
  const base = Array.isArray(data) ? '' : '/history';
  const events = eventsOf(file, list, (i) => ({ file, index: i, pointer: `${base}/${i}` }));
  return [session(file, `openhands:${basename(file)}`, events, opts, null, {})];
}

/**
 * Imports one conversation of OpenHands' file store (read by openhands-file-store.ts): its events in
 * id order, normalized as an event list is (pairing observations to actions by `cause`).
 * @param dir the conversation's `events` folder (the session's `source_file`).
 * @param id the conversation id (its folder's name): external_id `openhands:<id>`.
 * @param events the events, each with the pointer of the file it came from.
 * @param metadata the session metadata (the conversation's `metadata.json` fields that reverie keeps);
 *   a string `title` there becomes the session title.
 * @throws ImportError when an event is not a JSON object (the reader checks this first, naming its file).
 */
export function importOpenHandsConversation(
  dir: string,
  id: string,
  events: { value: unknown; source: SourcePointer }[],
  metadata: Record<string, unknown>,
  opts: ImporterOptions = {},
): ImportedSession {
  const list = eventsOf(
    dir,
    events.map((e) => e.value),
    (i) => events[i]!.source,
  );
  const s = session(dir, `openhands:${id}`, list, opts, null, metadata);
  if (typeof metadata.title === 'string' && metadata.title.trim() !== '') s.title = titleFrom(metadata.title);
  return s;
}

/** SWE-bench report in `test_result`, else the run's `error`, else `null`. */
function outcomeOf(o: Record<string, unknown>): Outcome | null {
  const tr = isRecord(o.test_result) ? o.test_result : {};
  const report = isRecord(tr.report) ? tr.report : tr;
  if (typeof report.resolved === 'boolean') {
    return {
      result: report.resolved ? 'satisfied' : 'failed',
      score: report.resolved ? 1 : 0,
      labels: [],
      explanation: `SWE-bench: ${report.resolved ? 'resolved' : 'not resolved'}`,
      source: 'swe-bench.report',
    };
  }
  if (typeof o.error === 'string' && o.error !== '') {
    return { result: 'failed', score: null, labels: [], explanation: o.error, source: 'openhands.error' };
  }
  if (typeof o.success === 'boolean') {
    // The resolver's `success` is a model's reading of the final message, not a test run: kept as a label.
    const said = typeof o.result_explanation === 'string' ? o.result_explanation : '';
    return {
      result: 'unknown',
      score: null,
      labels: [o.success ? 'resolver_success' : 'resolver_failure'],
      explanation: `OpenHands resolver judged the issue ${o.success ? '' : 'not '}resolved${said === '' ? '' : `: ${truncateMiddle(said, 500)}`}`,
      source: 'openhands.resolver',
    };
  }
  return null;
}

/**
 * Normalizes one event stream; `at(i)` is the pointer of element `i`. `task`: the person's words the
 * first user message wraps (the resolver's issue): that message is then the harness's prompt, a
 * `system.message`, followed by `task` as the `user.message`.
 */
function eventsOf(
  file: string,
  history: unknown[],
  at: (i: number) => SourcePointer,
  task?: string,
): EventList {
  const events = new EventList();
  const pending = { task };
  const actions = new Map<number, { tool: string; action: string }>();
  const legacy = { lastAction: -1, agentActed: false };
  for (let i = 0; i < history.length; i++) {
    const raw = history[i];
    if (!isRecord(raw)) throw new ImportError(file, `${at(i).pointer}: expected an OpenHands event`);
    const e = raw.id === undefined ? fromLegacy(raw, i, legacy) : raw;
    // Naive timestamps (no offset) are UTC.
    const ts = utcTimestamp(e.timestamp);
    if (typeof e.action === 'string') action(e, e.action, ts, at(i), events, actions, pending);
    else if (typeof e.observation === 'string') observation(e, e.observation, ts, at(i), events, actions);
  }
  return events;
}

/**
 * An event of the flat, id-less serialization older OpenHands wrote (the resolver's `output.jsonl`):
 * action fields beside `action`, observation fields beside `observation`, no `id`, `cause` or `source`,
 * each observation answering the action just before it. Returns the same event in the current shape:
 * `id` = its index, `cause` = the last action's index, `args` / `extras` (a top-level `exit_code` as
 * `extras.metadata.exit_code`); a `message` before any agent action is the user's, later ones the agent's.
 */
function fromLegacy(
  e: Record<string, unknown>,
  i: number,
  state: { lastAction: number; agentActed: boolean },
): Record<string, unknown> {
  if (typeof e.action === 'string') {
    const { action: name, ...args } = e;
    const source = name === 'message' && !state.agentActed ? 'user' : 'agent';
    if (name !== 'message') state.agentActed = true;
    state.lastAction = i;
    return { id: i, action: name, source, args };
  }
  const { observation: name, content, ...extras } = e;
  const metadata = typeof extras.exit_code === 'number' ? { exit_code: extras.exit_code } : {};
  return { id: i, observation: name, cause: state.lastAction, content, extras: { ...extras, metadata } };
}

function action(
  e: Record<string, unknown>,
  name: string,
  ts: string | null,
  source: SourcePointer,
  events: EventList,
  actions: Map<number, { tool: string; action: string }>,
  pending: { task?: string } = {},
): void {
  const args = isRecord(e.args) ? e.args : {};
  const text = (k: string) => (typeof args[k] === 'string' ? (args[k] as string) : '');
  const said = text('content') || (typeof e.message === 'string' ? e.message : '');
  if (SKIPPED_ACTIONS.has(name)) return;
  if (name === 'system') {
    if (said !== '') events.systemMessage(said, ts, source);
  } else if (name === 'message') {
    if (said === '') return;
    if (e.source === 'user' && pending.task !== undefined) {
      events.systemMessage(said, ts, source);
      events.userMessage(pending.task, ts, source);
      pending.task = undefined;
    } else if (e.source === 'user') events.userMessage(said, ts, source);
    else events.agentMessage(said, ts, source);
  } else if (name === 'think') {
    if (text('thought') !== '') events.thinking(text('thought'), ts, source);
  } else if (name === 'finish') {
    const final = text('final_thought') || text('thought') || said;
    if (final !== '') events.agentMessage(final, ts, source);
  } else {
    if (text('thought').trim() !== '') events.thinking(text('thought'), ts, source);
    const meta = isRecord(e.tool_call_metadata) ? e.tool_call_metadata : {};
    const tool = typeof meta.function_name === 'string' ? meta.function_name : name;
    const kind = toolKind(OPENHANDS_TOOL_KINDS, name);
    const { thought: _t, ...input } = args;
    const id = String(e.id);
    actions.set(e.id as number, { tool, action: name });
    events.toolUse(tool, kind, input, id, ts, source, kind === 'shell' ? shellCommand(input) : undefined);
  }
}

function observation(
  e: Record<string, unknown>,
  name: string,
  ts: string | null,
  source: SourcePointer,
  events: EventList,
  actions: Map<number, { tool: string; action: string }>,
): void {
  const content = typeof e.content === 'string' ? e.content : '';
  const call = typeof e.cause === 'number' ? actions.get(e.cause) : undefined;
  if (call === undefined) {
    // A malformed call the runtime rejected before any action existed: harness feedback.
    if (name === 'error' && content !== '') events.systemMessage(content, ts, source);
    return;
  }
  const extras = isRecord(e.extras) ? e.extras : {};
  const meta = isRecord(extras.metadata) ? extras.metadata : {};
  let exit: number | undefined;
  if (name === 'run' && typeof meta.exit_code === 'number' && meta.exit_code !== -1) exit = meta.exit_code;
  const failed =
    name === 'error' ||
    (exit !== undefined && exit !== 0) ||
    (name !== 'run' && content.startsWith('ERROR:'));
  const result = events.toolResult(
    String(e.cause),
    call.tool,
    truncateMiddle(content, MAX_TOOL_OUTPUT_CHARS),
    failed,
    ts,
    source,
    exit,
  );
  if (name === USER_REJECTED || e.user_rejected === true) result.declined = true;
}

function session(
  file: string,
  externalId: string,
  events: EventList,
  opts: ImporterOptions,
  outcome: Outcome | null,
  metadata: Record<string, unknown>,
): ImportedSession {
  const list = events.events;
  const first = list.find((e) => e.type === 'user.message');
  let started: string | null = null;
  let ended: string | null = null;
  for (const e of list) {
    if (e.timestamp === null) continue;
    started ??= e.timestamp;
    ended = e.timestamp;
  }
  return {
    external_id: externalId,
    agent_id: opts.agent_id ?? 'openhands',
    user_id: null,
    team_id: opts.team_id ?? null,
    parent_external_id: null,
    source_format: 'openhands',
    source_file: file,
    title:
      typeof metadata.instance_id === 'string'
        ? metadata.instance_id
        : (first && 'text' in first ? titleFrom(first.text) : '') || externalId,
    started_at: started,
    ended_at: ended,
    metadata,
    events: list,
    outcome,
  };
}
