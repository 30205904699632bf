/**
 * Transcript uploads (issue 9 item 3, reverie's extension of the API): the content of one transcript
 * file, in any supported format (detected, or forced), imported into the service's workspace. Nothing
 * is read from the server's disk: `filename` only labels the sessions (`source_file`, and the
 * τ-bench external ids, which include the file's base name) and mini-swe-agent's `report.json`
 * sidecar is not looked for (outcomes stay unknown unless the transcript carries them).
 */
import type { SourceFormat } from '../domain/index.js';
import { ValidationError } from '../domain/index.js';
import { parseTranscript } from '../ingest/index.js';
import type { SessionImportItem, SessionResource } from '../storage/index.js';
import { storageOf } from './internal.js';
import type { Principal } from './keys.js';
import type { Reverie } from './reverie.js';
import { checkSessionResources, type SessionResourceInput } from './session-stores.js';
import { conflictWarnings, type SessionConflictWarning } from './sessions.js';

/** Upload input: the bytes of one transcript file and how to read them. */
export interface TranscriptUpload {
  /** A label for the file (no directories), e.g. `airline.json`; default `upload`. */
  filename?: string;
  content: Uint8Array;
  format?: SourceFormat;
  agent_id?: string;
  team_id?: string;
  /** The person whose session this is, when the format does not say (issue 14). */
  user_id?: string;
  /** Memory stores to attach to the sessions the upload creates (hosted `resources[]`, at most 8). */
  resources?: SessionResourceInput[];
  /** The key uploading: its role decides which stores it may attach `read_write`. */
  principal?: Principal;
}

/**
 * What an upload imported: the detected format and, per session, created / updated / unchanged; `warnings`
 * (present when there are any) names each session kept beside a stored session of the same external id
 * that it must not replace (see {@link SessionConflictWarning}).
 */
export interface UploadResult {
  type: 'session_import';
  filename: string;
  format: SourceFormat;
  sessions: SessionImportItem[];
  warnings?: SessionConflictWarning[];
  /** The stores attached to the sessions this upload created, as echoed (present when asked for). */
  resources?: SessionResource[];
}

const NAME = /^[^/\\\u0000-\u001f]{1,255}$/;

/**
 * Imports one uploaded transcript into the service's workspace (one transaction; re-uploading the
 * same transcript is idempotent; a session that is not the stored session of its external id read again
 * or grown is stored beside it, never over it, with a `warnings` entry, see Storage.importSessions).
 * `resources` are checked first ({@link checkSessionResources}, whose errors it throws) and attached
 * to the sessions the upload creates.
 * @throws ValidationError (field `filename`) for a name with a slash or control character, or
 *   (field `body`) for content that is not UTF-8 or is empty; ImportError naming the filename and line
 *   for content that cannot be imported.
 */
export async function importUpload(reverie: Reverie, upload: TranscriptUpload): Promise<UploadResult> {
  const filename = upload.filename ?? 'upload';
  if (!NAME.test(filename))
    throw new ValidationError(
      'filename must be a plain file name (no slashes or control characters)',
      'filename',
    );
  if (upload.content.byteLength === 0)
    throw new ValidationError('the request body is empty: send the transcript file', 'body');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(upload.content);
  } catch {
    throw new ValidationError('the transcript is not valid UTF-8', 'body');
  }
  const resources = upload.resources
    ? await checkSessionResources(reverie, upload.resources, upload.principal)
    : undefined;
  const parsed = parseTranscript(filename, text, {
    format: upload.format,
    agent_id: upload.agent_id,
    team_id: upload.team_id,
  });
  const sessions = await storageOf(reverie).importSessions(
    parsed.sessions.map((s) => ({
      ...s,
      team_id: upload.team_id ?? s.team_id ?? null,
      user_id: s.user_id ?? upload.user_id ?? null,
    })),
    { resources },
  );
  const warnings = conflictWarnings(filename, sessions);
  return {
    type: 'session_import',
    filename,
    format: parsed.format,
    sessions,
    ...(warnings.length > 0 ? { warnings } : {}),
    ...(resources ? { resources } : {}),
  };
}
