/**
 * How the service gets an LLM dream engine: a factory that turns a dream's model id into an engine, built
 * from the models lane's configuration (`resolveModelConfig`: `--provider`, `ANTHROPIC_API_KEY` /
 * `ANTHROPIC_BASE_URL`, `OPENAI_API_KEY` / `OPENAI_BASE_URL`), and the storage-backed response cache (the
 * `model_cache` table) that makes re-dreaming the same inputs with the same model free and byte-identical.
 * `--record DIR` / `--replay DIR` use a fixture folder instead of the table.
 */
import type { LlmDreamEngine } from '../dream/index.js';
import { createLlmEngine } from '../dream/index.js';
import {
  type CacheEntry,
  type CacheMode,
  createModel,
  DirectoryResponseCache,
  type ModelConfigOptions,
  type ResponseCache,
  resolveModelConfig,
  withConcurrencyLimit,
  withResponseCache,
} from '../models/index.js';
import type { Storage } from '../storage/index.js';

/** Model ids that mean the deterministic offline engine (`reverie-offline`, and the legacy `offline`). */
export const OFFLINE_MODEL_IDS: readonly string[] = ['reverie-offline', 'offline'];

/** A {@link ResponseCache} over the storage's `model_cache` table (one row per request hash). */
export class StorageResponseCache implements ResponseCache {
  readonly #storage: Storage;
  /** `storage`: the service's storage (SQLite or PostgreSQL). */
  constructor(storage: Storage) {
    this.#storage = storage;
  }
  /** The stored entry of `key`, or undefined. */
  async get(key: string): Promise<CacheEntry | undefined> {
    const row = await this.#storage.modelCacheGet(key);
    return row ? ({ key, request: row.request, response: row.response } as CacheEntry) : undefined;
  }
  /** Stores `entry` (one statement). */
  async set(entry: CacheEntry): Promise<void> {
    await this.#storage.modelCachePut(entry.key, entry.request, entry.response);
  }
  /** `the database`. */
  describe(): string {
    return 'the database (model_cache)';
  }
}

/** What the factory gets per dream: the model id and the database response cache. */
export interface LlmEngineContext {
  modelId: string;
  responseCache: ResponseCache;
}

/** Builds the LLM engine for one dream; throws a `ValidationError` when it cannot be configured. */
export type LlmEngineFactory = (ctx: LlmEngineContext) => LlmDreamEngine;

/**
 * Settings of {@link llmEngineFactory}: `provider` (`anthropic` default, or `openai`), `maxInputTokens`
 * (hard cap), `dryRun`, `record` / `replay` (fixture folders; at most one), `concurrency` (calls in
 * flight, default 8), `batchSize` (candidates per call), `maxRetries` / `timeoutMs` (the SDKs').
 */
export interface LlmSettings {
  provider?: string;
  maxInputTokens?: number | null;
  dryRun?: boolean;
  record?: string | null;
  replay?: string | null;
  concurrency?: number;
  /** Candidates per call (default the engine's, 6). */
  batchSize?: number;
  maxRetries?: number;
  timeoutMs?: number;
}

/**
 * The factory of a process whose environment configures a provider: `ANTHROPIC_API_KEY` set → Anthropic,
 * else `OPENAI_API_KEY` set → OpenAI (each with its `…_BASE_URL`); undefined when neither is set (then the
 * service refuses LLM dreams, saying how to configure one).
 */
export function llmEngineFactoryFromEnv(
  env: Record<string, string | undefined>,
): LlmEngineFactory | undefined {
  if (env.ANTHROPIC_API_KEY?.trim()) return llmEngineFactory({ provider: 'anthropic' }, env);
  if (env.OPENAI_API_KEY?.trim()) return llmEngineFactory({ provider: 'openai' }, env);
  return undefined;
}

/**
 * `env` with a placeholder for each provider key that is unset or blank: a replay or a dry run sends
 * nothing, so it needs no key (a key given is kept, a blank one is not, so `ANTHROPIC_API_KEY=` works too).
 */
function withPlaceholderKeys(env: Record<string, string | undefined>): Record<string, string | undefined> {
  const out = { ...env };
  for (const k of ['ANTHROPIC_API_KEY', 'OPENAI_API_KEY']) if (!out[k]?.trim()) out[k] = 'unused';
  return out;
}

/**
 * A factory of LLM engines from `settings` and `env` (e.g. `process.env`). The model is wrapped, bottom
 * up, in a concurrency limit, then the response cache (the database's in `read-write` mode, or the
 * `record` / `replay` folder); the engine adds redaction on top, so only redacted text is cached or sent.
 * @throws ValidationError (from the returned factory) naming the missing or bad option or variable, see
 *   `resolveModelConfig`.
 */
export function llmEngineFactory(
  settings: LlmSettings,
  env: Record<string, string | undefined>,
): LlmEngineFactory {
  return ({ modelId, responseCache }) => {
    const opts: ModelConfigOptions = { provider: settings.provider, model: modelId };
    if (settings.maxRetries !== undefined) opts.maxRetries = settings.maxRetries;
    if (settings.timeoutMs !== undefined) opts.timeoutMs = settings.timeoutMs;
    const config = resolveModelConfig(
      opts,
      settings.replay || settings.dryRun ? withPlaceholderKeys(env) : env,
    );
    const limited = withConcurrencyLimit(createModel(config), settings.concurrency ?? 8);
    const [cache, mode]: [ResponseCache, CacheMode] = settings.replay
      ? [new DirectoryResponseCache(settings.replay), 'replay']
      : settings.record
        ? [new DirectoryResponseCache(settings.record), 'record']
        : [responseCache, 'read-write'];
    return createLlmEngine({
      model: withResponseCache(limited, cache, mode),
      budget: { max_input_tokens: settings.maxInputTokens ?? null },
      dryRun: settings.dryRun ?? false,
      ...(settings.batchSize !== undefined ? { batchSize: settings.batchSize } : {}),
    });
  };
}
