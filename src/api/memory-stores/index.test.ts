import { beforeEach, describe, expect, it } from 'vitest';
import { type ApiFixture, apiFixture } from '../core/test-client.js';

let f: ApiFixture;
beforeEach(async () => {
  f = await apiFixture();
});

describe('/v1/memory_stores', () => {
  it('creates, retrieves and updates a store in the hosted shape; metadata is a patch where null deletes a key', async () => {
    const c = await f.call('POST', '/v1/memory_stores', {
      name: 'support',
      metadata: { team: 'a', tier: '1' },
    });
    expect(c.status).toBe(200);
    expect(c.body).toEqual({
      type: 'memory_store',
      id: expect.stringMatching(/^memstore_/),
      name: 'support',
      description: '',
      metadata: { team: 'a', tier: '1' },
      created_at: expect.any(String),
      updated_at: expect.any(String),
      archived_at: null,
    });
    expect((await f.call('GET', `/v1/memory_stores/${c.body.id}`)).body).toEqual(c.body);
    const u = await f.call('POST', `/v1/memory_stores/${c.body.id}`, {
      description: 'the support desk',
      metadata: { tier: null, region: 'eu' },
    });
    expect(u.status).toBe(200);
    expect(u.body).toMatchObject({
      name: 'support',
      description: 'the support desk',
      metadata: { team: 'a', region: 'eu' },
    });
    const bad = await f.call('POST', `/v1/memory_stores/${c.body.id}`, { name: 'x'.repeat(256) });
    expect(bad.status).toBe(400);
    expect(bad.body.error.type).toBe('invalid_request_error');
    expect(
      (await f.call('POST', '/v1/memory_stores', { description: 'no name' })).body.error.message,
    ).toMatch(/^name:/);
  });

  it('lists newest first with limit/page cursors, include_archived and created_at bounds', async () => {
    const ids: string[] = [];
    for (const name of ['a', 'b', 'c'])
      ids.push((await f.call('POST', '/v1/memory_stores', { name })).body.id);
    const seen: string[] = [];
    let page: string | null = null;
    do {
      const r = await f.call('GET', `/v1/memory_stores?limit=1${page ? `&page=${page}` : ''}`);
      expect(r.body.data).toHaveLength(1);
      seen.push(r.body.data[0].id);
      page = r.body.next_page;
    } while (page);
    expect(seen).toEqual([...ids].reverse());
    await f.call('POST', `/v1/memory_stores/${ids[1]}/archive`);
    expect((await f.call('GET', '/v1/memory_stores')).body.data.map((s: { id: string }) => s.id)).toEqual([
      ids[2],
      ids[0],
    ]);
    expect((await f.call('GET', '/v1/memory_stores?include_archived=true')).body.data).toHaveLength(3);
    const created = (await f.call('GET', `/v1/memory_stores/${ids[2]}`)).body.created_at;
    const after = await f.call('GET', `/v1/memory_stores?created_at[gte]=${encodeURIComponent(created)}`);
    expect(after.body.data.map((s: { id: string }) => s.id)).toEqual([ids[2]]);
    const before = await f.call('GET', '/v1/memory_stores?created_at[lte]=2000-01-01T00:00:00Z');
    expect(before.body.data).toEqual([]);
    expect((await f.call('GET', '/v1/memory_stores?limit=0')).status).toBe(400);
    expect((await f.call('GET', '/v1/memory_stores?created_at[gte]=yesterday')).status).toBe(400);
    expect((await f.call('GET', '/v1/memory_stores?page=%%%')).status).toBe(400);
  });

  it('archives (read-only, one-way, idempotent) and deletes a store with its memories', async () => {
    const s = (await f.call('POST', '/v1/memory_stores', { name: 'x' })).body;
    const m = (await f.call('POST', `/v1/memory_stores/${s.id}/memories`, { path: '/a.md', content: 'A' }))
      .body;
    const a = await f.call('POST', `/v1/memory_stores/${s.id}/archive`);
    expect(a.status).toBe(200);
    expect(a.body.archived_at).toEqual(expect.any(String));
    expect((await f.call('POST', `/v1/memory_stores/${s.id}/archive`)).body.archived_at).toBe(
      a.body.archived_at,
    );
    const w = await f.call('POST', `/v1/memory_stores/${s.id}/memories`, { path: '/b.md', content: 'B' });
    expect(w.status).toBe(409);
    expect(w.body.error.type).toBe('conflict_error');
    expect((await f.call('GET', `/v1/memory_stores/${s.id}/memories/${m.id}`)).status).toBe(200);
    const d = await f.call('DELETE', `/v1/memory_stores/${s.id}`);
    expect(d.body).toEqual({ id: s.id, type: 'memory_store_deleted' });
    expect((await f.call('GET', `/v1/memory_stores/${s.id}`)).status).toBe(404);
    expect((await f.call('GET', `/v1/memory_stores/${s.id}/memories/${m.id}`)).body.error.type).toBe(
      'not_found_error',
    );
    expect((await f.call('DELETE', `/v1/memory_stores/${s.id}`)).status).toBe(404);
  });

  it("answers 404 for another workspace's store, as if it did not exist", async () => {
    const mine = (await f.call('POST', '/v1/memory_stores', { name: 'mine' })).body;
    const other = await f.svc.keys.createKey({ name: 'b', workspace: 'team-b' });
    const h = { 'x-api-key': other.key };
    expect((await f.call('GET', '/v1/memory_stores', undefined, h)).body.data).toEqual([]);
    for (const [method, path, body] of [
      ['GET', `/v1/memory_stores/${mine.id}`],
      ['POST', `/v1/memory_stores/${mine.id}`, { name: 'taken' }],
      ['POST', `/v1/memory_stores/${mine.id}/archive`],
      ['DELETE', `/v1/memory_stores/${mine.id}`],
    ] as const) {
      const r = await f.call(method, path, body, h);
      expect(r.status, `${method} ${path}`).toBe(404);
      expect(r.body.error).toEqual({
        type: 'not_found_error',
        message: `memory_store not found: ${mine.id}`,
      });
    }
    expect((await f.call('GET', `/v1/memory_stores/${mine.id}`)).body).toMatchObject({
      name: 'mine',
      archived_at: null,
    });
  });
});
