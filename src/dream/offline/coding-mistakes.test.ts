/**
 * Issue 8 for coding agents: what is not a mistake (harness messages, output-size notices, clean-up),
 * which failed runs are mistakes (recurring with an established fix: the change the first successful
 * run of the same script made), and which tool sequences are workflows — on small constructed sessions
 * and on the 100 mini-swe-agent django sessions (labels: src/eval/labels/swe-django-100.json).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DJANGO, describeWithData } from '../../../test/data.js';
import type { OutcomeResult, SessionEvent } from '../../domain/index.js';
import { createOfflineEngine } from '../index.js';
import { importAll, refsFromImported } from '../test-helpers.js';
import { DEFAULT_DREAM_OPTIONS, type DreamResult } from '../types.js';
import { gatherSession } from './gather.js';
import { mineMistakes } from './mistakes.js';
import type { GatheredSession } from './plan.js';
import { mineWorkflows } from './workflows.js';

/** A step: a shell command with its output (`fail` for a non-zero exit), or a harness message. */
type Step = { sh: string; out?: string; fail?: boolean } | { harness: string };

/** A gathered session of a shell agent: `bash` calls and harness messages, on day `day`. */
function session(id: string, outcome: OutcomeResult, day: number, steps: Step[]): GatheredSession {
  const ts = `2026-03-${String(day).padStart(2, '0')}T10:00:00.000Z`;
  const src = { file: 'synthetic' };
  const events: SessionEvent[] = [
    { type: 'user.message', text: 'fix the bug', seq: 0, timestamp: ts, source: src },
  ];
  for (const st of steps) {
    const seq = events.length;
    if ('harness' in st) {
      events.push({ type: 'system.message', text: st.harness, seq, timestamp: ts, source: src });
      continue;
    }
    const call_id = `c${seq}`;
    events.push({
      type: 'agent.tool_use',
      tool: 'bash',
      kind: 'shell',
      command: st.sh,
      input: { command: st.sh },
      call_id,
      seq,
      timestamp: ts,
      source: src,
    } as SessionEvent);
    events.push({
      type: 'agent.tool_result',
      tool: 'bash',
      call_id,
      content: st.out ?? '',
      is_error: st.fail ?? false,
      seq: seq + 1,
      timestamp: ts,
      source: src,
    } as SessionEvent);
  }
  return {
    id,
    agent_id: 'agent-a',
    user_id: null,
    content_sha256: id,
    outcome,
    family: null,
    subagent: false,
    time: ts,
    digest: gatherSession(events),
  };
}

const write = (body: string) => ({ sh: `cat <<'EOF' > repro.py\n${body}\nEOF` });
const run = (out = 'ok', fail = false) => ({ sh: 'python repro.py', out, fail });
const outcome = (i: number): OutcomeResult => (i % 2 ? 'failed' : 'satisfied');
/** Failed runs of the agent's own script, recovered by unrelated rewrites (the background). */
const assertion = (i: number) =>
  session(`a${i}`, outcome(i), i + 20, [
    write('x = 1\nassert x == 2'),
    run('AssertionError', true),
    write(`value_${i} = 2\nassert value_${i} == 2`),
    run(),
  ]);
const FORMAT = 'Please always provide EXACTLY ONE action in triple backticks, found 2 actions.';

describe('coding mistakes: what is not a mistake', () => {
  it("the harness's format message is no tool mistake; one lesson only when it predicts failure", () => {
    // in as many satisfied as failed sessions: nothing
    const even = [0, 1, 2, 3, 4, 5].map((i) =>
      session(`e${i}`, outcome(i), i + 1, [
        { sh: 'ls' },
        { harness: FORMAT },
        { harness: 'The output of your last command was too long.' },
        { sh: 'ls' },
      ]),
    );
    const r = mineMistakes(even, 2);
    expect(r.memories).toEqual([]);
    expect(r.stats.mistakes_harness).toBe(2);
    // in 8 failed sessions and no satisfied one: one lesson, naming the test; the size notice never
    const failing = [...Array(16).keys()].map((i) =>
      session(`f${i}`, i < 8 ? 'failed' : 'satisfied', i + 1, [
        { sh: 'ls' },
        ...(i < 8 ? [{ harness: FORMAT }, { harness: 'The output of your last command was too long.' }] : []),
        { sh: 'ls' },
      ]),
    );
    const m = mineMistakes(failing, 2).memories;
    expect(m).toHaveLength(1);
    expect(m[0]!.title).toContain('EXACTLY ONE action');
    expect(m[0]!.summary).toContain(
      "fix: answer in exactly the format the harness asks for (one-sided Fisher's exact test",
    );
  });

  it('clean-up of what is gone and a missing throw-away script are exploration', () => {
    const s = [0, 1, 2, 3].map((i) =>
      session(`c${i}`, outcome(i), i + 1, [
        { sh: 'rm repro.py', out: "rm: cannot remove 'repro.py': No such file or directory", fail: true },
        {
          sh: 'python check.py',
          out: "python: can't open file 'check.py': [Errno 2] No such file or directory",
          fail: true,
        },
        { sh: 'rmdir app', out: "rmdir: failed to remove 'app': Directory not empty", fail: true },
        { sh: 'ls' },
      ]),
    );
    const r = mineMistakes(s, 2);
    expect(r.memories).toEqual([]);
    expect(r.stats.mistakes_exploration).toBe(3);
  });
});

describe('coding mistakes: failed test runs and chance', () => {
  it('a failed test run is no mistake, even when a set-up step came before the next passing run', () => {
    // in each session the tests fail, a folder is made for something else, then other tests pass
    const s = [0, 1, 2, 3].map((i) =>
      session(`p${i}`, outcome(i), i + 1, [
        { sh: 'pytest tests/test_views.py', out: 'E       AssertionError: assert 1 == 2', fail: true },
        { sh: `mkdir -p tests/roots/case_${i}` },
        { sh: `pytest tests/test_case_${i}.py` },
      ]),
    );
    const r = mineMistakes(s, 2);
    expect(r.memories).toEqual([]);
    expect(r.stats.mistakes_exploration).toBe(1);
  });

  it('a failed test run that an environment variable made pass is a mistake; another change after it is not', () => {
    const tests = (i: number, rerun: string) =>
      session(`u${i}`, outcome(i), i + 1, [
        {
          sh: 'pytest tests/test_names.py',
          out: "UnicodeEncodeError: 'ascii' codec can't encode",
          fail: true,
        },
        { sh: rerun },
      ]);
    const background = [0, 1, 2, 3, 4, 5, 6, 7].map((i) =>
      session(`b${i}`, outcome(i), i + 20, [
        { sh: 'pytest tests/test_views.py', out: 'E       AssertionError: assert 1 == 2', fail: true },
        { sh: `pytest tests/test_views.py -k case_${i}` },
      ]),
    );
    const env = mineMistakes(
      [
        ...[0, 1, 2, 3, 4, 5].map((i) => tests(i, 'PYTHONIOENCODING=utf-8 pytest tests/test_names.py')),
        ...background,
      ],
      2,
    );
    expect(env.memories.map((m) => m.summary)).toEqual([
      expect.stringMatching(/^6 sessions; fix: add `PYTHONIOENCODING=utf-8`/),
    ]);
    const flag = mineMistakes(
      [...[0, 1, 2, 3, 4, 5].map((i) => tests(i, 'pytest tests/test_names.py --capture=no')), ...background],
      2,
    );
    expect(flag.memories).toEqual([]);
  });

  it("taking the agent's own edit back (git checkout) is no fix of the error that edit caused", () => {
    const s = [0, 1, 2, 3].map((i) =>
      session(`r${i}`, i === 3 ? 'failed' : 'satisfied', i + 1, [
        write('import pkg\nprint(pkg.f())'),
        { sh: `sed -i '${10 + i}a print(x)' pkg/core.py` },
        run('IndentationError: expected an indented block', true),
        { sh: 'git checkout pkg/core.py' },
        run(),
      ]),
    );
    const r = mineMistakes(s, 2);
    expect(r.memories).toEqual([]);
    expect(r.stats.mistakes_exploration).toBe(1);
  });

  it('an exploratory error predicts failure only when it survives the whole family of errors tested (Benjamini–Hochberg)', () => {
    // 40 sessions, half failed; two everyday errors in 10 sessions each, evenly split
    const corpus = (lsIn: number) =>
      [...Array(40).keys()].map((i) => {
        const failed = i % 2 === 1;
        const steps: Step[] = [];
        // `ls` on a missing folder in the first `lsIn` failed sessions: p ≈ 0.024 alone for 5, ≈ 0.0002 for 10
        if (failed && (i - 1) / 2 < lsIn)
          steps.push({
            sh: 'ls build',
            out: "ls: cannot access 'build': No such file or directory",
            fail: true,
          });
        if (i % 4 < 2 && i < 20) steps.push({ sh: 'grep -rn needle src', out: '', fail: true });
        if (i % 4 < 2 && i >= 20)
          steps.push({ sh: 'cat notes.txt', out: 'cat: notes.txt: No such file or directory', fail: true });
        steps.push({ sh: 'pwd' });
        return session(`f${i}`, failed ? 'failed' : 'satisfied', (i % 28) + 1, steps);
      });
    expect(mineMistakes(corpus(5), 2).memories).toEqual([]);
    expect(mineMistakes(corpus(10), 2).memories.map((m) => m.title)).toEqual([
      'bash: ls: cannot access <VALUE>: No such file or directory',
    ]);
  });
});

describe('coding mistakes: every change tested across the dream is one family', () => {
  it('a change that passes within its error is still no fix when chance explains it among all the changes tested (Benjamini–Hochberg)', () => {
    const errors = [
      'KeyError: alpha missing',
      'ZeroDivisionError: division by zero',
      'IndexError: list index out of range',
      'RecursionError: maximum recursion depth exceeded',
      'UnboundLocalError: local variable referenced before assignment',
      'OverflowError: math range error',
    ];
    // six errors of the agent's own scripts, each recovered in three sessions by rewrites that add the
    // same everyday words: twelve changes tested, none specific to its error
    const background = errors.flatMap((err, j) =>
      [0, 1, 2].map((i) =>
        session(`b${j}${i}`, 'satisfied', i + 1, [
          write(`step_${j}_${i} = 1`),
          run(err, true),
          write(`print(value_${j}_${i})\nprint(value)`),
          run(),
        ]),
      ),
    );
    // `make html` fails in three sessions; two retried with VERBOSE=1 and passed: p ≈ 0.014 alone
    const make = [0, 1, 2].map((i) =>
      session(`m${i}`, i < 2 ? 'satisfied' : 'failed', i + 10, [
        { sh: 'make html', out: 'make: *** [Makefile:20: html] Error 2', fail: true },
        ...(i < 2 ? [{ sh: 'make html VERBOSE=1' }] : []),
      ]),
    );
    const r = mineMistakes([...background, ...make], 2);
    expect(r.memories.filter((m) => m.title.includes('make'))).toEqual([]);
  });
});

describe('coding mistakes: a failed run with an established fix', () => {
  const table = (i: number, fixed: boolean) =>
    session(`t${i}`, outcome(i), i + 1, [
      write('import django\nclass Book: pass\nBook.objects.create()'),
      run('django.db.utils.OperationalError: no such table: app_book', true),
      write(
        `import django\nclass Book: pass\n${fixed ? 'with connection.schema_editor() as e:\n    e.create_model(Book)\n' : `step_${i} = ${i}\n`}Book.objects.create()`,
      ),
      run(),
    ]);

  it('names the change the first successful run of the same script made, in 2+ sessions, one satisfied', () => {
    const r = mineMistakes([0, 1, 2, 3].map((i) => table(i, true)).concat([0, 1, 2, 3, 4].map(assertion)), 2);
    expect(r.memories).toHaveLength(1); // the assertions are the agent's own script: exploration
    const m = r.memories[0]!;
    expect(m.title).toContain('no such table');
    expect(m.summary).toMatch(/fix: add `connection\.schema_editor`/);
    expect(m.body).toContain("more often after this error than after others (one-sided Fisher's exact test)");
    // the next command (the rewrite) is no fix by itself
    expect(m.body).not.toMatch(/run cat first|fix: `cat/);
  });

  it('says nothing when recoveries changed different things (no fix established, outcomes known)', () => {
    const varied = [0, 1, 2, 3].map((i) => table(i, i === 0));
    const r = mineMistakes(varied.concat([0, 1, 2, 3, 4].map(assertion)), 2);
    expect(r.memories).toEqual([]);
  });
});

describe('coding mistakes: one error template, several causes', () => {
  const missing = (i: number, module: string, fix: Step) =>
    session(`${module}${i}`, outcome(i), i + 1, [
      write(`import ${module}`),
      run(`ModuleNotFoundError: No module named '${module}'`, true),
      fix,
      run(),
    ]);

  it('a module the fix never recovered is another cause: each memory names the modules its own fix recovered', () => {
    const app = [0, 1, 2, 3, 4, 5].map((i) =>
      missing(i, 'demo_app', { sh: 'mkdir demo_app && touch demo_app/__init__.py' }),
    );
    // a third-party module not installed: the runs that worked stubbed it; no package was created
    const lxml = [6, 7].map((i) => missing(i, 'lxml', write(`import sys\nsys.modules['lxml'] = object()`)));
    const r = mineMistakes([...app, ...lxml, ...[0, 1, 2, 3, 4, 5, 6, 7].map(assertion)], 2);
    const m = r.memories.find((x) => x.body.includes("'demo_app'"));
    expect(m?.support.sessions).toBe(6);
    expect(m!.summary).toMatch(/fix: add `__init__\.py`; run mkdir first/);
    expect(m!.body).not.toContain('lxml');
    // the stubbed module is its own mistake, with the fix its own two sessions took
    const lxmlMemory = r.memories.filter((x) => x.body.includes('lxml'));
    expect(lxmlMemory.map((x) => x.summary)).toEqual([
      "2 sessions; fix: add `sys.modules`, `object` (as the runs that worked did); bash fails: ModuleNotFoundError: No module named 'lxml'",
    ]);
    expect(lxmlMemory[0]!.body).not.toContain('demo_app');
  });
});

describe('coding mistakes: secrets', () => {
  it('never keeps a set-up token that holds a secret; its line is redacted', () => {
    const key = `ghp_${'a1B2c3D4e5'.repeat(4).slice(0, 36)}`;
    const s = session('k', 'satisfied', 1, [
      { sh: 'python deploy.py', out: 'KeyError: GITHUB_TOKEN', fail: true },
      { sh: `export GITHUB_TOKEN=${key}` },
      { sh: 'python deploy.py' },
    ]);
    const rec = s.digest.recoveries.find((r) => r.setup !== undefined)!;
    expect(rec.setup).toContain('GITHUB_TOKEN');
    expect(JSON.stringify(rec)).not.toContain(key);
  });
});

describe('coding workflows', () => {
  const flow = (i: number, steps: Step[], o: OutcomeResult) => session(`w${i}`, o, i + 1, steps);

  it('never proposes inspections only, or a submission without a test run, however well they predict success', () => {
    const sessions = (steps: Step[]) =>
      [...Array(30).keys()].map((i) =>
        i % 3 === 0 ? flow(i, [{ sh: 'pwd' }], 'failed') : flow(i, steps, 'satisfied'),
      );
    const inspect: Step[] = [
      { sh: 'grep -rn foo .' },
      { sh: 'nl -ba a.py' },
      { sh: 'cat a.py' },
      { sh: 'ls' },
    ];
    expect(mineWorkflows(sessions(inspect), { minSupport: 2 }).memories).toEqual([]);
    const edit = { sh: "sed -i 's/a/b/' a.py" };
    const submit = { sh: 'echo COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT' };
    const untested = sessions([edit, { sh: 'git add -A' }, submit]);
    expect(mineWorkflows(untested, { minSupport: 2 }).memories).toEqual([]);
    const tested = sessions([edit, { sh: 'python -m pytest -q' }, submit]);
    expect(mineWorkflows(tested, { minSupport: 2 }).memories.map((m) => m.title)).toEqual([
      'Workflow: bash:sed → bash:python -m pytest → bash:echo',
    ]);
  });

  it('needs lift above 1 in both halves of a time split', () => {
    const tested: Step[] = [{ sh: 'make build' }, { sh: 'make test' }, { sh: 'git push' }];
    // the sequence comes with success in the first half only; later it is as common in failures
    const sessions = [...Array(40).keys()].map((i) =>
      i < 20
        ? flow(i, i % 2 ? [{ sh: 'pwd' }] : tested, i % 2 ? 'failed' : 'satisfied')
        : flow(i, tested, i % 2 ? 'failed' : 'satisfied'),
    );
    expect(mineWorkflows(sessions, { minSupport: 2 }).memories).toEqual([]);
  });
});

describeWithData('coding mistakes on the 100 mini-swe-agent django sessions', () => {
  let result: DreamResult;
  const text = (c: { after: string | null }) => c.after ?? '';
  beforeAll(async () => {
    const refs = refsFromImported(await importAll([DJANGO]));
    result = await createOfflineEngine().run({
      memories: [],
      sessions: refs,
      options: DEFAULT_DREAM_OPTIONS,
    });
  }, 120_000);

  it('keeps the noise out: harness messages, clean-up, missing scripts, own script bugs, shell sequences', () => {
    const all = result.changes
      .filter((c) => c.kind !== 'index')
      .map(text)
      .join('\n');
    for (const noise of [
      'EXACTLY ONE action',
      'output of your last command was too long',
      'rm: cannot remove',
      'rmdir: failed to remove',
      "can't open file",
      'SyntaxError',
      'NameError',
      'grep exited non-zero',
    ])
      expect(all, noise).not.toContain(noise);
    expect(result.changes.filter((c) => c.kind === 'workflow')).toEqual([]);
  });

  it('finds the labelled patterns with the fix that actually worked', () => {
    const mistakes = result.changes.filter((c) => c.kind === 'mistake');
    const find = (re: RegExp) =>
      mistakes.find((c) =>
        re.test(
          c.path +
            text(c)
              .split('\n')
              .find((l) => l.startsWith('# ')),
        ),
      );
    const summary = (c: (typeof mistakes)[number] | undefined) =>
      /^summary: (.*)$/m.exec(c ? text(c) : '')?.[1] ?? '';
    // models of a standalone script have no tables: created with the schema editor (15 sessions)
    const table = find(/no such table/);
    expect(table?.support.sessions).toBe(26);
    expect(summary(table)).toMatch(/fix: add `schema_editor\.create_model`, `connection\.schema_editor`/);
    // the script's own app does not exist yet: created with mkdir + __init__.py
    expect(summary(find(/ModuleNotFoundError/))).toMatch(/fix: .*(mkdir|__init__\.py)/);
    // settings touched before settings.configure(): the import moved below django.setup()
    expect(summary(find(/ImproperlyConfigured/))).toMatch(/fix: move a line after `django\.setup`/);
    // the testbed's ASCII locale: PYTHONIOENCODING=utf-8
    expect(summary(find(/UnicodeEncodeError/))).toMatch(/fix: add `PYTHONIOENCODING=utf-8`/);
    expect(mistakes).toHaveLength(4);
  });

  it('the missing-module memory names only the modules its fix created (not psycopg2, not a test label)', () => {
    const app = result.changes.find((c) => c.kind === 'mistake' && text(c).includes('ModuleNotFoundError'));
    expect(text(app!)).toMatch(/No module named 'reproduce_app'/);
    expect(text(app!)).not.toMatch(/psycopg2|MySQLdb|'forms'|'contenttypes'|'tests'/);
    // the sessions of those other causes no longer count as its support (17 before)
    expect(app!.support.sessions).toBe(11);
  });

  it("states what a set-up step set up, never the step's programs or flags", () => {
    const app = result.changes.find((c) => c.kind === 'mistake' && text(c).includes('ModuleNotFoundError'));
    const summary = /^summary: (.*)$/m.exec(app ? text(app) : '')?.[1] ?? '';
    expect(summary).toMatch(/fix: run mkdir first; add `__init__\.py`/);
    // `touch app/__init__.py`: touch is how the file was made, not the change
    expect(text(app!)).not.toMatch(/add `touch`|`-p`|`EOF`|run cat first/);
  });
});

describe('coding mistakes: a retry that overrides a safeguard is no fix (s31)', () => {
  // Wordings written for this test, in the shape of blind batch 15 (`gh pr merge` refused by branch
  // protection, then run again with `--admin`, in five sessions: the "fix" taught bypassing it).
  const merge = (i: number, flag: string) =>
    session(`g${flag.length}${i}`, 'satisfied', i + 1, [
      {
        sh: `gh pr merge ${i + 10} --merge`,
        out: `X Pull request acme/shop#${i + 10} is not mergeable: the base branch policy prohibits the merge.`,
        fail: true,
      },
      { sh: `gh pr merge ${i + 10} --merge ${flag}` },
    ]);
  const background = [0, 1, 2, 3, 4, 5].map((i) =>
    session(`n${i}`, 'satisfied', i + 1, [
      { sh: 'npm run build', out: 'npm ERR! missing script: build', fail: true },
      { sh: 'npm run compile' },
    ]),
  );

  it('never states `--admin` (or any override) as the fix; another added flag is stated', () => {
    const bypass = mineMistakes([...[0, 1, 2, 3, 4].map((i) => merge(i, '--admin')), ...background], 2);
    expect(bypass.memories.filter((m) => /--admin/.test(`${m.summary}\n${m.body}`))).toEqual([]);
    const auto = mineMistakes([...[0, 1, 2, 3, 4].map((i) => merge(i, '--auto')), ...background], 2);
    expect(auto.memories.some((m) => /--auto/.test(m.summary))).toBe(true);
  });
});
