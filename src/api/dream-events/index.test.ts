import { beforeAll, describe, expect, it } from 'vitest';
import { TAU } from '../../../test/data.js';
import { settleDreamRuns } from '../../service/index.js';
import { type ApiFixture, apiFixture } from '../core/test-client.js';

let f: ApiFixture;
let sessions: string[];
beforeAll(async () => {
  f = await apiFixture();
  sessions = (await f.svc.importSessions([TAU])).session_ids;
});

/** Parses a text/event-stream body into its events. */
function parse(text: string): { event: string; id: string; data: Record<string, unknown> }[] {
  return text
    .split('\n\n')
    .filter((b) => b.trim())
    .map((block) => {
      const f: Record<string, string> = {};
      for (const line of block.split('\n')) {
        const i = line.indexOf(':');
        f[line.slice(0, i)] = line.slice(i + 1).trim();
      }
      return { event: f.event!, id: f.id!, data: JSON.parse(f.data!) };
    });
}

describe('GET /v1/reverie/dreams/{id}/events', () => {
  it('streams the dream from pending or running through its progress to completed, then ends', async () => {
    const store = (await f.call('POST', '/v1/memory_stores', { name: 'sse' })).body.id;
    const d = await f.call('POST', '/v1/dreams', {
      inputs: [
        { type: 'memory_store', memory_store_id: store },
        { type: 'sessions', session_ids: sessions },
      ],
      model: 'reverie-offline',
    });
    const res = await f.app.request(`/v1/reverie/dreams/${d.body.id}/events`, {
      headers: { 'x-api-key': f.key },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = parse(await res.text());
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(events.every((e) => e.event === 'dream' && e.data.id === d.body.id)).toBe(true);
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => String(i)));
    const order = ['pending', 'running', 'completed'];
    const statuses = events.map((e) => order.indexOf(e.data.status as string));
    expect(statuses).toEqual([...statuses].sort((a, b) => a - b));
    const last = events.at(-1)!.data;
    expect(last).toMatchObject({ status: 'completed', progress: { phase: 'done' }, error: null });
    expect(last.outputs).toEqual([
      { type: 'memory_store', memory_store_id: expect.stringMatching(/^memstore_/) },
    ]);
    await settleDreamRuns();
    // A finished dream: one event, then the stream ends.
    const again = parse(
      await (
        await f.app.request(`/v1/reverie/dreams/${d.body.id}/events`, { headers: { 'x-api-key': f.key } })
      ).text(),
    );
    expect(again).toHaveLength(1);
    expect(again[0]!.data.status).toBe('completed');
  });

  it('answers 404 (JSON, no stream) for an unknown dream or another workspace’s', async () => {
    const d = (await f.call('GET', '/v1/dreams?limit=1')).body.data[0];
    expect((await f.call('GET', '/v1/reverie/dreams/drm_NOPE/events')).status).toBe(404);
    const other = (await f.svc.keys.createKey({ name: 'b', workspace: 'team-b' })).key;
    const r = await f.call('GET', `/v1/reverie/dreams/${d.id}/events`, undefined, { 'x-api-key': other });
    expect(r.status).toBe(404);
    expect(r.body.error.type).toBe('not_found_error');
  });
});
