/**
 * A store's schedule fires by itself: a running worker (with an injected clock) queues and runs a dream
 * once enough sessions are attached to the store, in automatic mode with 20% held back for the
 * do-no-harm check; the hour trigger waits for the clock. Embedded queue, and pg-boss when
 * REVERIE_TEST_PG_URL is set.
 */
import { afterEach, expect, it } from 'vitest';
import { Worker } from '../src/schedule/index.js';
import {
  attachSessions,
  evaluateSchedules,
  Reverie,
  setSchedule,
  showSchedule,
  startEmbeddedWorker,
  workerHost,
} from '../src/service/index.js';
import { storageOf } from '../src/service/internal.js';
import { ReviewService } from '../src/service/review-service.js';
import type { Storage } from '../src/storage/index.js';
import { describeWithData, TAU } from './data.js';
import { QUEUE_BACKENDS, type QueueEnv, until } from './queues.js';

let env: QueueEnv | null = null;
let worker: Worker | null = null;
/** Lets a worker held in its automatic apply go on (so that a failed test still stops it). */
let release = () => {};
afterEach(async () => {
  release();
  await worker?.stop();
  worker = null;
  await env?.close();
  env = null;
});

const HOUR = 3_600_000;

for (const backend of QUEUE_BACKENDS) {
  describeWithData(`schedules (τ-bench airline, ${backend.name})`, () => {
    it('fires by itself once enough sessions arrive, applies through the gate, then waits for min_hours', {
      timeout: 240_000,
    }, async () => {
      env = await backend.open();
      const { svc } = env;
      let clock = Date.now();
      const ids = (await svc.importSessions([TAU])).session_ids;
      const store = await svc.createStore({ name: 'airline' });
      await new ReviewService(svc).setPolicy(store.id, { auto_apply: { additions_min_support: 2 } });
      await setSchedule(svc, store.id, { min_new_sessions: 50, min_hours: 24, apply: 'auto' });
      const queue = await env.queue();
      worker = await startEmbeddedWorker(svc, { queue, scheduleEveryMs: 50, now: () => clock });
      const dreams = async () => (await svc.listDreams({ memory_store_id: store.id })).data;

      await attachSessions(svc, store.id, ids.slice(0, 30));
      await new Promise((r) => setTimeout(r, 400)); // several evaluations
      expect(await dreams()).toEqual([]);
      expect((await showSchedule(svc, store.id, clock)).why).toBe('30 of 50 new sessions');

      await attachSessions(svc, store.id, ids.slice(30));
      /** The store's newest dream, once its job (run and automatic apply) has ended. */
      const ended = (n: number) =>
        until(`scheduled dream ${n} and its job to end`, 150_000, async () => {
          const ds = await dreams();
          const j = ds.length === n && (await storageOf(svc).getJob({ dream_id: ds[0]!.id }));
          return j && j.state === 'completed' && ds[0]!;
        });
      const first = await ended(1);
      expect(first.status).toBe('completed');
      expect(first.inputs[1].session_ids).toHaveLength(80);
      expect(first.probe_session_ids).toHaveLength(20);
      expect(first.check?.verdict).toBe('pass');
      const job = await storageOf(svc).getJob({ dream_id: first.id });
      expect(job).toMatchObject({ state: 'completed', apply: 'auto' });
      const changes = await svc.listChanges(first.id);
      const applied = changes.filter((c) => c.status === 'applied');
      expect(applied.length).toBeGreaterThan(0);
      expect((await svc.snapshot(store.id)).map((m) => m.path).sort()).toEqual(
        applied.map((c) => c.to_path ?? c.path).sort(),
      );
      const shown = await showSchedule(svc, store.id, clock);
      expect(shown.schedule.last_dream_id).toBe(first.id);

      // the next dream takes the 20 held-back probes; with min_new_sessions 10 only min_hours holds it back
      await setSchedule(svc, store.id, { min_new_sessions: 10 });
      await new Promise((r) => setTimeout(r, 400));
      expect(await dreams()).toHaveLength(1);
      expect((await showSchedule(svc, store.id, clock)).why).toMatch(/of 24 hours since the last dream$/);
      clock += 25 * HOUR;
      const second = await ended(2);
      expect(second.status).toBe('completed');
      expect([...second.inputs[1].session_ids, ...(second.probe_session_ids ?? [])].sort()).toEqual(
        [...(first.probe_session_ids ?? [])].sort(),
      );
      await new Promise((r) => setTimeout(r, 400));
      expect(await dreams()).toHaveLength(2); // fired once, not on every evaluation
    });
  });
}

/**
 * The storage `s` with one interleaving forced: right after the first read of a store's completed
 * dreams (the scheduler counting new sessions), `between()` runs, as a worker committing meanwhile would.
 */
function withCommitAfterDreamRead(s: Storage, between: () => Promise<void>): Storage {
  let armed = true;
  return new Proxy(s, {
    get(target, key) {
      const v = Reflect.get(target, key, target);
      if (key !== 'listDreams') return typeof v === 'function' ? v.bind(target) : v;
      return async (...args: Parameters<Storage['listDreams']>) => {
        const page = await target.listDreams(...args);
        if (armed && args[0]?.statuses?.includes('completed')) {
          armed = false;
          await between();
        }
        return page;
      };
    },
  });
}

/**
 * The set-up of the dream-end race tests: τ-bench imported into a fresh `backend`, a store with 40 of its
 * sessions attached and a schedule firing at one new session with automatic apply (under `autoApply`,
 * when given), evaluated once. @returns the service, store, queue and what that evaluation fired.
 */
async function firstFiring(
  backend: (typeof QUEUE_BACKENDS)[number],
  autoApply?: { additions_min_support: number },
) {
  env = await backend.open();
  const { svc } = env;
  const ids = (await svc.importSessions([TAU])).session_ids;
  const store = await svc.createStore({ name: 'airline' });
  if (autoApply) await new ReviewService(svc).setPolicy(store.id, { auto_apply: autoApply });
  await setSchedule(svc, store.id, { min_new_sessions: 1, apply: 'auto' });
  await attachSessions(svc, store.id, ids.slice(0, 40));
  const queue = await env.queue();
  const [fired] = await evaluateSchedules(svc, { queue });
  return { svc, store, queue, fired };
}

for (const backend of QUEUE_BACKENDS) {
  describeWithData(`schedule evaluation around a dream's end (τ-bench airline, ${backend.name})`, () => {
    it('a completed dream whose job still applies it holds the next firing back until the job ends', {
      timeout: 120_000,
    }, async () => {
      const { svc, store, queue, fired } = await firstFiring(backend, { additions_min_support: 2 });
      expect(fired).toBeDefined();
      // a worker whose automatic apply waits for the test: the dream completes, its job has not ended
      const gate = new Promise<void>((r) => {
        release = r;
      });
      const host = workerHost(svc);
      let applying = false;
      const gated = {
        ...host,
        autoApply: async (id: string) => {
          applying = true;
          await gate;
          return host.autoApply(id);
        },
      };
      worker = new Worker(gated, queue, { scheduleEveryMs: 0 });
      await worker.start();
      await until('the first dream completed, its job applying', 60_000, async () => applying);
      const first = await svc.getDream(fired!.dream_id);
      expect(first.status).toBe('completed');
      expect(first.probe_session_ids).toHaveLength(8);
      expect((await storageOf(svc).getJob({ dream_id: fired!.dream_id }))?.state).toBe('active');
      // its 8 held-back probes are new sessions (min 1), but the store is about to change: nothing fires
      expect(await evaluateSchedules(svc, { queue })).toEqual([]);
      expect((await showSchedule(svc, store.id)).why).toBe(
        `its previous dream ${fired!.dream_id} has not ended`,
      );
      release();
      await until('the first job to end', 60_000, async () => {
        const j = await storageOf(svc).getJob({ dream_id: fired!.dream_id });
        return j?.state === 'completed';
      });
      const [next] = await evaluateSchedules(svc, { queue });
      expect(next).toBeDefined();
      const second = await until('the second dream to end', 60_000, async () => {
        const d = await svc.getDream(next!.dream_id);
        const j = await storageOf(svc).getJob({ dream_id: next!.dream_id });
        return j && ['completed', 'dead_letter'].includes(j.state) && d;
      });
      expect(second.status).toBe('completed'); // it pinned the store after the first apply
      expect((await svc.listDreams({ memory_store_id: store.id })).data).toHaveLength(2);
    });

    it('a dream that ends while the schedule counts new sessions does not fire it again', {
      timeout: 120_000,
    }, async () => {
      const { svc, store, queue, fired } = await firstFiring(backend);
      const dreamId = fired!.dream_id;
      // the dream and its job end right after the scheduler read the store's completed dreams (none yet)
      const racing = new Reverie({
        storage: withCommitAfterDreamRead(storageOf(svc), async () => {
          await svc.runner.run(dreamId);
          const job = (await storageOf(svc).getJob({ dream_id: dreamId }))!;
          await storageOf(svc).updateJob(job.id, { state: 'completed' });
        }),
      });
      expect(await evaluateSchedules(racing, { queue })).toEqual([]);
      expect((await svc.getDream(dreamId)).status).toBe('completed');
      expect((await svc.listDreams({ memory_store_id: store.id })).data).toHaveLength(1);
    });
  });
}

describeWithData('sessions attached to a store (τ-bench airline)', () => {
  it('a dream of a store with attached sessions takes only those; a store with none takes all new ones', async () => {
    env = await QUEUE_BACKENDS[0]!.open();
    const { svc } = env;
    const ids = (await svc.importSessions([TAU])).session_ids;
    const team = await svc.createStore({ name: 'team' });
    const other = await svc.createStore({ name: 'other' });
    await attachSessions(svc, team.id, ids.slice(0, 30));
    const d = await svc.createDream({ memory_store_id: team.id });
    expect([...d.inputs[1].session_ids].sort()).toEqual(ids.slice(0, 30).sort());
    expect((await svc.createDream({ memory_store_id: other.id })).inputs[1].session_ids).toHaveLength(100);
    await expect(attachSessions(svc, team.id, ['sesn_NOPE'])).rejects.toMatchObject({
      type: 'not_found_error',
    });
    // deleting the store removes its schedule and attachments (the sessions stay)
    await setSchedule(svc, team.id, { min_new_sessions: 5 });
    await svc.deleteStore(team.id);
    expect(await storageOf(svc).getSchedules()).toEqual([]);
    expect(await storageOf(svc).storeSessions(team.id)).toEqual([]);
    expect((await svc.listSessions({ limit: 1000 })).data).toHaveLength(100);
  });
});
