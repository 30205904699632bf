import { describe, expect, it } from 'vitest';
import { bhThreshold, holmThreshold } from './multiple-testing.js';
import { noteSetupStep, type SetupUnit, sameInvocation, setupChange, setupFixes } from './setup-change.js';

const SCRIPT =
  'from django.conf import settings\nfrom app.models import Book\nsettings.configure(DEBUG=True)';

describe('the change that recovered a failed run', () => {
  it('is what the successful run added: in its command, its script as last written, the set-up steps', () => {
    const env = setupChange('python a.py', 'PYTHONIOENCODING=utf-8 python a.py', []);
    expect(env.tokens).toContain('PYTHONIOENCODING=utf-8');
    expect(env.lines).toEqual(['PYTHONIOENCODING=utf-8 python a.py']);
    const script = setupChange(
      `python a.py\n${SCRIPT}`,
      `python a.py\n${SCRIPT}\nwith connection.schema_editor() as e:\n    e.create_model(Book)`,
      [],
    );
    expect(script.tokens).toEqual(expect.arrayContaining(['connection.schema_editor', 'create_model']));
    expect(script.tokens).not.toContain('settings.configure'); // there before
    const steps = setupChange('python a.py', 'python a.py', ['mkdir -p app && touch app/__init__.py']);
    expect(steps.tokens).toEqual(expect.arrayContaining(['run:mkdir', '__init__.py']));
  });

  it('counts the command line only when the successful run runs the failed invocation again (s29)', () => {
    // Wordings written for this test: another query through the same client is content, not a change
    const failed = `psql -U app -c "SELECT total FROM orders WHERE shipped_at = 'x'"`;
    const other = `psql -U app -c "DELETE FROM carts; SELECT count(*) FROM carts"`;
    expect(sameInvocation(failed, other)).toBe(false);
    const c = setupChange(failed, other, [], { failed, success: other });
    expect(c.tokens).toEqual([]);
    // nor does what was done before it: it is no run of the failed one
    expect(setupChange(failed, other, ['pip install psycopg2'], { failed, success: other }).tokens).toEqual(
      [],
    );
    // before a run of the failed invocation, a set-up step counts
    expect(
      setupChange(failed, failed, ['pip install psycopg2'], { failed, success: failed }).tokens,
    ).toContain('psycopg2');
    // the same invocation with a flag dropped is a change
    expect(sameInvocation('git log --format=%H main', 'git log main')).toBe(true);
    expect(
      setupChange('git log --format=%H main', 'git log main', [], {
        failed: 'git log --format=%H main',
        success: 'git log main',
      }).tokens,
    ).toContain('removed:--format');
  });

  it('measures a set-up step by what it set up, never by its programs, flags or here-document syntax', () => {
    // how the step ran (mkdir, touch, -p) is not what it set up (app/__init__.py)
    const mkdir = setupChange('python a.py', 'python a.py', ['mkdir -p app && touch app/__init__.py']);
    expect(mkdir.tokens).not.toEqual(expect.arrayContaining(['touch']));
    expect(mkdir.tokens).not.toContain('mkdir');
    expect(mkdir.tokens).not.toContain('-p');
    // writing a helper file: the file is the change, not `cat`, `EOF` or "run cat first"
    const helper = setupChange('python a.py', 'python a.py', ["cat <<'EOF' > helper.py"]);
    expect(helper.tokens).toEqual(['helper', 'helper.py']);
    // a program run first stays a change: `run:git pull`, and the operand it pulled
    const pull = setupChange('git push', 'git push', ['git pull --rebase origin main']);
    expect(pull.tokens).toEqual(['main', 'origin', 'run:git pull']);
  });

  it('records a line moved after another (an import moved below settings.configure) and what the command dropped', () => {
    const moved = setupChange(
      `python a.py\n${SCRIPT}\ndjango.setup()`,
      'python a.py\nfrom django.conf import settings\nsettings.configure(DEBUG=True)\ndjango.setup()\nfrom app.models import Book',
      [],
    );
    expect(moved.tokens).toContain('after:django.setup');
    const flag = setupChange('vitest run --runInBand', 'vitest run --no-file-parallelism', [], {
      failed: 'vitest run --runInBand',
      success: 'vitest run --no-file-parallelism',
    });
    expect(flag.tokens).toEqual(['--no-file-parallelism', 'removed:--runInBand']);
  });

  it('never takes an inspection, an in-place code edit or rewriting the failed script as a set-up step', () => {
    const steps: string[] = [];
    noteSetupStep(steps, 'cat django/conf/__init__.py', 'python a.py');
    noteSetupStep(steps, "sed -i 's/x/y/' django/db/models/query.py", 'python a.py');
    noteSetupStep(steps, "cat <<'EOF' > a.py\nprint(1)\nEOF", 'python a.py');
    expect(steps).toEqual([]);
    noteSetupStep(steps, "mkdir app && cat <<'EOF' > app/models.py\nx = 1\nEOF", 'python a.py');
    expect(steps).toEqual(["mkdir app && cat <<'EOF' > app/models.py"]);
  });
});

const unit = (session: string, tokens: string[], satisfied = true, lines: string[] = []): SetupUnit => ({
  session,
  satisfied,
  tokens,
  lines,
});

describe('established fixes: recurring, not only failed sessions, specific to the error', () => {
  // class 0: the error of interest; classes 1-2: other errors whose recoveries rewrote scripts too
  const others = [
    [1, 2, 3, 4, 5, 6].map((i) => unit(`o${i}`, ['print', 'import', i % 2 ? 'Meta' : 'x'])),
    [1, 2, 3, 4].map((i) => unit(`p${i}`, ['print', 'assert'])),
  ];
  it('states a change the recoveries of this error made more often than other recoveries (Fisher)', () => {
    const own = [1, 2, 3, 4].map((i) =>
      unit(`s${i}`, ['print', 'settings.configure', 'settings', 'configure'], i !== 2, [
        'settings.configure(',
      ]),
    );
    const fixes = setupFixes([own, ...others], 0, 2, true, 'call settings.configure() before');
    expect(fixes.map((f) => f.token)).toEqual(['settings.configure']); // parts left out, print not specific
    expect(fixes[0]).toMatchObject({
      sessions: 4,
      satisfied: 3,
      tested: true,
      example: 'settings.configure(',
    });
    expect(fixes[0]!.p).toBeLessThan(0.05);
  });

  it('never from failed sessions only, never from one session', () => {
    const failedOnly = [1, 2, 3].map((i) => unit(`s${i}`, ['settings.configure'], false));
    expect(setupFixes([failedOnly, ...others], 0, 2, true)).toEqual([]);
    expect(setupFixes([failedOnly, ...others], 0, 2, false)).toHaveLength(1); // no outcomes known at all
    const once = [unit('s1', ['settings.configure'])];
    expect(setupFixes([once, ...others], 0, 2, true)).toEqual([]);
  });

  it('with too few other recoveries to test, only a change every recovery made counts', () => {
    const own = [1, 2, 3].map((i) =>
      unit(`s${i}`, i === 3 ? ['run:git pull'] : ['run:git pull', '--rebase']),
    );
    const fixes = setupFixes([own], 0, 2, true);
    expect(fixes.map((f) => [f.token, f.tested])).toEqual([['run:git pull', false]]);
  });
});

describe('established fixes: one family of hypotheses per error, over the sessions that showed it', () => {
  const background = [...Array(30).keys()].map((i) =>
    unit(`b${i}`, i < 2 ? ['EOF', 'cat', 'python3'] : ['print']),
  );
  it("keeps no token that only chance explains once every token tested is counted (Holm's procedure)", () => {
    // three tokens, each in 2 of 3 recoveries and in 2 of 30 others: p ≈ 0.033 each, above 0.05 / 3
    const own = [1, 2, 3].map((i) => unit(`s${i}`, i === 3 ? ['print'] : ['EOF', 'cat', 'python3']));
    const alone = own.map((u) => ({ ...u, tokens: u.tokens.filter((t) => t !== 'EOF' && t !== 'python3') }));
    const single = setupFixes([alone, background], 0, 2, true);
    expect(single.map((f) => f.token)).toEqual(['cat']); // tested alone, it passes
    expect(single[0]!.p).toBeLessThan(0.05);
    expect(setupFixes([own, background], 0, 2, true)).toEqual([]);
  });

  it('a change two of many sessions with the error made is not its fix', () => {
    const own = [1, 2].map((i) => unit(`s${i}`, ['removed:usr', 'removed:bin']));
    expect(setupFixes([own, background], 0, 2, true, '', 2).map((f) => f.token)).toEqual([
      'removed:bin',
      'removed:usr',
    ]);
    // the same two recoveries among forty sessions that showed the error (38 never recovered)
    expect(setupFixes([own, background], 0, 2, true, '', 40)).toEqual([]);
  });
});

describe('Holm', () => {
  it('accepts p(j) while p(j) ≤ α / (m − j + 1), stopping at the first that fails (Holm 1979)', () => {
    expect(holmThreshold([0.001, 0.03, 0.04], 0.05)).toBe(0.001); // 0.03 > 0.05 / 2
    expect(holmThreshold([0.01, 0.02, 0.04], 0.05)).toBe(0.04);
    expect(holmThreshold([0.02, 0.021, 0.025], 0.05)).toBe(-1);
    expect(holmThreshold([], 0.05)).toBe(-1);
  });
});

describe('Benjamini–Hochberg', () => {
  it('accepts the largest k smallest p-values with p(k) ≤ k·q/m (Benjamini & Hochberg 1995)', () => {
    expect(bhThreshold([0.001, 0.02, 0.03, 0.5], 0.05)).toBe(0.03);
    expect(bhThreshold([0.001, 0.04, 0.045, 0.5], 0.05)).toBe(0.001);
    expect(bhThreshold([0.01, 0.02, 0.03, 0.04], 0.05)).toBe(0.04);
    expect(bhThreshold([0.0169, 0.0204, 0.0739, 0.12, 0.13, 0.18, 0.22, 0.31, 0.31, 0.37], 0.05)).toBe(-1);
    expect(bhThreshold([], 0.05)).toBe(-1);
  });
});
