import { describe, expect, it } from 'vitest';
import { conflictsWith } from './precedence.js';

describe('precedence between scopes', () => {
  it('finds the memories at the same path or whose facts contradict, and nothing else', () => {
    const team = { path: '/facts/packages.md', content: '---\nkind: fact\n---\nPackage manager: pnpm\n' };
    expect(
      conflictsWith(team, [
        { path: '/facts/packages.md', content: 'anything' },
        { path: '/facts/mine.md', content: 'Package manager: yarn\n' },
        { path: '/facts/same.md', content: 'Package manager: pnpm\n' },
        { path: '/facts/other.md', content: 'Test runner: vitest\n' },
      ]),
    ).toEqual([
      { path: '/facts/packages.md', why: 'same_path' },
      { path: '/facts/mine.md', why: 'contradiction' },
    ]);
    expect(
      conflictsWith({ path: '/a.md', content: 'no facts here' }, [
        { path: '/b.md', content: 'Package manager: yarn' },
      ]),
    ).toEqual([]);
  });
});
