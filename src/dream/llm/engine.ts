/**
 * The LLM dream engine (issue 12; shared/DESIGN.md "Engines"): the offline engine runs first as the
 * pre-pass (orient, gather, consolidate, curate, verify: patterns found and counted, evidence chosen);
 * then the model reads each candidate memory's findings and evidence snippets, never whole transcripts,
 * in batches under a token budget (map), judges noise against signal, writes the lesson (symptom → cause
 * → fix → how to apply) and resolves contradictions between the statements it reads side by side; the
 * answers are applied to the offline change set and the index is rebuilt (reduce, `reduce.ts`).
 *
 * The model may drop or rewrite a candidate, never add one. A batch whose answer fails validation twice
 * (the models lane retries once), is cut at `max_tokens`, or times out keeps its offline form; any other
 * model failure (429/529/5xx after the SDK's retries, connection, authentication, a missing replay
 * fixture) fails the dream with an {@link LlmDreamError} carrying the hosted error type and the partial
 * result. Everything sent passes through `redactForModel` (secrets, e-mail addresses, phone numbers).
 */
import { ModelError } from '../../models/errors.js';
import { withRedaction } from '../../models/redaction.js';
import type { GenerateObjectResult, ModelUsage, ObjectModel } from '../../models/types.js';
import { addUsage, emptyUsage } from '../../models/usage.js';
import { parseFrontMatter } from '../offline/front-matter.js';
import { createOfflineEngine, OFFLINE_ENGINE_VERSION } from '../offline-engine.js';
import {
  DEFAULT_DREAM_OPTIONS,
  type DreamEngine,
  type DreamHooks,
  type DreamRequest,
  type DreamResult,
} from '../types.js';
import { candidatesOf, type LlmCandidate, relateMemories } from './candidates.js';
import { LlmDreamError } from './errors.js';
import { DEFAULT_BATCH_SIZE, type LlmPlan, type PlannedBatch, planBatches } from './plan.js';
import {
  type BatchAnswer,
  type Judgement,
  localId,
  MAX_EVIDENCE_PER_CANDIDATE,
  memoryLabels,
  systemPrompt,
} from './prompt.js';
import { redactForModel } from './redact.js';
import { type Decision, reduceChanges } from './reduce.js';

/** Version of the LLM engine's prompts and reduce rules. */
export const LLM_ENGINE_VERSION = `llm-1+${OFFLINE_ENGINE_VERSION}`;

/** The token budget: `max_input_tokens` caps the estimated input of the whole dream (null or absent: no cap). */
export interface LlmBudget {
  max_input_tokens?: number | null;
}

/**
 * Options of {@link createLlmEngine}: the model (wrap it with `withConcurrencyLimit` and
 * `withResponseCache` as needed; the engine adds `withRedaction` on top), the budget, candidates per
 * call (default 6), the pre-pass engine (default the offline engine), and `dryRun` (plan only: nothing
 * is sent, the result is the offline one with the estimate in `stats`).
 */
export interface LlmEngineOptions {
  model: ObjectModel;
  budget?: LlmBudget;
  batchSize?: number;
  offline?: DreamEngine;
  dryRun?: boolean;
}

/**
 * A dry run's figures: calls the dream would make, candidates in them and left in offline form by the
 * budget, estimated input tokens (system prompt counted on every call), the sum of the output caps, and
 * characters that would be sent.
 */
export interface LlmEstimate {
  calls: number;
  candidates: number;
  skipped: number;
  input_tokens: number;
  max_output_tokens: number;
  characters: number;
}

/** The LLM engine: a {@link DreamEngine} with id `llm`, plus {@link LlmDreamEngine.estimate}. */
export interface LlmDreamEngine extends DreamEngine {
  readonly id: 'llm';
  /** Runs the offline pre-pass and plans the calls without sending anything. */
  estimate(request: DreamRequest, hooks?: DreamHooks): Promise<LlmEstimate>;
}

type BatchOutcome =
  | { kind: 'answered'; result: GenerateObjectResult<BatchAnswer> }
  | { kind: 'fallback'; reason: 'invalid' | 'truncated' | 'timeout'; usage: ModelUsage }
  | { kind: 'not_sent' };

function charsOf(b: PlannedBatch): number {
  return b.request.system.length + b.request.messages.reduce((n, m) => n + m.content.length, 0);
}

function estimateOf(plan: LlmPlan): LlmEstimate {
  return {
    calls: plan.batches.length,
    candidates: plan.batches.reduce((n, b) => n + b.candidates.length, 0),
    skipped: plan.skipped.length,
    input_tokens: plan.estimated_input_tokens,
    max_output_tokens: plan.max_output_tokens,
    characters: plan.batches.reduce((n, b) => n + charsOf(b), 0),
  };
}

/** Usage summed over the outcomes, and counts of calls, cache hits, fallbacks and characters sent. */
function tally(plan: LlmPlan, outcomes: readonly BatchOutcome[]) {
  let usage = emptyUsage();
  const count = { calls: 0, cache_hits: 0, invalid: 0, truncated: 0, timeout: 0, not_sent: 0, chars: 0 };
  outcomes.forEach((o, i) => {
    if (o.kind === 'answered') {
      usage = addUsage(usage, o.result.usage);
      if (o.result.cached) count.cache_hits++;
      else {
        count.calls += o.result.attempts;
        count.chars += charsOf(plan.batches[i]!);
      }
    } else if (o.kind === 'fallback') {
      usage = addUsage(usage, o.usage);
      count[o.reason]++;
      count.calls += o.reason === 'invalid' ? 2 : 1;
      count.chars += charsOf(plan.batches[i]!);
    } else count.not_sent++;
  });
  return { usage, count };
}

/**
 * The judgements of one answer matched to the batch's candidates: unknown ids are ignored (the model cannot
 * add a memory), the first judgement of an id wins, `conflicts_with` resolves to the path of a related
 * memory shown under that candidate (else it is ignored), and `supersedes` turns the named candidate into a
 * drop (both, when each names the other: an unresolved contradiction proposes neither).
 */
export function decisionsOf(batch: readonly LlmCandidate[], answer: BatchAnswer): Decision[] {
  const byId = new Map<string, Judgement>();
  for (const j of answer.judgements) if (!byId.has(j.id)) byId.set(j.id, j);
  const labels = new Map([...memoryLabels(batch)].map(([path, label]) => [label, path]));
  const out = new Map<string, Decision>();
  batch.forEach((candidate, i) => {
    const j = byId.get(localId(i));
    if (!j) return;
    const path = j.conflicts_with ? labels.get(j.conflicts_with) : undefined;
    const conflict = path && candidate.related.some((r) => r.path === path) ? path : null;
    out.set(localId(i), { candidate, judgement: j, conflict });
  });
  const superseded = new Map<string, string>();
  for (const [id, d] of out) {
    const s = d.judgement.supersedes;
    if (d.judgement.verdict === 'keep' && s && s !== id && out.has(s)) superseded.set(s, id);
  }
  for (const [loser, winner] of superseded) {
    const d = out.get(loser)!;
    const mutual = superseded.get(winner) === loser;
    d.judgement = {
      ...d.judgement,
      verdict: 'drop',
      reason: mutual
        ? `contradicts ${winner} and the model could not tell which holds`
        : `superseded by ${winner}`,
    };
  }
  return [...out.values()];
}

/**
 * True unless the judgement keeps its candidate without citing one of the snippets the prompt showed: an
 * ungrounded lesson is not written (the candidate keeps its offline form).
 */
export function isGrounded(d: Decision): boolean {
  if (d.judgement.verdict !== 'keep') return true;
  const shown = Math.min(d.candidate.change.evidence.length, MAX_EVIDENCE_PER_CANDIDATE);
  return d.judgement.evidence.some((n) => n >= 1 && n <= shown);
}

class LlmEngine implements LlmDreamEngine {
  readonly id = 'llm' as const;
  readonly version = LLM_ENGINE_VERSION;
  readonly #model: ObjectModel;
  readonly #offline: DreamEngine;
  readonly #budget: LlmBudget;
  readonly #batchSize: number;
  readonly #dryRun: boolean;

  constructor(opts: LlmEngineOptions) {
    this.#model = withRedaction(opts.model, redactForModel);
    this.#offline = opts.offline ?? createOfflineEngine();
    this.#budget = opts.budget ?? {};
    this.#batchSize = opts.batchSize ?? DEFAULT_BATCH_SIZE;
    this.#dryRun = opts.dryRun ?? false;
  }

  async #prepare(request: DreamRequest, hooks: DreamHooks) {
    const options = { ...DEFAULT_DREAM_OPTIONS, ...request.options };
    const offline = await this.#offline.run(request, hooks);
    const candidates = candidatesOf(offline.changes);
    const person = request.memories.filter((m) => !parseFrontMatter(m.content).fields.key).map((m) => m.path);
    relateMemories(candidates, offline.files, new Set(person));
    const system = systemPrompt(options.instructions);
    const plan = planBatches(system, candidates, {
      maxInputTokens: this.#budget.max_input_tokens ?? null,
      batchSize: this.#batchSize,
    });
    return { options, offline, candidates, plan };
  }

  async estimate(request: DreamRequest, hooks: DreamHooks = {}): Promise<LlmEstimate> {
    return estimateOf((await this.#prepare(request, hooks)).plan);
  }

  async run(request: DreamRequest, hooks: DreamHooks = {}): Promise<DreamResult> {
    const { options, offline, candidates, plan } = await this.#prepare(request, hooks);
    const est = estimateOf(plan);
    const planStats = {
      llm_candidates: candidates.length,
      llm_skipped_budget: plan.skipped.length,
      llm_batches: plan.batches.length,
      llm_estimated_input_tokens: est.input_tokens,
      llm_estimated_max_output_tokens: est.max_output_tokens,
    };
    if (this.#dryRun) return { ...offline, stats: { ...offline.stats, ...planStats, llm_dry_run: 1 } };

    const { outcomes, fatal } = await this.#map(plan, hooks);
    const judged = plan.batches.flatMap((b, i) => {
      const o = outcomes[i]!;
      return o.kind === 'answered' ? decisionsOf(b.candidates, o.result.object) : [];
    });
    const decisions = judged.filter(isGrounded);
    const { changes, files } = reduceChanges(
      request.memories,
      offline.changes,
      candidates,
      decisions,
      options,
    );
    const { usage, count } = tally(plan, outcomes);
    const result: DreamResult = {
      files,
      changes,
      usage,
      stats: {
        ...offline.stats,
        ...planStats,
        llm_calls: count.calls,
        llm_cache_hits: count.cache_hits,
        llm_chars_sent: count.chars,
        llm_kept: decisions.filter((d) => d.judgement.verdict === 'keep').length,
        llm_dropped: decisions.filter((d) => d.judgement.verdict === 'drop').length,
        llm_uncited: judged.length - decisions.length,
        llm_unanswered: candidates.length - plan.skipped.length - judged.length,
        llm_fallback_invalid: count.invalid,
        llm_fallback_truncated: count.truncated,
        llm_fallback_timeout: count.timeout,
        llm_batches_not_sent: count.not_sent,
        changes: changes.length,
        memories_out: files.length,
      },
    };
    if (fatal) {
      const type = ModelError.isInstance(fatal) ? fatal.type : 'api_error';
      throw new LlmDreamError(
        type,
        `the model failed (${type}): ${fatal.message}; ${count.not_sent} of ${plan.batches.length} batches were not answered and keep their offline form`,
        result,
        { cause: fatal },
      );
    }
    return result;
  }

  /** Sends every batch (the model wrapper bounds concurrency); stops sending after a fatal error. */
  async #map(plan: LlmPlan, hooks: DreamHooks): Promise<{ outcomes: BatchOutcome[]; fatal: Error | null }> {
    const stop = new AbortController();
    const signal = hooks.signal ? AbortSignal.any([hooks.signal, stop.signal]) : stop.signal;
    const outcomes: BatchOutcome[] = plan.batches.map(() => ({ kind: 'not_sent' }));
    let fatal: Error | null = null;
    let done = 0;
    const total = plan.batches.length;
    hooks.onProgress?.({ phase: 'curate', done, total });
    await Promise.all(
      plan.batches.map(async (b, i) => {
        if (signal.aborted) return;
        try {
          const result = await this.#model.generateObject({ ...b.request, signal });
          outcomes[i] = { kind: 'answered', result };
        } catch (e) {
          if (hooks.signal?.aborted || stop.signal.aborted) return;
          const reason = ModelError.isInstance(e)
            ? e.kind === 'invalid_output'
              ? 'invalid'
              : e.kind === 'truncated'
                ? 'truncated'
                : e.kind === 'timeout'
                  ? 'timeout'
                  : null
            : null;
          if (reason && ModelError.isInstance(e)) {
            outcomes[i] = { kind: 'fallback', reason, usage: e.usage ?? emptyUsage() };
          } else {
            fatal = e instanceof Error ? e : new Error(String(e));
            stop.abort(fatal);
          }
        } finally {
          done++;
          hooks.onProgress?.({ phase: 'curate', done, total });
        }
      }),
    );
    if (hooks.signal?.aborted)
      throw hooks.signal.reason instanceof Error ? hooks.signal.reason : new Error('dream aborted');
    return { outcomes, fatal };
  }
}

/**
 * Creates the LLM dream engine (see the module comment).
 * @throws RangeError (from the first run) when `batchSize` is not a whole number ≥ 1 or the budget is negative.
 * @example
 * const model = withResponseCache(withConcurrencyLimit(createModel(resolveModelConfig({ model: 'claude-sonnet-4-5' }, process.env)), 8), cache);
 * const engine = createLlmEngine({ model, budget: { max_input_tokens: 200_000 } });
 * const result = await engine.run({ memories, sessions, options: DEFAULT_DREAM_OPTIONS }, { cache: gatherCache });
 */
export function createLlmEngine(opts: LlmEngineOptions): LlmDreamEngine {
  return new LlmEngine(opts);
}
