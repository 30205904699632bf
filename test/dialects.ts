/**
 * The storage backends the cross-dialect suites loop over: SQLite always; PostgreSQL when
 * `REVERIE_TEST_PG_URL` is set (CI starts a local server and sets it).
 */
import type { Storage } from '../src/storage/index.js';
import { openSqliteStorage } from '../src/storage/index.js';

/** A named way to open a fresh, empty storage for one test. */
export interface TestDialect {
  name: string;
  open(): Promise<Storage>;
}

/** Dialects available in this environment. */
export const DIALECTS: TestDialect[] = [{ name: 'sqlite', open: () => openSqliteStorage(':memory:') }];
