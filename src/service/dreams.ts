/**
 * Dreams: create (pins the input store version, picks the sessions, holds back probes), estimate an LLM
 * dream, run through the {@link DreamRunner}, read, list, cancel, archive, and read a change set
 * (shared/reference/anthropic-api.md §2 "Dreams"; engines by model id as issue 9 item 2 defines).
 * `Reverie` delegates its dream methods here.
 */
import {
  type Change,
  type Dream,
  type DreamProgress,
  LIMITS,
  type Memory,
  NotFoundError,
  newId,
  type OutputBehavior,
  ValidationError,
} from '../domain/index.js';
import { type LlmEstimate, splitHoldout } from '../dream/index.js';
import {
  DEFAULT_DREAM_OPTIONS,
  type DreamEngine,
  type DreamHooks,
  type DreamOptions,
  type DreamRequest,
} from '../dream/types.js';
import { DreamRunner } from '../schedule/runner.js';
import type { Page, Storage } from '../storage/index.js';
import { type LlmEngineFactory, OFFLINE_MODEL_IDS, StorageResponseCache } from './llm-engine.js';
import type { StoreService } from './stores.js';
import { TeamService } from './teams.js';

/** Input of `Reverie.createDream`. */
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
  options?: Partial<
    Pick<DreamOptions, 'min_support' | 'max_index_lines' | 'max_index_bytes' | 'instruction_files'>
  >;
  /**
   * Fraction (0–0.5) of the selected sessions, the newest, held back from the dream as probes for the
   * do-no-harm check (`Dream.check`). Default 0: the check then scores only lost information and its
   * verdict is `no_probes`. Nothing is held back below 5 sessions. Automatic mode uses 0.2.
   */
  holdout?: number;
}

/** Hooks of `Reverie.runDream`: progress, cancellation, engine option overrides. */
export interface RunDreamHooks {
  onProgress?: (p: DreamProgress) => void;
  signal?: AbortSignal;
  options?: CreateDreamInput['options'];
}

/** The engines a service runs dreams with (see `ReverieOptions`; `engines.offline` is always set by `Reverie`). */
export interface DreamEngines {
  engines: Partial<Record<'offline' | 'llm', DreamEngine>>;
  llm: LlmEngineFactory | undefined;
  /** Sessions a dream takes when none are named ("since last dream"). */
  defaultSessionLimit: number;
}

const MAX_EXPLICIT_SESSIONS = 10_000;

/** Dream operations over one (workspace-scoped) storage. Errors are the domain's typed errors. */
export class DreamService {
  readonly #storage: Storage;
  readonly #stores: StoreService;
  readonly #cfg: DreamEngines;
  /** The dream runner (run, store the result, cancel) that this service and the job queue's workers call. */
  readonly runner: DreamRunner;

  constructor(storage: Storage, stores: StoreService, cfg: DreamEngines) {
    this.#storage = storage;
    this.#stores = stores;
    this.#cfg = cfg;
    const teams = new TeamService(storage);
    this.runner = new DreamRunner({
      storage,
      // a dream over a team or organisation store promotes only what recurs across its members (src/teams)
      engineFor: (id, m, d) =>
        d ? teams.scopedEngine(this.#engineFor(id, m), d.inputs[0].memory_store_id) : this.#engineFor(id, m),
    });
  }

  /**
   * Creates a dream in `pending` state (run it with {@link DreamService.run}). Pins the input store version.
   * @throws NotFoundError for an unknown store or session; ValidationError for bad instructions, no sessions,
   *   or an `update_existing` target other than the input store.
   */
  async create(input: CreateDreamInput): Promise<Dream> {
    const store = await this.#stores.get(input.memory_store_id);
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
    const sessionIds = await this.#selectSessions(store.id, input.session_ids);
    const split = await this.#holdOut(sessionIds, input.holdout ?? 0);
    const memories = await this.#storage.allMemories(store.id);
    const model =
      typeof input.model === 'string'
        ? { id: input.model }
        : (input.model ?? { id: engine === 'offline' ? 'offline' : 'unset' });
    if (engine === 'llm') this.#engineFor('llm', model.id); // fails now, not at run time, when unconfigured
    const dream = pendingDream({ input, storeId: store.id, behavior, engine, model, split, memories });
    await this.#storage.insertDream(dream);
    return dream;
  }

  /** The explicit sessions (deduplicated, each checked to exist), or those since the store's last dream. */
  async #selectSessions(storeId: string, explicit: string[] | undefined): Promise<string[]> {
    if (!explicit) {
      const ids = await this.#sessionsSinceLastDream(storeId);
      if (ids.length === 0)
        throw new ValidationError('no new sessions since the last dream', 'inputs.session_ids');
      return ids;
    }
    if (explicit.length === 0 || explicit.length > MAX_EXPLICIT_SESSIONS)
      throw new ValidationError(
        `session_ids must hold 1 to ${MAX_EXPLICIT_SESSIONS} ids`,
        'inputs.session_ids',
      );
    const ids = [...new Set(explicit)];
    const found = await this.#storage.getSessions(ids);
    if (found.length !== ids.length) {
      const have = new Set(found.map((s) => s.id));
      throw new NotFoundError('session', ids.find((id) => !have.has(id))!);
    }
    return ids;
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
    const given = this.#cfg.engines[id];
    if (given) return given;
    if (id === 'llm' && this.#cfg.llm)
      return this.#cfg.llm({ modelId, responseCache: new StorageResponseCache(this.#storage) });
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
  async estimate(input: CreateDreamInput): Promise<LlmEstimate> {
    const store = await this.#stores.get(input.memory_store_id);
    const modelId = typeof input.model === 'string' ? input.model : (input.model?.id ?? '');
    if (this.#engineIdFor({ ...input, engine: input.engine ?? 'llm' }) !== 'llm')
      throw new ValidationError('a dry run estimates the llm engine: give --engine llm', 'engine');
    const engine = this.#engineFor('llm', modelId);
    if (!('estimate' in engine))
      throw new ValidationError('the configured llm engine cannot estimate', 'engine');
    const sessionIds = input.session_ids ?? (await this.#sessionsSinceLastDream(store.id));
    const sessions = await this.#storage.getSessions(sessionIds);
    const memories = await this.#storage.allMemories(store.id);
    const request: DreamRequest = {
      memories: memories.map((m) => ({
        path: m.path,
        content: m.content!,
        content_sha256: m.content_sha256,
        updated_at: m.updated_at,
      })),
      sessions: sessions.map((s) => ({ session: s, loadEvents: () => this.#storage.getEvents(s.id) })),
      options: {
        ...DEFAULT_DREAM_OPTIONS,
        protected_paths: store.policy.protected_paths,
        max_changes: store.policy.max_changes_per_dream,
        instructions: input.instructions ?? null,
        ...input.options,
      },
    };
    const hooks: DreamHooks = {
      cache: { get: (k) => this.#storage.cacheGet(k), set: (k, v) => this.#storage.cachePut(k, v) },
    };
    return (engine as { estimate: (r: DreamRequest, h: DreamHooks) => Promise<LlmEstimate> }).estimate(
      request,
      hooks,
    );
  }

  /**
   * Sessions imported since the store's last completed dream (only those attached to the store, when any
   * are), plus the probes that dream held back; at most the default session limit, the newest.
   */
  async #sessionsSinceLastDream(storeId: string): Promise<string[]> {
    const last = (
      await this.#storage.listDreams({ memory_store_id: storeId, statuses: ['completed'], limit: 1 })
    ).data[0];
    // a store with sessions attached to it (`sessions import --store`) takes only its own
    const attached = (await this.#storage.storeSessions(storeId)).length > 0;
    const fresh = attached
      ? (await this.#storage.storeSessions(storeId, last?.created_at ?? null)).map((a) => a.session_id)
      : (await this.#storage.listSessions({ imported_after: last?.created_at, limit: 10_000 })).data.map(
          (s) => s.id,
        );
    const store = await this.#storage.getStore(storeId);
    const ids = [...new Set([...(last?.probe_session_ids ?? []), ...fresh])];
    // a scoped store (a person's, an agent's, a team's) reads only the sessions of its scope
    const scoped = store?.scope ? await new TeamService(this.#storage).sessionsInScope(store, ids) : ids;
    return scoped.slice(-this.#cfg.defaultSessionLimit);
  }

  /** Splits the selected sessions into those the dream reads and the newest, held back as probes. */
  async #holdOut(sessionIds: string[], fraction: number): Promise<{ read: string[]; probes: string[] }> {
    if (!(fraction >= 0 && fraction <= 0.5))
      throw new ValidationError(`holdout must be between 0 and 0.5, got ${fraction}`, 'holdout');
    if (fraction === 0) return { read: sessionIds, probes: [] };
    const sessions = await this.#storage.getSessions(sessionIds);
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
   * stored and `DreamCanceledError` is thrown.
   * @throws ConflictError if the dream is not pending; NotFoundError.
   */
  run(id: string, hooks: RunDreamHooks = {}): Promise<Dream> {
    return this.runner.run(id, hooks);
  }

  /** Returns a dream. @throws NotFoundError */
  async get(id: string): Promise<Dream> {
    const d = await this.#storage.getDream(id);
    if (!d) throw new NotFoundError('dream', id);
    return d;
  }

  /** Lists dreams, newest first (archived hidden unless asked). */
  list(q: Parameters<Storage['listDreams']>[0] = {}): Promise<Page<Dream>> {
    return this.#storage.listDreams(q);
  }

  /**
   * Cancels a pending or running dream; a no-op on a canceled one. A running dream (in this process or
   * another) stops at its next phase or session boundary and ends `canceled` with nothing stored.
   * @throws ValidationError (400, as the hosted API) for completed or failed dreams.
   */
  cancel(id: string): Promise<Dream> {
    return this.runner.cancel(id);
  }

  /** Archives a finished dream (idempotent). @throws ValidationError while pending or running. */
  async archive(id: string): Promise<Dream> {
    const d = await this.get(id);
    if (d.status === 'pending' || d.status === 'running')
      throw new ValidationError(`dream ${id} is ${d.status}; only finished dreams can be archived`, 'status');
    if (!d.archived_at) await this.#storage.updateDream(id, { archived_at: new Date().toISOString() });
    return this.get(id);
  }

  /** A dream's change set, in order. @throws NotFoundError */
  async changes(dreamId: string): Promise<Change[]> {
    await this.get(dreamId);
    return this.#storage.listChanges(dreamId);
  }
}

/** The record of a new pending dream (see {@link DreamService.create}). */
function pendingDream(a: {
  input: CreateDreamInput;
  storeId: string;
  behavior: OutputBehavior;
  engine: 'offline' | 'llm';
  model: Dream['model'];
  split: { read: string[]; probes: string[] };
  memories: Memory[];
}): Dream {
  const minSupport = a.input.options?.min_support;
  return {
    type: 'dream',
    id: newId('drm'),
    status: 'pending',
    inputs: [
      { type: 'memory_store', memory_store_id: a.storeId },
      { type: 'sessions', session_ids: a.split.read },
    ],
    outputs: [],
    model: a.model,
    instructions: a.input.instructions ?? null,
    output_behavior: a.behavior,
    session_id: null,
    usage: { input_tokens: 0, output_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
    error: null,
    created_at: new Date().toISOString(),
    ended_at: null,
    archived_at: null,
    engine: a.engine,
    progress: null,
    stats: minSupport !== undefined ? { min_support: minSupport } : {},
    base: Object.fromEntries(a.memories.map((m) => [m.id, m.content_sha256])),
    probe_session_ids: a.split.probes,
    check: null,
    options: a.input.options ?? {},
  };
}
