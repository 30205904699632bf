/**
 * `npm run fuzz -- --files 5000 --seed N` — the long fuzz run of issue 7: seeded mutations of the real
 * transcripts in ../shared/data (test/fuzz-corpus.ts) imported into a fresh SQLite database through
 * the service layer, checking that nothing crashes, every failure is an import error naming its file,
 * and nothing is half-written (test/fuzz-run.ts). Prints the counts (per mutation too) and the first
 * problems; exits 1 if there is any. The CI suite (test/fuzz.test.ts) runs 300 files of seed `ci-1`.
 *
 * Usage: node dist/bench/fuzz.js [--files N (default 1000)] [--seed S (default: now)] [--data DIR]
 *        [--keep] [--json]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadBases } from '../test/fuzz-corpus.js';
import { type FuzzCounts, runFuzz } from '../test/fuzz-run.js';

const repo = resolve(fileURLToPath(import.meta.url), '../../..');
const { values } = parseArgs({
  options: {
    files: { type: 'string', default: '1000' },
    seed: { type: 'string', default: String(Date.now()) },
    data: { type: 'string', default: resolve(repo, '../shared/data') },
    keep: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
const files = Number(values.files);
if (!Number.isInteger(files) || files < 1) throw new Error('--files: expected a positive integer');

const dir = mkdtempSync(join(tmpdir(), 'reverie-fuzz-'));
const t0 = performance.now();
let counts: FuzzCounts;
try {
  counts = await runFuzz({
    bases: loadBases(values.data),
    files,
    seed: values.seed,
    dir,
    onFile: (i) => {
      if (!values.json && process.stderr.isTTY && i % 50 === 0) process.stderr.write(`\r${i}/${files}`);
    },
  });
} finally {
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
}
const seconds = (performance.now() - t0) / 1000;
const bad = counts.crashes + counts.internal_errors + counts.unnamed_errors + counts.half_written;
if (values.json) {
  process.stdout.write(`${JSON.stringify({ seed: values.seed, seconds, ...counts }, null, 2)}\n`);
} else {
  if (process.stderr.isTTY) process.stderr.write('\r');
  const c = counts;
  const lines = [
    `fuzz seed ${values.seed}: ${c.files} files in ${seconds.toFixed(1)} s${values.keep ? ` (kept in ${dir})` : ''}`,
    `  imported ${c.imported} (${c.warned} with warnings), failed ${c.failed}`,
    `  crashes ${c.crashes}, internal errors ${c.internal_errors}, errors not naming the file ${c.unnamed_errors}, half-written ${c.half_written}`,
    '  mutation          files  failed',
    ...Object.entries(c.by_mutation)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([m, r]) => `  ${m.padEnd(16)} ${String(r.files).padStart(6)}  ${String(r.failed).padStart(6)}`),
    ...c.problems.map((p) => `  problem: ${p}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
process.exitCode = bad > 0 ? 1 : 0;
