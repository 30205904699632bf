/**
 * The generator's in-memory model of one synthetic session, before it is written in a transcript
 * format (Claude Code JSONL, OpenAI chat, reverie normalized JSONL). Close to the normalized event
 * model of `src/domain`, with times as milliseconds since the epoch.
 */
import type { Domain } from '../ground-truth.js';

/** One event of a generated session. `at` is ms since the epoch (monotonic within a session). */
export type GenEvent =
  | { t: 'system'; at: number; text: string }
  | { t: 'user'; at: number; text: string }
  | { t: 'assistant'; at: number; text: string }
  | { t: 'thinking'; at: number; text: string }
  | { t: 'tool_use'; at: number; tool: string; input: Record<string, unknown>; call_id: string }
  | {
      t: 'tool_result';
      at: number;
      call_id: string;
      tool: string;
      content: string;
      is_error: boolean;
      /** For shell tools: the structured result Claude Code keeps in `toolUseResult`. */
      shell?: { stdout: string; stderr: string };
    };

/** A generated session: metadata, events and outcome. */
export interface GenSession {
  /** 0-based index in the whole run. */
  index: number;
  domain: Domain;
  /** Session id in its format (a UUID for Claude Code, `sup-000123` for support). */
  id: string;
  agent_id: string;
  user_id: string;
  team_id: string;
  /** Task family, e.g. `refund`, `db-migration`. */
  task: string;
  title: string;
  /** Working directory and git branch (coding sessions). */
  cwd: string;
  branch: string;
  model: string;
  events: GenEvent[];
  outcome: { result: 'satisfied' | 'failed'; score: number };
  /** Ids of planted things (items, noise, poison, secrets) that occur in this session. */
  planted: Set<string>;
}
