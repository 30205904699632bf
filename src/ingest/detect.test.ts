import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATA, itWithData } from '../../test/data.js';
import { ImportError } from '../domain/index.js';
import { detectFormat } from './index.js';

const FIXTURES = resolve(import.meta.dirname, 'fixtures');
const read = (p: string) => readFileSync(p, 'utf8');

describe('detectFormat', () => {
  itWithData('detects the real data from its content', () => {
    const tau = join(DATA, 'tau-bench/airline-gpt-4o.trials-0-1.json');
    expect(detectFormat(tau, read(tau))).toBe('tau-bench');
    const id = readdirSync(join(DATA, 'mini-swe-agent/django-100'))[0]!;
    const traj = join(DATA, 'mini-swe-agent/django-100', id, `${id}.traj.json`);
    expect(detectFormat(traj, read(traj))).toBe('mini-swe-agent');
    const cc = join(DATA, 'claude-code/0ccf1a04-1b4c-43b6-8aa5-79e41db43a68.jsonl');
    expect(detectFormat(cc, read(cc))).toBe('claude-code');
    const sub = join(DATA, 'claude-code/4b2030ed-5563-49ea-b703-6a002f2d3cc8/subagents/agent-a2018e5.jsonl');
    expect(detectFormat(sub, read(sub))).toBe('claude-code');
    // A mini-swe-agent trajectory under another name is still detected.
    expect(detectFormat('renamed.txt', read(traj))).toBe('mini-swe-agent');
  });

  it('detects the fixtures', () => {
    expect(detectFormat('a', read(join(FIXTURES, 'support-desk.reverie.jsonl')))).toBe('reverie');
    expect(detectFormat('a', read(join(FIXTURES, 'weather-tools.chat.json')))).toBe('openai-chat');
  });

  it('handles small and edge-case inputs', () => {
    expect(detectFormat('a', '[{"task_id":1,"reward":0,"traj":[]}]')).toBe('tau-bench');
    expect(detectFormat('a', '[{"role":"user","content":"hi"}]')).toBe('openai-chat');
    expect(detectFormat('a', '[[{"role":"user","content":"hi"}]]')).toBe('openai-chat');
    expect(detectFormat('a', '{"messages":[]}')).toBe('openai-chat');
    expect(detectFormat('a', '\uFEFF{"type":"session","external_id":"x","agent_id":"y"}')).toBe('reverie');
    expect(detectFormat('a', '{"type":"summary","summary":"s","leafUuid":"u"}\n')).toBe('claude-code');
    expect(detectFormat('a', '{"type":"file-history-snapshot"}\r\n{"type":"user","sessionId":"s"}\r\n')).toBe(
      'claude-code',
    );
  });

  it('rejects unknown content with a clear error naming the file', () => {
    const cases: [string, RegExp][] = [
      ['{"hello":"world"}', /^x\.json: unknown transcript format \(expected Claude Code JSONL, τ-bench JSON/],
      ['[1, 2]', /^x\.json: unknown transcript format/],
      ['[]', /^x\.json: empty JSON array: cannot tell the format/],
      ['', /^x\.json: empty file/],
      ['hello', /^x\.json:1: unknown transcript format .*: not JSON or JSONL$/],
      ['{"a":1}\n{"b":2}\n', /^x\.json: unknown transcript format/],
      ['{"type":"x"}\n[1]\n', /^x\.json:2: unknown transcript format .*: line is not a JSON object$/],
      ['{\n  "a": 1,\n  "b": \n}', /^x\.json:4: invalid JSON/],
    ];
    for (const [text, message] of cases) {
      let err: unknown;
      try {
        detectFormat('x.json', text);
      } catch (e) {
        err = e;
      }
      expect(err, text).toBeInstanceOf(ImportError);
      expect((err as ImportError).message, text).toMatch(message);
      expect((err as ImportError).file).toBe('x.json');
    }
  });
});
