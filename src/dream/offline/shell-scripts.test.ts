import { describe, expect, it } from 'vitest';
import { ExplorationTracker } from './exploration.js';
import {
  changeTokens,
  heredocDelimiters,
  isInspection,
  isSetupStep,
  onlyWritesFiles,
  parseHereDocs,
  runKey,
  scriptsRun,
  stepPlumbing,
} from './shell-scripts.js';

const HEREDOC_AND_RUN = "cat <<'EOF' > reproduce.py\nimport django\nprint('x')\nEOF\npython3 reproduce.py";

describe('shell commands of coding agents', () => {
  it('cuts here-document bodies out and keeps what they write', () => {
    const { skeleton, writes } = parseHereDocs(HEREDOC_AND_RUN);
    expect(skeleton).toBe("cat <<'EOF' > reproduce.py\npython3 reproduce.py");
    expect(writes).toEqual([{ path: 'reproduce.py', body: "import django\nprint('x')", append: false }]);
    expect(parseHereDocs('cat >> notes.txt <<EOF\nmore\nEOF').writes[0]).toMatchObject({ append: true });
    // an unterminated body runs to the end
    expect(parseHereDocs("cat <<'EOF' > a.py\nx = 1").writes[0]!.body).toBe('x = 1');
  });

  it('keys a run by the script it runs, whatever the interpreter, variables or here-document before it', () => {
    expect(runKey('python reproduce.py')).toBe('script:reproduce.py');
    expect(runKey('PYTHONIOENCODING=utf-8 python3 reproduce.py')).toBe('script:reproduce.py');
    expect(runKey(HEREDOC_AND_RUN)).toBe('script:reproduce.py');
    expect(runKey('./tests/runtests.py forms_tests')).toBe('script:runtests.py');
    expect(runKey('python3 tests/runtests.py forms_tests')).toBe('script:runtests.py');
    expect(runKey('git push origin main')).toBeNull();
    // the body of a here-document is not a command
    expect(scriptsRun("cat <<'EOF' > a.sh\npython other.py\nEOF")).toEqual([]);
  });

  it('tells inspections from set-up steps and in-place edits', () => {
    for (const c of [
      'nl -ba django/db/models/query.py | sed -n 1,80p',
      'cat django/conf/__init__.py',
      'grep -rn "def foo" django/ | head -n 20',
      'ls -la tests/ && find . -name "*.py"',
      'git diff',
      'python3 --version',
      'cat django/x.py 2>&1',
    ])
      expect(isInspection(c), c).toBe(true);
    for (const c of [
      HEREDOC_AND_RUN,
      'cat a.py > b.py',
      "sed -i 's/a/b/' django/x.py",
      'python reproduce.py',
    ])
      expect(isInspection(c), c).toBe(false);
    expect(isSetupStep('mkdir -p reproduce_app && touch reproduce_app/__init__.py')).toBe(true);
    expect(isSetupStep('pip install psycopg2-binary')).toBe(true);
    expect(isSetupStep("sed -i 's/a/b/' django/x.py")).toBe(false);
    expect(isSetupStep('cat django/x.py')).toBe(false);
    // taking changes back is the code changing, not a set-up step; fetching changes is
    expect(isSetupStep('git checkout django/contrib/admin/options.py')).toBe(false);
    expect(isSetupStep('git stash && python reproduce.py')).toBe(false);
    expect(isSetupStep('git pull --rebase origin main')).toBe(true);
  });

  it('measures text in identifiers, dotted names and their parts, assignments and flags; comments skipped', () => {
    const t = changeTokens(
      '# Create the table\nPYTHONIOENCODING=utf-8 python3 run.py --noinput\nwith connection.schema_editor() as e:',
    );
    for (const x of [
      'PYTHONIOENCODING=utf-8',
      'PYTHONIOENCODING',
      'utf-8',
      '--noinput',
      'connection.schema_editor',
    ])
      expect(t.has(x), x).toBe(true);
    expect(t.has('schema_editor')).toBe(true);
    expect(t.has('Create')).toBe(false);
    expect(changeTokens('x = 42').has('42')).toBe(false);
    expect([...changeTokens('settings.DEBUG = True\nfrom a import b')].sort()).toEqual([
      'DEBUG',
      'settings',
      'settings.DEBUG',
    ]);
  });
});

describe('set-up steps: how a step ran, and whether it only writes files', () => {
  it('names the programs, subcommands, flags and here-document delimiters of a step', () => {
    expect([...stepPlumbing('mkdir -p app && touch app/__init__.py')].sort()).toEqual([
      '-p',
      'mkdir',
      'touch',
    ]);
    expect([...stepPlumbing('sudo pip install --upgrade requests')].sort()).toEqual([
      '--upgrade',
      'install',
      'pip',
    ]);
    expect([...stepPlumbing("cat <<'EOF' > helper.py")].sort()).toEqual(['EOF', 'cat']);
    expect(heredocDelimiters('cat <<-"END" > a.py\nx\nEND')).toEqual(['END']);
  });

  it('tells a step that only writes files from one that runs something', () => {
    expect(onlyWritesFiles("cat <<'EOF' > helper.py")).toBe(true);
    expect(onlyWritesFiles('echo x=1 > settings.ini')).toBe(true);
    expect(onlyWritesFiles("mkdir app && cat <<'EOF' > app/models.py")).toBe(false);
    expect(onlyWritesFiles('cat settings.ini')).toBe(false);
  });
});

describe('exploration tracker: what a run runs, and clean-up', () => {
  it('reads a script run as the command plus what the agent last wrote into the script', () => {
    const x = new ExplorationTracker();
    x.note("cat <<'EOF' > reproduce.py\nimport django\nEOF", true, {});
    expect(x.effectiveText('python reproduce.py')).toBe('python reproduce.py\nimport django');
    // an edit of a known content is applied; a whole-file write replaces it
    x.note(null, true, { path: '/testbed/reproduce.py', old_str: 'import django', new_str: 'import os' });
    expect(x.effectiveText('python reproduce.py')).toContain('import os');
    x.note(null, true, { path: 'reproduce.py', file_text: 'print(1)' });
    expect(x.effectiveText('python3 reproduce.py')).toBe('python3 reproduce.py\nprint(1)');
    expect(x.effectiveText('python other.py')).toBe('python other.py');
  });

  it('classifies housekeeping on what is gone or there, and a missing throw-away script, as clean-up', () => {
    const x = new ExplorationTracker();
    expect(
      x.classify('rm reproduce.py', 'shell', 'rm: cannot remove <VALUE>: No such file or directory'),
    ).toBe('cleanup');
    expect(x.classify('rmdir app', 'shell', 'rmdir: failed to remove <VALUE>: Directory not empty')).toBe(
      'cleanup',
    );
    expect(x.classify('mkdir app', 'shell', 'mkdir: cannot create directory <VALUE>: File exists')).toBe(
      'cleanup',
    );
    // zsh: a glob that matches nothing (blind batch 8: `rm data_cache/*.npz` became a "mistake")
    expect(x.classify('rm data_cache/*.npz', 'shell', '(eval):<N>: no matches found: <PATH>*.npz')).toBe(
      'cleanup',
    );
    expect(
      x.classify('python reproduce.py', 'shell', "python: can't open file <VALUE>: [Errno <N>] No such file"),
    ).toBe('cleanup');
    // a script failing to open a data file is no missing script; an unknown program's error is avoidable
    expect(x.classify('python reproduce.py', 'shell', 'FileNotFoundError: [Errno <N>] No such file')).toBe(
      undefined,
    );
    expect(x.classify('make build', 'shell', 'make: *** No rule to make target')).toBe(undefined);
  });

  it('classifies a pipeline that only inspects as a search, a failed test run as a test run', () => {
    const x = new ExplorationTracker();
    // `sed -n … | grep x` exits 1 because grep found nothing
    expect(
      x.classify(
        'sed -n \'692,800p\' pkg/sets.py | grep "def is_subset"',
        'shell',
        'sed exited non-zero with no output',
      ),
    ).toBe('search');
    expect(x.classify("sed -i 's/a/b/' a.py | grep b", 'shell', 'sed exited non-zero with no output')).toBe(
      undefined,
    );
    // tests that ran and failed check the agent's work; a test path that is not there is a wrong command
    expect(x.classify('pytest tests/test_a.py', 'shell', 'E AssertionError: assert <VALUE> == <VALUE>')).toBe(
      'test-run',
    );
    expect(
      x.classify('python -m pytest tests/test_a.py', 'shell', 'ERROR: file or directory not found: <PATH>'),
    ).toBe(undefined);
    // the agent's own script and snippets stay own code
    x.note("cat <<'EOF' > repro.py\nassert 1 == 2\nEOF", true, {});
    expect(x.classify('python repro.py', 'shell', 'AssertionError')).toBe('own-code');
    expect(x.classify('python -c "import a"', 'shell', 'ImportError')).toBe('own-code');
  });
});
