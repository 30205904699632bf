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
  type ChangeStatus,
  ConflictError,
  type Dream,
  LIMITS,
  type Memory,
  type MemoryStore,
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

/** One change's place in an apply: its result item, whether it writes, and its conflict if any. */
type Plan = { change: Change; item: ApplyItem; write: boolean; conflict?: ChangeConflict };

/** The target store as apply sees it while checking changes in order: path → memory, and the count. */
interface VirtualStore {
  state: Map<string, Slot>;
  count: number;
}

/**
 * Plans one change against the virtual store: skipped (already applied, not approved, in conflict),
 * an error (not writable, store full), a conflict, a no-op, or a write — in which case the virtual
 * store is advanced so that later changes of this apply are checked against it.
 */
function planChange(c: Change, v: VirtualStore, store: MemoryStore, at: string): Plan {
  const base = { id: c.id, op: c.op, path: c.path, to_path: c.to_path };
  const skip = (change_status: ChangeStatus, reason: string): Plan => ({
    change: c,
    write: false,
    item: { ...base, status: 'skipped', change_status, reason },
  });
  const fail = (change_status: ChangeStatus, error: ApplyItem['error']): Plan => ({
    change: c,
    write: false,
    item: { ...base, status: 'error', change_status, error },
  });
  if (c.status === 'applied') return skip('applied', 'already applied');
  if (c.status !== 'approved' && c.status !== 'edited')
    return skip(
      c.status,
      c.status === 'conflict'
        ? `in conflict (${c.review?.conflict?.message ?? 'base changed'}); rebase or reject it`
        : `${c.status}, not approved`,
    );
  try {
    validateWritable(c);
  } catch (e) {
    if (!ReverieError.isInstance(e)) throw e;
    return fail(c.status, { type: e.type, message: e.message });
  }
  const verdict = checkChange(c, v.state, protectedGlobFor(c, store.policy), at);
  if (verdict === 'noop')
    return {
      change: c,
      write: false,
      item: {
        ...base,
        status: 'ok',
        change_status: 'applied',
        version_id: null,
        reason: 'the store already holds this content',
      },
    };
  if (verdict)
    return {
      ...fail('conflict', { type: 'conflict_error', message: verdict.message, conflict: verdict }),
      conflict: verdict,
    };
  if (c.op === 'create' && v.count >= LIMITS.maxMemoriesPerStore)
    return fail(c.status, {
      type: 'invalid_request_error',
      message: `store ${store.id} holds the maximum of ${LIMITS.maxMemoriesPerStore} memories`,
    });
  advance(v, c);
  return { change: c, write: true, item: { ...base, status: 'ok', change_status: 'applied' } };
}

/** Advances the virtual store by a change that will be written. */
function advance(v: VirtualStore, c: Change): void {
  const slot = v.state.get(c.path);
  if (c.op === 'create') {
    v.state.set(c.path, { id: null, sha: sha256Hex(c.after!) });
    v.count++;
  } else if (c.op === 'update') v.state.set(c.path, { ...slot!, sha: sha256Hex(c.after!) });
  else if (c.op === 'delete') {
    v.state.delete(c.path);
    v.count--;
  } else {
    v.state.delete(c.path);
    v.state.set(c.to_path!, { id: slot!.id, sha: c.after === null ? slot!.sha : sha256Hex(c.after) });
  }
}

/** Locks and reads the target store inside the transaction; refuses a missing or archived store. */
async function lockTarget(tx: Storage, storeId: string): Promise<MemoryStore> {
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
  return store;
}

/** The dream's changes to apply: all, or those `only` names (each must belong to the dream). */
async function selectChanges(tx: Storage, dreamId: string, only: Set<string> | null): Promise<Change[]> {
  const changes = (await tx.listChanges(dreamId)).filter((c) => !only || only.has(c.id));
  if (only) {
    const known = new Set(changes.map((c) => c.id));
    const missing = [...only].filter((id) => !known.has(id));
    if (missing.length) throw new NotFoundError('change', `${missing[0]} (not part of dream ${dreamId})`);
  }
  return changes;
}

/** What writing a plan needs: where, whose, when, and the caller's options. */
interface WriteContext {
  storeId: string;
  dream: Dream;
  actor: Actor;
  by: string;
  at: string;
  opts: ApplyOptions;
}

/**
 * Carries out a plan in order: conflicts are recorded on their changes; with `strict` and any
 * conflict every write is held back; else each planned write becomes a version and its change
 * `applied`. Returns the number of changes marked applied and whether writes were held back.
 */
async function carryOut(
  tx: Storage,
  plan: Plan[],
  w: WriteContext,
): Promise<{ writes: number; held: boolean }> {
  const held = Boolean(w.opts.strict) && plan.some((p) => p.conflict);
  let writes = 0;
  for (const p of plan) {
    const c = p.change;
    if (p.conflict) {
      await tx.updateChange(c.id, {
        status: 'conflict',
        review: { ...(c.review ?? { by: w.by, at: w.at, comment: null }), conflict: p.conflict },
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
    if (p.write) p.item.version_id = await writeChange(tx, w.storeId, w.dream, c, w.actor, w.opts.note, w.at);
    await tx.updateChange(c.id, { status: 'applied', applied_at: w.at });
    writes++;
    await w.opts.hooks?.afterWrite?.(writes, c);
  }
  return { writes, held };
}

/** A warning when the store's index links to paths the store does not hold (after writes). */
async function indexWarnings(tx: Storage, storeId: string): Promise<string[]> {
  const index = await tx.getMemoryByPath(storeId, INDEX_PATH);
  if (!index) return [];
  const paths = new Set((await listAllBasic(tx, storeId)).map((m) => m.path));
  const dangling = danglingIndexLinks(index.content!, paths);
  if (dangling.length === 0) return [];
  return [
    `${INDEX_PATH} links to ${dangling.length} path${dangling.length === 1 ? '' : 's'} not in the store (${dangling.slice(0, 5).join(', ')}${dangling.length > 5 ? ', …' : ''}); edit the index change or approve those memories`,
  ];
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
  const at = opts.now ?? nowIso();
  const only = opts.only ? new Set(opts.only) : null;

  return storage.transaction(async (tx) => {
    const store = await lockTarget(tx, storeId);
    const changes = await selectChanges(tx, dreamId, only);
    const memories = await listAllBasic(tx, storeId);
    const v: VirtualStore = {
      state: new Map(memories.map((m) => [m.path, { id: m.id, sha: m.content_sha256 }])),
      count: memories.length,
    };
    const plan = changes.map((c) => planChange(c, v, store, at));
    const actor: Actor = { type: 'review_actor', id: by };
    const { writes, held } = await carryOut(tx, plan, { storeId, dream, actor, by, at, opts });
    const items = plan.map((p) => p.item);
    return {
      dream_id: dreamId,
      memory_store_id: storeId,
      applied: items.filter((i) => i.status === 'ok').length,
      conflicts: plan.filter((p) => p.conflict).length,
      errors: plan.filter((p) => p.item.status === 'error' && !p.conflict).length,
      skipped: items.filter((i) => i.status === 'skipped').length,
      held_back: held,
      warnings: writes > 0 ? await indexWarnings(tx, storeId) : [],
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
