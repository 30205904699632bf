/** Storage: the persistence port and its backends. */
export { KyselyStorage } from './kysely-storage.js';
/** SQL dialect family (`sqlite` | `postgres`) and the default workspace's id, see migrations/index.ts. */
export { DEFAULT_WORKSPACE_ID, type DialectName } from './migrations/index.js';
export * from './port.js';
export { openPostgresStorage, type PostgresOptions } from './postgres/index.js';
export { openSqliteStorage, type SqliteOptions } from './sqlite/index.js';
export { BLOB_MIN_CHARS, type PreparedSession, prepareSession } from './stored-session.js';
