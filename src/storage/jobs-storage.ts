/**
 * The job, schedule and store-session tables of migration 003 over Kysely, for {@link KyselyStorage}.
 * Claims and state changes are compare-and-set updates (one statement with the expected state in its
 * WHERE clause), portable across SQLite and PostgreSQL, so that two workers can never both take a job.
 */
import { type Kysely, type Selectable, sql } from 'kysely';
import type { DreamJob, DreamSchedule, JobKind, JobState } from '../domain/index.js';
import type { DialectName } from './migrations/index.js';
import type { ClaimRequest, JobPatch, JobQuery } from './port.js';
import type { Database, DreamJobsTable, DreamSchedulesTable } from './schema.js';

const json = (v: unknown) => JSON.stringify(v);

function toJob(r: Selectable<DreamJobsTable>): DreamJob {
  return {
    type: 'dream_job',
    id: r.id,
    kind: r.kind as JobKind,
    dream_id: r.dream_id,
    batch: r.batch === null ? null : JSON.parse(r.batch),
    workspace_id: r.workspace_id,
    memory_store_id: r.memory_store_id,
    singleton_key: r.singleton_key,
    backend: r.backend as DreamJob['backend'],
    state: r.state as JobState,
    apply: r.apply as DreamJob['apply'],
    attempts: Number(r.attempts),
    max_attempts: Number(r.max_attempts),
    run_after: r.run_after,
    lease_until: r.lease_until,
    worker_id: r.worker_id,
    queue_job_id: r.queue_job_id,
    last_error: r.last_error === null ? null : JSON.parse(r.last_error),
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}

function jobRow(j: DreamJob): DreamJobsTable {
  const { type: _t, last_error, batch, ...rest } = j;
  return {
    ...rest,
    batch_index: batch === null ? -1 : batch.index,
    batch: batch === null ? null : json(batch),
    last_error: last_error === null ? null : json(last_error),
  };
}

/** Inserts a job. */
export async function insertJob(db: Kysely<Database>, job: DreamJob): Promise<void> {
  await db.insertInto('dream_jobs').values(jobRow(job)).execute();
}

/** A job by id, or a dream's own job (`kind` `dream`, not its gather batches) by dream id. */
export async function getJob(
  db: Kysely<Database>,
  by: { id: string } | { dream_id: string },
): Promise<DreamJob | undefined> {
  const q = db.selectFrom('dream_jobs').selectAll();
  const r = await ('id' in by
    ? q.where('id', '=', by.id)
    : q.where('dream_id', '=', by.dream_id).where('kind', '=', 'dream')
  )
    .limit(1)
    .executeTakeFirst();
  return r && toJob(r);
}

/** Jobs matching the query (of kind `dream` unless `q.kinds` says otherwise), oldest first. */
export async function listJobs(db: Kysely<Database>, q: JobQuery): Promise<DreamJob[]> {
  let query = db
    .selectFrom('dream_jobs')
    .selectAll()
    .where('kind', 'in', q.kinds?.length ? q.kinds : ['dream']);
  if (q.dream_ids) {
    if (q.dream_ids.length === 0) return [];
    query = query.where('dream_id', 'in', q.dream_ids.slice(0, 1000));
  }
  if (q.memory_store_id) query = query.where('memory_store_id', '=', q.memory_store_id);
  if (q.states?.length) query = query.where('state', 'in', q.states);
  const rows = await query
    .orderBy('created_at')
    .orderBy('batch_index')
    .orderBy('id')
    .limit(q.limit ?? 1000)
    .execute();
  return rows.map(toJob);
}

/**
 * Takes the oldest runnable local job: `queued`/`retry` whose `run_after` has come, or `active` whose
 * lease expired (its worker died), skipping any whose singleton key is held by another live lease and,
 * with `req.group_limit`, any of a workspace that already has that many jobs under a live lease (the
 * per-workspace concurrency limit, pg-boss's `groupConcurrency` rule). The take is a compare-and-set on
 * (state, lease_until, attempts); `attempts` goes up by one.
 */
export async function claimJob(
  db: Kysely<Database>,
  req: ClaimRequest,
  dialect: DialectName,
): Promise<DreamJob | undefined> {
  // Claims must be serialized for the singleton check to hold: SQLite's BEGIN IMMEDIATE already does;
  // on PostgreSQL (READ COMMITTED) a transaction-scoped advisory lock does — one per schema, so installs
  // (or test runs) in other schemas of the same server never wait on each other's claims.
  if (dialect === 'postgres')
    await sql`select pg_advisory_xact_lock(hashtext('reverie.dream_jobs.claim:' || current_schema()))`.execute(
      db,
    );
  const full = req.group_limit ? await fullWorkspaces(db, req.now, req.group_limit) : [];
  const candidates = await db
    .selectFrom('dream_jobs')
    .selectAll()
    .where('backend', '=', 'local')
    .$if(full.length > 0, (q) => q.where('workspace_id', 'not in', full))
    .where((eb) =>
      eb.or([
        eb.and([eb('state', 'in', ['queued', 'retry']), eb('run_after', '<=', req.now)]),
        eb.and([eb('state', '=', 'active'), eb('lease_until', '<', req.now)]),
      ]),
    )
    .orderBy('run_after')
    .orderBy('id')
    .limit(20)
    .execute();
  for (const c of candidates) {
    const holder = await db
      .selectFrom('dream_jobs')
      .select('id')
      .where('singleton_key', '=', c.singleton_key)
      .where('id', '!=', c.id)
      .where('state', '=', 'active')
      .where('lease_until', '>=', req.now)
      .executeTakeFirst();
    if (holder) continue;
    let upd = db
      .updateTable('dream_jobs')
      .set({
        state: 'active',
        attempts: Number(c.attempts) + 1,
        worker_id: req.worker_id,
        lease_until: req.lease_until,
        updated_at: req.now,
      })
      .where('id', '=', c.id)
      .where('state', '=', c.state)
      .where('attempts', '=', Number(c.attempts));
    upd =
      c.lease_until === null
        ? upd.where('lease_until', 'is', null)
        : upd.where('lease_until', '=', c.lease_until);
    const r = await upd.executeTakeFirst();
    if (Number(r.numUpdatedRows) > 0) return getJob(db, { id: c.id });
  }
  return undefined;
}

/** Workspaces with at least `limit` local jobs under a live lease at `now`. */
async function fullWorkspaces(db: Kysely<Database>, now: string, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('dream_jobs')
    .select(['workspace_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('backend', '=', 'local')
    .where('state', '=', 'active')
    .where('lease_until', '>=', now)
    .groupBy('workspace_id')
    .execute();
  return rows.filter((r) => Number(r.n) >= limit).map((r) => r.workspace_id);
}

/**
 * Updates a job; with `guard`, only if it is still in one of `guard.states` and (when given) held by
 * `guard.worker_id` on attempt `guard.attempts`. @returns whether a row changed.
 */
export async function updateJob(
  db: Kysely<Database>,
  id: string,
  patch: JobPatch,
  guard: { states?: JobState[]; worker_id?: string; attempts?: number } = {},
): Promise<boolean> {
  const set: Partial<DreamJobsTable> = {};
  for (const k of ['state', 'attempts', 'run_after', 'lease_until', 'worker_id', 'queue_job_id'] as const)
    if (patch[k] !== undefined) (set as Record<string, unknown>)[k] = patch[k];
  if (patch.last_error !== undefined)
    set.last_error = patch.last_error === null ? null : json(patch.last_error);
  set.updated_at = patch.updated_at ?? new Date().toISOString();
  let q = db.updateTable('dream_jobs').set(set).where('id', '=', id);
  if (guard.states) q = q.where('state', 'in', guard.states);
  if (guard.worker_id !== undefined) q = q.where('worker_id', '=', guard.worker_id);
  if (guard.attempts !== undefined) q = q.where('attempts', '=', guard.attempts);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

function toSchedule(r: Selectable<DreamSchedulesTable>): DreamSchedule {
  return {
    type: 'dream_schedule',
    memory_store_id: r.memory_store_id,
    min_new_sessions: r.min_new_sessions === null ? null : Number(r.min_new_sessions),
    min_hours: r.min_hours === null ? null : Number(r.min_hours),
    cron: r.cron === null ? null : JSON.parse(r.cron),
    apply: r.apply as DreamSchedule['apply'],
    instructions: r.instructions,
    paused: Number(r.paused) === 1,
    last_fired_at: r.last_fired_at,
    last_dream_id: r.last_dream_id,
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}

/** Creates or replaces a store's schedule. */
export async function putSchedule(db: Kysely<Database>, s: DreamSchedule): Promise<void> {
  const { type: _t, cron, paused, ...rest } = s;
  const row: DreamSchedulesTable = {
    ...rest,
    cron: cron === null ? null : json(cron),
    paused: paused ? 1 : 0,
  };
  const { memory_store_id: _id, created_at: _c, ...update } = row;
  await db
    .insertInto('dream_schedules')
    .values(row)
    .onConflict((oc) => oc.column('memory_store_id').doUpdateSet(update))
    .execute();
}

/** A store's schedule, or all schedules (by store id). */
export async function getSchedules(db: Kysely<Database>, storeId?: string): Promise<DreamSchedule[]> {
  let q = db.selectFrom('dream_schedules').selectAll();
  if (storeId !== undefined) q = q.where('memory_store_id', '=', storeId);
  return (await q.orderBy('memory_store_id').execute()).map(toSchedule);
}

/** Deletes a store's schedule. @returns whether there was one. */
export async function deleteSchedule(db: Kysely<Database>, storeId: string): Promise<boolean> {
  const r = await db.deleteFrom('dream_schedules').where('memory_store_id', '=', storeId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/**
 * Records that a schedule fired, if it last fired at `expected` (compare-and-set: two workers evaluating
 * the same schedule create one dream). @returns whether this caller won.
 */
export async function markScheduleFired(
  db: Kysely<Database>,
  storeId: string,
  expected: string | null,
  firedAt: string,
  dreamId: string,
): Promise<boolean> {
  let q = db
    .updateTable('dream_schedules')
    .set({ last_fired_at: firedAt, last_dream_id: dreamId, updated_at: firedAt })
    .where('memory_store_id', '=', storeId);
  q = expected === null ? q.where('last_fired_at', 'is', null) : q.where('last_fired_at', '=', expected);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Attaches sessions to a store (idempotent: an attached session keeps its first `attached_at`). */
export async function attachSessions(
  db: Kysely<Database>,
  storeId: string,
  sessionIds: string[],
  at: string,
): Promise<void> {
  const ids = [...new Set(sessionIds)];
  for (let i = 0; i < ids.length; i += 400)
    await db
      .insertInto('store_sessions')
      .values(
        ids
          .slice(i, i + 400)
          .map((session_id) => ({ memory_store_id: storeId, session_id, attached_at: at })),
      )
      .onConflict((oc) => oc.columns(['memory_store_id', 'session_id']).doNothing())
      .execute();
}

/** Sessions attached to a store (strictly after `after`, when given), oldest attachment first. */
export async function storeSessions(
  db: Kysely<Database>,
  storeId: string,
  after?: string | null,
): Promise<{ session_id: string; attached_at: string }[]> {
  let q = db
    .selectFrom('store_sessions')
    .select(['session_id', 'attached_at'])
    .where('memory_store_id', '=', storeId);
  if (after) q = q.where('attached_at', '>', after);
  return q.orderBy('attached_at').orderBy('session_id').execute();
}

/**
 * Removes what an unfinished attempt of a dream may have left: its changes, and output stores whose
 * metadata names it (`reverie.dream_id`) and which its dream row does not list. Only rows reverie's
 * dream wrote. @returns the ids of the removed stores.
 */
export async function deleteDreamLeftovers(db: Kysely<Database>, dreamId: string): Promise<string[]> {
  await db.deleteFrom('changes').where('dream_id', '=', dreamId).execute();
  const rows = await db
    .selectFrom('memory_stores')
    .select(['id', 'metadata'])
    .where('metadata', 'like', `%${dreamId}%`)
    .execute();
  const gone: string[] = [];
  for (const r of rows) {
    if ((JSON.parse(r.metadata) as Record<string, string>)['reverie.dream_id'] !== dreamId) continue;
    await db.deleteFrom('memory_versions').where('memory_store_id', '=', r.id).execute();
    await db.deleteFrom('memories').where('memory_store_id', '=', r.id).execute();
    await db.deleteFrom('memory_stores').where('id', '=', r.id).execute();
    gone.push(r.id);
  }
  return gone;
}
