/**
 * Audit log: for every version of every memory of a store, who or what wrote it and when, through which
 * dream and change, who reviewed that change, and the evidence (sessions and events) behind it.
 */
import {
  type Actor,
  type Change,
  type ChangeReview,
  type Evidence,
  type MemoryVersion,
  NotFoundError,
  ValidationError,
  validateMemoryPath,
} from '../domain/index.js';
import type { Page, Storage } from '../storage/index.js';

/** Evidence of a change with the session's title and external id resolved (when the session exists). */
export interface AuditEvidence extends Evidence {
  session_title: string | null;
  external_id: string | null;
}

/** One line of the audit log: a version and everything known about why it was written. */
export interface AuditEntry {
  version_id: string;
  memory_id: string;
  path: string | null;
  operation: MemoryVersion['operation'];
  created_at: string;
  created_by: Actor;
  content_sha256: string | null;
  content_size_bytes: number | null;
  note: string | null;
  dream_id: string | null;
  /** The change behind the version, when a dream's change was applied. */
  change: Pick<
    Change,
    'id' | 'op' | 'kind' | 'reason' | 'confidence' | 'support' | 'status' | 'path' | 'to_path'
  > | null;
  /** The review record of that change: who approved or edited it, when, and their comment. */
  review: ChangeReview | null;
  evidence: AuditEvidence[];
}

/** Filters of {@link auditLog}. */
export interface AuditQuery {
  /** Only the history of memories that ever lived at this path (renames included). */
  path?: string | null;
  /** Only versions written through this dream. */
  dream_id?: string | null;
  /** Page size (1–1,000, default 50) and cursor. */
  limit?: number;
  page?: string | null;
  /** Oldest first instead of newest first. */
  ascending?: boolean;
}

/**
 * A store's audit log, newest first, paged.
 * @throws NotFoundError for an unknown store, or a path with no history; ValidationError for a bad path or limit.
 */
export async function auditLog(
  storage: Storage,
  storeId: string,
  q: AuditQuery = {},
): Promise<Page<AuditEntry>> {
  if (!(await storage.getStore(storeId))) throw new NotFoundError('memory_store', storeId);
  const limit = q.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    throw new ValidationError('limit must be 1–1,000', 'limit');
  let memoryIds: string[] | undefined;
  if (q.path) {
    validateMemoryPath(q.path, 'path');
    const ids = new Set<string>();
    let page: string | null = null;
    do {
      const p: Page<MemoryVersion> = await storage.listVersions(storeId, { path: q.path, limit: 1000, page });
      for (const v of p.data) ids.add(v.memory_id);
      page = p.next_page;
    } while (page && ids.size < 1000);
    const cur = await storage.getMemoryByPath(storeId, q.path);
    if (cur) ids.add(cur.id);
    if (ids.size === 0) throw new NotFoundError('memory', q.path);
    memoryIds = [...ids].slice(0, 1000);
  }
  const versions = await storage.listVersions(storeId, {
    memory_ids: memoryIds,
    dream_id: q.dream_id ?? undefined,
    limit,
    page: q.page ?? null,
    ascending: q.ascending,
  });
  const changes = new Map<string, Change | undefined>();
  const sessions = new Map<string, { title: string; external_id: string } | undefined>();
  const data: AuditEntry[] = [];
  for (const v of versions.data) {
    let change: Change | undefined;
    if (v.change_id) {
      if (!changes.has(v.change_id)) changes.set(v.change_id, await storage.getChange(v.change_id));
      change = changes.get(v.change_id);
    }
    const evidence: AuditEvidence[] = [];
    for (const e of change?.evidence ?? []) {
      if (!sessions.has(e.session_id)) sessions.set(e.session_id, await storage.getSession(e.session_id));
      const s = sessions.get(e.session_id);
      evidence.push({ ...e, session_title: s?.title ?? null, external_id: s?.external_id ?? null });
    }
    data.push({
      version_id: v.id,
      memory_id: v.memory_id,
      path: v.path,
      operation: v.operation,
      created_at: v.created_at,
      created_by: v.created_by,
      content_sha256: v.content_sha256,
      content_size_bytes: v.content_size_bytes,
      note: v.note,
      dream_id: v.dream_id,
      change: change
        ? {
            id: change.id,
            op: change.op,
            kind: change.kind,
            reason: change.reason,
            confidence: change.confidence,
            support: change.support,
            status: change.status,
            path: change.path,
            to_path: change.to_path,
          }
        : null,
      review: change?.review ?? null,
      evidence,
    });
  }
  return { data, next_page: versions.next_page };
}

const PAST: Record<NonNullable<ChangeReview['decision']>, string> = {
  approve: 'approved',
  edit: 'edited',
  reject: 'rejected',
  reset: 'reset to pending',
  rebase: 'rebased',
  auto: 'approved',
};

/**
 * Describes a review record for people, e.g. `edited by ana 2026-03-01T10:00:00.000Z — “shorter”` or
 * `approved by the store policy …`. `withTime: false` leaves the time out.
 */
export function describeReview(r: ChangeReview, opts: { withTime?: boolean } = {}): string {
  const who =
    r.decision === 'auto' || r.by === 'policy'
      ? 'approved by the store policy'
      : `${r.decision ? PAST[r.decision] : 'decided'} by ${r.by}`;
  return `${who}${opts.withTime === false ? '' : ` ${r.at}`}${r.comment && r.decision !== 'auto' ? ` — “${r.comment}”` : ''}`;
}

/** Describes an actor for people, e.g. `review by ana`, `dream drm_…`, `rollback by ops`. */
export function describeActor(a: Actor): string {
  switch (a.type) {
    case 'review_actor':
      return a.id === 'policy' ? 'auto-apply policy' : `review by ${a.id}`;
    case 'rollback_actor':
      return `rollback by ${a.id}`;
    case 'dream_actor':
      return `dream ${a.id}`;
    case 'import_actor':
      return `import (${a.id})`;
    case 'session_actor':
      return `session ${a.id}`;
    case 'user_actor':
      return `user ${a.id}`;
    case 'service_account_actor':
      return `service account ${a.id}`;
    case 'mcp_actor':
      return `MCP client ${a.id}`;
    case 'agent_actor':
      return `agent ${a.id}`;
    case 'sync_actor':
      return `folder sync ${a.id}`;
    default:
      return `api (${a.id})`;
  }
}
