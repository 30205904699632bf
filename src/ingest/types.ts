/**
 * The importer boundary: what every transcript importer produces. Storage turns an
 * {@link ImportedSession} into a stored `Session` (assigning `sesn_` ids, linking parents by
 * `parent_external_id`, hashing the events for the gather cache).
 */
import type { Outcome, SessionEvent, SourceFormat, Timestamp } from '../domain/index.js';

/** One transcript, normalized, not yet stored. */
export interface ImportedSession {
  /**
   * Stable key of the transcript within its source, unique across formats, e.g.
   * `claude-code:<sessionId>`, `claude-code:<sessionId>/agent-<agentId>`,
   * `tau-bench:<file basename>:task-<task_id>:trial-<trial>`, `mini-swe-agent:<instance_id>`.
   * Re-importing the same transcript yields the same key (idempotent import).
   */
  external_id: string;
  /** The agent that acted, e.g. `claude-code`, `claude-code/subagent`, `tau-bench/gpt-4o`, `mini-swe-agent`. */
  agent_id: string;
  /** The human user, when the source names one (τ-bench `user_id`), else null. */
  user_id: string | null;
  /** For subagent transcripts, the `external_id` of the spawning session; else null. */
  parent_external_id: string | null;
  source_format: SourceFormat;
  /** Path of the file read, as given on the command line (not resolved). */
  source_file: string;
  title: string;
  started_at: Timestamp | null;
  ended_at: Timestamp | null;
  /** Format-specific extras (task ids, model names, cwd, git branch …); JSON-serializable. */
  metadata: Record<string, unknown>;
  /** Dense, 0-based `seq`; each event carries a pointer back into `source_file`. */
  events: SessionEvent[];
  outcome: Outcome | null;
}
