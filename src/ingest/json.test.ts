import { describe, expect, it } from 'vitest';
import { MAX_NESTING_DEPTH, nestsDeeperThan } from './json.js';

/** An array nested `depth` levels deep (the outer array is level 1), built without recursion. */
function nested(depth: number): unknown[] {
  const root: unknown[] = [];
  let cur = root;
  for (let i = 1; i < depth; i++) {
    const next: unknown[] = [];
    cur.push(next);
    cur = next;
  }
  return root;
}

describe('nestsDeeperThan', () => {
  it('counts the value itself as level 1, through arrays and objects', () => {
    expect(nestsDeeperThan(nested(MAX_NESTING_DEPTH))).toBe(false);
    expect(nestsDeeperThan(nested(MAX_NESTING_DEPTH + 1))).toBe(true);
    expect(nestsDeeperThan({ a: { b: [1, { c: 2 }] } }, 4)).toBe(false);
    expect(nestsDeeperThan({ a: { b: [1, { c: {} }] } }, 4)).toBe(true);
    expect(nestsDeeperThan('text')).toBe(false);
    expect(nestsDeeperThan(null)).toBe(false);
  });
  it('answers for 100,000 levels without overflowing the stack', () => {
    expect(nestsDeeperThan(nested(100_000))).toBe(true);
    expect(nestsDeeperThan({ x: nested(100_000) })).toBe(true);
  });
});
