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
  /**
   * The team whose memory this session feeds (`--team`, or the normalized format's `team_id`); null or
   * absent when unscoped. Optional so that hand-built sessions (tests, fixtures) may omit it.
   */
  team_id?: string | null;
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

/**
 * Options every importer accepts.
 * - `agent_id` replaces the format's default agent id (`tau-bench/<file stem>`, `mini-swe-agent`,
 *   `claude-code`, `openai-chat`); Claude Code subagents get `<agent_id>/subagent`; in the normalized
 *   format it is only the default for session lines without an `agent_id`.
 * - `team_id` is set on every session (the normalized format's own `team_id` wins).
 */
export interface ImporterOptions {
  agent_id?: string;
  team_id?: string;
}

/** {@link ImporterOptions} plus `format`, which forces a format instead of detecting it (`--format`). */
export interface ImportOptions extends ImporterOptions {
  format?: SourceFormat;
}
