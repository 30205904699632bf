/**
 * Listing a store without loading contents: review and apply only need each memory's path, id and
 * hash, and a store may hold 10,000 memories of up to 100 kB each.
 */
import type { Memory } from '../domain/index.js';
import type { Page, Storage } from '../storage/index.js';

/**
 * Every memory of a store in the `basic` view (`content: null`), ordered by path, read in pages of
 * 1,000.
 */
export async function listAllBasic(storage: Storage, storeId: string): Promise<Memory[]> {
  const out: Memory[] = [];
  let page: string | null = null;
  do {
    const p: Page<Memory> = await storage.listMemories(storeId, { view: 'basic', limit: 1000, page });
    out.push(...p.data);
    page = p.next_page;
  } while (page);
  return out;
}
