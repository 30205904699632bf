import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DJANGO, describeWithData } from '../../test/data.js';
import type { AgentToolResultEvent } from '../domain/index.js';
import {
  detectFormat,
  findBashBlocks,
  type ImportedSession,
  importTranscripts,
  parseObservation,
  parseTranscript,
  readTranscriptFile,
} from './index.js';

const DIR = DJANGO;
const trajPath = (id: string) => join(DIR, id, `${id}.traj.json`);
const rawMessages = (id: string) =>
  (JSON.parse(readFileSync(trajPath(id), 'utf8')) as { messages: { role: string; content: string }[] })
    .messages;
const one = (id: string) => readTranscriptFile(trajPath(id)).sessions[0]!;
const at = (s: ImportedSession, index: number) => s.events.filter((e) => e.source.index === index);

describeWithData('mini-swe-agent importer on django-100', async () => {
  const sessions: ImportedSession[] = [];
  for await (const r of importTranscripts([DIR])) {
    if ('error' in r) throw r.error;
    expect(r.format).toBe('mini-swe-agent');
    sessions.push(...r.sessions);
  }

  it('imports 100 sessions, 50 resolved, outcomes from report.json', () => {
    expect(sessions).toHaveLength(100);
    expect(sessions.filter((s) => s.outcome?.result === 'satisfied')).toHaveLength(50);
    expect(sessions.filter((s) => s.outcome?.result === 'failed')).toHaveLength(50);
    for (const s of sessions) {
      const id = s.metadata.instance_id as string;
      const report = JSON.parse(readFileSync(join(DIR, id, 'report.json'), 'utf8')) as { resolved: boolean };
      expect(s.outcome).toMatchObject({
        result: report.resolved ? 'satisfied' : 'failed',
        source: 'swe-bench.report',
      });
      expect(s.external_id).toBe(`mini-swe-agent:${id}`);
      expect(s.agent_id).toBe('mini-swe-agent');
      expect(s.title.startsWith(id)).toBe(true);
      expect(s.metadata).toMatchObject({
        exit_status: 'Submitted',
        model: expect.stringMatching(/gemini-3-pro-preview$/),
      });
      expect(s.events.map((e) => e.seq)).toEqual(s.events.map((_, k) => k));
    }
  });

  it('starts with the system prompt and the task', () => {
    const s = one('django__django-10097');
    expect(s.events[0]).toMatchObject({
      type: 'system.message',
      source: { index: 0, pointer: '/messages/0' },
    });
    expect(s.events[1]).toMatchObject({ type: 'user.message', source: { index: 1 } });
    expect(s.events[1]!.type === 'user.message' && s.events[1]!.text.startsWith('<pr_description>')).toBe(
      true,
    );
    expect(s.title).toBe(
      'django__django-10097: Make URLValidator reject invalid characters in the username and password',
    );
  });

  it('turns THOUGHT + bash block into thinking + tool_use, and the observation into its result', () => {
    const s = one('django__django-10097');
    expect(at(s, 2)).toMatchObject([
      { type: 'agent.thinking', text: expect.stringMatching(/^I need to locate the `URLValidator` class/) },
      {
        type: 'agent.tool_use',
        tool: 'bash',
        call_id: 'bash-1',
        input: { command: 'ls -R django/core | grep validators.py' },
      },
    ]);
    expect(at(s, 3)).toEqual([
      expect.objectContaining({
        type: 'agent.tool_result',
        call_id: 'bash-1',
        tool: 'bash',
        content: 'validators.py',
        is_error: false,
      }),
    ]);
  });

  it('makes a non-zero <returncode> a failed tool result', () => {
    let checked = 0;
    for (const s of sessions) {
      const raw = rawMessages(s.metadata.instance_id as string);
      raw.forEach((m, i) => {
        const rc = /^<returncode>(\d+)<\/returncode>/.exec(m.content);
        if (m.role !== 'user' || !rc) return;
        const [ev] = at(s, i);
        expect(ev).toMatchObject({ type: 'agent.tool_result', is_error: rc[1] !== '0' });
        if (rc[1] !== '0') checked++;
      });
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('emits format-error harness replies as system.message, the offending turn as agent.message', () => {
    let count = 0;
    for (const s of sessions) {
      const raw = rawMessages(s.metadata.instance_id as string);
      raw.forEach((m, i) => {
        if (m.role !== 'user' || !m.content.startsWith('Please always provide EXACTLY ONE action')) return;
        count++;
        expect(at(s, i)).toEqual([expect.objectContaining({ type: 'system.message', text: m.content })]);
        expect(at(s, i - 1)).toEqual([
          expect.objectContaining({ type: 'agent.message', text: raw[i - 1]!.content }),
        ]);
      });
    }
    expect(count).toBe(152);
    const s = one('django__django-10097');
    expect(at(s, 19)[0]).toMatchObject({
      type: 'system.message',
      text: expect.stringMatching(
        /^Please always provide EXACTLY ONE action in triple backticks, found 3 actions\./,
      ),
    });
  });

  it('pairs every tool result with the preceding bash call', () => {
    for (const s of sessions) {
      let open: string | null = null;
      let n = 0;
      for (const e of s.events) {
        if (e.type === 'agent.tool_use') {
          n++;
          expect(e.call_id).toBe(`bash-${n}`);
          open = e.call_id;
        } else if (e.type === 'agent.tool_result') {
          expect(e.call_id).toBe(open);
          open = null;
        }
      }
    }
  });

  it('truncates long outputs to ~4 kB keeping head and tail', () => {
    const s = one('django__django-11790');
    const [r] = at(s, 5);
    expect(r?.type).toBe('agent.tool_result');
    if (r?.type !== 'agent.tool_result') return;
    expect(r.content.length).toBeLessThan(4200);
    expect(r.content.startsWith('import unicodedata')).toBe(true);
    expect(r.content).toMatch(/\[… \d+ characters truncated by reverie …\]/);
    expect(r.content.trimEnd().endsWith("return ['password']")).toBe(true);
    expect(r.is_error).toBe(false);
  });

  it('treats a timeout as a failed result and the submission diff as a successful one', () => {
    const t = one('django__django-16502');
    expect(at(t, 41)[0]).toMatchObject({
      type: 'agent.tool_result',
      is_error: true,
      content: expect.stringMatching(/^\[command timed out and was killed\]\nTesting HEAD request/),
    });
    const s = one('django__django-10097');
    const last = s.events.at(-1)!;
    expect(last).toMatchObject({
      type: 'agent.tool_result',
      call_id: 'bash-22',
      is_error: false,
      source: { index: 53 },
    });
    expect(
      last.type === 'agent.tool_result' && last.content.startsWith('diff --git a/django/core/validators.py'),
    ).toBe(true);
    expect(at(s, 52)[1]).toMatchObject({
      type: 'agent.tool_use',
      input: { command: expect.stringContaining('COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT') },
    });
  });

  it('has no outcome without a report', () => {
    const text = readFileSync(trajPath('django__django-10097'), 'utf8');
    const [s] = parseTranscript('elsewhere/x.traj.json', text).sessions;
    expect(s!.outcome).toBeNull();
    expect(s!.external_id).toBe('mini-swe-agent:django__django-10097');
  });

  it('is deterministic', () => {
    expect(one('django__django-11138')).toEqual(one('django__django-11138'));
  });

  it('imports every trajectory of the folder (no report.json as a transcript)', () => {
    expect(sessions.map((s) => s.metadata.instance_id).sort()).toEqual(readdirSync(DIR).sort());
  });
});

describe('findBashBlocks / parseObservation', () => {
  it('follows the harness action regex', () => {
    expect(findBashBlocks('THOUGHT: x\n\n```bash\nls -la\n```')).toMatchObject([{ command: 'ls -la' }]);
    expect(findBashBlocks('```bash  \n\n  echo a\n```\ntext\n```bash\necho b\n```')).toHaveLength(2);
    expect(findBashBlocks('```python\nx\n```')).toHaveLength(0);
    expect(findBashBlocks('```bash echo unclosed')).toHaveLength(0);
  });

  it('parses plain and elided observations', () => {
    expect(parseObservation('<returncode>2</returncode>\n<output>\nboom\n</output>')).toEqual({
      returncode: 2,
      output: 'boom',
      warning: null,
    });
    const long = parseObservation(
      '<returncode>0</returncode>\n<warning>\nlong\n</warning><output_head>\nHEAD\n</output_head>\n<elided_chars>\n12 characters elided\n</elided_chars>\n<output_tail>\nTAIL\n</output_tail>',
    );
    expect(long).toEqual({
      returncode: 0,
      output: 'HEAD\n[… 12 characters elided by mini-swe-agent …]\nTAIL',
      warning: 'long',
    });
    expect(parseObservation('diff --git a b')).toBeNull();
  });
});

describe('mini-swe-agent v2 (trajectory_format mini-swe-agent-1.1)', () => {
  const bash = (id: string, command: string) => ({
    id,
    type: 'function',
    function: { name: 'bash', arguments: JSON.stringify({ command }) },
  });
  const traj = {
    trajectory_format: 'mini-swe-agent-1.1',
    instance_id: 'demo__demo-1',
    info: { exit_status: 'Submitted', mini_version: '2.0.0' },
    messages: [
      { role: 'system', content: 'You are a helpful assistant.' },
      { role: 'user', content: 'Please solve this issue: the tests fail' },
      { role: 'assistant', content: 'THOUGHT: run the tests', tool_calls: [bash('call_1', 'pytest -q')] },
      {
        role: 'tool',
        tool_call_id: 'call_1',
        content: '<returncode>1</returncode>\n<output>\n1 failed\n</output>',
        extra: { raw_output: '1 failed', returncode: 1, timestamp: 1767225600 },
      },
      { role: 'assistant', content: 'I think it is fixed now.' },
      {
        role: 'user',
        content:
          'Tool call error:\n\n<error>\nNo tool calls found in the response. Every response MUST include at least one tool call.\n</error>',
        extra: { interrupt_type: 'FormatError' },
      },
      { role: 'assistant', content: '', tool_calls: [bash('call_2', 'ls'), bash('call_3', 'cat x')] },
      {
        role: 'tool',
        tool_call_id: 'call_2',
        content: '<returncode>0</returncode>\n<output>\nx\n</output>',
        extra: { returncode: 0 },
      },
      {
        role: 'tool',
        tool_call_id: 'call_3',
        content: '<returncode>-1</returncode>\n<output>\n\n</output>',
        extra: { returncode: -1, exception_info: 'action was not executed' },
      },
      {
        role: 'assistant',
        content: 'Done.\n\n```mswea_bash_command\necho COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT\n```',
      },
    ],
  };
  const [s] = parseTranscript('demo.traj.json', JSON.stringify(traj)).sessions;

  it('reads tool calls, pairs tool messages by tool_call_id and takes exit codes from extra.returncode', () => {
    expect(s!.events.map((e) => [e.type, 'call_id' in e ? e.call_id : null])).toEqual([
      ['system.message', null],
      ['user.message', null],
      ['agent.thinking', null],
      ['agent.tool_use', 'call_1'],
      ['agent.tool_result', 'call_1'],
      ['agent.message', null],
      ['system.message', null],
      ['agent.tool_use', 'call_2'],
      ['agent.tool_use', 'call_3'],
      ['agent.tool_result', 'call_2'],
      ['agent.tool_result', 'call_3'],
      ['agent.message', null],
      ['agent.tool_use', 'bash-1'],
    ]);
    expect(s!.events[3]).toMatchObject({ tool: 'bash', kind: 'shell', command: 'pytest -q' });
    expect(s!.events[4]).toMatchObject({
      is_error: true,
      exit_code: 1,
      content: '1 failed',
      timestamp: '2026-01-01T00:00:00.000Z',
    });
    expect(s!.events[9]).toMatchObject({ is_error: false, exit_code: 0 });
    expect(s!.events[10]).toMatchObject({ is_error: true, exit_code: -1 });
    // The text-based v2 fence is an action too.
    expect(s!.events[12]).toMatchObject({ command: 'echo COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT' });
  });

  it('keeps the "No tool calls found" harness reply as a system message', () => {
    expect(s!.events[6]).toMatchObject({ type: 'system.message', source: { index: 5 } });
    expect(s!.metadata).toMatchObject({ trajectory_format: 'mini-swe-agent-1.1', mini_version: '2.0.0' });
  });
});

it("reads mini-swe-agent's bare message list as its trajectory: observations are tool results, not the person's words", () => {
  // The structure mini-swe-agent's own tests save (a message list without the wrapper); text our own.
  const messages = [
    { role: 'system', content: 'You can run bash. Reply with one ```mswea_bash_command block.' },
    { role: 'user', content: 'Please solve this issue: the parser drops the last line' },
    { role: 'assistant', content: 'THOUGHT: look first\n\n```mswea_bash_command\ncat parser.py\n```' },
    {
      role: 'user',
      content: '<returncode>1</returncode>\n<output>\ncat: parser.py: No such file or directory\n</output>',
    },
    { role: 'assistant', content: 'THOUGHT: list\n\n```mswea_bash_command\nls\n```' },
    { role: 'user', content: '<returncode>0</returncode>\n<output>\nsrc\n</output>' },
  ];
  const text = JSON.stringify(messages);
  expect(detectFormat('run.traj.json', text)).toBe('mini-swe-agent');
  const [s] = parseTranscript('run.traj.json', text).sessions;
  expect(s!.source_format).toBe('mini-swe-agent');
  const users = s!.events.filter((e) => e.type === 'user.message');
  expect(users.map((e) => (e as { text: string }).text)).toEqual([
    'Please solve this issue: the parser drops the last line',
  ]);
  const results = s!.events.filter((e): e is AgentToolResultEvent => e.type === 'agent.tool_result');
  expect(results.map((r) => [r.exit_code, r.is_error])).toEqual([
    [1, true],
    [0, false],
  ]);
  expect(results[0]!.source.pointer).toBe('/3');
  // A chat log whose user turns are not observations stays OpenAI chat.
  expect(detectFormat('chat.json', JSON.stringify(messages.slice(0, 3)))).toBe('openai-chat');
});
