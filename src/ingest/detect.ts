/**
 * Format detection from content (the file name is only used in messages). JSON documents are parsed
 * once here and the value is handed to the importer, so detection costs no second parse.
 *
 * Rules, in order:
 * - Markdown starting `# aider chat started at` → `aider`;
 * - JSON array whose first element has `traj` (or `task_id` and `reward`) → `tau-bench`;
 * - JSON array of messages opening with a system prompt whose early user messages include a
 *   `<returncode>` observation (mini-swe-agent's bare message list) → `mini-swe-agent`;
 * - JSON array of `{role}` messages, of message arrays, or of `{messages}` objects → `openai-chat`;
 * - JSON object with `trajectory_format` starting `mini-swe-agent` and `messages` → `mini-swe-agent`;
 * - JSON object with an `ATIF…` `schema_version` and `steps` → `atif`;
 * - JSON object with a `trajectory` array and `history` or `info` → `swe-agent`;
 * - JSON object with `sessionId` and `messages` of `{type: user|gemini…}` → `gemini-cli`;
 * - a Cline task's API history (Anthropic messages opening with `<task>` or carrying `tool_use`
 *   blocks), or its `ui_messages.json` / `task_metadata.json` sidecars (no session, except a
 *   `ui_messages.json` with no API history beside it) → `cline`;
 * - an OpenAI Responses object (`object: 'response'`), an Agents SDK result (`raw_responses`,
 *   `final_output`) or a list of Responses items (`{type: message|function_call|…}`) → `openai-responses`;
 * - JSON object with a `messages` array → `openai-chat`;
 * - JSONL whose first decisive line is `{"type":"session"…}` or another normalized event → `reverie`;
 * - JSONL whose lines have a string `type` and a `sessionId` (or are Claude Code's `summary`,
 *   `file-history-snapshot`, `queue-operation` lines) → `claude-code`;
 * - JSONL whose lines have `type` system|assistant|user|result and a `session_id` →
 *   `claude-code-stream-json`;
 * - JSONL of `{timestamp, type: session_meta|turn_context|response_item|event_msg, payload}`, or of bare
 *   Responses items (the first rollout layout) → `codex`;
 * - JSONL opening with Gemini CLI's chat metadata `{sessionId, projectHash}` (no `type`) → `gemini-cli`;
 * - JSONL of `{instance_id, history: [events]}` (evaluation output), or a JSON array of events
 *   `{id: number, action|observation}` → `openhands`;
 * - OTLP JSON traces (`resourceSpans`), one document or one per line → `otel`;
 * - JSONL of events with `sevt_` ids, or a JSON array / `{data: [...]}` page of them → `managed-agents`
 *   (checked before `reverie`, whose type names they share);
 * - a JSON object `{history: [events]}` of OpenHands events → `openhands`.
 */
import { ImportError, type SourceFormat } from '../domain/index.js';
import { isAiderHistory } from './aider.js';
import { isAtif } from './atif.js';
import { isClaudeStreamJsonLine } from './claude-code-stream-json.js';
import { isClineHistory, isClineSidecar } from './cline.js';
import { isCodexRolloutLine, isLegacyCodexLine } from './codex.js';
import { isGeminiChat, isGeminiChatMetadata } from './gemini-cli.js';
import { isRecord, lineAt, type ParsedLine, parseJson, parseJsonLine, stripBom } from './json.js';
import { isManagedAgentsEvent } from './managed-agents.js';
import { isMiniSweAgent, isMiniSweAgentMessages } from './mini-swe-agent.js';
import { isOpenAiChat } from './openai-chat.js';
import { isOpenAiResponses } from './openai-responses.js';
import { isOpenHandsEvent, isOpenHandsOutputLine } from './openhands.js';
import { isOtlpTraces } from './otel.js';
import { isSweAgent } from './swe-agent.js';

/** A detected format and, for JSON (not JSONL) formats, the parsed document. */
export interface Detected {
  format: SourceFormat;
  /** The parsed JSON document; `undefined` for JSONL formats (their importers parse line by line). */
  value?: unknown;
  /** For JSONL, the first line as detection parsed it (the importer need not parse it again). */
  first?: ParsedLine;
}

const UNKNOWN =
  'unknown transcript format (expected Claude Code JSONL, τ-bench JSON, mini-swe-agent .traj.json, ' +
  'Claude Code stream-json, Codex rollout, Gemini CLI chat, OpenHands events, SWE-agent .traj, ' +
  'Managed Agents events, Aider history, Cline task, OpenAI Responses, ATIF, OTLP GenAI spans, ' +
  'OpenAI chat messages JSON or reverie JSONL; --format forces one)';

const CLAUDE_SESSIONLESS_TYPES = new Set(['summary', 'file-history-snapshot', 'queue-operation']);
const REVERIE_TYPES = new Set([
  'session',
  'outcome',
  'user.message',
  'agent.message',
  'agent.thinking',
  'agent.tool_use',
  'agent.tool_result',
  'system.message',
]);
/** How many JSONL lines detection looks at before giving up. */
const MAX_SNIFF_LINES = 200;

/**
 * Detects the format of a transcript from its text.
 * @param file path for error messages.
 * @param text the whole file.
 * @returns the format.
 * @throws ImportError naming the file (and line, for unparseable JSON/JSONL) when the content matches
 *   no known format.
 * @example detectFormat('a.json', '[{"task_id":1,"reward":1,"traj":[]}]') // 'tau-bench'
 */
export function detectFormat(file: string, text: string): SourceFormat {
  return sniff(file, text).format;
}

/**
 * Like {@link detectFormat}, and also returns the parsed document of JSON formats so that the importer
 * does not parse it again.
 * @throws ImportError as {@link detectFormat}.
 */
export function sniff(file: string, text: string): Detected {
  const body = stripBom(text);
  const start = body.search(/\S/);
  if (start === -1) throw new ImportError(file, 'empty file: nothing to import');
  const c = body[start];
  if (c === '#' && isAiderHistory(body)) return { format: 'aider' };
  if (c === '[') {
    const value = parseJson(file, body);
    return { format: detectJsonValue(file, value), value };
  }
  if (c !== '{') throw new ImportError(file, `${UNKNOWN}: not JSON or JSONL`, 1);
  // JSONL when the first line is a whole JSON value and more follows: decided from that line, without
  // parsing the whole text as one document (which would fail only after reading the first value).
  const nl = body.indexOf('\n', start);
  let firstValue: unknown;
  let firstOk = false;
  let more = false;
  if (nl !== -1) {
    const rest = /\S/g;
    rest.lastIndex = nl + 1;
    more = rest.test(body);
    try {
      firstValue = JSON.parse(body.slice(start, nl));
      firstOk = true;
    } catch {
      // A document spread over several lines, or a broken first line.
    }
  }
  if (firstOk && more) {
    if (!isRecord(firstValue)) throw new ImportError(file, UNKNOWN, lineAt(body, start));
    const first = { line: lineAt(body, start), value: firstValue };
    return { format: jsonlLineFormat(firstValue) ?? detectJsonl(file, body), first };
  }
  // One JSON document (on one line or pretty-printed); parseJson reports a syntax error's line.
  const value = firstOk ? firstValue : parseJson(file, body);
  // A one-line JSONL file is also a valid JSON document.
  if (isRecord(value)) {
    const jsonl = jsonlLineFormat(value);
    if (jsonl !== null) return { format: jsonl };
  }
  return { format: detectJsonValue(file, value), value };
}

/** The JSONL format a single parsed line belongs to, or `null` if the line is not decisive. */
function jsonlLineFormat(o: Record<string, unknown>): SourceFormat | null {
  if (isOpenHandsOutputLine(o)) return 'openhands';
  if (isOtlpTraces(o)) return 'otel';
  if (isGeminiChatMetadata(o)) return 'gemini-cli';
  const type = o.type;
  if (typeof type !== 'string') return null;
  // Managed Agents events share reverie's type names; their `sevt_` ids tell them apart.
  if (isManagedAgentsEvent(o)) return 'managed-agents';
  if (REVERIE_TYPES.has(type)) return 'reverie';
  if (typeof o.sessionId === 'string' || CLAUDE_SESSIONLESS_TYPES.has(type)) return 'claude-code';
  if (isClaudeStreamJsonLine(o)) return 'claude-code-stream-json';
  if (isCodexRolloutLine(o) || isLegacyCodexLine(o)) return 'codex';
  return null;
}

function detectJsonl(file: string, body: string): SourceFormat {
  let start = 0;
  let line = 0;
  while (start < body.length && line < MAX_SNIFF_LINES) {
    let end = body.indexOf('\n', start);
    if (end === -1) end = body.length;
    line++;
    const text = body.slice(start, end).trim();
    start = end + 1;
    if (text === '') continue;
    const value = parseJsonLine(file, text, line);
    if (!isRecord(value)) throw new ImportError(file, `${UNKNOWN}: line is not a JSON object`, line);
    const format = jsonlLineFormat(value);
    if (format !== null) return format;
  }
  throw new ImportError(file, UNKNOWN);
}

/** Format of a parsed JSON document. */
function detectJsonValue(file: string, value: unknown): SourceFormat {
  if (Array.isArray(value)) {
    if (value.length === 0)
      throw new ImportError(file, 'empty JSON array: cannot tell the format (use --format)');
    const first = value[0];
    if (isRecord(first) && ('traj' in first || ('task_id' in first && 'reward' in first))) return 'tau-bench';
    if (isOpenHandsEvent(first)) return 'openhands';
    if (isRecord(first) && isManagedAgentsEvent(first)) return 'managed-agents';
    if (isClineHistory(value) || isClineSidecar(value)) return 'cline';
    if (isOpenAiResponses(value)) return 'openai-responses';
    if (isMiniSweAgentMessages(value)) return 'mini-swe-agent';
    if (isOpenAiChat(value)) return 'openai-chat';
  } else if (isRecord(value)) {
    if (isMiniSweAgent(value)) return 'mini-swe-agent';
    if (isAtif(value)) return 'atif';
    if (Array.isArray(value.data) && isRecord(value.data[0]) && isManagedAgentsEvent(value.data[0]))
      return 'managed-agents';
    if (Array.isArray(value.history) && isOpenHandsEvent(value.history[0])) return 'openhands';
    if (isSweAgent(value)) return 'swe-agent';
    if (isGeminiChat(value)) return 'gemini-cli';
    if (isClineSidecar(value)) return 'cline';
    if (isOpenAiResponses(value)) return 'openai-responses';
    if (isOpenAiChat(value)) return 'openai-chat';
  }
  throw new ImportError(file, UNKNOWN);
}
