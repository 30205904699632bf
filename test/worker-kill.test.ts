/**
 * A worker killed with SIGKILL in the middle of a dream, then a restarted worker: the dream ends
 * `completed` exactly once with exactly one output store, within 30 s of the restart plus the dream's
 * own run time. On the embedded queue (SQLite file) always; on pg-boss/PostgreSQL when
 * REVERIE_TEST_PG_URL is set (CI).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { afterEach, expect, it } from 'vitest';
import { enqueueDream, Reverie } from '../src/service/index.js';
import { storageOf } from '../src/service/internal.js';
import { openPostgresStorage, openSqliteStorage, type Storage } from '../src/storage/index.js';
import { describeWithData, TAU } from './data.js';
import { PG_URL } from './dialects.js';

const ROOT = resolve(import.meta.dirname, '..');

interface Setup {
  name: string;
  backend: 'local' | 'pgboss';
  open(): Promise<{ storage: Storage; db: string; args: string[]; cleanup(): Promise<void> }>;
}

const SETUPS: Setup[] = [
  {
    name: 'embedded queue on SQLite',
    backend: 'local',
    async open() {
      const dir = mkdtempSync(join(tmpdir(), 'reverie-kill-'));
      const db = join(dir, 'r.db');
      return {
        storage: await openSqliteStorage(db),
        db,
        args: [db, 'local'],
        cleanup: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
  ...(PG_URL
    ? [
        {
          name: 'pg-boss on PostgreSQL',
          backend: 'pgboss' as const,
          async open() {
            const url = PG_URL ?? '';
            const stamp = `rt_${Date.now().toString(36)}_${randomBytes(5).toString('hex')}`;
            const schema = stamp;
            const boss = `${stamp}b`;
            return {
              storage: await openPostgresStorage(url, { schema, maxConnections: 4 }),
              db: url,
              args: [url, 'pgboss', boss, schema],
              cleanup: async () => {
                const c = new pg.Client({ connectionString: url });
                await c.connect();
                await c.query(`drop schema if exists "${schema}" cascade`);
                await c.query(`drop schema if exists "${boss}" cascade`);
                await c.end();
              },
            };
          },
        },
      ]
    : []),
];

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

function startWorker(args: string[]): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['--import', join(ROOT, 'test/e2e/ts-resolve.mjs'), join(ROOT, 'test/worker-child.ts'), ...args],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  children.push(child);
  return new Promise((res, rej) => {
    child.stdout!.once('data', () => res(child));
    child.once('exit', (code) => rej(new Error(`worker exited with ${code} before it was ready`)));
  });
}

async function until<T>(what: string, ms: number, fn: () => Promise<T | undefined | false>): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

for (const setup of SETUPS) {
  describeWithData(`SIGKILL of a worker mid-dream, then a restart (${setup.name})`, () => {
    it('ends with exactly one completed dream and one output store', { timeout: 120_000 }, async () => {
      const env = await setup.open();
      const svc = new Reverie({ storage: env.storage, location: env.db });
      try {
        const sessionIds = (await svc.importSessions([TAU])).session_ids;
        const store = await svc.createStore({ name: 'airline' });
        const { dream } = await enqueueDream(
          svc,
          { memory_store_id: store.id, session_ids: sessionIds },
          {
            queueOptions: {
              backend: setup.backend,
              connectionString: setup.backend === 'pgboss' ? env.db : null,
              pgboss: { schema: env.args[2] },
            },
          },
        );
        const first = await startWorker(env.args);
        await until('the dream to be running in its gather phase', 60_000, async () => {
          const d = await svc.getDream(dream.id);
          return d.status === 'running' && d.progress?.phase === 'gather' && d.progress.done > 0;
        });
        first.kill('SIGKILL');
        await new Promise((r) => first.once('exit', r));
        expect((await svc.getDream(dream.id)).status).toBe('running');

        const restarted = Date.now();
        await startWorker(env.args);
        const done = await until('the retried dream to end', 90_000, async () => {
          const d = await svc.getDream(dream.id);
          return d.status !== 'running' && d.status !== 'pending' && d;
        });
        const waited = Date.now() - restarted;
        expect(done.status).toBe('completed');
        // with the queues' default leases and heartbeats: 30 s to take the job back, plus the retried
        // dream's own run (100 sessions × 30 ms, and the rest)
        expect(waited).toBeLessThan(30_000 + 10_000);
        const outputs = (await svc.listStores({ limit: 1000 })).data.filter(
          (s) => s.metadata['reverie.dream_id'] === dream.id,
        );
        expect(outputs.map((s) => s.id)).toEqual(done.outputs.map((o) => o.memory_store_id));
        expect(outputs).toHaveLength(1);
        const job = await storageOf(svc).getJob({ dream_id: dream.id });
        expect(job).toMatchObject({ state: 'completed', attempts: 2 });
        const dreams = (await svc.listDreams({ memory_store_id: store.id })).data;
        expect(dreams.map((d) => d.status)).toEqual(['completed']);
        process.stderr.write(`${setup.name}: restart to completed in ${waited} ms\n`);
      } finally {
        for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
        await svc.close();
        await env.cleanup();
      }
    });
  });
}
