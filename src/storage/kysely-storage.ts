/**
 * The storage port implemented once over Kysely; the dialect folders (`sqlite/`, `postgres/`) only build
 * the Kysely instance. SQL stays portable: text timestamps, JSON as text, multi-row inserts in chunks.
 */
import { type Insertable, type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import {
  type Actor,
  type Change,
  ConflictError,
  type Dream,
  type DreamJob,
  type DreamSchedule,
  type JobState,
  type MemberRef,
  type Memory,
  type MemoryStore,
  type MemoryVersion,
  NotFoundError,
  newId,
  type Outcome,
  type Session,
  type SessionEvent,
  type StoreScope,
  sha256Hex,
  stableId,
  utf8Bytes,
  ValidationError,
} from '../domain/index.js';
import { insertRows } from './bulk-insert.js';
import * as jobs from './jobs-storage.js';
import { DEFAULT_WORKSPACE_ID, type DialectName } from './migrations/index.js';
import type {
  AgentStore,
  ApiKeyRecord,
  ChangePatch,
  ClaimRequest,
  DreamQuery,
  JobPatch,
  JobQuery,
  NewSession,
  Page,
  PageQuery,
  SessionFileResult,
  SessionImportItem,
  SessionImportOptions,
  SessionQuery,
  SessionResource,
  Storage,
  StoreQuery,
  Team,
  TeamMember,
  VersionQuery,
  Workspace,
  WriteContext,
} from './port.js';
import type {
  ChangesTable,
  Database,
  DreamsTable,
  MemoriesTable,
  MemoryVersionsTable,
  SessionsTable,
} from './schema.js';
import { continuesStored } from './session-continuation.js';
import * as sessionStores from './session-stores-storage.js';
import { blobRefs, type PreparedSession, prepareSession, restoreEvents } from './stored-session.js';
import * as teams from './teams-storage.js';
import * as admin from './workspaces.js';

const CHUNK = 400;

/**
 * The sessions whose stored `external_id` (workspace-qualified, unique database-wide) is one of `ids`,
 * with their workspace for the caller to check. The workspace is deliberately not in the SQL: with a
 * list of more than a few ids and no statistics, SQLite then prefers the `(workspace_id, id)` index and
 * reads every session of the workspace, which made each imported file cost O(stored sessions) (at 78,000
 * stored sessions a lookup of 100 ids took 3 s).
 */
export function sessionsByExternalId(db: Kysely<Database>, ids: string[]) {
  return db
    .selectFrom('sessions')
    .select(['id', 'external_id', 'workspace_id', 'content_sha256', 'outcome', 'event_count', 'source_file'])
    .where('external_id', 'in', ids);
}

/** A stored session as the import path reads it ({@link sessionsByExternalId}). */
type StoredImportRow = {
  id: string;
  external_id: string;
  workspace_id: string;
  content_sha256: string;
  outcome: string | null;
  event_count: number;
  source_file: string;
};

/**
 * Where a prepared session is written (see session-continuation.ts for the rule): under its own stored
 * external id `ext` when nothing is stored there (`existing` undefined), when it was read from the same
 * file on disk ({@link sameSourceFile}), when the stored events are the same, or when it
 * {@link continuesStored continues} them; otherwise beside it, under the first of
 * {@link besideIds} that is free, identical, or continued by it, with `conflicts_with` the stored session
 * it must not replace.
 * @throws ConflictError when both ids beside are taken by other conversations (a 48-bit hash collision).
 */
async function placeSession(
  db: Kysely<Database>,
  ws: string,
  ext: string,
  existing: StoredImportRow | undefined,
  p: PreparedSession,
): Promise<{ external_id: string; existing?: StoredImportRow; conflicts_with?: StoredImportRow }> {
  if (!existing || sameSourceFile(existing, p) || (await continues(db, existing, p)))
    return { external_id: ext, existing };
  const ids = besideIds(ext, p);
  const found = new Map<string, StoredImportRow>();
  for (const r of await sessionsByExternalId(db, ids).execute())
    if (r.workspace_id === ws) found.set(r.external_id, r);
  for (const id of ids) {
    const r = found.get(id);
    if (!r || sameSourceFile(r, p) || (await continues(db, r, p)))
      return { external_id: id, existing: r, conflicts_with: existing };
  }
  throw new ConflictError(
    `session ${p.session.external_id}: the ids beside the stored session (${ids.join(', ')}) hold other conversations`,
    { external_id: p.session.external_id },
  );
}

/**
 * True when `p` was read from the very file the stored session `r` came from — the same path, with a
 * folder in it (files met on disk; an upload's bare file name is only a label, and a bare name given on
 * the command line is left to {@link continues}): that file is the session's record, and its newer
 * reading replaces the stored one whatever it holds now (re-parsed by a newer importer, redacted or cut
 * by its owner). Another file under the same id never does.
 */
function sameSourceFile(r: StoredImportRow, p: PreparedSession): boolean {
  return r.source_file === p.session.source_file && /[\\/]/.test(r.source_file);
}

/** True when `p` has the stored events of `r` or continues them (reading them only when needed). */
async function continues(db: Kysely<Database>, r: StoredImportRow, p: PreparedSession): Promise<boolean> {
  if (r.content_sha256 === p.content_sha256) return true;
  const head = { event_count: Number(r.event_count), content_sha256: r.content_sha256 };
  return continuesStored(head, p, async () => {
    const row = await db
      .selectFrom('session_events')
      .select('events')
      .where('session_id', '=', r.id)
      .executeTakeFirst();
    return row?.events ?? '[]';
  });
}

/**
 * The `sessions` row of a prepared session: its fields, with the `id`, `workspace_id`, stored `external_id`,
 * parent (stored `parent_external_id`, and `parent_session_id` when that parent is known) it is written
 * under, imported at `at`.
 */
function sessionRow(
  p: PreparedSession,
  where: {
    id: string;
    workspace_id: string;
    external_id: string;
    parent_external_id: string | null;
    parent_session_id: string | null;
  },
  at: string,
): Insertable<SessionsTable> & Record<string, string | number | null> {
  const s = p.session;
  return {
    ...where,
    agent_id: s.agent_id,
    team_id: s.team_id ?? null,
    user_id: s.user_id,
    source_format: s.source_format,
    source_file: s.source_file,
    title: s.title,
    started_at: s.started_at,
    ended_at: s.ended_at,
    metadata: p.metadata_json,
    event_count: p.event_count,
    content_sha256: p.content_sha256,
    outcome: p.outcome_json,
    imported_at: at,
  };
}

/**
 * The import result of a prepared session stored under `place` (see {@link placeSession}); `ext` is its own
 * stored external id, so that a session kept beside reports the id it got (`<external_id>@<file name>`).
 */
function importItem(
  p: PreparedSession,
  ext: string,
  place: { external_id: string; conflicts_with?: StoredImportRow },
  status: SessionImportItem['status'],
  session_id: string,
): SessionImportItem {
  const external_id = p.session.external_id;
  const kept = place.conflicts_with;
  if (!kept) return { external_id, status, session_id };
  return {
    external_id: external_id + place.external_id.slice(ext.length),
    status,
    session_id,
    conflicts_with: { session_id: kept.id, external_id },
  };
}

/**
 * Writes an import's new rows in chunks of {@link CHUNK}: the blobs (ignored when already stored), then the
 * `sessions` rows and their `session_events`. On SQLite, texts given as UTF-8 bytes are cast to text.
 */
async function insertImported(
  db: Kysely<Database>,
  dialect: DialectName,
  blobRows: Map<string, string | Uint8Array>,
  inserts: (Insertable<SessionsTable> & Record<string, string | number | null>)[],
  eventRows: { session_id: string; events: string | Uint8Array }[],
): Promise<void> {
  const bytes = dialect === 'sqlite';
  const utf8 = (column: string) => (bytes ? [column] : []);
  const blobList = [...blobRows].map(([sha256, content]) => ({ sha256, content }));
  for (let i = 0; i < blobList.length; i += CHUNK)
    await insertRows(db, dialect, 'blobs', blobList.slice(i, i + CHUNK), 'sha256', utf8('content'));
  for (let i = 0; i < inserts.length; i += CHUNK) {
    await insertRows(db, dialect, 'sessions', inserts.slice(i, i + CHUNK));
    await insertRows(db, dialect, 'session_events', eventRows.slice(i, i + CHUNK), undefined, utf8('events'));
  }
}

/** The sessions of workspace `ws` stored under these (stored) external ids, by external id. */
async function storedByExternalId(
  db: Kysely<Database>,
  ws: string,
  ids: string[],
): Promise<Map<string, StoredImportRow>> {
  const found = new Map<string, StoredImportRow>();
  for (let i = 0; i < ids.length; i += CHUNK)
    for (const r of await sessionsByExternalId(db, ids.slice(i, i + CHUNK)).execute())
      if (r.workspace_id === ws) found.set(r.external_id, r);
  return found;
}

/** A kept-beside session's metadata: its own, with `conflicts_with` naming the stored session it did not replace. */
function besideMetadata(metadataJson: string, storedId: string): string {
  return JSON.stringify({
    ...(JSON.parse(metadataJson) as Record<string, unknown>),
    conflicts_with: storedId,
  });
}

/**
 * The stored external ids under which a session that must not replace the stored session `ext` is kept, in
 * order of preference: `<ext>@<its file's base name>` (so that the same file re-imported, or grown, finds
 * its session again), then `<ext>@<base name>#<first 12 hex digits of its content hash>` (another file of
 * that name).
 */
export function besideIds(ext: string, p: PreparedSession): string[] {
  const base = p.session.source_file.split(/[\\/]/).pop() || 'upload';
  return [`${ext}@${base}`, `${ext}@${base}#${p.content_sha256.slice(0, 12)}`];
}

/**
 * The sessions not yet linked to a parent whose `parent_external_id` is one of `ids` (by the
 * `parent_external_id` index; the workspace is checked by the caller, see {@link sessionsByExternalId}).
 */
export function sessionsAwaitingParent(db: Kysely<Database>, ids: string[]) {
  return db
    .selectFrom('sessions')
    .select(['id', 'parent_external_id', 'workspace_id'])
    .where('parent_external_id', 'in', ids)
    .where('parent_session_id', 'is', null);
}

/**
 * The stored session ids of the parents that `batch` names, by stored external id: a parent in the batch
 * itself (`own`, external id → the id it is written under) or already stored in workspace `ws` (found by
 * the `external_id` index, see {@link sessionsByExternalId}). A parent found in neither is left out: the
 * child is linked when the parent arrives ({@link linkWaitingChildren}).
 */
async function parentIds(
  db: Kysely<Database>,
  ws: string,
  batch: { parent_external_id: string | null }[],
  own: ReadonlyMap<string, string>,
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const missing = new Set<string>();
  for (const b of batch) {
    const p = b.parent_external_id;
    if (p === null || found.has(p)) continue;
    const id = own.get(p);
    if (id !== undefined) found.set(p, id);
    else missing.add(p);
  }
  const ids = [...missing];
  for (let i = 0; i < ids.length; i += CHUNK)
    for (const r of await sessionsByExternalId(db, ids.slice(i, i + CHUNK)).execute())
      if (r.workspace_id === ws) found.set(r.external_id, r.id);
  return found;
}

/**
 * Links the stored sessions still waiting for a parent that `batch` (just written: session id and stored
 * external id) provides: subagents imported before their parent. One lookup per {@link CHUNK} sessions by the
 * `parent_external_id` index (the workspace checked on the rows, see {@link sessionsByExternalId}), and one
 * UPDATE per parent that has waiting children; nothing else is touched.
 */
async function linkWaitingChildren(
  db: Kysely<Database>,
  ws: string,
  batch: { id: string; external_id: string }[],
): Promise<void> {
  const children = new Map<string, string[]>(); // parent id → waiting child ids
  for (let i = 0; i < batch.length; i += CHUNK) {
    const chunk = batch.slice(i, i + CHUNK);
    const byExt = new Map(chunk.map((b) => [b.external_id, b.id]));
    for (const c of await sessionsAwaitingParent(db, [...byExt.keys()]).execute()) {
      if (c.workspace_id !== ws) continue;
      const parent = byExt.get(c.parent_external_id!)!;
      const list = children.get(parent);
      if (list) list.push(c.id);
      else children.set(parent, [c.id]);
    }
  }
  for (const [parent, ids] of children)
    for (let i = 0; i < ids.length; i += CHUNK)
      await db
        .updateTable('sessions')
        .set({ parent_session_id: parent })
        .where('id', 'in', ids.slice(i, i + CHUNK))
        .where('parent_session_id', 'is', null)
        .execute();
}

/**
 * Runs `fn` under the savepoint `name` of the transaction `db` is in: released when `fn` succeeds; when it
 * throws, rolled back to (undoing only what `fn` wrote) and released, and the error rethrown. The same SQL
 * in SQLite (https://www.sqlite.org/lang_savepoint.html) and PostgreSQL
 * (https://www.postgresql.org/docs/current/sql-savepoint.html), where it also clears the aborted state an
 * error leaves. Raw SQL because Kysely 0.29 offers savepoints only on `startTransaction()`, which cannot
 * join an enclosing transaction. If the rollback itself fails (SQLite has already rolled back the whole
 * transaction, e.g. on a full disk), the original error is rethrown and the transaction must be abandoned.
 */
async function underSavepoint<T>(db: Kysely<Database>, name: string, fn: () => Promise<T>): Promise<T> {
  const sp = sql.id(name);
  await sql`savepoint ${sp}`.execute(db);
  let result: T;
  try {
    result = await fn();
  } catch (e) {
    // A failed rollback means the transaction is gone (see above): the caller's commit then fails too.
    await sql`rollback to savepoint ${sp}`
      .execute(db)
      .then(() => sql`release savepoint ${sp}`.execute(db))
      .catch(() => {});
    throw e;
  }
  await sql`release savepoint ${sp}`.execute(db);
  return result;
}

/** True when some session external id occurs in more than one of `files` (or twice in one). */
function sharesExternalIds(files: PreparedSession[][]): boolean {
  const seen = new Set<string>();
  for (const f of files)
    for (const p of f) {
      if (seen.has(p.session.external_id)) return true;
      seen.add(p.session.external_id);
    }
  return false;
}

/** Cuts the results of `files.flat()` back into one result per file. */
function splitByFile(files: PreparedSession[][], flat: SessionImportItem[]): SessionFileResult[] {
  let at = 0;
  return files.map((f) => {
    const items = flat.slice(at, at + f.length);
    at += f.length;
    return { items };
  });
}

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 1000;

const nowIso = () => new Date().toISOString();
const json = (v: unknown) => JSON.stringify(v);
function parse<T>(s: string | null): T {
  return (s === null ? null : JSON.parse(s)) as T;
}

function encodeCursor(key: unknown[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}
function decodeCursor(page: string | null | undefined): unknown[] | null {
  if (!page) return null;
  try {
    const v = JSON.parse(Buffer.from(page, 'base64url').toString('utf8'));
    if (Array.isArray(v)) return v;
  } catch {
    // fall through
  }
  throw new ValidationError('invalid page cursor', 'page');
}
function clampLimit(limit: number | undefined, max = MAX_LIMIT): number {
  if (limit === undefined) return DEFAULT_LIMIT;
  return Math.max(1, Math.min(max, Math.floor(limit)));
}
function pageOf<T>(rows: T[], limit: number, key: (row: T) => unknown[]): Page<T> {
  if (rows.length > limit) {
    const data = rows.slice(0, limit);
    return { data, next_page: encodeCursor(key(data[data.length - 1]!)) };
  }
  return { data: rows, next_page: null };
}

function toStore(r: Selectable<Database['memory_stores']>): MemoryStore {
  return {
    type: 'memory_store',
    id: r.id,
    name: r.name,
    description: r.description,
    metadata: parse(r.metadata),
    policy: parse(r.policy),
    created_at: r.created_at,
    updated_at: r.updated_at,
    archived_at: r.archived_at,
    ...(r.scope_type ? { scope: teams.scopeOf(r) } : {}),
  };
}
function toMemory(
  r: Selectable<MemoriesTable> | Omit<Selectable<MemoriesTable>, 'content'>,
  full: boolean,
): Memory {
  return {
    type: 'memory',
    id: r.id,
    memory_store_id: r.memory_store_id,
    path: r.path,
    content: full && 'content' in r ? r.content : null,
    content_sha256: r.content_sha256,
    content_size_bytes: Number(r.content_size_bytes),
    memory_version_id: r.memory_version_id,
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}
function toVersion(r: Selectable<MemoryVersionsTable>): MemoryVersion {
  return {
    type: 'memory_version',
    id: r.id,
    memory_id: r.memory_id,
    memory_store_id: r.memory_store_id,
    path: r.path,
    content: r.content,
    content_sha256: r.content_sha256,
    content_size_bytes: r.content_size_bytes === null ? null : Number(r.content_size_bytes),
    operation: r.operation as MemoryVersion['operation'],
    created_by: parse(r.created_by),
    created_at: r.created_at,
    redacted_at: r.redacted_at,
    redacted_by: parse(r.redacted_by),
    dream_id: r.dream_id,
    change_id: r.change_id,
    note: r.note,
  };
}
function toSession(r: Selectable<SessionsTable>): Session {
  return {
    type: 'session',
    id: r.id,
    external_id: r.external_id,
    agent_id: r.agent_id,
    team_id: r.team_id,
    user_id: r.user_id,
    parent_session_id: r.parent_session_id,
    parent_external_id: r.parent_external_id,
    source_format: r.source_format as Session['source_format'],
    source_file: r.source_file,
    title: r.title,
    started_at: r.started_at,
    ended_at: r.ended_at,
    metadata: parse(r.metadata),
    event_count: Number(r.event_count),
    content_sha256: r.content_sha256,
    outcome: parse(r.outcome),
    imported_at: r.imported_at,
  };
}
function toDream(r: Selectable<DreamsTable>): Dream {
  return {
    type: 'dream',
    id: r.id,
    status: r.status as Dream['status'],
    inputs: [
      { type: 'memory_store', memory_store_id: r.memory_store_id },
      { type: 'sessions', session_ids: parse(r.session_ids) },
    ],
    outputs: parse(r.outputs),
    model: parse(r.model),
    instructions: r.instructions,
    output_behavior: parse(r.output_behavior),
    session_id: null,
    usage: parse(r.usage),
    error: parse(r.error),
    created_at: r.created_at,
    ended_at: r.ended_at,
    archived_at: r.archived_at,
    engine: r.engine as Dream['engine'],
    progress: parse(r.progress),
    stats: parse(r.stats),
    base: parse(r.base),
    probe_session_ids: parse(r.probe_session_ids),
    check: parse(r.check_report),
    options: parse(r.options ?? '{}'),
  };
}
function dreamRow(d: Dream): Omit<DreamsTable, 'workspace_id'> {
  return {
    id: d.id,
    status: d.status,
    memory_store_id: d.inputs[0].memory_store_id,
    session_ids: json(d.inputs[1].session_ids),
    outputs: json(d.outputs),
    model: json(d.model),
    instructions: d.instructions,
    output_behavior: json(d.output_behavior),
    usage: json(d.usage),
    error: d.error === null ? null : json(d.error),
    created_at: d.created_at,
    ended_at: d.ended_at,
    archived_at: d.archived_at,
    engine: d.engine,
    progress: d.progress === null ? null : json(d.progress),
    stats: json(d.stats),
    base: json(d.base),
    options: json(d.options ?? {}),
    probe_session_ids: json(d.probe_session_ids ?? []),
    check_report: d.check ? json(d.check) : null,
  };
}
/** The `dreams` columns each Dream field is stored in (see {@link dreamRow}). */
const DREAM_COLUMNS: Record<string, (keyof DreamsTable)[]> = {
  status: ['status'],
  inputs: ['memory_store_id', 'session_ids'],
  outputs: ['outputs'],
  model: ['model'],
  instructions: ['instructions'],
  output_behavior: ['output_behavior'],
  usage: ['usage'],
  error: ['error'],
  ended_at: ['ended_at'],
  archived_at: ['archived_at'],
  engine: ['engine'],
  progress: ['progress'],
  stats: ['stats'],
  base: ['base'],
  probe_session_ids: ['probe_session_ids'],
  check: ['check_report'],
};

/**
 * The `dreams` columns a patch names, with their stored values: only those, so that a late progress
 * write can never put back an older status.
 */
function dreamPatchColumns(
  cur: Dream,
  patch: Partial<Omit<Dream, 'id' | 'type' | 'created_at'>>,
): Partial<Omit<DreamsTable, 'id' | 'workspace_id'>> {
  const { id: _i, options: _o, ...row } = dreamRow({ ...cur, ...patch });
  const columns = new Set<string>(Object.keys(patch).flatMap((k) => DREAM_COLUMNS[k] ?? []));
  return Object.fromEntries(
    Object.entries(row).filter(([k]) => columns.has(k) && k !== 'workspace_id'),
  ) as Partial<Omit<DreamsTable, 'id' | 'workspace_id'>>;
}

function toChange(r: Selectable<ChangesTable>): Change {
  return {
    type: 'change',
    id: r.id,
    dream_id: r.dream_id,
    ordinal: Number(r.ordinal),
    op: r.op as Change['op'],
    path: r.path,
    to_path: r.to_path,
    before: r.before,
    after: r.after,
    base_sha256: r.base_sha256,
    kind: r.kind as Change['kind'],
    reason: r.reason,
    confidence: Number(r.confidence),
    support: parse(r.support),
    evidence: parse(r.evidence),
    status: r.status as Change['status'],
    review: parse(r.review),
    applied_at: r.applied_at,
  };
}

/** A memory changed (or vanished) between reading it and writing it, within one update/delete. */
function concurrentChange(id: string): ConflictError {
  return new ConflictError(
    `memory ${id} was changed by a concurrent write; read it again and retry`,
    { memory_id: id },
    'memory_precondition_failed_error',
  );
}

/**
 * The id of the session with this `external_id`: derived from it (`sesn_` + SHA-256), so that the same
 * transcript gets the same id in every database and dreams over it are reproducible byte for byte.
 */
export function sessionIdFor(externalId: string): string {
  return stableId('sesn', sha256Hex(externalId));
}

/**
 * {@link Storage} over a Kysely instance (or transaction), scoped to one workspace (default
 * `wrkspc_default`): stores, sessions and dreams by their `workspace_id` column, memories and versions
 * by their store, changes by their dream. Construct through a dialect folder (`openSqliteStorage`,
 * `openPostgresStorage`), not directly; other workspaces through {@link KyselyStorage.forWorkspace}.
 *
 * Session `external_id`s are unique per workspace: outside the default workspace they are stored as
 * `<workspace_id>:<external_id>` (the column is unique database-wide since migration 001) and returned
 * without the prefix; session ids derive from the stored form, so the same transcript gets different
 * ids in different workspaces and the default workspace keeps the ids it always had.
 */
export class KyselyStorage implements Storage {
  readonly dialect: DialectName;
  readonly workspace_id: string;
  readonly member: MemberRef | null;
  #db: Kysely<Database>;
  #onClose: (() => Promise<void>) | null;

  constructor(
    db: Kysely<Database>,
    dialect: DialectName,
    onClose: (() => Promise<void>) | null = null,
    workspaceId: string = DEFAULT_WORKSPACE_ID,
    member: MemberRef | null = null,
  ) {
    this.#db = db;
    this.dialect = dialect;
    this.#onClose = onClose;
    this.workspace_id = workspaceId;
    this.member = member;
  }

  forWorkspace(id: string): KyselyStorage {
    return new KyselyStorage(this.#db, this.dialect, async () => {}, id);
  }

  forMember(member: MemberRef | null): KyselyStorage {
    return new KyselyStorage(this.#db, this.dialect, async () => {}, this.workspace_id, member);
  }

  /** This workspace's stores, only those its member may see in a member's view (migration 007). */
  #stores() {
    const q = this.#db.selectFrom('memory_stores').where('workspace_id', '=', this.workspace_id);
    const m = this.member;
    return m ? q.where((eb) => teams.visibleToMember(eb, m, this.workspace_id)) : q;
  }

  /** Subquery: the ids of this workspace's stores (those the member sees, in a member's view). */
  #storeIds() {
    return this.#stores().select('id');
  }

  /** This workspace's sessions, only those its member may see in a member's view (migration 007). */
  #sessions() {
    const q = this.#db.selectFrom('sessions').where('sessions.workspace_id', '=', this.workspace_id);
    const m = this.member;
    return m ? q.where((eb) => teams.sessionVisibleToMember(eb, m, this.workspace_id)) : q;
  }

  /** Subquery: the ids of this workspace's dreams (of stores the member sees, in a member's view). */
  #dreamIds() {
    const q = this.#db.selectFrom('dreams').select('id').where('workspace_id', '=', this.workspace_id);
    return this.member ? q.where('memory_store_id', 'in', this.#storeIds()) : q;
  }

  /** The stored form of a session's external id in this workspace (see the class comment). */
  #qualify(externalId: string): string {
    return this.workspace_id === DEFAULT_WORKSPACE_ID ? externalId : `${this.workspace_id}:${externalId}`;
  }

  #toSession(r: Selectable<SessionsTable>): Session {
    const s = toSession(r);
    if (this.workspace_id === DEFAULT_WORKSPACE_ID) return s;
    const prefix = `${this.workspace_id}:`;
    return {
      ...s,
      external_id: s.external_id.startsWith(prefix) ? s.external_id.slice(prefix.length) : s.external_id,
    };
  }

  // ── workspaces and API keys (not scoped)
  insertWorkspace(ws: Workspace): Promise<void> {
    return admin.insertWorkspace(this.#db, ws);
  }
  findWorkspace(idOrName: string): Promise<Workspace | undefined> {
    return admin.findWorkspace(this.#db, idOrName);
  }
  listWorkspaces(): Promise<Workspace[]> {
    return admin.listWorkspaces(this.#db);
  }
  insertApiKey(key: ApiKeyRecord, keySha256: string): Promise<void> {
    return admin.insertApiKey(this.#db, key, keySha256);
  }
  listApiKeys(q: { workspace_id?: string; include_revoked?: boolean }): Promise<ApiKeyRecord[]> {
    return admin.listApiKeys(this.#db, q);
  }
  getApiKey(id: string): Promise<ApiKeyRecord | undefined> {
    return admin.getApiKey(this.#db, id);
  }
  findApiKey(keySha256: string): Promise<ApiKeyRecord | undefined> {
    return admin.findApiKey(this.#db, keySha256);
  }
  revokeApiKey(id: string, at: string): Promise<ApiKeyRecord | undefined> {
    return admin.revokeApiKey(this.#db, id, at);
  }

  // ── teams, scopes, attached stores (migration 007; scoped by workspace)
  setStoreScope(id: string, scope: StoreScope | null): Promise<void> {
    return teams.setStoreScope(this.#db, this.workspace_id, id, scope);
  }
  storesWithScope(type: StoreScope['type'], id?: string | null) {
    return teams.storesWithScope(this.#db, this.workspace_id, type, id);
  }
  insertTeam(team: Team): Promise<void> {
    return teams.insertTeam(this.#db, this.workspace_id, team);
  }
  findTeam(idOrName: string): Promise<Team | undefined> {
    return teams.findTeam(this.#db, this.workspace_id, idOrName);
  }
  listTeams(member?: MemberRef): Promise<Team[]> {
    return teams.listTeams(this.#db, this.workspace_id, member);
  }
  addTeamMember(m: TeamMember): Promise<boolean> {
    return teams.addTeamMember(this.#db, m);
  }
  listTeamMembers(teamId?: string): Promise<TeamMember[]> {
    return teams.listTeamMembers(this.#db, this.workspace_id, teamId);
  }
  putAgentStores(agentId: string, stores: Omit<AgentStore, 'agent_id'>[]): Promise<void> {
    return this.transaction(async (tx) =>
      teams.putAgentStores((tx as KyselyStorage).#db, this.workspace_id, agentId, stores),
    );
  }
  listAgentStores(agentId: string): Promise<AgentStore[]> {
    return teams.listAgentStores(this.#db, this.workspace_id, agentId);
  }

  /** The underlying Kysely instance, for dialect-specific maintenance (tests, benchmarks). */
  get db(): Kysely<Database> {
    return this.#db;
  }

  async transaction<T>(fn: (tx: Storage) => Promise<T>): Promise<T> {
    if (this.#db.isTransaction) return fn(this);
    return this.#db
      .transaction()
      .execute((trx: Transaction<Database>) =>
        fn(new KyselyStorage(trx, this.dialect, null, this.workspace_id, this.member)),
      );
  }

  async close(): Promise<void> {
    if (this.#onClose) await this.#onClose();
    else await this.#db.destroy();
  }

  // ── stores
  async insertStore(s: MemoryStore): Promise<void> {
    await this.#db
      .insertInto('memory_stores')
      .values({
        id: s.id,
        workspace_id: this.workspace_id,
        name: s.name,
        description: s.description,
        metadata: json(s.metadata),
        policy: json(s.policy),
        created_at: s.created_at,
        updated_at: s.updated_at,
        archived_at: s.archived_at,
        ...(s.scope
          ? { scope_type: s.scope.type, scope_id: s.scope.id, scope_min_support: s.scope.min_support }
          : {}),
      })
      .execute();
  }

  async getStore(id: string): Promise<MemoryStore | undefined> {
    const r = await this.#stores().selectAll().where('id', '=', id).executeTakeFirst();
    return r && toStore(r);
  }

  async listStores(q: StoreQuery): Promise<Page<MemoryStore>> {
    const limit = clampLimit(q.limit);
    const cur = decodeCursor(q.page);
    let query = this.#stores().selectAll();
    if (!q.include_archived) query = query.where('archived_at', 'is', null);
    if (q.created_at_gte) query = query.where('created_at', '>=', q.created_at_gte);
    if (q.created_at_lte) query = query.where('created_at', '<=', q.created_at_lte);
    if (cur) query = query.where('id', '<', String(cur[0]));
    const rows = await query
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
    return pageOf(rows.map(toStore), limit, (s) => [s.id]);
  }

  async updateStore(
    id: string,
    patch: Partial<
      Pick<MemoryStore, 'name' | 'description' | 'metadata' | 'policy' | 'archived_at' | 'updated_at'>
    >,
  ): Promise<void> {
    const set: Record<string, string | null> = {};
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.description !== undefined) set.description = patch.description;
    if (patch.metadata !== undefined) set.metadata = json(patch.metadata);
    if (patch.policy !== undefined) set.policy = json(patch.policy);
    if (patch.archived_at !== undefined) set.archived_at = patch.archived_at;
    set.updated_at = patch.updated_at ?? nowIso();
    await this.#db
      .updateTable('memory_stores')
      .set(set)
      .where('id', '=', id)
      .where('id', 'in', this.#storeIds())
      .execute();
  }

  async lockStore(id: string): Promise<boolean> {
    const r = await this.#db
      .updateTable('memory_stores')
      .set((eb) => ({ updated_at: eb.ref('updated_at') }))
      .where('id', '=', id)
      .where('id', 'in', this.#storeIds())
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async deleteStore(id: string): Promise<void> {
    await this.transaction(async (tx) => {
      const db = (tx as KyselyStorage).#db;
      if (!(await tx.getStore(id))) return;
      await db.deleteFrom('memory_versions').where('memory_store_id', '=', id).execute();
      await db.deleteFrom('memories').where('memory_store_id', '=', id).execute();
      await db.deleteFrom('dream_schedules').where('memory_store_id', '=', id).execute();
      await db.deleteFrom('store_sessions').where('memory_store_id', '=', id).execute();
      await db.deleteFrom('memory_stores').where('id', '=', id).execute();
    });
  }

  // ── memories
  async getMemory(id: string): Promise<Memory | undefined> {
    const r = await this.#db
      .selectFrom('memories')
      .selectAll()
      .where('id', '=', id)
      .where('memory_store_id', 'in', this.#storeIds())
      .executeTakeFirst();
    return r && toMemory(r, true);
  }

  async getMemoryByPath(storeId: string, path: string): Promise<Memory | undefined> {
    const r = await this.#db
      .selectFrom('memories')
      .selectAll()
      .where('memory_store_id', '=', storeId)
      .where('memory_store_id', 'in', this.#storeIds())
      .where('path', '=', path)
      .executeTakeFirst();
    return r && toMemory(r, true);
  }

  async listMemories(
    storeId: string,
    q: PageQuery & { path_prefix?: string; view?: 'basic' | 'full' },
  ): Promise<Page<Memory>> {
    const full = q.view === 'full';
    const limit = clampLimit(q.limit, full ? 20 : MAX_LIMIT);
    const cur = decodeCursor(q.page);
    let query = this.#db
      .selectFrom('memories')
      .where('memory_store_id', '=', storeId)
      .where('memory_store_id', 'in', this.#storeIds());
    if (q.path_prefix && q.path_prefix !== '/') {
      // Whole-segment prefix: '/a/' matches '/a/x' but not '/ab'. Range scan instead of LIKE (no escaping
      // issues): [prefix, prefix with its last character '/' raised to '0'). Exact in byte order (SQLite
      // BINARY, PostgreSQL "C"), unlike an upper bound of prefix + U+FFFF, which sorts below the UTF-8 of
      // characters beyond the BMP ('/a/😀' < '/a/\uffff' is false).
      query = query.where('path', '>=', q.path_prefix).where('path', '<', `${q.path_prefix.slice(0, -1)}0`);
    }
    if (cur) query = query.where('path', '>', String(cur[0]));
    const rows = full
      ? await query
          .selectAll()
          .orderBy('path')
          .limit(limit + 1)
          .execute()
      : await query
          .select([
            'id',
            'memory_store_id',
            'path',
            'content_sha256',
            'content_size_bytes',
            'memory_version_id',
            'created_at',
            'updated_at',
          ])
          .orderBy('path')
          .limit(limit + 1)
          .execute();
    return pageOf(
      rows.map((r) => toMemory(r, full)),
      limit,
      (m) => [m.path],
    );
  }

  async allMemories(storeId: string): Promise<Memory[]> {
    const rows = await this.#db
      .selectFrom('memories')
      .selectAll()
      .where('memory_store_id', '=', storeId)
      .where('memory_store_id', 'in', this.#storeIds())
      .orderBy('path')
      .execute();
    return rows.map((r) => toMemory(r, true));
  }

  async countMemories(storeId: string): Promise<number> {
    const r = await this.#db
      .selectFrom('memories')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('memory_store_id', '=', storeId)
      .where('memory_store_id', 'in', this.#storeIds())
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async countMemoriesByStore(storeIds: string[]): Promise<Map<string, number>> {
    if (storeIds.length > MAX_LIMIT) throw new ValidationError(`at most ${MAX_LIMIT} store ids`, 'storeIds');
    const out = new Map<string, number>();
    if (storeIds.length === 0) return out;
    const rows = await this.#db
      .selectFrom('memories')
      .select(['memory_store_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('memory_store_id', 'in', storeIds)
      .where('memory_store_id', 'in', this.#storeIds())
      .groupBy('memory_store_id')
      .execute();
    for (const r of rows) out.set(r.memory_store_id, Number(r.n));
    return out;
  }

  async #insertVersion(v: MemoryVersion): Promise<void> {
    await this.#db
      .insertInto('memory_versions')
      .values({
        id: v.id,
        memory_id: v.memory_id,
        memory_store_id: v.memory_store_id,
        path: v.path,
        content: v.content,
        content_sha256: v.content_sha256,
        content_size_bytes: v.content_size_bytes,
        operation: v.operation,
        created_by: json(v.created_by),
        created_at: v.created_at,
        redacted_at: null,
        redacted_by: null,
        dream_id: v.dream_id,
        change_id: v.change_id,
        note: v.note,
      })
      .execute();
  }

  #version(
    m: Memory,
    content: string | null,
    op: MemoryVersion['operation'],
    ctx: WriteContext,
    at: string,
  ): MemoryVersion {
    return {
      type: 'memory_version',
      id: newId('memver'),
      memory_id: m.id,
      memory_store_id: m.memory_store_id,
      path: m.path,
      content,
      content_sha256: content === null ? null : m.content_sha256,
      content_size_bytes: content === null ? null : m.content_size_bytes,
      operation: op,
      created_by: ctx.actor,
      created_at: at,
      redacted_at: null,
      redacted_by: null,
      dream_id: ctx.dream_id ?? null,
      change_id: ctx.change_id ?? null,
      note: ctx.note ?? null,
    };
  }

  async #assertPathFree(storeId: string, path: string): Promise<void> {
    const other = await this.#db
      .selectFrom('memories')
      .select('id')
      .where('memory_store_id', '=', storeId)
      .where('path', '=', path)
      .executeTakeFirst();
    if (other)
      throw new ConflictError(
        `a memory already exists at ${path}`,
        { conflicting_memory_id: other.id, conflicting_path: path },
        'memory_path_conflict_error',
      );
  }

  async createMemory(storeId: string, path: string, content: string, ctx: WriteContext): Promise<Memory> {
    return this.transaction(async (tx) => {
      const self = tx as KyselyStorage;
      if (!(await self.getStore(storeId))) throw new NotFoundError('memory_store', storeId);
      await self.#assertPathFree(storeId, path);
      const at = ctx.now ?? nowIso();
      const m: Memory = {
        type: 'memory',
        id: newId('mem'),
        memory_store_id: storeId,
        path,
        content,
        content_sha256: sha256Hex(content),
        content_size_bytes: utf8Bytes(content),
        memory_version_id: '',
        created_at: at,
        updated_at: at,
      };
      const v = self.#version(m, content, 'created', ctx, at);
      m.memory_version_id = v.id;
      const inserted = await self.#db
        .insertInto('memories')
        .values({
          id: m.id,
          memory_store_id: storeId,
          path,
          content,
          content_sha256: m.content_sha256,
          content_size_bytes: m.content_size_bytes,
          memory_version_id: v.id,
          created_at: at,
          updated_at: at,
        })
        // A concurrent create of the same path (PostgreSQL, or another SQLite process) committed after
        // the check above: report it as the same conflict rather than a unique-constraint error.
        .onConflict((oc) => oc.columns(['memory_store_id', 'path']).doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows) === 0) {
        await self.#assertPathFree(storeId, path);
        throw new ConflictError(`a memory already exists at ${path}`, {}, 'memory_path_conflict_error');
      }
      await self.#insertVersion(v);
      return m;
    });
  }

  async updateMemory(
    id: string,
    patch: { content?: string; path?: string; expected_sha256?: string | null; memory_store_id?: string },
    ctx: WriteContext,
  ): Promise<Memory> {
    return this.transaction(async (tx) => {
      const self = tx as KyselyStorage;
      const cur = await self.getMemory(id);
      if (!cur || (patch.memory_store_id !== undefined && cur.memory_store_id !== patch.memory_store_id))
        throw new NotFoundError('memory', id);
      const content = patch.content ?? cur.content!;
      const path = patch.path ?? cur.path;
      const sha = patch.content === undefined ? cur.content_sha256 : sha256Hex(content);
      const noop = content === cur.content && path === cur.path;
      if (patch.expected_sha256 && patch.expected_sha256 !== cur.content_sha256 && !noop) {
        throw new ConflictError(
          `memory ${id} changed: expected content_sha256 ${patch.expected_sha256}, found ${cur.content_sha256}`,
          { memory_id: id, expected: patch.expected_sha256, actual: cur.content_sha256 },
          'memory_precondition_failed_error',
        );
      }
      if (noop) return cur;
      if (path !== cur.path) await self.#assertPathFree(cur.memory_store_id, path);
      const at = ctx.now ?? nowIso();
      const next: Memory = {
        ...cur,
        path,
        content,
        content_sha256: sha,
        content_size_bytes: utf8Bytes(content),
        updated_at: at,
      };
      const v = self.#version(next, content, 'modified', ctx, at);
      next.memory_version_id = v.id;
      const updated = await self.#db
        .updateTable('memories')
        .set({
          // The path only when it changes: SQLite rewrites an index whose column is SET even to the same
          // value, and the (store, path) index page is one WAL page more per content edit.
          ...(path === cur.path ? {} : { path }),
          content,
          content_sha256: sha,
          content_size_bytes: next.content_size_bytes,
          memory_version_id: v.id,
          updated_at: at,
        })
        .where('id', '=', id)
        // Compare-and-set on the version read above: a concurrent writer that committed in between
        // (PostgreSQL's READ COMMITTED lets it) makes this a conflict instead of a lost update.
        .where('memory_version_id', '=', cur.memory_version_id)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) throw concurrentChange(id);
      await self.#insertVersion(v);
      return next;
    });
  }

  async deleteMemory(
    id: string,
    opts: { expected_sha256?: string | null },
    ctx: WriteContext,
  ): Promise<void> {
    await this.transaction(async (tx) => {
      const self = tx as KyselyStorage;
      const cur = await self.getMemory(id);
      if (!cur) throw new NotFoundError('memory', id);
      if (opts.expected_sha256 && opts.expected_sha256 !== cur.content_sha256)
        throw new ConflictError(
          `memory ${id} changed: expected content_sha256 ${opts.expected_sha256}, found ${cur.content_sha256}`,
          { memory_id: id, expected: opts.expected_sha256, actual: cur.content_sha256 },
          'memory_precondition_failed_error',
        );
      const at = ctx.now ?? nowIso();
      const deleted = await self.#db
        .deleteFrom('memories')
        .where('id', '=', id)
        .where('memory_version_id', '=', cur.memory_version_id)
        .executeTakeFirst();
      if (Number(deleted.numDeletedRows) === 0) throw concurrentChange(id);
      await self.#insertVersion(self.#version(cur, null, 'deleted', ctx, at));
    });
  }

  // ── versions
  async getVersion(id: string): Promise<MemoryVersion | undefined> {
    const r = await this.#db
      .selectFrom('memory_versions')
      .selectAll()
      .where('id', '=', id)
      .where('memory_store_id', 'in', this.#storeIds())
      .executeTakeFirst();
    return r && toVersion(r);
  }

  async listVersions(storeId: string, q: VersionQuery): Promise<Page<MemoryVersion>> {
    const limit = clampLimit(q.limit);
    const cur = decodeCursor(q.page);
    let query = this.#db
      .selectFrom('memory_versions')
      .selectAll()
      .where('memory_store_id', '=', storeId)
      .where('memory_store_id', 'in', this.#storeIds());
    if (q.memory_id) query = query.where('memory_id', '=', q.memory_id);
    if (q.memory_ids) {
      if (q.memory_ids.length === 0) return { data: [], next_page: null };
      if (q.memory_ids.length > MAX_LIMIT)
        throw new ValidationError(`memory_ids holds at most ${MAX_LIMIT} ids`, 'memory_ids');
      query = query.where('memory_id', 'in', q.memory_ids);
    }
    if (q.operation) query = query.where('operation', '=', q.operation);
    if (q.created_by) {
      const { type, id } = q.created_by;
      query = query.where('created_by', 'in', [json({ type, id }), json({ id, type })]);
    }
    if (q.dream_id) query = query.where('dream_id', '=', q.dream_id);
    if (q.path) query = query.where('path', '=', q.path);
    if (q.created_at_gte) query = query.where('created_at', '>=', q.created_at_gte);
    if (q.created_at_lte) query = query.where('created_at', '<=', q.created_at_lte);
    if (cur) query = query.where('seq', q.ascending ? '>' : '<', Number(cur[0]));
    const rows = await query
      .orderBy('seq', q.ascending ? 'asc' : 'desc')
      .limit(limit + 1)
      .execute();
    const page = pageOf(rows, limit, (r) => [Number(r.seq)]);
    return { data: page.data.map(toVersion), next_page: page.next_page };
  }

  async redactVersion(id: string, by: Actor, at: string): Promise<MemoryVersion | undefined> {
    await this.#db
      .updateTable('memory_versions')
      .set({
        path: null,
        content: null,
        content_sha256: null,
        content_size_bytes: null,
        redacted_at: at,
        redacted_by: json(by),
      })
      .where('id', '=', id)
      .where('redacted_at', 'is', null)
      .where('memory_store_id', 'in', this.#storeIds())
      .execute();
    return this.getVersion(id);
  }

  // ── sessions
  async importSessions(batch: NewSession[], opts: SessionImportOptions = {}): Promise<SessionImportItem[]> {
    return this.importPrepared(batch.map(prepareSession), opts);
  }

  async importPrepared(
    prepared: PreparedSession[],
    opts: SessionImportOptions = {},
  ): Promise<SessionImportItem[]> {
    const at = opts.now ?? nowIso();
    const ws = this.workspace_id;
    const q = (ext: string) => this.#qualify(ext);
    return this.transaction(async (tx) => {
      const db = (tx as KyselyStorage).#db;
      const keys = prepared.map((p) => ({
        external_id: q(p.session.external_id),
        parent_external_id: p.session.parent_external_id === null ? null : q(p.session.parent_external_id),
      }));
      const existing = await storedByExternalId(
        db,
        ws,
        keys.map((k) => k.external_id),
      );
      // The id each session is (or will be) stored under, so that parents in the batch link at insert.
      const own = new Map<string, string>();
      for (const k of keys)
        own.set(k.external_id, existing.get(k.external_id)?.id ?? sessionIdFor(k.external_id));
      const parents = await parentIds(db, ws, keys, own);
      const results: SessionImportItem[] = [];
      const inserts: (Insertable<SessionsTable> & Record<string, string | number | null>)[] = [];
      // On SQLite the texts are written as the UTF-8 bytes prepareSession hashed (see insertRows).
      const bytes = this.dialect === 'sqlite';
      const eventRows: { session_id: string; events: string | Uint8Array }[] = [];
      const written: { id: string; external_id: string }[] = [];
      const blobRows = new Map<string, string | Uint8Array>();
      for (const [i, p] of prepared.entries()) {
        const { external_id: ext, parent_external_id: parentExt } = keys[i]!;
        // The guard: a session that neither has the stored events nor continues them is kept beside.
        const place = await placeSession(db, ws, ext, existing.get(ext), p);
        const { external_id: stored, existing: ex } = place;
        const item = (status: SessionImportItem['status'], id: string) =>
          importItem(p, ext, place, status, id);
        if (ex && ex.content_sha256 === p.content_sha256 && ex.outcome === p.outcome_json) {
          results.push(item('unchanged', ex.id));
          continue;
        }
        const id = ex?.id ?? sessionIdFor(stored);
        written.push({ id, external_id: stored });
        for (const b of p.blobs) blobRows.set(b.sha256, (bytes && b.utf8) || b.content);
        const parentId = parentExt === null ? null : (parents.get(parentExt) ?? null);
        const row = sessionRow(
          p,
          {
            id,
            workspace_id: ws,
            external_id: stored,
            parent_external_id: parentExt,
            parent_session_id: parentId,
          },
          at,
        );
        if (place.conflicts_with) row.metadata = besideMetadata(p.metadata_json, place.conflicts_with.id);
        if (ex) {
          const { id: _id, ...rest } = row;
          await db.updateTable('sessions').set(rest).where('id', '=', id).execute();
          await db
            .updateTable('session_events')
            .set({ events: p.events_json })
            .where('session_id', '=', id)
            .execute();
          results.push(item('updated', id));
        } else {
          inserts.push(row);
          eventRows.push({ session_id: id, events: (bytes && p.events_utf8) || p.events_json });
          results.push(item('created', id));
        }
      }
      await insertImported(db, this.dialect, blobRows, inserts, eventRows);
      await linkWaitingChildren(db, ws, written);
      const created = results.filter((r) => r.status === 'created').map((r) => r.session_id);
      await sessionStores.insertSessionResources(db, ws, created, opts.resources ?? [], at);
      return results;
    });
  }

  async importSessionFiles(
    files: PreparedSession[][],
    opts: SessionImportOptions = {},
  ): Promise<SessionFileResult[]> {
    const now = opts.now ?? nowIso();
    const resources = opts.resources;
    return this.transaction(async (tx) => {
      const db = (tx as KyselyStorage).#db;
      const whole = files.length > 1 && !sharesExternalIds(files);
      if (whole) {
        // The common case first: the whole group as one batch (one lookup, a few multi-row inserts), which
        // gives the same statuses as file by file when no external id is in two files. Should any file
        // fail, the group is rolled back and written again file by file, each under its own savepoint.
        const flat = await underSavepoint(db, 'reverie_import_group', () =>
          tx.importPrepared(files.flat(), { now, resources }),
        ).catch(() => null);
        if (flat) return splitByFile(files, flat);
      }
      const results: SessionFileResult[] = [];
      for (const [i, file] of files.entries()) {
        try {
          const items = await underSavepoint(db, `reverie_import_${i}`, () =>
            tx.importPrepared(file, { now, resources }),
          );
          results.push({ items });
        } catch (error) {
          results.push({ error });
        }
      }
      return results;
    });
  }

  async getSession(id: string): Promise<Session | undefined> {
    const r = await this.#sessions().selectAll().where('id', '=', id).executeTakeFirst();
    return r && this.#toSession(r);
  }

  async getSessions(ids: string[]): Promise<Session[]> {
    const byId = new Map<string, Session>();
    for (let i = 0; i < ids.length; i += CHUNK) {
      const rows = await this.#sessions()
        .selectAll()
        .where('id', 'in', ids.slice(i, i + CHUNK))
        .execute();
      for (const r of rows) byId.set(r.id, this.#toSession(r));
    }
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  async listSessions(q: SessionQuery): Promise<Page<Session>> {
    const limit = clampLimit(q.limit, 10_000);
    const cur = decodeCursor(q.page);
    let query = this.#sessions().selectAll();
    if (q.agent_id) query = query.where('agent_id', '=', q.agent_id);
    if (q.team_id) query = query.where('team_id', '=', q.team_id);
    if (q.memory_store_id)
      query = query.where(
        'id',
        'in',
        sessionStores.attachedTo(this.#db, this.workspace_id, q.memory_store_id),
      );
    if (q.imported_after) query = query.where('imported_at', '>', q.imported_after);
    if (cur) query = query.where('id', '>', String(cur[0]));
    const rows = await query
      .orderBy('id')
      .limit(limit + 1)
      .execute();
    return pageOf(
      rows.map((r) => this.#toSession(r)),
      limit,
      (s) => [s.id],
    );
  }

  async listSessionResources(sessionIds: readonly string[]): Promise<Map<string, SessionResource[]>> {
    const out = new Map<string, SessionResource[]>();
    for (let i = 0; i < sessionIds.length; i += CHUNK) {
      const visible = this.#sessions()
        .select('id')
        .where('id', 'in', sessionIds.slice(i, i + CHUNK));
      const stores = this.member ? this.#storeIds() : null;
      for (const [id, rs] of await sessionStores.resourcesOf(this.#db, this.workspace_id, visible, stores))
        out.set(id, rs);
    }
    return out;
  }

  async getEvents(sessionId: string): Promise<SessionEvent[]> {
    let q = this.#db
      .selectFrom('session_events')
      .innerJoin('sessions', 'sessions.id', 'session_events.session_id')
      .select(['session_events.events', 'sessions.source_file'])
      .where('session_events.session_id', '=', sessionId)
      .where('sessions.workspace_id', '=', this.workspace_id);
    if (this.member) q = q.where('sessions.id', 'in', this.#sessions().select('sessions.id'));
    const r = await q.executeTakeFirst();
    if (!r) throw new NotFoundError('session', sessionId);
    const refs = blobRefs(r.events);
    const blob = new Map<string, string>();
    if (refs.length > 0) {
      const rows = await this.#db.selectFrom('blobs').selectAll().where('sha256', 'in', refs).execute();
      for (const b of rows) blob.set(b.sha256, b.content);
    }
    return restoreEvents(r.events, r.source_file, (sha) => blob.get(sha));
  }

  async setOutcome(sessionId: string, outcome: Outcome | null): Promise<void> {
    const r = await this.#db
      .updateTable('sessions')
      .set({ outcome: outcome === null ? null : json(outcome) })
      .where('id', '=', sessionId)
      .where('workspace_id', '=', this.workspace_id)
      .$if(this.member !== null, (q) => q.where('id', 'in', this.#sessions().select('sessions.id')))
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) throw new NotFoundError('session', sessionId);
  }

  // ── dreams and changes
  async insertDream(d: Dream): Promise<void> {
    await this.#db
      .insertInto('dreams')
      .values({ ...dreamRow(d), workspace_id: this.workspace_id })
      .execute();
  }

  async getDream(id: string): Promise<Dream | undefined> {
    const r = await this.#db
      .selectFrom('dreams')
      .selectAll()
      .where('id', '=', id)
      .where('id', 'in', this.#dreamIds())
      .executeTakeFirst();
    return r && toDream(r);
  }

  /**
   * Writes only the columns of the fields in `patch` (a write that read the dream earlier must not
   * put back fields another writer changed since, e.g. a progress write after completion). A patch
   * of `progress` alone applies only while the dream is pending or running.
   */
  async updateDream(id: string, patch: Partial<Omit<Dream, 'id' | 'type' | 'created_at'>>): Promise<void> {
    const cur = await this.getDream(id);
    if (!cur) throw new NotFoundError('dream', id);
    const set = dreamPatchColumns(cur, patch);
    if (Object.keys(set).length === 0) return;
    let q = this.#db
      .updateTable('dreams')
      .set(set)
      .where('id', '=', id)
      .where('workspace_id', '=', this.workspace_id);
    if (Object.keys(patch).length === 1 && 'progress' in patch)
      q = q.where('status', 'in', ['pending', 'running']);
    await q.execute();
  }

  async updateDreamIf(
    id: string,
    statuses: Dream['status'][],
    patch: Partial<Omit<Dream, 'id' | 'type' | 'created_at'>>,
  ): Promise<boolean> {
    const cur = await this.getDream(id);
    if (!cur || statuses.length === 0) return false;
    const set = dreamPatchColumns(cur, patch);
    if (Object.keys(set).length === 0) return statuses.includes(cur.status);
    const r = await this.#db
      .updateTable('dreams')
      .set(set)
      .where('id', '=', id)
      .where('workspace_id', '=', this.workspace_id)
      .where('status', 'in', statuses)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async listDreams(q: DreamQuery): Promise<Page<Dream>> {
    const limit = clampLimit(q.limit, 100);
    const cur = decodeCursor(q.page);
    let query = this.#db.selectFrom('dreams').selectAll().where('id', 'in', this.#dreamIds());
    if (q.memory_store_id) query = query.where('memory_store_id', '=', q.memory_store_id);
    if (q.statuses?.length) query = query.where('status', 'in', q.statuses);
    if (!q.include_archived) query = query.where('archived_at', 'is', null);
    if (q.created_at_gt) query = query.where('created_at', '>', q.created_at_gt);
    if (q.created_at_lt) query = query.where('created_at', '<', q.created_at_lt);
    if (cur) query = query.where('id', '<', String(cur[0]));
    const rows = await query
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
    return pageOf(rows.map(toDream), limit, (d) => [d.id]);
  }

  async insertChanges(changes: Change[]): Promise<void> {
    const rows: ChangesTable[] = changes.map((c) => ({
      id: c.id,
      dream_id: c.dream_id,
      ordinal: c.ordinal,
      op: c.op,
      path: c.path,
      to_path: c.to_path,
      before: c.before,
      after: c.after,
      base_sha256: c.base_sha256,
      kind: c.kind,
      reason: c.reason,
      confidence: c.confidence,
      support: json(c.support),
      evidence: json(c.evidence),
      status: c.status,
      review: c.review === null ? null : json(c.review),
      applied_at: c.applied_at,
    }));
    await this.transaction(async (tx) => {
      const db = (tx as KyselyStorage).#db;
      for (let i = 0; i < rows.length; i += 200)
        await db
          .insertInto('changes')
          .values(rows.slice(i, i + 200))
          .execute();
    });
  }

  async listChanges(dreamId: string): Promise<Change[]> {
    const rows = await this.#db
      .selectFrom('changes')
      .selectAll()
      .where('dream_id', '=', dreamId)
      .where('dream_id', 'in', this.#dreamIds())
      .orderBy('ordinal')
      .execute();
    return rows.map(toChange);
  }

  async getChange(id: string): Promise<Change | undefined> {
    const r = await this.#db
      .selectFrom('changes')
      .selectAll()
      .where('id', '=', id)
      .where('dream_id', 'in', this.#dreamIds())
      .executeTakeFirst();
    return r && toChange(r);
  }

  async updateChange(id: string, patch: ChangePatch): Promise<void> {
    const set: Partial<ChangesTable> = {};
    if (patch.status !== undefined) set.status = patch.status;
    if (patch.after !== undefined) set.after = patch.after;
    if (patch.before !== undefined) set.before = patch.before;
    if (patch.base_sha256 !== undefined) set.base_sha256 = patch.base_sha256;
    if (patch.applied_at !== undefined) set.applied_at = patch.applied_at;
    if (patch.review !== undefined) set.review = patch.review === null ? null : json(patch.review);
    const r = await this.#db
      .updateTable('changes')
      .set(set)
      .where('id', '=', id)
      .where('dream_id', 'in', this.#dreamIds())
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) throw new NotFoundError('change', id);
  }

  // ── dream jobs, schedules, store sessions
  async insertJob(job: DreamJob): Promise<void> {
    await jobs.insertJob(this.#db, job);
  }

  async getJob(by: { id: string } | { dream_id: string }): Promise<DreamJob | undefined> {
    return jobs.getJob(this.#db, by);
  }

  async listJobs(q: JobQuery): Promise<DreamJob[]> {
    return jobs.listJobs(this.#db, q);
  }

  async claimJob(req: ClaimRequest): Promise<DreamJob | undefined> {
    return this.transaction((tx) => jobs.claimJob((tx as KyselyStorage).#db, req, this.dialect));
  }

  async updateJob(
    id: string,
    patch: JobPatch,
    guard?: { states?: JobState[]; worker_id?: string; attempts?: number },
  ): Promise<boolean> {
    return jobs.updateJob(this.#db, id, patch, guard);
  }

  async putSchedule(s: DreamSchedule): Promise<void> {
    await jobs.putSchedule(this.#db, s);
  }

  async getSchedules(storeId?: string): Promise<DreamSchedule[]> {
    return jobs.getSchedules(this.#db, storeId);
  }

  async deleteSchedule(storeId: string): Promise<boolean> {
    return jobs.deleteSchedule(this.#db, storeId);
  }

  async markScheduleFired(
    storeId: string,
    expected: string | null,
    firedAt: string,
    dreamId: string,
  ): Promise<boolean> {
    return jobs.markScheduleFired(this.#db, storeId, expected, firedAt, dreamId);
  }

  async attachSessions(storeId: string, sessionIds: string[], at: string): Promise<void> {
    await this.transaction((tx) => jobs.attachSessions((tx as KyselyStorage).#db, storeId, sessionIds, at));
  }

  async storeSessions(
    storeId: string,
    after?: string | null,
  ): Promise<{ session_id: string; attached_at: string }[]> {
    return jobs.storeSessions(this.#db, storeId, after);
  }

  async deleteDreamLeftovers(dreamId: string): Promise<string[]> {
    return this.transaction((tx) => jobs.deleteDreamLeftovers((tx as KyselyStorage).#db, dreamId));
  }

  // ── gather cache
  async cacheGet(key: string): Promise<unknown | undefined> {
    const r = await this.#db
      .selectFrom('gather_cache')
      .select('value')
      .where('key', '=', key)
      .executeTakeFirst();
    return r ? JSON.parse(r.value) : undefined;
  }

  async cachePut(key: string, value: unknown): Promise<void> {
    await this.#db
      .insertInto('gather_cache')
      .values({ key, value: json(value), created_at: nowIso() })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: json(value) }))
      .execute();
  }

  async cacheHas(keys: readonly string[]): Promise<Set<string>> {
    const have = new Set<string>();
    for (let i = 0; i < keys.length; i += 500) {
      const rows = await this.#db
        .selectFrom('gather_cache')
        .select('key')
        .where('key', 'in', keys.slice(i, i + 500))
        .execute();
      for (const r of rows) have.add(r.key);
    }
    return have;
  }

  // ── model response cache
  async modelCacheGet(key: string): Promise<{ request: unknown; response: unknown } | undefined> {
    const r = await this.#db
      .selectFrom('model_cache')
      .select(['request', 'response'])
      .where('key', '=', key)
      .executeTakeFirst();
    return r ? { request: JSON.parse(r.request), response: JSON.parse(r.response) } : undefined;
  }

  async modelCachePut(key: string, request: unknown, response: unknown): Promise<void> {
    const values = { request: json(request), response: json(response) };
    await this.#db
      .insertInto('model_cache')
      .values({ key, ...values, created_at: nowIso() })
      .onConflict((oc) => oc.column('key').doUpdateSet(values))
      .execute();
  }
}
