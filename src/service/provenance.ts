/**
 * Provenance (`reverie why`): the history of one memory path and, for each dream-made version, the change
 * with its reason and evidence (with session titles, redacted). `Reverie.why` delegates here.
 */
import {
  type Change,
  type Memory,
  type MemoryVersion,
  NotFoundError,
  type Session,
} from '../domain/index.js';
import { redactTranscriptText } from '../dream/index.js';
import type { Page, Storage } from '../storage/index.js';
import type { StoreService } from './stores.js';

/** The provenance of one memory path: its history, and for each version the dream change and evidence behind it. */
export interface Provenance {
  memory_store_id: string;
  path: string;
  memory: Memory | null;
  history: {
    version: MemoryVersion;
    change: Change | null;
    evidence: (Change['evidence'][number] & { session_title: string | null; external_id: string | null })[];
  }[];
}

/**
 * The provenance of the memory at `path` in a store: every version (newest first), who wrote it, and
 * for dream-made versions the change with its reason and evidence (with session titles).
 * For a dream's output store, versions cloned from the input carry no change.
 * @throws NotFoundError for an unknown store, or if no version of `path` exists in the store.
 */
export async function provenance(
  storage: Storage,
  stores: StoreService,
  storeId: string,
  path: string,
): Promise<Provenance> {
  await stores.get(storeId);
  const memory = (await storage.getMemoryByPath(storeId, path)) ?? null;
  const versions: MemoryVersion[] = [];
  let page: string | null = null;
  do {
    const p: Page<MemoryVersion> = await storage.listVersions(
      storeId,
      memory ? { memory_id: memory.id, limit: 1000, page } : { path, limit: 1000, page },
    );
    versions.push(...p.data);
    page = p.next_page;
  } while (page);
  if (versions.length === 0) throw new NotFoundError('memory', path);
  const sessionCache = new Map<string, Session | undefined>();
  const session = async (id: string) => {
    if (!sessionCache.has(id)) sessionCache.set(id, await storage.getSession(id));
    return sessionCache.get(id);
  };
  const history: Provenance['history'] = [];
  for (const v of versions) {
    const change = v.change_id ? ((await storage.getChange(v.change_id)) ?? null) : null;
    const evidence = [];
    for (const ev of change?.evidence ?? []) {
      const s = await session(ev.session_id);
      // titles come from transcripts: credentials and personal data in them are redacted
      const title = s?.title ? redactTranscriptText(s.title, s.user_id ? [s.user_id] : []) : null;
      evidence.push({ ...ev, session_title: title, external_id: s?.external_id ?? null });
    }
    history.push({ version: v, change, evidence });
  }
  return { memory_store_id: storeId, path, memory, history };
}
