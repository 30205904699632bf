import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAVE_DATA, TAU } from '../../test/data.js';
import { Reverie } from '../service/reverie.js';
import { openSqliteStorage } from '../storage/index.js';
import { createMcpHttpHandler, type McpHttpHandler } from './http.js';

/** Under CI the real data must be there: the suite fails instead of skipping. */
const run = HAVE_DATA || process.env.CI === 'true';

describe.skipIf(!run)('MCP over Streamable HTTP (the SDK Client and its HTTP transport)', () => {
  let svc: Reverie;
  let storeId: string;
  let handler: McpHttpHandler;
  let http: ServerType;
  let url: URL;

  const connect = async (key: string) => {
    const client = new Client({ name: 'http-client', version: '2.0' });
    await client.connect(
      new StreamableHTTPClientTransport(url, {
        requestInit: { headers: { authorization: `Bearer ${key}` } },
      }),
    );
    return client;
  };
  const text = (r: unknown) => ((r as CallToolResult).content[0] as { text: string }).text;

  beforeAll(async () => {
    svc = new Reverie({ storage: await openSqliteStorage(':memory:') });
    storeId = (await svc.createStore({ name: 'over http' })).id;
    await svc.importSessions([TAU]);
    // Stands in for the HTTP API's key check: one key, scoped to one store.
    handler = createMcpHttpHandler(svc, async (req) =>
      req.headers.get('authorization') === 'Bearer key-1'
        ? { storeId, actor: { type: 'mcp_actor', id: 'api-key:key-1' } }
        : null,
    );
    http = serve({ fetch: (req) => handler.handle(req), port: 0, hostname: '127.0.0.1' });
    await new Promise((r) => http.once('listening', r));
    url = new URL(`http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`);
  });
  afterAll(async () => {
    await handler?.close();
    await new Promise((r) => http?.close(r));
    await svc?.close();
  });

  it('refuses a client without a valid key', async () => {
    await expect(connect('wrong')).rejects.toThrow(/401|unauthorized/i);
  });

  it('runs the memory commands, a search and a dream round trip; writes are versions by the key', async () => {
    const client = await connect('key-1');
    const memory = (args: Record<string, unknown>) => client.callTool({ name: 'memory', arguments: args });
    expect(
      text(await memory({ command: 'create', path: '/memories/fees.md', file_text: 'Change fee: $75\n' })),
    ).toBe('File created successfully at: /memories/fees.md');
    await memory({ command: 'str_replace', path: '/memories/fees.md', old_str: '$75', new_str: '$$80' });
    await memory({ command: 'insert', path: '/memories/fees.md', insert_line: 0, insert_text: '# Fees\n' });
    await memory({ command: 'rename', old_path: '/memories/fees.md', new_path: '/memories/policy/fees.md' });
    expect(text(await memory({ command: 'view', path: '/memories/policy/fees.md' }))).toBe(
      "Here's the content of /memories/policy/fees.md with line numbers:\n     1\t# Fees\n     2\tChange fee: $$80\n     3\t",
    );
    const missing = (await memory({ command: 'delete', path: '/memories/nope.md' })) as CallToolResult;
    expect([missing.isError, text(missing)]).toEqual([true, 'The path /memories/nope.md does not exist']);
    expect(
      text(await client.callTool({ name: 'memory_search', arguments: { query: 'change fee' } })),
    ).toMatch(/^\/memories\/policy\/fees\.md \(score/);
    const versions = (await svc.listVersions(storeId)).data;
    expect(versions).toHaveLength(4);
    expect(
      versions.every((v) => v.created_by.type === 'mcp_actor' && v.created_by.id === 'api-key:key-1'),
    ).toBe(true);

    const { dream_id } = JSON.parse(text(await client.callTool({ name: 'dream_start', arguments: {} })));
    let status: { status: string };
    do {
      await new Promise((r) => setTimeout(r, 100));
      status = JSON.parse(text(await client.callTool({ name: 'dream_status', arguments: { dream_id } })));
    } while (status.status === 'pending' || status.status === 'running');
    expect(status.status).toBe('completed');
    const changes = JSON.parse(
      text(await client.callTool({ name: 'dream_changes', arguments: { dream_id } })),
    );
    const decided = JSON.parse(
      text(
        await client.callTool({
          name: 'change_decide',
          arguments: { change_id: changes[0].id, decision: 'reject' },
        }),
      ),
    );
    expect(decided).toMatchObject({ status: 'rejected', review: { by: 'api-key:key-1' } });
    await client.close();
  });
});
