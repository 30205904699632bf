/**
 * Normal exploration, as opposed to avoidable mistakes: an error the agent meets while finding out is
 * not a lesson unless its presence predicts failure (tested in `mistakes.ts`). Four classes:
 * - `search`: a search or read that found nothing — a failed call of a tool the importer marks as
 *   `search`/`read`, or a shell command whose program only searches or reads (`grep`, `find`, `ls`,
 *   `cat`, `git grep` …), or whose every stage only inspects (`sed -n 1,80p f | grep x`);
 * - `own-code`: the agent's own code failed — an inline snippet (`python -c`, `python - <<EOF`) or a
 *   script the agent wrote earlier in the session (by a shell redirection, a here-document or an edit);
 * - `test-run`: a test run failed (`pytest`, `runtests.py`, `manage.py test`, `npm test` …), where failing
 *   is how one reproduces a bug or checks a fix — unless it was pointed at a file or folder that is not
 *   there (a wrong command, avoidable);
 * - `cleanup`: housekeeping on something already gone or already there — removing a file or folder that
 *   is absent or not empty (`rm: cannot remove …`, `rmdir: … Directory not empty`), creating one that
 *   exists (`mkdir: … File exists`), or running a throw-away script that is no longer there (`python:
 *   can't open file 'x.py'`).
 *
 * The tracker also keeps what the agent last wrote into each file (here-documents, whole-file writes,
 * `str_replace`-style edits), so a run of a script can be compared with an earlier run of it by what
 * the script held each time ({@link ExplorationTracker.effectiveText}).
 */
import { baseName, INSPECT_PROGRAMS, isInspection, parseHereDocs, scriptsRun } from './shell-scripts.js';
import { commandHead, unwrapCommand } from './tool-labels.js';

/** Read-only git subcommands. */
const GIT_READS = /^\s*git\s+(?:grep|log|show|diff|status|blame|ls-files|rev-parse|branch)\b/;
/** Test runners: failing is how tests report (`pytest`, `runtests.py`, `npm test`, `go test` …). */
export const TEST_RUN =
  /(?:^|[\s/;&|(])(?:pytest|py\.test|runtests\.py|tox|nox|jest|vitest|mocha|rspec|phpunit)\b|\bmanage\.py\s+test\b|\b-m\s+(?:pytest|unittest)\b|\b(?:npm|pnpm|yarn|bun)\s+(?:run\s+)?test\b|\b(?:go|cargo|mvn|gradle|make|dotnet)\s+test\b/;
/** An interpreter running inline code (`python -c`, `node -e`, `python - <<EOF`); shells are wrappers, not code. */
const INLINE_CODE = /\b(?:python\d?[\d.]*|node|ruby|perl|php)\s+(?:-[a-zA-Z]*[ce]\s|-\s*<<|<<)/;
/** A usage error of the command itself (not the code it runs failing): avoidable, never exploration. */
const USAGE_ERROR =
  /\b(?:unknown|unrecognized|invalid|no such) (?:option|argument|flag|command)|\busage:|command not found|\bnot a (?:valid )?command\b/i;
/** Files a shell command writes: `> file`, `>> file`, `tee [-a] file`. */
const WRITES = /(?:>>?|\btee\s+(?:-a\s+)?)\s*["']?([\w./-]+\.\w+)/g;
/** Housekeeping programs: removing, creating, moving and copying files and folders. */
const HOUSEKEEPING = new Set(['rm', 'rmdir', 'unlink', 'mkdir', 'mv', 'cp', 'touch', 'ln']);
/**
 * What housekeeping says when its target is already gone, or already there, or not empty (zsh's "no
 * matches found: tmp/*.npz": a glob that matches nothing, the files already gone).
 */
const ALREADY =
  /No such file or directory|cannot remove|failed to remove|cannot stat|not empty|already exists|File exists|\bno matches found:/i;
/** A program saying a file or folder it was given is not there (`ERROR: file or directory not found: x`). */
const NOT_FOUND = /\b(?:file|directory|path) (?:or directory )?not found\b|No such file or directory/i;
/** An interpreter saying the script it was asked to run is not there (not the script failing to open a file). */
const SCRIPT_MISSING = /can't open file|Can't open perl script|^(?:ba|z)?sh: \S+: No such file or directory/i;
/** At most this many characters of a file's content are kept. */
const MAX_CONTENT = 20_000;

/** The exploration class of a failed call (see the module comment). */
export type ExplorationClass = 'search' | 'own-code' | 'test-run' | 'cleanup';

/** Tracks the files an agent wrote in one session and classifies its failed calls. */
export class ExplorationTracker {
  #written = new Set<string>();
  /** Base name → what the agent last wrote into it (when the whole content is known). */
  #content = new Map<string, string>();

  /**
   * Records the files a call writes: shell redirections and here-documents (with their bodies), or the
   * `path`/`file_path` of a call that writes a file (`isWrite`: an edit with old/new text, or a call
   * with a path and new content; the content, or the edit applied to a known content, is kept).
   */
  note(command: string | null, isWrite: boolean, input: unknown): void {
    if (command !== null) {
      for (const m of command.matchAll(WRITES)) this.#written.add(baseName(m[1]!));
      for (const w of parseHereDocs(command).writes) {
        const name = baseName(w.path);
        this.#written.add(name);
        const before = w.append ? (this.#content.get(name) ?? '') : '';
        this.#content.set(name, `${before}${before ? '\n' : ''}${w.body}`.slice(0, MAX_CONTENT));
      }
    }
    if (isWrite && input && typeof input === 'object') {
      const o = input as Record<string, unknown>;
      for (const k of ['path', 'file_path', 'filename', 'file']) {
        const v = o[k];
        if (typeof v !== 'string') continue;
        const name = baseName(v);
        this.#written.add(name);
        this.#noteContent(name, o);
      }
    }
  }

  /** Keeps the content a write call leaves in a file: new content, or an edit of a known content. */
  #noteContent(name: string, o: Record<string, unknown>): void {
    const whole = [o.content, o.file_text, o.text].find((v) => typeof v === 'string') as string | undefined;
    if (whole !== undefined) {
      this.#content.set(name, whole.slice(0, MAX_CONTENT));
      return;
    }
    const known = this.#content.get(name);
    const from = [o.old_str, o.old_string].find((v) => typeof v === 'string') as string | undefined;
    const to = [o.new_str, o.new_string].find((v) => typeof v === 'string') as string | undefined;
    if (known !== undefined && from !== undefined && to !== undefined && known.includes(from))
      this.#content.set(name, known.replace(from, to).slice(0, MAX_CONTENT));
    else this.#content.delete(name);
  }

  /**
   * What a shell command runs, as text: its skeleton (here-document bodies cut out), followed by what
   * the agent last wrote into each script it runs (`python reproduce.py` → the command and
   * reproduce.py's content). Call after {@link note} for the same command.
   */
  effectiveText(command: string): string {
    const parts = [parseHereDocs(command).skeleton];
    for (const name of new Set(scriptsRun(command))) {
      const c = this.#content.get(name);
      if (c !== undefined) parts.push(c);
    }
    return parts.join('\n');
  }

  /**
   * The exploration class of a failed call, or undefined for an avoidable error.
   * @param command the shell command, or null for a structured tool; `kind` the tool kind the importer
   *   set; `output` the error output or its template (a usage error of the command is never exploration).
   */
  classify(command: string | null, kind: string | undefined, output = ''): ExplorationClass | undefined {
    if (command === null) return kind === 'search' || kind === 'read' ? 'search' : undefined;
    if (USAGE_ERROR.test(output)) return undefined;
    const inner = unwrapCommand(command);
    const head = commandHead(inner);
    if (HOUSEKEEPING.has(head) && ALREADY.test(output)) return 'cleanup';
    const scripts = scriptsRun(inner);
    if (scripts.length > 0 && SCRIPT_MISSING.test(output)) return 'cleanup';
    // a test run that ran and failed is how the agent checks its work; one pointed at a path that is not
    // there is a wrong command, avoidable like a usage error
    if (TEST_RUN.test(inner)) return NOT_FOUND.test(output) ? undefined : 'test-run';
    if (INLINE_CODE.test(inner)) return 'own-code';
    if (scripts.some((s) => this.#written.has(s))) return 'own-code';
    // a pipeline that only inspects (`sed -n 1,80p f | grep x`) failed because its last stage found nothing
    if (INSPECT_PROGRAMS.has(head) || GIT_READS.test(inner) || isInspection(inner)) return 'search';
    return undefined;
  }
}
