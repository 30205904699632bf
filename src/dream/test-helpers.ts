/**
 * Test support for dream tests (not exported from the package): turns imported transcripts into the
 * {@link DreamSessionRef}s storage would hand an engine, with stable `sesn_` ids derived from the
 * external id and `content_sha256` over the normalized events (as storage computes it).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type Session, type SessionEvent, sha256Hex, stableId } from '../domain/index.js';
import { importTranscripts } from '../ingest/index.js';
import type { ImportedSession } from '../ingest/types.js';
import type { DreamSessionRef, GatherCache, InputMemory } from './types.js';

/** A stored-like session built from an imported one, with a stable id. */
export function sessionFromImported(s: ImportedSession, idSalt = ''): Session {
  return {
    type: 'session',
    id: stableId('sesn', sha256Hex(`${idSalt}${s.external_id}`)),
    external_id: s.external_id,
    agent_id: s.agent_id,
    team_id: null,
    user_id: s.user_id,
    parent_session_id: null,
    source_format: s.source_format,
    source_file: s.source_file,
    title: s.title,
    started_at: s.started_at,
    ended_at: s.ended_at,
    metadata: s.metadata,
    event_count: s.events.length,
    content_sha256: sha256Hex(JSON.stringify(s.events)),
    outcome: s.outcome,
    imported_at: '2026-01-01T00:00:00.000Z',
  };
}

/** A session ref whose `loadEvents()` counts its calls in `loads`. */
export interface CountingRef extends DreamSessionRef {
  loads: { n: number };
  events: SessionEvent[];
}

/** Wraps imported sessions as dream inputs. */
export function refsFromImported(sessions: readonly ImportedSession[], idSalt = ''): CountingRef[] {
  return sessions.map((s) => {
    const loads = { n: 0 };
    return {
      session: sessionFromImported(s, idSalt),
      events: s.events,
      loads,
      loadEvents: async () => {
        loads.n++;
        return s.events;
      },
    };
  });
}

/** Imports transcripts (files or folders) and returns all sessions, failing on any import error. */
export async function importAll(paths: string[]): Promise<ImportedSession[]> {
  const out: ImportedSession[] = [];
  for await (const r of importTranscripts(paths)) {
    if ('error' in r) throw r.error;
    out.push(...r.sessions);
  }
  return out;
}

/** An in-memory gather cache that stores JSON text (so values round-trip like a real store's). */
export class MemoryCache implements GatherCache {
  readonly map = new Map<string, string>();
  async get(key: string): Promise<unknown | undefined> {
    const v = this.map.get(key);
    return v === undefined ? undefined : JSON.parse(v);
  }
  async set(key: string, value: unknown): Promise<void> {
    this.map.set(key, JSON.stringify(value));
  }
}

/**
 * Loads a memory-folder fixture: every `.md` file (except `README.md` at the root) becomes a memory at
 * `/<relative path>`, with `updated_at` from the folder's `updated-at.json` (path → ISO timestamp).
 */
export function loadMemoryFixture(dir: string): InputMemory[] {
  const updated = JSON.parse(readFileSync(join(dir, 'updated-at.json'), 'utf8')) as Record<string, string>;
  const out: InputMemory[] = [];
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      if (statSync(join(dir, r)).isDirectory()) walk(r);
      else if (name.endsWith('.md') && r !== 'README.md') {
        const content = readFileSync(join(dir, r), 'utf8');
        const path = `/${r}`;
        out.push({
          path,
          content,
          content_sha256: sha256Hex(content),
          updated_at: updated[path] ?? '2026-01-01T00:00:00.000Z',
        });
      }
    }
  };
  walk('');
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
