/**
 * Store policies (shared/DESIGN.md "Review and apply"): which classes of change apply without a person
 * (exact-duplicate merges, additions with support ≥ N, deletions only when allowed), which paths no
 * dream may touch, and how many changes one dream may propose. Pure functions over domain data.
 */
import {
  type Change,
  DEFAULT_POLICY,
  type Memory,
  matchesAnyGlob,
  type StorePolicy,
  sha256Hex,
  ValidationError,
  validateMemoryPath,
} from '../domain/index.js';

/** A partial policy as a caller sends it; `auto_apply` may itself be partial. */
export type PolicyPatch = Partial<Omit<StorePolicy, 'auto_apply'>> & {
  auto_apply?: Partial<StorePolicy['auto_apply']>;
};

/** Most protected globs a store may have. */
export const MAX_PROTECTED_PATHS = 100;

function positiveIntOrNull(v: unknown, field: string): number | null {
  if (v === null) return null;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
    throw new ValidationError(`${field} must be a positive integer or null`, field);
  return v;
}

function bool(v: unknown, field: string): boolean {
  if (typeof v !== 'boolean') throw new ValidationError(`${field} must be true or false`, field);
  return v;
}

/**
 * Checks a protected-path glob: it starts with `/`, and with its wildcards (`**`, `*`, `?`) taken out
 * it is a valid memory path or prefix.
 * @returns the glob. @throws ValidationError (field `protected_paths[i]`).
 */
export function validateGlob(glob: unknown, field = 'protected_paths'): string {
  if (typeof glob !== 'string' || !glob.startsWith('/'))
    throw new ValidationError(`${field} must be a glob starting with "/", e.g. /preferences/**`, field);
  const literal = glob.replace(/\*\*/g, 'x').replace(/[*?]/g, 'x').replace(/\/$/, '');
  if (literal !== '') validateMemoryPath(literal, field);
  return glob;
}

/**
 * Checks a policy patch and merges it over `base` (`auto_apply` merged field by field).
 * @returns the complete policy.
 * @throws ValidationError naming the field (e.g. `auto_apply.additions_min_support`).
 */
export function mergePolicy(base: StorePolicy, patch: PolicyPatch): StorePolicy {
  if (typeof patch !== 'object' || patch === null)
    throw new ValidationError('policy must be an object', 'policy');
  const known = new Set(['auto_apply', 'protected_paths', 'max_changes_per_dream', 'triggers']);
  for (const k of Object.keys(patch))
    if (!known.has(k)) throw new ValidationError(`unknown policy field ${k}`, k);
  const out: StorePolicy = {
    auto_apply: { ...DEFAULT_POLICY.auto_apply, ...base.auto_apply },
    protected_paths: [...base.protected_paths],
    max_changes_per_dream: base.max_changes_per_dream,
    triggers: base.triggers,
  };
  const a = patch.auto_apply;
  if (a !== undefined) {
    if (typeof a !== 'object' || a === null)
      throw new ValidationError('auto_apply must be an object', 'auto_apply');
    for (const k of Object.keys(a))
      if (!['exact_duplicates', 'additions_min_support', 'deletions'].includes(k))
        throw new ValidationError(`unknown auto_apply field ${k}`, `auto_apply.${k}`);
    if (a.exact_duplicates !== undefined)
      out.auto_apply.exact_duplicates = bool(a.exact_duplicates, 'auto_apply.exact_duplicates');
    if (a.additions_min_support !== undefined)
      out.auto_apply.additions_min_support = positiveIntOrNull(
        a.additions_min_support,
        'auto_apply.additions_min_support',
      );
    if (a.deletions !== undefined) out.auto_apply.deletions = bool(a.deletions, 'auto_apply.deletions');
  }
  if (patch.protected_paths !== undefined) {
    if (!Array.isArray(patch.protected_paths))
      throw new ValidationError('protected_paths must be a list of globs', 'protected_paths');
    if (patch.protected_paths.length > MAX_PROTECTED_PATHS)
      throw new ValidationError(
        `protected_paths holds at most ${MAX_PROTECTED_PATHS} globs`,
        'protected_paths',
      );
    out.protected_paths = [
      ...new Set(patch.protected_paths.map((g, i) => validateGlob(g, `protected_paths[${i}]`))),
    ];
  }
  if (patch.max_changes_per_dream !== undefined)
    out.max_changes_per_dream = positiveIntOrNull(patch.max_changes_per_dream, 'max_changes_per_dream');
  if (patch.triggers !== undefined) {
    const t = patch.triggers;
    if (t !== null) {
      if (typeof t !== 'object') throw new ValidationError('triggers must be an object or null', 'triggers');
      for (const k of ['min_hours', 'min_sessions'] as const)
        if (typeof t[k] !== 'number' || !Number.isFinite(t[k]) || t[k] < 0)
          throw new ValidationError(`triggers.${k} must be a number ≥ 0`, `triggers.${k}`);
      out.triggers = { min_hours: t.min_hours, min_sessions: t.min_sessions };
    } else out.triggers = null;
  }
  return out;
}

/** The protected glob a change touches (its `path` or rename target), or `null`. */
export function protectedGlobFor(
  change: Pick<Change, 'path' | 'to_path'>,
  policy: StorePolicy,
): string | null {
  for (const g of policy.protected_paths) {
    if (matchesAnyGlob(change.path, [g])) return g;
    if (change.to_path && matchesAnyGlob(change.to_path, [g])) return g;
  }
  return null;
}

/** Which auto-apply class a change falls in, or why it is held for a person. */
export type AutoApplyVerdict =
  | { auto: true; rule: 'exact_duplicate' | 'addition' | 'deletion'; why: string }
  | { auto: false; why: string };

/**
 * Decides whether `change` may be applied without review under `policy`.
 * - exact-duplicate merge (`auto_apply.exact_duplicates`): a delete whose content is byte-identical to
 *   another memory of the target store that this change set leaves in place — no text is lost;
 * - addition (`auto_apply.additions_min_support = N`): a create, not of the index, backed by ≥ N sessions;
 * - deletion (`auto_apply.deletions`): any other delete, only when the policy allows deletions;
 * - everything else (updates, renames, index rewrites, protected paths, dreams over the cap, and any change
 *   proposed to a team or organisation store, whose `support.members` is set: only reviewers decide those) is held.
 * @param ctx.memories the target store's current memories (content not needed).
 * @param ctx.changes the whole change set (to see what else it deletes or moves).
 */
export function classifyChange(
  change: Change,
  policy: StorePolicy,
  ctx: { memories: readonly Pick<Memory, 'path' | 'content_sha256'>[]; changes: readonly Change[] },
): AutoApplyVerdict {
  const glob = protectedGlobFor(change, policy);
  if (glob) return { auto: false, why: `touches protected path ${glob}` };
  if (change.support.members)
    return { auto: false, why: 'changes to team and organisation stores are decided by a reviewer' };
  const cap = policy.max_changes_per_dream;
  if (cap !== null && ctx.changes.length > cap)
    return { auto: false, why: `the dream proposes ${ctx.changes.length} changes, over the cap of ${cap}` };
  const a = policy.auto_apply;
  if (change.op === 'delete') {
    if (a.exact_duplicates && change.before !== null) {
      const sha = sha256Hex(change.before);
      const touched = new Set(
        ctx.changes
          .filter((c) => c.id !== change.id && c.status !== 'rejected' && c.op !== 'create')
          .map((c) => c.path),
      );
      const twin = ctx.memories.find(
        (m) => m.path !== change.path && m.content_sha256 === sha && !touched.has(m.path),
      );
      if (twin)
        return { auto: true, rule: 'exact_duplicate', why: `exact duplicate of ${twin.path}, which stays` };
    }
    if (a.deletions) return { auto: true, rule: 'deletion', why: 'the policy allows deletions' };
    return { auto: false, why: 'deletions are held for review (auto_apply.deletions is off)' };
  }
  if (change.op === 'create') {
    if (change.kind === 'index') return { auto: false, why: 'index rewrites are held for review' };
    const n = a.additions_min_support;
    if (n === null)
      return { auto: false, why: 'additions are held for review (auto_apply.additions_min_support is off)' };
    if (change.support.sessions >= n)
      return {
        auto: true,
        rule: 'addition',
        why: `addition backed by ${change.support.sessions} session${change.support.sessions === 1 ? '' : 's'} (≥ ${n})`,
      };
    return {
      auto: false,
      why: `addition backed by ${change.support.sessions} session${change.support.sessions === 1 ? '' : 's'} (< ${n})`,
    };
  }
  return { auto: false, why: `${change.op}s are held for review` };
}

/** A way a change set breaks its store's policy (shown to reviewers; apply enforces it). */
export interface PolicyWarning {
  /** `protected_path`: a change touches a protected glob; `over_cap`: more changes than allowed. */
  type: 'protected_path' | 'over_cap';
  message: string;
  change_id: string | null;
}

/** Lists the policy breaches of a change set: changes on protected paths, and a set over the cap. */
export function policyWarnings(changes: readonly Change[], policy: StorePolicy): PolicyWarning[] {
  const out: PolicyWarning[] = [];
  const cap = policy.max_changes_per_dream;
  if (cap !== null && changes.length > cap)
    out.push({
      type: 'over_cap',
      message: `${changes.length} changes exceed the store's cap of ${cap} per dream; nothing is applied automatically`,
      change_id: null,
    });
  for (const c of changes) {
    const g = protectedGlobFor(c, policy);
    if (g)
      out.push({
        type: 'protected_path',
        message: `${c.op} ${c.to_path ?? c.path} touches protected path ${g}; apply will refuse it`,
        change_id: c.id,
      });
  }
  return out;
}
