/**
 * A store's schedule fires by itself: a running worker (with an injected clock) queues and runs a dream
 * once enough sessions are attached to the store, in automatic mode with 20% held back for the
 * do-no-harm check; the hour trigger waits for the clock. Embedded queue, and pg-boss when
 * REVERIE_TEST_PG_URL is set.
 */
import { afterEach, expect, it } from 'vitest';
import type { Worker } from '../src/schedule/index.js';
import { attachSessions, setSchedule, showSchedule, startEmbeddedWorker } from '../src/service/index.js';
import { storageOf } from '../src/service/internal.js';
import { ReviewService } from '../src/service/review-service.js';
import { describeWithData, TAU } from './data.js';
import { QUEUE_BACKENDS, type QueueEnv, until } from './queues.js';

let env: QueueEnv | null = null;
let worker: Worker | null = null;
afterEach(async () => {
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
