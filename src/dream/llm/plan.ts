/**
 * The map plan of an LLM dream: candidates grouped into batches (one model call each) under the input
 * token budget. Candidates are taken in value order (rank 0 first); each joins the open batch of its group
 * (mistakes; workflows; statements — preferences, feedback and facts together, so that contradicting
 * statements are read side by side) and a batch closes at `batchSize` candidates. A candidate whose
 * batch would push the estimated input of the whole dream past `maxInputTokens` is skipped: it keeps its
 * offline form. Estimates use the models lane's `estimateRequestTokens` (it leans high) and count the
 * shared instructions in full on every call, cached or not, so the cap holds whatever the cache does.
 * The plan depends only on the request, never on the response cache, so a replay sends the same requests.
 */
import { estimateRequestTokens } from '../../models/tokens.js';
import type { GenerateObjectRequest } from '../../models/types.js';
import type { LlmCandidate } from './candidates.js';
import {
  type BatchAnswer,
  batchAnswerSchema,
  batchMessage,
  batchOutputTokens,
  JUDGEMENT_SCHEMA_NAME,
} from './prompt.js';

/** Default candidates per call. */
export const DEFAULT_BATCH_SIZE = 6;

/** One planned call: its candidates (in rank order) and the request sent for them. */
export interface PlannedBatch {
  candidates: LlmCandidate[];
  request: GenerateObjectRequest<BatchAnswer>;
  /** Estimated input tokens of the request (system, turn, schema, overheads). */
  estimated_input_tokens: number;
}

/**
 * The plan: batches in the order they are sent, candidates left in offline form because of the budget,
 * and the totals a dry run reports (estimated input tokens, the output cap summed over calls).
 */
export interface LlmPlan {
  batches: PlannedBatch[];
  skipped: LlmCandidate[];
  estimated_input_tokens: number;
  max_output_tokens: number;
}

/** Options of {@link planBatches}: the hard input cap (tokens; null = none) and candidates per call. */
export interface PlanOptions {
  maxInputTokens: number | null;
  batchSize: number;
}

function groupOf(c: LlmCandidate): string {
  return c.kind === 'mistake' || c.kind === 'workflow' ? c.kind : 'statement';
}

function requestFor(system: string, candidates: LlmCandidate[]): GenerateObjectRequest<BatchAnswer> {
  return {
    system,
    messages: [{ role: 'user', content: batchMessage(candidates) }],
    schema: batchAnswerSchema,
    schemaName: JUDGEMENT_SCHEMA_NAME,
    schemaDescription:
      'One judgement per candidate memory: keep (with the lesson) or drop (with the reason).',
    maxOutputTokens: batchOutputTokens(candidates.length),
  };
}

function estimate(system: string, candidates: LlmCandidate[]): number {
  return candidates.length === 0 ? 0 : estimateRequestTokens(requestFor(system, candidates)).input_tokens;
}

/**
 * Plans the calls for `candidates` (sorted by rank) with the shared `system` prompt.
 * @throws RangeError when `batchSize` is not a whole number ≥ 1 or `maxInputTokens` is negative.
 */
export function planBatches(system: string, candidates: readonly LlmCandidate[], opts: PlanOptions): LlmPlan {
  if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1)
    throw new RangeError(`batchSize must be a whole number ≥ 1 (got ${opts.batchSize})`);
  if (opts.maxInputTokens !== null && !(opts.maxInputTokens >= 0))
    throw new RangeError(`max_input_tokens must be ≥ 0 (got ${opts.maxInputTokens})`);
  const closed: LlmCandidate[][] = [];
  const open = new Map<string, LlmCandidate[]>();
  const skipped: LlmCandidate[] = [];
  let total = 0;
  for (const c of candidates) {
    const g = groupOf(c);
    const batch = open.get(g) ?? [];
    const delta = estimate(system, [...batch, c]) - estimate(system, batch);
    if (opts.maxInputTokens !== null && total + delta > opts.maxInputTokens) {
      skipped.push(c);
      continue;
    }
    total += delta;
    batch.push(c);
    open.set(g, batch);
    if (batch.length >= opts.batchSize) {
      closed.push(batch);
      open.delete(g);
    }
  }
  const all = [...closed, ...open.values()].sort((a, b) => a[0]!.rank - b[0]!.rank);
  const batches = all.map((cs) => ({
    candidates: cs,
    request: requestFor(system, cs),
    estimated_input_tokens: estimate(system, cs),
  }));
  return {
    batches,
    skipped,
    estimated_input_tokens: batches.reduce((n, b) => n + b.estimated_input_tokens, 0),
    max_output_tokens: batches.reduce((n, b) => n + b.request.maxOutputTokens, 0),
  };
}
