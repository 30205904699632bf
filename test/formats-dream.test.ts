/**
 * A dream end to end over the newly supported formats (issue 13): Codex, OpenHands and Claude Code
 * project files from ../shared/data/formats are imported through the service, stored, read back with
 * their tool kinds and exit codes, and dreamed over.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { oneShotDream, Reverie } from '../src/service/index.js';
import { DATA } from './data.js';

const FORMATS = resolve(DATA, 'formats');
let dir: string;
let svc: Reverie;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'reverie-formats-'));
  svc = await Reverie.open({ db: join(dir, 'r.db') });
});
afterEach(async () => {
  await svc.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('dream over Codex, OpenHands and Claude Code transcripts', () => {
  it('imports, stores and dreams them; kinds and exit codes survive storage; re-import is idempotent', async () => {
    const inputs = ['codex-rollout', 'openhands', 'claude-code-projects'].map((f) => join(FORMATS, f));
    const r = await oneShotDream(svc, { transcripts: inputs, outDir: join(dir, 'out') });
    // 1 Codex rollout + 3 OpenHands instances and 1 event list + 3 Claude Code sessions and 1 subagent.
    expect(r.import.totals).toMatchObject({ failed_files: 0, created: 9 });
    expect(r.dream.status).toBe('completed');
    const sessions = await svc.listSessions({ limit: 100 });
    const formats = sessions.data.map((s) => s.source_format).sort();
    expect(formats).toEqual([...Array(4).fill('claude-code'), 'codex', ...Array(4).fill('openhands')]);
    const codex = sessions.data.find((s) => s.source_format === 'codex')!;
    const events = await svc.getEvents(codex.id);
    const failed = events.filter(
      (e) => e.type === 'agent.tool_result' && e.is_error && e.exit_code !== undefined,
    );
    expect(failed.map((e) => e.type === 'agent.tool_result' && e.exit_code)).toEqual([2, 1, 1, 1]);
    expect(events.filter((e) => e.type === 'agent.tool_use' && e.kind === 'shell')).toHaveLength(97);
    const again = await svc.importSessions(inputs);
    expect(again.totals).toMatchObject({ created: 0, updated: 0, unchanged: 9 });
  });

  it('still loads and dreams over sessions stored before tool kinds existed', async () => {
    const inputs = [join(FORMATS, 'openhands')];
    await svc.importSessions(inputs);
    await svc.close();
    // Rewrite the stored events as an older version wrote them: no kind, command or exit_code.
    const db = new Database(join(dir, 'r.db'));
    const rows = db.prepare('SELECT session_id, events FROM session_events').all() as {
      session_id: string;
      events: string;
    }[];
    for (const r of rows) {
      const old = (JSON.parse(r.events) as Record<string, unknown>[]).map(
        ({ kind: _k, command: _c, exit_code: _e, ...rest }) => rest,
      );
      db.prepare('UPDATE session_events SET events = ? WHERE session_id = ?').run(
        JSON.stringify(old),
        r.session_id,
      );
    }
    db.close();
    svc = await Reverie.open({ db: join(dir, 'r.db') });
    const sessions = await svc.listSessions({ limit: 10 });
    expect(sessions.data).toHaveLength(4);
    const events = await svc.getEvents(sessions.data[0]!.id);
    const uses = events.filter((e) => e.type === 'agent.tool_use');
    expect(uses.length).toBeGreaterThan(0);
    expect(uses.every((u) => u.kind === undefined)).toBe(true);
    const store = await svc.createStore({ name: 'old sessions' });
    const dream = await svc.dream({ memory_store_id: store.id, session_ids: sessions.data.map((s) => s.id) });
    expect(dream.status).toBe('completed');
  });
});
