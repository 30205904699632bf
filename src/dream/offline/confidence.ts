/**
 * Calibrated confidence of a proposed memory, one function for every miner: {@link scoreConfidence}
 * maps the evidence behind a proposal to the probability that a reviewer would find it right.
 */

/** The evidence behind a proposal, as the miners know it. */
export interface ConfidenceEvidence {
  /** Distinct supporting sessions (by content). */
  sessions: number;
  /** Distinct task families, users or speakers behind the support, when known (null: not known). */
  families?: number | null;
  /** Share of the supporting sessions with outcome `satisfied` among those with a known outcome; null when none is known. */
  satisfiedShare?: number | null;
  /** One-sided p-value of the test that the pattern predicts its outcome (null: not tested). */
  p?: number | null;
  /** Mistakes: true when a fix is established, false when the memory says no reliable fix was seen; null otherwise. */
  fixEstablished?: boolean | null;
}

/**
 * Confidence in [0.05, 0.95], rounded to 2 decimals.
 * @example scoreConfidence({ sessions: 4 }) // 0.75
 */
export function scoreConfidence(e: ConfidenceEvidence): number {
  const c = 1 - 0.5 ** (e.sessions / 2);
  return Math.round(Math.max(0.05, Math.min(0.95, c)) * 100) / 100;
}
