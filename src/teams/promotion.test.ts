import { describe, expect, it } from 'vitest';
import type { StoreScope } from '../domain/index.js';
import type { DreamResult, ProposedChange } from '../dream/types.js';
import { filterForScope, personalDetail, type SessionMembers } from './promotion.js';

const sessions = new Map<string, SessionMembers>([
  ['s1', { user_id: 'ana', agent_id: 'bot', teams: ['team_A'] }],
  ['s2', { user_id: 'ana', agent_id: 'bot', teams: ['team_A'] }],
  ['s3', { user_id: 'ben', agent_id: 'bot', teams: ['team_A'] }],
  ['s4', { user_id: null, agent_id: 'other-bot', teams: ['team_B'] }],
]);

function create(path: string, body: string, ids: string[], kind: ProposedChange['kind'] = 'preference') {
  return {
    op: 'create',
    path,
    to_path: null,
    before: null,
    after: `---\nkind: ${kind}\nsummary: s 2026-01-05\n---\n${body}\n`,
    base_sha256: null,
    kind,
    reason: 'r',
    confidence: 0.7,
    support: { sessions: ids.length, agents: 1 },
    evidence: ids.map((session_id) => ({ session_id, seq_from: 0, seq_to: 0, quote: body })),
  } satisfies ProposedChange;
}

function result(changes: ProposedChange[]): DreamResult {
  const index = `# Memory index\n${changes.map((c) => `- [x](${c.path.slice(1)}) — hook`).join('\n')}\n`;
  const all: ProposedChange[] = [
    ...changes,
    { ...create('/MEMORY.md', '', []), kind: 'index', after: index, evidence: [] },
  ];
  return {
    files: all.map((c) => ({ path: c.path, content: c.after! })),
    changes: all,
    stats: {},
    usage: { input_tokens: 0, output_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
  };
}

const team: StoreScope = { type: 'team', id: 'team_A', min_support: 2 };
const org: StoreScope = { type: 'organisation', id: null, min_support: 2 };

describe('promotion to team and organisation stores', () => {
  it('keeps what recurs for k people or agents, drops one person’s pattern, and fixes files and the index', () => {
    const r = result([
      create('/preferences/shared.md', 'Use pnpm, never npm.', ['s1', 's3']),
      create('/mistakes/ana-only.md', 'vitest rejects --runInBand.', ['s1', 's2'], 'mistake'),
      create('/feedback/one.md', 'Stop adding comments.', ['s2'], 'feedback'),
    ]);
    const { result: out, held_back } = filterForScope(r, team, sessions, ['ana', 'ben']);
    expect(held_back.map((h) => `${h.path}:${h.reason}`)).toEqual([
      '/mistakes/ana-only.md:support',
      '/feedback/one.md:support',
    ]);
    expect(out.changes.map((c) => c.path)).toEqual(['/preferences/shared.md', '/MEMORY.md']);
    expect(out.changes[0]!.support).toEqual({
      sessions: 2,
      agents: 1,
      people: 2,
      teams: 1,
      members: ['person:ana', 'person:ben', 'agent:bot'],
    });
    expect(out.files.map((f) => f.path)).toEqual(['/MEMORY.md', '/preferences/shared.md']);
    const index = out.changes[1]!.after!;
    expect(index).toContain('(preferences/shared.md)');
    expect(index).not.toContain('ana-only');
    expect(out.stats.scope_held_back).toBe(2);
    // k = 3: two people are not enough
    expect(filterForScope(r, { ...team, min_support: 3 }, sessions, []).held_back).toHaveLength(3);
    // other scopes, and no scope: untouched
    expect(filterForScope(r, { type: 'person', id: 'ana', min_support: 2 }, sessions, []).result).toBe(r);
    expect(filterForScope(r, undefined, sessions, []).result).toBe(r);
  });

  it('the organisation takes only what recurs across k teams', () => {
    const r = result([
      create('/preferences/team-a.md', 'Use pnpm, never npm.', ['s1', 's3']),
      create('/preferences/both.md', 'Commit messages follow Conventional Commits.', ['s1', 's4']),
    ]);
    const { result: out, held_back } = filterForScope(r, org, sessions, []);
    expect(held_back.map((h) => h.detail)).toEqual(['support: 1 teams, below 2']);
    expect(out.changes.map((c) => c.path)).toEqual(['/preferences/both.md', '/MEMORY.md']);
    expect(out.changes[0]!.support.teams).toBe(2);
  });

  it('never promotes personal details, whatever their support', () => {
    const r = result([
      create('/facts/contact.md', 'Reach the team lead at lead@example.com.', ['s1', 's3']),
      create('/facts/phone.md', 'Escalations go to [PHONE].', ['s1', 's3']),
      create('/preferences/case.md', 'Always refund order W4817263 to the original card.', ['s1', 's3']),
      create('/preferences/name.md', 'Ben wants reviews before noon.', ['s1', 's3']),
      create('/preferences/iso.md', 'Log timestamps as ISO-8601 in UTC.', ['s1', 's3']),
    ]);
    const { result: out, held_back } = filterForScope(r, team, sessions, ['ana', 'ben']);
    expect(held_back.map((h) => `${h.path} ${h.detail}`)).toEqual([
      '/facts/contact.md personal: an e-mail address',
      '/facts/phone.md personal: redacted personal data [PHONE]',
      '/preferences/case.md personal: the case identifier W4817263',
      '/preferences/name.md personal: the member name ben',
    ]);
    expect(out.changes.map((c) => c.path)).toEqual(['/preferences/iso.md', '/MEMORY.md']);
  });

  it("an identifier quoted from one person only is that person's case; from two people it is shared", () => {
    const flight = (ids: string[]) => ({
      ...create('/mistakes/seats.md', 'Error: not enough seats on flight HAT229', ids, 'mistake'),
    });
    const r = result([flight(['s1', 's2']), { ...flight(['s1', 's3']), path: '/mistakes/seats-2.md' }]);
    const { held_back } = filterForScope(r, { ...team, min_support: 1 }, sessions, []);
    expect(held_back.map((h) => `${h.path} ${h.detail}`)).toEqual([
      "/mistakes/seats.md personal: the identifier HAT229, in one person's sessions only",
    ]);
  });

  it('personalDetail reads the body, not the front matter', () => {
    expect(personalDetail('---\nlast_seen: 2026-01-05T08:00:00Z\n---\nUse UTC.\n', [])).toBeNull();
    expect(personalDetail('Ticket 4f3a9c21-77b0 was reopened', [])).toMatch(/case identifier/);
    // what a person said about themselves is theirs, whatever it says
    expect(
      personalDetail('---\nkind: fact\ntype: user\n---\n- 2023-05-08: I started cello lessons.\n', []),
    ).toBe("a person's own profile (type user)");
    expect(personalDetail('anal retentive reviews', ['ana'])).toBeNull();
  });
});
