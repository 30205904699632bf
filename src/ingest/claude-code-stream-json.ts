/**
 * Claude Code headless output, `claude -p --verbose --output-format stream-json` (docs:
 * code.claude.com/docs/en/headless; fields as in the Agent SDK's `SDKMessage` types): one JSON object
 * per line,
 * - `{type: 'system', subtype: 'init', session_id, cwd, model, tools[], claude_code_version, …}`;
 * - `{type: 'assistant', message: {id, model, content[text|thinking|tool_use]}, parent_tool_use_id,
 *   session_id, uuid}` — like the project files, one API message may span several lines sharing
 *   `message.id`; their blocks become consecutive events and a repeated block is dropped;
 * - `{type: 'user', message: {content: string | [tool_result{tool_use_id, content, is_error} | text]},
 *   tool_use_result, parent_tool_use_id, session_id, isSynthetic?, isReplay?}` — `tool_use_result` is
 *   the CLI's side record (a string on error, an object on success); it only decides `is_error` when the
 *   block has no flag; a result in one of the templates of a declined call (`claudeCodeDeclined`) is
 *   `declined`; text on an `isSynthetic` (or `isMeta`, `isCompactSummary`) line is the CLI's own
 *   (e.g. the summary continuing a compacted conversation) → `system.message`, as are the harness texts
 *   the project-file importer knows; `isReplay` lines (`--replay-user-messages`) are the person's;
 * - the final `{type: 'result', subtype, is_error, num_turns, duration_ms, total_cost_usd, result,
 *   usage}`. Newer CLIs add `timestamp` to every line; older ones have none.
 *
 * Mapping: as the project-file importer (claude-code.ts): tool kinds from {@link CLAUDE_CODE_TOOL_KINDS},
 * `Bash` (and `PowerShell`) calls' `command`, failed results' `exit_code`. Lines with a `parent_tool_use_id` come
 * from a subagent (a `Task` call) and form their own session
 * `claude-code:<session_id>/task-<parent_tool_use_id>` (agent `claude-code/subagent`) linked to the
 * parent. The `result` line gives metadata `result: {subtype, is_error, num_turns, duration_ms,
 * total_cost_usd}` and, when `is_error` is true (read `is_error`, not `subtype`: usage-limit stops say
 * `success` with `is_error: true`), the outcome `failed` (source `claude-code.result`) plus a
 * `system.message` with the result text; a run that ended without error says nothing of the task, so
 * the outcome stays `null`. The main session's external_id is `claude-code:<session_id>`, the same as
 * the project file of that session, so importing both keeps one session.
 * Pointers: `{file, line, pointer: '/message/content/<k>'}`.
 */
import { ImportError, type Outcome, type Timestamp } from '../domain/index.js';
import { CallRegistry } from './call-registry.js';
import {
  addClaudeCodeResult,
  blocksSeen,
  firstTime,
  flattenToolResult,
  isHarnessText,
  type SeenBlocks,
  slashCommand,
} from './claude-code.js';
import { EventList } from './event-list.js';
import { completeLines } from './growing.js';
import { forEachJsonLine, isRecord } from './json.js';
import { titleFrom } from './text.js';
import { utcTimestamp } from './timestamps.js';
import { CLAUDE_CODE_COMMAND_TOOLS, CLAUDE_CODE_TOOL_KINDS, shellCommand, toolKind } from './tool-kinds.js';
import type { ImportedSession, ImporterOptions } from './types.js';

/** One session being built: the main conversation (`''`) or one subagent's (its `parent_tool_use_id`). */
interface Thread {
  events: EventList;
  calls: CallRegistry;
  seenBlocks: Map<string, SeenBlocks>;
  started: Timestamp | null;
  ended: Timestamp | null;
}

/** True for a parsed line of stream-json output: a `type` and a snake-case `session_id`. */
export function isClaudeStreamJsonLine(o: Record<string, unknown>): boolean {
  return (
    typeof o.session_id === 'string' &&
    (o.type === 'system' || o.type === 'assistant' || o.type === 'user' || o.type === 'result')
  );
}

/**
 * Imports the stream-json output of one `claude -p` run.
 * @returns the main session first, then one session per subagent; none when the file holds no
 *   assistant or user line.
 * @throws ImportError `file:line: invalid JSON: …` or `file:line: expected a JSON object`.
 */
export function importClaudeStreamJson(
  file: string,
  text: string,
  opts: ImporterOptions = {},
): ImportedSession[] {
  const threads = new Map<string, Thread>();
  const thread = (key: string): Thread => {
    let t = threads.get(key);
    if (!t) {
      t = {
        events: new EventList(),
        calls: new CallRegistry(),
        seenBlocks: new Map(),
        started: null,
        ended: null,
      };
      threads.set(key, t);
    }
    return t;
  };
  let sessionId: string | null = null;
  let init: Record<string, unknown> = {};
  let result: Record<string, unknown> | null = null;
  let resultLine = 0;
  const models = new Set<string>();

  forEachJsonLine(
    file,
    completeLines(text),
    (o, line) => {
      if (!isRecord(o)) throw new ImportError(file, 'expected a JSON object', line);
      if (typeof o.session_id === 'string') sessionId ??= o.session_id;
      if (o.type === 'system' && o.subtype === 'init') init = o;
      else if (o.type === 'result') {
        result = o;
        resultLine = line;
      } else if (o.type === 'assistant' || o.type === 'user') {
        const t = thread(typeof o.parent_tool_use_id === 'string' ? o.parent_tool_use_id : '');
        const ts = utcTimestamp(o.timestamp);
        if (ts !== null) {
          t.started ??= ts;
          t.ended = ts;
        }
        const message = isRecord(o.message) ? o.message : null;
        if (message === null) return;
        if (typeof message.model === 'string' && message.model !== '<synthetic>') models.add(message.model);
        if (o.type === 'assistant') assistantLine(file, line, message, ts, t);
        else {
          const harness = o.isSynthetic === true || o.isMeta === true || o.isCompactSummary === true;
          userLine(file, line, message, o.tool_use_result, ts, t, harness);
        }
      }
    },
    opts.first_line,
  );
  if (threads.size === 0) return [];
  const sid = sessionId ?? file;
  // The main conversation first, then the subagents in order of appearance.
  const ordered = [...threads.entries()].sort((a, b) => (a[0] === '' ? -1 : b[0] === '' ? 1 : 0));
  return ordered.map(([key, t]) =>
    buildSession(file, sid, key, t, key === '' ? { init, result, resultLine, models } : null, opts),
  );
}

function assistantLine(
  file: string,
  line: number,
  message: Record<string, unknown>,
  ts: Timestamp | null,
  t: Thread,
): void {
  const id = typeof message.id === 'string' ? message.id : `line-${line}`;
  const seen = blocksSeen(t.seenBlocks, id);
  const blocks = Array.isArray(message.content) ? message.content : [{ type: 'text', text: message.content }];
  for (let k = 0; k < blocks.length; k++) {
    const b = blocks[k];
    if (!isRecord(b)) continue;
    const source = { file, line, pointer: `/message/content/${k}` };
    if (b.type === 'text' && typeof b.text === 'string') {
      if (b.text.trim() === '' || !firstTime(seen.text, b.text)) continue;
      t.events.agentMessage(b.text, ts, source);
    } else if (b.type === 'thinking' && typeof b.thinking === 'string') {
      if (b.thinking === '' || !firstTime(seen.thinking, b.thinking)) continue;
      t.events.thinking(b.thinking, ts, source);
    } else if ((b.type === 'tool_use' || b.type === 'server_tool_use') && typeof b.name === 'string') {
      const rawId = typeof b.id === 'string' ? b.id : `line-${line}-${k}`;
      if (!firstTime(seen.tool_use, rawId)) continue;
      const input = b.input ?? {};
      const command = CLAUDE_CODE_COMMAND_TOOLS.has(b.name) ? shellCommand(input) : undefined;
      const kind = toolKind(CLAUDE_CODE_TOOL_KINDS, b.name);
      t.events.toolUse(b.name, kind, input, t.calls.issue(rawId, b.name), ts, source, command);
    }
  }
}

function userLine(
  file: string,
  line: number,
  message: Record<string, unknown>,
  sideRecord: unknown,
  ts: Timestamp | null,
  t: Thread,
  harness: boolean,
): void {
  const content = message.content;
  if (typeof content === 'string') {
    userText(content, harness, ts, { file, line }, t);
    return;
  }
  if (!Array.isArray(content)) return;
  for (let k = 0; k < content.length; k++) {
    const b = content[k];
    if (!isRecord(b)) continue;
    const source = { file, line, pointer: `/message/content/${k}` };
    if (b.type === 'tool_result') {
      const rawId = typeof b.tool_use_id === 'string' ? b.tool_use_id : `line-${line}-${k}`;
      const call = t.calls.answer(rawId);
      const text = flattenToolResult(b.content);
      const isError =
        b.is_error === true ||
        (b.is_error === undefined && typeof sideRecord === 'string' && sideRecord.startsWith('Error'));
      addClaudeCodeResult(t.events, call, rawId, text, isError, ts, source);
    } else if (b.type === 'text' && typeof b.text === 'string') {
      userText(b.text, harness, ts, source, t);
    }
  }
}

/**
 * A user line's text: the CLI's own (`isSynthetic`/`isMeta`/`isCompactSummary` lines, such as the
 * summary that continues a compacted conversation, and the texts {@link isHarnessText} knows) →
 * `system.message`; a slash command → `user.message` `/name args`; else the person's words.
 */
function userText(
  text: string,
  harness: boolean,
  ts: Timestamp | null,
  source: { file: string; line: number; pointer?: string },
  t: Thread,
): void {
  if (text.trim() === '') return;
  const command = slashCommand(text);
  if (command !== null) t.events.userMessage(command, ts, source);
  else if (harness || isHarnessText(text)) t.events.systemMessage(text, ts, source);
  else t.events.userMessage(text, ts, source);
}

/** What only the main session gets: the init and result lines. */
interface MainExtras {
  init: Record<string, unknown>;
  result: Record<string, unknown> | null;
  resultLine: number;
  models: Set<string>;
}

function buildSession(
  file: string,
  sid: string,
  key: string,
  t: Thread,
  main: MainExtras | null,
  opts: ImporterOptions,
): ImportedSession {
  const parent = `claude-code:${sid}`;
  const baseAgent = opts.agent_id ?? 'claude-code';
  const metadata: Record<string, unknown> = { session_id: sid };
  let outcome: Outcome | null = null;
  if (main === null) metadata.parent_tool_use_id = key;
  else {
    const { init, result } = main;
    metadata.cwd = typeof init.cwd === 'string' ? init.cwd : null;
    metadata.version = typeof init.claude_code_version === 'string' ? init.claude_code_version : null;
    metadata.models = [...main.models].sort();
    if (result !== null) {
      metadata.result = {
        subtype: result.subtype ?? null,
        is_error: result.is_error === true,
        num_turns: result.num_turns ?? null,
        duration_ms: result.duration_ms ?? null,
        total_cost_usd: result.total_cost_usd ?? null,
      };
      if (result.is_error === true) {
        const said = typeof result.result === 'string' ? result.result : String(result.subtype ?? 'error');
        t.events.systemMessage(`Run ended with an error (${String(result.subtype)}): ${said}`, null, {
          file,
          line: main.resultLine,
        });
        outcome = {
          result: 'failed',
          score: null,
          labels: [],
          explanation: `claude -p ended with is_error: true (subtype ${String(result.subtype)})`,
          source: 'claude-code.result',
        };
      }
    }
  }
  const first = t.events.events.find((e) => e.type === 'user.message' || e.type === 'agent.message');
  const title =
    (first && 'text' in first ? titleFrom(first.text) : '') ||
    `Claude Code ${main === null ? `subagent ${key}` : `session ${sid.slice(0, 8)}`}`;
  return {
    external_id: main === null ? `${parent}/task-${key}` : parent,
    agent_id: main === null ? `${baseAgent}/subagent` : baseAgent,
    user_id: null,
    team_id: opts.team_id ?? null,
    parent_external_id: main === null ? parent : null,
    source_format: 'claude-code-stream-json',
    source_file: file,
    title,
    started_at: t.started,
    ended_at: t.ended,
    metadata,
    events: t.events.events,
    outcome,
  };
}
