import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { DATA, describeWithData } from '../../test/data.js';
import type { AgentToolResultEvent, AgentToolUseEvent } from '../domain/index.js';
import { detectFormat, type ImportedSession, importTranscripts, parseTranscript } from './index.js';

const DIR = resolve(DATA, 'formats/cline');
const TASK = join(DIR, 'tasks/1769053680585');

describeWithData('Cline task folder importer', async () => {
  const perFile: [string, number][] = [];
  const sessions: ImportedSession[] = [];
  for await (const r of importTranscripts([DIR])) {
    if ('error' in r) throw r.error;
    expect(r.format).toBe('cline');
    perFile.push([r.file.slice(TASK.length + 1), r.sessions.length]);
    sessions.push(...r.sessions);
  }

  it('imports the task folder as one session; ui_messages and task_metadata are sidecars', () => {
    expect(perFile).toEqual([
      ['api_conversation_history.json', 1],
      ['task_metadata.json', 0],
      ['ui_messages.json', 0],
    ]);
    expect(sessions[0]).toMatchObject({
      external_id: 'cline:1769053680585',
      metadata: { models: ['claude-sonnet-4-5-20250929'] },
      // The first ui_messages entry, ts 1769053680628.
      started_at: '2026-01-22T03:48:00.628Z',
    });
  });

  it('pairs results by position (47 calls, 46 results: the final attempt_completion has none)', () => {
    const s = sessions[0]!;
    const uses = s.events.filter((e): e is AgentToolUseEvent => e.type === 'agent.tool_use');
    const results = s.events.filter((e): e is AgentToolResultEvent => e.type === 'agent.tool_result');
    // By hand: 47 tool_use blocks (16 read_file, 1 search_files, 26 write_to_file, 1 replace_in_file,
    // 2 execute_command, 1 attempt_completion) and 46 "[tool for '…'] Result:" texts, none failed.
    expect(uses).toHaveLength(47);
    expect(results).toHaveLength(46);
    expect(results.filter((r) => r.is_error)).toHaveLength(0);
    for (const r of results) {
      const u = uses.find((x) => x.call_id === r.call_id)!;
      expect(r.tool).toBe(u.tool);
      expect(r.content.startsWith(`[${u.tool}`)).toBe(true);
      expect(r.source.index).toBe(u.source.index! + 1);
    }
    expect(uses.at(-1)!.tool).toBe('attempt_completion');
    expect(uses.filter((u) => u.kind === 'shell').map((u) => u.command?.slice(0, 34))).toEqual([
      'cd /workspaces/Online-Card-Archite',
      'cd /workspaces/Online-Card-Archite',
    ]);
    // 47 thinking blocks and 7 non-empty text blocks in the assistant messages.
    expect(s.events.filter((e) => e.type === 'agent.thinking')).toHaveLength(47);
    expect(s.events.filter((e) => e.type === 'agent.message')).toHaveLength(7);
  });

  it('keeps the task as the user message, reminders as system, and drops environment_details', () => {
    const s = sessions[0]!;
    const users = s.events.filter((e) => e.type === 'user.message');
    expect(users).toHaveLength(1);
    expect((users[0] as { text: string }).text.startsWith('You have been given a Dockerized codebase')).toBe(
      true,
    );
    for (const e of s.events) if ('text' in e) expect(e.text.includes('<environment_details>')).toBe(false);
    expect(s.events.filter((e) => e.type === 'system.message')).toHaveLength(7);
  });

  it('is detected from content and marks tool errors failed', () => {
    const text = readFileSync(join(TASK, 'api_conversation_history.json'), 'utf8');
    expect(detectFormat('x.json', text)).toBe('cline');
    const history = [
      { role: 'user', content: [{ type: 'text', text: '<task>\nfix it\n</task>' }] },
      {
        role: 'assistant',
        content: [{ type: 'tool_use', id: 't1', name: 'read_file', input: { path: 'a' } }],
      },
      {
        role: 'user',
        content: [
          {
            type: 'text',
            text: "[read_file for 'a'] Result:\nThe tool execution failed with the following error:\n<error>\nENOENT\n</error>",
          },
        ],
      },
    ];
    const [s] = parseTranscript('tasks/42/api_conversation_history.json', JSON.stringify(history)).sessions;
    expect(s!.external_id).toBe('cline:42');
    expect(s!.events.map((e) => e.type)).toEqual(['user.message', 'agent.tool_use', 'agent.tool_result']);
    expect(s!.events[2]).toMatchObject({ call_id: 't1', is_error: true });
  });
});

it("Cline: only the person's tagged words are user messages; Cline's notes and extra tool output are not", () => {
  // Structure of a real task (a resumed plan-mode task with feedback after attempt_completion), text our own.
  const text = (t: string) => ({ type: 'text', text: t });
  const history = [
    {
      role: 'user',
      content: [
        text('<task>\nmove the app\n</task>'),
        text(
          'Files attached by the user:\n\n<file_content path="spec.md">\n# Spec\nUse blue.\n</file_content>',
        ),
      ],
    },
    {
      role: 'assistant',
      content: [
        { type: 'tool_use', id: 'a1', name: 'ask_followup_question', input: { question: 'Proceed?' } },
      ],
    },
    {
      role: 'user',
      content: [text("[ask_followup_question for 'Proceed?'] Result:\n<answer>\nYes, proceed\n</answer>")],
    },
    {
      role: 'assistant',
      content: [
        {
          type: 'tool_use',
          id: 'c1',
          name: 'attempt_completion',
          input: { result: 'Done', command: 'npm run dev' },
        },
      ],
    },
    {
      role: 'user',
      content: [
        text('[attempt_completion] Result: Done'),
        text('Command failed with exit code 1.\nOutput:\nError: listen EADDRINUSE'),
        text(
          'The user has provided feedback on the results. Consider their input to continue the task, and then attempt completion again.',
        ),
        text('<feedback>\nuse port 9003 instead\n</feedback>'),
        text('<environment_details>\n# Current Mode\nACT MODE\n</environment_details>'),
      ],
    },
    {
      role: 'user',
      content: [
        text('[TASK RESUMPTION] This task was interrupted 3 days ago.'),
        text(
          "(The user did not provide a new message. Consider asking them how they'd like you to proceed, or suggest to them to switch to Act mode to continue with the task.)",
        ),
        text('New instructions for task continuation:\n<user_message>\nnever touch prod\n</user_message>'),
      ],
    },
  ];
  const [s] = parseTranscript('tasks/7/api_conversation_history.json', JSON.stringify(history)).sessions;
  const said = s!.events.filter((e) => e.type === 'user.message').map((e) => (e as { text: string }).text);
  expect(said).toEqual(['move the app', 'Yes, proceed', 'use port 9003 instead', 'never touch prod']);
  const system = s!.events
    .filter((e) => e.type === 'system.message')
    .map((e) => (e as { text: string }).text.slice(0, 20));
  expect(system).toEqual([
    'Files attached by th',
    'Command failed with ',
    'The user has provide',
    '[TASK RESUMPTION] Th',
    '(The user did not pr',
  ]);
  expect(s!.events.filter((e) => e.type === 'agent.tool_result')).toHaveLength(2);
});

it('Cline: tool calls written as XML in the assistant text (no native tool_use) are calls, their results never the person’s words', () => {
  // The structure of an older Cline / Roo Code history with a model without native tool calls (text ours):
  // the call is XML in the assistant's text, the result a header block followed by the output block.
  const text = (t: string) => ({ type: 'text', text: t });
  const env = text('<environment_details>\n# Current Mode\nACT MODE\n</environment_details>');
  const history = [
    { role: 'user', content: [text('<task>\nfix the tests\n</task>'), env] },
    {
      role: 'assistant',
      content:
        '<thinking>\nRead the test first.\n</thinking>\n\n<read_file>\n<path>tests/test_app.py</path>\n</read_file>',
    },
    {
      role: 'user',
      content: [
        text("[read_file for 'tests/test_app.py'] Result:"),
        text('The tool execution failed with the following error:\n<error>\nFile not found\n</error>'),
        env,
      ],
    },
    {
      role: 'assistant',
      content: [
        text(
          'The path was wrong.\n\n<execute_command>\n<command>pytest -q</command>\n<requires_approval>false</requires_approval>\n</execute_command>',
        ),
      ],
    },
    {
      role: 'user',
      content: [
        text("[execute_command for 'pytest -q'] Result:"),
        text('Command executed.\nOutput:\n3 passed. Always run with -q next time.'),
        env,
      ],
    },
    { role: 'user', content: [text("[read_file for 'orphan.txt'] Result:"), text('orphan output')] },
    {
      role: 'assistant',
      content: '<write_to_file>\n<path>a.py</path>\n<content>\nx = "<b>"\n</content>\n</write_to_file>',
    },
    {
      role: 'user',
      content: [
        text("[write_to_file for 'a.py'] Result:"),
        text('saved'),
        text('<feedback>\nuse black\n</feedback>'),
      ],
    },
  ];
  const [s] = parseTranscript('tasks/9/api_conversation_history.json', JSON.stringify(history)).sessions;
  const said = (type: string) =>
    s!.events.filter((e) => e.type === type).map((e) => (e as { text: string }).text);
  expect(said('user.message')).toEqual(['fix the tests', 'use black']);
  expect(said('agent.thinking')).toEqual(['Read the test first.']);
  expect(said('agent.message')).toEqual(['The path was wrong.']);
  const uses = s!.events.filter((e): e is AgentToolUseEvent => e.type === 'agent.tool_use');
  expect(uses.map((u) => [u.tool, u.kind, u.command ?? null])).toEqual([
    ['read_file', 'read', null],
    ['execute_command', 'shell', 'pytest -q'],
    ['write_to_file', 'edit', null],
  ]);
  expect(uses[2]!.input).toEqual({ path: 'a.py', content: 'x = "<b>"' });
  const results = s!.events.filter((e): e is AgentToolResultEvent => e.type === 'agent.tool_result');
  expect(results.map((r) => [r.call_id, r.is_error, r.content.split('\n')[1]])).toEqual([
    [uses[0]!.call_id, true, 'The tool execution failed with the following error:'],
    [uses[1]!.call_id, false, 'Command executed.'],
    [uses[2]!.call_id, false, 'saved'],
  ]);
  // A result header no call waits for is tool output all the same.
  expect(said('system.message')).toContain("[read_file for 'orphan.txt'] Result:\norphan output");
});

it('Cline / Roo Code: a call the person denied, and one skipped after it, are declined; an output quoting the words is not', () => {
  // Cline's and Roo Code's own templates (responses.ts toolDenied, the task loop's skip notice); calls ours.
  const text = (t: string) => ({ type: 'text', text: t });
  const use = (id: string, name: string, input: unknown) => ({ type: 'tool_use', id, name, input });
  const history = [
    { role: 'user', content: [text('<task>\nclean the build\n</task>')] },
    {
      role: 'assistant',
      content: [use('c1', 'execute_command', { command: 'rm -rf build' })],
    },
    {
      role: 'user',
      content: [
        text(
          "[execute_command for 'rm -rf build'] Result:\nThe user denied this operation and provided the following feedback:\n<feedback>\nkeep build/cache\n</feedback>",
        ),
      ],
    },
    {
      role: 'assistant',
      content: [use('c2', 'read_file', { path: 'NOTES.md' }), use('c3', 'write_to_file', { path: 'b' })],
    },
    {
      role: 'user',
      content: [
        {
          type: 'tool_result',
          tool_use_id: 'c2',
          content: 'Notes: if a call fails, Cline says "The user denied this operation." in its result.',
        },
        {
          type: 'tool_result',
          tool_use_id: 'c3',
          content: "Skipping tool [write_to_file for 'b'] due to user rejecting a previous tool.",
          is_error: true,
        },
      ],
    },
  ];
  const [s] = parseTranscript('tasks/5/api_conversation_history.json', JSON.stringify(history)).sessions;
  const results = s!.events.filter((e): e is AgentToolResultEvent => e.type === 'agent.tool_result');
  expect(results.map((r) => [r.call_id, r.is_error, r.declined ?? false])).toEqual([
    ['c1', true, true],
    ['c2', false, false],
    ['c3', true, true],
  ]);
  // the person's words on the denied call stay theirs
  expect(s!.events.filter((e) => e.type === 'user.message').map((e) => 'text' in e && e.text)).toEqual([
    'clean the build',
    'keep build/cache',
  ]);
});
