/**
 * The web review page as a Hono app: server-rendered with hono/jsx, no JavaScript needed. Pages are
 * GETs; every action is a form POST that redirects (303) back to a page, with a one-time flash message
 * in a cookie. Requests for a host name the server does not answer to get 421 and state-changing
 * requests from other origins 403 (`guard.ts`, against DNS rebinding and CSRF; Hono's CSRF guard stays
 * as a second check); every response carries the security headers (a CSP allowing no script, no
 * framing). Errors render an error page with the status {@link HttpError} maps them to.
 *
 * Routes:
 * - `GET /assets/review.css` (the stylesheet);
 * - `GET /` → `/dreams`; `GET /dreams`; `GET /dreams/:id` (change set by kind, bulk review, apply);
 * - `POST /changes/:id/decision` (`decision` = approve|reject|edit|reset, `comment`, `content`);
 * - `POST /changes/:id/rebase`; `POST /dreams/:id/bulk` (`decision`, `kind`, `path_glob`, `status`, `comment`);
 * - `POST /dreams/:id/apply` (`strict`); `POST /dreams/:id/auto-apply`;
 * - `GET /sessions/:id?from=&to=` (events with anchors `#seq-N`);
 * - `GET /stores`; `GET /stores/:id`; `POST /stores/:id/policy`; `GET /stores/:id/memory?path=`;
 * - `GET /stores/:id/versions/:vid`; `GET /stores/:id/log?path=&dream=&page=`;
 * - `GET /stores/:id/rollback?path=&version=|time=|before_dream=` (preview) and `POST` (do it);
 * - `POST /reviewer` (who is reviewing; a cookie) — or, with `auth`, `GET|POST /login` and `POST /logout`.
 */

import type { Context } from 'hono';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { csrf } from 'hono/csrf';
import type { Child } from 'hono/jsx';
import { type ChangeKind, type ChangeStatus, ValidationError } from '../domain/index.js';
import {
  type ApplyResult,
  type BatchItem,
  type Decision,
  type PolicyPatch,
  type RollbackTarget,
  validateReviewer,
} from '../review/index.js';
import type { ReviewService } from '../service/review-service.js';
import { storeSummaries } from '../service/store-summaries.js';
import { hostGuard, securityHeaders } from './guard.js';
import { HttpError } from './http-error.js';
import { type Flash, Layout, STYLESHEET, STYLESHEET_PATH } from './layout.js';
import { LoginPage, LoginSessions, type LoginVariables, type ReviewAuth } from './login.js';
import { DreamPage, DreamsPage } from './pages/dreams.js';
import { SessionPage } from './pages/session.js';
import {
  ErrorPage,
  LogPage,
  MemoryPage,
  RollbackPreviewPage,
  StorePage,
  StoresPage,
  VersionPage,
} from './pages/stores.js';

/** Options of {@link createReviewApp}. */
export interface ReviewAppOptions {
  /** Reviewer name used until the person sets their own (a cookie). Default `reviewer`. */
  reviewer?: string;
  /**
   * The `Host` values (`name:port`, see `allowedHostsFor`) the app answers to; any other host gets 421.
   * Default `['localhost']`, the host `app.request('/path')` uses; `serveReviewApp` passes the bound
   * address and the `--allowed-host` names.
   */
  allowedHosts?: readonly string[];
  /**
   * Require a login with an API key (see login.tsx): each session sees its key's workspace and
   * decides under the key's name. Without it the page serves `review`'s workspace to anyone who can
   * reach it, which is why `serveReviewApp` binds loopback only unless told otherwise.
   */
  auth?: ReviewAuth;
}

const FLASH = 'reverie_flash';
const REVIEWER = 'reverie_reviewer';
const MAX_BODY_BYTES = 2 * 1024 * 1024;

type Body = Record<string, string | File | (string | File)[]>;

/** A form field as a string (`undefined` when absent or a file). */
function field(body: Body, name: string): string | undefined {
  const v = body[name];
  return typeof v === 'string' ? v : undefined;
}

function setFlash(c: Context, flash: Flash): void {
  const lines = flash.lines?.slice(0, 12).map((l) => l.slice(0, 200));
  let value = Buffer.from(JSON.stringify({ ...flash, text: flash.text.slice(0, 400), lines })).toString(
    'base64url',
  );
  if (value.length > 3800)
    value = Buffer.from(JSON.stringify({ kind: flash.kind, text: flash.text.slice(0, 400) })).toString(
      'base64url',
    );
  setCookie(c, FLASH, value, { path: '/', httpOnly: true, sameSite: 'Lax' });
}

function takeFlash(c: Context): Flash | null {
  const v = getCookie(c, FLASH);
  if (!v) return null;
  deleteCookie(c, FLASH, { path: '/' });
  try {
    return JSON.parse(Buffer.from(v, 'base64url').toString('utf8')) as Flash;
  } catch {
    return null;
  }
}

function batchFlash(items: BatchItem[], decision: string): Flash {
  const ok = items.filter((i) => i.status === 'ok').length;
  const err = items.filter((i) => i.status === 'error');
  const skipped = items.filter((i) => i.status === 'skipped');
  return {
    kind: err.length ? 'error' : ok ? 'ok' : 'warning',
    text: `${decision}: ${ok} change${ok === 1 ? '' : 's'} updated${skipped.length ? `, ${skipped.length} skipped` : ''}${err.length ? `, ${err.length} refused` : ''}${items.length === 0 ? ' (nothing matched)' : ''}.`,
    lines: [
      ...err.map((i) => `${i.path ?? i.id}: ${i.error?.message}`),
      ...skipped.slice(0, 5).map((i) => `${i.path ?? i.id}: skipped (${i.reason})`),
    ],
  };
}

function applyFlash(r: ApplyResult): Flash {
  const conflicts = r.items.filter((i) => i.error?.conflict);
  const errors = r.items.filter((i) => i.status === 'error' && !i.error?.conflict);
  return {
    kind: conflicts.length || errors.length ? 'warning' : r.applied ? 'ok' : 'warning',
    text: r.held_back
      ? `Nothing applied: ${conflicts.length} change${conflicts.length === 1 ? '' : 's'} conflict (all-or-nothing apply).`
      : `Applied ${r.applied} change${r.applied === 1 ? '' : 's'} to ${r.memory_store_id}${conflicts.length ? `; ${conflicts.length} in conflict` : ''}${errors.length ? `; ${errors.length} could not be written` : ''}${r.applied === 0 && !conflicts.length ? ' (nothing approved was left to apply)' : ''}.`,
    lines: [
      ...conflicts.map((i) => `conflict: ${i.error!.message}`),
      ...errors.map((i) => `${i.path}: ${i.error!.message}`),
      ...r.warnings,
    ],
  };
}

function optionalInt(v: string | undefined, name: string): number | null {
  if (v === undefined || v.trim() === '') return null;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1)
    throw new ValidationError(`${name} must be a positive whole number, or empty`, name);
  return n;
}

function rollbackTarget(get: (name: string) => string | undefined): {
  target: RollbackTarget;
  fields: Record<string, string>;
} {
  const version = get('version')?.trim();
  const time = get('time')?.trim();
  const beforeDream = get('before_dream')?.trim();
  const given = [version, time, beforeDream].filter((x) => x).length;
  if (given !== 1)
    throw new ValidationError('fill exactly one of: version id, time, before a dream', 'target');
  const path = get('path')?.trim();
  const fields: Record<string, string> = {};
  if (path) fields.path = path;
  if (version) {
    fields.version = version;
    return { target: { version }, fields };
  }
  if (time) {
    fields.time = time;
    return { target: { time }, fields };
  }
  fields.before_dream = beforeDream!;
  return { target: { before_dream: beforeDream! }, fields };
}

/**
 * Builds the review app over a {@link ReviewService}. Serve it with `@hono/node-server` (see
 * `serveReviewApp`), or call `app.request()` in tests.
 */
export function createReviewApp(
  review: ReviewService,
  opts: ReviewAppOptions = {},
): Hono<{ Variables: LoginVariables }> {
  const app = new Hono<{ Variables: LoginVariables }>();
  const defaultReviewer = opts.reviewer?.trim() || 'reviewer';
  const sessions = opts.auth ? new LoginSessions(opts.auth) : null;
  /** The review service of this request: the logged-in key's workspace, else the one given. */
  const rv = (c: Context<{ Variables: LoginVariables }>) => c.var.review ?? review;
  const reviewerOf = (c: Context<{ Variables: LoginVariables }>) => {
    if (sessions) return c.var.principal?.key_name ?? '';
    const v = getCookie(c, REVIEWER);
    return v ? decodeURIComponent(v) : defaultReviewer;
  };
  const page = (
    c: Context<{ Variables: LoginVariables }>,
    title: string,
    body: Child,
    status: 200 | 400 | 401 | 403 | 404 | 409 | 500 = 200,
  ) =>
    c.html(
      <Layout title={title} reviewer={reviewerOf(c)} flash={takeFlash(c)} login={sessions !== null}>
        {body}
      </Layout>,
      status,
    );
  const back = (c: Context, fallback: string) => {
    const ref = c.req.header('referer');
    if (ref) {
      try {
        const u = new URL(ref);
        if (u.origin === new URL(c.req.url).origin) return `${u.pathname}${u.search}`;
      } catch {
        // ignore a malformed Referer
      }
    }
    return fallback;
  };

  app.use('*', securityHeaders());
  app.use('*', hostGuard(opts.allowedHosts ?? ['localhost']));
  app.use('*', csrf());
  if (sessions) app.use('*', sessions.middleware());
  app.use(
    '*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new ValidationError('the form is larger than 2 MB', 'body');
      },
    }),
  );
  app.onError((e, c) => {
    const h = HttpError.from(e);
    if (h.status >= 500) console.error(e);
    return c.html(
      <Layout title={`${h.status} ${h.type}`} reviewer={reviewerOf(c)} login={sessions !== null}>
        <ErrorPage
          status={h.status}
          type={h.type}
          message={h.message}
          field={h.field}
          back={back(c, '/dreams')}
        />
      </Layout>,
      h.status,
    );
  });
  app.notFound((c) => {
    throw new HttpError(404, 'not_found_error', `No page at ${new URL(c.req.url).pathname}`);
  });

  app.get('/', (c) => c.redirect('/dreams', 302));
  app.get(STYLESHEET_PATH, (c) =>
    c.body(STYLESHEET, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'no-cache' }),
  );

  if (sessions) {
    app.get('/login', (c) => page(c, 'Log in', <LoginPage />));
    app.post('/login', async (c) => {
      const body = await c.req.parseBody();
      try {
        const p = await sessions.login(c, field(body, 'key'));
        setFlash(c, { kind: 'ok', text: `Logged in as ${p.key_name} (workspace ${p.workspace_id}).` });
        return c.redirect('/dreams', 303);
      } catch (e) {
        const h = HttpError.from(e);
        return page(c, 'Log in', <LoginPage error={h.message} />, 401);
      }
    });
    app.post('/logout', (c) => {
      sessions.logout(c);
      return c.redirect('/login', 303);
    });
  }

  app.post('/reviewer', async (c) => {
    if (sessions)
      throw new HttpError(
        403,
        'permission_error',
        'The reviewer is the name of the API key you logged in with.',
      );
    const body = await c.req.parseBody();
    const name = validateReviewer(field(body, 'reviewer'), 'reviewer');
    setCookie(c, REVIEWER, encodeURIComponent(name), {
      path: '/',
      httpOnly: true,
      sameSite: 'Lax',
      maxAge: 60 * 60 * 24 * 365,
    });
    setFlash(c, { kind: 'ok', text: `Reviewing as ${name}.` });
    return c.redirect(back(c, '/dreams'), 303);
  });

  // ── dreams and changes
  app.get('/dreams', async (c) => {
    const page1 = await rv(c).listDreams({ limit: 100 });
    return page(c, 'Dreams', <DreamsPage dreams={page1.data} />);
  });

  app.get('/dreams/:id', async (c) => {
    const view = await rv(c).changeSet(c.req.param('id'));
    return page(c, `Dream ${view.dream.id}`, <DreamPage view={view} />);
  });

  app.post('/changes/:id/decision', async (c) => {
    const id = c.req.param('id');
    const body = await c.req.parseBody();
    const decision = (field(body, 'decision') ?? '') as Decision;
    let content = field(body, 'content');
    const before = await rv(c).getChange(id);
    // Browsers submit textareas with CRLF line ends; keep the proposal's own line ends.
    if (content !== undefined && !(before.after ?? '').includes('\r'))
      content = content.replace(/\r\n/g, '\n');
    const c2 = await rv(c).decide(id, {
      decision,
      by: reviewerOf(c),
      comment: field(body, 'comment'),
      content,
    });
    setFlash(c, { kind: 'ok', text: `${c2.op} ${c2.to_path ?? c2.path}: ${c2.status}.` });
    return c.redirect(`/dreams/${c2.dream_id}#chg-${c2.id}`, 303);
  });

  app.post('/changes/:id/rebase', async (c) => {
    const c2 = await rv(c).rebase(c.req.param('id'), reviewerOf(c));
    setFlash(c, { kind: 'ok', text: `${c2.path}: rebased onto the current content; review it again.` });
    return c.redirect(`/dreams/${c2.dream_id}#chg-${c2.id}`, 303);
  });

  app.post('/dreams/:id/bulk', async (c) => {
    const dreamId = c.req.param('id');
    const body = await c.req.parseBody();
    const decision = (field(body, 'decision') ?? '') as Decision;
    const kind = field(body, 'kind');
    const glob = field(body, 'path_glob')?.trim();
    const status = field(body, 'status') ?? 'pending';
    const items = await rv(c).decideMany(
      dreamId,
      { decision, by: reviewerOf(c), comment: field(body, 'comment') },
      {
        kinds: kind ? [kind as ChangeKind] : undefined,
        path_glob: glob || undefined,
        statuses:
          status === 'any'
            ? ['pending', 'approved', 'edited', 'rejected', 'conflict']
            : [status as ChangeStatus],
        all: true,
      },
    );
    setFlash(c, batchFlash(items, decision));
    return c.redirect(`/dreams/${dreamId}`, 303);
  });

  app.post('/dreams/:id/apply', async (c) => {
    const dreamId = c.req.param('id');
    const body = await c.req.parseBody();
    const r = await rv(c).apply(dreamId, { by: reviewerOf(c), strict: field(body, 'strict') === '1' });
    setFlash(c, applyFlash(r));
    return c.redirect(`/dreams/${dreamId}`, 303);
  });

  app.post('/dreams/:id/auto-apply', async (c) => {
    const dreamId = c.req.param('id');
    const r = await rv(c).autoApply(dreamId);
    const f = r.apply
      ? applyFlash(r.apply)
      : { kind: 'warning' as const, text: 'The store policy lets no pending change through.' };
    setFlash(c, {
      ...f,
      text: `Store policy: ${r.auto.length} applied automatically, ${r.held.length} held for review. ${f.text}`,
    });
    return c.redirect(`/dreams/${dreamId}`, 303);
  });

  // ── sessions
  app.get('/sessions/:id', async (c) => {
    const { session, events } = await rv(c).session(c.req.param('id'));
    const int = (v: string | undefined) => (v !== undefined && /^\d+$/.test(v) ? Number(v) : null);
    const from = int(c.req.query('from'));
    const to = int(c.req.query('to'));
    return page(
      c,
      session.title || session.id,
      <SessionPage session={session} events={events} from={from} to={to ?? from} />,
    );
  });

  // ── stores
  app.get('/stores', async (c) => {
    const rows = await storeSummaries(rv(c).reverie, { limit: 1000, include_archived: true });
    return page(c, 'Stores', <StoresPage stores={rows} />);
  });

  app.get('/stores/:id', async (c) => {
    const v = await rv(c).storeView(c.req.param('id'));
    return page(c, v.store.name, <StorePage store={v.store} memories={v.memories} dreams={v.dreams} />);
  });

  app.post('/stores/:id/policy', async (c) => {
    const id = c.req.param('id');
    const body = await c.req.parseBody();
    const patch: PolicyPatch = {
      auto_apply: {
        exact_duplicates: field(body, 'exact_duplicates') === '1',
        deletions: field(body, 'deletions') === '1',
        additions_min_support: optionalInt(field(body, 'additions_min_support'), 'additions_min_support'),
      },
      max_changes_per_dream: optionalInt(field(body, 'max_changes_per_dream'), 'max_changes_per_dream'),
      protected_paths: (field(body, 'protected_paths') ?? '')
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter(Boolean),
    };
    await rv(c).setPolicy(id, patch);
    setFlash(c, { kind: 'ok', text: 'Policy saved.' });
    return c.redirect(`/stores/${id}#policy`, 303);
  });

  app.get('/stores/:id/memory', async (c) => {
    const id = c.req.param('id');
    const path = c.req.query('path');
    if (!path) throw new ValidationError('path is required, e.g. ?path=/MEMORY.md', 'path');
    const history = await rv(c).memoryHistory(id, path);
    const dreams = (await rv(c).listDreams({ memory_store_id: id, limit: 50, include_archived: true })).data;
    return page(c, path, <MemoryPage history={history} dreams={dreams} />);
  });

  app.get('/stores/:id/versions/:vid', async (c) => {
    const v = await rv(c).getVersion(c.req.param('id'), c.req.param('vid'));
    return page(c, `Version ${v.id}`, <VersionPage version={v} />);
  });

  app.get('/stores/:id/log', async (c) => {
    const id = c.req.param('id');
    const path = c.req.query('path') || null;
    const log = await rv(c).log(id, {
      path,
      dream_id: c.req.query('dream') || null,
      page: c.req.query('page') || null,
      limit: 50,
    });
    return page(c, 'Audit log', <LogPage storeId={id} path={path} entries={log.data} next={log.next_page} />);
  });

  app.get('/stores/:id/rollback', async (c) => {
    const id = c.req.param('id');
    const { target, fields } = rollbackTarget((n) => c.req.query(n));
    const plan = await rv(c).planRollback(id, target, { path: fields.path ?? null });
    return page(c, 'Roll back', <RollbackPreviewPage plan={plan} fields={fields} />);
  });

  app.post('/stores/:id/rollback', async (c) => {
    const id = c.req.param('id');
    const body = await c.req.parseBody();
    const { target, fields } = rollbackTarget((n) => field(body, n));
    const r = await rv(c).rollback(id, target, { by: reviewerOf(c), path: fields.path ?? null });
    setFlash(c, {
      kind: 'ok',
      text: `Rolled ${r.path ?? 'the store'} back to ${r.target}: ${r.versions_written.length} new version${r.versions_written.length === 1 ? '' : 's'} written.`,
    });
    return c.redirect(
      r.path ? `/stores/${id}/memory?path=${encodeURIComponent(r.path)}` : `/stores/${id}/log`,
      303,
    );
  });

  return app;
}
