/**
 * The reduce step of an LLM dream: the model's judgements applied to the offline change set. A kept
 * candidate's file is rewritten as a lesson (symptom → cause → fix → how to apply) above the offline
 * findings, which stay as the record of what was counted; its evidence narrows to the snippets the model
 * cited; support and confidence stay the offline counts. A dropped candidate's change is removed (a
 * created file is not created, a refreshed one stays as it was). Every other change keeps its offline
 * form. Then the `/MEMORY.md` index is rebuilt over the result with the offline renderer, so it never
 * links a dropped file and shows the rewritten titles. Everything written is redacted again.
 */
import { parseFrontMatter, renderFrontMatter } from '../offline/front-matter.js';
import { renderIndex } from '../offline/memory-index.js';
import { INDEX_PATH } from '../offline/orient.js';
import { redactSecrets } from '../offline/secrets.js';
import { applyChanges } from '../offline/workspace.js';
import type { DreamOptions, InputMemory, ProposedChange } from '../types.js';
import type { LlmCandidate } from './candidates.js';
import { FIELD_LIMITS, type Judgement, MAX_EVIDENCE_PER_CANDIDATE } from './prompt.js';

/** A judgement the engine accepted for one candidate. */
export interface Decision {
  candidate: LlmCandidate;
  judgement: Judgement;
  /** Path of a person's memory the kept candidate contradicts (shown to the model), or null. */
  conflict: string | null;
}

/** Highest confidence of a lesson that contradicts a person's memory (the review decides which holds). */
export const CONFLICT_CONFIDENCE = 0.5;

const FIELD_ORDER = ['kind', 'summary', 'support', 'confidence', 'last_seen', 'key'];

/** `text` trimmed, whitespace runs collapsed when `oneLine`, and cut to the field's limit with `…`. */
function clip(text: string, field: keyof typeof FIELD_LIMITS, oneLine = false): string {
  const t = oneLine ? text.replace(/\s+/g, ' ').trim() : text.trim();
  const max = FIELD_LIMITS[field];
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

/** Renders the rewritten file of a kept candidate. */
function lessonFile(c: LlmCandidate, j: Judgement, confidence: number, conflict: string | null): string {
  const summary = clip(j.summary!, 'summary', true);
  const fields = { ...c.fields, summary, confidence: String(confidence), reviewed_by: 'llm' };
  const keys = [
    ...FIELD_ORDER.filter((k) => k in fields),
    ...Object.keys(fields).filter((k) => !FIELD_ORDER.includes(k)),
  ];
  const pairs = keys.map((k): [string, string | number] =>
    k === 'confidence' ? [k, confidence] : [k, (fields as Record<string, string>)[k]!],
  );
  const section = (name: string, v: string | null) => (v?.trim() ? [`**${name}:** ${v.trim()}`, ''] : []);
  const offline = c.body.replace(/^#\s+.*\n+/, '').trim();
  const body = [
    `# ${clip(j.title!, 'title', true)}`,
    '',
    ...section('Symptom', clip(j.symptom!, 'symptom')),
    ...section('Cause', j.cause === null ? null : clip(j.cause, 'cause')),
    ...section('Fix', clip(j.fix!, 'fix')),
    ...section('How to apply', clip(j.how_to_apply!, 'how_to_apply')),
    ...section(
      'Contradicts',
      conflict ? `\`${conflict}\`, a memory a person wrote (left unchanged); review which holds.` : null,
    ),
    '## What the sessions show',
    '',
    offline,
    '',
  ].join('\n');
  return renderFrontMatter(pairs) + body;
}

/**
 * The change of a kept candidate: the lesson file, the evidence the model cited among the snippets it was
 * shown (all of the offline evidence when it cited none), the model's reason appended.
 */
export function keptChange(c: LlmCandidate, j: Judgement, conflict: string | null = null): ProposedChange {
  const cited = [...new Set(j.evidence)]
    .filter((n) => n >= 1 && n <= MAX_EVIDENCE_PER_CANDIDATE)
    .sort((a, b) => a - b)
    .map((n) => c.change.evidence[n - 1])
    .filter((e) => e !== undefined);
  const confidence = conflict ? Math.min(c.change.confidence, CONFLICT_CONFIDENCE) : c.change.confidence;
  const after = redactSecrets(lessonFile(c, j, confidence, conflict)).text;
  return {
    ...c.change,
    after,
    evidence: cited.length > 0 ? cited : c.change.evidence,
    confidence,
    reason: `${c.change.reason}; lesson written by the model: ${clip(j.reason, 'reason', true)}${conflict ? `; contradicts ${conflict}, a memory a person wrote (left unchanged): confidence at most ${CONFLICT_CONFIDENCE}, review which holds` : ''}`,
  };
}

/** Options the index rebuild reads: limits and protected paths. */
type IndexOptions = Pick<DreamOptions, 'max_index_lines' | 'max_index_bytes'>;

/**
 * Rebuilds the index change over `changes` (without any index change) the way the offline engine does:
 * generated memories (front matter `key:`) ranked by `rankOf` (lower first), the rest as the previous
 * index lists them. Returns null when the index does not change.
 */
function indexChange(
  memories: readonly InputMemory[],
  changes: readonly ProposedChange[],
  rankOf: (path: string) => number,
  options: IndexOptions,
  template: ProposedChange,
): ProposedChange | null {
  const files = applyChanges(memories, changes);
  const prev = memories.find((m) => m.path === INDEX_PATH) ?? null;
  const rendered = renderIndex(
    files.map((f) => {
      const generated = Boolean(parseFrontMatter(f.content).fields.key);
      return { path: f.path, content: f.content, score: generated ? -rankOf(f.path) : 0, generated };
    }),
    prev?.content ?? null,
    { maxLines: options.max_index_lines, maxBytes: options.max_index_bytes },
  );
  const content = redactSecrets(rendered.content).text;
  if (content === (prev?.content ?? null)) return null;
  return {
    ...template,
    op: prev ? 'update' : 'create',
    after: content,
    reason: `${prev ? 'rebuilt' : 'created'} the index: ${rendered.listed.length} entries${rendered.omitted ? `, ${rendered.omitted} left out to stay within ${options.max_index_lines} lines / ${options.max_index_bytes} bytes` : ''}, ordered by usefulness; titles and hooks of the lessons the model wrote`,
  };
}

/**
 * Applies `decisions` to the offline change set and rebuilds the index when the offline engine proposed
 * one (a protected index is never proposed, so never rebuilt).
 * @returns the new change set (offline order) and the whole output store, sorted by path.
 */
export function reduceChanges(
  memories: readonly InputMemory[],
  offline: readonly ProposedChange[],
  candidates: readonly LlmCandidate[],
  decisions: readonly Decision[],
  options: IndexOptions,
): { changes: ProposedChange[]; files: { path: string; content: string }[] } {
  const byIndex = new Map(decisions.map((d) => [d.candidate.index, d]));
  const rank = new Map(candidates.map((c) => [c.change.path, c.rank]));
  const kept: ProposedChange[] = [];
  let index: ProposedChange | null = null;
  offline.forEach((c, i) => {
    if (c.path === INDEX_PATH && c.kind === 'index') {
      index = c;
      return;
    }
    const d = byIndex.get(i);
    if (!d) kept.push(c);
    else if (d.judgement.verdict === 'keep') kept.push(keptChange(d.candidate, d.judgement, d.conflict));
  });
  let changes = kept;
  if (index) {
    const rebuilt = indexChange(
      memories,
      kept,
      (p) => rank.get(p) ?? Number.MAX_SAFE_INTEGER / 2,
      options,
      index,
    );
    if (rebuilt) changes = [...kept, rebuilt];
  }
  return { changes, files: applyChanges(memories, changes) };
}
