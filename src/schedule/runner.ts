/**
 * The dream runner: the one place a dream's lifecycle after creation happens — run the engine over the
 * pinned input store and sessions, run the do-no-harm check, store the change set and (for
 * `create_new`) the output store, or end the dream `failed` or `canceled`. The service layer
 * (`Reverie.runDream`/`cancelDream`) and the job queue's workers both call it (shared/DESIGN.md,
 * "schedule/").
 *
 * Cancel: {@link DreamRunner.cancel} flips the stored status to `canceled` and aborts the run's
 * AbortSignal when the run is in this process; a run in another process notices the stored status on its
 * next poll (every `cancelPollMs`) and aborts its own signal. The engine honours the signal between
 * phases and between sessions (dream/offline-engine.ts). Completion is a compare-and-set on the status
 * inside the transaction that stores the result, so a cancel that lands after the engine finished still
 * wins: the transaction rolls back and nothing is stored.
 */
import {
  type Change,
  type CheckReport,
  ConflictError,
  type Dream,
  type DreamProgress,
  ERROR_STATUS,
  type ErrorType,
  LIMITS,
  type MemoryStore,
  NotFoundError,
  newId,
  ReverieError,
  sha256Hex,
  stableId,
  ValidationError,
} from '../domain/index.js';
import { LlmDreamError, OFFLINE_ENGINE_VERSION, runCheck } from '../dream/index.js';
import {
  DEFAULT_DREAM_OPTIONS,
  type DreamEngine,
  type DreamOptions,
  type DreamResult,
  type GatherCache,
} from '../dream/types.js';
import type { Storage } from '../storage/index.js';
import { cancelGatherJobs } from './fan-out.js';

/** Engine option overrides a run may take (as `CreateDreamInput.options`). */
export type RunOptions = Partial<
  Pick<DreamOptions, 'min_support' | 'max_index_lines' | 'max_index_bytes' | 'instruction_files'>
>;

/** Hooks of one {@link DreamRunner.run}. */
export interface RunHooks {
  onProgress?: (p: DreamProgress) => void;
  /** Aborting it cancels the run (the dream ends `canceled`). */
  signal?: AbortSignal;
  options?: RunOptions;
}

/** Options of {@link DreamRunner}. */
export interface DreamRunnerOptions {
  storage: Storage;
  /**
   * The engine instance for a dream's engine id and model id (the service's selection: a configured
   * engine, or the LLM engine built for the model).
   * @throws ValidationError when no engine can serve it.
   */
  engineFor: (id: 'offline' | 'llm', modelId: string, dream?: Dream) => DreamEngine;
  /** Milliseconds between reads of the stored status while running (cancels from other processes). Default 500. */
  cancelPollMs?: number;
}

/** Thrown by {@link DreamRunner.run} when the dream was canceled while it ran (`type: conflict_error`). */
export class DreamCanceledError extends ReverieError {
  constructor(dreamId: string) {
    super('conflict_error', `dream ${dreamId} was canceled`, { dream_id: dreamId, status: 'canceled' });
  }
}

const nowIso = () => new Date().toISOString();

/**
 * Runs and cancels dreams (see the module comment). One instance per service; it keeps the
 * AbortControllers of the runs in this process.
 */
export class DreamRunner {
  readonly #storage: Storage;
  readonly #engineFor: DreamRunnerOptions['engineFor'];
  readonly #pollMs: number;
  readonly #running = new Map<string, AbortController>();

  constructor(opts: DreamRunnerOptions) {
    this.#storage = opts.storage;
    this.#engineFor = opts.engineFor;
    this.#pollMs = opts.cancelPollMs ?? 500;
  }

  /**
   * Runs a pending dream to its end: `completed` (change set and output store stored in one
   * transaction), `failed` (error set, rethrown) or `canceled` ({@link DreamCanceledError}; nothing stored).
   * @throws ConflictError if the dream is not pending (or another runner took it first); NotFoundError.
   */
  async run(id: string, hooks: RunHooks = {}): Promise<Dream> {
    const dream = await this.#storage.getDream(id);
    if (!dream) throw new NotFoundError('dream', id);
    const started = performance.now();
    const took = await this.#storage.updateDreamIf(id, ['pending'], {
      status: 'running',
      progress: { phase: 'orient', done: 0, total: 1 },
    });
    if (!took) {
      const now = (await this.#storage.getDream(id))?.status ?? dream.status;
      throw new ConflictError(`dream ${id} is ${now}, not pending`, { dream_id: id });
    }
    const ac = new AbortController();
    const onOuterAbort = () => ac.abort(hooks.signal?.reason);
    hooks.signal?.addEventListener('abort', onOuterAbort, { once: true });
    if (hooks.signal?.aborted) ac.abort(hooks.signal.reason);
    this.#running.set(id, ac);
    const poll = setInterval(() => {
      this.#storage
        .getDream(id)
        .then((d) => {
          if (d?.status === 'canceled') ac.abort(new DreamCanceledError(id));
        })
        .catch(() => {});
    }, this.#pollMs);
    poll.unref();
    try {
      const result = await this.#execute(dream, ac.signal, hooks);
      const final = await this.#storeResult(dream, result.store, result.result, started, result.check);
      hooks.onProgress?.({ phase: 'done', done: 1, total: 1 });
      return final;
    } catch (e) {
      throw await this.#settleFailure(id, e, ac.signal);
    } finally {
      clearInterval(poll);
      this.#running.delete(id);
      hooks.signal?.removeEventListener('abort', onOuterAbort);
    }
  }

  /**
   * Cancels a pending or running dream (a no-op on a canceled one). A running dream stops at its next
   * phase or session boundary and stores nothing.
   * @throws NotFoundError; ValidationError (400, as the hosted API) for a completed or failed dream.
   */
  async cancel(id: string): Promise<Dream> {
    const d = await this.#storage.getDream(id);
    if (!d) throw new NotFoundError('dream', id);
    if (d.status !== 'canceled') {
      const ok = await this.#storage.updateDreamIf(id, ['pending', 'running'], {
        status: 'canceled',
        ended_at: nowIso(),
      });
      const now = ok ? 'canceled' : (await this.#storage.getDream(id))?.status;
      if (now === 'completed' || now === 'failed')
        throw new ValidationError(`dream ${id} is ${now} and cannot be canceled`, 'status');
    }
    this.#running.get(id)?.abort(new DreamCanceledError(id));
    await cancelGatherJobs(this.#storage, id);
    return (await this.#storage.getDream(id))!;
  }

  /**
   * The engine version a dream's gather caches its digests under: the offline engine's own version, or
   * for the LLM engine (whose offline pre-pass gathers) {@link OFFLINE_ENGINE_VERSION}. A fanned-out
   * gather batch writes under it (schedule/fan-out.ts).
   * @throws NotFoundError for an unknown dream; ValidationError when no engine serves it.
   */
  async gatherVersion(id: string): Promise<string> {
    const dream = await this.#storage.getDream(id);
    if (!dream) throw new NotFoundError('dream', id);
    const engine = this.#engineFor(dream.engine, dream.model.id, dream);
    return engine.id === 'offline' ? engine.version : OFFLINE_ENGINE_VERSION;
  }

  /**
   * Readies a dream for a queued attempt. A dream left `running` or `failed` by an earlier attempt (its
   * worker killed, or the attempt failed) gets its leftovers removed (changes; output stores that name it)
   * and goes back to `pending`. Only a dream that never completed is touched, so a retry ends with
   * exactly one output store.
   * @returns `run` when the attempt should run it; `completed` or `canceled` when it already ended so.
   * @throws NotFoundError for an unknown dream.
   */
  async prepareAttempt(id: string): Promise<'run' | 'completed' | 'canceled'> {
    const d = await this.#storage.getDream(id);
    if (!d) throw new NotFoundError('dream', id);
    if (d.status === 'completed' || d.status === 'canceled') return d.status;
    if (d.status === 'pending') return 'run';
    await this.#storage.transaction(async (tx) => {
      const ok = await tx.updateDreamIf(id, ['running', 'failed'], {
        status: 'pending',
        error: null,
        progress: null,
        outputs: [],
        ended_at: null,
      });
      if (ok) await tx.deleteDreamLeftovers(id);
    });
    const now = (await this.#storage.getDream(id))!.status;
    return now === 'completed' || now === 'canceled' ? now : 'run';
  }

  /**
   * Ends a dream whose job was dead-lettered because every attempt's worker died: a dream left
   * `pending` or `running` becomes `failed` (`worker_lost`) and an unfinished attempt's leftovers are
   * removed; a dream that ended otherwise is left alone.
   */
  async abandon(id: string, message: string): Promise<void> {
    await this.#storage.transaction(async (tx) => {
      const ok = await tx.updateDreamIf(id, ['pending', 'running'], {
        status: 'failed',
        error: { type: 'worker_lost', message },
        progress: null,
        outputs: [],
        ended_at: nowIso(),
      });
      if (ok) await tx.deleteDreamLeftovers(id);
    });
  }

  /** Loads the pinned inputs, runs the engine and the do-no-harm check. */
  async #execute(
    dream: Dream,
    signal: AbortSignal,
    hooks: RunHooks,
  ): Promise<{ store: MemoryStore; result: DreamResult; check: CheckReport }> {
    const id = dream.id;
    const storeId = dream.inputs[0].memory_store_id;
    const store = await this.#storage.getStore(storeId);
    if (!store) throw new NotFoundError('memory_store', storeId);
    const memories = await this.#storage.allMemories(storeId);
    const changed = memories.filter((m) => dream.base[m.id] !== m.content_sha256);
    if (changed.length > 0 || memories.length !== Object.keys(dream.base).length)
      // no retry can succeed: the dream's pinned input is gone (retryable: false dead-letters its job now)
      throw new ConflictError(
        `memory store ${storeId} changed between dream creation and run; create a new dream over it`,
        { memory_store_id: storeId, retryable: false },
      );
    const sessions = await this.#storage.getSessions(dream.inputs[1].session_ids);
    const engine = this.#engineFor(dream.engine, dream.model.id, dream);
    const options: DreamOptions = {
      ...DEFAULT_DREAM_OPTIONS,
      protected_paths: store.policy.protected_paths,
      max_changes: store.policy.max_changes_per_dream,
      instructions: dream.instructions,
      // dreams stored before `options` existed kept min_support in their stats
      ...(dream.stats.min_support !== undefined ? { min_support: dream.stats.min_support } : {}),
      ...dream.options,
      ...hooks.options,
    };
    const cache: GatherCache = {
      get: (k) => this.#storage.cacheGet(k),
      set: (k, v) => this.#storage.cachePut(k, v),
    };
    let lastWrite = 0;
    /** The last progress write, awaited before the result is stored so it can never land after it. */
    let progressWrite: Promise<unknown> = Promise.resolve();
    const result = await engine.run(
      {
        memories: memories.map((m) => ({
          path: m.path,
          content: m.content!,
          content_sha256: m.content_sha256,
          updated_at: m.updated_at,
        })),
        sessions: sessions.map((s) => ({ session: s, loadEvents: () => this.#storage.getEvents(s.id) })),
        options,
      },
      {
        cache,
        signal,
        onProgress: (p) => {
          hooks.onProgress?.(p);
          const t = performance.now();
          if (t - lastWrite > 500) {
            lastWrite = t;
            progressWrite = this.#storage.updateDreamIf(id, ['running'], { progress: p }).catch(() => {});
          }
        },
      },
    );
    await progressWrite;
    if (signal.aborted) throw signal.reason;
    const probes = await this.#storage.getSessions(dream.probe_session_ids ?? []);
    const check = await runCheck(
      {
        input: memories.map((m) => ({ path: m.path, content: m.content! })),
        proposed: result.files,
        changes: result.changes,
        probes: probes.map((s) => ({ session: s, loadEvents: () => this.#storage.getEvents(s.id) })),
      },
      { cache, signal },
    );
    return { store, result, check };
  }

  /**
   * Ends a run that threw: `canceled` if it was canceled; a failed LLM dream keeps its partial output
   * ({@link DreamRunner.#storeLlmFailure}); else `failed` with the error. Returns the error to throw.
   */
  async #settleFailure(id: string, e: unknown, signal: AbortSignal): Promise<ReverieError> {
    if (LlmDreamError.isInstance(e) && !signal.aborted) {
      const failed = await this.#storeLlmFailure(id, e);
      if (failed) return failed;
    }
    const stored = await this.#storage.getDream(id);
    if (signal.aborted || stored?.status === 'canceled' || e instanceof DreamCanceledError) {
      await this.#storage.updateDreamIf(id, ['pending', 'running'], {
        status: 'canceled',
        error: null,
        ended_at: nowIso(),
      });
      return new DreamCanceledError(id);
    }
    const err = ReverieError.isInstance(e)
      ? e
      : new ReverieError('internal_error', (e as Error).message, {}, { cause: e });
    await this.#storage.updateDreamIf(id, ['running'], {
      status: 'failed',
      error: { type: err.type, message: err.message },
      ended_at: nowIso(),
    });
    return err;
  }

  /**
   * A failed LLM dream keeps its partial output: the change set it had (answered batches applied, the
   * rest in offline form) for inspection, its usage (tokens already spent) and stats; the error has the
   * model's hosted type (`rate_limit_error`, `overloaded_error`, `api_error`, …). Nothing can be applied
   * from it. Like completion, a compare-and-set on `running` inside the transaction: a dream canceled
   * meanwhile (e.g. from another process) stays canceled with nothing stored, and null is returned.
   */
  async #storeLlmFailure(id: string, e: LlmDreamError): Promise<ReverieError | null> {
    const p = e.partial;
    const stored = await this.#storage.transaction(async (tx) => {
      const dream = await tx.getDream(id);
      const ok = await tx.updateDreamIf(id, ['running'], {
        status: 'failed',
        error: { type: e.type, message: e.message },
        usage: p.usage,
        stats: { ...dream?.stats, ...p.stats },
        ended_at: nowIso(),
      });
      if (!ok) return false;
      await tx.insertChanges(
        p.changes.map((c, i) => ({
          type: 'change' as const,
          id: stableId('chg', sha256Hex(`${id}\u0000${i}`)),
          dream_id: id,
          ordinal: i,
          ...c,
          status: 'pending' as const,
          review: null,
          applied_at: null,
        })),
      );
      return true;
    });
    if (!stored) return null;
    const type = e.type in ERROR_STATUS ? (e.type as ErrorType) : 'internal_error';
    return new ReverieError(
      type,
      `dream ${id} failed: ${e.message}`,
      { dream_id: id, model_error: e.type },
      { cause: e },
    );
  }

  /**
   * Stores the result in one transaction whose first statement moves the dream from `running` to
   * `completed`; if it is no longer running (canceled meanwhile) the transaction rolls back.
   */
  async #storeResult(
    dream: Dream,
    store: MemoryStore,
    result: DreamResult,
    started: number,
    check: CheckReport,
  ): Promise<Dream> {
    const changes: Change[] = result.changes.map((c, i) => ({
      type: 'change',
      id: stableId('chg', sha256Hex(`${dream.id}\u0000${i}`)),
      dream_id: dream.id,
      ordinal: i,
      ...c,
      status: 'pending',
      review: null,
      applied_at: null,
    }));
    return this.#storage.transaction(async (tx) => {
      const outputs: Dream['outputs'] =
        dream.output_behavior.type === 'create_new'
          ? [{ type: 'memory_store', memory_store_id: newId('memstore') }]
          : [];
      const stats = {
        ...dream.stats,
        ...result.stats,
        changes: changes.length,
        elapsed_ms: Math.round(performance.now() - started),
      };
      const completed = await tx.updateDreamIf(dream.id, ['running'], {
        status: 'completed',
        outputs,
        usage: result.usage,
        stats,
        check,
        progress: { phase: 'done', done: 1, total: 1 },
        ended_at: nowIso(),
      });
      if (!completed) throw new DreamCanceledError(dream.id);
      await tx.insertChanges(changes);
      if (outputs[0]) await writeOutputStore(tx, outputs[0].memory_store_id, dream, store, result, changes);
      return (await tx.getDream(dream.id))!;
    });
  }
}

/** Writes a `create_new` dream's output store: the engine's files, each version citing its change. */
async function writeOutputStore(
  tx: Storage,
  outId: string,
  dream: Dream,
  store: MemoryStore,
  result: DreamResult,
  changes: Change[],
): Promise<void> {
  const now = nowIso();
  const out: MemoryStore = {
    type: 'memory_store',
    id: outId,
    name: `${store.name} (dream ${dream.id.slice(-8).toLowerCase()})`.slice(0, LIMITS.maxStoreNameChars),
    description: store.description,
    metadata: { ...store.metadata, 'reverie.dream_id': dream.id, 'reverie.source_store_id': store.id },
    policy: store.policy,
    created_at: now,
    updated_at: now,
    archived_at: null,
    // a team's (or person's) dream output is that scope's too: no one else's key may read it
    ...(store.scope ? { scope: store.scope } : {}),
  };
  await tx.insertStore(out);
  const byPath = new Map<string, Change>();
  for (const c of changes) byPath.set(c.to_path ?? c.path, c);
  for (const f of result.files) {
    const c = byPath.get(f.path);
    await tx.createMemory(out.id, f.path, f.content, {
      actor: { type: 'dream_actor', id: dream.id },
      dream_id: dream.id,
      change_id: c?.id ?? null,
      note: c ? c.reason.slice(0, 500) : 'unchanged from the input store',
      now,
    });
  }
}
