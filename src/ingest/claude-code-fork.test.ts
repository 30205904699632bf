import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { claudeCodeLine } from '../../test/claude-code-lines.js';
import { Reverie } from '../service/index.js';
import { parseTranscript } from './index.js';

/**
 * A Claude Code session file whose lines carry another session's id (a resumed or forked conversation
 * keeps the first session's `sessionId` in the lines it copies and adds), reproduced from the structure
 * of a real developer's `~/.claude/projects` folder (two files, 483 and 209 events, 40 lines in common).
 * Imported after the first, it replaced the first session's stored events. The texts here are written
 * for this test.
 */
const FIRST = '0d1c2b3a-0000-4000-8000-00000000f1a5';
const FORK = '9e8d7c6b-0000-4000-8000-00000000f0c4';

/** A line of the first session's conversation (both files carry its id). */
const line = (uuid: string, type: 'user' | 'assistant', text: string) =>
  claudeCodeLine(
    { sessionId: FIRST, cwd: '/home/dev/site', timestamp: '2026-01-02T10:00:00Z' },
    uuid,
    type,
    text,
  );

const first = `${[
  line('u1', 'user', 'build the landing page'),
  line('a1', 'assistant', 'The landing page is built.'),
  line('u2', 'user', 'now add the pricing section'),
  line('a2', 'assistant', 'Pricing section added.'),
].join('\n')}\n`;
const fork = `${[
  line('u1', 'user', 'build the landing page'),
  line('a1', 'assistant', 'The landing page is built.'),
  line('u9', 'user', 'add a contact form instead'),
  line('a9', 'assistant', 'Contact form added.'),
].join('\n')}\n`;

let dir = '';
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a Claude Code session file continuing another session', () => {
  it('is a session of its own named by its file, never a replacement of the first', async () => {
    const parsed = parseTranscript(`${FORK}.jsonl`, fork).sessions;
    expect(parsed.map((s) => [s.external_id, s.metadata.continues_session_id])).toEqual([
      [`claude-code:${FORK}`, FIRST],
    ]);
    expect(parseTranscript(`${FIRST}.jsonl`, first).sessions.map((s) => s.external_id)).toEqual([
      `claude-code:${FIRST}`,
    ]);

    dir = mkdtempSync(join(tmpdir(), 'reverie-fork-'));
    writeFileSync(join(dir, `${FIRST}.jsonl`), first);
    const svc = await Reverie.open({ db: join(dir, 'r.db') });
    try {
      const [firstId] = (await svc.importSessions([join(dir, `${FIRST}.jsonl`)])).session_ids;
      const before = await svc.getSession(firstId!);
      writeFileSync(join(dir, `${FORK}.jsonl`), fork);
      const report = await svc.importSessions([join(dir, `${FORK}.jsonl`)]);
      expect(report.totals).toMatchObject({ created: 1, updated: 0 });
      const after = await svc.getSession(firstId!);
      expect([after.event_count, after.content_sha256]).toEqual([before.event_count, before.content_sha256]);
      expect((await svc.listSessions({})).data).toHaveLength(2);
    } finally {
      await svc.close();
    }
  });
});
