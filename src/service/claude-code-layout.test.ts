import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLAUDE_CODE, DATA, describeWithData } from '../../test/data.js';
import { utf8Bytes } from '../domain/index.js';
import { parseFrontMatter } from '../dream/index.js';
import { openSqliteStorage } from '../storage/index.js';
import { CLAUDE_CODE_INDEX_LIMITS, fromClaudeCodeLayout, toLayout } from './claude-code-layout.js';
import { readMemoryFolder } from './directory.js';
import { oneShotDream } from './one-shot.js';
import { Reverie } from './reverie.js';

const TYPES = ['user', 'feedback', 'project', 'reference'];

/** The `metadata:` block's `type` of a file (two-space indented under `metadata:`). */
const metadataType = (content: string) => /\nmetadata:\n(?: {2}.*\n)*? {2}type: (\w+)\n/.exec(content)?.[1];

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('claude-code layout', () => {
  const memory = (i: number) => ({
    path: `/feedback/rule-${i}.md`,
    content: `---\nkind: feedback\nsummary: rule ${i} (1 session)\nsupport: {sessions: 1, agents: 1}\nconfidence: 0.6\nkey: feedback:rule ${i}\n---\n# Feedback: rule ${i}\n\n> rule ${i}\n`,
  });

  it('one memory per flat file with name, description, type and metadata.type; the index relinked and cut to 200 lines', () => {
    const files = Array.from({ length: 300 }, (_, i) => memory(i));
    const index = `# Memory index\n\n${files.map((f, i) => `- [Feedback: rule ${i}](${f.path.slice(1)}) — ${'why '.repeat(20)}`).join('\n')}\n`;
    const own = { path: '/notes/mine.md', content: '---\nkind: feedback\ntags: mine\n---\nmy own words\n' };
    const out = toLayout([...files, own, { path: '/MEMORY.md', content: index }], 'claude-code');
    const rule = out.find((f) => f.path === '/feedback_rule-7.md')!;
    const { fields } = parseFrontMatter(rule.content);
    expect(fields).toMatchObject({
      name: 'Feedback: rule 7',
      description: 'rule 7 (1 session)',
      type: 'feedback',
    });
    expect(metadataType(rule.content)).toBe('feedback');
    // a person's file (front matter reverie did not write) keeps its path and bytes
    expect(out).toContainEqual(own);
    const idx = out.find((f) => f.path === '/MEMORY.md')!.content;
    expect(idx.split('\n').length - 1).toBeLessThanOrEqual(CLAUDE_CODE_INDEX_LIMITS.lines);
    expect(utf8Bytes(idx)).toBeLessThanOrEqual(CLAUDE_CODE_INDEX_LIMITS.bytes);
    expect(idx).toContain('](feedback_rule-0.md)');
    expect(idx).toMatch(/_\d+ more memories are in this folder/);
    // and back: reverie's paths and bytes again
    const back = fromClaudeCodeLayout(out.filter((f) => f.path !== '/MEMORY.md'));
    expect(back.find((f) => f.path === '/feedback/rule-7.md')?.content).toBe(memory(7).content);
    expect(back).toContainEqual(own);
  });

  it('a stated fact keeps its project or reference type', () => {
    const fact = {
      path: '/facts/fixtures.md',
      content:
        '---\nkind: fact\ntype: reference\nsummary: fixtures live in test/data\nkey: reference:x\n---\n# Reference: fixtures\n',
    };
    const [out] = toLayout([fact], 'claude-code');
    expect(out!.path).toBe('/reference_fixtures.md');
    expect(parseFrontMatter(out!.content).fields.type).toBe('reference');
    expect(fromClaudeCodeLayout([out!])).toEqual([fact]);
  });

  it("what a person said about themselves is Claude Code's user type", () => {
    const person = {
      path: '/facts/ann-2023-05.md',
      content:
        '---\nkind: fact\ntype: user\nsummary: 2 statements by Ann\nkey: user:ann:2023-05\n---\n# Ann, 2023-05\n',
    };
    const [out] = toLayout([person], 'claude-code');
    expect(out!.path).toBe('/user_ann-2023-05.md');
    expect(parseFrontMatter(out!.content).fields.type).toBe('user');
    expect(fromClaudeCodeLayout([out!])).toEqual([person]);
  });
});

describeWithData('claude-code layout of a one-shot dream over real Claude Code sessions', () => {
  it('writes the folder in Claude Code’s conventions, and reads it back into the same store', async () => {
    const out = await mkdtemp(join(tmpdir(), 'reverie-cc-layout-'));
    dirs.push(out);
    const svc = new Reverie({ storage: await openSqliteStorage(':memory:') });
    const r = await oneShotDream(svc, {
      transcripts: [CLAUDE_CODE, join(DATA, 'formats/claude-code-projects')],
      outDir: out,
      layout: 'claude-code',
    });
    await writeFile(join(out, 'my-notes.md'), 'kept as written\n');
    const read = await readMemoryFolder(out);
    const memories = read.filter((f) => f.path !== '/MEMORY.md' && f.path !== '/my-notes.md');
    expect(memories.length).toBeGreaterThan(3);
    for (const f of memories) {
      expect(f.path.split('/')).toHaveLength(2);
      const { fields } = parseFrontMatter(f.content);
      expect(fields.name?.length, f.path).toBeGreaterThan(0);
      expect(fields.description?.length, f.path).toBeGreaterThan(0);
      expect(TYPES).toContain(fields.type);
      expect(metadataType(f.content)).toBe(fields.type);
      expect(f.path.startsWith(`/${fields.type}_`)).toBe(true);
    }
    expect(memories.some((f) => parseFrontMatter(f.content).fields.type === 'project')).toBe(true);
    const index = read.find((f) => f.path === '/MEMORY.md')!.content;
    for (const [, link] of index.matchAll(/\]\(([^)]+)\)/g))
      expect(read.map((f) => f.path)).toContain(`/${link}`);
    // read back: the files are the output store's, byte for byte (the index aside, whose links differ)
    const store = await svc.snapshot(r.output_store_id!);
    const back = fromClaudeCodeLayout(memories);
    for (const m of store.filter((x) => x.path !== '/MEMORY.md'))
      expect(back.find((f) => f.path === m.path)?.content, m.path).toBe(m.content);
    expect(read.find((f) => f.path === '/my-notes.md')?.content).toBe('kept as written\n');
    await svc.close();
  }, 60_000);
});
