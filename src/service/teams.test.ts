import { describe, expect, it } from 'vitest';
import type { DreamEngine, DreamResult, ProposedChange } from '../dream/types.js';
import { openSqliteStorage } from '../storage/index.js';
import { Reverie } from './reverie.js';
import { ReviewService } from './review-service.js';

const USAGE = {
  input_tokens: 0,
  output_tokens: 0,
  cache_read_input_tokens: 0,
  cache_creation_input_tokens: 0,
};

/** An engine standing in for the offline engine: it proposes `body` backed by every session it reads. */
function proposing(path: string, body: string): DreamEngine {
  return {
    id: 'offline',
    version: 'test',
    async run(req): Promise<DreamResult> {
      const change: ProposedChange = {
        op: 'create',
        path,
        to_path: null,
        before: null,
        after: body,
        base_sha256: null,
        kind: 'fact',
        reason: 'stated in every session',
        confidence: 0.8,
        support: { sessions: req.sessions.length, agents: 1 },
        evidence: req.sessions.map((s) => ({
          session_id: s.session.id,
          seq_from: 0,
          seq_to: 0,
          quote: body,
        })),
      };
      return { files: [{ path, content: body }], changes: [change], stats: {}, usage: USAGE };
    },
  };
}

async function teamWorld(engine: DreamEngine) {
  const storage = await openSqliteStorage(':memory:');
  const svc = new Reverie({ storage, engines: { offline: engine } });
  await svc.teams.createTeam('alpha');
  await svc.teams.addMembers('alpha', [
    { type: 'person', id: 'alice' },
    { type: 'person', id: 'bob' },
  ]);
  for (const [user, team] of [
    ['alice', 'alpha'],
    ['bob', 'alpha'],
    ['zoe', 'omega'],
  ])
    await storage.importSessions([
      {
        external_id: `s-${user}`,
        agent_id: 'bot',
        user_id: user!,
        team_id: team!,
        parent_external_id: null,
        source_format: 'reverie',
        source_file: 'x.jsonl',
        title: user!,
        started_at: null,
        ended_at: null,
        metadata: {},
        events: [
          { seq: 0, type: 'user.message', timestamp: null, text: 'hi', source: { file: 'x.jsonl', line: 1 } },
        ],
        outcome: null,
      },
    ]);
  const team = await svc.createStore({
    name: 'alpha team',
    policy: { auto_apply: { additions_min_support: 1, exact_duplicates: true, deletions: false } },
  });
  await svc.teams.setScope(team.id, { type: 'team', id: 'alpha' });
  const org = await svc.createStore({ name: 'org' });
  await svc.teams.setScope(org.id, { type: 'organisation' });
  await svc.createMemory(org.id, { path: '/facts/packages.md', content: 'Package manager: yarn\n' });
  return { svc, team: team.id };
}

describe('team dreams in the service', () => {
  it("reads only the team's sessions, flags a contradiction of the organisation's memory, and leaves the decision to a reviewer, who the audit log names", async () => {
    const { svc, team } = await teamWorld(proposing('/facts/pm.md', 'Package manager: pnpm\n'));
    try {
      const d = await svc.dream({
        memory_store_id: team,
        output_behavior: { type: 'update_existing', memory_store_id: team },
      });
      expect(d.inputs[1].session_ids).toHaveLength(2); // alice's and bob's, not zoe's
      const [c] = await svc.listChanges(d.id);
      expect(c!.reason).toMatch(
        /^Contradicts the organisation memory \/facts\/packages\.md \(flagged for review/,
      );
      expect(c!.support).toMatchObject({ people: 2, members: ['person:alice', 'person:bob', 'agent:bot'] });
      const review = new ReviewService(svc, { applyHooks: {} });
      // the store's policy would auto-apply an addition with 1+ sessions: not on a team store
      const auto = await review.autoApply(d.id);
      expect(auto.auto).toEqual([]);
      expect(auto.held).toEqual([
        {
          id: c!.id,
          path: '/facts/pm.md',
          why: 'changes to team and organisation stores are decided by a reviewer',
        },
      ]);
      expect((await svc.listChanges(d.id))[0]!.status).toBe('pending');
      await review.decide(c!.id, { decision: 'approve', by: 'rita (reviewer)' });
      await review.apply(d.id, { by: 'rita (reviewer)' });
      const [entry] = (await review.log(team)).data;
      expect(entry!.path).toBe('/facts/pm.md');
      expect(entry!.review).toMatchObject({ by: 'rita (reviewer)', decision: 'approve' });
      expect(entry!.change!.support.members).toEqual(['person:alice', 'person:bob', 'agent:bot']);
      expect(entry!.evidence.map((e) => e.session_title).sort()).toEqual(['alice', 'bob']);
    } finally {
      await svc.close();
    }
  });

  it("a team dream's output store is the team's: another team's member cannot read it", async () => {
    const { svc, team } = await teamWorld(proposing('/facts/pm.md', 'Package manager: pnpm\n'));
    try {
      await svc.teams.createTeam('omega');
      await svc.teams.addMembers('omega', [{ type: 'person', id: 'zoe' }]);
      const d = await svc.dream({ memory_store_id: team });
      const out = d.outputs[0]!.memory_store_id;
      expect((await svc.getStore(out)).scope).toMatchObject({ type: 'team' });
      const as = (id: string) =>
        svc.forPrincipal({ workspace_id: 'wrkspc_default', member: { type: 'person', id } });
      expect((await as('alice').getStore(out)).id).toBe(out);
      await expect(as('zoe').getStore(out)).rejects.toMatchObject({ type: 'not_found_error' });
    } finally {
      await svc.close();
    }
  });

  it('an unscoped store keeps the engine’s proposals as they are', async () => {
    const { svc } = await teamWorld(proposing('/facts/pm.md', 'Package manager: pnpm\n'));
    try {
      const plain = await svc.createStore({ name: 'plain' });
      const d = await svc.dream({ memory_store_id: plain.id });
      const [c] = await svc.listChanges(d.id);
      expect(d.inputs[1].session_ids).toHaveLength(3);
      expect(c!.reason).toBe('stated in every session');
      expect(c!.support).toEqual({ sessions: 3, agents: 1 });
    } finally {
      await svc.close();
    }
  });
});
