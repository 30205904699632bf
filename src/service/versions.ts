/**
 * Memory versions: listing (newest first, with the hosted filters) and reading, which `Reverie` delegates
 * to {@link VersionService}, and redaction, as the hosted
 * API defines it (shared/reference/anthropic-api.md §1 "Versions"): the version's path, content, hash
 * and size become null, its actor and time stay, and `redacted_at`/`redacted_by` record who did it.
 * The head version of a live memory cannot be redacted (write a new version first).
 */
import { type Actor, type MemoryVersion, NotFoundError, ValidationError } from '../domain/index.js';
import type { Page, Storage } from '../storage/index.js';
import { storageOf } from './internal.js';
import type { Reverie } from './reverie.js';
import type { StoreService } from './stores.js';

/** Filters and cursor of {@link VersionService.list} (the storage's `listVersions` query). */
export type VersionListQuery = Parameters<Storage['listVersions']>[1];

/** Reading a store's memory versions over one (workspace-scoped) storage. */
export class VersionService {
  readonly #storage: Storage;
  readonly #stores: StoreService;

  constructor(storage: Storage, stores: StoreService) {
    this.#storage = storage;
    this.#stores = stores;
  }

  /** Lists a store's memory versions, newest first. @throws NotFoundError for an unknown store. */
  async list(storeId: string, q: VersionListQuery = {}): Promise<Page<MemoryVersion>> {
    await this.#stores.get(storeId);
    return this.#storage.listVersions(storeId, q);
  }

  /** Returns one version of the store. @throws NotFoundError */
  async get(storeId: string, versionId: string): Promise<MemoryVersion> {
    const v = await this.#storage.getVersion(versionId);
    if (!v || v.memory_store_id !== storeId) throw new NotFoundError('memory_version', versionId);
    return v;
  }
}

/**
 * Redacts version `versionId` of store `storeId` (in the service's workspace). Idempotent: a redacted
 * version is returned as it is.
 * @throws NotFoundError for an unknown store or version (or another workspace's); ValidationError
 *   (field `memory_version_id`) for the current version of a live memory.
 */
export async function redactVersion(
  reverie: Reverie,
  storeId: string,
  versionId: string,
  by: Actor,
): Promise<MemoryVersion> {
  const v = await reverie.getVersion(storeId, versionId);
  if (v.redacted_at) return v;
  return storageOf(reverie).transaction(async (tx) => {
    const memory = await tx.getMemory(v.memory_id);
    if (memory?.memory_version_id === v.id)
      throw new ValidationError(
        `${v.id} is the current version of ${memory.path}; only earlier versions can be redacted (write a new version first)`,
        'memory_version_id',
      );
    const r = await tx.redactVersion(v.id, by, new Date().toISOString());
    return r ?? v;
  });
}
