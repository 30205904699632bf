/**
 * The embedded default backend: one SQLite file through better-sqlite3, in WAL mode, with a busy
 * timeout so that several processes (CLI, server, workers) can share it. Transactions start with
 * `BEGIN IMMEDIATE`, so a writer takes the write lock up front and waits (up to the busy timeout) for
 * another process's transaction to end; a deferred `BEGIN` that reads first and then writes fails at
 * once with SQLITE_BUSY ("database is locked") instead, whatever the busy timeout, because waiting
 * could deadlock (https://www.sqlite.org/lang_transaction.html, https://www.sqlite.org/wal.html §2.2).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
} from 'kysely';
import { Migrator } from 'kysely/migration';
import { ReverieError } from '../../domain/index.js';
import { KyselyStorage } from '../kysely-storage.js';
import { migrationProvider } from '../migrations/index.js';
import type { Database } from '../schema.js';
import { BackgroundCheckpointer } from './checkpointer.js';
import { cachingDatabase } from './statement-cache.js';

/** Options of {@link openSqliteStorage}. */
export interface SqliteOptions {
  /**
   * Milliseconds a transaction or write waits for the write lock held by another connection (another
   * process's transaction) before failing with "database is locked". Default 30,000.
   */
  busyTimeoutMs?: number;
  /**
   * Run WAL checkpoints on a worker thread when writes pause, instead of inside the commit that fills
   * the WAL (see {@link BackgroundCheckpointer}): for long-running processes whose writes must answer
   * quickly every time (`reverie mcp`). Ignored for `:memory:`. Default false.
   */
  checkpointInBackground?: boolean;
}

/**
 * Opens (creating if needed) the SQLite database at `file` (`:memory:` for a private in-memory one),
 * applies pending migrations, and returns the storage port over it.
 * @throws ReverieError(`internal_error`) if a migration fails; the database is left at the last good migration.
 */
export async function openSqliteStorage(file: string, opts: SqliteOptions = {}): Promise<KyselyStorage> {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const raw = new BetterSqlite3(file);
  raw.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? 30_000}`);
  // Session events are stored as one JSON text per session (kilobytes each): larger pages mean fewer
  // overflow pages. Takes effect only when the database file is new.
  raw.pragma('page_size = 16384');
  if (file !== ':memory:') raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.pragma('foreign_keys = ON');
  const checkpointer =
    opts.checkpointInBackground && file !== ':memory:' ? backgroundCheckpointer(raw, file, opts) : undefined;
  const db = new Kysely<Database>({
    dialect: new ImmediateSqliteDialect({ database: cachingDatabase(raw) }, checkpointer),
  });
  try {
    await migrate(db, raw);
  } catch (e) {
    await checkpointer?.close();
    throw e;
  }
  return new KyselyStorage(db, 'sqlite');
}

/**
 * Starts the worker-thread checkpointer for `raw` (see {@link BackgroundCheckpointer}) and moves the
 * connection's own automatic checkpoint from SQLite's 1,000 pages to 10,000 (160 MB at 16 kB pages): a
 * safety net for a stream of writes that never pauses, since the WAL only restarts from its beginning
 * when a write finds every earlier frame checkpointed (about 2,000 memory edits without a 50 ms pause);
 * if the worker fails, back to 1,000.
 */
function backgroundCheckpointer(
  raw: BetterSqlite3.Database,
  file: string,
  opts: SqliteOptions,
): BackgroundCheckpointer {
  raw.pragma('wal_autocheckpoint = 10000');
  return new BackgroundCheckpointer(file, {
    busyTimeoutMs: opts.busyTimeoutMs,
    onFailure: () => {
      if (raw.open) raw.pragma('wal_autocheckpoint = 1000');
    },
  });
}

/**
 * Kysely's SQLite driver, with transactions opened by `BEGIN IMMEDIATE` (see the module comment) and, when
 * given a checkpointer, a WAL checkpoint asked for after each commit and the worker stopped before the
 * connection closes.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  readonly #checkpointer: BackgroundCheckpointer | undefined;

  constructor(config: SqliteDialectConfig, checkpointer?: BackgroundCheckpointer) {
    super(config);
    this.#checkpointer = checkpointer;
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }

  override async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await super.commitTransaction(connection);
    this.#checkpointer?.nudge();
  }

  override async destroy(): Promise<void> {
    // The worker's connection closes first, so the main one is the last and removes the WAL as it closes.
    await this.#checkpointer?.close();
    await super.destroy();
  }
}

/** Kysely's SQLite dialect over {@link ImmediateSqliteDriver}. */
class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  readonly #checkpointer: BackgroundCheckpointer | undefined;

  constructor(config: SqliteDialectConfig, checkpointer?: BackgroundCheckpointer) {
    super(config);
    this.#config = config;
    this.#checkpointer = checkpointer;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config, this.#checkpointer);
  }
}

/**
 * Applies pending migrations under the write lock: when any is pending, the whole run (Kysely's
 * migration-table set-up included) is one `BEGIN IMMEDIATE` transaction on the raw connection, so a
 * second process opening the same new file waits for the first one's migrations instead of running
 * them again ("table … already exists"). An up-to-date database is only read.
 */
async function migrate(db: Kysely<Database>, raw: BetterSqlite3.Database): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider('sqlite'), disableTransactions: true });
  if ((await migrator.getMigrations()).every((m) => m.executedAt !== undefined)) return;
  raw.exec('BEGIN IMMEDIATE');
  const { error } = await migrator.migrateToLatest();
  if (error) {
    if (raw.inTransaction) raw.exec('ROLLBACK');
    throw new ReverieError(
      'internal_error',
      `database migration failed: ${String(error)}`,
      {},
      { cause: error },
    );
  }
  raw.exec('COMMIT');
}
