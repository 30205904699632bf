/**
 * Schema migrations, in order. Written with Kysely's schema builder so that one list serves SQLite and
 * PostgreSQL. Never edit a released migration; add a new one.
 */
import { type ColumnDataType, type Expression, type Kysely, sql } from 'kysely';
import type { Migration, MigrationProvider } from 'kysely/migration';

/** SQL dialect family a migration is written for. */
export type DialectName = 'sqlite' | 'postgres';

/**
 * The column types that differ between dialects. Everything else in a migration is written once.
 * - `text`: on PostgreSQL every text column is `COLLATE "C"`, so that comparisons and `ORDER BY` on paths,
 *   ids and cursors are byte (= code-point) order as in SQLite's BINARY collation, whatever the
 *   database's default collation is (an ICU or `en_US` collation would order `/B` after `/a`).
 * - `real`: a double on both (SQLite's REAL is 8 bytes; PostgreSQL's `real` is float4 and would turn a
 *   confidence of 0.7 into 0.699999988…).
 * - `serial`: an auto-increment primary key (`integer primary key` is SQLite's rowid alias).
 */
function types(
  dialect: DialectName,
): Record<'text' | 'real' | 'serial', ColumnDataType | Expression<unknown>> {
  return dialect === 'postgres'
    ? { text: sql`text collate "C"`, real: 'double precision', serial: 'bigserial' }
    : { text: 'text', real: 'real', serial: 'integer' };
}

const m001 = (dialect: DialectName): Migration => ({
  async up(db: Kysely<unknown>) {
    const t = types(dialect);
    await db.schema
      .createTable('memory_stores')
      .addColumn('id', t.text, (c) => c.primaryKey())
      .addColumn('name', t.text, (c) => c.notNull())
      .addColumn('description', t.text, (c) => c.notNull())
      .addColumn('metadata', t.text, (c) => c.notNull())
      .addColumn('policy', t.text, (c) => c.notNull())
      .addColumn('created_at', t.text, (c) => c.notNull())
      .addColumn('updated_at', t.text, (c) => c.notNull())
      .addColumn('archived_at', t.text)
      .execute();
    await db.schema
      .createTable('memories')
      .addColumn('id', t.text, (c) => c.primaryKey())
      .addColumn('memory_store_id', t.text, (c) =>
        c.notNull().references('memory_stores.id').onDelete('cascade'),
      )
      .addColumn('path', t.text, (c) => c.notNull())
      .addColumn('content', t.text, (c) => c.notNull())
      .addColumn('content_sha256', t.text, (c) => c.notNull())
      .addColumn('content_size_bytes', 'integer', (c) => c.notNull())
      .addColumn('memory_version_id', t.text, (c) => c.notNull())
      .addColumn('created_at', t.text, (c) => c.notNull())
      .addColumn('updated_at', t.text, (c) => c.notNull())
      .addUniqueConstraint('memories_store_path', ['memory_store_id', 'path'])
      .execute();
    await db.schema
      .createTable('memory_versions')
      .addColumn('seq', t.serial, (c) => c.primaryKey())
      .addColumn('id', t.text, (c) => c.notNull().unique())
      .addColumn('memory_id', t.text, (c) => c.notNull())
      .addColumn('memory_store_id', t.text, (c) =>
        c.notNull().references('memory_stores.id').onDelete('cascade'),
      )
      .addColumn('path', t.text)
      .addColumn('content', t.text)
      .addColumn('content_sha256', t.text)
      .addColumn('content_size_bytes', 'integer')
      .addColumn('operation', t.text, (c) => c.notNull())
      .addColumn('created_by', t.text, (c) => c.notNull())
      .addColumn('created_at', t.text, (c) => c.notNull())
      .addColumn('redacted_at', t.text)
      .addColumn('redacted_by', t.text)
      .addColumn('dream_id', t.text)
      .addColumn('change_id', t.text)
      .addColumn('note', t.text)
      .execute();
    await db.schema
      .createIndex('memory_versions_store')
      .on('memory_versions')
      .columns(['memory_store_id', 'seq'])
      .execute();
    await db.schema
      .createIndex('memory_versions_memory')
      .on('memory_versions')
      .columns(['memory_id', 'seq'])
      .execute();
    await db.schema
      .createTable('sessions')
      .addColumn('id', t.text, (c) => c.primaryKey())
      .addColumn('external_id', t.text, (c) => c.notNull().unique())
      .addColumn('agent_id', t.text, (c) => c.notNull())
      .addColumn('team_id', t.text)
      .addColumn('user_id', t.text)
      .addColumn('parent_session_id', t.text)
      .addColumn('parent_external_id', t.text)
      .addColumn('source_format', t.text, (c) => c.notNull())
      .addColumn('source_file', t.text, (c) => c.notNull())
      .addColumn('title', t.text, (c) => c.notNull())
      .addColumn('started_at', t.text)
      .addColumn('ended_at', t.text)
      .addColumn('metadata', t.text, (c) => c.notNull())
      .addColumn('event_count', 'integer', (c) => c.notNull())
      .addColumn('content_sha256', t.text, (c) => c.notNull())
      .addColumn('outcome', t.text)
      .addColumn('imported_at', t.text, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('sessions_imported').on('sessions').columns(['imported_at', 'id']).execute();
    await db.schema
      .createIndex('sessions_parent_external')
      .on('sessions')
      .column('parent_external_id')
      .execute();
    await db.schema
      .createTable('session_events')
      .addColumn('session_id', t.text, (c) => c.primaryKey().references('sessions.id').onDelete('cascade'))
      .addColumn('events', t.text, (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('blobs')
      .addColumn('sha256', t.text, (c) => c.primaryKey())
      .addColumn('content', t.text, (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('dreams')
      .addColumn('id', t.text, (c) => c.primaryKey())
      .addColumn('status', t.text, (c) => c.notNull())
      .addColumn('memory_store_id', t.text, (c) => c.notNull())
      .addColumn('session_ids', t.text, (c) => c.notNull())
      .addColumn('outputs', t.text, (c) => c.notNull())
      .addColumn('model', t.text, (c) => c.notNull())
      .addColumn('instructions', t.text)
      .addColumn('output_behavior', t.text, (c) => c.notNull())
      .addColumn('usage', t.text, (c) => c.notNull())
      .addColumn('error', t.text)
      .addColumn('created_at', t.text, (c) => c.notNull())
      .addColumn('ended_at', t.text)
      .addColumn('archived_at', t.text)
      .addColumn('engine', t.text, (c) => c.notNull())
      .addColumn('progress', t.text)
      .addColumn('stats', t.text, (c) => c.notNull())
      .addColumn('base', t.text, (c) => c.notNull())
      .addColumn('options', t.text, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('dreams_store')
      .on('dreams')
      .columns(['memory_store_id', 'created_at'])
      .execute();
    await db.schema
      .createTable('changes')
      .addColumn('id', t.text, (c) => c.primaryKey())
      .addColumn('dream_id', t.text, (c) => c.notNull().references('dreams.id').onDelete('cascade'))
      .addColumn('ordinal', 'integer', (c) => c.notNull())
      .addColumn('op', t.text, (c) => c.notNull())
      .addColumn('path', t.text, (c) => c.notNull())
      .addColumn('to_path', t.text)
      .addColumn('before', t.text)
      .addColumn('after', t.text)
      .addColumn('base_sha256', t.text)
      .addColumn('kind', t.text, (c) => c.notNull())
      .addColumn('reason', t.text, (c) => c.notNull())
      .addColumn('confidence', t.real, (c) => c.notNull())
      .addColumn('support', t.text, (c) => c.notNull())
      .addColumn('evidence', t.text, (c) => c.notNull())
      .addColumn('status', t.text, (c) => c.notNull())
      .addColumn('review', t.text)
      .addColumn('applied_at', t.text)
      .addUniqueConstraint('changes_dream_ordinal', ['dream_id', 'ordinal'])
      .execute();
    await db.schema
      .createTable('gather_cache')
      .addColumn('key', t.text, (c) => c.primaryKey())
      .addColumn('value', t.text, (c) => c.notNull())
      .addColumn('created_at', t.text, (c) => c.notNull())
      .execute();
  },
});

/** Dreams keep the sessions they held back as probes and the do-no-harm check of their proposal. */
const m002 = (dialect: DialectName): Migration => ({
  async up(db: Kysely<unknown>) {
    const t = types(dialect);
    await db.schema
      .alterTable('dreams')
      .addColumn('probe_session_ids', t.text, (c) => c.notNull().defaultTo('[]'))
      .execute();
    await db.schema.alterTable('dreams').addColumn('check_report', t.text).execute();
  },
});

/** The workspace that data written before workspaces existed, and the CLI's own data, belong to. */
export const DEFAULT_WORKSPACE_ID = 'wrkspc_default';

/**
 * Workspaces (tenants) and their API keys (issue 9). Stores, sessions and dreams get a `workspace_id`
 * (existing rows: the default workspace); memories and versions belong to their store's workspace,
 * changes to their dream's. Keys are stored as the SHA-256 of the key, never the key itself.
 */
const m003 = (dialect: DialectName): Migration => ({
  async up(db: Kysely<unknown>) {
    const t = types(dialect);
    await db.schema
      .createTable('workspaces')
      .addColumn('id', t.text, (c) => c.primaryKey())
      .addColumn('name', t.text, (c) => c.notNull().unique())
      .addColumn('created_at', t.text, (c) => c.notNull())
      .execute();
    await db
      .insertInto('workspaces' as never)
      .values({ id: DEFAULT_WORKSPACE_ID, name: 'default', created_at: new Date().toISOString() } as never)
      .execute();
    await db.schema
      .createTable('api_keys')
      .addColumn('id', t.text, (c) => c.primaryKey())
      .addColumn('workspace_id', t.text, (c) => c.notNull().references('workspaces.id'))
      .addColumn('name', t.text, (c) => c.notNull())
      .addColumn('key_sha256', t.text, (c) => c.notNull().unique())
      .addColumn('key_hint', t.text, (c) => c.notNull())
      .addColumn('created_at', t.text, (c) => c.notNull())
      .addColumn('revoked_at', t.text)
      .execute();
    for (const table of ['memory_stores', 'sessions', 'dreams']) {
      await db.schema
        .alterTable(table)
        .addColumn('workspace_id', t.text, (c) => c.notNull().defaultTo(DEFAULT_WORKSPACE_ID))
        .execute();
      await db.schema.createIndex(`${table}_workspace`).on(table).columns(['workspace_id', 'id']).execute();
    }
  },
});

/** API key roles (DESIGN "Domain model"): what a key may do; existing keys become `admin` (all). */
const m004 = (dialect: DialectName): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('api_keys')
      .addColumn('role', types(dialect).text, (c) => c.notNull().defaultTo('admin'))
      .execute();
  },
});

/**
 * Dream jobs (the embedded queue, and the mirror of pg-boss jobs that `dreams list` reads), store
 * schedules, and the sessions attached to a store (`sessions import --store`).
 */
const m005 = (dialect: DialectName): Migration => ({
  async up(db: Kysely<unknown>) {
    const t = types(dialect);
    await db.schema
      .createTable('dream_jobs')
      .addColumn('id', t.text, (c) => c.primaryKey())
      .addColumn('dream_id', t.text, (c) => c.notNull().unique())
      .addColumn('memory_store_id', t.text, (c) => c.notNull())
      .addColumn('singleton_key', t.text, (c) => c.notNull())
      .addColumn('backend', t.text, (c) => c.notNull())
      .addColumn('state', t.text, (c) => c.notNull())
      .addColumn('apply', t.text, (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('max_attempts', 'integer', (c) => c.notNull())
      .addColumn('run_after', t.text, (c) => c.notNull())
      .addColumn('lease_until', t.text)
      .addColumn('worker_id', t.text)
      .addColumn('queue_job_id', t.text)
      .addColumn('last_error', t.text)
      .addColumn('created_at', t.text, (c) => c.notNull())
      .addColumn('updated_at', t.text, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('dream_jobs_state')
      .on('dream_jobs')
      .columns(['state', 'run_after'])
      .execute();
    await db.schema
      .createIndex('dream_jobs_singleton')
      .on('dream_jobs')
      .columns(['singleton_key', 'state'])
      .execute();
    await db.schema
      .createTable('dream_schedules')
      .addColumn('memory_store_id', t.text, (c) => c.primaryKey())
      .addColumn('min_new_sessions', 'integer')
      .addColumn('min_hours', t.real)
      .addColumn('cron', t.text)
      .addColumn('apply', t.text, (c) => c.notNull())
      .addColumn('instructions', t.text)
      .addColumn('paused', 'integer', (c) => c.notNull())
      .addColumn('last_fired_at', t.text)
      .addColumn('last_dream_id', t.text)
      .addColumn('created_at', t.text, (c) => c.notNull())
      .addColumn('updated_at', t.text, (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('store_sessions')
      .addColumn('memory_store_id', t.text, (c) => c.notNull())
      .addColumn('session_id', t.text, (c) => c.notNull())
      .addColumn('attached_at', t.text, (c) => c.notNull())
      .addPrimaryKeyConstraint('store_sessions_pk', ['memory_store_id', 'session_id'])
      .execute();
    await db.schema
      .createIndex('store_sessions_attached')
      .on('store_sessions')
      .columns(['memory_store_id', 'attached_at'])
      .execute();
  },
});

/**
 * Model answers of the LLM engine, keyed by the SHA-256 of the canonical request (src/models
 * `cacheKey`): re-dreaming the same inputs with the same model makes no calls.
 */
const m006 = (dialect: DialectName): Migration => ({
  async up(db: Kysely<unknown>) {
    const t = types(dialect);
    await db.schema
      .createTable('model_cache')
      .addColumn('key', t.text, (c) => c.primaryKey())
      .addColumn('request', t.text, (c) => c.notNull())
      .addColumn('response', t.text, (c) => c.notNull())
      .addColumn('created_at', t.text, (c) => c.notNull())
      .execute();
  },
});

/**
 * Teams and scopes (issue 14): a store's scope (`person` | `agent` | `team` | `organisation`, its id,
 * and the distinct people or agents a pattern needs before a dream promotes it there); teams and their
 * members (people and agents); the member an API key acts as (a key without one sees the whole
 * workspace, as before); and the stores attached to an agent with their access (at most 8, the
 * hosted limit).
 */
const m007 = (dialect: DialectName): Migration => ({
  async up(db: Kysely<unknown>) {
    const t = types(dialect);
    await db.schema.alterTable('memory_stores').addColumn('scope_type', t.text).execute();
    await db.schema.alterTable('memory_stores').addColumn('scope_id', t.text).execute();
    await db.schema.alterTable('memory_stores').addColumn('scope_min_support', 'integer').execute();
    await db.schema.alterTable('api_keys').addColumn('member_type', t.text).execute();
    await db.schema.alterTable('api_keys').addColumn('member_id', t.text).execute();
    await db.schema
      .createTable('teams')
      .addColumn('id', t.text, (c) => c.primaryKey())
      .addColumn('workspace_id', t.text, (c) => c.notNull())
      .addColumn('name', t.text, (c) => c.notNull())
      .addColumn('created_at', t.text, (c) => c.notNull())
      .addUniqueConstraint('teams_workspace_name', ['workspace_id', 'name'])
      .execute();
    await db.schema
      .createTable('team_members')
      .addColumn('team_id', t.text, (c) => c.notNull().references('teams.id').onDelete('cascade'))
      .addColumn('member_type', t.text, (c) => c.notNull())
      .addColumn('member_id', t.text, (c) => c.notNull())
      .addColumn('added_at', t.text, (c) => c.notNull())
      .addPrimaryKeyConstraint('team_members_pk', ['team_id', 'member_type', 'member_id'])
      .execute();
    await db.schema
      .createIndex('team_members_member')
      .on('team_members')
      .columns(['member_type', 'member_id'])
      .execute();
    await db.schema
      .createTable('agent_stores')
      .addColumn('workspace_id', t.text, (c) => c.notNull())
      .addColumn('agent_id', t.text, (c) => c.notNull())
      .addColumn('memory_store_id', t.text, (c) => c.notNull())
      .addColumn('access', t.text, (c) => c.notNull())
      .addColumn('attached_at', t.text, (c) => c.notNull())
      .addPrimaryKeyConstraint('agent_stores_pk', ['workspace_id', 'agent_id', 'memory_store_id'])
      .execute();
  },
});

/**
 * Migration 008: the stores attached to a session at creation (hosted session `resources[]`), one row per
 * attachment with the store's name and description as they were at attach time and its mount path; the
 * index serves `GET /v1/reverie/sessions?memory_store_id=`.
 */
const m008 = (dialect: DialectName): Migration => ({
  async up(db: Kysely<unknown>) {
    const t = types(dialect);
    await db.schema
      .createTable('session_stores')
      .addColumn('workspace_id', t.text, (c) => c.notNull())
      .addColumn('session_id', t.text, (c) => c.notNull().references('sessions.id').onDelete('cascade'))
      .addColumn('memory_store_id', t.text, (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('access', t.text, (c) => c.notNull())
      .addColumn('instructions', t.text)
      .addColumn('name', t.text, (c) => c.notNull())
      .addColumn('description', t.text, (c) => c.notNull())
      .addColumn('mount_path', t.text, (c) => c.notNull())
      .addColumn('attached_at', t.text, (c) => c.notNull())
      .addPrimaryKeyConstraint('session_stores_pk', ['session_id', 'memory_store_id'])
      .execute();
    await db.schema
      .createIndex('session_stores_store')
      .on('session_stores')
      .columns(['workspace_id', 'memory_store_id', 'session_id'])
      .execute();
  },
});

/**
 * Job kinds (issue 10, scale past one machine): a big dream's gather phase runs as `dream.gather` jobs,
 * one per batch of sessions, beside its `dream` job, so `dream_id` is no longer unique; the job's
 * workspace is recorded for the per-workspace concurrency limit. `dream_jobs` is rebuilt (SQLite cannot
 * drop the column's unique constraint) with `kind`, `batch_index` (−1 for a dream job), `batch` (JSON:
 * the batch's sessions) and `workspace_id` (from the dream, for the jobs already there), unique on
 * (dream_id, kind, batch_index). Runs inside the migration's transaction on both dialects.
 */
const m009 = (dialect: DialectName): Migration => ({
  async up(db: Kysely<unknown>) {
    const t = types(dialect);
    await db.schema
      .createTable('dream_jobs_009')
      .addColumn('id', t.text, (c) => c.primaryKey())
      .addColumn('kind', t.text, (c) => c.notNull())
      .addColumn('dream_id', t.text, (c) => c.notNull())
      .addColumn('batch_index', 'integer', (c) => c.notNull())
      .addColumn('batch', t.text)
      .addColumn('workspace_id', t.text, (c) => c.notNull())
      .addColumn('memory_store_id', t.text, (c) => c.notNull())
      .addColumn('singleton_key', t.text, (c) => c.notNull())
      .addColumn('backend', t.text, (c) => c.notNull())
      .addColumn('state', t.text, (c) => c.notNull())
      .addColumn('apply', t.text, (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('max_attempts', 'integer', (c) => c.notNull())
      .addColumn('run_after', t.text, (c) => c.notNull())
      .addColumn('lease_until', t.text)
      .addColumn('worker_id', t.text)
      .addColumn('queue_job_id', t.text)
      .addColumn('last_error', t.text)
      .addColumn('created_at', t.text, (c) => c.notNull())
      .addColumn('updated_at', t.text, (c) => c.notNull())
      .execute();
    const kept =
      'id, dream_id, memory_store_id, singleton_key, backend, state, apply, attempts, max_attempts, run_after, lease_until, worker_id, queue_job_id, last_error, created_at, updated_at';
    await sql
      .raw(
        `insert into dream_jobs_009 (${kept}, kind, batch_index, batch, workspace_id)
         select ${kept}, 'dream', -1, null,
           coalesce((select d.workspace_id from dreams d where d.id = dream_jobs.dream_id), '${DEFAULT_WORKSPACE_ID}')
         from dream_jobs`,
      )
      .execute(db);
    await db.schema.dropTable('dream_jobs').execute();
    await db.schema.alterTable('dream_jobs_009').renameTo('dream_jobs').execute();
    await db.schema
      .createIndex('dream_jobs_state')
      .on('dream_jobs')
      .columns(['state', 'run_after'])
      .execute();
    await db.schema
      .createIndex('dream_jobs_singleton')
      .on('dream_jobs')
      .columns(['singleton_key', 'state'])
      .execute();
    await db.schema
      .createIndex('dream_jobs_key')
      .on('dream_jobs')
      .columns(['dream_id', 'kind', 'batch_index'])
      .unique()
      .execute();
    await db.schema
      .createIndex('dream_jobs_workspace')
      .on('dream_jobs')
      .columns(['workspace_id', 'state'])
      .execute();
  },
});

/** All migrations by name for a dialect; names sort in application order. */
export function migrations(dialect: DialectName): Record<string, Migration> {
  return {
    '001-initial': m001(dialect),
    '002-dream-check': m002(dialect),
    '003-workspaces': m003(dialect),
    '004-key-roles': m004(dialect),
    '005-jobs': m005(dialect),
    '006-model-cache': m006(dialect),
    '007-teams': m007(dialect),
    '008-session-stores': m008(dialect),
    '009-job-kinds': m009(dialect),
  };
}

/** A Kysely MigrationProvider over {@link migrations} (no file-system lookups, so it works from dist/). */
export function migrationProvider(dialect: DialectName): MigrationProvider {
  return {
    async getMigrations() {
      return migrations(dialect);
    },
  };
}
