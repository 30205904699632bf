/**
 * Full-text search over one memory store for agents (`memory_search`): a MiniSearch index (BM25+ ranking,
 * https://lucaong.github.io/minisearch/) of each memory's path and content, ranked snippets with paths.
 * The index is built on the first search and kept current by the store's newest version id: a search
 * checks it with one small query and, when the store changed, reads only the versions written since the
 * version it last saw (newest first, up to {@link MAX_INCREMENTAL_VERSIONS}) and re-indexes the memories
 * they touch; writers other than this process — the CLI, folder sync, a dream's apply — are seen on the
 * next search. More versions than that, or a history it cannot follow, re-reads the listing and
 * re-indexes only the memories whose `content_sha256` changed. A word searched a second time at the same
 * store version has its scored matches kept until the store changes, so a query of such words adds up
 * kept scores in arrays instead of running MiniSearch again (the ranking is MiniSearch's OR ranking).
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

/** A scored match: memory id, score, the index terms it matched, and the query words behind them. */
interface Hit {
  id: string;
  score: number;
  terms: string[];
  queryTerms: string[];
}

/** One word's scored matches: parallel arrays of memory ordinals and scores, and the hits by id. */
interface Postings {
  ords: Int32Array;
  scores: Float64Array;
  byId: Map<string, Hit>;
}

/** MiniSearch options of every search: a path match counts double; words of 3+ letters match as prefixes. */
const SEARCH_OPTIONS = {
  boost: { path: 2 },
  combineWith: 'OR',
  prefix: (t: string) => t.length >= 3,
} as const;

/** Scored matches kept across searches (all words together) until the store changes. */
const MAX_CACHED_POSTINGS = 200_000;

/** The `k` highest-scored entries, best first (ties keep their order), without sorting them all. */
function topByScore<T extends { score: number }>(hits: T[], k: number): T[] {
  const top: T[] = [];
  for (const h of hits) {
    if (top.length === k && h.score <= top[k - 1]!.score) continue;
    let i = top.length;
    while (i > 0 && top[i - 1]!.score < h.score) i--;
    top.splice(i, 0, h);
    if (top.length > k) top.pop();
  }
  return top;
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
  /** Each searched word's scored matches at the current head version (oldest word first). */
  #byWord = new Map<string, Postings>();
  /** Memory ids by ordinal, and ordinals by id (see {@link MemorySearch.#ordinal}). */
  #ids: string[] = [];
  #ords = new Map<string, number>();
  /** Scratch sums and match counts of a query, by ordinal; all zero between queries. */
  #sum = new Float64Array(0);
  #matched = new Uint16Array(0);
  #byWordSize = 0;
  /** Words searched at the current head version (a second search of one keeps its scored matches). */
  #seen = new Set<string>();

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
    const inPrefix = prefix ? (id: string) => this.#content.get(id)!.path.startsWith(prefix) : () => true;
    const limit = opts.limit ?? 10;
    const words = [...new Set(tokenize(query).map((w) => w.toLowerCase()))];
    // Words in more than half of the memories carry almost no BM25 weight (idf ≈ 0) but cost a score per
    // memory: with rarer words in the query, they are left out (and kept if the rest finds nothing).
    const rare = words.filter((w) => (this.#df.get(w) ?? 0) <= this.#content.size / 2);
    let hits = rare.length > 0 && rare.length < words.length ? this.#anyOf(rare, inPrefix, limit) : [];
    if (hits.length === 0) hits = this.#anyOf(words, inPrefix, limit);
    // Fuzzy matching costs an edit-distance walk of the index per term: only when the words found nothing.
    if (hits.length === 0)
      hits = index
        .search(query, { ...SEARCH_OPTIONS, fuzzy: 0.2, filter: (r) => inPrefix(r.id as string) })
        .slice(0, limit)
        .map((h) => ({ id: h.id as string, score: h.score, terms: h.terms, queryTerms: h.queryTerms }));
    return hits.map((h) => {
      const doc = this.#content.get(h.id)!;
      return {
        path: toToolPath(doc.path),
        score: Math.round(h.score * 1000) / 1000,
        snippet: snippet(doc.content, h.terms, opts.snippetLines ?? 3),
        terms: h.queryTerms,
      };
    });
  }

  /**
   * The best `limit` memories holding any of `words`, scored as MiniSearch scores an OR query (the sum
   * of each word's BM25+ score, times the number of words matched). A word searched before at this
   * store version has its scored matches kept (until the store changes), so a query of such words only
   * adds up kept scores; otherwise MiniSearch runs the OR query itself.
   */
  #anyOf(words: string[], keep: (id: string) => boolean, limit: number): Hit[] {
    if (!words.every((w) => this.#byWord.has(w) || this.#seen.has(w))) {
      for (const w of words) this.#seen.add(w);
      return this.#index!.search(words.join(' '), { ...SEARCH_OPTIONS, filter: (r) => keep(r.id as string) })
        .slice(0, limit)
        .map((h) => ({ id: h.id as string, score: h.score, terms: h.terms, queryTerms: h.queryTerms }));
    }
    const lists = words.map((w) => this.#postings(w));
    // sums in arrays indexed by each memory's ordinal (Maps keyed by id cost ten times as much here)
    const n = this.#ids.length;
    if (this.#sum.length < n) {
      this.#sum = new Float64Array(n * 2);
      this.#matched = new Uint16Array(n * 2);
    }
    const sum = this.#sum;
    const matched = this.#matched;
    const touched: number[] = [];
    for (const { ords, scores } of lists)
      for (let i = 0; i < ords.length; i++) {
        const o = ords[i]!;
        if (matched[o] === 0) touched.push(o);
        sum[o]! += scores[i]!;
        matched[o]!++;
      }
    const scored: { id: string; score: number }[] = [];
    for (const o of touched) {
      const id = this.#ids[o]!;
      if (keep(id)) scored.push({ id, score: sum[o]! * matched[o]! });
      sum[o] = 0;
      matched[o] = 0;
    }
    return topByScore(scored, limit).map(({ id, score }) => {
      const hits = lists.map((l) => l.byId.get(id)).filter((h) => h !== undefined);
      return {
        id,
        score,
        terms: [...new Set(hits.flatMap((h) => h.terms))],
        queryTerms: hits.flatMap((h) => h.queryTerms),
      };
    });
  }

  /** One word's matches with their BM25+ scores (by memory ordinal, and by id), kept for this store version. */
  #postings(word: string): Postings {
    let p = this.#byWord.get(word);
    if (p) return p;
    const found = this.#index!.search(word, SEARCH_OPTIONS);
    p = { ords: new Int32Array(found.length), scores: new Float64Array(found.length), byId: new Map() };
    for (let i = 0; i < found.length; i++) {
      const h = found[i]!;
      const id = h.id as string;
      p.ords[i] = this.#ordinal(id);
      p.scores[i] = h.score;
      p.byId.set(id, { id, score: h.score, terms: h.terms, queryTerms: h.queryTerms });
    }
    this.#byWordSize += found.length;
    while (this.#byWordSize > MAX_CACHED_POSTINGS && this.#byWord.size > 0) {
      const [oldest, list] = this.#byWord.entries().next().value!;
      this.#byWord.delete(oldest);
      this.#byWordSize -= list.ords.length;
    }
    this.#byWord.set(word, p);
    return p;
  }

  /** The ordinal of memory `id` in this index (assigned on first sight, never reused). */
  #ordinal(id: string): number {
    let o = this.#ords.get(id);
    if (o === undefined) {
      o = this.#ids.length;
      this.#ids.push(id);
      this.#ords.set(id, o);
    }
    return o;
  }

  async #fresh(): Promise<MiniSearch<Doc>> {
    const first = await this.#reverie.listVersions(this.#storeId, { limit: 1 });
    const head = first.data[0]?.id ?? null;
    if (this.#index && head === this.#head) return this.#index;
    this.#byWord.clear();
    this.#byWordSize = 0;
    this.#seen.clear();
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
