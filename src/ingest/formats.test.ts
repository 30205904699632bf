import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { DATA, describeWithData } from '../../test/data.js';
import { SOURCE_FORMATS, type SourceFormat } from '../domain/index.js';
import { detectFormat, importTranscripts, parseTranscript } from './index.js';

const FORMATS = resolve(DATA, 'formats');

/** One real file of each format in ../shared/data/formats, and the format it must be read as. */
const SAMPLES: [string, SourceFormat][] = [
  ['claude-code-stream-json/8bed4027-e09a-4363-8fa7-0565effb22ea.stream.jsonl', 'claude-code-stream-json'],
  ['claude-code-projects/9eda1058-9706-484a-b992-d03f9cfa2546.jsonl', 'claude-code'],
  [
    'codex-rollout/sessions/2026/05/11/rollout-2026-05-11T11-26-55-019e1625-789d-76c0-80ab-3724b5ddb799.jsonl',
    'codex',
  ],
  ['gemini-cli/chats/session-2026-01-16T11-01-file-ops-37b7abef.json', 'gemini-cli'],
  ['openhands/multi-swe-bench.output.jsonl', 'openhands'],
  ['openhands/replay-basic_gui_mode.json', 'openhands'],
  ['swe-agent/gpt4__pydicom__pydicom-1458.traj', 'swe-agent'],
  ['managed-agents/phase-7-T-010.jsonl', 'managed-agents'],
  ['aider/chat-history.sessions-000-315.md', 'aider'],
  ['cline/tasks/1769053680585/api_conversation_history.json', 'cline'],
  ['openai-responses/openai_response_tool_calls.json', 'openai-responses'],
];

describeWithData('every format in the formats folder of the shared data', () => {
  it('is detected from content, whatever the file is called', () => {
    for (const [path, format] of SAMPLES) {
      expect([path, detectFormat('renamed.txt', readFileSync(join(FORMATS, path), 'utf8'))]).toEqual([
        path,
        format,
      ]);
    }
    expect(SOURCE_FORMATS).toEqual(expect.arrayContaining([...new Set(SAMPLES.map(([, f]) => f))]));
  });

  it('imports the same sessions when the format is forced', () => {
    for (const [path, format] of SAMPLES) {
      const file = join(FORMATS, path);
      const text = readFileSync(file, 'utf8');
      expect(parseTranscript(file, text, { format }).sessions).toEqual(parseTranscript(file, text).sessions);
    }
  });

  it('keeps a source pointer (file and line, index or JSON pointer) on every event of every session', async () => {
    let events = 0;
    const seen = new Set<string>();
    // Folder walks take JSON, JSONL and .traj files; the aider history (Markdown) is named explicitly.
    for await (const r of importTranscripts([
      FORMATS,
      join(FORMATS, 'aider/chat-history.sessions-000-315.md'),
    ])) {
      if ('error' in r) throw r.error;
      if (r.skipped) throw new Error(`${r.file}: skipped`);
      seen.add(r.format);
      for (const s of r.sessions) {
        expect(s.events.map((e) => e.seq)).toEqual(s.events.map((_, k) => k));
        for (const e of s.events) {
          events++;
          expect(e.source.file).toBe(r.file);
          // A line (JSONL, Markdown), an index (JSON arrays) or, for top-level fields such as a
          // response's `instructions`, a JSON pointer.
          const where = e.source.line ?? e.source.index ?? e.source.pointer;
          expect(where === undefined ? `${r.file}: event ${e.seq} has no pointer` : 'ok').toBe('ok');
        }
      }
    }
    expect(seen).toEqual(new Set(SAMPLES.map(([, f]) => f)));
    expect(events).toBeGreaterThan(3000);
  });
});
