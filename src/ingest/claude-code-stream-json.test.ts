import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { DATA, describeWithData } from '../../test/data.js';
import type { AgentToolResultEvent, AgentToolUseEvent } from '../domain/index.js';
import { detectFormat, importTranscripts, parseTranscript, readTranscriptFile } from './index.js';

const DIR = resolve(DATA, 'formats/claude-code-stream-json');
const SID = '8bed4027-e09a-4363-8fa7-0565effb22ea';
const STREAM = join(DIR, `${SID}.stream.jsonl`);
const PROJECT = join(DIR, 'projects/-workspace', `${SID}.jsonl`);

const line = (o: Record<string, unknown>) => JSON.stringify({ session_id: 's1', ...o });
const assistant = (id: string, content: unknown[], parent: string | null = null) =>
  line({ type: 'assistant', message: { id, role: 'assistant', content }, parent_tool_use_id: parent });
const toolResult = (id: string, content: string, isError: boolean, parent: string | null = null) =>
  line({
    type: 'user',
    message: {
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: id, content, is_error: isError }],
    },
    parent_tool_use_id: parent,
  });

describeWithData('Claude Code stream-json importer', () => {
  it('is detected from content and imports the real headless run: 2 calls, 1 failed, no outcome', () => {
    const text = readFileSync(STREAM, 'utf8');
    expect(detectFormat(STREAM, text)).toBe('claude-code-stream-json');
    const { sessions, format } = readTranscriptFile(STREAM);
    expect(format).toBe('claude-code-stream-json');
    expect(sessions).toHaveLength(1);
    const s = sessions[0]!;
    expect(s).toMatchObject({
      external_id: `claude-code:${SID}`,
      agent_id: 'claude-code',
      parent_external_id: null,
      source_format: 'claude-code-stream-json',
      outcome: null,
      metadata: {
        session_id: SID,
        cwd: '/workspace',
        version: '2.1.29',
        models: ['claude-opus-4-5-20251101'],
        result: { subtype: 'success', is_error: false, num_turns: 3 },
      },
    });
    // By hand: line 2 Read (→ line 3 "File does not exist.", is_error), line 5 Write (→ line 6 ok);
    // lines 4 and 7 are text.
    const uses = s.events.filter((e): e is AgentToolUseEvent => e.type === 'agent.tool_use');
    const results = s.events.filter((e): e is AgentToolResultEvent => e.type === 'agent.tool_result');
    expect(uses.map((u) => [u.tool, u.kind, u.source.line])).toEqual([
      ['Read', 'read', 2],
      ['Write', 'edit', 5],
    ]);
    expect(results.map((r) => [r.call_id, r.tool, r.is_error, r.content, r.source.line])).toEqual([
      [uses[0]!.call_id, 'Read', true, 'File does not exist.', 3],
      [uses[1]!.call_id, 'Write', false, 'File created successfully at: /workspace/submission.json', 6],
    ]);
    expect(s.events.map((e) => e.type)).toEqual([
      'agent.tool_use',
      'agent.tool_result',
      'agent.message',
      'agent.tool_use',
      'agent.tool_result',
      'agent.message',
    ]);
  });

  it('keeps one session for the stream and the project file of the same run', async () => {
    const got: [string, string, number][] = [];
    for await (const r of importTranscripts([DIR])) {
      if ('error' in r) throw r.error;
      if (r.skipped) throw new Error(`${r.file}: skipped`);
      for (const s of r.sessions) got.push([r.format, s.external_id, s.events.length]);
    }
    // The project file also has the prompt (a user line) the stream does not echo.
    const project = readTranscriptFile(PROJECT).sessions[0]!;
    expect(project.events.filter((e) => e.type === 'agent.tool_result' && e.is_error)).toHaveLength(1);
    expect(got).toEqual([
      ['claude-code-stream-json', `claude-code:${SID}`, 6],
      ['claude-code', `claude-code:${SID}`, project.events.length],
    ]);
  });

  it('reads is_error, not subtype, from the result line; subagent lines form their own session', () => {
    const text = [
      line({ type: 'system', subtype: 'init', cwd: '/w', model: 'm', claude_code_version: '2.2.0' }),
      line({ type: 'user', message: { role: 'user', content: 'count the files' } }),
      assistant('m1', [{ type: 'tool_use', id: 't1', name: 'Task', input: { prompt: 'count' } }]),
      assistant('m2', [{ type: 'tool_use', id: 't2', name: 'Bash', input: { command: 'ls | wc -l' } }], 't1'),
      toolResult('t2', 'Exit code 2\nls: cannot open', true, 't1'),
      toolResult('t1', 'could not count', false),
      line({
        type: 'result',
        subtype: 'success',
        is_error: true,
        result: 'Usage limit reached',
        num_turns: 2,
      }),
    ].join('\n');
    const [main, sub, ...rest] = parseTranscript('run.jsonl', text).sessions;
    expect(rest).toEqual([]);
    expect(main).toMatchObject({
      external_id: 'claude-code:s1',
      title: 'count the files',
      outcome: { result: 'failed', source: 'claude-code.result' },
    });
    expect(main!.events.at(-1)).toMatchObject({
      type: 'system.message',
      text: 'Run ended with an error (success): Usage limit reached',
      source: { line: 7 },
    });
    expect(main!.events.find((e) => e.type === 'agent.tool_use')).toMatchObject({ kind: 'delegate' });
    expect(sub).toMatchObject({
      external_id: 'claude-code:s1/task-t1',
      parent_external_id: 'claude-code:s1',
      agent_id: 'claude-code/subagent',
    });
    expect(sub!.events.map((e) => e.type)).toEqual(['agent.tool_use', 'agent.tool_result']);
    expect(sub!.events[0]).toMatchObject({ kind: 'shell', command: 'ls | wc -l' });
    expect(sub!.events[1]).toMatchObject({ is_error: true, exit_code: 2, tool: 'Bash' });
  });

  it('emits a block repeated under one message id once, and the same text under another id again', () => {
    const text = [
      line({ type: 'user', message: { role: 'user', content: 'go' } }),
      assistant('m1', [{ type: 'thinking', thinking: 'plan' }]),
      assistant('m1', [
        { type: 'thinking', thinking: 'plan' },
        { type: 'text', text: 'Looking.' },
      ]),
      assistant('m1', [
        { type: 'text', text: 'Looking.' },
        { type: 'tool_use', id: 't1', name: 'Read', input: { file_path: 'a' } },
      ]),
      assistant('m1', [{ type: 'tool_use', id: 't1', name: 'Read', input: { file_path: 'a' } }]),
      toolResult('t1', 'x', false),
      assistant('m2', [{ type: 'text', text: 'Looking.' }]),
    ].join('\n');
    const [main] = parseTranscript('run.jsonl', text).sessions;
    expect(main!.events.map((e) => e.type)).toEqual([
      'user.message',
      'agent.thinking',
      'agent.message',
      'agent.tool_use',
      'agent.tool_result',
      'agent.message',
    ]);
  });

  it("keeps the CLI's own user lines (isSynthetic compaction summary, interrupts) out of the person's words", () => {
    // Line shapes of `claude -p --output-format stream-json` after a compaction; text our own.
    const text = [
      line({ type: 'user', message: { role: 'user', content: 'fix the flaky test' }, isReplay: true }),
      line({
        type: 'user',
        message: {
          role: 'user',
          content: [
            {
              type: 'text',
              text: 'This session is being continued from a previous conversation. Summary: always use pnpm.',
            },
          ],
        },
        isReplay: false,
        isSynthetic: true,
      }),
      line({
        type: 'user',
        message: { role: 'user', content: [{ type: 'text', text: '[Request interrupted by user]' }] },
      }),
      line({
        type: 'user',
        message: {
          role: 'user',
          content: '<command-name>/compact</command-name>\n<command-args></command-args>',
        },
      }),
    ].join('\n');
    const [main] = parseTranscript('run.jsonl', text).sessions;
    expect(main!.events.map((e) => [e.type, (e as { text: string }).text.slice(0, 22)])).toEqual([
      ['user.message', 'fix the flaky test'],
      ['system.message', 'This session is being '],
      ['system.message', '[Request interrupted b'],
      ['user.message', '/compact'],
    ]);
  });
});
