import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { isGeminiChatPath } from './discover.js';
import { discoverTranscripts } from './index.js';

it("discovers Gemini CLI chats as newer CLIs write them: session-*.jsonl and subagents' chats/<parent>/<id>.jsonl", async () => {
  // Layout of ~/.gemini/tmp from gemini-cli's chatRecordingService.ts; contents our own.
  const home = mkdtempSync(join(tmpdir(), 'reverie-gemini-home-'));
  try {
    const chats = join(home, '.gemini/tmp/907f2064/chats');
    mkdirSync(join(chats, 'aaaa-1'), { recursive: true });
    const meta = (id: string) => `${JSON.stringify({ sessionId: id, projectHash: '907f2064' })}\n`;
    writeFileSync(join(chats, 'session-2026-01-16T11-01-aaaa1111.json'), '{"sessionId":"o","messages":[]}');
    writeFileSync(join(chats, 'session-2026-05-01T10-00-aaaa-1.jsonl'), meta('aaaa-1'));
    writeFileSync(join(chats, 'aaaa-1/bbbb-2.jsonl'), meta('bbbb-2'));
    writeFileSync(join(home, '.gemini/tmp/907f2064/logs.json'), '[]');
    const [gemini] = (await discoverTranscripts({ home })).filter((s) => s.agent === 'gemini-cli');
    expect(gemini!.files.map((f) => f.slice(chats.length + 1))).toEqual([
      'aaaa-1/bbbb-2.jsonl',
      'session-2026-01-16T11-01-aaaa1111.json',
      'session-2026-05-01T10-00-aaaa-1.jsonl',
    ]);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
  expect(isGeminiChatPath('h/chats/notes.txt', 'notes.txt')).toBe(false);
  expect(isGeminiChatPath('h/other/session-x.jsonl', 'session-x.jsonl')).toBe(false);
});

it('discovers Roo Code and Kilo Code task folders (Cline forks, same layout) as roo-code', async () => {
  const home = mkdtempSync(join(tmpdir(), 'reverie-roo-home-'));
  try {
    const roo = join(home, '.config/Code/User/globalStorage/rooveterinaryinc.roo-cline/tasks/t1');
    const kilo = join(home, '.config/Code/User/globalStorage/kilocode.kilo-code/tasks/t2');
    for (const d of [roo, kilo]) {
      mkdirSync(d, { recursive: true });
      writeFileSync(join(d, 'api_conversation_history.json'), '[]');
      writeFileSync(join(d, 'ui_messages.json'), '[]');
    }
    const found = (await discoverTranscripts({ home })).filter((s) => s.agent === 'roo-code');
    expect(
      found
        .flatMap((s) => s.files)
        .map((f) => f.slice(home.length + 1))
        .sort(),
    ).toEqual([
      '.config/Code/User/globalStorage/kilocode.kilo-code/tasks/t2/api_conversation_history.json',
      '.config/Code/User/globalStorage/rooveterinaryinc.roo-cline/tasks/t1/api_conversation_history.json',
    ]);
    expect(found.every((s) => s.format === 'cline')).toBe(true);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
