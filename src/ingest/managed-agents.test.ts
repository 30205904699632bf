import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { DATA, describeWithData } from '../../test/data.js';
import { detectFormat, type ImportedSession, importTranscripts, parseTranscript } from './index.js';

const DIR = resolve(DATA, 'formats/managed-agents');

describeWithData('Managed Agents session events importer', async () => {
  const sessions: ImportedSession[] = [];
  for await (const r of importTranscripts([DIR])) {
    if ('error' in r) throw r.error;
    expect(r.format).toBe('managed-agents');
    sessions.push(...r.sessions);
  }

  it('pairs tool, MCP and custom tool results with their sevt_ call events (hand-counted)', () => {
    // Per file: agent.tool_use + agent.mcp_tool_use + agent.custom_tool_use, and their results; one
    // failed read (T-001's first look at the not-yet-written memory file). Outcomes are the last
    // terminal span.outcome_evaluation_end: T-001 max_iterations_reached, T-008 and T-010 satisfied.
    const summary = sessions.map((s) => [
      s.source_file.slice(DIR.length + 1),
      s.events.filter((e) => e.type === 'agent.tool_use').length,
      s.events.filter((e) => e.type === 'agent.tool_result').length,
      s.events.filter((e) => e.type === 'agent.tool_result' && e.is_error).length,
      s.outcome?.result,
      s.outcome?.labels,
    ]);
    expect(summary).toEqual([
      ['phase-7-T-001.jsonl', 8 + 2 + 3, 13, 1, 'failed', ['max_iterations_reached']],
      ['phase-7-T-008.jsonl', 5 + 1 + 2, 8, 0, 'satisfied', ['satisfied']],
      ['phase-7-T-010.jsonl', 6 + 2 + 2, 10, 0, 'satisfied', ['satisfied']],
    ]);
    for (const s of sessions) {
      const calls = new Map<string, string>();
      for (const e of s.events) {
        if (e.type === 'agent.tool_use') calls.set(e.call_id, e.tool);
        if (e.type === 'agent.tool_result') expect(e.tool).toBe(calls.get(e.call_id));
      }
    }
  });

  it('opens with the define_outcome task, keeps grader feedback as system, and marks memory-mount files memory', () => {
    const t001 = sessions[0]!;
    expect(t001.external_id).toBe('managed-agents:sevt_01X1Fc2izVgpUCnsWiwUYQKA');
    expect(t001.agent_id).toBe('managed-agents/inbox-triage-agent');
    expect(t001.events[0]).toMatchObject({ type: 'user.message', source: { line: 3 } });
    expect(
      t001.events
        .filter((e) => e.type === 'system.message')
        .map((e) => ('text' in e ? e.text.split('\n')[0] : '')),
    ).toEqual([
      'Outcome evaluation: needs_revision',
      'Outcome evaluation: needs_revision',
      'Outcome evaluation: max_iterations_reached',
    ]);
    // Reads and writes of /mnt/memory/…: T-001 4 (1 read, 3 writes), T-008 2, T-010 2.
    const memory = sessions.map(
      (s) => s.events.filter((e) => e.type === 'agent.tool_use' && e.kind === 'memory').length,
    );
    expect(memory).toEqual([4, 2, 2]);
    const failed = t001.events.find((e) => e.type === 'agent.tool_result' && e.is_error);
    expect(failed).toMatchObject({
      tool: 'read',
      content: expect.stringContaining('No such file or directory'),
    });
  });

  it('is told apart from reverie JSONL by its sevt_ ids', () => {
    const text = readFileSync(join(DIR, 'phase-7-T-008.jsonl'), 'utf8');
    expect(detectFormat('x.jsonl', text)).toBe('managed-agents');
    expect(detectFormat('x.jsonl', '{"type":"agent.message","id":"sevt_1","content":[]}')).toBe(
      'managed-agents',
    );
  });

  it('reads a JSON export too: an array of events or a {data: [...]} page, with index pointers', () => {
    const lines = readFileSync(join(DIR, 'phase-7-T-008.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '');
    const list = lines.map((l) => JSON.parse(l) as unknown);
    const jsonl = parseTranscript('t8.jsonl', lines.join('\n')).sessions[0]!;
    for (const doc of [list, { data: list, has_more: false }]) {
      const text = JSON.stringify(doc, null, 2);
      expect(detectFormat('t8.json', text)).toBe('managed-agents');
      const [s] = parseTranscript('t8.json', text).sessions;
      expect(s!.events.map((e) => e.type)).toEqual(jsonl.events.map((e) => e.type));
      expect(s!.outcome).toEqual(jsonl.outcome);
      expect(s!.events[0]!.source).toMatchObject({
        index: 2,
        pointer: Array.isArray(doc) ? '/2' : '/data/2',
      });
    }
  });
});

it("Managed Agents: the result of a call the person denied (user.tool_confirmation deny) is declined; the denial's message is the person's", () => {
  // Event shapes from the permission-policies docs; ids, commands and messages ours.
  const ev = (id: string, type: string, more: Record<string, unknown>) =>
    JSON.stringify({ id, type, processed_at: '2026-05-01T10:00:00Z', ...more });
  const text = (t: string) => [{ type: 'text', text: t }];
  const file = [
    ev('sevt_1', 'user.message', { content: text('tidy the repo') }),
    ev('sevt_2', 'agent.tool_use', { name: 'bash', input: { command: 'git clean -fdx' } }),
    ev('sevt_3', 'user.tool_confirmation', {
      tool_use_id: 'sevt_2',
      result: 'deny',
      deny_message: 'keep untracked',
    }),
    ev('sevt_4', 'agent.tool_result', {
      tool_use_id: 'sevt_2',
      content: text('denied: keep untracked'),
      is_error: true,
    }),
    ev('sevt_5', 'agent.tool_use', { name: 'bash', input: { command: 'git status' } }),
    ev('sevt_6', 'user.tool_confirmation', { tool_use_id: 'sevt_5', result: 'allow' }),
    ev('sevt_7', 'agent.tool_result', { tool_use_id: 'sevt_5', content: text('clean'), is_error: false }),
  ].join('\n');
  const [s] = parseTranscript('s.jsonl', file).sessions;
  const results = s!.events.filter((e) => e.type === 'agent.tool_result');
  expect(results.map((r) => [r.content, r.is_error, r.declined ?? false])).toEqual([
    ['denied: keep untracked', true, true],
    ['clean', false, false],
  ]);
  const said = s!.events.flatMap((e) => (e.type === 'user.message' ? [[e.text, e.source.line]] : []));
  expect(said).toEqual([
    ['tidy the repo', 1],
    ['keep untracked', 3],
  ]);
});
