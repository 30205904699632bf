/**
 * The web review page (shared/DESIGN.md "Interfaces"): dreams, per-change diffs with evidence links into
 * transcripts, approve / edit / reject, apply, and a store browser with history and rollback.
 * `createReviewApp` builds the Hono app; `serveReviewApp` listens on a port (default 127.0.0.1:7433).
 */
import { type ServerType, serve } from '@hono/node-server';
import type { ReviewService } from '../service/review-service.js';
import { createReviewApp, type ReviewAppOptions } from './app.js';

export { createReviewApp, type ReviewAppOptions } from './app.js';
export { HttpError } from './http-error.js';

/** Default port of `reverie serve`. */
export const DEFAULT_PORT = 7433;

/** Options of {@link serveReviewApp}. */
export interface ServeOptions extends ReviewAppOptions {
  /** TCP port (0 picks a free one). Default 7433. */
  port?: number;
  /** Interface to bind. Default `127.0.0.1` (this machine only). */
  host?: string;
}

/** A running review server: its URL and a `close()` that stops it. */
export interface RunningServer {
  url: string;
  port: number;
  server: ServerType;
  close(): Promise<void>;
}

/**
 * Serves the review app over HTTP.
 * @returns once listening. @throws the listen error (e.g. `EADDRINUSE`) if the port is taken.
 */
export function serveReviewApp(review: ReviewService, opts: ServeOptions = {}): Promise<RunningServer> {
  const app = createReviewApp(review, opts);
  const host = opts.host ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: opts.port ?? DEFAULT_PORT, hostname: host }, (info) => {
      const shown = host.includes(':') ? `[${host}]` : host;
      resolve({
        url: `http://${shown}:${info.port}`,
        port: info.port,
        server,
        close: () => new Promise<void>((res) => server.close(() => res())),
      });
    });
    server.once('error', reject);
  });
}
