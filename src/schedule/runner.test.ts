import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeWithData, TAU } from '../../test/data.js';
import { DIALECTS } from '../../test/dialects.js';
import { createOfflineEngine, type DreamEngine, LlmDreamError } from '../dream/index.js';
import { Reverie } from '../service/reverie.js';
import type { Storage } from '../storage/index.js';
import { DreamCanceledError } from './runner.js';

/** The offline engine with `delayMs` added to every session's event load, and a hook after it returns. */
function slowEngine(delayMs: number, after?: () => Promise<void>): DreamEngine {
  const real = createOfflineEngine();
  return {
    id: 'offline',
    version: `${real.version}+slow`,
    async run(req, hooks) {
      const sessions = req.sessions.map((s) => ({
        ...s,
        loadEvents: async () => {
          await new Promise((r) => setTimeout(r, delayMs));
          return s.loadEvents();
        },
      }));
      const out = await real.run({ ...req, sessions }, hooks);
      await after?.();
      return out;
    },
  };
}

for (const dialect of DIALECTS) {
  describeWithData(`dream runner: cancel (τ-bench airline, ${dialect.name})`, () => {
    let storage: Storage;
    let sessionIds: string[];
    beforeEach(async () => {
      storage = await dialect.open();
      sessionIds = (await new Reverie({ storage }).importSessions([TAU])).session_ids;
    });
    afterEach(async () => {
      await storage.close();
    });

    /** Nothing of the dream was stored: no change, no output store, status canceled without error. */
    async function expectNothingStored(svc: Reverie, dreamId: string, storesBefore: number) {
      const d = await svc.getDream(dreamId);
      expect(d.status).toBe('canceled');
      expect(d.error).toBeNull();
      expect(d.outputs).toEqual([]);
      expect(await svc.listChanges(dreamId)).toEqual([]);
      expect((await svc.listStores({ limit: 1000 })).data).toHaveLength(storesBefore);
    }

    it('a cancel during gather stops the run at the next session and stores nothing', async () => {
      const svc = new Reverie({ storage, engines: { offline: slowEngine(5) } });
      const store = await svc.createStore({ name: 'airline' });
      const dream = await svc.createDream({ memory_store_id: store.id, session_ids: sessionIds });
      let gathered = 0;
      const run = svc.runDream(dream.id, {
        onProgress: (p) => {
          if (p.phase === 'gather' && p.done === 3) void svc.cancelDream(dream.id);
          if (p.phase === 'gather') gathered = p.done;
        },
      });
      await expect(run).rejects.toBeInstanceOf(DreamCanceledError);
      expect(gathered).toBeLessThan(sessionIds.length);
      await expectNothingStored(svc, dream.id, 1);
    });

    it('a cancel from another service instance (another process) reaches the running dream', async () => {
      const svc = new Reverie({ storage, engines: { offline: slowEngine(20) } });
      const other = new Reverie({ storage });
      const store = await svc.createStore({ name: 'airline' });
      const dream = await svc.createDream({ memory_store_id: store.id, session_ids: sessionIds });
      let canceledAt = -1;
      let lastDone = 0;
      const run = svc.runDream(dream.id, {
        onProgress: (p) => {
          if (p.phase !== 'gather') return;
          lastDone = p.done;
          if (p.done === 2 && canceledAt < 0) {
            canceledAt = p.done;
            void other.cancelDream(dream.id);
          }
        },
      });
      await expect(run).rejects.toBeInstanceOf(DreamCanceledError);
      // the runner polls the stored status every 500 ms; at 20 ms a session it stops well before 100
      expect(lastDone).toBeLessThan(sessionIds.length);
      await expectNothingStored(svc, dream.id, 1);
    });

    it('a cancel that lands after the engine finished still wins over completion (nothing stored)', async () => {
      let other: Reverie | null = null;
      let dreamId = '';
      const svc = new Reverie({
        storage,
        engines: { offline: slowEngine(0, async () => void (await other!.cancelDream(dreamId))) },
      });
      other = new Reverie({ storage });
      const store = await svc.createStore({ name: 'airline' });
      dreamId = (await svc.createDream({ memory_store_id: store.id, session_ids: sessionIds })).id;
      await expect(svc.runDream(dreamId)).rejects.toBeInstanceOf(DreamCanceledError);
      await expectNothingStored(svc, dreamId, 1);
      await expect(svc.cancelDream(dreamId)).resolves.toMatchObject({ status: 'canceled' });
    });

    it('an LLM dream failing while another process cancels it stays canceled, its partial output not stored', async () => {
      // the cancel lands after the runner saw the dream running and before it stores the failure: the
      // storage cancels the dream (as another process would) at the start of the next transaction
      let cancelFirst = false;
      let dreamId = '';
      const racing = new Proxy(storage, {
        get(target, key) {
          const v = Reflect.get(target, key, target);
          if (key !== 'transaction') return typeof v === 'function' ? v.bind(target) : v;
          return async <T>(fn: (tx: Storage) => Promise<T>) => {
            if (cancelFirst) {
              cancelFirst = false;
              await target.updateDreamIf(dreamId, ['running'], { status: 'canceled' });
            }
            return target.transaction(fn);
          };
        },
      });
      const offline = createOfflineEngine();
      const failing: DreamEngine = {
        id: 'llm',
        version: 'failing',
        async run(req, hooks) {
          const partial = await offline.run(req, hooks);
          cancelFirst = true;
          throw new LlmDreamError('api_error', 'the model failed (api_error)', partial);
        },
      };
      const svc = new Reverie({ storage: racing, engines: { llm: failing } });
      const store = await svc.createStore({ name: 'airline' });
      const dream = await svc.createDream({
        memory_store_id: store.id,
        session_ids: sessionIds,
        model: 'claude-test',
      });
      dreamId = dream.id;
      expect(dream.engine).toBe('llm');
      await expect(svc.runDream(dream.id)).rejects.toBeInstanceOf(DreamCanceledError);
      expect(cancelFirst).toBe(false); // the race was staged
      await expectNothingStored(svc, dream.id, 1);
    });

    it('without a cancel the same run completes, and a completed dream cannot be canceled', async () => {
      const svc = new Reverie({ storage, engines: { offline: slowEngine(0) } });
      const store = await svc.createStore({ name: 'airline' });
      const dream = await svc.dream({ memory_store_id: store.id, session_ids: sessionIds });
      expect(dream.status).toBe('completed');
      expect((await svc.listChanges(dream.id)).length).toBeGreaterThan(0);
      await expect(svc.cancelDream(dream.id)).rejects.toMatchObject({ type: 'invalid_request_error' });
      await expect(svc.runDream(dream.id)).rejects.toMatchObject({ type: 'conflict_error' });
    });
  });
}
