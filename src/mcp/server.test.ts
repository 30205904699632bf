import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAVE_DATA, TAU } from '../../test/data.js';
import { Reverie } from '../service/reverie.js';

const CLI = resolve(import.meta.dirname, '../../dist/src/cli/main.js');

/** Under CI the real data must be there: the suite fails instead of skipping. */
const run = HAVE_DATA || process.env.CI === 'true';

describe.skipIf(!run)('reverie mcp over stdio (the SDK Client spawning the built CLI)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'reverie-mcp-'));
  const db = join(dir, 'reverie.db');
  let svc: Reverie;
  let storeId: string;
  let client: Client;

  const call = async (name: string, args: Record<string, unknown>) =>
    (await client.callTool({ name, arguments: args })) as CallToolResult;
  const text = (r: CallToolResult) => (r.content[0] as { text: string }).text;
  const memory = async (args: Record<string, unknown>) => {
    const r = await call('memory', args);
    return { text: text(r), isError: r.isError === true };
  };

  beforeAll(async () => {
    expect(existsSync(CLI), `${CLI} is missing: build first (./dev runs tsc)`).toBe(true);
    svc = await Reverie.open({ db });
    storeId = (await svc.createStore({ name: 'airline agent' })).id;
    await svc.importSessions([TAU]);
    client = new Client({ name: 'vitest-client', version: '1.2.3' });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [CLI, '--db', db, 'mcp', '--store', storeId],
        stderr: 'pipe',
      }),
    );
  });
  afterAll(async () => {
    await client?.close();
    await svc?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to start for an unknown store, naming it (exit status 1)', () => {
    const r = spawnSync(process.execPath, [CLI, '--db', db, 'mcp', '--store', 'memstore_nope'], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('error: memory_store not found: memstore_nope\n');
  });

  it('lists the memory, search, dream and review tools; memory has the memory tool fields', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      'change_decide',
      'dream_changes',
      'dream_start',
      'dream_status',
      'memory',
      'memory_search',
    ]);
    const schema = tools.find((t) => t.name === 'memory')!.inputSchema;
    expect(Object.keys(schema.properties ?? {}).sort()).toEqual(
      [
        'command',
        'file_text',
        'insert_line',
        'insert_text',
        'new_path',
        'new_str',
        'old_path',
        'old_str',
        'path',
        'view_range',
      ].sort(),
    );
    expect(schema.required).toEqual(['command']);
  });

  it('runs every memory command; each write is a version by the MCP client; errors are isError results', async () => {
    const p = '/memories/airline/refunds.md';
    expect(
      await memory({ command: 'create', path: p, file_text: 'Refunds take 5 days.\nFee: $25\n' }),
    ).toEqual({
      text: `File created successfully at: ${p}`,
      isError: false,
    });
    expect(await memory({ command: 'create', path: p, file_text: 'x' })).toEqual({
      text: `File ${p} already exists`,
      isError: true,
    });
    expect(
      (await memory({ command: 'str_replace', path: p, old_str: 'Fee: $25', new_str: 'Fee: $$30 ($&)' }))
        .isError,
    ).toBe(false);
    expect(await memory({ command: 'insert', path: p, insert_line: 0, insert_text: '# Refunds' })).toEqual({
      text: `The file ${p} has been edited.`,
      isError: false,
    });
    expect((await memory({ command: 'view', path: p })).text).toBe(
      `Here's the content of ${p} with line numbers:\n     1\t# Refunds\n     2\tRefunds take 5 days.\n     3\tFee: $$30 ($&)\n     4\t`,
    );
    expect(await memory({ command: 'rename', old_path: p, new_path: '/memories/refunds.md' })).toEqual({
      text: `Successfully renamed ${p} to /memories/refunds.md`,
      isError: false,
    });
    await memory({ command: 'create', path: '/memories/tmp.md', file_text: 'scratch' });
    expect((await memory({ command: 'delete', path: '/memories/tmp.md' })).text).toBe(
      'Successfully deleted /memories/tmp.md',
    );
    expect((await memory({ command: 'view', path: '/memories' })).text).toMatch(
      /^Here're the files.*\n\S+\t\/memories\n\S+\t\/memories\/refunds\.md$/,
    );
    expect(await memory({ command: 'view', path: '/memories/../../etc/passwd' })).toEqual({
      text: 'Path /memories/../../etc/passwd would escape /memories directory',
      isError: true,
    });
    expect((await memory({ command: 'insert', path: '/memories/refunds.md' })).isError).toBe(true);

    const versions = (await svc.listVersions(storeId, { limit: 100 })).data;
    expect(versions.map((v) => v.operation)).toEqual([
      'deleted',
      'created',
      'modified',
      'modified',
      'modified',
      'created',
    ]);
    expect(
      versions.every((v) => v.created_by.type === 'mcp_actor' && v.created_by.id === 'vitest-client/1.2.3'),
    ).toBe(true);
  });

  it('searches the store and serves memories as resources', async () => {
    await svc.createMemory(storeId, {
      path: '/baggage.md',
      content: 'Two free checked bags in business class.\n',
    });
    const hits = text(await call('memory_search', { query: 'baggage business' }));
    expect(hits.split('\n')[0]).toMatch(/^\/memories\/baggage\.md \(score [\d.]+\)$/);
    expect(hits).toContain('1: Two free checked bags in business class.');
    expect(text(await call('memory_search', { query: 'refund' }))).toMatch(/^\/memories\/refunds\.md/);
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.name)).toEqual(['/baggage.md', '/refunds.md']);
    const read = await client.readResource({ uri: resources[0]!.uri });
    expect((read.contents[0] as { text: string }).text).toBe('Two free checked bags in business class.\n');
  });

  it('dreams over the store’s recent τ-bench sessions and records a decision, scoped to the store', async () => {
    const started = JSON.parse(text(await call('dream_start', {})));
    expect(started.sessions).toBe(100);
    let status: { status: string; changes: Record<string, number> };
    do {
      await new Promise((r) => setTimeout(r, 100));
      status = JSON.parse(text(await call('dream_status', { dream_id: started.dream_id })));
    } while (status.status === 'pending' || status.status === 'running');
    expect(status.status).toBe('completed');
    const changes = JSON.parse(text(await call('dream_changes', { dream_id: started.dream_id })));
    const mistake = changes.find((c: { kind: string }) => c.kind === 'mistake');
    expect(mistake.evidence.length).toBeGreaterThan(0);
    const decided = JSON.parse(
      text(await call('change_decide', { change_id: mistake.id, decision: 'approve' })),
    );
    expect(decided).toMatchObject({ status: 'approved', review: { by: 'vitest-client/1.2.3' } });
    expect((await svc.listChanges(started.dream_id)).find((c) => c.id === mistake.id)!.status).toBe(
      'approved',
    );

    const other = await svc.createStore({ name: 'someone else' });
    const foreign = await svc.dream({
      memory_store_id: other.id,
      session_ids: [mistake.evidence[0].session_id],
    });
    const r = await call('dream_changes', { dream_id: foreign.id });
    expect(r.isError).toBe(true);
    expect(text(r)).toContain(`is not a dream of store ${storeId}`);
    expect((await call('dream_status', { dream_id: 'drm_nope' })).isError).toBe(true);
  });
});
