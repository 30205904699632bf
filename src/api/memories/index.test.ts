import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { type ApiFixture, apiFixture } from '../core/test-client.js';

const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

let f: ApiFixture;
let base: string;
beforeEach(async () => {
  f = await apiFixture();
  const s = (await f.call('POST', '/v1/memory_stores', { name: 'm' })).body;
  base = `/v1/memory_stores/${s.id}/memories`;
});

describe('/v1/memory_stores/{id}/memories', () => {
  it('creates (never overwrites: 409 memory_path_conflict_error naming the memory) and retrieves with view', async () => {
    const c = await f.call('POST', base, { path: '/notes/a.md', content: 'héllo' });
    expect(c.status).toBe(200);
    expect(c.body).toMatchObject({
      type: 'memory',
      path: '/notes/a.md',
      content: 'héllo',
      content_sha256: sha('héllo'),
      content_size_bytes: 6,
      memory_version_id: expect.stringMatching(/^memver_/),
    });
    const dup = await f.call('POST', base, { path: '/notes/a.md', content: 'other' });
    expect(dup.status).toBe(409);
    expect(dup.res.headers.get('x-should-retry')).toBe('false');
    expect(dup.res.headers.get('anthropic-workspace-id')).toBe('wrkspc_default');
    expect(dup.body).toEqual({
      type: 'error',
      error: {
        type: 'memory_path_conflict_error',
        message: 'a memory already exists at /notes/a.md',
        conflicting_memory_id: c.body.id,
        conflicting_path: '/notes/a.md',
      },
    });
    expect((await f.call('GET', `${base}/${c.body.id}`)).body.content).toBe('héllo');
    expect((await f.call('GET', `${base}/${c.body.id}?view=basic`)).body.content).toBeNull();
    expect((await f.call('POST', base, { path: '/empty.md', content: null })).body.content_size_bytes).toBe(
      0,
    );
    expect((await f.call('GET', `${base}/mem_NOPE`)).status).toBe(404);
  });

  it('refuses paths and content that break the hosted rules with a 400 naming the field', async () => {
    const cases: [unknown, RegExp][] = [
      [{ path: 'a.md', content: '' }, /path/],
      [{ path: '/a/../b.md', content: '' }, /path/],
      [{ path: '/a//b.md', content: '' }, /path/],
      [{ path: `/${'x'.repeat(1030)}`, content: '' }, /path/],
      [{ path: '/cafe\u0301.md', content: '' }, /path/],
      [{ path: '/a\u0007.md', content: '' }, /path/],
      [{ path: '/big.md', content: 'x'.repeat(102_401) }, /content/],
      [{ path: '/a.md' }, /^content:/],
    ];
    for (const [body, field] of cases) {
      const r = await f.call('POST', base, body);
      expect(r.status, JSON.stringify(body).slice(0, 60)).toBe(400);
      expect(r.body.error.type).toBe('invalid_request_error');
      expect(r.body.error.message).toMatch(field);
    }
    expect((await f.call('GET', base)).body.data).toEqual([]);
  });

  it('updates and renames with content_sha256 preconditions (POST and PATCH); 200 when the state already matches', async () => {
    const m = (await f.call('POST', base, { path: '/a.md', content: 'one' })).body;
    const u = await f.call('POST', `${base}/${m.id}`, {
      content: 'two',
      precondition: { type: 'content_sha256', content_sha256: sha('one') },
    });
    expect(u.status).toBe(200);
    expect(u.body).toMatchObject({ id: m.id, content: 'two', content_sha256: sha('two') });
    expect(u.body.memory_version_id).not.toBe(m.memory_version_id);
    const stale = await f.call('POST', `${base}/${m.id}`, {
      content: 'three',
      precondition: { type: 'content_sha256', content_sha256: sha('one') },
    });
    expect(stale.status).toBe(409);
    expect(stale.body.error.type).toBe('memory_precondition_failed_error');
    const same = await f.call('POST', `${base}/${m.id}`, {
      content: 'two',
      precondition: { type: 'content_sha256', content_sha256: sha('one') },
    });
    expect(same.status).toBe(200);
    expect(same.body.memory_version_id).toBe(u.body.memory_version_id);
    const renamed = await f.call('PATCH', `${base}/${m.id}`, { path: '/b/a.md' });
    expect(renamed.body).toMatchObject({ id: m.id, path: '/b/a.md', content: 'two' });
    await f.call('POST', base, { path: '/c.md', content: 'c' });
    const onto = await f.call('POST', `${base}/${m.id}`, { path: '/c.md' });
    expect(onto.status).toBe(409);
    expect(onto.body.error).toMatchObject({ type: 'memory_path_conflict_error', conflicting_path: '/c.md' });
    expect((await f.call('POST', `${base}/${m.id}`, { path: 'no-slash' })).status).toBe(400);
    expect(
      (await f.call('POST', `${base}/${m.id}`, { precondition: { type: 'etag', content_sha256: 'x' } }))
        .status,
    ).toBe(400);
  });

  it('lists by whole-segment path_prefix, rolls deeper entries up at depth 1, pages with cursors', async () => {
    for (const p of ['/a/x.md', '/a/y/z.md', '/a/y/w.md', '/ab.md', '/b.md'])
      await f.call('POST', base, { path: p, content: p });
    const all = await f.call('GET', base);
    expect(all.body.data.map((m: { path: string }) => m.path)).toEqual([
      '/a/x.md',
      '/a/y/w.md',
      '/a/y/z.md',
      '/ab.md',
      '/b.md',
    ]);
    expect(all.body.data[0].content).toBeNull();
    const prefix = await f.call('GET', `${base}?path_prefix=/a/&view=full`);
    expect(prefix.body.data.map((m: { path: string; content: string }) => [m.path, m.content])).toEqual([
      ['/a/x.md', '/a/x.md'],
      ['/a/y/w.md', '/a/y/w.md'],
      ['/a/y/z.md', '/a/y/z.md'],
    ]);
    const depth1 = await f.call('GET', `${base}?path_prefix=/a/&depth=1`);
    expect(depth1.body.data).toEqual([
      expect.objectContaining({ type: 'memory', path: '/a/x.md' }),
      { type: 'memory_prefix', path: '/a/y/' },
    ]);
    const paths: string[] = [];
    let page: string | null = null;
    do {
      const r = await f.call('GET', `${base}?limit=2${page ? `&page=${page}` : ''}`);
      paths.push(...r.body.data.map((m: { path: string }) => m.path));
      page = r.body.next_page;
    } while (page);
    expect(paths).toEqual(all.body.data.map((m: { path: string }) => m.path));
    expect((await f.call('GET', `${base}?depth=2`)).status).toBe(400);
    expect((await f.call('GET', `${base}?path_prefix=/a`)).status).toBe(400);
  });

  it('deletes with expected_content_sha256 (409 when stale); versions remain', async () => {
    const m = (await f.call('POST', base, { path: '/a.md', content: 'one' })).body;
    const stale = await f.call('DELETE', `${base}/${m.id}?expected_content_sha256=${sha('zero')}`);
    expect(stale.status).toBe(409);
    expect(stale.body.error.type).toBe('memory_precondition_failed_error');
    const d = await f.call('DELETE', `${base}/${m.id}?expected_content_sha256=${sha('one')}`);
    expect(d.body).toEqual({ id: m.id, type: 'memory_deleted' });
    expect((await f.call('GET', `${base}/${m.id}`)).status).toBe(404);
    expect((await f.call('DELETE', `${base}/${m.id}`)).status).toBe(404);
    const storeId = base.split('/')[3]!;
    const versions = await f.svc.listVersions(storeId, {});
    expect(versions.data.map((v) => [v.operation, v.created_by])).toEqual([
      ['deleted', { type: 'api_actor', id: expect.stringMatching(/^apikey_/) }],
      ['created', { type: 'api_actor', id: expect.stringMatching(/^apikey_/) }],
    ]);
  });

  it("answers 404 for another workspace's memories and a memory through another store's path", async () => {
    const m = (await f.call('POST', base, { path: '/a.md', content: 'secret' })).body;
    const other = await f.svc.keys.createKey({ name: 'b', workspace: 'team-b' });
    const h = { 'x-api-key': other.key };
    for (const [method, path, body] of [
      ['GET', base],
      ['POST', base, { path: '/b.md', content: 'x' }],
      ['GET', `${base}/${m.id}`],
      ['POST', `${base}/${m.id}`, { content: 'overwritten' }],
      ['PATCH', `${base}/${m.id}`, { path: '/moved.md' }],
      ['DELETE', `${base}/${m.id}`],
    ] as const) {
      const r = await f.call(method, path, body, h);
      expect(r.status, `${method} ${path}`).toBe(404);
      expect(r.body.error.type).toBe('not_found_error');
      expect(JSON.stringify(r.body)).not.toContain('secret');
    }
    const theirs = (await f.call('POST', '/v1/memory_stores', { name: 'b' }, h)).body;
    expect(
      (await f.call('GET', `/v1/memory_stores/${theirs.id}/memories/${m.id}`, undefined, h)).status,
    ).toBe(404);
    expect((await f.call('GET', `${base}/${m.id}`)).body).toMatchObject({ path: '/a.md', content: 'secret' });
  });
});
