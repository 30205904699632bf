/**
 * Claude Code session files (`~/.claude/projects/<cwd with / → ->/<sessionId>.jsonl`, subagents in
 * `<sessionId>/subagents/agent-<agentId>.jsonl`, or in older versions `agent-<agentId>.jsonl` beside
 * the session file; schema in shared/reference/transcript-formats.md):
 * one JSON object per line with `type` (user | assistant | system | summary | attachment |
 * file-history-snapshot | queue-operation | progress), `uuid`, `parentUuid`, `sessionId`, `timestamp`,
 * `cwd`, `gitBranch`, `version`, and for subagents `isSidechain: true` and `agentId`.
 *
 * One file → one session. Mapping:
 * - assistant lines: Claude Code writes one line per content block, all sharing one `message.id`;
 *   they become consecutive events of one turn (`thinking` → `agent.thinking`, `text` →
 *   `agent.message`, `tool_use` → `agent.tool_use` with its kind from {@link CLAUDE_CODE_TOOL_KINDS} and,
 *   for `Bash` and `PowerShell`, its `command`); a block repeated under the same id is dropped;
 *   lines that interleave with a turn (queue operations, system lines) are emitted after it.
 *   Synthetic API-error messages (`isApiErrorMessage`) → `system.message`.
 * - user lines: string content → `user.message`; `tool_result` blocks → `agent.tool_result`
 *   (`is_error` from the block, tool name from the matching `tool_use`, content flattened to text,
 *   a `<tool_use_error>` wrapper removed, `Bash` results' `exit_code` from {@link bashExitCode},
 *   `declined` for a call the person or the harness on their behalf turned down or stopped, see
 *   {@link claudeCodeDeclined}); slash commands (`<command-name>`) → `user.message` `/name
 *   args`; harness-injected text (`isMeta`, compact summaries, `<local-command-…>`, `[Request
 *   interrupted by user]`) → `system.message`.
 * - task notifications (`<task-notification>`, from a `queue-operation` enqueue or a user line) →
 *   one `system.message` per task id, where it first appears.
 * - system lines: `api_error` → a short `system.message` (a run of retries of the same error counts
 *   once); lines with text `content` → `system.message` (cut to 500 characters); others (e.g.
 *   `turn_duration`) skipped. `summary` lines give the title when their `leafUuid` is in the file.
 * - a message the person typed while the agent worked (`attachment` of type `queued_command` from a
 *   human: {@link queuedPrompt}) → `user.message` where it was delivered;
 * - skipped: `file-history-snapshot`, `progress`, other attachments, other queue operations.
 * - Pointers: `{file, line, pointer: '/message/content/<k>'}` (line 1-based).
 * - external_id `claude-code:<sessionId>`; subagents `claude-code:<sessionId>/agent-<agentId>` with
 *   `parent_external_id` `claude-code:<sessionId>` (both from the file's content, so files import in
 *   any order) and agent_id `claude-code/subagent`. A main session file named by a UUID its lines never
 *   carry (a resumed or forked conversation keeping the first session's id) is `claude-code:<file
 *   name>`, with `metadata.continues_session_id`: two files never share one stored session.
 */
import { basename } from 'node:path';
import { ImportError, type SourcePointer, type Timestamp } from '../domain/index.js';
import { CallRegistry, type RegisteredCall } from './call-registry.js';
import { EventList } from './event-list.js';
import { completeLines } from './growing.js';
import { forEachJsonLine, isRecord } from './json.js';
import { titleFrom, toTimestamp } from './text.js';
import { CLAUDE_CODE_COMMAND_TOOLS, CLAUDE_CODE_TOOL_KINDS, shellCommand, toolKind } from './tool-kinds.js';
import type { ImportedSession, ImporterOptions } from './types.js';

/**
 * Claude Code's result of a call the person rejected with an answer: "The user doesn't want to proceed
 * with this tool use. The tool use was rejected (…). To tell you how to proceed, the user said:\n<their
 * words>" (observed in real project files, Claude Code 2.x).
 */
const REJECTED_SAID = /^The user doesn't want to (?:proceed with|take) this [^\n]*?the user said:\n/;

/**
 * The note newer Claude Code versions append after the person's words in a rejection ("\n\nNote: The
 * user's next message may contain a correction or preference. Pay close attention — … consider saving
 * that to memory for future sessions."; observed in real project files, 2.1): the harness's, not theirs.
 */
const HARNESS_NOTE = /\n\s*Note: The user's next message may contain a correction or preference\.[\s\S]*$/;

/**
 * The words the person typed when rejecting a call, from its result text, or null: they are the
 * person's message (read as such, and the call as declined by the person, not failed by the tool), unless
 * Claude Code wrote them itself ("The user wants to clarify these questions…"), which stay harness text.
 */
function rejectionWords(result: string): string | null {
  const m = REJECTED_SAID.exec(result);
  if (!m) return null;
  const words = result.slice(m[0].length).replace(HARNESS_NOTE, '').trim();
  return words === '' || /^The user\b/.test(words) ? null : words;
}

/**
 * The results Claude Code writes, with `is_error: true`, for a call that did not run because the person
 * — or the harness on their behalf — turned it down or stopped it (each template observed in real
 * project files; the first two also documented by Claude Code's permission prompt, which offers "No"):
 * - "The user doesn't want to proceed with this tool use. The tool use was rejected (eg. if it was a
 *   file edit, the new_string was NOT written to the file). STOP what you are doing…", optionally
 *   "…To tell you how to proceed, the user said:\n<words>" (2.x; `toolUseResult` "User rejected tool
 *   use"; any tool, also `ExitPlanMode` when the person keeps planning instead of accepting the plan,
 *   and `AskUserQuestion` when they dismiss the questions);
 * - "The user doesn't want to take this action right now. STOP what you are doing and wait for the user
 *   to tell you how to proceed." (2.x);
 * - "[Request interrupted by user for tool use]" (the person pressed Esc while the call ran) and, in
 *   2.0, "Interrupted by user";
 * - "Permission to use <tool> has been auto-denied in dontAsk mode." (the permission mode that denies
 *   whatever is not pre-approved instead of asking: code.claude.com/docs/en/agent-sdk/permissions);
 * - "Permission to use <tool> has been denied. IMPORTANT: You *may* attempt to accomplish this action
 *   using other tools …" (a deny rule of the person's permission settings; 2.1);
 * - "Claude requested permissions to <write to|use|…> <what>, but you haven't granted it yet." (a
 *   session that cannot ask, the person's settings not allowing the call; 2.1).
 */
const DECLINED_RESULT =
  /^(?:The user doesn't want to (?:proceed with this tool use|take this action right now)\b|\[Request interrupted by user(?: for tool use)?\]|Interrupted by user\s*$|Permission to use [^\n]{1,200} has been (?:auto-denied in dontAsk mode\b|denied\.)|Claude requested permissions to [^\n]{1,2000}, but you haven't granted it yet\b)/;

/**
 * True when a Claude Code tool result (its text with the `<tool_use_error>` wrapper removed, and its
 * `is_error`) says that the call was declined rather than failed (see {@link DECLINED_RESULT}).
 * @example claudeCodeDeclined("The user doesn't want to proceed with this tool use. …", true) // true
 */
export function claudeCodeDeclined(text: string, isError: boolean): boolean {
  return isError && DECLINED_RESULT.test(text);
}

/**
 * Adds a Claude Code tool result (project files and stream-json alike) for the call `rawId` answers: the
 * exit code of a command tool's result (`Exit code N`), and `declined` for the harness's rejection and
 * interruption templates ({@link claudeCodeDeclined}).
 */
export function addClaudeCodeResult(
  events: EventList,
  call: RegisteredCall | null,
  rawId: string,
  text: string,
  isError: boolean,
  ts: Timestamp | null,
  source: SourcePointer,
): void {
  const exit = call && CLAUDE_CODE_COMMAND_TOOLS.has(call.tool) ? bashExitCode(text, isError) : undefined;
  const r = events.toolResult(call?.call_id ?? rawId, call?.tool ?? null, text, isError, ts, source, exit);
  if (claudeCodeDeclined(text, isError)) r.declined = true;
}

/** A Claude Code session id as its project files are named: a UUID. */
const SESSION_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Longest text kept from a Claude Code `system` line, in characters. */
const MAX_SYSTEM_TEXT = 500;

/** Flattens `tool_result` content (a string or blocks) to text; images become `[image]`. */
export function flattenToolResult(content: unknown): string {
  let text: string;
  if (typeof content === 'string') text = content;
  else if (Array.isArray(content)) {
    const parts: string[] = [];
    for (const b of content) {
      if (typeof b === 'string') parts.push(b);
      else if (isRecord(b)) {
        if (typeof b.text === 'string') parts.push(b.text);
        else if (b.type === 'image') parts.push('[image]');
        else if (b.type === 'document') parts.push('[document]');
      }
    }
    text = parts.join('\n');
  } else text = content == null ? '' : JSON.stringify(content);
  if (text.startsWith('<tool_use_error>') && text.endsWith('</tool_use_error>')) text = text.slice(16, -17);
  return text;
}

/**
 * The exit status Claude Code's Bash tool states: a failed call's result starts `Exit code N`. A
 * successful result states none (nor do interrupted, timed-out or background calls): `undefined`.
 * @example bashExitCode('Exit code 2\nls: x: No such file', true) // 2
 */
export function bashExitCode(text: string, isError: boolean): number | undefined {
  if (!isError) return undefined;
  const m = /^Exit code (\d+)/.exec(text);
  return m ? Number(m[1]) : undefined;
}

function between(text: string, open: string, close: string): string | null {
  const a = text.indexOf(open);
  if (a === -1) return null;
  const b = text.indexOf(close, a + open.length);
  return b === -1 ? null : text.slice(a + open.length, b);
}

/** `<command-name>/x</command-name>…<command-args>y</command-args>` → `/x y`; `null` if not a command. */
export function slashCommand(text: string): string | null {
  const name = between(text, '<command-name>', '</command-name>');
  if (name === null) return null;
  const args = (between(text, '<command-args>', '</command-args>') ?? '').trim();
  return args === '' ? name.trim() : `${name.trim()} ${args}`;
}

/**
 * True for user-line text that the harness wrote, not the person's words: local command output,
 * interruption notes, system reminders, the caveat before local commands, bash mode (a `!command` the
 * person ran is recorded as `<bash-input>…</bash-input>`, its output as `<bash-stdout>…</bash-stdout>
 * <bash-stderr>…</bash-stderr>`; the output is a shell's, and the command an action, not a statement),
 * and messages from other agents of an agent team (`<teammate-message …>`).
 */
export function isHarnessText(text: string): boolean {
  return (
    text.startsWith('<local-command-') ||
    text.startsWith('[Request interrupted by user') ||
    text.startsWith('<system-reminder>') ||
    text.startsWith('Caveat: The messages below were generated') ||
    text.startsWith('<bash-input>') ||
    text.startsWith('<bash-stdout>') ||
    text.startsWith('<bash-stderr>') ||
    text.startsWith('<teammate-message')
  );
}

/** Consecutive `api_error` lines (retries), reported as one event. */
interface ApiErrorRun {
  codes: string[];
  attempts: number;
  event: { text: string } | null;
}

/**
 * The blocks already emitted for one assistant `message.id`, by kind: texts, thinking texts and tool-use
 * ids. Lists, not Sets: a message has a few blocks, and comparing strings (`===` rejects a different length
 * at once) is cheaper than hashing every text, which a Set does and which reads the whole text.
 */
export interface SeenBlocks {
  text: string[];
  thinking: string[];
  tool_use: string[];
}

/** The {@link SeenBlocks} of message `id` in `byMessage`, created empty the first time. */
export function blocksSeen(byMessage: Map<string, SeenBlocks>, id: string): SeenBlocks {
  let seen = byMessage.get(id);
  if (seen === undefined) {
    seen = { text: [], thinking: [], tool_use: [] };
    byMessage.set(id, seen);
  }
  return seen;
}

/** Adds `key` to `seen`; true when it was not there yet. */
export function firstTime(seen: string[], key: string): boolean {
  for (const k of seen) if (k === key) return false;
  seen.push(key);
  return true;
}

/** `API error: FailedToOpenSocket, ConnectionRefused (8 attempts)`. */
function apiErrorText(run: ApiErrorRun): string {
  const codes = run.codes.join(', ').slice(0, MAX_SYSTEM_TEXT);
  return run.attempts > 1 ? `API error: ${codes} (${run.attempts} attempts)` : `API error: ${codes}`;
}

/**
 * The agent id in a subagent file's name, `agent-<id>.jsonl`: in the `<sessionId>/subagents/` folder
 * (newer layout) always, beside the session file (older layout) only when the lines are sidechain
 * lines (`sidechain`), so that a session file that happens to be named `agent-…` stays a session.
 */
function subagentIdFromPath(file: string, sidechain = false): string | null {
  const name = basename(file);
  if (!name.startsWith('agent-') || !name.endsWith('.jsonl')) return null;
  return sidechain || /[\\/]subagents[\\/]/.test(file) ? name.slice(6, -6) : null;
}

/** The user prompt Claude Code 2.x sends to a warm-up subagent (see {@link isClaudeCodeWarmup}). */
export const CLAUDE_CODE_WARMUP_PROMPT = 'Warmup';

/**
 * True for a Claude Code warm-up subagent: a sidechain (a session with a parent, i.e. `isSidechain: true`
 * or a file under `subagents/`) whose only user message is the literal prompt
 * {@link CLAUDE_CODE_WARMUP_PROMPT} and whose agent made no tool call. Claude Code 2.0.19 and later
 * start such subagents at session start to fill the prompt cache; they do no work (reported in
 * anthropics/claude-code issues #9668 and #17457, `agent-*.jsonl` files with `isSidechain: true`; called
 * intentional cache priming in anthropics/claude-agent-sdk-python issue #445). Judged on the normalized
 * session, so a subagent that did anything (a tool call, a second user turn) is never one.
 * @param s a session as {@link importClaudeCode} returns it.
 */
export function isClaudeCodeWarmup(s: ImportedSession): boolean {
  if (s.source_format !== 'claude-code' || s.parent_external_id == null) return false;
  let prompts = 0;
  for (const e of s.events) {
    if (e.type === 'agent.tool_use') return false;
    if (e.type !== 'user.message') continue;
    if (++prompts > 1 || e.text.trim() !== CLAUDE_CODE_WARMUP_PROMPT) return false;
  }
  return prompts === 1;
}

/**
 * Imports a Claude Code JSONL file.
 * @param file the path as given.
 * @param text the file's content.
 * @returns one session, or none when the file holds no conversation line.
 * @throws ImportError `file:line: invalid JSON: …` for a line that does not parse, or
 *   `file:line: expected a JSON object`.
 */
export function importClaudeCode(file: string, text: string, opts: ImporterOptions = {}): ImportedSession[] {
  const reader = new ClaudeCodeReader(file);
  forEachJsonLine(file, completeLines(text), (o, line) => reader.line(o, line), opts.first_line);
  return reader.sessions(opts);
}

/**
 * Reads one Claude Code session file line by line (see the module comment for the mapping), then gives
 * the session it holds. One reader per file.
 */
class ClaudeCodeReader {
  readonly #file: string;
  readonly #fileStem: string;
  readonly #events = new EventList();
  readonly #calls = new CallRegistry();
  readonly #uuids = new Set<string>();
  readonly #summaries: { summary: string; leafUuid: string | null }[] = [];
  readonly #models = new Set<string>();
  readonly #subagentIds: string[] = [];
  readonly #notified = new Set<string>();
  readonly #seenBlocks = new Map<string, SeenBlocks>();
  #sessionId: string | null = null;
  #fileSessionSeen = false;
  #agentId: string | null = null;
  #sidechain = false;
  #cwd: string | null = null;
  #gitBranch: string | null = null;
  #version: string | null = null;
  #started: Timestamp | null = null;
  #ended: Timestamp | null = null;
  #conversational = 0;
  /** The assistant turn being written (message.id), and the events held until it ends. */
  #openTurn: string | null = null;
  #held: (() => void)[] = [];
  /** The run of consecutive api_error lines being collapsed into one event. */
  #apiErrors: ApiErrorRun | null = null;

  constructor(file: string) {
    this.#file = file;
    this.#fileStem = basename(file).replace(/\.jsonl$/, '');
  }

  /**
   * Reads one parsed line (1-based `line`).
   * @throws ImportError when the line is not a JSON object.
   */
  line(o: unknown, line: number): void {
    if (!isRecord(o)) throw new ImportError(this.#file, 'expected a JSON object', line);
    if (typeof o.sessionId === 'string') {
      if (o.sessionId === this.#fileStem) this.#fileSessionSeen = true;
      this.#sessionId ??= o.sessionId;
    }
    if (typeof o.uuid === 'string') this.#uuids.add(o.uuid);
    const ts = toTimestamp(o.timestamp);
    switch (o.type) {
      case 'assistant':
      case 'user':
        this.#conversation(o, ts, line);
        return;
      case 'summary':
        if (typeof o.summary === 'string')
          this.#summaries.push({
            summary: o.summary,
            leafUuid: typeof o.leafUuid === 'string' ? o.leafUuid : null,
          });
        return;
      case 'system':
        this.#system(o, ts, { file: this.#file, line });
        return;
      case 'queue-operation':
        if (o.operation === 'enqueue' && typeof o.content === 'string')
          this.#notification(o.content, ts, { file: this.#file, line });
        return;
      case 'attachment': {
        // a message the person typed while the agent worked, delivered to it mid-turn
        const typed = queuedPrompt(o.attachment);
        if (typed !== null) {
          const source = { file: this.#file, line };
          this.#emitOrHold(() => this.#userText(typed, false, ts, source));
        }
        return;
      }
      default:
        return; // file-history-snapshot, progress, other attachments, unknown
    }
  }

  #closeTurn(): void {
    this.#openTurn = null;
    if (this.#held.length > 0) {
      const h = this.#held;
      this.#held = [];
      for (const f of h) f();
    }
  }

  /** Emits now, or after the assistant turn being written when one is open. */
  #emitOrHold(f: () => void): void {
    if (this.#openTurn !== null) this.#held.push(f);
    else f();
  }

  /** A `<task-notification>` (once per task id) as a system message; false for other text. */
  #notification(content: string, ts: Timestamp | null, source: SourcePointer): boolean {
    if (!content.startsWith('<task-notification>')) return false;
    const id = between(content, '<task-id>', '</task-id>') ?? content;
    if (!this.#notified.has(id)) {
      this.#notified.add(id);
      this.#emitOrHold(() => this.#events.systemMessage(content, ts, source));
    }
    return true;
  }

  /** Text on a user line: a slash command, the harness's text, or the person's words. */
  #userText(t: string, meta: boolean, ts: Timestamp | null, source: SourcePointer): void {
    if (t === '') return;
    if (this.#notification(t, ts, source)) return;
    const command = slashCommand(t);
    if (command !== null) this.#events.userMessage(command, ts, source);
    else if (meta || isHarnessText(t)) this.#events.systemMessage(t, ts, source);
    else this.#events.userMessage(t, ts, source);
  }

  /** A `system` line: API errors collapsed into one event per run, compaction, other system text. */
  #system(o: Record<string, unknown>, ts: Timestamp | null, source: SourcePointer): void {
    const subtype = typeof o.subtype === 'string' ? o.subtype : '';
    if (subtype === 'api_error') {
      this.#apiError(o, ts, source);
      return;
    }
    if (subtype === 'compact_boundary') {
      this.#emitOrHold(() => this.#events.systemMessage('Conversation compacted', ts, source));
    } else if (typeof o.content === 'string' && o.content.trim() !== '') {
      const t =
        o.content.length > MAX_SYSTEM_TEXT ? `${o.content.slice(0, MAX_SYSTEM_TEXT - 1)}…` : o.content;
      this.#emitOrHold(() => this.#events.systemMessage(t, ts, source));
    }
  }

  /** One `api_error` line: joins the current run's event (codes and attempts), or starts one. */
  #apiError(o: Record<string, unknown>, ts: Timestamp | null, source: SourcePointer): void {
    const cause = isRecord(o.cause) ? o.cause : isRecord(o.error) ? o.error : {};
    const code =
      typeof cause.code === 'string' ? cause.code : typeof o.content === 'string' ? o.content : 'error';
    if (this.#apiErrors === null) {
      const run: ApiErrorRun = { codes: [], attempts: 0, event: null };
      this.#apiErrors = run;
      this.#emitOrHold(() => {
        this.#events.systemMessage(apiErrorText(run), ts, source);
        run.event = this.#events.events[this.#events.length - 1] as { text: string };
      });
    }
    const run = this.#apiErrors;
    if (!run.codes.includes(code)) run.codes.push(code);
    run.attempts++;
    if (run.event) run.event.text = apiErrorText(run);
  }

  /** An `assistant` or `user` line: the session's facts, then its message. */
  #conversation(o: Record<string, unknown>, ts: Timestamp | null, line: number): void {
    this.#conversational++;
    this.#apiErrors = null;
    if (ts !== null) {
      this.#started ??= ts;
      this.#ended = ts;
    }
    if (o.isSidechain === true) this.#sidechain = true;
    if (typeof o.agentId === 'string') this.#agentId ??= o.agentId;
    if (typeof o.cwd === 'string') this.#cwd ??= o.cwd;
    if (typeof o.gitBranch === 'string' && o.gitBranch !== '') this.#gitBranch ??= o.gitBranch;
    if (typeof o.version === 'string') this.#version = o.version;
    const message = isRecord(o.message) ? o.message : null;
    if (message === null) return;
    if (o.type === 'assistant') this.#assistant(o, message, ts, line);
    else this.#user(o, message.content, ts, line);
  }

  /** An assistant line: its blocks (text, thinking, tool calls, server tool results), each once per message id. */
  #assistant(
    o: Record<string, unknown>,
    message: Record<string, unknown>,
    ts: Timestamp | null,
    line: number,
  ): void {
    const id = typeof message.id === 'string' ? message.id : `line-${line}`;
    if (this.#openTurn !== id) this.#closeTurn();
    this.#openTurn = id;
    if (typeof message.model === 'string' && message.model !== '<synthetic>') this.#models.add(message.model);
    const seen = blocksSeen(this.#seenBlocks, id);
    const content = message.content;
    const blocks = Array.isArray(content) ? content : [{ type: 'text', text: content }];
    const events = this.#events;
    for (let k = 0; k < blocks.length; k++) {
      const b = blocks[k];
      if (!isRecord(b)) continue;
      const source = { file: this.#file, line, pointer: `/message/content/${k}` };
      if (b.type === 'text' && typeof b.text === 'string') {
        if (b.text.trim() === '' || !firstTime(seen.text, b.text)) continue;
        if (o.isApiErrorMessage === true) events.systemMessage(b.text.slice(0, MAX_SYSTEM_TEXT), ts, source);
        else events.agentMessage(b.text, ts, source);
      } else if (b.type === 'thinking' && typeof b.thinking === 'string') {
        if (b.thinking === '' || !firstTime(seen.thinking, b.thinking)) continue;
        events.thinking(b.thinking, ts, source);
      } else if ((b.type === 'tool_use' || b.type === 'server_tool_use') && typeof b.name === 'string') {
        const rawId = typeof b.id === 'string' ? b.id : `line-${line}-${k}`;
        if (!firstTime(seen.tool_use, rawId)) continue;
        const input = b.input ?? {};
        const kind = toolKind(CLAUDE_CODE_TOOL_KINDS, b.name);
        const command = CLAUDE_CODE_COMMAND_TOOLS.has(b.name) ? shellCommand(input) : undefined;
        events.toolUse(b.name, kind, input, this.#calls.issue(rawId, b.name), ts, source, command);
      } else if (
        typeof b.type === 'string' &&
        b.type.endsWith('_tool_result') &&
        typeof b.tool_use_id === 'string'
      ) {
        // Server-side tool results (e.g. web_search_tool_result) sit in the assistant message.
        const call = this.#calls.answer(b.tool_use_id);
        events.toolResult(
          call?.call_id ?? b.tool_use_id,
          call?.tool ?? null,
          flattenToolResult(b.content),
          false,
          ts,
          source,
        );
      }
    }
  }

  /** A user line: the person's words or the harness's, tool results, images and documents. */
  #user(o: Record<string, unknown>, content: unknown, ts: Timestamp | null, line: number): void {
    this.#closeTurn();
    const meta = o.isMeta === true || o.isCompactSummary === true;
    if (isRecord(o.toolUseResult) && typeof o.toolUseResult.agentId === 'string')
      this.#subagentIds.push(o.toolUseResult.agentId);
    if (typeof content === 'string') {
      this.#userText(content, meta, ts, { file: this.#file, line });
      return;
    }
    if (!Array.isArray(content)) return;
    for (let k = 0; k < content.length; k++) {
      const b = content[k];
      const source = { file: this.#file, line, pointer: `/message/content/${k}` };
      if (typeof b === 'string') this.#userText(b, meta, ts, source);
      else if (!isRecord(b)) continue;
      else if (b.type === 'tool_result') this.#toolResult(b, ts, source, `line-${line}-${k}`);
      else if (b.type === 'text' && typeof b.text === 'string') this.#userText(b.text, meta, ts, source);
      else if (b.type === 'image') this.#events.userMessage('[image]', ts, source);
      else if (b.type === 'document') this.#events.userMessage('[document]', ts, source);
    }
  }

  /**
   * A `tool_result` block: the result of its call (exit code of a command, `declined` when the person
   * rejected or interrupted it), and the words the person typed when rejecting it as their message after.
   */
  #toolResult(
    b: Record<string, unknown>,
    ts: Timestamp | null,
    source: SourcePointer,
    fallbackId: string,
  ): void {
    const rawId = typeof b.tool_use_id === 'string' ? b.tool_use_id : fallbackId;
    const call = this.#calls.answer(rawId);
    const full = flattenToolResult(b.content);
    const isError = b.is_error === true;
    const said = isError ? rejectionWords(full) : null;
    const text = said === null ? full : full.slice(0, full.length - said.length).trimEnd();
    addClaudeCodeResult(this.#events, call, rawId, text, isError, ts, source);
    if (said !== null) this.#userText(said, false, ts, source);
  }

  /** The session the file holds (none when it has no conversation line), once every line is read. */
  sessions(opts: ImporterOptions): ImportedSession[] {
    this.#closeTurn();
    if (this.#conversational === 0) return [];
    const subagent = this.#agentId ?? subagentIdFromPath(this.#file, this.#sidechain);
    const isSubagent = subagent !== null && (this.#sidechain || subagentIdFromPath(this.#file) !== null);
    // A session file named by a session id its lines never carry continues another session (a resumed
    // or forked conversation whose copied lines keep the first session's id): it is a transcript of its
    // own, named by its file, so that importing it never replaces the first session's stored events.
    const stem = this.#fileStem;
    const forkOf = !isSubagent && !this.#fileSessionSeen && SESSION_UUID.test(stem) ? this.#sessionId : null;
    const sid = this.#fileSessionSeen || forkOf !== null ? stem : (this.#sessionId ?? stem);
    const parent = `claude-code:${sid}`;
    const baseAgent = opts.agent_id ?? 'claude-code';
    const metadata: Record<string, unknown> = {
      session_id: sid,
      cwd: this.#cwd,
      git_branch: this.#gitBranch,
      version: this.#version,
      models: [...this.#models].sort(),
    };
    if (isSubagent) metadata.agent_id = subagent;
    if (forkOf !== null && forkOf !== sid) metadata.continues_session_id = forkOf;
    if (this.#subagentIds.length > 0) metadata.subagent_ids = this.#subagentIds;
    return [
      {
        external_id: isSubagent ? `${parent}/agent-${subagent}` : parent,
        agent_id: isSubagent ? `${baseAgent}/subagent` : baseAgent,
        user_id: null,
        team_id: opts.team_id ?? null,
        parent_external_id: isSubagent ? parent : null,
        source_format: 'claude-code',
        source_file: this.#file,
        title: this.#title(isSubagent ? `subagent ${subagent}` : `session ${sid.slice(0, 8)}`),
        started_at: this.#started,
        ended_at: this.#ended,
        metadata,
        events: this.#events.events,
        outcome: null,
      },
    ];
  }

  /** The newest summary of this file's conversation, else the person's first words, else `Claude Code <what>`. */
  #title(what: string): string {
    for (let i = this.#summaries.length - 1; i >= 0; i--) {
      const s = this.#summaries[i]!;
      if (s.leafUuid !== null && this.#uuids.has(s.leafUuid)) {
        const t = titleFrom(s.summary);
        if (t !== '') return t;
        break;
      }
    }
    // The first thing the person typed, not a slash command such as `/clear`.
    const events = this.#events.events;
    const first =
      events.find((e) => e.type === 'user.message' && !e.text.startsWith('/')) ??
      events.find((e) => e.type === 'user.message');
    const t = first && 'text' in first ? titleFrom(first.text) : '';
    return t !== '' ? t : `Claude Code ${what}`;
  }
}

/**
 * The text of a message the person typed while the agent was working, as Claude Code records it: an
 * `attachment` line `{type: "queued_command", prompt, commandMode: "prompt", origin?: {kind: "human"}}`
 * (2.1.x; no `user` line repeats it). Null for anything else: another attachment, a task notification
 * (`commandMode: "task-notification"`, read from its `queue-operation` line), or a message from another
 * Claude Code session (`origin.kind: "peer"`), which is no person's.
 * Format read off real project files (public repositories, Claude Code 2.1.222), not a published schema.
 */
export function queuedPrompt(attachment: unknown): string | null {
  if (typeof attachment !== 'object' || attachment === null) return null;
  const a = attachment as { type?: unknown; prompt?: unknown; commandMode?: unknown; origin?: unknown };
  if (a.type !== 'queued_command' || typeof a.prompt !== 'string') return null;
  if (a.commandMode !== undefined && a.commandMode !== 'prompt') return null;
  const origin = a.origin as { kind?: unknown } | null | undefined;
  if (origin != null && origin.kind !== 'human') return null;
  return a.prompt;
}
