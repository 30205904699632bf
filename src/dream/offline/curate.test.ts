import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLAUDE_CODE, describeWithData } from '../../../test/data.js';
import { sha256Hex } from '../../domain/index.js';
import { createOfflineEngine } from '../index.js';
import { asTopLevel, importAll, refsFromImported, syntheticSession } from '../test-helpers.js';
import { DEFAULT_DREAM_OPTIONS, type DreamResult, type DreamSessionRef, type InputMemory } from '../types.js';

// Wordings written for these tests (not the planted generator's held-out half).
const engine = createOfflineEngine();

function memory(path: string, content: string): InputMemory {
  return { path, content, content_sha256: sha256Hex(content), updated_at: '2026-01-01T00:00:00.000Z' };
}

/** Dreams `sessions` over one note a person wrote at `path`. */
function dream(path: string, note: string, sessions: DreamSessionRef[]): Promise<DreamResult> {
  return engine.run({ memories: [memory(path, note)], sessions, options: DEFAULT_DREAM_OPTIONS });
}

/** One session per statement, each from its own user. */
function said(statements: string[]): DreamSessionRef[] {
  return statements.map((t, i) => syntheticSession(`sesn_${i}`, `u${i}`, [t]));
}

/** Asserts the person's note was left as written and the statements became their own memory naming it. */
function expectOpposed(r: DreamResult, path: string, note: string): void {
  expect(r.files.find((f) => f.path === path)!.content).toBe(note);
  expect(r.changes.some((c) => c.path === path)).toBe(false);
  expect(r.files.some((f) => f.content.includes('_Dream: seen in'))).toBe(false);
  expect(r.stats.memories_reinforced).toBe(0);
  expect(r.stats.memories_opposing_user).toBe(1);
  const own = r.changes.filter((c) => c.kind === 'preference' && c.op === 'create');
  expect(own).toHaveLength(1);
  expect(own[0]!.reason).toContain(`It opposes ${path}, a memory a person wrote (left unchanged)`);
}

describeWithData('curate on Claude Code sessions: a statement that opposes a person’s memory', () => {
  it('never reinforces "never craft a vivid, evocative poem" with "craft a vivid, evocative poem"; the same note stated positively is reinforced', async () => {
    // the subagents' poem prompts read as a person's statements
    const sessions = refsFromImported(asTopLevel(await importAll([CLAUDE_CODE])));
    // "Write a poem about Thai … curry" is each prompt's task, not a preference; the style sentence that
    // follows it ("… craft a vivid, evocative poem …") is the one the note opposes
    const note =
      "Never use what you learn to craft a vivid, evocative poem that captures a dish's essence; keep the words plain.\n";
    const r = await dream('/notes/poems.md', note, sessions);
    expectOpposed(r, '/notes/poems.md', note);
    const poem = r.changes.find((c) => c.kind === 'preference')!;
    expect(poem.after).toContain('craft a vivid, evocative poem');
    // the control: a note the poem statements do support is still reinforced
    const plain =
      'Use what you learn about a dish to craft a vivid, evocative poem that captures its essence.\n';
    const r2 = await dream('/notes/poems.md', plain, sessions);
    expect(r2.stats.memories_reinforced).toBe(1);
    expect(r2.files.find((f) => f.path === '/notes/poems.md')!.content).toContain(
      '_Dream: seen in 5 sessions, 1 agent',
    );
    // the lead's wording of the note (too few shared terms to match at all): unchanged too
    const lead = 'Poems for the team should stay short and plain: no vivid or evocative imagery.\n';
    const r3 = await dream('/notes/poems.md', lead, sessions);
    expect(r3.files.find((f) => f.path === '/notes/poems.md')!.content).toBe(lead);
  });

  it("a subagent's prompts are the parent agent's words, also when the parent's own file was never imported", async () => {
    const files = readdirSync(CLAUDE_CODE, { recursive: true, encoding: 'utf8' })
      .filter((f) => /[\\/]subagents[\\/]agent-[^/\\]+\.jsonl$/.test(f))
      .map((f) => join(CLAUDE_CODE, f));
    const alone = await importAll(files);
    expect(alone.length).toBeGreaterThanOrEqual(5);
    const poems = (r: DreamResult) =>
      r.changes.filter((c) => c.kind === 'preference' && /poem/i.test(c.after ?? ''));
    const run = (sessions: DreamSessionRef[]) =>
      engine.run({ memories: [], sessions, options: DEFAULT_DREAM_OPTIONS });
    expect(poems(await run(refsFromImported(alone)))).toEqual([]);
    // the control: the same prompts read as a person's are a preference
    expect(poems(await run(refsFromImported(asTopLevel(alone))))).toHaveLength(1);
  });
});

describe('curate: a statement that opposes a person’s memory', () => {
  it('"deploy the release on Fridays" said by several people is not support for "Never deploy a release on Fridays."', async () => {
    const note = 'Never deploy a release on Fridays.\n';
    const r = await dream(
      '/notes/deploys.md',
      note,
      said([
        'Always deploy the release on Fridays.',
        'The release should always deploy on Fridays.',
        'Please deploy each release on a Friday.',
      ]),
    );
    expectOpposed(r, '/notes/deploys.md', note);
  });

  it('"tabs rather than spaces" is not support for "Indent with spaces, never tabs."', async () => {
    const note = '# Style\n\nIndent with spaces, never tabs.\n';
    const r = await dream(
      '/notes/style.md',
      note,
      said([
        'Always indent with tabs rather than spaces.',
        'Please indent with tabs, not spaces.',
        'Always use tabs instead of spaces for indentation.',
      ]),
    );
    expectOpposed(r, '/notes/style.md', note);
  });

  it('the same rule in other words, cue words negated or not, still reinforces the note', async () => {
    const note = '# Style\n\nIndent with spaces, never tabs.\n';
    const r = await dream(
      '/notes/style.md',
      note,
      said([
        'Always indent with spaces rather than tabs.',
        'Please indent with spaces, not tabs.',
        'Never use tabs to indent, always spaces.',
      ]),
    );
    expect(r.stats.memories_opposing_user).toBe(0);
    expect(r.stats.memories_reinforced).toBe(1);
    expect(r.files.find((f) => f.path === '/notes/style.md')!.content).toContain(
      '_Dream: seen in 3 sessions',
    );
  });
});
