import { describe, expect, it } from 'vitest';
import { callLabel, commandLabel, shellCommandOf, toolLabel, unwrapCommand } from './tool-labels.js';

describe('tool labels', () => {
  it('labels shell commands by program and, for subcommand programs, the subcommand', () => {
    const cases: [string, string][] = [
      ['git push -u origin feat/x', 'git push'],
      ['pnpm vitest run packages/a/b.test.ts --runInBand', 'pnpm vitest'],
      ['pnpm db:migrate', 'pnpm db:migrate'],
      ['docker compose up -d postgres', 'docker compose up'],
      ['sg docker -c "docker compose up -d postgres"', 'docker compose up'],
      ['GH_TOKEN=x gh pr create --fill', 'gh pr'],
      ['npm run test -- --watch=false', 'npm run test'],
      ['python -m pytest tests/', 'python -m pytest'],
      ['cd /testbed && python3 reproduce.py', 'python'],
      ['lsof -ti tcp:3000 | xargs kill', 'lsof'],
      ['grep -rn foo .', 'grep'],
    ];
    for (const [cmd, label] of cases) expect(commandLabel(cmd), cmd).toBe(label);
    expect(toolLabel('Bash', { command: 'git status' })).toBe('Bash:git status');
    expect(toolLabel('get_order', { order_id: 'x' })).toBe('get_order');
    expect(unwrapCommand("bash -c 'make test'")).toBe('make test');
  });
});

describe("tool labels from the importer's kind", () => {
  it('labels a shell call by its command whatever the tool is called', () => {
    const cases: [string, string, string][] = [
      ['run_terminal_cmd', 'npm run test -- --watch=false', 'run_terminal_cmd:npm run test'],
      ['run_shell_command', 'cd /repo && python3 -m pytest -q', 'run_shell_command:python -m pytest'],
      ['exec_command', 'git push -u origin main', 'exec_command:git push'],
      ['acme_sandbox_exec', 'rg -n TODO src', 'acme_sandbox_exec:rg'],
    ];
    for (const [tool, command, label] of cases)
      expect(callLabel({ tool, kind: 'shell', command, input: { args: command } }), tool).toBe(label);
  });

  it('trusts a known kind over the name, and needs a command to call it a shell command', () => {
    // a tool named `shell` that the importer knows is something else
    expect(shellCommandOf({ tool: 'shell', kind: 'web', input: { command: 'ls' } })).toBeNull();
    expect(callLabel({ tool: 'bash', kind: 'edit', input: { command: 'create', path: 'a.py' } })).toBe(
      'bash',
    );
    // Codex's write_stdin feeds a running command: shell kind, but no command of its own
    expect(callLabel({ tool: 'write_stdin', kind: 'shell', input: { session_id: 3, chars: 'y\n' } })).toBe(
      'write_stdin',
    );
    // the importer's command, not the input's text (an argv `bash -lc` wrapper already reduced)
    const input = { command: ['bash', '-lc', 'make test'] };
    expect(callLabel({ tool: 'shell', kind: 'shell', command: 'make test', input })).toBe('shell:make test');
    // a shell call whose importer gave no command: the command in its input
    expect(callLabel({ tool: 'acme_run', kind: 'shell', input: { cmd: 'pnpm lint' } })).toBe(
      'acme_run:pnpm lint',
    );
  });

  it('falls back to the tool name without a kind, or with kind other (a tool the importer does not know)', () => {
    expect(shellCommandOf({ tool: 'Bash', input: { command: 'git status' } })).toBe('git status');
    expect(callLabel({ tool: 'bash', kind: 'other', input: { command: 'ls -la' } })).toBe('bash:ls');
    expect(callLabel({ tool: 'bash', input: { command: 'python3 x.py' } })).toBe('bash:python');
    // unknown names stay what they were: not shell
    expect(callLabel({ tool: 'run_terminal_cmd', input: { command: 'npm test' } })).toBe('run_terminal_cmd');
  });
});
