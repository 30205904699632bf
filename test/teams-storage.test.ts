/**
 * Teams and scopes in the storage layer (issue 14, migration 007), on every dialect of
 * test/dialects.ts: teams with members, store scopes, attached stores, and a member's view
 * (`forMember`), which neither reads nor writes the stores of teams it is not in, nor other people's
 * and agents' own stores.
 */
import { describe, expect, it } from 'vitest';
import { newId } from '../src/domain/index.js';
import type { Storage } from '../src/storage/index.js';
import { DIALECTS } from './dialects.js';
import { newTestDream, newTestSession, newTestStore, testActor } from './storage-fixtures.js';

async function store(s: Storage, scope?: Parameters<Storage['setStoreScope']>[1]): Promise<string> {
  const st = newTestStore();
  await s.insertStore(st);
  if (scope) await s.setStoreScope(st.id, scope);
  await s.createMemory(st.id, '/a.md', `in ${st.id}`, { actor: testActor });
  return st.id;
}

describe.each(DIALECTS)('teams storage ($name)', (dialect) => {
  it('keeps teams, members, scopes and attached stores; a member sees only its scopes', async () => {
    const root = await dialect.open();
    try {
      const s = root.forWorkspace('wrkspc_T');
      const now = new Date().toISOString();
      const A = { id: newId('team'), name: 'alpha', created_at: now };
      const B = { id: newId('team'), name: 'beta', created_at: now };
      await s.insertTeam(A);
      await s.insertTeam(B);
      await expect(s.insertTeam({ ...A, id: newId('team') })).rejects.toThrow();
      expect(await s.addTeamMember({ team_id: A.id, type: 'person', id: 'alice', added_at: now })).toBe(true);
      expect(await s.addTeamMember({ team_id: A.id, type: 'person', id: 'alice', added_at: now })).toBe(
        false,
      );
      await s.addTeamMember({ team_id: B.id, type: 'agent', id: 'bot-b', added_at: now });
      expect((await s.findTeam('alpha'))?.id).toBe(A.id);
      expect(await root.findTeam('alpha')).toBeUndefined(); // another workspace
      expect((await s.listTeams({ type: 'person', id: 'alice' })).map((t) => t.name)).toEqual(['alpha']);
      expect((await s.listTeamMembers(B.id)).map((m) => `${m.type}:${m.id}`)).toEqual(['agent:bot-b']);

      const teamA = await store(s, { type: 'team', id: A.id, min_support: 3 });
      const teamB = await store(s, { type: 'team', id: B.id, min_support: 2 });
      const org = await store(s, { type: 'organisation', id: null, min_support: 2 });
      const alice = await store(s, { type: 'person', id: 'alice', min_support: 2 });
      const bob = await store(s, { type: 'person', id: 'bob', min_support: 2 });
      const open = await store(s);
      expect((await s.getStore(teamA))?.scope).toEqual({ type: 'team', id: A.id, min_support: 3 });
      expect((await s.getStore(open))?.scope).toBeUndefined();
      expect((await s.storesWithScope('team', A.id)).map((x) => x.id)).toEqual([teamA]);
      expect((await s.storesWithScope('organisation')).map((x) => x.id)).toEqual([org]);
      const dB = newTestDream(teamB);
      await s.insertDream(dB);

      const asAlice = s.forMember({ type: 'person', id: 'alice' });
      const seen = (await asAlice.listStores({ limit: 100 })).data.map((x) => x.id).sort();
      expect(seen).toEqual([teamA, org, alice, open].sort());
      for (const hidden of [teamB, bob]) {
        expect(await asAlice.getStore(hidden)).toBeUndefined();
        expect(await asAlice.allMemories(hidden)).toEqual([]);
        expect(await asAlice.getMemoryByPath(hidden, '/a.md')).toBeUndefined();
        expect((await asAlice.listVersions(hidden, {})).data).toEqual([]);
        expect(await asAlice.lockStore(hidden)).toBe(false);
        await expect(
          asAlice.createMemory(hidden, '/x.md', 'alice was here', { actor: testActor }),
        ).rejects.toMatchObject({ type: 'not_found_error' });
        await asAlice.transaction(async (tx) => expect(await tx.getStore(hidden)).toBeUndefined());
      }
      expect(await asAlice.getDream(dB.id)).toBeUndefined();
      expect((await asAlice.listDreams({})).data).toEqual([]);
      expect((await s.listDreams({})).data.map((d) => d.id)).toEqual([dB.id]);
      await asAlice.deleteStore(teamB);
      expect((await s.getMemoryByPath(teamB, '/a.md'))?.content).toBe(`in ${teamB}`);

      // an agent sees what is attached to it, and its team's store
      await s.putAgentStores('bot-b', [{ memory_store_id: bob, access: 'read_only', attached_at: now }]);
      expect(await s.listAgentStores('bot-b')).toEqual([
        { agent_id: 'bot-b', memory_store_id: bob, access: 'read_only', attached_at: now },
      ]);
      const asBot = s.forMember({ type: 'agent', id: 'bot-b' });
      expect((await asBot.listStores({ limit: 100 })).data.map((x) => x.id).sort()).toEqual(
        [teamB, org, bob, open].sort(),
      );
      expect((await asBot.getDream(dB.id))?.id).toBe(dB.id);
      await s.setStoreScope(teamB, null);
      expect((await s.getStore(teamB))?.scope).toBeUndefined();

      // sessions: a member sees its own, its teams' and its teammates', not the others'
      const ev = [
        {
          seq: 0,
          type: 'user.message' as const,
          timestamp: null,
          text: 'hi',
          source: { file: 'x', line: 1 },
        },
      ];
      const items = await s.importSessions([
        newTestSession('by-alice', ev, { user_id: 'alice' }),
        newTestSession('tagged-alpha', ev, { team_id: 'alpha' }),
        newTestSession('by-bot-b', ev, { agent_id: 'bot-b' }),
        newTestSession('by-bob', ev, { user_id: 'bob', team_id: 'beta' }),
        newTestSession('untagged', ev),
      ]);
      const [mine, alphaTagged, botB, bobs, untagged] = items.map((i) => i.session_id);
      const ids = async (v: Storage) => (await v.listSessions({ limit: 100 })).data.map((x) => x.id).sort();
      expect(await ids(asAlice)).toEqual([mine, alphaTagged].sort());
      expect(await ids(asBot)).toEqual([botB, bobs].sort()); // bot-b is in beta; beta's sessions
      expect(await ids(s)).toHaveLength(5);
      expect(await asAlice.getSession(bobs!)).toBeUndefined();
      expect(await asAlice.getSessions([bobs!, untagged!, mine!])).toMatchObject([{ id: mine }]);
      await expect(asAlice.getEvents(bobs!)).rejects.toMatchObject({ type: 'not_found_error' });
      await expect(asAlice.setOutcome(bobs!, null)).rejects.toMatchObject({ type: 'not_found_error' });
      expect((await asAlice.getEvents(mine!))[0]).toMatchObject({ text: 'hi' });
    } finally {
      await root.close();
    }
  });
});
