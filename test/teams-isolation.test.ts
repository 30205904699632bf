/**
 * Scopes and roles (issue 14 items 3–5), on every dialect of test/dialects.ts: a reader cannot write,
 * a writer cannot approve nor write a team store, a member of team A cannot read team B's store
 * through the HTTP API, MCP or the review page, and an agent reads its team's and organisation's
 * memory read-only at /memories/team/ and /memories/org/ over MCP.
 */
import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { createApiApp } from '../src/api/index.js';
import { createServedMcpHandler } from '../src/mcp/serve-mount.js';
import { Reverie } from '../src/service/index.js';
import { ReviewService } from '../src/service/review-service.js';
import type { Storage } from '../src/storage/index.js';
import { createReviewApp } from '../src/ui/index.js';
import { DIALECTS } from './dialects.js';
import { seedDream } from './e2e/fixtures.js';

async function setup(svc: Reverie, storage: Storage) {
  const t = svc.teams;
  await t.createTeam('alpha');
  await t.createTeam('beta');
  await t.addMembers('alpha', [
    { type: 'person', id: 'alice' },
    { type: 'agent', id: 'alpha-bot' },
  ]);
  await t.addMembers('beta', [{ type: 'person', id: 'bob' }]);
  const store = async (
    name: string,
    scope: Parameters<typeof t.setScope>[1],
    memories: Record<string, string>,
  ) => {
    const s = await svc.createStore({ name });
    await t.setScope(s.id, scope);
    for (const [path, content] of Object.entries(memories)) await svc.createMemory(s.id, { path, content });
    return s.id;
  };
  const ids = {
    alpha: await store(
      'alpha team',
      { type: 'team', id: 'alpha' },
      { '/preferences/pnpm.md': 'Use pnpm.\n' },
    ),
    beta: await store('beta team', { type: 'team', id: 'beta' }, { '/secret-plan.md': 'beta only\n' }),
    org: await store(
      'org',
      { type: 'organisation' },
      { '/preferences/commits.md': 'Conventional Commits.\n' },
    ),
    alice: await store('alice', { type: 'person', id: 'alice' }, { '/notes.md': 'alice notes\n' }),
    bob: await store('bob', { type: 'person', id: 'bob' }, { '/notes.md': 'bob notes\n' }),
    bot: await store('alpha-bot', { type: 'agent', id: 'alpha-bot' }, { '/own.md': 'bot notes\n' }),
  };
  const alphaStore = await svc.getStore(ids.alpha);
  const betaStore = await svc.getStore(ids.beta);
  const alphaDream = await seedDream(storage, alphaStore, [
    { op: 'create', path: '/preferences/x.md', after: 'x\n' },
  ]);
  const betaDream = await seedDream(storage, betaStore, [{ op: 'create', path: '/y.md', after: 'y\n' }]);
  const key = async (name: string, role: 'reader' | 'writer' | 'reviewer', member: string) =>
    (
      await svc.keys.createKey({
        name,
        role,
        member: { type: member.split(':')[0] as 'person' | 'agent', id: member.split(':')[1]! },
      })
    ).key;
  const keys = {
    aliceReader: await key('alice-r', 'reader', 'person:alice'),
    aliceWriter: await key('alice-w', 'writer', 'person:alice'),
    aliceReviewer: await key('alice-rv', 'reviewer', 'person:alice'),
    bot: await key('alpha-bot', 'writer', 'agent:alpha-bot'),
  };
  const session = async (ext: string, user: string, team: string) =>
    (
      await storage.importSessions([
        {
          external_id: ext,
          agent_id: 'agent',
          user_id: user,
          team_id: team,
          parent_external_id: null,
          source_format: 'reverie',
          source_file: `${ext}.jsonl`,
          title: ext,
          started_at: null,
          ended_at: null,
          metadata: {},
          events: [
            {
              seq: 0,
              type: 'user.message',
              timestamp: null,
              text: `${user} here`,
              source: { file: 'x', line: 1 },
            },
          ],
          outcome: null,
        },
      ])
    )[0]!.session_id;
  const sessions = {
    alice: await session('s-alice', 'alice', 'alpha'),
    bob: await session('s-bob', 'bob', 'beta'),
  };
  return { ids, keys, alphaDream, betaDream, sessions };
}

describe.each(DIALECTS)('scopes and roles ($name)', (dialect) => {
  it('HTTP API: readers do not write, writers neither approve nor write team stores, team B stays invisible', async () => {
    const storage = await dialect.open();
    const svc = new Reverie({ storage });
    try {
      const { ids, keys, alphaDream, betaDream, sessions } = await setup(svc, storage);
      const app = createApiApp(svc);
      const call = async (key: string, method: string, path: string, body?: unknown) => {
        const res = await app.request(path, {
          method,
          headers: { 'x-api-key': key, ...(body ? { 'content-type': 'application/json' } : {}) },
          body: body ? JSON.stringify(body) : undefined,
        });
        // biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field
        return { status: res.status, body: (await res.json()) as any };
      };
      const mem = { path: '/new.md', content: 'hello\n' };
      // a reader cannot write, even its own store
      expect(
        (await call(keys.aliceReader, 'POST', `/v1/memory_stores/${ids.alice}/memories`, mem)).status,
      ).toBe(403);
      expect(
        (await call(keys.aliceWriter, 'POST', `/v1/memory_stores/${ids.alice}/memories`, mem)).status,
      ).toBe(200);
      // a writer cannot write its team's store, nor decide its changes; a reviewer can
      const teamWrite = await call(keys.aliceWriter, 'POST', `/v1/memory_stores/${ids.alpha}/memories`, mem);
      expect(teamWrite).toMatchObject({ status: 403, body: { error: { type: 'permission_error' } } });
      const change = alphaDream.changes[0]!.id;
      const decide = (k: string) =>
        call(k, 'POST', `/v1/reverie/changes/${change}/decision`, { decision: 'approve' });
      expect((await decide(keys.aliceWriter)).status).toBe(403);
      expect((await svc.getDream(alphaDream.dream.id)).status).toBe('completed');
      const ok = await decide(keys.aliceReviewer);
      expect(ok.status).toBe(200);
      expect(ok.body.review.by).toBe('alice-rv');
      expect(
        (await call(keys.aliceReviewer, 'POST', `/v1/memory_stores/${ids.alpha}/memories`, mem)).status,
      ).toBe(200);
      // team B's and bob's stores, memories, dreams and changes are absent for alice
      for (const k of [keys.aliceReader, keys.aliceReviewer]) {
        const list = await call(k, 'GET', '/v1/memory_stores?limit=100');
        expect(list.body.data.map((s: { id: string }) => s.id).sort()).toEqual(
          [ids.alpha, ids.org, ids.alice].sort(),
        );
        for (const path of [
          `/v1/memory_stores/${ids.beta}`,
          `/v1/memory_stores/${ids.beta}/memories`,
          `/v1/memory_stores/${ids.beta}/memory_versions`,
          `/v1/memory_stores/${ids.bob}`,
          `/v1/dreams/${betaDream.dream.id}`,
          `/v1/reverie/dreams/${betaDream.dream.id}/changes`,
          `/v1/reverie/memory_stores/${ids.beta}/log`,
          '/v1/reverie/teams/beta',
          `/v1/reverie/sessions/${sessions.bob}`,
        ])
          expect((await call(k, 'GET', path)).status, path).toBe(404);
        expect(
          (await call(k, 'GET', '/v1/dreams?limit=100')).body.data.map((d: { id: string }) => d.id),
        ).toEqual([alphaDream.dream.id]);
        const seen = await call(k, 'GET', '/v1/reverie/sessions?limit=100');
        expect(seen.body.data.map((x: { id: string }) => x.id)).toEqual([sessions.alice]);
        const teams = await call(k, 'GET', '/v1/reverie/teams');
        expect(teams.body.data.map((t: { name: string }) => t.name)).toEqual(['alpha']);
      }
      const betaChange = betaDream.changes[0]!.id;
      expect(
        (
          await call(keys.aliceReviewer, 'POST', `/v1/reverie/changes/${betaChange}/decision`, {
            decision: 'approve',
          })
        ).status,
      ).toBe(404);
      expect((await svc.listChanges(betaDream.dream.id))[0]!.status).toBe('pending');
      expect((await svc.getMemoryByPath(ids.beta, '/secret-plan.md')).content).toBe('beta only\n');
      // attachments: at most 8, and read_only is enforced for the agent's key
      expect(
        (
          await call(keys.aliceReviewer, 'PUT', '/v1/reverie/agents/alpha-bot/memory_stores', {
            memory_stores: [],
          })
        ).status,
      ).toBe(403); // administration needs an admin key
      await svc.teams.attachStores('alpha-bot', [{ memory_store_id: ids.alice, access: 'read_only' }]);
      expect((await call(keys.bot, 'GET', `/v1/memory_stores/${ids.alice}/memories`)).status).toBe(200);
      expect((await call(keys.bot, 'POST', `/v1/memory_stores/${ids.alice}/memories`, mem)).status).toBe(403);
      const admin = (await svc.keys.createKey({ name: 'admin' })).key;
      const nine = Array.from({ length: 9 }, () => ({ memory_store_id: ids.org }));
      const tooMany = await call(admin, 'PUT', '/v1/reverie/agents/alpha-bot/memory_stores', {
        memory_stores: nine,
      });
      expect(tooMany).toMatchObject({ status: 400, body: { error: { type: 'invalid_request_error' } } });
      // an archived store is read-only history: attaching it is refused, naming the entry
      const old = await svc.createStore({ name: 'old notes' });
      await svc.archiveStore(old.id);
      const archived = await call(admin, 'PUT', '/v1/reverie/agents/alpha-bot/memory_stores', {
        memory_stores: [{ memory_store_id: ids.org }, { memory_store_id: old.id }],
      });
      expect(archived.status).toBe(400);
      expect(archived.body.error.message).toMatch(/^memory_stores\[1\]\.memory_store_id: .* is archived/);
      expect((await svc.teams.attachedStores('alpha-bot')).map((a) => a.memory_store_id)).toEqual([
        ids.alice,
      ]);
    } finally {
      await svc.close();
    }
  }, 60_000);

  it('MCP: the agent reads its team and org read-only under /memories/team/ and /memories/org/, never team B', async () => {
    const storage = await dialect.open();
    const svc = new Reverie({ storage });
    const { ids, keys } = await setup(svc, storage);
    const mcp = createServedMcpHandler(svc);
    const http: ServerType = serve({ fetch: (req) => mcp.handle(req), port: 0, hostname: '127.0.0.1' });
    await new Promise((r) => http.once('listening', r));
    const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`;
    const connect = async (key: string, store?: string) => {
      const client = new Client({ name: 'agent', version: '1.0' });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(store ? `${base}?store=${store}` : base), {
          requestInit: { headers: { authorization: `Bearer ${key}` } },
        }),
      );
      return client;
    };
    const run = async (c: Client, args: Record<string, unknown>) => {
      const r = (await c.callTool({ name: 'memory', arguments: args })) as CallToolResult;
      return { error: r.isError === true, text: (r.content[0] as { text: string }).text };
    };
    try {
      const bot = await connect(keys.bot); // no ?store: the agent's own store
      const root = await run(bot, { command: 'view', path: '/memories' });
      expect(root.text).toContain('\t/memories/own.md');
      expect(root.text).toContain('\t/memories/team/preferences/');
      expect(root.text).toContain('\t/memories/org/preferences/');
      expect(await run(bot, { command: 'view', path: '/memories/team/preferences/pnpm.md' })).toEqual({
        error: false,
        text: "Here's the content of /memories/team/preferences/pnpm.md with line numbers:\n     1\tUse pnpm.\n     2\t",
      });
      expect(
        (await run(bot, { command: 'view', path: '/memories/org/preferences/commits.md' })).text,
      ).toContain('Conventional Commits.');
      const search = async (args: Record<string, unknown>) =>
        ((await bot.callTool({ name: 'memory_search', arguments: args })) as CallToolResult).content[0] as {
          text: string;
        };
      expect((await search({ query: 'pnpm' })).text).toMatch(
        /^\/memories\/team\/preferences\/pnpm\.md \(score/,
      );
      expect((await search({ query: 'conventional commits' })).text).toMatch(
        /^\/memories\/org\/preferences\/commits\.md/,
      );
      expect((await search({ query: 'pnpm', path_prefix: '/memories/org/' })).text).toBe(
        'No memory matches "pnpm".',
      );
      expect((await search({ query: 'bot notes' })).text).toMatch(/^\/memories\/own\.md/);
      expect((await search({ query: 'beta' })).text).toBe('No memory matches "beta".');
      const refused = await run(bot, { command: 'create', path: '/memories/team/new.md', file_text: 'x' });
      expect(refused).toEqual({
        error: true,
        text: "/memories/team is the team's memory and read-only here: create is not allowed (view is)",
      });
      expect(
        (
          await run(bot, {
            command: 'str_replace',
            path: '/memories/org/preferences/commits.md',
            old_str: 'C',
            new_str: 'c',
          })
        ).error,
      ).toBe(true);
      expect(
        (
          await run(bot, {
            command: 'rename',
            old_path: '/memories/own.md',
            new_path: '/memories/team/own.md',
          })
        ).error,
      ).toBe(true);
      expect(
        (await run(bot, { command: 'create', path: '/memories/mine.md', file_text: 'mine\n' })).error,
      ).toBe(false);
      expect((await svc.getMemoryByPath(ids.bot, '/mine.md')).content).toBe('mine\n');
      // the agent's own memory overrides the team's for it: the team file says so when read
      const teamFile = { command: 'view', path: '/memories/team/preferences/pnpm.md' };
      expect((await run(bot, teamFile)).text).not.toContain('Note:');
      await run(bot, {
        command: 'create',
        path: '/memories/preferences/pnpm.md',
        file_text: 'We use yarn here.\n',
      });
      expect((await run(bot, teamFile)).text).toMatch(
        /\n\nNote: your own \/memories\/preferences\/pnpm\.md overrides this team memory for you\.$/,
      );
      expect((await svc.listMemories(ids.alpha)).data.map((m) => m.path)).toEqual(['/preferences/pnpm.md']);
      await bot.close();
      // a team store opened directly is read-only for a writer key; team B's is not served at all
      const direct = await connect(keys.bot, ids.alpha);
      expect((await run(direct, { command: 'create', path: '/memories/z.md', file_text: 'z' })).error).toBe(
        true,
      );
      await direct.close();
      await expect(connect(keys.bot, ids.beta)).rejects.toThrow(/401|unauthorized/i);
      await expect(connect(keys.aliceReviewer, ids.bob)).rejects.toThrow(/401|unauthorized/i);
      // an applied change to the team store is what every member reads next
      await svc.createMemory(ids.alpha, { path: '/preferences/utc.md', content: 'Log in UTC.\n' });
      const again = await connect(keys.bot);
      expect(
        (await run(again, { command: 'view', path: '/memories/team/preferences/utc.md' })).text,
      ).toContain('Log in UTC.');
      await again.close();
    } finally {
      await mcp.close();
      await new Promise((r) => http.close(r));
      await svc.close();
    }
  }, 60_000);

  it('review page: a logged-in member of team A gets 404 for team B’s store and dreams', async () => {
    const storage = await dialect.open();
    const svc = new Reverie({ storage });
    try {
      const { ids, keys, betaDream, alphaDream, sessions } = await setup(svc, storage);
      const app = createReviewApp(new ReviewService(svc, { applyHooks: {} }), {
        auth: {
          keys: svc.keys,
          forWorkspace: (ws) => new ReviewService(svc.forWorkspace(ws), { applyHooks: {} }),
          forPrincipal: (p) => new ReviewService(svc.forPrincipal(p), { applyHooks: {} }),
        },
      });
      const login = await app.request('/login', {
        method: 'POST',
        body: new URLSearchParams({ key: keys.aliceReviewer }),
        headers: { origin: 'http://localhost', 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(login.status).toBe(303);
      const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
      const get = async (path: string) => (await app.request(path, { headers: { cookie } })).status;
      expect(await get(`/stores/${ids.alpha}`)).toBe(200);
      expect(await get(`/dreams/${alphaDream.dream.id}`)).toBe(200);
      expect(await get(`/stores/${ids.beta}`)).toBe(404);
      expect(await get(`/stores/${ids.bob}`)).toBe(404);
      expect(await get(`/dreams/${betaDream.dream.id}`)).toBe(404);
      expect(await get(`/sessions/${sessions.alice}`)).toBe(200);
      expect(await get(`/sessions/${sessions.bob}`)).toBe(404);
      const list = await (await app.request('/stores', { headers: { cookie } })).text();
      expect(list).toContain(ids.alpha);
      expect(list).not.toContain(ids.beta);
    } finally {
      await svc.close();
    }
  }, 60_000);
});
