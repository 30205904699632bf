/**
 * Logging in to the review page with an API key (issue 9 item 4), so that the page can be offered
 * beyond this machine: `GET /login` asks for a key, `POST /login` checks it ({@link KeyService}) and
 * opens a session — a random 256-bit token in an HttpOnly, SameSite=Strict cookie, kept in this
 * process's memory for 12 hours — and `POST /logout` ends it. Every other page needs a session whose
 * key is still unrevoked (checked on each request, so revoking a key logs its sessions out); the
 * reviewer recorded on decisions is the key's name, and the page shows the key's workspace only;
 * every form post but the log-out needs a `reviewer` (or `admin`) key, a reader key only browses.
 * Hono's CSRF guard and the Origin check (guard.ts) still apply to every form post, the login included.
 */
import { randomBytes } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { FC } from 'hono/jsx';
import { type KeyService, type Principal, roleAllows } from '../service/keys.js';
import type { ReviewService } from '../service/review-service.js';
import { HttpError } from './http-error.js';

/** What the review app needs to require logins (see `ReviewAppOptions.auth`). */
export interface ReviewAuth {
  keys: KeyService;
  /** The review service over one workspace (the logged-in key's). */
  forWorkspace(workspaceId: string): ReviewService;
  /**
   * The review service as the logged-in key sees it (its workspace and, for a key that acts as a
   * person or agent, only that member's stores; issue 14). When absent, `forWorkspace` is used.
   */
  forPrincipal?(principal: Principal): ReviewService;
}

/** Hono variables set for logged-in requests. */
export interface LoginVariables {
  principal?: Principal;
  review?: ReviewService;
}

const COOKIE = 'reverie_session';
const TTL_MS = 12 * 60 * 60 * 1000;
const OPEN_PATHS = new Set(['/login', '/assets/review.css']);

/** Sessions of one review app: token → key id and expiry. */
export class LoginSessions {
  #sessions = new Map<string, { key_id: string; expires: number }>();
  #auth: ReviewAuth;

  constructor(auth: ReviewAuth) {
    this.#auth = auth;
  }

  /**
   * Checks `key`; on success opens a session and sets its cookie.
   * @returns the key's principal. @throws HttpError 401 `permission_error` for an unknown or revoked key.
   */
  async login(c: Context, key: string | undefined): Promise<Principal> {
    const p = await this.#auth.keys.authenticate(key?.trim());
    if (!p) throw new HttpError(401, 'permission_error', 'That API key is unknown or revoked.', 'key');
    const token = randomBytes(32).toString('base64url');
    this.#sessions.set(token, { key_id: p.key_id, expires: Date.now() + TTL_MS });
    setCookie(c, COOKIE, token, { path: '/', httpOnly: true, sameSite: 'Strict', maxAge: TTL_MS / 1000 });
    return p;
  }

  /** Ends the request's session (if any) and clears its cookie. */
  logout(c: Context): void {
    const token = getCookie(c, COOKIE);
    if (token) this.#sessions.delete(token);
    deleteCookie(c, COOKIE, { path: '/' });
  }

  /**
   * Middleware: for a request with a live session whose key is unrevoked, sets `principal` and
   * `review` (the key's workspace); otherwise GET/HEAD go to `/login` (303) and anything else is a 401.
   * `/login` and the stylesheet are open.
   */
  middleware(): MiddlewareHandler<{ Variables: LoginVariables }> {
    return async (c, next) => {
      if (OPEN_PATHS.has(c.req.path)) return next();
      const token = getCookie(c, COOKIE);
      const s = token ? this.#sessions.get(token) : undefined;
      const principal = s && s.expires > Date.now() ? await this.#auth.keys.principalOf(s.key_id) : null;
      if (!principal) {
        if (token) this.#sessions.delete(token);
        if (c.req.method === 'GET' || c.req.method === 'HEAD') return c.redirect('/login', 303);
        throw new HttpError(401, 'permission_error', 'Log in with an API key first.', 'key');
      }
      const write = c.req.method !== 'GET' && c.req.method !== 'HEAD' && c.req.path !== '/logout';
      if (write && !roleAllows(principal.role, 'reviewer'))
        throw new HttpError(
          403,
          'permission_error',
          `Your key is a ${principal.role} key: reviewing (decisions, apply, policy, rollback) needs a reviewer key.`,
        );
      c.set('principal', principal);
      c.set(
        'review',
        this.#auth.forPrincipal?.(principal) ?? this.#auth.forWorkspace(principal.workspace_id),
      );
      await next();
    };
  }
}

/** The login form. */
export const LoginPage: FC<{ error?: string | null }> = ({ error }) => (
  <section class="panel">
    <h1>Log in</h1>
    <p>
      This review server asks for an API key (from <code>reverie keys create</code>). Decisions are recorded
      under the key's name.
    </p>
    {error ? (
      <p class="flash error" role="alert">
        {error}
      </p>
    ) : null}
    <form method="post" action="/login">
      <label for="login-key">API key</label>
      <input id="login-key" name="key" type="password" autocomplete="off" required maxlength={200} />
      <button type="submit" class="primary">
        Log in
      </button>
    </form>
  </section>
);
