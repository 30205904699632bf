/**
 * The scale-out backend: PostgreSQL through `pg`'s connection pool. Same Kysely implementation, same
 * migrations (PostgreSQL branch: text columns `COLLATE "C"`, doubles, bigserial) and same test suite as
 * the embedded SQLite backend; any database works, whatever its default collation.
 */
import { Kysely, PostgresDialect, sql } from 'kysely';
import { Migrator } from 'kysely/migration';
import type { PoolConfig } from 'pg';
import { ReverieError, ValidationError } from '../../domain/index.js';
import { KyselyStorage } from '../kysely-storage.js';
import { migrationProvider } from '../migrations/index.js';
import type { Database } from '../schema.js';
import { NulEscapePlugin } from './nul-escape.js';

/** Options of {@link openPostgresStorage}. */
export interface PostgresOptions {
  /**
   * Schema holding reverie's tables (and Kysely's migration bookkeeping), created when missing; every
   * pooled connection gets `search_path` set to it. Letters, digits and `_`, not starting with a digit.
   * Default: the connection's `current_schema()` as configured on the server (normally `public`).
   */
  schema?: string;
  /** Most connections the pool opens. Default 10. */
  maxConnections?: number;
  /**
   * Further `pg.Pool` settings (`ssl`, `connectionTimeoutMillis`, `idleTimeoutMillis`, …), applied
   * under the connection string. `options` is extended, not replaced, when `schema` is set.
   */
  pool?: Omit<PoolConfig, 'connectionString'>;
}

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * Connects to the PostgreSQL database at `connectionString` (`postgres://user:pass@host:port/db`, or
 * anything `pg` accepts), applies pending migrations under a migration lock (several processes may open
 * the same database at once), and returns the storage port over a connection pool.
 * `close()` ends the pool.
 * @throws ValidationError(`schema`) for a schema name other than letters, digits and `_`;
 *   ReverieError(`internal_error`) when the server cannot be reached or a migration fails (the
 *   database is left at the last good migration); the pool is ended in both cases.
 */
export async function openPostgresStorage(
  connectionString: string,
  opts: PostgresOptions = {},
): Promise<KyselyStorage> {
  const schema = opts.schema;
  if (schema !== undefined && !SCHEMA_NAME.test(schema))
    throw new ValidationError(
      `schema must be letters, digits and "_" (not starting with a digit): ${JSON.stringify(schema)}`,
      'schema',
    );
  // Loaded on first use, so that the SQLite-only CLI does not pay for it at start-up.
  const { default: pg } = await import('pg');
  const extra = opts.pool ?? {};
  const pool = new pg.Pool({
    max: opts.maxConnections ?? 10,
    ...extra,
    connectionString,
    ...(schema ? { options: `${extra.options ?? ''} -c search_path=${schema}`.trim() } : {}),
  });
  // An idle client that loses its server (restart, network) emits 'error' on the pool; without a
  // listener that would crash the process. The next query gets a fresh connection or a clear error.
  pool.on('error', () => {});
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    plugins: [new NulEscapePlugin()],
  });
  try {
    if (schema) await createSchema(db, schema);
    const current = await sql<{ s: string | null }>`select current_schema() as s`.execute(db);
    const at = current.rows[0]?.s;
    if (!at) throw new Error('no schema: the search_path names no existing schema');
    await migrate(db, at);
  } catch (e) {
    await db.destroy();
    if (e instanceof ReverieError) throw e;
    throw new ReverieError(
      'internal_error',
      `cannot open PostgreSQL storage: ${e instanceof Error ? e.message : String(e)}`,
      {},
      { cause: e },
    );
  }
  return new KyselyStorage(db, 'postgres', () => db.destroy());
}

async function createSchema(db: Kysely<Database>, schema: string): Promise<void> {
  const exists = async () =>
    (await sql`select 1 from pg_namespace where nspname = ${schema}`.execute(db)).rows.length > 0;
  if (await exists()) return;
  try {
    await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
  } catch (e) {
    // Two processes creating it at once: `if not exists` can still fail on the catalog's unique index.
    if (!(await exists())) throw e;
  }
}

async function migrate(db: Kysely<Database>, schema: string): Promise<void> {
  // migrationTableSchema: Kysely otherwise looks for its bookkeeping tables in every schema of the
  // database, and would take another schema's for this one's.
  const migrator = new Migrator({
    db,
    provider: migrationProvider('postgres'),
    migrationTableSchema: schema,
  });
  const { error } = await migrator.migrateToLatest();
  if (error)
    throw new ReverieError(
      'internal_error',
      `database migration failed: ${String(error)}`,
      {},
      { cause: error },
    );
}
