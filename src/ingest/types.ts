/**
 * The importer boundary: what every transcript importer produces. Storage turns an
 * {@link ImportedSession} into a stored `Session` (assigning `sesn_` ids, linking parents by
 * `parent_external_id`, hashing the events for the gather cache).
 */
import type { NewSession, SourceFormat } from '../domain/index.js';
import type { ParsedLine } from './json.js';

/** One transcript, normalized, not yet stored (the domain's {@link NewSession}). */
export type ImportedSession = NewSession;

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
  /**
   * A line of the file that format detection has parsed already (read-transcript.ts sets it): JSONL
   * importers take its value instead of parsing the line again. Unset when the format is forced.
   */
  first_line?: ParsedLine;
}

/** {@link ImporterOptions} plus `format`, which forces a format instead of detecting it (`--format`). */
export interface ImportOptions extends ImporterOptions {
  format?: SourceFormat;
}
