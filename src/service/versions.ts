/**
 * Memory-version operations beyond listing and reading (which `Reverie` has): redaction, as the hosted
 * API defines it (shared/reference/anthropic-api.md §1 "Versions"): the version's path, content, hash
 * and size become null, its actor and time stay, and `redacted_at`/`redacted_by` record who did it.
 * The head version of a live memory cannot be redacted (write a new version first).
 */
import { type Actor, type MemoryVersion, ValidationError } from '../domain/index.js';
import type { Reverie } from './reverie.js';

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
  return reverie.storage.transaction(async (tx) => {
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
