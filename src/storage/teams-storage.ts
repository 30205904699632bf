/**
 * Teams, members, store scopes and agents' attached stores over Kysely (migration 007, issue 14), and
 * the visibility rule of a member's view of a workspace ({@link visibleToMember}). Every query here is
 * scoped by the workspace id it is given.
 */
import type { ExpressionBuilder, Kysely, Selectable } from 'kysely';
import type { MemberRef, MemoryStore, StoreScope } from '../domain/index.js';
import type { AgentStore, Team, TeamMember } from './port.js';
import type { Database, MemoryStoresTable } from './schema.js';

/** The default `min_support` of a team or organisation scope: two distinct people or agents (two teams). */
export const DEFAULT_SCOPE_MIN_SUPPORT = 2;

/** The scope columns of a store row as a {@link StoreScope}, or undefined for an unscoped store. */
export function scopeOf(r: Selectable<MemoryStoresTable>): StoreScope | undefined {
  if (!r.scope_type) return undefined;
  return {
    type: r.scope_type as StoreScope['type'],
    id: r.scope_id ?? null,
    min_support: r.scope_min_support ?? DEFAULT_SCOPE_MIN_SUPPORT,
  };
}

/**
 * The condition on `memory_stores` rows a member may see: unscoped and organisation stores, the
 * stores of the teams the member belongs to, the member's own person or agent store, and (for an
 * agent) the stores attached to it.
 */
export function visibleToMember(
  eb: ExpressionBuilder<Database, 'memory_stores'>,
  member: MemberRef,
  workspaceId: string,
) {
  const teamIds = eb
    .selectFrom('team_members')
    .innerJoin('teams', 'teams.id', 'team_members.team_id')
    .select('team_members.team_id')
    .where('teams.workspace_id', '=', workspaceId)
    .where('team_members.member_type', '=', member.type)
    .where('team_members.member_id', '=', member.id);
  const attached = eb
    .selectFrom('agent_stores')
    .select('agent_stores.memory_store_id')
    .where('agent_stores.workspace_id', '=', workspaceId)
    .where('agent_stores.agent_id', '=', member.type === 'agent' ? member.id : '\u0000');
  return eb.or([
    eb('memory_stores.scope_type', 'is', null),
    eb('memory_stores.scope_type', '=', 'organisation'),
    eb.and([eb('memory_stores.scope_type', '=', 'team'), eb('memory_stores.scope_id', 'in', teamIds)]),
    eb.and([eb('memory_stores.scope_type', '=', member.type), eb('memory_stores.scope_id', '=', member.id)]),
    eb('memory_stores.id', 'in', attached),
  ]);
}

/**
 * The condition on `sessions` rows a member may see: its own sessions (as the person or the agent),
 * the sessions of its teams (`team_id` = a team's id or name) and of its teams' people and agents.
 */
export function sessionVisibleToMember(
  eb: ExpressionBuilder<Database, 'sessions'>,
  member: MemberRef,
  workspaceId: string,
) {
  const myTeams = (col: 'teams.id' | 'teams.name') =>
    eb
      .selectFrom('team_members')
      .innerJoin('teams', 'teams.id', 'team_members.team_id')
      .select(col)
      .where('teams.workspace_id', '=', workspaceId)
      .where('team_members.member_type', '=', member.type)
      .where('team_members.member_id', '=', member.id);
  const mates = (type: MemberRef['type']) =>
    eb
      .selectFrom('team_members as mate')
      .select('mate.member_id')
      .where('mate.member_type', '=', type)
      .where('mate.team_id', 'in', myTeams('teams.id'));
  return eb.or([
    eb(member.type === 'person' ? 'sessions.user_id' : 'sessions.agent_id', '=', member.id),
    eb('sessions.team_id', 'in', myTeams('teams.id')),
    eb('sessions.team_id', 'in', myTeams('teams.name')),
    eb('sessions.user_id', 'in', mates('person')),
    eb('sessions.agent_id', 'in', mates('agent')),
  ]);
}

/** Sets (or with null clears) a store's scope. */
export async function setStoreScope(
  db: Kysely<Database>,
  workspaceId: string,
  storeId: string,
  scope: StoreScope | null,
): Promise<void> {
  await db
    .updateTable('memory_stores')
    .set({
      scope_type: scope?.type ?? null,
      scope_id: scope?.id ?? null,
      scope_min_support: scope ? scope.min_support : null,
    })
    .where('id', '=', storeId)
    .where('workspace_id', '=', workspaceId)
    .execute();
}

/** Stores of a workspace with this scope (any id when `id` is undefined), oldest first. */
export async function storesWithScope(
  db: Kysely<Database>,
  workspaceId: string,
  type: StoreScope['type'],
  id?: string | null,
): Promise<Pick<MemoryStore, 'id' | 'name'>[]> {
  let q = db
    .selectFrom('memory_stores')
    .select(['id', 'name'])
    .where('workspace_id', '=', workspaceId)
    .where('scope_type', '=', type)
    .where('archived_at', 'is', null);
  if (id !== undefined) q = id === null ? q.where('scope_id', 'is', null) : q.where('scope_id', '=', id);
  return q.orderBy('id').execute();
}

/** Inserts a team. @throws the driver's unique-constraint error on a taken name in the workspace. */
export async function insertTeam(db: Kysely<Database>, workspaceId: string, team: Team): Promise<void> {
  await db
    .insertInto('teams')
    .values({ ...team, workspace_id: workspaceId })
    .execute();
}

/** The team with this id, else this name, in the workspace. */
export async function findTeam(
  db: Kysely<Database>,
  workspaceId: string,
  idOrName: string,
): Promise<Team | undefined> {
  const base = db
    .selectFrom('teams')
    .select(['id', 'name', 'created_at'])
    .where('workspace_id', '=', workspaceId);
  return (
    (await base.where('id', '=', idOrName).executeTakeFirst()) ??
    (await base.where('name', '=', idOrName).executeTakeFirst())
  );
}

/** The workspace's teams by name; with `member`, only the teams it belongs to. */
export async function listTeams(
  db: Kysely<Database>,
  workspaceId: string,
  member?: MemberRef,
): Promise<Team[]> {
  let q = db.selectFrom('teams').select(['id', 'name', 'created_at']).where('workspace_id', '=', workspaceId);
  if (member)
    q = q.where(
      'id',
      'in',
      db
        .selectFrom('team_members')
        .select('team_id')
        .where('member_type', '=', member.type)
        .where('member_id', '=', member.id),
    );
  return q.orderBy('name').execute();
}

/** Adds a member to a team. @returns false when it was already a member (nothing changes). */
export async function addTeamMember(db: Kysely<Database>, m: TeamMember): Promise<boolean> {
  const have = await db
    .selectFrom('team_members')
    .select('team_id')
    .where('team_id', '=', m.team_id)
    .where('member_type', '=', m.type)
    .where('member_id', '=', m.id)
    .executeTakeFirst();
  if (have) return false;
  await db
    .insertInto('team_members')
    .values({ team_id: m.team_id, member_type: m.type, member_id: m.id, added_at: m.added_at })
    .execute();
  return true;
}

/** The members of the workspace's teams (of one team when `teamId` is given), by team, type and id. */
export async function listTeamMembers(
  db: Kysely<Database>,
  workspaceId: string,
  teamId?: string,
): Promise<TeamMember[]> {
  let q = db
    .selectFrom('team_members')
    .innerJoin('teams', 'teams.id', 'team_members.team_id')
    .select(['team_members.team_id', 'member_type', 'member_id', 'added_at'])
    .where('teams.workspace_id', '=', workspaceId);
  if (teamId) q = q.where('team_members.team_id', '=', teamId);
  const rows = await q.orderBy('team_members.team_id').orderBy('member_type').orderBy('member_id').execute();
  return rows.map((r) => ({
    team_id: r.team_id,
    type: r.member_type as MemberRef['type'],
    id: r.member_id,
    added_at: r.added_at,
  }));
}

/** Replaces the stores attached to an agent (the caller checks the 8-store limit). */
export async function putAgentStores(
  db: Kysely<Database>,
  workspaceId: string,
  agentId: string,
  stores: Omit<AgentStore, 'agent_id'>[],
): Promise<void> {
  await db
    .deleteFrom('agent_stores')
    .where('workspace_id', '=', workspaceId)
    .where('agent_id', '=', agentId)
    .execute();
  if (stores.length === 0) return;
  await db
    .insertInto('agent_stores')
    .values(stores.map((s) => ({ ...s, workspace_id: workspaceId, agent_id: agentId })))
    .execute();
}

/** The stores attached to an agent, in the order of their ids. */
export async function listAgentStores(
  db: Kysely<Database>,
  workspaceId: string,
  agentId: string,
): Promise<AgentStore[]> {
  const rows = await db
    .selectFrom('agent_stores')
    .select(['agent_id', 'memory_store_id', 'access', 'attached_at'])
    .where('workspace_id', '=', workspaceId)
    .where('agent_id', '=', agentId)
    .orderBy('memory_store_id')
    .execute();
  return rows.map((r) => ({ ...r, access: r.access as AgentStore['access'] }));
}
