import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importTranscripts } from '../../ingest/index.js';
import type { ImportedSession } from '../../ingest/types.js';
import type { GroundTruth } from '../ground-truth.js';
import { generatePlanted } from './generate.js';

let dir = '';
let gt: GroundTruth;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reverie-eval-import-'));
  gt = await generatePlanted({ outDir: dir, sessions: 120, seed: 5 });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function importDir(rel: string): Promise<{ format: string; sessions: ImportedSession[] }[]> {
  const out: { format: string; sessions: ImportedSession[] }[] = [];
  for await (const r of importTranscripts([join(dir, rel)])) {
    if ('error' in r || r.skipped)
      throw new Error(`${r.file}: ${'error' in r ? r.error.message : 'skipped'}`);
    out.push({ format: r.format, sessions: r.sessions });
  }
  return out;
}

function errors(sessions: ImportedSession[]): number {
  return sessions.reduce(
    (a, s) => a + s.events.filter((e) => e.type === 'agent.tool_result' && e.is_error).length,
    0,
  );
}

describe('generated transcripts import through src/ingest', () => {
  it('imports the Claude Code, OpenAI chat and normalized files with the planted counts', async () => {
    const coding = await importDir(gt.layout.coding_dir);
    const support = await importDir(gt.layout.support_dir);
    const normalized = await importDir(gt.layout.support_reverie_dir);
    expect(coding.every((r) => r.format === 'claude-code')).toBe(true);
    expect(support.every((r) => r.format === 'openai-chat')).toBe(true);
    expect(normalized.every((r) => r.format === 'reverie')).toBe(true);
    const cs = coding.flatMap((r) => r.sessions);
    const ss = support.flatMap((r) => r.sessions);
    const ns = normalized.flatMap((r) => r.sessions);
    expect(cs.length).toBe(gt.counts.coding_sessions);
    expect(ss.length).toBe(gt.counts.support_sessions);
    expect(ns.length).toBe(gt.counts.support_sessions);
    // Tool errors survive every format: coding (is_error flag) + support (`Error:` prefix / flag).
    expect(errors(cs) + errors(ss)).toBe(gt.counts.tool_errors);
    expect(errors(cs) + errors(ns)).toBe(gt.counts.tool_errors);
    // The normalized copy keeps outcomes, agents, users and teams.
    expect(ns.every((s) => s.outcome !== null && s.team_id === 'care-team' && s.user_id !== null)).toBe(true);
    expect(ns.filter((s) => s.outcome?.result === 'failed').length).toBeGreaterThan(0);
    // Claude Code turns are merged by message id: tool calls pair with their results.
    for (const s of cs) {
      const uses = s.events.filter((e) => e.type === 'agent.tool_use').length;
      const results = s.events.filter((e) => e.type === 'agent.tool_result').length;
      expect(results).toBe(uses);
    }
  });

  it('keeps planted markers findable in imported events', async () => {
    const cs = (await importDir(gt.layout.coding_dir)).flatMap((r) => r.sessions);
    const ns = (await importDir(gt.layout.support_reverie_dir)).flatMap((r) => r.sessions);
    const text = [...cs, ...ns]
      .flatMap((s) =>
        s.events.map((e) => ('text' in e ? e.text : 'content' in e ? e.content : JSON.stringify(e))),
      )
      .join('\n')
      .toLowerCase();
    for (const n of gt.noise) expect(text.includes(n.markers[0]!), n.id).toBe(true);
    for (const p of gt.poison) expect(text.includes(p.markers[0]!.toLowerCase()), p.id).toBe(true);
    for (const s of gt.secrets) expect(text.includes(s.value.toLowerCase()), s.id).toBe(true);
  });
});
