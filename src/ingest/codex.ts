/**
 * Codex CLI rollouts (`~/.codex/sessions/YYYY/MM/DD/rollout-<time>-<uuid>.jsonl`; item types from
 * codex-rs `protocol/src/models.rs` and `protocol.rs`): one `{timestamp, type, payload}` per line,
 * `type` one of `session_meta` (`{id, cwd, cli_version, originator, base_instructions}`), `turn_context`
 * (`{model, cwd, …}`), `response_item` (the Responses API items the model saw: `message`,
 * `reasoning`, `function_call`, `function_call_output`, `custom_tool_call(_output)`,
 * `local_shell_call`, `web_search_call`) and `event_msg` (what the UI showed: `user_message`,
 * `agent_message`, `exec_command_end`, `patch_apply_end`, `token_count`, …). One file is one session.
 *
 * Mapping:
 * - `message` developer/system → `system.message`; user → `user.message`, except the parts Codex
 *   injects (AGENTS.md instructions, `<environment_context>`, `<skill>`, `<user_shell_command>`,
 *   `<permissions instructions>`, …; see {@link isCodexInjected}), which are `system.message`s; assistant → `agent.message`. User and assistant text also appear as
 *   `event_msg/user_message|agent_message`: the second copy of a text (whichever comes second) is dropped.
 * - `reasoning` → `agent.thinking` from its summary or content text (encrypted-only reasoning is skipped).
 * - `function_call` / `custom_tool_call` / `local_shell_call` → `agent.tool_use` (arguments parsed;
 *   kind from {@link CODEX_TOOL_KINDS}; shell calls' `command` from `cmd` / `command`), paired with
 *   `function_call_output` / `custom_tool_call_output` by `call_id`. Outputs are either plain text
 *   (`Chunk ID…\nProcess exited with code N\nOutput:\n…`: the header is dropped, N is the exit code)
 *   or, in older CLIs, a JSON string `{output, metadata: {exit_code}}`.
 * - `event_msg/exec_command_end` (same `call_id`) is the reliable exit code: it sets `exit_code` and
 *   `is_error = exit_code ≠ 0` on the command's result, and replaces a still-running result's
 *   content with the command's output. `patch_apply_end.success: false` marks the patch's result
 *   failed. Polls of a running process (`write_stdin`) keep their own result and are failed only
 *   when the poll itself failed (`write_stdin failed: …`). A call the person declined at its approval
 *   prompt is `declined`: its output reads "exec command rejected by user" / "patch rejected by user",
 *   or its `exec_command_end` / `patch_apply_end` has `status: declined` (newer CLIs). No rollout
 *   read so far holds one; templates from codex-rs.
 * - `web_search_call` → a `web` tool call (query as input) and its result (`[web search <status>]`).
 * - skipped: `token_count`, `task_started`, `task_complete`, `turn_context` (models go to metadata).
 * - The first rollout layout (codex-cli before `session_meta`: a `{id, timestamp, instructions}` line,
 *   then bare Responses items and `{record_type: 'state'}` lines) is read the same way.
 * - external_id `codex:<session_meta.id>`; agent_id `codex`; pointers `{file, line}` (plus
 *   `/payload/content/<k>` for message parts).
 */
import { basename } from 'node:path';
import {
  type AgentToolResultEvent,
  ImportError,
  type SourcePointer,
  type Timestamp,
} from '../domain/index.js';
import { parseArguments } from './chat-messages.js';
import { EventList } from './event-list.js';
import { completeLines } from './growing.js';
import { forEachJsonLine, isRecord } from './json.js';
import { MAX_TOOL_OUTPUT_CHARS, titleFrom, truncateMiddle } from './text.js';
import { utcTimestamp } from './timestamps.js';
import { argvCommand, CODEX_TOOL_KINDS, shellCommand, toolKind } from './tool-kinds.js';
import type { ImportedSession, ImporterOptions } from './types.js';

const ROLLOUT_TYPES = new Set(['session_meta', 'turn_context', 'response_item', 'event_msg', 'compacted']);

/**
 * Starts of the user-role texts Codex injects (instructions and context, not the person's words): the
 * contextual-user fragments codex-rs registers (`core/src/model_visible_context.rs`: AGENTS.md
 * instructions, `<environment_context>`, `<skill>` (a SKILL.md's text), `<plugins>`,
 * `<user_shell_command>` (a `!command` the person ran and its output), `<turn_aborted>`, the legacy
 * `<subagent_notification>`), older ones (`<user_instructions>`, `<INSTRUCTIONS>`) and developer-style
 * parts that reach the user role (`<permissions instructions>`, `<collaboration_mode>`,
 * `<subagents>`), and the summary a compaction leaves in the user role (codex-rs `SUMMARY_PREFIX`:
 * `Another language model started to solve this problem…`, a model's words about the work, the
 * person's preferences paraphrased among them). Codex compares them ignoring case.
 */
const INJECTED_PREFIXES = [
  '# agents.md instructions',
  '<environment_context>',
  '<user_instructions>',
  '<permissions instructions>',
  '<collaboration_mode>',
  '<turn_aborted>',
  '<instructions>',
  '<skill>',
  '<plugins>',
  '<user_shell_command>',
  '<subagent_notification>',
  '<subagents>',
  'another language model started to solve this problem',
];

/**
 * The output Codex gives the model for a call the person declined at its approval prompt
 * (`ReviewDecision::Denied` or `Abort`): "exec command rejected by user", "patch rejected by user"
 * (codex-rs `core`; not "patch rejected: <reason>", which is Codex's own safety check).
 */
const DECLINED_OUTPUT = /^(?:exec command|patch) rejected by user\b/;

/** Poll and tool failures that Codex reports in the output text. */
const FAILED_OUTPUT = /^(\w+ failed:|exec command rejected|Failed to |failed to |error: |Error: )/;

/** True for a parsed rollout line: `{timestamp, type: session_meta|…, payload: {…}}`. */
export function isCodexRolloutLine(o: Record<string, unknown>): boolean {
  return typeof o.type === 'string' && ROLLOUT_TYPES.has(o.type) && isRecord(o.payload);
}

/** Bare Responses item types that the first Codex CLI rollouts wrote one per line, without `payload`. */
const LEGACY_ITEMS = new Set([
  'message',
  'reasoning',
  'function_call',
  'function_call_output',
  'local_shell_call',
]);

/**
 * True for a line of the first rollout layout (codex-cli before `session_meta`): a bare Responses item
 * (`{type: 'message', role, content}`, `{type: 'function_call', call_id, …}`) or a
 * `{record_type: 'state'}` line.
 */
export function isLegacyCodexLine(o: Record<string, unknown>): boolean {
  if (o.record_type === 'state') return true;
  return (
    typeof o.type === 'string' &&
    LEGACY_ITEMS.has(o.type) &&
    !('payload' in o) &&
    (typeof o.role === 'string' || typeof o.call_id === 'string' || o.type === 'reasoning')
  );
}

/** True for user-role text that Codex injected (AGENTS.md, environment context …). */
export function isCodexInjected(text: string): boolean {
  const t = text.trimStart().slice(0, 64).toLowerCase();
  return INJECTED_PREFIXES.some((p) => t.startsWith(p));
}

/**
 * Splits a plain-text tool output (`Chunk ID: …\nWall time: …\nProcess exited with code N\n…Output:\n<out>`)
 * into its exit code (`null` while the process still runs) and output; other texts are returned whole.
 */
export function parseCodexOutput(text: string): { exit_code: number | null | undefined; output: string } {
  if (!text.startsWith('Chunk ID:') && !text.startsWith('Exit code:'))
    return { exit_code: undefined, output: text };
  const at = text.indexOf('\nOutput:\n');
  const header = at === -1 ? text : text.slice(0, at);
  const m = /(?:Process exited with code|Exit code:) (-?\d+)/.exec(header);
  const exit = m ? Number(m[1]) : header.includes('Process running') ? null : undefined;
  return { exit_code: exit, output: at === -1 ? '' : text.slice(at + 9) };
}

/** The state of one rollout being read. */
class RolloutReader {
  readonly events = new EventList();
  readonly meta: Record<string, unknown> = {};
  readonly models = new Set<string>();
  started: Timestamp | null = null;
  ended: Timestamp | null = null;
  #calls = new Map<string, { tool: string; kind: string }>();
  #results = new Map<string, AgentToolResultEvent>();
  #exits = new Map<string, { exit: number; output: string }>();
  #failedPatches = new Set<string>();
  /** Calls whose `exec_command_end` / `patch_apply_end` says `status: declined`. */
  #declined = new Set<string>();
  /** Copies of user and agent texts (trimmed) seen in one stream and not yet in the other, by role and stream. */
  #copies = {
    user: { item: new Map<string, number>(), event: new Map<string, number>() },
    agent: { item: new Map<string, number>(), event: new Map<string, number>() },
  };
  #lastWebSearch: string | null = null;

  readonly file: string;
  constructor(file: string) {
    this.file = file;
  }

  line(o: Record<string, unknown>, line: number): void {
    const p = o.payload as Record<string, unknown>;
    const ts = utcTimestamp(o.timestamp);
    if (ts !== null) {
      this.started ??= ts;
      this.ended = ts;
    }
    const source: SourcePointer = { file: this.file, line };
    if (o.type === 'session_meta') this.#sessionMeta(p, ts, source);
    else if (o.type === 'turn_context' && typeof p.model === 'string') this.models.add(p.model);
    else if (o.type === 'response_item') this.#item(p, ts, source);
    else if (o.type === 'event_msg') this.#event(p, ts, source);
  }

  #sessionMeta(p: Record<string, unknown>, ts: Timestamp | null, source: SourcePointer): void {
    for (const k of ['id', 'cwd', 'cli_version', 'originator', 'model_provider'])
      if (typeof p[k] === 'string') this.meta[k] ??= p[k];
    const base = isRecord(p.base_instructions);
    const bi = base ? (p.base_instructions as Record<string, unknown>).text : p.instructions;
    const pointer = base ? '/payload/base_instructions/text' : '/instructions';
    if (typeof bi === 'string' && bi !== '') this.events.systemMessage(bi, ts, { ...source, pointer });
  }

  #item(p: Record<string, unknown>, ts: Timestamp | null, source: SourcePointer): void {
    switch (p.type) {
      case 'message':
        this.#message(p, ts, source);
        return;
      case 'reasoning': {
        const parts = [
          ...(Array.isArray(p.summary) ? p.summary : []),
          ...(Array.isArray(p.content) ? p.content : []),
        ];
        const text = parts
          .map((x) => (isRecord(x) && typeof x.text === 'string' ? x.text : ''))
          .filter((x) => x !== '')
          .join('\n');
        if (text !== '') this.events.thinking(text, ts, source);
        return;
      }
      case 'function_call':
      case 'custom_tool_call': {
        const name = typeof p.name === 'string' ? p.name : 'unknown';
        const input = p.type === 'function_call' ? parseArguments(p.arguments) : (p.input ?? '');
        this.#call(name, input, p.call_id, ts, source);
        return;
      }
      case 'local_shell_call': {
        const action = isRecord(p.action) ? p.action : {};
        this.#call('local_shell', action, p.call_id ?? p.id, ts, source);
        return;
      }
      case 'function_call_output':
      case 'custom_tool_call_output':
      case 'local_shell_call_output':
        this.#output(p, ts, source);
        return;
      case 'web_search_call': {
        const id = this.#lastWebSearch ?? `web-search-${source.line}`;
        this.#lastWebSearch = null;
        const status = typeof p.status === 'string' ? p.status : 'completed';
        this.#call('web_search', isRecord(p.action) ? p.action : {}, id, ts, source);
        this.events.toolResult(id, 'web_search', `[web search ${status}]`, status === 'failed', ts, source);
        return;
      }
      default:
        return;
    }
  }

  #message(p: Record<string, unknown>, ts: Timestamp | null, source: SourcePointer): void {
    const role = p.role;
    const content = Array.isArray(p.content) ? p.content : [];
    for (let k = 0; k < content.length; k++) {
      const part = content[k];
      if (!isRecord(part) || typeof part.text !== 'string' || part.text.trim() === '') continue;
      const text = part.text;
      const at = { ...source, pointer: `/payload/content/${k}` };
      if (role === 'assistant')
        this.#once('agent', 'item', text, () => this.events.agentMessage(text, ts, at));
      else if (role === 'user' && !isCodexInjected(text))
        this.#once('user', 'item', text, () => this.events.userMessage(text, ts, at));
      else this.events.systemMessage(text, ts, at);
    }
  }

  #event(p: Record<string, unknown>, ts: Timestamp | null, source: SourcePointer): void {
    switch (p.type) {
      case 'user_message':
        if (typeof p.message === 'string' && p.message.trim() !== '' && !isCodexInjected(p.message)) {
          const text = p.message;
          this.#once('user', 'event', text, () => this.events.userMessage(text, ts, source));
        }
        return;
      case 'agent_message':
        if (typeof p.message === 'string' && p.message.trim() !== '') {
          const text = p.message;
          this.#once('agent', 'event', text, () => this.events.agentMessage(text, ts, source));
        }
        return;
      case 'exec_command_end':
        if (typeof p.call_id === 'string' && p.status === 'declined') this.#decline(p.call_id);
        if (typeof p.call_id === 'string' && typeof p.exit_code === 'number') {
          const output = typeof p.aggregated_output === 'string' ? p.aggregated_output : '';
          this.#exits.set(p.call_id, { exit: p.exit_code, output });
          this.#applyExit(p.call_id);
        }
        return;
      case 'patch_apply_end':
        if (typeof p.call_id === 'string' && p.status === 'declined') this.#decline(p.call_id);
        if (typeof p.call_id === 'string' && p.success === false) {
          this.#failedPatches.add(p.call_id);
          const r = this.#results.get(p.call_id);
          if (r) r.is_error = true;
        }
        return;
      case 'web_search_end':
        if (typeof p.call_id === 'string') this.#lastWebSearch = p.call_id;
        return;
      case 'error':
        if (typeof p.message === 'string') this.events.systemMessage(`Error: ${p.message}`, ts, source);
        return;
      default:
        return;
    }
  }

  /**
   * Emits a user or agent text unless it is the second copy (from the other stream) of a text seen
   * once already: `from` is the stream this copy comes from.
   */
  #once(role: 'user' | 'agent', from: 'item' | 'event', text: string, emit: () => void): void {
    // One map per stream, keyed by the trimmed text itself: a `stream + NUL + text` key was a new string
    // per lookup that the map had to copy flat and hash whole.
    const key = text.trim();
    const copies = this.#copies[role];
    const other = from === 'item' ? copies.event : copies.item;
    const n = other.get(key) ?? 0;
    if (n > 0) {
      other.set(key, n - 1);
      return;
    }
    const own = copies[from];
    own.set(key, (own.get(key) ?? 0) + 1);
    emit();
  }

  #call(name: string, input: unknown, rawId: unknown, ts: Timestamp | null, source: SourcePointer): void {
    const id = typeof rawId === 'string' && rawId !== '' ? rawId : `call-${source.line}`;
    const kind = toolKind(CODEX_TOOL_KINDS, name);
    let command: string | undefined;
    if (kind === 'shell' && name !== 'write_stdin') {
      command = shellCommand(input);
      if (command === undefined && isRecord(input) && Array.isArray(input.command))
        command = argvCommand(input.command as string[]);
    }
    this.#calls.set(id, { tool: name, kind });
    this.events.toolUse(name, kind, input, id, ts, source, command);
  }

  #output(p: Record<string, unknown>, ts: Timestamp | null, source: SourcePointer): void {
    const id = typeof p.call_id === 'string' ? p.call_id : `result-${source.line}`;
    const call = this.#calls.get(id);
    let text = typeof p.output === 'string' ? p.output : JSON.stringify(p.output ?? '');
    let exit: number | null | undefined;
    // Older CLIs (and apply_patch): a JSON string {output, metadata: {exit_code}}.
    if (text.startsWith('{"output"')) {
      const v = parseArguments(text);
      if (isRecord(v) && typeof v.output === 'string') {
        text = v.output;
        const m = isRecord(v.metadata) ? v.metadata.exit_code : undefined;
        if (typeof m === 'number') exit = m;
      }
    } else if (text.startsWith('Chunk ID:') || text.startsWith('Exit code:')) {
      const parsed = parseCodexOutput(text);
      text = parsed.output;
      if (call?.tool !== 'write_stdin') exit = parsed.exit_code ?? undefined;
    } else if (FAILED_OUTPUT.test(text)) exit = null; // the tool itself failed (no process ran)
    const failed = exit === null || (exit !== undefined && exit !== 0);
    if (exit === null) exit = undefined;
    const shell = call?.kind === 'shell' && call.tool !== 'write_stdin';
    const r = this.events.toolResult(
      id,
      call?.tool ?? null,
      truncateMiddle(text, MAX_TOOL_OUTPUT_CHARS),
      failed || this.#failedPatches.has(id),
      ts,
      source,
      shell ? exit : undefined,
    );
    if (DECLINED_OUTPUT.test(text) || this.#declined.has(id)) r.declined = true;
    this.#results.set(id, r);
    this.#applyExit(id);
  }

  /** Marks a call the person declined (its end event says so), whether its result is read yet or not. */
  #decline(id: string): void {
    this.#declined.add(id);
    const r = this.#results.get(id);
    if (r) r.declined = true;
  }

  /** Applies a command's `exec_command_end` to its result once both are read. */
  #applyExit(id: string): void {
    const end = this.#exits.get(id);
    const r = this.#results.get(id);
    if (end === undefined || r === undefined) return;
    r.exit_code = end.exit;
    r.is_error = end.exit !== 0;
    if (r.content === '' && end.output !== '') r.content = truncateMiddle(end.output, MAX_TOOL_OUTPUT_CHARS);
  }
}

/**
 * Imports a Codex CLI rollout file (one session).
 * @returns the session, or none when the file holds no conversation.
 * @throws ImportError `file:line: invalid JSON: …` or `file:line: expected a rollout line
 *   {timestamp, type, payload}`.
 */
export function importCodex(file: string, text: string, opts: ImporterOptions = {}): ImportedSession[] {
  const reader = new RolloutReader(file);
  forEachJsonLine(
    file,
    completeLines(text),
    (o, line) => {
      if (!isRecord(o))
        throw new ImportError(file, 'expected a rollout line {timestamp, type, payload}', line);
      if (typeof o.type === 'string' && isRecord(o.payload)) reader.line(o, line);
      else if (isLegacyCodexLine(o) && o.record_type !== 'state')
        reader.line({ timestamp: o.timestamp, type: 'response_item', payload: o }, line);
      else if (line === 1 && typeof o.id === 'string')
        // The first layout opens with {id, timestamp, instructions}: the session's meta line.
        reader.line({ timestamp: o.timestamp, type: 'session_meta', payload: o }, line);
    },
    opts.first_line,
  );
  const events = reader.events.events;
  if (!events.some((e) => e.type !== 'system.message')) return [];
  const id =
    typeof reader.meta.id === 'string' ? reader.meta.id : basename(file).replace(/^rollout-|\.jsonl$/g, '');
  const first = events.find((e) => e.type === 'user.message');
  const { id: _id, ...meta } = reader.meta;
  return [
    {
      external_id: `codex:${id}`,
      agent_id: opts.agent_id ?? 'codex',
      user_id: null,
      team_id: opts.team_id ?? null,
      parent_external_id: null,
      source_format: 'codex',
      source_file: file,
      title: (first && 'text' in first ? titleFrom(first.text) : '') || `Codex session ${id.slice(0, 8)}`,
      started_at: reader.started,
      ended_at: reader.ended,
      metadata: { ...meta, session_id: id, models: [...reader.models].sort() },
      events,
      outcome: null,
    },
  ];
}
