import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { DATA, describeWithData } from '../../test/data.js';
import { detectFormat, importTranscripts, parseTranscript, readTranscriptFile } from './index.js';

const FILE = resolve(DATA, 'formats/aider/chat-history.sessions-000-315.md');

describeWithData('Aider chat history importer', () => {
  const text = readFileSync(FILE, 'utf8');
  const rawLines = text.split('\n');
  const { format, sessions } = readTranscriptFile(FILE);
  const events = sessions.flatMap((s) => s.events);
  const linesStarting = (p: string) => rawLines.flatMap((l, i) => (l.startsWith(p) ? [i + 1] : []));

  it('splits the history into its 316 sessions and groups consecutive #### lines (499 messages)', () => {
    expect(format).toBe('aider');
    expect(sessions).toHaveLength(linesStarting('# aider chat started at ').length);
    expect(sessions).toHaveLength(316);
    expect(sessions.map((s) => s.metadata.header_line)).toEqual(linesStarting('# aider chat started at '));
    // 705 `#### ` lines in 530 runs of consecutive lines; 31 runs are aider's echo of the `/ask <text>` run
    // just before them (`#### <text>`, counted by reading the file), not said again: 499 messages.
    expect(linesStarting('#### ')).toHaveLength(705);
    expect(events.filter((e) => e.type === 'user.message')).toHaveLength(499);
    expect(sessions[1]).toMatchObject({
      started_at: '2024-08-05T19:33:32.000Z',
      title: 'Use the Spinner instead of the inlined custom spinner',
      metadata: { model: 'claude-3-5-sonnet-20240620', aider_version: '0.47.2-dev' },
    });
    expect(sessions.reduce((n, s) => n + (s.metadata.commits as number), 0)).toBe(
      linesStarting('> Commit ').length,
    );
  });

  it('never takes > lines as speech', () => {
    for (const e of events) {
      if (e.type !== 'user.message' && e.type !== 'agent.message') continue;
      expect(
        e.text.split('\n').some((l) => l.startsWith('Applied edit to ') || l.startsWith('Tokens: ')),
      ).toBe(false);
      expect(rawLines[e.source.line! - 1]!.startsWith('> ')).toBe(false);
    }
  });

  it('makes each SEARCH/REPLACE block an edit call and pairs Applied / no-match lines by order', () => {
    // 171 `<<<<<<< SEARCH` lines in replies; 11 of them never reach `=======` and `>>>>>>> REPLACE`
    // (replies cut off or malformed, e.g. lines 2210, 2772, 21589): 160 edit calls.
    expect(linesStarting('<<<<<<< SEARCH')).toHaveLength(171);
    const uses = events.filter((e) => e.type === 'agent.tool_use');
    expect(uses).toHaveLength(160);
    expect(new Set(uses.map((u) => 'kind' in u && u.kind))).toEqual(new Set(['edit']));
    const results = events.filter((e) => e.type === 'agent.tool_result');
    // Every `> Applied edit to` line (102) answers the open edits of its file; every
    // `> ## SearchReplaceNoExactMatch` line (18) fails one.
    const ok = results.filter((r) => r.type === 'agent.tool_result' && !r.is_error);
    const failed = results.filter((r) => r.type === 'agent.tool_result' && r.is_error);
    expect(new Set(ok.map((r) => r.source.line))).toEqual(new Set(linesStarting('> Applied edit to ')));
    expect(failed.map((r) => r.source.line)).toEqual(linesStarting('> ## SearchReplaceNoExactMatch'));
    for (const s of sessions) {
      const calls = new Map(
        s.events.flatMap((e) => (e.type === 'agent.tool_use' ? [[e.call_id, e] as const] : [])),
      );
      for (const r of s.events) {
        if (r.type !== 'agent.tool_result') continue;
        const call = calls.get(r.call_id)!;
        expect(call.seq).toBeLessThan(r.seq);
        expect(r.content).toContain((call.input as { path: string }).path);
      }
    }
  });

  it('is detected from its header', () => {
    expect(detectFormat('.aider.chat.history.md', text.slice(0, 2000))).toBe('aider');
    const one = parseTranscript(
      'h.md',
      '# aider chat started at 2025-01-02 03:04:05\n\n#### hi  \n#### there  \n\nHello!\n',
    );
    expect(one.sessions[0]!.events.map((e) => [e.type, 'text' in e ? e.text : ''])).toEqual([
      ['user.message', 'hi\nthere'],
      ['agent.message', 'Hello!'],
    ]);
  });
});

it("a folder import finds aider's .aider.chat.history.md (and other .md histories) by content, and no other Markdown", async () => {
  const root = mkdtempSync(join(tmpdir(), 'reverie-aider-'));
  try {
    const history =
      '# aider chat started at 2025-05-23 16:51:58\n\n> Aider v0.83.1  \n\n#### add a test  \n\nDone.\n';
    mkdirSync(join(root, 'repo/docs'), { recursive: true });
    mkdirSync(join(root, 'repo/notes.md'), { recursive: true });
    writeFileSync(join(root, 'repo/notes.md/.aider.chat.history.md'), history);
    writeFileSync(join(root, 'repo/.aider.chat.history.md'), history);
    writeFileSync(join(root, 'repo/docs/old-chat.md'), `\uFEFF\n${history}`);
    writeFileSync(join(root, 'repo/README.md'), '# repo\n\n#### not a chat\n');
    writeFileSync(join(root, 'repo/.aider.input.history'), '+add a test\n');
    mkdirSync(join(root, 'repo/.git'));
    writeFileSync(join(root, 'repo/.git/chat.md'), history);
    const found: [string, string, number][] = [];
    for await (const r of importTranscripts([root])) {
      if ('error' in r) throw r.error;
      if (r.skipped) throw new Error(`${r.file}: skipped`);
      found.push([r.file.slice(root.length + 1), r.format, r.sessions.length]);
    }
    expect(found).toEqual([
      ['repo/.aider.chat.history.md', 'aider', 1],
      ['repo/docs/old-chat.md', 'aider', 1],
      // A folder whose name ends in .md is still walked.
      ['repo/notes.md/.aider.chat.history.md', 'aider', 1],
    ]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

it("aider's own #### echoes are not the person's words: the architect's plan handed to the editor, a repeated /ask", () => {
  // The structure of aider's architect mode and /ask logging; text our own.
  const history = [
    '# aider chat started at 2025-08-06 12:06:30',
    '',
    '> Model: some-model with architect edit format  ',
    '',
    '#### plan a web service  ',
    '',
    'Plan:',
    '',
    '1) Create backend/app.py',
    '',
    '> Tokens: 1.6k sent, 1.7k received.  ',
    '',
    '#### Plan:  ',
    '####   ',
    '#### 1) Create backend/app.py  ',
    '',
    'backend/app.py',
    '```',
    'print(1)',
    '```',
    '',
    '#### /ask why port 8000?  ',
    '',
    '####  why port 8000?  ',
    '',
    'Because it is the default.',
    '',
  ].join('\n');
  const [s] = parseTranscript('.aider.chat.history.md', history).sessions;
  const said = s!.events.filter((e) => e.type === 'user.message').map((e) => (e as { text: string }).text);
  expect(said).toEqual(['plan a web service', '/ask why port 8000?']);
  const handOff = s!.events.find(
    (e) => e.type === 'system.message' && e.text.startsWith('[architect to editor]'),
  );
  expect(handOff?.source.line).toBe(13);
});
