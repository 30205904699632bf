import { describe, expect, it } from 'vitest';
import { clusterNearDuplicates, jaccardSorted, minHashSignature, UnionFind } from './similarity.js';

describe('similarity', () => {
  it('computes Jaccard on sorted token arrays', () => {
    expect(jaccardSorted(['a', 'b', 'c'], ['b', 'c', 'd'])).toBe(0.5);
    expect(jaccardSorted([], [])).toBe(1);
  });

  it('MinHash agreement approximates Jaccard', () => {
    const a = Array.from({ length: 100 }, (_, i) => `t${i}`).sort();
    const b = Array.from({ length: 100 }, (_, i) => `t${i + 25}`).sort(); // J = 75/125 = 0.6
    const sa = minHashSignature(a, 256);
    const sb = minHashSignature(b, 256);
    let same = 0;
    for (let i = 0; i < 256; i++) if (sa[i] === sb[i]) same++;
    expect(same / 256).toBeGreaterThan(0.45);
    expect(same / 256).toBeLessThan(0.75);
  });

  it('clusters near-duplicates deterministically and respects accept()', () => {
    const sets = [
      ['deploy', 'friday', 'never', 'production'],
      ['alpha', 'beta', 'gamma'],
      ['deploy', 'friday', 'never', 'production', 'please'],
      ['alpha', 'beta', 'gamma'],
    ];
    expect(clusterNearDuplicates(sets, { threshold: 0.7 })).toEqual([
      [0, 2],
      [1, 3],
    ]);
    expect(clusterNearDuplicates(sets, { threshold: 0.7, accept: (i) => i !== 1 })).toEqual([
      [0, 2],
      [1],
      [3],
    ]);
  });

  it('union-find groups by smallest member', () => {
    const uf = new UnionFind(4);
    uf.union(3, 1);
    expect(uf.groups()).toEqual([[0], [1, 3], [2]]);
  });
});
