/**
 * Stores with their memory counts, for listings (the review page's store list): one query for the
 * counts instead of one per store, and no shell reaching storage for them.
 */
import type { MemoryStore } from '../domain/index.js';
import type { Reverie } from './reverie.js';

/** A store and how many memories it holds. */
export interface StoreSummary {
  store: MemoryStore;
  memories: number;
}

/**
 * Lists the service's stores (newest first, archived ones too when asked) with their memory counts.
 * @param q `limit` 1–1000 (default 1000), `include_archived`.
 */
export async function storeSummaries(
  reverie: Reverie,
  q: { limit?: number; include_archived?: boolean } = {},
): Promise<StoreSummary[]> {
  const page = await reverie.listStores({ limit: q.limit ?? 1000, include_archived: q.include_archived });
  const counts = await reverie.countMemoriesByStore(page.data.map((s) => s.id));
  return page.data.map((store) => ({ store, memories: counts.get(store.id) ?? 0 }));
}
