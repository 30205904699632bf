import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { describeWithData, TAU } from '../../test/data.js';
import { ImportError, type SessionEvent } from '../domain/index.js';
import { parseTranscript, readTranscriptFile } from './index.js';

const FILE = TAU;

interface RawMessage {
  role: string;
  content: string | null;
  name?: string;
  tool_call_id?: string;
  tool_calls?: { id: string; function: { name: string; arguments: string } }[];
}
interface RawElement {
  task_id: number;
  reward: number;
  trial: number;
  info: { task: { user_id: string } };
  traj: RawMessage[];
}

function results(events: SessionEvent[]) {
  return events.filter((e) => e.type === 'agent.tool_result');
}

describeWithData('τ-bench importer on airline-gpt-4o.trials-0-1.json', () => {
  const raw = JSON.parse(readFileSync(FILE, 'utf8')) as RawElement[];
  const { format, sessions } = readTranscriptFile(FILE);

  it('imports 100 sessions with ids, agent and user from the file', () => {
    expect(format).toBe('tau-bench');
    expect(sessions).toHaveLength(100);
    expect(new Set(sessions.map((s) => s.external_id)).size).toBe(100);
    expect(sessions[0]!.external_id).toBe('tau-bench:airline-gpt-4o.trials-0-1.json:task-0:trial-0');
    expect(sessions[52]!.external_id).toBe('tau-bench:airline-gpt-4o.trials-0-1.json:task-2:trial-1');
    for (const [i, s] of sessions.entries()) {
      expect(s.agent_id).toBe('tau-bench/airline-gpt-4o');
      expect(s.user_id).toBe(raw[i]!.info.task.user_id);
      expect(s.source_format).toBe('tau-bench');
      expect(s.events.map((e) => e.seq)).toEqual(s.events.map((_, k) => k));
    }
  });

  it('sets outcomes from reward', () => {
    for (const [i, s] of sessions.entries()) {
      const reward = raw[i]!.reward;
      expect(s.outcome).toEqual({
        result: reward === 1 ? 'satisfied' : 'failed',
        score: reward,
        labels: [],
        explanation: null,
        source: 'tau-bench.reward',
      });
    }
    expect(sessions.filter((s) => s.outcome?.result === 'satisfied')).toHaveLength(43);
  });

  it('keeps the policy prompt as a system message', () => {
    for (const [i, s] of sessions.entries()) {
      const first = s.events[0]!;
      expect(first.type).toBe('system.message');
      expect(first.type === 'system.message' && first.text).toBe(raw[i]!.traj[0]!.content);
      expect(first.type === 'system.message' && first.text.startsWith('# Airline Agent Policy')).toBe(true);
    }
  });

  it('has 572 tool results; exactly the "Error:" ones are errors', () => {
    const all = sessions.flatMap((s) => results(s.events));
    expect(all).toHaveLength(572);
    for (const r of all) expect(r.is_error).toBe(r.content.startsWith('Error:'));
    expect(all.filter((r) => r.is_error)).toHaveLength(33);
    expect(all.some((r) => r.content.startsWith('Error: payment amount does not add up'))).toBe(true);
  });

  it('pairs reused tool_call_ids with the most recent unanswered call (task 0, trial 0)', () => {
    const s = sessions[0]!;
    const uses = s.events.filter((e) => e.type === 'agent.tool_use');
    const byIndex = (i: number) => s.events.filter((e) => e.source.index === i);
    // traj[6] get_user_details and traj[16] calculate share id call_oIHazX6yQrB8hUwl4cRilFKj.
    expect(byIndex(6)[0]).toMatchObject({
      type: 'agent.tool_use',
      tool: 'get_user_details',
      call_id: 'call_oIHazX6yQrB8hUwl4cRilFKj',
      input: { user_id: 'mia_li_3668' },
    });
    expect(byIndex(16)[0]).toMatchObject({
      type: 'agent.tool_use',
      tool: 'calculate',
      call_id: 'call_oIHazX6yQrB8hUwl4cRilFKj#2',
      input: { expression: '152 + 103' },
    });
    expect(byIndex(7)[0]).toMatchObject({
      call_id: 'call_oIHazX6yQrB8hUwl4cRilFKj',
      tool: 'get_user_details',
    });
    expect(byIndex(17)[0]).toMatchObject({
      call_id: 'call_oIHazX6yQrB8hUwl4cRilFKj#2',
      tool: 'calculate',
      content: '255.0',
    });
    // search_direct_flight (traj[8]) and search_onestop_flight (traj[12]) share another id.
    expect(byIndex(13)[0]).toMatchObject({
      call_id: 'call_HGn16KZh9oNCruxsMJ4gYXan#2',
      tool: 'search_onestop_flight',
    });
    expect(new Set(uses.map((u) => u.type === 'agent.tool_use' && u.call_id)).size).toBe(uses.length);
  });

  it('pairs every result with an earlier call of the same tool, with unique call ids per session', () => {
    for (const s of sessions) {
      const calls = new Map<string, string>();
      for (const e of s.events) {
        if (e.type === 'agent.tool_use') {
          expect(calls.has(e.call_id)).toBe(false);
          calls.set(e.call_id, e.tool);
        } else if (e.type === 'agent.tool_result') {
          expect(calls.get(e.call_id)).toBe(e.tool);
        }
      }
    }
  });

  it('points every event at its message in the file', () => {
    for (const [i, s] of sessions.entries()) {
      for (const e of s.events) {
        expect(e.source.file).toBe(FILE);
        const m = raw[i]!.traj[e.source.index!]!;
        expect(e.source.pointer?.startsWith(`/${i}/traj/${e.source.index}`)).toBe(true);
        if (e.type === 'user.message') expect([m.role, e.text]).toEqual(['user', m.content]);
        if (e.type === 'agent.message') expect([m.role, e.text]).toEqual(['assistant', m.content]);
        if (e.type === 'agent.tool_result') {
          expect([m.role, e.content, e.tool]).toEqual(['tool', m.content, m.name]);
        }
        if (e.type === 'agent.tool_use') {
          const j = Number(e.source.pointer!.split('/').pop());
          const call = m.tool_calls![j]!;
          expect(e.tool).toBe(call.function.name);
          expect(e.input).toEqual(JSON.parse(call.function.arguments));
        }
      }
    }
  });

  it('is deterministic', () => {
    expect(readTranscriptFile(FILE)).toEqual(readTranscriptFile(FILE));
  });

  it('names the element and field of a malformed element', () => {
    const broken = structuredClone(raw) as unknown as Record<string, unknown>[];
    delete broken[12]!.traj;
    expect(() => parseTranscript('airline.json', JSON.stringify(broken))).toThrow(
      /^airline\.json: element 12: missing traj$/,
    );
    broken[12]!.traj = [{ content: 'no role' }];
    expect(() => parseTranscript('airline.json', JSON.stringify(broken))).toThrow(
      'airline.json: element 12: traj[0]: missing role',
    );
    try {
      parseTranscript('airline.json', JSON.stringify([{ task_id: 1, reward: 'x', traj: [] }]), {
        format: 'tau-bench',
      });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ImportError);
      expect((e as ImportError).message).toBe(
        'airline.json: element 0: reward: expected number, received string',
      );
    }
  });

  it('applies agent_id and team_id options', () => {
    const [s] = parseTranscript('x/y.json', JSON.stringify([raw[0]]), {
      agent_id: 'airline-bot',
      team_id: 'ops',
    }).sessions;
    expect(s).toMatchObject({
      agent_id: 'airline-bot',
      team_id: 'ops',
      external_id: 'tau-bench:y.json:task-0:trial-0',
    });
  });
});
