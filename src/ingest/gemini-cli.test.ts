import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { DATA, describeWithData } from '../../test/data.js';
import type { AgentToolUseEvent } from '../domain/index.js';
import { detectFormat, type ImportedSession, importTranscripts, parseTranscript } from './index.js';

const DIR = resolve(DATA, 'formats/gemini-cli');
const FILE = join(DIR, 'chats/session-2026-01-16T11-01-file-ops-37b7abef.json');

describeWithData('Gemini CLI chat importer', () => {
  it('imports the real chat: 5 user turns, 14 paired calls (all succeeded), 1 delegation', async () => {
    const sessions: ImportedSession[] = [];
    for await (const r of importTranscripts([DIR])) {
      if ('error' in r) throw r.error;
      expect(r.format).toBe('gemini-cli');
      sessions.push(...r.sessions);
    }
    expect(sessions).toHaveLength(1);
    const s = sessions[0]!;
    expect(s).toMatchObject({
      external_id: 'gemini-cli:37b7abef-713d-4522-85f0-8ff15a4e6d17',
      title: 'show tools',
      metadata: { models: ['gemini-3-pro'] },
    });
    const types = (t: string) => s.events.filter((e) => e.type === t);
    expect(types('user.message')).toHaveLength(5);
    expect(types('agent.message')).toHaveLength(5);
    const uses = types('agent.tool_use') as AgentToolUseEvent[];
    expect(uses).toHaveLength(14);
    expect(types('agent.tool_result')).toHaveLength(14);
    expect(
      types('agent.tool_result').filter((e) => e.type === 'agent.tool_result' && e.is_error),
    ).toHaveLength(0);
    const kinds: Record<string, number> = {};
    for (const u of uses) kinds[u.kind!] = (kinds[u.kind!] ?? 0) + 1;
    // write_todos ×3 (other), delegate_to_agent, read_file ×6, search_file_content, write_file ×3.
    expect(kinds).toEqual({ other: 3, delegate: 1, read: 6, search: 1, edit: 3 });
    // Each call is followed by its result, from the same toolCalls entry.
    const i = s.events.indexOf(uses[0]!);
    expect(s.events[i + 1]).toMatchObject({
      type: 'agent.tool_result',
      call_id: uses[0]!.call_id,
      tool: 'write_todos',
    });
    expect(uses[0]!.source).toEqual({ file: FILE, index: 3, pointer: '/messages/3/toolCalls/0' });
  });

  it('marks failed calls by status, response error or a non-zero shell exit code', () => {
    const call = (id: string, name: string, args: unknown, status: string, response: unknown) => ({
      id,
      name,
      args,
      status,
      result: [{ functionResponse: { id, name, response } }],
    });
    const chat = {
      sessionId: 'g1',
      messages: [
        { id: '1', type: 'user', content: 'build it' },
        {
          id: '2',
          type: 'gemini',
          content: '',
          toolCalls: [
            call('a', 'run_shell_command', { command: 'make' }, 'success', {
              output: 'Command: make\nExit Code: 2',
            }),
            call('b', 'read_file', { path: 'x' }, 'error', { error: 'File not found' }),
            call('c', 'run_shell_command', { command: 'ls' }, 'success', {
              output: 'Command: ls\nExit Code: 0',
            }),
          ],
        },
      ],
    };
    const text = JSON.stringify(chat);
    expect(detectFormat('c.json', text)).toBe('gemini-cli');
    expect(detectFormat('c.json', readFileSync(FILE, 'utf8'))).toBe('gemini-cli');
    const [s] = parseTranscript('c.json', text).sessions;
    const results = s!.events.filter((e) => e.type === 'agent.tool_result');
    expect(results.map((r) => [r.call_id, r.is_error, 'exit_code' in r ? r.exit_code : null])).toEqual([
      ['a', true, 2],
      ['b', true, null],
      ['c', false, 0],
    ]);
    expect(s!.events[1]).toMatchObject({ kind: 'shell', command: 'make' });
  });
});

describeWithData('Gemini CLI chat importer, JSONL (newer CLIs)', () => {
  it('reads the real chat written as JSONL records (as the CLI migrates it) into the same events', () => {
    // The migration newer CLIs apply to an older .json chat (chatRecordingService.ts): a metadata
    // line, then one line per message.
    const { messages, ...meta } = JSON.parse(readFileSync(FILE, 'utf8')) as { messages: unknown[] };
    const jsonl = `${[meta, ...messages].map((r) => JSON.stringify(r)).join('\n')}\n`;
    expect(detectFormat('session.jsonl', jsonl)).toBe('gemini-cli');
    const fromJson = parseTranscript(FILE, readFileSync(FILE, 'utf8')).sessions[0]!;
    const fromJsonl = parseTranscript('session.jsonl', jsonl).sessions[0]!;
    const strip = (s: ImportedSession) => s.events.map(({ source: _s, ...e }) => e);
    expect(strip(fromJsonl)).toEqual(strip(fromJson));
    expect(fromJsonl.external_id).toBe(fromJson.external_id);
    // Pointers name the line: message i is on line i + 2.
    const call = fromJsonl.events.find((e) => e.type === 'agent.tool_use')!;
    const inJson = fromJson.events.find((e) => e.type === 'agent.tool_use')!;
    expect(call.source.line).toBe(inJson.source.index! + 2);
    expect(call.source.pointer).toMatch(/^\/toolCalls\/\d+$/);
  });
});

it('folds Gemini CLI JSONL records: a re-appended message replaces its earlier copy, $rewindTo drops, subagents link', () => {
  // Record shapes from gemini-cli's chatRecordingService.ts; text our own.
  const lines = [
    {
      sessionId: 'aaaa-1',
      projectHash: 'h',
      startTime: '2026-05-01T10:00:00.000Z',
      lastUpdated: '2026-05-01T10:00:00.000Z',
      kind: 'main',
    },
    { id: 'u1', timestamp: '2026-05-01T10:00:01.000Z', type: 'user', content: [{ text: 'list the files' }] },
    {
      id: 'g1',
      timestamp: '2026-05-01T10:00:02.000Z',
      type: 'gemini',
      content: '',
      toolCalls: [{ id: 'c1', name: 'run_shell_command', args: { command: 'ls' }, status: 'executing' }],
    },
    { $set: { lastUpdated: '2026-05-01T10:00:03.000Z' } },
    {
      id: 'g1',
      timestamp: '2026-05-01T10:00:02.000Z',
      type: 'gemini',
      content: '',
      toolCalls: [
        {
          id: 'c1',
          name: 'run_shell_command',
          args: { command: 'ls' },
          status: 'error',
          result: [
            {
              functionResponse: { id: 'c1', name: 'run_shell_command', response: { output: 'Exit Code: 2' } },
            },
          ],
        },
      ],
    },
    {
      id: 'u2',
      timestamp: '2026-05-01T10:00:04.000Z',
      type: 'user',
      content: [{ text: 'no, delete everything' }],
    },
    { id: 'g2', timestamp: '2026-05-01T10:00:05.000Z', type: 'gemini', content: 'Deleting.' },
    { $rewindTo: 'u2' },
    { id: 'u3', timestamp: '2026-05-01T10:00:06.000Z', type: 'user', content: [{ text: 'only list them' }] },
  ];
  const text = `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`;
  expect(detectFormat('session-2026-05-01T10-00-aaaa.jsonl', text)).toBe('gemini-cli');
  const [s] = parseTranscript('session-2026-05-01T10-00-aaaa.jsonl', text).sessions;
  expect(s!.events.map((e) => e.type)).toEqual([
    'user.message',
    'agent.tool_use',
    'agent.tool_result',
    'user.message',
  ]);
  expect(s!.events[2]).toMatchObject({ call_id: 'c1', is_error: true, exit_code: 2, source: { line: 5 } });
  expect(s!.events[3]).toMatchObject({ text: 'only list them', source: { line: 9 } });
  expect(s!).toMatchObject({ ended_at: '2026-05-01T10:00:03.000Z', parent_external_id: null });
  // A subagent's chat: chats/<parent session id>/<session id>.jsonl, kind subagent.
  const sub = text.replace('"kind":"main"', '"kind":"subagent"').replace('aaaa-1', 'bbbb-2');
  const [child] = parseTranscript('chats/aaaa-1/bbbb-2.jsonl', sub).sessions;
  expect(child).toMatchObject({
    external_id: 'gemini-cli:bbbb-2',
    parent_external_id: 'gemini-cli:aaaa-1',
    agent_id: 'gemini-cli/subagent',
  });
  // Metadata alone (a chat just started): nothing to import yet.
  expect(parseTranscript('s.jsonl', `${JSON.stringify(lines[0])}\n`).sessions).toEqual([]);
});

it('Gemini CLI: a call to an agent by name is a delegation, failed when its progress display says error', () => {
  // Newer CLIs call subagents by their own names; the status stays success when the subagent failed
  // (shape from a real gemini-3-flash chat, text ours).
  const agentCall = (id: string, name: string, state: string) => ({
    id,
    name,
    args: { request: 'create the files' },
    status: 'success',
    result: [
      { functionResponse: { id, name, response: { output: `Subagent '${name}' finished (${state})` } } },
    ],
    resultDisplay: { isSubagentProgress: true, agentName: name, state, recentActivity: [] },
    description: `Delegating to agent '${name}'`,
  });
  const chat = {
    sessionId: 'g-agents',
    projectHash: 'p',
    messages: [
      { id: '1', type: 'user', content: [{ text: 'create two files' }] },
      {
        id: '2',
        type: 'gemini',
        content: 'Delegating.',
        toolCalls: [agentCall('a', 'generalist', 'error'), agentCall('b', 'cli_help', 'completed')],
      },
    ],
    kind: 'main',
  };
  const [s] = parseTranscript('session-g.json', JSON.stringify(chat)).sessions;
  const uses = s!.events.filter((e) => e.type === 'agent.tool_use');
  expect(uses.map((u) => [u.tool, u.kind])).toEqual([
    ['generalist', 'delegate'],
    ['cli_help', 'delegate'],
  ]);
  const results = s!.events.filter((e) => e.type === 'agent.tool_result');
  expect(results.map((r) => [r.call_id, r.is_error])).toEqual([
    ['a', true],
    ['b', false],
  ]);
});

it('Gemini CLI: a call the scheduler cancelled (the person said no, or stopped it) is declined; an error is not', () => {
  // gemini-cli's record shape and its cancel reason; commands ours.
  const call = (id: string, command: string, status: string, response: Record<string, unknown>) => ({
    id,
    name: 'run_shell_command',
    args: { command },
    status,
    result: [{ functionResponse: { id, name: 'run_shell_command', response } }],
  });
  const chat = {
    sessionId: 'cccc-3',
    projectHash: 'h',
    startTime: '2026-05-01T10:00:00.000Z',
    lastUpdated: '2026-05-01T10:00:09.000Z',
    messages: [
      { id: 'u1', timestamp: '2026-05-01T10:00:01.000Z', type: 'user', content: 'free some space' },
      {
        id: 'g1',
        timestamp: '2026-05-01T10:00:02.000Z',
        type: 'gemini',
        content: '',
        toolCalls: [
          call('c1', 'rm -rf ~/.cache', 'cancelled', {
            error: '[Operation Cancelled] Reason: User did not allow tool call',
          }),
          call('c2', 'du -sh ~', 'error', { error: 'du: permission denied' }),
        ],
      },
    ],
  };
  const [s] = parseTranscript('session-2026-05-01T10-00-cccc.json', JSON.stringify(chat)).sessions;
  const results = s!.events.filter((e) => e.type === 'agent.tool_result');
  expect(results.map((r) => [r.call_id, r.is_error, r.declined ?? false])).toEqual([
    ['c1', true, true],
    ['c2', true, false],
  ]);
});
