/**
 * Folder-like operations over a memory store, for the agents' shells (memory tool, MCP, folder sync): a
 * store has no directories, only paths, so a "directory" `/a/` is the set of memories whose path starts
 * with `/a/`. Deleting or renaming one is a batch of memory versions written in one transaction, so it
 * happens entirely or not at all. Built on {@link Reverie}'s storage the way its own methods are.
 */
import { type Actor, ConflictError, type Memory, validateMemoryPath } from '../domain/index.js';
import type { Storage } from '../storage/index.js';
import { storageOf } from './internal.js';
import type { Reverie } from './reverie.js';

/**
 * All memories whose path starts with `prefix` (`/` for the whole store), content left out
 * (`content: null`; `content_size_bytes` and `content_sha256` kept), ordered by path.
 * @param prefix a path prefix that starts and ends with `/`.
 * @throws NotFoundError for an unknown store; ValidationError for a bad prefix.
 */
export async function listTree(reverie: Reverie, storeId: string, prefix = '/'): Promise<Memory[]> {
  const out: Memory[] = [];
  let page: string | null = null;
  do {
    const p = await reverie.listMemories(storeId, { path_prefix: prefix, view: 'basic', limit: 1000, page });
    out.push(...(p.data as Memory[]));
    page = p.next_page;
  } while (page);
  return out;
}

/** True when at least one memory's path starts with `prefix` (which ends with `/`). */
export async function hasTree(reverie: Reverie, storeId: string, prefix: string): Promise<boolean> {
  const p = await reverie.listMemories(storeId, { path_prefix: prefix, view: 'basic', limit: 1 });
  return p.data.length > 0;
}

async function writableTx(reverie: Reverie, storeId: string): Promise<void> {
  const s = await reverie.getStore(storeId);
  if (s.archived_at)
    throw new ConflictError(`memory store ${storeId} is archived and read-only`, {
      memory_store_id: storeId,
    });
}

async function treeIn(tx: Storage, storeId: string, prefix: string): Promise<Memory[]> {
  const out: Memory[] = [];
  let page: string | null = null;
  do {
    const p = await tx.listMemories(storeId, { path_prefix: prefix, view: 'basic', limit: 1000, page });
    out.push(...p.data);
    page = p.next_page;
  } while (page);
  return out;
}

/**
 * Deletes every memory under `prefix` in one transaction; each deletion is a `deleted` version by `actor`.
 * @param prefix starts and ends with `/`; `/` itself is refused (a whole store is deleted with deleteStore).
 * @returns the number of memories deleted (0 when nothing is under the prefix).
 * @throws ValidationError for a bad prefix; ConflictError for an archived store; NotFoundError.
 */
export async function deleteTree(
  reverie: Reverie,
  storeId: string,
  prefix: string,
  actor: Actor,
): Promise<number> {
  if (prefix === '/') throw new ConflictError('refusing to delete every memory of a store as a folder');
  validateMemoryPath(prefix.slice(0, -1));
  await writableTx(reverie, storeId);
  return storageOf(reverie).transaction(async (tx) => {
    await tx.lockStore(storeId);
    const items = await treeIn(tx, storeId, prefix);
    for (const m of items) await tx.deleteMemory(m.id, { expected_sha256: m.content_sha256 }, { actor });
    return items.length;
  });
}

/**
 * Moves every memory under `from` to the same relative path under `to`, in one transaction (memory ids
 * are kept; each move is a `modified` version by `actor`).
 * @param from,to prefixes that start and end with `/`; `to` may not lie inside `from`.
 * @returns the number of memories moved.
 * @throws ValidationError for a bad prefix or a resulting path that breaks the path rules;
 *   ConflictError (`memory_path_conflict_error`) when a destination path is occupied (nothing moves).
 */
export async function renameTree(
  reverie: Reverie,
  storeId: string,
  from: string,
  to: string,
  actor: Actor,
): Promise<number> {
  validateMemoryPath(from.slice(0, -1), 'old_path');
  validateMemoryPath(to.slice(0, -1), 'new_path');
  if (to.startsWith(from)) throw new ConflictError(`cannot move ${from} inside itself (${to})`);
  await writableTx(reverie, storeId);
  return storageOf(reverie).transaction(async (tx) => {
    await tx.lockStore(storeId);
    const items = await treeIn(tx, storeId, from);
    for (const m of items) {
      const path = validateMemoryPath(to + m.path.slice(from.length), 'new_path');
      await tx.updateMemory(m.id, { path }, { actor });
    }
    return items.length;
  });
}
