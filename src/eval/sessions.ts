/**
 * Turning imported transcripts into what a dream reads: `Session` records (filled in memory, no
 * storage), lazy {@link DreamSessionRef}s and {@link InputMemory}s read from a folder.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { type Outcome, type Session, type SessionEvent, sha256Hex, stableId } from '../domain/index.js';
import type { DreamSessionRef, InputMemory } from '../dream/types.js';
import { importTranscripts, readTranscriptFile } from '../ingest/index.js';
import type { ImportedSession } from '../ingest/types.js';

/** Fields that may replace what the importer found (e.g. from the generator's manifest). */
export interface SessionOverrides {
  agent_id?: string;
  user_id?: string | null;
  team_id?: string | null;
  outcome?: Outcome | null;
  metadata?: Record<string, unknown>;
  /**
   * The folder a generated corpus was written to (a new temporary folder on every run): the events'
   * source files are taken relative to it for `content_sha256`, so that the same corpus hashes the same
   * wherever it was written (a dream breaks ties by content hash, and would otherwise differ run to run).
   */
  hash_root?: string;
}

/** The `Session.id` the evaluation gives an external id: `sesn_` + base32 of its SHA-256 (stable). */
export function evalSessionId(externalId: string): string {
  return stableId('sesn', sha256Hex(externalId));
}

/**
 * A stored-like `Session` for an imported one: stable id from the external id, `content_sha256` =
 * (source files relative to `o.hash_root` when given)
 * `sha256Hex(JSON.stringify(events))`, overrides applied (an override outcome only fills a missing
 * one), `imported_at` as given.
 */
export function toSession(s: ImportedSession, importedAt: string, o: SessionOverrides = {}): Session {
  return {
    type: 'session',
    id: evalSessionId(s.external_id),
    external_id: s.external_id,
    agent_id: o.agent_id ?? s.agent_id,
    team_id: o.team_id !== undefined ? o.team_id : (s.team_id ?? null),
    user_id: o.user_id !== undefined ? o.user_id : s.user_id,
    parent_session_id: s.parent_external_id === null ? null : evalSessionId(s.parent_external_id),
    parent_external_id: s.parent_external_id,
    source_format: s.source_format,
    source_file: s.source_file,
    title: s.title,
    started_at: s.started_at,
    ended_at: s.ended_at,
    metadata: { ...s.metadata, ...(o.metadata ?? {}) },
    event_count: s.events.length,
    content_sha256: sha256Hex(
      JSON.stringify(o.hash_root === undefined ? s.events : rootless(s.events, o.hash_root)),
    ),
    outcome: s.outcome ?? o.outcome ?? null,
    imported_at: importedAt,
  };
}

/** The events with their source files relative to `root` (forward slashes), for a location-free hash. */
function rootless(events: readonly SessionEvent[], root: string): SessionEvent[] {
  return events.map((e) => ({
    ...e,
    source: { ...e.source, file: relative(root, e.source.file).split(sep).join('/') },
  }));
}

/** A ref whose events are already in memory. */
export function eagerRef(session: Session, events: SessionEvent[]): DreamSessionRef {
  return { session, loadEvents: async () => events };
}

/**
 * A ref that re-reads its file on `loadEvents()` (memory-light for large runs); the last few parsed
 * files are cached so multi-session files (τ-bench) are not re-parsed per session.
 * @throws Error from `loadEvents()` when the session is no longer in its file.
 */
export function lazyRef(session: Session, cache: Map<string, ImportedSession[]>): DreamSessionRef {
  return {
    session,
    loadEvents: async () => {
      let sessions = cache.get(session.source_file);
      if (!sessions) {
        sessions = readTranscriptFile(session.source_file).sessions;
        cache.set(session.source_file, sessions);
        while (cache.size > 8) cache.delete(cache.keys().next().value!);
      }
      const s = sessions.find((x) => x.external_id === session.external_id);
      if (!s) throw new Error(`${session.source_file}: session ${session.external_id} not found on reload`);
      return s.events;
    },
  };
}

/** An import failure. */
export interface ImportFailure {
  file: string;
  message: string;
}

/**
 * Imports `paths` through `src/ingest`, calling `onSession` for each session (events included; the
 * caller decides what to keep). Returns the failures.
 */
export async function importEach(
  paths: string[],
  onSession: (s: ImportedSession) => void,
): Promise<ImportFailure[]> {
  const failures: ImportFailure[] = [];
  for await (const r of importTranscripts(paths)) {
    if ('error' in r) failures.push({ file: r.file, message: r.error.message });
    else for (const s of r.sessions) onSession(s);
  }
  return failures;
}

/**
 * Reads a memory folder as input memories: every file below `dir` becomes the memory at `/` + its
 * relative path (POSIX separators), sorted by path.
 * @param updatedAt the `updated_at` every memory gets (ISO).
 */
export async function readMemoryDir(dir: string, updatedAt: string): Promise<InputMemory[]> {
  const out: InputMemory[] = [];
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) {
        const content = await readFile(p, 'utf8');
        out.push({
          path: `/${relative(dir, p).split(sep).join('/')}`,
          content,
          content_sha256: sha256Hex(content),
          updated_at: updatedAt,
        });
      }
    }
  };
  await walk(dir);
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
