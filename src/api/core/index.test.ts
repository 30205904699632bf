import { beforeEach, describe, expect, it } from 'vitest';
import { requiredRole } from './index.js';
import { type ApiFixture, apiFixture } from './test-client.js';

let f: ApiFixture;
beforeEach(async () => {
  f = await apiFixture();
});

describe('API wire conventions and authentication', () => {
  it('accepts both SDK styles: x-api-key + 2023-06-01 + ?beta=true, and Bearer + 2026-10-21 + beta headers', async () => {
    const old = await f.call('GET', '/v1/memory_stores?beta=true', undefined, {
      'anthropic-beta': 'agent-memory-2026-07-22',
    });
    expect(old.status).toBe(200);
    expect(old.body).toEqual({ data: [], next_page: null });
    const res = await f.app.request('/v1/memory_stores', {
      headers: {
        authorization: `Bearer ${f.key}`,
        'anthropic-version': '2026-10-21',
        'anthropic-beta': 'agent-memory-2026-07-22',
        'anthropic-workspace-id': 'wrkspc_default',
      },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('request-id')).toMatch(/^req_[0-9a-f]{32}$/);
  });

  it('sets request-id and anthropic-workspace-id (set before the handler runs) on answers, errors included', async () => {
    const store = await f.call('POST', '/v1/memory_stores', { name: 's' });
    const ok = await f.call('GET', `/v1/memory_stores/${store.body.id}`);
    const missing = await f.call('GET', `/v1/memory_stores/${store.body.id}/memories/mem_NOPE`);
    const bad = await f.call('POST', `/v1/memory_stores/${store.body.id}/memories`, { path: 'no-slash' });
    const unauthenticated = await f.call('GET', '/v1/memory_stores', undefined, { 'x-api-key': 'x' });
    expect([ok, missing, bad, unauthenticated].map((r) => r.status)).toEqual([200, 404, 400, 401]);
    for (const r of [ok, missing, bad, unauthenticated])
      expect(r.res.headers.get('request-id')).toMatch(/^req_[0-9a-f]{32}$/);
    for (const r of [ok, missing, bad])
      expect(r.res.headers.get('anthropic-workspace-id')).toBe('wrkspc_default');
    expect(unauthenticated.res.headers.get('anthropic-workspace-id')).toBeNull();
    expect(ok.res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('answers 401 authentication_error for a missing, wrong or revoked key, in the hosted error body', async () => {
    const missing = await f.app.request('/v1/memory_stores');
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({
      type: 'error',
      error: { type: 'authentication_error', message: expect.stringContaining('missing API key') },
    });
    const wrong = await f.call('GET', '/v1/memory_stores', undefined, { 'x-api-key': `${f.key}x` });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toEqual({ type: 'authentication_error', message: 'invalid x-api-key' });
    const [k] = await f.svc.keys.listKeys();
    await f.svc.keys.revokeKey(k!.id);
    expect((await f.call('GET', '/v1/memory_stores')).status).toBe(401);
  });

  it('refuses an unknown anthropic-version, the refused beta pair, a foreign workspace header and a foreign Host', async () => {
    const v = await f.call('GET', '/v1/memory_stores', undefined, { 'anthropic-version': '2099-01-01' });
    expect(v.status).toBe(400);
    expect(v.body.error).toMatchObject({
      type: 'invalid_request_error',
      message: expect.stringContaining('anthropic-version'),
    });
    const beta = await f.call('GET', '/v1/memory_stores', undefined, {
      'anthropic-beta': 'agent-memory-2026-07-22,managed-agents-2026-04-01',
    });
    expect(beta.status).toBe(400);
    const ws = await f.call('GET', '/v1/memory_stores', undefined, {
      'anthropic-workspace-id': 'wrkspc_other',
    });
    expect(ws.status).toBe(403);
    expect(ws.body.error.type).toBe('permission_error');
    const host = await f.call('GET', '/v1/memory_stores', undefined, { host: 'attacker.example:7433' });
    expect(host.status).toBe(421);
    expect(host.body.type).toBe('error');
  });

  it('enforces key roles: reader reads, writer writes, reviewer decides; 403 permission_error otherwise', async () => {
    expect(requiredRole('GET', '/v1/reverie/dreams/d/changes')).toBe('reader');
    expect(requiredRole('POST', '/v1/memory_stores')).toBe('writer');
    expect(requiredRole('POST', '/v1/reverie/dreams/d/apply')).toBe('reviewer');
    expect(requiredRole('POST', '/v1/reverie/memory_stores/s/rollback')).toBe('reviewer');
    const key = async (role: 'reader' | 'writer' | 'reviewer') => ({
      'x-api-key': (await f.svc.keys.createKey({ name: role, role })).key,
    });
    const reader = await key('reader');
    const writer = await key('writer');
    const reviewer = await key('reviewer');
    expect((await f.call('GET', '/v1/memory_stores', undefined, reader)).status).toBe(200);
    const denied = await f.call('POST', '/v1/memory_stores', { name: 'x' }, reader);
    expect(denied.status).toBe(403);
    expect(denied.body.error).toEqual({
      type: 'permission_error',
      message:
        'this API key is a reader key; POST /v1/memory_stores needs a writer key (reverie keys create --role writer)',
    });
    expect((await f.call('GET', '/v1/memory_stores', undefined, reader)).body.data).toEqual([]);
    expect((await f.call('POST', '/v1/memory_stores', { name: 'x' }, writer)).status).toBe(200);
    const decide = (h: Record<string, string>) =>
      f.call('POST', '/v1/reverie/changes/chg_NOPE/decision', { decision: 'approve' }, h);
    expect((await decide(writer)).status).toBe(403);
    expect((await decide(reviewer)).status).toBe(404);
    expect((await decide({ 'x-api-key': f.key })).status).toBe(404);
  });

  it('answers unknown routes and malformed JSON with the hosted error body', async () => {
    const nf = await f.call('GET', '/v1/nothing_here');
    expect(nf.status).toBe(404);
    expect(nf.body).toEqual({
      type: 'error',
      error: { type: 'not_found_error', message: 'no such endpoint: GET /v1/nothing_here' },
    });
    const bad = await f.call('POST', '/v1/memory_stores', '{"name": ');
    expect(bad.status).toBe(400);
    expect(bad.body.error.type).toBe('invalid_request_error');
  });

  it('serves /openapi.json (3.1, no key needed) generated from the zod schemas that validate requests', async () => {
    const res = await f.app.request('/openapi.json');
    expect(res.status).toBe(200);
    // biome-ignore lint/suspicious/noExplicitAny: the document is checked field by field
    const doc: any = await res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/v1/dreams',
      '/v1/dreams/{dream_id}',
      '/v1/dreams/{dream_id}/archive',
      '/v1/dreams/{dream_id}/cancel',
      '/v1/memory_stores',
      '/v1/memory_stores/{memory_store_id}',
      '/v1/memory_stores/{memory_store_id}/archive',
      '/v1/memory_stores/{memory_store_id}/memories',
      '/v1/memory_stores/{memory_store_id}/memories/{memory_id}',
      '/v1/memory_stores/{memory_store_id}/memory_versions',
      '/v1/memory_stores/{memory_store_id}/memory_versions/{memory_version_id}',
      '/v1/memory_stores/{memory_store_id}/memory_versions/{memory_version_id}/redact',
      '/v1/reverie/agents/{agent_id}/memory_stores',
      '/v1/reverie/changes/{change_id}/decision',
      '/v1/reverie/dreams/{dream_id}/apply',
      '/v1/reverie/dreams/{dream_id}/changes',
      '/v1/reverie/dreams/{dream_id}/decisions',
      '/v1/reverie/dreams/{dream_id}/events',
      '/v1/reverie/memory_stores/{memory_store_id}/log',
      '/v1/reverie/memory_stores/{memory_store_id}/policy',
      '/v1/reverie/memory_stores/{memory_store_id}/rollback',
      '/v1/reverie/memory_stores/{memory_store_id}/scope',
      '/v1/reverie/memory_stores/{memory_store_id}/why',
      '/v1/reverie/sessions',
      '/v1/reverie/sessions/{session_id}',
      '/v1/reverie/sessions/{session_id}/outcome',
      '/v1/reverie/teams',
      '/v1/reverie/teams/{team_id}',
      '/v1/reverie/teams/{team_id}/members',
    ]);
    expect(Object.keys(doc.paths['/v1/memory_stores/{memory_store_id}/memories/{memory_id}']).sort()).toEqual(
      ['delete', 'get', 'patch', 'post'],
    );
    expect(doc.components.schemas.Memory.required).toContain('content_sha256');
    expect(doc.components.schemas.MemoryCreateParams.required).toEqual(['path', 'content']);
    expect(doc.components.securitySchemes.ApiKey).toMatchObject({ type: 'apiKey', name: 'x-api-key' });
  });
});
