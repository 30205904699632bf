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
  Memory,
  MemoryStore,
  MemoryVersion,
  NewSession,
  Outcome,
  Session,
  SessionEvent,
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

/** Per-item result of a batch session import (Kysely-style batch result). */
export interface SessionImportItem {
  external_id: string;
  status: 'created' | 'updated' | 'unchanged';
  session_id: string;
}

/** Filters for listing sessions. */
export interface SessionQuery extends PageQuery {
  agent_id?: string;
  team_id?: string;
  /** Only sessions imported strictly after this time. */
  imported_after?: Timestamp;
}

/** Filters for listing memory versions (newest first). */
export interface VersionQuery extends PageQuery {
  memory_id?: string;
  /** Only versions of these memories (at most 1,000 ids; an empty list matches nothing). */
  memory_ids?: string[];
  operation?: VersionOperation;
  dream_id?: string;
  /** Only versions whose `path` equals this (at the time of the version). */
  path?: string;
  created_at_gte?: Timestamp;
  created_at_lte?: Timestamp;
  /** Oldest first instead of newest first. */
  ascending?: boolean;
}

/** Filters for listing dreams (newest first). */
export interface DreamQuery extends PageQuery {
  memory_store_id?: string;
  statuses?: Dream['status'][];
  include_archived?: boolean;
}

/** Fields of a change that review may update (`before`/`base_sha256` only when a conflict is rebased). */
export type ChangePatch = Partial<
  Pick<Change, 'status' | 'review' | 'after' | 'applied_at' | 'before' | 'base_sha256'>
>;

/** The storage port. All methods are async; `transaction` runs `fn` atomically (all or nothing). */
export interface Storage {
  readonly dialect: DialectName;
  /** Runs `fn` in one transaction; nested calls join the outer transaction. */
  transaction<T>(fn: (tx: Storage) => Promise<T>): Promise<T>;
  /** Releases connections. */
  close(): Promise<void>;

  // ── memory stores
  insertStore(store: MemoryStore): Promise<void>;
  getStore(id: string): Promise<MemoryStore | undefined>;
  listStores(q: PageQuery & { include_archived?: boolean }): Promise<Page<MemoryStore>>;
  updateStore(
    id: string,
    patch: Partial<
      Pick<MemoryStore, 'name' | 'description' | 'metadata' | 'policy' | 'archived_at' | 'updated_at'>
    >,
  ): Promise<void>;
  /** Removes a store with all its memories and versions. */
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
   *   NotFoundError if the memory does not exist.
   */
  updateMemory(
    id: string,
    patch: { content?: string; path?: string; expected_sha256?: string | null },
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

  // ── sessions
  /**
   * Imports sessions in one transaction: new external ids are created, changed ones replaced (same id),
   * identical ones left alone. Subagents are linked to their parent by `parent_external_id`, whichever
   * is imported first.
   */
  importSessions(batch: NewSession[], opts?: { now?: Timestamp }): Promise<SessionImportItem[]>;
  /**
   * {@link Storage.importSessions} for sessions already in stored form (`prepareSession`, which may
   * have run on another thread). Same semantics: one transaction, per-item status.
   */
  importPrepared(batch: PreparedSession[], opts?: { now?: Timestamp }): Promise<SessionImportItem[]>;
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
  listDreams(q: DreamQuery): Promise<Page<Dream>>;
  insertChanges(changes: Change[]): Promise<void>;
  listChanges(dreamId: string): Promise<Change[]>;
  getChange(id: string): Promise<Change | undefined>;
  updateChange(id: string, patch: ChangePatch): Promise<void>;

  // ── gather cache
  cacheGet(key: string): Promise<unknown | undefined>;
  cachePut(key: string, value: unknown): Promise<void>;

  // ── model response cache (the LLM engine's answers by request hash)
  /** The stored `{request, response}` of `key` (64 hex digits), or undefined. */
  modelCacheGet(key: string): Promise<{ request: unknown; response: unknown } | undefined>;
  /** Stores (replaces) the answer of `key`; one statement, so never half-written. */
  modelCachePut(key: string, request: unknown, response: unknown): Promise<void>;
}
