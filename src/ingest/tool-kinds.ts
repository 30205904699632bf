/**
 * The tool taxonomy (DESIGN.md event model): each importer maps its format's tool names to a
 * {@link ToolKind} through the table of the agent that wrote the transcript, and extracts the command
 * line of shell calls. The tables list the tools each agent documents or ships:
 * - Claude Code: the tool list of `system/init` (`Bash`, `Read`, `Edit`, `Task`, …) and the
 *   memory tool of the Messages API (`memory`);
 * - Codex CLI: `shell`, `exec_command`, `write_stdin`, `local_shell`, `apply_patch`, `web_search`,
 *   `update_plan`, `view_image` (codex-rs `tools/spec.rs`);
 * - Gemini CLI: `run_shell_command`, `read_file`, `read_many_files`, `list_directory`, `write_file`,
 *   `replace`, `glob`, `search_file_content`, `google_web_search`, `web_fetch`, `save_memory`,
 *   `delegate_to_agent` (gemini-cli `packages/core/src/tools`);
 * - OpenHands CodeAct: `execute_bash`, `str_replace_editor`, `browser`, `web_read`, `execute_ipython_cell`;
 * - SWE-agent / mini-swe-agent: `bash`, `str_replace_editor`, `find_file`, `search_dir`, `search_file`,
 *   `open`, `goto`, `scroll_*`, `create`, `edit`, `submit`;
 * - Cline: `execute_command`, `read_file`, `write_to_file`, `replace_in_file`, `search_files`,
 *   `list_files`, `list_code_definition_names`, `browser_action`, `web_fetch`, `use_mcp_tool`, …;
 * - Claude Managed Agents' agent toolset: `bash`, `read`, `write`, `edit`, `glob`, `grep`, `web_fetch`,
 *   `web_search`, `memory`;
 * - Cursor (`run_terminal_cmd`, `edit_file`, `codebase_search`, `grep_search`, `file_search`).
 * {@link GENERIC_TOOL_KINDS} is the union, used by formats that do not say which agent wrote them
 * (OpenAI chat and Responses logs).
 */
import type { ToolKind } from '../domain/index.js';
import { isRecord } from './json.js';

/** A tool-name → kind table of one agent. */
export type ToolKindTable = Readonly<Record<string, ToolKind>>;

/** Claude Code's tools (both the project-file and the stream-json forms). */
export const CLAUDE_CODE_TOOL_KINDS: ToolKindTable = {
  Bash: 'shell',
  BashOutput: 'shell',
  KillShell: 'shell',
  KillBash: 'shell',
  PowerShell: 'shell',
  Read: 'read',
  NotebookRead: 'read',
  LS: 'read',
  Edit: 'edit',
  MultiEdit: 'edit',
  Write: 'edit',
  NotebookEdit: 'edit',
  Glob: 'search',
  Grep: 'search',
  WebFetch: 'web',
  WebSearch: 'web',
  web_search: 'web',
  web_fetch: 'web',
  Task: 'delegate',
  Agent: 'delegate',
  TaskOutput: 'delegate',
  // agent teams: messages to teammates and the team's life cycle (Claude Code 2.1)
  SendMessage: 'delegate',
  TeamCreate: 'delegate',
  TeamDelete: 'delegate',
  memory: 'memory',
};

/**
 * Claude Code's tools that run one command line in a shell, with `input.command` and an `Exit code N`
 * first line on failure: `Bash`, and `PowerShell` on Windows hosts.
 */
export const CLAUDE_CODE_COMMAND_TOOLS: ReadonlySet<string> = new Set(['Bash', 'PowerShell']);

/** Codex CLI's tools. */
export const CODEX_TOOL_KINDS: ToolKindTable = {
  shell: 'shell',
  container_exec: 'shell',
  'container.exec': 'shell',
  exec_command: 'shell',
  write_stdin: 'shell',
  local_shell: 'shell',
  unified_exec: 'shell',
  apply_patch: 'edit',
  web_search: 'web',
  view_image: 'read',
  // Codex's native multi-agent tools (codex-rs/core/src/tools/handlers/multi_agents.rs); `wait` and
  // `close_agent` only manage the subagent.
  spawn_agent: 'delegate',
};

/** Gemini CLI's tools. */
export const GEMINI_CLI_TOOL_KINDS: ToolKindTable = {
  run_shell_command: 'shell',
  read_file: 'read',
  read_many_files: 'read',
  list_directory: 'read',
  write_file: 'edit',
  replace: 'edit',
  edit: 'edit',
  glob: 'search',
  search_file_content: 'search',
  grep: 'search',
  google_web_search: 'web',
  web_fetch: 'web',
  save_memory: 'memory',
  delegate_to_agent: 'delegate',
};

/** OpenHands CodeAct tools (`tool_call_metadata.function_name`) and action names. */
export const OPENHANDS_TOOL_KINDS: ToolKindTable = {
  execute_bash: 'shell',
  execute_ipython_cell: 'shell',
  run: 'shell',
  run_ipython: 'shell',
  read: 'read',
  edit: 'edit',
  str_replace_editor: 'edit',
  edit_file: 'edit',
  browser: 'web',
  web_read: 'web',
  browse: 'web',
  browse_interactive: 'web',
  delegate: 'delegate',
  // V1 (SDK) tools whose calls keep their tool name (openhands-sdk-events.ts)
  glob: 'search',
  grep: 'search',
};

/** SWE-agent (0.x commands and 1.0 tool bundles) and mini-swe-agent. */
export const SWE_AGENT_TOOL_KINDS: ToolKindTable = {
  bash: 'shell',
  str_replace_editor: 'edit',
  edit: 'edit',
  create: 'edit',
  insert: 'edit',
  open: 'read',
  goto: 'read',
  scroll_up: 'read',
  scroll_down: 'read',
  find_file: 'search',
  search_dir: 'search',
  search_file: 'search',
};

/** Cline's tools, and those its fork Roo Code adds (`apply_diff`, `insert_content`, `search_and_replace`, `codebase_search`). */
export const CLINE_TOOL_KINDS: ToolKindTable = {
  execute_command: 'shell',
  read_file: 'read',
  list_files: 'read',
  list_code_definition_names: 'read',
  write_to_file: 'edit',
  replace_in_file: 'edit',
  apply_diff: 'edit',
  insert_content: 'edit',
  search_and_replace: 'edit',
  new_rule: 'edit',
  search_files: 'search',
  codebase_search: 'search',
  browser_action: 'web',
  web_fetch: 'web',
  new_task: 'delegate',
};

/** Claude Managed Agents' built-in agent toolset. */
export const MANAGED_AGENTS_TOOL_KINDS: ToolKindTable = {
  bash: 'shell',
  read: 'read',
  write: 'edit',
  edit: 'edit',
  glob: 'search',
  grep: 'search',
  web_fetch: 'web',
  web_search: 'web',
  memory: 'memory',
};

/** Cursor's agent tools (seen in OpenAI-shaped exports). */
export const CURSOR_TOOL_KINDS: ToolKindTable = {
  run_terminal_cmd: 'shell',
  read_file: 'read',
  list_dir: 'read',
  edit_file: 'edit',
  search_replace: 'edit',
  delete_file: 'edit',
  codebase_search: 'search',
  grep_search: 'search',
  file_search: 'search',
  web_search: 'web',
};

/**
 * Bare verbs that agents use as tool names but that mean something else in an application's own tools
 * (`open`, `create`, `read`, `write`, `edit`, `run`, `Task`, …): left out of the generic table, so that an
 * unknown agent's `create` stays `other` rather than being taken for a file edit.
 */
const AMBIGUOUS = new Set([
  'open',
  'goto',
  'create',
  'insert',
  'read',
  'write',
  'edit',
  'replace',
  'run',
  'browse',
  'delegate',
  'Task',
  'Agent',
  'LS',
]);

/**
 * The union of the agent tables above minus {@link AMBIGUOUS} names, for formats that do not say which
 * agent wrote them (OpenAI chat and Responses logs, OpenTelemetry spans). Where agents disagree on a
 * name the first table listed wins (Codex, Gemini CLI, Cline, Cursor, OpenHands, SWE-agent, Managed
 * Agents, Claude Code).
 */
export const GENERIC_TOOL_KINDS: ToolKindTable = Object.freeze(
  Object.fromEntries(
    Object.entries({
      ...CLAUDE_CODE_TOOL_KINDS,
      ...MANAGED_AGENTS_TOOL_KINDS,
      ...SWE_AGENT_TOOL_KINDS,
      ...OPENHANDS_TOOL_KINDS,
      ...CURSOR_TOOL_KINDS,
      ...CLINE_TOOL_KINDS,
      ...GEMINI_CLI_TOOL_KINDS,
      ...CODEX_TOOL_KINDS,
    }).filter(([name]) => !AMBIGUOUS.has(name)),
  ),
);

/** The kind of `tool` in `table`; `other` for names the table does not list. */
export function toolKind(table: ToolKindTable, tool: string): ToolKind {
  return Object.hasOwn(table, tool) ? table[tool]! : 'other';
}

/**
 * The command line of a shell call's input: a `command` or `cmd` field that is a string, or an argv
 * array (joined with spaces; a `bash -lc <script>` wrapper is reduced to the script); a string input
 * is itself the command.
 * @returns the command, or `undefined` when the input holds none.
 * @example shellCommand({ command: ['bash', '-lc', 'ls -la'] }) // 'ls -la'
 */
export function shellCommand(input: unknown): string | undefined {
  if (typeof input === 'string') return input === '' ? undefined : input;
  if (!isRecord(input)) return undefined;
  const v = input.command ?? input.cmd;
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return argvCommand(v as string[]);
  return undefined;
}

/** `['bash', '-lc', 'x']` → `x`; other argv arrays joined with spaces. */
export function argvCommand(argv: readonly string[]): string | undefined {
  if (argv.length === 0) return undefined;
  if (argv.length === 3 && /(^|\/)(ba|z|da)?sh$/.test(argv[0]!) && /^-l?c$/.test(argv[1]!)) return argv[2];
  return argv.join(' ');
}
