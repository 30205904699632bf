import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { enqueueDream } from '../../service/dream-queue.js';
import { findInstructionFiles } from '../../service/instruction-files.js';
import { oneShotDream } from '../../service/one-shot.js';
import { Reverie } from '../../service/reverie.js';
import { openSqliteStorage } from '../../storage/index.js';
import { CONTRADICTION_CONFIDENCE, screenInstructions } from './instruction-files.js';
import type { PlannedMemory } from './plan.js';
import { contentTokens } from './text.js';

const planned = (rule: string): PlannedMemory => ({
  key: `feedback:${rule}`,
  kind: 'feedback',
  slug: 'x',
  title: `Feedback: ${rule}`,
  summary: rule,
  body: `# Feedback: ${rule}\n\n> ${rule}\n`,
  support: { sessions: 1, agents: 1 },
  confidence: 0.6,
  last_seen: null,
  evidence: [],
  score: 1,
  match_text: rule,
  match_terms: contentTokens(rule),
  reason: 'Feedback the person gave.',
});

const CLAUDE_MD = [
  '# Project rules',
  '',
  '- Never edit the generated protobuf files under gen/; change the .proto sources instead.',
  '- Always run the integration tests against a real database, not mocks.',
  '',
  '```sh',
  'never run this block as a rule',
  '```',
].join('\n');

describe('screenInstructions', () => {
  it('drops a memory that repeats an instruction line, flags one that contradicts it, keeps the rest', () => {
    const repeat = planned("Don't edit the generated protobuf files; change the proto sources.");
    const contra = planned("Don't run the integration tests against a real database, use mocks.");
    const other = planned('Ask before adding any new dependency.');
    const s = screenInstructions([repeat, contra, other], [{ path: '/p/CLAUDE.md', content: CLAUDE_MD }]);
    expect(s.repeats).toEqual([{ key: repeat.key, file: '/p/CLAUDE.md', line: 3 }]);
    expect(s.contradictions).toEqual([{ key: contra.key, file: '/p/CLAUDE.md', line: 4 }]);
    expect(s.memories.map((m) => m.key)).toEqual([contra.key, other.key]);
    const flagged = s.memories[0]!;
    expect(flagged.confidence).toBe(CONTRADICTION_CONFIDENCE);
    expect(flagged.reason).toMatch(/^Contradicts \/p\/CLAUDE\.md line 4/);
    expect(flagged.body).toContain('**Contradicts /p/CLAUDE.md line 4');
    expect(s.memories[1]).toEqual(other);
    // without instruction files nothing changes
    expect(screenInstructions([repeat], []).memories).toEqual([repeat]);
  });
});

/** A Claude Code session file run in `cwd`: the agent acts, the person answers with `said`. */
function claudeCodeSession(id: string, cwd: string, said: string[]): string {
  const base = { isSidechain: false, userType: 'external', cwd, sessionId: id, version: '2.1.14' };
  const lines: object[] = [];
  let n = 0;
  const at = () => `2026-03-01T10:00:${String(n++).padStart(2, '0')}.000Z`;
  lines.push({
    ...base,
    type: 'user',
    uuid: `u${n}`,
    timestamp: at(),
    message: { role: 'user', content: 'Tidy up the build.' },
  });
  for (const s of said) {
    lines.push({
      ...base,
      type: 'assistant',
      uuid: `a${n}`,
      timestamp: at(),
      message: {
        role: 'assistant',
        type: 'message',
        content: [
          {
            type: 'text',
            text: 'I changed the build, the generated files, the database tests and the commits.',
          },
        ],
      },
    });
    lines.push({
      ...base,
      type: 'user',
      uuid: `u${n}`,
      timestamp: at(),
      message: { role: 'user', content: s },
    });
  }
  return `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`;
}

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

/**
 * A temporary project folder holding CLAUDE.md, and beside it `<name>.jsonl`, a Claude Code session run in
 * that project where the person says `said`. Removed after each test.
 */
async function projectWithSession(
  name: string,
  id: string,
  said: string[],
): Promise<{ project: string; file: string }> {
  const root = await mkdtemp(join(tmpdir(), 'reverie-instructions-'));
  dirs.push(root);
  const project = join(root, 'project');
  await mkdir(project);
  await writeFile(join(project, 'CLAUDE.md'), CLAUDE_MD);
  const file = join(root, `${name}.jsonl`);
  await writeFile(file, claudeCodeSession(id, project, said));
  return { project, file };
}

describe("instruction files of the sessions' project in a dream", () => {
  it('reads CLAUDE.md from the sessions’ cwd: a repeat is not proposed, a contradiction is flagged, the file is never edited', async () => {
    const { project, file } = await projectWithSession('s1', '11111111-1111-4111-8111-111111111111', [
      "Don't edit the generated protobuf files, change the proto sources.",
      "Don't run the integration tests against a real database, use mocks.",
      'Never squash commits on shared branches.',
    ]);
    const svc = new Reverie({ storage: await openSqliteStorage(':memory:') });
    const r = await oneShotDream(svc, { transcripts: [file] });
    const fb = (await svc.listChanges(r.dream.id)).filter((c) => c.kind === 'feedback');
    const texts = fb.map((c) => c.after ?? '');
    expect(texts.some((t) => /protobuf/.test(t))).toBe(false);
    const flagged = fb.find((c) => /real database/.test(c.after ?? ''))!;
    expect(flagged.reason).toContain(`Contradicts ${join(project, 'CLAUDE.md')} line 4`);
    expect(flagged.confidence).toBeLessThanOrEqual(CONTRADICTION_CONFIDENCE);
    expect(texts.some((t) => /squash/.test(t))).toBe(true);
    expect(r.dream.stats).toMatchObject({
      instruction_repeats_dropped: 1,
      instruction_contradictions_flagged: 1,
    });
    expect(await readFile(join(project, 'CLAUDE.md'), 'utf8')).toBe(CLAUDE_MD);
    await svc.close();
  });

  it('takes --instructions-file when the cwd is not on this machine, and names a missing one', async () => {
    const root = await mkdtemp(join(tmpdir(), 'reverie-instructions-'));
    dirs.push(root);
    await writeFile(join(root, 'AGENTS.md'), CLAUDE_MD);
    await writeFile(
      join(root, 's2.jsonl'),
      claudeCodeSession('22222222-2222-4222-8222-222222222222', '/nonexistent/project', [
        "Don't edit the generated protobuf files, change the proto sources.",
      ]),
    );
    const svc = new Reverie({ storage: await openSqliteStorage(':memory:') });
    const r = await oneShotDream(svc, {
      transcripts: [join(root, 's2.jsonl')],
      instructions_files: [join(root, 'AGENTS.md')],
    });
    expect((await svc.listChanges(r.dream.id)).filter((c) => c.kind === 'feedback')).toEqual([]);
    expect(r.dream.stats).toMatchObject({ instruction_repeats_dropped: 1 });
    await expect(findInstructionFiles(svc, [], [join(root, 'missing.md')])).rejects.toThrow(
      `instructions file ${join(root, 'missing.md')}: not found`,
    );
    await svc.close();
  });

  it('a queued dream carries the instruction files read where it was created: the worker never reads those paths', async () => {
    const { project, file } = await projectWithSession('s3', '33333333-3333-4333-8333-333333333333', [
      "Don't edit the generated protobuf files, change the proto sources.",
      'Never squash commits on shared branches.',
    ]);
    const svc = new Reverie({ storage: await openSqliteStorage(':memory:') });
    const { session_ids } = await svc.importSessions([file]);
    const store = await svc.createStore({ name: 'queued' });
    const files = await findInstructionFiles(svc, session_ids);
    expect(files.map((f) => f.path)).toEqual([join(project, 'CLAUDE.md')]);
    const { dream } = await enqueueDream(svc, {
      memory_store_id: store.id,
      session_ids,
      options: { instruction_files: files },
    });
    // the worker runs on a machine without the project: the files are gone
    await rm(project, { recursive: true });
    const done = await svc.runDream(dream.id);
    expect(done.stats).toMatchObject({ instruction_repeats_dropped: 1 });
    const texts = (await svc.listChanges(dream.id)).map((c) => c.after ?? '');
    expect(texts.some((t) => /protobuf/.test(t))).toBe(false);
    expect(texts.some((t) => /squash/.test(t))).toBe(true);
    await svc.close();
  });
});
