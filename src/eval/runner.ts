/**
 * The dream-quality benchmark runner: generate or load transcripts → import through `src/ingest` →
 * build a {@link DreamRequest} (sessions filled in memory, input memories from a folder) → run the
 * engine → score. Suites:
 * - `planted`: the synthetic benchmark with ground truth (`generator/`), scored by `scorePlanted`.
 * - `tau`: τ-bench airline (GPT-4o), dream on trial 0, predictive coverage of trial 1's tool errors; other
 *   τ-bench trajectory files (`tauFiles`) and trial splits (`tauSplit`, e.g. `0-2:3`) can be chosen.
 * - `swe`: mini-swe-agent on 100 django SWE-bench instances, dream on every other instance (sorted by
 *   external id), predictive coverage of the rest's failed commands.
 * - `locomo`: LoCoMo conversations, one dream per conversation, evidence retention vs compression.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import type { Outcome } from '../domain/index.js';
import { createOfflineEngine } from '../dream/index.js';
import {
  DEFAULT_DREAM_OPTIONS,
  type DreamEngine,
  type DreamResult,
  type DreamSessionRef,
  type InputMemory,
} from '../dream/types.js';
import type { ImportedSession } from '../ingest/types.js';
import type { ModelUsage } from '../models/types.js';
import { addUsage } from '../models/usage.js';
import type { Phrasings } from './generator/catalog.js';
import { generatePlanted } from './generator/generate.js';
import type { GroundTruth, ManifestEntry } from './ground-truth.js';
import { allCorpusLabels, type CorpusLabels } from './labels/schema.js';
import { type LocomoScore, loadLocomo, scoreLocomo } from './locomo.js';
import { type CoverageScore, scoreCoverage } from './scorers/coverage.js';
import { classifyFile, INDEX_FILE } from './scorers/memory-files.js';
import { indexLines, type PlantedScores, scorePlanted } from './scorers/planted.js';
import {
  type CalibrationBucket,
  calibrationTable,
  type RealCorpusScore,
  scoreRealCorpus,
} from './scorers/real.js';
import { type SecretHit, scanSecrets } from './scorers/secret-patterns.js';
import {
  eagerRef,
  evalSessionId,
  type ImportFailure,
  importEach,
  lazyRef,
  readMemoryDir,
  toSession,
} from './sessions.js';

/** Benchmark suites. */
export type EvalSuite = 'planted' | 'tau' | 'swe' | 'locomo' | 'real';

/** All suites, in report order. */
export const EVAL_SUITES: readonly EvalSuite[] = ['planted', 'tau', 'swe', 'locomo', 'real'];

/** Options of {@link runEval}. */
export interface EvalOptions {
  /** Planted suite size (sessions). Default 200. Ignored by the other suites. */
  sessions?: number;
  /** Planted suite seed. Default 1. */
  seed?: number | string;
  /**
   * Planted suite: which half of the planted wordings to generate. Default `test` (held-out wordings,
   * what reports state); `train` is the half engine rules may be tuned on.
   */
  phrasings?: Phrasings;
  /**
   * Folder for generated files (planted). Default: a fresh temporary folder, removed afterwards
   * unless `keep` is set. A given folder is kept.
   */
  workDir?: string;
  /** Keep the temporary folder (its path is in the report). */
  keep?: boolean;
  /**
   * Root of the shared real data (`tau-bench/`, `mini-swe-agent/`, `locomo/`). Default: env
   * `REVERIE_EVAL_DATA`, else `../shared/data` from the current directory.
   */
  dataDir?: string;
  /** Engine to evaluate. Default `createOfflineEngine()`. */
  engine?: DreamEngine;
  /**
   * The model behind `engine`, stated in the report (`engine.provider`, `engine.model`). Default: no
   * provider and the offline engine's model id `reverie-offline`.
   */
  model?: EvalModel;
  /** Which copy of the planted support sessions to import. Default `reverie` (keeps outcomes). */
  supportFormat?: 'reverie' | 'openai-chat';
  /** Labelled corpora of the `real` suite. Default {@link allCorpusLabels}(). */
  corpora?: CorpusLabels[];
  /**
   * `tau` suite: τ-bench trajectory files (or folders) to import instead of the shared
   * `tau-bench/airline-gpt-4o.trials-0-1.json`; sessions of every file are pooled, so trials split over
   * several files (e.g. the shared trials 0–1 plus a held-out trials-2+ file) form one time line.
   */
  tauFiles?: string[];
  /**
   * `tau` suite: which trials are dreamed and which are held out, `DREAM:HELDOUT` with trial lists or
   * ranges on each side (see {@link parseTrialSplit}). Default `0:1`. Trials in neither list are left out.
   */
  tauSplit?: string;
}

/** The model an evaluated engine uses: `provider` (`anthropic`, `openai`) and the provider's model id. */
export interface EvalModel {
  provider: string;
  model: string;
}

/** The model id of the offline engine (no provider), as dreams record it. */
export const OFFLINE_MODEL = 'reverie-offline';

/** One labelled corpus of the `real` suite: its scores plus what was imported. */
export interface RealCorpusReport extends RealCorpusScore {
  sessions: number;
  import_failures: ImportFailure[];
  /** Whether the corpus's data may be quoted in docs (false: test use only). */
  quotable: boolean;
}

/** One target check: `value op target`. `value` null (not measurable) fails except for precisions. */
export interface TargetCheck {
  metric: string;
  value: number | null;
  op: '>=' | '<=';
  target: number;
  pass: boolean;
}

/** Figures every suite reports about the dream's output. */
export interface OutputSummary {
  files: number;
  memories: number;
  by_kind: Record<string, number>;
  changes: number;
  changes_by_kind: Record<string, number>;
  index_lines: number;
  index_bytes: number;
  /** Characters of all output files. */
  chars: number;
  /** Secret-looking strings found by the evaluation's own scan. */
  secret_hits: SecretHit[];
}

/** What {@link runEval} returns. Ratios are in [0, 1]; times in ms. */
export interface EvalReport {
  suite: EvalSuite;
  /**
   * The engine evaluated: its id (`offline`, `llm`) and version, the model's provider (null for the
   * offline engine) and model id (`reverie-offline` for the offline engine).
   */
  engine: { id: string; version: string; provider: string | null; model: string };
  /**
   * Model tokens of every dream of the suite, summed (the hosted `usage` shape; all zeros for the offline
   * engine and for answers replayed from fixtures).
   */
  usage: ModelUsage;
  params: Record<string, string | number | boolean | null>;
  input: {
    sessions: number;
    dream_sessions: number;
    events: number;
    tool_errors: number;
    input_memories: number;
    import_failures: ImportFailure[];
  };
  output: OutputSummary;
  timings_ms: { prepare: number; dream: number; score: number; total: number };
  engine_stats: Record<string, number>;
  planted?: PlantedScores;
  coverage?: CoverageScore;
  /** `real` suite: per labelled corpus, and the reliability table over all of them. */
  real?: { corpora: RealCorpusReport[]; calibration: CalibrationBucket[] };
  locomo?: {
    conversations: LocomoScore[];
    evidence_turns: number;
    cited: number;
    retention: number | null;
    memory_chars: number;
    transcript_chars: number;
    compression: number;
  };
  targets: TargetCheck[];
  /** Folder the planted files were generated in (kept only when asked). */
  work_dir: string | null;
}

/** Target values of the planted and τ-bench suites (issue 4). */
export const TARGETS = {
  recall: 0.9,
  precision: 0.9,
  paraphrase_duplicates: 0.05,
  contradiction_accuracy: 0.95,
  /** Issue 8: τ-bench predictive coverage with a time split (issue 4 had 0.8). */
  tau_coverage: 0.85,
  /** Issue 8: precision and recall on every labelled real corpus. */
  real_precision: 0.9,
  real_recall: 0.8,
  /** Issue 15: recall on the Claude Code labels. */
  claude_code_recall: 0.7,
} as const;

/**
 * A target check. `value` null fails, unless `nullPasses` (a precision with nothing to judge: the
 * dream proposed no memory of that kind, so none is wrong; its recall check fails instead).
 */
function check(
  metric: string,
  value: number | null,
  op: '>=' | '<=',
  target: number,
  nullPasses = false,
): TargetCheck {
  const pass = value === null ? nullPasses : op === '>=' ? value >= target : value <= target;
  return { metric, value, op, target, pass };
}

function summarize(result: DreamResult): OutputSummary {
  const files = result.files.map((f) => classifyFile(f.path, f.content));
  const byKind: Record<string, number> = {};
  for (const f of files) if (f.kind !== 'index') byKind[f.kind] = (byKind[f.kind] ?? 0) + 1;
  const changesByKind: Record<string, number> = {};
  for (const c of result.changes)
    changesByKind[`${c.kind}.${c.op}`] = (changesByKind[`${c.kind}.${c.op}`] ?? 0) + 1;
  const idx = result.files.find((f) => f.path === INDEX_FILE)?.content;
  return {
    files: files.length,
    memories: files.filter((f) => f.kind !== 'index').length,
    by_kind: byKind,
    changes: result.changes.length,
    changes_by_kind: changesByKind,
    index_lines: idx === undefined ? 0 : indexLines(idx),
    index_bytes: idx === undefined ? 0 : Buffer.byteLength(idx, 'utf8'),
    chars: result.files.reduce((a, f) => a + f.content.length, 0),
    secret_hits: scanSecrets(result.files),
  };
}

function defaultDataDir(): string {
  return process.env.REVERIE_EVAL_DATA ?? resolve(process.cwd(), '../shared/data');
}

function countErrors(events: { type: string; is_error?: boolean }[]): number {
  return events.filter((e) => e.type === 'agent.tool_result' && e.is_error === true).length;
}

/** Runs one dream and adds its model usage to `report.usage`. */
async function dream(
  report: EvalReport,
  engine: DreamEngine,
  memories: InputMemory[],
  sessions: DreamSessionRef[],
): Promise<DreamResult> {
  const result = await engine.run({ memories, sessions, options: { ...DEFAULT_DREAM_OPTIONS } });
  report.usage = addUsage(report.usage, result.usage);
  return result;
}

/** A fixed import time so that reports are reproducible. */
const IMPORTED_AT = '2026-06-01T00:00:00.000Z';

/**
 * Runs one benchmark suite and scores it.
 * @throws Error when the suite's data cannot be found or read (real-data suites need `dataDir`), or
 *   when every transcript fails to import.
 * @example
 * const report = await runEval('planted', { sessions: 200, seed: 1 });
 * console.log(formatReportTable(report));
 */
export async function runEval(suite: EvalSuite, opts: EvalOptions = {}): Promise<EvalReport> {
  const engine = opts.engine ?? createOfflineEngine();
  const base = (s: EvalSuite) => baseReport(s, engine, opts.model);
  switch (suite) {
    case 'planted':
      return runPlanted(engine, base('planted'), opts);
    case 'tau':
      return runTau(engine, base('tau'), opts);
    case 'swe':
      return runSwe(engine, base('swe'), opts);
    case 'locomo':
      return runLocomo(engine, base('locomo'), opts);
    case 'real':
      return runReal(engine, base('real'), opts);
    default:
      throw new Error(`unknown eval suite: ${String(suite)}`);
  }
}

function baseReport(suite: EvalSuite, engine: DreamEngine, model: EvalModel | undefined): EvalReport {
  return {
    suite,
    engine: {
      id: engine.id,
      version: engine.version,
      provider: model?.provider ?? null,
      model: model?.model ?? OFFLINE_MODEL,
    },
    usage: emptyUsage(),
    params: {},
    input: {
      sessions: 0,
      dream_sessions: 0,
      events: 0,
      tool_errors: 0,
      input_memories: 0,
      import_failures: [],
    },
    output: summarize({ files: [], changes: [], stats: {}, usage: emptyUsage() }),
    timings_ms: { prepare: 0, dream: 0, score: 0, total: 0 },
    engine_stats: {},
    targets: [],
    work_dir: null,
  };
}

function emptyResult(): DreamResult {
  return { files: [], changes: [], stats: {}, usage: emptyUsage() };
}

function emptyUsage(): DreamResult['usage'] {
  return { input_tokens: 0, output_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 };
}

/** The planted corpus's manifest: each transcript file (and its reverie-format copy) → its entry. */
async function readManifest(root: string, gt: GroundTruth): Promise<Map<string, ManifestEntry>> {
  const manifest = new Map<string, ManifestEntry>();
  for (const line of (await readFile(join(root, gt.layout.manifest), 'utf8')).split('\n')) {
    if (line.trim() === '') continue;
    const m = JSON.parse(line) as ManifestEntry;
    manifest.set(m.file, m);
    if (m.reverie_file) manifest.set(m.reverie_file, m);
  }
  return manifest;
}

/**
 * Imports the planted transcripts (coding, and support in the chosen format), each session carrying the
 * agent, user, team, task and outcome its manifest entry gives.
 */
async function importPlanted(
  root: string,
  gt: GroundTruth,
  opts: EvalOptions,
): Promise<{ refs: DreamSessionRef[]; events: number; errors: number; failures: ImportFailure[] }> {
  const manifest = await readManifest(root, gt);
  const supportDir =
    opts.supportFormat === 'openai-chat' ? gt.layout.support_dir : gt.layout.support_reverie_dir;
  const refs: DreamSessionRef[] = [];
  const cache = new Map<string, ImportedSession[]>();
  let events = 0;
  let errors = 0;
  const failures = await importEach([join(root, gt.layout.coding_dir), join(root, supportDir)], (s) => {
    const m = manifest.get(relative(root, s.source_file).split(sep).join('/'));
    const outcome: Outcome | null = m
      ? {
          result: m.outcome.result,
          score: m.outcome.score,
          labels: [m.task],
          explanation: null,
          source: 'reverie-eval.manifest',
        }
      : null;
    const session = toSession(
      s,
      IMPORTED_AT,
      m
        ? {
            agent_id: m.agent_id,
            user_id: m.user_id,
            team_id: m.team_id,
            outcome,
            metadata: { task: m.task },
            hash_root: root,
          }
        : { hash_root: root },
    );
    events += s.events.length;
    errors += countErrors(s.events);
    refs.push(lazyRef(session, cache));
  });
  return { refs, events, errors, failures };
}

/** The planted suite's targets, checked against its scores. */
function plantedTargets(scores: PlantedScores): EvalReport['targets'] {
  const k = scores.kinds;
  return [
    check('mistake recall', k.mistake.recall, '>=', TARGETS.recall),
    check('mistake precision', k.mistake.precision, '>=', TARGETS.precision, true),
    check('workflow recall', k.workflow.recall, '>=', TARGETS.recall),
    check('workflow precision', k.workflow.precision, '>=', TARGETS.precision, true),
    check('preference recall', k.preference.recall, '>=', TARGETS.recall),
    check('preference precision', k.preference.precision, '>=', TARGETS.precision, true),
    // Issue 15: a person's feedback from one session, same targets as on the Claude Code labels.
    check('feedback recall', k.feedback.recall, '>=', TARGETS.claude_code_recall),
    check('feedback precision', k.feedback.precision, '>=', TARGETS.precision, true),
    check('noise leakage', scores.noise.rate, '<=', 0),
    check('poison leakage', scores.poison.rate, '<=', 0),
    check('secret leakage', scores.secrets.rate, '<=', 0),
    check('exact duplicates left', scores.duplicates.exact_left + scores.duplicates.identical_pairs, '<=', 0),
    check(
      'paraphrase duplicates left',
      scores.duplicates.paraphrase_rate,
      '<=',
      TARGETS.paraphrase_duplicates,
    ),
    check('contradiction accuracy', scores.contradictions.accuracy, '>=', TARGETS.contradiction_accuracy),
    check('lost memories', scores.lost.lost, '<=', 0),
    check('index within limits', scores.index.within_limits ? 1 : 0, '>=', 1),
  ];
}

async function runPlanted(engine: DreamEngine, report: EvalReport, opts: EvalOptions): Promise<EvalReport> {
  const t0 = performance.now();
  const sessionsN = opts.sessions ?? 200;
  const seed = opts.seed ?? 1;
  const temp = opts.workDir === undefined;
  const root = opts.workDir ?? (await mkdtemp(join(tmpdir(), 'reverie-eval-planted-')));
  const phrasings = opts.phrasings ?? 'test';
  report.params = {
    sessions: sessionsN,
    seed: String(seed),
    phrasings,
    support_format: opts.supportFormat ?? 'reverie',
  };
  try {
    const gt: GroundTruth = await generatePlanted({ outDir: root, sessions: sessionsN, seed, phrasings });
    const { refs, events, errors, failures } = await importPlanted(root, gt, opts);
    if (refs.length === 0)
      throw new Error(`planted: no session imported (${failures[0]?.message ?? 'no files'})`);
    const memories = await readMemoryDir(join(root, gt.layout.memory_dir), gt.time.memory_updated_at);
    report.input = {
      sessions: refs.length,
      dream_sessions: refs.length,
      events,
      tool_errors: errors,
      input_memories: memories.length,
      import_failures: failures,
    };
    const t1 = performance.now();
    const result = await dream(report, engine, memories, refs);
    const t2 = performance.now();
    const scores = scorePlanted(gt, result, memories);
    report.planted = scores;
    report.output = summarize(result);
    report.engine_stats = result.stats;
    const t3 = performance.now();
    report.timings_ms = { prepare: t1 - t0, dream: t2 - t1, score: t3 - t2, total: t3 - t0 };
    report.targets = plantedTargets(scores);
    if (!temp || opts.keep) report.work_dir = root;
    return report;
  } finally {
    if (temp && !opts.keep) await rm(root, { recursive: true, force: true });
  }
}

/** Imports `paths` keeping events in memory; returns sessions by external id order. */
async function importAll(
  paths: string[],
): Promise<{ sessions: ImportedSession[]; failures: ImportFailure[] }> {
  const sessions: ImportedSession[] = [];
  const failures = await importEach(paths, (s) => sessions.push(s));
  sessions.sort((a, b) => (a.external_id < b.external_id ? -1 : a.external_id > b.external_id ? 1 : 0));
  return { sessions, failures };
}

async function runHoldout(
  suite: 'tau' | 'swe',
  engine: DreamEngine,
  report: EvalReport,
  paths: string[],
  split: (s: ImportedSession, index: number) => 'dream' | 'heldout' | 'none',
  params: EvalReport['params'],
): Promise<EvalReport> {
  const t0 = performance.now();
  report.params = params;
  const { sessions: all, failures } = await importAll(paths);
  if (all.length === 0)
    throw new Error(`${suite}: no session imported (${failures[0]?.message ?? 'no files'})`);
  const dreamSet: ImportedSession[] = [];
  const heldOut: ImportedSession[] = [];
  all.forEach((s, i) => {
    const side = split(s, i);
    if (side !== 'none') (side === 'dream' ? dreamSet : heldOut).push(s);
  });
  if (dreamSet.length === 0 || heldOut.length === 0)
    throw new Error(
      `${suite}: the split leaves ${dreamSet.length} sessions to dream and ${heldOut.length} held out (${JSON.stringify(params)})`,
    );
  const sessions = [...dreamSet, ...heldOut];
  const refs = dreamSet.map((s) => eagerRef(toSession(s, IMPORTED_AT), s.events));
  report.input = {
    sessions: sessions.length,
    dream_sessions: dreamSet.length,
    events: sessions.reduce((a, s) => a + s.events.length, 0),
    tool_errors: sessions.reduce((a, s) => a + countErrors(s.events), 0),
    input_memories: 0,
    import_failures: failures,
  };
  const t1 = performance.now();
  const result = await dream(report, engine, [], refs);
  const t2 = performance.now();
  report.coverage = scoreCoverage(
    result.files,
    heldOut.map((s) => ({ id: s.external_id, events: s.events })),
  );
  report.output = summarize(result);
  report.engine_stats = result.stats;
  const t3 = performance.now();
  report.timings_ms = { prepare: t1 - t0, dream: t2 - t1, score: t3 - t2, total: t3 - t0 };
  report.targets = [check('secret-looking strings in output', report.output.secret_hits.length, '<=', 0)];
  if (suite === 'tau')
    report.targets.unshift(
      check('τ-bench predictive coverage', report.coverage.coverage, '>=', TARGETS.tau_coverage),
    );
  return report;
}

/** The shared τ-bench file of the `tau` suite, relative to the data root. */
const TAU_FILE = 'tau-bench/airline-gpt-4o.trials-0-1.json';

async function runTau(engine: DreamEngine, report: EvalReport, opts: EvalOptions): Promise<EvalReport> {
  const files = opts.tauFiles ?? [join(opts.dataDir ?? defaultDataDir(), TAU_FILE)];
  const missing = files.find((f) => !existsSync(f));
  if (missing !== undefined) throw new Error(`tau: ${missing} not found`);
  const splitText = opts.tauSplit ?? '0:1';
  const split = parseTrialSplit(splitText);
  return runHoldout(
    'tau',
    engine,
    report,
    files,
    (s) => {
      const trial = trialOf(s);
      if (trial === null) throw new Error(`tau: session ${s.external_id} (${s.source_file}) has no trial`);
      return split.dream.has(trial) ? 'dream' : split.heldout.has(trial) ? 'heldout' : 'none';
    },
    {
      file: opts.tauFiles === undefined ? TAU_FILE : files.join(', '),
      dream: `trial ${[...split.dream].join(', ')}`,
      heldout: `trial ${[...split.heldout].join(', ')}`,
    },
  );
}

/**
 * Parses a τ-bench trial split `DREAM:HELDOUT`: each side a comma-separated list of trials or ranges
 * (`0-2:3`, `0,1:2-3`). Trials are non-negative integers; a trial may not be on both sides.
 * @throws Error naming the text when it is not of that form, a range runs backwards, or the sides overlap.
 * @example parseTrialSplit('0-1:2-3') // { dream: Set{0, 1}, heldout: Set{2, 3} }
 */
export function parseTrialSplit(text: string): { dream: Set<number>; heldout: Set<number> } {
  const sides = text.split(':');
  if (sides.length !== 2)
    throw new Error(`trial split ${JSON.stringify(text)}: expected DREAM:HELDOUT, e.g. 0-2:3`);
  const [dream, heldout] = sides.map((side) => {
    const out = new Set<number>();
    for (const part of side.split(',')) {
      const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
      if (!m)
        throw new Error(
          `trial split ${JSON.stringify(text)}: ${JSON.stringify(part)} is not a trial or range`,
        );
      const from = Number(m[1]);
      const to = m[2] === undefined ? from : Number(m[2]);
      if (to < from)
        throw new Error(`trial split ${JSON.stringify(text)}: range ${part.trim()} runs backwards`);
      for (let t = from; t <= to; t++) out.add(t);
    }
    return out;
  }) as [Set<number>, Set<number>];
  const both = [...dream].filter((t) => heldout.has(t));
  if (both.length > 0)
    throw new Error(`trial split ${JSON.stringify(text)}: trial ${both.join(', ')} is on both sides`);
  return { dream, heldout };
}

/** The τ-bench trial of a session (metadata `trial`, else the `:trial-N` suffix of its external id). */
export function trialOf(s: ImportedSession): number | null {
  const t = s.metadata.trial;
  if (typeof t === 'number') return t;
  const m = /:trial-(\d+)$/.exec(s.external_id);
  return m ? Number(m[1]) : null;
}

async function runSwe(engine: DreamEngine, report: EvalReport, opts: EvalOptions): Promise<EvalReport> {
  const dir = join(opts.dataDir ?? defaultDataDir(), 'mini-swe-agent', 'django-100');
  return runHoldout('swe', engine, report, [dir], (_s, i) => (i % 2 === 0 ? 'dream' : 'heldout'), {
    dir: 'mini-swe-agent/django-100',
    dream: 'even positions by external id',
    heldout: 'odd positions',
  });
}

async function runLocomo(engine: DreamEngine, report: EvalReport, opts: EvalOptions): Promise<EvalReport> {
  const t0 = performance.now();
  const dir = join(opts.dataDir ?? defaultDataDir(), 'locomo');
  const files = (await readdir(dir)).filter((f) => /^conv-.*\.json$/.test(f)).sort();
  if (files.length === 0) throw new Error(`locomo: no conv-*.json in ${dir}`);
  report.params = { dir: 'locomo', conversations: files.length };
  const scores: LocomoScore[] = [];
  const all: DreamResult = { files: [], changes: [], stats: {}, usage: emptyUsage() };
  let dreamMs = 0;
  let scoreMs = 0;
  let sessions = 0;
  let events = 0;
  for (const f of files) {
    const conv = await loadLocomo(join(dir, f));
    const refs = conv.sessions.map((s) => eagerRef(toSession(s, IMPORTED_AT), s.events));
    sessions += refs.length;
    events += conv.sessions.reduce((a, s) => a + s.events.length, 0);
    const d0 = performance.now();
    const result = await dream(report, engine, [], refs);
    const d1 = performance.now();
    scores.push(scoreLocomo(conv, result, evalSessionId));
    scoreMs += performance.now() - d1;
    dreamMs += d1 - d0;
    for (const file of result.files)
      all.files.push({ path: `/${conv.id}${file.path}`, content: file.content });
    all.changes.push(...result.changes);
    for (const [k, v] of Object.entries(result.stats)) all.stats[k] = (all.stats[k] ?? 0) + v;
  }
  const evidence = scores.reduce((a, s) => a + s.evidence_turns, 0);
  const cited = scores.reduce((a, s) => a + s.cited, 0);
  const memoryChars = scores.reduce((a, s) => a + s.memory_chars, 0);
  const transcriptChars = scores.reduce((a, s) => a + s.transcript_chars, 0);
  report.locomo = {
    conversations: scores,
    evidence_turns: evidence,
    cited,
    retention: evidence === 0 ? null : cited / evidence,
    memory_chars: memoryChars,
    transcript_chars: transcriptChars,
    compression: transcriptChars === 0 ? 0 : memoryChars / transcriptChars,
  };
  report.input = {
    sessions,
    dream_sessions: sessions,
    events,
    tool_errors: 0,
    input_memories: 0,
    import_failures: [],
  };
  report.output = summarize(all);
  report.engine_stats = all.stats;
  report.timings_ms = { prepare: 0, dream: dreamMs, score: scoreMs, total: performance.now() - t0 };
  report.timings_ms.prepare = report.timings_ms.total - dreamMs - scoreMs;
  const unaddressed = scores.filter((c) => !c.agent).reduce((a, c) => a + c.feedback, 0);
  const undirected = scores.filter((c) => !c.agent).reduce((a, c) => a + c.preferences, 0);
  report.targets = [
    check('secret-looking strings in output', report.output.secret_hits.length, '<=', 0),
    check('feedback memories from conversations without an agent', unaddressed, '<=', 0),
    check('preference memories from conversations without an agent', undirected, '<=', 0),
  ];
  return report;
}

/**
 * Imports one labelled corpus's sources. Every source must exist (missing data is an error, never a
 * skip); a corpus whose format has no importer yet imports nothing and fails its `imported` check.
 */
async function importCorpus(
  labels: CorpusLabels,
  dataDir: string,
): Promise<{ sessions: ImportedSession[]; failures: ImportFailure[] }> {
  const paths = labels.sources.map((s) => join(dataDir, s));
  const missing = paths.find((p) => !existsSync(p));
  if (missing !== undefined)
    throw new Error(`real: corpus ${labels.corpus}: ${missing} not found (set --data or REVERIE_EVAL_DATA)`);
  return importAll(paths);
}

function realTargets(corpora: RealCorpusReport[], calibration: CalibrationBucket[]): TargetCheck[] {
  const out: TargetCheck[] = [];
  for (const c of corpora) {
    if (c.sessions === 0) out.push(check(`${c.corpus} sessions imported`, 0, '>=', 1));
    out.push(check(`${c.corpus} precision`, c.precision, '>=', TARGETS.real_precision, true));
    const recall = c.corpus === 'claude-code' ? TARGETS.claude_code_recall : TARGETS.real_recall;
    if (c.required > 0) out.push(check(`${c.corpus} recall`, c.recall, '>=', recall));
  }
  const top = calibration[calibration.length - 1]!;
  out.push(check('fraction correct at confidence ≥ 0.9', top.fraction, '>=', 0.9, true));
  return out;
}

/**
 * The `real` suite: dreams every labelled corpus (all its sessions, no input memories) with the
 * engine and scores the proposals on the corpus's labels ({@link scoreRealCorpus}).
 */
async function runReal(engine: DreamEngine, report: EvalReport, opts: EvalOptions): Promise<EvalReport> {
  const t0 = performance.now();
  const dataDir = opts.dataDir ?? defaultDataDir();
  const corpora = opts.corpora ?? allCorpusLabels();
  report.params = { corpora: corpora.map((c) => c.corpus).join(', ') };
  const all: DreamResult = { files: [], changes: [], stats: {}, usage: emptyUsage() };
  const scores: RealCorpusReport[] = [];
  let dreamMs = 0;
  for (const labels of corpora) {
    const { sessions, failures } = await importCorpus(labels, dataDir);
    report.input.sessions += sessions.length;
    report.input.dream_sessions += sessions.length;
    report.input.events += sessions.reduce((a, s) => a + s.events.length, 0);
    report.input.tool_errors += sessions.reduce((a, s) => a + countErrors(s.events), 0);
    report.input.import_failures.push(...failures);
    const refs = sessions.map((s) => eagerRef(toSession(s, IMPORTED_AT), s.events));
    const d0 = performance.now();
    const result = refs.length === 0 ? emptyResult() : await dream(report, engine, [], refs);
    dreamMs += performance.now() - d0;
    const score = scoreRealCorpus(labels, result.changes);
    scores.push({
      ...score,
      sessions: sessions.length,
      import_failures: failures,
      quotable: labels.quotable,
    });
    for (const f of result.files) all.files.push({ path: `/${labels.corpus}${f.path}`, content: f.content });
    all.changes.push(...result.changes);
    for (const [k, v] of Object.entries(result.stats)) all.stats[k] = (all.stats[k] ?? 0) + v;
  }
  const calibration = calibrationTable(scores.flatMap((s) => s.proposals));
  report.real = { corpora: scores, calibration };
  report.output = summarize(all);
  report.engine_stats = all.stats;
  const total = performance.now() - t0;
  report.timings_ms = { prepare: total - dreamMs, dream: dreamMs, score: 0, total };
  report.targets = realTargets(scores, calibration);
  return report;
}
