import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Reverie } from '../service/reverie.js';
import { openSqliteStorage } from '../storage/index.js';
import { reverieMemoryTool } from './anthropic-memory-tool.js';

type Block = Record<string, unknown>;

/**
 * A loopback server speaking the Messages API wire format: each POST /v1/messages gets the next scripted
 * assistant turn (tool_use blocks for the memory tool, then a final text); every request body is kept.
 */
function messagesServer(turns: Block[][]): { server: Server; requests: Block[] } {
  const requests: Block[] = [];
  const body = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Block;
  };
  const server = createServer(async (req, res) => {
    if (req.method !== 'POST' || !req.url?.startsWith('/v1/messages')) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ type: 'error', error: { type: 'not_found_error', message: req.url } }));
      return;
    }
    requests.push(await body(req));
    const content = turns[requests.length - 1] ?? [{ type: 'text', text: 'out of script' }];
    const toolUse = content.some((b) => b.type === 'tool_use');
    res.writeHead(200, { 'content-type': 'application/json', 'request-id': `req_${requests.length}` });
    res.end(
      JSON.stringify({
        id: `msg_${requests.length}`,
        type: 'message',
        role: 'assistant',
        model: 'claude-loopback',
        content,
        stop_reason: toolUse ? 'tool_use' : 'end_turn',
        stop_sequence: null,
        usage: { input_tokens: 10, output_tokens: 5 },
      }),
    );
  });
  return { server, requests };
}

const use = (n: number, input: Block): Block[] => [
  { type: 'tool_use', id: `toolu_${n}`, name: 'memory', input },
];

describe('reverieMemoryTool with the SDK tool runner against a loopback Messages server', () => {
  const turns = [
    use(1, { command: 'view', path: '/memories' }),
    use(2, { command: 'create', path: '/memories/prefs.md', file_text: 'Budget: $100\nSeat: aisle\n' }),
    use(3, {
      command: 'str_replace',
      path: '/memories/prefs.md',
      old_str: 'Budget: $100',
      new_str: 'Budget: $$200 $&',
    }),
    use(4, { command: 'create', path: '/memories/prefs.md', file_text: 'overwrite?' }),
    use(5, { command: 'view', path: '/memories/../secrets' }),
    use(6, { command: 'view', path: '/memories/prefs.md' }),
    [{ type: 'text', text: 'Noted your preferences.' }],
  ];
  const { server, requests } = messagesServer(turns);
  let svc: Reverie;

  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    svc = new Reverie({ storage: await openSqliteStorage(':memory:') });
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await svc.close();
  });

  it('runs each tool_use through the store and sends back the reference handler’s results', async () => {
    const store = await svc.createStore({ name: 'travel agent' });
    const client = new Anthropic({
      apiKey: 'sk-loopback',
      baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      maxRetries: 0,
    });
    const final = await client.beta.messages.toolRunner({
      model: 'claude-loopback',
      max_tokens: 1024,
      messages: [{ role: 'user', content: 'Remember my travel preferences.' }],
      tools: [reverieMemoryTool(svc, store.id, { actor: { type: 'agent_actor', id: 'travel-bot' } })],
    });
    expect(final.content).toEqual([{ type: 'text', text: 'Noted your preferences.' }]);
    expect(requests).toHaveLength(7);
    const results = requests.slice(1).map((r) => {
      const msgs = r.messages as { role: string; content: Block[] | string }[];
      const last = msgs[msgs.length - 1]!;
      const block = (last.content as Block[])[0]!;
      return { id: block.tool_use_id, content: block.content, is_error: block.is_error ?? false };
    });
    const text = (c: unknown) => (typeof c === 'string' ? c : (c as { text: string }[])[0]!.text);
    expect(results.map((r) => r.id)).toEqual([
      'toolu_1',
      'toolu_2',
      'toolu_3',
      'toolu_4',
      'toolu_5',
      'toolu_6',
    ]);
    expect(text(results[0]!.content)).toBe(
      "Here're the files and directories up to 2 levels deep in /memories, excluding hidden items and node_modules:\n0B\t/memories",
    );
    expect(text(results[1]!.content)).toBe('File created successfully at: /memories/prefs.md');
    expect(text(results[2]!.content)).toContain('     1\tBudget: $$200 $&\n     2\tSeat: aisle');
    expect(results[3]).toMatchObject({ is_error: true });
    expect(text(results[3]!.content)).toBe('Error: File /memories/prefs.md already exists');
    expect(text(results[4]!.content)).toBe(
      'Error: Path /memories/../secrets would escape /memories directory',
    );
    expect(results.filter((r) => r.is_error).map((r) => r.id)).toEqual(['toolu_4', 'toolu_5']);
    expect(text(results[5]!.content)).toBe(
      "Here's the content of /memories/prefs.md with line numbers:\n     1\tBudget: $$200 $&\n     2\tSeat: aisle\n     3\t",
    );
    const tools = requests[0]!.tools as Block[];
    expect(tools).toEqual([{ type: 'memory_20250818', name: 'memory' }]);

    const versions = (await svc.listVersions(store.id)).data;
    expect(versions.map((v) => [v.operation, v.created_by])).toEqual([
      ['modified', { type: 'agent_actor', id: 'travel-bot' }],
      ['created', { type: 'agent_actor', id: 'travel-bot' }],
    ]);
  });
});
