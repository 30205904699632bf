/**
 * Queued dreams and workers, on the embedded queue and (REVERIE_TEST_PG_URL) on pg-boss: a failing
 * engine lands in the dead-letter state after its retries; a canceled running dream ends `canceled`
 * with nothing applied; `update_existing` dreams of one store never run at once.
 */
import { afterEach, expect, it } from 'vitest';
import type { DreamJob } from '../src/domain/index.js';
import { createOfflineEngine, type DreamEngine } from '../src/dream/index.js';
import type { JobQueue, Worker } from '../src/schedule/index.js';
import { enqueueDream, listDreamsWithJobs, Reverie, startEmbeddedWorker } from '../src/service/index.js';
import { storageOf } from '../src/service/internal.js';
import { ReviewService } from '../src/service/review-service.js';
import { describeWithData, TAU } from './data.js';
import { proposal, QUEUE_BACKENDS, type QueueEnv, unbatchedTauDream, until, wrapHandler } from './queues.js';

/** The offline engine, slowed per session load, counting runs and the most that ran at once. */
function countingEngine(delayMs: number) {
  const real = createOfflineEngine();
  /** `hold_ms`: how long each run waits before it starts its work (0: none). */
  const stats = { runs: 0, active: 0, max_active: 0, hold_ms: 0 };
  const engine: DreamEngine = {
    id: 'offline',
    version: `${real.version}+count`,
    async run(req, hooks) {
      stats.runs++;
      stats.active++;
      stats.max_active = Math.max(stats.max_active, stats.active);
      try {
        if (stats.hold_ms > 0) await new Promise((r) => setTimeout(r, stats.hold_ms));
        const sessions = req.sessions.map((s) => ({
          ...s,
          loadEvents: async () => {
            await new Promise((r) => setTimeout(r, delayMs));
            return s.loadEvents();
          },
        }));
        return await real.run({ ...req, sessions }, hooks);
      } finally {
        stats.active--;
      }
    },
  };
  return { engine, stats };
}

let env: QueueEnv | null = null;
let worker: Worker | null = null;
/** Lets gather batches held by {@link heldGather} go on (so that a failed test still stops its worker). */
let releaseHeld = () => {};
afterEach(async () => {
  releaseHeld();
  await worker?.stop();
  worker = null;
  await env?.close();
  env = null;
});

for (const backend of QUEUE_BACKENDS) {
  describeWithData(`queued dreams and workers (τ-bench airline, ${backend.name})`, () => {
    it('a failing engine lands in the dead-letter state after its retries', {
      timeout: 180_000,
    }, async () => {
      let calls = 0;
      const failing: DreamEngine = {
        id: 'offline',
        version: 'failing',
        async run() {
          calls++;
          throw new Error(`engine exploded (call ${calls})`);
        },
      };
      env = await backend.open({ engines: { offline: failing }, maxAttempts: 2 });
      const { svc } = env;
      const ids = (await svc.importSessions([TAU])).session_ids;
      const store = await svc.createStore({ name: 'airline' });
      const queue = await env.queue();
      const { dream } = await enqueueDream(svc, { memory_store_id: store.id, session_ids: ids }, { queue });
      worker = await startEmbeddedWorker(svc, { queue, schedules: false });
      const job = await until('the dead-letter state', 120_000, async () => {
        const j = await storageOf(svc).getJob({ dream_id: dream.id });
        return j?.state === 'dead_letter' && j;
      });
      expect(job).toMatchObject({ attempts: 2, max_attempts: 2, last_error: { type: 'internal_error' } });
      expect(job.last_error!.message).toContain('engine exploded (call 2)');
      expect(calls).toBe(2);
      const d = await svc.getDream(dream.id);
      expect(d.status).toBe('failed');
      expect(d.error?.message).toContain('engine exploded');
      expect(await svc.listChanges(dream.id)).toEqual([]);
      expect((await svc.listStores({ limit: 100 })).data).toHaveLength(1);
      const listed = (await listDreamsWithJobs(svc, { memory_store_id: store.id })).data;
      expect(listed.map((x) => [x.dream.status, x.job?.state])).toEqual([['failed', 'dead_letter']]);
    });

    it('a dream whose store changed after it was queued fails on its first attempt, not after every retry', {
      timeout: 180_000,
    }, async () => {
      env = await backend.open({ maxAttempts: 3 });
      const { svc } = env;
      const ids = (await svc.importSessions([TAU])).session_ids;
      const store = await svc.createStore({ name: 'airline' });
      const queue = await env.queue();
      const { dream } = await enqueueDream(svc, { memory_store_id: store.id, session_ids: ids }, { queue });
      // the store the dream pinned changes before any worker runs it
      await svc.createMemory(store.id, {
        path: '/note.md',
        content: 'Written after the dream was queued.\n',
      });
      worker = await startEmbeddedWorker(svc, { queue, schedules: false });
      const job = await until('the dead-letter state', 120_000, async () => {
        const j = await storageOf(svc).getJob({ dream_id: dream.id });
        return j?.state === 'dead_letter' && j;
      });
      expect(job).toMatchObject({ attempts: 1, max_attempts: 3, last_error: { type: 'conflict_error' } });
      expect(job.last_error!.message).toContain('changed between dream creation and run');
      const d = await svc.getDream(dream.id);
      expect(d.status).toBe('failed');
      expect(await svc.listChanges(dream.id)).toEqual([]);
      expect((await svc.listStores({ limit: 100 })).data).toHaveLength(1);
      // and it stays so: no later attempt
      await new Promise((r) => setTimeout(r, 1500));
      expect((await storageOf(svc).getJob({ dream_id: dream.id }))!.attempts).toBe(1);
    });

    it('a job whose every attempt lost its worker is dead-lettered and its dream failed, not left running', {
      timeout: 180_000,
    }, async () => {
      env = await backend.open({ maxAttempts: 1 });
      const { svc } = env;
      const ids = (await svc.importSessions([TAU])).session_ids;
      const store = await svc.createStore({ name: 'airline' });
      const queue = await env.queue();
      const { dream } = await enqueueDream(svc, { memory_store_id: store.id, session_ids: ids }, { queue });
      expect(await env.ghostClaim()).toBe(dream.id);
      worker = await startEmbeddedWorker(svc, { queue, schedules: false });
      const d = await until('the dream to end', 120_000, async () => {
        const x = await svc.getDream(dream.id);
        return x.status !== 'running' && x;
      });
      expect(d.status).toBe('failed');
      expect(d.error?.type).toBe('worker_lost');
      const job = await storageOf(svc).getJob({ dream_id: dream.id });
      expect(job).toMatchObject({ state: 'dead_letter', last_error: { type: 'worker_lost' } });
      expect((await svc.listStores({ limit: 100 })).data).toHaveLength(1);
    });

    it('cancel of a running queued dream ends canceled with nothing applied', {
      timeout: 180_000,
    }, async () => {
      const { engine } = countingEngine(25);
      env = await backend.open({ engines: { offline: engine } });
      const { svc } = env;
      const review = new ReviewService(svc);
      const ids = (await svc.importSessions([TAU])).session_ids;
      const queue = await env.queue();
      worker = await startEmbeddedWorker(svc, { queue, schedules: false });
      const run = async (cancel: boolean) => {
        const store = await svc.createStore({ name: cancel ? 'canceled' : 'control' });
        await review.setPolicy(store.id, { auto_apply: { additions_min_support: 2 } });
        const { dream } = await enqueueDream(
          svc,
          {
            memory_store_id: store.id,
            session_ids: ids,
            output_behavior: { type: 'update_existing', memory_store_id: store.id },
          },
          { queue, apply: 'auto' },
        );
        if (cancel) {
          await until('the dream to run', 30_000, async () => {
            const d = await svc.getDream(dream.id);
            return d.status === 'running' && d.progress?.phase === 'gather';
          });
          await svc.cancelDream(dream.id);
        }
        await until('the job to end', 120_000, async () => {
          const j = await storageOf(svc).getJob({ dream_id: dream.id });
          return (j?.state === 'completed' || j?.state === 'canceled') && j;
        });
        return { dream: await svc.getDream(dream.id), store: store.id };
      };
      // canceled first, while the gather cache is cold (each session load takes 25 ms)
      const canceled = await run(true);
      expect(canceled.dream.status).toBe('canceled');
      expect(await svc.listChanges(canceled.dream.id)).toEqual([]);
      expect(await svc.snapshot(canceled.store)).toEqual([]);
      expect((await svc.listVersions(canceled.store, { limit: 10 })).data).toEqual([]);
      expect((await storageOf(svc).getJob({ dream_id: canceled.dream.id }))?.state).toBe('canceled');
      // the control: without a cancel, automatic mode applies memories to such a store
      const control = await run(false);
      expect(control.dream.status).toBe('completed');
      expect((await svc.snapshot(control.store)).length).toBeGreaterThan(0);
    });

    it('two workers and 8 queued dreams on 8 stores: each dream runs exactly once', {
      timeout: 90_000,
    }, async () => {
      const { engine, stats } = countingEngine(2);
      env = await backend.open({ engines: { offline: engine } });
      const { svc } = env;
      const ids = (await svc.importSessions([TAU])).session_ids;
      const queue = await env.queue();
      const dreamIds: string[] = [];
      for (let i = 0; i < 8; i++) {
        const store = await svc.createStore({ name: `team ${i}` });
        const input = { memory_store_id: store.id, session_ids: ids.slice(i * 10, i * 10 + 20) };
        dreamIds.push((await enqueueDream(svc, input, { queue })).dream.id);
      }
      worker = await startEmbeddedWorker(svc, { queue, schedules: false, concurrency: 2, worker_id: 'one' });
      const second = await startEmbeddedWorker(svc, {
        queue: await env.queue(),
        schedules: false,
        concurrency: 2,
        worker_id: 'two',
      });
      try {
        const jobs = await until('8 completed jobs', 150_000, async () => {
          const js = await storageOf(svc).listJobs({ dream_ids: dreamIds });
          return js.every((j) => j.state === 'completed') && js;
        });
        expect(jobs.map((j) => j.attempts)).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
        expect(stats.runs).toBe(8);
        const dreams = await Promise.all(dreamIds.map((id) => svc.getDream(id)));
        expect(dreams.every((d) => d.status === 'completed' && d.outputs.length === 1)).toBe(true);
        expect((await svc.listStores({ limit: 100 })).data).toHaveLength(16);
      } finally {
        await second.stop();
      }
    });

    it('update_existing dreams of one store never run at once; create_new dreams do', {
      timeout: 90_000,
    }, async () => {
      const { engine, stats } = countingEngine(3);
      env = await backend.open({ engines: { offline: engine } });
      const { svc } = env;
      const ids = (await svc.importSessions([TAU])).session_ids;
      const store = await svc.createStore({ name: 'airline' });
      const queue = await env.queue();
      const enqueue = async (update: boolean) =>
        (
          await enqueueDream(
            svc,
            {
              memory_store_id: store.id,
              session_ids: ids,
              output_behavior: update ? { type: 'update_existing', memory_store_id: store.id } : undefined,
            },
            { queue },
          )
        ).dream.id;
      const allDone = (dreamIds: string[]) =>
        until('the dreams to complete', 150_000, async () => {
          const ds = await Promise.all(dreamIds.map((id) => svc.getDream(id)));
          return ds.every((d) => d.status === 'completed') && ds;
        });
      const updates = [await enqueue(true), await enqueue(true), await enqueue(true)];
      worker = await startEmbeddedWorker(svc, { queue, schedules: false, concurrency: 3 });
      await allDone(updates);
      expect(stats).toMatchObject({ runs: 3, max_active: 1 });

      stats.max_active = 0;
      // each create_new dream outlasts the queue's polling interval (1 s), so that one enqueued while
      // another runs is taken before that one ends: without it a quick dream could end first, and the
      // check would measure timing rather than the queue's rule (seen once in CI)
      stats.hold_ms = 3_000;
      const creates = [await enqueue(false), await enqueue(false), await enqueue(false)];
      await allDone(creates);
      expect(stats.runs).toBe(6);
      expect(stats.max_active).toBeGreaterThan(1);
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `q` with its handler wrapped: counts the attempts of dream jobs (on pg-boss each one is a pg-boss
 * job: a deferral sends a new one) and holds every gather batch until `release()`.
 */
function heldGather(q: JobQueue) {
  const seen = { dream_attempts: 0, batch_started_at: 0 };
  let release = () => {};
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const queue = wrapHandler(q, (h) => async (a) => {
    if (a.job.kind === 'dream') seen.dream_attempts++;
    else {
      seen.batch_started_at ||= Date.now();
      await gate;
    }
    return h(a);
  });
  releaseHeld = () => release();
  return { queue, seen, release: () => release() };
}

for (const backend of QUEUE_BACKENDS) {
  describeWithData(`a dream waiting for its gather batches (τ-bench airline, ${backend.name})`, () => {
    const start = async (fanOut: { pollMs: number; maxPollMs: number }) => {
      env = await backend.open();
      const { svc } = env;
      const ids = (await svc.importSessions([TAU])).session_ids;
      const store = await svc.createStore({ name: 'airline' });
      const raw = await env.queue();
      const held = heldGather(raw);
      const enqueuedAt = Date.now();
      const { dream } = await enqueueDream(
        svc,
        { memory_store_id: store.id, session_ids: ids },
        { queue: raw },
      );
      worker = await startEmbeddedWorker(svc, {
        queue: held.queue,
        schedules: false,
        concurrency: 2,
        fanOut: { minSessions: 50, batchSize: 100, ...fanOut },
      });
      await until('its gather batch to start', 60_000, async () => held.seen.batch_started_at > 0);
      const completed = () =>
        until('the dream job to complete', 60_000, async () => {
          const j = await storageOf(svc).getJob({ dream_id: dream.id });
          return j?.state === 'completed' && j;
        });
      return { svc, dream, held, completed, enqueuedAt };
    };

    it('checks its batches with a growing delay: a few attempts (pg-boss jobs) while it waits, not one per poll', {
      timeout: 180_000,
    }, async () => {
      const pollMs = 100;
      const { held, completed, enqueuedAt } = await start({ pollMs, maxPollMs: 600_000 });
      await sleep(15_000);
      const waited = Date.now() - enqueuedAt;
      const attempts = held.seen.dream_attempts;
      held.release();
      await completed();
      // checks come at least pollMs apart, and 1.5× as long after the batch was queued as the one before
      // once that is 3·pollMs: at most 4 + log₁.₅(waited / 3·pollMs) of them (a check every pollMs: ~150;
      // on pg-boss, polling every 0.5 s, ~30)
      const bound = 4 + Math.ceil(Math.log(waited / (3 * pollMs)) / Math.log(1.5));
      expect(attempts).toBeGreaterThanOrEqual(2);
      expect(attempts).toBeLessThanOrEqual(bound);
      expect(held.seen.dream_attempts).toBeLessThanOrEqual(attempts + 2);
    });

    it('is woken by the worker that ends its last batch, not at its next check (10 minutes away)', {
      timeout: 180_000,
    }, async () => {
      const { svc, dream, held, completed } = await start({ pollMs: 600_000, maxPollMs: 600_000 });
      await until('the dream job to be deferred', 60_000, async () => {
        const j = await storageOf(svc).getJob({ dream_id: dream.id });
        return j?.state === 'queued' && held.seen.dream_attempts === 1;
      });
      held.release();
      const job = await completed();
      expect(job.attempts).toBe(1);
      expect(held.seen.dream_attempts).toBe(2);
      expect((await svc.getDream(dream.id)).stats).toMatchObject({ cache_hits: 100, cache_misses: 0 });
    });
  });
}

for (const backend of QUEUE_BACKENDS) {
  describeWithData(`gather batches and their sessions (τ-bench airline, ${backend.name})`, () => {
    it('a gather batch reads only its own sessions, and the batched dream proposes what the unbatched one does', {
      timeout: 180_000,
    }, async () => {
      const expected = (await unbatchedTauDream(backend)).proposals;
      expect(expected.length).toBeGreaterThan(3);

      env = await backend.open();
      // every session read, with the job whose attempt made it (one attempt at a time: concurrency 1)
      const reads: { job: DreamJob | null; ids: string[] }[] = [];
      let current: DreamJob | null = null;
      const storage = env.storage;
      const recording = new Proxy(storage, {
        get(target, key) {
          if (key === 'getSessions')
            return async (ids: string[]) => {
              reads.push({ job: current, ids: [...ids] });
              return target.getSessions(ids);
            };
          const v = Reflect.get(target, key, target);
          return typeof v === 'function' ? v.bind(target) : v;
        },
      });
      const svc = new Reverie({ storage: recording });
      const ids = (await svc.importSessions([TAU])).session_ids;
      // τ-bench sessions carry their user's id (quoted in the transcripts): the redactor hides them all
      const users = [...new Set((await storage.getSessions(ids)).map((s) => s.user_id ?? ''))].sort();
      expect(users.length).toBeGreaterThan(10);
      expect(users).not.toContain('');
      const store = await svc.createStore({ name: 'airline' });
      const raw = await env.queue();
      const queue = wrapHandler(raw, (h) => async (a) => {
        current = a.job;
        try {
          return await h(a);
        } finally {
          current = null;
        }
      });
      const { dream } = await enqueueDream(
        svc,
        { memory_store_id: store.id, session_ids: ids },
        { queue: raw },
      );
      worker = await startEmbeddedWorker(svc, {
        queue,
        schedules: false,
        fanOut: { minSessions: 50, batchSize: 32, pollMs: 200 },
      });
      await until('the dream job to complete', 150_000, async () => {
        const j = await storage.getJob({ dream_id: dream.id });
        return j?.state === 'completed';
      });
      const batchReads = reads.filter((r) => r.job?.kind === 'dream.gather');
      expect(new Set(batchReads.map((r) => r.job?.id)).size).toBe(4);
      for (const r of batchReads) {
        const own = new Set(r.job?.batch?.session_ids);
        expect(r.ids.filter((id) => !own.has(id))).toEqual([]);
      }
      const batches = await storage.listJobs({ dream_ids: [dream.id], kinds: ['dream.gather'] });
      expect(batches.map((b) => [b.state, b.batch?.session_ids.length, b.batch?.user_ids])).toEqual([
        ['completed', 32, users],
        ['completed', 32, users],
        ['completed', 32, users],
        ['completed', 4, users],
      ]);
      expect((await svc.getDream(dream.id)).stats).toMatchObject({ cache_hits: 100, cache_misses: 0 });
      expect((await svc.listChanges(dream.id)).map(proposal)).toEqual(expected);
    });
  });
}
