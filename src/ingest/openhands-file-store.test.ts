import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATA, itWithData } from '../../test/data.js';
import type { SessionEvent } from '../domain/index.js';
import {
  discoverTranscripts,
  expandInputs,
  type FileImportResult,
  importTranscripts,
  readTranscriptFile,
} from './index.js';
import { readOpenHandsConversation } from './openhands-file-store.js';
import { readRegularFileSync, readSidecarSync } from './read-transcript.js';

/**
 * OpenHands' local file store as `EventStream.add_event` writes it (All-Hands-AI/OpenHands @ 156d068,
 * openhands/storage/locations.py): `<root>/sessions/<conversation id>/events/<id>.json`, one event per
 * file, plus `metadata.json` and `event_cache/<start>-<end>.json` pages. The events are written here for
 * this test in the shape of `event_to_dict` (the same as an evaluation output.jsonl's history).
 */
const T = (s: number) => `2026-05-11T10:00:${String(s).padStart(2, '0')}.000000`;

function events(task: string): Record<string, unknown>[] {
  const run = (id: number, command: string, thought: string) => ({
    id,
    timestamp: T(id),
    source: 'agent',
    message: `Running command: ${command}`,
    action: 'run',
    args: { command, is_input: false, thought, blocking: false, hidden: false },
    tool_call_metadata: { function_name: 'execute_bash', tool_call_id: `toolu_0${id}` },
  });
  const ran = (id: number, cause: number, exit: number, content: string) => ({
    id,
    timestamp: T(id),
    source: 'agent',
    message: `Command finished with exit code ${exit}`,
    cause,
    observation: 'run',
    content,
    extras: { command: '', metadata: { exit_code: exit, pid: -1 }, hidden: false },
    success: exit === 0,
  });
  const edit = (id: number, oldStr: string) => ({
    id,
    timestamp: T(id),
    source: 'agent',
    message: 'Editing /workspace/calc.py',
    action: 'edit',
    args: {
      path: '/workspace/calc.py',
      command: 'str_replace',
      old_str: oldStr,
      new_str: 'a + b',
      thought: '',
    },
    tool_call_metadata: { function_name: 'str_replace_editor', tool_call_id: `toolu_0${id}` },
  });
  return [
    {
      id: 0,
      timestamp: T(0),
      source: 'user',
      message: task,
      action: 'message',
      args: { content: task, image_urls: null, wait_for_response: false },
    },
    {
      id: 1,
      timestamp: T(1),
      source: 'environment',
      message: '',
      observation: 'agent_state_changed',
      content: '',
      extras: { agent_state: 'running' },
    },
    run(2, 'python -m pytest tests/test_calc.py', 'Run the tests first.'),
    ran(3, 2, 1, 'FAILED tests/test_calc.py::test_add - assert -1 == 3'),
    edit(4, 'a + c'),
    {
      id: 5,
      timestamp: T(5),
      source: 'agent',
      message: 'No replacement',
      cause: 4,
      observation: 'error',
      content: 'No replacement was performed, old_str `a + c` did not appear verbatim in /workspace/calc.py.',
      extras: { error_id: '' },
    },
    edit(6, 'a - b'),
    {
      id: 7,
      timestamp: T(7),
      source: 'agent',
      message: 'I edited the file /workspace/calc.py.',
      cause: 6,
      observation: 'edit',
      content: 'The file /workspace/calc.py has been edited.',
      extras: { path: '/workspace/calc.py', prev_exist: true },
    },
    run(8, 'python -m pytest tests/test_calc.py', ''),
    ran(9, 8, 0, '1 passed'),
    {
      id: 10,
      timestamp: T(10),
      source: 'agent',
      message: 'All done',
      action: 'finish',
      args: { final_thought: 'The test passes now.', outputs: {}, thought: '' },
    },
  ];
}

/** Writes a conversation folder under `sessions`; returns its `events` folder. */
function conversation(sessions: string, id: string, list: Record<string, unknown>[], title?: string): string {
  const dir = join(sessions, id);
  mkdirSync(join(dir, 'events'), { recursive: true });
  for (const e of list) writeFileSync(join(dir, 'events', `${e.id}.json`), JSON.stringify(e));
  mkdirSync(join(dir, 'event_cache'));
  writeFileSync(join(dir, 'event_cache', '0-25.json'), JSON.stringify(list)); // a copy: never imported
  if (title !== undefined)
    writeFileSync(
      join(dir, 'metadata.json'),
      JSON.stringify({ conversation_id: id, title, selected_repository: 'dev/calc', created_at: T(0) }),
    );
  return join(dir, 'events');
}

async function collect(paths: string[], opts = {}): Promise<FileImportResult[]> {
  const out: FileImportResult[] = [];
  for await (const r of importTranscripts(paths, opts)) out.push(r);
  return out;
}

function home(): { home: string; sessions: string } {
  const h = mkdtempSync(join(tmpdir(), 'reverie-openhands-home-'));
  const sessions = join(h, '.openhands/sessions');
  mkdirSync(sessions, { recursive: true });
  return { home: h, sessions };
}

describe('OpenHands local file store (issue 13 item 3)', () => {
  it('imports each conversation folder as one session: events by number, paired by cause, failures marked', async () => {
    const { sessions } = home();
    const a = conversation(sessions, 'a1b2c3d4', events('Make test_add pass'), 'Fix calc add');
    const b = conversation(sessions, 'e5f6a7b8', events('Second try').slice(0, 4));
    writeFileSync(join(sessions, 'a1b2c3d4', 'events', '11.json'), '{"id": 11, "timestamp": "2026-05'); // being written
    expect(await expandInputs([sessions])).toEqual([a, b]);
    const results = await collect([sessions]);
    expect(results.map((r) => ('error' in r ? r.error.message : [r.file, r.format, r.warnings]))).toEqual([
      [a, 'openhands', []],
      [b, 'openhands', []],
    ]);
    const [first, second] = results.flatMap((r) => ('sessions' in r ? r.sessions : []));
    expect(first).toMatchObject({
      external_id: 'openhands:a1b2c3d4',
      source_format: 'openhands',
      source_file: a,
      title: 'Fix calc add',
      metadata: { conversation_id: 'a1b2c3d4', title: 'Fix calc add', selected_repository: 'dev/calc' },
      started_at: '2026-05-11T10:00:00.000Z',
      ended_at: '2026-05-11T10:00:10.000Z',
    });
    const ev = first!.events;
    const uses = ev.filter((e) => e.type === 'agent.tool_use');
    const results0 = ev.filter(
      (e): e is Extract<SessionEvent, { type: 'agent.tool_result' }> => e.type === 'agent.tool_result',
    );
    expect(uses.map((e) => [e.call_id, e.tool, e.kind])).toEqual([
      ['2', 'execute_bash', 'shell'],
      ['4', 'str_replace_editor', 'edit'],
      ['6', 'str_replace_editor', 'edit'],
      ['8', 'execute_bash', 'shell'],
    ]);
    expect(results0.map((e) => [e.call_id, e.is_error, e.exit_code])).toEqual([
      ['2', true, 1],
      ['4', true, undefined],
      ['6', false, undefined],
      ['8', false, 0],
    ]);
    expect(ev[0]).toMatchObject({ type: 'user.message', text: 'Make test_add pass' });
    expect(ev.at(-1)).toMatchObject({ type: 'agent.message', text: 'The test passes now.' });
    // Each event points at its own file; 10.json sorts after 9.json (by number, not by name).
    expect(results0[3]!.source).toEqual({ file: join(a, '9.json'), index: 9 });
    expect(ev.at(-1)!.source).toEqual({ file: join(a, '10.json'), index: 10 });
    // The second conversation: no metadata.json, so the title is the person's first words.
    expect(second).toMatchObject({ external_id: 'openhands:e5f6a7b8', title: 'Second try' });
    expect(second!.events.filter((e) => e.type === 'agent.tool_result')).toHaveLength(1);
  });

  it('takes a conversation folder or its events folder named directly, and skips a broken event with a warning', async () => {
    const { sessions } = home();
    const list = events('Make test_add pass');
    const a = conversation(sessions, 'c0ffee00', list);
    writeFileSync(join(a, '3.json'), '{"id": 3, "cause": 2,'); // not the last file: skipped, named
    const [viaConversation] = await collect([join(sessions, 'c0ffee00')]);
    const [viaEvents] = await collect([a]);
    expect(viaConversation).toEqual(viaEvents);
    expect(viaEvents && 'warnings' in viaEvents && viaEvents.warnings.map((w) => w.message)).toEqual([
      `${join(a, '3.json')}:1: invalid JSON; event skipped (--invalid-json error refuses the conversation)`,
    ]);
    const [strict] = await collect([a], { invalid_json: 'error' });
    expect(strict && 'error' in strict && strict.error.message).toMatch(
      new RegExp(`^${join(a, '3.json').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1: invalid JSON`),
    );
    const [forced] = await collect([a], { format: 'codex' });
    expect(forced && 'error' in forced && forced.error.message).toBe(
      `${a}: an OpenHands conversation folder, not codex (format forced with --format)`,
    );
  });

  it('an events folder of files that are not OpenHands events is walked as before', async () => {
    const { sessions } = home();
    mkdirSync(join(sessions, 'x/events'), { recursive: true });
    writeFileSync(join(sessions, 'x/events/0.json'), '{"name": "not an event"}');
    expect(await expandInputs([sessions])).toEqual([join(sessions, 'x/events/0.json')]);
  });

  it('sessions discover lists ~/.openhands/sessions with one entry per conversation', async () => {
    const { home: h, sessions } = home();
    const a = conversation(sessions, 'a1b2c3d4', events('one'));
    const b = conversation(sessions, 'e5f6a7b8', events('two'));
    mkdirSync(join(sessions, 'empty-conversation'));
    const found = (await discoverTranscripts({ home: h })).filter((s) => s.agent === 'openhands');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ format: 'openhands', root: sessions, files: [a, b] });
    expect(found[0]!.newest).not.toBeNull();
  });
});

/**
 * V1: the OpenHands SDK's event files `events/event-<5+ digit index>-<event id>.json`
 * (software-agent-sdk `conversation/persistence_const.py`), events in the shape of its pydantic models
 * (`event/llm_convertible/*.py`, `kind` = class name), written here for this test.
 */
function sdkConversation(root: string, id: string): string {
  const dir = join(root, id, 'events');
  mkdirSync(dir, { recursive: true });
  const uuid = (k: number) => `00000000-0000-4000-8000-${String(k).padStart(12, '0')}`;
  const ts = (k: number) => `2026-06-16T05:39:${String(10 + k).padStart(2, '0')}.000000`;
  const text = (t: string) => [{ type: 'text', text: t, cache_prompt: false }];
  const act = (k: number, call: string, tool: string, action: Record<string, unknown>, thought = '') => ({
    kind: 'ActionEvent',
    source: 'agent',
    thought: thought === '' ? [] : text(thought),
    action,
    tool_name: tool,
    tool_call_id: call,
    tool_call: { id: call, name: tool, arguments: '{}', origin: 'completion' },
    llm_response_id: `resp-${k}`,
  });
  const obs = (action: number, call: string, tool: string, observation: Record<string, unknown>) => ({
    kind: 'ObservationEvent',
    source: 'environment',
    tool_name: tool,
    tool_call_id: call,
    observation,
    action_id: uuid(action),
  });
  const list: Record<string, unknown>[] = [
    {
      kind: 'SystemPromptEvent',
      source: 'agent',
      system_prompt: { type: 'text', text: 'You are a coding agent.' },
      tools: [],
    },
    {
      kind: 'MessageEvent',
      source: 'user',
      llm_message: { role: 'user', content: text('Why does the build fail?') },
    },
    act(
      2,
      'call_a',
      'terminal',
      { kind: 'TerminalAction', command: 'npm run build', is_input: false },
      'Build first.',
    ),
    obs(2, 'call_a', 'terminal', {
      kind: 'TerminalObservation',
      content: text('error TS2304: Cannot find name'),
      is_error: false,
      command: 'npm run build',
      exit_code: 2,
      metadata: { exit_code: 2, pid: -1 },
    }),
    {
      kind: 'ConversationStateUpdateEvent',
      source: 'environment',
      key: 'execution_status',
      value: 'running',
    },
    act(5, 'call_b', 'file_editor', { kind: 'FileEditorAction', command: 'view', path: '/w/src/a.ts' }),
    obs(5, 'call_b', 'file_editor', {
      kind: 'FileEditorObservation',
      content: text('1  export const a = b;'),
      is_error: false,
    }),
    act(7, 'call_c', 'file_editor', {
      kind: 'FileEditorAction',
      command: 'str_replace',
      path: '/w/src/a.ts',
      old_str: 'x',
      new_str: 'y',
    }),
    {
      kind: 'AgentErrorEvent',
      source: 'agent',
      tool_name: 'file_editor',
      tool_call_id: 'call_c',
      error: 'old_str x not found',
    },
    act(9, 'call_d', 'grep', { kind: 'GrepAction', pattern: 'export const b' }),
    obs(9, 'call_d', 'grep', { kind: 'GrepObservation', content: text('no match'), is_error: false }),
    {
      kind: 'MessageEvent',
      source: 'agent',
      llm_message: { role: 'assistant', content: text('`b` is never defined.') },
    },
  ];
  list.forEach((e, k) => {
    const name = `event-${String(k).padStart(5, '0')}-${uuid(k).replace(/-/g, '')}.json`;
    writeFileSync(join(dir, name), JSON.stringify({ id: uuid(k), timestamp: ts(k), ...e }));
  });
  writeFileSync(
    join(root, id, 'base_state.json'),
    JSON.stringify({
      id,
      agent: { llm: { model: 'litellm_proxy/claude-sonnet-4-5' } },
      execution_status: 'finished',
    }),
  );
  return dir;
}

describe('OpenHands V1 (SDK) conversation folders (issue 13 item 3)', () => {
  it('imports one session per conversation: SDK events rewritten, paired by action_id and tool_call_id', async () => {
    const { home: h } = home();
    const root = join(h, '.openhands/conversations');
    const dir = sdkConversation(root, 'e18b827d34404250');
    const results = await collect([root]);
    expect(results.map((r) => ('error' in r ? r.error.message : [r.file, r.format]))).toEqual([
      [dir, 'openhands'],
    ]);
    const s = (results[0] as { sessions: { events: SessionEvent[] }[] }).sessions[0]!;
    expect(s).toMatchObject({
      external_id: 'openhands:e18b827d34404250',
      title: 'Why does the build fail?',
      metadata: { conversation_id: 'e18b827d34404250', llm_model: 'litellm_proxy/claude-sonnet-4-5' },
    });
    expect(s.events.map((e) => e.type)).toEqual([
      'system.message',
      'user.message',
      'agent.thinking',
      'agent.tool_use',
      'agent.tool_result',
      'agent.tool_use',
      'agent.tool_result',
      'agent.tool_use',
      'agent.tool_result',
      'agent.tool_use',
      'agent.tool_result',
      'agent.message',
    ]);
    const uses = s.events.filter((e) => e.type === 'agent.tool_use');
    expect(uses.map((e) => [e.call_id, e.tool, e.kind, e.command])).toEqual([
      ['2', 'terminal', 'shell', 'npm run build'],
      ['5', 'file_editor', 'read', undefined],
      ['7', 'file_editor', 'edit', undefined],
      ['9', 'grep', 'search', undefined],
    ]);
    const done = s.events.filter(
      (e): e is Extract<SessionEvent, { type: 'agent.tool_result' }> => e.type === 'agent.tool_result',
    );
    expect(done.map((e) => [e.call_id, e.is_error, e.exit_code, e.content])).toEqual([
      ['2', true, 2, 'error TS2304: Cannot find name'],
      ['5', false, undefined, '1  export const a = b;'],
      ['7', true, undefined, 'old_str x not found'],
      ['9', false, undefined, 'no match'],
    ]);
    expect(done[2]!.source).toEqual({
      file: join(dir, `event-00008-${'00000000-0000-4000-8000-000000000008'.replace(/-/g, '')}.json`),
      index: 8,
    });
    const found = (await discoverTranscripts({ home: h })).filter((x) => x.agent === 'openhands');
    expect(found.map((x) => [x.root, x.files])).toEqual([
      [join(h, '.openhands/sessions'), []],
      [root, [dir]],
    ]);
  });
});

describe('OpenHands file store: bad input is refused naming its file', () => {
  it('an event file that is not an event, or a metadata.json / base_state.json that is not an object', async () => {
    const { home: h, sessions } = home();
    const a = conversation(sessions, 'bad00001', events('one'));
    writeFileSync(join(a, '4.json'), '{"name": "not an event"}');
    const b = conversation(sessions, 'bad00002', events('two'));
    writeFileSync(join(sessions, 'bad00002', 'metadata.json'), '["a list"]');
    const root = join(h, '.openhands/conversations');
    const c = sdkConversation(root, 'bad00003');
    writeFileSync(join(root, 'bad00003', 'base_state.json'), '"a string"');
    const results = await collect([a, b, c]);
    expect(results.map((r) => ('error' in r ? r.error.message : r.file))).toEqual([
      `${join(a, '4.json')}: expected an OpenHands event {id: number, action | observation}`,
      `${join(sessions, 'bad00002', 'metadata.json')}: expected a JSON object (OpenHands conversation metadata)`,
      `${join(root, 'bad00003', 'base_state.json')}: expected a JSON object (OpenHands conversation state)`,
    ]);
  });

  it('an events folder found by discover that has lost its event files, or whose only event is cut short', () => {
    const { sessions } = home();
    const empty = join(sessions, 'gone0001', 'events');
    mkdirSync(empty, { recursive: true });
    expect(() => readOpenHandsConversation(empty, {}, readRegularFileSync, readSidecarSync)).toThrow(
      `${empty}: no OpenHands event files (<n>.json, or V1 event-<n>-<id>.json) in this folder`,
    );
    const cut = join(sessions, 'cut00001', 'events');
    mkdirSync(cut, { recursive: true });
    writeFileSync(join(cut, '0.json'), '{"id": 0, "timestamp": "2026-05');
    expect(() => readOpenHandsConversation(cut, {}, readRegularFileSync, readSidecarSync)).toThrow(
      `${cut}: no OpenHands event in this folder parses`,
    );
  });
});

describe('real OpenHands events laid out as its file store writes them', () => {
  itWithData(
    'the multi-swe-bench histories, one file per event, import as the output.jsonl gives them',
    async () => {
      const file = join(DATA, 'formats/openhands/multi-swe-bench.output.jsonl');
      const fromJsonl = readTranscriptFile(file).sessions;
      const { sessions } = home();
      // One conversation folder per instance, one file per event named by its id (EventStream.add_event).
      const lines = readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '');
      lines.forEach((l, k) => {
        const events = join(sessions, `conversation-${k}`, 'events');
        mkdirSync(events, { recursive: true });
        for (const e of JSON.parse(l).history) writeFileSync(join(events, `${e.id}.json`), JSON.stringify(e));
      });
      const fromFiles = (await collect([sessions])).flatMap((r) => {
        if ('error' in r) throw r.error;
        return r.sessions;
      });
      expect(fromFiles).toHaveLength(3);
      const strip = (evs: SessionEvent[]) => evs.map(({ source: _s, ...e }) => e);
      for (let k = 0; k < 3; k++) {
        expect(fromFiles[k]!.events.length).toBeGreaterThan(10);
        expect(strip(fromFiles[k]!.events)).toEqual(strip(fromJsonl[k]!.events));
      }
      const failed = fromFiles
        .flatMap((s) => s.events)
        .filter((e) => e.type === 'agent.tool_result' && e.is_error);
      expect(failed.length).toBeGreaterThan(0);
    },
  );
});
