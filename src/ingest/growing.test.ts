import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { DATA, describeWithData } from '../../test/data.js';
import { completeLines } from './growing.js';
import { parseTranscript } from './index.js';

const F = resolve(DATA, 'formats');
const FILES = [
  'codex-rollout/sessions/2026/05/11/rollout-2026-05-11T11-26-55-019e1625-789d-76c0-80ab-3724b5ddb799.jsonl',
  'claude-code-projects/e9fb405b-169f-40eb-9396-7e75076f045d.jsonl',
  'managed-agents/phase-7-T-001.jsonl',
  'claude-code-stream-json/8bed4027-e09a-4363-8fa7-0565effb22ea.stream.jsonl',
];

describeWithData('a transcript still being written', () => {
  it('imports the complete lines now and the rest later, under the same session', () => {
    for (const path of FILES) {
      const text = readFileSync(join(F, path), 'utf8');
      // Cut in the middle of the line that starts at two thirds of the file: a write in progress.
      const cut = text.indexOf('\n', Math.floor((text.length * 2) / 3)) + 40;
      const partial = parseTranscript(path, text.slice(0, cut)).sessions;
      const full = parseTranscript(path, text).sessions;
      expect([path, partial[0]!.external_id]).toEqual([path, full[0]!.external_id]);
      const n = partial[0]!.events.length;
      expect(n).toBeGreaterThan(0);
      expect(n).toBeLessThanOrEqual(full[0]!.events.length);
      if (!path.includes('stream')) expect(n).toBeLessThan(full[0]!.events.length);
      const lastLine = text.slice(0, cut).split('\n').length;
      expect(partial[0]!.events.every((e) => e.source.line! < lastLine)).toBe(true);
    }
  });

  it('still reports a broken line that is not an unfinished tail', () => {
    const path = FILES[0]!;
    const lines = readFileSync(join(F, path), 'utf8').split('\n');
    const broken = [...lines.slice(0, 5), lines[5]!.slice(0, 30), ...lines.slice(6)].join('\n');
    const strict = { invalid_json: 'error' } as const;
    expect(() => parseTranscript('r.jsonl', broken, strict)).toThrow(/^r\.jsonl:6: invalid JSON/);
    // by default it is skipped and named in a warning, unlike an unfinished tail (no warning)
    expect(parseTranscript('r.jsonl', broken).warnings.map((w) => [w.type, 'line' in w && w.line])).toEqual([
      ['invalid_json', 6],
    ]);
    // A broken last line followed by a newline was written completely: an error too.
    const ended = `${lines.slice(0, 5).join('\n')}\n{"type":\n`;
    expect(() => parseTranscript('r.jsonl', ended, strict)).toThrow(/^r\.jsonl:6:/);
    expect(parseTranscript('r.jsonl', ended).warnings.map((w) => 'line' in w && w.line)).toEqual([6]);
  });

  it('completeLines keeps a last line that parses and drops one that does not', () => {
    expect(completeLines('{"a":1}\n{"b":2}')).toBe('{"a":1}\n{"b":2}');
    expect(completeLines('{"a":1}\n{"b":')).toBe('{"a":1}\n');
    expect(completeLines('{"a":1}\n')).toBe('{"a":1}\n');
  });
});
