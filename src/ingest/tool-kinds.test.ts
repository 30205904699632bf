import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { DATA, describeWithData } from '../../test/data.js';
import type { AgentToolResultEvent, AgentToolUseEvent, SessionEvent } from '../domain/index.js';
import { parseTranscript, readTranscriptFile } from './index.js';
import { argvCommand, GENERIC_TOOL_KINDS, shellCommand, toolKind } from './tool-kinds.js';

const uses = (events: SessionEvent[]) =>
  events.filter((e): e is AgentToolUseEvent => e.type === 'agent.tool_use');
const results = (events: SessionEvent[]) =>
  events.filter((e): e is AgentToolResultEvent => e.type === 'agent.tool_result');
const kindCounts = (events: SessionEvent[]) => {
  const out: Record<string, number> = {};
  for (const u of uses(events)) out[u.kind!] = (out[u.kind!] ?? 0) + 1;
  return out;
};

describeWithData('tool kinds set by the importers', () => {
  it('Claude Code: Bash is shell with its command, Task delegates, Read/Glob/Write/Edit by kind', () => {
    const dir = join(DATA, 'formats/claude-code-projects');
    // Counted by hand from the files' tool_use blocks (see the test of the projects layout).
    const e9 = readTranscriptFile(join(dir, 'e9fb405b-169f-40eb-9396-7e75076f045d.jsonl')).sessions[0]!;
    expect(kindCounts(e9.events)).toEqual({ delegate: 1, shell: 6, read: 4, search: 2, edit: 1 });
    const big = readTranscriptFile(join(dir, '624a4a58-b34c-462d-a70d-13421c8125a8.jsonl')).sessions[0]!;
    expect(kindCounts(big.events)).toEqual({ read: 19, edit: 25, shell: 3, search: 1 });
    for (const u of uses([...e9.events, ...big.events])) {
      if (u.tool === 'Bash') expect(u.command).toBe((u.input as { command: string }).command);
      else expect(u.command).toBeUndefined();
    }
  });

  it('mini-swe-agent: every call is shell with its command; exit codes from <returncode>', () => {
    const dir = join(DATA, 'mini-swe-agent/django-100');
    const events: SessionEvent[] = [];
    for (const id of readdirSync(dir)) {
      events.push(...readTranscriptFile(join(dir, id, `${id}.traj.json`)).sessions[0]!.events);
    }
    for (const u of uses(events)) {
      expect(u.kind).toBe('shell');
      expect(u.command).toBe((u.input as { command: string }).command);
    }
    // 3,603 <returncode> observations in the 100 trajectories: 3,329 × 0, 260 × 1, 13 × 2, 1 × 127.
    const codes: Record<string, number> = {};
    for (const r of results(events)) {
      if (r.exit_code === undefined) continue;
      codes[String(r.exit_code)] = (codes[String(r.exit_code)] ?? 0) + 1;
      expect(r.is_error).toBe(r.exit_code !== 0);
    }
    expect(codes).toEqual({ '0': 3329, '1': 260, '2': 13, '127': 1 });
  });

  it('τ-bench: domain API calls are other', () => {
    const { sessions } = readTranscriptFile(join(DATA, 'tau-bench/airline-gpt-4o.trials-0-1.json'));
    const all = sessions.flatMap((s) => uses(s.events));
    expect(all.length).toBeGreaterThan(500);
    expect(new Set(all.map((u) => u.kind))).toEqual(new Set(['other']));
  });

  it('OpenAI chat: names every known agent uses (Cursor, Gemini CLI, Codex) get their kind', () => {
    const call = (id: string, name: string, args: unknown) => ({
      id,
      type: 'function',
      function: { name, arguments: JSON.stringify(args) },
    });
    const messages = [
      { role: 'user', content: 'fix the build' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          call('a', 'run_terminal_cmd', { command: 'npm test' }),
          call('b', 'run_shell_command', { command: 'ls -la' }),
          call('c', 'apply_patch', { input: '*** Begin Patch' }),
          call('d', 'codebase_search', { query: 'build' }),
          call('e', 'get_weather', { city: 'Oslo' }),
        ],
      },
    ];
    const [s] = parseTranscript('cursor.json', JSON.stringify(messages)).sessions;
    expect(uses(s!.events).map((u) => [u.tool, u.kind, u.command])).toEqual([
      ['run_terminal_cmd', 'shell', 'npm test'],
      ['run_shell_command', 'shell', 'ls -la'],
      ['apply_patch', 'edit', undefined],
      ['codebase_search', 'search', undefined],
      ['get_weather', 'other', undefined],
    ]);
  });

  it('reverie JSONL keeps kind, command and exit_code; a line without kind (older export) is other', () => {
    const text = [
      '{"type":"session","external_id":"k:1","agent_id":"a"}',
      '{"type":"agent.tool_use","tool":"sh","kind":"shell","input":{},"call_id":"c1","command":"make"}',
      '{"type":"agent.tool_result","call_id":"c1","content":"boom","is_error":true,"exit_code":2}',
      '{"type":"agent.tool_use","tool":"lookup","call_id":"c2"}',
    ].join('\n');
    const [s] = parseTranscript('k.jsonl', text).sessions;
    expect(s!.events.map((e) => [e.type, 'kind' in e ? e.kind : null])).toEqual([
      ['agent.tool_use', 'shell'],
      ['agent.tool_result', null],
      ['agent.tool_use', 'other'],
    ]);
    expect(s!.events[0]).toMatchObject({ command: 'make' });
    expect(s!.events[1]).toMatchObject({ exit_code: 2, is_error: true });
    expect(() =>
      parseTranscript(
        'bad.jsonl',
        `${text}\n{"type":"agent.tool_use","tool":"x","call_id":"c3","kind":"bash"}`,
      ),
    ).toThrow(/bad\.jsonl:5: kind/);
  });
});

describeWithData('tool-kinds helpers', () => {
  it('reads commands from strings, argv arrays and bash -lc wrappers', () => {
    expect(shellCommand({ command: ['bash', '-lc', 'ls -la'] })).toBe('ls -la');
    expect(shellCommand({ cmd: 'rg foo' })).toBe('rg foo');
    expect(shellCommand({ command: ['git', 'status'] })).toBe('git status');
    expect(shellCommand({ path: 'x' })).toBeUndefined();
    expect(argvCommand(['/bin/zsh', '-lc', 'npm test'])).toBe('npm test');
    expect(toolKind(GENERIC_TOOL_KINDS, 'toString')).toBe('other');
    // Bare verbs of an application's own tools are not taken for an agent's file tools.
    expect(
      ['create', 'open', 'read', 'write', 'run', 'Task'].map((n) => toolKind(GENERIC_TOOL_KINDS, n)),
    ).toEqual(Array(6).fill('other'));
    expect(toolKind(GENERIC_TOOL_KINDS, 'str_replace_editor')).toBe('edit');
  });
});

it('Codex: spawn_agent hands work to a subagent (delegate); the multi-agent bookkeeping calls are other', () => {
  // Rollout lines of Codex's multi-agent tools; content our own.
  const line = (payload: Record<string, unknown>) =>
    JSON.stringify({ timestamp: '2026-05-12T10:00:00.000Z', type: 'response_item', payload });
  const text = [
    JSON.stringify({
      timestamp: '2026-05-12T10:00:00.000Z',
      type: 'session_meta',
      payload: { id: 'cdx-1', cwd: '/w' },
    }),
    line({
      type: 'function_call',
      name: 'spawn_agent',
      arguments: '{"message":"review the parser"}',
      call_id: 'c1',
    }),
    line({ type: 'function_call_output', call_id: 'c1', output: '{"agent_id":"a1"}' }),
    line({ type: 'function_call', name: 'wait', arguments: '{"ids":["a1"]}', call_id: 'c2' }),
    line({ type: 'function_call_output', call_id: 'c2', output: 'done' }),
  ].join('\n');
  const [s] = parseTranscript('rollout-x.jsonl', text).sessions;
  expect(uses(s!.events).map((u) => [u.tool, u.kind])).toEqual([
    ['spawn_agent', 'delegate'],
    ['wait', 'other'],
  ]);
});

it("Claude Code on Windows: the PowerShell tool is shell, with its command (Claude Code 2.x's tool for Windows hosts)", () => {
  const base = {
    sessionId: '5b6c7d8e-0000-4000-8000-0000000000bb',
    cwd: 'C:\\src\\app',
    timestamp: '2026-02-01T10:00:00Z',
  };
  const lines = [
    { ...base, type: 'user', uuid: 'u1', message: { role: 'user', content: 'list the running containers' } },
    {
      ...base,
      type: 'assistant',
      uuid: 'a1',
      message: {
        id: 'msg_1',
        role: 'assistant',
        content: [
          {
            type: 'tool_use',
            id: 'toolu_1',
            name: 'PowerShell',
            input: { command: 'docker ps --format "{{.Names}}"', description: 'List containers' },
          },
        ],
      },
    },
  ];
  const [s] = parseTranscript('win.jsonl', lines.map((l) => JSON.stringify(l)).join('\n')).sessions;
  const [u] = uses(s!.events);
  expect(u).toMatchObject({ tool: 'PowerShell', kind: 'shell', command: 'docker ps --format "{{.Names}}"' });
});
