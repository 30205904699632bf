/**
 * The worker's and the embedded queue's recovered errors are told (`onError`), never swallowed silently:
 * a schedule evaluation that throws and a job claim that throws are both retried and reported.
 */
import { describe, expect, it } from 'vitest';
import type { Storage } from '../storage/index.js';
import { openSqliteStorage } from '../storage/sqlite/index.js';
import { LocalJobQueue } from './local/index.js';
import type { WorkerError } from './port.js';
import { Worker, type WorkerHost } from './worker.js';

/** Resolves once `check` is true, polling every 10 ms (fails after 5 s). */
async function eventually(check: () => boolean): Promise<void> {
  const end = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('Worker onError', () => {
  it('tells each failed schedule evaluation and keeps evaluating', async () => {
    const storage = await openSqliteStorage(':memory:');
    const errors: WorkerError[] = [];
    let calls = 0;
    const worker = new Worker(
      { storage } as unknown as WorkerHost,
      new LocalJobQueue(storage, { pollMs: 20 }),
      {
        scheduleEveryMs: 20,
        evaluateSchedules: async () => {
          calls++;
          throw new Error(`database went away (${calls})`);
        },
        onError: (e) => errors.push(e),
      },
    );
    await worker.start();
    try {
      await eventually(() => errors.length >= 2);
      expect(errors[0]).toEqual({ where: 'schedules', message: 'database went away (1)' });
      expect(errors[1]!.message).toBe('database went away (2)');
    } finally {
      await worker.stop();
      await storage.close();
    }
  });

  it('the embedded queue tells a failed claim and claims again at the next poll', async () => {
    const real = await openSqliteStorage(':memory:');
    let claims = 0;
    const storage = new Proxy(real, {
      get(target, prop, receiver) {
        if (prop === 'claimJob')
          return async () => {
            claims++;
            throw new Error('SQLITE_BUSY: database is locked');
          };
        return Reflect.get(target, prop, receiver);
      },
    }) as Storage;
    const errors: WorkerError[] = [];
    const queue = new LocalJobQueue(storage, { pollMs: 20 });
    await queue.work(async () => 'completed', { onError: (e) => errors.push(e) });
    try {
      await eventually(() => errors.length >= 2);
      expect(errors[0]).toEqual({ where: 'claim', message: 'SQLITE_BUSY: database is locked' });
      expect(claims).toBeGreaterThanOrEqual(2);
    } finally {
      await queue.stop();
      await real.close();
    }
  });
});
