/**
 * The web review page (shared/DESIGN.md "Interfaces"): dreams, per-change diffs with evidence links into
 * transcripts, approve / edit / reject, apply, and a store browser with history and rollback.
 * `createReviewApp` builds the Hono app; `serveReviewApp` listens on a port (default 127.0.0.1:7433).
 */
import { type ServerType, serve } from '@hono/node-server';
import type { Hono } from 'hono';
import type { ReviewService } from '../service/review-service.js';
import { createReviewApp, type ReviewAppOptions } from './app.js';
import { allowedHostsFor, checkBindAddress } from './guard.js';

export { createReviewApp, type ReviewAppOptions } from './app.js';
export {
  allowedHostsFor,
  checkBindAddress,
  hostGuard,
  isLoopbackHost,
  normalizeHost,
  securityHeaders,
} from './guard.js';
export { HttpError } from './http-error.js';

/** Default port of `reverie serve`. */
export const DEFAULT_PORT = 7433;

/** Options of {@link serveReviewApp}. */
export interface ServeOptions extends Omit<ReviewAppOptions, 'allowedHosts'> {
  /** TCP port (0 picks a free one). Default 7433. */
  port?: number;
  /** Interface to bind. Default `127.0.0.1` (this machine only); others need `auth` or `insecureNoAuth`. */
  host?: string;
  /** Extra `Host` names the server answers to (`--allowed-host`), e.g. `reverie.internal:7433`. */
  allowedHosts?: readonly string[];
  /** Allow a non-loopback `host` although the server has no authentication (`--insecure-no-auth`). */
  insecureNoAuth?: boolean;
  /**
   * Another app served on the same port for the paths `match` accepts (`reverie serve` mounts the HTTP
   * API this way); `create` gets the host names the server answers to, once the port is known.
   */
  mount?: {
    match(pathname: string): boolean;
    create(allowedHosts: string[]): { fetch(req: Request): Response | Promise<Response> };
  };
}

/** A running review server: its URL, the host names it answers to, and a `close()` that stops it. */
export interface RunningServer {
  url: string;
  port: number;
  /** `Host` values accepted (see `allowedHostsFor`); others get 421. */
  allowedHosts: string[];
  /** The warning to show when bound to a non-loopback address (`checkBindAddress`), else null. */
  warning: string | null;
  server: ServerType;
  close(): Promise<void>;
}

/**
 * Serves the review app over HTTP. The app answers only to the bound address (with its port) and
 * `allowedHosts` (see `allowedHostsFor`); a port of 0 is resolved before the first request is served.
 * @returns once listening.
 * @throws ValidationError (field `host`) for a non-loopback `host` without `auth` or `insecureNoAuth`
 *   (`checkBindAddress`), or a bad `allowedHosts` name, before anything listens; the listen error
 *   (e.g. `EADDRINUSE`) if the port is taken.
 */
export async function serveReviewApp(review: ReviewService, opts: ServeOptions = {}): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1';
  const warning = checkBindAddress(host, opts.insecureNoAuth ?? false, opts.auth !== undefined);
  allowedHostsFor(host, 0, opts.allowedHosts); // validate the names before listening
  let app: { fetch: Hono['fetch'] } | null = null;
  let mounted: { fetch(req: Request): Response | Promise<Response> } | null = null;
  const fetch = (req: Request, env: unknown) => {
    if (!app) return new Response('starting', { status: 503 });
    if (mounted && opts.mount?.match(new URL(req.url).pathname)) return mounted.fetch(req);
    return app.fetch(req, env);
  };
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port: opts.port ?? DEFAULT_PORT, hostname: host }, (info) => {
      const allowedHosts = allowedHostsFor(host, info.port, opts.allowedHosts);
      mounted = opts.mount?.create(allowedHosts) ?? null;
      app = createReviewApp(review, { ...opts, allowedHosts });
      const shown = host.includes(':') ? `[${host}]` : host;
      resolve({
        url: `http://${shown}:${info.port}`,
        port: info.port,
        allowedHosts,
        warning,
        server,
        close: () => new Promise<void>((res) => server.close(() => res())),
      });
    });
    server.once('error', reject);
  });
}
