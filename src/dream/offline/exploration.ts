/**
 * Normal exploration, as opposed to avoidable mistakes: an error the agent meets while finding out is
 * not a lesson unless its presence predicts failure (tested in `mistakes.ts`). Two classes:
 * - `search`: a search or read that found nothing — a failed call of a tool the importer marks as
 *   `search`/`read`, or a shell command whose program only searches or reads (`grep`, `find`, `ls`,
 *   `cat`, `git grep` …);
 * - `own-code`: the agent's own code failed — an inline snippet (`python -c`, `python - <<EOF`), a
 *   script the agent wrote earlier in the session (by a shell redirection or an edit), or a test run
 *   (`pytest`, `runtests.py`, `manage.py test`, `npm test` …), where failing is how one reproduces a bug
 *   or checks a fix.
 */
import { commandHead, unwrapCommand } from './tool-labels.js';

/** Programs that only search or read. */
const SEARCH_PROGRAMS: ReadonlySet<string> = new Set(
  (
    'grep egrep fgrep rg ag ack find fd ls tree which whereis locate type stat file cat head tail less more ' +
    'nl wc diff cmp test [ realpath readlink du'
  ).split(' '),
);
/** Read-only git subcommands. */
const GIT_READS = /^\s*git\s+(?:grep|log|show|diff|status|blame|ls-files|rev-parse|branch)\b/;
/** Test runners: failing is how tests report. */
const TEST_RUN =
  /(?:^|[\s/;&|(])(?:pytest|py\.test|runtests\.py|tox|nox|jest|vitest|mocha|rspec|phpunit)\b|\bmanage\.py\s+test\b|\b-m\s+(?:pytest|unittest)\b|\b(?:npm|pnpm|yarn|bun)\s+(?:run\s+)?test\b|\b(?:go|cargo|mvn|gradle|make|dotnet)\s+test\b/;
/** An interpreter running inline code (`python -c`, `node -e`, `python - <<EOF`); shells are wrappers, not code. */
const INLINE_CODE = /\b(?:python\d?[\d.]*|node|ruby|perl|php)\s+(?:-[a-zA-Z]*[ce]\s|-\s*<<|<<)/;
/** An interpreter running a script file: the file is group 1. */
const SCRIPT_RUN =
  /\b(?:python\d?[\d.]*|node|ruby|perl|php|bash|sh|deno run|tsx|ts-node)\s+(?:-\S+\s+)*([\w./-]+\.(?:py|js|mjs|cjs|ts|rb|pl|php|sh))\b/;
/** A usage error of the command itself (not the code it runs failing): avoidable, never exploration. */
const USAGE_ERROR =
  /\b(?:unknown|unrecognized|invalid|no such) (?:option|argument|flag|command)|\busage:|command not found|\bnot a (?:valid )?command\b/i;
/** Files a shell command writes: `> file`, `>> file`, `tee [-a] file`. */
const WRITES = /(?:>>?|\btee\s+(?:-a\s+)?)\s*["']?([\w./-]+\.\w+)/g;

/** The base name of a path. */
function base(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** Tracks the files an agent wrote in one session and classifies its failed calls. */
export class ExplorationTracker {
  #written = new Set<string>();

  /**
   * Records the files a call writes: shell redirections, or the `path`/`file_path` of a call that
   * writes a file (`isWrite`: an edit with old/new text, or a call with a path and new content).
   */
  note(command: string | null, isWrite: boolean, input: unknown): void {
    if (command !== null) for (const m of command.matchAll(WRITES)) this.#written.add(base(m[1]!));
    if (isWrite && input && typeof input === 'object') {
      const o = input as Record<string, unknown>;
      for (const k of ['path', 'file_path', 'filename', 'file']) {
        const v = o[k];
        if (typeof v === 'string') this.#written.add(base(v));
      }
    }
  }

  /**
   * The exploration class of a failed call, or undefined for an avoidable error.
   * @param command the shell command, or null for a structured tool; `kind` the tool kind the importer
   *   set; `output` the error output (a usage error of the command is never exploration).
   */
  classify(command: string | null, kind: string | undefined, output = ''): 'search' | 'own-code' | undefined {
    if (command === null) return kind === 'search' || kind === 'read' ? 'search' : undefined;
    if (USAGE_ERROR.test(output)) return undefined;
    const inner = unwrapCommand(command);
    if (TEST_RUN.test(inner) || INLINE_CODE.test(inner)) return 'own-code';
    const script = SCRIPT_RUN.exec(inner);
    if (script && this.#written.has(base(script[1]!))) return 'own-code';
    if (SEARCH_PROGRAMS.has(commandHead(inner)) || GIT_READS.test(inner)) return 'search';
    return undefined;
  }
}
