/**
 * Near-duplicate detection in (near-)linear time: token-set Jaccard similarity, MinHash signatures
 * (Broder 1997, "On the resemblance and containment of documents") with double hashing
 * (Kirsch & Mitzenmacher 2006), and locality-sensitive hashing by banding (Indyk & Motwani 1998;
 * Leskovec, Rajaraman & Ullman, "Mining of Massive Datasets", ch. 3) so that only items sharing a band
 * are compared. Union-find (Tarjan 1975) groups the verified pairs. Everything is deterministic.
 */

/** Jaccard similarity |A∩B| / |A∪B| of two sorted, de-duplicated token arrays; 1 for two empty sets. */
export function jaccardSorted(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 && b.length === 0) return 1;
  let i = 0;
  let j = 0;
  let inter = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      inter++;
      i++;
      j++;
    } else if (a[i]! < b[j]!) i++;
    else j++;
  }
  return inter / (a.length + b.length - inter);
}

/** Containment |A∩B| / |A| of sorted token arrays (how much of A is inside B); 0 when A is empty. */
export function containmentSorted(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0) return 0;
  let i = 0;
  let j = 0;
  let inter = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      inter++;
      i++;
      j++;
    } else if (a[i]! < b[j]!) i++;
    else j++;
  }
  return inter / a.length;
}

/** 32-bit FNV-1a hash of a string's UTF-16 code units, with an optional seed mixed into the offset basis. */
export function fnv1a32(text: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // final avalanche (murmur3 fmix32) so nearby strings spread over all bits
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * MinHash signature of a token set: for each of `k` hash functions h_i(x) = h1(x) + i·h2(x) (mod 2^32),
 * the minimum over the tokens. Two signatures agree in a position with probability equal to the
 * Jaccard similarity of the sets. An empty set gets all-`0xffffffff`.
 */
export function minHashSignature(tokens: Iterable<string>, k = 64): Uint32Array {
  const sig = new Uint32Array(k).fill(0xffffffff);
  for (const t of tokens) {
    const h1 = fnv1a32(t, 0);
    const h2 = fnv1a32(t, 0x9e3779b9) | 1;
    for (let i = 0; i < k; i++) {
      const v = (h1 + Math.imul(i, h2)) >>> 0;
      if (v < sig[i]!) sig[i] = v;
    }
  }
  return sig;
}

/** Disjoint-set forest with path halving and union by index (smaller index becomes the root). */
export class UnionFind {
  #parent: Int32Array;
  /** Makes `n` singleton sets `0..n-1`. */
  constructor(n: number) {
    this.#parent = new Int32Array(n);
    for (let i = 0; i < n; i++) this.#parent[i] = i;
  }
  /** The representative (smallest member index ever united, by construction) of `x`'s set. */
  find(x: number): number {
    const p = this.#parent;
    while (p[x] !== x) {
      p[x] = p[p[x]!]!;
      x = p[x]!;
    }
    return x;
  }
  /** Unites the sets of `a` and `b`; returns false if they were already one set. */
  union(a: number, b: number): boolean {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return false;
    if (ra < rb) this.#parent[rb] = ra;
    else this.#parent[ra] = rb;
    return true;
  }
  /** The sets as arrays of member indices, each sorted, ordered by their smallest member. */
  groups(): number[][] {
    const byRoot = new Map<number, number[]>();
    for (let i = 0; i < this.#parent.length; i++) {
      const r = this.find(i);
      let g = byRoot.get(r);
      if (!g) {
        g = [];
        byRoot.set(r, g);
      }
      g.push(i);
    }
    return [...byRoot.values()].sort((x, y) => x[0]! - y[0]!);
  }
}

/** Options of {@link clusterNearDuplicates}. */
export interface NearDuplicateOptions {
  /** Minimum Jaccard similarity of two token sets to unite them. In (0, 1]. */
  threshold: number;
  /** LSH bands and rows per band; signatures have `bands × rows` hashes. Defaults 16 × 4 (good for ≥ 0.6). */
  bands?: number;
  rows?: number;
  /** Optional extra test that must also pass to unite two items (e.g. "not contradicting"). */
  accept?: (i: number, j: number) => boolean;
  /** Also unite when the smaller set is at least this contained in the larger (and has ≥ 4 tokens). */
  containment?: number;
}

/**
 * Groups items whose token sets are near-duplicates (Jaccard ≥ `threshold`), using MinHash + LSH
 * banding to find candidate pairs and an exact Jaccard check to verify them. Buckets with more than
 * 64 members are compared star-wise against their first member only, which keeps the cost linear
 * for huge buckets (a documented approximation).
 * @param tokenSets sorted, de-duplicated token arrays (see `contentTokens`).
 * @returns groups of item indices (each sorted), singletons included, ordered by smallest member.
 */
export function clusterNearDuplicates(
  tokenSets: readonly (readonly string[])[],
  opts: NearDuplicateOptions,
): number[][] {
  const bands = opts.bands ?? 16;
  const rows = opts.rows ?? 4;
  const uf = new UnionFind(tokenSets.length);
  const tried = new Set<number>();
  const n = tokenSets.length;
  const check = (i: number, j: number): void => {
    if (i === j) return;
    const a = Math.min(i, j);
    const b = Math.max(i, j);
    const key = a * n + b;
    if (tried.has(key)) return;
    tried.add(key);
    if (uf.find(a) === uf.find(b)) return;
    const sa = tokenSets[a]!;
    const sb = tokenSets[b]!;
    let similar = jaccardSorted(sa, sb) >= opts.threshold;
    if (!similar && opts.containment !== undefined) {
      const [small, large] = sa.length <= sb.length ? [sa, sb] : [sb, sa];
      similar = small.length >= 4 && containmentSorted(small, large) >= opts.containment;
    }
    if (similar && (!opts.accept || opts.accept(a, b))) uf.union(a, b);
  };
  const sigs = tokenSets.map((t) => minHashSignature(t, bands * rows));
  for (let band = 0; band < bands; band++) {
    const buckets = new Map<string, number[]>();
    for (let i = 0; i < sigs.length; i++) {
      if (tokenSets[i]!.length === 0) continue;
      const s = sigs[i]!;
      let key = `${band}`;
      for (let r = 0; r < rows; r++) key += `:${s[band * rows + r]!.toString(36)}`;
      const b = buckets.get(key);
      if (b) b.push(i);
      else buckets.set(key, [i]);
    }
    for (const members of buckets.values()) {
      if (members.length < 2) continue;
      if (members.length <= 64) {
        for (let x = 0; x < members.length; x++)
          for (let y = x + 1; y < members.length; y++) check(members[x]!, members[y]!);
      } else {
        for (let x = 1; x < members.length; x++) check(members[0]!, members[x]!);
      }
    }
  }
  return uf.groups();
}
