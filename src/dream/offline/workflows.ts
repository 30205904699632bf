/**
 * Workflows: recurring tool-call sequences of successful sessions. Each session's collapsed tool sequence
 * (trivial tools dropped, consecutive repeats folded, shell calls labelled by program) is cut into
 * contiguous n-grams (n = 3..6); an n-gram's support is the number of distinct successful sessions that
 * contain it, and its lift compares its rate in successful sessions with its rate overall (frequent
 * sequential pattern mining in the spirit of GSP, Srikant & Agrawal 1996, restricted to contiguous
 * patterns so it stays linear in the number of steps). The best patterns are kept greedily, skipping
 * one that overlaps a kept pattern (shares a run of all but one of its steps) or is redundant with it
 * (≥ 80% of its sessions already follow the kept pattern: a fragment of the same procedure); a pattern
 * that differs from a kept one by a single step (swapped, or one extra step in the middle) is recorded
 * as a variant of it rather than as a workflow of its own (`get_order → cancel_order | return_order →
 * send_email`). Steps are
 * successful calls only (failed calls are mistakes, see `gather.ts`), and shell steps are labelled by
 * program and subcommand (`git push`, `pnpm db:migrate`).
 */
import { evidenceOf, scoreConfidence } from './confidence.js';
import type { ToolStep } from './digest.js';
import { TEST_RUN } from './exploration.js';
import { bhThreshold } from './multiple-testing.js';
import {
  type GatheredSession,
  lastDayOf,
  type PlannedEvidence,
  type PlannedMemory,
  supportOf,
} from './plan.js';
import { scriptsRun } from './shell-scripts.js';
import { ALPHA, predictionP } from './significance.js';
import { maskVariables } from './templates.js';
import { compareStrings, counted, fileSlug } from './text.js';

/** Counters {@link mineWorkflows} reports. */
export interface WorkflowStats {
  workflow_baseline_sessions: number;
  workflow_patterns: number;
  workflows_promoted: number;
}

/** Options of {@link mineWorkflows}. */
export interface WorkflowOptions {
  minSupport: number;
  /** At most this many workflows. Default 10. */
  max?: number;
  minLength?: number;
  maxLength?: number;
}

interface Pattern {
  labels: string[];
  key: string;
  /** baseline sessions containing it: session → index of the first step of its first occurrence */
  hits: Map<GatheredSession, number>;
  others: number;
  /** Failed sessions containing it. */
  failed: number;
  /** The non-baseline sessions containing it (for the time split). */
  otherSessions: Set<GatheredSession>;
}

/** A step that hands the task to a person or gives up: a workflow never ends with one. */
const GIVES_UP =
  /\b(?:transfer\w*|hand ?offs?|escalat\w*|human|humans|give ?up|gives ?up|abort\w*|forfeit)\b/i;

/** A step that submits the work (`submit`, mini-swe-agent's `echo COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT`). */
const SUBMITS = /submit/i;

/**
 * True if a run of steps is a procedure worth a workflow: not only inspections (a sequence of `cat`,
 * `nl`, `sed -n`, `ls`, `grep`, `find`, `head` … or read/search tools says how one looks, not what
 * works), and not ending in a submission without a test run or script run among its steps.
 */
export function isProcedure(steps: readonly ToolStep[]): boolean {
  if (steps.every((st) => st.inspect)) return false;
  const last = steps[steps.length - 1]!;
  if (SUBMITS.test(last.label) || SUBMITS.test(last.quote))
    return steps.some((st) => TEST_RUN.test(st.quote) || scriptsRun(st.quote).length > 0);
  return true;
}

/**
 * The sessions of a dream in two halves by time (latest known time, then id; unknown times first):
 * the earlier and the later half, each counted once per content.
 */
function timeHalves(sessions: readonly GatheredSession[]): [Set<GatheredSession>, Set<GatheredSession>] {
  const seen = new Set<string>();
  const unique = sessions.filter((s) => !seen.has(s.content_sha256) && seen.add(s.content_sha256));
  const sorted = [...unique].sort(
    (a, b) => compareStrings(a.time ?? '', b.time ?? '') || compareStrings(a.id, b.id),
  );
  const mid = Math.ceil(sorted.length / 2);
  return [new Set(sorted.slice(0, mid)), new Set(sorted.slice(mid))];
}

/**
 * True if a pattern is more common in satisfied sessions than in all sessions (lift > 1) in both halves
 * of a time split (see {@link timeHalves}): a sequence that only helped in one period is no workflow.
 */
function liftAboveOne(p: Pattern, halves: readonly Set<GatheredSession>[]): boolean {
  return halves.every((half) => {
    const satisfied = [...half].filter((s) => s.outcome === 'satisfied');
    const hits = [...p.hits.keys()].filter((s) => half.has(s)).length;
    const all = hits + [...p.otherSessions].filter((s) => half.has(s)).length;
    if (satisfied.length === 0 || hits === 0) return false;
    return hits / satisfied.length > all / half.size;
  });
}

/** True if a label names handing off to a person or giving up (`transfer_to_human_agents`). */
export function givesUp(label: string): boolean {
  return GIVES_UP.test(label.replace(/[_:./-]+/g, ' '));
}

function longestCommonRun(a: readonly string[], b: readonly string[]): number {
  let best = 0;
  for (let i = 0; i < a.length; i++)
    for (let j = 0; j < b.length; j++) {
      let k = 0;
      while (i + k < a.length && j + k < b.length && a[i + k] === b[j + k]) k++;
      if (k > best) best = k;
    }
  return best;
}

/** True if two patterns say nearly the same thing: they share a run of all but one step of the shorter. */
function overlaps(a: readonly string[], b: readonly string[]): boolean {
  const shorter = Math.min(a.length, b.length);
  const run = longestCommonRun(a, b);
  return run >= shorter - 1;
}

/** At most this many variants per workflow. */
const MAX_VARIANTS = 3;

/** How a variant differs from its workflow: one step swapped for another, one step added, or one left out. */
type Variant =
  | { kind: 'swap'; at: number; label: string }
  | { kind: 'extra'; at: number; label: string }
  | { kind: 'skip'; at: number; label: string };

/**
 * The single-step difference between a kept pattern `a` and a candidate `b` (both ≥ 3 steps): `b` swaps
 * one step of `a` for another (`get_order → cancel_order → send_email` vs `… return_order …`), adds
 * one step in the middle (`… get_order → get_payment_details → refund …`), or leaves one out. Null for
 * anything else.
 */
function variantOf(a: readonly string[], b: readonly string[]): Variant | null {
  if (a.length < 3 || b.length < 3) return null;
  if (a.length === b.length) {
    let at = -1;
    for (let i = 0; i < a.length; i++)
      if (a[i] !== b[i]) {
        if (at >= 0) return null;
        at = i;
      }
    return at >= 0 && !a.includes(b[at]!) ? { kind: 'swap', at, label: b[at]! } : null;
  }
  if (b.length === a.length + 1) {
    for (let i = 0; i < b.length; i++) {
      if (
        b
          .slice(0, i)
          .concat(b.slice(i + 1))
          .every((l, k) => l === a[k]) &&
        !a.includes(b[i]!)
      )
        return i > 0 && i < b.length - 1 ? { kind: 'extra', at: i, label: b[i]! } : null;
    }
  }
  if (b.length === a.length - 1) {
    for (let i = 1; i < a.length - 1; i++)
      if (
        a
          .slice(0, i)
          .concat(a.slice(i + 1))
          .every((l, k) => l === b[k])
      )
        return { kind: 'skip', at: i, label: a[i]! };
  }
  return null;
}

/** True if at least 80% of `p`'s sessions also follow `kept` (p is a fragment of the same procedure). */
function redundant(p: Pattern, kept: Pattern): boolean {
  let shared = 0;
  for (const s of p.hits.keys()) if (kept.hits.has(s)) shared++;
  return shared >= 0.8 * p.hits.size;
}

/**
 * Every procedure-like run of `minLen`–`maxLen` step labels (at least three distinct labels, or all of
 * a shorter run) seen in a baseline (satisfied) session, with where each baseline session has it and
 * how many other sessions (and failed ones) have it too. A session's content is counted once.
 */
function collectPatterns(
  sessions: readonly GatheredSession[],
  baseline: readonly GatheredSession[],
  minLen: number,
  maxLen: number,
): { patterns: Map<string, Pattern>; uniqueContent: Set<string> } {
  const baseSet = new Set(baseline);
  const uniqueContent = new Set<string>();
  const patterns = new Map<string, Pattern>();
  for (const s of sessions) {
    if (uniqueContent.has(s.content_sha256)) continue;
    uniqueContent.add(s.content_sha256);
    const inBase = baseSet.has(s);
    const labels = s.digest.steps.map((st) => st.label);
    const steps = s.digest.steps;
    const seenHere = new Set<string>();
    for (let n = minLen; n <= maxLen; n++) {
      for (let i = 0; i + n <= labels.length; i++) {
        const gram = labels.slice(i, i + n);
        if (new Set(gram).size < Math.min(n, 3)) continue;
        if (!isProcedure(steps.slice(i, i + n))) continue;
        const key = gram.join('\u0001');
        if (seenHere.has(key)) continue;
        seenHere.add(key);
        let p = patterns.get(key);
        if (!p) {
          if (!inBase) continue; // only patterns seen in a baseline session matter
          p = { labels: gram, key, hits: new Map(), others: 0, failed: 0, otherSessions: new Set() };
          patterns.set(key, p);
        }
        if (inBase) p.hits.set(s, i);
        else {
          p.others++;
          p.otherSessions.add(s);
          if (s.outcome === 'failed') p.failed++;
        }
      }
    }
  }
  return { patterns, uniqueContent };
}

type Scored = { p: Pattern; lift: number; score: number };

/**
 * The distinct procedures among the scored patterns, best first — not overlapping, not redundant, not a
 * variant of one another (a variant, one step swapped, added or left out, joins its host instead) — the
 * hypotheses the false discovery rate is controlled over; only patterns with `minSupport` stand alone.
 */
function distinctCandidates(
  scored: readonly Scored[],
  minSupport: number,
): { candidates: Scored[]; variants: Map<Pattern, { p: Pattern; diff: Variant }[]> } {
  // the distinct procedures (not overlapping, not redundant, not a variant of one another) are the
  // hypotheses tested; the false discovery rate among those accepted is kept at α (Benjamini–Hochberg)
  const candidates: Scored[] = [];
  const variants = new Map<Pattern, { p: Pattern; diff: Variant }[]>();
  const all = () => candidates.flatMap((x) => [x.p, ...(variants.get(x.p) ?? []).map((v) => v.p)]);
  for (const c of scored) {
    const main = c.p.hits.size >= minSupport;
    if (!main && candidates.length === 0) continue;
    if (all().some((x) => overlaps(x.labels, c.p.labels) || redundant(c.p, x))) continue;
    // a variant of a kept pattern (one step swapped, added or left out) joins it instead of standing alone
    const host = candidates.find(
      (x) => (variants.get(x.p)?.length ?? 0) < MAX_VARIANTS && variantOf(x.p.labels, c.p.labels),
    );
    if (host) {
      const list = variants.get(host.p) ?? [];
      list.push({ p: c.p, diff: variantOf(host.p.labels, c.p.labels)! });
      variants.set(host.p, list);
      continue;
    }
    if (main) candidates.push(c);
  }
  return { candidates, variants };
}

/**
 * Mines workflows. The baseline is the sessions with a `satisfied` outcome. A workflow is proposed only
 * when its presence predicts success — one-sided Fisher's exact test on satisfied vs failed sessions
 * with and without it (`significance.ts`), so none without known outcomes, with the false discovery
 * rate over all sequences tested kept at α = 0.05 (Benjamini–Hochberg, `multiple-testing.ts`) — when
 * its lift is above 1 in both halves of a time split, when it is a procedure ({@link isProcedure}: not
 * only inspections, not a submission without a test), and never when its last step hands the task to a
 * person or gives up ({@link givesUp}).
 * @returns planned workflow memories (best first) and counters.
 */
export function mineWorkflows(
  sessions: readonly GatheredSession[],
  opts: WorkflowOptions,
): { memories: PlannedMemory[]; stats: WorkflowStats } {
  const minLen = opts.minLength ?? 3;
  const maxLen = opts.maxLength ?? 6;
  const max = opts.max ?? 10;
  // only outcomes can show that a sequence predicts success: without satisfied and failed sessions,
  // no workflow is proposed
  const baseline = sessions.filter((s) => s.outcome === 'satisfied');
  const failedCount = new Set(sessions.filter((s) => s.outcome === 'failed').map((s) => s.content_sha256))
    .size;
  const { patterns, uniqueContent } = collectPatterns(sessions, baseline, minLen, maxLen);
  const baseCount = new Set(baseline.map((s) => s.content_sha256)).size;
  const allCount = uniqueContent.size;
  const minSupport = Math.max(opts.minSupport, Math.ceil(baseCount * 0.05));
  // patterns above the floor may stand alone; those with at least min_support sessions may still join
  // a kept workflow as a variant
  /** One-sided Fisher's exact test p-value that the sequence comes with success (`significance.ts`). */
  const pSuccess = (p: Pattern) =>
    predictionP(
      {
        withSatisfied: p.hits.size,
        withFailed: p.failed,
        withoutSatisfied: baseCount - p.hits.size,
        withoutFailed: failedCount - p.failed,
      },
      'satisfied',
    );
  const halves = timeHalves(sessions);
  const scored = [...patterns.values()]
    .filter(
      (p) =>
        p.hits.size >= opts.minSupport && !givesUp(p.labels[p.labels.length - 1]!) && liftAboveOne(p, halves),
    )
    .map((p) => {
      const rateBase = p.hits.size / Math.max(1, baseCount);
      const rateAll = (p.hits.size + p.others) / Math.max(1, allCount);
      const lift = Math.min(2, Math.max(0.5, rateBase / rateAll));
      return { p, lift, score: p.hits.size * new Set(p.labels).size * lift };
    })
    .sort(
      (a, b) =>
        b.score - a.score || b.p.labels.length - a.p.labels.length || compareStrings(a.p.key, b.p.key),
    );
  const { candidates, variants } = distinctCandidates(scored, minSupport);
  const threshold = bhThreshold(
    candidates.map((c) => pSuccess(c.p)),
    ALPHA,
  );
  const chosen = candidates.filter((c) => pSuccess(c.p) <= threshold && pSuccess(c.p) < ALPHA).slice(0, max);
  const memories = chosen.map((c, rank) =>
    renderWorkflow(c.p, c.lift, { baseCount, failedCount, p: pSuccess(c.p) }, rank, variants.get(c.p) ?? []),
  );
  return {
    memories,
    stats: {
      workflow_baseline_sessions: baseCount,
      workflow_patterns: scored.filter((c) => c.p.hits.size >= minSupport).length,
      workflows_promoted: memories.length,
    },
  };
}

/**
 * The evidence quote of a run of steps: the calls in order (`get_user_details → book_reservation`),
 * shell steps by their command's first line — what was done, not whole argument objects.
 */
function stepsQuote(steps: readonly ToolStep[], from: number, n: number): string {
  return steps
    .slice(from, from + n)
    .map((st) => (st.label.includes(':') ? (st.quote.split('\n')[0] ?? '').slice(0, 60) : st.label))
    .join(' → ');
}

/**
 * One numbered step of a workflow memory: its label, for shell steps an example command with its
 * variable parts masked (from `example`, the first session's step), and the variants at this step
 * (another label instead, a step left out, a step sometimes added after it).
 */
function stepLine(
  l: string,
  i: number,
  example: ToolStep | undefined,
  variants: readonly { p: Pattern; diff: Variant }[],
): string {
  const ex =
    l.includes(':') && example !== undefined
      ? maskVariables(
          (example.quote ?? '')
            .split('\n')[0]!
            .trim()
            .replace(/^(?:[A-Za-z_][A-Za-z0-9_]*=\S*\s+)+/, ''),
        )
      : '';
  const named = (v: { p: Pattern; diff: Variant }) =>
    `\`${v.diff.label}\` (${counted(v.p.hits.size, 'session')})`;
  const alt = variants.filter((v) => v.diff.kind === 'swap' && v.diff.at === i).map(named);
  const extra = variants.filter((v) => v.diff.kind === 'extra' && v.diff.at === i + 1).map(named);
  const skipped = variants
    .filter((v) => v.diff.kind === 'skip' && v.diff.at === i)
    .map((v) => counted(v.p.hits.size, 'session'));
  return [
    `${i + 1}. \`${l}\`${ex ? ` — e.g. \`${ex.replace(/`/g, "'")}\`` : ''}${alt.length ? `; or instead ${alt.join(', ')}` : ''}${
      skipped.length ? ` (left out in ${skipped.join(', ')})` : ''
    }`,
    ...extra.map((x) => `   - sometimes followed by ${x}`),
  ].join('\n');
}

function renderWorkflow(
  p: Pattern,
  lift: number,
  test: { baseCount: number; failedCount: number; p: number },
  rank: number,
  variants: readonly { p: Pattern; diff: Variant }[],
): PlannedMemory {
  const { baseCount } = test;
  const hits = [...p.hits.entries()].sort((a, b) => compareStrings(a[0].id, b[0].id));
  const support = supportOf([...hits.map(([s]) => s), ...variants.flatMap((v) => [...v.p.hits.keys()])]);
  const arrow = p.labels.map((l) => l).join(' → ');
  const title = `Workflow: ${arrow}`;
  const lastSeen = lastDayOf(hits.map(([s]) => s.time));
  const evidence: PlannedEvidence[] = hits.slice(0, 5).map(([s, i]) => {
    const steps: ToolStep[] = s.digest.steps;
    return {
      session_id: s.id,
      seq_from: steps[i]!.seq,
      seq_to: steps[i + p.labels.length - 1]!.seq_last,
      quote: stepsQuote(steps, i, p.labels.length),
      source: 'agent.tool_use',
    };
  });
  const [first, firstAt] = hits[0] ?? [null, 0];
  const lines = [
    `# ${title}`,
    '',
    `A tool-call sequence that recurs in ${support.sessions} of ${baseCount} successful sessions (${counted(p.others, 'other session')} also used it; lift ${lift.toFixed(2)}).`,
    `Its presence predicts success: ${p.hits.size} of ${baseCount} satisfied vs ${p.failed} of ${test.failedCount} failed sessions follow it (one-sided Fisher's exact test, p = ${test.p < 0.001 ? '< 0.001' : test.p.toFixed(3)}).`,
    '',
    '## Steps',
    '',
    ...p.labels.map((l, i) => stepLine(l, i, first ? first.digest.steps[firstAt + i] : undefined, variants)),
    '',
    '## Evidence',
    '',
    ...evidence.map((e) => `- ${e.session_id} #${e.seq_from}–${e.seq_to}`),
  ];
  for (const v of variants) {
    const first = [...v.p.hits.entries()].sort((a, b) => compareStrings(a[0].id, b[0].id))[0];
    if (!first) continue;
    const [s, i] = first;
    evidence.push({
      session_id: s.id,
      seq_from: s.digest.steps[i]!.seq,
      seq_to: s.digest.steps[i + v.p.labels.length - 1]!.seq_last,
      quote: stepsQuote(s.digest.steps, i, v.p.labels.length),
      source: 'agent.tool_use',
    });
    lines.push(`- ${s.id} #${evidence.at(-1)!.seq_from}–${evidence.at(-1)!.seq_to} (variant)`);
  }
  return {
    key: `workflow:${p.labels.join(' > ')}`,
    kind: 'workflow',
    slug: fileSlug(p.labels.map((l) => l.replace(/^[^:]+:/, '')).join(' then '), 48, 'workflow'),
    title,
    summary: `${support.sessions} of ${baseCount} successful sessions follow this tool sequence${
      variants.length ? ` or a variant of it` : ''
    } (lift ${lift.toFixed(2)})`,
    body: `${lines.join('\n')}\n`,
    support,
    confidence: scoreConfidence(
      evidenceOf([...hits.map(([s]) => s), ...variants.flatMap((v) => [...v.p.hits.keys()])], { p: test.p }),
    ),
    last_seen: lastSeen,
    evidence,
    score: support.sessions * 0.8 * lift - rank * 0.01,
    reason: `Recurring tool sequence in ${support.sessions} successful sessions (lift ${lift.toFixed(2)} over all sessions)${
      variants.length ? `, with ${variants.length} one-step variant${variants.length === 1 ? '' : 's'}` : ''
    }.`,
  };
}
