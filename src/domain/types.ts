/**
 * The domain model (shared/DESIGN.md "Domain model"). Field names follow the hosted API
 * (shared/reference/anthropic-api.md) where it has them: snake_case, ISO-8601 UTC timestamps as strings.
 * These are plain data shapes; rules live in paths.ts, and persistence in storage/.
 */

/** ISO-8601 timestamp in UTC, e.g. `2026-11-21T09:30:00.000Z`. */
export type Timestamp = string;

/** Who or what wrote a memory version. The first four are the hosted API's; the rest are reverie's. */
export interface Actor {
  type:
    | 'api_actor'
    | 'user_actor'
    | 'session_actor'
    | 'service_account_actor'
    | 'dream_actor'
    | 'review_actor'
    | 'import_actor'
    | 'rollback_actor'
    | 'mcp_actor'
    | 'agent_actor'
    | 'sync_actor';
  /**
   * The acting user, session, dream (`drm_…`) or tool name; for `mcp_actor` the MCP client's
   * `name/version` from its `initialize` request, for `agent_actor` the name the agent's host gave the
   * memory-tool handler, for `sync_actor` the synced folder.
   */
  id: string;
}

/** Per-store rules for dreams and apply (reverie's extension; see review/). */
export interface StorePolicy {
  /** Changes of these classes are applied without review. */
  auto_apply: {
    /** Merges of exact duplicates. */
    exact_duplicates: boolean;
    /** New memories whose support (distinct sessions) is at least this; `null` disables. */
    additions_min_support: number | null;
    /** Whether deletions may ever be auto-applied. Default false. */
    deletions: boolean;
  };
  /** Path globs no dream may touch (verify refuses to propose, apply refuses to write). */
  protected_paths: string[];
  /** Upper bound on changes one dream may propose; `null` for none. */
  max_changes_per_dream: number | null;
  /** Scheduling triggers: dream when `min_hours` passed since the last dream and `min_sessions` are new. */
  triggers: { min_hours: number; min_sessions: number } | null;
}

/** The policy a new store gets. */
export const DEFAULT_POLICY: StorePolicy = {
  auto_apply: { exact_duplicates: false, additions_min_support: null, deletions: false },
  protected_paths: [],
  max_changes_per_dream: null,
  triggers: { min_hours: 24, min_sessions: 5 },
};

/** A memory store (hosted `memory_store` plus reverie's `policy`). */
export interface MemoryStore {
  type: 'memory_store';
  id: string;
  name: string;
  description: string;
  metadata: Record<string, string>;
  policy: StorePolicy;
  created_at: Timestamp;
  updated_at: Timestamp;
  archived_at: Timestamp | null;
  /** Whose memory this is (issue 14); absent for an unscoped store (the whole workspace's, as before). */
  scope?: StoreScope;
}

/** The kinds of scope a store can have: a person, an agent, a team, or the organisation (the workspace). */
export const SCOPE_TYPES = ['person', 'agent', 'team', 'organisation'] as const;
/** One of {@link SCOPE_TYPES}. */
export type ScopeType = (typeof SCOPE_TYPES)[number];

/**
 * The scope of a store (shared/DESIGN.md "Scope"): `person`/`agent` with the person's or agent's id,
 * `team` with the team id (`team_…`), `organisation` with a null id (the workspace). Team and
 * organisation stores take only what recurs across at least `min_support` distinct people or agents
 * (organisation: across that many teams). Default 2.
 */
export interface StoreScope {
  type: ScopeType;
  id: string | null;
  min_support: number;
}

/** A member of a team, and who an API key may act as: a person or an agent, by id. */
export interface MemberRef {
  type: 'person' | 'agent';
  id: string;
}

/** A memory: one file-like entry of a store. `content` is `null` in the `basic` view. */
export interface Memory {
  type: 'memory';
  id: string;
  memory_store_id: string;
  path: string;
  content: string | null;
  content_sha256: string;
  content_size_bytes: number;
  memory_version_id: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** Operation recorded by a memory version. */
export type VersionOperation = 'created' | 'modified' | 'deleted';

/**
 * An immutable version of a memory. Written for every non-no-op change; survives deletion of the memory.
 * reverie adds `dream_id`/`change_id` (which dream and change produced it) and `note` for audit.
 */
export interface MemoryVersion {
  type: 'memory_version';
  id: string;
  memory_id: string;
  memory_store_id: string;
  path: string | null;
  content: string | null;
  content_sha256: string | null;
  content_size_bytes: number | null;
  operation: VersionOperation;
  created_by: Actor;
  created_at: Timestamp;
  redacted_at: Timestamp | null;
  redacted_by: Actor | null;
  dream_id: string | null;
  change_id: string | null;
  note: string | null;
}

/** Where a normalized event came from: a file and a 1-based line (JSONL) or 0-based index (JSON arrays). */
export interface SourcePointer {
  file: string;
  line?: number;
  index?: number;
  /** Optional JSON pointer inside the line/element, e.g. `/message/content/2`. */
  pointer?: string;
}

/** Fields every normalized event has. `seq` is 0-based and dense within its session. */
interface EventBase {
  seq: number;
  timestamp: Timestamp | null;
  source: SourcePointer;
}

/** A message from the human user. */
export interface UserMessageEvent extends EventBase {
  type: 'user.message';
  text: string;
}
/** Visible text from the agent. */
export interface AgentMessageEvent extends EventBase {
  type: 'agent.message';
  text: string;
}
/** The agent's reasoning text, when the source keeps it. */
export interface AgentThinkingEvent extends EventBase {
  type: 'agent.thinking';
  text: string;
}
/**
 * What a tool call does, whatever the agent calls the tool (DESIGN.md event model): `shell` runs a
 * command, `edit` writes or patches files, `read` reads files or lists folders, `search` finds files or
 * text (glob, grep), `web` fetches or searches the web, `memory` reads or writes an agent memory store,
 * `delegate` hands work to a subagent, `other` is anything else (domain tools such as τ-bench's
 * `book_reservation`, planning, or a tool the importer does not know).
 */
export type ToolKind = 'shell' | 'edit' | 'read' | 'search' | 'web' | 'memory' | 'delegate' | 'other';

/** Every {@link ToolKind}, in documentation order. */
export const TOOL_KINDS: readonly ToolKind[] = [
  'shell',
  'edit',
  'read',
  'search',
  'web',
  'memory',
  'delegate',
  'other',
];

/**
 * A tool call. `input` is the parsed arguments (or the raw string if they are not JSON). `kind` is set
 * by the importer that knows the format (sessions stored before kinds existed lack it: read absent as
 * `other`); `command` is the command line of a `shell` call when the source gives one.
 */
export interface AgentToolUseEvent extends EventBase {
  type: 'agent.tool_use';
  tool: string;
  /** Normalized kind; absent only in sessions stored by older versions (means `other`). */
  kind?: ToolKind;
  input: unknown;
  call_id: string;
  /** For `shell` calls: the command as one string (argv arrays joined with spaces), when known. */
  command?: string;
}
/**
 * A tool's result; `is_error` is true for failed calls (error flag, `Error:` text or non-zero exit).
 * `exit_code` is the process exit status of a shell call when the source records it, else absent.
 */
export interface AgentToolResultEvent extends EventBase {
  type: 'agent.tool_result';
  call_id: string;
  tool: string | null;
  content: string;
  is_error: boolean;
  /** Exit status of a `shell` call (0 = success), when the source records one. */
  exit_code?: number | null;
  /**
   * Set when the person — or the harness on their behalf (a permission rule, a mode that never asks) —
   * rejected, cancelled or interrupted the call (Claude Code's "The user doesn't want to proceed with
   * this tool use…", Cline's "The user denied this operation.", a denied Managed Agents tool
   * confirmation): the result is the person's decision, not a failure of the tool, and never evidence
   * of a mistake. `is_error` keeps what the source says. Set only by the importer that knows the
   * format's templates (docs/normalized-format.md lists them); absent otherwise — never `false`, so
   * that events without it serialize, and hash, as they did before the field existed.
   */
  declined?: true;
}
/** A system prompt or harness message. */
export interface SystemMessageEvent extends EventBase {
  type: 'system.message';
  text: string;
}

/** One normalized session event (DESIGN.md event model). */
export type SessionEvent =
  | UserMessageEvent
  | AgentMessageEvent
  | AgentThinkingEvent
  | AgentToolUseEvent
  | AgentToolResultEvent
  | SystemMessageEvent;

/** Normalized event type names. */
export type EventType = SessionEvent['type'];

/** Result of a session as judged by its source or a user. */
export type OutcomeResult = 'satisfied' | 'failed' | 'partial' | 'unknown';

/** A session's outcome (τ-bench reward, SWE-bench resolved, Managed Agents evaluation, or user-posted). */
export interface Outcome {
  result: OutcomeResult;
  /** Numeric score in [0, 1] when the source gives one. */
  score: number | null;
  labels: string[];
  explanation: string | null;
  /** What set it, e.g. `tau-bench.reward`, `swe-bench.report`, `user`. */
  source: string;
}

/**
 * One transcript, normalized, not yet stored: what importers produce (ingest's `ImportedSession`) and
 * what storage's `importSessions` takes. Storage assigns the `sesn_` id (derived from `external_id`),
 * links parents by `parent_external_id` and hashes the events for the gather cache.
 */
export interface NewSession {
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

/** A stored session (a transcript). */
export interface Session {
  type: 'session';
  id: string;
  /** Stable key of the transcript in its source, used for idempotent re-import. */
  external_id: string;
  agent_id: string;
  team_id: string | null;
  /** The human user, when the source names one. */
  user_id: string | null;
  /** For subagent transcripts, the session that spawned them (null until that session is imported). */
  parent_session_id: string | null;
  /**
   * For subagent transcripts, the `external_id` of the spawning session, known from the transcript itself
   * even when that session was never imported (its file missing or too large): what marks a subagent's
   * "user" messages as the parent agent's words. Absent on sessions built by hand.
   */
  parent_external_id?: string | null;
  source_format: SourceFormat;
  /** The file the session was read from. */
  source_file: string;
  title: string;
  started_at: Timestamp | null;
  ended_at: Timestamp | null;
  metadata: Record<string, unknown>;
  event_count: number;
  /** SHA-256 of the normalized events (JSON); the gather cache key. */
  content_sha256: string;
  outcome: Outcome | null;
  imported_at: Timestamp;
}

/**
 * Transcript formats reverie imports, as `--format` names them (docs/normalized-format.md maps each):
 * Claude Code project JSONL and `claude -p --output-format stream-json` output, Codex CLI rollouts,
 * Gemini CLI chats, OpenHands event streams, SWE-agent `.traj`, mini-swe-agent `.traj.json`, Claude
 * Managed Agents session events, Aider chat histories, Cline task folders, OpenAI Responses items,
 * ATIF trajectories (Harbor), OpenTelemetry GenAI spans (OTLP JSON), τ-bench trajectories, OpenAI chat messages, and reverie's own normalized JSONL.
 */
export const SOURCE_FORMATS = [
  'claude-code',
  'claude-code-stream-json',
  'codex',
  'openhands',
  'swe-agent',
  'gemini-cli',
  'managed-agents',
  'aider',
  'cline',
  'openai-responses',
  'atif',
  'otel',
  'mini-swe-agent',
  'tau-bench',
  'openai-chat',
  'reverie',
] as const;

/** One of {@link SOURCE_FORMATS}. */
export type SourceFormat = (typeof SOURCE_FORMATS)[number];

/** Dream lifecycle (hosted values). */
export type DreamStatus = 'pending' | 'running' | 'completed' | 'failed' | 'canceled';

/** Hosted `output_behavior`. */
export type OutputBehavior = { type: 'create_new' } | { type: 'update_existing'; memory_store_id: string };

/** Token usage, summed over all stages (zero for the offline engine). */
export interface Usage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
}

/** Dream phases, in order. */
export type DreamPhase = 'orient' | 'gather' | 'consolidate' | 'curate' | 'verify';

/** Progress of a running dream: `done` of `total` units in `phase`. */
export interface DreamProgress {
  phase: DreamPhase | 'done';
  done: number;
  total: number;
}

/** A dream (hosted shape plus reverie's `engine`, `progress`, `stats`, `options`). */
export interface Dream {
  type: 'dream';
  id: string;
  status: DreamStatus;
  inputs: [{ type: 'memory_store'; memory_store_id: string }, { type: 'sessions'; session_ids: string[] }];
  outputs: { type: 'memory_store'; memory_store_id: string }[];
  model: { id: string; speed?: 'standard' | 'fast' };
  instructions: string | null;
  output_behavior: OutputBehavior;
  session_id: string | null;
  usage: Usage;
  error: { type: string; message: string } | null;
  created_at: Timestamp;
  ended_at: Timestamp | null;
  archived_at: Timestamp | null;
  engine: 'offline' | 'llm';
  progress: DreamProgress | null;
  /** Figures the engine reports (counts of candidates, clusters, changes, cache hits, timings in ms). */
  stats: Record<string, number>;
  /** The input store's version pin: memory id → content_sha256 at dream start. */
  base: Record<string, string>;
  /**
   * reverie's extension: sessions held back from the dream as probes for the do-no-harm check (the
   * newest of the selected sessions; see `holdout`). They are not in `inputs` and the next dream of the
   * store takes them. Empty (or absent on dreams stored before the check existed) when none were held back.
   */
  probe_session_ids?: string[];
  /** reverie's extension: the do-no-harm check of the proposal, or null before the dream completed. */
  check?: CheckReport | null;
  /**
   * reverie's extension, stored and not echoed by the API: the engine option overrides the dream was
   * created with, applied when it runs (by a worker, perhaps on a machine that cannot read the
   * creator's files). Absent on dreams stored before it existed.
   */
  options?: DreamOverrides;
}

/**
 * Engine option overrides a dream is created with (a subset of the engine's `DreamOptions`):
 * `min_support` (distinct sessions a pattern needs), the index limits (lines, bytes), and the project's
 * instruction files (`CLAUDE.md`, `AGENTS.md`) as path and content read where the dream was created.
 */
export interface DreamOverrides {
  min_support?: number;
  max_index_lines?: number;
  max_index_bytes?: number;
  instruction_files?: { path: string; content: string }[];
}

/** A probe class of the do-no-harm check (see `dream/check.ts`). */
export type ProbeClass = 'errors' | 'contradictions' | 'lost';

/** The scores of one store (the input or the proposal) on a dream's probe sessions. */
export interface StoreScore {
  /** Probe tool errors (one per probe session and error template). */
  errors_total: number;
  /** … of which a mistake memory that states a fix covers. */
  errors_covered: number;
  /** Memory lines contradicting a fact a probe session states. */
  contradictions: number;
  /** Input memories whose information is gone without a reason (always 0 for the input store). */
  lost: number;
}

/** One way a proposal is worse than its input store, with the memory paths and probe sessions behind it. */
export interface CheckRegression {
  class: ProbeClass;
  /** What got worse, in one readable line. */
  detail: string;
  /** Memory paths involved: the changes on them are the ones to review. */
  paths: string[];
  /** Probe sessions that show it (empty for `lost`). */
  session_ids: string[];
}

/**
 * The do-no-harm check of one dream: `pass` (no probe class worse than the input store), `regression`
 * (at least one worse: never applied automatically), or `no_probes` (no held-back sessions to score on:
 * automatic mode then applies only exact-duplicate merges).
 */
export interface CheckReport {
  /** Version of the scoring rules. */
  version: number;
  verdict: 'pass' | 'regression' | 'no_probes';
  probe_session_ids: string[];
  input: StoreScore;
  proposed: StoreScore;
  regressions: CheckRegression[];
}

/** Change operations on paths. */
export type ChangeOp = 'create' | 'update' | 'delete' | 'rename';

/** What a change is about. `cleanup` covers merges, retirements and date fixes of existing memories. */
export type ChangeKind = 'mistake' | 'workflow' | 'preference' | 'feedback' | 'fact' | 'index' | 'cleanup';

/** Review state of a change. */
export type ChangeStatus = 'pending' | 'approved' | 'rejected' | 'edited' | 'applied' | 'conflict';

/** A pointer into a transcript backing a change: events `seq_from..seq_to` of a session, and a short quote. */
export interface Evidence {
  session_id: string;
  seq_from: number;
  seq_to: number;
  quote: string;
}

/** How many distinct sessions and agents back a change. */
export interface Support {
  sessions: number;
  agents: number;
  /**
   * For a change proposed to a team or organisation store (issue 14): distinct people behind it, the
   * distinct teams (organisation stores), and whose sessions support it (`person:<id>`, `agent:<id>`).
   */
  people?: number;
  teams?: number;
  members?: string[];
}

/** One proposed change of a dream's change set. */
export interface Change {
  type: 'change';
  id: string;
  dream_id: string;
  /** Position in the change set (stable ordering). */
  ordinal: number;
  op: ChangeOp;
  path: string;
  /** Destination path of a `rename`. */
  to_path: string | null;
  /** Content before (null for create) and after (null for delete). */
  before: string | null;
  after: string | null;
  /** content_sha256 of `path` in the input store at dream start (null if it did not exist). */
  base_sha256: string | null;
  kind: ChangeKind;
  reason: string;
  /** In [0, 1]. */
  confidence: number;
  support: Support;
  evidence: Evidence[];
  status: ChangeStatus;
  /**
   * Review record: who decided, when, an optional comment. When a reviewer edits a change, `after`
   * holds the reviewer's content and `review.original_after` the engine's proposal; a conflict found at
   * apply time is recorded in `review.conflict`.
   */
  review: ChangeReview | null;
  applied_at: Timestamp | null;
}

/** Why an approved change was not applied: its base changed, its path is protected, and so on. */
export interface ChangeConflict {
  /** Machine-readable cause. */
  reason: 'base_changed' | 'path_exists' | 'path_missing' | 'target_exists' | 'protected_path' | 'invalid';
  /** A sentence for people, naming the path and the hashes. */
  message: string;
  /** When apply found it. */
  at: Timestamp;
  /** The base the change was written against (`base_sha256`), and what the target store held instead. */
  expected_sha256: string | null;
  found_sha256: string | null;
}

/** A change's review record (see {@link Change.review}). */
export interface ChangeReview {
  /** Who decided: a person's name, or `policy` for automatic apply. */
  by: string;
  at: Timestamp;
  comment: string | null;
  /** The decision that set the current status (absent on records written before decisions were kept). */
  decision?: 'approve' | 'reject' | 'edit' | 'reset' | 'auto' | 'rebase';
  /** The proposal's original `after`, kept when a reviewer's edit replaced it (or a rebase changed `before`). */
  original_after?: string | null;
  /** For a rebased change: the proposal's original `before` and `base_sha256`. */
  original_before?: string | null;
  original_base_sha256?: string | null;
  /** Set when apply refused the change (status `conflict`). */
  conflict?: ChangeConflict | null;
}
