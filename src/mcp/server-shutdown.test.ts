import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { HAVE_DATA, TAU } from '../../test/data.js';
import { Reverie } from '../service/reverie.js';
import { openSqliteStorage } from '../storage/index.js';
import { createMcpServer } from './server.js';

/** Under CI the real data must be there: the suite fails instead of skipping. */
const run = HAVE_DATA || process.env.CI === 'true';

describe.skipIf(!run)('createMcpServer shutdown', () => {
  it('cancels a dream still running, so it ends canceled instead of stuck running', async () => {
    const svc = new Reverie({ storage: await openSqliteStorage(':memory:') });
    const store = (await svc.createStore({ name: 'airline' })).id;
    await svc.importSessions([TAU]);
    const { server, shutdown } = createMcpServer(svc, store);
    const [serverSide, clientSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: 'in-memory', version: '1' });
    await client.connect(clientSide);
    const r = (await client.callTool({ name: 'dream_start', arguments: {} })) as CallToolResult;
    const { dream_id } = JSON.parse((r.content[0] as { text: string }).text);
    expect(['pending', 'running']).toContain((await svc.getDream(dream_id)).status);
    await shutdown();
    expect((await svc.getDream(dream_id)).status).toBe('canceled');
    await client.close();
    await svc.close();
  });
});
