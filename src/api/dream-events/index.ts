/**
 * Dream progress as server-sent events (issue 9 item 3, reverie's extension; the hosted API has only
 * polling): `GET /v1/reverie/dreams/{dream_id}/events` answers `text/event-stream` with one `dream`
 * event whenever the dream's status or progress changes — `data: {id, status, progress, outputs,
 * error, ended_at}` — and ends after the event of a terminal status (completed, failed, canceled).
 * The dream is read every {@link POLL_MS} ms (the engine records progress about twice a second); a
 * stream is closed after {@link MAX_STREAM_MS} or when the client goes away. An unknown dream, or
 * another workspace's, is a 404 before any event. Format: https://html.spec.whatwg.org/multipage/server-sent-events.html
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import type { Dream } from '../../domain/index.js';
import type { ApiEnv } from '../core/index.js';
import { dreamErrorType } from '../dreams/index.js';

/** How often a stream reads the dream (ms). */
export const POLL_MS = 200;
/** Longest a stream stays open (ms); clients reconnect for longer dreams. */
export const MAX_STREAM_MS = 60 * 60 * 1000;

const TERMINAL = new Set<Dream['status']>(['completed', 'failed', 'canceled']);

/** The payload of one `dream` event. */
export function dreamEvent(d: Dream) {
  return {
    id: d.id,
    status: d.status,
    progress: d.progress,
    outputs: d.outputs,
    error: d.error ? { type: dreamErrorType(d.error), message: d.error.message } : null,
    ended_at: d.ended_at,
  };
}

/** Adds the events route to `app` (which has authenticated the key). */
export function registerDreamEvents(app: OpenAPIHono<ApiEnv>): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/reverie/dreams/{dream_id}/events',
      tags: ['Dreams'],
      description: 'Server-sent `dream` events on every status or progress change, until a terminal status.',
      request: {
        params: z.object({
          dream_id: z
            .string()
            .min(1)
            .max(200)
            .openapi({ param: { name: 'dream_id', in: 'path' } }),
        }),
      },
      responses: {
        200: {
          content: { 'text/event-stream': { schema: z.string() } },
          description: 'event: dream / data: {id, status, progress, outputs, error, ended_at}',
        },
      },
    }),
    async (c) => {
      const reverie = c.var.reverie;
      const id = c.req.valid('param').dream_id;
      let d = await reverie.getDream(id); // 404 before the stream starts
      return streamSSE(c, async (stream) => {
        let last = '';
        let seq = 0;
        const until = Date.now() + MAX_STREAM_MS;
        while (!stream.aborted && Date.now() < until) {
          const data = JSON.stringify(dreamEvent(d));
          if (data !== last) {
            await stream.writeSSE({ event: 'dream', data, id: String(seq++) });
            last = data;
          }
          if (TERMINAL.has(d.status)) break;
          await stream.sleep(POLL_MS);
          d = await reverie.getDream(id);
        }
      }) as never;
    },
  );
}
