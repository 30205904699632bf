/** Storage: the persistence port and its backends. */
export { KyselyStorage } from './kysely-storage.js';
/** SQL dialect family (`sqlite` | `postgres`), see migrations/index.ts. */
export type { DialectName } from './migrations/index.js';
export * from './port.js';
export { openPostgresStorage, type PostgresOptions } from './postgres/index.js';
export { openSqliteStorage, type SqliteOptions } from './sqlite/index.js';
export { BLOB_MIN_CHARS, type PreparedSession, prepareSession } from './stored-session.js';
