import { describe, expect, it } from 'vitest';
import { commandLabel, toolLabel, unwrapCommand } from './tool-labels.js';

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
