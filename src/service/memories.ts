/**
 * Memories of a store: create (never overwrites), read by id or path, list with the hosted `depth` roll-up,
 * update and rename with `content_sha256` preconditions, delete, load a folder, snapshot
 * (shared/reference/anthropic-api.md §1 "Memories"). `Reverie` delegates its memory methods here.
 */
import {
  type Actor,
  LIMITS,
  type Memory,
  NotFoundError,
  ValidationError,
  validateMemoryContent,
  validateMemoryPath,
  validatePathPrefix,
} from '../domain/index.js';
import type { Page, PageQuery, Storage } from '../storage/index.js';
import { type FolderFile, readMemoryFolder } from './directory.js';
import type { StoreService } from './stores.js';

/** The actor of writes made without one: the local API. */
export const API_ACTOR: Actor = { type: 'api_actor', id: 'local' };

/** An entry of a `depth: 1` listing: a memory, or a folder rolled up as `{type:'memory_prefix', path:'/x/'}`. */
export type MemoryListItem = Memory | { type: 'memory_prefix'; path: string };

/** Query of {@link MemoryService.list}. */
export type MemoryListQuery = PageQuery & { path_prefix?: string; depth?: number; view?: 'basic' | 'full' };

/** Per-path result of {@link MemoryService.importFolder}. */
export interface FolderImportItem {
  path: string;
  status: 'created' | 'modified' | 'unchanged';
}

/** Memory operations over one (workspace-scoped) storage. Errors are the domain's typed errors. */
export class MemoryService {
  readonly #storage: Storage;
  readonly #stores: StoreService;

  constructor(storage: Storage, stores: StoreService) {
    this.#storage = storage;
    this.#stores = stores;
  }

  /**
   * Creates a memory; never overwrites.
   * @throws ValidationError (path/content rules, store at its 10,000-memory cap); ConflictError
   *   (`memory_path_conflict_error`, archived store); NotFoundError.
   */
  async create(storeId: string, input: { path: string; content: string }, actor?: Actor): Promise<Memory> {
    validateMemoryPath(input.path);
    validateMemoryContent(input.content);
    await this.#stores.writable(storeId);
    return this.#storage.transaction(async (tx) => {
      if ((await tx.countMemories(storeId)) >= LIMITS.maxMemoriesPerStore)
        throw new ValidationError(
          `memory store ${storeId} holds the maximum of ${LIMITS.maxMemoriesPerStore} memories`,
          'path',
        );
      return tx.createMemory(storeId, input.path, input.content, { actor: actor ?? API_ACTOR });
    });
  }

  /** Returns one memory (content included unless `view` is `basic`). @throws NotFoundError */
  async get(storeId: string, memoryId: string, view: 'basic' | 'full' = 'full'): Promise<Memory> {
    const m = await this.#storage.getMemory(memoryId);
    if (!m || m.memory_store_id !== storeId) throw new NotFoundError('memory', memoryId);
    return view === 'basic' ? { ...m, content: null } : m;
  }

  /** Returns the memory at `path`. @throws NotFoundError */
  async getByPath(storeId: string, path: string): Promise<Memory> {
    const m = await this.#storage.getMemoryByPath(storeId, path);
    if (!m) throw new NotFoundError('memory', path);
    return m;
  }

  /**
   * Lists memories by path. `depth: 1` returns direct children only, deeper entries rolled up as
   * `{type:'memory_prefix', path:'/x/'}` (hosted behaviour).
   * @throws ValidationError for a `path_prefix` not ending in `/` or a depth other than 0/1; NotFoundError.
   */
  async list(storeId: string, q: MemoryListQuery = {}): Promise<Page<MemoryListItem>> {
    await this.#stores.get(storeId);
    const prefix = q.path_prefix ? validatePathPrefix(q.path_prefix) : '/';
    if (q.depth !== undefined && q.depth !== 0 && q.depth !== 1)
      throw new ValidationError('depth must be 0 (recursive) or 1 (children only)', 'depth');
    if (q.depth !== 1) return this.#storage.listMemories(storeId, { ...q, path_prefix: prefix });
    const all = await this.#storage.allMemories(storeId);
    const seen = new Set<string>();
    const items: MemoryListItem[] = [];
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
  async update(
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
    await this.#stores.writable(storeId);
    return this.#storage.updateMemory(
      memoryId,
      {
        content: input.content,
        path: input.path,
        expected_sha256: input.precondition?.content_sha256,
        memory_store_id: storeId,
      },
      { actor: actor ?? API_ACTOR },
    );
  }

  /** Deletes a memory; versions remain. @throws NotFoundError; ConflictError on a stale expected hash. */
  async delete(
    storeId: string,
    memoryId: string,
    opts: { expected_content_sha256?: string } = {},
    actor?: Actor,
  ): Promise<{ id: string; type: 'memory_deleted' }> {
    await this.#stores.writable(storeId);
    await this.get(storeId, memoryId);
    await this.#storage.deleteMemory(
      memoryId,
      { expected_sha256: opts.expected_content_sha256 },
      { actor: actor ?? API_ACTOR },
    );
    return { id: memoryId, type: 'memory_deleted' };
  }

  /**
   * Loads a folder of files into a store (new or existing), in one transaction: new paths are created,
   * changed ones modified, identical ones left alone; nothing is deleted.
   * @param preread the folder's files when the caller has already read them (see {@link readMemoryFolder}).
   * @returns per-path status.
   * @throws ValidationError naming the file for bad paths, sizes or non-UTF-8 content (nothing is written).
   */
  async importFolder(
    storeId: string,
    dir: string,
    actor: Actor = { type: 'import_actor', id: 'folder' },
    preread?: FolderFile[],
  ): Promise<FolderImportItem[]> {
    await this.#stores.writable(storeId);
    const files = preread ?? (await readMemoryFolder(dir));
    const note = `imported from ${dir}`;
    return this.#storage.transaction(async (tx) => {
      const out: FolderImportItem[] = [];
      for (const f of files) {
        const cur = await tx.getMemoryByPath(storeId, f.path);
        if (!cur) {
          await tx.createMemory(storeId, f.path, f.content, { actor, now: f.mtime, note });
          out.push({ path: f.path, status: 'created' });
        } else if (cur.content !== f.content) {
          await tx.updateMemory(cur.id, { content: f.content }, { actor, note });
          out.push({ path: f.path, status: 'modified' });
        } else out.push({ path: f.path, status: 'unchanged' });
      }
      if ((await tx.countMemories(storeId)) > LIMITS.maxMemoriesPerStore)
        throw new ValidationError(`${dir} would exceed ${LIMITS.maxMemoriesPerStore} memories`, 'memory');
      return out;
    });
  }

  /** All memories of a store with content, sorted by path (for export and dreams). @throws NotFoundError */
  async snapshot(storeId: string): Promise<Memory[]> {
    await this.#stores.get(storeId);
    return this.#storage.allMemories(storeId);
  }
}
