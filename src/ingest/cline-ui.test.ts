import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { DATA, describeWithData } from '../../test/data.js';
import type { AgentToolResultEvent, AgentToolUseEvent, SessionEvent } from '../domain/index.js';
import { parseTranscript } from './index.js';

const TASK = resolve(DATA, 'formats/cline/tasks/1769053680585');

const said = (events: SessionEvent[], type: string) =>
  events.filter((e) => e.type === type).map((e) => (e as { text: string }).text);
const uses = (events: SessionEvent[]) =>
  events.filter((e): e is AgentToolUseEvent => e.type === 'agent.tool_use');

describeWithData('Cline ui_messages.json read alone (no API history beside it)', () => {
  const ui = readFileSync(join(TASK, 'ui_messages.json'), 'utf8');
  const history = readFileSync(join(TASK, 'api_conversation_history.json'), 'utf8');
  const fromHistory = parseTranscript(join(TASK, 'api_conversation_history.json'), history).sessions[0]!;
  // No sidecar reader: nothing says an API history lies beside it.
  const [alone] = parseTranscript(join(TASK, 'ui_messages.json'), ui).sessions;

  it('gives the session the API history gives: same id, the same words of the person', () => {
    expect(alone).toMatchObject({ external_id: 'cline:1769053680585', source_format: 'cline' });
    expect(said(alone!.events, 'user.message')).toEqual(said(fromHistory.events, 'user.message'));
  });

  it('has the same calls, named by their API tool, each with its result (the history has attempt_completion too)', () => {
    const api = uses(fromHistory.events).filter((u) => u.tool !== 'attempt_completion');
    const mine = uses(alone!.events);
    expect(mine.map((u) => [u.tool, u.kind, u.command])).toEqual(api.map((u) => [u.tool, u.kind, u.command]));
    const results = alone!.events.filter((e): e is AgentToolResultEvent => e.type === 'agent.tool_result');
    expect(results).toHaveLength(46);
    for (const r of results) {
      const u = mine.find((x) => x.call_id === r.call_id)!;
      expect(r.content.startsWith(`[${u.tool}`)).toBe(true);
      expect(r.is_error).toBe(false);
    }
  });

  it('stays a sidecar (no session) when the API history is beside it', () => {
    const read = (p: string) => (p.endsWith('api_conversation_history.json') ? history : null);
    const parsed = parseTranscript(join(TASK, 'ui_messages.json'), ui, { readSidecar: read });
    expect(parsed.sessions).toEqual([]);
  });
});

it('Cline ui_messages alone: who speaks, calls paired with the next request, Cline’s own text left out', () => {
  // The structure of real display files (text our own): the task said as text before the first request,
  // feedback and answers as user_feedback, results inside the next api_req_started request.
  let ts = 1_760_000_000_000;
  const say = (kind: string, text: string, extra: object = {}) => ({
    ts: ts++,
    type: 'say',
    say: kind,
    text,
    ...extra,
  });
  const ask = (kind: string, text: string, extra: object = {}) => ({
    ts: ts++,
    type: 'ask',
    ask: kind,
    text,
    ...extra,
  });
  const req = (request: string) => say('api_req_started', JSON.stringify({ request, tokensIn: 10 }));
  const env = '\n\n<environment_details>\n# Current Mode\nACT MODE\n</environment_details>';
  const ui = [
    say('text', 'fix the login bug'),
    say('checkpoint_created', ''),
    req('<task>\nfix the login bug\n</task>' + env),
    say('reasoning', 'Read the file first.', { partial: true }),
    say('text', 'Reading the notes.'),
    say('text', 'Reading the notes.'),
    say('tool', JSON.stringify({ tool: 'readFile', path: 'notes.md', content: '/w/notes.md' })),
    say('tool', JSON.stringify({ tool: 'readFile', path: 'other.md', content: '/w/other.md' })),
    say('task_progress', '- [ ] read'),
    req(
      "[read_file for 'notes.md'] Result:\nThe old readme said:\n<environment_details>\nstale\n</environment_details>\n\n" +
        "[read_file for 'other.md'] Result:\nThe tool execution failed with the following error:\n<error>ENOENT</error>" +
        env,
    ),
    ask('tool', JSON.stringify({ tool: 'editedExistingFile', path: 'login.ts', content: '+fixed' })),
    ask('tool', JSON.stringify({ tool: 'appliedDiff', path: 'auth.ts', diff: '-a\n+b' })),
    ask('tool', '{"tool":"readFi', { partial: true }),
    req(
      "[write_to_file for 'login.ts'] Result:\nThe content was successfully saved to login.ts.\n\n" +
        "[apply_diff for 'auth.ts'] Result:\nThe user denied this operation." +
        env,
    ),
    ask('followup', JSON.stringify({ question: 'Run the tests too?', options: ['yes', 'no'] })),
    say('user_feedback', 'yes, and never push to main'),
    req(
      "[ask_followup_question for 'Run the tests too?'] Result:\n<answer>\nyes, and never push to main\n</answer>" +
        env,
    ),
    ask('command', 'npm testREQ_APP'),
    ask('command_output', 'FAIL login.test.ts'),
    say('error', 'Cline tried to use write_to_file without value for required parameter'),
    say('completion_result', 'Fixed the login bug.'),
    ask('completion_result', ''),
    say('command', 'npm run lint'),
    ask('command_output', 'lint ok'),
  ];
  const [s] = parseTranscript('tasks/77/ui_messages.json', JSON.stringify(ui)).sessions;
  expect(s!.external_id).toBe('cline:77');
  expect(said(s!.events, 'user.message')).toEqual(['fix the login bug', 'yes, and never push to main']);
  expect(said(s!.events, 'agent.message')).toEqual([
    'Reading the notes.',
    'Run the tests too?',
    'Fixed the login bug.',
  ]);
  expect(said(s!.events, 'agent.thinking')).toEqual(['Read the file first.']);
  expect(said(s!.events, 'system.message')).toEqual([
    'Cline tried to use write_to_file without value for required parameter',
  ]);
  const calls = uses(s!.events);
  expect(calls.map((u) => [u.tool, u.kind, u.command ?? null])).toEqual([
    ['read_file', 'read', null],
    ['read_file', 'read', null],
    ['write_to_file', 'edit', null],
    ['apply_diff', 'edit', null],
    ['execute_command', 'shell', 'npm test'],
    ['execute_command', 'shell', 'npm run lint'],
  ]);
  expect(calls[0]!.input).toEqual({ tool: 'readFile', path: 'notes.md' });
  const results = s!.events.filter((e): e is AgentToolResultEvent => e.type === 'agent.tool_result');
  expect(
    results.map((r) => [calls.findIndex((u) => u.call_id === r.call_id), r.is_error, r.declined ?? false]),
  ).toEqual([
    [0, false, false],
    [1, true, false],
    [2, false, false],
    [3, true, true], // the person denied the diff: failed as Cline says, and declined
    [4, false, false],
    [5, false, false],
  ]);
  // The environment_details inside the file that was read is the file's text, not Cline's details.
  expect(results[0]!.content).toContain('stale');
  // Calls with no request after them (the task stopped) take their streamed output.
  expect(results[4]!.content).toBe('FAIL login.test.ts');
  expect(results[5]!.content).toBe('lint ok');
});
