import { describe, expect, it } from 'vitest';
import { type SessionEvent, sha256Hex } from '../../domain/index.js';
import { createOfflineEngine } from '../index.js';
import { syntheticSession } from '../test-helpers.js';
import { DEFAULT_DREAM_OPTIONS, type DreamSessionRef } from '../types.js';
import { gatherSession } from './gather.js';
import type { GatheredSession } from './plan.js';
import { withoutReplayedStatements } from './replayed-statements.js';

// Written for this test: a person working with a coding agent states a rule; the session is later
// resumed under a new id, whose file starts with the whole earlier conversation.
const src = { file: 'synthetic' };
const RULE = 'Never push straight to main, always open a pull request so the checks run first.';
const EARLIER: [string, string][] = [
  ['user.message', 'Add a health check endpoint to the API server.'],
  [
    'agent.message',
    'I will add a GET /healthz route to the router and return the build version with a 200 status.',
  ],
  [
    'agent.message',
    'The route is in place and the unit test for it passes; I pushed the change to the main branch.',
  ],
  ['user.message', RULE],
  [
    'agent.message',
    'Understood: I reverted the push and opened a pull request from a feature branch for the change.',
  ],
];
const LATER: [string, string][] = [
  ['user.message', 'Now add a readiness probe as well.'],
  ['agent.message', 'I will add a /readyz route that checks the database connection before reporting ready.'],
];

function ref(id: string, turns: [string, string][], day: string): DreamSessionRef {
  const events = turns.map(
    ([type, text], seq) =>
      ({ type, seq, timestamp: `${day}T10:00:0${seq}.000Z`, source: src, text }) as SessionEvent,
  );
  const base = syntheticSession(id, null, []).session;
  return {
    session: { ...base, event_count: events.length, content_sha256: sha256Hex(JSON.stringify(events)) },
    loadEvents: async () => events,
  };
}

async function gathered(r: DreamSessionRef): Promise<GatheredSession> {
  return {
    id: r.session.id,
    agent_id: r.session.agent_id,
    user_id: null,
    content_sha256: r.session.content_sha256,
    outcome: 'unknown',
    family: null,
    subagent: false,
    time: null,
    digest: gatherSession(await r.loadEvents()),
  };
}

describe('withoutReplayedStatements', () => {
  const original = ref('sesn_original', EARLIER, '2026-03-02');
  // the resumed file copies the earlier lines (with their times), then goes on
  const resumed = ref('sesn_resumed', [...EARLIER, ...LATER], '2026-03-02');

  it("drops from a resumed session the person's words its run already holds, and keeps what is new", async () => {
    const [o, r] = [await gathered(original), await gathered(resumed)];
    expect(o.digest.feedback.map((f) => f.text)).toContain(RULE);
    const out = withoutReplayedStatements([o, r]);
    // the resumed session holds more agent texts: it stands for the run, the original replays it
    expect(out[1]).toBe(r);
    expect(out[0]!.digest.feedback.map((f) => f.text)).not.toContain(RULE);
    expect(out[0]!.digest.statements).toEqual([]);
    // the cached digest is untouched
    expect(o.digest.feedback.map((f) => f.text)).toContain(RULE);
  });

  it('a rule said once and copied by a resume has the support of one session', async () => {
    const result = await createOfflineEngine().run({
      memories: [],
      sessions: [original, resumed],
      options: DEFAULT_DREAM_OPTIONS,
    });
    const rule = result.changes.filter(
      (c) => c.kind === 'feedback' && (c.after ?? '').includes('pull request'),
    );
    expect(rule).toHaveLength(1);
    expect(rule[0]!.support.sessions).toBe(1);
  });
});
