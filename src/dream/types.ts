/**
 * The dream engine boundary (shared/DESIGN.md "The dream"). The service layer builds a
 * {@link DreamRequest} from storage, calls an engine, and stores the {@link DreamResult}: the complete
 * output store (`files`) and the change set (`changes`) that turns the input store into it.
 * Engines never touch storage; per-session work is cached through {@link GatherCache}.
 */
import type { Change, DreamProgress, Session, SessionEvent, Timestamp, Usage } from '../domain/index.js';

/** A memory of the pinned input store. */
export interface InputMemory {
  path: string;
  content: string;
  content_sha256: string;
  /** Last write time; the reference date for making relative dates in it absolute. */
  updated_at: Timestamp;
}

/** A session offered to the dream; events are loaded lazily (only on a gather-cache miss). */
export interface DreamSessionRef {
  session: Session;
  loadEvents(): Promise<SessionEvent[]>;
}

/** Options of one dream run. Defaults in {@link DEFAULT_DREAM_OPTIONS}. */
export interface DreamOptions {
  /** Minimum distinct sessions for a pattern to be promoted (below it is noise). Default 2. */
  min_support: number;
  /** Free-text guidance (hosted `instructions`, ≤ 4,096 chars); the offline engine uses it for focus keywords. */
  instructions: string | null;
  /** Globs of paths no change may touch. */
  protected_paths: string[];
  /** Index limits for `/MEMORY.md`: lines and UTF-8 bytes. Defaults 200 and 25,000. */
  max_index_lines: number;
  max_index_bytes: number;
  /** Cap on the number of changes; `null` for none. */
  max_changes: number | null;
  /**
   * The project's instruction files (CLAUDE.md, AGENTS.md) as read by the caller: a memory repeating one
   * is not proposed, one contradicting it is flagged (see `offline/instruction-files.ts`). Default none.
   */
  instruction_files?: { path: string; content: string }[];
}

/** Default dream options. */
export const DEFAULT_DREAM_OPTIONS: DreamOptions = {
  min_support: 2,
  instructions: null,
  protected_paths: [],
  max_index_lines: 200,
  max_index_bytes: 25_000,
  max_changes: null,
};

/** Everything an engine reads. */
export interface DreamRequest {
  memories: InputMemory[];
  sessions: DreamSessionRef[];
  options: DreamOptions;
}

/**
 * Cache of per-session gather results, keyed by `${engine.version}:${session.content_sha256}`.
 * Values are JSON-serializable and must not embed session ids (the same content may be imported under
 * several ids); the engine attaches ids after lookup.
 */
export interface GatherCache {
  get(key: string): Promise<unknown | undefined>;
  set(key: string, value: unknown): Promise<void>;
}

/** Hooks the caller passes to an engine run. */
export interface DreamHooks {
  cache?: GatherCache;
  onProgress?: (p: DreamProgress) => void;
  signal?: AbortSignal;
}

/** A change as an engine proposes it: the proposal fields of a {@link Change} (storage adds id, dream_id, status). */
export type ProposedChange = Pick<
  Change,
  | 'op'
  | 'path'
  | 'to_path'
  | 'before'
  | 'after'
  | 'base_sha256'
  | 'kind'
  | 'reason'
  | 'confidence'
  | 'support'
  | 'evidence'
>;

/** What an engine returns. `files` is the whole output store, sorted by path. */
export interface DreamResult {
  files: { path: string; content: string }[];
  changes: ProposedChange[];
  /** Counts and timings (ms) the engine reports, e.g. `sessions`, `cache_hits`, `candidates`, `clusters`. */
  stats: Record<string, number>;
  /** Token usage (hosted shape; zero for the offline engine). */
  usage: Usage;
}

/** A dream engine: `offline` (deterministic) or `llm`. */
export interface DreamEngine {
  readonly id: 'offline' | 'llm';
  /** Bumped whenever gather output changes shape or meaning; part of the cache key. */
  readonly version: string;
  run(request: DreamRequest, hooks?: DreamHooks): Promise<DreamResult>;
}
