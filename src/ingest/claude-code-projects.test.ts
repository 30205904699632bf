import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { DATA, describeWithData } from '../../test/data.js';
import { type ImportedSession, importTranscripts } from './index.js';

const DIR = resolve(DATA, 'formats/claude-code-projects');

async function importAll(paths: string[]): Promise<ImportedSession[]> {
  const out: ImportedSession[] = [];
  for await (const r of importTranscripts(paths)) {
    if ('error' in r) throw r.error;
    expect(r.format).toBe('claude-code');
    out.push(...r.sessions);
  }
  return out;
}

/** [external_id, parent, tool calls, tool results, failed results]. */
const counts = (s: ImportedSession) => [
  s.external_id,
  s.parent_external_id,
  s.events.filter((e) => e.type === 'agent.tool_use').length,
  s.events.filter((e) => e.type === 'agent.tool_result').length,
  s.events.filter((e) => e.type === 'agent.tool_result' && e.is_error).length,
];

describeWithData('Claude Code project folders', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'reverie-cc-old-layout-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('imports the newer layout: 3 sessions and the subagent under <session>/subagents/', async () => {
    const sessions = await importAll([DIR]);
    // Hand-counted tool_use / tool_result blocks and is_error flags per file (ids de-duplicated):
    // 624a4a58 48/48/0, 9eda1058 3/3/1 (the interrupted Write), e9fb405b 14/14/0, its subagent 20/20/1.
    expect(sessions.map(counts)).toEqual([
      ['claude-code:624a4a58-b34c-462d-a70d-13421c8125a8', null, 48, 48, 0],
      ['claude-code:9eda1058-9706-484a-b992-d03f9cfa2546', null, 3, 3, 1],
      ['claude-code:e9fb405b-169f-40eb-9396-7e75076f045d', null, 14, 14, 0],
      [
        'claude-code:e9fb405b-169f-40eb-9396-7e75076f045d/agent-a485154',
        'claude-code:e9fb405b-169f-40eb-9396-7e75076f045d',
        20,
        20,
        1,
      ],
    ]);
    // The long design discussion starts with `/clear`: the title is what the person asked next.
    expect(sessions[0]!.title).not.toBe('/clear');
    expect(sessions[0]!.title.startsWith('/')).toBe(false);
  });

  it('imports the older layout: agent-<id>.jsonl beside the session file, with or without agentId', async () => {
    const proj = join(tmp, '-home-me-repo');
    mkdirSync(proj);
    const sid = '11111111-2222-3333-4444-555555555555';
    const line = (o: Record<string, unknown>) =>
      JSON.stringify({ sessionId: sid, timestamp: '2025-06-01T10:00:00.000Z', ...o });
    writeFileSync(
      join(proj, `${sid}.jsonl`),
      [
        line({ type: 'user', uuid: 'u1', message: { role: 'user', content: 'find the config' } }),
        line({
          type: 'assistant',
          uuid: 'a1',
          message: {
            id: 'm1',
            role: 'assistant',
            content: [{ type: 'tool_use', id: 't1', name: 'Task', input: {} }],
          },
        }),
      ].join('\n'),
    );
    const side = (agent: Record<string, unknown>) =>
      [
        line({
          type: 'user',
          isSidechain: true,
          ...agent,
          message: { role: 'user', content: 'search for it' },
        }),
        line({
          type: 'assistant',
          isSidechain: true,
          ...agent,
          message: { id: 'm2', role: 'assistant', content: [{ type: 'text', text: 'found it' }] },
        }),
      ].join('\n');
    writeFileSync(join(proj, 'agent-0a1b2c3.jsonl'), side({ agentId: '0a1b2c3' }));
    writeFileSync(join(proj, 'agent-9f8e7d6.jsonl'), side({}));
    const sessions = await importAll([proj]);
    expect(sessions.map((s) => [s.external_id, s.parent_external_id, s.agent_id]).sort()).toEqual([
      [`claude-code:${sid}`, null, 'claude-code'],
      [`claude-code:${sid}/agent-0a1b2c3`, `claude-code:${sid}`, 'claude-code/subagent'],
      [`claude-code:${sid}/agent-9f8e7d6`, `claude-code:${sid}`, 'claude-code/subagent'],
    ]);
  });
});
