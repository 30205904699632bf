/**
 * The CI fuzz suite (issue 7): 300 seeded mutations of real transcripts from ../shared/data imported
 * through the service layer; 0 crashes, 0 internal errors, every failure naming its file, nothing
 * half-written. The long run is `npm run fuzz -- --files 5000 --seed N` (bench/fuzz.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DATA } from './data.js';
import { loadBases, MUTATIONS, makeCase } from './fuzz-corpus.js';
import { runFuzz } from './fuzz-run.js';

const dir = mkdtempSync(join(tmpdir(), 'reverie-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fuzz: mutated real transcripts', () => {
  const bases = loadBases(DATA);

  it('cases are seeded: the same seed gives the same bytes, another seed other bytes', () => {
    expect(bases.length).toBe(128);
    const a = makeCase(bases, 'ci', 7);
    expect(makeCase(bases, 'ci', 7)).toEqual(a);
    expect(makeCase(bases, 'other', 7).bytes.equals(a.bytes)).toBe(false);
  });

  it('300 files: 0 crashes, 0 internal errors, every failure names its file, 0 half-written', async () => {
    const counts = await runFuzz({ bases, files: 300, seed: 'ci-1', dir });
    expect(counts.problems).toEqual([]);
    expect(counts).toMatchObject({
      files: 300,
      crashes: 0,
      internal_errors: 0,
      unnamed_errors: 0,
      half_written: 0,
    });
    // The run exercised both outcomes and every mutation.
    expect(counts.imported).toBeGreaterThan(30);
    expect(counts.failed).toBeGreaterThan(30);
    expect(counts.warned).toBeGreaterThan(0);
    expect(Object.keys(counts.by_mutation).sort()).toEqual([...MUTATIONS].sort());
  });
});
