/**
 * The dream-quality benchmark: a seeded generator of synthetic sessions with planted ground truth,
 * scorers, real-data suites (τ-bench, mini-swe-agent, LoCoMo, the hand-labelled real corpora) and
 * the runner behind `reverie eval` and `npm run bench:quality`.
 */

export {
  allItemDefs,
  GENERATION_START_MS,
  type GenerateOptions,
  generatePlanted,
} from './generator/generate.js';
export { Rng } from './generator/prng.js';
/** Ground-truth file types (documented in ground-truth.ts). */
export type * from './ground-truth.js';
export {
  allCorpusLabels,
  type CorpusLabels,
  type NoiseLabel,
  type PatternLabel,
  parseCorpusLabels,
} from './labels/schema.js';
export { type LocomoConversation, type LocomoScore, loadLocomo, scoreLocomo } from './locomo.js';
export { formatReportMarkdown, formatReportTable } from './report.js';
export {
  EVAL_SUITES,
  type EvalModel,
  type EvalOptions,
  type EvalReport,
  type EvalSuite,
  OFFLINE_MODEL,
  type OutputSummary,
  type RealCorpusReport,
  runEval,
  TARGETS,
  type TargetCheck,
} from './runner.js';
export { type CoverageScore, errorTemplate, maskVariables, scoreCoverage } from './scorers/coverage.js';
export { hasMarker, matchesSpec } from './scorers/markers.js';
export { classifyFile } from './scorers/memory-files.js';
export { oracleResult } from './scorers/oracle.js';
export { type DreamOutput, type InputFile, type PlantedScores, scorePlanted } from './scorers/planted.js';
export {
  type CalibrationBucket,
  calibrationTable,
  type JudgedProposal,
  judgeProposal,
  type Proposal,
  proposalsFromChanges,
  type RealCorpusScore,
  scoreRealCorpus,
  type Verdict,
} from './scorers/real.js';
export { scanSecrets } from './scorers/secret-patterns.js';
