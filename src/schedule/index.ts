/**
 * Dreams that run themselves (issue 10): the dream runner, the job-queue port and its two backends,
 * workers, a big dream's gather fan-out across workers, and schedule triggers.
 */
import { type JobBackend, ValidationError } from '../domain/index.js';
import type { Storage } from '../storage/index.js';
import { LocalJobQueue, type LocalQueueOptions } from './local/index.js';
import { PgBossJobQueue, type PgBossQueueOptions } from './pgboss/index.js';
import type { JobQueue } from './port.js';

export * from './fan-out.js';
export { defaultWorkerId, LocalJobQueue, type LocalQueueOptions } from './local/index.js';
export { DEAD_LETTER_QUEUE, DREAM_QUEUE, PgBossJobQueue, type PgBossQueueOptions } from './pgboss/index.js';
export * from './port.js';
export * from './runner.js';
export * from './triggers.js';
export * from './worker.js';

/** Options of {@link openJobQueue}: the backend, and its settings. */
export interface OpenQueueOptions {
  /** Default: `pgboss` when the storage is PostgreSQL and a connection string is known, else `local`. */
  backend?: JobBackend;
  /** PostgreSQL connection string for pg-boss (the storage's own URL). */
  connectionString?: string | null;
  local?: LocalQueueOptions;
  pgboss?: Omit<PgBossQueueOptions, 'connectionString'>;
}

/**
 * Opens the job queue for a storage: the embedded table, or pg-boss (started) on PostgreSQL.
 * @throws ReverieError(`invalid_request_error`) for `pgboss` without a PostgreSQL connection string;
 *   (`internal_error`) when pg-boss cannot start.
 */
export async function openJobQueue(storage: Storage, opts: OpenQueueOptions = {}): Promise<JobQueue> {
  const backend =
    opts.backend ?? (storage.dialect === 'postgres' && opts.connectionString ? 'pgboss' : 'local');
  if (backend === 'local') return new LocalJobQueue(storage, opts.local);
  if (!opts.connectionString)
    throw new ValidationError('the pgboss queue needs a postgres:// database', 'queue');
  return new PgBossJobQueue(storage, { ...opts.pgboss, connectionString: opts.connectionString }).start();
}
