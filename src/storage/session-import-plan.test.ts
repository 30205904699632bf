/**
 * The lookups of the session import path go through the `external_id` and `parent_external_id` indexes
 * on SQLite, whatever the number of ids: with the workspace in the SQL, SQLite (no statistics) picks the
 * `(workspace_id, id)` index for a list of ids and reads every session of the workspace, which made
 * importing N files cost O(N²) (bench:scale at 100,000 sessions slowed from ~600 to ~70 sessions/s).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompiledQuery } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTestSession } from '../../test/storage-fixtures.js';
import { sessionsAwaitingParent, sessionsByExternalId } from './kysely-storage.js';
import { openSqliteStorage } from './sqlite/index.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'reverie-import-plan-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const event = (text: string) => [
  { seq: 0, type: 'user.message' as const, text, timestamp: null, source: { file: 'x.jsonl', line: 1 } },
];

describe('session import lookups on SQLite', () => {
  it('use the external_id and parent_external_id indexes for 100 ids, never a workspace scan', async () => {
    const storage = await openSqliteStorage(join(dir, 'plan.db'));
    try {
      const batch = Array.from({ length: 300 }, (_, i) => newTestSession(`s-${i}`, event(`hello ${i}`)));
      for (let i = 0; i < batch.length; i += 100) await storage.importSessions(batch.slice(i, i + 100));
      const ids = batch.slice(0, 100).map((s) => s.external_id);
      const db = storage.db;
      const plan = async (q: { compile(): { sql: string; parameters: readonly unknown[] } }) => {
        const c = q.compile();
        const r = await db.executeQuery(CompiledQuery.raw(`explain query plan ${c.sql}`, [...c.parameters]));
        return (r.rows as { detail: string }[]).map((x) => x.detail).join(' | ');
      };
      const byExt = await plan(sessionsByExternalId(db, ids));
      expect(byExt).toContain('(external_id=?)');
      expect(byExt).not.toContain('sessions_workspace');
      expect((await sessionsByExternalId(db, ids).execute()).length).toBe(100);
      const waiting = await plan(sessionsAwaitingParent(db, ids));
      expect(waiting).toContain('sessions_parent_external');
      expect(waiting).not.toContain('sessions_workspace');
      // the premise: the same lookup with the workspace in the SQL scans the workspace's sessions
      const scoped = await plan(
        sessionsByExternalId(db, ids).where('workspace_id', '=', storage.workspace_id),
      );
      expect(scoped).toContain('sessions_workspace');
    } finally {
      await storage.close();
    }
  });
});
