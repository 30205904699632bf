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
