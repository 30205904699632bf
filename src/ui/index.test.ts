import { beforeEach, describe, expect, it } from 'vitest';
import { PASSING_CHECK, type Seeded, seedDream, seedStore } from '../../test/e2e/fixtures.js';
import { ConflictError, NotFoundError, ValidationError } from '../domain/index.js';
import { Reverie } from '../service/reverie.js';
import { ReviewService } from '../service/review-service.js';
import { openSqliteStorage, type Storage } from '../storage/index.js';
import {
  allowedHostsFor,
  checkBindAddress,
  createReviewApp,
  HttpError,
  isLoopbackHost,
  serveReviewApp,
} from './index.js';

const ORIGIN = 'http://localhost';

describe('HttpError', () => {
  it('maps ReverieError types to statuses, keeps the field, hides unknown errors', () => {
    expect(HttpError.from(new ValidationError('bad', 'content'))).toMatchObject({
      status: 400,
      type: 'invalid_request_error',
      field: 'content',
    });
    expect(HttpError.from(new NotFoundError('dream', 'x'))).toMatchObject({
      status: 404,
      type: 'not_found_error',
    });
    expect(HttpError.from(new ConflictError('applied'))).toMatchObject({
      status: 409,
      type: 'conflict_error',
    });
    expect(HttpError.from(new Error('secret stack detail'))).toMatchObject({
      status: 500,
      type: 'internal_error',
    });
    expect(HttpError.from(new Error('secret stack detail')).message).not.toContain('secret');
  });
});

describe('web review page (app.request, no sockets)', () => {
  let review: ReviewService;
  let app: ReturnType<typeof createReviewApp>;
  let seeded: Seeded;
  let sessionId: string;
  let cookie = '';
  let storage: Storage;

  async function post(path: string, form: Record<string, string>, headers: Record<string, string> = {}) {
    const res = await app.request(path, {
      method: 'POST',
      body: new URLSearchParams(form),
      headers: { origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded', cookie, ...headers },
    });
    keepCookies(res);
    return res;
  }
  /** Does what a browser does with Set-Cookie (set, or delete when Max-Age=0). */
  function keepCookies(res: Response) {
    for (const s of res.headers.getSetCookie()) {
      const [pair] = s.split(';');
      const [name, value] = pair!.split('=');
      const rest = cookie.split('; ').filter((x) => x && !x.startsWith(`${name}=`));
      cookie = (/max-age=0/i.test(s) || value === '' ? rest : [...rest, pair]).join('; ');
    }
  }
  async function get(path: string) {
    const res = await app.request(path, { headers: { cookie } });
    keepCookies(res);
    return { res, html: await res.text() };
  }

  beforeEach(async () => {
    storage = await openSqliteStorage(':memory:');
    const svc = new Reverie({ storage });
    review = new ReviewService(svc, { applyHooks: {} });
    app = createReviewApp(review, { reviewer: 'ana' });
    cookie = '';
    [sessionId] = (
      await storage.importSessions([
        {
          external_id: 'airline-task-11',
          agent_id: 'agent-a',
          user_id: null,
          parent_external_id: null,
          source_format: 'reverie',
          source_file: 't.jsonl',
          title: 'Task 11: book a flight',
          started_at: null,
          ended_at: null,
          metadata: {},
          events: [
            {
              seq: 0,
              type: 'user.message',
              text: 'Book it',
              timestamp: null,
              source: { file: 't.jsonl', line: 1 },
            },
            {
              seq: 1,
              type: 'agent.tool_result',
              call_id: 'c1',
              tool: 'book_reservation',
              content: 'Error: payment amount does not add up',
              is_error: true,
              timestamp: null,
              source: { file: 't.jsonl', line: 2 },
            },
          ],
          outcome: { result: 'failed', score: 0, labels: [], explanation: null, source: 'test' },
        },
      ])
    ).map((s) => s.session_id);
    const store = await seedStore(storage, {
      '/facts/fare.md': 'Fare is 100.\n',
      '/MEMORY.md': '- [Fare](facts/fare.md)\n',
    });
    const ev = [
      { session_id: sessionId!, seq_from: 1, seq_to: 1, quote: 'Error: payment amount does not add up' },
    ];
    seeded = await seedDream(
      storage,
      store,
      [
        {
          op: 'create',
          path: '/mistakes/payment.md',
          after: '# Payment totals\n',
          kind: 'mistake',
          evidence: ev,
          reason: 'recurring tool error',
        },
        { op: 'create', path: '/mistakes/seats.md', after: '# Seats\n', kind: 'mistake', evidence: ev },
        { op: 'update', path: '/facts/fare.md', after: 'Fare is 120.\n', kind: 'fact', evidence: ev },
        { op: 'create', path: '/workflows/w.md', after: '# Workflow\n', kind: 'workflow', evidence: ev },
        {
          op: 'update',
          path: '/MEMORY.md',
          after: '- [Fare](facts/fare.md)\n- [Payment](mistakes/payment.md)\n',
          kind: 'index',
        },
      ],
      { check: PASSING_CHECK },
    );
  });

  it('shows the do-no-harm check: the verdict, both scores, and each regression with its paths', async () => {
    const ok = await get(`/dreams/${seeded.dream.id}`);
    expect(ok.html).toContain('Do-no-harm check: pass');
    const store = await seedStore(storage, { '/mistakes/a.md': '---\nkind: mistake\n---\nfix: retry\n' });
    const bad = await seedDream(
      storage,
      store,
      [{ op: 'delete', path: '/mistakes/a.md', kind: 'cleanup', reason: 'retired' }],
      {
        check: {
          ...PASSING_CHECK,
          verdict: 'regression',
          proposed: { ...PASSING_CHECK.proposed, errors_covered: 0 },
          regressions: [
            {
              class: 'errors',
              detail: 'probe tool errors covered: 1 → 0 of 1',
              paths: ['/mistakes/a.md'],
              session_ids: [],
            },
          ],
        },
      },
    );
    const { html } = await get(`/dreams/${bad.dream.id}`);
    expect(html).toContain('Do-no-harm check: regression');
    expect(html).toContain('nothing is applied automatically');
    expect(html).toContain(
      'errors: probe tool errors covered: 1 → 0 of 1 — review the changes on /mistakes/a.md',
    );
  });

  it('lists dreams and shows a change set grouped by kind, with diffs, evidence links and labelled forms', async () => {
    const list = await get('/dreams');
    expect(list.res.status).toBe(200);
    expect(list.html).toContain(seeded.dream.id);
    const { res, html } = await get(`/dreams/${seeded.dream.id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(html.startsWith('<!DOCTYPE html><html lang="en">')).toBe(true);
    for (const h of ['Mistakes (2)', 'Facts (1)', 'Workflows (1)', 'Index (1)']) expect(html).toContain(h);
    expect(html.indexOf('Mistakes (2)')).toBeLessThan(html.indexOf('Facts (1)'));
    expect(html).toContain('<span class="add">+# Payment totals</span>');
    expect(html).toContain('<span class="del">-Fare is 100.</span>');
    expect(html).toContain(`href="/sessions/${sessionId}?from=1&amp;to=1#seq-1"`);
    expect(html).toContain('Task 11: book a flight, event 1');
    expect(html).toContain('aria-label="Approve /mistakes/payment.md"');
    expect(html).toContain('<label for="content-');
    expect(html).toContain('recurring tool error');
    expect(html).not.toMatch(/<script/);
    expect(html).not.toMatch(/https?:\/\/(?!localhost)/);
  });

  it('approves, edits, rejects and applies through forms (POST → 303), recording the reviewer', async () => {
    const [pay, seats, fare, wf] = seeded.changes;
    let res = await post('/reviewer', { reviewer: 'Ana Lima' });
    expect(res.status).toBe(303);
    res = await post(`/changes/${pay!.id}/decision`, { decision: 'approve', comment: 'seen it too' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/dreams/${seeded.dream.id}#chg-${pay!.id}`);
    await post(`/changes/${fare!.id}/decision`, { decision: 'approve' });
    await post(`/changes/${wf!.id}/decision`, {
      decision: 'edit',
      content: '# My workflow\r\n\r\n1. check\r\n',
    });
    await post(`/changes/${seats!.id}/decision`, { decision: 'reject', comment: 'one-off' });
    const w = await review.getChange(wf!.id);
    expect(w).toMatchObject({
      status: 'edited',
      after: '# My workflow\n\n1. check\n',
      review: { by: 'Ana Lima', original_after: '# Workflow\n' },
    });
    expect((await review.getChange(pay!.id)).review).toMatchObject({
      by: 'Ana Lima',
      comment: 'seen it too',
    });

    res = await post(`/dreams/${seeded.dream.id}/apply`, {});
    expect(res.status).toBe(303);
    const { html } = await get(`/dreams/${seeded.dream.id}`);
    expect(html).toContain('Applied 3 changes');
    expect(html).toMatch(/3 applied/);
    // The flash is shown once.
    expect((await get(`/dreams/${seeded.dream.id}`)).html).not.toContain('Applied 3 changes');

    const store = seeded.store.id;
    const mem = await get(`/stores/${store}/memory?path=${encodeURIComponent('/workflows/w.md')}`);
    expect(mem.html).toContain('# My workflow');
    expect(mem.html).toContain('review by Ana Lima');
    const log = await get(`/stores/${store}/log`);
    expect(log.html).toContain('edited by Ana Lima');
    expect(log.html).toContain(`#seq-1`);

    // Decisions on applied changes are refused with 409.
    res = await post(`/changes/${pay!.id}/decision`, { decision: 'reject' });
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('decisions on applied changes are refused');
  });

  it('bulk-reviews by kind and by glob, and applies the store policy', async () => {
    let res = await post(`/dreams/${seeded.dream.id}/bulk`, {
      decision: 'approve',
      kind: 'mistake',
      status: 'pending',
    });
    expect(res.status).toBe(303);
    expect((await get(`/dreams/${seeded.dream.id}`)).html).toContain('approve: 2 changes updated.');
    res = await post(`/dreams/${seeded.dream.id}/bulk`, {
      decision: 'reject',
      path_glob: '/facts/**',
      status: 'pending',
    });
    const changes = await review.reverie.listChanges(seeded.dream.id);
    expect(changes.map((c) => c.status)).toEqual(['approved', 'approved', 'rejected', 'pending', 'pending']);
    await post(`/stores/${seeded.store.id}/policy`, {
      additions_min_support: '1',
      protected_paths: '/preferences/**\r\n',
    });
    expect((await review.getPolicy(seeded.store.id)).auto_apply.additions_min_support).toBe(1);
    expect((await review.getPolicy(seeded.store.id)).protected_paths).toEqual(['/preferences/**']);
    res = await post(`/dreams/${seeded.dream.id}/auto-apply`, {});
    expect(res.status).toBe(303);
    expect((await review.getChange(seeded.changes[3]!.id)).status).toBe('applied');
    res = await post(`/stores/${seeded.store.id}/policy`, { additions_min_support: 'zero' });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('additions_min_support');
  });

  it('shows a session with anchors, stores, versions, and rolls back after a preview', async () => {
    const s = await get(`/sessions/${sessionId}?from=1&to=1`);
    expect(s.html).toContain('id="seq-1" class="hl"');
    expect(s.html).toContain('Error: payment amount does not add up');
    const stores = await get('/stores');
    expect(stores.html).toContain(seeded.store.id);
    // Counted in one query per page (storeSummaries), 2 memories in the seeded store.
    expect(stores.html).toContain(`<td class="mono">${seeded.store.id}</td><td>2</td>`);
    await review.decideMany(seeded.dream.id, { decision: 'approve', by: 'ana' }, { all: true });
    await review.apply(seeded.dream.id, { by: 'ana' });
    const st = await get(`/stores/${seeded.store.id}`);
    expect(st.html).toContain('/mistakes/payment.md');
    expect(st.html).toContain('<label for="p-add">');
    const preview = await get(`/stores/${seeded.store.id}/rollback?before_dream=${seeded.dream.id}`);
    expect(preview.res.status).toBe(200);
    expect(preview.html).toContain('Roll back (5 steps)');
    const res = await post(`/stores/${seeded.store.id}/rollback`, { before_dream: seeded.dream.id });
    expect(res.status).toBe(303);
    expect((await review.reverie.snapshot(seeded.store.id)).map((m) => [m.path, m.content])).toEqual([
      ['/MEMORY.md', '- [Fare](facts/fare.md)\n'],
      ['/facts/fare.md', 'Fare is 100.\n'],
    ]);
    const versions = await review.reverie.listVersions(seeded.store.id, { limit: 1 });
    const v = await get(`/stores/${seeded.store.id}/versions/${versions.data[0]!.id}`);
    expect(v.html).toContain('rollback by ana');
  });

  it('refuses a DNS-rebinding page: foreign Host → 421, foreign Origin on a write → 403, nothing changed or read', async () => {
    const evil = { host: 'attacker.example:7433', origin: 'http://attacker.example:7433' };
    const policyBefore = await review.getPolicy(seeded.store.id);
    const writes: [string, Record<string, string>][] = [
      [`/stores/${seeded.store.id}/policy`, { deletions: '1', additions_min_support: '1' }],
      [`/dreams/${seeded.dream.id}/bulk`, { decision: 'approve', status: 'pending' }],
      [`/dreams/${seeded.dream.id}/apply`, {}],
    ];
    for (const [path, form] of writes) {
      const res = await post(path, form, evil);
      expect(res.status, path).toBe(421);
      expect(await res.text()).toContain('does not answer to the host name');
    }
    const read = await app.request(`/sessions/${sessionId}`, { headers: { host: evil.host } });
    expect(read.status).toBe(421);
    expect(await read.text()).not.toContain('payment amount');
    // Right Host, foreign Origin, and a content type Hono's CSRF guard does not look at.
    const json = await app.request(`/dreams/${seeded.dream.id}/apply`, {
      method: 'POST',
      body: '{}',
      headers: { host: 'localhost', origin: 'http://attacker.example', 'content-type': 'application/json' },
    });
    expect(json.status).toBe(403);
    const nullOrigin = await post(
      `/dreams/${seeded.dream.id}/bulk`,
      { decision: 'approve' },
      { origin: 'null' },
    );
    expect(nullOrigin.status).toBe(403);
    const site = await post(
      `/dreams/${seeded.dream.id}/bulk`,
      { decision: 'approve' },
      { 'sec-fetch-site': 'cross-site' },
    );
    expect(site.status).toBe(403);
    expect(await review.getPolicy(seeded.store.id)).toEqual(policyBefore);
    expect((await review.reverie.listChanges(seeded.dream.id)).map((c) => c.status)).toEqual(
      Array(5).fill('pending'),
    );
    // The configured names still work.
    const named = createReviewApp(review, {
      allowedHosts: allowedHostsFor('127.0.0.1', 7433, ['reverie.lan']),
    });
    for (const host of ['127.0.0.1:7433', 'localhost:7433', 'reverie.lan:7433', 'REVERIE.LAN.:7433'])
      expect((await named.request('/dreams', { headers: { host } })).status, host).toBe(200);
    for (const host of ['127.0.0.1:7434', 'reverie.lan', 'attacker.example:7433'])
      expect((await named.request('/dreams', { headers: { host } })).status, host).toBe(421);
  });

  it('sends security headers on every response (page, stylesheet, error, 404, 421) and needs no inline style or script', async () => {
    const responses = [
      (await get(`/dreams/${seeded.dream.id}`)).res,
      (await get('/assets/review.css')).res,
      (await get('/dreams/drm_NOPE')).res,
      (await get('/no/such/page')).res,
      await app.request('/dreams', { headers: { host: 'attacker.example' } }),
      await post(`/changes/${seeded.changes[0]!.id}/decision`, { decision: 'maybe' }),
    ];
    expect(responses.map((r) => r.status)).toEqual([200, 200, 404, 404, 421, 400]);
    for (const r of responses) {
      const csp = r.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("script-src 'none'");
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(r.headers.get('x-frame-options')).toBe('DENY');
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('referrer-policy')).toBe('same-origin');
    }
    const css = await get('/assets/review.css');
    expect(css.res.headers.get('content-type')).toMatch(/^text\/css/);
    expect(css.html).toContain('form.policy-grid');
    await review.decideMany(seeded.dream.id, { decision: 'approve', by: 'ana' }, { all: true });
    await review.apply(seeded.dream.id, { by: 'ana' });
    for (const path of [
      `/dreams/${seeded.dream.id}`,
      `/stores/${seeded.store.id}`,
      `/stores/${seeded.store.id}/log`,
      `/sessions/${sessionId}`,
    ]) {
      const { html } = await get(path);
      expect(html, path).toContain('<link rel="stylesheet" href="/assets/review.css"/>');
      expect(html, path).not.toMatch(/<script|<style|\sstyle=|\son[a-z]+=/i);
    }
  });

  it('with logins required: API key → session cookie, reviewer = key name, its workspace only, revocation ends it', async () => {
    const svc = review.reverie;
    app = createReviewApp(review, {
      auth: {
        keys: svc.keys,
        forWorkspace: (ws) => new ReviewService(svc.forWorkspace(ws), { applyHooks: {} }),
      },
    });
    const [pay] = seeded.changes;
    // Nothing without a session: pages redirect to the login, writes are refused.
    let r = await get(`/dreams/${seeded.dream.id}`);
    expect(r.res.status).toBe(303);
    expect(r.res.headers.get('location')).toBe('/login');
    expect((await post(`/changes/${pay!.id}/decision`, { decision: 'approve' })).status).toBe(401);
    expect((await review.getChange(pay!.id)).status).toBe('pending');
    expect((await get('/login')).html).toContain('name="key" type="password"');
    expect((await get('/assets/review.css')).res.status).toBe(200);
    // A wrong key, then the right one.
    const ana = await svc.keys.createKey({ name: 'Ana (key)' });
    const bad = await post('/login', { key: `${ana.key}x` });
    expect(bad.status).toBe(401);
    expect(await bad.text()).toContain('That API key is unknown or revoked.');
    const ok = await post('/login', { key: ana.key });
    expect(ok.status).toBe(303);
    expect(ok.headers.getSetCookie().join()).toMatch(
      /reverie_session=[\w-]{43}; Max-Age=43200; Path=\/; HttpOnly; SameSite=Strict/,
    );
    r = await get(`/dreams/${seeded.dream.id}`);
    expect(r.res.status).toBe(200);
    expect(r.html).toContain('Reviewing as Ana (key)');
    expect(r.html).toContain('action="/logout"');
    expect((await post(`/changes/${pay!.id}/decision`, { decision: 'approve' })).status).toBe(303);
    expect((await review.getChange(pay!.id)).review).toMatchObject({ by: 'Ana (key)' });
    expect((await post('/reviewer', { reviewer: 'someone else' })).status).toBe(403);
    // Revoking the key ends its session at the next request.
    await svc.keys.revokeKey(ana.id);
    expect((await get('/dreams')).res.headers.get('location')).toBe('/login');
    // Another workspace's key sees none of this workspace.
    cookie = '';
    const bo = await svc.keys.createKey({ name: 'Bo', workspace: 'team-b' });
    expect((await post('/login', { key: bo.key })).status).toBe(303);
    expect((await get(`/dreams/${seeded.dream.id}`)).res.status).toBe(404);
    expect((await get(`/sessions/${sessionId}`)).res.status).toBe(404);
    expect((await get(`/stores/${seeded.store.id}`)).res.status).toBe(404);
    const stores = await get('/stores');
    expect(stores.html).not.toContain(seeded.store.id);
    expect((await post(`/changes/${seeded.changes[1]!.id}/decision`, { decision: 'reject' })).status).toBe(
      404,
    );
    expect((await post(`/dreams/${seeded.dream.id}/apply`, {})).status).toBe(404);
    expect((await review.getChange(seeded.changes[1]!.id)).status).toBe('pending');
    // Log out.
    expect((await post('/logout', {})).status).toBe(303);
    expect((await get('/dreams')).res.headers.get('location')).toBe('/login');
    // A reader key browses but cannot decide.
    const reader = await svc.keys.createKey({ name: 'Rita', role: 'reader' });
    expect((await post('/login', { key: reader.key })).status).toBe(303);
    expect((await get(`/dreams/${seeded.dream.id}`)).res.status).toBe(200);
    const refused = await post(`/changes/${seeded.changes[2]!.id}/decision`, { decision: 'approve' });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('needs a reviewer key');
    expect((await review.getChange(seeded.changes[2]!.id)).status).toBe('pending');
  });

  it('maps errors to statuses and refuses cross-site posts', async () => {
    expect((await get('/dreams/drm_NOPE')).res.status).toBe(404);
    expect((await get('/no/such/page')).res.status).toBe(404);
    expect((await get(`/stores/${seeded.store.id}/memory`)).res.status).toBe(400);
    expect((await get(`/stores/${seeded.store.id}/rollback?time=2026-01-01&version=x`)).res.status).toBe(400);
    const bad = await post(`/changes/${seeded.changes[0]!.id}/decision`, { decision: 'maybe' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('decision must be one of');
    const cross = await post(
      `/changes/${seeded.changes[0]!.id}/decision`,
      { decision: 'approve' },
      { origin: 'http://evil.example' },
    );
    expect(cross.status).toBe(403);
    expect((await review.getChange(seeded.changes[0]!.id)).status).toBe('pending');
  });
});

describe('host names, bind address (issue 7 items 9 and 11)', () => {
  it('allows the bound address with its port, loopback aliases for a loopback bind, and --allowed-host names', () => {
    expect(allowedHostsFor('127.0.0.1', 7433)).toEqual(['127.0.0.1:7433', 'localhost:7433', '[::1]:7433']);
    expect(allowedHostsFor('::1', 80)).toContain('[::1]:80');
    expect(allowedHostsFor('10.1.2.3', 7433, ['Reverie.LAN.', 'proxy.example:443'])).toEqual([
      '10.1.2.3:7433',
      'reverie.lan:7433',
      'proxy.example:443',
    ]);
    expect(() => allowedHostsFor('127.0.0.1', 1, ['http://x/'])).toThrow(/not a host name/);
  });

  it('refuses to bind a non-loopback address without --insecure-no-auth, and warns with it', async () => {
    for (const h of ['127.0.0.1', '127.8.9.1', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1'])
      expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '10.0.0.5', '192.168.1.2', 'myhost.example'])
      expect(isLoopbackHost(h), h).toBe(false);
    expect(checkBindAddress('127.0.0.1', false)).toBeNull();
    expect(() => checkBindAddress('0.0.0.0', false)).toThrow(
      /refusing to listen on 0\.0\.0\.0.*--insecure-no-auth/,
    );
    expect(checkBindAddress('0.0.0.0', true)).toMatch(/WITHOUT AUTHENTICATION/);
    expect(checkBindAddress('0.0.0.0', false, true)).toBeNull();
    const review = new ReviewService(new Reverie({ storage: await openSqliteStorage(':memory:') }));
    // Refused before anything listens (no socket is opened).
    await expect(serveReviewApp(review, { host: '0.0.0.0', port: 0 })).rejects.toMatchObject({
      type: 'invalid_request_error',
      details: { field: 'host' },
    });
  });
});
