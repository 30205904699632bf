/**
 * Shapes passed between the offline phases: the gathered sessions (a digest plus the session facts the
 * digest must not embed), and the planned memories consolidation proposes before they are rendered.
 */
import type { ChangeKind, EventType, OutcomeResult, Support } from '../../domain/index.js';
import type { SessionDigest } from './digest.js';

/** A session after gather: its digest with ids and outcome attached (never cached). */
export interface GatheredSession {
  id: string;
  agent_id: string;
  user_id: string | null;
  content_sha256: string;
  outcome: OutcomeResult;
  /** A task-family key for outcome contrast (τ-bench `task_id`, SWE-bench `instance_id`), or null. */
  family: string | null;
  /**
   * True for a subagent's session (it has a parent session): its "user" messages are the parent
   * agent's prompts, not a person's words, so they are never preferences or stated facts.
   */
  subagent: boolean;
  /** Latest known time of the session (ended_at, started_at, or its last event timestamp), or null. */
  time: string | null;
  digest: SessionDigest;
}

/** Evidence with the type of the event it quotes (kept internally for the untrusted-source check). */
export interface PlannedEvidence {
  session_id: string;
  seq_from: number;
  seq_to: number;
  quote: string;
  /** Type of the event the quote comes from. */
  source: EventType;
}

/** A memory that consolidation wants to exist (rendered by curate into a file). */
export interface PlannedMemory {
  /** Stable cluster key, written to front matter (`key:`) so a later dream updates the same file. */
  key: string;
  kind: Extract<ChangeKind, 'mistake' | 'workflow' | 'preference' | 'feedback' | 'fact'>;
  /** Suggested file-name slug (without folder and `.md`). */
  slug: string;
  /** Index title. */
  title: string;
  /** One-line summary: front matter `summary` and the index hook. */
  summary: string;
  /** Markdown body (after the front matter). */
  body: string;
  support: Support;
  /**
   * Sessions behind `support` (content-hash prefixes, sorted) when they differ from those
   * {@link supportContents} knows: set when an earlier dream's support was added (see `accumulate.ts`).
   */
  support_sessions?: string[];
  confidence: number;
  /** Date (YYYY-MM-DD) of the latest supporting session, when known. */
  last_seen: string | null;
  evidence: PlannedEvidence[];
  /**
   * Every statement the memory groups, one entry per statement (a preference's evidence shows one per
   * session, at most six): what feedback mining leaves to it (`citedStatements` in `feedback-mining.ts`).
   * Absent: `evidence` is all.
   */
  carries?: PlannedEvidence[];
  /** Usefulness for ordering the index and for the change cap (higher first). */
  score: number;
  /**
   * The statement this memory is about, for recognising a user's memory that already says it (then the
   * user's file is reinforced instead of a near-duplicate being created). Absent for workflows.
   */
  match_text?: string;
  /**
   * The memory's core terms (content tokens, see `contentTokens`), for recognising a user's memory
   * that states the same rule in other words: see `curate.ts`.
   */
  match_terms?: string[];
  /** Why this memory is proposed (the change reason). */
  reason: string;
  /**
   * A stated fact's Claude Code memory type (front matter `type:`), when it is one: see `project-facts.ts`
   * (`project`, `reference`) and `person-facts.ts` (`user`).
   */
  type?: 'project' | 'reference' | 'user';
}

/** The content hashes behind each support {@link supportOf} made (read by {@link supportContents}). */
const SUPPORT_CONTENTS = new WeakMap<Support, readonly string[]>();

/**
 * Support of a set of gathered sessions: distinct sessions (by content hash, so one transcript imported
 * under two ids counts once) and distinct agents. The sessions' content hashes stay attached to the
 * returned object (see {@link supportContents}), so that curate can add them to an earlier dream's.
 */
export function supportOf(sessions: Iterable<GatheredSession>): Support {
  const contents = new Set<string>();
  const agents = new Set<string>();
  for (const s of sessions) {
    contents.add(s.content_sha256);
    agents.add(s.agent_id);
  }
  const support = { sessions: contents.size, agents: agents.size };
  SUPPORT_CONTENTS.set(support, [...contents].sort());
  return support;
}

/**
 * The content hashes (sorted) of the sessions behind a support object {@link supportOf} returned; null
 * for a support built any other way (a copy, a literal).
 */
export function supportContents(support: Support): readonly string[] | null {
  return SUPPORT_CONTENTS.get(support) ?? null;
}

/** `YYYY-MM-DD` of an ISO timestamp, or null. */
export function dayOf(ts: string | null): string | null {
  return ts && /^\d{4}-\d{2}-\d{2}/.test(ts) ? ts.slice(0, 10) : null;
}

/** The newest day (`YYYY-MM-DD`) among ISO timestamps (a memory's `last_seen`), or null when none has one. */
export function lastDayOf(times: readonly (string | null)[]): string | null {
  return (
    times
      .map(dayOf)
      .filter((d): d is string => d !== null)
      .sort()
      .pop() ?? null
  );
}

/** A memory body's evidence lines: `- <session id> #<seq>: "<quote>"`, one per evidence item. */
export function evidenceLines(evidence: readonly PlannedEvidence[]): string[] {
  return evidence.map((e) => `- ${e.session_id} #${e.seq_from}: ${JSON.stringify(e.quote)}`);
}
