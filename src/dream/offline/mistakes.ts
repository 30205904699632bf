/**
 * Recurring mistakes: error occurrences of all sessions grouped by (kind, tool, template), near-duplicate
 * templates of the same tool merged (token-set Jaccard ≥ 0.8 via MinHash/LSH, or — for paraphrased
 * messages — one error's words, with identifiers split into words and variable parts dropped, ≥ 90%
 * contained in the other's: "gift card balance is not enough" / "not enough balance in payment method
 * gift_card_…"), support counted by distinct sessions and agents; clusters under `min_support`
 * sessions are dropped as noise. Errors of API tools (the importer's kind `other`, no shell command)
 * merge across tools the same way: one backend returns the same error from several of its tools
 * (`book_reservation` and `update_reservation_flights` both refuse a gift card that is too small), and
 * the memory names the tool that returned it most often. A cluster whose template masks one quoted
 * value (a module name) and that has an established fix keeps only the values that fix recovered; every
 * other value is its own cluster, another cause ({@link splitUnfixedValues}).
 *
 * What is not a mistake (issue 8):
 * - a harness message is about the agent's output, never a tool mistake: a notice that the output was
 *   too long or cut is nothing; of the format messages, at most one becomes a "follow the harness's
 *   format" lesson, the one whose presence predicts failure best (one-sided Fisher's exact test,
 *   `significance.ts`, p < α);
 * - normal exploration (a search that found nothing, housekeeping on something already gone or there,
 *   a throw-away script no longer there, the agent's own script, snippet or tests failing, a warning:
 *   see {@link exploratory} and `exploration.ts`) is kept only when its presence predicts failure — or,
 *   for the agent's own script or snippet (not a failed test run: the next passing run of other tests
 *   fixed nothing, unless the established fix sets an environment variable), when one change recovered
 *   it consistently (an established fix, below); whether an
 *   error predicts failure is tested for every recurring error at once (Benjamini–Hochberg);
 * - a coding agent's failed shell run without an established fix, where outcomes are known, is kept
 *   only when its presence predicts failure;
 * - a silent failure (no output, or only an exit status: see {@link SILENT}) names no error, so no fix
 *   can be told from a coincidence: it is kept only when its presence predicts failure;
 * - an error of the agent's own tools (not an API's domain tools) whose only fix seen is the same call
 *   sent again with other arguments ("Edit: string to replace not found → change old_string"; a call
 *   made first counts only when most of the successful retries came after it) tells a future agent
 *   nothing it would not do anyway: it is kept only when its presence predicts failure (see
 *   {@link onlyRetried}); so is a failed file edit retried after only looking at the file again, and an
 *   error of the agent's own (not shell, not API) tools whose words say what to do next ("File has not
 *   been read yet. Read it first before writing to it.");
 * - an error without an established fix, where the outcomes of most of its sessions are unknown (real
 *   coding sessions carry none) and the dream's sessions are not both satisfied and failed, so nothing
 *   tells whether it mattered: it is kept only when it persisted — came back after attempts to mend it
 *   and nothing mended it afterwards — in at least max(2, min_support) sessions and in most of its
 *   sessions (see {@link persistence}); an error met once and routed around, or mended, is nothing.
 *
 * Each kept cluster carries the fix that worked afterwards (see `recovery.ts`), stated concretely. For
 * shell runs it is the change the first successful run of the same script or program made — what its
 * command, its script as last written, or the set-up steps taken in between added, dropped or moved
 * (`setup-change.ts`) — when the same change recovered in at least max(2, min_support) sessions, one of
 * them satisfied when outcomes are known, and came with this error's recoveries more often than with
 * other errors' (one-sided Fisher's exact test over the sessions that showed the error, corrected for
 * every change tested: Holm within the error, Benjamini–Hochberg across the dream); the next command is
 * never a fix by itself. Otherwise:
 * the edits made before the successful retry; for other tools the changed arguments and the calls made
 * first; and, when the failing tool never succeeded again, the different tool that did, if it did the
 * same kind of work (`recovery.ts` `isSubstitute`: `Read` for a failed `cat`, not a `Read` that merely
 * ran after a failed `git clone`) — each only when
 * the same change recovered in at least max(2, min_support) sessions, at least one of them satisfied when
 * outcomes are known (never from failed sessions only). Otherwise the memory says that no reliable fix
 * was seen.
 */
import { evidenceOf, scoreConfidence } from './confidence.js';
import type { ErrorOccurrence, RecoveryOccurrence } from './digest.js';
import { analyse } from './language.js';
import { bhThreshold } from './multiple-testing.js';
import {
  type GatheredSession,
  lastDayOf,
  type PlannedEvidence,
  type PlannedMemory,
  supportOf,
} from './plan.js';
import { isSubstitute } from './recovery.js';
import { sessionReplays } from './replayed-statements.js';
import { type SetupFix, type SetupUnit, setupCandidates, setupFixes } from './setup-change.js';
import { ALPHA, outcomeTable, predictionP } from './significance.js';
import { clusterNearDuplicates } from './similarity.js';
import { isVacuousTemplate, maskVariables } from './templates.js';
import { compareStrings, contentTokens, counted, ellipsize, fileSlug, wordTokens } from './text.js';
import { isShellLabel, isShellTool } from './tool-labels.js';

/** Counters {@link mineMistakes} reports. */
export interface MistakeStats {
  error_occurrences: number;
  error_templates: number;
  error_clusters: number;
  mistakes_promoted: number;
  mistakes_noise: number;
  /** Recurring errors left out as normal exploration (see {@link exploratory}). */
  mistakes_exploration: number;
  /** Recurring harness messages left out: notices (output too long) and format messages that do not predict failure. */
  mistakes_harness: number;
  /** Recurring silent failures left out (see {@link SILENT}): their output names no error. */
  mistakes_silent: number;
  /**
   * Recurring errors of the agent's own tools left out because the only fix seen was to send the same
   * call again with other arguments (see {@link onlyRetried}).
   */
  mistakes_retry: number;
  /**
   * Recurring errors left out because no fix was established, the sessions' outcomes cannot tell whether
   * they mattered (not both satisfied and failed sessions in the dream, and at least half of the error's
   * sessions without a known outcome), and they did not persist (see
   * {@link persistence}): met once and routed around, or mended.
   */
  mistakes_unfixed: number;
  /** Failed results the person answered (a rejected or interrupted call, see `declined.ts`), never read as errors. */
  errors_declined: number;
  /**
   * Failed results left out as a harness's notice on calls it cancelled: every occurrence of their message,
   * with any tool, came right after another failure (see `cancelled.ts`).
   */
  errors_cancelled: number;
  /** Failed results of calls that waited for the person: a prompt, then a time-out (see `awaitedPerson` in `templates.ts`). */
  errors_awaited: number;
  /** Sessions left out as replays of another session's run (see `replays.ts`). */
  sessions_replayed: number;
}

/**
 * The template gather gives a failure whose output names nothing — empty, or only the exit status the
 * harness saw (`templates.ts` passes `Exit code 1` over): `(no output)`, or `<program> exited non-zero
 * with no output` — or whose whole output is one generic word of failure (`Error`, `failed.`): it says
 * that something failed, not what.
 */
const SILENT = /^(?:\(no output\)|.* exited non-zero with no output|(?:error|failed|failure|fatal)[.:!]?)$/i;

/** The hint of a mistake without an established fix (see {@link fixHintOf}). */
const NO_FIX = 'no reliable fix seen';

interface Occ {
  s: GatheredSession;
  e: ErrorOccurrence;
  recoveries: RecoveryOccurrence[];
}

const KIND_WEIGHT = { tool_error: 1, harness: 0.9, warning: 0.7 } as const;

function countBy<T>(items: Iterable<T>, key: (t: T) => string | null): [string, number][] {
  const m = new Map<string, number>();
  for (const it of items) {
    const k = key(it);
    if (k !== null) m.set(k, (m.get(k) ?? 0) + 1);
  }
  return [...m.entries()].sort((a, b) => b[1] - a[1] || compareStrings(a[0], b[0]));
}

/**
 * The value of `key` seen in the most distinct sessions (by content), then the most often (`counts`, as
 * {@link countBy} gives them), then the smallest.
 */
function mostSessions(occs: readonly Occ[], key: (o: Occ) => string, counts: [string, number][]): string {
  const sessions = countBy(new Set(occs.map((o) => `${key(o)}\u0000${o.s.content_sha256}`)), (k) =>
    k.slice(0, k.lastIndexOf('\u0000')),
  );
  const often = new Map(counts);
  return sessions.sort(
    (a, b) => b[1] - a[1] || often.get(b[0])! - often.get(a[0])! || compareStrings(a[0], b[0]),
  )[0]![0];
}

function fmtCounts(entries: [string, number][], max: number): string {
  return entries
    .slice(0, max)
    .map(([k, n]) => `\`${k}\` (${n})`)
    .join(', ');
}

/**
 * Removes from `byKey` (keys `kind\u0000tool\u0000template`) the errors whose message is a harness's notice
 * on calls it cancelled when a sibling failed ("Sibling tool call errored"), not the failure of the call
 * it names: every occurrence of the message came right after another failure with no agent text between
 * (`after_failure`, see `cancelled.ts`), and the same words came back from at least two different calls
 * (tools or programs, by their labels): a program's own error names that program and differs from
 * another's, while a notice is the same whatever was called. A message also seen on its own stays, every
 * occurrence of it, and so does one only a single kind of call ever gave (an agent's own calls failing one
 * after another).
 * @returns how many occurrences were removed.
 */
function dropCancelNotices(byKey: Map<string, { e: ErrorOccurrence }[]>): number {
  const messageOf = (k: string) => {
    const [kind, , template] = k.split('\u0000');
    return `${kind}\u0000${template}`;
  };
  const alone = new Set<string>();
  const calls = new Map<string, Set<string>>();
  for (const [k, occ] of byKey) {
    const m = messageOf(k);
    if (occ.some((o) => !o.e.after_failure)) alone.add(m);
    const l = calls.get(m) ?? new Set<string>();
    for (const o of occ) l.add(o.e.label ?? o.e.tool);
    calls.set(m, l);
  }
  let removed = 0;
  for (const [k, occ] of [...byKey]) {
    const m = messageOf(k);
    if (alone.has(m) || calls.get(m)!.size < 2) continue;
    removed += occ.length;
    byKey.delete(k);
  }
  return removed;
}

/**
 * The error occurrences of sessions grouped by `kind\u0000tool\u0000template`, each with its session's
 * recoveries from it; vacuous templates left out, and declined calls and calls that waited for the
 * person counted apart (neither is the tool's failure).
 */
function collectOccurrences(sessions: readonly GatheredSession[]): {
  byKey: Map<string, Occ[]>;
  occurrences: number;
  declined: number;
  awaited: number;
} {
  const byKey = new Map<string, Occ[]>();
  let occurrences = 0;
  let declined = 0;
  let awaited = 0;
  for (const s of sessions) {
    const recs = new Map<number, RecoveryOccurrence[]>();
    for (const r of s.digest.recoveries) {
      const l = recs.get(r.error);
      if (l) l.push(r);
      else recs.set(r.error, [r]);
    }
    s.digest.errors.forEach((e, i) => {
      if (e.kind === 'tool_error' && isVacuousTemplate(e.template) && !e.template.includes('exited non-zero'))
        return;
      // a call the person rejected or interrupted did not fail: the person decided (see `declined.ts`)
      if (e.declined) {
        declined++;
        return;
      }
      // a call that waited for the person (a prompt, then a time-out) needed them; no change to it fixes that
      if (e.awaited) {
        awaited++;
        return;
      }
      occurrences++;
      const key = `${e.kind}\u0000${e.tool}\u0000${e.template}`;
      const occ: Occ = { s, e, recoveries: recs.get(i) ?? [] };
      const l = byKey.get(key);
      if (l) l.push(occ);
      else byKey.set(key, [occ]);
    });
  }
  return { byKey, occurrences, declined, awaited };
}

/**
 * Groups the template keys (sorted) into clusters: near-duplicate templates of the same head (token-set
 * Jaccard ≥ 0.8), then paraphrases ({@link mergeParaphrases}); API tools' errors share one head.
 * @returns the sorted keys and the groups as indices into them.
 */
function clusterTemplates(byKey: ReadonlyMap<string, Occ[]>): { keys: string[]; groups: number[][] } {
  const keys = [...byKey.keys()].sort(compareStrings);
  // errors of API tools (one backend behind several tools) may merge across tools; others per tool
  const heads = keys.map((k) => {
    const [kind, tool] = k.split('\u0000');
    return byKey.get(k)!.every((o) => o.e.api) ? `${kind}\u0000(api)` : `${kind}\u0000${tool}`;
  });
  const tokenSets = keys.map((k) => {
    const [, , template] = k.split('\u0000');
    return [...new Set(wordTokens(template!))].sort();
  });
  const wordSets = keys.map((k) => errorWords(byKey.get(k)![0]!.e.quote));
  const near = clusterNearDuplicates(tokenSets, {
    threshold: 0.8,
    accept: (i, j) => heads[i] === heads[j],
  });
  // paraphrased messages of one tool: merge groups whose error words are contained in one another
  return { keys, groups: mergeParaphrases(near, wordSets, heads) };
}

/** What a dream knows when it judges each cluster (see {@link judgeCluster}). */
interface Judging {
  sessions: readonly GatheredSession[];
  clusters: readonly Occ[][];
  units: readonly SetupUnit[][];
  minSupport: number;
  recur: number;
  outcomesKnown: boolean;
  bothOutcomes: boolean;
  /** Whether a cluster's presence predicts failure ({@link failureFamily}). */
  predicts: (gi: number) => boolean;
  /** The Benjamini–Hochberg threshold of set-up fixes ({@link fixFamily}). */
  across: number;
}

/** Why a cluster is left out (a {@link MistakeStats} counter), or `keep`. */
type Verdict = 'noise' | 'harness' | 'exploration' | 'silent' | 'retry' | 'unfixed' | 'keep';

/**
 * Whether cluster `gi` is a mistake to propose (see the module comment for each rule), with its
 * established set-up fixes; for a harness message, `formatP`: the Fisher p-value that its presence
 * predicts failure (1 for a notice).
 */
function judgeCluster(j: Judging, gi: number): { verdict: Verdict; fixes: SetupFix[]; formatP?: number } {
  const occs = j.clusters[gi]!;
  const support = supportOf(occs.map((o) => o.s));
  const none: SetupFix[] = [];
  if (support.sessions < j.minSupport) return { verdict: 'noise', fixes: none };
  if (occs[0]!.e.kind === 'harness' || isNotice(occs[0]!.e.template)) {
    // about the agent's output, not a tool: never a tool mistake; a format message may be one lesson
    const formatP = isNotice(occs[0]!.e.template) ? 1 : failureP(j.sessions, occs);
    return { verdict: 'harness', fixes: none, formatP };
  }
  const hint = [...new Set(occs.map((o) => o.e.quote))].slice(0, 5).join('\n');
  const fixes =
    occs[0]!.e.kind === 'tool_error'
      ? safeFixes(setupFixes(j.units, gi, j.recur, j.outcomesKnown, hint, support.sessions, j.across))
      : [];
  const predicts = j.predicts(gi);
  const cls = exploratory(occs);
  // normal exploration is a mistake only when it predicts failure, or (the agent's own code failing, or
  // a test run that an environment variable made pass) when one set-up change recovered from it
  // consistently: then it is avoidable (for the agent's own code, a change that added something: words
  // its next snippet merely left out — "drop `loss_freq`, `split`" — say only that it ran other code)
  if (
    cls !== null &&
    !predicts &&
    !((cls === 'own-code' && fixes.some(adds)) || (fixes.length > 0 && envFix(cls, fixes)))
  )
    return { verdict: 'exploration', fixes };
  // a failure that says nothing says neither what went wrong nor what mended it (one program failing
  // silently for many reasons, e.g. each remote command run through ssh): a lesson only when its
  // presence predicts failure
  if (occs.every((o) => SILENT.test(o.e.template)) && !predicts) return { verdict: 'silent', fixes };
  const analysed = analyseFixes(occs, occs, j.minSupport, fixes);
  // "Edit: string to replace not found → change old_string": sending the same call again with other
  // arguments is what any agent does next; so is "Write: File has not been read yet. Read it first before
  // writing to it.", an error of the agent's own (not shell) tool whose words say what to do next, which
  // the tool already tells every agent: a lesson only when something else came with it or the error
  // predicts failure
  const shellRun = occs.some((o) => isShellTool(o.e.tool) || isShellLabel(o.e.tool, o.e.label));
  // (an API's domain tools are exempt, their arguments being the lesson, but not from the harness's own
  // refusal of an input against the tool's schema, which names what to mend for every agent)
  if (
    (!occs.every((o) => o.e.api) || occs.every((o) => o.e.refused_input)) &&
    fixes.length === 0 &&
    !predicts &&
    (onlyRetried(analysed) || (!shellRun && instructs(occs)))
  )
    return { verdict: 'retry', fixes };
  // a coding agent's failed run whose recovery is not established is a lesson only when it predicts
  // failure; where the sessions' outcomes are not both known that cannot be told, and the memory says
  // no fix was seen
  if (shellRun && fixes.length === 0 && j.bothOutcomes && analysed.edits.length === 0 && !predicts)
    return { verdict: 'exploration', fixes };
  // where the outcomes of most of its sessions are unknown nothing tells whether an error without an
  // established fix mattered: a lesson only when it persisted through attempts to mend it in most of its
  // sessions (see {@link persistence})
  if (!j.bothOutcomes && outcomesUnknown(occs) && fixHintOf(occs[0]!.e.kind, analysed) === NO_FIX) {
    const { persistent } = persistence(occs);
    if (persistent < j.recur || persistent * 2 <= support.sessions) return { verdict: 'unfixed', fixes };
  }
  return { verdict: 'keep', fixes };
}

/**
 * Finds recurring mistakes across sessions.
 * @param all gathered sessions, sorted by id; a session that replays another's run is left out (see `replays.ts`).
 * @param minSupport minimum distinct sessions to promote a cluster.
 * @param replays `sessionReplays(all)`, when the caller has it already (the engine finds replays once).
 * @returns planned mistake memories (sorted by key) and counters.
 */
export function mineMistakes(
  all: readonly GatheredSession[],
  minSupport: number,
  replays: Map<string, string> = sessionReplays(all),
): { memories: PlannedMemory[]; stats: MistakeStats } {
  // a run replayed under other ids (a demonstration played again, a forked session) is one run: its
  // replays add no support (see `replays.ts`)
  const sessions = replays.size === 0 ? all : all.filter((s) => !replays.has(s.content_sha256));
  const { byKey, occurrences, declined, awaited } = collectOccurrences(sessions);
  const cancelled = dropCancelNotices(byKey);
  const { keys, groups } = clusterTemplates(byKey);
  const outcomesKnown = sessions.some((s) => s.outcome === 'satisfied' || s.outcome === 'failed');
  const bothOutcomes =
    sessions.some((s) => s.outcome === 'satisfied') && sessions.some((s) => s.outcome === 'failed');
  const recur = Math.max(2, minSupport);
  // a value the cluster's established fix never recovered (another module than the one the fix creates)
  // is another cause: its own cluster
  const { clusters, clusterKeys } = splitUnfixedValues(
    groups.map((g) => g.flatMap((i) => byKey.get(keys[i]!)!)),
    groups.map((g) => g.map((i) => keys[i]!)),
    { minSupport, recur, outcomesKnown },
  );
  const units = clusters.map(setupUnits);
  const judging: Judging = {
    sessions,
    clusters,
    units,
    minSupport,
    recur,
    outcomesKnown,
    bothOutcomes,
    predicts: failureFamily(sessions, clusters, minSupport),
    across: fixFamily(clusters, units, recur, outcomesKnown, minSupport),
  };
  const memories: PlannedMemory[] = [];
  const left = { noise: 0, harness: 0, exploration: 0, silent: 0, retry: 0, unfixed: 0 };
  /** The one harness-format lesson: the format message whose presence best predicts failure. */
  let format: { g: number; p: number } | null = null;
  clusters.forEach((occs, gi) => {
    const { verdict, fixes, formatP } = judgeCluster(judging, gi);
    if (verdict === 'keep') {
      memories.push(
        renderMistake(clusterKeys[gi]!, occs, supportOf(occs.map((o) => o.s)), minSupport, fixes),
      );
      return;
    }
    left[verdict]++;
    if (formatP !== undefined && formatP < ALPHA && (format === null || formatP < format.p))
      format = { g: gi, p: formatP };
  });
  if (format !== null) {
    const { g, p } = format as { g: number; p: number };
    const occs = clusters[g]!;
    memories.push(renderMistake(clusterKeys[g]!, occs, supportOf(occs.map((o) => o.s)), minSupport, [], p));
    left.harness--;
  }
  memories.sort((a, b) => compareStrings(a.key, b.key));
  return {
    memories,
    stats: {
      error_occurrences: occurrences - cancelled,
      error_templates: keys.length,
      error_clusters: clusters.length,
      mistakes_promoted: memories.length,
      mistakes_noise: left.noise,
      mistakes_exploration: left.exploration,
      mistakes_harness: left.harness,
      mistakes_silent: left.silent,
      mistakes_retry: left.retry,
      mistakes_unfixed: left.unfixed,
      errors_declined: declined,
      errors_cancelled: cancelled,
      errors_awaited: awaited,
      sessions_replayed: all.length - sessions.length,
    },
  };
}

/**
 * True when at least half of a cluster's distinct sessions (by content) have no known outcome (neither
 * satisfied nor failed): their outcomes cannot say whether the error mattered.
 */
function outcomesUnknown(occs: readonly Occ[]): boolean {
  const known = new Map<string, boolean>();
  for (const o of occs)
    known.set(o.s.content_sha256, o.s.outcome === 'satisfied' || o.s.outcome === 'failed');
  return [...known.values()].filter((k) => !k).length * 2 >= known.size;
}

/**
 * How persistently a cluster's error resisted the agent, per session: its *final streak* is the run of
 * its last occurrences in the session none of which a successful retry of the same call (same tool, or
 * same program for a shell run; `recovery.ts`) followed before the error's next occurrence or, for the
 * last one, at all. A streak of two or more means the error came back after an attempt to mend it and
 * nothing mended it afterwards: a costly failure the agent never got past (ponyc's `make` failing after
 * `make clean`, after removing `build/`, after setting `LLVM_DIR`). An error met once and routed around,
 * or mended by the next try, has a streak of at most one. Read from structure only, never from the
 * error's words.
 * @returns `persistent`: distinct sessions (by content) with a final streak ≥ 2; `longest`: the longest
 *   streak seen.
 */
function persistence(occs: readonly Occ[]): { persistent: number; longest: number } {
  const bySession = new Map<string, Occ[]>();
  for (const o of occs) bySession.set(o.s.content_sha256, [...(bySession.get(o.s.content_sha256) ?? []), o]);
  let persistent = 0;
  let longest = 0;
  for (const list of bySession.values()) {
    const seqs = [...new Set(list.map((o) => o.e.seq))].sort((a, b) => a - b);
    const at = new Map(list.map((o) => [o.e.seq, o]));
    let streak = 0;
    for (let i = seqs.length - 1; i >= 0; i--) {
      const next = seqs[i + 1] ?? Number.POSITIVE_INFINITY;
      if (at.get(seqs[i]!)!.recoveries.some((r) => !r.alt && r.seq_use < next)) break;
      streak++;
    }
    if (streak >= 2) persistent++;
    longest = Math.max(longest, streak);
  }
  return { persistent, longest };
}

/** A quoted value as `templates.ts` masks it to `<VALUE>` (an identifier-like one only: a module, a name). */
const QUOTED_VALUE =
  /(?<![\p{L}\p{N}])'[\w.\-/]{1,100}'(?![\p{L}\p{N}])|"[\w.\-/]{1,100}"|`[\w.\-/]{1,100}`/gu;

/**
 * The one quoted value of an error whose template masks exactly one (`No module named 'psycopg2'` →
 * `'psycopg2'`, quotes kept), or null (none, several, or not identifier-like).
 */
function quotedValue(e: ErrorOccurrence): string | null {
  if (e.template.split('<VALUE>').length !== 2) return null;
  const found = e.quote.match(QUOTED_VALUE) ?? [];
  return found.length === 1 ? found[0]! : null;
}

/**
 * Splits a cluster whose template masks one quoted value by that value, where its established set-up fix
 * (`setup-change.ts` {@link setupFixes}) does not apply: the values none of whose occurrences was
 * recovered by a run that made one of the fix's changes (`No module named 'psycopg2'` beside the
 * `'reproduce_app'` the agent had not created yet, whose fix is `mkdir` + `__init__.py`) leave the
 * cluster, one new cluster per value with the value written into its template; one seen in fewer than
 * `minSupport` sessions is then noise like any other. The cluster keeps the values its fix recovered, so
 * its memory names only those and its support counts only their sessions. Nothing is split when the rest
 * would fall below `minSupport` or when no fix is established.
 * @returns the clusters (split ones first in place, new ones after) and each one's template keys.
 */
function splitUnfixedValues(
  clusters: Occ[][],
  keysOf: string[][],
  o: { minSupport: number; recur: number; outcomesKnown: boolean },
): { clusters: Occ[][]; clusterKeys: string[][] } {
  const units = clusters.map(setupUnits);
  const across = fixFamily(clusters, units, o.recur, o.outcomesKnown, o.minSupport);
  const out = { clusters: [...clusters], clusterKeys: [...keysOf] };
  clusters.forEach((occs, gi) => {
    const support = supportOf(occs.map((x) => x.s)).sessions;
    if (support < o.minSupport || occs[0]!.e.kind !== 'tool_error' || isNotice(occs[0]!.e.template)) return;
    const fixes = safeFixes(setupFixes(units, gi, o.recur, o.outcomesKnown, '', support, across));
    if (fixes.length === 0) return;
    // the fix the memory states (`renderMistake` shows the first three changes)
    const tokens = new Set(fixes.slice(0, 3).map((f) => f.token));
    const byValue = new Map<string, Occ[]>();
    for (const x of occs) {
      const v = quotedValue(x.e);
      if (v !== null) byValue.set(v, [...(byValue.get(v) ?? []), x]);
    }
    const tookFix = (x: Occ) => x.recoveries.some((r) => !r.alt && r.setup?.some((t) => tokens.has(t)));
    const apart = [...byValue].filter(([, l]) => !l.some(tookFix)).sort((a, b) => compareStrings(a[0], b[0]));
    const moved = new Set(apart.flatMap(([, l]) => l));
    const kept = occs.filter((x) => !moved.has(x));
    if (apart.length === 0 || supportOf(kept.map((x) => x.s)).sessions < o.minSupport) return;
    out.clusters[gi] = kept;
    for (const [v, l] of apart) {
      const own = l.map((x) => ({ ...x, e: { ...x.e, template: x.e.template.replace('<VALUE>', v) } }));
      out.clusters.push(own);
      out.clusterKeys.push([...new Set(own.map((x) => `${x.e.kind}\u0000${x.e.tool}\u0000${x.e.template}`))]);
    }
  });
  return out;
}

/**
 * The content words of an error line for paraphrase matching: quoted values, paths, URLs and numbers
 * dropped, identifiers split at `_`/`-` with their digit-bearing parts dropped (`gift_card_5094406` →
 * `gift card`), stopwords removed, stemmed.
 */
export function errorWords(line: string): string[] {
  const t = line
    .replace(/(?<![\p{L}\p{N}])'[^'\n]{0,200}'|"[^"\n]{0,200}"|`[^`\n]{0,200}`/gu, ' ')
    .replace(/\bhttps?:\/\/\S+/g, ' ')
    .replace(/\S*\/\S*/g, ' ')
    .replace(/[A-Za-z0-9]+(?:[_-][A-Za-z0-9]+)+/g, (id) =>
      id
        .split(/[_-]/)
        .filter((p) => !/\d/.test(p))
        .join(' '),
    )
    .replace(/\S*\d\S*/g, ' ');
  return contentTokens(t).filter((w) => !w.startsWith('<'));
}

/**
 * Unites near-duplicate groups of the same head (kind and tool, or kind and `(api)` for API tools) whose
 * error words are paraphrases: the smaller word set (≥ 4 words) is ≥ 90% contained in the larger.
 * Compared through an inverted index of words, so only groups sharing a word are tested.
 */
function mergeParaphrases(groups: number[][], words: string[][], heads: string[]): number[][] {
  const n = groups.length;
  const sets = groups.map((g) => [...new Set(g.flatMap((i) => words[i]!))].sort(compareStrings));
  const parent = groups.map((_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };
  const byWord = new Map<string, number[]>();
  for (let i = 0; i < n; i++)
    for (const w of sets[i]!) {
      const l = byWord.get(w);
      if (l) l.push(i);
      else byWord.set(w, [i]);
    }
  for (let i = 0; i < n; i++) {
    const a = sets[i]!;
    if (a.length < 4) continue;
    const counts = new Map<number, number>();
    for (const w of a)
      for (const j of byWord.get(w) ?? []) if (j !== i) counts.set(j, (counts.get(j) ?? 0) + 1);
    for (const [j, shared] of [...counts.entries()].sort((x, y) => x[0] - y[0])) {
      const b = sets[j]!;
      if (b.length < a.length || (b.length === a.length && j < i)) continue;
      if (shared / a.length < 0.9 || heads[groups[i]![0]!] !== heads[groups[j]![0]!]) continue;
      const ri = find(i);
      const rj = find(j);
      if (ri !== rj) parent[Math.max(ri, rj)] = Math.min(ri, rj);
    }
  }
  const merged = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const r = find(i);
    const l = merged.get(r);
    if (l) l.push(...groups[i]!);
    else merged.set(r, [...groups[i]!]);
  }
  return [...merged.values()].map((g) => g.sort((x, y) => x - y)).sort((x, y) => x[0]! - y[0]!);
}

/**
 * The exploration class of a cluster, or null for an avoidable error: in most of its sessions the error
 * is a warning, a search that found nothing, housekeeping on something already gone, or the agent's own
 * code or tests failing (see `exploration.ts`); the class most of those sessions show (`warning` for
 * warnings).
 */
function exploratory(occs: readonly Occ[]): string | null {
  const per = new Map<string, string | null>();
  for (const o of occs) {
    const c = o.e.kind === 'warning' ? 'warning' : (o.e.exploration ?? null);
    if (!per.has(o.s.content_sha256) || per.get(o.s.content_sha256) === null) per.set(o.s.content_sha256, c);
  }
  const classes = [...per.values()].filter((c): c is string => c !== null);
  if (classes.length * 2 <= per.size) return null;
  return countBy(classes, (c) => c)[0]![0];
}

/** True when a set-up fix adds or moves something, rather than only dropping a word (`removed:`). */
function adds(fix: SetupFix): boolean {
  return !fix.token.startsWith('removed:');
}

/**
 * True when a failing test run's established fix leads with an environment assignment
 * (`PYTHONIOENCODING=utf-8`): the run failed because of the environment, not the code under test, so the
 * error is avoidable; any other change after a failing test (`-k`, a fixture, a new file) is how the agent
 * works, not a lesson.
 */
function envFix(cls: string, fixes: readonly SetupFix[]): boolean {
  return cls === 'test-run' && /^[A-Z_][A-Z0-9_]*=\S/.test(fixes[0]!.token);
}

/** A notice about the size of the agent's output (cut, elided, too long): never a mistake. */
const NOTICE = /\b(?:too long|truncat\w*|elided)\b/i;

/** True if a template is a notice about the agent's output being too long or cut. */
function isNotice(template: string): boolean {
  return NOTICE.test(template);
}

/**
 * One {@link SetupUnit} per session of a cluster: its first successful retry of the same run (a
 * recovery that carries `setup`, see `setup-change.ts`).
 */
function setupUnits(occs: readonly Occ[]): SetupUnit[] {
  const out = new Map<string, SetupUnit>();
  for (const o of occs)
    for (const r of o.recoveries)
      if (!r.alt && r.setup !== undefined && !out.has(o.s.content_sha256))
        out.set(o.s.content_sha256, {
          session: o.s.content_sha256,
          satisfied: o.s.outcome === 'satisfied',
          tokens: r.setup,
          lines: r.setup_lines ?? [],
        });
  return [...out.values()];
}

/** The one-sided Fisher p-value that sessions showing the cluster fail more often (`significance.ts`). */
function failureP(sessions: readonly GatheredSession[], occs: readonly Occ[]): number {
  const with_ = new Set(occs.map((o) => o.s.content_sha256));
  return predictionP(
    outcomeTable(sessions, (s) => with_.has(s.content_sha256)),
    'failed',
  );
}

/**
 * The Benjamini–Hochberg threshold (q = α = 0.05, `multiple-testing.ts`) over every set-up change tested
 * as the fix of a recurring tool error in this dream (`setup-change.ts` {@link setupCandidates}): with
 * sixty changes tested across the errors of a corpus, a few reach p < 0.05 by chance alone.
 */
function fixFamily(
  clusters: readonly (readonly Occ[])[],
  units: readonly (readonly SetupUnit[])[],
  recur: number,
  outcomesKnown: boolean,
  minSupport: number,
): number {
  const p: number[] = [];
  clusters.forEach((occs, gi) => {
    const support = supportOf(occs.map((o) => o.s)).sessions;
    if (support < minSupport || occs[0]!.e.kind !== 'tool_error' || isNotice(occs[0]!.e.template)) return;
    const { candidates, testable } = setupCandidates(units, gi, recur, outcomesKnown, support);
    if (testable) for (const c of candidates) p.push(c.p);
  });
  return p.length > 0 ? bhThreshold(p, ALPHA) : 1;
}

/**
 * Whether each recurring tool-error cluster's presence predicts failure: sessions showing it fail
 * significantly more often than the others (one-sided Fisher's exact test over sessions with known
 * outcomes, `significance.ts`), every recurring cluster (support ≥ `minSupport`, not a harness message)
 * being one hypothesis of a family whose false discovery rate the Benjamini–Hochberg procedure keeps at
 * α = 0.05 (`multiple-testing.ts`): among thirty recurring errors one predicts failure at p < 0.05 by
 * chance alone.
 * @returns a predicate on cluster indices.
 */
function failureFamily(
  sessions: readonly GatheredSession[],
  clusters: readonly (readonly Occ[])[],
  minSupport: number,
): (gi: number) => boolean {
  const p = clusters.map((occs) =>
    supportOf(occs.map((o) => o.s)).sessions < minSupport ||
    occs[0]!.e.kind === 'harness' ||
    isNotice(occs[0]!.e.template)
      ? null
      : failureP(sessions, occs),
  );
  const t = bhThreshold(
    p.filter((x): x is number => x !== null),
    ALPHA,
  );
  return (gi) => p[gi] !== null && p[gi]! < ALPHA && p[gi]! <= t;
}

/**
 * A shell command for display: first line, leading `VAR=value` assignments dropped, e-mail addresses
 * and variable parts masked (see `maskVariables`); quoted arguments keep their quotes and have their
 * own variable parts masked (`sg docker -c "docker compose up -d postgres"` stays readable).
 */
function maskCommand(command: string): string {
  const first = (command.split('\n')[0] ?? '').trim().replace(/^(?:[A-Za-z_][A-Za-z0-9_]*=\S*\s+)+/, '');
  const mask = (t: string) => {
    const inner = maskVariables(t.replace(/\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b/g, '<EMAIL>'));
    return `${/^\s/.test(t) && inner ? ' ' : ''}${inner}${/\s$/.test(t) && inner ? ' ' : ''}`;
  };
  let out = '';
  let last = 0;
  for (const m of first.matchAll(/(["'])([^"'\n]{1,200})\1/g)) {
    out += mask(first.slice(last, m.index!));
    out += `${m[1]}${mask(m[2]!).trim()}${m[1]}`;
    last = m.index! + m[0].length;
  }
  out += mask(first.slice(last));
  return out.replace(/\s+/g, ' ').replace(/`/g, "'").trim();
}

/** Whitespace tokens of a command's first line, with variable parts masked (placeholders dropped). */
function commandTokens(command: string): Set<string> {
  const out = new Set<string>();
  for (const t of maskCommand(command).split(/\s+/)) if (t && !/^(?:<[A-Z]+>)+$/.test(t)) out.add(t);
  return out;
}

/**
 * A flag that overrides a safeguard rather than fixing the call: branch protection (`gh pr merge
 * --admin`), hooks (`--no-verify`), a refusal to overwrite (`--force`), certificate checks (`--insecure`),
 * permission prompts (`--dangerously-skip-permissions`), any `--skip-…` / `--no-check…` / `--unsafe…`.
 */
const OVERRIDE_FLAG =
  /^--(?:admin|force|no-verify|insecure|dangerously[\w-]*|skip-[\w-]+|no-check[\w-]*|unsafe[\w-]*)(?:=.*)?$/;

/** `fixes` without a change that overrides a safeguard ({@link OVERRIDE_FLAG}): no lesson to teach. */
function safeFixes(fixes: SetupFix[]): SetupFix[] {
  return fixes.filter((f) => !f.token.split(/\s+/).some((t) => OVERRIDE_FLAG.test(t)));
}

/**
 * True when a shell retry worked by adding a flag that overrides a safeguard ({@link OVERRIDE_FLAG}): what
 * made the error go away is no lesson to keep (a memory would teach the agent to bypass branch protection).
 */
function bypassesSafeguard(failed: string | undefined, retry: string): boolean {
  return failed !== undefined && tokensAdded(failed, retry).some((t) => OVERRIDE_FLAG.test(t));
}

/** The {@link commandTokens} of `after` that `before` lacks (what a retry added to the failed command). */
function tokensAdded(before: string, after: string): string[] {
  const had = commandTokens(before);
  return [...commandTokens(after)].filter((t) => !had.has(t));
}

/** The minimal change of an edit span: the common prefix and suffix removed, e.g. `+.js`. */
function editCore(e: { from: string; to: string }): string {
  let p = 0;
  while (p < e.from.length && p < e.to.length && e.from[p] === e.to[p]) p++;
  let q = 0;
  while (
    q < e.from.length - p &&
    q < e.to.length - p &&
    e.from[e.from.length - 1 - q] === e.to[e.to.length - 1 - q]
  )
    q++;
  const removed = e.from.slice(p, e.from.length - q);
  const added = e.to.slice(p, e.to.length - q);
  return `${removed ? `-${removed}` : ''}${removed && added ? ' ' : ''}${added ? `+${added}` : ''}`;
}

/**
 * Reliable fixes: the keys (a changed argument, a command, an added token, an edit, a replacement tool)
 * that recovered in at least `min` distinct sessions, at least one of them satisfied when the cluster's
 * sessions have known outcomes (never a fix seen only in failed sessions); most sessions first.
 */
function reliableFixes<X extends { o: Occ }>(
  list: readonly X[],
  keys: (x: X) => Iterable<string>,
  min: number,
  outcomesKnown: boolean,
): [string, number][] {
  const by = new Map<string, { sessions: Set<string>; satisfied: boolean }>();
  for (const x of list)
    for (const k of new Set(keys(x))) {
      const e = by.get(k) ?? { sessions: new Set<string>(), satisfied: false };
      e.sessions.add(x.o.s.content_sha256);
      e.satisfied ||= x.o.s.outcome === 'satisfied';
      by.set(k, e);
    }
  return [...by.entries()]
    .filter(([, e]) => e.sessions.size >= min && (!outcomesKnown || e.satisfied))
    .map(([k, e]): [string, number] => [k, e.sessions.size])
    .sort((a, b) => b[1] - a[1] || compareStrings(a[0], b[0]));
}

/** A recovery of one session: the error occurrence and the call that succeeded after it. */
type Rec = { o: Occ; r: RecoveryOccurrence };

/**
 * What the successful retries used instead, where an argument's typed-identifier value changed kind
 * (`recovery.ts` `kindChanges`): per (argument, kind refused) that recurs as a reliable fix, the
 * sessions and the kinds the retries used, most sessions first — e.g. `payment_id` away from
 * `certificate` in 3 sessions, to `gift_card` (2) and `credit_card` (1).
 */
interface Replacement {
  path: string;
  from: string;
  sessions: number;
  /** The kinds used instead, with their session counts, most first. */
  to: [string, number][];
}

/** The reliable {@link Replacement}s among a cluster's same-tool recoveries (see `reliable`). */
function replacements(
  recList: Rec[],
  reliable: (list: Rec[], keys: (x: Rec) => Iterable<string>) => [string, number][],
): Replacement[] {
  const away = reliable(recList, (x) => (x.r.kinds ?? []).map((k) => `${k.path}\u0000${k.from}`));
  return away.map(([key, sessions]) => {
    const [path, from] = key.split('\u0000') as [string, string];
    const to = countBy(
      recList.flatMap((x) => {
        const hit = (x.r.kinds ?? []).find((k) => k.path === path && k.from === from);
        return hit ? [hit.to] : [];
      }),
      (t) => t,
    );
    return { path, from, sessions, to };
  });
}

/**
 * What recovered from a cluster's error: per session the first retry of the same tool (for shell tools,
 * of the same program), else the first other tool that succeeded instead; and the reliable fixes among
 * them (see {@link reliableFixes}): changed arguments, calls made first, changed commands and their
 * tokens, edits, replacement tools.
 */
function analyseFixes(
  occs: readonly Occ[],
  perSession: readonly Occ[],
  minSupport: number,
  setup: readonly SetupFix[],
) {
  const { kind, tool } = occs[0]!.e;
  // a shell tool by name, or by its calls' labels (`run_terminal_cmd:git push`: the importer's kind)
  const shell = isShellTool(tool) || occs.some((o) => isShellLabel(tool, o.e.label));
  /** A detail is shown when it recurs in this many sessions. */
  const recur = Math.max(2, minSupport);
  const recs = occs.flatMap((o) => o.recoveries.map((r) => ({ o, r })));
  // per session, the first retry of the same tool (else the first other tool that succeeded instead)
  const recPerSession = new Map<string, Rec>();
  // a shell retry counts only when it runs the same program (the next command is not a fix by itself)
  // (a recovery with `setup` retried the same run: gather paired them by script)
  // (nor one that worked by overriding a safeguard: `gh pr merge --admin` after "not mergeable")
  for (const x of recs)
    if (
      !x.r.alt &&
      (!shell || x.o.e.label === null || x.r.label === x.o.e.label || x.r.setup !== undefined) &&
      !(shell && bypassesSafeguard(x.r.failed_quote, x.r.quote)) &&
      !recPerSession.has(x.o.s.content_sha256)
    )
      recPerSession.set(x.o.s.content_sha256, x);
  // shell retries measured by what the run that worked added (`setup-change.ts`): only that is a fix;
  // the command shown, its first-line tokens and the calls made first are not fixes by themselves
  const measured = shell && recs.some((x) => x.r.setup !== undefined);
  // another tool instead only where it could have done the failed call's work (not whatever ran next)
  const altPerSession = new Map<string, Rec>();
  for (const x of recs)
    if (
      x.r.alt &&
      isSubstitute(x.o.e.work, x.r.work) &&
      !recPerSession.has(x.o.s.content_sha256) &&
      !altPerSession.has(x.o.s.content_sha256)
    )
      altPerSession.set(x.o.s.content_sha256, x);
  const recList = [...recPerSession.values()];
  const altList = [...altPerSession.values()];
  const recovered = perSession.filter((o) => recPerSession.has(o.s.content_sha256));
  const outcomesKnown = perSession.some((o) => o.s.outcome === 'satisfied' || o.s.outcome === 'failed');
  /** A fix: the same change recovered in ≥ `recur` sessions, one of them satisfied when outcomes are known. */
  const reliable = (list: typeof recList, keys: (x: (typeof recList)[number]) => Iterable<string>) =>
    reliableFixes(list, keys, recur, outcomesKnown);
  const changed = kind === 'tool_error' && !shell ? reliable(recList, (x) => x.r.changed) : [];
  const replaced = kind === 'tool_error' && !shell ? replacements(recList, reliable) : [];
  const between = kind === 'tool_error' && !measured ? reliable(recList, (x) => x.r.between) : [];
  const satisfiedRecovered = recList.filter((x) => x.o.s.outcome === 'satisfied').length;
  // examples of the changed arguments shown (`path: before → after`), never of another argument
  const shownPaths = new Set(changed.slice(0, 5).map(([p]) => p));
  const numeric = recList
    .flatMap((x) => x.r.numeric)
    .filter((n) => shownPaths.has(n.slice(0, n.indexOf(':'))))
    .slice(0, 2);
  // shell: the successful command (masked) and the tokens it added / removed, when they recur
  // …only when the command itself changed (an unchanged retry worked because of what was done first)
  const fixCommands =
    shell && (!measured || setup.length > 0)
      ? reliable(recList, (x) =>
          x.r.failed_quote !== undefined && maskCommand(x.r.quote) !== maskCommand(x.r.failed_quote)
            ? [maskCommand(x.r.quote)]
            : [],
        )
      : [];
  const tokenDiff = (x: (typeof recList)[number], dir: 'added' | 'removed'): string[] => {
    if (!shell || measured || x.r.failed_quote === undefined) return [];
    return dir === 'added'
      ? tokensAdded(x.r.failed_quote, x.r.quote)
      : tokensAdded(x.r.quote, x.r.failed_quote);
  };
  const addedTokens = reliable(recList, (x) => tokenDiff(x, 'added'));
  const removedTokens = reliable(recList, (x) => tokenDiff(x, 'removed'));
  // edits before the successful retry, by their minimal change; one example span per change
  const editExamples = new Map<string, { from: string; to: string }>();
  for (const x of recList)
    for (const e of x.r.edits ?? []) {
      const core = editCore(e);
      if (core && !editExamples.has(core)) editExamples.set(core, e);
    }
  const edits = reliable(recList, (x) => (x.r.edits ?? []).map(editCore).filter((c) => c !== ''));
  const alternatives = kind === 'tool_error' ? reliable(altList, (x) => [x.r.label]) : [];
  return {
    shell,
    measured,
    setup,
    recur,
    recList,
    altList,
    recovered,
    outcomesKnown,
    changed,
    replaced,
    between,
    satisfiedRecovered,
    numeric,
    fixCommands,
    addedTokens,
    removedTokens,
    editExamples,
    edits,
    alternatives,
  };
}

/** The fix analysis of a cluster (see {@link analyseFixes}). */
type Fixes = ReturnType<typeof analyseFixes>;

/**
 * True when the only reliable fix of a cluster is a change of the failing call's own arguments — the
 * same tool sent again with another `old_string`, `file_path`, `url`, `command` — with no call made
 * first in most of the recoveries, no edit before it, no other tool instead, no other kind of value and
 * no changed command: what any agent does after a refused call, no lesson. A call made first that only
 * half the successful retries or fewer came after (a `Read` before 5 of 10 retries of an edit whose
 * `old_string` was not found, all 10 of which changed `old_string`) did not make the retry work: the
 * other retries worked without it. Where it came before most of them it stays a fix — unless the failed
 * call edited a file and the call made first only looked (read or searched: `Read` before 7 of 7 retries
 * of an edit refused as "not read yet" or "string to replace not found"): looking at the file again before
 * editing it is what the tool's own description and error message tell every agent (Claude Code's Edit:
 * "You must use your Read tool … before editing"), no lesson of this project's; on blind batch 7 (real
 * Claude Code sessions, labelled before any dream) 6 of the 7 proposals were such edits, none labelled.
 * Used only for the agent's own tools: for an API's domain tools (the importer's kind `other`) the
 * argument that changed names which field of the request was wrong (`payment_methods[].amount`), and
 * stays a fix.
 */
function onlyRetried(f: Fixes): boolean {
  const editing = f.recList.length > 0 && f.recList.every((x) => x.o.e.work === 'edit');
  const mostly = ([label]: [string, number]) =>
    keyStats(f.recList, (x) => x.r.between, label).sessions * 2 > f.recList.length &&
    !(editing && onlyLooked(f.recList, label));
  return (
    // (a file edit that worked later, with nothing but looking before it, is no lesson either, whether
    // or not the retry's arguments were seen to change)
    (f.changed.length > 0 || editing) &&
    f.replaced.length === 0 &&
    !f.between.some(mostly) &&
    f.alternatives.length === 0 &&
    f.edits.length === 0 &&
    f.fixCommands.length === 0 &&
    f.addedTokens.length === 0 &&
    f.removedTokens.length === 0
  );
}

/** True when most occurrences of a cluster say what to do next in the error's own words (`instructs`). */
function instructs(occs: readonly Occ[]): boolean {
  return occs.filter((o) => o.e.instructs).length * 2 > occs.length;
}

/** True when every call labelled `label` made before a retry of `list` only looked (read or searched: `looked`). */
function onlyLooked(list: readonly Rec[], label: string): boolean {
  return list.every((x) => !x.r.between.includes(label) || (x.r.looked ?? []).includes(label));
}

/** Distinct sessions, and satisfied ones, of `list` whose `keys` include `key`. */
function keyStats(
  list: readonly Rec[],
  keys: (x: Rec) => Iterable<string>,
  key: string,
): { sessions: number; satisfied: number } {
  const hit = new Map<string, boolean>();
  for (const x of list)
    if ([...keys(x)].includes(key)) hit.set(x.o.s.content_sha256, x.o.s.outcome === 'satisfied');
  return { sessions: hit.size, satisfied: [...hit.values()].filter(Boolean).length };
}

/** Porter stems of the words of `text` (wink-nlp, see `language.ts`). */
function stems(text: string): Set<string> {
  return new Set(analyse(text).flatMap((s) => s.tokens.map((t) => t.stem)));
}

/**
 * True if an error message names the call `label` made before the retry that worked: every word (of
 * three letters or more) of the call's name — the tool, or for a shell call its program (`Bash:make` →
 * `make`), split at case changes and separators — is a word of the message, compared by Porter stem.
 * "File has not been read yet." names `Read`: the message says which step was missing.
 */
export function errorNamesCall(template: string, label: string): boolean {
  const name = label.slice(label.indexOf(':') + 1).replace(/([a-z])([A-Z])/g, '$1 $2');
  const words = name.split(/[^A-Za-z]+/).filter((w) => w.length >= 3);
  if (words.length === 0) return false;
  const said = stems(template);
  return words.every((w) => [...stems(w.toLowerCase())].every((st) => said.has(st)));
}

/**
 * The call made first that leads a cluster's fixes: of the reliable calls made before the successful retry
 * (`between`, most sessions first), the first the error message names ({@link errorNamesCall}: a write
 * refused as "not read yet" names the Read, not the Edit of another file made as often), else the first.
 * Undefined when there is none.
 */
function namedFirst(f: Fixes): [string, number] | undefined {
  const template = f.recList[0]?.o.e.template;
  return (
    (template !== undefined && f.between.find(([label]) => errorNamesCall(template, label))) || f.between[0]
  );
}

/**
 * The headline fix of an API (non-shell) tool's error: of its reliable fixes — another kind of value
 * (a {@link Replacement}), the changed arguments, a call made first, a different tool where the failing
 * one never succeeded again — the one the recoveries took in the most satisfied sessions, then a call
 * made first that the error message names (see {@link errorNamesCall}: the retry of an edit refused as
 * "not read yet" changes its text too, but the Read before it is what let it through), then the one
 * taken in the most sessions (ties in that order). A fix most recoveries took thus leads over the
 * argument that happened to change in a few. Null when none is reliable.
 */
function leadingFix(f: Fixes): string | null {
  const cands: { text: string; sessions: number; satisfied: number; named?: boolean }[] = [];
  const rep = f.replaced[0];
  if (rep)
    cands.push({
      text: `fix: ${replacementText(rep, 'imperative')}`,
      ...keyStats(
        f.recList,
        (x) => (x.r.kinds ?? []).map((k) => `${k.path}\u0000${k.from}`),
        `${rep.path}\u0000${rep.from}`,
      ),
    });
  const changed = f.changed[0];
  if (changed)
    cands.push({
      text: `fix: change ${f.changed
        .slice(0, 2)
        .map(([p]) => p)
        .join(', ')}`,
      ...keyStats(f.recList, (x) => x.r.changed, changed[0]),
    });
  const between = namedFirst(f);
  if (between)
    cands.push({
      text: `fix: call ${between[0].replace(/^[^:]*:/, '')} first`,
      ...keyStats(f.recList, (x) => x.r.between, between[0]),
      named: f.recList.length > 0 && errorNamesCall(f.recList[0]!.o.e.template, between[0]),
    });
  const alt = f.alternatives[0];
  if (alt)
    cands.push({ text: `fix: use ${alt[0]} instead`, ...keyStats(f.altList, (x) => [x.r.label], alt[0]) });
  cands.sort(
    (a, b) =>
      b.satisfied - a.satisfied ||
      Number(b.named ?? false) - Number(a.named ?? false) ||
      b.sessions - a.sessions,
  );
  return cands[0]?.text ?? null;
}

/**
 * A replacement in words: `` used another kind of `payment_id` than `certificate`: `gift_card` (2), … ``;
 * as an imperative `` use another kind of `payment_id` than `certificate` (the retries that worked
 * used `gift_card` (2), …) ``.
 */
function replacementText(r: Replacement, mood: 'past' | 'imperative' = 'past'): string {
  const what = `another kind of \`${r.path}\` than \`${r.from}\``;
  return mood === 'past'
    ? `used ${what}: ${fmtCounts(r.to, 4)}`
    : `use ${what} (the retries that worked used ${fmtCounts(r.to, 4)})`;
}

/** An edit shown by its example span: `` `from` → `to` ``. */
function editShown(f: Fixes, core: string): string {
  const ex = f.editExamples.get(core)!;
  return `\`${ex.from}\` → \`${ex.to}\``;
}

/**
 * The "What worked afterwards" lines of a mistake: how often the same tool (program) succeeded again,
 * then only the reliable fixes; "No reliable fix was seen" when there is none.
 * @param ctx the error's kind and tool (and how many tools returned it), its distinct sessions, the
 *   sessions shown, and the fix hint.
 */
function workedAfterwards(
  f: Fixes,
  ctx: {
    kind: ErrorOccurrence['kind'];
    tool: string;
    /** Distinct tools that returned the error (API errors merged across tools). */
    tools: number;
    sessions: number;
    seen: number;
    fixHint: string;
    /** {@link persistence} of an error without an established fix, else null. */
    held: { persistent: number; longest: number } | null;
  },
): string[] {
  const { kind, tool, fixHint } = ctx;
  const { recList, satisfiedRecovered, fixCommands, addedTokens, removedTokens, shell, changed, numeric } = f;
  const { edits, between, alternatives, recur, outcomesKnown } = f;
  const editText = (core: string) => editShown(f, core);
  const lines: string[] = [];
  if (recList.length === 0) {
    lines.push(`- No successful retry of the same tool was observed after this error.`);
  } else {
    const sat = satisfiedRecovered > 0 ? `, ${satisfiedRecovered} of them in satisfied sessions` : '';
    const what =
      kind === 'harness'
        ? 'a following tool call succeeded'
        : f.measured
          ? 'a later run of the same script or program succeeded'
          : ctx.tools > 1
            ? 'a later call of the same tool succeeded'
            : `a later \`${tool}\` call succeeded`;
    lines.push(`- In ${recList.length} of ${counted(ctx.sessions, 'session')} ${what}${sat}.`);
    if (fixCommands.length > 0) lines.push(`- The successful command: ${fmtCounts(fixCommands, 3)}.`);
    if (f.setup.length > 0) lines.push(setupLine(f.setup));
    if (addedTokens.length > 0 || removedTokens.length > 0)
      lines.push(
        `- Compared with the failed command it ${[
          addedTokens.length > 0 ? `added ${fmtCounts(addedTokens, 4)}` : '',
          removedTokens.length > 0 ? `removed ${fmtCounts(removedTokens, 4)}` : '',
        ]
          .filter(Boolean)
          .join(' and ')}.`,
      );
    if (!shell && changed.length > 0 && kind === 'tool_error')
      lines.push(
        `- The successful retry changed: ${fmtCounts(changed, 5)}${numeric.length ? ` — e.g. ${numeric.map((n) => `\`${n}\``).join(', ')}` : ''}.`,
      );
    for (const r of f.replaced.slice(0, 2)) lines.push(`- The successful retry ${replacementText(r)}.`);
    if (edits.length > 0)
      lines.push(
        `- Edits made before the successful retry: ${edits
          .slice(0, 3)
          .map(([c, n]) => `${editText(c)} (${c.replace(/`/g, "'")}; ${n})`)
          .join(', ')}.`,
      );
    if (between.length > 0) lines.push(`- Calls made before the successful retry: ${fmtCounts(between, 5)}.`);
    const failedNoFix = ctx.seen - recList.length;
    if (failedNoFix > 0) lines.push(`- No successful retry in ${counted(failedNoFix, 'session')}.`);
  }
  if (alternatives.length > 0)
    lines.push(
      `- Where \`${tool}\` never succeeded afterwards, the next successful call was: ${fmtCounts(alternatives, 4)}${
        recList.length === 0 ? ` — use \`${alternatives[0]![0]}\` instead` : ''
      }.`,
    );
  if (kind === 'harness' && fixHint !== NO_FIX)
    lines.push(`- Sessions with this message fail significantly more often: ${fixHint}.`);
  if (fixHint === NO_FIX)
    lines.push(
      `- No reliable fix was seen: no change recovered from this error in ${recur} or more sessions${
        outcomesKnown ? ' with at least one of them satisfied' : ''
      }.`,
    );
  if (ctx.held && ctx.held.persistent > 0)
    lines.push(
      `- It persisted in ${ctx.held.persistent} of ${counted(ctx.sessions, 'session')}: it came back after attempts to mend it (up to ${counted(ctx.held.longest, 'time')} in a row) and nothing mended it afterwards.`,
    );
  return lines;
}

/**
 * The one-line fix of a cluster for its summary: for the one harness-format lesson (`formatP`, its
 * Fisher p-value) the format; for a tool error its established set-up change, else an edit made first,
 * the successful command, the leading reliable fix of an API tool ({@link leadingFix}), a call made
 * first, another tool used instead, or tokens added or dropped; {@link NO_FIX} when there is none.
 */
function fixHintOf(kind: ErrorOccurrence['kind'], fixes: Fixes, formatP?: number): string {
  const { setup, fixCommands, edits, shell, between, alternatives, addedTokens, removedTokens } = fixes;
  if (kind === 'harness' && formatP !== undefined)
    return `fix: answer in exactly the format the harness asks for (one-sided Fisher's exact test, p = ${formatP < 0.001 ? '< 0.001' : formatP.toFixed(3)})`;
  if (kind !== 'tool_error') return NO_FIX;
  if (setup.length > 0)
    return fixCommands.length > 0
      ? `fix: \`${ellipsize(fixCommands[0]![0], 60)}\``
      : `fix: ${setupText(setup.slice(0, 3).map((x) => x.token))} (as the runs that worked did)`;
  if (edits.length > 0) return `fix: edit ${editShown(fixes, edits[0]![0])}, then retry`;
  if (fixCommands.length > 0) return `fix: \`${ellipsize(fixCommands[0]![0], 60)}\``;
  const leading = shell ? null : leadingFix(fixes);
  if (leading !== null) return leading;
  if (between.length > 0)
    return `fix: ${shell ? 'run' : 'call'} ${namedFirst(fixes)![0].replace(/^[^:]*:/, '')} first`;
  if (alternatives.length > 0) return `fix: use ${alternatives[0]![0]} instead`;
  if (addedTokens.length > 0 || removedTokens.length > 0)
    return `fix: retry ${[
      ...addedTokens.slice(0, 2).map(([t]) => `with \`${t}\``),
      ...removedTokens.slice(0, 2).map(([t]) => `without \`${t}\``),
    ].join(', ')}`;
  return NO_FIX;
}

/** One occurrence per distinct session content (its first), in the order given. */
function firstPerSession(occs: readonly Occ[]): Occ[] {
  const perSession: Occ[] = [];
  const seen = new Set<string>();
  for (const o of occs) {
    if (seen.has(o.s.content_sha256)) continue;
    seen.add(o.s.content_sha256);
    perSession.push(o);
  }
  return perSession;
}

/**
 * The templates worth showing: those that recur (in `recur` sessions, or `recur` times) and the
 * representative one; a wording seen once may carry that one session's details.
 */
function shownTemplatesOf(
  occs: readonly Occ[],
  templateCounts: [string, number][],
  template: string,
  recur: number,
) {
  const variantSessions = countBy(
    [...new Set(occs.map((o) => `${o.e.template}\u0000${o.s.content_sha256}`))],
    (k) => k.split('\u0000')[0]!,
  );
  const occurrences = new Map(templateCounts);
  return new Set(
    variantSessions
      .filter(([t, n]) => n >= recur || (occurrences.get(t) ?? 0) >= recur || t === template)
      .map(([t]) => t),
  );
}

/** Evidence of a mistake: the error in up to 6 sessions, plus up to 3 error→fix ranges (satisfied sessions first). */
function mistakeEvidence(perSession: readonly Occ[], fixes: Fixes): PlannedEvidence[] {
  const evidence: PlannedEvidence[] = perSession.slice(0, 6).map((o) => ({
    session_id: o.s.id,
    seq_from: o.e.seq,
    seq_to: o.e.seq,
    quote: o.e.quote,
    source: o.e.kind === 'harness' ? 'system.message' : 'agent.tool_result',
  }));
  const fixEvidence = [...(fixes.recList.length > 0 ? fixes.recList : fixes.altList)].sort(
    (a, b) =>
      Number(b.o.s.outcome === 'satisfied') - Number(a.o.s.outcome === 'satisfied') ||
      compareStrings(a.o.s.id, b.o.s.id),
  );
  for (const x of fixEvidence.slice(0, 3)) {
    evidence.push({
      session_id: x.o.s.id,
      seq_from: x.o.e.seq,
      seq_to: x.r.seq_result,
      // what changed, not the whole argument object
      quote: x.r.change_quote || x.r.quote,
      source: 'agent.tool_use',
    });
  }
  return evidence;
}

/**
 * The memory's evidence lines: fix quotes are tool inputs (they may hold one customer's details), and an
 * error worded only once may too: cite, do not copy, them.
 */
function mistakeEvidenceLines(
  evidence: readonly PlannedEvidence[],
  quoteable: ReadonlySet<string>,
): string[] {
  return evidence.map((ev) => {
    const range = ev.seq_from === ev.seq_to ? `#${ev.seq_from}` : `#${ev.seq_from}–${ev.seq_to}`;
    const what = ev.source === 'agent.tool_use' ? 'fix' : 'error';
    return ev.source === 'agent.tool_use' || !quoteable.has(`${ev.session_id}#${ev.seq_from}`)
      ? `- ${ev.session_id} ${range} (${what})`
      : `- ${ev.session_id} ${range} (${what}): ${JSON.stringify(ellipsize(ev.quote, 140))}`;
  });
}

/**
 * The memory of one cluster. `setup`: the changes established as its fix (`setup-change.ts`);
 * `formatP`: for the one harness-format lesson, the Fisher p-value that its presence predicts failure.
 */
function renderMistake(
  clusterKeys: string[],
  occs: Occ[],
  support: { sessions: number; agents: number },
  minSupport: number,
  setup: readonly SetupFix[],
  formatP?: number,
): PlannedMemory {
  // the representative template is the one seen in the most sessions (a wording one session repeated is
  // not the recurring one), then the most frequent (ties: smallest key)
  const templateCounts = countBy(occs, (o) => o.e.template);
  const template = mostSessions(occs, (o) => o.e.template, templateCounts);
  const { kind } = occs[0]!.e;
  // an API error merged across tools is named by the tool that returned it in the most sessions
  const tools = countBy(occs, (o) => o.e.tool);
  const tool = mostSessions(occs, (o) => o.e.tool, tools);
  occs.sort((a, b) => compareStrings(a.s.id, b.s.id) || a.e.seq - b.e.seq);
  const perSession = firstPerSession(occs);
  const outcomes = countBy(perSession, (o) => o.s.outcome);
  const fixes = analyseFixes(occs, perSession, minSupport, setup);
  const { shell, recur, recList, recovered } = fixes;
  const labels = countBy(occs, (o) => o.e.label);
  const agents = countBy(perSession, (o) => o.s.agent_id);

  const shortTemplate = template.replace(/^Error:\s*/i, '');
  const title =
    kind === 'harness'
      ? `Harness: ${ellipsize(shortTemplate, 56)}`
      : `${tool}: ${ellipsize(shortTemplate, 56)}`;
  const fixHint = fixHintOf(kind, fixes, formatP);
  const subject =
    kind === 'harness' ? 'harness feedback' : kind === 'warning' ? `${tool} warning` : `${tool} fails`;
  const seenText =
    support.sessions === 1 ? `1 session (${occs.length} times)` : `${support.sessions} sessions`;

  const lines: string[] = [];
  lines.push(`# ${title}`, '');
  lines.push(
    `${kind === 'harness' ? 'Harness message' : kind === 'warning' ? 'Warning' : 'Error'} template (\`${tool}\`):`,
    '',
  );
  lines.push('```text', template, '```', '');
  const outcomeText = outcomes.map(([k, n]) => `${n} ${k}`).join(', ');
  lines.push(
    `Seen ${counted(occs.length, 'time')} in ${counted(support.sessions, 'session')} (${counted(support.agents, 'agent')}: ${agents
      .slice(0, 3)
      .map(([a]) => `\`${a}\``)
      .join(', ')}); session outcomes: ${outcomeText}.`,
  );
  const shownTemplates = shownTemplatesOf(occs, templateCounts, template, recur);
  const variants = templateCounts.filter(([t]) => t !== template && shownTemplates.has(t));
  if (variants.length > 0) lines.push(`Variants: ${fmtCounts(variants, 3)}.`);
  if (labels.length > 0 && labels.some(([l]) => l.includes(':')))
    lines.push(`Failing calls: ${fmtCounts(labels, 5)}.`);
  else if (tools.length > 1) lines.push(`Returned by: ${fmtCounts(tools, 5)}.`);
  lines.push('', '## What worked afterwards', '');
  lines.push(
    ...workedAfterwards(fixes, {
      kind,
      tool,
      tools: tools.length,
      sessions: support.sessions,
      seen: perSession.length,
      fixHint,
      held: kind === 'tool_error' && fixHint === NO_FIX ? persistence(occs) : null,
    }),
  );
  const evidence = mistakeEvidence(perSession, fixes);
  const quoteable = new Set(
    perSession
      .filter((o) => shownTemplates.has(o.e.template) || support.sessions === 1)
      .map((o) => `${o.s.id}#${o.e.seq}`),
  );
  lines.push('', '## Evidence', '', ...mistakeEvidenceLines(evidence, quoteable));
  const recoveredRate = perSession.length ? recovered.length / perSession.length : 0;
  return {
    key: `mistake:${kind}:${tool}:${template}`,
    match_text: shortTemplate,
    kind: 'mistake',
    slug: fileSlug(`${kind === 'harness' ? 'harness' : tool} ${shortTemplate}`),
    title,
    summary: `${seenText}; ${fixHint}; ${subject}: ${ellipsize(shortTemplate, 70)}`,
    body: `${lines.join('\n')}\n`,
    support,
    confidence: scoreConfidence(
      evidenceOf(
        perSession.map((o) => o.s),
        { fixEstablished: fixHint !== NO_FIX },
      ),
    ),
    last_seen: lastDayOf(perSession.map((o) => o.s.time)),
    evidence,
    score: support.sessions * KIND_WEIGHT[kind] * (1 + recoveredRate * 0.5),
    reason: `Recurring ${kind === 'tool_error' ? 'tool error' : kind} in ${counted(support.sessions, 'session')} (${counted(occs.length, 'occurrence')}${
      clusterKeys.length > 1 ? `, ${clusterKeys.length} near-duplicate templates merged` : ''
    }); ${counted(recList.length, 'session')} ${recList.length === 1 ? 'shows' : 'show'} a successful retry of the same ${shell ? 'program' : 'tool'}.`,
  };
}

/**
 * The "what worked" line of established set-up fixes: each token with its sessions and p-value, and a
 * line that added the first one when several sessions wrote it the same way.
 */
function setupLine(setup: readonly SetupFix[]): string {
  const shown = setup.slice(0, 4);
  const ex = shown.find((x) => x.example !== null)?.example ?? null;
  const tested = shown.every((x) => x.tested);
  return `- The runs that worked changed: ${shown
    .map(
      (x) =>
        `${setupText([x.token])} (${counted(x.sessions, 'session')}, ${x.satisfied} satisfied${
          tested ? `; p = ${x.p < 0.001 ? '< 0.001' : x.p.toFixed(3)}` : ''
        })`,
    )
    .join(', ')} — ${
    tested
      ? "more often after this error than after others (one-sided Fisher's exact test)"
      : 'in every recovery and after no other error (too few other errors to test)'
  }${ex ? ` — e.g. \`${ellipsize(ex, 100).replace(/`/g, "'")}\`` : ''}.`;
}

/**
 * Set-up change tokens as words: `add \`X\``; `drop \`X\`` (`removed:X`); `run X first` (`run:X`); for
 * moved lines (`after:X`, `before:X`) `move a line after \`X\``; consecutive items of one kind share their
 * verb (`add \`a\`, \`b\``).
 */
function setupText(tokens: readonly string[]): string {
  const parts: string[] = [];
  let verb = '';
  for (const t of tokens) {
    const m = /^(after|before|run|removed):(.*)$/.exec(t);
    const word = (m ? m[2]! : t).replace(/`/g, "'");
    if (m?.[1] === 'run') {
      parts.push(`${parts.length ? '; ' : ''}run ${word} first`);
      verb = '';
      continue;
    }
    const v = m?.[1] === 'removed' ? 'drop' : m ? `move a line ${m[1]}` : 'add';
    parts.push(v === verb ? `\`${word}\`` : `${parts.length ? '; ' : ''}${v} \`${word}\``);
    verb = v;
  }
  return parts.map((p, i) => (i > 0 && !p.startsWith(';') ? `, ${p}` : p)).join('');
}
