/**
 * The stored form of an imported session, computed apart from any database so that it can run on another
 * thread while the main thread writes (see service/import-pipeline.ts). Pure: no I/O, plain data out
 * (structured-clone friendly: strings, numbers, small objects).
 *
 * Stored form of the events: one JSON array per session in which each event's `source.file` is omitted
 * when it is the session's `source_file` (restored on read), and texts of {@link BLOB_MIN_CHARS} or more
 * are replaced by `{"$blob": sha256}` and stored once in `blobs` (a system prompt repeated in a hundred
 * sessions is stored once).
 */
import type { NewSession, SessionEvent } from '../domain/index.js';
import { sha256Hex } from '../domain/index.js';

/** Texts at least this long (UTF-16 units) are stored once in `blobs` and referenced from events. */
export const BLOB_MIN_CHARS = 1024;

/** A session ready to be written: metadata, serialized events, their hash, and the blobs they reference. */
export interface PreparedSession {
  session: Omit<NewSession, 'events'>;
  event_count: number;
  /** The stored form of the events (JSON text). */
  events_json: string;
  /**
   * `events_json` as UTF-8: the bytes hashed into `content_sha256`, written as they are on SQLite (one
   * encoding of the text instead of one for the hash and another when the string is bound). Absent when
   * the session was prepared elsewhere; the string is written then.
   */
  events_utf8?: Uint8Array;
  /** SHA-256 of `events_json`: the session's content hash (gather-cache key, idempotent re-import). */
  content_sha256: string;
  /** JSON text of `session.metadata` and `session.outcome` (null when there is none). */
  metadata_json: string;
  outcome_json: string | null;
  /** Texts stored once by hash; `utf8` is `content` as UTF-8 (hashed into `sha256`), as `events_utf8`. */
  blobs: { sha256: string; content: string; utf8?: Uint8Array }[];
}

/** The field of an event that holds a big text, if any. */
function bigField(e: SessionEvent): 'text' | 'content' | null {
  if (e.type === 'agent.tool_result') return e.content.length >= BLOB_MIN_CHARS ? 'content' : null;
  if (e.type === 'agent.tool_use') return null;
  return e.text.length >= BLOB_MIN_CHARS ? 'text' : null;
}

/**
 * Computes the stored form of one session (see the module comment). Each text is hashed from its UTF-8
 * bytes, kept for the SQLite write (`events_utf8`, `blobs[].utf8`).
 */
export function prepareSession(s: NewSession): PreparedSession {
  const blobs: { sha256: string; content: string; utf8: Uint8Array }[] = [];
  const stored = s.events.map((e) => {
    const f = bigField(e);
    const { file, ...pointer } = e.source;
    const out: Record<string, unknown> = { ...e, source: file === s.source_file ? pointer : e.source };
    if (f) {
      const text = (e as unknown as Record<string, string>)[f]!;
      const utf8 = Buffer.from(text, 'utf8');
      const sha = sha256Hex(utf8);
      blobs.push({ sha256: sha, content: text, utf8 });
      out[f] = { $blob: sha };
    }
    return out;
  });
  const events_json = JSON.stringify(stored);
  const events_utf8 = Buffer.from(events_json, 'utf8');
  const { events, ...session } = s;
  return {
    session,
    event_count: events.length,
    events_json,
    events_utf8,
    content_sha256: sha256Hex(events_utf8),
    metadata_json: JSON.stringify(s.metadata),
    outcome_json: s.outcome === null ? null : JSON.stringify(s.outcome),
    blobs,
  };
}

/**
 * Turns stored events back into normalized events: restores `source.file` and replaces blob references
 * with their text (`blob` looks them up; a missing blob becomes an empty string).
 */
export function restoreEvents(
  eventsJson: string,
  sourceFile: string,
  blob: (sha256: string) => string | undefined,
): SessionEvent[] {
  const events = JSON.parse(eventsJson) as Record<string, unknown>[];
  for (const e of events) {
    const src = e.source as { file?: string };
    if (src.file === undefined) e.source = { file: sourceFile, ...src };
    for (const f of ['text', 'content'])
      if (e[f] && typeof e[f] === 'object') e[f] = blob((e[f] as { $blob: string }).$blob) ?? '';
  }
  return events as unknown as SessionEvent[];
}

/** The blob hashes a stored events array references. */
export function blobRefs(eventsJson: string): string[] {
  const refs = new Set<string>();
  const re = /\{"\$blob":"([0-9a-f]{64})"\}/g;
  for (let m = re.exec(eventsJson); m !== null; m = re.exec(eventsJson)) refs.add(m[1]!);
  return [...refs];
}
