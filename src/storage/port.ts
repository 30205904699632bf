/**
 * The persistence port. Every caller (service layer, review, schedule) talks to storage through this
 * interface only, so that the SQLite and PostgreSQL backends are interchangeable (Kysely-style tiny
 * port; one implementation over Kysely in kysely-storage.ts, one dialect folder per backend).
 *
 * Memory writes follow the hosted API's rules: create never overwrites (`memory_path_conflict_error`),
 * a stale precondition is `memory_precondition_failed_error`, every non-no-op change writes exactly one
 * immutable version, versions survive deletion.
 */
import type {
  Actor,
  Change,
  Dream,
  DreamJob,
  DreamSchedule,
  JobKind,
  JobState,
  MemberRef,
  Memory,
  MemoryStore,
  MemoryVersion,
  NewSession,
  Outcome,
  Session,
  SessionEvent,
  StoreScope,
  Timestamp,
  VersionOperation,
} from '../domain/index.js';
import type { DialectName } from './migrations/index.js';
import type { PreparedSession } from './stored-session.js';

/** The session shape `importSessions` takes (defined in the domain). */
export type { NewSession };

/** A page of results and the opaque cursor of the next page (`null` at the end). */
export interface Page<T> {
  data: T[];
  next_page: string | null;
}

/** Paging input: `limit` items after the opaque cursor `page`. */
export interface PageQuery {
  limit?: number;
  page?: string | null;
}

/** Who writes, and why; recorded on the memory version. `now` defaults to the wall clock. */
export interface WriteContext {
  actor: Actor;
  dream_id?: string | null;
  change_id?: string | null;
  note?: string | null;
  now?: Timestamp;
}

/**
 * Per-item result of a batch session import (Kysely-style batch result). `conflicts_with` is present when
 * the session was kept beside a stored session of the same external id instead of replacing it (see
 * {@link Storage.importSessions}): then `external_id` is the id it is stored under
 * (`<external_id>@<file name>`), and `conflicts_with` names the stored session, left as it was.
 */
export interface SessionImportItem {
  external_id: string;
  status: 'created' | 'updated' | 'unchanged';
  session_id: string;
  conflicts_with?: { session_id: string; external_id: string };
}

/**
 * One file's outcome in {@link Storage.importSessionFiles}: its sessions' results, or the error that rolled
 * the file back (a storage error, e.g. a constraint violation; nothing of that file was written).
 */
export type SessionFileResult = { items: SessionImportItem[] } | { error: unknown };

/** Filters for listing sessions. */
export interface SessionQuery extends PageQuery {
  agent_id?: string;
  team_id?: string;
  /** Only sessions this store is attached to (hosted `GET /v1/sessions?memory_store_id=`; migration 008). */
  memory_store_id?: string;
  /** Only sessions imported strictly after this time. */
  imported_after?: Timestamp;
}

/** Filters for listing memory versions (newest first). */
export interface VersionQuery extends PageQuery {
  memory_id?: string;
  /** Only versions of these memories (at most 1,000 ids; an empty list matches nothing). */
  memory_ids?: string[];
  operation?: VersionOperation;
  /** Only versions written by this actor (same `type` and `id`). */
  created_by?: Actor;
  dream_id?: string;
  /** Only versions whose `path` equals this (at the time of the version). */
  path?: string;
  created_at_gte?: Timestamp;
  created_at_lte?: Timestamp;
  /** Oldest first instead of newest first. */
  ascending?: boolean;
}

/** Filters for listing memory stores (newest first). */
export interface StoreQuery extends PageQuery {
  include_archived?: boolean;
  created_at_gte?: Timestamp;
  created_at_lte?: Timestamp;
}

/** Filters for listing dreams (newest first). */
export interface DreamQuery extends PageQuery {
  memory_store_id?: string;
  statuses?: Dream['status'][];
  include_archived?: boolean;
  /** Only dreams created strictly after / before this time. */
  created_at_gt?: Timestamp;
  created_at_lt?: Timestamp;
}

/** Fields of a change that review may update (`before`/`base_sha256` only when a conflict is rebased). */
export type ChangePatch = Partial<
  Pick<Change, 'status' | 'review' | 'after' | 'applied_at' | 'before' | 'base_sha256'>
>;

/** A workspace (tenant): everything else belongs to exactly one. */
export interface Workspace {
  /** `wrkspc_…`; the default workspace is `wrkspc_default`. */
  id: string;
  /** Unique, 1–255 characters. */
  name: string;
  created_at: Timestamp;
}

/** The roles of API keys, each allowing what the one before allows and more. */
export const API_KEY_ROLES = ['reader', 'writer', 'reviewer', 'admin'] as const;
/** One of {@link API_KEY_ROLES}. */
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

/** An API key as stored: never the key, only its SHA-256 and its last 4 characters. */
export interface ApiKeyRecord {
  /** `apikey_…` */
  id: string;
  workspace_id: string;
  name: string;
  /** Last 4 characters of the key, to tell keys apart in listings. */
  key_hint: string;
  /**
   * What the key may do: `reader` (read only), `writer` (also write memories, upload sessions, start
   * dreams), `reviewer` (also decide, apply, roll back, change policy), `admin` (everything).
   */
  role: ApiKeyRole;
  created_at: Timestamp;
  revoked_at: Timestamp | null;
  /**
   * The person or agent the key acts as (migration 007): its requests see only the stores that member
   * may see (see {@link Storage.forMember}). Absent: the key sees its whole workspace.
   */
  member?: MemberRef;
}

/** A team of a workspace (migration 007): `team_…` id and a name unique in the workspace. */
export interface Team {
  id: string;
  name: string;
  created_at: Timestamp;
}

/** A person or agent in a team. */
export interface TeamMember extends MemberRef {
  team_id: string;
  added_at: Timestamp;
}

/** A store attached to an agent (hosted `resources[]` of type `memory_store`): `read_write` or `read_only`. */
export interface AgentStore {
  agent_id: string;
  memory_store_id: string;
  access: 'read_write' | 'read_only';
  attached_at: Timestamp;
}

/**
 * A memory store attached to a session at its creation, as the hosted session echoes it in
 * `resources[]` (shared/reference/anthropic-api.md, "Attaching a store to a session"; migration 008):
 * `access` `read_write` or `read_only`; `instructions` (at most 4,096 characters) or null; `name` and
 * `description` as the store had them when it was attached (a snapshot, not updated later); and the
 * read-only `mount_path` `/mnt/memory/<slug>/` the session's agent reads it at.
 */
export interface SessionResource {
  type: 'memory_store';
  memory_store_id: string;
  access: 'read_write' | 'read_only';
  instructions: string | null;
  name: string;
  description: string;
  mount_path: string;
}

/** Options of the session imports: the write time, and the stores attached to the sessions they create. */
export interface SessionImportOptions {
  /** The import time (`imported_at`, `attached_at`); default the wall clock. */
  now?: Timestamp;
  /**
   * Stores attached (in this order) to every session the import creates; sessions that already exist
   * keep what they have (the hosted rule: stores attach at session creation only). Checked by the caller.
   */
  resources?: SessionResource[];
}

/** Filters for listing dream jobs (oldest first). */
export interface JobQuery {
  dream_ids?: string[];
  /** Kinds to list. Default `['dream']` (a dream's own job, not its gather batches). */
  kinds?: JobKind[];
  memory_store_id?: string;
  states?: JobState[];
  limit?: number;
}

/** A worker's request for a local job: now, and the lease it takes. ISO-8601 UTC. */
export interface ClaimRequest {
  worker_id: string;
  now: Timestamp;
  lease_until: Timestamp;
  /** Per-workspace concurrency limit: skip workspaces with this many jobs under a live lease (none: no limit). */
  group_limit?: number | null;
}

/** Fields of a job a queue may change. */
export type JobPatch = Partial<
  Pick<
    DreamJob,
    | 'state'
    | 'attempts'
    | 'run_after'
    | 'lease_until'
    | 'worker_id'
    | 'queue_job_id'
    | 'last_error'
    | 'updated_at'
  >
>;

/**
 * The storage port. All methods are async; `transaction` runs `fn` atomically (all or nothing).
 *
 * Every store, memory, version, session, dream and change belongs to one workspace, and a storage
 * object is a view of one workspace (`workspace_id`; the one `open*Storage` returns is the default
 * workspace's): every query filters by it, so another workspace's ids behave as absent (`undefined`,
 * NotFoundError). {@link Storage.forWorkspace} gives the view of another workspace over the same
 * connection. The workspace and API-key methods are administration across workspaces and not scoped.
 */
export interface Storage {
  readonly dialect: DialectName;
  /** The workspace this view reads and writes. */
  readonly workspace_id: string;
  /**
   * A view of the same database scoped to workspace `id` (which is not checked: an unknown id sees an
   * empty workspace). Its `close()` does nothing; close the storage it came from.
   */
  forWorkspace(id: string): Storage;
  /** The member this view is restricted to (see {@link Storage.forMember}), or null. */
  readonly member: MemberRef | null;
  /**
   * A view of this workspace as `member` sees it (null: the whole workspace): stores (and their
   * memories, versions, dreams and changes) other than unscoped and organisation stores, the stores of
   * the member's teams, its own person or agent store and the stores attached to it (an agent) behave
   * as absent; so do sessions other than the member's own, its teams' (`team_id` = a team's id or
   * name) and its teammates' (by `user_id` or `agent_id`). Its `close()` does nothing.
   */
  forMember(member: MemberRef | null): Storage;

  // ── teams, scopes and attached stores (migration 007; scoped by workspace, not by member)
  /** Sets (null clears) a store's scope. */
  setStoreScope(id: string, scope: StoreScope | null): Promise<void>;
  /** Unarchived stores with this scope type (and id, when given), oldest first. */
  storesWithScope(type: StoreScope['type'], id?: string | null): Promise<{ id: string; name: string }[]>;
  /** Inserts a team. @throws the driver's unique-constraint error on a name taken in the workspace. */
  insertTeam(team: Team): Promise<void>;
  /** The team with this id, else this name. */
  findTeam(idOrName: string): Promise<Team | undefined>;
  /** Teams by name; with `member`, only those it belongs to. */
  listTeams(member?: MemberRef): Promise<Team[]>;
  /** Adds a member to a team. @returns false when it already was one. */
  addTeamMember(m: TeamMember): Promise<boolean>;
  /** Members of all teams, or of one. */
  listTeamMembers(teamId?: string): Promise<TeamMember[]>;
  /** Replaces the stores attached to an agent, in one transaction. */
  putAgentStores(agentId: string, stores: Omit<AgentStore, 'agent_id'>[]): Promise<void>;
  /** The stores attached to an agent. */
  listAgentStores(agentId: string): Promise<AgentStore[]>;

  // ── workspaces and API keys (not scoped)
  insertWorkspace(ws: Workspace): Promise<void>;
  /** The workspace with this id or, failing that, this name. */
  findWorkspace(idOrName: string): Promise<Workspace | undefined>;
  listWorkspaces(): Promise<Workspace[]>;
  /** Stores a key record with the SHA-256 (hex) of the key. */
  insertApiKey(key: ApiKeyRecord, keySha256: string): Promise<void>;
  /** Keys newest first, of one workspace or all; revoked ones only with `include_revoked`. */
  listApiKeys(q: { workspace_id?: string; include_revoked?: boolean }): Promise<ApiKeyRecord[]>;
  /** The key with this id, revoked or not. */
  getApiKey(id: string): Promise<ApiKeyRecord | undefined>;
  /** The unrevoked key whose SHA-256 is `keySha256`. */
  findApiKey(keySha256: string): Promise<ApiKeyRecord | undefined>;
  /** Sets `revoked_at` (idempotent: an already revoked key keeps its time). @returns the key, or undefined. */
  revokeApiKey(id: string, at: Timestamp): Promise<ApiKeyRecord | undefined>;
  /** Runs `fn` in one transaction; nested calls join the outer transaction. */
  transaction<T>(fn: (tx: Storage) => Promise<T>): Promise<T>;
  /** Releases connections. */
  close(): Promise<void>;

  // ── memory stores
  insertStore(store: MemoryStore): Promise<void>;
  getStore(id: string): Promise<MemoryStore | undefined>;
  /** Stores newest first; `created_at_gte`/`created_at_lte` bound the creation time (inclusive). */
  listStores(q: StoreQuery): Promise<Page<MemoryStore>>;
  updateStore(
    id: string,
    patch: Partial<
      Pick<MemoryStore, 'name' | 'description' | 'metadata' | 'policy' | 'archived_at' | 'updated_at'>
    >,
  ): Promise<void>;
  /** Removes a store with all its memories and versions, its schedule and its session attachments. */
  deleteStore(id: string): Promise<void>;
  /**
   * Takes the write lock on a store for the rest of the enclosing transaction, with a statement that
   * writes (an UPDATE that changes nothing), so it must be the first statement of a read-then-write
   * transaction: SQLite then takes its write lock up front and waits out the busy timeout instead of
   * failing with SQLITE_BUSY_SNAPSHOT; PostgreSQL locks the store row, serializing writers of one store.
   * Outside a transaction it only checks existence.
   * @returns false if the store does not exist.
   */
  lockStore(id: string): Promise<boolean>;

  // ── memories
  getMemory(id: string): Promise<Memory | undefined>;
  getMemoryByPath(storeId: string, path: string): Promise<Memory | undefined>;
  /** Lists memories ordered by path; `path_prefix` must end with `/`. `view: 'basic'` leaves content null. */
  listMemories(
    storeId: string,
    q: PageQuery & { path_prefix?: string; view?: 'basic' | 'full' },
  ): Promise<Page<Memory>>;
  /** All memories of a store with content, ordered by path. */
  allMemories(storeId: string): Promise<Memory[]>;
  countMemories(storeId: string): Promise<number>;
  /** Memory counts of several stores in one query (at most 1,000 ids); stores without memories are absent. */
  countMemoriesByStore(storeIds: string[]): Promise<Map<string, number>>;
  /**
   * Creates a memory at `path`.
   * @throws ConflictError(`memory_path_conflict_error`) if the path is occupied (create never overwrites).
   */
  createMemory(storeId: string, path: string, content: string, ctx: WriteContext): Promise<Memory>;
  /**
   * Changes content and/or path (rename). A no-op writes no version.
   * @throws ConflictError(`memory_precondition_failed_error`) if `expected_sha256` is given and differs, unless
   *   the stored state already equals the request, or if another writer changed the memory between this
   *   call's read and its write (PostgreSQL's read-committed isolation); `memory_path_conflict_error` if the new path is occupied;
   *   NotFoundError if the memory does not exist, or is not in `memory_store_id` when that is given (checked
   *   in the same transaction as the write, so the caller need not read the memory first).
   */
  updateMemory(
    id: string,
    patch: { content?: string; path?: string; expected_sha256?: string | null; memory_store_id?: string },
    ctx: WriteContext,
  ): Promise<Memory>;
  /**
   * Deletes a memory (its versions remain).
   * @throws ConflictError(`memory_precondition_failed_error`) on a stale `expected_sha256` or a concurrent
   *   change by another writer; NotFoundError.
   */
  deleteMemory(id: string, opts: { expected_sha256?: string | null }, ctx: WriteContext): Promise<void>;

  // ── versions
  getVersion(id: string): Promise<MemoryVersion | undefined>;
  listVersions(storeId: string, q: VersionQuery): Promise<Page<MemoryVersion>>;
  /**
   * Redacts a version: nulls its path, content, hash and size, keeps actor and time, records
   * `redacted_at`/`redacted_by`. Already redacted: left as it was. Refusing the head of a live memory
   * is the caller's rule (the service's).
   * @returns the version after the change, or undefined when it is not in this workspace.
   */
  redactVersion(id: string, by: Actor, at: Timestamp): Promise<MemoryVersion | undefined>;

  // ── sessions
  /**
   * Imports sessions in one transaction: new external ids are created, identical ones left alone (an
   * outcome that changed is written), and a stored session is replaced (same id, status `updated`) only by
   * the same transcript grown or re-read: events that start with the stored ones, or as many or more events
   * whose messages, reasoning and tool calls start with the stored ones (session-continuation.ts). Any other
   * session with a stored external id (another conversation under the same id, a file cut short or
   * rewritten) never replaces it: it is stored beside, under `<external_id>@<file name>` (or
   * `…#<hash>` when that is taken), with `metadata.conflicts_with` the stored session's id, and its item
   * carries `conflicts_with`. Re-importing it finds it there (same rule). Subagents are linked to their
   * parent by `parent_external_id`, whichever is imported first.
   */
  importSessions(batch: NewSession[], opts?: SessionImportOptions): Promise<SessionImportItem[]>;
  /**
   * {@link Storage.importSessions} for sessions already in stored form (`prepareSession`, which may
   * have run on another thread). Same semantics: one transaction, per-item status.
   */
  importPrepared(batch: PreparedSession[], opts?: SessionImportOptions): Promise<SessionImportItem[]>;
  /**
   * Imports several files' sessions (each file a list in stored form, as {@link Storage.importPrepared}
   * takes) in one transaction, each file under its own savepoint: a file whose write fails is rolled back
   * to its savepoint, so nothing of it is stored, and reported with its error; the other files commit
   * together, once (one commit instead of one per file: the cost of many small files). Files are written
   * in order, so a later file sees an earlier one's sessions (same statuses as separate imports).
   * @returns one result per file, in order.
   * @throws when the transaction as a whole fails (its commit, or a rollback to a savepoint after SQLite
   *   abandoned the transaction): then nothing of any of the files is stored.
   */
  importSessionFiles(files: PreparedSession[][], opts?: SessionImportOptions): Promise<SessionFileResult[]>;
  /**
   * The stores attached to each of these sessions (migration 008), in attach order; sessions without
   * any (or unknown, or not visible in this view) are absent from the map.
   */
  listSessionResources(sessionIds: readonly string[]): Promise<Map<string, SessionResource[]>>;
  getSession(id: string): Promise<Session | undefined>;
  listSessions(q: SessionQuery): Promise<Page<Session>>;
  /** Sessions by id, in the order given; unknown ids are skipped. */
  getSessions(ids: string[]): Promise<Session[]>;
  getEvents(sessionId: string): Promise<SessionEvent[]>;
  setOutcome(sessionId: string, outcome: Outcome | null): Promise<void>;

  // ── dreams and changes
  insertDream(dream: Dream): Promise<void>;
  getDream(id: string): Promise<Dream | undefined>;
  updateDream(id: string, patch: Partial<Omit<Dream, 'id' | 'type' | 'created_at'>>): Promise<void>;
  /**
   * Compare-and-set on a dream's status: writes `patch` (only the columns it names) if the dream's status
   * is one of `statuses`, in one statement, so that a cancel and a completion racing each other cannot both
   * win. @returns true if the dream was updated, false if its status was another (or it does not exist).
   */
  updateDreamIf(
    id: string,
    statuses: Dream['status'][],
    patch: Partial<Omit<Dream, 'id' | 'type' | 'created_at'>>,
  ): Promise<boolean>;
  listDreams(q: DreamQuery): Promise<Page<Dream>>;
  insertChanges(changes: Change[]): Promise<void>;
  listChanges(dreamId: string): Promise<Change[]>;
  getChange(id: string): Promise<Change | undefined>;
  updateChange(id: string, patch: ChangePatch): Promise<void>;

  // ── dream jobs, schedules, store sessions (migration 003; see jobs-storage.ts)
  insertJob(job: DreamJob): Promise<void>;
  getJob(by: { id: string } | { dream_id: string }): Promise<DreamJob | undefined>;
  listJobs(q: JobQuery): Promise<DreamJob[]>;
  /** Takes the oldest runnable local job under a lease (compare-and-set), or undefined when none is runnable. */
  claimJob(req: ClaimRequest): Promise<DreamJob | undefined>;
  /** Updates a job, only if it still matches `guard` (compare-and-set). @returns whether it changed. */
  updateJob(
    id: string,
    patch: JobPatch,
    guard?: { states?: JobState[]; worker_id?: string; attempts?: number },
  ): Promise<boolean>;
  putSchedule(s: DreamSchedule): Promise<void>;
  /** One store's schedule (a list of 0 or 1), or every schedule when `storeId` is omitted. */
  getSchedules(storeId?: string): Promise<DreamSchedule[]>;
  deleteSchedule(storeId: string): Promise<boolean>;
  /** Compare-and-set on `last_fired_at`: records a firing once however many workers evaluate it. */
  markScheduleFired(
    storeId: string,
    expected: Timestamp | null,
    firedAt: Timestamp,
    dreamId: string,
  ): Promise<boolean>;
  attachSessions(storeId: string, sessionIds: string[], at: Timestamp): Promise<void>;
  storeSessions(
    storeId: string,
    after?: Timestamp | null,
  ): Promise<{ session_id: string; attached_at: Timestamp }[]>;
  /** Removes an unfinished dream attempt's changes and output stores (see jobs-storage.ts). */
  deleteDreamLeftovers(dreamId: string): Promise<string[]>;

  // ── gather cache
  cacheGet(key: string): Promise<unknown | undefined>;
  cachePut(key: string, value: unknown): Promise<void>;
  /** Which of `keys` the gather cache holds (one query per 500 keys; values are not read). */
  cacheHas(keys: readonly string[]): Promise<Set<string>>;

  // ── model response cache (the LLM engine's answers by request hash)
  /** The stored `{request, response}` of `key` (64 hex digits), or undefined. */
  modelCacheGet(key: string): Promise<{ request: unknown; response: unknown } | undefined>;
  /** Stores (replaces) the answer of `key`; one statement, so never half-written. */
  modelCachePut(key: string, request: unknown, response: unknown): Promise<void>;
}
