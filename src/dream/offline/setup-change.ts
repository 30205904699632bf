/**
 * The change that recovered a coding agent's failed run: what the first successful run of the same
 * script or program had that the failed run lacked — in its command line (an environment variable, a
 * flag), in the script it runs as last written (a `settings.configure(…)` call, a table created), or in
 * the set-up steps taken in between (`mkdir app && touch app/__init__.py`, `pip install x`) — measured
 * in tokens (`shell-scripts.ts` `changeTokens`) and backed by the lines they come from. The next
 * command alone is never the change: inspections and in-place edits of code in between are left out,
 * and so is rewriting the script itself (its new content is compared instead).
 */

import { holmThreshold } from './multiple-testing.js';
import {
  changeTokens,
  heredocDelimiters,
  isSetupStep,
  onlyWritesFiles,
  parseHereDocs,
  scriptsRun,
  stepPlumbing,
} from './shell-scripts.js';
import { ALPHA, fisherExactGreater } from './significance.js';
import { compareStrings, shortQuote } from './text.js';
import { commandLabel } from './tool-labels.js';

/** At most this many set-up steps are kept per pending error. */
const MAX_STEPS = 8;
/** At most this many tokens and lines per change. */
const MAX_TOKENS = 400;
const MAX_LINES = 40;

/**
 * Records a command taken after a failed run, when it is a set-up step ({@link isSetupStep}) other than
 * rewriting a script the failed command runs (that content is compared by {@link setupChange}).
 * @param steps the pending error's set-up steps (mutated; at most 8 kept).
 * @param command the command taken; `failing` the failed call's command (null when unknown).
 */
export function noteSetupStep(steps: string[], command: string, failing: string | null): void {
  if (steps.length >= MAX_STEPS || !isSetupStep(command)) return;
  const { skeleton, writes } = parseHereDocs(command);
  const ran = new Set(failing === null ? [] : scriptsRun(failing));
  const base = (p: string) => p.slice(p.lastIndexOf('/') + 1);
  if (writes.length > 0 && writes.every((w) => ran.has(base(w.path))) && scriptsRun(command).length === 0)
    return;
  steps.push(skeleton);
}

/** The meaningful lines of a text: trimmed, non-empty, not comments. */
function lines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^(?:#|\/\/)/.test(l));
}

/**
 * The longest common subsequence of two line lists (dynamic programming, O(n·m); Wagner & Fischer,
 * "The String-to-String Correction Problem", JACM 1974), as the set of kept lines of `b`.
 */
function lcsKept(a: readonly string[], b: readonly string[]): Set<string> {
  const n = a.length;
  const m = b.length;
  const t: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      t[i]![j] = a[i] === b[j] ? t[i + 1]![j + 1]! + 1 : Math.max(t[i + 1]![j]!, t[i]![j + 1]!);
  const kept = new Set<string>();
  for (let i = 0, j = 0; i < n && j < m; )
    if (a[i] === b[j]) {
      kept.add(b[j]!);
      i++;
      j++;
    } else if (t[i + 1]![j]! >= t[i]![j + 1]!) i++;
    else j++;
  return kept;
}

/**
 * Lines present once in both texts that the successful run holds in another order: for each moved line
 * (outside the longest common subsequence), the nearest line it now follows but preceded before
 * (`after:`) and the nearest it now precedes but followed before (`before:`) — moving an import after
 * `django.setup()` is a change even though no line was added.
 */
function moves(a: readonly string[], b: readonly string[]): { anchor: string; dir: 'after' | 'before' }[] {
  const once = (l: readonly string[]) => {
    const c = new Map<string, number>();
    for (const x of l) c.set(x, (c.get(x) ?? 0) + 1);
    return c;
  };
  const ca = once(a);
  const cb = once(b);
  const A = a.filter((x) => ca.get(x) === 1 && cb.get(x) === 1);
  const B = b.filter((x) => ca.get(x) === 1 && cb.get(x) === 1);
  if (A.length > 400) return [];
  const kept = lcsKept(A, B);
  const posA = new Map(A.map((x, i) => [x, i]));
  const out: { anchor: string; dir: 'after' | 'before' }[] = [];
  B.forEach((m, j) => {
    if (kept.has(m)) return;
    const i = posA.get(m)!;
    // the nearest kept line it moved past, on either side
    for (let k = j - 1; k >= 0; k--)
      if (kept.has(B[k]!) && posA.get(B[k]!)! > i) {
        out.push({ anchor: B[k]!, dir: 'after' });
        break;
      }
    for (let k = j + 1; k < B.length; k++)
      if (kept.has(B[k]!) && posA.get(B[k]!)! < i) {
        out.push({ anchor: B[k]!, dir: 'before' });
        break;
      }
  });
  return out;
}

/**
 * What the successful run added: tokens of `success` (its effective text, see
 * `ExplorationTracker.effectiveText`) and of the set-up `steps` that are not in `failed`, plus
 * `after:<token>`/`before:<token>` for lines moved after or before a line holding the token (see
 * {@link moves}), `run:<program>` for each set-up step's program (`run:git pull`), and, given the two
 * `commands`, `removed:<token>` for what the failed command line had and the successful run lacks; with
 * the lines they come from (≤ 120 chars each).
 * @returns sorted tokens (≤ 400) and lines in order (≤ 40).
 * @example setupChange('python a.py', 'PYTHONIOENCODING=utf-8 python a.py', []).tokens // ['PYTHONIOENCODING', 'PYTHONIOENCODING=utf-8', 'utf-8']
 */
export function setupChange(
  failed: string,
  success: string,
  steps: readonly string[],
  commands?: { failed: string; success: string },
): { tokens: string[]; lines: string[] } {
  // another invocation of the program (another query, another file read) is no run of the one that
  // failed: neither its words nor what was done before it are a change made to that one
  // (the command lines, and the scripts they run as then written: a rewritten script is another one)
  const rerun =
    commands === undefined ||
    (sameInvocation(commands.failed, commands.success) && sameInvocation(failed, success, true));
  if (!rerun) return { tokens: [], lines: [] };
  const before = changeTokens(failed);
  const failedLines = lines(failed);
  const successLines = lines(success);
  const beforeLines = new Set(failedLines);
  const tokens = new Set<string>();
  const out: string[] = [];
  const keep = (l: string) => {
    const q = shortQuote(l, 120);
    if (out.length < MAX_LINES && !out.includes(q)) out.push(q);
  };
  // shell syntax is never a change: here-document delimiters anywhere, and a step's program, subcommand
  // and flags (how it ran, not what it set up: see `stepPlumbing`)
  const syntax = new Set(
    [failed, success, ...steps, commands?.failed ?? '', commands?.success ?? ''].flatMap(heredocDelimiters),
  );
  const add = (l: string, plumbing: ReadonlySet<string>) => {
    if (beforeLines.has(l)) return;
    const added = [...changeTokens(l)].filter((t) => !before.has(t) && !syntax.has(t) && !plumbing.has(t));
    if (added.length === 0) return;
    for (const t of added) tokens.add(t);
    keep(l);
  };
  for (const step of steps) {
    const plumbing = stepPlumbing(step);
    for (const l of lines(step)) add(l, plumbing);
  }
  for (const l of successLines) add(l, new Set());
  // the set-up steps by program (`run:git pull`; not a mere file write), and what the command line dropped
  for (const step of steps) {
    const label = commandLabel(step);
    if (label && !before.has(label) && !onlyWritesFiles(step)) tokens.add(`run:${label}`);
  }
  if (commands) {
    const after = changeTokens(success);
    for (const t of changeTokens(parseHereDocs(commands.failed).skeleton))
      if (!after.has(t)) tokens.add(`removed:${t}`);
  }
  for (const { anchor, dir } of moves(failedLines, successLines)) {
    for (const t of changeTokens(anchor)) tokens.add(`${dir}:${t}`);
    keep(anchor);
  }
  return { tokens: [...tokens].sort().slice(0, MAX_TOKENS), lines: out };
}

/** Least share of the failed command line's words a successful one keeps to run the same invocation again. */
const RERUN_KEPT = 2 / 3;

/** A word in capitals only: a query language's keyword (`SELECT`, `FROM`), shared by any two queries. */
const KEYWORD = /^[A-Z]+$/;

/**
 * True when command line `success` runs `failed` again, changed (an added flag or variable, a dropped
 * argument): it keeps at least {@link RERUN_KEPT} of the failed line's words (`changeTokens`, capitalised
 * keywords left out; here-document bodies too unless `bodies`, for comparing the scripts run). Two runs of
 * one program with other content (another SQL query through `psql -c`, another path to `cat`) share the
 * program's words only; what one lacks of the other is no fix.
 * @example sameInvocation('git log --format=%H x', 'git log x') // true
 */
export function sameInvocation(failed: string, success: string, bodies = false): boolean {
  const words = (c: string) =>
    [...changeTokens(bodies ? c : parseHereDocs(c).skeleton)].filter((t) => !KEYWORD.test(t));
  const before = words(failed);
  if (before.length === 0) return true;
  const after = new Set(words(success));
  return before.filter((t) => after.has(t)).length >= before.length * RERUN_KEPT;
}

/** One session's recovery from one error class: the first successful run of the same script or program. */
export interface SetupUnit {
  /** Session content hash (sessions are counted once per content). */
  session: string;
  satisfied: boolean;
  /** Tokens the successful run added (`RecoveryOccurrence.setup`). */
  tokens: readonly string[];
  /** The lines they come from (`RecoveryOccurrence.setup_lines`). */
  lines: readonly string[];
}

/** A change established as the fix of an error class (see {@link setupFixes}). */
export interface SetupFix {
  token: string;
  /** Sessions whose recovery added it, and how many of them were satisfied. */
  sessions: number;
  satisfied: number;
  /** One-sided Fisher p-value that it comes with recovering from this error rather than from others. */
  p: number;
  /** False when there were too few other recoveries to test, and it was made in every recovery instead. */
  tested: boolean;
  /** A line that added it, written the same way in at least two sessions, or null. */
  example: string | null;
}

/** A token without its kind prefix (`after:`, `before:`, `run:`, `removed:`). */
function core(t: string): string {
  return t.replace(/^(?:after|before|run|removed):/, '');
}

/**
 * The changes established as the fix of error class `at`, given every class's recoveries (`units[c]`:
 * one unit per session): a token is a fix when the recoveries of at least `min` sessions added it (one
 * of them satisfied when `outcomesKnown`: never from failed sessions only) AND it comes with recovering
 * from this error more than from the corpus's other errors — one-sided Fisher's exact test
 * (`significance.ts`) on [this class's sessions (`seen`, recovered or not) with / without it] vs [other
 * classes' units with / without it], every token of the class being one hypothesis of a family kept at
 * family-wise error {@link ALPHA} by Holm's step-down procedure (`multiple-testing.ts`). So a rewrite's
 * incidental tokens (`print`, the script's own name), the agent's habits after any failure, and what two
 * of sixty sessions happened to do are not fixes. With fewer other recoveries than the test needs (even
 * a change every session made could not reach α), only a change made in every session of this class and
 * in none of the others counts. Across a dream, every error's tokens together are one more family:
 * a tested token must also pass `across`, the Benjamini–Hochberg threshold of all of them
 * ({@link setupCandidates} gives the p-values; `mistakes.ts` computes it). Best first: smallest p, then most sessions, then tokens the
 * error message itself names (`hint`: "…or call settings.configure()"), dotted names, assignments and
 * set-up programs, longer tokens; a token that is only a part of a better one with as many sessions
 * (`configure` of `settings.configure`, `pull` of `run:git pull`) is left out.
 * @param seen the distinct sessions showing error class `at` (0: its units).
 * @param across the largest p-value accepted across the dream (1: no such family).
 * @example setupFixes([[u1, u2, u3], [v1, v2, v3, v4]], 0, 2, true)[0]?.token // 'settings.configure'
 */
export function setupFixes(
  units: readonly (readonly SetupUnit[])[],
  at: number,
  min: number,
  outcomesKnown: boolean,
  hint = '',
  seen = 0,
  across = 1,
): SetupFix[] {
  const { candidates, testable } = setupCandidates(units, at, min, outcomesKnown, seen);
  // every token tested is a hypothesis: Holm's procedure keeps the chance of any chance "fix" ≤ α
  const t = testable
    ? Math.min(
        across,
        holmThreshold(
          candidates.map((c) => c.p),
          ALPHA,
        ),
      )
    : 1;
  return bestFirst(
    candidates.filter((c) => c.p <= t),
    hint,
  );
}

/**
 * The tokens {@link setupFixes} tests for error class `at`, each with its one-sided Fisher p-value, before
 * any multiple-testing correction: those the recoveries of at least `min` of its sessions made (one of
 * them satisfied when `outcomesKnown`). `testable` is false when there are too few other recoveries for
 * the test; the candidates are then only the changes every session of the class made and no other.
 * @param seen the distinct sessions showing error class `at` (0: its units).
 */
export function setupCandidates(
  units: readonly (readonly SetupUnit[])[],
  at: number,
  min: number,
  outcomesKnown: boolean,
  seen = 0,
): { candidates: SetupFix[]; testable: boolean } {
  const own = units[at] ?? [];
  // the sessions that showed the error, recovered or not: a change two of sixty made is not its fix
  const base = Math.max(own.length, seen);
  const others = units.reduce((n, u, i) => (i === at ? n : n + u.length), 0);
  const elsewhere = new Map<string, number>();
  units.forEach((list, i) => {
    if (i !== at)
      for (const u of list) for (const t of new Set(u.tokens)) elsewhere.set(t, (elsewhere.get(t) ?? 0) + 1);
  });
  const here = new Map<string, SetupUnit[]>();
  for (const u of own)
    for (const t of new Set(u.tokens)) {
      const l = here.get(t);
      if (l) l.push(u);
      else here.set(t, [u]);
    }
  const testable = fisherExactGreater(base, 0, 0, others) < ALPHA;
  const candidates: SetupFix[] = [];
  for (const [token, with_] of here) {
    const satisfied = with_.filter((u) => u.satisfied).length;
    if (with_.length < min || (outcomesKnown && satisfied === 0)) continue;
    const k = elsewhere.get(token) ?? 0;
    const p = fisherExactGreater(with_.length, base - with_.length, k, others - k);
    if (testable || (with_.length === base && k === 0))
      candidates.push({
        token,
        sessions: with_.length,
        satisfied,
        p,
        tested: testable,
        example: exampleLine(with_, token),
      });
  }
  return { candidates, testable };
}

/** Orders established fixes (see {@link setupFixes}) and leaves out the parts of better ones. */
function bestFirst(out: SetupFix[], hint: string): SetupFix[] {
  const named = new Set(changeTokens(hint));
  const rank = (x: SetupFix) => [
    named.has(core(x.token)) ? 0 : 1,
    /[.=]/.test(core(x.token)) || x.token.startsWith('run:') ? 0 : 1,
    -x.token.length,
  ];
  out.sort((a, b) => {
    if (a.p !== b.p) return a.p - b.p;
    if (a.sessions !== b.sessions) return b.sessions - a.sessions;
    const ra = rank(a);
    const rb = rank(b);
    for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i]! - rb[i]!;
    return compareStrings(a.token, b.token);
  });
  const prefix = (t: string) => /^(?:after|before|removed):/.exec(t)?.[0] ?? '';
  return out.filter(
    (x) =>
      !out.some(
        (k) =>
          k !== x &&
          k.sessions >= x.sessions &&
          (prefix(k.token) === prefix(x.token) || k.token.startsWith('run:')) &&
          core(k.token).split(/[.= ]/).includes(core(x.token)) &&
          (core(k.token) !== core(x.token) || (k.token.startsWith('run:') && !x.token.startsWith('run:'))),
      ),
  );
}

/** The line holding `token` that most sessions wrote identically (at least two), or null. */
function exampleLine(units: readonly SetupUnit[], token: string): string | null {
  const count = new Map<string, number>();
  for (const u of units)
    for (const l of new Set(u.lines))
      if (changeTokens(l).has(core(token))) count.set(l, (count.get(l) ?? 0) + 1);
  const best = [...count.entries()]
    .filter(([, n]) => n >= 2)
    .sort((a, b) => b[1] - a[1] || a[0].length - b[0].length || compareStrings(a[0], b[0]))[0];
  return best?.[0] ?? null;
}
