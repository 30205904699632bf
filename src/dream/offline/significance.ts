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
