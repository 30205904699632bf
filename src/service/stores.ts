/**
 * Memory stores: create, read, list, update (metadata patch where `null` deletes a key), archive (one-way,
 * read-only afterwards) and delete, with the hosted API's field rules
 * (shared/reference/anthropic-api.md §1 "Memory stores"). `Reverie` delegates its store methods here.
 */
import {
  ConflictError,
  DEFAULT_POLICY,
  LIMITS,
  type MemoryStore,
  NotFoundError,
  newId,
  type StorePolicy,
  ValidationError,
} from '../domain/index.js';
import type { Page, Storage } from '../storage/index.js';

/** Input of {@link StoreService.create} (`Reverie.createStore`). */
export interface CreateStoreInput {
  name: string;
  description?: string;
  metadata?: Record<string, string>;
  policy?: Partial<StorePolicy>;
}

/** A patch of {@link StoreService.update}: absent fields stay; in `metadata`, `null` deletes a key. */
export interface StorePatch {
  name?: string;
  description?: string;
  metadata?: Record<string, string | null>;
  policy?: Partial<StorePolicy>;
}

/** Memory-store operations over one (workspace-scoped) storage. Errors are the domain's typed errors. */
export class StoreService {
  readonly #storage: Storage;

  constructor(storage: Storage) {
    this.#storage = storage;
  }

  /**
   * Creates a memory store.
   * @throws ValidationError on a bad name (1–255 chars, no control characters), description (≤ 1,024 chars)
   *   or metadata (≤ 16 string pairs).
   */
  async create(input: CreateStoreInput): Promise<MemoryStore> {
    validateStoreFields(input);
    const now = new Date().toISOString();
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
    await this.#storage.insertStore(store);
    return store;
  }

  /** Returns a store. @throws NotFoundError */
  async get(id: string): Promise<MemoryStore> {
    const s = await this.#storage.getStore(id);
    if (!s) throw new NotFoundError('memory_store', id);
    return s;
  }

  /** Returns a store that may be written. @throws NotFoundError; ConflictError if it is archived. */
  async writable(id: string): Promise<MemoryStore> {
    const s = await this.get(id);
    if (s.archived_at)
      throw new ConflictError(`memory store ${id} is archived and read-only`, { memory_store_id: id });
    return s;
  }

  /** Lists stores, newest first. */
  list(q: Parameters<Storage['listStores']>[0] = {}): Promise<Page<MemoryStore>> {
    return this.#storage.listStores(q);
  }

  /**
   * Updates name, description, metadata (a patch: `null` deletes a key) or policy.
   * @throws NotFoundError; ValidationError; ConflictError if the store is archived.
   */
  async update(id: string, patch: StorePatch): Promise<MemoryStore> {
    const cur = await this.writable(id);
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
    await this.#storage.updateStore(id, { ...next, policy: mergePolicy(cur.policy, patch.policy) });
    return this.get(id);
  }

  /** Archives a store (one-way; it becomes read-only). Idempotent. @throws NotFoundError */
  async archive(id: string): Promise<MemoryStore> {
    const cur = await this.get(id);
    if (!cur.archived_at) await this.#storage.updateStore(id, { archived_at: new Date().toISOString() });
    return this.get(id);
  }

  /** Deletes a store with all memories and versions. @throws NotFoundError */
  async delete(id: string): Promise<{ id: string; type: 'memory_store_deleted' }> {
    await this.get(id);
    await this.#storage.deleteStore(id);
    return { id, type: 'memory_store_deleted' };
  }

  /** Memory counts of the given stores in one query (stores without memories are absent from the map). */
  countMemories(ids: readonly string[]): Promise<Map<string, number>> {
    return this.#storage.countMemoriesByStore([...ids]);
  }
}

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
