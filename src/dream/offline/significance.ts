/**
 * Significance tests that decide whether a pattern's presence predicts a session's outcome.
 *
 * Fisher's exact test (Fisher 1922; Agresti, "Categorical Data Analysis", 3rd ed., §3.5): for the
 * 2×2 table of sessions
 *
 * |              | satisfied | failed |
 * |--------------|-----------|--------|
 * | with pattern | a         | b      |
 * | without      | c         | d      |
 *
 * the one-sided p-value that `a` is at least this large by chance, given the margins, is the upper
 * tail of the hypergeometric distribution. {@link presencePredicts} applies it in either direction.
 */

/** ln(n!) by summation (exact enough for the session counts a dream sees; cached). */
const LOG_FACT: number[] = [0];
function logFactorial(n: number): number {
  for (let i = LOG_FACT.length; i <= n; i++) LOG_FACT[i] = LOG_FACT[i - 1]! + Math.log(i);
  return LOG_FACT[n]!;
}

/** ln of the hypergeometric probability of the table (a, b, c, d). */
function logTable(a: number, b: number, c: number, d: number): number {
  const n = a + b + c + d;
  return (
    logFactorial(a + b) +
    logFactorial(c + d) +
    logFactorial(a + c) +
    logFactorial(b + d) -
    logFactorial(n) -
    logFactorial(a) -
    logFactorial(b) -
    logFactorial(c) -
    logFactorial(d)
  );
}

/**
 * One-sided Fisher's exact test: P(A ≥ a) for the 2×2 table [[a, b], [c, d]] with fixed margins, i.e.
 * the probability that the top-left cell is at least `a` by chance. Counts are non-negative integers.
 * @returns a p-value in [0, 1].
 * @example fisherExactGreater(8, 0, 2, 10) // ≈ 0.0004: the pattern comes with the first column
 */
export function fisherExactGreater(a: number, b: number, c: number, d: number): number {
  const row1 = a + b;
  const col1 = a + c;
  const n = a + b + c + d;
  const max = Math.min(row1, col1);
  let p = 0;
  for (let x = a; x <= max; x++) {
    const y = row1 - x;
    const z = col1 - x;
    const w = n - row1 - z;
    if (y < 0 || z < 0 || w < 0) continue;
    p += Math.exp(logTable(x, y, z, w));
  }
  return Math.min(1, p);
}

/**
 * Wilson score interval lower bound (Wilson 1927) of a proportion `successes / n` at `z` (default 1.96,
 * 95% two-sided): the rate one can claim with confidence. 0 when `n` is 0.
 */
export function wilsonLower(successes: number, n: number, z = 1.96): number {
  if (n === 0) return 0;
  const p = successes / n;
  const z2 = z * z;
  return (p + z2 / (2 * n) - z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
}

/** Significance level of {@link presencePredicts}. */
export const ALPHA = 0.05;

/** Sessions with and without a pattern, by known outcome (`unknown`/`partial` sessions are left out). */
export interface OutcomeTable {
  withSatisfied: number;
  withFailed: number;
  withoutSatisfied: number;
  withoutFailed: number;
}

/**
 * True if a pattern's presence predicts `outcome` at significance {@link ALPHA} by the one-sided
 * Fisher's exact test on the table of sessions with known outcomes.
 */
export function presencePredicts(t: OutcomeTable, outcome: 'satisfied' | 'failed'): boolean {
  return predictionP(t, outcome) < ALPHA;
}

/** The one-sided Fisher p-value that presence comes with `outcome` (see {@link presencePredicts}). */
export function predictionP(t: OutcomeTable, outcome: 'satisfied' | 'failed'): number {
  return outcome === 'satisfied'
    ? fisherExactGreater(t.withSatisfied, t.withFailed, t.withoutSatisfied, t.withoutFailed)
    : fisherExactGreater(t.withFailed, t.withSatisfied, t.withoutFailed, t.withoutSatisfied);
}

/**
 * The outcome table of a pattern over sessions: `has(s)` says whether session `s` shows it; sessions
 * are counted once per content hash.
 */
export function outcomeTable<S extends { content_sha256: string; outcome: string }>(
  sessions: readonly S[],
  has: (s: S) => boolean,
): OutcomeTable {
  const t: OutcomeTable = { withSatisfied: 0, withFailed: 0, withoutSatisfied: 0, withoutFailed: 0 };
  const seen = new Set<string>();
  for (const s of sessions) {
    if (seen.has(s.content_sha256)) continue;
    seen.add(s.content_sha256);
    if (s.outcome !== 'satisfied' && s.outcome !== 'failed') continue;
    const h = has(s);
    if (s.outcome === 'satisfied') {
      if (h) t.withSatisfied++;
      else t.withoutSatisfied++;
    } else if (h) t.withFailed++;
    else t.withoutFailed++;
  }
  return t;
}

/** One stratum (e.g. one task family) of a stratified 2×2 analysis: counts of sessions with known outcomes. */
export interface Stratum {
  /** Sessions in the stratum. */
  n: number;
  /** Sessions with the pattern. */
  with: number;
  /** Sessions with the outcome tested for (e.g. failed). */
  outcome: number;
  /** Sessions with the pattern and that outcome (the table's top-left cell). */
  both: number;
}

/** ln of the hypergeometric probability P(X = x) of drawing `w` of `n` with `k` marked. */
function logHyper(x: number, n: number, k: number, w: number): number {
  return logTable(x, w - x, k - x, n - w - k + x);
}

/**
 * Exact conditional test of conditional independence over strata, one-sided (Birch 1964; Agresti,
 * "Categorical Data Analysis", 3rd ed., §7.3.5; the exact form of the Cochran–Mantel–Haenszel test):
 * given every stratum's margins, each stratum's top-left cell is hypergeometric and independent of the
 * others; the p-value is P(Σ Xₖ ≥ Σ bothₖ), computed by convolving the strata's distributions. With
 * one stratum it equals {@link fisherExactGreater}. Comparing attempts of the same task (strata = task
 * families) keeps a hard task, on which most attempts fail whatever they call, from making its
 * ordinary steps look like causes of failure.
 * @returns a p-value in [0, 1]; 1 when no stratum varies (nothing to test).
 * @example stratifiedExactGreater([{ n: 2, with: 1, outcome: 1, both: 1 }]) // 0.5
 */
export function stratifiedExactGreater(strata: readonly Stratum[]): number {
  let dist = [1];
  let observed = 0;
  let offset = 0;
  for (const s of strata) {
    const lo = Math.max(0, s.with + s.outcome - s.n);
    const hi = Math.min(s.with, s.outcome);
    observed += s.both;
    offset += lo;
    if (hi === lo) continue;
    const probs: number[] = [];
    for (let x = lo; x <= hi; x++) probs.push(Math.exp(logHyper(x, s.n, s.outcome, s.with)));
    const next = new Array<number>(dist.length + probs.length - 1).fill(0);
    for (let i = 0; i < dist.length; i++)
      for (let j = 0; j < probs.length; j++) next[i + j]! += dist[i]! * probs[j]!;
    dist = next;
  }
  let p = 0;
  for (let i = Math.max(0, observed - offset); i < dist.length; i++) p += dist[i]!;
  return Math.min(1, p);
}

/**
 * Holm's step-down correction (Holm 1979) for testing many patterns at once: which of the p-values
 * stay significant at family-wise error rate `alpha` (default {@link ALPHA}). Sorted ascending, the
 * i-th smallest (0-based) must be < alpha / (m − i), and the first that is not stops the walk.
 * @returns one boolean per input p-value, in input order.
 * @example holmSignificant([0.001, 0.03, 0.04]) // [true, false, false] at α = 0.05 (0.03 ≥ 0.05 / 2)
 */
export function holmSignificant(pValues: readonly number[], alpha = ALPHA): boolean[] {
  const order = pValues.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p || a.i - b.i);
  const out = pValues.map(() => false);
  for (let r = 0; r < order.length; r++) {
    if (order[r]!.p >= alpha / (order.length - r)) break;
    out[order[r]!.i] = true;
  }
  return out;
}
