import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATA, itWithData, LOCOMO } from '../../test/data.js';
import { createOfflineEngine } from '../dream/index.js';
import { DEFAULT_DREAM_OPTIONS, type ProposedChange } from '../dream/types.js';
import { loadLocomo, parseLocomoDate, scoreLocomo } from './locomo.js';
import { runEval } from './runner.js';
import { eagerRef, evalSessionId, toSession } from './sessions.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reverie-eval-locomo-'));
  // A tiny hand-written conversation in LoCoMo's shape (not the real data).
  await writeFile(
    join(dir, 'conv-t.json'),
    JSON.stringify({
      speaker_a: 'Ann',
      speaker_b: 'Bob',
      session_1_date_time: '1:56 pm on 8 May, 2023',
      session_1: [
        { speaker: 'Ann', dia_id: 'D1:1', text: 'I adopted a greyhound named Biscuit last week.' },
        { speaker: 'Bob', dia_id: 'D1:2', text: 'Nice!' },
      ],
      session_2_date_time: '9:00 am on 1 June, 2023',
      session_2: [{ speaker: 'Bob', dia_id: 'D2:1', text: 'I started learning the cello in April.' }],
      qa: [
        { question: 'Dog name?', answer: 'Biscuit', evidence: ['D1:1'], category: 1 },
        { question: 'Instrument?', answer: 'cello', evidence: ['D2:1', 'D9:9'], category: 1 },
      ],
    }),
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function change(path: string, sessionId: string, seq: number): ProposedChange {
  return {
    op: 'create',
    path,
    to_path: null,
    before: null,
    after: 'x',
    base_sha256: null,
    kind: 'fact',
    reason: 'r',
    confidence: 1,
    support: { sessions: 1, agents: 1 },
    evidence: [{ session_id: sessionId, seq_from: seq, seq_to: seq, quote: '' }],
  };
}

describe('LoCoMo loader and scorer', () => {
  it('parses LoCoMo dates', () => {
    expect(new Date(parseLocomoDate('1:56 pm on 8 May, 2023')!).toISOString()).toBe(
      '2023-05-08T13:56:00.000Z',
    );
    expect(new Date(parseLocomoDate('12:05 am on 1 January, 2024')!).toISOString()).toBe(
      '2024-01-01T00:05:00.000Z',
    );
    expect(parseLocomoDate('yesterday')).toBeNull();
  });

  it('turns sessions into user-message sessions and keeps only existing evidence ids', async () => {
    const c = await loadLocomo(join(dir, 'conv-t.json'));
    expect(c.sessions.map((s) => s.external_id)).toEqual([
      'locomo:conv-t:session-1',
      'locomo:conv-t:session-2',
    ]);
    expect(c.sessions[0]!.events[0]).toMatchObject({
      type: 'user.message',
      seq: 0,
      text: 'Ann: I adopted a greyhound named Biscuit last week.',
    });
    expect(c.sessions[0]!.started_at).toBe('2023-05-08T13:56:00.000Z');
    expect(c.evidence).toEqual(['D1:1', 'D2:1']);
    expect(c.turns.get('D2:1')).toMatchObject({ external_id: 'locomo:conv-t:session-2', seq: 0 });
  });

  it('credits evidence cited by change ranges or quoted in a memory', async () => {
    const c = await loadLocomo(join(dir, 'conv-t.json'));
    const none = scoreLocomo(c, { files: [], changes: [] }, evalSessionId);
    expect(none.retention).toBe(0);
    const byChange = scoreLocomo(
      c,
      {
        files: [{ path: '/facts/dog.md', content: 'Ann has a dog.' }],
        changes: [change('/facts/dog.md', evalSessionId('locomo:conv-t:session-1'), 0)],
      },
      evalSessionId,
    );
    expect(byChange.cited_by_change).toBe(1);
    expect(byChange.retention).toBe(0.5);
    const byQuote = scoreLocomo(
      c,
      {
        files: [{ path: '/facts/bob.md', content: 'Bob: "I started learning the cello in April."' }],
        changes: [],
      },
      evalSessionId,
    );
    expect(byQuote.cited_by_quote).toBe(1);
    expect(byQuote.compression).toBeGreaterThan(0);
    // a change whose file is not in the output does not count
    const gone = scoreLocomo(
      c,
      { files: [], changes: [change('/facts/dog.md', evalSessionId('locomo:conv-t:session-1'), 0)] },
      evalSessionId,
    );
    expect(gone.cited).toBe(0);
  });

  it('counts the feedback memories a conversation without an agent yields', async () => {
    const c = await loadLocomo(join(dir, 'conv-t.json'));
    const fb = { ...change('/feedback/keep-going.md', evalSessionId('locomo:conv-t:session-1'), 0) };
    fb.kind = 'feedback';
    const s = scoreLocomo(
      c,
      { files: [{ path: '/feedback/keep-going.md', content: 'Keep going!' }], changes: [fb] },
      evalSessionId,
    );
    expect(s).toMatchObject({ agent: false, feedback: 1, preferences: 0 });
  });

  itWithData(
    'the locomo suite: the six shared conversations yield no feedback or preference memory (nobody directs an agent)',
    async () => {
      const r = await runEval('locomo', { dataDir: DATA });
      expect(r.locomo!.conversations.length).toBe(6);
      expect(r.locomo!.conversations.every((c) => !c.agent)).toBe(true);
      const t = r.targets.find((x) => x.metric === 'feedback memories from conversations without an agent')!;
      expect(t).toMatchObject({ value: 0, pass: true });
      expect(r.output.by_kind.feedback ?? 0).toBe(0);
      const p = r.targets.find(
        (x) => x.metric === 'preference memories from conversations without an agent',
      )!;
      expect(p).toMatchObject({ value: 0, pass: true });
      expect(r.output.by_kind.preference ?? 0).toBe(0);
    },
    120_000,
  );

  itWithData('loads a real LoCoMo conversation', async () => {
    const c = await loadLocomo(LOCOMO);
    expect(c.sessions.length).toBeGreaterThan(10);
    expect(c.evidence.length).toBeGreaterThan(50);
    expect(c.transcript_chars).toBeGreaterThan(10_000);
  });

  itWithData(
    'a dream keeps what each person said about themselves, dated, each line from that person',
    async () => {
      const c = await loadLocomo(LOCOMO);
      const refs = c.sessions.map((s) => eagerRef(toSession(s, '2026-06-01T00:00:00.000Z'), s.events));
      const r = await createOfflineEngine().run({
        memories: [],
        sessions: refs,
        options: { ...DEFAULT_DREAM_OPTIONS },
      });
      const people = r.changes.filter((ch) => ch.after !== null && /^type: user$/m.test(ch.after));
      const speakers = new Set(people.map((ch) => /^# (.+), \d{4}-\d{2}$/m.exec(ch.after!)?.[1]));
      expect([...speakers].sort()).toEqual([...c.speakers].sort());
      const speakerAt = new Map(
        [...c.turns.values()].map((t) => [`${evalSessionId(t.external_id)}#${t.seq}`, t.speaker]),
      );
      for (const ch of people) {
        const who = /^# (.+), \d{4}-\d{2}$/m.exec(ch.after!)![1];
        expect(ch.evidence.length).toBeGreaterThan(0);
        for (const e of ch.evidence)
          expect(speakerAt.get(`${e.session_id}#${e.seq_from}`), e.quote).toBe(who);
        for (const line of ch.after!.split('\n').filter((l) => l.startsWith('- ')))
          expect(line).toMatch(/^- \d{4}-\d{2}-\d{2}: \S/);
      }
      // most QA evidence turns are now in memory (0.07 before person facts existed)
      expect(scoreLocomo(c, r, evalSessionId).retention).toBeGreaterThan(0.6);
    },
  );
});
