/**
 * Shell commands of coding agents as the mistake miner reads them: the files a command writes through
 * here-documents (`cat <<'EOF' > reproduce.py … EOF`, POSIX.1-2017 Shell Command Language §2.7.4
 * "Here-Document"), the command with those bodies cut out (its skeleton), the script it runs (its run
 * key: a retry of the same script is the same program), whether it only inspects, whether it is a
 * set-up step, and the tokens of a command or script text that a change is measured in.
 */

/** A file written by a here-document: its path as written, the body, and whether it appends (`>>`). */
export interface HereDocWrite {
  path: string;
  body: string;
  append: boolean;
}

/** A here-document operator: `<<EOF`, `<< 'EOF'`, `<<-"EOF"`; the delimiter is group 2. */
const HEREDOC = /<<(-?)\s*(['"]?)([A-Za-z_][\w-]*)\2/;
/** The file a here-document line redirects to: `> f`, `>> f`, `tee [-a] f`; group 1 `>>`/`-a`, group 2 the file. */
const TARGET = /(?:(>>?)|\btee\s+(-a\s+)?)\s*["']?([\w./@+-]+)/;

/**
 * Splits a shell command into its skeleton (every line outside here-document bodies) and the files its
 * here-documents write. A body ends at the line equal to its delimiter (leading tabs allowed with
 * `<<-`); an unterminated body runs to the end of the command.
 * @example parseHereDocs("cat <<'EOF' > a.py\nprint(1)\nEOF\npython a.py")
 *   // {skeleton: "cat <<'EOF' > a.py\npython a.py", writes: [{path: 'a.py', body: 'print(1)', append: false}]}
 */
export function parseHereDocs(command: string): { skeleton: string; writes: HereDocWrite[] } {
  const lines = command.split('\n');
  const kept: string[] = [];
  const writes: HereDocWrite[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    kept.push(line);
    const h = HEREDOC.exec(line);
    if (!h) continue;
    const dash = h[1] === '-';
    const delimiter = h[3]!;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && (dash ? lines[j]!.replace(/^\t+/, '') : lines[j]!).trim() !== delimiter)
      body.push(lines[j++]!);
    const t = TARGET.exec(line.replace(HEREDOC, ' '));
    if (t) writes.push({ path: t[3]!, body: body.join('\n'), append: t[1] === '>>' || t[2] !== undefined });
    i = j; // the delimiter line is dropped with the body
  }
  return { skeleton: kept.join('\n'), writes };
}

/** The base name of a path. */
export function baseName(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** An interpreter running a script file: the file is group 1. */
const SCRIPT_RUN =
  /\b(?:python\d?[\d.]*|node|ruby|perl|php|bash|sh|deno run|tsx|ts-node)\s+(?:-\S+\s+)*([\w./-]+\.(?:py|js|mjs|cjs|ts|rb|pl|php|sh))\b/g;
/** A script started by its path (`./tests/runtests.py x`): the file is group 1. */
const DIRECT_RUN = /(?:^|[\s;&|(])(\.{0,2}\/[\w./-]*\.(?:py|js|mjs|cjs|ts|rb|pl|php|sh))\b/g;

/**
 * The scripts a command runs (base names, in order): interpreter runs (`python3 reproduce.py`) and
 * scripts started by path (`./tests/runtests.py`), read from the command's skeleton.
 */
export function scriptsRun(command: string): string[] {
  const { skeleton } = parseHereDocs(command);
  const found: { at: number; name: string }[] = [];
  for (const m of skeleton.matchAll(SCRIPT_RUN)) found.push({ at: m.index!, name: baseName(m[1]!) });
  for (const m of skeleton.matchAll(DIRECT_RUN)) found.push({ at: m.index!, name: baseName(m[1]!) });
  return found.sort((a, b) => a.at - b.at).map((f) => f.name);
}

/**
 * The run key of a shell command: `script:<base name>` of the last script it runs, or null when it
 * runs none. Two commands with one run key run the same program (`python reproduce.py` and
 * `PYTHONIOENCODING=utf-8 python3 reproduce.py`; `cat <<EOF > reproduce.py … python reproduce.py`).
 */
export function runKey(command: string): string | null {
  const s = scriptsRun(command);
  return s.length > 0 ? `script:${s[s.length - 1]}` : null;
}

/** Programs that only inspect (read, list, search, compare). */
export const INSPECT_PROGRAMS: ReadonlySet<string> = new Set(
  (
    'grep egrep fgrep rg ag ack find fd ls tree which whereis locate type stat file cat head tail less more ' +
    'nl wc diff cmp test [ realpath readlink du pwd echo printf'
  ).split(' '),
);
/** Read-only git subcommands. */
const GIT_READS = /^git\s+(?:grep|log|show|diff|status|blame|ls-files|rev-parse|branch)\b/;
/** An in-place edit of a file (`sed -i`, `perl -pi`): changing the code, not setting anything up. */
const IN_PLACE = /^(?:sed|perl|gsed)\s+(?:-[a-zA-Z]*\s+)*-[a-zA-Z]*i/;
/**
 * Taking back changes to tracked files (`git checkout -- f`, `git restore f`, `git stash`, `git reset
 * --hard`): the code changes back, nothing is set up — like an in-place edit, never a set-up step.
 */
const REVERT = /^git\s+(?:checkout|restore|stash|reset)\b/;
/** A redirection that writes a file (`> f`, `>> f`, `tee f`), outside `2>&1`-style fd duplications. */
const WRITE_REDIRECT = /(?:^|[^&\d<>])>>?\s*(?!&)["']?[\w./~-]|\btee\s/;

/** A program asked for its version or usage only (`python3 --version`, `pip --help`). */
const VERSION_QUERY = /^\S+\s+(?:--version|-V|--help|-h|version)\s*$/;

/** The segments of a command line (split at `&&`, `||`, `;`, `|` and newlines), trimmed, `cd` dropped. */
function segments(skeleton: string): string[] {
  return skeleton
    .split(/&&|\|\||;|\||\n/)
    .map((s) => s.trim())
    .filter((s) => s && !/^(?:cd|pushd|popd)\b/.test(s) && !s.startsWith('#'));
}

/** The program word of a segment: leading `VAR=x` assignments and `sudo`/`env`/`time` skipped, base name. */
function program(segment: string): string {
  const words = segment.split(/\s+/);
  let i = 0;
  while (
    i < words.length &&
    (/^[A-Za-z_]\w*=/.test(words[i]!) || /^(?:sudo|env|time|nohup)$/.test(words[i]!))
  )
    i++;
  return baseName((words[i] ?? '').replace(/^["'(]+|["')]+$/g, ''));
}

/**
 * True when a shell command only inspects: every segment runs an inspecting program (`cat`, `nl`,
 * `sed -n`, `ls`, `grep`, `find`, `head` …, a read-only git subcommand, or a program asked only for its
 * `--version`/`--help`) and nothing is written
 * (no here-document, no `>` redirection, no `sed -i`).
 * @example isInspection('nl -ba django/db/models/query.py | sed -n 1,80p') === true
 */
export function isInspection(command: string): boolean {
  const { skeleton, writes } = parseHereDocs(command);
  if (
    writes.length > 0 ||
    WRITE_REDIRECT.test(skeleton.replace(/\d?>&\d|&>\s*\/dev\/null|>\s*\/dev\/null/g, ''))
  )
    return false;
  const segs = segments(skeleton);
  if (segs.length === 0) return false;
  return segs.every((s) => {
    const p = program(s);
    if (VERSION_QUERY.test(s)) return true;
    if (p === 'sed') return !IN_PLACE.test(s) && /\s-n\b|\s-n\S|^sed\s+-\w*n/.test(s);
    if (p === 'git') return GIT_READS.test(s.slice(s.indexOf('git')));
    return INSPECT_PROGRAMS.has(p);
  });
}

/**
 * True when a shell command is a set-up step someone could take before a run: not a mere inspection
 * ({@link isInspection}), not an in-place edit of code (`sed -i …`) and not taking changes back (`git
 * checkout -- f`, `git restore`, `git stash`, `git reset`), e.g. `mkdir -p app && touch
 * app/__init__.py`, `pip install x`, `export DJANGO_SETTINGS_MODULE=settings`.
 */
export function isSetupStep(command: string): boolean {
  if (isInspection(command)) return false;
  const segs = segments(parseHereDocs(command).skeleton);
  return (
    segs.length > 0 &&
    !segs.some((s) => {
      const t = s.replace(/^(?:sudo\s+)?/, '');
      return IN_PLACE.test(t) || REVERT.test(t);
    })
  );
}

/** Programs that only write what they are given into a file (`cat <<EOF > f`, `echo x > f`, `tee f`). */
const WRITERS: ReadonlySet<string> = new Set(['cat', 'echo', 'printf', 'tee']);

/**
 * The words of a set-up step that say how it ran rather than what it set up: each segment's program and
 * subcommand words (`mkdir`, `git checkout`, `pip install`), its flags (`-p`, `--force`) and its
 * here-document delimiters (`EOF`). What is left — the operands (`app/__init__.py`, a package name, a
 * setting) — is what the step set up. `step` is a command skeleton (here-document bodies already cut out,
 * as `parseHereDocs` returns it and set-up steps are kept).
 * @example stepPlumbing("mkdir -p app && touch app/__init__.py") // Set {'mkdir', '-p', 'touch'}
 */
export function stepPlumbing(step: string): Set<string> {
  const out = new Set<string>(heredocDelimiters(step));
  for (const seg of segments(step)) {
    const words = seg.split(/\s+/);
    let i = words.findIndex((w) => !/^[A-Za-z_]\w*=/.test(w) && !/^(?:sudo|env|time|nohup)$/.test(w));
    if (i < 0) continue;
    out.add(baseName(words[i]!.replace(/^["'(]+|["')]+$/g, '')));
    // a subcommand: a bare lower-case word right after the program (`git checkout`, `pip install`)
    if (/^[a-z][a-z-]*$/.test(words[i + 1] ?? '') && !/[./]/.test(words[i + 1]!)) out.add(words[++i]!);
    for (const w of words) if (/^--?[A-Za-z]/.test(w)) out.add(w.replace(/=.*$/, ''));
  }
  return out;
}

/** The here-document delimiters of a command (`EOF` of `cat <<'EOF' > f`): shell syntax, never content. */
export function heredocDelimiters(command: string): string[] {
  return [...command.matchAll(new RegExp(HEREDOC.source, 'g'))].map((m) => m[3]!);
}

/**
 * True when a set-up step only writes files from what it is given: every segment runs a writer (`cat`,
 * `echo`, `printf`, `tee`) into a file. Its program is then not a step of its own (`run cat first` says
 * nothing); the file it writes is.
 */
export function onlyWritesFiles(command: string): boolean {
  const { skeleton, writes } = parseHereDocs(command);
  const segs = segments(skeleton);
  return (
    segs.length > 0 &&
    segs.every(
      (s) => WRITERS.has(program(s)) && (writes.length > 0 || WRITE_REDIRECT.test(s) || /^tee\b/.test(s)),
    )
  );
}

/** Keywords and literal constants of Python, JavaScript and the shell: structure, never a change's content. */
const KEYWORDS: ReadonlySet<string> = new Set(
  (
    'True False None true false null undefined self this return import from def class function const let ' +
    'var if elif else then fi do done not and or in is with as for while try except finally pass raise ' +
    'new async await yield lambda global case esac'
  ).split(' '),
);

/**
 * The tokens a change is measured in: identifiers and dotted names (`settings.configure`, and each part
 * of three or more characters), environment assignments (`PYTHONIOENCODING=utf-8`), flags (`--noinput`)
 * and file names (`__init__.py`). Comment lines (`#`, `//`) are skipped; pure numbers, keywords and
 * literal constants (`with`, `import`, `True`, `null` …) dropped.
 * @example changeTokens('PYTHONIOENCODING=utf-8 python3 run.py') // PYTHONIOENCODING=utf-8, python3, run.py, run
 */
export function changeTokens(text: string): Set<string> {
  const out = new Set<string>();
  for (const line of text.split('\n')) {
    if (/^\s*(?:#|\/\/)/.test(line)) continue;
    for (const m of line.matchAll(/--?[A-Za-z][\w-]*|[A-Za-z_][\w.-]*(?:=[\w.:/-]+)?/g)) {
      const t = m[0].replace(/[.-]+$/, '');
      if (t.length < 2 || KEYWORDS.has(t)) continue;
      out.add(t);
      if (/[.=]/.test(t) && !t.startsWith('-'))
        for (const part of t.split(/[.=]/)) if (part.length >= 3 && /^[A-Za-z_]/.test(part)) out.add(part);
    }
  }
  return out;
}
