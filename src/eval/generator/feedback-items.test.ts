import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GroundTruth, ManifestEntry } from '../ground-truth.js';
import { matchesSpec } from '../scorers/markers.js';
import { FEEDBACK, PREFERENCES, TASK_INSTRUCTIONS } from './catalog.js';
import { generatePlanted } from './generate.js';

/** Coding sessions at the default planted size (200 sessions; odd indexes are coding sessions). */
const DEFAULT_CODING_SESSIONS = 100;

/**
 * The items added for issue 15's wider planted test, each with memories a careful reader could write
 * about it in other words (`right`: must count) and near misses about something else (`wrong`: must
 * not count). Written from the item's rule, not from any engine output.
 */
const FAIRNESS: Record<string, { right: string[]; wrong: string[] }> = {
  'feedback.coding.no-commit-to-main': {
    right: [
      'Never push commits directly to main.',
      'Work on a feature branch and merge to main through a pull request.',
    ],
    wrong: [
      'Never force-push a shared branch; rebase instead.',
      'Branch names start with fix/, feat/ or chore/.',
    ],
  },
  'feedback.coding.run-tests-before-done': {
    right: [
      'Run the test suite before reporting a change as done.',
      "Don't claim a fix works until the tests pass.",
      'Always verify changes with the tests before saying they are finished.',
    ],
    wrong: ['Tests use vitest; vitest is our test runner.', 'Never skip a failing test to get CI green.'],
  },
  'feedback.coding.ask-before-destructive': {
    right: [
      'Ask before running destructive commands such as git reset --hard or docker compose down -v.',
      'Get confirmation before deleting volumes or data.',
    ],
    wrong: ['Ask before adding a new dependency.', 'The staging database host is db-staging-2.internal.'],
  },
  'feedback.coding.minimal-scope': {
    right: [
      'Keep changes limited to the task; no unrelated refactors.',
      "Don't reformat files you were not asked to touch.",
      'Keep bug-fix diffs focused on the fix.',
    ],
    wrong: ['Fix the code, not the test.', 'Commit messages follow Conventional Commits.'],
  },
  'feedback.coding.no-console-log': {
    right: [
      'Remove console.log calls before committing; use the logger.',
      'No debug prints in committed code.',
    ],
    wrong: ['Log timestamps in UTC ISO-8601.', 'Use the structured logger for request logs.'],
  },
  'feedback.coding.no-generated-edits': {
    right: [
      'Never edit generated files by hand; change the schema and rerun db:generate.',
      'Files under src/generated come from codegen: regenerate them instead of patching.',
    ],
    wrong: [
      'Run pnpm db:generate then pnpm db:migrate for a schema change.',
      'Never edit the lockfile by hand.',
    ],
  },
  'feedback.coding.no-any-casts': {
    right: [
      "Don't use `as any` or @ts-ignore; fix the types.",
      'Never silence a type error with a cast to any.',
    ],
    wrong: ['Use named exports, not default exports.', 'Add the .js extension to relative imports.'],
  },
  'feedback.coding.no-queries-in-loops': {
    right: [
      'No database queries inside loops (N+1); batch them into one query.',
      'Load list rows with a single query, never one query per row.',
    ],
    wrong: ['Retry failed requests in a loop with backoff.', 'The staging database is in eu-west-1.'],
  },
  'feedback.coding.comments-explain-why': {
    right: [
      'Comments explain why, not what changed.',
      "Don't add comments that narrate your edits or restate the code.",
    ],
    wrong: ['Reply to review comments before merging.', 'Every exported function has a JSDoc block.'],
  },
  'feedback.coding.no-sudo': {
    right: ['Never run commands with sudo.', 'Do not run pnpm as root; report permission errors.'],
    wrong: ['Use pnpm, never npm.', 'Run docker compose through sg docker -c.'],
  },
  'feedback.coding.colocated-tests': {
    right: [
      'Put test files next to the module they test (foo.test.ts beside foo.ts).',
      'Colocate tests with the source; no separate tests/ directory.',
    ],
    wrong: ['Tests use vitest, not Jest.', 'Run the tests before saying a change is done.'],
  },
};

const NEW_IDS = Object.keys(FAIRNESS);

/**
 * `rule` as a feedback memory in Claude Code's format (the rule, **Why:**, **How to apply:**; issue 15),
 * quoting what the agent had said when the person answered: the text around a rule must not decide
 * which item a memory is about.
 */
function asMemory(rule: string, say: string): string {
  return `# Feedback: ${rule}\n> ${rule}\n**Why:** not stated.\n**How to apply:** Before doing again what this corrected (it was said after the agent said: "${say}").\nSaid by the person directing the agent in 1 session.\n`;
}

describe('feedback catalog (issue 15): enough items, fair markers', () => {
  it('has ≥ 14 items at distinct j present at the default size (and so at 1,000 sessions), ≥ 3 wordings per half, halves disjoint', () => {
    expect(FEEDBACK.length).toBeGreaterThanOrEqual(14);
    expect(new Set(FEEDBACK.map((f) => f.id)).size).toBe(FEEDBACK.length);
    const js = FEEDBACK.map((f) => f.j);
    expect(new Set(js).size).toBe(js.length);
    for (const f of FEEDBACK) {
      expect(Number.isInteger(f.j) && f.j >= 0 && f.j < DEFAULT_CODING_SESSIONS, f.id).toBe(true);
      expect(f.templates.length, f.id).toBeGreaterThanOrEqual(3);
      expect(f.test_templates.length, f.id).toBeGreaterThanOrEqual(3);
      for (const w of f.test_templates) expect(f.templates, f.id).not.toContain(w);
    }
    for (const id of NEW_IDS) expect(FEEDBACK.map((f) => f.id)).toContain(id);
  });

  it('has ≥ 9 task instructions at their own j (none shared with feedback), each with its leak marker', () => {
    expect(TASK_INSTRUCTIONS.length).toBeGreaterThanOrEqual(9);
    const js = TASK_INSTRUCTIONS.map((t) => t.j);
    expect(new Set(js).size).toBe(js.length);
    const fbJs = new Set(FEEDBACK.map((f) => f.j));
    for (const t of TASK_INSTRUCTIONS) {
      expect(t.j >= 0 && t.j < DEFAULT_CODING_SESSIONS, t.text).toBe(true);
      expect(fbJs.has(t.j), t.text).toBe(false);
      expect(t.text, t.text).toContain('{w}');
    }
  });

  it('test half includes questions, negations, a reason, and lowercase chat', () => {
    const test = NEW_IDS.flatMap((id) => FEEDBACK.find((f) => f.id === id)!.test_templates);
    expect(test.filter((t) => t.includes('?')).length).toBeGreaterThanOrEqual(3);
    expect(test.filter((t) => /\b(no|never|don't|nobody)\b/i.test(t)).length).toBeGreaterThanOrEqual(3);
    expect(test.filter((t) => /\bbecause\b/i.test(t)).length).toBeGreaterThanOrEqual(2);
    expect(test.filter((t) => /^[a-z]/.test(t)).length).toBeGreaterThanOrEqual(2);
  });

  it('markers are fair: a right memory in other words counts, a near miss or another item does not', () => {
    for (const id of NEW_IDS) {
      const def = FEEDBACK.find((f) => f.id === id)!;
      const { right, wrong } = FAIRNESS[id]!;
      expect(matchesSpec(def.title, def.markers), `${id}: title`).toBe(true);
      for (const r of right) expect(matchesSpec(r, def.markers), `${id}: ${r}`).toBe(true);
      for (const w of wrong) expect(matchesSpec(w, def.markers), `${id}: ${w}`).toBe(false);
      for (const other of FEEDBACK.filter((f) => f.id !== id)) {
        expect(matchesSpec(other.title, def.markers), `${other.id} title vs ${id}`).toBe(false);
        for (const r of FAIRNESS[other.id]?.right ?? [])
          expect(matchesSpec(r, def.markers), `${other.id} memory vs ${id}: ${r}`).toBe(false);
      }
      for (const r of right)
        expect(matchesSpec(asMemory(r, def.offense.say), def.markers), `${id}: ${r}`).toBe(true);
      for (const other of FEEDBACK.filter((f) => f.id !== id))
        for (const w of [...other.templates, ...other.test_templates])
          expect(matchesSpec(asMemory(w, other.offense.say), def.markers), `${other.id} vs ${id}: ${w}`).toBe(
            false,
          );
      for (const p of PREFERENCES.coding)
        for (const t of [p.title, ...p.paraphrases, ...p.test_paraphrases])
          expect(matchesSpec(t, def.markers), `${p.id} vs ${id}: ${t}`).toBe(false);
    }
    // nor does a memory about a new item count for one of the first four
    for (const old of FEEDBACK.filter((f) => !NEW_IDS.includes(f.id)))
      for (const id of NEW_IDS) {
        const def = FEEDBACK.find((f) => f.id === id)!;
        for (const w of [def.title, ...def.templates, ...def.test_templates, ...FAIRNESS[id]!.right])
          expect(matchesSpec(asMemory(w, def.offense.say), old.markers), `${id} vs ${old.id}: ${w}`).toBe(
            false,
          );
      }
  });
});

describe('feedback planted in the intended sessions (issue 15)', () => {
  const dirs: string[] = [];
  const runs: Partial<
    Record<'train' | 'test', { gt: GroundTruth; root: string; manifest: ManifestEntry[] }>
  > = {};
  beforeAll(async () => {
    for (const phrasings of ['train', 'test'] as const) {
      const root = await mkdtemp(join(tmpdir(), `reverie-eval-fbitems-${phrasings}-`));
      dirs.push(root);
      const gt = await generatePlanted({ outDir: root, sessions: 200, seed: 5, phrasings });
      const manifest = (await readFile(join(root, gt.layout.manifest), 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as ManifestEntry);
      runs[phrasings] = { gt, root, manifest };
    }
  }, 120_000);
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('each item sits in coding session j, right after its offending tool call, in both halves', async () => {
    for (const half of ['train', 'test'] as const) {
      const { gt, root, manifest } = runs[half]!;
      for (const def of FEEDBACK) {
        const item = gt.items.find((i) => i.id === def.id)!;
        expect(item.expected, def.id).toBe(true);
        const entry = manifest[2 * def.j + 1]!;
        expect(entry.domain).toBe('coding');
        expect(item.sessions, `${half} ${def.id}`).toEqual([entry.file]);
        expect(entry.planted).toContain(def.id);
        const lines = (await readFile(join(root, entry.file), 'utf8'))
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l));
        const wordings = half === 'test' ? def.test_templates : def.templates;
        const at = lines.findIndex((l) => l.type === 'user' && wordings.includes(l.message.content));
        expect(at, `${half} ${def.id}`).toBeGreaterThan(0);
        const before = lines.slice(0, at).filter((l) => Array.isArray(l.message?.content));
        const call = before
          .flatMap(
            (l) => l.message.content as { type: string; name?: string; input?: Record<string, string> }[],
          )
          .filter((c) => c.type === 'tool_use')
          .at(-1)!;
        expect(call.name, def.id).toBe(def.offense.tool);
        expect(Object.keys(call.input!).sort(), def.id).toEqual(Object.keys(def.offense.input).sort());
        if (
          !JSON.stringify(def.offense).includes('{file}') &&
          !JSON.stringify(def.offense).includes('{branch}')
        ) {
          const fill = (s: string) => s.replaceAll('{cwd}', lines[at].cwd);
          for (const [k, v] of Object.entries(def.offense.input))
            expect(call.input![k], def.id).toBe(fill(v));
        }
      }
    }
  });

  it('each task instruction is one-off noise in coding session j, in both halves', () => {
    for (const half of ['train', 'test'] as const) {
      const { gt, manifest } = runs[half]!;
      for (const t of TASK_INSTRUCTIONS) {
        const entry = manifest[2 * t.j + 1]!;
        const n = gt.noise.find((x) => x.id === `noise.coding.instruction.${2 * t.j + 1}`);
        expect(n, t.text).toBeDefined();
        expect(n!.session).toBe(entry.file);
        expect(n!.text).toBe(t.text.replaceAll('{w}', n!.markers[0]!));
      }
    }
  });

  it('sessions carrying no feedback or instruction are byte-identical to a run with none planted', async () => {
    const { gt, root } = runs.train!;
    const savedFb = FEEDBACK.splice(0);
    const savedIns = TASK_INSTRUCTIONS.splice(0);
    const bare = await mkdtemp(join(tmpdir(), 'reverie-eval-fbitems-bare-'));
    dirs.push(bare);
    try {
      await generatePlanted({ outDir: bare, sessions: 200, seed: 5 });
    } finally {
      FEEDBACK.push(...savedFb);
      TASK_INSTRUCTIONS.push(...savedIns);
    }
    const carrying = new Set([
      ...gt.items.filter((i) => i.kind === 'feedback').flatMap((i) => i.sessions),
      ...gt.noise.filter((n) => n.type === 'instruction').map((n) => n.session),
    ]);
    expect(carrying.size).toBe(FEEDBACK.length + TASK_INSTRUCTIONS.length);
    let same = 0;
    for (const dir of [gt.layout.coding_dir, gt.layout.support_dir, gt.layout.support_reverie_dir]) {
      for (const f of await readdir(join(root, dir))) {
        const [a, b] = [await readFile(join(root, dir, f)), await readFile(join(bare, dir, f))];
        if (carrying.has(`${dir}/${f}`)) expect(a.equals(b), f).toBe(false);
        else {
          expect(a.equals(b), f).toBe(true);
          same++;
        }
      }
    }
    expect(same).toBeGreaterThan(250);
  }, 120_000);
});
