/**
 * Multiple-testing control for the miners that test many candidate patterns at once (every tool
 * sequence of a corpus is a hypothesis): the Benjamini–Hochberg step-up procedure (Benjamini &
 * Hochberg, "Controlling the False Discovery Rate: A Practical and Powerful Approach to Multiple
 * Testing", JRSS B 57(1), 1995), which keeps the expected share of false discoveries among the accepted
 * patterns at most `q`.
 */

/**
 * The Benjamini–Hochberg threshold of a family of p-values: the largest p_(k) (k-th smallest) with
 * p_(k) ≤ k · q / m, where m is the number of p-values; a hypothesis is rejected (the pattern accepted)
 * when its p-value is at most the threshold. -1 when none qualifies (nothing is accepted), so `p <= t`
 * is false for every p.
 * @param pValues the p-values of all hypotheses tested (each in [0, 1]).
 * @param q the false discovery rate to control, in (0, 1).
 * @example bhThreshold([0.001, 0.04, 0.045, 0.5], 0.05) // 0.001: 0.04 > 2·0.05/4 and 0.045 > 3·0.05/4
 */
export function bhThreshold(pValues: readonly number[], q: number): number {
  const sorted = [...pValues].sort((a, b) => a - b);
  const m = sorted.length;
  let t = -1;
  for (let k = 1; k <= m; k++) if (sorted[k - 1]! <= (k * q) / m) t = sorted[k - 1]!;
  return t;
}
