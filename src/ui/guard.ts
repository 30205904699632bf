/**
 * What keeps other web pages away from the review server (issue 7 items 9–11):
 *
 * - **Host check** against DNS rebinding: a page on `attacker.example` whose name is re-pointed at
 *   127.0.0.1 talks to the server as a same-origin page, so Origin checks alone pass. Every request
 *   whose `Host` is not one of the names the server answers to is refused with 421 Misdirected Request
 *   (the check webpack-dev-server added against the same attack, `allowedHosts`; see
 *   https://github.com/webpack/webpack-dev-server/issues/887).
 * - **Origin check** on state-changing requests (anything but GET/HEAD/OPTIONS): an `Origin` whose
 *   host is not allowed, the opaque `null` origin, or `Sec-Fetch-Site: cross-site|same-site` is refused
 *   with 403. Requests without those headers (the SDK, curl) are not browser requests and pass.
 * - **Bind check**: a non-loopback address exposes a server without authentication, so binding one
 *   needs an explicit `insecureNoAuth`, and then a warning is printed.
 */
import { networkInterfaces } from 'node:os';
import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { ValidationError } from '../domain/index.js';
import { HttpError } from './http-error.js';

const SAFE_METHOD = /^(GET|HEAD|OPTIONS)$/;

/**
 * Normalises a `Host` header value or `host[:port]` name for comparison: lowercased, a trailing dot
 * of a fully qualified name dropped, IPv6 literals bracketed, and the port kept as given
 * (`Localhost.:7433` → `localhost:7433`, `::1` → `[::1]`).
 */
export function normalizeHost(value: string): string {
  let v = value.trim().toLowerCase();
  if (v.includes(':') && !v.startsWith('[') && v.split(':').length > 2) v = `[${v}]`;
  return v.replace(/\.(?=(:\d+)?$)/, '');
}

/** True for loopback interface names and addresses: `localhost`, `127.0.0.0/8`, `::1`, `::ffff:127.x`. */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h.endsWith('.localhost') || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  return /^(::ffff:)?127(\.\d{1,3}){3}$/.test(h);
}

const WILDCARD = new Set(['0.0.0.0', '::', '[::]', '0:0:0:0:0:0:0:0']);

/**
 * The `Host` values a server bound to `host:port` answers to: the bound address itself; for a loopback
 * bind also `localhost`, `127.0.0.1` and `[::1]`; for a wildcard bind (`0.0.0.0`, `::`) every local
 * interface address; plus each `extra` name (`--allowed-host`, with or without a port: without one it
 * gets the server's port). Every entry carries the port, normalised by {@link normalizeHost}.
 * @example allowedHostsFor('127.0.0.1', 7433) → ['127.0.0.1:7433', 'localhost:7433', '[::1]:7433']
 */
export function allowedHostsFor(host: string, port: number, extra: readonly string[] = []): string[] {
  const names = new Set<string>([normalizeHost(host)]);
  if (isLoopbackHost(host)) for (const n of ['127.0.0.1', 'localhost', '[::1]']) names.add(n);
  if (WILDCARD.has(host.trim()))
    for (const list of Object.values(networkInterfaces()))
      for (const a of list ?? []) names.add(normalizeHost(a.address));
  const out = new Set<string>();
  for (const n of names) out.add(`${n}:${port}`);
  for (const e of extra) {
    const n = normalizeHost(e);
    if (!n || /[/\s@]/.test(n)) throw new ValidationError(`not a host name: ${e}`, 'allowed_host');
    out.add(/:\d+$/.test(n) ? n : `${n}:${port}`);
  }
  return [...out];
}

/**
 * Middleware refusing requests from places the server does not answer to: a `Host` (or, without one,
 * the request URL's host) not in `allowedHosts` → 421 `permission_error`; on a state-changing method, a
 * foreign `Origin` (host not allowed, or `null`) or a cross-site `Sec-Fetch-Site` → 403
 * `permission_error`. Throws {@link HttpError}s, so the app's error handler renders them.
 * @param allowedHosts normalised `host:port` values, e.g. from {@link allowedHostsFor}.
 */
export function hostGuard(allowedHosts: readonly string[]): MiddlewareHandler {
  const allowed = new Set(allowedHosts.map(normalizeHost));
  return async (c, next) => {
    const host = normalizeHost(c.req.header('host') ?? new URL(c.req.url).host);
    if (!allowed.has(host))
      throw new HttpError(
        421,
        'permission_error',
        `This server does not answer to the host name "${host.slice(0, 100)}". Open it by its own address, or start it with --allowed-host NAME.`,
        'host',
      );
    if (!SAFE_METHOD.test(c.req.method)) {
      const origin = c.req.header('origin');
      let foreign = false;
      if (origin !== undefined) {
        try {
          foreign = origin === 'null' || !allowed.has(normalizeHost(new URL(origin).host));
        } catch {
          foreign = true;
        }
      }
      const site = c.req.header('sec-fetch-site');
      if (foreign || site === 'cross-site' || site === 'same-site')
        throw new HttpError(
          403,
          'permission_error',
          'This request was refused: it did not come from the review page itself.',
          'origin',
        );
    }
    await next();
  };
}

/**
 * Security headers on every response (Hono's `secureHeaders`): a Content-Security-Policy that allows
 * no script at all, styles and images from the server only, forms posting back to it, and no framing
 * (`frame-ancestors 'none'`); `X-Frame-Options: DENY`, `X-Content-Type-Options: nosniff`,
 * `Referrer-Policy: same-origin` (not `no-referrer`: with it browsers send `Origin: null` on form posts, and the page's "back" links need the Referer), plus the middleware's other defaults (COOP, CORP same-origin, …).
 * Strict-Transport-Security is left out: the server speaks plain HTTP on loopback.
 */
export function securityHeaders(): MiddlewareHandler {
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'none'"],
      scriptSrc: ["'none'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
    },
    xFrameOptions: 'DENY',
    referrerPolicy: 'same-origin',
    strictTransportSecurity: false,
  });
}

/**
 * Checks the interface a server is asked to bind (issue 7 item 11). Loopback addresses (and names that
 * are loopback by definition) pass with no warning, and so does any address when the review page
 * requires logins with API keys (`withLogin`; the HTTP API always requires keys). Otherwise a
 * non-loopback address would expose the page without authentication: refused unless
 * `insecureNoAuth`, and then a warning to print.
 * @returns the warning text, or null.
 * @throws ValidationError (field `host`) for a non-loopback address without a login or `insecureNoAuth`.
 */
export function checkBindAddress(host: string, insecureNoAuth: boolean, withLogin = false): string | null {
  if (isLoopbackHost(host) || withLogin) return null;
  if (!insecureNoAuth)
    throw new ValidationError(
      `refusing to listen on ${host} without authentication: anyone who can reach ${host} could read every session and change every store. Add --require-login (the review page then asks for an API key from \`reverie keys create\`), or listen on 127.0.0.1 (the default) and use an SSH tunnel, or pass --insecure-no-auth if you really mean it.`,
      'host',
    );
  return `warning: listening on ${host} WITHOUT AUTHENTICATION (--insecure-no-auth): anyone who can reach this address can read every session and memory and approve or apply dreams.`;
}
