/**
 * Automatic mode: approve and apply, in one transaction, the pending changes of a dream that its
 * store's policy lets through (see {@link classifyChange}), and hold the rest for a person.
 * Versions written this way carry `created_by: {type:'review_actor', id:'policy'}` and each change's
 * review record names the rule that let it through.
 */
import { type CheckReport, ConflictError, NotFoundError } from '../domain/index.js';
import type { Storage } from '../storage/index.js';
import { type ApplyHooks, type ApplyResult, applyDream } from './apply.js';
import { listAllBasic } from './listing.js';
import { classifyChange, type PolicyWarning, policyWarnings } from './policy.js';

/** The reviewer name automatic mode records. */
export const POLICY_REVIEWER = 'policy';

/** Result of {@link autoApplyDream}. */
export interface AutoApplyResult {
  dream_id: string;
  memory_store_id: string;
  /** Changes the policy let through, with the rule and why. */
  auto: { id: string; path: string; rule: 'exact_duplicate' | 'addition' | 'deletion'; why: string }[];
  /** Pending changes held for review, with why. */
  held: { id: string; path: string; why: string }[];
  warnings: PolicyWarning[];
  /** The apply of the `auto` changes (`null` when there were none). */
  apply: ApplyResult | null;
}

/**
 * The do-no-harm gate in front of the policy: what a dream's check lets automatic mode apply.
 * `pass`: whatever the policy allows. `regression`: nothing. `no_probes` or no check at all: only
 * exact-duplicate merges (they add nothing learned from transcripts and remove nothing unique), because
 * nothing held back could show that the rest does no harm.
 * @returns null when the policy may decide, else why the change is held.
 */
export function gateHolds(
  gate: CheckReport | null,
  rule: 'exact_duplicate' | 'addition' | 'deletion',
): string | null {
  if (gate?.verdict === 'pass') return null;
  if (gate?.verdict === 'regression') {
    const r = gate.regressions[0]!;
    return `the do-no-harm check found the proposal worse than the store (${r.class}: ${r.detail})`;
  }
  if (rule === 'exact_duplicate') return null;
  return 'no sessions were held back to check this dream against (dream with a holdout), so only exact-duplicate merges are applied automatically';
}

/**
 * Approves (as `policy`) and applies the pending changes the target store's policy allows and the
 * dream's do-no-harm check (`gate`, see {@link gateHolds}) lets through.
 * @throws NotFoundError for an unknown dream or store; ConflictError for an unfinished dream or an
 *   archived store.
 */
export async function autoApplyDream(
  storage: Storage,
  dreamId: string,
  opts: { now?: string; hooks?: ApplyHooks; gate: CheckReport | null },
): Promise<AutoApplyResult> {
  const dream = await storage.getDream(dreamId);
  if (!dream) throw new NotFoundError('dream', dreamId);
  if (dream.status !== 'completed')
    throw new ConflictError(`dream ${dreamId} is ${dream.status}; only completed dreams can be applied`, {
      dream_id: dreamId,
    });
  const storeId = dream.inputs[0].memory_store_id;
  const at = opts.now ?? new Date().toISOString();
  return storage.transaction(async (tx) => {
    if (!(await tx.lockStore(storeId))) throw new NotFoundError('memory_store', storeId);
    const store = (await tx.getStore(storeId))!;
    const changes = await tx.listChanges(dreamId);
    const memories = await listAllBasic(tx, storeId);
    const auto: AutoApplyResult['auto'] = [];
    const held: AutoApplyResult['held'] = [];
    for (const c of changes) {
      if (c.status !== 'pending') continue;
      const v = classifyChange(c, store.policy, { memories, changes });
      const gated = v.auto ? gateHolds(opts.gate, v.rule) : null;
      if (v.auto && !gated) auto.push({ id: c.id, path: c.path, rule: v.rule, why: v.why });
      else held.push({ id: c.id, path: c.path, why: gated ?? v.why });
    }
    for (const a of auto)
      await tx.updateChange(a.id, {
        status: 'approved',
        review: {
          by: POLICY_REVIEWER,
          at,
          comment: `auto-applied: ${a.why}`,
          decision: 'auto',
          conflict: null,
        },
      });
    const apply =
      auto.length > 0
        ? await applyDream(tx, dreamId, {
            by: POLICY_REVIEWER,
            only: auto.map((a) => a.id),
            now: at,
            hooks: opts.hooks,
            note: `auto-applied from dream ${dreamId} by the store policy`,
          })
        : null;
    return {
      dream_id: dreamId,
      memory_store_id: storeId,
      auto,
      held,
      warnings: policyWarnings(changes, store.policy),
      apply,
    };
  });
}
