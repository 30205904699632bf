/**
 * Rollback: restores a store, or one path, to its state at an earlier point — right after a version,
 * at a time, or just before a dream first wrote to it — by writing NEW versions
 * (`created_by: {type:'rollback_actor', id: by}`), so history is kept and the rollback itself can be
 * rolled back. Contents are restored byte for byte from the stored versions.
 */
import {
  type Actor,
  ConflictError,
  type MemoryVersion,
  NotFoundError,
  ValidationError,
  validateMemoryPath,
} from '../domain/index.js';
import type { Storage } from '../storage/index.js';
import { parseInstant, validateReviewer } from './inputs.js';
import { listAllBasic } from './listing.js';

/** The point to roll back to: right after a version, at a time (ISO-8601), or just before a dream's first write. */
export type RollbackTarget = { version: string } | { time: string } | { before_dream: string };

/** One memory's restoring step. `create` re-creates a deleted memory (under a new memory id). */
export interface RollbackStep {
  action: 'create' | 'update' | 'delete';
  /** The memory as it is now (`null` for a create). */
  memory_id: string | null;
  /** The memory's history this step restores (the id it had at the target point). */
  restores_memory_id: string;
  path: string;
  /** For moves: the path it returns to. */
  to_path: string | null;
  /** The version whose content is restored (`null` for a delete: the memory did not exist then). */
  from_version_id: string | null;
  before_sha256: string | null;
  after_sha256: string | null;
}

/** What a rollback will do, or did. */
export interface RollbackPlan {
  memory_store_id: string;
  /** The target in words, e.g. `before dream drm_…`. */
  target: string;
  /** The last version included in the restored state (`null`: the store was empty). */
  as_of_version_id: string | null;
  path: string | null;
  steps: RollbackStep[];
}

/** A rollback's result: the plan and the versions written, in step order. */
export interface RollbackResult extends RollbackPlan {
  versions_written: string[];
}

/** Loads every version of a store, oldest first. */
async function allVersions(storage: Storage, storeId: string): Promise<MemoryVersion[]> {
  const out: MemoryVersion[] = [];
  let page: string | null = null;
  do {
    const p: Awaited<ReturnType<Storage['listVersions']>> = await storage.listVersions(storeId, {
      ascending: true,
      limit: 1000,
      page,
    });
    out.push(...p.data);
    page = p.next_page;
  } while (page);
  return out;
}

function validateTarget(target: RollbackTarget): RollbackTarget {
  if (typeof target !== 'object' || target === null)
    throw new ValidationError('rollback target is required', 'target');
  const keys = (['version', 'time', 'before_dream'] as const).filter(
    (k) => k in target && (target as Record<string, unknown>)[k],
  );
  if (keys.length !== 1)
    throw new ValidationError('give exactly one of version, time or before_dream', 'target');
  return target;
}

/**
 * How many of the store's versions (oldest first) the target includes, and its label.
 * @throws NotFoundError for an unknown version or dream; ValidationError for a version of another store
 *   or a dream that never wrote to the store.
 */
async function cutAt(
  storage: Storage,
  storeId: string,
  versions: readonly MemoryVersion[],
  target: RollbackTarget,
): Promise<{ cut: number; label: string }> {
  if ('version' in target) {
    const i = versions.findIndex((v) => v.id === target.version);
    if (i >= 0) return { cut: i + 1, label: `version ${target.version}` };
    const v = await storage.getVersion(target.version);
    if (v)
      throw new ValidationError(
        `version ${target.version} belongs to store ${v.memory_store_id}, not ${storeId}`,
        'version',
      );
    throw new NotFoundError('memory_version', target.version);
  }
  if ('time' in target) {
    const t = parseInstant(target.time, 'time');
    let cut = 0;
    versions.forEach((v, i) => {
      if (v.created_at <= t) cut = i + 1;
    });
    return { cut, label: `time ${t}` };
  }
  const d = await storage.getDream(target.before_dream);
  if (!d) throw new NotFoundError('dream', target.before_dream);
  const i = versions.findIndex((v) => v.dream_id === target.before_dream);
  if (i < 0)
    throw new ValidationError(
      `dream ${target.before_dream} wrote nothing to store ${storeId}; there is nothing of it to roll back (use a version or time)`,
      'before_dream',
    );
  return { cut: i, label: `before dream ${target.before_dream}` };
}

/** The memory as it is now, in the shape apply and rollback track (no content). */
type LiveMemory = Awaited<ReturnType<typeof listAllBasic>>[number];

/**
 * The step that brings one memory from its state now (`cur`) back to its last included version (`v`):
 * delete, create, update (content or path), or none when they already agree.
 * @throws ValidationError when the version to restore was redacted.
 */
function stepFor(id: string, v: MemoryVersion | undefined, cur: LiveMemory | null): RollbackStep | null {
  const live = v && v.operation !== 'deleted' ? v : null;
  if (live && live.content === null)
    throw new ValidationError(
      `version ${live.id} of ${live.path ?? id} was redacted; its content cannot be restored`,
      'version',
    );
  if (!live && cur)
    return {
      action: 'delete',
      memory_id: cur.id,
      restores_memory_id: id,
      path: cur.path,
      to_path: null,
      from_version_id: v?.id ?? null,
      before_sha256: cur.content_sha256,
      after_sha256: null,
    };
  if (live && !cur)
    return {
      action: 'create',
      memory_id: null,
      restores_memory_id: id,
      path: live.path!,
      to_path: null,
      from_version_id: live.id,
      before_sha256: null,
      after_sha256: live.content_sha256,
    };
  if (live && cur && (cur.path !== live.path || cur.content_sha256 !== live.content_sha256))
    return {
      action: 'update',
      memory_id: cur.id,
      restores_memory_id: id,
      path: cur.path,
      to_path: cur.path !== live.path ? live.path : null,
      from_version_id: live.id,
      before_sha256: cur.content_sha256,
      after_sha256: live.content_sha256,
    };
  return null;
}

/**
 * A restored path must be free once the rollback's own deletes and moves are done.
 * @throws ConflictError naming the memory that holds it, outside the rollback.
 */
function assertPathsFree(steps: readonly RollbackStep[], nowByPath: Map<string, LiveMemory>): void {
  const leaving = new Set(steps.filter((s) => s.action === 'delete' || s.to_path).map((s) => s.path));
  for (const s of steps) {
    const dest = s.action === 'create' ? s.path : s.to_path;
    if (!dest) continue;
    const occupant = nowByPath.get(dest);
    if (occupant && !leaving.has(dest) && occupant.id !== s.memory_id)
      throw new ConflictError(
        `cannot restore ${dest}: memory ${occupant.id} holds that path now and is outside this rollback (roll back ${dest} too, or the whole store)`,
        { conflicting_memory_id: occupant.id, conflicting_path: dest },
      );
  }
}

/**
 * Computes what rolling `storeId` (or only `opts.path`) back to `target` takes.
 * @throws NotFoundError for an unknown store, version or dream, or a path with no history;
 *   ValidationError for a bad target or path, a version of another store, a dream that never wrote to
 *   the store, or a redacted version; ConflictError when a restored path is taken by a memory outside the rollback.
 */
export async function planRollback(
  storage: Storage,
  storeId: string,
  target: RollbackTarget,
  opts: { path?: string | null } = {},
): Promise<RollbackPlan> {
  validateTarget(target);
  const path = opts.path ? validateMemoryPath(opts.path, 'path') : null;
  if (!(await storage.getStore(storeId))) throw new NotFoundError('memory_store', storeId);
  const versions = await allVersions(storage, storeId);
  const { cut, label } = await cutAt(storage, storeId, versions, target);
  const asOf = cut > 0 ? versions[cut - 1]!.id : null;

  // The state at the target point: the last included version of each memory.
  const then = new Map<string, MemoryVersion>();
  for (const v of versions.slice(0, cut)) then.set(v.memory_id, v);
  const now = new Map((await listAllBasic(storage, storeId)).map((m) => [m.id, m]));
  const nowByPath = new Map([...now.values()].map((m) => [m.path, m]));

  let scope: string[];
  if (path) {
    scope = [
      ...new Set(
        [...then.values()]
          .filter((v) => v.operation !== 'deleted' && v.path === path)
          .map((v) => v.memory_id),
      ),
    ];
    const cur = nowByPath.get(path);
    if (cur && !scope.includes(cur.id)) scope.push(cur.id);
    if (scope.length === 0 && !versions.some((v) => v.path === path)) throw new NotFoundError('memory', path);
  } else scope = [...new Set([...then.keys(), ...now.keys()])];

  const steps = scope
    .map((id) => stepFor(id, then.get(id), now.get(id) ?? null))
    .filter((s): s is RollbackStep => s !== null);
  assertPathsFree(steps, nowByPath);
  steps.sort((a, b) => order(a) - order(b) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { memory_store_id: storeId, target: label, as_of_version_id: asOf, path, steps };
}

const order = (s: RollbackStep) =>
  s.action === 'delete' ? 0 : s.to_path ? 1 : s.action === 'update' ? 2 : 3;

/**
 * Rolls a store (or one path) back to `target` in one transaction (see {@link planRollback} for the
 * rules and errors); a no-op when nothing differs. Moves that would collide (two memories swapping
 * paths) go through a temporary path under `/.reverie-rollback/`.
 * @returns the plan and the ids of the versions written.
 * @throws as {@link planRollback}; ValidationError for a bad `by`; ConflictError for an archived store.
 */
export async function rollbackStore(
  storage: Storage,
  storeId: string,
  target: RollbackTarget,
  opts: { by: string; path?: string | null; now?: string },
): Promise<RollbackResult> {
  const by = validateReviewer(opts.by);
  const actor: Actor = { type: 'rollback_actor', id: by };
  return storage.transaction(async (tx) => {
    if (!(await tx.lockStore(storeId))) throw new NotFoundError('memory_store', storeId);
    const store = (await tx.getStore(storeId))!;
    if (store.archived_at)
      throw new ConflictError(`memory store ${storeId} is archived and read-only`, {
        memory_store_id: storeId,
      });
    const plan = await planRollback(tx, storeId, target, { path: opts.path });
    const written: string[] = [];
    const ctx = (s: RollbackStep) => ({
      actor,
      note: `rollback to ${plan.target}${s.from_version_id && !plan.target.includes(s.from_version_id) ? `: restores version ${s.from_version_id}` : ''}`,
      now: opts.now,
    });
    const pending = [...plan.steps];
    const parked = new Set<string>();
    let guard = pending.length * 3 + 10;
    while (pending.length > 0) {
      if (guard-- < 0)
        throw new ConflictError('rollback could not order its moves', { memory_store_id: storeId });
      let progressed = false;
      for (let i = 0; i < pending.length; i++) {
        const s = pending[i]!;
        const dest = s.action === 'create' ? s.path : s.to_path;
        if (dest) {
          const occ = await tx.getMemoryByPath(storeId, dest);
          if (occ && occ.id !== s.memory_id) continue; // wait until the occupant moved away
        }
        written.push(await runStep(tx, storeId, s, ctx(s)));
        pending.splice(i, 1);
        i--;
        progressed = true;
      }
      if (!progressed) {
        // A cycle of moves: park one memory on a temporary path and retry.
        const s = pending.find((x) => x.memory_id && !parked.has(x.memory_id))!;
        if (!s) throw new ConflictError('rollback could not order its moves', { memory_store_id: storeId });
        parked.add(s.memory_id!);
        const m = await tx.updateMemory(
          s.memory_id!,
          { path: `/.reverie-rollback/${s.memory_id}` },
          { ...ctx(s), note: 'rollback: temporary move' },
        );
        written.push(m.memory_version_id);
      }
    }
    return { ...plan, versions_written: written };
  });
}

async function runStep(
  tx: Storage,
  storeId: string,
  s: RollbackStep,
  ctx: { actor: Actor; note: string; now?: string },
): Promise<string> {
  if (s.action === 'delete') {
    await tx.deleteMemory(s.memory_id!, {}, ctx);
    return (await tx.listVersions(storeId, { memory_id: s.memory_id!, limit: 1 })).data[0]!.id;
  }
  const v = (await tx.getVersion(s.from_version_id!))!;
  if (s.action === 'create')
    return (await tx.createMemory(storeId, v.path!, v.content!, ctx)).memory_version_id;
  return (await tx.updateMemory(s.memory_id!, { path: v.path!, content: v.content! }, ctx)).memory_version_id;
}
