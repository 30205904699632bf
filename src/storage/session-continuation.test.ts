/**
 * The continuation rule of the import guard on the real transcripts: every real file cut after k lines
 * (a file still being written) is continued by the whole file, the whole file is never continued by a
 * cut (a file cut short), and no session of the shared corpora continues another. The rule's tolerance
 * was written looking at the cuts of ../shared/data/claude-code and of the Codex rollout (where a strict
 * prefix fails); the Claude Code projects and stream-json folders (every cut a strict prefix) and the
 * pairs of sessions, τ-bench included, were checked only after it was written.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLAUDE_CODE, DATA, DJANGO, describeWithData, LOCOMO, TAU } from '../../test/data.js';
import { newTestSession } from '../../test/storage-fixtures.js';
import { parseTranscript } from '../ingest/index.js';
import { authoredKeys, continuesStored, storedPrefixMatches } from './session-continuation.js';
import { type PreparedSession, prepareSession } from './stored-session.js';

/** The `.jsonl` files under `dir`, in name order. */
function jsonlFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((n) => {
      const p = join(dir, n);
      return statSync(p).isDirectory() ? jsonlFiles(p) : p.endsWith('.jsonl') ? [p] : [];
    });
}

/** Every file under `dir`. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((n) => (statSync(join(dir, n)).isDirectory() ? filesUnder(join(dir, n)) : [join(dir, n)]));
}

/** The sessions of a file, none when it is not a transcript on its own (a sidecar, a folder part). */
function parsed(file: string) {
  try {
    return parseTranscript(file, readFileSync(file, 'utf8')).sessions;
  } catch {
    return [];
  }
}

/** `b` continues stored `a` (stored events read from `a` itself). */
const continues = (a: PreparedSession, b: PreparedSession) =>
  continuesStored(a, b, async () => a.events_json);

/** The sessions of `file` cut after `k` of its lines, by external id, in stored form. */
function cut(file: string, lines: string[], k: number): Map<string, PreparedSession> {
  const text = `${lines.slice(0, k).join('\n')}\n`;
  return new Map(parseTranscript(file, text).sessions.map((s) => [s.external_id, prepareSession(s)]));
}

const CORPORA = [
  CLAUDE_CODE,
  join(DATA, 'formats/claude-code-projects'),
  join(DATA, 'formats/codex-rollout'),
  join(DATA, 'formats/claude-code-stream-json'),
];

describeWithData('session continuation on real transcripts', () => {
  it('a growing file continues what was stored from it, at 25 cuts of every file; a cut never continues the whole', async () => {
    let cuts = 0;
    let strict = 0;
    for (const file of CORPORA.flatMap(jsonlFiles)) {
      const lines = readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l !== '');
      const whole = cut(file, lines, lines.length);
      const steps = Math.min(lines.length - 1, 25);
      for (let j = 1; j <= steps; j++) {
        const k = Math.floor((lines.length * j) / (steps + 1));
        for (const [ext, part] of cut(file, lines, k)) {
          const full = whole.get(ext);
          if (!full) continue;
          cuts++;
          if (storedPrefixMatches(part, full)) strict++;
          expect([file, k, await continues(part, full)]).toEqual([file, k, true]);
          if (part.content_sha256 !== full.content_sha256)
            expect([file, k, await continues(full, part)]).toEqual([file, k, false]);
        }
      }
    }
    // The premise of the tolerance: some cuts' last events change when the file grows.
    expect(cuts).toBeGreaterThan(150);
    expect(strict).toBeLessThan(cuts);
  });

  it('no session of the shared corpora continues another one', async () => {
    const sessions = [
      ...CORPORA.flatMap(jsonlFiles).flatMap((f) => parseTranscript(f, readFileSync(f, 'utf8')).sessions),
      ...parseTranscript(TAU, readFileSync(TAU, 'utf8')).sessions,
    ].map(prepareSession);
    expect(sessions.length).toBeGreaterThan(110);
    const wrong: string[] = [];
    for (const a of sessions)
      for (const b of sessions)
        if (a !== b && (await continues(a, b)))
          wrong.push(`${b.session.external_id} → ${a.session.external_id}`);
    expect(wrong).toEqual([]);
  });

  it('no session continues another that opens with the same words (Aider test sessions: "hi", "/ex")', async () => {
    const all = [join(DATA, 'formats'), DJANGO, LOCOMO]
      .flatMap((p) => (statSync(p).isDirectory() ? filesUnder(p) : [p]))
      .flatMap((f) => parsed(f))
      .map(prepareSession);
    const byOpening = new Map<string, PreparedSession[]>();
    for (const p of all) {
      const first = (JSON.parse(p.events_json) as { type: string; text?: unknown }[]).find(
        (e) => e.type === 'user.message',
      );
      if (!first || p.event_count === 0) continue;
      const key = JSON.stringify(first.text);
      byOpening.set(key, [...(byOpening.get(key) ?? []), p]);
    }
    let pairs = 0;
    const wrong: string[] = [];
    for (const group of byOpening.values())
      for (const a of group)
        for (const b of group) {
          if (a === b || a.content_sha256 === b.content_sha256) continue;
          pairs++;
          if (await continues(a, b)) wrong.push(`${b.session.external_id} → ${a.session.external_id}`);
        }
    // Before source pointers were part of the keys, 7,086 pairs of these corpora continued each other.
    expect(pairs).toBeGreaterThan(5000);
    expect(wrong).toEqual([]);
  });

  it('keys the authored events by what they say and where: not results, harness text, seq or time', () => {
    const src = { line: 1 };
    const keys = authoredKeys([
      { seq: 0, type: 'system.message', text: 'You are helpful.', source: src },
      { seq: 1, type: 'user.message', text: 'fix it', source: src },
      {
        seq: 2,
        type: 'agent.tool_use',
        tool: 'Bash',
        input: { command: 'make' },
        call_id: 'c1',
        source: src,
      },
      { seq: 3, type: 'agent.tool_result', call_id: 'c1', content: '', is_error: false, source: src },
      { seq: 4, type: 'agent.message', text: 'Fixed.', source: { line: 9 } },
    ]);
    expect(keys).toEqual([
      '["user.message","fix it",1,null,null]',
      '["agent.tool_use","Bash",{"command":"make"},1,null,null]',
      '["agent.message","Fixed.",9,null,null]',
    ]);
  });
});

describe('storedPrefixMatches', () => {
  const src = { file: 'x.jsonl', line: 1 };
  // A tool input holding objects whose first key is `seq`: the text `,{"seq":1,` occurs inside event 0.
  const events = [
    {
      seq: 0,
      type: 'agent.tool_use' as const,
      tool: 't',
      kind: 'other' as const,
      call_id: 'c',
      source: src,
      input: { rows: [{ seq: 0 }, { seq: 1, x: 1 }] },
    },
    { seq: 1, type: 'user.message' as const, text: 'one', timestamp: null, source: src },
    { seq: 2, type: 'user.message' as const, text: 'two', timestamp: null, source: src },
  ];
  const grown = prepareSession(newTestSession('s', events as never));

  it('finds the stored events at the head of a longer session, also past a nested look-alike of an event start', () => {
    for (const n of [0, 1, 2]) {
      const stored = prepareSession(newTestSession('s', events.slice(0, n) as never));
      expect([n, storedPrefixMatches(stored, grown)]).toEqual([n, true]);
    }
    expect(grown.events_json).toContain(',{"seq":1,');
  });

  it('is false for other events, and for more events than the new session has', () => {
    const other = prepareSession(newTestSession('s', [{ ...events[1]!, text: 'uno' }] as never));
    expect(storedPrefixMatches({ ...other, event_count: 2 }, grown)).toBe(false);
    expect(storedPrefixMatches(other, grown)).toBe(false);
    expect(storedPrefixMatches({ event_count: 4, content_sha256: grown.content_sha256 }, grown)).toBe(false);
  });
});
