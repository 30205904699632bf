/**
 * Apply: writes a dream's approved (and edited) changes into the target store — the dream's input
 * store, both for `update_existing` dreams and for adopting a `create_new` dream's output — as new
 * memory versions, in one transaction.
 *
 * Safety rules:
 * - the transaction's first statement locks the store with a write (`Storage.lockStore`), so two
 *   applies (two processes) serialize: the second sees the first one's result and finds nothing left;
 * - every change is checked against its base before anything is written: `base_sha256` (the content
 *   hash of `path` in the input store when the dream started) against what the store holds now. A create
 *   whose path is now taken, an update/delete/rename whose path changed or vanished, a rename onto a
 *   taken path, or any change touching a protected path becomes `conflict` with the reason recorded in
 *   `review.conflict`; it is never a silent overwrite;
 * - a change already applied is skipped, so applying twice is a no-op;
 * - a crash or kill mid-way rolls the whole transaction back (all or nothing).
 */
import {
  type Actor,
  type Change,
  type ChangeConflict,
  ConflictError,
  type Dream,
  LIMITS,
  type Memory,
  NotFoundError,
  ReverieError,
  sha256Hex,
  ValidationError,
  validateMemoryContent,
  validateMemoryPath,
} from '../domain/index.js';
import type { Storage } from '../storage/index.js';
import { validateReviewer } from './inputs.js';
import { listAllBasic } from './listing.js';
import { protectedGlobFor } from './policy.js';

/** Hooks into an apply run (tests and progress). */
export interface ApplyHooks {
  /** Called after each change is written inside the transaction; `n` counts writes so far (1-based). */
  afterWrite?: (n: number, change: Change) => void | Promise<void>;
}

/** Options of {@link applyDream}. */
export interface ApplyOptions {
  /** Who applies (recorded as `created_by: {type: 'review_actor', id: by}` on every version written). */
  by: string;
  /** All or nothing: if any selected change conflicts, write none (conflicts are still recorded). */
  strict?: boolean;
  /** Apply only these change ids (they must still be approved or edited). */
  only?: string[];
  /** Text prefixed to each version's note (default `applied from dream <id>`). */
  note?: string;
  now?: string;
  hooks?: ApplyHooks;
}

/** Per-change result of an apply (Kysely-style): `ok` (written), `skipped` (with a reason) or `error`. */
export interface ApplyItem {
  id: string;
  status: 'ok' | 'skipped' | 'error';
  op: Change['op'];
  path: string;
  to_path: string | null;
  /** The change's status after the apply. */
  change_status: Change['status'];
  /** The memory version written (`ok` items that changed the store). */
  version_id?: string | null;
  reason?: string;
  /** For `error` items: a conflict (`conflict_error`, with `conflict`) or a change that cannot be written. */
  error?: { type: string; message: string; conflict?: ChangeConflict };
}

/** Result of {@link applyDream}: counts, and one item per change of the dream (or of `only`). */
export interface ApplyResult {
  dream_id: string;
  memory_store_id: string;
  applied: number;
  conflicts: number;
  errors: number;
  skipped: number;
  /** True when `strict` was asked and a conflict stopped every write. */
  held_back: boolean;
  /** Things a person should know after the apply, e.g. `/MEMORY.md` links to memories that are not in the store. */
  warnings: string[];
  items: ApplyItem[];
}

/**
 * Links of an index (`- [Title](path) — hook`, paths relative to `/` or absolute) that point at no
 * memory in `paths`: what is left dangling when a reviewer rejects a memory the index rewrite lists.
 */
export function danglingIndexLinks(index: string, paths: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const m of index.matchAll(/\]\(([^)\s]+)\)/g)) {
    const target = m[1]!;
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) continue;
    const path = target.startsWith('/') ? target : `/${target.replace(/^\.\//, '')}`;
    if (!paths.has(path.split('#')[0]!)) out.push(path);
  }
  return out;
}

const nowIso = () => new Date().toISOString();
/** The index memory's path (the engine's `INDEX_PATH`). */
const INDEX_PATH = '/MEMORY.md';
const short = (sha: string | null) => (sha ? sha.slice(0, 12) : 'none');

/** The hash a change expects at its path: `base_sha256`, or the hash of `before` when no base was recorded. */
export function expectedBase(c: Pick<Change, 'base_sha256' | 'before'>): string | null {
  if (c.base_sha256) return c.base_sha256;
  return c.before === null ? null : sha256Hex(c.before);
}

/** A memory as apply tracks it while checking changes in order (no content: hashes suffice). */
interface Slot {
  id: string | null;
  sha: string;
}

/**
 * Checks one change against the (virtual) state of the target store.
 * @returns a conflict, `'noop'` if the store already holds the change's result, or `null` if it applies.
 */
function checkChange(
  c: Change,
  state: Map<string, Slot>,
  policyGlob: string | null,
  at: string,
): ChangeConflict | 'noop' | null {
  const conflict = (
    reason: ChangeConflict['reason'],
    message: string,
    found: string | null,
  ): ChangeConflict => ({
    reason,
    message,
    at,
    expected_sha256: expectedBase(c),
    found_sha256: found,
  });
  if (policyGlob)
    return conflict(
      'protected_path',
      `${c.to_path ?? c.path} is protected by ${policyGlob}; apply never writes it`,
      null,
    );
  const cur = state.get(c.path);
  const base = expectedBase(c);
  switch (c.op) {
    case 'create':
      if (!cur) return null;
      if (c.after !== null && cur.sha === sha256Hex(c.after)) return 'noop';
      return conflict(
        'path_exists',
        `${c.path} was created in the store after the dream started (${short(cur.sha)})`,
        cur.sha,
      );
    case 'update':
    case 'delete':
    case 'rename': {
      if (!cur) return conflict('path_missing', `${c.path} no longer exists in the store`, null);
      if (base !== null && cur.sha !== base)
        return conflict(
          'base_changed',
          `${c.path} changed since the dream started: expected ${short(base)}, found ${short(cur.sha)}`,
          cur.sha,
        );
      if (c.op === 'rename') {
        const dest = c.to_path ? state.get(c.to_path) : undefined;
        if (dest)
          return conflict(
            'target_exists',
            `cannot rename ${c.path} to ${c.to_path}: the destination exists`,
            dest.sha,
          );
      }
      return null;
    }
  }
}

/** Checks that a change can be written at all (paths and content within limits). */
function validateWritable(c: Change): void {
  validateMemoryPath(c.path, 'path');
  if (c.op === 'rename') {
    if (!c.to_path)
      throw new ValidationError(`change ${c.id} renames ${c.path} but has no to_path`, 'to_path');
    validateMemoryPath(c.to_path, 'to_path');
  }
  if (c.op === 'create' || c.op === 'update') {
    if (c.after === null) throw new ValidationError(`change ${c.id} has no content to write`, 'after');
    validateMemoryContent(c.after, 'after');
  }
  if (c.op === 'rename' && c.after !== null) validateMemoryContent(c.after, 'after');
}

/**
 * Applies a dream's approved and edited changes to its input store (see the module comment for the
 * rules). Versions are written with `created_by {type:'review_actor', id: by}`, the dream and change
 * ids, and a note naming the change, its kind and reason.
 * @returns per-change items and counts; conflicts are items, not exceptions.
 * @throws NotFoundError for an unknown dream or target store; ConflictError if the dream is not
 *   completed or the target store is archived; ValidationError for a bad `by` or `only`.
 */
export async function applyDream(
  storage: Storage,
  dreamId: string,
  opts: ApplyOptions,
): Promise<ApplyResult> {
  const by = validateReviewer(opts.by);
  if (opts.only !== undefined && (!Array.isArray(opts.only) || opts.only.some((x) => typeof x !== 'string')))
    throw new ValidationError('only must be a list of change ids', 'only');
  const dream = await storage.getDream(dreamId);
  if (!dream) throw new NotFoundError('dream', dreamId);
  assertApplicable(dream);
  const storeId = dream.inputs[0].memory_store_id;
  const actor: Actor = { type: 'review_actor', id: by };
  const at = opts.now ?? nowIso();
  const only = opts.only ? new Set(opts.only) : null;

  return storage.transaction(async (tx) => {
    // First statement: a write, so SQLite takes its lock now (and waits out busy_timeout) rather than
    // failing with SQLITE_BUSY_SNAPSHOT when a read-started transaction tries to write.
    if (!(await tx.lockStore(storeId))) throw new NotFoundError('memory_store', storeId);
    const store = (await tx.getStore(storeId))!;
    if (store.archived_at)
      throw new ConflictError(
        `memory store ${storeId} is archived and read-only; nothing can be applied to it`,
        {
          memory_store_id: storeId,
        },
      );
    const changes = (await tx.listChanges(dreamId)).filter((c) => !only || only.has(c.id));
    if (only) {
      const known = new Set(changes.map((c) => c.id));
      const missing = [...only].filter((id) => !known.has(id));
      if (missing.length) throw new NotFoundError('change', `${missing[0]} (not part of dream ${dreamId})`);
    }
    const memories = await listAllBasic(tx, storeId);
    const state = new Map<string, Slot>(memories.map((m) => [m.path, { id: m.id, sha: m.content_sha256 }]));
    let count = memories.length;

    type Plan = { change: Change; item: ApplyItem; write: boolean; conflict?: ChangeConflict };
    const plan: Plan[] = [];
    for (const c of changes) {
      const base = { id: c.id, op: c.op, path: c.path, to_path: c.to_path };
      if (c.status === 'applied') {
        plan.push({
          change: c,
          write: false,
          item: { ...base, status: 'skipped', change_status: 'applied', reason: 'already applied' },
        });
        continue;
      }
      if (c.status !== 'approved' && c.status !== 'edited') {
        const reason =
          c.status === 'conflict'
            ? `in conflict (${c.review?.conflict?.message ?? 'base changed'}); rebase or reject it`
            : `${c.status}, not approved`;
        plan.push({
          change: c,
          write: false,
          item: { ...base, status: 'skipped', change_status: c.status, reason },
        });
        continue;
      }
      try {
        validateWritable(c);
      } catch (e) {
        if (!ReverieError.isInstance(e)) throw e;
        plan.push({
          change: c,
          write: false,
          item: {
            ...base,
            status: 'error',
            change_status: c.status,
            error: { type: e.type, message: e.message },
          },
        });
        continue;
      }
      const verdict = checkChange(c, state, protectedGlobFor(c, store.policy), at);
      if (verdict === 'noop') {
        plan.push({
          change: c,
          write: false,
          item: {
            ...base,
            status: 'ok',
            change_status: 'applied',
            version_id: null,
            reason: 'the store already holds this content',
          },
        });
        continue;
      }
      if (verdict) {
        plan.push({
          change: c,
          write: false,
          conflict: verdict,
          item: {
            ...base,
            status: 'error',
            change_status: 'conflict',
            error: { type: 'conflict_error', message: verdict.message, conflict: verdict },
          },
        });
        continue;
      }
      if (c.op === 'create' && count >= LIMITS.maxMemoriesPerStore) {
        plan.push({
          change: c,
          write: false,
          item: {
            ...base,
            status: 'error',
            change_status: c.status,
            error: {
              type: 'invalid_request_error',
              message: `store ${storeId} holds the maximum of ${LIMITS.maxMemoriesPerStore} memories`,
            },
          },
        });
        continue;
      }
      // Update the virtual state so later changes of this apply are checked against it.
      const slot = state.get(c.path);
      if (c.op === 'create') {
        state.set(c.path, { id: null, sha: sha256Hex(c.after!) });
        count++;
      } else if (c.op === 'update') state.set(c.path, { ...slot!, sha: sha256Hex(c.after!) });
      else if (c.op === 'delete') {
        state.delete(c.path);
        count--;
      } else {
        state.delete(c.path);
        state.set(c.to_path!, { id: slot!.id, sha: c.after === null ? slot!.sha : sha256Hex(c.after) });
      }
      plan.push({ change: c, write: true, item: { ...base, status: 'ok', change_status: 'applied' } });
    }

    const conflicts = plan.filter((p) => p.conflict);
    const held = Boolean(opts.strict) && conflicts.length > 0;
    let writes = 0;
    for (const p of plan) {
      const c = p.change;
      if (p.conflict) {
        await tx.updateChange(c.id, {
          status: 'conflict',
          review: { ...(c.review ?? { by, at, comment: null }), conflict: p.conflict },
        });
        continue;
      }
      if (p.item.status !== 'ok') continue;
      if (held) {
        p.item = {
          ...p.item,
          status: 'skipped',
          change_status: c.status,
          reason: 'strict apply: held back because another change conflicts',
        };
        delete p.item.version_id;
        continue;
      }
      if (p.write) p.item.version_id = await writeChange(tx, storeId, dream, c, actor, opts.note, at);
      await tx.updateChange(c.id, { status: 'applied', applied_at: at });
      writes++;
      await opts.hooks?.afterWrite?.(writes, c);
    }
    const items = plan.map((p) => p.item);
    const warnings: string[] = [];
    if (writes > 0) {
      const index = await tx.getMemoryByPath(storeId, INDEX_PATH);
      const paths = index ? new Set((await listAllBasic(tx, storeId)).map((m) => m.path)) : new Set<string>();
      const dangling = index ? danglingIndexLinks(index.content!, paths) : [];
      if (dangling.length > 0)
        warnings.push(
          `${INDEX_PATH} links to ${dangling.length} path${dangling.length === 1 ? '' : 's'} not in the store (${dangling.slice(0, 5).join(', ')}${dangling.length > 5 ? ', …' : ''}); edit the index change or approve those memories`,
        );
    }
    return {
      dream_id: dreamId,
      memory_store_id: storeId,
      applied: items.filter((i) => i.status === 'ok').length,
      conflicts: conflicts.length,
      errors: plan.filter((p) => p.item.status === 'error' && !p.conflict).length,
      skipped: items.filter((i) => i.status === 'skipped').length,
      held_back: held,
      warnings,
      items,
    };
  });
}

/** Refuses dreams that have no finished change set. */
function assertApplicable(dream: Dream): void {
  if (dream.status !== 'completed')
    throw new ConflictError(`dream ${dream.id} is ${dream.status}; only completed dreams can be applied`, {
      dream_id: dream.id,
      status: dream.status,
    });
}

async function writeChange(
  tx: Storage,
  storeId: string,
  dream: Dream,
  c: Change,
  actor: Actor,
  notePrefix: string | undefined,
  now: string,
): Promise<string | null> {
  const reviewed =
    c.status === 'edited'
      ? `edited by ${c.review?.by ?? 'a reviewer'}`
      : `approved by ${c.review?.by ?? 'a reviewer'}`;
  const note =
    `${notePrefix ?? `applied from dream ${dream.id}`}: ${c.op} (${c.kind}), ${reviewed} — ${c.reason}`.slice(
      0,
      1000,
    );
  const ctx = { actor, dream_id: dream.id, change_id: c.id, note, now };
  const base = expectedBase(c);
  let written: Memory | null = null;
  if (c.op === 'create') written = await tx.createMemory(storeId, c.path, c.after!, ctx);
  else {
    const cur = (await tx.getMemoryByPath(storeId, c.path))!;
    if (c.op === 'update')
      written = await tx.updateMemory(cur.id, { content: c.after!, expected_sha256: base }, ctx);
    else if (c.op === 'rename')
      written = await tx.updateMemory(
        cur.id,
        { path: c.to_path!, content: c.after ?? undefined, expected_sha256: base },
        ctx,
      );
    else {
      await tx.deleteMemory(cur.id, { expected_sha256: base }, ctx);
      const v = await tx.listVersions(storeId, { memory_id: cur.id, limit: 1 });
      return v.data[0]?.id ?? null;
    }
  }
  return written.memory_version_id;
}
