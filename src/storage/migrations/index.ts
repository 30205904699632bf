/**
 * Schema migrations, in order. Written with Kysely's schema builder so that one list serves SQLite and
 * PostgreSQL. Never edit a released migration; add a new one.
 */
import type { Kysely } from 'kysely';
import type { Migration, MigrationProvider } from 'kysely/migration';

/** SQL dialect family a migration is written for. */
export type DialectName = 'sqlite' | 'postgres';

const m001 = (dialect: DialectName): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('memory_stores')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('metadata', 'text', (c) => c.notNull())
      .addColumn('policy', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('archived_at', 'text')
      .execute();
    await db.schema
      .createTable('memories')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('memory_store_id', 'text', (c) =>
        c.notNull().references('memory_stores.id').onDelete('cascade'),
      )
      .addColumn('path', 'text', (c) => c.notNull())
      .addColumn('content', 'text', (c) => c.notNull())
      .addColumn('content_sha256', 'text', (c) => c.notNull())
      .addColumn('content_size_bytes', 'integer', (c) => c.notNull())
      .addColumn('memory_version_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('memories_store_path', ['memory_store_id', 'path'])
      .execute();
    await db.schema
      .createTable('memory_versions')
      .addColumn('seq', dialect === 'postgres' ? 'bigserial' : 'integer', (c) => c.primaryKey())
      .addColumn('id', 'text', (c) => c.notNull().unique())
      .addColumn('memory_id', 'text', (c) => c.notNull())
      .addColumn('memory_store_id', 'text', (c) =>
        c.notNull().references('memory_stores.id').onDelete('cascade'),
      )
      .addColumn('path', 'text')
      .addColumn('content', 'text')
      .addColumn('content_sha256', 'text')
      .addColumn('content_size_bytes', 'integer')
      .addColumn('operation', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('redacted_at', 'text')
      .addColumn('redacted_by', 'text')
      .addColumn('dream_id', 'text')
      .addColumn('change_id', 'text')
      .addColumn('note', 'text')
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
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('external_id', 'text', (c) => c.notNull().unique())
      .addColumn('agent_id', 'text', (c) => c.notNull())
      .addColumn('team_id', 'text')
      .addColumn('user_id', 'text')
      .addColumn('parent_session_id', 'text')
      .addColumn('parent_external_id', 'text')
      .addColumn('source_format', 'text', (c) => c.notNull())
      .addColumn('source_file', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('started_at', 'text')
      .addColumn('ended_at', 'text')
      .addColumn('metadata', 'text', (c) => c.notNull())
      .addColumn('event_count', 'integer', (c) => c.notNull())
      .addColumn('content_sha256', 'text', (c) => c.notNull())
      .addColumn('outcome', 'text')
      .addColumn('imported_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('sessions_imported').on('sessions').columns(['imported_at', 'id']).execute();
    await db.schema
      .createIndex('sessions_parent_external')
      .on('sessions')
      .column('parent_external_id')
      .execute();
    await db.schema
      .createTable('session_events')
      .addColumn('session_id', 'text', (c) => c.primaryKey().references('sessions.id').onDelete('cascade'))
      .addColumn('events', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('blobs')
      .addColumn('sha256', 'text', (c) => c.primaryKey())
      .addColumn('content', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('dreams')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('memory_store_id', 'text', (c) => c.notNull())
      .addColumn('session_ids', 'text', (c) => c.notNull())
      .addColumn('outputs', 'text', (c) => c.notNull())
      .addColumn('model', 'text', (c) => c.notNull())
      .addColumn('instructions', 'text')
      .addColumn('output_behavior', 'text', (c) => c.notNull())
      .addColumn('usage', 'text', (c) => c.notNull())
      .addColumn('error', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('ended_at', 'text')
      .addColumn('archived_at', 'text')
      .addColumn('engine', 'text', (c) => c.notNull())
      .addColumn('progress', 'text')
      .addColumn('stats', 'text', (c) => c.notNull())
      .addColumn('base', 'text', (c) => c.notNull())
      .addColumn('options', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('dreams_store')
      .on('dreams')
      .columns(['memory_store_id', 'created_at'])
      .execute();
    await db.schema
      .createTable('changes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('dream_id', 'text', (c) => c.notNull().references('dreams.id').onDelete('cascade'))
      .addColumn('ordinal', 'integer', (c) => c.notNull())
      .addColumn('op', 'text', (c) => c.notNull())
      .addColumn('path', 'text', (c) => c.notNull())
      .addColumn('to_path', 'text')
      .addColumn('before', 'text')
      .addColumn('after', 'text')
      .addColumn('base_sha256', 'text')
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('confidence', 'real', (c) => c.notNull())
      .addColumn('support', 'text', (c) => c.notNull())
      .addColumn('evidence', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('review', 'text')
      .addColumn('applied_at', 'text')
      .addUniqueConstraint('changes_dream_ordinal', ['dream_id', 'ordinal'])
      .execute();
    await db.schema
      .createTable('gather_cache')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
  },
});

/** All migrations by name for a dialect; names sort in application order. */
export function migrations(dialect: DialectName): Record<string, Migration> {
  return { '001-initial': m001(dialect) };
}

/** A Kysely MigrationProvider over {@link migrations} (no file-system lookups, so it works from dist/). */
export function migrationProvider(dialect: DialectName): MigrationProvider {
  return {
    async getMigrations() {
      return migrations(dialect);
    },
  };
}
