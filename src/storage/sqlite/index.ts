/**
 * The embedded default backend: one SQLite file through better-sqlite3, in WAL mode, with a busy
 * timeout so that several processes (CLI, server, workers) can share it.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { Migrator } from 'kysely/migration';
import { ReverieError } from '../../domain/index.js';
import { KyselyStorage } from '../kysely-storage.js';
import { migrationProvider } from '../migrations/index.js';
import type { Database } from '../schema.js';
import { cachingDatabase } from './statement-cache.js';

/** Options of {@link openSqliteStorage}. */
export interface SqliteOptions {
  /** Milliseconds to wait for a lock held by another connection. Default 10,000. */
  busyTimeoutMs?: number;
}

/**
 * Opens (creating if needed) the SQLite database at `file` (`:memory:` for a private in-memory one),
 * applies pending migrations, and returns the storage port over it.
 * @throws ReverieError(`internal_error`) if a migration fails; the database is left at the last good migration.
 */
export async function openSqliteStorage(file: string, opts: SqliteOptions = {}): Promise<KyselyStorage> {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const raw = new BetterSqlite3(file);
  raw.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? 10_000}`);
  // Session events are stored as one JSON text per session (kilobytes each): larger pages mean fewer
  // overflow pages. Takes effect only when the database file is new.
  raw.pragma('page_size = 16384');
  if (file !== ':memory:') raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: cachingDatabase(raw) }) });
  await migrate(db);
  return new KyselyStorage(db, 'sqlite');
}

async function migrate(db: Kysely<Database>): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider('sqlite') });
  const { error } = await migrator.migrateToLatest();
  if (error)
    throw new ReverieError(
      'internal_error',
      `database migration failed: ${String(error)}`,
      {},
      { cause: error },
    );
}
