/**
 * The review service: what the CLI, the web review page and the HTTP API call to review change sets,
 * apply them (by hand or under a store's policy), set policies, roll stores back and read the audit
 * log. It composes a {@link Reverie} (stores, dreams, sessions) with the `review/` module; no shell
 * talks to storage directly.
 *
 * @example
 * const svc = await Reverie.open();
 * const review = new ReviewService(svc);
 * await review.decideMany(dreamId, { decision: 'approve', by: 'ana' }, { kinds: ['mistake'] });
 * const result = await review.apply(dreamId, { by: 'ana' });
 */
import {
  type Change,
  type ChangeKind,
  type ChangeStatus,
  type Dream,
  type DreamProgress,
  type Memory,
  type MemoryStore,
  type MemoryVersion,
  NotFoundError,
  type Session,
  type SessionEvent,
  type StorePolicy,
  ValidationError,
} from '../domain/index.js';
import { DEFAULT_HOLDOUT } from '../dream/index.js';
import {
  type ApplyHooks,
  type ApplyResult,
  type AuditEntry,
  type AuditQuery,
  type AutoApplyResult,
  applyDream,
  auditLog,
  autoApplyDream,
  type BatchItem,
  CHANGE_KINDS,
  CHANGE_STATUSES,
  type ChangeSelector,
  classifyChange,
  type DecisionInput,
  decideChange,
  decideMany,
  gateHolds,
  listAllBasic,
  mergePolicy,
  type PolicyPatch,
  type PolicyWarning,
  planRollback,
  policyWarnings,
  type RollbackPlan,
  type RollbackResult,
  type RollbackTarget,
  rebaseChange,
  rollbackStore,
} from '../review/index.js';
import type { Page, PageQuery } from '../storage/index.js';
import { storageOf } from './internal.js';
import type { CreateDreamInput, Reverie } from './reverie.js';

/** A dream with its change counts, for lists. */
export interface DreamSummary {
  dream: Dream;
  /** The store apply writes to (the dream's input store). */
  target_store_id: string;
  /** Changes by status (every status present, zero when none). */
  counts: Record<ChangeStatus, number>;
  total: number;
}

/** A dream's change set as a reviewer sees it. */
export interface ChangeSetView {
  dream: Dream;
  /** The store apply writes to (the input store, for both output behaviors). */
  target_store: MemoryStore;
  /** The `create_new` output store, when there is one. */
  output_store_id: string | null;
  changes: Change[];
  /** The same changes grouped by kind, kinds in a fixed order, empty kinds left out. */
  by_kind: { kind: ChangeKind; changes: Change[] }[];
  counts: Record<ChangeStatus, number>;
  /** Policy breaches (protected paths touched, over the cap). */
  warnings: PolicyWarning[];
  /** For each pending change: would the store's policy apply it automatically, and why (not). */
  policy: Record<string, { auto: boolean; why: string }>;
  /** Sessions cited as evidence, by id (title, external id, outcome). */
  sessions: Record<string, Pick<Session, 'id' | 'title' | 'external_id' | 'outcome' | 'agent_id'>>;
}

/** Options of {@link ReviewService.dream}. */
export interface DreamAndApplyOptions {
  /** `auto`: apply right away what the policy allows, hold the rest; `review` (default): apply nothing. */
  apply?: 'auto' | 'review';
  onProgress?: (p: DreamProgress) => void;
  signal?: AbortSignal;
}

/** Result of {@link ReviewService.dream}. */
export interface DreamAndApplyResult {
  dream: Dream;
  changes: Change[];
  /** The automatic apply (`null` in review mode). */
  auto: AutoApplyResult | null;
}

/** A memory path's history in a store: the live memory (if any) and its versions, newest first. */
export interface MemoryHistory {
  memory_store_id: string;
  path: string;
  memory: Memory | null;
  versions: MemoryVersion[];
}

function emptyCounts(): Record<ChangeStatus, number> {
  return Object.fromEntries(CHANGE_STATUSES.map((s) => [s, 0])) as Record<ChangeStatus, number>;
}

function countStatuses(changes: readonly Change[]): Record<ChangeStatus, number> {
  const counts = emptyCounts();
  for (const c of changes) counts[c.status]++;
  return counts;
}

/**
 * The review service (see the module comment). Construct it over a {@link Reverie}; `applyHooks`
 * (none by default) are called inside apply's transaction; tests pass them to pause or observe it.
 * Methods throw the domain's typed errors: `ValidationError` (naming the field), `NotFoundError`,
 * `ConflictError`.
 */
export class ReviewService {
  readonly reverie: Reverie;
  #hooks: ApplyHooks;

  constructor(reverie: Reverie, opts: { applyHooks?: ApplyHooks } = {}) {
    this.reverie = reverie;
    this.#hooks = opts.applyHooks ?? {};
  }

  get #storage() {
    return storageOf(this.reverie);
  }

  // ───────────────────────────── dreams and change sets

  /** Dreams, newest first, each with its change counts by status. */
  async listDreams(
    q: PageQuery & { memory_store_id?: string; include_archived?: boolean } = {},
  ): Promise<Page<DreamSummary>> {
    const page = await this.reverie.listDreams({ limit: 100, ...q });
    const data: DreamSummary[] = [];
    for (const dream of page.data) {
      const changes = await this.#storage.listChanges(dream.id);
      data.push({
        dream,
        target_store_id: dream.inputs[0].memory_store_id,
        counts: countStatuses(changes),
        total: changes.length,
      });
    }
    return { data, next_page: page.next_page };
  }

  /**
   * A dream's change set for review: changes (in order and grouped by kind), counts, policy warnings,
   * what automatic mode would do with each pending change, and the sessions cited as evidence.
   * @throws NotFoundError for an unknown dream.
   */
  async changeSet(dreamId: string): Promise<ChangeSetView> {
    const dream = await this.reverie.getDream(dreamId);
    const target = await this.reverie.getStore(dream.inputs[0].memory_store_id);
    const changes = await this.#storage.listChanges(dreamId);
    const memories = await listAllBasic(this.#storage, target.id);
    const policy: ChangeSetView['policy'] = {};
    for (const c of changes) {
      if (c.status !== 'pending') continue;
      const v = classifyChange(c, target.policy, { memories, changes });
      const gated = v.auto ? gateHolds(dream.check ?? null, v.rule) : null;
      policy[c.id] = { auto: v.auto && !gated, why: gated ?? v.why };
    }
    const sessionIds = [...new Set(changes.flatMap((c) => c.evidence.map((e) => e.session_id)))];
    const sessions: ChangeSetView['sessions'] = {};
    for (const s of await this.#storage.getSessions(sessionIds))
      sessions[s.id] = {
        id: s.id,
        title: s.title,
        external_id: s.external_id,
        outcome: s.outcome,
        agent_id: s.agent_id,
      };
    return {
      dream,
      target_store: target,
      output_store_id: dream.outputs[0]?.memory_store_id ?? null,
      changes,
      by_kind: CHANGE_KINDS.map((kind) => ({ kind, changes: changes.filter((c) => c.kind === kind) })).filter(
        (g) => g.changes.length > 0,
      ),
      counts: countStatuses(changes),
      warnings: policyWarnings(changes, target.policy),
      policy,
      sessions,
    };
  }

  /** One change. @throws NotFoundError */
  async getChange(changeId: string): Promise<Change> {
    const c = await this.#storage.getChange(changeId);
    if (!c) throw new NotFoundError('change', changeId);
    return c;
  }

  // ───────────────────────────── decisions

  /**
   * Approves, edits, rejects or resets one change (rules in `review/decide.ts`).
   * @returns the updated change.
   * @throws NotFoundError; ConflictError for an applied change (or approving/editing a conflict);
   *   ValidationError naming `decision`, `by`, `comment` or `content`.
   */
  async decide(changeId: string, input: DecisionInput): Promise<Change> {
    return decideChange(this.#storage, changeId, input);
  }

  /**
   * One decision (approve, reject, reset) on the selected changes of a dream, in one transaction.
   * @returns one item per selected change: `ok`, `skipped` (with a reason) or `error`.
   * @throws NotFoundError for an unknown dream; ValidationError for a bad selector or decision.
   */
  async decideMany(dreamId: string, input: DecisionInput, selector: ChangeSelector): Promise<BatchItem[]> {
    return decideMany(this.#storage, dreamId, input, selector);
  }

  /**
   * Rebases a change in conflict onto the store's current content; it returns to `pending`.
   * @throws NotFoundError; ConflictError if it is not in conflict or cannot be rebased.
   */
  async rebase(changeId: string, by: string): Promise<Change> {
    return rebaseChange(this.#storage, changeId, by);
  }

  // ───────────────────────────── apply

  /**
   * Applies the dream's approved and edited changes to its input store in one transaction, checking each
   * against its base; conflicts are recorded and reported per change, never overwritten.
   * @throws NotFoundError; ConflictError for an unfinished dream or archived store; ValidationError.
   */
  async apply(
    dreamId: string,
    opts: { by: string; strict?: boolean; only?: string[] },
  ): Promise<ApplyResult> {
    return applyDream(this.#storage, dreamId, { ...opts, hooks: this.#hooks });
  }

  /**
   * Automatic mode for one dream: approves (as `policy`) and applies the pending changes the input
   * store's policy allows; the rest stay pending for review.
   * @throws NotFoundError; ConflictError for an unfinished dream or archived store.
   */
  async autoApply(dreamId: string): Promise<AutoApplyResult> {
    const dream = await this.reverie.getDream(dreamId);
    return autoApplyDream(this.#storage, dreamId, { hooks: this.#hooks, gate: dream.check ?? null });
  }

  /**
   * Creates and runs a dream (see {@link Reverie.dream}), then in `auto` mode applies what the store's
   * policy allows. If the automatic apply fails, the dream and its change set are kept and the error is
   * rethrown (the change set can still be reviewed).
   */
  async dream(input: CreateDreamInput, opts: DreamAndApplyOptions = {}): Promise<DreamAndApplyResult> {
    if (opts.apply !== undefined && opts.apply !== 'auto' && opts.apply !== 'review')
      throw new ValidationError(`apply must be auto or review, not ${JSON.stringify(opts.apply)}`, 'apply');
    const holdout = input.holdout ?? (opts.apply === 'auto' ? DEFAULT_HOLDOUT : 0);
    const dream = await this.reverie.dream(
      { ...input, holdout },
      { onProgress: opts.onProgress, signal: opts.signal },
    );
    const auto = opts.apply === 'auto' ? await this.autoApply(dream.id) : null;
    const changes = await this.#storage.listChanges(dream.id);
    return { dream, changes, auto };
  }

  // ───────────────────────────── policy

  /** A store's policy. @throws NotFoundError */
  async getPolicy(storeId: string): Promise<StorePolicy> {
    return (await this.reverie.getStore(storeId)).policy;
  }

  /**
   * Changes a store's policy (a patch; `auto_apply` merged field by field).
   * @returns the complete new policy.
   * @throws NotFoundError; ValidationError naming the field; ConflictError for an archived store.
   */
  async setPolicy(storeId: string, patch: PolicyPatch): Promise<StorePolicy> {
    const store = await this.reverie.getStore(storeId);
    const policy = mergePolicy(store.policy, patch);
    return (await this.reverie.updateStore(storeId, { policy })).policy;
  }

  // ───────────────────────────── rollback and audit

  /** What rolling back would do, without writing. @throws as {@link ReviewService.rollback} */
  async planRollback(
    storeId: string,
    target: RollbackTarget,
    opts: { path?: string | null } = {},
  ): Promise<RollbackPlan> {
    return planRollback(this.#storage, storeId, target, opts);
  }

  /**
   * Restores a store, or one path, to a version, a time or the state before a dream, written as new
   * versions by `rollback_actor` (history kept; exact bytes restored).
   * @throws NotFoundError; ValidationError for a bad target, path or `by`; ConflictError for an archived
   *   store or a restored path taken by a memory outside the rollback.
   */
  async rollback(
    storeId: string,
    target: RollbackTarget,
    opts: { by: string; path?: string | null },
  ): Promise<RollbackResult> {
    return rollbackStore(this.#storage, storeId, target, opts);
  }

  /**
   * The audit log of a store (or of one path, renames included): who or what wrote each version, when,
   * through which dream and change, who reviewed it, and the evidence. Newest first, paged.
   * @throws NotFoundError for an unknown store or a path with no history.
   */
  async log(storeId: string, q: AuditQuery = {}): Promise<Page<AuditEntry>> {
    return auditLog(this.#storage, storeId, q);
  }

  // ───────────────────────────── browsing

  /** A store with its memories (without content), its policy and its recent dreams. @throws NotFoundError */
  async storeView(
    storeId: string,
  ): Promise<{ store: MemoryStore; memories: Memory[]; dreams: DreamSummary[] }> {
    const store = await this.reverie.getStore(storeId);
    const memories = await listAllBasic(this.#storage, storeId);
    const dreams = (await this.listDreams({ memory_store_id: storeId, limit: 20, include_archived: true }))
      .data;
    return { store, memories, dreams };
  }

  /**
   * A path's live memory and every version of the memories that lived there, newest first.
   * @throws NotFoundError for an unknown store or a path with no history.
   */
  async memoryHistory(storeId: string, path: string): Promise<MemoryHistory> {
    await this.reverie.getStore(storeId);
    const memory = (await this.#storage.getMemoryByPath(storeId, path)) ?? null;
    const log = await this.log(storeId, { path, limit: 1000 });
    const versions: MemoryVersion[] = [];
    for (const e of log.data) {
      const v = await this.#storage.getVersion(e.version_id);
      if (v) versions.push(v);
    }
    return { memory_store_id: storeId, path, memory, versions };
  }

  /** One version of a store's memory. @throws NotFoundError */
  async getVersion(storeId: string, versionId: string): Promise<MemoryVersion> {
    return this.reverie.getVersion(storeId, versionId);
  }

  /** A session and its events (for evidence links). @throws NotFoundError */
  async session(id: string): Promise<{ session: Session; events: SessionEvent[] }> {
    const session = await this.reverie.getSession(id);
    return { session, events: await this.reverie.getEvents(id) };
  }
}
