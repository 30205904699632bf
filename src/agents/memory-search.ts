/**
 * Full-text search over one memory store for agents (`memory_search`): a MiniSearch index (BM25+ ranking,
 * https://lucaong.github.io/minisearch/) of each memory's path and content, ranked snippets with paths.
 * The index is built on the first search and kept current by the store's newest version id: a search
 * checks it with one small query and, when the store changed, reads only the versions written since the
 * version it last saw (newest first, up to {@link MAX_INCREMENTAL_VERSIONS}) and re-indexes the memories
 * they touch; writers other than this process — the CLI, folder sync, a dream's apply — are seen on the
 * next search. More versions than that, or a history it cannot follow, re-reads the listing and
 * re-indexes only the memories whose `content_sha256` changed.
 */
import MiniSearch from 'minisearch';
import type { Memory, MemoryVersion } from '../domain/types.js';
import { listTree } from '../service/memory-tree.js';
import type { Reverie } from '../service/reverie.js';
import { toToolPath } from './memory-paths.js';

/** One search hit: the memory's tool path (`/memories/…`), its BM25+ score, and the best matching lines. */
export interface SearchHit {
  path: string;
  score: number;
  /** Up to `snippetLines` lines of the memory around the first line that holds a matched term, `N: line` each. */
  snippet: string;
  /** The query terms that matched. */
  terms: string[];
}

interface Doc {
  id: string;
  path: string;
  content: string;
}

/** Versions since the last seen head that a search applies one by one; beyond, it re-reads the listing. */
export const MAX_INCREMENTAL_VERSIONS = 1_000;

/**
 * A search index over one store. Not shared between stores; safe to keep for the life of a server.
 * @example
 *   const search = new MemorySearch(reverie, 'memstore_…');
 *   const hits = await search.search('refund policy', { limit: 5 });
 */
export class MemorySearch {
  readonly #reverie: Reverie;
  readonly #storeId: string;
  #index: MiniSearch<Doc> | null = null;
  #hashes = new Map<string, string>();
  #content = new Map<string, Doc>();
  #head: string | null | undefined;
  /** Document frequency of each lowercased word (path and content). */
  #df = new Map<string, number>();

  constructor(reverie: Reverie, storeId: string) {
    this.#reverie = reverie;
    this.#storeId = storeId;
  }

  /**
   * Ranked hits for `query` (words of 3+ letters also match as prefixes; when nothing matches, light
   * fuzzy matching — edit distance ≤ 20% of the word — is tried; a path match counts double).
   * @param opts.limit at most this many hits (default 10); `snippetLines` lines per snippet (default 3);
   *   `pathPrefix` only memories under this folder (a store path `/mistakes/` or a tool path
   *   `/memories/mistakes/`).
   * @throws NotFoundError for an unknown store.
   */
  async search(
    query: string,
    opts: { limit?: number; snippetLines?: number; pathPrefix?: string } = {},
  ): Promise<SearchHit[]> {
    const index = await this.#fresh();
    const prefix = opts.pathPrefix?.replace(/^\/memories(?=\/)/, '');
    const base = {
      boost: { path: 2 },
      combineWith: 'OR',
      prefix: (t: string) => t.length >= 3,
      ...(prefix ? { filter: (r: { id: string }) => this.#content.get(r.id)!.path.startsWith(prefix) } : {}),
    } as const;
    const words = [...new Set(tokenize(query).map((w) => w.toLowerCase()))];
    // Words in more than half of the memories carry almost no BM25 weight (idf ≈ 0) but cost a score per
    // memory: with rarer words in the query, they are left out (and kept if the rest finds nothing).
    const rare = words.filter((w) => (this.#df.get(w) ?? 0) <= this.#content.size / 2);
    let hits = rare.length > 0 && rare.length < words.length ? index.search(rare.join(' '), base) : [];
    if (hits.length === 0) hits = index.search(query, base);
    // Fuzzy matching costs an edit-distance walk of the index per term: only when the words found nothing.
    if (hits.length === 0) hits = index.search(query, { ...base, fuzzy: 0.2 });
    return hits.slice(0, opts.limit ?? 10).map((h) => {
      const doc = this.#content.get(h.id as string)!;
      return {
        path: toToolPath(doc.path),
        score: Math.round(h.score * 1000) / 1000,
        snippet: snippet(doc.content, h.terms, opts.snippetLines ?? 3),
        terms: h.queryTerms,
      };
    });
  }

  async #fresh(): Promise<MiniSearch<Doc>> {
    const first = await this.#reverie.listVersions(this.#storeId, { limit: 1 });
    const head = first.data[0]?.id ?? null;
    if (this.#index && head === this.#head) return this.#index;
    if (!this.#index) {
      this.#index = new MiniSearch<Doc>({ fields: ['path', 'content'], tokenize });
      const all = await this.#reverie.snapshot(this.#storeId);
      for (const m of all) this.#put(m);
    } else {
      const since = this.#head ? await this.#versionsSince(this.#head, first) : null;
      if (!since || !this.#apply(since)) await this.#refresh();
    }
    this.#head = head;
    return this.#index;
  }

  /**
   * The versions newer than `known`, newest first, paging on from `first` (the newest version), or null
   * when `known` is not among the newest {@link MAX_INCREMENTAL_VERSIONS}.
   */
  async #versionsSince(known: string, first: { data: MemoryVersion[]; next_page: string | null }) {
    const out: MemoryVersion[] = [];
    let page = first;
    for (;;) {
      for (const v of page.data) {
        if (v.id === known) return out;
        out.push(v);
      }
      if (!page.next_page || out.length >= MAX_INCREMENTAL_VERSIONS) return null;
      page = await this.#reverie.listVersions(this.#storeId, { limit: 100, page: page.next_page });
    }
  }

  /**
   * Applies versions (newest first: the first one per memory is its state now) to the index.
   * @returns false, having changed nothing, when one of them has no content (redacted): re-read instead.
   */
  #apply(versions: MemoryVersion[]): boolean {
    const latest = new Map<string, MemoryVersion>();
    for (const v of versions) if (!latest.has(v.memory_id)) latest.set(v.memory_id, v);
    const live = [...latest.values()].filter((v) => v.operation !== 'deleted');
    if (live.some((v) => v.content === null || v.path === null || v.content_sha256 === null)) return false;
    for (const v of latest.values()) {
      if (v.operation === 'deleted') this.#drop(v.memory_id);
      else
        this.#put({ id: v.memory_id, path: v.path!, content: v.content, content_sha256: v.content_sha256! });
    }
    return true;
  }

  async #refresh(): Promise<void> {
    const live = await listTree(this.#reverie, this.#storeId, '/');
    const seen = new Set<string>();
    for (const m of live) {
      seen.add(m.id);
      const cur = this.#content.get(m.id);
      if (this.#hashes.get(m.id) === m.content_sha256 && cur?.path === m.path) continue;
      this.#put(await this.#reverie.getMemory(this.#storeId, m.id));
    }
    for (const id of [...this.#hashes.keys()]) if (!seen.has(id)) this.#drop(id);
  }

  #drop(id: string): void {
    const doc = this.#content.get(id);
    if (!doc) return;
    this.#index!.discard(id);
    this.#count(doc, -1);
    this.#hashes.delete(id);
    this.#content.delete(id);
  }

  #put(m: Pick<Memory, 'id' | 'path' | 'content' | 'content_sha256'>): void {
    const doc: Doc = { id: m.id, path: m.path, content: m.content ?? '' };
    const old = this.#content.get(m.id);
    if (old) this.#count(old, -1);
    this.#count(doc, 1);
    if (this.#index!.has(m.id)) this.#index!.replace(doc);
    else this.#index!.add(doc);
    this.#hashes.set(m.id, m.content_sha256);
    this.#content.set(m.id, doc);
  }

  #count(doc: Doc, by: 1 | -1): void {
    const words = new Set([...tokenize(doc.path), ...tokenize(doc.content)].map((w) => w.toLowerCase()));
    for (const w of words) this.#df.set(w, (this.#df.get(w) ?? 0) + by);
  }
}

/** Words of a path or text: runs of letters and digits (paths split on `/`, `-`, `_`, `.`). */
function tokenize(text: string): string[] {
  return text.match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** The lines around the first line holding one of `terms` (case-insensitive), numbered from 1. */
function snippet(content: string, terms: string[], n: number): string {
  const lines = content.split('\n');
  const lower = terms.map((t) => t.toLowerCase());
  let at = lines.findIndex((l) => lower.some((t) => l.toLowerCase().includes(t)));
  if (at < 0) at = 0;
  const from = Math.max(0, at - Math.floor((n - 1) / 2));
  return lines
    .slice(from, from + n)
    .map((l, i) => `${from + i + 1}: ${l.length > 240 ? `${l.slice(0, 240)}…` : l}`)
    .join('\n');
}
