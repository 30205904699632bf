/**
 * Tool labels for sequence mining: a tool call is labelled by its tool name, except shell calls, which
 * are labelled by the program they run and, for programs that dispatch on a subcommand, the subcommand
 * (`bash:grep`, `bash:python`, `bash:git push`, `bash:pnpm db:migrate`, `bash:docker compose up`),
 * since "bash, bash, bash" — or "pnpm, pnpm, pnpm" — says nothing about a workflow.
 */

/** Tools that carry no workflow signal (scratchpads, todo lists) and are dropped from sequences. */
export const TRIVIAL_TOOLS: ReadonlySet<string> = new Set([
  'think',
  'todowrite',
  'todoread',
  'exitplanmode',
  'sleep',
]);

/** True for tools that run a shell command (`bash`, `shell`, Claude Code's `Bash`, …). */
export function isShellTool(tool: string): boolean {
  return /^(?:bash|sh|zsh|shell|terminal|run_shell|run_command|execute_command|execute_bash|exec_command|local_shell)$/i.test(
    tool,
  );
}

/**
 * A readable text of a tool call's input: a string input as is; an object with a string `command`/`cmd`/
 * `code`/`query` field that field; anything else as compact JSON.
 */
export function toolInputText(input: unknown): string {
  if (typeof input === 'string') return input;
  if (input && typeof input === 'object' && !Array.isArray(input)) {
    const o = input as Record<string, unknown>;
    for (const k of ['command', 'cmd', 'code', 'query']) {
      const v = o[k];
      if (typeof v === 'string') return v;
      if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v.join(' ');
    }
  }
  try {
    return JSON.stringify(input) ?? '';
  } catch {
    return String(input);
  }
}

/**
 * The program a shell command runs: skips `cd X &&`, environment assignments (`A=b`), wrappers
 * (`sudo`, `time`, `timeout N`, `env`, `nohup`), takes the basename of a path, and folds `python3` into
 * `python`. `''` for an empty command.
 * @example commandHead('cd /testbed && PYTHONPATH=. python3 ./tests/runtests.py x') === 'python'
 */
export function commandHead(command: string): string {
  let segs = command.split(/&&|\|\||;|\n/).map((s) => s.trim());
  segs = segs.filter((s) => s && !/^(?:cd|pushd|export|set|source|\.)\b/.test(s) && !s.startsWith('#'));
  const seg = segs[0] ?? '';
  const words = seg.split(/\s+/).filter(Boolean);
  let i = 0;
  while (i < words.length) {
    const w = words[i]!;
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(w)) i++;
    else if (w === 'sudo' || w === 'time' || w === 'env' || w === 'nohup' || w === 'command' || w === 'exec')
      i++;
    else if (w === 'timeout') i += 2;
    else break;
  }
  let head = (words[i] ?? '').replace(/^["'(]+|["')]+$/g, '');
  const slash = head.lastIndexOf('/');
  if (slash >= 0) head = head.slice(slash + 1);
  if (/^python\d[\d.]*$/.test(head)) head = 'python';
  return head.slice(0, 40);
}

/**
 * Programs whose first argument is a subcommand (package managers, VCS, container and cloud CLIs, build
 * tools): their label keeps it (`git push`, `pnpm lint`).
 */
const SUBCOMMAND_PROGRAMS: ReadonlySet<string> = new Set(
  (
    'git gh hg svn npm pnpm yarn bun deno npx pnpx bunx docker docker-compose podman kubectl helm cargo ' +
    'rustup go pip pip3 uv poetry conda pipenv make terraform aws gcloud az systemctl apt apt-get brew ' +
    'dotnet mvn gradle rails bundle rake mix composer tox nox dvc'
  ).split(' '),
);
/** Subcommands that themselves dispatch (`pnpm run build`, `docker compose up`, `python -m pytest`). */
const NESTED_SUBCOMMANDS: ReadonlySet<string> = new Set(['run', 'exec', 'x', 'dlx', 'compose', '-m']);
const BARE_WORD = /^[a-z][\w:.-]*$/i;

/**
 * The command a wrapper runs: `sg docker -c "docker compose up"`, `bash -c '…'`, `sh -lc "…"` → the
 * quoted inner command; anything else unchanged.
 */
export function unwrapCommand(command: string): string {
  const m =
    /^\s*(?:sg\s+[\w-]+|(?:ba|z|da)?sh(?:\s+-l)?|su(?:\s+[\w-]+)?)\s+-l?c\s+(["'])([\s\S]*)\1\s*$/.exec(
      command,
    );
  return m ? m[2]! : command;
}

/**
 * The program and, for subcommand programs, the subcommand of a shell command (see {@link commandHead}
 * for what is skipped): `git push -u origin x` → `git push`, `pnpm vitest run f` → `pnpm vitest`,
 * `docker compose up -d` → `docker compose up`, `python -m pytest` → `python -m pytest`,
 * `grep -rn x .` → `grep`. Wrappers (`sg docker -c "…"`, `bash -c "…"`) are unwrapped first.
 */
export function commandLabel(command: string): string {
  const inner = unwrapCommand(command);
  const head = commandHead(inner);
  if (!head) return '';
  if (!SUBCOMMAND_PROGRAMS.has(head) && head !== 'python') return head;
  let segs = inner.split(/&&|\|\||;|\n|\|/).map((x) => x.trim());
  segs = segs.filter((x) => x && !/^(?:cd|pushd|export|set|source|\.)\b/.test(x) && !x.startsWith('#'));
  const words = (segs[0] ?? '').split(/\s+/).filter(Boolean);
  let i = words.findIndex((w) => {
    let b = w.replace(/^["'(]+|["')]+$/g, '');
    b = b.slice(b.lastIndexOf('/') + 1);
    return b === head || (head === 'python' && /^python\d[\d.]*$/.test(b));
  });
  if (i < 0) return head;
  const out = [head];
  for (let k = 0; k < 2; k++) {
    const w = words[++i];
    if (!w || !(BARE_WORD.test(w) || (w === '-m' && head === 'python'))) break;
    if (head === 'python' && w !== '-m' && k === 0) break;
    out.push(w.slice(0, 40));
    if (!NESTED_SUBCOMMANDS.has(w)) break;
  }
  return out.join(' ');
}

/** The sequence label of a call: `bash:<program>[ <subcommand>]` for shell tools, else the tool name. */
export function toolLabel(tool: string, input: unknown): string {
  return callLabel({ tool, input });
}

/**
 * What the engine reads of an `agent.tool_use` event to tell what a call does: the tool name, its input,
 * and the normalized `kind` and shell `command` the importer set (see `src/ingest/tool-kinds.ts` and
 * docs/normalized-format.md; both are absent on sessions stored before kinds existed).
 */
export interface ToolCallShape {
  tool: string;
  input: unknown;
  kind?: string;
  command?: string;
}

/**
 * The command line a call runs, or null when it is not a shell call. A `shell` call (the importer's
 * kind) runs its `command`, else the command in its input (a `command`/`cmd` string or argv array, or a
 * string input): Codex `exec_command`/`shell`, Gemini `run_shell_command`, OpenHands `execute_bash`,
 * Cursor `run_terminal_cmd`, whatever the tool is called. A `shell` call with neither talks to a command
 * already running (Codex `write_stdin`, Claude Code `BashOutput`) and is no command of its own. A call
 * of another known kind (`edit`, `read`, `search`, `web`, `memory`, `delegate`) is never a shell call.
 * Without a kind (sessions stored before kinds existed) or with `other` (a tool the importer does not
 * know, e.g. in reverie JSONL written without kinds) the name-based guess ({@link isShellTool}) and the
 * input's text ({@link toolInputText}) decide, as before kinds existed, so such sessions dream the same.
 * @example shellCommandOf({ tool: 'run_terminal_cmd', kind: 'shell', command: 'npm test', input: {} }) // 'npm test'
 */
export function shellCommandOf(call: ToolCallShape): string | null {
  if (call.kind === 'shell') {
    if (typeof call.command === 'string' && call.command !== '') return call.command;
    return inputCommand(call.input);
  }
  if (call.kind !== undefined && call.kind !== 'other') return null;
  return isShellTool(call.tool) ? toolInputText(call.input) : null;
}

/** The command in a shell call's input: a non-empty string input, or `command`/`cmd` (string or argv). */
function inputCommand(input: unknown): string | null {
  if (typeof input === 'string') return input === '' ? null : input;
  if (!input || typeof input !== 'object' || Array.isArray(input)) return null;
  const o = input as Record<string, unknown>;
  for (const v of [o.command, o.cmd]) {
    if (typeof v === 'string' && v !== '') return v;
    if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string')) return v.join(' ');
  }
  return null;
}

/**
 * True when `label` is the label {@link callLabel} gives a shell call of `tool` (`<tool>:<program>`);
 * false for other calls, whose label is the bare tool name, and for `null`.
 */
export function isShellLabel(tool: string, label: string | null): boolean {
  return label?.startsWith(`${tool}:`) ?? false;
}

/**
 * The sequence label of a call: `<tool>:<program>[ <subcommand>]` ({@link commandLabel}) for a call
 * that runs a shell command ({@link shellCommandOf}), e.g. `bash:python`, `exec_command:git status`,
 * `run_shell_command:npm test`; else the tool name.
 */
export function callLabel(call: ToolCallShape): string {
  const command = shellCommandOf(call);
  if (command === null) return call.tool;
  const label = commandLabel(command);
  return label ? `${call.tool}:${label}` : call.tool;
}
