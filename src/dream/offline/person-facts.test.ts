import { describe, expect, it } from 'vitest';
import type { SessionEvent } from '../../domain/index.js';
import { gatherSession } from './gather.js';
import { datedStatement, extractPersonFacts, minePersonFacts } from './person-facts.js';
import type { GatheredSession } from './plan.js';

describe('extractPersonFacts', () => {
  it('keeps what a speaker says about themselves, without the label or a stage direction', () => {
    expect(
      extractPersonFacts(
        'Gina: Thanks! I just got accepted for a fashion internship! [shares a photo of a desk]',
      ),
    ).toEqual(['I just got accepted for a fashion internship!']);
    expect(extractPersonFacts('We adopted a greyhound named Biscuit in March.')).toEqual([
      'We adopted a greyhound named Biscuit in March.',
    ]);
  });

  it('never a question, a hedge, the listener, or a sentence that names nothing', () => {
    for (const t of [
      'Did I tell you about my trip to Paris?',
      'I think I might move to Berlin next year.',
      "I'm so proud of you and your studio.",
      "I'm so excited!",
      'I agree.',
      'If I had a boat I would sail to Spain.',
      'Tell me more.',
    ])
      expect(extractPersonFacts(t), t).toEqual([]);
  });
});

describe('datedStatement', () => {
  it('makes relative dates absolute against the message time and keeps its day', () => {
    expect(datedStatement('I lost my job at the bakery last month.', '2023-03-16T13:00:00Z')).toEqual({
      text: 'I lost my job at the bakery in 2023-02.',
      day: '2023-03-16',
    });
    expect(datedStatement('I lost my job at the bakery.', null)).toEqual({
      text: 'I lost my job at the bakery.',
      day: null,
    });
  });
});

const msg = (seq: number, text: string, day: string): SessionEvent => ({
  type: 'user.message',
  seq,
  timestamp: `${day}T10:00:00.000Z`,
  source: { file: 'chat.json', index: seq },
  text,
});

function session(id: string, events: SessionEvent[], userId: string | null = null): GatheredSession {
  return {
    id,
    agent_id: 'companion',
    user_id: userId,
    content_sha256: id,
    outcome: 'unknown',
    family: null,
    subagent: false,
    time: events.at(-1)?.timestamp ?? null,
    digest: gatherSession(events),
  };
}

describe('minePersonFacts', () => {
  const monday = [
    msg(0, 'Ann: I adopted a greyhound named Biscuit yesterday.', '2023-05-08'),
    msg(1, 'Bob: Nice! I started cello lessons at the music school.', '2023-05-08'),
  ];
  const friday = [
    msg(0, 'Ann: I adopted a greyhound named Biscuit on 2023-05-07.', '2023-05-12'),
    msg(1, 'Ann: My sister Clara moved to Lisbon for a new job.', '2023-05-12'),
    msg(2, 'Bob: I played my first cello recital at the music school.', '2023-05-12'),
  ];

  it('one memory per person and month, dated lines, the same statement once, evidence to each message', () => {
    const { memories } = minePersonFacts([session('s1', monday), session('s2', friday)]);
    const ann = memories.find((m) => m.key === 'user:ann:2023-05')!;
    expect(ann).toMatchObject({ kind: 'fact', type: 'user', support: { sessions: 2 } });
    expect(ann.body).toContain('- 2023-05-08: I adopted a greyhound named Biscuit on 2023-05-07.');
    expect(ann.body).toContain('- 2023-05-12: My sister Clara moved to Lisbon for a new job.');
    // said again on Friday in other words: kept once
    expect(ann.body.match(/greyhound/g)).toHaveLength(1);
    expect(ann.evidence.map((e) => [e.session_id, e.seq_from])).toEqual([
      ['s1', 0],
      ['s2', 1],
    ]);
    expect(memories.map((m) => m.key).sort()).toEqual(['user:ann:2023-05', 'user:bob:2023-05']);
  });

  it('nothing from a session with tool calls, from an unknown person, or from a person heard on one day', () => {
    const withTool = session('s3', [
      ...monday,
      {
        type: 'agent.tool_use',
        tool: 'search',
        input: {},
        call_id: 'c',
        seq: 2,
        timestamp: null,
        source: { file: 'x' },
      },
    ]);
    const unlabelled = [
      session('s4', [msg(0, 'I moved to a flat near the harbour in Porto.', '2023-05-08')]),
      session('s5', [msg(0, 'I bought a used bike from a neighbour.', '2023-05-09')]),
    ];
    expect(minePersonFacts([withTool, session('s2', friday)]).memories).toEqual([]);
    expect(minePersonFacts(unlabelled).memories).toEqual([]);
    // one day only: a one-off case (a service-desk customer), not someone met again
    expect(minePersonFacts([session('s2', friday)]).memories).toEqual([]);
    // a known user across days is remembered
    const known = unlabelled.map((s) => ({ ...s, user_id: 'u_ann' }));
    expect(minePersonFacts(known).memories.map((m) => m.key)).toEqual(['user:u_ann:2023-05']);
  });
});
