/**
 * What both single-session miners of a person's words share — feedback (`feedback-mining.ts`) and stated
 * project facts (`project-facts.ts`) both read the digest's `feedback` occurrences: grouping the same
 * statement across sessions, the order they were said in, and the evidence kept for a group.
 */
import type { FeedbackOccurrence } from './digest.js';
import type { GatheredSession, PlannedEvidence } from './plan.js';
import { clusterNearDuplicates } from './similarity.js';
import { compareStrings } from './text.js';

/** One statement of a person (a digest `feedback` occurrence) with the session it was said in. */
export interface SaidOccurrence {
  s: GatheredSession;
  f: FeedbackOccurrence;
}

/** At most this many evidence items per memory of a person's words (one per distinct session content). */
const MAX_SAID_EVIDENCE = 6;

/**
 * Groups statements that say the same thing: near-duplicate content terms (Jaccard ≥ 0.5, see
 * `similarity.ts`). Each group is sorted in the order said: session time, session id, then position.
 */
export function groupSaid(occ: readonly SaidOccurrence[]): SaidOccurrence[][] {
  return clusterNearDuplicates(
    occ.map((o) => o.f.tokens),
    { threshold: 0.5 },
  ).map((g) =>
    g
      .map((i) => occ[i]!)
      .sort(
        (a, b) =>
          compareStrings(a.s.time ?? '', b.s.time ?? '') ||
          compareStrings(a.s.id, b.s.id) ||
          a.f.seq - b.f.seq,
      ),
  );
}

/**
 * Evidence of a group: the statement itself, one per distinct session content (a transcript imported
 * twice counts once), at most {@link MAX_SAID_EVIDENCE}, in the given order. An agent's commitment
 * (`follows`) is quoted from its message, everything else from the person's.
 */
export function saidEvidence(occ: readonly SaidOccurrence[]): PlannedEvidence[] {
  const evidence: PlannedEvidence[] = [];
  const seen = new Set<string>();
  for (const o of occ) {
    if (seen.has(o.s.content_sha256) || evidence.length >= MAX_SAID_EVIDENCE) continue;
    seen.add(o.s.content_sha256);
    evidence.push({
      session_id: o.s.id,
      seq_from: o.f.seq,
      seq_to: o.f.seq,
      quote: o.f.text,
      source: o.f.cue === 'follows' ? 'agent.message' : 'user.message',
    });
  }
  return evidence;
}
