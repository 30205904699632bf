/**
 * Tool calls written as XML in an assistant's text: how Cline (and its fork Roo Code) called tools before
 * native tool calling, and still do with models without it. The model writes
 * `<read_file>\n<path>src/a.ts</path>\n</read_file>` in its text, one tag per tool and one per parameter,
 * often after a `<thinking>…</thinking>` section; Cline parses the text (`src/core/assistant-message/
 * parse-assistant-message.ts`) and the API history keeps it as the assistant's text. Only a tool named
 * in {@link CLINE_XML_TOOLS} with its closing tag is a call: prose that mentions a tag is text.
 */
import { isRecord } from './json.js';

/**
 * Tool names Cline's XML protocol knows (Cline's `src/shared/tools.ts`, plus Roo Code's additions such as
 * `apply_diff`, `insert_content`, `search_and_replace`, `switch_mode`).
 */
export const CLINE_XML_TOOLS = [
  'execute_command',
  'read_file',
  'write_to_file',
  'replace_in_file',
  'apply_diff',
  'insert_content',
  'search_and_replace',
  'search_files',
  'list_files',
  'list_code_definition_names',
  'codebase_search',
  'browser_action',
  'use_mcp_tool',
  'access_mcp_resource',
  'ask_followup_question',
  'attempt_completion',
  'plan_mode_respond',
  'load_mcp_documentation',
  'new_task',
  'new_rule',
  'switch_mode',
  'fetch_instructions',
  'update_todo_list',
  'condense',
  'summarize_task',
  'report_bug',
  'web_fetch',
] as const;

/** One piece of an assistant text: prose, a `<thinking>` section, or a tool call with its parameters. */
export type XmlSegment =
  | { type: 'text' | 'thinking'; text: string }
  | { type: 'tool'; name: string; input: Record<string, string> };

const TOOL_OPEN = new RegExp(`<(${CLINE_XML_TOOLS.join('|')})>`, 'g');
const THINKING = /<thinking>([\s\S]*?)<\/thinking>/g;
/** Parameters whose value may itself hold tags (a file's content, a diff): closed by their last tag. */
const GREEDY_PARAMS = new Set(['content', 'diff']);

/**
 * Splits an assistant text into prose, thinking and XML tool calls.
 * @returns the segments in order, or `null` when the text holds no complete tool call and no
 *   `<thinking>` section (it is then plain prose).
 * @example parseClineXml('<read_file>\n<path>a.ts</path>\n</read_file>')
 *   // [{type: 'tool', name: 'read_file', input: {path: 'a.ts'}}]
 */
export function parseClineXml(text: string): XmlSegment[] | null {
  const out: XmlSegment[] = [];
  let pos = 0;
  let calls = 0;
  TOOL_OPEN.lastIndex = 0;
  for (let m = TOOL_OPEN.exec(text); m !== null; m = TOOL_OPEN.exec(text)) {
    const name = m[1]!;
    const bodyStart = m.index + m[0].length;
    const close = text.indexOf(`</${name}>`, bodyStart);
    if (close === -1) break; // a call cut off mid-stream is no call
    prose(text.slice(pos, m.index), out);
    out.push({ type: 'tool', name, input: params(text.slice(bodyStart, close)) });
    calls++;
    pos = close + name.length + 3;
    TOOL_OPEN.lastIndex = pos;
  }
  prose(text.slice(pos), out);
  return calls > 0 || out.some((s) => s.type === 'thinking') ? out : null;
}

/** Prose with its `<thinking>` sections split out (empty pieces dropped). */
function prose(text: string, out: XmlSegment[]): void {
  let pos = 0;
  THINKING.lastIndex = 0;
  for (let m = THINKING.exec(text); m !== null; m = THINKING.exec(text)) {
    const before = text.slice(pos, m.index).trim();
    if (before !== '') out.push({ type: 'text', text: before });
    if (m[1]!.trim() !== '') out.push({ type: 'thinking', text: m[1]!.trim() });
    pos = m.index + m[0].length;
  }
  const rest = text.slice(pos).trim();
  if (rest !== '') out.push({ type: 'text', text: rest });
}

/** The `<name>value</name>` parameters of a tool body, values stripped of one leading/trailing newline. */
function params(body: string): Record<string, string> {
  const input: Record<string, string> = {};
  const open = /<(\w+)>/g;
  for (let m = open.exec(body); m !== null; m = open.exec(body)) {
    const name = m[1]!;
    const start = m.index + m[0].length;
    const tag = `</${name}>`;
    const end = GREEDY_PARAMS.has(name) ? body.lastIndexOf(tag) : body.indexOf(tag, start);
    if (end < start) continue;
    input[name] = body
      .slice(start, end)
      .replace(/^\r?\n/, '')
      .replace(/\r?\n$/, '');
    open.lastIndex = end + tag.length;
  }
  return input;
}

/** True when an assistant message carries native `tool_use` blocks (its text is then never parsed). */
export function hasToolUseBlocks(content: unknown): boolean {
  return Array.isArray(content) && content.some((b) => isRecord(b) && b.type === 'tool_use');
}
