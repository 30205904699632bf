import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { itWithData, TAU } from '../../test/data.js';
import type { SessionEvent } from '../domain/index.js';
import { type ImportedSession, parseTranscript, readTranscriptFile, toReverieJsonl } from './index.js';

const FIXTURE = resolve(import.meta.dirname, 'fixtures/support-desk.reverie.jsonl');

/** A session without what re-import legitimately changes (file, format, pointers). */
function portable(s: ImportedSession) {
  return {
    ...s,
    source_file: '',
    source_format: '',
    events: s.events.map(({ source: _source, ...e }) => e),
  };
}

describe('reverie normalized JSONL', () => {
  const { format, sessions } = readTranscriptFile(FIXTURE);

  it('reads the fixture: sessions, events, seq, source lines, outcome', () => {
    expect(format).toBe('reverie');
    expect(sessions).toHaveLength(2);
    const [a, b] = sessions;
    expect(a).toMatchObject({
      external_id: 'support-desk:ticket-4411',
      agent_id: 'support-bot',
      user_id: 'u_ana',
      team_id: 'team_support',
      title: 'Refund for a double charge',
      started_at: '2026-03-02T09:15:00.000Z',
      ended_at: '2026-03-02T08:17:30.000Z',
      metadata: { channel: 'chat', priority: 2 },
      source_format: 'reverie',
      outcome: {
        result: 'satisfied',
        score: 1,
        labels: ['refund'],
        explanation: 'Customer confirmed.',
        source: 'user',
      },
    });
    expect(a!.events.map((e) => [e.seq, e.type, e.source.line])).toEqual([
      [0, 'system.message', 2],
      [1, 'user.message', 3],
      [2, 'agent.thinking', 4],
      [3, 'agent.tool_use', 5],
      [4, 'agent.tool_result', 6],
      [5, 'agent.tool_use', 7],
      [6, 'agent.tool_result', 8],
      [7, 'agent.tool_use', 9],
      [8, 'agent.tool_result', 10],
      [9, 'agent.message', 12],
    ]);
    expect(a!.events[6]).toMatchObject({ is_error: true, content: 'Error: amount must be a number' });
    expect(a!.events[8]).toMatchObject({ tool: null, is_error: false, timestamp: null });
    expect(a!.events[3]).toMatchObject({
      input: { order_id: '1182' },
      timestamp: '2026-03-02T09:15:20.000Z',
    });
    expect(b).toMatchObject({
      parent_external_id: 'support-desk:ticket-4411',
      title: 'Check that the refund for order 1182 went through.',
      outcome: null,
      team_id: null,
    });
  });

  it('round-trips through toReverieJsonl', () => {
    const text = toReverieJsonl(sessions);
    const again = parseTranscript('again.jsonl', text).sessions;
    expect(again.map(portable)).toEqual(sessions.map(portable));
    expect(toReverieJsonl(again)).toBe(text);
  });

  itWithData('round-trips real τ-bench sessions', () => {
    const tau = readTranscriptFile(TAU).sessions.slice(0, 5);
    const again = parseTranscript('tau.reverie.jsonl', toReverieJsonl(tau));
    expect(again.format).toBe('reverie');
    expect(again.sessions.map(portable)).toEqual(tau.map(portable));
  });

  it('applies defaults from options', () => {
    const text = '{"type":"session","external_id":"x"}\n{"type":"user.message","text":"hi"}\n';
    expect(() => parseTranscript('x.jsonl', text)).toThrow('x.jsonl:1: missing agent_id');
    const [s] = parseTranscript('x.jsonl', text, { agent_id: 'bot', team_id: 't' }).sessions;
    expect(s).toMatchObject({ agent_id: 'bot', team_id: 't', title: 'hi' });
  });

  it('names file, line and field of bad lines', () => {
    const fixture = readFileSync(FIXTURE, 'utf8').split('\n');
    const bad = (lineNo: number, replacement: string) => {
      const lines = [...fixture];
      lines[lineNo - 1] = replacement;
      return () => parseTranscript('f.jsonl', lines.join('\n'), { invalid_json: 'error' });
    };
    expect(bad(3, '{"type":"user.message","text":')).toThrow(/^f\.jsonl:3: invalid JSON: /);
    expect(bad(4, '{"type":"agent.thinking"}')).toThrow('f.jsonl:4: missing text');
    expect(bad(5, '{"type":"agent.tool_use","tool":"x","call_id":"c","seq":4}')).toThrow(
      'f.jsonl:5: unknown field(s): seq',
    );
    expect(bad(6, '{"type":"agent.tool_result","call_id":"c","content":1}')).toThrow(
      'f.jsonl:6: content: expected string, received number',
    );
    expect(bad(2, '{"type":"user.mesage","text":"x"}')).toThrow(
      /^f\.jsonl:2: type: unknown value "user\.mesage"/,
    );
    expect(bad(13, '{"type":"outcome","result":"failed"}')).not.toThrow();
    expect(bad(14, '{"type":"outcome","result":"great"}')).toThrow(/^f\.jsonl:14: result: /);
    expect(bad(2, '{"type":"user.message","text":"x","timestamp":"yesterday"}')).toThrow(
      /^f\.jsonl:2: timestamp: /,
    );
    expect(bad(1, '{"type":"user.message","text":"x"}')).toThrow(
      'f.jsonl:1: user.message line before the first session line',
    );
    expect(bad(13, '{"type":"session","external_id":"support-desk:ticket-4411","agent_id":"a"}')).toThrow(
      'f.jsonl:13: duplicate session external_id "support-desk:ticket-4411" (first at line 1)',
    );
    const twoOutcomes = `${fixture.slice(0, 13).join('\n')}\n{"type":"outcome","result":"failed"}\n`;
    expect(() => parseTranscript('f.jsonl', twoOutcomes)).toThrow('f.jsonl:14: second outcome for session');
  });

  it('imports the example of docs/normalized-format.md', () => {
    const doc = readFileSync(resolve(import.meta.dirname, '../../docs/normalized-format.md'), 'utf8');
    const example = /```jsonl\n([\s\S]*?)```/.exec(doc)![1]!;
    const { format, sessions: docSessions } = parseTranscript('example.jsonl', example);
    expect(format).toBe('reverie');
    expect(docSessions.map((s) => [s.external_id, s.events.length, s.outcome?.result ?? null])).toEqual([
      ['support-desk:ticket-4411', 10, 'satisfied'],
      ['support-desk:ticket-4411/escalation', 2, null],
    ]);
    expect(docSessions[0]!.events.at(-1)!.source).toEqual({ file: 'example.jsonl', line: 11 });
    expect(docSessions[1]!.title).toBe('Check that the refund for order 1182 went through.');
  });

  it('keeps event fields as given', () => {
    const e: SessionEvent | undefined = sessions[0]!.events.find((x) => x.type === 'agent.tool_use');
    expect(e).toMatchObject({ tool: 'get_order', call_id: 'c1' });
  });
});
