import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATA, describeWithData } from '../../test/data.js';
import type { SessionEvent } from '../domain/index.js';
import { Reverie } from '../service/index.js';
import { openSqliteStorage } from '../storage/index.js';
import { type ImportedSession, importTranscripts, parseTranscript, toReverieJsonl } from './index.js';

/**
 * Claude Code's result of a call the person rejected while typing how to go on (structure and harness
 * wording as in real project files of Claude Code 2.x; the person's words here are written for this test).
 */
const NOTICE =
  "The user doesn't want to proceed with this tool use. The tool use was rejected (eg. if it was a file edit, the new_string was NOT written to the file). To tell you how to proceed, the user said:\n";

function file(said: string): string {
  return fileWith(`${NOTICE}${said}`);
}

/** A session whose one `tool` call comes back with `content` (failed unless `isError` is false). */
function fileWith(content: string, isError = true, tool = 'Edit'): string {
  const base = {
    sessionId: '4a5b6c7d-0000-4000-8000-0000000000aa',
    cwd: '/home/dev/dots',
    timestamp: '2026-01-03T09:00:00Z',
  };
  return `${[
    { ...base, type: 'user', uuid: 'u1', message: { role: 'user', content: 'bind btop to a key' } },
    {
      ...base,
      type: 'assistant',
      uuid: 'a1',
      message: {
        id: 'msg_1',
        role: 'assistant',
        content: [
          {
            type: 'tool_use',
            id: 'toolu_1',
            name: tool,
            input: { file_path: '/home/dev/.config/keys.conf' },
          },
        ],
      },
    },
    {
      ...base,
      type: 'user',
      uuid: 'u2',
      message: {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content, is_error: isError }],
      },
    },
    {
      ...base,
      type: 'assistant',
      uuid: 'a2',
      message: {
        id: 'msg_2',
        role: 'assistant',
        content: [{ type: 'text', text: 'Using that key instead.' }],
      },
    },
  ]
    .map((o) => JSON.stringify(o))
    .join('\n')}\n`;
}

/** The session file name every transcript of this file is parsed under. */
const NAME = '4a5b6c7d-0000-4000-8000-0000000000aa.jsonl';

describe('Claude Code: a call the person rejected with words', () => {
  it('keeps the rejection as the failed result and the words as the person’s message after it', () => {
    const [s] = parseTranscript(NAME, file('use super shift t for it instead')).sessions;
    expect(s!.events.map((e) => [e.type, 'text' in e ? e.text : 'content' in e ? e.content : ''])).toEqual([
      ['user.message', 'bind btop to a key'],
      ['agent.tool_use', ''],
      ['agent.tool_result', NOTICE.trimEnd()],
      ['user.message', 'use super shift t for it instead'],
      ['agent.message', 'Using that key instead.'],
    ]);
  });

  it('keeps out the note newer versions append after the words (the harness’s, not the person’s)', () => {
    const note =
      "\n\nNote: The user's next message may contain a correction or preference. Pay close attention — if they explain what went wrong or how they'd prefer you to work, consider saving that to memory for future sessions.";
    const [s] = parseTranscript(NAME, file(`use super shift t for it instead${note}`)).sessions;
    const said = s!.events.filter((e) => e.type === 'user.message').map((e) => ('text' in e ? e.text : ''));
    expect(said).toEqual(['bind btop to a key', 'use super shift t for it instead']);
  });

  it('leaves words Claude Code wrote itself inside the result', () => {
    const said = 'The user wants to clarify these questions.';
    const [s] = parseTranscript(NAME, file(said)).sessions;
    const result = s!.events.find((e) => e.type === 'agent.tool_result');
    expect(result && 'content' in result && result.content).toBe(`${NOTICE}${said}`);
    expect(s!.events.filter((e) => e.type === 'user.message')).toHaveLength(1);
  });
});

const results = (s: ImportedSession | undefined) =>
  s!.events.filter(
    (e): e is Extract<SessionEvent, { type: 'agent.tool_result' }> => e.type === 'agent.tool_result',
  );

describe('Claude Code: results of calls the person (or the harness for them) declined', () => {
  // Claude Code's own templates, as its real project files hold them; paths and tools written for this test.
  const declined: [string, string][] = [
    ['Edit', `${NOTICE}use super shift t for it instead`],
    [
      'ExitPlanMode',
      "The user doesn't want to proceed with this tool use. The tool use was rejected (eg. if it was a file edit, the new_string was NOT written to the file). STOP what you are doing and wait for the user to tell you how to proceed.",
    ],
    [
      'Bash',
      "The user doesn't want to take this action right now. STOP what you are doing and wait for the user to tell you how to proceed.",
    ],
    ['Bash', '[Request interrupted by user for tool use]'],
    ['Bash', 'Interrupted by user'],
    ['WebFetch', 'Permission to use WebFetch has been auto-denied in dontAsk mode.'],
    [
      'Bash',
      'Permission to use Bash has been denied. IMPORTANT: You *may* attempt to accomplish this action using other tools that might naturally be used to accomplish this goal, e.g. using head instead of cat.',
    ],
    [
      'Write',
      "Claude requested permissions to write to /home/dev/.config/keys.conf, but you haven't granted it yet.",
    ],
  ];
  it.each(declined)('%s: %s → declined, is_error as the source says', (tool, content) => {
    const [r] = results(parseTranscript(NAME, fileWith(content, true, tool)).sessions[0]);
    expect(r).toMatchObject({ tool, is_error: true, declined: true });
  });

  it('marks no failure of the tool itself, nor a success that quotes the words', () => {
    const notDeclined: [string, boolean][] = [
      ['<tool_use_error>String to replace not found in file.</tool_use_error>', true],
      ['Exit code 1\nInterrupted by user? no: make: *** [all] Error 1', true],
      [
        "mkdir in '/srv/x' was blocked. For security, Claude Code may only create directories in the allowed working directories.",
        true,
      ],
      ["The user doesn't want to proceed with this tool use.", false],
    ];
    for (const [content, isError] of notDeclined) {
      const [r] = results(parseTranscript(NAME, fileWith(content, isError, 'Bash')).sessions[0]);
      expect(r && 'declined' in r).toBe(false);
    }
  });
});

describeWithData('Claude Code: declined calls in a real project folder', () => {
  it('marks the one interrupted Write of 9eda1058 and no other result', async () => {
    const dir = resolve(DATA, 'formats/claude-code-projects');
    const found: [string, string, boolean][] = [];
    for await (const r of importTranscripts([dir])) {
      if ('error' in r) throw r.error;
      for (const s of r.sessions)
        for (const e of results(s)) if (e.declined) found.push([s.external_id, e.tool ?? '', e.is_error]);
    }
    // hand-checked: of the folder's 85 results, 2 fail: 9eda1058's Write, rejected by the person
    // ("The user doesn't want to proceed…", then "[Request interrupted by user for tool use]"), and a
    // subagent's failed call, which stays a failure
    expect(found).toEqual([['claude-code:9eda1058-9706-484a-b992-d03f9cfa2546', 'Write', true]]);
  });
});

describe('a declined result through storage and reverie JSONL', () => {
  it('is stored and read back, re-imports as unchanged, and survives a reverie JSONL round trip', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reverie-declined-'));
    const storage = await openSqliteStorage(':memory:');
    try {
      const path = join(dir, NAME);
      writeFileSync(path, fileWith('[Request interrupted by user for tool use]', true, 'Bash'));
      const svc = new Reverie({ storage });
      const first = await svc.importSessions([path]);
      expect(first.totals).toMatchObject({ created: 1, updated: 0, unchanged: 0 });
      const [stored] = results({ events: await svc.getEvents(first.session_ids[0]!) } as ImportedSession);
      expect(stored).toMatchObject({ is_error: true, declined: true });
      // the marker is part of the events' bytes: an unchanged file hashes the same, a no-op
      expect((await svc.importSessions([path])).totals).toMatchObject({
        created: 0,
        updated: 0,
        unchanged: 1,
      });

      const parsed = parseTranscript(
        NAME,
        fileWith('[Request interrupted by user for tool use]', true, 'Bash'),
      );
      const again = parseTranscript('s.jsonl', toReverieJsonl(parsed.sessions)).sessions[0];
      expect(results(again)[0]).toMatchObject({ is_error: true, declined: true });
    } finally {
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
