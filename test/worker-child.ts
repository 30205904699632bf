/**
 * A worker process for the kill-and-restart tests:
 *   node --import ./test/e2e/ts-resolve.mjs test/worker-child.ts DB BACKEND [PGBOSS_SCHEMA]
 * DB is a SQLite file or a postgres:// URL (with `?options=-c%20search_path%3D…` for a test schema);
 * BACKEND is `local` or `pgboss`. It runs queued dreams with the offline engine slowed by 30 ms per
 * session load (so that a dream over 100 sessions runs long enough to be killed in its gather phase),
 * the queues' default leases and heartbeats, and prints `ready` once it takes jobs. Runs until killed.
 */
import { createOfflineEngine, type DreamEngine } from '../src/dream/index.js';
import { Reverie, startEmbeddedWorker } from '../src/service/index.js';
import { openPostgresStorage, openSqliteStorage } from '../src/storage/index.js';

const [db, backend, bossSchema, pgSchema] = process.argv.slice(2);
const real = createOfflineEngine();
const slow: DreamEngine = {
  id: 'offline',
  version: `${real.version}+slow`,
  run: (req, hooks) =>
    real.run(
      {
        ...req,
        sessions: req.sessions.map((s) => ({
          ...s,
          loadEvents: async () => {
            await new Promise((r) => setTimeout(r, 30));
            return s.loadEvents();
          },
        })),
      },
      hooks,
    ),
};
const storage = db!.startsWith('postgres')
  ? await openPostgresStorage(db!, { schema: pgSchema, maxConnections: 4 })
  : await openSqliteStorage(db!);
const svc = new Reverie({ storage, engines: { offline: slow }, location: db });
await startEmbeddedWorker(svc, {
  schedules: false,
  queueOptions: {
    backend: backend as 'local' | 'pgboss',
    connectionString: backend === 'pgboss' ? db : null,
    pgboss: { schema: bossSchema },
  },
});
process.stdout.write('ready\n');
