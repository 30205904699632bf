import { beforeEach, describe, expect, it } from 'vitest';
import { type ApiFixture, apiFixture } from '../core/test-client.js';

let f: ApiFixture;
let store: string;
let base: string;
beforeEach(async () => {
  f = await apiFixture();
  store = (await f.call('POST', '/v1/memory_stores', { name: 'v' })).body.id;
  base = `/v1/memory_stores/${store}/memory_versions`;
});

/** Creates /a.md with content v1, changes it to v2, deletes /b.md; returns the ids. */
async function history() {
  const a = (await f.call('POST', `/v1/memory_stores/${store}/memories`, { path: '/a.md', content: 'v1' }))
    .body;
  const a2 = (await f.call('POST', `/v1/memory_stores/${store}/memories/${a.id}`, { content: 'v2' })).body;
  const b = (await f.call('POST', `/v1/memory_stores/${store}/memories`, { path: '/b.md', content: 'b' }))
    .body;
  await f.call('DELETE', `/v1/memory_stores/${store}/memories/${b.id}`);
  return { a, a2, b };
}

describe('/v1/memory_stores/{id}/memory_versions', () => {
  it('lists newest first in the hosted shape, filters, pages, and retrieves with view', async () => {
    const { a, a2, b } = await history();
    const all = await f.call('GET', base);
    expect(all.status).toBe(200);
    expect(all.body.data.map((v: { operation: string; path: string }) => [v.operation, v.path])).toEqual([
      ['deleted', '/b.md'],
      ['created', '/b.md'],
      ['modified', '/a.md'],
      ['created', '/a.md'],
    ]);
    const [keyRecord] = await f.svc.keys.listKeys();
    expect(all.body.data[3]).toEqual({
      type: 'memory_version',
      id: a.memory_version_id,
      memory_id: a.id,
      memory_store_id: store,
      operation: 'created',
      path: '/a.md',
      content: null,
      content_sha256: a.content_sha256,
      content_size_bytes: 2,
      created_by: { type: 'api_actor', api_key_id: keyRecord!.id },
      created_at: a.created_at,
      redacted_at: null,
      redacted_by: null,
    });
    const onlyA = await f.call('GET', `${base}?memory_id=${a.id}&view=full`);
    expect(onlyA.body.data.map((v: { content: string }) => v.content)).toEqual(['v2', 'v1']);
    expect(
      (await f.call('GET', `${base}?operation=deleted`)).body.data.map(
        (v: { memory_id: string }) => v.memory_id,
      ),
    ).toEqual([b.id]);
    expect((await f.call('GET', `${base}?api_key_id=${keyRecord!.id}`)).body.data).toHaveLength(4);
    expect((await f.call('GET', `${base}?api_key_id=apikey_OTHER`)).body.data).toEqual([]);
    expect((await f.call('GET', `${base}?created_at[lte]=2000-01-01T00:00:00Z`)).body.data).toEqual([]);
    expect((await f.call('GET', `${base}?session_id=s&api_key_id=k`)).status).toBe(400);
    const ids: string[] = [];
    let page: string | null = null;
    do {
      const r = await f.call('GET', `${base}?limit=1${page ? `&page=${page}` : ''}`);
      ids.push(...r.body.data.map((v: { id: string }) => v.id));
      page = r.body.next_page;
    } while (page);
    expect(ids).toEqual(all.body.data.map((v: { id: string }) => v.id));
    const one = await f.call('GET', `${base}/${a.memory_version_id}`);
    expect(one.body.content).toBe('v1');
    expect((await f.call('GET', `${base}/${a.memory_version_id}?view=basic`)).body.content).toBeNull();
    expect(a2.memory_version_id).toBe(all.body.data[2].id);
  });

  it('redacts an earlier version (content, hash, size and path nulled; actor and time kept), refuses the head', async () => {
    const { a, a2 } = await history();
    const head = await f.call('POST', `${base}/${a2.memory_version_id}/redact`);
    expect(head.status).toBe(400);
    expect(head.body.error.message).toContain('current version');
    const r = await f.call('POST', `${base}/${a.memory_version_id}/redact`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      id: a.memory_version_id,
      operation: 'created',
      path: null,
      content: null,
      content_sha256: null,
      content_size_bytes: null,
      created_at: a.created_at,
      created_by: { type: 'api_actor' },
      redacted_at: expect.any(String),
      redacted_by: { type: 'api_actor' },
    });
    const again = await f.call('POST', `${base}/${a.memory_version_id}/redact`);
    expect(again.body.redacted_at).toBe(r.body.redacted_at);
    expect((await f.call('GET', `${base}/${a.memory_version_id}`)).body.content).toBeNull();
    expect((await f.call('GET', `/v1/memory_stores/${store}/memories/${a.id}`)).body.content).toBe('v2');
  });

  it("answers 404 for another workspace's versions and never redacts them", async () => {
    const { a } = await history();
    const other = await f.svc.keys.createKey({ name: 'b', workspace: 'team-b' });
    const h = { 'x-api-key': other.key };
    expect((await f.call('GET', base, undefined, h)).status).toBe(404);
    expect((await f.call('GET', `${base}/${a.memory_version_id}`, undefined, h)).status).toBe(404);
    expect((await f.call('POST', `${base}/${a.memory_version_id}/redact`, undefined, h)).status).toBe(404);
    const theirs = (await f.call('POST', '/v1/memory_stores', { name: 'b' }, h)).body.id;
    const via = `/v1/memory_stores/${theirs}/memory_versions/${a.memory_version_id}`;
    expect((await f.call('GET', via, undefined, h)).status).toBe(404);
    expect((await f.call('POST', `${via}/redact`, undefined, h)).status).toBe(404);
    expect((await f.call('GET', `${base}/${a.memory_version_id}`)).body.content).toBe('v1');
  });
});
