/**
 * Tool labels for sequence mining: a tool call is labelled by its tool name, except shell calls, which
 * are labelled by the program they run (`bash:grep`, `bash:python`), since "bash, bash, bash" says
 * nothing about a workflow.
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

/** The sequence label of a call: `bash:<program>` for shell tools, else the tool name. */
export function toolLabel(tool: string, input: unknown): string {
  if (isShellTool(tool)) {
    const head = commandHead(toolInputText(input));
    return head ? `${tool}:${head}` : tool;
  }
  return tool;
}
