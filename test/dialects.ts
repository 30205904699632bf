/**
 * The storage backends the cross-dialect suites loop over: SQLite always; PostgreSQL when
 * `REVERIE_TEST_PG_URL` is set (`.ci/system-deps` starts a local server in CI, and `./dev test` sets
 * it). Under `CI=true` the variable is required, so that CI cannot silently skip PostgreSQL.
 *
 * Each PostgreSQL `open()` gets an empty schema of its own (`rt_<time>_<random>`, as `search_path`), so
 * tests run in parallel on one database; `close()` drops it. Schemas left behind by a crashed run are
 * dropped by the next run once they are an hour old.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Storage } from '../src/storage/index.js';
import { openPostgresStorage, openSqliteStorage } from '../src/storage/index.js';

/** A named way to open a fresh, empty storage for one test. */
export interface TestDialect {
  name: string;
  open(): Promise<Storage>;
}

/** The PostgreSQL server the tests use, if any (`postgres://user:pass@host:port/db`). */
export const PG_URL = process.env.REVERIE_TEST_PG_URL || null;

if (process.env.CI === 'true' && !PG_URL)
  throw new Error(
    'CI=true but REVERIE_TEST_PG_URL is not set: run the tests through `./dev test` (.ci/system-deps starts PostgreSQL)',
  );

const SCHEMA_PREFIX = 'rt_';
const STALE_MS = 60 * 60 * 1000;
let swept: Promise<void> | null = null;

/** Runs `fn` on a short-lived client of the test server (schema creation and clean-up). */
async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Drops test schemas older than an hour (left by a killed run). Once per process. */
function sweepStale(url: string): Promise<void> {
  swept ??= withClient(url, async (c) => {
    const { rows } = await c.query<{ nspname: string }>(
      "select nspname from pg_namespace where nspname like 'rt\\_%'",
    );
    for (const { nspname } of rows) {
      const born = Number.parseInt(nspname.split('_')[1] ?? '', 36);
      if (Number.isFinite(born) && Date.now() - born > STALE_MS)
        await c.query(`drop schema if exists "${nspname}" cascade`).catch(() => {});
    }
  });
  return swept;
}

/** Opens PostgreSQL storage in a new empty schema, dropped again by `close()`. */
async function openPgFresh(url: string): Promise<Storage> {
  await sweepStale(url);
  const schema = `${SCHEMA_PREFIX}${Date.now().toString(36)}_${randomBytes(6).toString('hex')}`;
  const storage = await openPostgresStorage(url, { schema, maxConnections: 4 });
  const close = storage.close.bind(storage);
  storage.close = async () => {
    await close();
    await withClient(url, (c) => c.query(`drop schema if exists "${schema}" cascade`));
  };
  return storage;
}

/** Dialects available in this environment. */
export const DIALECTS: TestDialect[] = [
  { name: 'sqlite', open: () => openSqliteStorage(':memory:') },
  ...(PG_URL ? [{ name: 'postgres', open: () => openPgFresh(PG_URL) }] : []),
];
