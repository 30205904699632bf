import { describe, expect, it } from 'vitest';
import { detectFormat, parseTranscript } from './index.js';

/** OTLP `{key, value}` attributes from a plain object (strings, numbers as intValue). */
const attrs = (o: Record<string, string | number>) =>
  Object.entries(o).map(([key, v]) => ({
    key,
    value: typeof v === 'number' ? { intValue: String(v) } : { stringValue: v },
  }));
const ns = (s: number) => String(BigInt(Date.UTC(2026, 2, 1, 10, 0, s)) * 1_000_000n);
const span = (
  id: string,
  parent: string,
  trace: string,
  start: number,
  a: Record<string, string | number>,
  status = 0,
) => ({
  traceId: trace,
  spanId: id,
  parentSpanId: parent,
  name: String(a['gen_ai.operation.name']),
  startTimeUnixNano: ns(start),
  endTimeUnixNano: ns(start + 1),
  attributes: attrs(a),
  status: { code: status },
});
const msgs = (m: unknown) => JSON.stringify(m);
const user = { role: 'user', parts: [{ type: 'text', content: 'list the files' }] };
const call = {
  role: 'assistant',
  parts: [{ type: 'tool_call', id: 't1', name: 'run_shell_command', arguments: { command: 'ls' } }],
};
const response = { role: 'tool', parts: [{ type: 'tool_call_response', id: 't1', response: 'a.txt' }] };

/** Written for this test from the GenAI semantic conventions: one agent conversation, one bare trace. */
const doc = (spans: unknown[]) => ({
  resourceSpans: [
    {
      resource: { attributes: attrs({ 'service.name': 'support-svc' }) },
      scopeSpans: [{ scope: { name: 'genai' }, spans }],
    },
  ],
});
const conversation = [
  span('a', '', 'T1', 0, {
    'gen_ai.operation.name': 'invoke_agent',
    'gen_ai.agent.name': 'support-bot',
    'gen_ai.conversation.id': 'conv-1',
  }),
  span('b', 'a', 'T1', 1, {
    'gen_ai.operation.name': 'chat',
    'gen_ai.request.model': 'gpt-4.1',
    'gen_ai.system_instructions': msgs([{ type: 'text', content: 'Be brief.' }]),
    'gen_ai.input.messages': msgs([user]),
    'gen_ai.output.messages': msgs([call]),
  }),
  span('c', 'a', 'T1', 2, {
    'gen_ai.operation.name': 'execute_tool',
    'gen_ai.tool.name': 'run_shell_command',
    'gen_ai.tool.call.id': 't1',
    'gen_ai.tool.call.result': 'a.txt',
  }),
  span('d', 'a', 'T1', 3, {
    'gen_ai.operation.name': 'chat',
    'gen_ai.system_instructions': msgs([{ type: 'text', content: 'Be brief.' }]),
    'gen_ai.input.messages': msgs([user, call, response]),
    'gen_ai.output.messages': msgs([
      { role: 'assistant', parts: [{ type: 'text', content: 'There is a.txt.' }] },
    ]),
  }),
  span(
    'e',
    'a',
    'T1',
    4,
    {
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'web_fetch',
      'gen_ai.tool.call.id': 't2',
      'gen_ai.tool.call.arguments': '{"url":"https://example.com"}',
      'error.type': 'TimeoutError',
    },
    2,
  ),
];
const other = [
  span('x', '', 'T2', 9, { 'gen_ai.operation.name': 'chat', 'gen_ai.input.messages': msgs([user]) }),
];

describe('OpenTelemetry GenAI (OTLP JSON) importer', () => {
  it('groups spans by gen_ai.conversation.id and emits each message and result once', () => {
    const text = JSON.stringify(doc([...conversation, ...other]), null, 2);
    expect(detectFormat('traces.json', text)).toBe('otel');
    const [s, t] = parseTranscript('traces.json', text).sessions;
    expect(s).toMatchObject({
      external_id: 'otel:conv-1',
      agent_id: 'support-bot',
      title: 'list the files',
      metadata: { models: ['gpt-4.1'] },
    });
    expect(
      s!.events.map((e) => [e.type, 'tool' in e ? e.tool : null, 'is_error' in e ? e.is_error : null]),
    ).toEqual([
      ['system.message', null, null],
      ['user.message', null, null],
      ['agent.tool_use', 'run_shell_command', null],
      ['agent.tool_result', 'run_shell_command', false],
      ['agent.message', null, null],
      ['agent.tool_use', 'web_fetch', null],
      ['agent.tool_result', 'web_fetch', true],
    ]);
    expect(s!.events[2]).toMatchObject({ kind: 'shell', command: 'ls', call_id: 't1' });
    expect(s!.events[5]).toMatchObject({ kind: 'web' });
    expect(s!.events[6]).toMatchObject({ content: 'TimeoutError' });
    expect(s!.started_at).toBe('2026-03-01T10:00:00.000Z');
    // A trace without a conversation id is its own session, named after the service.
    expect(t).toMatchObject({ external_id: 'otel:trace:T2', agent_id: 'support-svc' });
  });

  it('reads the OTLP file exporter form, one document per line, with line pointers', () => {
    const text = `${JSON.stringify(doc(conversation.slice(0, 3)))}\n${JSON.stringify(doc(conversation.slice(3)))}\n`;
    expect(detectFormat('traces.jsonl', text)).toBe('otel');
    const [s] = parseTranscript('traces.jsonl', text).sessions;
    expect(s!.events).toHaveLength(7);
    expect(s!.events.at(-1)!.source).toMatchObject({
      line: 2,
      pointer: '/resourceSpans/0/scopeSpans/0/spans/1',
    });
  });
});
