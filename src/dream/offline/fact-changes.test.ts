import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../domain/index.js';
import { createOfflineEngine } from '../index.js';
import { syntheticSession } from '../test-helpers.js';
import { DEFAULT_DREAM_OPTIONS, type InputMemory } from '../types.js';
import { canonicalSubjects, extractFact } from './facts.js';

// Wordings written for these tests (not the planted generator's held-out half).
const engine = createOfflineEngine();

function memory(path: string, content: string, updated_at = '2026-01-01T00:00:00.000Z'): InputMemory {
  return { path, content, content_sha256: sha256Hex(content), updated_at };
}

describe('a change of fact stated in prose', () => {
  it('reads the current and the previous value whatever the wording', () => {
    const cases: [string, string, string | undefined][] = [
      [
        'The job queue is no longer mq-1.corp.local, it is mq-4.corp.local now.',
        'mq-4.corp.local',
        'mq-1.corp.local',
      ],
      ['Reports moved from rpt-a.corp.local to rpt-b.corp.local.', 'rpt-b.corp.local', 'rpt-a.corp.local'],
      ["We don't build on base:1.4 anymore, builds run on base:2.0.", 'base:2.0', 'base:1.4'],
      ['Cache host: cache-1.corp.local → cache-2.corp.local', 'cache-2.corp.local', 'cache-1.corp.local'],
      ['From now on the search cluster is search-9.corp.local.', 'search-9.corp.local', undefined],
    ];
    for (const [text, value, previous] of cases) {
      const f = extractFact(text);
      expect(f?.value, text).toBe(value);
      expect(f?.previous, text).toBe(previous);
      expect(f?.change, text).toBe(true);
      expect(f?.explicit, text).toBe(true);
    }
    // a value only negated states nothing; a range is not a change
    expect(extractFact('The job queue is not mq-1.corp.local.')).toBeNull();
    expect(extractFact('The help desk is open from 07:00 to 19:00.')?.previous).toBeUndefined();
  });

  it('reads a role handed over, with its date frame removed', () => {
    const a = extractFact('Starting Monday, Priya takes over as on-call lead from Sam.')!;
    expect([a.subject, a.value, a.previous, a.explicit]).toEqual(['call lead', 'priya', 'sam', true]);
    const b = extractFact('Sam hands the release duty over to Lee on Friday.')!;
    expect([b.subject, b.value, b.previous]).toEqual(['release', 'lee', 'sam']);
    expect(extractFact('Lee is the new release manager.')).toMatchObject({
      subject: 'release manager',
      value: 'lee',
    });
  });

  it('joins subjects by meaning: a named previous value, or one value and a shared distinctive term', () => {
    const canon = canonicalSubjects([
      {
        subject: 'queue',
        type: 'host',
        value: 'mq-1.corp.local',
        weight: 1,
        text: 'The queue runs on mq-1.corp.local.',
      },
      {
        subject: 'job',
        type: 'host',
        value: 'mq-4.corp.local',
        weight: 2,
        text: 'Jobs moved from mq-1.corp.local to mq-4.corp.local.',
      },
      {
        subject: 'payout window',
        type: 'duration',
        value: '7 days',
        weight: 1,
        text: 'Vendor payouts go out within 7 days.',
      },
      {
        subject: 'vendor',
        type: 'duration',
        value: '7 days',
        weight: 1,
        text: 'Vendors get their money within 7 days.',
      },
      {
        subject: 'trial',
        type: 'duration',
        value: '7 days',
        weight: 1,
        text: 'The free trial lasts 7 days.',
      },
    ]);
    expect(canon.get('host\u0000queue')).toBe(canon.get('host\u0000job'));
    expect(canon.get('duration\u0000vendor')).toBe(canon.get('duration\u0000payout window'));
    // the same value alone does not make two subjects one
    expect(canon.get('duration\u0000trial')).toBe('trial');
  });

  it('one explicit handover supersedes the input memory naming the previous holder', async () => {
    const inputs = [memory('/notes/oncall.md', '# On-call\n\nOn-call lead: Sam\n')];
    const sessions = [
      syntheticSession('sesn_1', 'u1', ['Starting Monday, Priya takes over as on-call lead from Sam.']),
    ];
    const r = await engine.run({ memories: inputs, sessions, options: DEFAULT_DREAM_OPTIONS });
    const out = r.files.find((f) => f.path === '/notes/oncall.md')!.content;
    expect(out).toContain('On-call lead: Priya');
    expect(out).toContain('Superseded: "On-call lead: Sam"');
    // no other memory asserts either holder as a new preference
    expect(
      r.files.filter(
        (f) => f.path !== '/notes/oncall.md' && f.path !== '/MEMORY.md' && /Priya|Sam/.test(f.content),
      ),
    ).toEqual([]);
    // a passing remark without a change stated is not enough
    const remark = await engine.run({
      memories: inputs,
      sessions: [syntheticSession('sesn_2', 'u1', ['The on-call lead is Priya.'])],
      options: DEFAULT_DREAM_OPTIONS,
    });
    expect(remark.files.find((f) => f.path === '/notes/oncall.md')!.content).toBe(inputs[0]!.content);
  });

  it('a change naming the old value supersedes the input memory stated under another subject', async () => {
    const inputs = [memory('/facts/queue.md', 'The queue runs on mq-1.corp.local.\n')];
    const sessions = [
      syntheticSession('sesn_1', 'u1', ['Jobs moved from mq-1.corp.local to mq-4.corp.local.']),
      syntheticSession('sesn_2', 'u2', ['Heads up: jobs go to mq-4.corp.local now.']),
    ];
    const r = await engine.run({ memories: inputs, sessions, options: DEFAULT_DREAM_OPTIONS });
    const contents = r.files.map((f) => f.content).join('\n');
    expect(r.files.find((f) => f.path === '/facts/queue.md')!.content).toContain('mq-4.corp.local');
    // no line still asserts the old host as current
    const asserting = contents
      .split('\n')
      .filter((l) => l.includes('mq-1.corp.local') && !/Superseded/.test(l));
    expect(asserting).toEqual([]);
  });
});
