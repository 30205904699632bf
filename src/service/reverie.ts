/**
 * The service layer: the one API every shell (CLI, HTTP, MCP, web UI, scheduler) calls. It validates
 * input, enforces the hosted product's rules, orchestrates ingest → storage → dream, and never lets a
 * shell talk to storage directly (shared/DESIGN.md "Modules").
 */
import {
  type Actor,
  type Change,
  ConflictError,
  DEFAULT_POLICY,
  type Dream,
  type DreamProgress,
  LIMITS,
  type Memory,
  type MemoryStore,
  type MemoryVersion,
  NotFoundError,
  newId,
  type Outcome,
  type OutputBehavior,
  ReverieError,
  type Session,
  type SessionEvent,
  type SourceFormat,
  type StorePolicy,
  ValidationError,
  validateMemoryContent,
  validateMemoryPath,
  validatePathPrefix,
} from '../domain/index.js';
import { createOfflineEngine, type LlmEstimate, redactTranscriptText, splitHoldout } from '../dream/index.js';
import {
  DEFAULT_DREAM_OPTIONS,
  type DreamEngine,
  type DreamHooks,
  type DreamOptions,
  type DreamRequest,
} from '../dream/types.js';
import { type ImportWarning, type InvalidUtf8Mode, importTranscripts } from '../ingest/index.js';
import { DreamRunner } from '../schedule/runner.js';
import {
  openPostgresStorage,
  openSqliteStorage,
  type Page,
  type PageQuery,
  type SessionImportItem,
  type Storage,
} from '../storage/index.js';
import { isPostgresUrl, resolveDbPath } from './config.js';
import { type FolderFile, readMemoryFolder } from './directory.js';
import { KeyService, type Principal } from './keys.js';
import {
  type LlmEngineFactory,
  llmEngineFactoryFromEnv,
  OFFLINE_MODEL_IDS,
  StorageResponseCache,
} from './llm-engine.js';
import { TeamService } from './teams.js';

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

/** Input of {@link Reverie.createStore}. */
export interface CreateStoreInput {
  name: string;
  description?: string;
  metadata?: Record<string, string>;
  policy?: Partial<StorePolicy>;
}

/**
 * Per-file result of {@link Reverie.importSessions}: imported sessions (with `warnings`, e.g. invalid
 * UTF-8, when there are any), or the error that stopped the file.
 */
export type FileImportReport =
  | {
      file: string;
      format: SourceFormat;
      status: 'imported';
      sessions: SessionImportItem[];
      warnings?: ImportWarning[];
    }
  | { file: string; status: 'failed'; error: { type: string; message: string } };

/** Result of {@link Reverie.importSessions}: per file, plus totals. */
export interface ImportReport {
  files: FileImportReport[];
  totals: { files: number; failed_files: number; created: number; updated: number; unchanged: number };
  /** Ids of all sessions in the imported files (created, updated or unchanged), in file order. */
  session_ids: string[];
}

/** Input of {@link Reverie.createDream}. */
export interface CreateDreamInput {
  memory_store_id: string;
  /**
   * Explicit sessions (1..10,000). Omit to take the sessions imported since this store's last dream (of
   * those attached to the store with `sessions import --store`, when it has any).
   */
  session_ids?: string[];
  instructions?: string | null;
  model?: string | { id: string; speed?: 'standard' | 'fast' };
  output_behavior?: OutputBehavior;
  engine?: 'offline' | 'llm';
  /** Overrides of the engine options (e.g. `min_support`). */
  options?: Partial<Pick<DreamOptions, 'min_support' | 'max_index_lines' | 'max_index_bytes'>>;
  /**
   * Fraction (0–0.5) of the selected sessions, the newest, held back from the dream as probes for the
   * do-no-harm check (`Dream.check`). Default 0: the check then scores only lost information and its
   * verdict is `no_probes`. Nothing is held back below 5 sessions. Automatic mode uses 0.2.
   */
  holdout?: number;
}

/** The provenance of one memory path: its history, and for each version the dream change and evidence behind it. */
export interface Provenance {
  memory_store_id: string;
  path: string;
  memory: Memory | null;
  history: {
    version: MemoryVersion;
    change: Change | null;
    evidence: (Change['evidence'][number] & { session_title: string | null; external_id: string | null })[];
  }[];
}

const MAX_EXPLICIT_SESSIONS = 10_000;
const nowIso = () => new Date().toISOString();

/**
 * The reverie service. Construct with a storage (`new Reverie({storage})`) or open the default
 * embedded database with {@link Reverie.open}. Methods throw {@link ReverieError} subclasses
 * (`ValidationError`, `NotFoundError`, `ConflictError`) with hosted-API error types.
 */
export class Reverie {
  readonly storage: Storage;
  /** The dream runner (run, store the result, cancel) that this service and the job queue's workers call. */
  readonly runner: DreamRunner;
  /** The database file or `postgres://` URL this service opened, or null when given a storage. */
  readonly location: string | null;
  #engines: Partial<Record<'offline' | 'llm', DreamEngine>>;
  #llm: LlmEngineFactory | undefined;
  #defaultSessionLimit: number;

  constructor(opts: ReverieOptions) {
    this.storage = opts.storage;
    this.#engines = { offline: createOfflineEngine(), ...opts.engines };
    this.#llm = opts.llm;
    this.#defaultSessionLimit = opts.defaultSessionLimit ?? 100;
    this.runner = new DreamRunner({
      storage: this.storage,
      engineFor: (id, m, d) =>
        d
          ? this.teams.scopedEngine(this.#engineFor(id, m), d.inputs[0].memory_store_id)
          : this.#engineFor(id, m),
    });
    this.location = opts.location ?? null;
  }

  /**
   * The same service scoped to workspace `id` (storage's `forWorkspace`: every query filters by it, so
   * other workspaces' ids answer NotFoundError). Its `close()` leaves the shared storage open.
   */
  forWorkspace(id: string): Reverie {
    return new Reverie({
      storage: this.storage.forWorkspace(id),
      engines: this.#engines,
      defaultSessionLimit: this.#defaultSessionLimit,
    });
  }

  /**
   * The service as an API key's principal sees it: its workspace and, for a key that acts as a person
   * or agent, only the stores that member may see (storage's `forMember`).
   */
  forPrincipal(p: Pick<Principal, 'workspace_id' | 'member'>): Reverie {
    const scoped = this.forWorkspace(p.workspace_id);
    if (!p.member) return scoped;
    return new Reverie({
      storage: scoped.storage.forMember(p.member),
      engines: this.#engines,
      defaultSessionLimit: this.#defaultSessionLimit,
    });
  }

  /** Teams, store scopes and attached stores of this workspace (see {@link TeamService}). */
  get teams(): TeamService {
    return new TeamService(this.storage);
  }

  /** API keys and workspaces (administration across workspaces; see {@link KeyService}). */
  get keys(): KeyService {
    return new KeyService(this.storage);
  }

  /**
   * Opens the embedded SQLite database (`db` path, or `REVERIE_HOME`/`REVERIE_DB`, or `~/.reverie/reverie.db`),
   * or PostgreSQL when `db` (or `REVERIE_DB`) is a `postgres://` URL (its default schema, normally `public`;
   * `?options=-c%20search_path%3DNAME` picks another, which must exist). Without `llm`, LLM dreams use the
   * provider the environment configures (`llmEngineFactoryFromEnv(process.env)`), if any.
   * @throws ReverieError(`internal_error`) when the database cannot be opened or migrated.
   */
  static async open(opts: { db?: string | null } & Omit<ReverieOptions, 'storage'> = {}): Promise<Reverie> {
    const db = resolveDbPath(opts.db);
    const storage = isPostgresUrl(db) ? await openPostgresStorage(db) : await openSqliteStorage(db);
    return new Reverie({
      ...opts,
      llm: opts.llm ?? llmEngineFactoryFromEnv(process.env),
      storage,
      location: db,
    });
  }

  /** Closes the storage. */
  async close(): Promise<void> {
    await this.storage.close();
  }

  // ───────────────────────────── memory stores

  /**
   * Creates a memory store.
   * @throws ValidationError on a bad name (1–255 chars, no control characters), description (≤ 1,024 chars)
   *   or metadata (≤ 16 string pairs).
   */
  async createStore(input: CreateStoreInput): Promise<MemoryStore> {
    validateStoreFields(input);
    const now = nowIso();
    const store: MemoryStore = {
      type: 'memory_store',
      id: newId('memstore'),
      name: input.name,
      description: input.description ?? '',
      metadata: input.metadata ?? {},
      policy: mergePolicy(DEFAULT_POLICY, input.policy),
      created_at: now,
      updated_at: now,
      archived_at: null,
    };
    await this.storage.insertStore(store);
    return store;
  }

  /** Returns a store. @throws NotFoundError */
  async getStore(id: string): Promise<MemoryStore> {
    const s = await this.storage.getStore(id);
    if (!s) throw new NotFoundError('memory_store', id);
    return s;
  }

  /** Lists stores, newest first. */
  async listStores(q: Parameters<Storage['listStores']>[0] = {}): Promise<Page<MemoryStore>> {
    return this.storage.listStores(q);
  }

  /**
   * Updates name, description, metadata (a patch: `null` deletes a key) or policy.
   * @throws NotFoundError; ValidationError; ConflictError if the store is archived.
   */
  async updateStore(
    id: string,
    patch: {
      name?: string;
      description?: string;
      metadata?: Record<string, string | null>;
      policy?: Partial<StorePolicy>;
    },
  ): Promise<MemoryStore> {
    const cur = await this.#writableStore(id);
    const metadata = { ...cur.metadata };
    for (const [k, v] of Object.entries(patch.metadata ?? {})) {
      if (v === null) delete metadata[k];
      else metadata[k] = v;
    }
    const next = {
      name: patch.name ?? cur.name,
      description: patch.description ?? cur.description,
      metadata,
    };
    validateStoreFields(next);
    await this.storage.updateStore(id, { ...next, policy: mergePolicy(cur.policy, patch.policy) });
    return this.getStore(id);
  }

  /** Archives a store (one-way; it becomes read-only). Idempotent. @throws NotFoundError */
  async archiveStore(id: string): Promise<MemoryStore> {
    const cur = await this.getStore(id);
    if (!cur.archived_at) await this.storage.updateStore(id, { archived_at: nowIso() });
    return this.getStore(id);
  }

  /** Deletes a store with all memories and versions. @throws NotFoundError */
  async deleteStore(id: string): Promise<{ id: string; type: 'memory_store_deleted' }> {
    await this.getStore(id);
    await this.storage.deleteStore(id);
    return { id, type: 'memory_store_deleted' };
  }

  async #writableStore(id: string): Promise<MemoryStore> {
    const s = await this.getStore(id);
    if (s.archived_at)
      throw new ConflictError(`memory store ${id} is archived and read-only`, { memory_store_id: id });
    return s;
  }

  // ───────────────────────────── memories

  /**
   * Creates a memory; never overwrites.
   * @throws ValidationError (path/content rules, store at its 10,000-memory cap); ConflictError
   *   (`memory_path_conflict_error`, archived store); NotFoundError.
   */
  async createMemory(
    storeId: string,
    input: { path: string; content: string },
    actor?: Actor,
  ): Promise<Memory> {
    validateMemoryPath(input.path);
    validateMemoryContent(input.content);
    await this.#writableStore(storeId);
    return this.storage.transaction(async (tx) => {
      if ((await tx.countMemories(storeId)) >= LIMITS.maxMemoriesPerStore)
        throw new ValidationError(
          `memory store ${storeId} holds the maximum of ${LIMITS.maxMemoriesPerStore} memories`,
          'path',
        );
      return tx.createMemory(storeId, input.path, input.content, { actor: actor ?? apiActor });
    });
  }

  /** Returns one memory (content included unless `view` is `basic`). @throws NotFoundError */
  async getMemory(storeId: string, memoryId: string, view: 'basic' | 'full' = 'full'): Promise<Memory> {
    const m = await this.storage.getMemory(memoryId);
    if (!m || m.memory_store_id !== storeId) throw new NotFoundError('memory', memoryId);
    return view === 'basic' ? { ...m, content: null } : m;
  }

  /** Returns the memory at `path`, or throws NotFoundError. */
  async getMemoryByPath(storeId: string, path: string): Promise<Memory> {
    const m = await this.storage.getMemoryByPath(storeId, path);
    if (!m) throw new NotFoundError('memory', path);
    return m;
  }

  /**
   * Lists memories by path. `depth: 1` returns direct children only, deeper entries rolled up as
   * `{type:'memory_prefix', path:'/x/'}` (hosted behaviour).
   * @throws ValidationError for a `path_prefix` not ending in `/` or a depth other than 0/1.
   */
  async listMemories(
    storeId: string,
    q: PageQuery & { path_prefix?: string; depth?: number; view?: 'basic' | 'full' } = {},
  ): Promise<Page<Memory | { type: 'memory_prefix'; path: string }>> {
    await this.getStore(storeId);
    const prefix = q.path_prefix ? validatePathPrefix(q.path_prefix) : '/';
    if (q.depth !== undefined && q.depth !== 0 && q.depth !== 1)
      throw new ValidationError('depth must be 0 (recursive) or 1 (children only)', 'depth');
    if (q.depth !== 1) return this.storage.listMemories(storeId, { ...q, path_prefix: prefix });
    const all = await this.storage.allMemories(storeId);
    const seen = new Set<string>();
    const items: (Memory | { type: 'memory_prefix'; path: string })[] = [];
    for (const m of all) {
      if (!m.path.startsWith(prefix)) continue;
      const rest = m.path.slice(prefix.length);
      const slash = rest.indexOf('/');
      if (slash < 0) items.push(q.view === 'full' ? m : { ...m, content: null });
      else {
        const p = prefix + rest.slice(0, slash + 1);
        if (!seen.has(p)) {
          seen.add(p);
          items.push({ type: 'memory_prefix', path: p });
        }
      }
    }
    return { data: items, next_page: null };
  }

  /**
   * Updates content and/or path. `precondition` guards against lost updates.
   * @throws NotFoundError; ValidationError; ConflictError (`memory_precondition_failed_error`,
   *   `memory_path_conflict_error`, archived store).
   */
  async updateMemory(
    storeId: string,
    memoryId: string,
    input: {
      content?: string;
      path?: string;
      precondition?: { type: 'content_sha256'; content_sha256: string };
    },
    actor?: Actor,
  ): Promise<Memory> {
    if (input.path !== undefined) validateMemoryPath(input.path);
    if (input.content !== undefined) validateMemoryContent(input.content);
    await this.#writableStore(storeId);
    await this.getMemory(storeId, memoryId);
    return this.storage.updateMemory(
      memoryId,
      { content: input.content, path: input.path, expected_sha256: input.precondition?.content_sha256 },
      { actor: actor ?? apiActor },
    );
  }

  /** Deletes a memory; versions remain. @throws NotFoundError; ConflictError on a stale expected hash. */
  async deleteMemory(
    storeId: string,
    memoryId: string,
    opts: { expected_content_sha256?: string } = {},
    actor?: Actor,
  ): Promise<{ id: string; type: 'memory_deleted' }> {
    await this.#writableStore(storeId);
    await this.getMemory(storeId, memoryId);
    await this.storage.deleteMemory(
      memoryId,
      { expected_sha256: opts.expected_content_sha256 },
      { actor: actor ?? apiActor },
    );
    return { id: memoryId, type: 'memory_deleted' };
  }

  /** Lists a store's memory versions, newest first. */
  async listVersions(
    storeId: string,
    q: Parameters<Storage['listVersions']>[1] = {},
  ): Promise<Page<MemoryVersion>> {
    await this.getStore(storeId);
    return this.storage.listVersions(storeId, q);
  }

  /** Returns one version. @throws NotFoundError */
  async getVersion(storeId: string, versionId: string): Promise<MemoryVersion> {
    const v = await this.storage.getVersion(versionId);
    if (!v || v.memory_store_id !== storeId) throw new NotFoundError('memory_version', versionId);
    return v;
  }

  /**
   * Loads a folder of files into a store (new or existing), in one transaction: new paths are created,
   * changed ones modified, identical ones left alone; nothing is deleted.
   * @returns per-path status.
   * @throws ValidationError naming the file for bad paths, sizes or non-UTF-8 content (nothing is written).
   */
  async importFolder(
    storeId: string,
    dir: string,
    actor: Actor = { type: 'import_actor', id: 'folder' },
    /** The folder's files when the caller has already read them (see {@link readMemoryFolder}). */
    preread?: FolderFile[],
  ): Promise<{ path: string; status: 'created' | 'modified' | 'unchanged' }[]> {
    await this.#writableStore(storeId);
    const files = preread ?? (await readMemoryFolder(dir));
    return this.storage.transaction(async (tx) => {
      const out: { path: string; status: 'created' | 'modified' | 'unchanged' }[] = [];
      for (const f of files) {
        const cur = await tx.getMemoryByPath(storeId, f.path);
        if (!cur) {
          await tx.createMemory(storeId, f.path, f.content, {
            actor,
            now: f.mtime,
            note: `imported from ${dir}`,
          });
          out.push({ path: f.path, status: 'created' });
        } else if (cur.content !== f.content) {
          await tx.updateMemory(cur.id, { content: f.content }, { actor, note: `imported from ${dir}` });
          out.push({ path: f.path, status: 'modified' });
        } else out.push({ path: f.path, status: 'unchanged' });
      }
      if ((await tx.countMemories(storeId)) > LIMITS.maxMemoriesPerStore)
        throw new ValidationError(`${dir} would exceed ${LIMITS.maxMemoriesPerStore} memories`, 'memory');
      return out;
    });
  }

  /** All memories of a store with content, sorted by path (for export and dreams). */
  async snapshot(storeId: string): Promise<Memory[]> {
    await this.getStore(storeId);
    return this.storage.allMemories(storeId);
  }

  // ───────────────────────────── sessions

  /**
   * Imports transcripts (files or folders). Each file is imported in its own transaction: a bad file is
   * reported with its error (naming file and line) and the others still import; re-importing is idempotent.
   */
  async importSessions(
    paths: string[],
    opts: {
      format?: SourceFormat;
      agent_id?: string;
      team_id?: string;
      /** The person whose sessions these are (`--user`), when the format does not say. */
      user_id?: string;
      /** Bytes that are not UTF-8: `warn` (default; imported as U+FFFD, reported) or `error` (file refused). */
      invalid_utf8?: InvalidUtf8Mode;
      onFile?: (r: FileImportReport, index: number) => void;
    } = {},
  ): Promise<ImportReport> {
    const files: FileImportReport[] = [];
    const session_ids: string[] = [];
    const totals = { files: 0, failed_files: 0, created: 0, updated: 0, unchanged: 0 };
    const gen = importTranscripts(paths, {
      format: opts.format,
      agent_id: opts.agent_id,
      team_id: opts.team_id,
      invalid_utf8: opts.invalid_utf8,
    });
    for await (const r of gen) {
      totals.files++;
      let report: FileImportReport;
      if ('error' in r) {
        totals.failed_files++;
        report = { file: r.file, status: 'failed', error: { type: r.error.type, message: r.error.message } };
      } else {
        try {
          const items = await this.storage.importSessions(
            r.sessions.map((s) => ({
              ...s,
              team_id: opts.team_id ?? (s as { team_id?: string | null }).team_id ?? null,
              user_id: s.user_id ?? opts.user_id ?? null,
            })),
          );
          for (const it of items) {
            totals[it.status]++;
            session_ids.push(it.session_id);
          }
          report = { file: r.file, format: r.format, status: 'imported', sessions: items };
          if (r.warnings.length > 0) report.warnings = r.warnings;
        } catch (e) {
          totals.failed_files++;
          const err = ReverieError.isInstance(e)
            ? e
            : new ReverieError('internal_error', (e as Error).message);
          report = {
            file: r.file,
            status: 'failed',
            error: { type: err.type, message: `${r.file}: ${err.message}` },
          };
        }
      }
      files.push(report);
      opts.onFile?.(report, files.length - 1);
    }
    return { files, totals, session_ids };
  }

  /** Lists sessions. */
  async listSessions(q: Parameters<Storage['listSessions']>[0] = {}): Promise<Page<Session>> {
    return this.storage.listSessions(q);
  }

  /** Returns a session. @throws NotFoundError */
  /** The sessions with these ids that exist (unknown ids are left out), in no particular order. */
  async getSessions(ids: readonly string[]): Promise<Session[]> {
    return ids.length === 0 ? [] : this.storage.getSessions([...ids]);
  }

  async getSession(id: string): Promise<Session> {
    const s = await this.storage.getSession(id);
    if (!s) throw new NotFoundError('session', id);
    return s;
  }

  /** Returns a session's normalized events. @throws NotFoundError */
  async getEvents(id: string): Promise<SessionEvent[]> {
    await this.getSession(id);
    return this.storage.getEvents(id);
  }

  /** Sets (or clears) a session's outcome. @throws NotFoundError; ValidationError on a bad result value. */
  async setOutcome(id: string, outcome: Outcome | null): Promise<Session> {
    if (outcome && !['satisfied', 'failed', 'partial', 'unknown'].includes(outcome.result))
      throw new ValidationError(
        `outcome.result must be satisfied, failed, partial or unknown`,
        'outcome.result',
      );
    await this.storage.setOutcome(id, outcome);
    return this.getSession(id);
  }

  // ───────────────────────────── dreams

  /**
   * Creates a dream in `pending` state (run it with {@link Reverie.runDream}). Pins the input store version.
   * @throws NotFoundError for an unknown store or session; ValidationError for bad instructions, no sessions,
   *   or an `update_existing` target other than the input store.
   */
  async createDream(input: CreateDreamInput): Promise<Dream> {
    const store = await this.getStore(input.memory_store_id);
    if (input.instructions && input.instructions.length > LIMITS.maxInstructionsChars)
      throw new ValidationError(
        `instructions exceed ${LIMITS.maxInstructionsChars} characters`,
        'instructions',
      );
    const behavior: OutputBehavior = input.output_behavior ?? { type: 'create_new' };
    if (behavior.type === 'update_existing' && behavior.memory_store_id !== store.id)
      throw new ValidationError(
        'update_existing must target the input memory store',
        'output_behavior.memory_store_id',
      );
    const engine = this.#engineIdFor(input);
    let sessionIds = input.session_ids;
    if (sessionIds) {
      if (sessionIds.length === 0 || sessionIds.length > MAX_EXPLICIT_SESSIONS)
        throw new ValidationError(
          `session_ids must hold 1 to ${MAX_EXPLICIT_SESSIONS} ids`,
          'inputs.session_ids',
        );
      sessionIds = [...new Set(sessionIds)];
      const found = await this.storage.getSessions(sessionIds);
      if (found.length !== sessionIds.length) {
        const have = new Set(found.map((s) => s.id));
        throw new NotFoundError('session', sessionIds.find((id) => !have.has(id))!);
      }
    } else {
      sessionIds = await this.#sessionsSinceLastDream(store.id);
      if (sessionIds.length === 0)
        throw new ValidationError('no new sessions since the last dream', 'inputs.session_ids');
    }
    const split = await this.#holdOut(sessionIds, input.holdout ?? 0);
    const memories = await this.storage.allMemories(store.id);
    const model =
      typeof input.model === 'string'
        ? { id: input.model }
        : (input.model ?? { id: engine === 'offline' ? 'offline' : 'unset' });
    if (engine === 'llm') this.#engineFor('llm', model.id); // fails now, not at run time, when unconfigured
    const dream: Dream = {
      type: 'dream',
      id: newId('drm'),
      status: 'pending',
      inputs: [
        { type: 'memory_store', memory_store_id: store.id },
        { type: 'sessions', session_ids: split.read },
      ],
      outputs: [],
      model,
      instructions: input.instructions ?? null,
      output_behavior: behavior,
      session_id: null,
      usage: {
        input_tokens: 0,
        output_tokens: 0,
        cache_read_input_tokens: 0,
        cache_creation_input_tokens: 0,
      },
      error: null,
      created_at: nowIso(),
      ended_at: null,
      archived_at: null,
      engine,
      progress: null,
      stats: {
        ...(input.options?.min_support !== undefined ? { min_support: input.options.min_support } : {}),
      },
      base: Object.fromEntries(memories.map((m) => [m.id, m.content_sha256])),
      probe_session_ids: split.probes,
      check: null,
    };
    await this.storage.insertDream(dream);
    return dream;
  }

  /**
   * The engine a dream input selects: `engine` when given, else `llm` for any model other than
   * `reverie-offline` (or none), else `offline`.
   * @throws ValidationError when the LLM engine is selected without a model id.
   */
  #engineIdFor(input: Pick<CreateDreamInput, 'engine' | 'model'>): 'offline' | 'llm' {
    const modelId = typeof input.model === 'string' ? input.model : input.model?.id;
    const engine =
      input.engine ?? (modelId !== undefined && !OFFLINE_MODEL_IDS.includes(modelId) ? 'llm' : 'offline');
    if (engine !== 'offline' && engine !== 'llm')
      throw new ValidationError(`engine must be offline or llm (got ${String(engine)})`, 'engine');
    if (engine === 'llm' && (!modelId || OFFLINE_MODEL_IDS.includes(modelId)))
      throw new ValidationError('the llm engine needs a model id, e.g. --model claude-sonnet-4-5', 'model');
    return engine;
  }

  /**
   * The engine instance for a dream: the configured one, or the LLM engine the factory builds for `modelId`.
   * @throws ValidationError saying how to configure a provider when no LLM engine can be built.
   */
  #engineFor(id: 'offline' | 'llm', modelId: string): DreamEngine {
    const given = this.#engines[id];
    if (given) return given;
    if (id === 'llm' && this.#llm)
      return this.#llm({ modelId, responseCache: new StorageResponseCache(this.storage) });
    throw new ValidationError(
      `model ${modelId} needs the llm engine, and no model provider is configured: set ANTHROPIC_API_KEY (and ANTHROPIC_BASE_URL for a compatible server), or OPENAI_API_KEY and OPENAI_BASE_URL with --provider openai; or use model "reverie-offline" for the offline engine`,
      'model',
    );
  }

  /**
   * Estimates what an LLM dream over `input` would send, without creating a dream or sending anything:
   * the offline pre-pass runs (with the gather cache) and the calls are planned under the budget.
   * @throws ValidationError when the input does not select a configured LLM engine; NotFoundError.
   */
  async estimateDream(input: CreateDreamInput): Promise<LlmEstimate> {
    const store = await this.getStore(input.memory_store_id);
    const modelId = typeof input.model === 'string' ? input.model : (input.model?.id ?? '');
    if (this.#engineIdFor({ ...input, engine: input.engine ?? 'llm' }) !== 'llm')
      throw new ValidationError('a dry run estimates the llm engine: give --engine llm', 'engine');
    const engine = this.#engineFor('llm', modelId);
    if (!('estimate' in engine))
      throw new ValidationError('the configured llm engine cannot estimate', 'engine');
    const sessionIds = input.session_ids ?? (await this.#sessionsSinceLastDream(store.id));
    const sessions = await this.storage.getSessions(sessionIds);
    const memories = await this.storage.allMemories(store.id);
    return (engine as { estimate: (r: DreamRequest, h: DreamHooks) => Promise<LlmEstimate> }).estimate(
      {
        memories: memories.map((m) => ({
          path: m.path,
          content: m.content!,
          content_sha256: m.content_sha256,
          updated_at: m.updated_at,
        })),
        sessions: sessions.map((s) => ({ session: s, loadEvents: () => this.storage.getEvents(s.id) })),
        options: {
          ...DEFAULT_DREAM_OPTIONS,
          protected_paths: store.policy.protected_paths,
          max_changes: store.policy.max_changes_per_dream,
          instructions: input.instructions ?? null,
          ...input.options,
        },
      },
      { cache: { get: (k) => this.storage.cacheGet(k), set: (k, v) => this.storage.cachePut(k, v) } },
    );
  }

  /**
   * Sessions imported since the store's last completed dream (only those attached to the store, when any
   * are), plus the probes that dream held back; at most the default session limit, the newest.
   */
  async #sessionsSinceLastDream(storeId: string): Promise<string[]> {
    const last = (
      await this.storage.listDreams({ memory_store_id: storeId, statuses: ['completed'], limit: 1 })
    ).data[0];
    // a store with sessions attached to it (`sessions import --store`) takes only its own
    const attached = (await this.storage.storeSessions(storeId)).length > 0;
    const fresh = attached
      ? (await this.storage.storeSessions(storeId, last?.created_at ?? null)).map((a) => a.session_id)
      : (await this.storage.listSessions({ imported_after: last?.created_at, limit: 10_000 })).data.map(
          (s) => s.id,
        );
    const store = await this.storage.getStore(storeId);
    const ids = [...new Set([...(last?.probe_session_ids ?? []), ...fresh])];
    const scoped = store?.scope ? await this.teams.sessionsInScope(store, ids) : ids;
    return scoped.slice(-this.#defaultSessionLimit);
  }

  /** Splits the selected sessions into those the dream reads and the newest, held back as probes. */
  async #holdOut(sessionIds: string[], fraction: number): Promise<{ read: string[]; probes: string[] }> {
    if (!(fraction >= 0 && fraction <= 0.5))
      throw new ValidationError(`holdout must be between 0 and 0.5, got ${fraction}`, 'holdout');
    if (fraction === 0) return { read: sessionIds, probes: [] };
    const sessions = await this.storage.getSessions(sessionIds);
    const { probes } = splitHoldout(
      sessions.map((s) => ({ id: s.id, time: s.ended_at ?? s.started_at ?? s.imported_at })),
      fraction,
    );
    const held = new Set(probes.map((p) => p.id));
    return { read: sessionIds.filter((id) => !held.has(id)), probes: [...held].sort() };
  }

  /**
   * Runs a pending dream to completion through the {@link DreamRunner}: loads the pinned store and
   * sessions, runs the engine (with the per-session gather cache) and the do-no-harm check, stores the
   * change set and, for `create_new`, writes the output store. On error the dream becomes `failed` with
   * `error` set, and the error is rethrown; canceled while running, it ends `canceled` with nothing
   * stored and {@link DreamCanceledError} is thrown.
   * @throws ConflictError if the dream is not pending; NotFoundError.
   */
  async runDream(
    id: string,
    hooks: {
      onProgress?: (p: DreamProgress) => void;
      signal?: AbortSignal;
      options?: CreateDreamInput['options'];
    } = {},
  ): Promise<Dream> {
    return this.runner.run(id, hooks);
  }

  /** Creates and runs a dream in one call. */
  async dream(
    input: CreateDreamInput,
    hooks: { onProgress?: (p: DreamProgress) => void; signal?: AbortSignal } = {},
  ): Promise<Dream> {
    const d = await this.createDream(input);
    return this.runDream(d.id, { ...hooks, options: input.options });
  }

  /** Returns a dream. @throws NotFoundError */
  async getDream(id: string): Promise<Dream> {
    const d = await this.storage.getDream(id);
    if (!d) throw new NotFoundError('dream', id);
    return d;
  }

  /** Lists dreams, newest first (archived hidden unless asked). */
  async listDreams(q: Parameters<Storage['listDreams']>[0] = {}): Promise<Page<Dream>> {
    return this.storage.listDreams(q);
  }

  /**
   * Cancels a pending or running dream; a no-op on a canceled one. A running dream (in this process or
   * another) stops at its next phase or session boundary and ends `canceled` with nothing stored.
   * @throws ValidationError (400, as the hosted API) for completed or failed dreams.
   */
  async cancelDream(id: string): Promise<Dream> {
    return this.runner.cancel(id);
  }

  /** Archives a finished dream (idempotent). @throws ValidationError while pending or running. */
  async archiveDream(id: string): Promise<Dream> {
    const d = await this.getDream(id);
    if (d.status === 'pending' || d.status === 'running')
      throw new ValidationError(`dream ${id} is ${d.status}; only finished dreams can be archived`, 'status');
    if (!d.archived_at) await this.storage.updateDream(id, { archived_at: nowIso() });
    return this.getDream(id);
  }

  /** A dream's change set, in order. @throws NotFoundError */
  async listChanges(dreamId: string): Promise<Change[]> {
    await this.getDream(dreamId);
    return this.storage.listChanges(dreamId);
  }

  /**
   * The provenance of the memory at `path` in a store: every version (newest first), who wrote it, and
   * for dream-made versions the change with its reason and evidence (with session titles).
   * For a dream's output store, versions cloned from the input carry no change.
   * @throws NotFoundError if no version of `path` exists in the store.
   */
  async why(storeId: string, path: string): Promise<Provenance> {
    await this.getStore(storeId);
    const memory = (await this.storage.getMemoryByPath(storeId, path)) ?? null;
    const versions: MemoryVersion[] = [];
    let page: string | null = null;
    do {
      const p: Page<MemoryVersion> = await this.storage.listVersions(
        storeId,
        memory ? { memory_id: memory.id, limit: 1000, page } : { path, limit: 1000, page },
      );
      versions.push(...p.data);
      page = p.next_page;
    } while (page);
    if (versions.length === 0) throw new NotFoundError('memory', path);
    const sessionCache = new Map<string, Session | undefined>();
    const history: Provenance['history'] = [];
    for (const v of versions) {
      const change = v.change_id ? ((await this.storage.getChange(v.change_id)) ?? null) : null;
      const evidence = [];
      for (const ev of change?.evidence ?? []) {
        if (!sessionCache.has(ev.session_id))
          sessionCache.set(ev.session_id, await this.storage.getSession(ev.session_id));
        const s = sessionCache.get(ev.session_id);
        // titles come from transcripts: credentials and personal data in them are redacted
        const title = s?.title ? redactTranscriptText(s.title, s.user_id ? [s.user_id] : []) : null;
        evidence.push({ ...ev, session_title: title, external_id: s?.external_id ?? null });
      }
      history.push({ version: v, change, evidence });
    }
    return { memory_store_id: storeId, path, memory, history };
  }
}

const apiActor: Actor = { type: 'api_actor', id: 'local' };

function validateStoreFields(s: {
  name: string;
  description?: string;
  metadata?: Record<string, string>;
}): void {
  if (typeof s.name !== 'string' || s.name.length < 1 || s.name.length > LIMITS.maxStoreNameChars)
    throw new ValidationError(`name must be 1–${LIMITS.maxStoreNameChars} characters`, 'name');
  if (/[\u0000-\u001f\u007f]/.test(s.name))
    throw new ValidationError('name contains a control character', 'name');
  if ((s.description ?? '').length > LIMITS.maxDescriptionChars)
    throw new ValidationError(`description exceeds ${LIMITS.maxDescriptionChars} characters`, 'description');
  const md = s.metadata ?? {};
  if (Object.keys(md).length > LIMITS.maxMetadataPairs)
    throw new ValidationError(`metadata holds at most ${LIMITS.maxMetadataPairs} pairs`, 'metadata');
  for (const [k, v] of Object.entries(md))
    if (typeof v !== 'string') throw new ValidationError(`metadata.${k} must be a string`, `metadata.${k}`);
}

function mergePolicy(base: StorePolicy, patch: Partial<StorePolicy> | undefined): StorePolicy {
  if (!patch) return base;
  return { ...base, ...patch, auto_apply: { ...base.auto_apply, ...(patch.auto_apply ?? {}) } };
}
