/**
 * Scoring a dream's proposals on a labelled real corpus (issue 8 scope 1, issue 15): each proposed
 * memory (a create/update change of any kind but `index` and `cleanup`) is judged against the
 * corpus's hand-written labels (`labels/*.json`, rules in `labels/schema.ts`):
 * - `correct`: matches a pattern label of a compatible kind and states its lesson (the fix, or "no
 *   reliable fix" where the data establishes none);
 * - `wrong`: matches a pattern label but the lesson is missing or wrong, or the kind does not fit;
 * - `noise`: matches a known-noise label;
 * - `unlabelled`: matches nothing (counted as not correct: precision comes first).
 * Precision = correct ÷ proposed; recall = required pattern labels with at least one correct
 * proposal ÷ required pattern labels. Calibration: proposals bucketed by their confidence, with the
 * fraction correct per bucket (a reliability table, as in Guo et al., "On Calibration of Modern
 * Neural Networks", ICML 2017, §2).
 */
import type { ProposedChange } from '../../dream/types.js';
import {
  type CorpusLabels,
  LABEL_KINDS,
  type LabelKind,
  NO_FIX_RE,
  type NoiseLabel,
  type PatternLabel,
} from '../labels/schema.js';
import { splitFrontMatter } from './memory-files.js';

/** One proposed memory as the scorer reads it. `confidence` in [0, 1]. */
export interface Proposal {
  path: string;
  /** First `# ` heading of the body, else the path. */
  title: string;
  /** Front-matter `kind`/`type` when it is a label kind (e.g. `feedback`), else the change's kind. */
  kind: string;
  content: string;
  confidence: number;
  /** Distinct sessions the change cites. */
  sessions: number;
}

/** Verdict on one proposal. */
export type Verdict = 'correct' | 'wrong' | 'noise' | 'unlabelled';

/** A proposal with its verdict, the label it matched (null when unlabelled) and why. */
export interface JudgedProposal extends Proposal {
  verdict: Verdict;
  label: string | null;
  why: string;
}

/** One confidence bucket `[from, to)` (the last one includes 1). `fraction` null when empty. */
export interface CalibrationBucket {
  from: number;
  to: number;
  proposals: number;
  correct: number;
  fraction: number | null;
}

/** Scores of one corpus. Ratios in [0, 1]; null when there is nothing to divide. */
export interface RealCorpusScore {
  corpus: string;
  title: string;
  proposed: number;
  correct: number;
  wrong: number;
  noise: number;
  unlabelled: number;
  precision: number | null;
  recall: number | null;
  /** Required pattern labels, found correctly, and missed (ids). */
  required: number;
  found: string[];
  missed: string[];
  proposals: JudgedProposal[];
  calibration: CalibrationBucket[];
}

/** Bucket edges of the reliability table. */
export const CALIBRATION_EDGES = [0, 0.5, 0.7, 0.8, 0.9, 1] as const;

/** Kinds that may stand for one another (a person's rule may be rendered as a preference). */
const KIND_GROUP: Record<LabelKind, number> = {
  mistake: 0,
  workflow: 1,
  preference: 2,
  feedback: 2,
  fact: 3,
  project: 3,
  reference: 3,
};

function isLabelKind(k: string): k is LabelKind {
  return (LABEL_KINDS as readonly string[]).includes(k);
}

function compatible(memoryKind: string, labelKind: LabelKind): boolean {
  return isLabelKind(memoryKind) && KIND_GROUP[memoryKind] === KIND_GROUP[labelKind];
}

function regexes(src: string[]): RegExp[] {
  return src.map((s) => new RegExp(s, 'i'));
}

function matchesAll(text: string, src: string[]): boolean {
  return regexes(src).every((r) => r.test(text));
}

/**
 * The proposed memories of a change set: create/update changes with content whose kind is neither
 * `index` nor `cleanup`, in change order.
 */
export function proposalsFromChanges(changes: readonly ProposedChange[]): Proposal[] {
  const out: Proposal[] = [];
  for (const c of changes) {
    if ((c.op !== 'create' && c.op !== 'update') || c.after === null) continue;
    if (c.kind === 'index' || c.kind === 'cleanup') continue;
    const { front, body } = splitFrontMatter(c.after);
    const declared = front.kind ?? front.type ?? '';
    const heading = /^#\s+(.+)$/m.exec(body)?.[1]?.trim();
    out.push({
      path: c.path,
      title: heading ?? front.name ?? c.path,
      kind: isLabelKind(declared) ? declared : c.kind,
      content: c.after,
      confidence: c.confidence,
      sessions: new Set(c.evidence.map((e) => e.session_id)).size || c.support.sessions,
    });
  }
  return out;
}

/** The text a mistake's lesson is read from: lines that do not restate the error itself. */
function lessonText(p: Proposal, label: PatternLabel): string {
  if (label.kind !== 'mistake') return p.content;
  const rs = regexes(label.match);
  return p.content
    .split('\n')
    .filter((line) => !rs.some((r) => r.test(line)))
    .join('\n');
}

function judgeLesson(p: Proposal, label: PatternLabel): { ok: boolean; why: string } {
  const text = lessonText(p, label);
  const saysNoFix = NO_FIX_RE.test(text);
  const { fix, accept_no_fix } = label.lesson;
  if (fix === null)
    return saysNoFix
      ? { ok: true, why: 'says no reliable fix, as the data shows' }
      : { ok: false, why: 'states a fix where the data establishes none' };
  if (saysNoFix)
    return accept_no_fix
      ? { ok: true, why: 'says no reliable fix (accepted for this label)' }
      : { ok: false, why: 'says no reliable fix, but one is established' };
  return new RegExp(fix, 'i').test(text)
    ? { ok: true, why: 'states the established lesson' }
    : { ok: false, why: 'lesson missing or different from the established one' };
}

function noiseApplies(n: NoiseLabel, p: Proposal, text: string): boolean {
  if (n.kinds && !(isLabelKind(p.kind) && n.kinds.includes(p.kind))) return false;
  return matchesAll(text, n.match);
}

/** The first compatible pattern or applicable noise label that matches `text`, judged. */
function judgeOn(p: Proposal, text: string, labels: CorpusLabels): JudgedProposal | null {
  for (const l of labels.patterns) {
    if (!compatible(p.kind, l.kind) || !matchesAll(text, l.match)) continue;
    const { ok, why } = judgeLesson({ ...p, content: `${p.title}\n${p.content}` }, l);
    return { ...p, verdict: ok ? 'correct' : 'wrong', label: l.id, why };
  }
  const noise = labels.noise.find((n) => noiseApplies(n, p, text));
  return noise ? { ...p, verdict: 'noise', label: noise.id, why: noise.rationale } : null;
}

/**
 * Judges one proposal against a corpus's labels. The title says what a memory is about, so labels
 * are first tried on the title alone, then on title + content (where evidence quotes may mention
 * other things); each time pattern labels of a compatible kind first (in file order), then noise
 * labels. A pattern label of another kind that matches makes it `wrong`; else it is `unlabelled`.
 * @example judgeProposal(p, labels).verdict // 'correct'
 */
export function judgeProposal(p: Proposal, labels: CorpusLabels): JudgedProposal {
  const text = `${p.title}\n${p.content}`;
  const judged = judgeOn(p, p.title, labels) ?? judgeOn(p, text, labels);
  if (judged) return judged;
  const other = labels.patterns.find((l) => matchesAll(text, l.match));
  if (other)
    return { ...p, verdict: 'wrong', label: other.id, why: `kind ${p.kind}, the label is a ${other.kind}` };
  return { ...p, verdict: 'unlabelled', label: null, why: 'matches no label' };
}

/**
 * Reliability table: proposals bucketed by confidence at {@link CALIBRATION_EDGES} (`[from, to)`, the
 * last bucket closed), with how many were correct.
 */
export function calibrationTable(judged: readonly JudgedProposal[]): CalibrationBucket[] {
  const out: CalibrationBucket[] = [];
  for (let i = 0; i + 1 < CALIBRATION_EDGES.length; i++) {
    const from = CALIBRATION_EDGES[i]!;
    const to = CALIBRATION_EDGES[i + 1]!;
    const last = i + 2 === CALIBRATION_EDGES.length;
    const inside = judged.filter(
      (j) => j.confidence >= from && (last ? j.confidence <= to : j.confidence < to),
    );
    const correct = inside.filter((j) => j.verdict === 'correct').length;
    out.push({
      from,
      to,
      proposals: inside.length,
      correct,
      fraction: inside.length === 0 ? null : correct / inside.length,
    });
  }
  return out;
}

/**
 * Scores a dream's change set on one labelled corpus (see the module comment for the definitions).
 * @example scoreRealCorpus(labels, result.changes).precision
 */
export function scoreRealCorpus(labels: CorpusLabels, changes: readonly ProposedChange[]): RealCorpusScore {
  const judged = proposalsFromChanges(changes).map((p) => judgeProposal(p, labels));
  const count = (v: Verdict) => judged.filter((j) => j.verdict === v).length;
  const required = labels.patterns.filter((l) => l.required).map((l) => l.id);
  const correctLabels = new Set(judged.filter((j) => j.verdict === 'correct').map((j) => j.label));
  const found = required.filter((id) => correctLabels.has(id));
  return {
    corpus: labels.corpus,
    title: labels.title,
    proposed: judged.length,
    correct: count('correct'),
    wrong: count('wrong'),
    noise: count('noise'),
    unlabelled: count('unlabelled'),
    precision: judged.length === 0 ? null : count('correct') / judged.length,
    recall: required.length === 0 ? null : found.length / required.length,
    required: required.length,
    found,
    missed: required.filter((id) => !correctLabels.has(id)),
    proposals: judged,
    calibration: calibrationTable(judged),
  };
}
