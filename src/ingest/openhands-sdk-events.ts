/**
 * OpenHands V1 events (the OpenHands Software Agent SDK, OpenHands/software-agent-sdk @ 611629e,
 * `openhands-sdk/openhands/sdk/event/`, stored one per file as `events/event-<index, 5+ digits>-<event
 * id>.json` by `conversation/event_store.py`, names from `persistence_const.py`): each event is
 * `{id: uuid, timestamp, source: user|agent|environment, kind, …}`, `kind` naming its class:
 * - `MessageEvent` `{llm_message: {role, content: [{type: text, text}]}}`;
 * - `SystemPromptEvent` `{system_prompt: {text}}`;
 * - `ActionEvent` `{thought: [{text}], action: {kind: TerminalAction | FileEditorAction | …, …fields},
 *   tool_name, tool_call_id}`;
 * - `ObservationEvent` `{observation: {kind, content: [{text}], is_error, exit_code?, metadata:
 *   {exit_code}}, action_id, tool_name, tool_call_id}`; `AgentErrorEvent` `{error, tool_call_id}`;
 *   `UserRejectObservation` `{rejection_reason, action_id}`;
 * - state, pause, condensation, token and log events, which carry no conversation.
 *
 * {@link fromSdkEvents} rewrites them into the V0 event shape (openhands.ts) so that one normalizer
 * reads both: numeric ids are the events' positions, an observation's `cause` the position of its
 * action (by `action_id`, else by `tool_call_id`). A terminal call becomes `run` (its exit code read as
 * V0's `extras.metadata.exit_code`), a file-editor call `read` (`view`) or `edit`, a browser call
 * `browse`; any other tool keeps its `tool_name` as the action. An observation with `is_error`, an
 * agent error and a rejected action become `error` observations (failed calls); the rejected action's
 * is flagged `user_rejected: true`, which openhands.ts reads as a declined call.
 */
import { isRecord } from './json.js';

/** True for a V1 (SDK) event: string `id`, `kind`, `source` and `timestamp`. */
export function isOpenHandsSdkEvent(v: unknown): boolean {
  return (
    isRecord(v) &&
    typeof v.id === 'string' &&
    typeof v.kind === 'string' &&
    typeof v.source === 'string' &&
    typeof v.timestamp === 'string'
  );
}

/** The text blocks of an SDK content list (`[{type: text, text}]`, or one block, or a string), joined. */
function text(content: unknown): string {
  if (typeof content === 'string') return content;
  if (isRecord(content)) return typeof content.text === 'string' ? content.text : '';
  if (!Array.isArray(content)) return '';
  return content
    .map((b) => (isRecord(b) && typeof b.text === 'string' ? b.text : ''))
    .filter((t) => t !== '')
    .join('\n');
}

/** The V0 action name of an SDK action (see the module comment). */
function actionName(e: Record<string, unknown>, action: Record<string, unknown>): string {
  const kind = typeof action.kind === 'string' ? action.kind : '';
  const tool = typeof e.tool_name === 'string' ? e.tool_name : kind;
  if (/^(Terminal|ExecuteBash|Bash)Action$/.test(kind)) return 'run';
  if (/Editor/.test(kind)) return action.command === 'view' ? 'read' : 'edit';
  if (/^Browser/.test(kind)) return 'browse';
  return tool;
}

/**
 * Rewrites SDK events into V0 events, one for one (events with no conversation become `{action:
 * 'null'}`, which the normalizer skips), so that pointers keep their positions.
 * @param list the events in index order (anything not an SDK event is skipped the same way).
 */
export function fromSdkEvents(list: unknown[]): Record<string, unknown>[] {
  const at: Positions = { byId: new Map(), byCall: new Map() };
  return list.map((e, k) => {
    if (!isRecord(e)) return { id: k, action: 'null' };
    const base = { id: k, timestamp: e.timestamp };
    switch (e.kind) {
      case 'MessageEvent': {
        const m = isRecord(e.llm_message) ? e.llm_message : {};
        return {
          ...base,
          source: e.source === 'user' ? 'user' : 'agent',
          action: 'message',
          args: { content: text(m.content) },
        };
      }
      case 'SystemPromptEvent':
        return { ...base, source: 'agent', action: 'system', args: { content: text(e.system_prompt) } };
      case 'ActionEvent':
        return sdkAction(e, base, at);
      case 'ObservationEvent':
        return sdkObservation(e, base, at);
      case 'AgentErrorEvent':
      case 'UserRejectObservation': {
        const cause = causeOf(e, at);
        const content =
          e.kind === 'AgentErrorEvent'
            ? String(e.error ?? '')
            : `rejected: ${String(e.rejection_reason ?? '')}`;
        return {
          ...base,
          source: 'agent',
          observation: 'error',
          content,
          ...(cause === undefined ? {} : { cause }),
          ...(e.kind === 'UserRejectObservation' ? { user_rejected: true } : {}),
        };
      }
      default:
        return { id: k, action: 'null' };
    }
  });
}

/** Positions of the actions seen so far, by event id (`action_id`) and by `tool_call_id`. */
interface Positions {
  byId: Map<string, number>;
  byCall: Map<string, number>;
}

/** Base fields of a rewritten event: its position as `id`, and the SDK event's `timestamp`. */
type Base = { id: number; timestamp: unknown };

/** An `ActionEvent` as a V0 action (its position recorded in `at` for the observations that follow). */
function sdkAction(e: Record<string, unknown>, base: Base, at: Positions): Record<string, unknown> {
  const action = isRecord(e.action) ? e.action : {};
  const { kind: _kind, ...fields } = action;
  at.byId.set(String(e.id), base.id);
  if (typeof e.tool_call_id === 'string') at.byCall.set(e.tool_call_id, base.id);
  return {
    ...base,
    source: 'agent',
    action: actionName(e, action),
    args: { ...fields, thought: text(e.thought) },
    tool_call_metadata: {
      function_name: typeof e.tool_name === 'string' ? e.tool_name : actionName(e, action),
      tool_call_id: e.tool_call_id,
    },
  };
}

/** An `ObservationEvent` as a V0 observation: `run` (terminal), `error` (`is_error`) or `tool`. */
function sdkObservation(e: Record<string, unknown>, base: Base, at: Positions): Record<string, unknown> {
  const obs = isRecord(e.observation) ? e.observation : {};
  const kind = typeof obs.kind === 'string' ? obs.kind : '';
  const meta = isRecord(obs.metadata) ? obs.metadata : {};
  const exit = typeof obs.exit_code === 'number' ? obs.exit_code : meta.exit_code;
  const name =
    obs.is_error === true ? 'error' : /^(Terminal|ExecuteBash|Bash)Observation$/.test(kind) ? 'run' : 'tool';
  const cause = causeOf(e, at);
  return {
    ...base,
    source: 'environment',
    observation: name,
    content: text(obs.content),
    extras: { metadata: typeof exit === 'number' ? { exit_code: exit } : {} },
    ...(cause === undefined ? {} : { cause }),
  };
}

/** The position of the action an observation answers: by `action_id`, else by `tool_call_id`. */
function causeOf(e: Record<string, unknown>, at: Positions): number | undefined {
  if (typeof e.action_id === 'string' && at.byId.has(e.action_id)) return at.byId.get(e.action_id);
  return typeof e.tool_call_id === 'string' ? at.byCall.get(e.tool_call_id) : undefined;
}
