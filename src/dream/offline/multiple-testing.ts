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

/**
 * Holm's step-down procedure (Holm, "A Simple Sequentially Rejective Multiple Test Procedure", Scand. J.
 * Statist. 6(2), 1979): with the m p-values sorted ascending, the k-th smallest is rejected (its
 * hypothesis accepted as a finding) while p_(j) ≤ α / (m − j + 1) for every j ≤ k; the first that fails
 * stops the procedure. Controls the family-wise error rate at α: the chance that any accepted finding is
 * a chance result stays ≤ α however many were tested.
 * @param pValues the p-values of the family (each in [0, 1]).
 * @param alpha the family-wise error rate, in (0, 1).
 * @returns the largest accepted p-value, or -1 when none is accepted (`p <= t` is then false for all).
 * @example holmThreshold([0.001, 0.03, 0.04], 0.05) // 0.001: 0.03 > 0.05 / 2
 */
export function holmThreshold(pValues: readonly number[], alpha: number): number {
  const sorted = [...pValues].sort((a, b) => a - b);
  const m = sorted.length;
  let t = -1;
  for (let j = 0; j < m; j++) {
    if (sorted[j]! > alpha / (m - j)) break;
    t = sorted[j]!;
  }
  return t;
}
