/**
 * Memory stores attached to sessions (issue 14 item 3, session side), on every dialect of
 * test/dialects.ts: the import API attaches up to 8 stores in the hosted `resources[]` shape to the
 * sessions it creates (real τ-bench and Claude Code transcripts), echoes name, description (snapshots)
 * and mount_path, lists sessions by `memory_store_id`, refuses bad attachments naming the field, and
 * refuses writes made through a session to a store it attached read_only; the MCP server of a session
 * mounts its stores at /mnt/memory/<slug>/ with their access.
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type ServerType, serve } from '@hono/node-server';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect } from 'vitest';
import { createApiApp } from '../src/api/index.js';
import { createServedMcpHandler } from '../src/mcp/serve-mount.js';
import { createSessionMcpServer } from '../src/mcp/session-server.js';
import { Reverie } from '../src/service/index.js';
import { CLAUDE_CODE, itWithData, TAU } from './data.js';
import { DIALECTS } from './dialects.js';

const CC_FILE = join(CLAUDE_CODE, '4b2030ed-5563-49ea-b703-6a002f2d3cc8.jsonl');

/** A service on a fresh storage of `dialect`, its API app and an admin key. */
async function fixture(dialect: (typeof DIALECTS)[number]) {
  const svc = new Reverie({ storage: await dialect.open() });
  const app = createApiApp(svc);
  const admin = (await svc.keys.createKey({ name: 'admin' })).key;
  const call = async (key: string, method: string, path: string, body?: unknown, headers = {}) => {
    const res = await app.request(path, {
      method,
      headers: {
        'x-api-key': key,
        'content-type':
          typeof body === 'string' || body instanceof Uint8Array
            ? 'application/octet-stream'
            : 'application/json',
        ...headers,
      },
      body:
        body === undefined || typeof body === 'string' || body instanceof Uint8Array
          ? body
          : JSON.stringify(body),
    });
    // biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field
    return { status: res.status, body: (await res.json()) as any };
  };
  const upload = (key: string, file: string, name: string, resources?: unknown) =>
    call(
      key,
      'POST',
      `/v1/reverie/sessions?filename=${name}${resources === undefined ? '' : `&resources=${encodeURIComponent(typeof resources === 'string' ? resources : JSON.stringify(resources))}`}`,
      new Uint8Array(readFileSync(file)),
    );
  return { svc, call, upload, admin };
}

/** Every session id of a listing, following `next_page`. */
async function allIds(
  call: Awaited<ReturnType<typeof fixture>>['call'],
  key: string,
  query: string,
): Promise<string[]> {
  const ids: string[] = [];
  let page: string | null = null;
  do {
    const r = await call(key, 'GET', `/v1/reverie/sessions?limit=30${query}${page ? `&page=${page}` : ''}`);
    expect(r.status).toBe(200);
    ids.push(...r.body.data.map((s: { id: string }) => s.id));
    page = r.body.next_page;
  } while (page);
  return ids.sort();
}

describe.each(DIALECTS)('sessions with attached memory stores ($name)', (dialect) => {
  itWithData(
    'the import API attaches stores in the hosted shape, echoes them, and lists sessions by store',
    async () => {
      const { svc, call, upload, admin } = await fixture(dialect);
      try {
        const support = await svc.createStore({
          name: 'Support Team',
          description: 'How we answer customers',
        });
        const handbook = await svc.createStore({ name: 'Org handbook (2026)' });
        const resources = [
          { type: 'memory_store', memory_store_id: support.id, instructions: 'Check refunds rules first.' },
          { type: 'memory_store', memory_store_id: handbook.id, access: 'read_only' },
        ];
        const tau = await upload(admin, TAU, 'airline.json', resources);
        expect(tau.status, JSON.stringify(tau.body)).toBe(200);
        expect(tau.body.sessions).toHaveLength(100);
        const echoed = [
          {
            type: 'memory_store',
            memory_store_id: support.id,
            access: 'read_write',
            instructions: 'Check refunds rules first.',
            name: 'Support Team',
            description: 'How we answer customers',
            mount_path: '/mnt/memory/support-team/',
          },
          {
            type: 'memory_store',
            memory_store_id: handbook.id,
            access: 'read_only',
            instructions: null,
            name: 'Org handbook (2026)',
            description: '',
            mount_path: '/mnt/memory/org-handbook-2026-/',
          },
        ];
        expect(tau.body.resources).toEqual(echoed);
        const cc = await upload(admin, CC_FILE, 'cc.jsonl', [
          { memory_store_id: handbook.id, access: 'read_only' },
        ]);
        expect(cc.status).toBe(200);
        const ccId = cc.body.sessions[0].session_id;
        // name and description are snapshots: renaming the store later leaves the sessions' copies alone
        await svc.updateStore(support.id, { name: 'Renamed', description: 'changed' });
        const one = await call(admin, 'GET', `/v1/reverie/sessions/${tau.body.sessions[7].session_id}`);
        expect(one.body.resources).toEqual(echoed);
        const tauIds = tau.body.sessions.map((s: { session_id: string }) => s.session_id).sort();
        expect(await allIds(call, admin, `&memory_store_id=${support.id}`)).toEqual(tauIds);
        expect(await allIds(call, admin, `&memory_store_id=${handbook.id}`)).toEqual(
          [...tauIds, ccId].sort(),
        );
        const listed = await call(
          admin,
          'GET',
          `/v1/reverie/sessions?memory_store_id=${handbook.id}&limit=1`,
        );
        expect(listed.body.data[0].resources.map((r: { mount_path: string }) => r.mount_path)).toContain(
          '/mnt/memory/org-handbook-2026-/',
        );
        // stores attach at creation only: re-uploading (unchanged sessions) changes nothing
        const again = await upload(admin, CC_FILE, 'cc.jsonl', [{ memory_store_id: support.id }]);
        expect(again.body.sessions[0].status).toBe('unchanged');
        expect((await svc.sessionResources([ccId])).get(ccId)!.map((r) => r.memory_store_id)).toEqual([
          handbook.id,
        ]);
      } finally {
        await svc.close();
      }
    },
  );

  itWithData('bad attachments are refused naming the field, and nothing is imported', async () => {
    const { svc, call, upload, admin } = await fixture(dialect);
    try {
      const ok = await svc.createStore({ name: 'ok' });
      const archived = await svc.createStore({ name: 'old' });
      await svc.archiveStore(archived.id);
      const team = await svc.createStore({ name: 'alpha team' });
      await svc.teams.createTeam('alpha');
      await svc.teams.setScope(team.id, { type: 'team', id: 'alpha' });
      const other = (await svc.keys.resolveWorkspace('other')).workspace.id;
      const elsewhere = await svc.forWorkspace(other).createStore({ name: 'x' });
      const writer = (await svc.keys.createKey({ name: 'w', role: 'writer' })).key;
      const refused = async (key: string, resources: unknown, status: number, field: string | RegExp) => {
        const r = await upload(key, CC_FILE, 'cc.jsonl', resources);
        expect(r.status, JSON.stringify(r.body)).toBe(status);
        expect(r.body.error.message).toMatch(typeof field === 'string' ? `${field}:` : field);
      };
      const nine = Array.from({ length: 9 }, () => ({ memory_store_id: ok.id }));
      await refused(admin, nine, 400, /^resources: a session attaches at most 8 memory stores, got 9/);
      await refused(
        admin,
        [{ memory_store_id: ok.id }, { memory_store_id: archived.id }],
        400,
        'resources[1].memory_store_id',
      );
      await refused(
        admin,
        [{ memory_store_id: ok.id }, { memory_store_id: ok.id }],
        400,
        'resources[1].memory_store_id',
      );
      await refused(admin, [{ memory_store_id: elsewhere.id }], 404, 'resources[0].memory_store_id');
      await refused(admin, [{ memory_store_id: 'memstore_nope' }], 404, 'resources[0].memory_store_id');
      await refused(admin, [{ memory_store_id: ok.id, access: 'write' }], 400, 'resources[0].access');
      await refused(admin, [{ type: 'file', memory_store_id: ok.id }], 400, 'resources[0].type');
      await refused(
        admin,
        [{ memory_store_id: ok.id, instructions: 'x'.repeat(4097) }],
        400,
        'resources[0].instructions',
      );
      await refused(admin, '[{', 400, /^resources: must be a JSON array/);
      // a writer key may read a team store but not write it: read_write is refused, read_only is not
      await refused(
        writer,
        [{ memory_store_id: ok.id }, { memory_store_id: team.id }],
        403,
        'resources[1].access',
      );
      // a key that acts as a person outside team alpha does not see its store at all
      const bob = (
        await svc.keys.createKey({ name: 'bob', role: 'writer', member: { type: 'person', id: 'bob' } })
      ).key;
      await refused(
        bob,
        [{ memory_store_id: team.id, access: 'read_only' }],
        404,
        'resources[0].memory_store_id',
      );
      expect((await svc.listSessions({})).data).toHaveLength(0);
      const fine = await upload(writer, CC_FILE, 'cc.jsonl', [
        { memory_store_id: team.id, access: 'read_only' },
      ]);
      expect(fine.status).toBe(200);
      const four096 = await upload(admin, TAU, 't.json', [
        { memory_store_id: ok.id, instructions: 'é'.repeat(4096) },
      ]);
      expect(four096.status).toBe(200);
      void call;
    } finally {
      await svc.close();
    }
  });

  itWithData('a member key sees a session only with the attachments of stores it may see', async () => {
    const { svc, call, admin } = await fixture(dialect);
    try {
      await svc.teams.createTeam('alpha');
      await svc.teams.createTeam('beta');
      await svc.teams.addMembers('alpha', [{ type: 'person', id: 'alice' }]);
      const open = await svc.createStore({ name: 'handbook' });
      const beta = await svc.createStore({ name: 'beta secrets' });
      await svc.teams.setScope(beta.id, { type: 'team', id: 'beta' });
      const res = encodeURIComponent(
        JSON.stringify([{ memory_store_id: open.id }, { memory_store_id: beta.id }]),
      );
      const r = await call(
        admin,
        'POST',
        `/v1/reverie/sessions?filename=cc.jsonl&team_id=alpha&resources=${res}`,
        new Uint8Array(readFileSync(CC_FILE)),
      );
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      const id = r.body.sessions[0].session_id;
      const alice = (
        await svc.keys.createKey({ name: 'alice', role: 'reader', member: { type: 'person', id: 'alice' } })
      ).key;
      const seen = await call(alice, 'GET', `/v1/reverie/sessions/${id}`);
      expect(seen.status).toBe(200);
      expect(seen.body.resources.map((x: { name: string }) => x.name)).toEqual(['handbook']);
      const whole = await call(admin, 'GET', `/v1/reverie/sessions/${id}`);
      expect(whole.body.resources.map((x: { name: string }) => x.name)).toEqual(['handbook', 'beta secrets']);
    } finally {
      await svc.close();
    }
  });

  itWithData(
    'writes through a session: its read_write stores take them, read_only and unattached stores answer 403',
    async () => {
      const { svc, call, upload, admin } = await fixture(dialect);
      try {
        const rw = await svc.createStore({ name: 'notes' });
        const ro = await svc.createStore({ name: 'handbook' });
        const other = await svc.createStore({ name: 'other' });
        const r = await upload(admin, CC_FILE, 'cc.jsonl', [
          { memory_store_id: rw.id },
          { memory_store_id: ro.id, access: 'read_only' },
        ]);
        const session = r.body.sessions[0].session_id;
        const h = { 'x-reverie-session-id': session };
        const mem = { path: '/lesson.md', content: 'Run the tests before pushing.\n' };
        const written = await call(admin, 'POST', `/v1/memory_stores/${rw.id}/memories`, mem, h);
        expect(written.status).toBe(200);
        // the write is the session's, in the hosted actor shape, as an MCP write through it is
        const versions = await call(
          admin,
          'GET',
          `/v1/memory_stores/${rw.id}/memory_versions?memory_id=${written.body.id}`,
        );
        expect(versions.body.data.map((v: { created_by: unknown }) => v.created_by)).toEqual([
          { type: 'session_actor', session_id: session },
        ]);
        const refused = await call(admin, 'POST', `/v1/memory_stores/${ro.id}/memories`, mem, h);
        expect(refused.status).toBe(403);
        expect(refused.body.error).toMatchObject({ type: 'permission_error' });
        expect(refused.body.error.message).toContain(`attached read_only to session ${session}`);
        expect(refused.body.error.message).toContain('/mnt/memory/handbook/');
        const unattached = await call(admin, 'POST', `/v1/memory_stores/${other.id}/memories`, mem, h);
        expect(unattached.status).toBe(403);
        expect(unattached.body.error.message).toContain('is not attached to session');
        expect((await svc.listMemories(ro.id)).data).toHaveLength(0);
        // without the header the same key writes as before
        expect((await call(admin, 'POST', `/v1/memory_stores/${ro.id}/memories`, mem)).status).toBe(200);
        expect(
          (
            await call(admin, 'POST', `/v1/memory_stores/${ro.id}/memories`, mem, {
              'x-reverie-session-id': 'sesn_nope',
            })
          ).status,
        ).toBe(404);
      } finally {
        await svc.close();
      }
    },
  );

  itWithData(
    'the MCP server of a session mounts its stores at /mnt/memory/<slug>/ with their access',
    async () => {
      const { svc, upload, admin } = await fixture(dialect);
      try {
        const rw = await svc.createStore({ name: 'Team Notes', description: 'what the team learned' });
        await svc.createMemory(rw.id, {
          path: '/mistakes/flaky-test.md',
          content: 'Retry the flaky test once.\n',
        });
        const ro = await svc.createStore({ name: 'Org' });
        await svc.createMemory(ro.id, { path: '/rules.md', content: 'Never force-push main.\n' });
        const r = await upload(admin, CC_FILE, 'cc.jsonl', [
          { memory_store_id: rw.id, instructions: 'Record fixes that worked.' },
          { memory_store_id: ro.id, access: 'read_only' },
        ]);
        const session = r.body.sessions[0].session_id;
        const { server } = await createSessionMcpServer(svc, session);
        const [a, b] = InMemoryTransport.createLinkedPair();
        await server.connect(a);
        const client = new Client({ name: 'test', version: '1' });
        await client.connect(b);
        const tool = async (args: Record<string, unknown>) =>
          (await client.callTool({ name: 'memory', arguments: args })) as CallToolResult;
        const text = (x: CallToolResult) => (x.content[0] as { text: string }).text;
        expect(client.getInstructions()).toContain('Team Notes at /mnt/memory/team-notes/ (read-write)');
        expect(client.getInstructions()).toContain('Instructions: Record fixes that worked.');
        expect(client.getInstructions()).toContain('Org at /mnt/memory/org/ (read-only)');
        const root = text(await tool({ command: 'view', path: '/mnt/memory' }));
        expect(root).toMatch(/^27B\t\/mnt\/memory\/team-notes\/mistakes\/$/m);
        expect(text(await tool({ command: 'view', path: '/mnt/memory/team-notes/' }))).toContain(
          '/mnt/memory/team-notes/mistakes/flaky-test.md',
        );
        expect(root).toContain('/mnt/memory/org/rules.md');
        const file = text(await tool({ command: 'view', path: '/mnt/memory/org/rules.md' }));
        expect(file).toBe(
          "Here's the content of /mnt/memory/org/rules.md with line numbers:\n     1\tNever force-push main.\n     2\t",
        );
        const created = await tool({
          command: 'create',
          path: '/mnt/memory/team-notes/a.md',
          file_text: 'x\n',
        });
        expect(text(created)).toBe('File created successfully at: /mnt/memory/team-notes/a.md');
        const versions = await svc.listVersions(rw.id);
        expect(versions.data[0]!.created_by).toEqual({ type: 'session_actor', id: session });
        const denied = await tool({ command: 'create', path: '/mnt/memory/org/b.md', file_text: 'x\n' });
        expect(denied.isError).toBe(true);
        expect(text(denied)).toContain('/mnt/memory/org/ (Org) is attached read_only to this session');
        expect((await tool({ command: 'delete', path: '/mnt/memory/org/rules.md' })).isError).toBe(true);
        expect((await tool({ command: 'create', path: '/mnt/memory/x.md', file_text: 'x' })).isError).toBe(
          true,
        );
        expect(text(await tool({ command: 'view', path: '/mnt/memory/team-notes/../../etc' }))).toContain(
          'would escape',
        );
        expect(text(await tool({ command: 'view', path: '/mnt/memory/team-notes/nope.md' }))).toBe(
          'The path /mnt/memory/team-notes/nope.md does not exist. Please provide a valid path.',
        );
        expect((await svc.listMemories(ro.id)).data.map((m) => m.path)).toEqual(['/rules.md']);
        const hits = (await client.callTool({
          name: 'memory_search',
          arguments: { query: 'force-push' },
        })) as CallToolResult;
        expect(text(hits)).toMatch(/^\/mnt\/memory\/org\/rules\.md/);
        await client.close();
      } finally {
        await svc.close();
      }
    },
  );

  itWithData(
    'MCP over HTTP with ?session=: the key sees the mounts, writes only where attached read_write and allowed',
    async () => {
      const { svc, upload, admin } = await fixture(dialect);
      const mcp = createServedMcpHandler(svc);
      const http: ServerType = serve({ fetch: (req) => mcp.handle(req), port: 0, hostname: '127.0.0.1' });
      await new Promise((r) => http.once('listening', r));
      const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`;
      try {
        const notes = await svc.createStore({ name: 'notes' });
        const team = await svc.createStore({ name: 'alpha team' });
        await svc.teams.createTeam('alpha');
        await svc.teams.setScope(team.id, { type: 'team', id: 'alpha' });
        const r = await upload(admin, CC_FILE, 'cc.jsonl', [
          { memory_store_id: notes.id },
          { memory_store_id: team.id },
        ]);
        expect(r.status, JSON.stringify(r.body)).toBe(200);
        const session = r.body.sessions[0].session_id;
        const writer = (await svc.keys.createKey({ name: 'w', role: 'writer' })).key;
        const client = new Client({ name: 'agent', version: '1.0' });
        await client.connect(
          new StreamableHTTPClientTransport(new URL(`${base}?session=${session}`), {
            requestInit: { headers: { authorization: `Bearer ${writer}` } },
          }),
        );
        const run = async (args: Record<string, unknown>) => {
          const x = (await client.callTool({ name: 'memory', arguments: args })) as CallToolResult;
          return { error: x.isError === true, text: (x.content[0] as { text: string }).text };
        };
        expect(await run({ command: 'create', path: '/mnt/memory/notes/a.md', file_text: 'a\n' })).toEqual({
          error: false,
          text: 'File created successfully at: /mnt/memory/notes/a.md',
        });
        // attached read_write by an admin, but a writer key may not write a team store: mounted read-only
        const denied = await run({
          command: 'create',
          path: '/mnt/memory/alpha-team/b.md',
          file_text: 'b\n',
        });
        expect(denied.error).toBe(true);
        expect(denied.text).toContain('/mnt/memory/alpha-team/ (alpha team) is attached read_only');
        expect((await svc.listVersions(notes.id)).data[0]!.created_by).toEqual({
          type: 'session_actor',
          id: session,
        });
        await client.close();
        const res = await fetch(`${base}?session=sesn_nope`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${writer}`,
            'content-type': 'application/json',
            accept: 'application/json, text/event-stream',
          },
          body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
        });
        expect(res.status).toBe(401);
      } finally {
        await mcp.close();
        await new Promise((r) => http.close(r));
        await svc.close();
      }
    },
  );
});
