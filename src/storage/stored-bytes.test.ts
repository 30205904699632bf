import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { DATA, itWithData } from '../../test/data.js';
import { DIALECTS } from '../../test/dialects.js';
import { sha256Hex } from '../domain/index.js';
import { parseTranscript } from '../ingest/index.js';
import { BLOB_MIN_CHARS, prepareSession } from './index.js';
import type { KyselyStorage } from './kysely-storage.js';

const CODEX = join(
  DATA,
  'formats/codex-rollout/sessions/2026/05/11/rollout-2026-05-11T11-26-55-019e1625-789d-76c0-80ab-3724b5ddb799.jsonl',
);

describe('prepareSession', () => {
  it('hashes the UTF-8 bytes it keeps for the write: the same content_sha256 as the text’s', () => {
    const big = `ünïcode ${'x'.repeat(BLOB_MIN_CHARS)} 𝄞`;
    const p = prepareSession({
      external_id: 'x:1',
      agent_id: 'a',
      user_id: null,
      team_id: null,
      parent_external_id: null,
      source_format: 'reverie',
      source_file: 'f.jsonl',
      title: 't',
      started_at: null,
      ended_at: null,
      metadata: {},
      outcome: null,
      events: [
        {
          seq: 0,
          type: 'user.message',
          text: 'héllo\u0000',
          timestamp: null,
          source: { file: 'f.jsonl', line: 1 },
        },
        { seq: 1, type: 'agent.message', text: big, timestamp: null, source: { file: 'f.jsonl', line: 2 } },
      ],
    });
    expect(Buffer.from(p.events_utf8!).toString('utf8')).toBe(p.events_json);
    expect(p.content_sha256).toBe(sha256Hex(p.events_json));
    expect(p.blobs).toHaveLength(1);
    expect(Buffer.from(p.blobs[0]!.utf8!).toString('utf8')).toBe(big);
    expect(p.blobs[0]!.sha256).toBe(sha256Hex(big));
  });
});

for (const dialect of DIALECTS) {
  describe(`the session write path (${dialect.name})`, () => {
    itWithData('stores the real Codex rollout’s events and blobs as text, read back as parsed', async () => {
      const storage = (await dialect.open()) as KyselyStorage;
      try {
        const [s] = parseTranscript(CODEX, readFileSync(CODEX, 'utf8')).sessions;
        const p = prepareSession({ ...s!, team_id: null, user_id: null });
        expect(p.blobs.length).toBeGreaterThan(10);
        const [item] = await storage.importPrepared([p]);
        if (dialect.name === 'sqlite') {
          // written as UTF-8 bytes (insertRows' utf8 columns), stored as text, never as a BLOB value
          const types = await sql<{ t: string }>`
            select typeof(events) as t from session_events
            union all select typeof(content) as t from blobs`.execute(storage.db);
          expect(new Set(types.rows.map((r) => r.t))).toEqual(new Set(['text']));
        }
        expect(await storage.getEvents(item!.session_id)).toEqual(s!.events);
        // re-import is idempotent: the stored hash is the text's
        const again = await storage.importPrepared([prepareSession({ ...s!, team_id: null, user_id: null })]);
        expect(again[0]!.status).toBe('unchanged');
      } finally {
        await storage.close();
      }
    });
  });
}
