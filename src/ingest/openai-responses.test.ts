import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { DATA, describeWithData } from '../../test/data.js';
import { detectFormat, type ImportedSession, importTranscripts, parseTranscript } from './index.js';

const DIR = resolve(DATA, 'formats/openai-responses');

describeWithData('OpenAI Responses / Agents SDK importer', () => {
  it('imports the live response and the Agents SDK result: one call each, no output in the files', async () => {
    const sessions: ImportedSession[] = [];
    for await (const r of importTranscripts([DIR])) {
      if ('error' in r) throw r.error;
      expect(r.format).toBe('openai-responses');
      sessions.push(...r.sessions);
    }
    const summary = sessions.map((s) => [s.external_id, s.events.map((e) => e.type)]);
    expect(summary).toEqual([
      // Agents SDK: input, the message of the raw response and its nested tool call; final_output
      // repeats the message, so it is not added again.
      ['openai-responses:resp_abc123def456', ['user.message', 'agent.message', 'agent.tool_use']],
      // Responses object: instructions, then its one function_call (its output is not in the file).
      [
        'openai-responses:resp_67d5328491388192bec10f88bd3100970ff2fe545808f558',
        ['system.message', 'agent.tool_use'],
      ],
    ]);
    expect(sessions[1]!.events[1]).toMatchObject({
      tool: 'get_weather',
      kind: 'other',
      call_id: 'call_qVCWmymIoOH1B9nFUSr9r4mc',
      input: { location: 'San Francisco', unit: 'metric' },
      source: { pointer: '/output/0' },
    });
    expect(sessions[1]!.metadata).toEqual({ model: 'gpt-4o-2024-08-06' });
    expect(sessions[0]!.events[2]).toMatchObject({
      call_id: 'call_xyz789',
      source: { pointer: '/raw_responses/0/output/0/tool_calls/0' },
    });
  });

  it('pairs outputs by call_id in an item list and reads kinds and failures', () => {
    const items = [
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'list the repo' }] },
      { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'Use the shell.' }] },
      { type: 'function_call', call_id: 'c1', name: 'shell', arguments: '{"command":["ls","-la"]}' },
      { type: 'function_call_output', call_id: 'c1', output: 'README.md' },
      { type: 'function_call', call_id: 'c2', name: 'read_file', arguments: '{"path":"x"}' },
      { type: 'function_call_output', call_id: 'c2', output: 'Error: no such file x' },
      { type: 'web_search_call', id: 'ws_1', status: 'completed', action: { type: 'search', query: 'q' } },
    ];
    const text = JSON.stringify(items);
    expect(detectFormat('items.json', text)).toBe('openai-responses');
    expect(detectFormat('x', readFileSync(join(DIR, 'openai_response_tool_calls.json'), 'utf8'))).toBe(
      'openai-responses',
    );
    const [s] = parseTranscript('items.json', text).sessions;
    expect(
      s!.events.map((e) => [e.type, 'kind' in e ? e.kind : 'is_error' in e ? e.is_error : null]),
    ).toEqual([
      ['user.message', null],
      ['agent.thinking', null],
      ['agent.tool_use', 'shell'],
      ['agent.tool_result', false],
      ['agent.tool_use', 'read'],
      ['agent.tool_result', true],
      ['agent.tool_use', 'web'],
    ]);
    expect(s!.events[2]).toMatchObject({ command: 'ls -la' });
  });
});
