import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { CLAUDE_CODE, describeWithData } from '../../test/data.js';
import { type ImportedSession, importTranscripts, parseTranscript, readTranscriptFile } from './index.js';

const DIR = CLAUDE_CODE;
const CURRY = '0ccf1a04-1b4c-43b6-8aa5-79e41db43a68';
const SEARCH = '4b2030ed-5563-49ea-b703-6a002f2d3cc8';
const rawLines = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describeWithData('Claude Code importer on the session-share samples', async () => {
  const sessions: ImportedSession[] = [];
  for await (const r of importTranscripts([DIR])) {
    if ('error' in r) throw r.error;
    expect(r.format).toBe('claude-code');
    sessions.push(...r.sessions);
  }
  const byId = new Map(sessions.map((s) => [s.external_id, s]));
  const curry = byId.get(`claude-code:${CURRY}`)!;

  it('imports both sessions and all six subagents, linked to their parent', () => {
    expect(sessions).toHaveLength(8);
    const parents = sessions.filter((s) => s.parent_external_id === null);
    expect(parents.map((s) => s.external_id).sort()).toEqual([
      `claude-code:${CURRY}`,
      `claude-code:${SEARCH}`,
    ]);
    const subs = sessions.filter((s) => s.parent_external_id !== null);
    expect(subs.map((s) => s.external_id).sort()).toEqual([
      `claude-code:${CURRY}/agent-a5bdbc1`,
      `claude-code:${CURRY}/agent-a9cad17`,
      `claude-code:${CURRY}/agent-aa5ef13`,
      `claude-code:${CURRY}/agent-ac27727`,
      `claude-code:${CURRY}/agent-afbbf75`,
      `claude-code:${SEARCH}/agent-a2018e5`,
    ]);
    for (const s of subs) {
      expect(s.agent_id).toBe('claude-code/subagent');
      expect(byId.has(s.parent_external_id!)).toBe(true);
      expect(s.external_id.startsWith(`${s.parent_external_id}/agent-`)).toBe(true);
      expect(s.events[0]).toMatchObject({ type: 'user.message' });
      expect(s.events.some((e) => e.type === 'agent.tool_use' && e.tool === 'WebSearch')).toBe(true);
    }
    for (const s of parents) expect(s.agent_id).toBe('claude-code');
    for (const s of sessions) expect(s.events.map((e) => e.seq)).toEqual(s.events.map((_, k) => k));
  });

  it('links a subagent to its parent from its own content, whatever the import order', () => {
    const file = join(DIR, CURRY, 'subagents/agent-a5bdbc1.jsonl');
    const [s] = parseTranscript('anywhere.jsonl', readFileSync(file, 'utf8')).sessions;
    expect(s).toMatchObject({
      external_id: `claude-code:${CURRY}/agent-a5bdbc1`,
      parent_external_id: `claude-code:${CURRY}`,
      agent_id: 'claude-code/subagent',
    });
  });

  it('merges the one-block-per-line assistant lines of a message into consecutive events', () => {
    // msg_01Q6BnD6WsdUhkbDmCcjiUHq spans lines 3-7: thinking, text and three Task calls.
    const file = join(DIR, `${CURRY}.jsonl`);
    const lines = rawLines(file);
    const msgLines = lines
      .map((l, i) => ({ l, line: i + 1 }))
      .filter(({ l }) => (l.message as { id?: string } | undefined)?.id === 'msg_01Q6BnD6WsdUhkbDmCcjiUHq')
      .map(({ line }) => line);
    expect(msgLines).toEqual([3, 4, 5, 6, 7]);
    const turn = curry.events.filter((e) => msgLines.includes(e.source.line!));
    expect(turn.map((e) => e.type)).toEqual([
      'agent.thinking',
      'agent.message',
      'agent.tool_use',
      'agent.tool_use',
      'agent.tool_use',
    ]);
    expect(turn.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    // msg_01TL7Ad5bwMX3gbTDFHgucW2: thinking (line 61) and text (line 63) stay together although a
    // queue-operation (line 62) was written between them; the notification follows the turn.
    const i61 = curry.events.findIndex((e) => e.source.line === 61);
    expect(curry.events.slice(i61, i61 + 3).map((e) => [e.source.line, e.type])).toEqual([
      [61, 'agent.thinking'],
      [63, 'agent.message'],
      [62, 'system.message'],
    ]);
  });

  it('pairs tool results with their tool_use names and keeps is_error', () => {
    const uses = new Map<string, string>();
    for (const s of sessions) {
      for (const e of s.events) {
        if (e.type === 'agent.tool_use') uses.set(e.call_id, e.tool);
        if (e.type === 'agent.tool_result') expect(e.tool).toBe(uses.get(e.call_id));
      }
    }
    const results = curry.events.filter((e) => e.type === 'agent.tool_result');
    expect(results.map((r) => r.type === 'agent.tool_result' && [r.tool, r.is_error])).toEqual([
      ['Task', false],
      ['Task', false],
      ['Task', false],
      ['TaskOutput', true],
      ['Task', false],
      ['Task', false],
      ['Bash', false],
    ]);
    const failed = results[3]!;
    expect(failed).toMatchObject({
      call_id: 'toolu_01JoDi1WdajiSPtRB9TZd61A',
      content: 'No task found with ID: ac27727',
      source: { line: 49, pointer: '/message/content/0' },
    });
  });

  it('maps user, harness and system lines', () => {
    const at = (line: number) => curry.events.filter((e) => e.source.line === line);
    expect(at(2)).toMatchObject([{ type: 'user.message', timestamp: '2026-01-22T19:38:12.032Z' }]);
    expect(at(37)).toMatchObject([{ type: 'user.message', text: '/plugin' }]);
    expect(at(36)).toMatchObject([{ type: 'system.message' }]); // isMeta caveat
    expect(at(83)).toMatchObject([{ type: 'system.message', text: '[Request interrupted by user]' }]);
    // eight api_error retries (lines 23-30) collapse into one short message
    expect(at(23)).toMatchObject([
      { type: 'system.message', text: 'API error: FailedToOpenSocket, ConnectionRefused (8 attempts)' },
    ]);
    for (const line of [24, 25, 30, 33, 1, 21, 78]) expect(at(line)).toEqual([]); // retries, turn_duration, snapshots, progress
    // Each task notification appears once, where it is first written.
    const notes = curry.events.filter(
      (e) => e.type === 'system.message' && e.text.startsWith('<task-notification>'),
    );
    expect(notes.map((n) => n.source.line)).toEqual([13, 14, 15, 57, 62]);
  });

  it('takes the title from the summary line and records session metadata', () => {
    expect(curry.title).toBe('Spawn curry poem agents, write sushi');
    expect(curry.started_at).toBe('2026-01-22T19:38:12.032Z');
    expect(curry.ended_at).toBe('2026-01-22T21:21:28.260Z');
    expect(curry.metadata).toMatchObject({
      session_id: CURRY,
      cwd: '/Users/pete/tmp/claude-code-sessions',
      models: ['claude-haiku-4-5-20251001', 'claude-opus-4-5-20251101'],
      subagent_ids: ['a9cad17', 'aa5ef13', 'ac27727', 'afbbf75', 'a5bdbc1'],
    });
    const search = byId.get(`claude-code:${SEARCH}`)!;
    expect(search.title).toMatch(/^spawn a subagent to perform a websearch/);
    expect(search.metadata).toMatchObject({ git_branch: 'main' });
  });

  it('points events at their line and block', () => {
    const file = join(DIR, `${CURRY}.jsonl`);
    const lines = rawLines(file);
    for (const e of curry.events) {
      const raw = lines[e.source.line! - 1]!;
      if (e.type === 'agent.thinking') {
        const block = (raw.message as { content: { thinking: string }[] }).content[
          Number(e.source.pointer!.split('/').pop())
        ]!;
        expect(block.thinking).toBe(e.text);
      }
      if (e.type === 'agent.tool_use') {
        const block = (raw.message as { content: { id: string }[] }).content[0]!;
        expect(block.id).toBe(e.call_id);
      }
    }
  });

  it('is deterministic', () => {
    const file = join(DIR, `${CURRY}.jsonl`);
    expect(readTranscriptFile(file)).toEqual(readTranscriptFile(file));
  });

  it('merges blocks repeated under one message id and tolerates unknown lines', () => {
    const line = (o: Record<string, unknown>) =>
      JSON.stringify({ sessionId: 's1', timestamp: '2026-01-01T00:00:00.000Z', ...o });
    const text = [
      line({ type: 'user', message: { role: 'user', content: 'go' } }),
      line({ type: 'assistant', message: { id: 'm1', content: [{ type: 'text', text: 'a' }] } }),
      line({
        type: 'assistant',
        message: {
          id: 'm1',
          content: [
            { type: 'text', text: 'a' },
            { type: 'tool_use', id: 't1', name: 'Read', input: { p: 1 } },
          ],
        },
      }),
      line({ type: 'something-new', data: 1 }),
      line({
        type: 'user',
        message: {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 't1',
              content: [{ type: 'text', text: 'ok' }, { type: 'image' }],
            },
          ],
        },
      }),
    ].join('\n');
    const [s] = parseTranscript('s1.jsonl', text).sessions;
    expect(s!.events.map((e) => e.type)).toEqual([
      'user.message',
      'agent.message',
      'agent.tool_use',
      'agent.tool_result',
    ]);
    expect(s!.events[3]).toMatchObject({ tool: 'Read', content: 'ok\n[image]', is_error: false });
  });
});

it('Claude Code: bash mode (a !command and its output) and teammate messages are not the person’s words', () => {
  // Line shapes as Claude Code writes them in ~/.claude/projects (text ours).
  const line = (content: string) =>
    JSON.stringify({
      type: 'user',
      sessionId: 's-bash',
      timestamp: '2026-01-01T00:00:00.000Z',
      message: { role: 'user', content },
    });
  const text = [
    line('<bash-input>npm run build</bash-input>'),
    line(
      '<bash-stdout></bash-stdout><bash-stderr>Error: Cannot find module vite\nalways use pnpm</bash-stderr>',
    ),
    line('<teammate-message teammate_id="reviewer">Never merge without tests.</teammate-message>'),
    line('use pnpm from now on'),
  ].join('\n');
  const [s] = parseTranscript('s-bash.jsonl', text).sessions;
  expect(s!.events.map((e) => [e.type, 'text' in e ? e.text.slice(0, 14) : ''])).toEqual([
    ['system.message', '<bash-input>np'],
    ['system.message', '<bash-stdout><'],
    ['system.message', '<teammate-mess'],
    ['user.message', 'use pnpm from '],
  ]);
});

it('Claude Code: a message the person typed while the agent worked (a queued_command attachment) is theirs (s29)', () => {
  // Line shapes as Claude Code 2.1 writes them in ~/.claude/projects (text ours).
  const base = { sessionId: 's-queued', timestamp: '2026-01-01T00:00:00.000Z' };
  const queued = (prompt: string, extra: Record<string, unknown>) =>
    JSON.stringify({ ...base, type: 'attachment', attachment: { type: 'queued_command', prompt, ...extra } });
  const text = [
    JSON.stringify({ ...base, type: 'user', message: { role: 'user', content: 'build the firmware' } }),
    queued('git diff opens meld here, use git --no-pager diff instead', {
      commandMode: 'prompt',
      origin: { kind: 'human' },
    }),
    queued('and keep the old baseline branch', { commandMode: 'prompt' }),
    queued('status from the other session: all green', {
      commandMode: 'prompt',
      origin: { kind: 'peer', name: 'plan-e 2' },
    }),
    queued('<task-notification><task-id>t1</task-id></task-notification>', {
      commandMode: 'task-notification',
    }),
    JSON.stringify({
      ...base,
      type: 'attachment',
      attachment: { type: 'edited_text_file', filename: 'a.c' },
    }),
  ].join('\n');
  const [s] = parseTranscript('s-queued.jsonl', text).sessions;
  expect(s!.events.filter((e) => e.type === 'user.message').map((e) => ('text' in e ? e.text : ''))).toEqual([
    'build the firmware',
    'git diff opens meld here, use git --no-pager diff instead',
    'and keep the old baseline branch',
  ]);
});
