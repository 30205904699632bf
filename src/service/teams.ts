/**
 * Teams and scopes (issue 14): teams with members (people and agents), the scope of each store, the
 * stores attached to an agent, who may see and write which store, which sessions a scoped store's
 * dream reads, and the promotion filter a team or organisation store's dream runs under. The CLI
 * (`reverie teams …`), the HTTP API (`/v1/reverie/teams…`) and the MCP server call it.
 */
import {
  type MemberRef,
  type MemoryStore,
  NotFoundError,
  newId,
  SCOPE_TYPES,
  type Session,
  type StoreScope,
  ValidationError,
} from '../domain/index.js';
import type { DreamEngine, DreamRequest, DreamResult } from '../dream/types.js';
import type { AgentStore, Storage, Team, TeamMember } from '../storage/index.js';
import { DEFAULT_SCOPE_MIN_SUPPORT } from '../storage/teams-storage.js';
import { conflictsWith } from '../teams/precedence.js';
import { filterForScope, type SessionMembers } from '../teams/promotion.js';
import { type Principal, roleAllows } from './keys.js';

/** At most this many stores attach to one agent (the hosted API's limit on a session's memory stores). */
export const MAX_ATTACHED_STORES = 8;

/** A team with its members. */
export interface TeamWithMembers extends Team {
  members: TeamMember[];
}

/** The team and organisation stores an agent or person reads beside its own (MCP `/memories/team/`, `/memories/org/`). */
export interface ScopeMounts {
  team: { team: Team; memory_store_id: string } | null;
  org: { memory_store_id: string } | null;
}

/** Team names: 1–128 letters, digits and `._@+-`. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$/;
/** Person and agent ids: also `/` and `:` (importers' agent ids such as `tau-bench/gpt-4o`, `claude-code/subagent`). */
const MEMBER_ID = /^[A-Za-z0-9][A-Za-z0-9._@+/:-]{0,254}$/;

/**
 * Parses `person:<id>` or `agent:<id>` (ids: 1–255 letters, digits, `._@+-/:`).
 * @throws ValidationError naming `field` otherwise.
 */
export function parseMemberRef(s: string, field = 'member'): MemberRef {
  const m = /^(person|agent):(.+)$/.exec(s.trim());
  if (!m || !MEMBER_ID.test(m[2]!))
    throw new ValidationError(`${field} must be person:<id> or agent:<id>, got ${JSON.stringify(s)}`, field);
  return { type: m[1] as MemberRef['type'], id: m[2]! };
}

/**
 * Parses a scope: `person:<id>`, `agent:<id>`, `team:<id or name>`, `organisation` (or `org`).
 * @throws ValidationError naming `field`.
 */
export function parseScope(s: string, field = 'scope'): { type: StoreScope['type']; id: string | null } {
  const t = s.trim();
  if (t === 'org' || t === 'organisation' || t === 'organization') return { type: 'organisation', id: null };
  const m = /^(person|agent|team):(.+)$/.exec(t);
  if (!m || !(m[1] === 'team' ? NAME : MEMBER_ID).test(m[2]!))
    throw new ValidationError(
      `${field} must be person:<id>, agent:<id>, team:<team> or organisation, got ${JSON.stringify(s)}`,
      field,
    );
  return { type: m[1] as StoreScope['type'], id: m[2]! };
}

/**
 * Team administration and scope rules over one workspace's storage (a member's view restricts what
 * it sees; see `Storage.forMember`).
 */
export class TeamService {
  #storage: Storage;

  constructor(storage: Storage) {
    this.#storage = storage;
  }

  /**
   * Creates a team. @throws ValidationError for a bad name (1–128 of letters, digits, `._@+-`) or one
   * already taken in the workspace.
   */
  async createTeam(name: string): Promise<Team> {
    if (typeof name !== 'string' || !NAME.test(name) || name.startsWith('team_'))
      throw new ValidationError(
        'name must be 1–128 letters, digits or ._@+- (not starting with team_)',
        'name',
      );
    if (await this.#storage.findTeam(name))
      throw new ValidationError(`a team named ${name} already exists`, 'name');
    const team: Team = { id: newId('team'), name, created_at: new Date().toISOString() };
    await this.#storage.insertTeam(team);
    return team;
  }

  /** The team with this id or name. @throws NotFoundError */
  async getTeam(idOrName: string): Promise<TeamWithMembers> {
    const team = await this.#storage.findTeam(idOrName);
    if (!team) throw new NotFoundError('team', idOrName);
    return { ...team, members: await this.#storage.listTeamMembers(team.id) };
  }

  /**
   * Adds people and agents to a team (idempotent).
   * @returns the team with its members. @throws NotFoundError; ValidationError for a bad member.
   */
  async addMembers(idOrName: string, members: MemberRef[]): Promise<TeamWithMembers> {
    const team = await this.getTeam(idOrName);
    const at = new Date().toISOString();
    for (const m of members) {
      parseMemberRef(`${m.type}:${m.id}`);
      await this.#storage.addTeamMember({ ...m, team_id: team.id, added_at: at });
    }
    return this.getTeam(team.id);
  }

  /** Teams by name with their members; in a member's view, only the member's teams. */
  async listTeams(): Promise<TeamWithMembers[]> {
    const teams = await this.#storage.listTeams(this.#storage.member ?? undefined);
    const members = await this.#storage.listTeamMembers();
    return teams.map((t) => ({ ...t, members: members.filter((m) => m.team_id === t.id) }));
  }

  /**
   * Sets a store's scope (`null` clears it). A team scope names a team by id or name (stored as its
   * id); `min_support` (≥ 1, default 2) is the distinct people or agents (teams, for the organisation)
   * a pattern needs before a dream promotes it there.
   * @throws NotFoundError for an unknown store or team; ValidationError for a bad scope.
   */
  async setScope(
    storeId: string,
    scope: { type: StoreScope['type']; id?: string | null; min_support?: number } | null,
  ): Promise<MemoryStore> {
    const store = await this.#storage.getStore(storeId);
    if (!store) throw new NotFoundError('memory_store', storeId);
    let next: StoreScope | null = null;
    if (scope) {
      if (!SCOPE_TYPES.includes(scope.type))
        throw new ValidationError(`scope.type must be one of ${SCOPE_TYPES.join(', ')}`, 'scope.type');
      const k = scope.min_support ?? DEFAULT_SCOPE_MIN_SUPPORT;
      if (!Number.isInteger(k) || k < 1 || k > 1000)
        throw new ValidationError(
          'scope.min_support must be an integer from 1 to 1,000',
          'scope.min_support',
        );
      let id = scope.type === 'organisation' ? null : (scope.id ?? null);
      if (
        scope.type !== 'organisation' &&
        (!id || !(scope.type === 'team' ? /^\S{1,255}$/ : MEMBER_ID).test(id))
      )
        throw new ValidationError(`a ${scope.type} scope needs an id`, 'scope.id');
      if (scope.type === 'team') id = (await this.getTeam(id!)).id;
      next = { type: scope.type, id, min_support: k };
    }
    await this.#storage.setStoreScope(storeId, next);
    return (await this.#storage.getStore(storeId))!;
  }

  /**
   * Attaches up to {@link MAX_ATTACHED_STORES} stores to an agent, replacing what was attached, each
   * `read_write` or `read_only` (the hosted `resources[]` access values).
   * @throws ValidationError for too many, repeated, or bad entries and for an archived store (as a
   *   session's attachments refuse it); NotFoundError for an unknown store.
   */
  async attachStores(
    agentId: string,
    stores: { memory_store_id: string; access?: AgentStore['access'] }[],
  ): Promise<AgentStore[]> {
    parseMemberRef(`agent:${agentId}`, 'agent_id');
    if (stores.length > MAX_ATTACHED_STORES)
      throw new ValidationError(
        `an agent attaches at most ${MAX_ATTACHED_STORES} memory stores, got ${stores.length}`,
        'memory_stores',
      );
    const seen = new Set<string>();
    const at = new Date().toISOString();
    const rows: Omit<AgentStore, 'agent_id'>[] = [];
    for (const [i, s] of stores.entries()) {
      const access = s.access ?? 'read_write';
      if (access !== 'read_write' && access !== 'read_only')
        throw new ValidationError('access must be read_write or read_only', `memory_stores.${i}.access`);
      if (seen.has(s.memory_store_id))
        throw new ValidationError(`${s.memory_store_id} is listed twice`, `memory_stores.${i}`);
      seen.add(s.memory_store_id);
      const store = await this.#storage.getStore(s.memory_store_id);
      if (!store) throw new NotFoundError('memory_store', s.memory_store_id);
      if (store.archived_at)
        throw new ValidationError(
          `memory_stores[${i}].memory_store_id: memory store ${store.id} is archived; archived stores cannot be attached`,
          `memory_stores.${i}.memory_store_id`,
        );
      rows.push({ memory_store_id: s.memory_store_id, access, attached_at: at });
    }
    await this.#storage.putAgentStores(agentId, rows);
    return this.#storage.listAgentStores(agentId);
  }

  /** The stores attached to an agent. */
  attachedStores(agentId: string): Promise<AgentStore[]> {
    return this.#storage.listAgentStores(agentId);
  }

  /**
   * The team and organisation stores `member` reads beside its own: the store of its first team (by
   * name; `teamName` picks another of its teams) and the organisation store.
   * @throws NotFoundError when `teamName` is not one of the member's teams.
   */
  async mountsFor(member: MemberRef, teamName?: string): Promise<ScopeMounts> {
    const teams = await this.#storage.listTeams(member);
    const team = teamName ? teams.find((t) => t.id === teamName || t.name === teamName) : teams[0];
    if (teamName && !team) throw new NotFoundError('team', teamName);
    const teamStore = team ? (await this.#storage.storesWithScope('team', team.id))[0] : undefined;
    const orgStore = (await this.#storage.storesWithScope('organisation'))[0];
    return {
      team: team && teamStore ? { team, memory_store_id: teamStore.id } : null,
      org: orgStore ? { memory_store_id: orgStore.id } : null,
    };
  }

  /** The own store of a person or agent: the oldest unarchived store of that scope, or null. */
  async ownStore(member: MemberRef): Promise<string | null> {
    return (await this.#storage.storesWithScope(member.type, member.id))[0]?.id ?? null;
  }

  /**
   * Whether `principal` may write `store` (its memories, versions and fields): a reader never; team
   * and organisation stores only a reviewer or admin (they change through reviewed team dreams); a
   * store attached to the key's agent `read_only` never; otherwise a writer.
   */
  async canWrite(principal: Principal, store: MemoryStore): Promise<boolean> {
    if (!roleAllows(principal.role, 'writer')) return false;
    if (store.scope?.type === 'team' || store.scope?.type === 'organisation')
      return roleAllows(principal.role, 'reviewer');
    const member = principal.member;
    if (member?.type === 'agent') {
      const a = (await this.#storage.listAgentStores(member.id)).find((x) => x.memory_store_id === store.id);
      if (a?.access === 'read_only') return false;
    }
    return true;
  }

  /**
   * Of `sessionIds`, those a dream over `store` reads: a person's store its sessions, an agent's its
   * sessions, a team's the sessions of the team (by `team_id`, id or name) and of its members; others all.
   */
  async sessionsInScope(store: MemoryStore, sessionIds: string[]): Promise<string[]> {
    const scope = store.scope;
    if (!scope || scope.type === 'organisation' || sessionIds.length === 0) return sessionIds;
    const sessions = await this.#storage.getSessions(sessionIds);
    let keep: (s: Session) => boolean;
    if (scope.type === 'person') keep = (s) => s.user_id === scope.id;
    else if (scope.type === 'agent') keep = (s) => s.agent_id === scope.id;
    else {
      const team = await this.getTeam(scope.id!);
      const people = new Set(team.members.filter((m) => m.type === 'person').map((m) => m.id));
      const agents = new Set(team.members.filter((m) => m.type === 'agent').map((m) => m.id));
      keep = (s) =>
        s.team_id === team.id ||
        s.team_id === team.name ||
        (s.user_id !== null && people.has(s.user_id)) ||
        agents.has(s.agent_id);
    }
    const ok = new Set(sessions.filter(keep).map((s) => s.id));
    return sessionIds.filter((id) => ok.has(id));
  }

  /** Who stands behind each session (user, agent, teams by id), for the promotion filter. */
  async sessionMembers(sessions: Session[]): Promise<{ map: Map<string, SessionMembers>; names: string[] }> {
    const teams = await this.#storage.listTeams();
    const members = await this.#storage.listTeamMembers();
    const byName = new Map(teams.flatMap((t) => [[t.id, t.id] as const, [t.name, t.id] as const]));
    const teamsOf = (type: MemberRef['type'], id: string | null) =>
      id === null ? [] : members.filter((m) => m.type === type && m.id === id).map((m) => m.team_id);
    const map = new Map<string, SessionMembers>();
    for (const s of sessions) {
      const own = s.team_id ? byName.get(s.team_id) : undefined;
      const ids = new Set([
        ...(own ? [own] : []),
        ...teamsOf('person', s.user_id),
        ...teamsOf('agent', s.agent_id),
      ]);
      map.set(s.id, { user_id: s.user_id, agent_id: s.agent_id, teams: [...ids].sort() });
    }
    const names = [
      ...new Set([
        ...members.filter((m) => m.type === 'person').map((m) => m.id),
        ...sessions.flatMap((s) => (s.user_id ? [s.user_id] : [])),
      ]),
    ];
    return { map, names };
  }

  /**
   * The memories of the own store `ownStoreId` that override `memory` (a team or organisation
   * memory) for its person or agent: at the same path, or contradicting it (`conflictsWith`).
   */
  async overriddenBy(ownStoreId: string, memory: { path: string; content: string }) {
    const own = (await this.#storage.allMemories(ownStoreId)).map((m) => ({
      path: m.path,
      content: m.content ?? '',
    }));
    return conflictsWith(memory, own);
  }

  /**
   * Marks each lesson a team dream proposes that contradicts an organisation memory: its reason says
   * so and names the organisation memory, for a reviewer to decide (team changes are never applied
   * automatically; see `classifyChange`). Nothing is resolved here.
   */
  async #flagOrgConflicts(result: DreamResult): Promise<DreamResult> {
    const org = (await this.#storage.storesWithScope('organisation'))[0];
    if (!org) return result;
    const orgMemories = (await this.#storage.allMemories(org.id)).map((m) => ({
      path: m.path,
      content: m.content ?? '',
    }));
    const changes = result.changes.map((c) => {
      if (c.after === null || c.kind === 'index' || c.kind === 'cleanup') return c;
      const hits = conflictsWith({ path: c.path, content: c.after }, orgMemories).filter(
        (h) => h.why === 'contradiction',
      );
      if (hits.length === 0) return c;
      return {
        ...c,
        reason: `Contradicts the organisation memory ${hits.map((h) => h.path).join(', ')} (flagged for review: decide which holds). ${c.reason}`,
      };
    });
    return { ...result, changes };
  }

  /**
   * Wraps a dream engine for the store a dream writes: over a team or organisation store the
   * engine's proposals pass through the promotion filter (`src/teams/promotion.ts`); over any other
   * store the engine runs as it is.
   */
  scopedEngine(inner: DreamEngine, storeId: string): DreamEngine {
    return {
      id: inner.id,
      version: inner.version,
      run: async (request: DreamRequest, hooks) => {
        const store = await this.#storage.getStore(storeId);
        const scope = store?.scope;
        if (!scope || (scope.type !== 'team' && scope.type !== 'organisation'))
          return inner.run(request, hooks);
        const result = await inner.run(request, hooks);
        const { map, names } = await this.sessionMembers(request.sessions.map((r) => r.session));
        const filtered = filterForScope(result, scope, map, names).result;
        return scope.type === 'team' ? this.#flagOrgConflicts(filtered) : filtered;
      },
      ...('estimate' in inner
        ? { estimate: (inner as { estimate: (...a: unknown[]) => unknown }).estimate.bind(inner) }
        : {}),
    } as DreamEngine;
  }
}
