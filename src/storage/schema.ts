/**
 * Table shapes for Kysely (https://kysely.dev). Portable across SQLite and PostgreSQL: timestamps are
 * ISO-8601 text, JSON is text, booleans are integers 0/1. Column names match the domain fields.
 */
import type { Generated } from 'kysely';

/** `memory_stores`: one row per store. `metadata`, `policy`: JSON text. */
export interface MemoryStoresTable {
  id: string;
  /** The owning workspace (migration 002; existing rows: the default workspace). */
  workspace_id: Generated<string>;
  name: string;
  description: string;
  metadata: string;
  policy: string;
  created_at: string;
  updated_at: string;
  archived_at: string | null;
  /** `person` | `agent` | `team` | `organisation`, or null for an unscoped store (migration 007). */
  scope_type: Generated<string | null>;
  /** The person, agent or team id of the scope (null for the organisation or no scope). */
  scope_id: Generated<string | null>;
  /** Distinct people or agents a pattern needs to be promoted to this store (null: the default, 2). */
  scope_min_support: Generated<number | null>;
}

/** `memories`: the live head of each memory; deleted memories leave only versions behind. */
export interface MemoriesTable {
  id: string;
  memory_store_id: string;
  path: string;
  content: string;
  content_sha256: string;
  content_size_bytes: number;
  memory_version_id: string;
  created_at: string;
  updated_at: string;
}

/** `memory_versions`: immutable history; `created_by`, `redacted_by`: JSON text. */
export interface MemoryVersionsTable {
  id: string;
  memory_id: string;
  memory_store_id: string;
  path: string | null;
  content: string | null;
  content_sha256: string | null;
  content_size_bytes: number | null;
  operation: string;
  created_by: string;
  created_at: string;
  redacted_at: string | null;
  redacted_by: string | null;
  dream_id: string | null;
  change_id: string | null;
  note: string | null;
  /** Insertion order within the database (versions written in one millisecond stay ordered). */
  seq: Generated<number>;
}

/** `sessions`: transcript metadata; events live in `session_events`. */
export interface SessionsTable {
  id: string;
  /** The owning workspace (migration 002). */
  workspace_id: Generated<string>;
  external_id: string;
  agent_id: string;
  team_id: string | null;
  user_id: string | null;
  parent_session_id: string | null;
  parent_external_id: string | null;
  source_format: string;
  source_file: string;
  title: string;
  started_at: string | null;
  ended_at: string | null;
  metadata: string;
  event_count: number;
  content_sha256: string;
  outcome: string | null;
  imported_at: string;
}

/**
 * `session_events`: a session's normalized events as one JSON array. Texts of 1 kB or more are stored
 * once in `blobs` and referenced as `{"$blob": sha256}`, so a system prompt repeated in a hundred
 * sessions is stored once.
 */
export interface SessionEventsTable {
  session_id: string;
  events: string;
}

/** `blobs`: content-addressed text. */
export interface BlobsTable {
  sha256: string;
  content: string;
}

/** `dreams`: hosted dream fields plus reverie's; JSON columns as text. */
export interface DreamsTable {
  id: string;
  /** The owning workspace (migration 002). */
  workspace_id: Generated<string>;
  status: string;
  memory_store_id: string;
  session_ids: string;
  outputs: string;
  model: string;
  instructions: string | null;
  output_behavior: string;
  usage: string;
  error: string | null;
  created_at: string;
  ended_at: string | null;
  archived_at: string | null;
  engine: string;
  progress: string | null;
  stats: string;
  base: string;
  options: string;
  /** JSON array of the session ids held back as probes (migration 002). */
  probe_session_ids: string;
  /** JSON of the do-no-harm check report, or null (migration 002). */
  check_report: string | null;
}

/** `changes`: a dream's change set. */
export interface ChangesTable {
  id: string;
  dream_id: string;
  ordinal: number;
  op: string;
  path: string;
  to_path: string | null;
  before: string | null;
  after: string | null;
  base_sha256: string | null;
  kind: string;
  reason: string;
  confidence: number;
  support: string;
  evidence: string;
  status: string;
  review: string | null;
  applied_at: string | null;
}

/** `gather_cache`: per-session gather results keyed by `${engine version}:${session content hash}`. */
export interface GatherCacheTable {
  key: string;
  value: string;
  created_at: string;
}

/** `workspaces`: tenants; everything else belongs to one (migration 003). */
export interface WorkspacesTable {
  id: string;
  name: string;
  created_at: string;
}

/** `api_keys`: a key's SHA-256 (hex), never the key; `key_hint` is its last 4 characters. */
export interface ApiKeysTable {
  id: string;
  workspace_id: string;
  name: string;
  key_sha256: string;
  key_hint: string;
  created_at: string;
  revoked_at: string | null;
  /** `reader` | `writer` | `reviewer` | `admin` (migration 004). */
  role: Generated<string>;
  /** The member the key acts as: `person` | `agent`, and its id; null for a workspace-wide key (migration 007). */
  member_type: Generated<string | null>;
  member_id: Generated<string | null>;
}

/** `teams`: a workspace's teams, names unique per workspace (migration 007). */
export interface TeamsTable {
  id: string;
  workspace_id: string;
  name: string;
  created_at: string;
}

/** `team_members`: the people and agents of a team (migration 007). */
export interface TeamMembersTable {
  team_id: string;
  /** `person` | `agent`. */
  member_type: string;
  member_id: string;
  added_at: string;
}

/** `agent_stores`: stores attached to an agent (hosted `resources[]`, at most 8) with `read_write`|`read_only` (migration 007). */
export interface AgentStoresTable {
  workspace_id: string;
  agent_id: string;
  memory_store_id: string;
  access: string;
  attached_at: string;
}

/**
 * `session_stores`: the memory stores attached to a session at creation (hosted session `resources[]`
 * of type `memory_store`, at most 8; migration 008), with `name` and `description` snapshotted at attach
 * time, the `mount_path` derived from the name, and `position` the order they were given in.
 */
export interface SessionStoresTable {
  workspace_id: string;
  session_id: string;
  memory_store_id: string;
  position: number;
  access: string;
  instructions: string | null;
  name: string;
  description: string;
  mount_path: string;
  attached_at: string;
}

/**
 * `dream_jobs`: queued dreams and their gather batches (migrations 005, 009); `batch` and `last_error`
 * JSON text, `batch_index` −1 for a `dream` job. See domain `DreamJob`.
 */
export interface DreamJobsTable {
  id: string;
  kind: string;
  dream_id: string;
  batch_index: number;
  batch: string | null;
  workspace_id: string;
  memory_store_id: string;
  singleton_key: string;
  backend: string;
  state: string;
  apply: string;
  attempts: number;
  max_attempts: number;
  run_after: string;
  lease_until: string | null;
  worker_id: string | null;
  queue_job_id: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

/** `dream_schedules`: one per store (migration 005); `cron` JSON text, `paused` 0/1. */
export interface DreamSchedulesTable {
  memory_store_id: string;
  min_new_sessions: number | null;
  min_hours: number | null;
  cron: string | null;
  apply: string;
  instructions: string | null;
  paused: number;
  last_fired_at: string | null;
  last_dream_id: string | null;
  created_at: string;
  updated_at: string;
}

/** `store_sessions`: sessions attached to a store, for its scheduled dreams (migration 005). */
export interface StoreSessionsTable {
  memory_store_id: string;
  session_id: string;
  attached_at: string;
}

/** `model_cache`: LLM answers keyed by the SHA-256 of the canonical request; `request`/`response` are JSON. */
export interface ModelCacheTable {
  key: string;
  request: string;
  response: string;
  created_at: string;
}

/** The whole database. */
export interface Database {
  workspaces: WorkspacesTable;
  api_keys: ApiKeysTable;
  memory_stores: MemoryStoresTable;
  memories: MemoriesTable;
  memory_versions: MemoryVersionsTable;
  sessions: SessionsTable;
  session_events: SessionEventsTable;
  blobs: BlobsTable;
  dreams: DreamsTable;
  changes: ChangesTable;
  gather_cache: GatherCacheTable;
  dream_jobs: DreamJobsTable;
  dream_schedules: DreamSchedulesTable;
  store_sessions: StoreSessionsTable;
  model_cache: ModelCacheTable;
  teams: TeamsTable;
  team_members: TeamMembersTable;
  agent_stores: AgentStoresTable;
  session_stores: SessionStoresTable;
}
