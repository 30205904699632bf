import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { DATA, describeWithData } from '../../test/data.js';
import type { AgentToolUseEvent } from '../domain/index.js';
import { detectFormat, type ImportedSession, importTranscripts, parseTranscript } from './index.js';
import { isSweAgentFailure, sweAgentOutcome } from './swe-agent.js';

const DIR = resolve(DATA, 'formats/swe-agent');

describeWithData('SWE-agent .traj importer', async () => {
  const sessions: ImportedSession[] = [];
  for await (const r of importTranscripts([DIR])) {
    if ('error' in r) throw r.error;
    expect(r.format).toBe('swe-agent');
    sessions.push(...r.sessions);
  }
  const [fc, text] = sessions;

  it('pairs every step; failures read from the observation text (hand-counted)', () => {
    // marshmallow (1.0 function calling): 11 steps, one rejected edit (step 7).
    // pydicom (0.x text actions): 12 steps, the reproduction traceback (step 3) and three rejected edits.
    const summary = (s: ImportedSession) => [
      s.events.filter((e) => e.type === 'agent.tool_use').length,
      s.events.filter((e) => e.type === 'agent.tool_result').length,
      s.events.flatMap((e) => (e.type === 'agent.tool_result' && e.is_error ? [e.source.index] : [])),
    ];
    expect(summary(fc!)).toEqual([11, 11, [6]]);
    expect(summary(text!)).toEqual([12, 12, [2, 5, 6, 7]]);
    for (const s of sessions) {
      expect(s.outcome).toMatchObject({
        result: 'unknown',
        labels: ['submitted'],
        source: 'swe-agent.exit_status',
      });
    }
  });

  it('names tools by the 1.0 function or the 0.x command, bash otherwise, with kinds and commands', () => {
    const tools = (s: ImportedSession) =>
      s.events
        .filter((e): e is AgentToolUseEvent => e.type === 'agent.tool_use')
        .map((u) => [u.tool, u.kind, u.command ?? null]);
    expect(tools(fc!).slice(0, 6)).toEqual([
      ['create', 'edit', null],
      ['insert', 'edit', null],
      ['bash', 'shell', 'python reproduce.py'],
      ['bash', 'shell', 'ls -F'],
      ['find_file', 'search', null],
      ['open', 'read', null],
    ]);
    expect(tools(text!).slice(0, 4)).toEqual([
      ['create', 'edit', null],
      ['edit', 'edit', null],
      ['bash', 'shell', 'python reproduce_bug.py'],
      ['find_file', 'search', null],
    ]);
    // The replayed 1.0 trajectory reuses call ids: they are made unique.
    const ids = fc!.events
      .filter((e) => e.type === 'agent.tool_use')
      .map((e) => (e as AgentToolUseEvent).call_id);
    expect(new Set(ids).size).toBe(11);
    expect(ids[3]).toBe('call_5iDdbOYybq7L19vqXmR0DPaU#2');
  });

  it('keeps the system prompt and demonstration as system, the issue as the user message', () => {
    expect(text!.events.slice(0, 3).map((e) => [e.type, e.source.pointer])).toEqual([
      ['system.message', '/history/0'],
      ['system.message', '/history/1'],
      ['user.message', '/history/2'],
    ]);
    expect(text!.title).toBe(
      'gpt4__pydicom__pydicom-1458: Pixel Representation attribute should be optional for pixel data handler',
    );
    expect(detectFormat('x', readFileSync(join(DIR, 'gpt4__pydicom__pydicom-1458.traj'), 'utf8'))).toBe(
      'swe-agent',
    );
  });

  it('maps exit statuses and failure texts', () => {
    expect(sweAgentOutcome('exit_cost')).toMatchObject({ result: 'failed', labels: ['exit_cost'] });
    expect(sweAgentOutcome('submitted (exit_context)')).toMatchObject({
      result: 'unknown',
      labels: ['autosubmitted', 'exit_context'],
    });
    expect(sweAgentOutcome(undefined)).toBeNull();
    expect(isSweAgentFailure('bash: pytest: command not found')).toBe(true);
    expect(isSweAgentFailure('Script completed successfully, no errors.')).toBe(false);
  });
});

it('imports a SWE-agent demonstration (history only: a few-shot example, not a run) as no session', () => {
  // The shape of SWE-agent's trajectories/demonstrations/*.traj; text our own.
  const demo = {
    history: [
      {
        role: 'system',
        content: 'You are an autonomous programmer.',
        agent: 'main',
        message_type: 'system_prompt',
      },
      { role: 'user', content: 'Fix the bug.', agent: 'main', message_type: 'observation' },
      {
        role: 'assistant',
        content: 'Look first.',
        thought: 'Look first.',
        action: 'ls',
        agent: 'main',
        message_type: 'action',
      },
    ],
  };
  const text = JSON.stringify(demo);
  expect(detectFormat('demo.traj', text)).toBe('swe-agent');
  expect(parseTranscript('demo.traj', text).sessions).toEqual([]);
  // Forced, it is an error that says no session came out of it.
  expect(() => parseTranscript('demo.traj', text, { format: 'swe-agent' })).toThrow(/no swe-agent sessions/);
});
