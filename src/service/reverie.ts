/**
 * The service layer: the one API every shell (CLI, HTTP, MCP, web UI, scheduler) calls. It validates
 * input, enforces the hosted product's rules, orchestrates ingest → storage → dream, and never lets a
 * shell talk to storage directly (shared/DESIGN.md "Modules"). `Reverie` is a thin facade over one
 * service per resource: stores (`stores.ts`), memories (`memories.ts`), versions (`versions.ts`),
 * sessions (`sessions.ts`), dreams and change sets (`dreams.ts`), provenance (`provenance.ts`), keys and
 * workspaces (`keys.ts`); review and apply are `ReviewService` (`review-service.ts`).
 */
import type {
  Actor,
  Change,
  Dream,
  Memory,
  MemoryStore,
  MemoryVersion,
  Outcome,
  Session,
  SessionEvent,
} from '../domain/index.js';
import { createOfflineEngine, type LlmEstimate } from '../dream/index.js';
import type { DreamEngine } from '../dream/types.js';
import type { DreamRunner } from '../schedule/runner.js';
import {
  openPostgresStorage,
  openSqliteStorage,
  type Page,
  type SessionResource,
  type SqliteOptions,
  type Storage,
} from '../storage/index.js';
import { isPostgresUrl, resolveDbPath } from './config.js';
import type { FolderFile } from './directory.js';
import { type CreateDreamInput, DreamService, type RunDreamHooks } from './dreams.js';
import { grantStorageAccess } from './internal.js';
import { KeyService, type Principal } from './keys.js';
import { type LlmEngineFactory, llmEngineFactoryFromEnv } from './llm-engine.js';
import {
  type FolderImportItem,
  type MemoryListItem,
  type MemoryListQuery,
  MemoryService,
} from './memories.js';
import { type Provenance, provenance } from './provenance.js';
import { checkSessionResources } from './session-stores.js';
import { type ImportReport, type ImportSessionsOptions, SessionService } from './sessions.js';
import { type CreateStoreInput, type StorePatch, StoreService } from './stores.js';
import { TeamService } from './teams.js';
import { type VersionListQuery, VersionService } from './versions.js';

/** Dream creation input and run hooks (defined in dreams.ts), re-exported with the facade. */
export type { CreateDreamInput, RunDreamHooks } from './dreams.js';
/** Memory listing and folder-import shapes (defined in memories.ts). */
export type { FolderImportItem, MemoryListItem, MemoryListQuery } from './memories.js';
/** A memory path's history with the dream changes and evidence behind it (defined in provenance.ts). */
export type { Provenance } from './provenance.js';
/** Transcript import options and per-file reports (defined in sessions.ts). */
export type {
  FileImportReport,
  FileImportWarning,
  ImportReport,
  ImportSessionsOptions,
  SessionConflictWarning,
} from './sessions.js';
/** Store creation input and metadata patch (defined in stores.ts). */
export type { CreateStoreInput, StorePatch } from './stores.js';
/** Filters of a memory-version listing (defined in versions.ts). */
export type { VersionListQuery } from './versions.js';

/**
 * Options of {@link Reverie.open}: the database (`db`: file path or `postgres://` URL), SQLite settings
 * (`sqlite`, ignored for PostgreSQL), and the service's own options except the storage it opens.
 */
export type ReverieOpenOptions = { db?: string | null; sqlite?: SqliteOptions } & Omit<
  ReverieOptions,
  'storage'
>;

/** Options of {@link Reverie}. */
export interface ReverieOptions {
  storage: Storage;
  /** Engines by id; `offline` defaults to the built-in deterministic engine. */
  engines?: Partial<Record<'offline' | 'llm', DreamEngine>>;
  /**
   * Builds the LLM engine for a dream's model id when `engines.llm` is not given (see
   * `llmEngineFactory`: provider, keys, budget, record/replay). Without either, dreams with a model other
   * than `reverie-offline` are refused with a ValidationError saying how to configure a provider.
   */
  llm?: LlmEngineFactory;
  /** Sessions a dream takes when none are named ("since last dream"). Default 100 (the hosted cap). */
  defaultSessionLimit?: number;
  /** Where the storage lives (file path or `postgres://` URL), when known; the pg-boss queue connects to it. */
  location?: string | null;
}

/**
 * The reverie service. Construct with a storage (`new Reverie({storage})`) or open the default
 * embedded database with {@link Reverie.open}. Each method delegates to the resource's service and
 * throws its {@link ReverieError} subclasses (`ValidationError`, `NotFoundError`, `ConflictError`) with
 * hosted-API error types. The storage is private: the service modules beside this one reach it through
 * `internal.ts`, shells never do.
 */
export class Reverie {
  static {
    grantStorageAccess((r) => r.#storage);
  }

  readonly #storage: Storage;
  readonly #opts: ReverieOptions & { engines: Partial<Record<'offline' | 'llm', DreamEngine>> };
  readonly #stores: StoreService;
  readonly #memories: MemoryService;
  readonly #versions: VersionService;
  readonly #sessions: SessionService;
  readonly #dreams: DreamService;
  /** The workspace-scoped services handed out by {@link Reverie.forWorkspace}, by workspace id. */
  readonly #workspaces = new Map<string, Reverie>();
  #keys: KeyService | undefined;
  /** The database file or `postgres://` URL this service opened, or null when given a storage. */
  readonly location: string | null;

  constructor(opts: ReverieOptions) {
    this.#storage = opts.storage;
    this.#opts = {
      ...opts,
      engines: { ...opts.engines, offline: opts.engines?.offline ?? createOfflineEngine() },
    };
    this.location = opts.location ?? null;
    this.#stores = new StoreService(opts.storage);
    this.#memories = new MemoryService(opts.storage, this.#stores);
    this.#versions = new VersionService(opts.storage, this.#stores);
    this.#sessions = new SessionService(opts.storage);
    this.#dreams = new DreamService(opts.storage, this.#stores, {
      engines: this.#opts.engines,
      llm: opts.llm,
      defaultSessionLimit: opts.defaultSessionLimit ?? 100,
    });
  }

  /** The dream runner (run, store the result, cancel) that this service and the job queue's workers call. */
  get runner(): DreamRunner {
    return this.#dreams.runner;
  }

  /**
   * The same service scoped to workspace `id` (storage's `forWorkspace`: every query filters by it, so
   * other workspaces' ids answer NotFoundError), with the same engines, LLM provider and location; made
   * once per workspace and kept (a request of the HTTP API asks for it). Its `close()` leaves the shared
   * storage open.
   */
  forWorkspace(id: string): Reverie {
    let ws = this.#workspaces.get(id);
    if (!ws) {
      ws = new Reverie({ ...this.#opts, storage: this.#storage.forWorkspace(id) });
      this.#workspaces.set(id, ws);
    }
    return ws;
  }

  /**
   * The service as an API key's principal sees it: its workspace and, for a key that acts as a person
   * or agent, only the stores that member may see (storage's `forMember`).
   */
  forPrincipal(p: Pick<Principal, 'workspace_id' | 'member'>): Reverie {
    const scoped = this.forWorkspace(p.workspace_id);
    if (!p.member) return scoped;
    return new Reverie({ ...this.#opts, storage: scoped.#storage.forMember(p.member) });
  }

  /** Teams, store scopes and attached stores of this workspace (see {@link TeamService}). */
  get teams(): TeamService {
    return new TeamService(this.#storage);
  }

  /**
   * API keys and workspaces (administration across workspaces; see {@link KeyService}). One instance
   * per service, so a key it revokes leaves its cache of verified keys at once.
   */
  get keys(): KeyService {
    this.#keys ??= new KeyService(this.#storage);
    return this.#keys;
  }

  /**
   * Opens the embedded SQLite database (`db` path, or `REVERIE_HOME`/`REVERIE_DB`, or `~/.reverie/reverie.db`),
   * or PostgreSQL when `db` (or `REVERIE_DB`) is a `postgres://` URL (its default schema, normally `public`;
   * `?options=-c%20search_path%3DNAME` picks another, which must exist). Without `llm`, LLM dreams use the
   * provider the environment configures (`llmEngineFactoryFromEnv(process.env)`), if any.
   * @throws ReverieError(`internal_error`) when the database cannot be opened or migrated.
   */
  static async open(opts: ReverieOpenOptions = {}): Promise<Reverie> {
    const { sqlite, ...rest } = opts;
    const db = resolveDbPath(opts.db);
    const storage = isPostgresUrl(db) ? await openPostgresStorage(db) : await openSqliteStorage(db, sqlite);
    return new Reverie({
      ...rest,
      llm: opts.llm ?? llmEngineFactoryFromEnv(process.env),
      storage,
      location: db,
    });
  }

  /** Closes the storage. */
  async close(): Promise<void> {
    await this.#storage.close();
  }

  // ───────────────────────────── memory stores (stores.ts)

  /** Creates a memory store ({@link StoreService.create}). */
  createStore(input: CreateStoreInput): Promise<MemoryStore> {
    return this.#stores.create(input);
  }

  /** Returns a store. @throws NotFoundError */
  getStore(id: string): Promise<MemoryStore> {
    return this.#stores.get(id);
  }

  /** Lists stores, newest first. */
  listStores(q: Parameters<Storage['listStores']>[0] = {}): Promise<Page<MemoryStore>> {
    return this.#stores.list(q);
  }

  /** Memory counts of the given stores in one query; stores without memories are absent from the map. */
  countMemoriesByStore(ids: readonly string[]): Promise<Map<string, number>> {
    return this.#stores.countMemories(ids);
  }

  /** Updates name, description, metadata (`null` deletes a key) or policy ({@link StoreService.update}). */
  updateStore(id: string, patch: StorePatch): Promise<MemoryStore> {
    return this.#stores.update(id, patch);
  }

  /** Archives a store (one-way; it becomes read-only). Idempotent. @throws NotFoundError */
  archiveStore(id: string): Promise<MemoryStore> {
    return this.#stores.archive(id);
  }

  /** Deletes a store with all memories and versions. @throws NotFoundError */
  deleteStore(id: string): Promise<{ id: string; type: 'memory_store_deleted' }> {
    return this.#stores.delete(id);
  }

  // ───────────────────────────── memories (memories.ts) and versions (versions.ts)

  /** Creates a memory; never overwrites ({@link MemoryService.create}). */
  createMemory(storeId: string, input: { path: string; content: string }, actor?: Actor): Promise<Memory> {
    return this.#memories.create(storeId, input, actor);
  }

  /** Returns one memory (content included unless `view` is `basic`). @throws NotFoundError */
  getMemory(storeId: string, memoryId: string, view: 'basic' | 'full' = 'full'): Promise<Memory> {
    return this.#memories.get(storeId, memoryId, view);
  }

  /** Returns the memory at `path`. @throws NotFoundError */
  getMemoryByPath(storeId: string, path: string): Promise<Memory> {
    return this.#memories.getByPath(storeId, path);
  }

  /** Lists memories by path, `depth: 1` rolling up folders ({@link MemoryService.list}). */
  listMemories(storeId: string, q: MemoryListQuery = {}): Promise<Page<MemoryListItem>> {
    return this.#memories.list(storeId, q);
  }

  /** Updates content and/or path under an optional precondition ({@link MemoryService.update}). */
  updateMemory(
    storeId: string,
    memoryId: string,
    input: {
      content?: string;
      path?: string;
      precondition?: { type: 'content_sha256'; content_sha256: string };
    },
    actor?: Actor,
  ): Promise<Memory> {
    return this.#memories.update(storeId, memoryId, input, actor);
  }

  /** Deletes a memory; versions remain ({@link MemoryService.delete}). */
  deleteMemory(
    storeId: string,
    memoryId: string,
    opts: { expected_content_sha256?: string } = {},
    actor?: Actor,
  ): Promise<{ id: string; type: 'memory_deleted' }> {
    return this.#memories.delete(storeId, memoryId, opts, actor);
  }

  /** Lists a store's memory versions, newest first. @throws NotFoundError */
  listVersions(storeId: string, q: VersionListQuery = {}): Promise<Page<MemoryVersion>> {
    return this.#versions.list(storeId, q);
  }

  /** Returns one version. @throws NotFoundError */
  getVersion(storeId: string, versionId: string): Promise<MemoryVersion> {
    return this.#versions.get(storeId, versionId);
  }

  /** Loads a folder of files into a store in one transaction; nothing is deleted ({@link MemoryService.importFolder}). */
  importFolder(
    storeId: string,
    dir: string,
    actor?: Actor,
    preread?: FolderFile[],
  ): Promise<FolderImportItem[]> {
    return this.#memories.importFolder(storeId, dir, actor, preread);
  }

  /** All memories of a store with content, sorted by path (for export and dreams). @throws NotFoundError */
  snapshot(storeId: string): Promise<Memory[]> {
    return this.#memories.snapshot(storeId);
  }

  // ───────────────────────────── sessions (sessions.ts)

  /**
   * Imports transcripts, each file all-or-nothing, files grouped per transaction
   * ({@link SessionService.importFiles}); `opts.resources` are checked first
   * ({@link checkSessionResources}) and attached to the sessions the import creates.
   * @throws the errors of {@link checkSessionResources} before anything is imported.
   */
  async importSessions(paths: string[], opts: ImportSessionsOptions = {}): Promise<ImportReport> {
    const resources = opts.resources
      ? await checkSessionResources(this, opts.resources, opts.principal)
      : undefined;
    return this.#sessions.importFiles(paths, opts, resources);
  }

  /**
   * The memory stores attached to each of these sessions (hosted `resources[]`, see session-stores.ts),
   * in attach order; sessions without any are absent from the map.
   */
  sessionResources(ids: readonly string[]): Promise<Map<string, SessionResource[]>> {
    return this.#sessions.resources(ids);
  }

  /** Lists sessions. */
  listSessions(q: Parameters<Storage['listSessions']>[0] = {}): Promise<Page<Session>> {
    return this.#sessions.list(q);
  }

  /** The sessions with these ids that exist (unknown ids are left out), in no particular order. */
  getSessions(ids: readonly string[]): Promise<Session[]> {
    return this.#sessions.getMany(ids);
  }

  /** Returns a session. @throws NotFoundError */
  getSession(id: string): Promise<Session> {
    return this.#sessions.get(id);
  }

  /** Returns a session's normalized events. @throws NotFoundError */
  getEvents(id: string): Promise<SessionEvent[]> {
    return this.#sessions.events(id);
  }

  /** Sets (or clears) a session's outcome. @throws NotFoundError; ValidationError on a bad result value. */
  setOutcome(id: string, outcome: Outcome | null): Promise<Session> {
    return this.#sessions.setOutcome(id, outcome);
  }

  // ───────────────────────────── dreams (dreams.ts) and provenance (provenance.ts)

  /** Creates a pending dream, pinning the input store version ({@link DreamService.create}). */
  createDream(input: CreateDreamInput): Promise<Dream> {
    return this.#dreams.create(input);
  }

  /** Estimates what an LLM dream would send, sending nothing ({@link DreamService.estimate}). */
  estimateDream(input: CreateDreamInput): Promise<LlmEstimate> {
    return this.#dreams.estimate(input);
  }

  /** Runs a pending dream to completion through the runner ({@link DreamService.run}). */
  runDream(id: string, hooks: RunDreamHooks = {}): Promise<Dream> {
    return this.#dreams.run(id, hooks);
  }

  /** Creates and runs a dream in one call. */
  async dream(input: CreateDreamInput, hooks: Omit<RunDreamHooks, 'options'> = {}): Promise<Dream> {
    const d = await this.#dreams.create(input);
    return this.#dreams.run(d.id, { ...hooks, options: input.options });
  }

  /** Returns a dream. @throws NotFoundError */
  getDream(id: string): Promise<Dream> {
    return this.#dreams.get(id);
  }

  /** Lists dreams, newest first (archived hidden unless asked). */
  listDreams(q: Parameters<Storage['listDreams']>[0] = {}): Promise<Page<Dream>> {
    return this.#dreams.list(q);
  }

  /** Cancels a pending or running dream ({@link DreamService.cancel}). */
  cancelDream(id: string): Promise<Dream> {
    return this.#dreams.cancel(id);
  }

  /** Archives a finished dream (idempotent). @throws ValidationError while pending or running. */
  archiveDream(id: string): Promise<Dream> {
    return this.#dreams.archive(id);
  }

  /** A dream's change set, in order. @throws NotFoundError */
  listChanges(dreamId: string): Promise<Change[]> {
    return this.#dreams.changes(dreamId);
  }

  /** The provenance of the memory at `path`: every version and the change and evidence behind it ({@link provenance}). */
  why(storeId: string, path: string): Promise<Provenance> {
    return provenance(this.#storage, this.#stores, storeId, path);
  }
}
