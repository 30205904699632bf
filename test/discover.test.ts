/**
 * `reverie sessions discover` and `sessions import --discovered` over a temporary home folder laid out
 * like a real machine's (~/.claude/projects, ~/.codex/sessions, ~/.gemini/tmp, VS Code's Cline storage,
 * an aider history in a repository), filled with copies of the real files in ../shared/data/formats.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverTranscripts, parseSince } from '../src/ingest/index.js';
import { cliRunner } from './cli-harness.js';
import { DATA } from './data.js';

const F = join(DATA, 'formats');
let home: string;
const run = cliRunner(() => join(home, 'r.db'));
const OLD = new Date('2025-01-01T00:00:00Z');

/** Copies `from` (under the formats folder of the shared data) to `to` (under the temp home); `old` files get a 2025 mtime. */
function place(from: string, to: string, old = false): void {
  const dest = join(home, to);
  mkdirSync(dirname(dest), { recursive: true });
  copyFileSync(join(F, from), dest);
  if (old) utimesSync(dest, OLD, OLD);
}

beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'reverie-home-'));
  const proj = '.claude/projects/-home-me-codemie';
  place(
    'claude-code-projects/e9fb405b-169f-40eb-9396-7e75076f045d.jsonl',
    `${proj}/e9fb405b-169f-40eb-9396-7e75076f045d.jsonl`,
  );
  place(
    'claude-code-projects/e9fb405b-169f-40eb-9396-7e75076f045d/subagents/agent-a485154.jsonl',
    `${proj}/e9fb405b-169f-40eb-9396-7e75076f045d/subagents/agent-a485154.jsonl`,
  );
  place(
    'claude-code-projects/9eda1058-9706-484a-b992-d03f9cfa2546.jsonl',
    `${proj}/9eda1058-9706-484a-b992-d03f9cfa2546.jsonl`,
    true,
  );
  const rollout = 'rollout-2026-05-11T11-26-55-019e1625-789d-76c0-80ab-3724b5ddb799.jsonl';
  place(`codex-rollout/sessions/2026/05/11/${rollout}`, `.codex/sessions/2026/05/11/${rollout}`);
  const chat = 'session-2026-01-16T11-01-file-ops-37b7abef.json';
  place(`gemini-cli/chats/${chat}`, `.gemini/tmp/907f2064/chats/${chat}`);
  const task = '.config/Code/User/globalStorage/saoudrizwan.claude-dev/tasks/1769053680585';
  for (const f of ['api_conversation_history.json', 'ui_messages.json', 'task_metadata.json'])
    place(`cline/tasks/1769053680585/${f}`, `${task}/${f}`);
  place('aider/chat-history.sessions-000-315.md', 'code/aider/.aider.chat.history.md', true);
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('sessions discover', () => {
  it('lists each known agent folder with its transcript files and newest date', async () => {
    const found = await discoverTranscripts({ home, aiderRoots: [join(home, 'code')] });
    expect(found.map((s) => [s.agent, s.format, s.files.map((f) => basename(f))])).toEqual([
      [
        'claude-code',
        'claude-code',
        [
          '9eda1058-9706-484a-b992-d03f9cfa2546.jsonl',
          'e9fb405b-169f-40eb-9396-7e75076f045d.jsonl',
          'agent-a485154.jsonl',
        ],
      ],
      ['codex', 'codex', ['rollout-2026-05-11T11-26-55-019e1625-789d-76c0-80ab-3724b5ddb799.jsonl']],
      ['gemini-cli', 'gemini-cli', ['session-2026-01-16T11-01-file-ops-37b7abef.json']],
      ['cline', 'cline', ['api_conversation_history.json']],
      ['aider', 'aider', ['.aider.chat.history.md']],
    ]);
    // The aider history is old (2025-01-01); the others were just copied.
    expect(found[4]!.newest).toBe('2025-01-01T00:00:00.000Z');
    expect(Date.parse(found[0]!.newest!)).toBeGreaterThan(Date.now() - 3600e3);
  });

  it('prints a table or JSON, and --since keeps only recent files', async () => {
    const table = await run('sessions', 'discover', '--home', home);
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/^agent\s+files\s+newest\s+folder\n/);
    expect(table.out).toMatch(/\ncodex\s+1\s/);
    const json = await run('sessions', 'discover', '--home', home, '--since', '7d', '--json');
    const rows = JSON.parse(json.out) as { agent: string; count: number }[];
    expect(rows.map((r) => [r.agent, r.count])).toEqual([
      ['claude-code', 2],
      ['codex', 1],
      ['gemini-cli', 1],
      ['cline', 1],
    ]);
    const bad = await run('sessions', 'discover', '--home', home, '--since', 'last tuesday');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/--since: expected a duration/);
  });
});

describe('sessions import --discovered', () => {
  it('imports what discovery finds (since 7d), then nothing new on a second run', async () => {
    const first = await run('sessions', 'import', '--discovered', '--home', home, '--since', '7d', '--json');
    expect(first.code).toBe(0);
    const rep = JSON.parse(first.out) as { totals: Record<string, number> };
    // e9fb405b + its subagent, the Codex rollout, the Gemini chat, the Cline task (9eda1058 is old).
    expect(rep.totals).toMatchObject({ files: 5, failed_files: 0, created: 5 });
    const again = await run('sessions', 'import', '--discovered', '--home', home, '--since', '7d', '--json');
    expect((JSON.parse(again.out) as { totals: Record<string, number> }).totals).toMatchObject({
      created: 0,
      unchanged: 5,
    });
    const none = await run('sessions', 'import');
    expect(none.code).toBe(2);
  });

  it('parses durations and dates for --since', () => {
    const now = new Date('2026-05-08T00:00:00Z');
    expect(parseSince('7d', now).toISOString()).toBe('2026-05-01T00:00:00.000Z');
    expect(parseSince('12h', now).toISOString()).toBe('2026-05-07T12:00:00.000Z');
    expect(parseSince('2026-05-01', now).toISOString()).toBe('2026-05-01T00:00:00.000Z');
  });
});
