import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type FileImportResult, importTranscripts, parseTranscript } from './index.js';

/**
 * Claude Code 2.x warm-up subagents (issue 13 item 2), reproduced from the structure of real ones (a
 * developer's `~/.claude/projects` folder, Claude Code 2.0.72; anthropics/claude-code issue #17457 shows
 * the same from 2.1.4): an `agent-<id>.jsonl` file whose first line is a sidechain user line with the
 * string content `Warmup`, at most followed by one assistant text reply and no tool call. The texts
 * here are written for this test.
 */
const SESSION = '5f0c1d2e-0000-4000-8000-00000000c0de';

function line(o: Record<string, unknown>): string {
  return JSON.stringify({
    parentUuid: null,
    isSidechain: false,
    userType: 'external',
    cwd: '/home/dev/project',
    sessionId: SESSION,
    version: '2.0.72',
    gitBranch: 'main',
    timestamp: '2026-01-10T03:45:19.689Z',
    ...o,
  });
}

function user(uuid: string, content: unknown, extra: Record<string, unknown> = {}): string {
  return line({ type: 'user', uuid, message: { role: 'user', content }, ...extra });
}

function assistant(
  uuid: string,
  id: string,
  content: unknown[],
  extra: Record<string, unknown> = {},
): string {
  return line({
    type: 'assistant',
    uuid,
    message: { id, role: 'assistant', model: 'claude-haiku-4-5', type: 'message', content },
    ...extra,
  });
}

const side = (agentId: string) => ({ isSidechain: true, agentId });

/** The warm-up: one `Warmup` user line, optionally one text reply. */
function warmup(agentId: string, reply: boolean): string {
  const lines = [user(`${agentId}-u`, 'Warmup', side(agentId))];
  if (reply)
    lines.push(
      assistant(`${agentId}-a`, `msg_${agentId}`, [{ type: 'text', text: 'Ready to explore the code.' }], {
        ...side(agentId),
        parentUuid: `${agentId}-u`,
      }),
    );
  return `${lines.join('\n')}\n`;
}

/** A real piece of work: the main session, which asks and gets a Bash call run. */
function mainSession(): string {
  return `${[
    user('m1', 'list the files in src'),
    assistant('m2', 'msg_m', [
      { type: 'tool_use', id: 'toolu_m', name: 'Bash', input: { command: 'ls src' } },
    ]),
    user('m3', [{ type: 'tool_result', tool_use_id: 'toolu_m', content: 'a.ts\nb.ts', is_error: false }]),
    assistant('m4', 'msg_m2', [{ type: 'text', text: 'Two files: a.ts and b.ts.' }]),
  ].join('\n')}\n`;
}

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'reverie-warmup-'));
}

async function collect(paths: string[], opts = {}): Promise<FileImportResult[]> {
  const out: FileImportResult[] = [];
  for await (const r of importTranscripts(paths, opts)) out.push(r);
  return out;
}

/** `[file name, 'skipped' | number of sessions | error]` per result. */
function summary(dir: string, results: FileImportResult[]): [string, string | number][] {
  return results.map((r) => [
    r.file.slice(dir.length + 1),
    'error' in r ? r.error.message : r.skipped ? 'skipped' : r.sessions.length,
  ]);
}

describe('Claude Code warm-up subagents (issue 13 item 2)', () => {
  it('skips them in both layouts with a warning, and keeps the session and a working subagent', async () => {
    const dir = scratch();
    writeFileSync(join(dir, `${SESSION}.jsonl`), mainSession());
    writeFileSync(join(dir, 'agent-a3b7f65.jsonl'), warmup('a3b7f65', false)); // older layout, no reply
    mkdirSync(join(dir, SESSION, 'subagents'), { recursive: true });
    writeFileSync(join(dir, SESSION, 'subagents/agent-a5c3259.jsonl'), warmup('a5c3259', true));
    // A subagent that was asked "Warmup" but then worked (a tool call) is work: imported.
    const worked = `${warmup('a0000aa', false)}${assistant(
      'w2',
      'msg_w',
      [{ type: 'tool_use', id: 'toolu_w', name: 'Glob', input: { pattern: '**/*.ts' } }],
      side('a0000aa'),
    )}\n${user('w3', [{ type: 'tool_result', tool_use_id: 'toolu_w', content: 'src/a.ts' }], side('a0000aa'))}\n`;
    writeFileSync(join(dir, SESSION, 'subagents/agent-a0000aa.jsonl'), worked);
    const results = await collect([dir]);
    expect(summary(dir, results)).toEqual([
      [`${SESSION}.jsonl`, 1],
      [`${SESSION}/subagents/agent-a0000aa.jsonl`, 1],
      [`${SESSION}/subagents/agent-a5c3259.jsonl`, 'skipped'],
      ['agent-a3b7f65.jsonl', 'skipped'],
    ]);
    const older = results[3]!;
    expect(older).toEqual({
      file: join(dir, 'agent-a3b7f65.jsonl'),
      format: 'claude-code',
      skipped: true,
      sessions: [],
      warnings: [
        {
          type: 'warmup_sidechain',
          file: join(dir, 'agent-a3b7f65.jsonl'),
          message: `${join(dir, 'agent-a3b7f65.jsonl')}: Claude Code warm-up subagent claude-code:${SESSION}/agent-a3b7f65 (its only prompt is "Warmup" and it made no tool call); skipped`,
        },
      ],
    });
  });

  it('keeps a main session whose only message is "Warmup" (a person may type it) and a longer exchange', () => {
    const solo = parseTranscript('s.jsonl', `${user('p1', 'Warmup')}\n`);
    expect(solo.sessions).toHaveLength(1);
    const twoTurns = `${warmup('a1111bb', true)}${user('t3', 'now read README.md', side('a1111bb'))}\n`;
    expect(parseTranscript('agent-a1111bb.jsonl', twoTurns).sessions).toHaveLength(1);
  });

  it('named explicitly or with --format claude-code it is skipped too, never an error', async () => {
    const dir = scratch();
    const file = join(dir, 'agent-a54e5f8.jsonl');
    writeFileSync(file, warmup('a54e5f8', true));
    for (const opts of [{}, { format: 'claude-code' as const }]) {
      const [r] = await collect([file], opts);
      expect(r && !('error' in r) && r.skipped).toBe(true);
      expect(r && 'warnings' in r && r.warnings.map((w) => w.type)).toEqual(['warmup_sidechain']);
    }
  });
});
