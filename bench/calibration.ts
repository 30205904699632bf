/**
 * `npm run bench:calibration` — reliability tables of the offline engine's confidences (issue 8:
 * proposals at confidence ≥ 0.9 must be right at least 90% of the time): per confidence bucket, how many
 * proposed memories there were and how many were right.
 *
 * - **real**: the hand-labelled real corpora (`reverie eval --suite real`): right = verdict `correct`.
 * - **planted** (`--phrasings train|test`, default both): the memories the dream created or changed of
 *   kinds mistake, workflow, preference, fact and feedback; right = not a false positive of the planted
 *   scorer (memories the scorer carries over from an input memory count as right: they restate it).
 *
 * Usage: node dist/bench/calibration.js [--sessions N] [--seed S] [--phrasings train|test] [--data DIR]
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createOfflineEngine, type DreamEngine, type DreamResult } from '../src/dream/index.js';
import { runEval } from '../src/eval/index.js';
import { CALIBRATION_EDGES } from '../src/eval/scorers/real.js';

const repo = resolve(fileURLToPath(import.meta.url), '../../..');
const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i === -1 ? undefined : process.argv[i + 1];
};
const sessions = Number(arg('--sessions') ?? 200);
const seed = arg('--seed') ?? '1';
const halves = arg('--phrasings') ? [arg('--phrasings') as 'train' | 'test'] : (['train', 'test'] as const);
const dataDir = resolve(arg('--data') ?? process.env.REVERIE_EVAL_DATA ?? resolve(repo, '../shared/data'));

/** One judged proposal. */
interface Judged {
  confidence: number;
  right: boolean;
}

function table(title: string, judged: readonly Judged[]): string {
  const rows = [`${title}`, 'confidence    proposals  right  fraction right'];
  for (let i = 0; i + 1 < CALIBRATION_EDGES.length; i++) {
    const from = CALIBRATION_EDGES[i]!;
    const to = CALIBRATION_EDGES[i + 1]!;
    const last = i + 2 === CALIBRATION_EDGES.length;
    const inside = judged.filter(
      (j) => j.confidence >= from && (last ? j.confidence <= to : j.confidence < to),
    );
    const right = inside.filter((j) => j.right).length;
    const range = `[${from.toFixed(1)}, ${to.toFixed(1)}${last ? ']' : ')'}`;
    rows.push(
      `${range.padEnd(14)}${String(inside.length).padEnd(11)}${String(right).padEnd(7)}${
        inside.length ? (right / inside.length).toFixed(2) : 'n/a'
      }`,
    );
  }
  return `${rows.join('\n')}\n`;
}

/** An engine that records the result of its last run. */
function recording(): { engine: DreamEngine; last: () => DreamResult } {
  const inner = createOfflineEngine();
  let result: DreamResult | null = null;
  return {
    engine: {
      id: inner.id,
      version: inner.version,
      run: async (req, hooks) => {
        result = await inner.run(req, hooks);
        return result;
      },
    },
    last: () => result!,
  };
}

const SESSION_KINDS = new Set(['mistake', 'workflow', 'preference', 'fact', 'feedback']);

for (const phrasings of halves) {
  const rec = recording();
  const report = await runEval('planted', { sessions, seed, phrasings, engine: rec.engine });
  const fp = new Set(Object.values(report.planted!.kinds).flatMap((k) => k.false_positive_paths));
  const judged = rec
    .last()
    .changes.filter((c) => (c.op === 'create' || c.op === 'update') && SESSION_KINDS.has(c.kind))
    .map((c) => ({ confidence: c.confidence, right: !fp.has(c.path) }));
  process.stdout.write(table(`planted, ${sessions} sessions, seed ${seed}, ${phrasings} phrasings:`, judged));
}
if (existsSync(resolve(dataDir, 'tau-bench'))) {
  const report = await runEval('real', { dataDir });
  const judged = report.real!.corpora.flatMap((c) =>
    c.proposals.map((p) => ({ confidence: p.confidence, right: p.verdict === 'correct' })),
  );
  process.stdout.write(table('real labelled corpora:', judged));
} else process.stdout.write(`real: skipped (no tau-bench under ${dataDir})\n`);
