/**
 * Calibrated confidence of a proposed memory, one function for every miner: {@link scoreConfidence}
 * maps the evidence behind a proposal to a confidence meant as the share of such proposals a reviewer
 * finds right (a reliability table, as in Guo et al., "On Calibration of Modern Neural Networks", 2017,
 * reports it; `reverie eval --suite real` and `npm run bench:calibration` print one).
 *
 * The mapping is a step function over evidence tiers, not a fitted curve: the labelled sets are too
 * small to fit more (τ-bench: 100 sessions; the planted train half: ~40 proposals per run). Tiers:
 *
 * 1. **Support**: 1 − 0.5^(sessions/2) (2 sessions → 0.5, 4 → 0.75, 6 → 0.88), at most 0.85.
 * 2. **Weak evidence caps it** (the lowest cap wins): one session → 0.5; one task family × user (a
 *    single task repeated) → 0.6; a fix seen only in failed sessions → 0.6; a mistake with no
 *    established fix → 0.7 (on real corpora such memories were as often harness chatter or routine
 *    errors as lessons); a significance test that passed only weakly (p ≥ 0.01) → 0.7.
 * 3. **≥ 0.9 only for strong, independent, validated evidence**: at least
 *    {@link STRONG_SESSIONS} sessions from at least {@link STRONG_CONTEXTS} independent contexts and a
 *    validation — a significance test at p < 0.001, or a fix established with at least one satisfied
 *    session, or (statements, which have no outcome test) as many distinct voices; then 0.9 rising to
 *    0.95 at 30 sessions. On the real labelled corpora no proposal so far meets this (none of the 7 that
 *    the old support-only rule put at ≥ 0.9 was right but one), so nothing there is ≥ 0.9; the planted
 *    proposals that meet it were all right (train and test phrasings).
 */
import type { GatheredSession } from './plan.js';

/** The evidence behind a proposal, as the miners know it. */
export interface ConfidenceEvidence {
  /** Distinct supporting sessions (by content). */
  sessions: number;
  /**
   * Independent contexts behind the support: distinct (task family, user) pairs, or distinct voices
   * (users, speakers) for statements; null when not known.
   */
  contexts?: number | null;
  /** Share of the supporting sessions with a known outcome that were satisfied; null when none is known. */
  satisfiedShare?: number | null;
  /** One-sided p-value of the test that the pattern predicts its outcome; null when not tested. */
  p?: number | null;
  /**
   * Mistakes: true when a fix is established, false when the memory says no reliable fix was seen;
   * null for other kinds.
   */
  fixEstablished?: boolean | null;
}

/** Sessions the strong tier (≥ 0.9) needs. */
export const STRONG_SESSIONS = 10;
/** Independent contexts the strong tier needs. */
export const STRONG_CONTEXTS = 5;

const round2 = (x: number) => Math.round(x * 100) / 100;

/** True when the evidence is strong, independent and validated (tier 3 of the module comment). */
function strong(e: ConfidenceEvidence): boolean {
  const contexts = e.contexts ?? 0;
  if (e.sessions < STRONG_SESSIONS || contexts < STRONG_CONTEXTS) return false;
  if (e.p !== null && e.p !== undefined) return e.p < 0.001;
  if (e.fixEstablished === true) return (e.satisfiedShare ?? 1) > 0;
  if (e.fixEstablished === false) return false;
  return true;
}

/**
 * The calibrated confidence of a proposal from its evidence (see the module comment for the tiers).
 * @param e the evidence; `sessions` must be a non-negative integer, `p` and `satisfiedShare` in [0, 1].
 * @returns a confidence in [0.05, 0.95], rounded to 2 decimals.
 * @example scoreConfidence({ sessions: 4 }) // 0.75
 * @example scoreConfidence({ sessions: 12, contexts: 8, p: 0.0002 }) // 0.91
 */
export function scoreConfidence(e: ConfidenceEvidence): number {
  if (strong(e)) return round2(0.9 + 0.05 * Math.min(1, (e.sessions - STRONG_SESSIONS) / 20));
  let c = Math.min(0.85, 1 - 0.5 ** (e.sessions / 2));
  if (e.sessions <= 1) c = Math.min(c, 0.5);
  if (e.contexts !== null && e.contexts !== undefined && e.contexts < 2) c = Math.min(c, 0.6);
  if (e.fixEstablished === true && e.satisfiedShare === 0) c = Math.min(c, 0.6);
  if (e.fixEstablished === false) c = Math.min(c, 0.7);
  if (e.p !== null && e.p !== undefined && e.p >= 0.01) c = Math.min(c, 0.7);
  return round2(Math.max(0.05, c));
}

/**
 * The session-derived part of a proposal's evidence: distinct sessions (by content hash), independent
 * contexts (distinct task family × user; a session with neither is its own context) and the satisfied
 * share among sessions with a known outcome; `extra` adds the miner's own (`p`, `fixEstablished`).
 * @example scoreConfidence(evidenceOf(sessions, { fixEstablished: true }))
 */
export function evidenceOf(
  sessions: Iterable<Pick<GatheredSession, 'content_sha256' | 'family' | 'user_id' | 'outcome'>>,
  extra: Pick<ConfidenceEvidence, 'p' | 'fixEstablished'> = {},
): ConfidenceEvidence {
  const seen = new Set<string>();
  const contexts = new Set<string>();
  let known = 0;
  let satisfied = 0;
  for (const s of sessions) {
    if (seen.has(s.content_sha256)) continue;
    seen.add(s.content_sha256);
    contexts.add(
      s.family === null && s.user_id === null
        ? `session\u0000${s.content_sha256}`
        : `${s.family ?? ''}\u0000${s.user_id ?? ''}`,
    );
    if (s.outcome === 'satisfied' || s.outcome === 'failed') {
      known++;
      if (s.outcome === 'satisfied') satisfied++;
    }
  }
  return {
    sessions: seen.size,
    contexts: contexts.size,
    satisfiedShare: known ? satisfied / known : null,
    ...extra,
  };
}
