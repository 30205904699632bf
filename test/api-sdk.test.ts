/**
 * Contract test of the HTTP API (issue 9): the unmodified official `@anthropic-ai/sdk` (1.x, as
 * installed) pointed at a running `reverie serve` process on a loopback port drives every memory-store,
 * memory and memory-version method, including the errors it must understand (404, 409 path conflict and precondition,
 * 400 path rules, 401 wrong key) and auto-pagination with `limit: 1`; and two workspaces that cannot
 * see or touch each other's stores through the SDK.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { SessionMemoryStores } from '@anthropic-ai/sdk/tools/agent-toolset/node';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliRunner } from './cli-harness.js';
import { TAU } from './data.js';

const ROOT = resolve(import.meta.dirname, '..');
// The built CLI (`./dev` builds dist/ before running anything, `./dev test` included): the review page's
// .tsx sources cannot run under Node's type stripping.
const MAIN = join(ROOT, 'dist/src/cli/main.js');
const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

let dir: string;
let server: ChildProcess;
let baseURL: string;
let keyA: string;
let keyB: string;
let sessionIds: string[];

/** Starts `reverie --db FILE serve --port 0` (the built CLI); resolves with its URL once it listens. */
function startServe(db: string): Promise<string> {
  if (!existsSync(MAIN))
    throw new Error(`${MAIN} is missing: run the tests through ./dev, which builds dist/`);
  server = spawn(process.execPath, [MAIN, '--db', db, 'serve', '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((res, rej) => {
    let out = '';
    let err = '';
    const t = setTimeout(() => rej(new Error(`reverie serve did not start:\n${out}${err}`)), 30_000);
    server.stderr!.on('data', (d) => {
      err += d;
    });
    server.stdout!.on('data', (d) => {
      out += d;
      const m = /HTTP API on (http:\/\/127\.0\.0\.1:\d+)\/v1/.exec(out);
      if (m) {
        clearTimeout(t);
        res(m[1]!);
      }
    });
    server.on('exit', (code) => rej(new Error(`reverie serve exited (${code}):\n${out}${err}`)));
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'reverie-sdk-'));
  const db = join(dir, 'r.db');
  const cli = cliRunner(() => db);
  keyA = JSON.parse((await cli('keys', 'create', '--name', 'sdk-a', '--json')).out).key;
  keyB = JSON.parse(
    (await cli('keys', 'create', '--name', 'sdk-b', '--workspace', 'team-b', '--json')).out,
  ).key;
  const imported = await cli('sessions', 'import', TAU, '--json');
  expect(imported.code, imported.err).toBe(0);
  sessionIds = JSON.parse(imported.out).session_ids;
  baseURL = await startServe(db);
}, 60_000);

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

const client = (apiKey: string) => new Anthropic({ apiKey, baseURL, maxRetries: 0 });

describe('the official SDK against reverie serve', () => {
  it('drives every memory-store method', async () => {
    const c = client(keyA);
    const s = await c.beta.memoryStores.create({
      name: 'sdk store',
      description: 'd',
      metadata: { a: '1', b: '2' },
    });
    expect(s).toMatchObject({ type: 'memory_store', name: 'sdk store', description: 'd', archived_at: null });
    expect(await c.beta.memoryStores.retrieve(s.id)).toEqual(s);
    const u = await c.beta.memoryStores.update(s.id, { name: 'renamed', metadata: { a: null, c: '3' } });
    expect(u).toMatchObject({ name: 'renamed', metadata: { b: '2', c: '3' } });
    const second = await c.beta.memoryStores.create({ name: 'second' });
    const third = await c.beta.memoryStores.create({ name: 'third' });
    const ids: string[] = [];
    for await (const x of c.beta.memoryStores.list({ limit: 1 })) ids.push(x.id);
    expect(ids).toEqual([third.id, second.id, s.id]);
    const archived = await c.beta.memoryStores.archive(second.id);
    expect(archived.archived_at).not.toBeNull();
    const live: string[] = [];
    for await (const x of c.beta.memoryStores.list()) live.push(x.id);
    expect(live).toEqual([third.id, s.id]);
    const all: string[] = [];
    for await (const x of c.beta.memoryStores.list({ include_archived: true, limit: 2 })) all.push(x.id);
    expect(all).toHaveLength(3);
    expect(await c.beta.memoryStores.delete(third.id)).toEqual({
      id: third.id,
      type: 'memory_store_deleted',
    });
    const gone = await c.beta.memoryStores.retrieve(third.id).catch((e) => e);
    expect(gone).toBeInstanceOf(Anthropic.NotFoundError);
    expect(gone.type).toBe('not_found_error');
    expect(gone.requestID).toMatch(/^req_/);
  });

  it('drives every memory method, with the errors the SDK maps to its classes', async () => {
    const c = client(keyA);
    const s = await c.beta.memoryStores.create({ name: 'memories' });
    const mem = c.beta.memoryStores.memories;
    const a = await mem.create(s.id, { path: '/notes/a.md', content: 'one' });
    expect(a).toMatchObject({
      type: 'memory',
      path: '/notes/a.md',
      content: 'one',
      content_sha256: sha('one'),
    });
    for (const p of ['/notes/b.md', '/notes/deep/c.md', '/top.md'])
      await mem.create(s.id, { path: p, content: p });

    const conflict = await mem.create(s.id, { path: '/notes/a.md', content: 'two' }).catch((e) => e);
    expect(conflict).toBeInstanceOf(Anthropic.ConflictError);
    expect(conflict.type).toBe('memory_path_conflict_error');
    expect(conflict.error.error).toMatchObject({
      conflicting_memory_id: a.id,
      conflicting_path: '/notes/a.md',
    });

    for (const path of ['notes/x.md', '/a/../b.md', '/a//b.md']) {
      const bad = await mem.create(s.id, { path, content: '' }).catch((e) => e);
      expect(bad, path).toBeInstanceOf(Anthropic.BadRequestError);
      expect(bad.type).toBe('invalid_request_error');
    }

    expect(await mem.retrieve(a.id, { memory_store_id: s.id })).toEqual(a);
    expect((await mem.retrieve(a.id, { memory_store_id: s.id, view: 'basic' })).content).toBeNull();

    const u = await mem.update(a.id, {
      memory_store_id: s.id,
      content: 'two',
      precondition: { type: 'content_sha256', content_sha256: sha('one') },
    });
    expect(u).toMatchObject({ content: 'two', content_sha256: sha('two') });
    const stale = await mem
      .update(a.id, {
        memory_store_id: s.id,
        content: 'three',
        precondition: { type: 'content_sha256', content_sha256: sha('one') },
      })
      .catch((e) => e);
    expect(stale).toBeInstanceOf(Anthropic.ConflictError);
    expect(stale.type).toBe('memory_precondition_failed_error');
    const renamed = await mem.update(a.id, { memory_store_id: s.id, path: '/notes/renamed.md' });
    expect(renamed).toMatchObject({ id: a.id, path: '/notes/renamed.md', content: 'two' });

    const paths: string[] = [];
    for await (const m of mem.list(s.id, { limit: 1 })) paths.push(m.path);
    expect(paths).toEqual(['/notes/b.md', '/notes/deep/c.md', '/notes/renamed.md', '/top.md']);
    const top = await mem.list(s.id, { path_prefix: '/notes/', depth: 1 });
    expect(top.data.map((m) => [m.type, m.path])).toEqual([
      ['memory', '/notes/b.md'],
      ['memory_prefix', '/notes/deep/'],
      ['memory', '/notes/renamed.md'],
    ]);
    const badDepth = await mem.list(s.id, { depth: 3 }).catch((e) => e);
    expect(badDepth).toBeInstanceOf(Anthropic.BadRequestError);

    const staleDelete = await mem
      .delete(a.id, { memory_store_id: s.id, expected_content_sha256: sha('one') })
      .catch((e) => e);
    expect(staleDelete).toBeInstanceOf(Anthropic.ConflictError);
    expect(await mem.delete(a.id, { memory_store_id: s.id, expected_content_sha256: sha('two') })).toEqual({
      id: a.id,
      type: 'memory_deleted',
    });
    const missing = await mem.retrieve(a.id, { memory_store_id: s.id }).catch((e) => e);
    expect(missing).toBeInstanceOf(Anthropic.NotFoundError);
  });

  it('drives every memory-version method: list (auto-paginated), retrieve, redact (the head refused)', async () => {
    const c = client(keyA);
    const s = await c.beta.memoryStores.create({ name: 'versions' });
    const m1 = await c.beta.memoryStores.memories.create(s.id, { path: '/v.md', content: 'first' });
    const m2 = await c.beta.memoryStores.memories.update(m1.id, { memory_store_id: s.id, content: 'second' });
    const versions = c.beta.memoryStores.memoryVersions;
    const listed: string[] = [];
    for await (const v of versions.list(s.id, { limit: 1, memory_id: m1.id })) listed.push(v.id);
    expect(listed).toEqual([m2.memory_version_id, m1.memory_version_id]);
    const v1 = await versions.retrieve(m1.memory_version_id, { memory_store_id: s.id });
    expect(v1).toMatchObject({
      type: 'memory_version',
      operation: 'created',
      content: 'first',
      created_by: { type: 'api_actor' },
    });
    const head = await versions.redact(m2.memory_version_id, { memory_store_id: s.id }).catch((e) => e);
    expect(head).toBeInstanceOf(Anthropic.BadRequestError);
    const red = await versions.redact(m1.memory_version_id, { memory_store_id: s.id });
    expect(red).toMatchObject({
      content: null,
      content_sha256: null,
      path: null,
      redacted_by: { type: 'api_actor' },
    });
    const missing = await versions.retrieve('memver_NOPE', { memory_store_id: s.id }).catch((e) => e);
    expect(missing).toBeInstanceOf(Anthropic.NotFoundError);
  });

  it('drives every dream method: a dream over imported τ-bench sessions completes with an output store', async () => {
    const c = client(keyA);
    const store = await c.beta.memoryStores.create({ name: 'airline' });
    const ids = sessionIds.slice(0, 40);
    const d = await c.beta.dreams.create({
      inputs: [
        { type: 'memory_store', memory_store_id: store.id },
        { type: 'sessions', session_ids: [...ids].reverse() },
      ],
      model: 'reverie-offline',
    });
    expect(d).toMatchObject({ type: 'dream', status: 'pending', outputs: [] });
    expect(d.inputs[1]).toEqual({ type: 'sessions', session_ids: [...ids].sort() });
    let done = d;
    // Polled as clients do (about 0.4 s on an idle machine; up to 45 s allowed on a loaded one).
    const until = Date.now() + 45_000;
    while (['pending', 'running'].includes(done.status) && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 50));
      done = await c.beta.dreams.retrieve(d.id);
    }
    expect(done.status).toBe('completed');
    const out = done.outputs[0]!.memory_store_id;
    const paths: string[] = [];
    for await (const m of c.beta.memoryStores.memories.list(out, { path_prefix: '/mistakes/' }))
      paths.push(m.path);
    expect(paths.length).toBeGreaterThan(0);
    const listed: string[] = [];
    for await (const x of c.beta.dreams.list({ statuses: ['completed'], limit: 1 })) listed.push(x.id);
    expect(listed).toContain(d.id);
    const cancel = await c.beta.dreams.cancel(d.id).catch((e) => e);
    expect(cancel).toBeInstanceOf(Anthropic.BadRequestError);
    expect((await c.beta.dreams.archive(d.id)).archived_at).not.toBeNull();
    const badModel = await c.beta.dreams
      .create({
        inputs: [
          { type: 'memory_store', memory_store_id: store.id },
          { type: 'sessions', session_ids: ids.slice(0, 1) },
        ],
        model: 'claude-opus-5',
      })
      .catch((e) => e);
    expect(badModel).toBeInstanceOf(Anthropic.BadRequestError);
    const missing = await c.beta.dreams.retrieve('drm_NOPE').catch((e) => e);
    expect(missing).toBeInstanceOf(Anthropic.NotFoundError);
  });

  it("mounts a store with the SDK's SessionMemoryStores: download, local edit up (a new version), remote edit down", async () => {
    const c = client(keyA);
    const s = await c.beta.memoryStores.create({ name: 'mounted' });
    await c.beta.memoryStores.memories.create(s.id, { path: '/a.md', content: 'one\n' });
    const b = await c.beta.memoryStores.memories.create(s.id, { path: '/dir/b.md', content: 'two\n' });
    const mount = join(dir, 'mnt', 'mounted');
    const sms = new SessionMemoryStores(c, { workdir: join(dir, 'work') });
    const session = {
      resources: [
        {
          type: 'memory_store',
          memory_store_id: s.id,
          mount_path: mount,
          access: 'read_write',
          name: 'mounted',
        },
      ],
    } as unknown as Parameters<SessionMemoryStores['download']>[0];
    await sms.download(session);
    // `syncAll` is the helper's own deterministic driver for tests (marked @internal, so untyped);
    // the public `syncIfDue` would only run it after the 5 s minimum interval.
    const sync = () => (sms as unknown as { syncAll(final: boolean): Promise<void> }).syncAll(false);
    expect(readFileSync(join(mount, 'a.md'), 'utf8')).toBe('one\n');
    expect(readFileSync(join(mount, 'dir/b.md'), 'utf8')).toBe('two\n');

    writeFileSync(join(mount, 'a.md'), 'one, edited locally\n');
    writeFileSync(join(mount, 'c.md'), 'three\n');
    await sync();
    const byPath = new Map<string, string | null | undefined>();
    for await (const m of c.beta.memoryStores.memories.list(s.id, { view: 'full' }))
      byPath.set(m.path, 'content' in m ? m.content : null);
    expect(Object.fromEntries(byPath)).toEqual({
      '/a.md': 'one, edited locally\n',
      '/c.md': 'three\n',
      '/dir/b.md': 'two\n',
    });
    const versions: string[] = [];
    for await (const v of c.beta.memoryStores.memoryVersions.list(s.id))
      versions.push(`${v.operation} ${v.path}`);
    expect(versions).toEqual(['created /c.md', 'modified /a.md', 'created /dir/b.md', 'created /a.md']);

    await c.beta.memoryStores.memories.update(b.id, {
      memory_store_id: s.id,
      content: 'two, edited remotely\n',
    });
    await sync();
    expect(readFileSync(join(mount, 'dir/b.md'), 'utf8')).toBe('two, edited remotely\n');
    await sms.finish();
    await sms.dispose();
  });

  it('refuses a wrong key with 401 AuthenticationError', async () => {
    const e = await client(`${keyA.slice(0, -2)}xx`)
      .beta.memoryStores.list()
      .catch((x) => x);
    expect(e).toBeInstanceOf(Anthropic.AuthenticationError);
    expect(e.type).toBe('authentication_error');
  });

  it('isolates two workspaces: neither key reads or writes the other workspace', async () => {
    const a = client(keyA);
    const b = client(keyB);
    const sa = await a.beta.memoryStores.create({ name: 'A private' });
    const ma = await a.beta.memoryStores.memories.create(sa.id, { path: '/secret.md', content: 'A only' });
    const sb = await b.beta.memoryStores.create({ name: 'B private' });
    const seenByB: string[] = [];
    for await (const x of b.beta.memoryStores.list({ include_archived: true })) seenByB.push(x.id);
    expect(seenByB).toEqual([sb.id]);
    const attempts: (() => Promise<unknown>)[] = [
      () => b.beta.memoryStores.retrieve(sa.id),
      () => b.beta.memoryStores.update(sa.id, { name: 'B was here' }),
      () => b.beta.memoryStores.archive(sa.id),
      () => b.beta.memoryStores.delete(sa.id),
      () => b.beta.memoryStores.memories.list(sa.id),
      () => b.beta.memoryStores.memories.create(sa.id, { path: '/b.md', content: 'x' }),
      () => b.beta.memoryStores.memories.retrieve(ma.id, { memory_store_id: sa.id }),
      () => b.beta.memoryStores.memories.retrieve(ma.id, { memory_store_id: sb.id }),
      () => b.beta.memoryStores.memories.update(ma.id, { memory_store_id: sa.id, content: 'overwritten' }),
      () => b.beta.memoryStores.memories.delete(ma.id, { memory_store_id: sa.id }),
      () => b.beta.memoryStores.memoryVersions.list(sa.id),
      () => b.beta.memoryStores.memoryVersions.retrieve(ma.memory_version_id, { memory_store_id: sa.id }),
      () => b.beta.memoryStores.memoryVersions.redact(ma.memory_version_id, { memory_store_id: sa.id }),
    ];
    for (const attempt of attempts) {
      const e = (await attempt().catch((x) => x)) as InstanceType<typeof Anthropic.NotFoundError>;
      expect(e).toBeInstanceOf(Anthropic.NotFoundError);
      expect(JSON.stringify(e.error)).not.toContain('A only');
    }
    expect(await a.beta.memoryStores.retrieve(sa.id)).toEqual(sa);
    expect(await a.beta.memoryStores.memories.retrieve(ma.id, { memory_store_id: sa.id })).toEqual(ma);
    const seenByA: string[] = [];
    for await (const x of a.beta.memoryStores.list({ include_archived: true })) seenByA.push(x.id);
    expect(seenByA).not.toContain(sb.id);
  });
});

describe('MCP over Streamable HTTP at /mcp (issue 11), behind the API keys', () => {
  /** A connected MCP client for `store` with `key`. */
  async function mcpClient(key: string, store: string): Promise<Client> {
    const client = new Client({ name: 'http-test', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(new URL(`${baseURL}/mcp?store=${store}`), {
      requestInit: { headers: { 'x-api-key': key } },
    });
    await client.connect(transport);
    return client;
  }

  it("runs the memory tool over a store of the key's workspace; another workspace's key is refused", async () => {
    const sdk = new Anthropic({ apiKey: keyA, baseURL });
    const store = await sdk.beta.memoryStores.create({ name: 'mcp over http' });
    const client = await mcpClient(keyA, store.id);
    try {
      const created = await client.callTool({
        name: 'memory',
        arguments: {
          command: 'create',
          path: '/memories/notes.md',
          file_text: 'Deploys go out on Tuesdays.\n',
        },
      });
      expect(created.isError).toBeFalsy();
      const viewed = await client.callTool({
        name: 'memory',
        arguments: { command: 'view', path: '/memories/notes.md' },
      });
      expect(JSON.stringify(viewed.content)).toContain('Deploys go out on Tuesdays.');
    } finally {
      await client.close();
    }
    const m = await sdk.beta.memoryStores.memories.list(store.id);
    expect(m.data.map((x) => x.path)).toEqual(['/notes.md']);
    // the version is attributed to the key's client
    const versions = await sdk.beta.memoryStores.memoryVersions.list(store.id);
    expect(JSON.stringify(versions.data[0])).toContain('mcp_actor');
    await expect(mcpClient(keyB, store.id)).rejects.toThrow();
  });
});
