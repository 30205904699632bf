import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLAUDE_CODE, HAVE_DATA } from '../../test/data.js';
import { Reverie } from '../service/reverie.js';

const CLI = resolve(import.meta.dirname, '../../dist/src/cli/main.js');

/** Under CI the real data must be there: the suite fails instead of skipping. */
const run = HAVE_DATA || process.env.CI === 'true';

describe.skipIf(!run)('reverie mcp --session over stdio (the SDK Client spawning the built CLI)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'reverie-mcp-session-'));
  const db = join(dir, 'reverie.db');
  let svc: Reverie;
  let client: Client;
  let session: string;
  let notes: string;
  let org: string;

  beforeAll(async () => {
    expect(existsSync(CLI), `${CLI} is missing: build first (./dev runs tsc)`).toBe(true);
    svc = await Reverie.open({ db });
    notes = (await svc.createStore({ name: 'Team Notes', description: 'what the team learned' })).id;
    org = (await svc.createStore({ name: 'Org' })).id;
    await svc.createMemory(org, { path: '/rules.md', content: 'Never force-push main.\n' });
    const rep = await svc.importSessions([join(CLAUDE_CODE, '4b2030ed-5563-49ea-b703-6a002f2d3cc8.jsonl')], {
      resources: [
        { memory_store_id: notes, instructions: 'Record fixes that worked.' },
        { memory_store_id: org, access: 'read_only' },
      ],
    });
    session = rep.session_ids[0]!;
    client = new Client({ name: 'vitest-client', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [CLI, '--db', db, 'mcp', '--session', session],
        stderr: 'pipe',
      }),
    );
  });
  afterAll(async () => {
    await client?.close();
    await svc?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to start for an unknown session, naming it (exit status 1)', () => {
    const r = spawnSync(process.execPath, [CLI, '--db', db, 'mcp', '--session', 'sesn_nope'], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('error: session not found: sesn_nope\n');
  });

  it("mounts the session's stores with their access and notes; writes are the session's versions", async () => {
    expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual(['memory', 'memory_search']);
    const notesOf = client.getInstructions() ?? '';
    expect(notesOf).toContain(
      '- Team Notes at /mnt/memory/team-notes/ (read-write)\n  what the team learned',
    );
    expect(notesOf).toContain('Instructions: Record fixes that worked.');
    expect(notesOf).toContain('- Org at /mnt/memory/org/ (read-only)');
    const memory = async (args: Record<string, unknown>) => {
      const r = (await client.callTool({ name: 'memory', arguments: args })) as CallToolResult;
      return { text: (r.content[0] as { text: string }).text, isError: r.isError === true };
    };
    expect(
      await memory({ command: 'create', path: '/mnt/memory/team-notes/fix.md', file_text: 'ok\n' }),
    ).toEqual({
      text: 'File created successfully at: /mnt/memory/team-notes/fix.md',
      isError: false,
    });
    const refused = await memory({
      command: 'str_replace',
      path: '/mnt/memory/org/rules.md',
      old_str: 'Never',
      new_str: 'Always',
    });
    expect(refused.isError).toBe(true);
    expect(refused.text).toBe(
      '/mnt/memory/org/ (Org) is attached read_only to this session: str_replace is not allowed (view is)',
    );
    expect((await svc.getMemoryByPath(org, '/rules.md')).content).toBe('Never force-push main.\n');
    const v = (await svc.listVersions(notes)).data[0]!;
    expect(v.created_by).toEqual({ type: 'session_actor', id: session });
  });
});
