import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isId, sha256Hex } from '../domain/index.js';
import type { ImportedSession } from '../ingest/types.js';
import { evalSessionId, lazyRef, readMemoryDir, toSession } from './sessions.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reverie-eval-sessions-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const imported: ImportedSession = {
  external_id: 'reverie-eval:x1',
  agent_id: 'a',
  user_id: null,
  team_id: null,
  parent_external_id: null,
  source_format: 'reverie',
  source_file: 'x.jsonl',
  title: 't',
  started_at: null,
  ended_at: null,
  metadata: { k: 1 },
  events: [
    { type: 'user.message', seq: 0, timestamp: null, source: { file: 'x.jsonl', line: 2 }, text: 'hi' },
  ],
  outcome: null,
};

describe('eval sessions', () => {
  it('fills a Session with a stable id, the events hash and overrides', () => {
    const s = toSession(imported, '2026-06-01T00:00:00.000Z', {
      agent_id: 'b',
      user_id: 'u',
      team_id: 't',
      outcome: { result: 'failed', score: 0, labels: [], explanation: null, source: 'm' },
      metadata: { task: 'refund' },
    });
    expect(isId('sesn', s.id)).toBe(true);
    expect(s.id).toBe(evalSessionId('reverie-eval:x1'));
    expect(s.content_sha256).toBe(sha256Hex(JSON.stringify(imported.events)));
    expect(s).toMatchObject({
      agent_id: 'b',
      user_id: 'u',
      team_id: 't',
      event_count: 1,
      metadata: { k: 1, task: 'refund' },
    });
    expect(s.outcome?.result).toBe('failed');
    // an imported outcome wins over the override
    const own = toSession(
      { ...imported, outcome: { result: 'satisfied', score: 1, labels: [], explanation: null, source: 'i' } },
      'x',
      {
        outcome: { result: 'failed', score: 0, labels: [], explanation: null, source: 'm' },
      },
    );
    expect(own.outcome?.result).toBe('satisfied');
  });

  it('reads a memory folder as sorted input memories with hashes', async () => {
    await mkdir(join(dir, 'mem', 'facts'), { recursive: true });
    await writeFile(join(dir, 'mem', 'facts', 'a.md'), 'A\n');
    await writeFile(join(dir, 'mem', 'MEMORY.md'), '- a\n');
    const m = await readMemoryDir(join(dir, 'mem'), '2026-01-01T00:00:00.000Z');
    expect(m.map((x) => x.path)).toEqual(['/MEMORY.md', '/facts/a.md']);
    expect(m[1]).toMatchObject({
      content: 'A\n',
      content_sha256: sha256Hex('A\n'),
      updated_at: '2026-01-01T00:00:00.000Z',
    });
  });

  it('reloads events lazily from the transcript file', async () => {
    const file = join(dir, 's.jsonl');
    await writeFile(
      file,
      `${JSON.stringify({ type: 'session', external_id: 'reverie-eval:lazy', agent_id: 'a' })}\n${JSON.stringify({ type: 'user.message', text: 'hello' })}\n`,
    );
    const s = toSession({ ...imported, external_id: 'reverie-eval:lazy', source_file: file }, 'x');
    const events = await lazyRef(s, new Map()).loadEvents();
    expect(events).toMatchObject([{ type: 'user.message', seq: 0, text: 'hello' }]);
    const missing = toSession({ ...imported, external_id: 'reverie-eval:nope', source_file: file }, 'x');
    await expect(lazyRef(missing, new Map()).loadEvents()).rejects.toThrow(/not found/);
  });
});

describe('toSession hash_root', () => {
  it('hashes the same corpus the same wherever it was written, and other content differently', () => {
    const at = (root: string, text = 'hi'): ImportedSession => ({
      ...imported,
      source_file: join(root, 'coding', 'x.jsonl'),
      events: [
        {
          type: 'user.message',
          seq: 0,
          timestamp: null,
          source: { file: join(root, 'coding', 'x.jsonl'), line: 2 },
          text,
        },
      ],
    });
    const a = toSession(at('/tmp/reverie-eval-planted-aaaa'), 'now', {
      hash_root: '/tmp/reverie-eval-planted-aaaa',
    });
    const b = toSession(at('/tmp/reverie-eval-planted-bbbb'), 'now', {
      hash_root: '/tmp/reverie-eval-planted-bbbb',
    });
    const other = toSession(at('/tmp/reverie-eval-planted-bbbb', 'hello'), 'now', {
      hash_root: '/tmp/reverie-eval-planted-bbbb',
    });
    expect(a.content_sha256).toBe(b.content_sha256);
    expect(other.content_sha256).not.toBe(b.content_sha256);
    // without a root the folder is part of the hash (as for stored sessions, whose files do not move)
    expect(toSession(at('/tmp/a'), 'now').content_sha256).not.toBe(
      toSession(at('/tmp/b'), 'now').content_sha256,
    );
  });
});
