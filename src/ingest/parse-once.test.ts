/**
 * Each line of a JSONL transcript is parsed once: the line that format detection parses to tell the
 * format is handed to the importer (`ImporterOptions.first_line`) instead of being parsed again (for an
 * OpenHands `output.jsonl` of three instances that was a third of the parsing). Counted on the real
 * files of each JSONL format whose importer parses nothing but its lines.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import { DATA, describeWithData } from '../../test/data.js';
import { parseTranscript } from './index.js';

const FILES = [
  'claude-code/0ccf1a04-1b4c-43b6-8aa5-79e41db43a68.jsonl',
  'formats/claude-code-stream-json/8bed4027-e09a-4363-8fa7-0565effb22ea.stream.jsonl',
  'formats/managed-agents/phase-7-T-001.jsonl',
  'formats/openhands/multi-swe-bench.output.jsonl',
];

afterEach(() => vi.restoreAllMocks());

describeWithData('JSONL import parses each line once', () => {
  for (const rel of FILES)
    it(rel, () => {
      const file = resolve(DATA, rel);
      const text = readFileSync(file, 'utf8');
      const lines = text.split('\n').filter((l) => l.trim() !== '').length;
      const parse = vi.spyOn(JSON, 'parse');
      const { sessions } = parseTranscript(file, text);
      expect(sessions.length).toBeGreaterThan(0);
      expect(parse).toHaveBeenCalledTimes(lines);
    });

  it('a forced format parses every line itself (no detection ran)', () => {
    const file = resolve(DATA, FILES[0]!);
    const text = readFileSync(file, 'utf8');
    const auto = parseTranscript(file, text);
    const forced = parseTranscript(file, text, { format: 'claude-code' });
    expect(forced.sessions).toEqual(auto.sessions);
  });
});
