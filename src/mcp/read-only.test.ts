import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { Reverie } from '../service/reverie.js';
import { openSqliteStorage } from '../storage/index.js';
import { createMcpServer } from './server.js';

describe('createMcpServer read-only', () => {
  it('offers memory (view only) and memory_search, no dream or review tools', async () => {
    const svc = new Reverie({ storage: await openSqliteStorage(':memory:') });
    const store = (await svc.createStore({ name: 'team' })).id;
    await svc.createMemory(store, { path: '/rules.md', content: 'Deploy on Tuesdays.\n' });
    const { server } = createMcpServer(svc, store, { readOnly: true });
    const [a, b] = InMemoryTransport.createLinkedPair();
    await server.connect(a);
    const client = new Client({ name: 'reader', version: '1' });
    await client.connect(b);
    expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual(['memory', 'memory_search']);
    const view = (await client.callTool({
      name: 'memory',
      arguments: { command: 'view', path: '/memories/rules.md' },
    })) as CallToolResult;
    expect(view.isError).toBeFalsy();
    const del = (await client.callTool({
      name: 'memory',
      arguments: { command: 'delete', path: '/memories/rules.md' },
    })) as CallToolResult;
    expect(del.isError).toBe(true);
    expect((del.content[0] as { text: string }).text).toContain('read-only here: delete is not allowed');
    expect((await svc.listVersions(store)).data).toHaveLength(1);
    await client.close();
    await svc.close();
  });
});
