import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../domain/index.js';
import { createOfflineEngine } from '../offline-engine.js';
import { DEFAULT_DREAM_OPTIONS, type InputMemory } from '../types.js';
import { valueTerms } from './memory-cleanup.js';

const engine = createOfflineEngine();

function memory(path: string, content: string): InputMemory {
  return { path, content, content_sha256: sha256Hex(content), updated_at: '2026-01-01T00:00:00.000Z' };
}

const FIRST = ['Mia', 'Omar', 'Lena', 'Ravi', 'Ines', 'Kofi', 'Yuki', 'Noah', 'Sara', 'Tomas'];
const LAST = ['Li', 'Khan', 'Berg', 'Rao', 'Silva', 'Mensah', 'Sato', 'Kim', 'Cohen', 'Novak'];
const AIRPORTS = ['JFK', 'SFO', 'ORD', 'LAX', 'SEA', 'BOS', 'DEN', 'ATL', 'MIA', 'PHX'];

/** Fact i of a templated store: every value (name, user id, airport, year, seat) differs between facts. */
function fact(i: number): { text: string; id: string } {
  const first = FIRST[i % 10]!;
  const last = LAST[Math.floor(i / 10) % 10]!;
  const id = `${first.toLowerCase()}_${last.toLowerCase()}_${1000 + i}`;
  return {
    id,
    text: `Customer ${first} ${last} (user id ${id}) flies from ${AIRPORTS[Math.floor(i / 100) % 10]} and has held gold status since ${1990 + (i % 30)}, seat ${(i % 40) + 1}A.`,
  };
}

describe('duplicate merge keeps every value', () => {
  it('3,000 memories holding 1,500 distinct templated facts: only true duplicates merge, no value is lost', async () => {
    const memories: InputMemory[] = [];
    for (let i = 0; i < 1500; i++) {
      const f = fact(i);
      memories.push(memory(`/customers/c${String(i).padStart(4, '0')}.md`, `${f.text}\n`));
      // the same fact again, worded as a note
      memories.push(memory(`/notes/n${String(i).padStart(4, '0')}.md`, `Note: ${f.text}\n`));
    }
    const r = await engine.run({ memories, sessions: [], options: DEFAULT_DREAM_OPTIONS });
    const out = r.files.map((f) => f.content).join('\n');
    const lost = Array.from({ length: 1500 }, (_, i) => fact(i).id).filter((id) => !out.includes(id));
    expect(lost).toEqual([]);
    const deletes = r.changes.filter((c) => c.op === 'delete');
    expect(deletes.length).toBeLessThanOrEqual(1500);
    // every delete's survivor states the deleted memory's values
    const files = new Map(r.files.map((f) => [f.path, f.content]));
    for (const d of deletes) {
      const into = /merged into (\S+)/.exec(d.reason)![1]!;
      const id = /user id (\S+)\)/.exec(d.before!)![1]!;
      expect(files.get(into)).toContain(id);
    }
  }, 60_000);

  it('does not merge two similar memories that state different values', async () => {
    const a = 'The staging database runs Postgres 15 on host db-7 in eu-west-1.\n';
    const b = 'The staging database runs Postgres 16 on host db-9 in eu-west-1.\n';
    const r = await engine.run({
      memories: [memory('/notes/a.md', a), memory('/notes/b.md', b)],
      sessions: [],
      options: DEFAULT_DREAM_OPTIONS,
    });
    expect(r.changes.filter((c) => c.op === 'delete')).toEqual([]);
  });

  it('a near-duplicate merge moves every line holding a word the survivor lacks', async () => {
    const r = await engine.run({
      memories: [
        memory('/preferences/pm.md', 'Use pnpm, not npm.\n'),
        memory('/notes/pm.md', 'Use pnpm, not npm.\nThe lockfile is committed in every repository.\n'),
      ],
      sessions: [],
      options: DEFAULT_DREAM_OPTIONS,
    });
    const survivor = r.files.find((f) => f.path === '/preferences/pm.md')!.content;
    expect(r.files.some((f) => f.path === '/notes/pm.md')).toBe(false);
    expect(survivor).toContain('The lockfile is committed in every repository.');
  });
});

describe('valueTerms', () => {
  it('collects numbers, identifiers, quoted strings and names, normalized like duplicate tokens', () => {
    expect(valueTerms('Support hours: 08:00 to 20:00 CET, Monday to Saturday.')).toEqual(
      expect.arrayContaining(['t0800', 't2000', 'cet', 'monday', 'saturday']),
    );
    expect(valueTerms('Ask mia_li_3668 about "blue sky" first.')).toEqual(
      expect.arrayContaining(['mia_li_3668', 'blue', 'sky']),
    );
    expect(valueTerms('Use pnpm, not npm.')).toEqual([]);
  });
});

describe('a store at the memory limit', () => {
  /** `n` distinct memories; the last `dups` repeat earlier ones word for word. */
  const store = (n: number, dups: number): InputMemory[] =>
    Array.from({ length: n }, (_, i) => {
      const k = i >= n - dups ? i - (n - dups) : i;
      return memory(`/notes/m${String(i).padStart(5, '0')}.md`, `${fact(k).text}\n`);
    });

  it('can still be dreamed: merges and deletions shrink a store of 10,000 memories', async () => {
    const memories = store(10_000, 20);
    const r = await engine.run({ memories, sessions: [], options: DEFAULT_DREAM_OPTIONS });
    const deletes = r.changes.filter((c) => c.op === 'delete');
    expect(deletes).toHaveLength(20);
    expect(deletes.every((c) => c.reason.includes('exact duplicate'))).toBe(true);
    // the index fits once the store shrank
    expect(r.files).toHaveLength(10_000 - 20 + 1);
    expect(r.files.some((f) => f.path === '/MEMORY.md')).toBe(true);
  }, 120_000);

  it('never grows a store at or over the limit (no new index file), and does not fail', async () => {
    for (const n of [10_000, 10_003]) {
      const memories = store(n, 0);
      const r = await engine.run({ memories, sessions: [], options: DEFAULT_DREAM_OPTIONS });
      expect(r.files.length).toBe(n);
      expect(r.changes.filter((c) => c.op === 'create')).toEqual([]);
    }
  }, 120_000);
});
