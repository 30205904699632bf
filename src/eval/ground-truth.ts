/**
 * The ground-truth schema the planted-benchmark generator writes (`ground-truth.json`) and the
 * scorers read. Everything a scorer needs to judge a dream lives here: the planted items with their
 * distinctive markers and support, the one-off noise, the poisoned tool results, the secrets, and the
 * input memory store's duplicate groups and contradicted facts.
 *
 * Markers are literal strings matched case-insensitively on whitespace-collapsed text, with a word
 * boundary required before the marker (see `scorers/markers.ts`).
 */

/**
 * The memory kinds the planted benchmark scores. `feedback` is a person's rule or correction of the
 * agent (issue 15), expected from a single session.
 */
export type PlantedKind = 'mistake' | 'workflow' | 'preference' | 'fact' | 'feedback';

/** The two synthetic domains. */
export type Domain = 'support' | 'coding';

/**
 * What a text must contain to "mention" an item.
 * - `all`: every group must match; a group matches when any one of its alternatives occurs.
 * - `ordered`: the strings must occur in this order (a subsequence of the text; repeats allowed);
 *   at least `min` of them (default: all) in order.
 * An empty spec (no groups, no sequence) matches nothing.
 * @example { all: [['vitest'], ['jest']] } // both words somewhere in the text
 * @example { all: [], ordered: { seq: ['find_customer', 'get_order', 'refund', 'send_email'] } }
 */
export interface MarkerSpec {
  all: string[][];
  ordered?: { seq: string[]; min?: number };
}

/** Where and by whom an item was planted, aggregated over sessions. */
export interface ItemSupport {
  /** Distinct sessions that contain the item. */
  sessions: number;
  /** Distinct agents among those sessions. */
  agents: number;
  /** Distinct human users among those sessions. */
  users: number;
}

/** A fact whose value changes at a known time (a contradiction the dream must resolve). */
export interface FactChange {
  /** What the fact is about, e.g. `staging database host`. */
  key: string;
  old_value: string;
  new_value: string;
  /** Any of these marks the old value (used to detect it being asserted as current). */
  old_markers: string[];
  /** Any of these marks the new value. */
  new_markers: string[];
  /** Sessions starting before this ISO time state the old value; sessions after it the new one. */
  changed_at: string;
  /** Input memory paths that assert the old value (contradicted by the sessions), if any. */
  memory_paths: string[];
  /** Sessions stating the old value (before `changed_at`) and the new value (after). */
  old_sessions: number;
  new_sessions: number;
}

/** One planted recurring pattern (a mistake, workflow, preference or fact). */
export interface PlantedItem {
  /** Stable id, e.g. `mistake.support.cancel-shipped`. */
  id: string;
  kind: PlantedKind;
  domain: Domain;
  /** One-line human description, e.g. `cancel_order fails on shipped orders; use return_order`. */
  title: string;
  /** What an output memory of the same kind must contain to capture the item fully (recall). */
  markers: MarkerSpec;
  /**
   * What an output memory of the same kind must contain to be about the item at all (precision): for
   * mistakes the error marker without the fix, for changing facts the key and either value, for
   * preferences any of the key terms; otherwise the same as `markers`.
   */
  subject: MarkerSpec;
  /** Example wordings used in the transcripts (paraphrases for preferences and facts, an error text for mistakes). */
  examples: string[];
  support: ItemSupport;
  /** Transcript files (relative to the generated root) containing the item, in generation order. */
  sessions: string[];
  /** ISO times of the first and last session containing the item (null when it never occurred). */
  first_seen: string | null;
  last_seen: string | null;
  /**
   * Support this item needs to be expected, when it differs from the run's `min_support`: 1 for
   * `feedback` (a person's correction counts from one session; each is planted in exactly one).
   */
  min_support?: number;
  /**
   * True when the item occurs often enough to be expected in the output: `support.sessions >=`
   * the item's `min_support`, else the run's.
   */
  expected: boolean;
  /** For mistakes: the fix that worked afterwards, in words. */
  fix?: string;
  /** For facts that change over time. */
  change?: FactChange;
}

/**
 * Categories of one-off noise. `instruction`: a one-off task instruction from the person ("update the
 * phase 4.1 section of …"), which is not feedback and must not become memory (issue 15).
 */
export type NoiseType = 'error' | 'preference' | 'fact' | 'workflow' | 'instruction';

/** A one-off: something that occurs in exactly one session and must not be promoted. */
export interface NoiseItem {
  id: string;
  type: NoiseType;
  domain: Domain;
  /** The single transcript file it occurs in. */
  session: string;
  /** The text planted (error message, statement or command). */
  text: string;
  /** Unique invented words; the item leaks when any of them appears in the output. */
  markers: string[];
}

/** An instruction injected into tool results (memory poisoning); must never become a memory. */
export interface PoisonItem {
  id: string;
  domain: Domain;
  /** The tool whose results carry it. */
  tool: string;
  /** Example injected texts (variants). */
  examples: string[];
  /** The item leaks when any of these appears in an output memory or a change's `after`. */
  markers: string[];
  support: ItemSupport;
}

/** Kinds of planted secrets. */
export type SecretType =
  | 'openai_key'
  | 'stripe_key'
  | 'github_token'
  | 'aws_access_key_id'
  | 'aws_secret_access_key'
  | 'password'
  | 'bearer_token';

/** A secret string planted in transcripts; must never appear in any output. */
export interface SecretItem {
  id: string;
  type: SecretType;
  /** The exact secret string. */
  value: string;
  /** Where it was planted, e.g. `support system prompt`, `cat .env.staging output`. */
  where: string;
  /** Distinct sessions containing it. */
  sessions: number;
}

/** Roles of input memory files. */
export type MemoryRole =
  | 'index'
  | 'unique'
  | 'exact_duplicate'
  | 'paraphrase_duplicate'
  | 'contradicted'
  | 'planted_overlap';

/** One file of the generated input memory store. */
export interface MemoryFileTruth {
  /** Memory path, e.g. `/facts/staging-db.md` (the file is `memory/facts/staging-db.md`). */
  path: string;
  role: MemoryRole;
  /** The kind the file is about (`other` for users' free-form notes and the index). */
  kind: PlantedKind | 'other';
  /** Markers that identify its subject (to recognise it, merged or rewritten, in the output). */
  markers: MarkerSpec;
  /** Duplicate group id for duplicates; planted item id for contradicted/overlapping files. */
  group?: string;
}

/** A set of input memories that say the same thing (exactly or in other words). */
export interface DuplicateGroup {
  id: string;
  type: 'exact' | 'paraphrase';
  paths: string[];
  /** Output files of these kinds are counted when looking for left-over duplicates. */
  kinds: (PlantedKind | 'other')[];
  markers: MarkerSpec;
}

/** Counts of what was generated. */
export interface GeneratedCounts {
  sessions: number;
  support_sessions: number;
  coding_sessions: number;
  events: number;
  tool_errors: number;
  satisfied: number;
  failed: number;
  items: Record<PlantedKind, number>;
  expected_items: Record<PlantedKind, number>;
  noise: number;
  poison_occurrences: number;
  secret_occurrences: number;
  memory_files: number;
}

/** Paths (relative to the generated root) of what the generator wrote. */
export interface GeneratedLayout {
  /** Input memory store folder: `memory/` + memory path. */
  memory_dir: string;
  /** Claude Code JSONL transcripts (coding domain), one `<sessionId>.jsonl` per session. */
  coding_dir: string;
  /** OpenAI chat transcripts (support domain), one JSON file `{messages, metadata}` per session. */
  support_dir: string;
  /** The same support sessions in reverie normalized JSONL (session line, events, outcome line). */
  support_reverie_dir: string;
  /** One JSON line per session: see {@link ManifestEntry}. */
  manifest: string;
}

/** One line of `manifest.jsonl`: who, when and how each generated session went. */
export interface ManifestEntry {
  /** Transcript file relative to the generated root (the OpenAI chat one for support sessions). */
  file: string;
  /** The same session in reverie normalized JSONL, for support sessions. */
  reverie_file: string | null;
  format: 'claude-code' | 'openai-chat';
  domain: Domain;
  /** The session's id in its format (Claude Code `sessionId`; the file stem for OpenAI chat). */
  source_session_id: string;
  agent_id: string;
  user_id: string;
  team_id: string;
  task: string;
  started_at: string;
  ended_at: string;
  outcome: { result: 'satisfied' | 'failed'; score: number };
  /** Ids of planted items, noise, poison and secrets in the session. */
  planted: string[];
}

/** The whole `ground-truth.json`. */
export interface GroundTruth {
  schema: 'reverie.eval.ground-truth/v1';
  seed: string;
  /** `test` when the held-out wordings were written (absent: the train half, the original wordings). */
  phrasings?: 'test';
  /** Number of sessions generated. */
  sessions: number;
  /** Support threshold that defines `expected` on items (the engine default, 2). */
  min_support: number;
  time: { start: string; end: string; fact_change_at: string; memory_updated_at: string };
  layout: GeneratedLayout;
  teams: { id: string; domain: Domain; users: string[]; agents: string[] }[];
  counts: GeneratedCounts;
  items: PlantedItem[];
  noise: NoiseItem[];
  poison: PoisonItem[];
  secrets: SecretItem[];
  memory: { files: MemoryFileTruth[]; duplicate_groups: DuplicateGroup[] };
}
