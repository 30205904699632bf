import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLAUDE_CODE, TAU } from '../../../test/data.js';
import { settleDreamRuns } from '../../service/index.js';
import { type ApiFixture, apiFixture } from '../core/test-client.js';
import { MAX_UPLOAD_BYTES } from './index.js';

let f: ApiFixture;
let h: Record<string, string>;
beforeAll(async () => {
  f = await apiFixture();
  h = { 'x-api-key': (await f.svc.keys.createKey({ name: 'uploader', workspace: 'team-b' })).key };
});

const upload = (body: string | Uint8Array, query = '', headers: Record<string, string> = h) =>
  f.app.request(`/v1/reverie/sessions${query}`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/octet-stream', ...headers },
  });

describe('/v1/reverie/sessions (transcript uploads)', () => {
  it('imports an uploaded τ-bench file into the key workspace (idempotently), lists and retrieves it with events, and dreams over it', async () => {
    const bytes = readFileSync(TAU);
    const r = await upload(bytes, '?filename=airline-gpt-4o.trials-0-1.json');
    expect(r.status).toBe(200);
    // biome-ignore lint/suspicious/noExplicitAny: checked field by field
    const body: any = await r.json();
    expect(body).toMatchObject({
      type: 'session_import',
      format: 'tau-bench',
      filename: 'airline-gpt-4o.trials-0-1.json',
    });
    expect(body.sessions).toHaveLength(100);
    expect(body.sessions.every((s: { status: string }) => s.status === 'created')).toBe(true);
    // biome-ignore lint/suspicious/noExplicitAny: checked field by field
    const again: any = await (await upload(bytes, '?filename=airline-gpt-4o.trials-0-1.json')).json();
    expect(again.sessions.every((s: { status: string }) => s.status === 'unchanged')).toBe(true);

    const ids: string[] = [];
    let page: string | null = null;
    do {
      const res = await f.call(
        'GET',
        `/v1/reverie/sessions?limit=40${page ? `&page=${page}` : ''}`,
        undefined,
        h,
      );
      ids.push(...res.body.data.map((s: { id: string }) => s.id));
      page = res.body.next_page;
    } while (page);
    expect(ids.sort()).toEqual(body.sessions.map((s: { session_id: string }) => s.session_id).sort());
    const one = await f.call('GET', `/v1/reverie/sessions/${ids[0]}?include_events=true`, undefined, h);
    expect(one.body).toMatchObject({
      type: 'session',
      id: ids[0],
      source_format: 'tau-bench',
      source_file: 'airline-gpt-4o.trials-0-1.json',
    });
    expect(one.body.events).toHaveLength(one.body.event_count);
    expect((await f.call('GET', `/v1/reverie/sessions/${ids[0]}`, undefined, h)).body.events).toBeUndefined();

    // The default workspace sees none of them.
    expect((await f.call('GET', '/v1/reverie/sessions')).body.data).toEqual([]);
    expect((await f.call('GET', `/v1/reverie/sessions/${ids[0]}`)).status).toBe(404);

    // A dream over the uploaded sessions, all through the API.
    const store = (await f.call('POST', '/v1/memory_stores', { name: 'b' }, h)).body.id;
    const d = await f.call(
      'POST',
      '/v1/dreams',
      {
        inputs: [
          { type: 'memory_store', memory_store_id: store },
          { type: 'sessions', session_ids: ids },
        ],
        model: 'reverie-offline',
      },
      h,
    );
    expect(d.status).toBe(200);
    await settleDreamRuns();
    const done = (await f.call('GET', `/v1/dreams/${d.body.id}`, undefined, h)).body;
    expect(done.status).toBe('completed');
    const out = done.outputs[0].memory_store_id;
    expect(
      (await f.call('GET', `/v1/memory_stores/${out}/memories?path_prefix=/mistakes/`, undefined, h)).body
        .data.length,
    ).toBeGreaterThan(3);
  });

  it('imports a Claude Code transcript forced by format, with agent, team and user', async () => {
    const file = join(CLAUDE_CODE, readdirSync(CLAUDE_CODE).find((n) => n.endsWith('.jsonl'))!);
    const r = await upload(
      readFileSync(file),
      '?filename=session.jsonl&format=claude-code&team_id=support&user_id=ana',
      h,
    );
    expect(r.status).toBe(200);
    // biome-ignore lint/suspicious/noExplicitAny: checked field by field
    const b: any = await r.json();
    expect(b.format).toBe('claude-code');
    const s = (await f.call('GET', `/v1/reverie/sessions/${b.sessions[0].session_id}`, undefined, h)).body;
    expect(s).toMatchObject({ source_format: 'claude-code', team_id: 'support', user_id: 'ana' });
  });

  it('refuses bad uploads with a clear 400 (or 413) and imports nothing', async () => {
    const before = (await f.call('GET', '/v1/reverie/sessions?limit=1000', undefined, h)).body.data.length;
    let r = await upload('{"not": "a transcript"', '?filename=broken.json');
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: { message: string } }).error.message).toMatch(/^broken\.json/);
    r = await upload(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), '?filename=bin.json');
    expect(((await r.json()) as { error: { message: string } }).error.message).toContain('not valid UTF-8');
    r = await upload('[]', '?filename=../../etc/passwd');
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: { message: string } }).error.message).toContain('filename');
    expect((await upload('')).status).toBe(400);
    expect((await upload('[]', '?format=word')).status).toBe(400);
    r = await upload(new Uint8Array(MAX_UPLOAD_BYTES + 1), '?filename=big.json');
    expect(r.status).toBe(413);
    expect((await upload('[]', '', {})).status).toBe(401);
    expect((await f.call('GET', '/v1/reverie/sessions?limit=1000', undefined, h)).body.data.length).toBe(
      before,
    );
  });
});

describe('/openapi.json: sessions with attached stores', () => {
  it('documents the resources query, the memory_store_id filter and the echoed resource shape', async () => {
    // biome-ignore lint/suspicious/noExplicitAny: the document is checked field by field
    const doc: any = await (await f.app.request('/openapi.json')).json();
    const params = (method: 'get' | 'post') =>
      doc.paths['/v1/reverie/sessions'][method].parameters.map((p: { name: string }) => p.name);
    expect(params('post')).toContain('resources');
    expect(params('get')).toContain('memory_store_id');
    const resource = doc.components.schemas.ReverieSessionResource;
    expect(Object.keys(resource.properties).sort()).toEqual(
      ['access', 'description', 'instructions', 'memory_store_id', 'mount_path', 'name', 'type'].sort(),
    );
    expect(doc.components.schemas.ReverieSession.required).toContain('resources');
  });
});
