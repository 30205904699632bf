import { describe, expect, it } from 'vitest';
import { detectFormat, parseTranscript } from './index.js';

/** An ATIF v1.4 trajectory written for this test (Harbor RFC 0001 field names). */
const trajectory = {
  schema_version: 'ATIF-v1.4',
  session_id: 'tb-2026-hello',
  agent: { name: 'claude-code', version: '2.1.0', model_name: 'claude-opus-4-5' },
  steps: [
    { step_id: 1, source: 'system', message: 'You are a coding agent.' },
    { step_id: 2, timestamp: '2026-03-01T10:00:00Z', source: 'user', message: 'Create hello.txt' },
    {
      step_id: 3,
      timestamp: '2026-03-01T10:00:04.123456Z',
      source: 'agent',
      message: 'Checking the folder first.',
      reasoning_content: 'List, then write.',
      tool_calls: [
        { tool_call_id: 'c1', function_name: 'Bash', arguments: { command: 'ls -la' } },
        { tool_call_id: 'c2', function_name: 'Read', arguments: { file_path: 'hello.txt' } },
      ],
      observation: {
        results: [
          { source_call_id: 'c1', content: 'total 0' },
          { source_call_id: 'c2', content: 'Error: no such file hello.txt' },
          {
            subagent_trajectory_ref: [{ session_id: 'tb-2026-hello-sub1' }],
            content: 'summary of the subagent',
          },
        ],
      },
    },
    { step_id: 4, source: 'agent', message: 'Done.' },
  ],
};

describe('ATIF importer', () => {
  const text = JSON.stringify(trajectory);
  const [s] = parseTranscript('trajectory.json', text).sessions;

  it('maps steps to events, pairs observation results by source_call_id, reads kinds from agent.name', () => {
    expect(detectFormat('trajectory.json', text)).toBe('atif');
    expect(s!.events.map((e) => [e.type, e.source.pointer])).toEqual([
      ['system.message', '/steps/0'],
      ['user.message', '/steps/1'],
      ['agent.thinking', '/steps/2/reasoning_content'],
      ['agent.message', '/steps/2'],
      ['agent.tool_use', '/steps/2/tool_calls/0'],
      ['agent.tool_use', '/steps/2/tool_calls/1'],
      ['agent.tool_result', '/steps/2/observation/results/0'],
      ['agent.tool_result', '/steps/2/observation/results/1'],
      ['system.message', '/steps/2/observation/results/2'],
      ['agent.message', '/steps/3'],
    ]);
    expect(s!.events[4]).toMatchObject({ tool: 'Bash', kind: 'shell', command: 'ls -la', call_id: 'c1' });
    expect(s!.events[5]).toMatchObject({ tool: 'Read', kind: 'read' });
    expect(s!.events[6]).toMatchObject({ call_id: 'c1', tool: 'Bash', is_error: false });
    expect(s!.events[7]).toMatchObject({ call_id: 'c2', tool: 'Read', is_error: true });
  });

  it('keeps the session id, agent and times', () => {
    expect(s).toMatchObject({
      external_id: 'atif:tb-2026-hello',
      agent_id: 'claude-code',
      source_format: 'atif',
      title: 'Create hello.txt',
      started_at: '2026-03-01T10:00:00.000Z',
      ended_at: '2026-03-01T10:00:04.123Z',
      metadata: {
        schema_version: 'ATIF-v1.4',
        model: 'claude-opus-4-5',
        subagent_session_ids: ['tb-2026-hello-sub1'],
      },
      outcome: null,
    });
  });
});

describe('ATIF from Harbor’s Claude Code converter', () => {
  /** The shape Harbor writes for a Claude Code session (one step per tool call), written for this test. */
  const harbor = {
    schema_version: 'ATIF-v1.2',
    session_id: 'harbor-cc-1',
    agent: { name: 'claude-code', version: '2.1.29', model_name: 'claude-opus-4-5' },
    steps: [
      { step_id: 1, source: 'user', message: 'Write the answer to out.json' },
      {
        step_id: 2,
        source: 'agent',
        message: 'Executed Read toolu_A1',
        tool_calls: [
          { tool_call_id: 'toolu_A1', function_name: 'Read', arguments: { file_path: 'out.json' } },
        ],
        observation: {
          results: [
            {
              source_call_id: 'toolu_A1',
              content: 'File does not exist.\n\n[error] tool reported failure',
            },
          ],
        },
        extra: {
          tool_result_is_error: true,
          tool_result_metadata: { is_error: true, raw_tool_result: { tool_use_id: 'toolu_A1' } },
        },
      },
      {
        step_id: 3,
        source: 'agent',
        message: 'Executed Write toolu_A2',
        tool_calls: [
          {
            tool_call_id: 'toolu_A2',
            function_name: 'Write',
            arguments: { file_path: 'out.json', content: '[]' },
          },
        ],
        observation: { results: [{ source_call_id: 'toolu_A2', content: 'File created successfully' }] },
        extra: { tool_result_metadata: { raw_tool_result: { tool_use_id: 'toolu_A2' } } },
      },
      {
        step_id: 4,
        source: 'agent',
        message: 'Executed Read toolu_A9',
        tool_calls: [{ tool_call_id: 'toolu_A3', function_name: 'Read', arguments: { file_path: 'x' } }],
        observation: {
          results: [
            { source_call_id: 'toolu_A3', content: '<tool_use_error>File is too large</tool_use_error>' },
          ],
        },
      },
    ],
  };
  const [s] = parseTranscript('trajectory.json', JSON.stringify(harbor)).sessions;

  it('marks a call failed from the step’s extra.tool_result_is_error or a <tool_use_error> result', () => {
    const results = s!.events.filter((e) => e.type === 'agent.tool_result');
    expect(results.map((e) => [e.call_id, e.is_error])).toEqual([
      ['toolu_A1', true],
      ['toolu_A2', false],
      ['toolu_A3', true],
    ]);
  });

  it('drops the "Executed <tool> <call id>" placeholder of a tool-only step, keeps a message that only looks like it', () => {
    const said = s!.events.filter((e) => e.type === 'agent.message').map((e) => e.text);
    expect(said).toEqual(['Executed Read toolu_A9']);
  });
});
