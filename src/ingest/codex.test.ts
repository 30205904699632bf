import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { DATA, describeWithData } from '../../test/data.js';
import type { AgentToolResultEvent, AgentToolUseEvent } from '../domain/index.js';
import { importTranscripts, parseTranscript } from './index.js';

const DIR = resolve(DATA, 'formats/codex-rollout');
const DAY = join(DIR, 'sessions/2026/05/11');

describeWithData('Codex CLI rollout importer', () => {
  it('imports the real rollout: 105 paired calls, 5 failed, exit codes from exec_command_end', async () => {
    const got = [];
    for await (const r of importTranscripts([DIR])) {
      if ('error' in r) throw r.error;
      expect(r.format).toBe('codex');
      got.push(...r.sessions);
    }
    expect(got).toHaveLength(1);
    const s = got[0]!;
    expect(s.external_id).toBe('codex:019e1625-789d-76c0-80ab-3724b5ddb799');
    expect(s.source_file).toBe(join(DAY, readdirSync(DAY)[0]!));
    expect(s.metadata).toMatchObject({
      cli_version: '0.125.0',
      models: ['gpt-5.5'],
      originator: 'codex-tui',
    });
    const uses = s.events.filter((e): e is AgentToolUseEvent => e.type === 'agent.tool_use');
    const results = s.events.filter((e): e is AgentToolResultEvent => e.type === 'agent.tool_result');
    // By hand: 99 function_call (43 exec_command, 54 write_stdin, 2 update_plan), 3 custom_tool_call
    // (apply_patch) and 3 web_search_call; every one has its output.
    const byKind: Record<string, number> = {};
    for (const u of uses) byKind[`${u.tool}:${u.kind}`] = (byKind[`${u.tool}:${u.kind}`] ?? 0) + 1;
    expect(byKind).toEqual({
      'exec_command:shell': 43,
      'write_stdin:shell': 54,
      'update_plan:other': 2,
      'apply_patch:edit': 3,
      'web_search:web': 3,
    });
    expect(results).toHaveLength(105);
    expect(new Set(results.map((r) => r.call_id))).toEqual(new Set(uses.map((u) => u.call_id)));
    // 43 exec_command_end lines: 39 × exit 0 and lines 143 (exit 2), 158, 209, 269 (exit 1), for the
    // calls whose outputs (still running) are on lines 135, 154, 207, 265; plus the poll that failed
    // on line 37 ("write_stdin failed: stdin is closed").
    expect(results.filter((r) => r.exit_code !== undefined)).toHaveLength(43);
    const failed = results.filter((r) => r.is_error);
    expect(failed.map((r) => [r.tool, r.exit_code, r.source.line])).toEqual([
      ['write_stdin', undefined, 37],
      ['exec_command', 2, 135],
      ['exec_command', 1, 154],
      ['exec_command', 1, 207],
      ['exec_command', 1, 265],
    ]);
    // A still-running command's result gets the output exec_command_end recorded.
    expect(failed[1]!.content).toContain('rg: node_modules/opencode-ai: No such file or directory');
    const rg = uses.find((u) => u.call_id === failed[1]!.call_id)!;
    expect(rg.command).toMatch(/^rg -n "compact\|compaction/);
  });

  it('keeps the person’s words once and the injected AGENTS.md / environment text as system', async () => {
    let events: import('../domain/index.js').SessionEvent[] = [];
    for await (const r of importTranscripts([DIR])) if (!('error' in r)) events = r.sessions[0]!.events;
    // Each text is in a response_item message and an event_msg: two user words, 13 agent messages.
    expect(events.filter((e) => e.type === 'user.message').map((e) => 'text' in e && e.text)).toEqual([
      'show tools',
      "let's update the defailt context compart to 90 in env var",
    ]);
    expect(events.filter((e) => e.type === 'agent.message')).toHaveLength(13);
    // base_instructions, 4 developer parts, the AGENTS.md and <environment_context> parts.
    const system = events.filter((e) => e.type === 'system.message').map((e) => ('text' in e ? e.text : ''));
    expect(system).toHaveLength(7);
    expect(system.filter((t) => t.startsWith('# AGENTS.md instructions'))).toHaveLength(1);
    expect(system.filter((t) => t.startsWith('<environment_context>'))).toHaveLength(1);
  });

  it('keeps the contextual fragments newer Codex injects in the user role out of the person’s words', () => {
    // codex-rs model_visible_context.rs registers these as injected context, not user intent (text ours).
    const l = (type: string, payload: unknown) =>
      JSON.stringify({ timestamp: '2026-03-07T02:55:02.510Z', type, payload });
    const user = (text: string) =>
      l('response_item', { type: 'message', role: 'user', content: [{ type: 'input_text', text }] });
    const text = [
      l('session_meta', { id: 'ctx-1', cwd: '/w', cli_version: '0.108.0' }),
      user(
        '<skill>\n<name>deploy</name>\n<path>/w/.codex/skills/deploy/SKILL.md</path>\nAlways run the migrations first.\n</skill>',
      ),
      user(
        '<user_shell_command>\n<command>git status</command>\n<result>\nnothing to commit\n</result>\n</user_shell_command>',
      ),
      user('<Subagent_Notification>\n{"agent_id":"a","status":"completed"}\n</Subagent_Notification>'),
      user('<plugins>\n- github: issues and PRs\n</plugins>'),
      user(
        'Another language model started to solve this problem and produced a summary of its thinking process. …\nThe user prefers tabs.',
      ),
      user('ship the release notes'),
      l('event_msg', { type: 'user_message', message: 'ship the release notes' }),
    ].join('\n');
    const [s] = parseTranscript('rollout-ctx.jsonl', text).sessions;
    const said = (type: string) =>
      s!.events.filter((e) => e.type === type).map((e) => ('text' in e ? e.text : ''));
    expect(said('user.message')).toEqual(['ship the release notes']);
    expect(said('system.message').map((t) => t.slice(0, 12))).toEqual([
      '<skill>\n<nam',
      '<user_shell_',
      '<Subagent_No',
      '<plugins>\n- ',
      'Another lang',
    ]);
  });

  it('reads older rollouts: shell argv calls and JSON outputs with metadata.exit_code', () => {
    const l = (type: string, payload: unknown) =>
      JSON.stringify({ timestamp: '2025-09-01T10:00:00.000Z', type, payload });
    const text = [
      l('session_meta', { id: 'old-1', cwd: '/r', cli_version: '0.77.0' }),
      l('response_item', {
        type: 'message',
        role: 'user',
        content: [{ type: 'input_text', text: 'run the tests' }],
      }),
      l('response_item', {
        type: 'function_call',
        name: 'shell',
        arguments: JSON.stringify({ command: ['bash', '-lc', 'npm test'] }),
        call_id: 'c1',
      }),
      l('response_item', {
        type: 'function_call_output',
        call_id: 'c1',
        output: JSON.stringify({ output: '1 failing', metadata: { exit_code: 1, duration_seconds: 2 } }),
      }),
    ].join('\n');
    const [s] = parseTranscript('rollout-old.jsonl', text).sessions;
    expect(s!.events.map((e) => e.type)).toEqual(['user.message', 'agent.tool_use', 'agent.tool_result']);
    expect(s!.events[1]).toMatchObject({ tool: 'shell', kind: 'shell', command: 'npm test' });
    expect(s!.events[2]).toMatchObject({ content: '1 failing', exit_code: 1, is_error: true, tool: 'shell' });
  });

  it('reads the first rollout layout: a meta line, then bare Responses items and state lines', () => {
    const text = [
      JSON.stringify({ id: 'legacy-1', timestamp: '2025-05-01T10:00:00.000Z', instructions: 'Be careful.' }),
      JSON.stringify({ record_type: 'state' }),
      JSON.stringify({
        type: 'message',
        role: 'user',
        content: [{ type: 'input_text', text: 'fix the build' }],
      }),
      JSON.stringify({
        type: 'local_shell_call',
        call_id: 'c1',
        status: 'completed',
        action: { type: 'exec', command: ['bash', '-lc', 'make'] },
      }),
      JSON.stringify({
        type: 'function_call_output',
        call_id: 'c1',
        output: JSON.stringify({ output: 'make: *** Error 2', metadata: { exit_code: 2 } }),
      }),
    ].join('\n');
    const [s] = parseTranscript('rollout-legacy.jsonl', text).sessions;
    expect(s!.external_id).toBe('codex:legacy-1');
    expect(s!.events.map((e) => e.type)).toEqual([
      'system.message',
      'user.message',
      'agent.tool_use',
      'agent.tool_result',
    ]);
    expect(s!.events[2]).toMatchObject({ tool: 'local_shell', kind: 'shell', command: 'make' });
    expect(s!.events[3]).toMatchObject({ exit_code: 2, is_error: true });
  });
});

it('Codex: a call the person declined at its approval prompt is declined, from its output or its end event', () => {
  // codex-rs's own wordings and event fields; commands and ids ours.
  const l = (type: string, payload: Record<string, unknown>) =>
    JSON.stringify({ timestamp: '2026-03-07T02:55:02.510Z', type, payload });
  const call = (id: string, cmd: string) =>
    l('response_item', {
      type: 'function_call',
      name: 'exec_command',
      arguments: JSON.stringify({ cmd }),
      call_id: id,
    });
  const out = (id: string, output: string) =>
    l('response_item', { type: 'function_call_output', call_id: id, output });
  const text = [
    l('session_meta', { id: 'dec-1', cwd: '/w', cli_version: '0.130.0' }),
    call('c1', 'rm -rf dist'),
    out('c1', 'exec command rejected by user'),
    l('response_item', {
      type: 'custom_tool_call',
      name: 'apply_patch',
      input: '*** Begin Patch',
      call_id: 'c2',
    }),
    l('response_item', { type: 'custom_tool_call_output', call_id: 'c2', output: 'patch rejected by user' }),
    call('c3', 'git push --force'),
    l('event_msg', { type: 'exec_command_end', call_id: 'c3', status: 'declined', stdout: '', stderr: '' }),
    out('c3', 'The command was not run.'),
    call('c4', 'ls'),
    out('c4', 'Exit code: 0\nOutput:\nsrc'),
  ].join('\n');
  const [s] = parseTranscript('rollout-declined.jsonl', text).sessions;
  const results = s!.events.filter((e): e is AgentToolResultEvent => e.type === 'agent.tool_result');
  expect(results.map((r) => [r.call_id, r.declined ?? false])).toEqual([
    ['c1', true],
    ['c2', true],
    ['c3', true],
    ['c4', false],
  ]);
});
