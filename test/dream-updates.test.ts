/**
 * `updateDream` writes only the fields it is given, so a throttled, fire-and-forget progress write
 * that read the dream before another writer completed it cannot put the dream back to `running`
 * (seen as dreams stuck in `running` under `reverie serve`).
 */
import { describe, expect, it } from 'vitest';
import { DIALECTS } from './dialects.js';
import { newTestDream, newTestStore } from './storage-fixtures.js';

const dream = (storeId: string) => newTestDream(storeId, 'running');

describe.each(DIALECTS)('updateDream ($name)', (dialect) => {
  it('a progress write racing the completing transaction leaves the dream completed', async () => {
    const s = await dialect.open();
    try {
      const store = newTestStore();
      await s.insertStore(store);
      const d = dream(store.id);
      await s.insertDream(d);
      const progress = s.updateDream(d.id, { progress: { phase: 'gather', done: 3, total: 10 } });
      const complete = s.transaction((tx) =>
        tx.updateDream(d.id, {
          status: 'completed',
          ended_at: new Date().toISOString(),
          progress: { phase: 'done', done: 1, total: 1 },
        }),
      );
      await Promise.all([progress, complete]);
      const after = await s.getDream(d.id);
      expect(after?.status).toBe('completed');
      expect(after?.ended_at).not.toBeNull();
      expect(after?.progress).toEqual({ phase: 'done', done: 1, total: 1 });
    } finally {
      await s.close();
    }
  });
});
