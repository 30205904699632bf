import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { DATA, describeWithData } from '../../test/data.js';
import { detectFormat, type ImportedSession, importTranscripts, parseTranscript } from './index.js';
import { fromSdkEvents } from './openhands-sdk-events.js';

const DIR = resolve(DATA, 'formats/openhands');

/** [external_id, tool calls, tool results, failed results, system messages, outcome result]. */
const counts = (s: ImportedSession) => [
  s.external_id,
  s.events.filter((e) => e.type === 'agent.tool_use').length,
  s.events.filter((e) => e.type === 'agent.tool_result').length,
  s.events.filter((e) => e.type === 'agent.tool_result' && e.is_error).length,
  s.events.filter((e) => e.type === 'system.message').length,
  s.outcome?.result ?? null,
];

describeWithData('OpenHands importer', async () => {
  const sessions: ImportedSession[] = [];
  for await (const r of importTranscripts([DIR])) {
    if ('error' in r) throw r.error;
    expect(r.format).toBe('openhands');
    sessions.push(...r.sessions);
  }

  it('imports the evaluation output (3 instances) and the bare event list, pairing by cause', () => {
    // Hand counts: run/read/edit actions and the observations whose cause is one of them; failed =
    // exit_code ∉ {0, -1} on run, "ERROR:" from the editor (4595: 5 + 1, 4593: 2 + 11, 4588: 12 + 12);
    // system = the system prompt plus each "error" observation that answers no action (id 29 in
    // 4593, id 55 in 4588). 4588 stopped at the iteration limit (its error field).
    expect(sessions.map(counts)).toEqual([
      ['openhands:ponylang__ponyc-4595', 21, 21, 6, 1, null],
      ['openhands:ponylang__ponyc-4593', 32, 32, 13, 2, null],
      ['openhands:ponylang__ponyc-4588', 48, 48, 24, 2, 'failed'],
      ['openhands:replay-basic_gui_mode.json', 4, 4, 0, 0, null],
    ]);
    for (const s of sessions) {
      const calls = new Map<string, string>();
      for (const e of s.events) {
        if (e.type === 'agent.tool_use') calls.set(e.call_id, e.tool);
        if (e.type === 'agent.tool_result') expect(e.tool).toBe(calls.get(e.call_id));
      }
    }
  });

  it('sets kinds from the action, shell commands and exit codes; -1 (still running) is no failure', () => {
    const replay = sessions[3]!;
    const uses = replay.events.filter((e) => e.type === 'agent.tool_use');
    expect(uses.map((u) => [u.tool, 'kind' in u && u.kind, 'command' in u ? u.command : undefined])).toEqual([
      ['execute_bash', 'shell', 'mkdir -p /workspace/todo-app'],
      ['str_replace_editor', 'edit', undefined],
      ['str_replace_editor', 'edit', undefined],
      ['execute_bash', 'shell', 'cd /workspace/todo-app && python3 -m http.server 8000'],
    ]);
    const server = replay.events.find((e) => e.type === 'agent.tool_result' && e.call_id === '13');
    expect(server).toMatchObject({ is_error: false, source: { index: 14, pointer: '/14' } });
    expect(server).not.toHaveProperty('exit_code');
    const first = sessions[0]!;
    const kinds = first.events.flatMap((e) => (e.type === 'agent.tool_use' ? [`${e.tool}:${e.kind}`] : []));
    expect(kinds.filter((k) => k === 'execute_bash:shell')).toHaveLength(13);
    expect(kinds.filter((k) => k === 'str_replace_editor:read')).toHaveLength(6);
    expect(first.events.find((e) => e.type === 'agent.tool_result' && e.exit_code === 127)).toMatchObject({
      content: 'bash: ponyc: command not found',
      source: { line: 1, pointer: expect.stringMatching(/^\/history\/\d+$/) },
    });
    // Naive timestamps are UTC: 2025-04-30T16:32:54.707… is the first event of instance 4595.
    expect(first.started_at).toBe('2025-04-30T16:32:54.707Z');
  });

  it('is detected from content; ids restarting per session do not mix calls', () => {
    const list = join(DIR, 'replay-basic_gui_mode.json');
    expect(detectFormat('x', readFileSync(list, 'utf8'))).toBe('openhands');
    const line = readFileSync(join(DIR, 'multi-swe-bench.output.jsonl'), 'utf8').split('\n')[0]!;
    const twice = `${line}\n${line.replace('ponylang__ponyc-4595', 'copy-of-4595')}\n`;
    const [a, b] = parseTranscript('two.jsonl', twice).sessions;
    expect(counts(b!).slice(1)).toEqual(counts(a!).slice(1));
  });

  it('reads a saved {history: [...]} trajectory and a pretty-printed output line', () => {
    const events = JSON.parse(readFileSync(join(DIR, 'replay-basic_gui_mode.json'), 'utf8')) as unknown[];
    const text = JSON.stringify({ history: events }, null, 2);
    expect(detectFormat('t.json', text)).toBe('openhands');
    const [s] = parseTranscript('t.json', text).sessions;
    expect(counts(s!).slice(1)).toEqual([4, 4, 0, 0, null]);
    expect(s!.events[0]!.source.pointer).toMatch(/^\/history\/\d+$/);
    const line = readFileSync(join(DIR, 'multi-swe-bench.output.jsonl'), 'utf8').split('\n')[0]!;
    const pretty = JSON.stringify(JSON.parse(line), null, 2);
    const [p] = parseTranscript('one.json', pretty).sessions;
    expect(counts(p!)).toEqual(['openhands:ponylang__ponyc-4595', 21, 21, 6, 1, null]);
  });
});

it("reads the OpenHands resolver's output.jsonl: flat id-less events paired by order, the issue as id", () => {
  // The resolver's line shape (older flat event serialization); text our own.
  const line = {
    issue: { owner: 'acme', repo: 'viewer', number: 7, title: 'Add a licence', body: 'Please add one.' },
    issue_type: 'issue',
    instruction: 'Please fix the following issue…',
    history: [
      {
        content: 'Please fix the following issue: add a licence',
        images_urls: null,
        wait_for_response: false,
        action: 'message',
      },
      { command: 'ls /nope', thought: 'Look first.', keep_prompt: true, action: 'run' },
      {
        content: 'ls: cannot access /nope',
        command_id: -1,
        command: 'ls /nope',
        exit_code: 2,
        observation: 'run',
      },
      { code: "open_file('/workspace/README.md')", thought: 'Read it.', action: 'run_ipython' },
      {
        content: '[File: /workspace/README.md (3 lines total)]',
        code: "open_file('/workspace/README.md')",
        observation: 'run_ipython',
      },
      { outputs: {}, thought: 'Added the licence.', action: 'finish' },
    ],
    metrics: { accumulated_cost: 0.1 },
    success: true,
    result_explanation: 'The licence file was added.',
    error: null,
  };
  const text = `${JSON.stringify(line)}\n${JSON.stringify({ ...line, issue: { ...line.issue, number: 8 }, success: false })}\n`;
  expect(detectFormat('output.jsonl', text)).toBe('openhands');
  const [s, t] = parseTranscript('output.jsonl', text).sessions;
  expect(s!.external_id).toBe('openhands:acme/viewer#7');
  expect(s!.events.map((e) => e.type)).toEqual([
    'system.message',
    'user.message',
    'agent.thinking',
    'agent.tool_use',
    'agent.tool_result',
    'agent.thinking',
    'agent.tool_use',
    'agent.tool_result',
    'agent.message',
  ]);
  const results = s!.events.filter((e) => e.type === 'agent.tool_result');
  expect(results.map((r) => [r.call_id, r.is_error, r.exit_code])).toEqual([
    ['1', true, 2],
    ['3', false, undefined],
  ]);
  // The resolver's prompt template is the harness's; the person's words are the issue.
  expect(s!.events[0]).toMatchObject({ text: 'Please fix the following issue: add a licence' });
  expect(s!.events[1]).toMatchObject({ text: 'Add a licence\n\nPlease add one.' });
  expect(s!.outcome).toMatchObject({
    result: 'unknown',
    labels: ['resolver_success'],
    source: 'openhands.resolver',
  });
  expect(t!.outcome?.labels).toEqual(['resolver_failure']);
});

it('OpenHands: an action the person rejected is declined (V0 user_rejected, V1 UserRejectObservation)', () => {
  // Event shapes and OpenHands' own rejection text (runtime `run_action`); commands ours.
  const run = (id: number, command: string) => ({
    id,
    timestamp: '2026-05-11T10:00:00',
    source: 'agent',
    action: 'run',
    args: { command, thought: '' },
    tool_call_metadata: { function_name: 'execute_bash', tool_call_id: `t${id}` },
  });
  const list = [
    {
      id: 0,
      timestamp: '2026-05-11T10:00:00',
      source: 'user',
      action: 'message',
      args: { content: 'free disk space' },
    },
    run(1, 'rm -rf /var/cache'),
    {
      id: 2,
      cause: 1,
      observation: 'user_rejected',
      content: 'Action has been rejected by the user! Waiting for further user input.',
      extras: {},
    },
    run(3, 'du -sh /var/cache'),
    {
      id: 4,
      cause: 3,
      observation: 'run',
      content: '12G /var/cache',
      extras: { metadata: { exit_code: 0 } },
    },
  ];
  const [s] = parseTranscript('rejected.json', JSON.stringify(list)).sessions;
  const results = s!.events.filter((e) => e.type === 'agent.tool_result');
  expect(results.map((r) => [r.call_id, r.is_error, r.declined ?? false])).toEqual([
    ['1', false, true], // not failed, as OpenHands records it, but declined
    ['3', false, false],
  ]);
  const v1 = fromSdkEvents([
    {
      id: 'a1',
      kind: 'ActionEvent',
      source: 'agent',
      timestamp: 'x',
      action: { kind: 'TerminalAction', command: 'rm -rf /var/cache' },
      tool_name: 'terminal',
      tool_call_id: 'c1',
    },
    {
      id: 'r1',
      kind: 'UserRejectObservation',
      source: 'user',
      timestamp: 'x',
      action_id: 'a1',
      rejection_reason: 'no',
    },
  ]);
  expect(v1[1]).toMatchObject({
    observation: 'error',
    cause: 0,
    content: 'rejected: no',
    user_rejected: true,
  });
});
