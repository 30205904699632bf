/**
 * A person's single-session rule is reinforced by later sessions across dreams too (issue 15): the
 * second dream reads the first one's output store, and a later session that repeats the rule or whose
 * agent says it follows it adds to the earlier memory's support, confidence and evidence instead of
 * starting a new memory.
 */
import { describe, expect, it } from 'vitest';
import { type SessionEvent, sha256Hex } from '../../domain/index.js';
import type { ImportedSession } from '../../ingest/types.js';
import { createOfflineEngine } from '../index.js';
import { refsFromImported } from '../test-helpers.js';
import { DEFAULT_DREAM_OPTIONS, type DreamResult, type InputMemory } from '../types.js';
import { citedStatements } from './feedback-mining.js';
import { parseFrontMatter } from './front-matter.js';
import type { PlannedMemory } from './plan.js';

const engine = createOfflineEngine();

function session(id: string, day: string, turns: [SessionEvent['type'], string][]): ImportedSession {
  const events = turns.map(([type, text], seq) => ({
    type,
    seq,
    timestamp: `2026-11-${day}T10:00:${String(seq).padStart(2, '0')}.000Z`,
    source: { file: `${id}.jsonl`, line: seq + 1 },
    text,
  })) as SessionEvent[];
  return {
    external_id: `test:${id}`,
    agent_id: 'coder',
    user_id: null,
    parent_external_id: null,
    source_format: 'claude-code',
    source_file: `${id}.jsonl`,
    title: id,
    started_at: events[0]!.timestamp,
    ended_at: events.at(-1)!.timestamp,
    metadata: {},
    events,
    outcome: null,
  } as ImportedSession;
}

const RULE = 'Never force-push shared branches, because other people lose their commits.';
const said = session('said', '02', [
  ['user.message', 'The push of the rounding fix was rejected, please sort it out.'],
  ['agent.message', 'The push was rejected, so I force-pushed the shared branch.'],
  ['user.message', RULE],
  ['agent.message', 'Understood.'],
]);
const repeated = session('repeated', '05', [
  ['user.message', 'Push the invoice fix to the shared branch.'],
  ['agent.message', 'The push was rejected, so I force-pushed the shared branch again.'],
  ['user.message', RULE],
  ['agent.message', 'Sorry, understood.'],
]);
const paraphrased = session('paraphrased', '05', [
  ['user.message', 'Push the invoice fix to the shared branch.'],
  ['agent.message', 'The push was rejected, so I force-pushed the shared branch again.'],
  ['user.message', "Please don't force-push our shared branches, people lose their commits that way."],
  ['agent.message', 'Sorry, understood.'],
]);
const followed = session('followed', '06', [
  ['user.message', 'Push the tax fix to the shared branch.'],
  ['agent.message', "The push was rejected. I won't force-push the shared branch; I'll rebase instead."],
]);

const dream = (sessions: ImportedSession[], memories: InputMemory[] = []) =>
  engine.run({ memories, sessions: refsFromImported(sessions), options: DEFAULT_DREAM_OPTIONS });
const asStore = (r: DreamResult): InputMemory[] =>
  r.files.map((f) => ({
    path: f.path,
    content: f.content,
    content_sha256: sha256Hex(f.content),
    updated_at: '2026-11-03T00:00:00.000Z',
  }));
const feedbackFiles = (r: DreamResult) => r.files.filter((f) => f.path.startsWith('/feedback/'));

describe('feedback reinforced across dreams', () => {
  it('one session: one feedback memory at confidence 0.6', async () => {
    const first = await dream([said]);
    const [f, ...rest] = feedbackFiles(first);
    expect(rest).toEqual([]);
    expect(parseFrontMatter(f!.content).fields).toMatchObject({
      support: '{sessions: 1, agents: 1}',
      confidence: '0.6',
    });
  });

  it.each([
    ['repeats it', repeated],
    ['says it in other words', paraphrased],
    ['follows it', followed],
  ])('a later dream whose session %s raises the same memory’s support and confidence', async (_, later) => {
    const first = await dream([said]);
    const second = await dream([later], asStore(first));
    const path = feedbackFiles(first)[0]!.path;
    expect(feedbackFiles(second).map((f) => f.path)).toEqual([path]);
    const after = parseFrontMatter(feedbackFiles(second)[0]!.content);
    expect(after.fields).toMatchObject({ support: '{sessions: 2, agents: 1}', confidence: '0.7' });
    expect(after.fields.summary).toMatch(/\(2 sessions\)$/);
    const change = second.changes.find((c) => c.path === path)!;
    expect(change).toMatchObject({ op: 'update', confidence: 0.7, support: { sessions: 2, agents: 1 } });
    // both sessions cited: the rule where it was said, and the later session
    expect(change.evidence.length).toBeGreaterThanOrEqual(1);
    expect(after.body).toContain('Across dreams: 2 sessions in all');
    // one dream over both sessions finds the same support (a rule said in two sessions is a preference there)
    const once = (await dream([said, later])).files.filter(
      (f) => f.path !== '/MEMORY.md' && /force-push/i.test(f.content),
    );
    expect(once.map((f) => parseFrontMatter(f.content).fields.support)).toEqual(['{sessions: 2, agents: 1}']);
  });

  it('dreaming the later session again counts nothing twice', async () => {
    const first = await dream([said]);
    const second = await dream([repeated], asStore(first));
    const again = await dream([repeated], asStore(second));
    expect(parseFrontMatter(feedbackFiles(again)[0]!.content).fields.support).toBe(
      '{sessions: 2, agents: 1}',
    );
  });
});

describe('a stated project fact reinforced across dreams', () => {
  const stated = (id: string, day: string) =>
    session(id, day, [
      ['user.message', 'Add a golden test for the invoice export.'],
      ['agent.message', 'I could not find the golden files, so I created a new fixtures folder.'],
      ['user.message', 'The golden fixtures live in test/data/golden.'],
      ['agent.message', 'Thanks, moving it there.'],
    ]);

  it('a later dream where the person says it again raises its support and confidence', async () => {
    const first = await dream([stated('fact-a', '02')]);
    const facts = (r: DreamResult) => r.files.filter((f) => f.path.startsWith('/facts/'));
    expect(facts(first).map((f) => parseFrontMatter(f.content).fields.confidence)).toEqual(['0.5']);
    const second = await dream([stated('fact-b', '05')], asStore(first));
    expect(facts(second).map((f) => f.path)).toEqual(facts(first).map((f) => f.path));
    expect(parseFrontMatter(facts(second)[0]!.content).fields).toMatchObject({
      support: '{sessions: 2, agents: 1}',
      confidence: '0.6',
    });
  });
});

describe('statements a preference carries', () => {
  it('a statement a preference lumped in on one shared word stays feedback; one it states is left to it', () => {
    const pref = {
      key: 'preference:8601 iso log timestamp utc',
      kind: 'preference',
      slug: 'log-timestamps',
      title: 'Preference: log timestamps in UTC',
      summary: 'All log lines carry UTC timestamps in ISO-8601 format. (2 sessions)',
      body: '',
      support: { sessions: 2, agents: 1 },
      confidence: 0.8,
      last_seen: '2026-11-02',
      score: 2,
      match_terms: ['8601', 'iso', 'log', 'timestamp', 'utc'],
      reason: '',
      evidence: [
        {
          session_id: 'sesn_a',
          seq_from: 3,
          seq_to: 3,
          quote: 'All log lines carry UTC timestamps in ISO-8601 format.',
        },
        { session_id: 'sesn_b', seq_from: 7, seq_to: 7, quote: 'No console.log in committed code, ever.' },
      ],
    } as PlannedMemory;
    expect([...citedStatements([pref])]).toEqual(['sesn_a#3']);
  });

  it('leaves to a preference every statement it groups, beyond the six its evidence shows (s31)', () => {
    // (blind batch 14: a rule said in seven sessions became a preference and, from its seventh
    // session, a feedback memory of the same words)
    const said = (i: number) => ({
      session_id: `sesn_${i}`,
      seq_from: i,
      seq_to: i,
      quote: 'Do not write any code until we agree on the approach.',
    });
    const pref = {
      key: 'preference:code write',
      kind: 'preference',
      summary: 'Do not write any code until we agree on the approach. (7 sessions)',
      match_terms: ['code', 'write'],
      evidence: [1, 2, 3, 4, 5, 6].map(said),
      carries: [1, 2, 3, 4, 5, 6, 7].map(said),
    } as PlannedMemory;
    expect(citedStatements([pref]).has('sesn_7#7')).toBe(true);
    expect(citedStatements([{ ...pref, carries: undefined }]).has('sesn_7#7')).toBe(false);
  });
});
