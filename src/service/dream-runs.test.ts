import { describe, expect, it } from 'vitest';
import { TAU } from '../../test/data.js';
import { openSqliteStorage } from '../storage/index.js';
import { settleDreamRuns, startDream, stopDreamRuns } from './dream-runs.js';
import { Reverie } from './reverie.js';

describe('background dream runs', () => {
  it('runs a started dream to completed; stopping the server cancels a run instead of leaving it running', async () => {
    const svc = new Reverie({ storage: await openSqliteStorage(':memory:') });
    const ids = (await svc.importSessions([TAU])).session_ids;
    const store = await svc.createStore({ name: 'runs' });
    const input = { memory_store_id: store.id, session_ids: ids, model: { id: 'reverie-offline' } };

    const done = await startDream(svc, input);
    expect(done.status).toBe('pending');
    await settleDreamRuns();
    expect((await svc.getDream(done.id)).status).toBe('completed');

    const stopped = await startDream(svc, input);
    expect(await stopDreamRuns()).toBe(1);
    const d = await svc.getDream(stopped.id);
    expect(d.status).toBe('canceled');
    expect(d.ended_at).not.toBeNull();
    expect(await stopDreamRuns()).toBe(0);
    await svc.close();
  });
});
