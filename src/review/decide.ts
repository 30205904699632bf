/**
 * Review decisions on a dream's changes, one at a time or in bulk (by id, kind, path glob, status).
 *
 * States (`Change.status`) and the decisions that move between them:
 *
 * | from \ decision | approve  | edit     | reject   | reset   |
 * |-----------------|----------|----------|----------|---------|
 * | pending         | approved | edited   | rejected | pending |
 * | approved        | approved | edited   | rejected | pending |
 * | edited          | edited¹  | edited   | rejected | pending |
 * | rejected        | approved²| edited   | rejected | pending |
 * | conflict        | refused³ | refused³ | rejected | pending |
 * | applied         | refused  | refused  | refused  | refused |
 *
 * ¹ approving an edited change approves it as edited. ² a rejected change keeps a reviewer's earlier
 * edit, so approving it again yields `edited`. ³ a conflict is resolved by {@link rebaseChange} (or
 * rejected). `edit` puts the reviewer's content in `after` and keeps the engine's proposal in
 * `review.original_after`; `reset` restores the proposal and returns to `pending`. Every decision
 * records who, when and an optional comment.
 */
import {
  type Change,
  type ChangeKind,
  type ChangeReview,
  type ChangeStatus,
  ConflictError,
  type Dream,
  matchesAnyGlob,
  NotFoundError,
  ReverieError,
  sha256Hex,
  ValidationError,
  validateMemoryContent,
} from '../domain/index.js';
import type { Storage } from '../storage/index.js';
import { validateComment, validateReviewer } from './inputs.js';
import { validateGlob } from './policy.js';

/** What a reviewer decides about one change. */
export type Decision = 'approve' | 'reject' | 'edit' | 'reset';

/** Every decision, in display order. */
export const DECISIONS: readonly Decision[] = ['approve', 'edit', 'reject', 'reset'];
/** Every change kind. */
export const CHANGE_KINDS: readonly ChangeKind[] = [
  'mistake',
  'workflow',
  'preference',
  'feedback',
  'fact',
  'index',
  'cleanup',
];
/** Every change status. */
export const CHANGE_STATUSES: readonly ChangeStatus[] = [
  'pending',
  'approved',
  'edited',
  'rejected',
  'conflict',
  'applied',
];

/** A decision with its author; `content` is the reviewer's replacement text (required for `edit` only). */
export interface DecisionInput {
  decision: Decision;
  /** Who decides (1–200 characters). */
  by: string;
  comment?: string | null;
  content?: string;
}

/** The fields a decision changes. */
export type DecisionOutcome = Pick<Change, 'status' | 'after' | 'review'>;

const nowIso = () => new Date().toISOString();

/** The engine's proposal for `after`, whatever edits happened since. */
export function originalAfter(c: Pick<Change, 'after' | 'review'>): string | null {
  return c.review && 'original_after' in c.review && c.review.original_after !== undefined
    ? c.review.original_after
    : c.after;
}

/**
 * The pure state transition of the table above: what `input` does to `change` at time `now`.
 * @throws ConflictError for an applied change, or approve/edit of a conflict; ValidationError for a bad
 *   decision, a missing or oversized `content`, an edit of a delete, a bad `by` or `comment`.
 */
export function nextReview(change: Change, input: DecisionInput, now: string): DecisionOutcome {
  if (!DECISIONS.includes(input.decision))
    throw new ValidationError(`decision must be one of ${DECISIONS.join(', ')}`, 'decision');
  const by = validateReviewer(input.by);
  const comment = validateComment(input.comment);
  if (change.status === 'applied')
    throw new ConflictError(
      `change ${change.id} was applied at ${change.applied_at ?? 'an earlier time'}; decisions on applied changes are refused (roll the store back instead)`,
      { change_id: change.id, status: change.status },
    );
  const prev = change.review;
  const proposal = originalAfter(change);
  const edited = prev?.original_after !== undefined && change.after !== prev.original_after;
  // What survives every decision: the original proposal/base (if an edit or rebase replaced them) and a conflict note.
  const keep: Partial<ChangeReview> = {};
  if (prev?.original_after !== undefined) keep.original_after = prev.original_after;
  if (prev?.original_before !== undefined) keep.original_before = prev.original_before;
  if (prev?.original_base_sha256 !== undefined) keep.original_base_sha256 = prev.original_base_sha256;
  const base = { by, at: now, comment };
  switch (input.decision) {
    case 'approve':
      if (change.status === 'conflict') throw conflictRefusal(change, 'approve');
      return {
        status: edited ? 'edited' : 'approved',
        after: change.after,
        review: { ...base, decision: 'approve', ...keep, conflict: null },
      };
    case 'reject':
      return {
        status: 'rejected',
        after: change.after,
        review: { ...base, decision: 'reject', ...keep, conflict: prev?.conflict ?? null },
      };
    case 'reset':
      return {
        status: 'pending',
        after: proposal,
        review: { ...base, decision: 'reset', ...keep, conflict: prev?.conflict ?? null },
      };
    case 'edit': {
      if (change.status === 'conflict') throw conflictRefusal(change, 'edit');
      if (change.op === 'delete')
        throw new ValidationError(
          `change ${change.id} deletes ${change.path}; a delete has no content to edit — approve or reject it`,
          'content',
        );
      if (input.content === undefined || input.content === null)
        throw new ValidationError('an edit needs the new content', 'content');
      const content = validateMemoryContent(input.content, 'content');
      if (content === proposal)
        return {
          status: 'approved',
          after: content,
          review: { ...base, decision: 'approve', ...keep, conflict: null },
        };
      return {
        status: 'edited',
        after: content,
        review: { ...base, decision: 'edit', ...keep, original_after: proposal, conflict: null },
      };
    }
  }
}

function conflictRefusal(change: Change, what: string): ConflictError {
  const why = change.review?.conflict?.message ?? 'the store changed since the dream';
  return new ConflictError(
    `change ${change.id} is in conflict (${why}); rebase it onto the current content or reject it — it cannot be ${what === 'edit' ? 'edited' : 'approved'} as is`,
    { change_id: change.id, status: change.status },
  );
}

async function loadChange(storage: Storage, changeId: string): Promise<{ change: Change; dream: Dream }> {
  if (typeof changeId !== 'string' || changeId === '')
    throw new ValidationError('change id is required', 'change_id');
  const change = await storage.getChange(changeId);
  if (!change) throw new NotFoundError('change', changeId);
  const dream = await storage.getDream(change.dream_id);
  if (!dream) throw new NotFoundError('dream', change.dream_id);
  return { change, dream };
}

/**
 * Records one decision on one change (see {@link nextReview} for the rules), in a transaction that
 * locks the dream's store first, so two reviewers cannot interleave.
 * @returns the updated change.
 * @throws NotFoundError for an unknown change; ConflictError / ValidationError as {@link nextReview}.
 */
export async function decideChange(
  storage: Storage,
  changeId: string,
  input: DecisionInput,
  opts: { now?: string } = {},
): Promise<Change> {
  const { dream } = await loadChange(storage, changeId);
  return storage.transaction(async (tx) => {
    await tx.lockStore(dream.inputs[0].memory_store_id);
    const change = (await tx.getChange(changeId))!;
    const next = nextReview(change, input, opts.now ?? nowIso());
    await tx.updateChange(changeId, next);
    return { ...change, ...next };
  });
}

/** Which changes of a dream a bulk decision applies to. Criteria combine with AND. */
export interface ChangeSelector {
  /** Explicit change ids (any status; naming an applied change yields an `error` item: it is refused). */
  ids?: string[];
  kinds?: ChangeKind[];
  /** A glob over `path` (or a rename's `to_path`), e.g. `/facts/**`. */
  path_glob?: string;
  /** Statuses to touch. Default: `pending` when selecting by kind/glob/all, every status for explicit ids. */
  statuses?: ChangeStatus[];
  /** Select every change (subject to `statuses`). */
  all?: boolean;
}

/** Per-change result of a batch operation (Kysely-style): `ok`, `skipped` with a reason, or `error`. */
export interface BatchItem {
  id: string;
  status: 'ok' | 'skipped' | 'error';
  /** The change's status after the operation. */
  change_status?: ChangeStatus;
  path?: string;
  reason?: string;
  error?: { type: string; message: string };
}

/**
 * Checks a selector and returns the normalized form.
 * @throws ValidationError naming the field (`kinds`, `statuses`, `path_glob`, `ids`, `selector`).
 */
export function validateSelector(sel: ChangeSelector): ChangeSelector {
  if (typeof sel !== 'object' || sel === null)
    throw new ValidationError('selector must be an object', 'selector');
  const out: ChangeSelector = {};
  if (sel.ids !== undefined) {
    if (!Array.isArray(sel.ids) || sel.ids.some((id) => typeof id !== 'string' || id === ''))
      throw new ValidationError('ids must be a list of change ids', 'ids');
    out.ids = [...new Set(sel.ids)];
  }
  if (sel.kinds !== undefined) {
    if (!Array.isArray(sel.kinds)) throw new ValidationError('kinds must be a list', 'kinds');
    for (const k of sel.kinds)
      if (!CHANGE_KINDS.includes(k))
        throw new ValidationError(
          `unknown kind ${JSON.stringify(k)}; kinds are ${CHANGE_KINDS.join(', ')}`,
          'kinds',
        );
    out.kinds = sel.kinds;
  }
  if (sel.statuses !== undefined) {
    if (!Array.isArray(sel.statuses)) throw new ValidationError('statuses must be a list', 'statuses');
    for (const s of sel.statuses)
      if (!CHANGE_STATUSES.includes(s))
        throw new ValidationError(
          `unknown status ${JSON.stringify(s)}; statuses are ${CHANGE_STATUSES.join(', ')}`,
          'statuses',
        );
    out.statuses = sel.statuses;
  }
  if (sel.path_glob !== undefined && sel.path_glob !== '')
    out.path_glob = validateGlob(sel.path_glob, 'path_glob');
  if (sel.all) out.all = true;
  if (!out.ids && !out.kinds && !out.path_glob && !out.all && !out.statuses)
    throw new ValidationError('select changes by id, kind, path glob or status, or select all', 'selector');
  return out;
}

/** True if `c` matches the kind/glob criteria of `sel` (ids and statuses are handled by the caller). */
function matchesCriteria(c: Change, sel: ChangeSelector): boolean {
  if (sel.kinds && !sel.kinds.includes(c.kind)) return false;
  if (
    sel.path_glob &&
    !matchesAnyGlob(c.path, [sel.path_glob]) &&
    !(c.to_path && matchesAnyGlob(c.to_path, [sel.path_glob]))
  )
    return false;
  return true;
}

/**
 * Records one decision on every selected change of a dream, in one transaction. `edit` is refused in
 * bulk (each edit has its own content). Returns one item per selected change, in change-set order:
 * `ok`, `skipped` (an applied change or a status the selector leaves alone, when selected by filter),
 * or `error` (a refused transition, e.g. an explicitly named change that is already applied);
 * unknown or foreign ids come back as `error` items with `not_found_error`.
 * @throws NotFoundError for an unknown dream; ValidationError for a bad selector or decision.
 */
export async function decideMany(
  storage: Storage,
  dreamId: string,
  input: DecisionInput,
  selector: ChangeSelector,
  opts: { now?: string } = {},
): Promise<BatchItem[]> {
  if (input.decision === 'edit')
    throw new ValidationError(
      'edits are per change (each has its own content); bulk decisions are approve, reject or reset',
      'decision',
    );
  validateReviewer(input.by);
  validateComment(input.comment);
  const sel = validateSelector(selector);
  const dream = await storage.getDream(dreamId);
  if (!dream) throw new NotFoundError('dream', dreamId);
  const now = opts.now ?? nowIso();
  return storage.transaction(async (tx) => {
    await tx.lockStore(dream.inputs[0].memory_store_id);
    const changes = await tx.listChanges(dreamId);
    const explicit = sel.ids ? new Set(sel.ids) : null;
    const statuses = sel.statuses ?? (explicit ? null : ['pending']);
    const items: BatchItem[] = [];
    for (const c of changes) {
      if (explicit && !explicit.has(c.id)) continue;
      if (!matchesCriteria(c, sel)) continue;
      if (c.status === 'applied' && !explicit) {
        items.push({
          id: c.id,
          status: 'skipped',
          change_status: c.status,
          path: c.path,
          reason: 'already applied',
        });
        continue;
      }
      if (statuses && !statuses.includes(c.status) && c.status !== 'applied') {
        items.push({
          id: c.id,
          status: 'skipped',
          change_status: c.status,
          path: c.path,
          reason: `status is ${c.status}; this selection touches ${statuses.join('/')} changes`,
        });
        continue;
      }
      try {
        const next = nextReview(c, input, now);
        await tx.updateChange(c.id, next);
        items.push({ id: c.id, status: 'ok', change_status: next.status, path: c.path });
      } catch (e) {
        if (!ReverieError.isInstance(e)) throw e;
        items.push({
          id: c.id,
          status: 'error',
          change_status: c.status,
          path: c.path,
          error: { type: e.type, message: e.message },
        });
      }
    }
    if (explicit) {
      const known = new Set(changes.map((c) => c.id));
      for (const id of explicit)
        if (!known.has(id))
          items.push({
            id,
            status: 'error',
            error: { type: 'not_found_error', message: `change ${id} is not part of dream ${dreamId}` },
          });
    }
    return items;
  });
}

/**
 * Rebases a change in conflict onto the target store's current content: `before` and `base_sha256`
 * become what the store holds now (the originals are kept in `review.original_before` /
 * `original_base_sha256`), and the change returns to `pending` for a fresh decision, since its diff
 * changed. Only updates and deletes whose path still exists can be rebased; a create whose path is now
 * taken, or a change whose path vanished, must be rejected (or re-proposed by a new dream).
 * @returns the updated change.
 * @throws NotFoundError; ConflictError if the change is not in conflict or cannot be rebased.
 */
export async function rebaseChange(
  storage: Storage,
  changeId: string,
  by: string,
  opts: { now?: string } = {},
): Promise<Change> {
  const who = validateReviewer(by);
  const { dream } = await loadChange(storage, changeId);
  const storeId = dream.inputs[0].memory_store_id;
  return storage.transaction(async (tx) => {
    await tx.lockStore(storeId);
    const c = (await tx.getChange(changeId))!;
    if (c.status !== 'conflict')
      throw new ConflictError(`change ${c.id} is ${c.status}; only changes in conflict can be rebased`, {
        change_id: c.id,
        status: c.status,
      });
    if (c.op !== 'update' && c.op !== 'delete')
      throw new ConflictError(
        `change ${c.id} is a ${c.op}; only updates and deletes can be rebased — reject it instead`,
        {
          change_id: c.id,
        },
      );
    const cur = await tx.getMemoryByPath(storeId, c.path);
    if (!cur)
      throw new ConflictError(
        `${c.path} no longer exists in store ${storeId}; nothing to rebase onto — reject the change`,
        {
          change_id: c.id,
        },
      );
    const prev = c.review;
    const review: ChangeReview = {
      by: who,
      at: opts.now ?? nowIso(),
      comment: `rebased onto the current content of ${c.path} (${cur.content_sha256.slice(0, 12)})`,
      decision: 'rebase',
      original_after: prev?.original_after !== undefined ? prev.original_after : c.after,
      original_before: prev?.original_before !== undefined ? prev.original_before : c.before,
      original_base_sha256:
        prev?.original_base_sha256 !== undefined ? prev.original_base_sha256 : c.base_sha256,
      conflict: null,
    };
    const patch = {
      status: 'pending' as const,
      before: cur.content!,
      base_sha256: sha256Hex(cur.content!),
      review,
    };
    await tx.updateChange(c.id, patch);
    return { ...c, ...patch };
  });
}
