/**
 * Response caching and record/replay. A model answer is stored under a hash of the canonical request (the
 * model, the system prompt, the turns, the JSON Schema and the output cap), so the same inputs sent to the
 * same model are answered from the cache without a call. {@link ResponseCache} is the small port a storage
 * backend implements (a table of key → entry); this file has an in-memory and a directory-backed one.
 * Modes of {@link withResponseCache}: `read-write` (answer hits, call and store misses: the database cache),
 * `record` (always call, store every answer: `--record DIR`) and `replay` (answer hits, never call; a miss
 * fails with {@link ModelFixtureMissingError}: `--replay DIR`).
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256Hex } from '../domain/hash.js';
import { ModelFixtureMissingError, ModelInvalidOutputError } from './errors.js';
import { objectJsonSchema } from './structured.js';
import type {
  GenerateObjectRequest,
  GenerateObjectResult,
  ModelMessage,
  ModelStopReason,
  ModelUsage,
  ObjectModel,
} from './types.js';
import { emptyUsage } from './usage.js';

/** Version of the key derivation; bump it when {@link CanonicalRequest} changes meaning. */
export const CACHE_KEY_VERSION = 1;

/** The part of a request that decides the answer, as hashed for the key and stored beside the answer. */
export interface CanonicalRequest {
  v: number;
  provider: string;
  modelId: string;
  system: string;
  messages: ModelMessage[];
  schemaName: string;
  schemaDescription: string | null;
  schema: Record<string, unknown>;
  maxOutputTokens: number;
}

/** One cache entry: the key (64 lowercase hex), the canonical request, and the answer as first returned. */
export interface CacheEntry {
  key: string;
  request: CanonicalRequest;
  response: {
    object: unknown;
    usage: ModelUsage;
    stopReason: ModelStopReason;
    attempts: number;
    responseId?: string;
  };
}

/**
 * The cache port: `get` resolves the entry stored under `key` or undefined; `set` stores (replaces) it.
 * Implementations must not leave a half-written entry behind (write-then-rename, or a transaction).
 * `describe` names where entries live, for error messages.
 */
export interface ResponseCache {
  get(key: string): Promise<CacheEntry | undefined>;
  set(entry: CacheEntry): Promise<void>;
  describe(): string;
}

/**
 * The canonical form of `request` for `model`, and its key: SHA-256 of its canonical JSON (object keys
 * sorted recursively, no whitespace: the ordering rule of RFC 8785 JSON Canonicalization Scheme).
 */
export function cacheKey(
  model: ObjectModel,
  request: GenerateObjectRequest<unknown>,
): { key: string; request: CanonicalRequest } {
  const canonical: CanonicalRequest = {
    v: CACHE_KEY_VERSION,
    provider: model.provider,
    modelId: model.modelId,
    system: request.system,
    messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
    schemaName: request.schemaName,
    schemaDescription: request.schemaDescription ?? null,
    schema: objectJsonSchema(model.provider, request),
    maxOutputTokens: request.maxOutputTokens,
  };
  return { key: sha256Hex(canonicalJson(canonical)), request: canonical };
}

/** JSON with object keys sorted recursively and no whitespace (RFC 8785 key order; numbers as JSON.stringify). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A cache in a Map, for tests and one process's lifetime. */
export class MemoryResponseCache implements ResponseCache {
  readonly #entries = new Map<string, CacheEntry>();
  /** The stored entry for `key`, if any (a deep copy). */
  async get(key: string): Promise<CacheEntry | undefined> {
    const entry = this.#entries.get(key);
    return entry === undefined ? undefined : structuredClone(entry);
  }
  /** Stores a deep copy of `entry`. */
  async set(entry: CacheEntry): Promise<void> {
    this.#entries.set(entry.key, structuredClone(entry));
  }
  /** Number of entries. */
  get size(): number {
    return this.#entries.size;
  }
  /** `memory`. */
  describe(): string {
    return 'memory';
  }
}

/**
 * A cache in a folder, one pretty-printed `KEY.json` per entry (the fixtures of `--record DIR` /
 * `--replay DIR`). Writes go to a temporary file renamed into place; the folder is created on first write.
 * Nothing else in the folder is touched.
 */
export class DirectoryResponseCache implements ResponseCache {
  readonly #dir: string;
  /** `dir`: the folder of the entries (created on the first `set` when missing). */
  constructor(dir: string) {
    this.#dir = dir;
  }
  /**
   * The entry stored for `key`, or undefined when there is no file.
   * @throws Error naming the file when it is not valid JSON or not an entry for `key`.
   */
  async get(key: string): Promise<CacheEntry | undefined> {
    const file = this.fileOf(key);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
    let entry: CacheEntry;
    try {
      entry = JSON.parse(text) as CacheEntry;
    } catch (e) {
      throw new Error(`${file}: not valid JSON (${(e as Error).message})`);
    }
    if (entry?.key !== key || typeof entry.response !== 'object' || entry.response === null) {
      throw new Error(`${file}: not a model response entry for key ${key}`);
    }
    return entry;
  }
  /** Writes `entry` to `KEY.json` (write-then-rename). */
  async set(entry: CacheEntry): Promise<void> {
    mkdirSync(this.#dir, { recursive: true });
    const file = this.fileOf(entry.key);
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(entry, null, 2)}\n`);
    renameSync(tmp, file);
  }
  /**
   * Path of the file holding `key`.
   * @throws Error when `key` is not 64 lowercase hex digits (so no key can name a path outside the folder).
   */
  fileOf(key: string): string {
    if (!/^[0-9a-f]{64}$/.test(key)) throw new Error(`not a cache key: ${key}`);
    return join(this.#dir, `${key}.json`);
  }
  /** The folder. */
  describe(): string {
    return this.#dir;
  }
}

/** How {@link withResponseCache} uses its cache. */
export type CacheMode = 'read-write' | 'record' | 'replay';

/**
 * Wraps `model` so that answers come from `cache` (see the modes above). A cached answer is validated
 * again with the request's schema and returned with `usage` all zeros (nothing was sent) and `cached: true`;
 * failures are never cached. Concurrent identical requests share one call.
 * @throws ModelFixtureMissingError in `replay` mode when the cache has no answer (names the key and where).
 * @throws ModelInvalidOutputError when a cached answer no longer matches the schema.
 */
export function withResponseCache(
  model: ObjectModel,
  cache: ResponseCache,
  mode: CacheMode = 'read-write',
): ObjectModel & { readonly calls: number } {
  const inflight = new Map<string, Promise<GenerateObjectResult<unknown>>>();
  let calls = 0;
  const answer = async (request: GenerateObjectRequest<unknown>): Promise<GenerateObjectResult<unknown>> => {
    const { key, request: canonical } = cacheKey(model, request);
    const hit = mode === 'record' ? undefined : await cache.get(key);
    if (hit !== undefined) return fromEntry(model.provider, hit, request);
    if (mode === 'replay') {
      throw new ModelFixtureMissingError(
        `${model.provider}: no recorded answer for request ${key} (schema ${request.schemaName}, model ${model.modelId}) in ${cache.describe()}; record it first with --record`,
        { provider: model.provider, key },
      );
    }
    const pending = inflight.get(key);
    if (pending) return pending;
    const call = (async () => {
      calls += 1;
      const result = await model.generateObject(request);
      const { object, usage, stopReason, attempts, responseId } = result;
      await cache.set({
        key,
        request: canonical,
        response: { object, usage, stopReason, attempts, ...(responseId ? { responseId } : {}) },
      });
      return result;
    })().finally(() => inflight.delete(key));
    inflight.set(key, call);
    return call;
  };
  return {
    specificationVersion: 'v1',
    provider: model.provider,
    modelId: model.modelId,
    get calls() {
      return calls;
    },
    generateObject: answer as ObjectModel['generateObject'],
  };
}

function fromEntry(
  provider: string,
  entry: CacheEntry,
  request: GenerateObjectRequest<unknown>,
): GenerateObjectResult<unknown> {
  const parsed = request.schema.safeParse(entry.response.object);
  if (!parsed.success) {
    throw new ModelInvalidOutputError(
      `${provider}: cached answer ${entry.key} no longer matches schema ${request.schemaName}`,
      {
        provider,
        issues: [parsed.error.message],
        output: JSON.stringify(entry.response.object),
      },
    );
  }
  const { stopReason, attempts, responseId } = entry.response;
  return {
    object: parsed.data,
    usage: emptyUsage(),
    stopReason,
    attempts,
    ...(responseId ? { responseId } : {}),
    cached: true,
  };
}
