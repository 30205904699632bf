import { beforeAll, describe, expect, it } from 'vitest';
import { TAU } from '../../../test/data.js';
import { settleDreamRuns } from '../../service/index.js';
import { type ApiFixture, apiFixture } from '../core/test-client.js';

let f: ApiFixture;
let sessions: string[];
let store: string;
let dreamId: string;
let other: Record<string, string>;
beforeAll(async () => {
  f = await apiFixture();
  sessions = (await f.svc.importSessions([TAU])).session_ids;
  store = (await f.call('POST', '/v1/memory_stores', { name: 'airline' })).body.id;
  const d = await f.call('POST', '/v1/dreams', {
    inputs: [
      { type: 'memory_store', memory_store_id: store },
      { type: 'sessions', session_ids: sessions },
    ],
    model: 'reverie-offline',
    output_behavior: { type: 'update_existing', memory_store_id: store },
  });
  dreamId = d.body.id;
  await settleDreamRuns();
  expect((await f.call('GET', `/v1/dreams/${dreamId}`)).body.status).toBe('completed');
  other = { 'x-api-key': (await f.svc.keys.createKey({ name: 'b', workspace: 'team-b' })).key };
});

describe('/v1/reverie review extension over a τ-bench dream', () => {
  it('lists the change set, decides one and in bulk under the key name, applies, and explains a path', async () => {
    const changes = (await f.call('GET', `/v1/reverie/dreams/${dreamId}/changes`)).body.data;
    expect(changes.length).toBeGreaterThan(5);
    expect(changes[0]).toMatchObject({
      type: 'change',
      dream_id: dreamId,
      status: 'pending',
      reason: expect.any(String),
    });
    const mistakes = changes.filter((c: { kind: string }) => c.kind === 'mistake');
    expect(mistakes[0].evidence[0]).toMatchObject({
      session_id: expect.stringMatching(/^sesn_/),
      quote: expect.any(String),
    });

    const one = await f.call('POST', `/v1/reverie/changes/${mistakes[0].id}/decision`, {
      decision: 'approve',
      comment: 'seen it',
    });
    expect(one.body).toMatchObject({ status: 'approved', review: { by: 'test', comment: 'seen it' } });
    expect(
      (await f.call('POST', `/v1/reverie/changes/${mistakes[0].id}/decision`, { decision: 'maybe' })).status,
    ).toBe(400);
    const bulk = await f.call('POST', `/v1/reverie/dreams/${dreamId}/decisions`, {
      decision: 'approve',
      kinds: ['mistake'],
    });
    expect(bulk.body.data.filter((i: { status: string }) => i.status === 'ok')).toHaveLength(
      mistakes.length - 1,
    );
    await f.call('POST', `/v1/reverie/dreams/${dreamId}/decisions`, { decision: 'reject' });

    const applied = await f.call('POST', `/v1/reverie/dreams/${dreamId}/apply`, {});
    expect(applied.status).toBe(200);
    expect(applied.body).toMatchObject({
      dream_id: dreamId,
      memory_store_id: store,
      applied: mistakes.length,
      conflicts: 0,
    });
    const path = mistakes[0].path;
    const mems = (await f.call('GET', `/v1/memory_stores/${store}/memories?path_prefix=/mistakes/`)).body
      .data;
    expect(mems.map((m: { path: string }) => m.path)).toContain(path);
    const versions = (await f.call('GET', `/v1/memory_stores/${store}/memory_versions?limit=1`)).body.data;
    expect(versions[0].created_by).toEqual({ type: 'review_actor', id: 'test' });

    const why = await f.call(
      'GET',
      `/v1/reverie/memory_stores/${store}/why?path=${encodeURIComponent(path)}`,
    );
    expect(why.body.history[0].change).toMatchObject({ id: mistakes[0].id, status: 'applied' });
    expect(why.body.history[0].evidence.length).toBeGreaterThan(0);
    expect(
      (await f.call('POST', `/v1/reverie/changes/${mistakes[0].id}/decision`, { decision: 'reject' })).status,
    ).toBe(409);
  });

  it('reads and patches the store policy, refusing bad values by field', async () => {
    const p = await f.call('GET', `/v1/reverie/memory_stores/${store}/policy`);
    expect(p.body.auto_apply).toMatchObject({ deletions: false });
    const set = await f.call('POST', `/v1/reverie/memory_stores/${store}/policy`, {
      auto_apply: { additions_min_support: 3 },
      protected_paths: ['/preferences/**'],
    });
    expect(set.body).toMatchObject({
      auto_apply: { additions_min_support: 3, deletions: false },
      protected_paths: ['/preferences/**'],
    });
    const bad = await f.call('POST', `/v1/reverie/memory_stores/${store}/policy`, {
      auto_apply: { additions_min_support: 0 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/additions_min_support/);
  });

  it('records a session outcome posted by a key, and clears it', async () => {
    const s = await f.call('POST', `/v1/reverie/sessions/${sessions[0]}/outcome`, {
      result: 'partial',
      score: 0.5,
      labels: ['late'],
    });
    expect(s.body.outcome).toEqual({
      result: 'partial',
      score: 0.5,
      labels: ['late'],
      explanation: null,
      source: 'api:test',
    });
    expect(
      (await f.call('POST', `/v1/reverie/sessions/${sessions[0]}/outcome`, { result: 'great' })).status,
    ).toBe(400);
    expect(
      (await f.call('POST', `/v1/reverie/sessions/${sessions[0]}/outcome`, null)).body.outcome,
    ).toBeNull();
  });

  it("answers 404 for another workspace's dreams, changes, stores and sessions, and changes nothing", async () => {
    const changes = (await f.call('GET', `/v1/reverie/dreams/${dreamId}/changes`)).body.data;
    const pending = changes.find((c: { status: string }) => c.status === 'rejected');
    for (const [method, path, body] of [
      ['GET', `/v1/reverie/dreams/${dreamId}/changes`],
      ['POST', `/v1/reverie/changes/${pending.id}/decision`, { decision: 'approve' }],
      ['POST', `/v1/reverie/dreams/${dreamId}/decisions`, { decision: 'approve' }],
      ['POST', `/v1/reverie/dreams/${dreamId}/apply`, {}],
      ['GET', `/v1/reverie/memory_stores/${store}/policy`],
      ['POST', `/v1/reverie/memory_stores/${store}/policy`, { max_changes_per_dream: 1 }],
      ['GET', `/v1/reverie/memory_stores/${store}/why?path=/MEMORY.md`],
      ['POST', `/v1/reverie/sessions/${sessions[1]}/outcome`, { result: 'failed' }],
    ] as const) {
      const r = await f.call(method, path, body, other);
      expect(r.status, `${method} ${path}`).toBe(404);
    }
    expect((await f.call('GET', `/v1/reverie/dreams/${dreamId}/changes`)).body.data).toEqual(changes);
    expect(
      (await f.call('GET', `/v1/reverie/memory_stores/${store}/policy`)).body.max_changes_per_dream,
    ).not.toBe(1);
  });
});
