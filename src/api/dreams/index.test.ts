import { beforeAll, describe, expect, it } from 'vitest';
import { TAU } from '../../../test/data.js';
import { listDreamsWithJobs, settleDreamRuns, startEmbeddedWorker } from '../../service/index.js';
import { type ApiFixture, apiFixture } from '../core/test-client.js';
import { createApiApp } from '../index.js';

let f: ApiFixture;
let sessions: string[];
beforeAll(async () => {
  f = await apiFixture();
  const r = await f.svc.importSessions([TAU]);
  expect(r.totals.failed_files).toBe(0);
  sessions = r.session_ids;
  expect(sessions).toHaveLength(100);
});

async function poll(id: string) {
  for (let i = 0; i < 500; i++) {
    const d = (await f.call('GET', `/v1/dreams/${id}`)).body;
    if (!['pending', 'running'].includes(d.status)) return d;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`dream ${id} did not finish`);
}

const body = (store: string, ids: string[], extra: Record<string, unknown> = {}) => ({
  inputs: [
    { type: 'memory_store', memory_store_id: store },
    { type: 'sessions', session_ids: ids },
  ],
  model: 'reverie-offline',
  ...extra,
});

describe('/v1/dreams over the τ-bench airline sessions', () => {
  it('creates a pending dream, runs it in the background to completed with an output store of memories', async () => {
    const store = (await f.call('POST', '/v1/memory_stores', { name: 'airline' })).body.id;
    const ids = [...sessions].reverse();
    const c = await f.call('POST', '/v1/dreams', body(store, ids, { instructions: 'focus on tool errors' }));
    expect(c.status).toBe(200);
    expect(c.body).toMatchObject({
      type: 'dream',
      status: 'pending',
      outputs: [],
      model: { id: 'reverie-offline' },
      instructions: 'focus on tool errors',
      output_behavior: { type: 'create_new' },
      session_id: null,
      error: null,
      usage: {
        input_tokens: 0,
        output_tokens: 0,
        cache_read_input_tokens: 0,
        cache_creation_input_tokens: 0,
      },
    });
    expect(c.body.inputs[1].session_ids).toEqual([...sessions].sort());
    const done = await poll(c.body.id);
    expect(done.status).toBe('completed');
    expect(done.ended_at).toEqual(expect.any(String));
    expect(done.outputs).toEqual([
      { type: 'memory_store', memory_store_id: expect.stringMatching(/^memstore_/) },
    ]);
    const out = done.outputs[0].memory_store_id;
    const mems = await f.call('GET', `/v1/memory_stores/${out}/memories?path_prefix=/mistakes/&limit=100`);
    expect(mems.body.data.length).toBeGreaterThan(3);
    expect((await f.call('GET', `/v1/memory_stores/${out}/memories?depth=1`)).body.data).toContainEqual(
      expect.objectContaining({ type: 'memory', path: '/MEMORY.md' }),
    );
    expect(Object.keys(done).sort()).toEqual([
      'archived_at',
      'created_at',
      'ended_at',
      'error',
      'id',
      'inputs',
      'instructions',
      'model',
      'output_behavior',
      'outputs',
      'session_id',
      'status',
      'type',
      'usage',
    ]);

    const cancel = await f.call('POST', `/v1/dreams/${c.body.id}/cancel`);
    expect(cancel.status).toBe(400);
    const arch = await f.call('POST', `/v1/dreams/${c.body.id}/archive`);
    expect(arch.body.archived_at).toEqual(expect.any(String));
    expect((await f.call('POST', `/v1/dreams/${c.body.id}/archive`)).body.archived_at).toBe(
      arch.body.archived_at,
    );
    expect((await f.call('GET', '/v1/dreams')).body.data.map((d: { id: string }) => d.id)).not.toContain(
      c.body.id,
    );
    const withArchived = await f.call(
      'GET',
      '/v1/dreams?include_archived=true&statuses[]=completed&statuses[]=failed',
    );
    expect(withArchived.body.data.map((d: { id: string }) => d.id)).toContain(c.body.id);
    expect((await f.call('GET', '/v1/dreams?include_archived=true&statuses=running')).body.data).toEqual([]);
    expect(
      (await f.call('GET', '/v1/dreams?include_archived=true&created_at[gt]=2999-01-01T00:00:00Z')).body.data,
    ).toEqual([]);
  });

  it("takes the client's instruction files (reverie extension): a memory they already state is not proposed", async () => {
    const store = (await f.call('POST', '/v1/memory_stores', { name: 'airline-instructions' })).body.id;
    const agents =
      '# Booking\n\n- book_reservation: payment amount does not add up to the total price; check the amounts first.\n';
    const c = await f.call(
      'POST',
      '/v1/dreams',
      body(store, sessions, { instruction_files: [{ path: '/client/repo/AGENTS.md', content: agents }] }),
    );
    expect(c.status).toBe(200);
    expect(c.body).not.toHaveProperty('instruction_files');
    const done = await poll(c.body.id);
    expect(done.status).toBe('completed');
    const dream = await f.svc.getDream(c.body.id);
    expect(dream.stats.instruction_repeats_dropped).toBe(1);
    const changes = await f.svc.listChanges(c.body.id);
    expect(changes.some((ch) => /payment amount does not add up/.test(ch.after ?? ''))).toBe(false);
    expect(changes.some((ch) => /not enough seats/.test(ch.after ?? ''))).toBe(true);
    const bad = await f.call(
      'POST',
      '/v1/dreams',
      body(store, sessions, {
        instruction_files: Array.from({ length: 9 }, () => ({ path: '/a', content: '' })),
      }),
    );
    expect(bad.status).toBe(400);
  });

  it('with queueDreams, as `reverie serve` builds it, a created dream is a job that a worker runs', async () => {
    const app = createApiApp(f.svc, { queueDreams: true });
    const store = (await f.call('POST', '/v1/memory_stores', { name: 'queued-airline' })).body.id;
    const res = await app.request('/v1/dreams', {
      method: 'POST',
      headers: { 'x-api-key': f.key, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify(body(store, sessions.slice(0, 20))),
    });
    expect(res.status).toBe(200);
    const created = (await res.json()) as { id: string; status: string };
    expect(created.status).toBe('pending');
    // nobody runs it in this process: it waits on the queue for a worker
    await new Promise((r) => setTimeout(r, 200));
    const queued = (await listDreamsWithJobs(f.svc, { memory_store_id: store })).data;
    expect(queued.map((x) => [x.dream.id, x.dream.status, x.job?.state])).toEqual([
      [created.id, 'pending', 'queued'],
    ]);
    const worker = await startEmbeddedWorker(f.svc, { schedules: false });
    try {
      for (let i = 0; i < 600 && (await f.svc.getDream(created.id)).status !== 'completed'; i++)
        await new Promise((r) => setTimeout(r, 50));
    } finally {
      await worker.stop();
    }
    const done = (await listDreamsWithJobs(f.svc, { memory_store_id: store })).data;
    expect(done.map((x) => [x.dream.status, x.job?.state])).toEqual([['completed', 'completed']]);
    expect(done[0]!.dream.outputs).toHaveLength(1);
  });

  it('refuses what the hosted API refuses: unknown model, duplicate or missing sessions, bad inputs; 409 while a store is held', async () => {
    const store = (await f.call('POST', '/v1/memory_stores', { name: 'rules' })).body.id;
    const two = sessions.slice(0, 2);
    const model = await f.call('POST', '/v1/dreams', body(store, two, { model: 'claude-opus-5' }));
    expect(model.status).toBe(400);
    expect(model.body.error.message).toContain('reverie-offline');
    const dup = await f.call('POST', '/v1/dreams', body(store, [two[0], two[0]]));
    expect(dup.status).toBe(400);
    expect(dup.body.error.message).toContain('unique');
    expect((await f.call('POST', '/v1/dreams', body(store, ['sesn_NOPE']))).status).toBe(404);
    expect((await f.call('POST', '/v1/dreams', body('memstore_NOPE', two))).status).toBe(404);
    expect((await f.call('POST', '/v1/dreams', body(store, []))).status).toBe(400);
    expect(
      (await f.call('POST', '/v1/dreams', body(store, sessions.concat(sessions.slice(0, 1))))).status,
    ).toBe(400);
    expect(
      (await f.call('POST', '/v1/dreams', body(store, two, { instructions: 'x'.repeat(4097) }))).status,
    ).toBe(400);
    const twoStores = await f.call('POST', '/v1/dreams', {
      inputs: [
        { type: 'memory_store', memory_store_id: store },
        { type: 'memory_store', memory_store_id: store },
      ],
      model: 'reverie-offline',
    });
    expect(twoStores.status).toBe(400);

    // A pending update_existing dream (created, never started) holds the store.
    const output_behavior = { type: 'update_existing' as const, memory_store_id: store };
    const holder = await f.svc.createDream({ memory_store_id: store, session_ids: two, output_behavior });
    const second = await f.call('POST', '/v1/dreams', body(store, two, { output_behavior }));
    expect(second.status).toBe(409);
    expect(second.body.error).toEqual({
      type: 'conflict_error',
      message: expect.stringContaining(holder.id),
    });
    expect(second.res.headers.get('x-should-retry')).toBe('false');
    expect((await f.call('POST', `/v1/dreams/${holder.id}/archive`)).status).toBe(400);
    const canceled = await f.call('POST', `/v1/dreams/${holder.id}/cancel`);
    expect(canceled.body).toMatchObject({ status: 'canceled', ended_at: expect.any(String) });
    expect((await f.call('POST', `/v1/dreams/${holder.id}/cancel`)).body.status).toBe('canceled');
    const next = await f.call('POST', '/v1/dreams', body(store, two, { output_behavior }));
    expect(next.status).toBe(200);
    expect((await poll(next.body.id)).status).toBe('completed');
    await settleDreamRuns();
  });

  it("answers 404 for another workspace's dreams and sessions", async () => {
    const store = (await f.call('POST', '/v1/memory_stores', { name: 'mine' })).body.id;
    const d = (await f.call('POST', '/v1/dreams', body(store, sessions.slice(0, 5)))).body;
    await poll(d.id);
    const other = await f.svc.keys.createKey({ name: 'b', workspace: 'team-b' });
    const h = { 'x-api-key': other.key };
    expect((await f.call('GET', `/v1/dreams/${d.id}`, undefined, h)).status).toBe(404);
    expect((await f.call('POST', `/v1/dreams/${d.id}/archive`, undefined, h)).status).toBe(404);
    expect((await f.call('POST', `/v1/dreams/${d.id}/cancel`, undefined, h)).status).toBe(404);
    expect((await f.call('GET', '/v1/dreams?include_archived=true', undefined, h)).body.data).toEqual([]);
    const theirs = (await f.call('POST', '/v1/memory_stores', { name: 'b' }, h)).body.id;
    const r = await f.call('POST', '/v1/dreams', body(theirs, sessions.slice(0, 5)), h);
    expect(r.status).toBe(404);
    expect(r.body.error.message).toContain('session not found');
  });
});
