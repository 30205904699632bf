/**
 * A big dream's gather phase fanned out per batch of sessions across workers (issue 10 scope 4), on the
 * embedded queue and (REVERIE_TEST_PG_URL) on PostgreSQL and pg-boss: the batched dream's change set is
 * the unbatched dream's; a batch whose worker died is retried; cancel stops the batches not yet run.
 * Thresholds are lowered (the default fans out past 500 sessions) so that τ-bench's 100 sessions make
 * several batches.
 */
import { afterEach, expect, it } from 'vitest';
import { gatherCacheKey, OFFLINE_ENGINE_VERSION } from '../src/dream/index.js';
import { type JobQueue, runGatherBatch, type Worker, wakeGatheredDream } from '../src/schedule/index.js';
import { enqueueDream, startEmbeddedWorker } from '../src/service/index.js';
import { storageOf } from '../src/service/internal.js';
import { describeWithData, TAU } from './data.js';
import { proposal, QUEUE_BACKENDS, type QueueEnv, unbatchedTauDream, until, wrapHandler } from './queues.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A queue whose handler waits `ms` before each gather batch (a slower machine), else the same queue. */
function slowGather(q: JobQueue, ms: number): JobQueue {
  return wrapHandler(q, (h) => async (a) => {
    if (a.job.kind === 'dream.gather') await sleep(ms);
    return h(a);
  });
}

const envs: QueueEnv[] = [];
let worker: Worker | null = null;
afterEach(async () => {
  await worker?.stop();
  worker = null;
  for (const e of envs.splice(0)) await e.close();
});

for (const backend of QUEUE_BACKENDS) {
  describeWithData(`gather fan-out (τ-bench airline, ${backend.name})`, () => {
    it('a dream of 4 gather batches gives the same change set as the unbatched dream', {
      timeout: 180_000,
    }, async () => {
      // the unbatched dream, in the foreground on a fresh database (cold gather cache)
      const { proposals: expected, session_ids: plainIds } = await unbatchedTauDream(backend);
      expect(expected.length).toBeGreaterThan(3);

      const env = await backend.open();
      envs.push(env);
      const { svc } = env;
      const ids = (await svc.importSessions([TAU])).session_ids;
      expect([...ids].sort()).toEqual([...plainIds].sort());
      const store = await svc.createStore({ name: 'airline' });
      const queue = await env.queue();
      const { dream } = await enqueueDream(svc, { memory_store_id: store.id, session_ids: ids }, { queue });
      worker = await startEmbeddedWorker(svc, {
        queue,
        schedules: false,
        concurrency: 2,
        fanOut: { minSessions: 50, batchSize: 32, pollMs: 200 },
      });
      await until('the dream job to complete', 150_000, async () => {
        const j = await storageOf(svc).getJob({ dream_id: dream.id });
        return j?.state === 'completed';
      });
      const batches = await storageOf(svc).listJobs({ dream_ids: [dream.id], kinds: ['dream.gather'] });
      expect(batches.map((b) => [b.state, b.batch?.index, b.batch?.session_ids.length])).toEqual([
        ['completed', 0, 32],
        ['completed', 1, 32],
        ['completed', 2, 32],
        ['completed', 3, 4],
      ]);
      const done = await svc.getDream(dream.id);
      // consolidated once, from the cache the batches filled: the dream itself gathered nothing
      expect(done.stats).toMatchObject({ cache_hits: 100, cache_misses: 0 });
      expect((await svc.listChanges(dream.id)).map(proposal)).toEqual(expected);
    });

    it('a gather batch whose worker died is retried by another worker', {
      timeout: 180_000,
    }, async () => {
      const env = await backend.open();
      envs.push(env);
      const { svc, storage } = env;
      const ids = (await svc.importSessions([TAU])).session_ids;
      const store = await svc.createStore({ name: 'airline' });
      const dream = await svc.createDream({ memory_store_id: store.id, session_ids: ids });
      const batch = { index: 0, count: 1, session_ids: [...ids].sort().slice(0, 20) };
      const queue = await env.queue();
      const job = await queue.enqueue({
        kind: 'dream.gather',
        dream_id: dream.id,
        batch,
        workspace_id: storage.workspace_id,
        memory_store_id: store.id,
        singleton_key: `gather:${dream.id}:0`,
        apply: 'review',
      });
      await env.ghostClaim({ keepDream: true }); // takes the batch and dies at once
      worker = await startEmbeddedWorker(svc, { queue, schedules: false });
      const ended = await until('the batch to be gathered', 150_000, async () => {
        const j = await storage.getJob({ id: job.id });
        return j?.state === 'completed' && j;
      });
      expect(ended.attempts).toBe(2);
      const sessions = await storage.getSessions(batch.session_ids);
      const have = await storage.cacheHas(
        sessions.map((s) => gatherCacheKey(OFFLINE_ENGINE_VERSION, s.content_sha256)),
      );
      expect(have.size).toBe(new Set(sessions.map((s) => s.content_sha256)).size);
      expect((await svc.getDream(dream.id)).status).toBe('pending');
    });

    it('the last two batches ending at once wake the deferred dream', { timeout: 60_000 }, async () => {
      const env = await backend.open();
      envs.push(env);
      const { svc, storage } = env;
      const ids = (await svc.importSessions([TAU])).session_ids;
      const store = await svc.createStore({ name: 'airline' });
      const queue = await env.queue();
      const { dream } = await enqueueDream(svc, { memory_store_id: store.id, session_ids: ids }, { queue });
      const dreamJob = await storage.getJob({ dream_id: dream.id });
      const halves = [ids.slice(0, 50), ids.slice(50)];
      for (const [index, session_ids] of halves.entries())
        await queue.enqueue({
          kind: 'dream.gather',
          dream_id: dream.id,
          batch: { index, count: 2, session_ids, user_ids: [] },
          workspace_id: dreamJob?.workspace_id ?? '',
          memory_store_id: store.id,
          singleton_key: `gather:${dream.id}:${index}`,
          apply: 'review',
        });
      const fan = { storage, gatherVersion: async () => OFFLINE_ENGINE_VERSION };
      // both batches write their digests, then check for the other while it is still active, then end
      let written = 0;
      const wakes: boolean[] = [];
      let dreamRuns = 0;
      await queue.work(
        async ({ job }) => {
          if (job.kind !== 'dream.gather') return ++dreamRuns === 1 ? { defer_ms: 600_000 } : 'completed';
          await runGatherBatch(fan, job);
          written++;
          await until('both batches written', 20_000, async () => written === 2);
          wakes.push(await wakeGatheredDream(fan, queue, job));
          await until('both wake checks', 20_000, async () => wakes.length === 2);
          return 'completed';
        },
        { concurrency: 3 },
      );
      await until('both wake checks', 20_000, async () => wakes.length === 2);
      expect(wakes).toContain(true);
      await until('the dream job to run again', 30_000, async () => dreamRuns === 2);
    });

    it('cancel of a fanned-out dream stops its batches not yet run', {
      timeout: 180_000,
    }, async () => {
      const env = await backend.open();
      envs.push(env);
      const { svc } = env;
      const ids = (await svc.importSessions([TAU])).session_ids;
      const store = await svc.createStore({ name: 'airline' });
      const queue = slowGather(await env.queue(), 300);
      const { dream } = await enqueueDream(svc, { memory_store_id: store.id, session_ids: ids }, { queue });
      worker = await startEmbeddedWorker(svc, {
        queue,
        schedules: false,
        fanOut: { minSessions: 50, batchSize: 10, pollMs: 200 },
      });
      const gather = () => storageOf(svc).listJobs({ dream_ids: [dream.id], kinds: ['dream.gather'] });
      await until('a first batch to complete', 60_000, async () =>
        (await gather()).some((b) => b.state === 'completed'),
      );
      expect((await svc.getDream(dream.id)).progress?.phase).toBe('gather');
      await svc.cancelDream(dream.id);
      const job = await until('the dream job to end', 60_000, async () => {
        const j = await storageOf(svc).getJob({ dream_id: dream.id });
        return j?.state === 'canceled' && j;
      });
      expect(job.state).toBe('canceled');
      const batches = await until('every batch to end', 60_000, async () => {
        const bs = await gather();
        return bs.every((b) => b.state === 'completed' || b.state === 'canceled') && bs;
      });
      expect(batches).toHaveLength(10);
      const completed = batches.filter((b) => b.state === 'completed').length;
      expect(completed).toBeLessThan(5);
      expect((await svc.getDream(dream.id)).status).toBe('canceled');
      expect(await svc.listChanges(dream.id)).toEqual([]);
    });
  });
}

/**
 * Runs workspace A's fanned-out dream (10 batches of 10 sessions, each batch slowed by 300 ms) and,
 * once A's batches are queued, workspace B's small dream, on one worker with 2 slots.
 * @returns the order in which the worker started jobs: `A:gather` per batch, `B:dream` for B's dream.
 */
async function twoWorkspaces(backend: (typeof QUEUE_BACKENDS)[number], limit: number | null) {
  const env = await backend.open();
  envs.push(env);
  const a = env.svc;
  const b = a.forWorkspace('wrkspc_fair_b');
  const aIds = (await a.importSessions([TAU])).session_ids;
  const bIds = (await b.importSessions([TAU])).session_ids.slice(0, 20);
  const aStore = await a.createStore({ name: 'big team' });
  const bStore = await b.createStore({ name: 'small team' });
  const started: string[] = [];
  const raw = await env.queue();
  // the start of each job is recorded when the worker takes it (before the gather slow-down)
  const recorded = wrapHandler(raw, (h) => async (x) => {
    started.push(`${x.job.workspace_id === 'wrkspc_fair_b' ? 'B' : 'A'}:${x.job.kind}`);
    return h(x);
  });
  const queue = slowGather(recorded, 300);
  const big = await enqueueDream(a, { memory_store_id: aStore.id, session_ids: aIds }, { queue });
  worker = await startEmbeddedWorker(a, {
    queue,
    schedules: false,
    concurrency: 2,
    group_concurrency: limit,
    fanOut: { minSessions: 50, batchSize: 10, pollMs: 200 },
  });
  const gather = () => storageOf(a).listJobs({ dream_ids: [big.dream.id], kinds: ['dream.gather'] });
  await until("A's batches to be queued", 60_000, async () => (await gather()).length === 10);
  const small = await enqueueDream(b, { memory_store_id: bStore.id, session_ids: bIds }, { queue });
  await until("B's dream to complete", 120_000, async () => {
    return (await b.getDream(small.dream.id)).status === 'completed';
  });
  await until("A's dream to complete", 120_000, async () => {
    return (await a.getDream(big.dream.id)).status === 'completed';
  });
  expect((await gather()).every((j) => j.state === 'completed')).toBe(true);
  return started.filter((s) => s === 'A:dream.gather' || s === 'B:dream');
}

for (const backend of QUEUE_BACKENDS) {
  describeWithData(`per-workspace fairness (τ-bench airline, ${backend.name})`, () => {
    it("with one slot free, workspace B's small dream starts before workspace A's remaining batches drain", {
      timeout: 240_000,
    }, async () => {
      const fair = await twoWorkspaces(backend, 1);
      // at most one of A's jobs at a time: the second slot is B's as soon as B's dream is queued
      expect(fair.indexOf('B:dream')).toBeLessThan(fair.lastIndexOf('A:dream.gather'));
      expect(fair.filter((s) => s === 'A:dream.gather').length).toBeGreaterThanOrEqual(10);
      await worker?.stop();
      worker = null;
      // the control: without the limit both slots drain A's batches first (oldest first)
      const unfair = await twoWorkspaces(backend, null);
      expect(unfair.indexOf('B:dream')).toBeGreaterThan(unfair.lastIndexOf('A:dream.gather'));
    });
  });
}
