/**
 * Sessions: import transcripts (files or folders, grouped into transactions with each file all-or-nothing,
 * idempotent, never replacing a stored session with another conversation), list,
 * read with events, and set outcomes. `Reverie` delegates its session methods here.
 */
import {
  NotFoundError,
  type Outcome,
  ReverieError,
  type Session,
  type SessionEvent,
  type SourceFormat,
  ValidationError,
} from '../domain/index.js';
import {
  type ImportWarning,
  type InvalidJsonMode,
  type InvalidUtf8Mode,
  importTranscripts,
  type ParsedTranscript,
} from '../ingest/index.js';
import {
  type Page,
  type PreparedSession,
  prepareSession,
  type SessionFileResult,
  type SessionImportItem,
  type SessionResource,
  type Storage,
} from '../storage/index.js';
import type { Principal } from './keys.js';
import type { SessionResourceInput } from './session-stores.js';

/**
 * A session of an imported file that did not replace the stored session with its external id, because it
 * neither has the stored events nor continues them (another conversation under the same id, or the file
 * cut short or rewritten; the rule is {@link Storage.importSessions}'): the stored session is kept as it
 * was and this one is stored beside it. `external_id` and `session_id` are where it is stored,
 * `conflicts_with` the stored session; `message` is `file: …`, ready to print.
 */
export interface SessionConflictWarning {
  type: 'session_conflict';
  file: string;
  external_id: string;
  session_id: string;
  conflicts_with: { session_id: string; external_id: string };
  message: string;
}

/** A warning on an imported file: one of the importer's ({@link ImportWarning}) or a {@link SessionConflictWarning}. */
export type FileImportWarning = ImportWarning | SessionConflictWarning;

/**
 * The {@link SessionConflictWarning}s of a file's stored sessions (those whose item has `conflicts_with`
 * and was created or updated now), in item order; none when every session was stored in its own place,
 * nor for a copy beside found already stored and unchanged (the same file imported again: the conflict
 * was reported when the copy was stored).
 * @param file the file (or upload name) the sessions came from, for the messages.
 */
export function conflictWarnings(
  file: string,
  items: readonly SessionImportItem[],
): SessionConflictWarning[] {
  return items.flatMap((it) => {
    const kept = it.conflicts_with;
    // (re-importing the same file finds the copy beside already stored, unchanged: said once, when stored)
    if (!kept || it.status === 'unchanged') return [];
    const message =
      `${file}: session ${kept.external_id} is not the stored session grown or read again (another ` +
      `conversation under the same id, or the file cut short or rewritten): the stored session ` +
      `${kept.session_id} is kept as it was, and this one is stored beside it as ${it.external_id} ` +
      `(${it.session_id}, ${it.status})`;
    return [
      {
        type: 'session_conflict' as const,
        file,
        external_id: it.external_id,
        session_id: it.session_id,
        conflicts_with: kept,
        message,
      },
    ];
  });
}

/**
 * Per-file result of {@link SessionService.importFiles} (`Reverie.importSessions`): imported sessions (with
 * `warnings` when there are any: the importer's, e.g. invalid UTF-8, and `session_conflict` for a session
 * kept beside a stored one it must not replace); `skipped`, nothing stored on purpose, `warnings`
 * saying why (`empty_file`: an empty file met in a folder walk; `warmup_sidechain`: a Claude Code
 * warm-up subagent); or the error that stopped the file.
 */
export type FileImportReport =
  | {
      file: string;
      format: SourceFormat;
      status: 'imported';
      sessions: SessionImportItem[];
      warnings?: FileImportWarning[];
    }
  | { file: string; format?: SourceFormat; status: 'skipped'; warnings: ImportWarning[] }
  | { file: string; status: 'failed'; error: { type: string; message: string } };

/**
 * Result of `Reverie.importSessions`: per file, plus totals. `totals.files` counts every file met,
 * `failed_files` and `skipped_files` those of them that failed or were skipped.
 */
export interface ImportReport {
  files: FileImportReport[];
  totals: {
    files: number;
    failed_files: number;
    skipped_files: number;
    created: number;
    updated: number;
    unchanged: number;
  };
  /** Ids of all sessions in the imported files (created, updated or unchanged), in file order. */
  session_ids: string[];
  /** The stores attached to the sessions this import created, as they echo them (when any were asked for). */
  resources?: SessionResource[];
}

/** Options of `Reverie.importSessions`. */
export interface ImportSessionsOptions {
  format?: SourceFormat;
  agent_id?: string;
  team_id?: string;
  /** The person whose sessions these are (`--user`), when the format does not say. */
  user_id?: string;
  /**
   * Memory stores to attach to every session the import creates (at most 8; hosted session
   * `resources[]`, see session-stores.ts); sessions that already exist keep what they have. Checked
   * before anything is read: a bad entry fails the whole import.
   */
  resources?: SessionResourceInput[];
  /** The API key importing, whose role decides which stores it may attach `read_write`. */
  principal?: Principal;
  /** Bytes that are not UTF-8: `warn` (default; imported as U+FFFD, reported) or `error` (file refused). */
  invalid_utf8?: InvalidUtf8Mode;
  /** JSONL lines that are not JSON: `warn` (default; skipped, each named in a warning) or `error` (file refused). */
  invalid_json?: InvalidJsonMode;
  /**
   * Called for each file, in order, with its report and its index in `files`, once the transaction that
   * wrote it (a group of up to {@link IMPORT_GROUP_FILES} files) is committed.
   */
  onFile?: (r: FileImportReport, index: number) => void;
  /** Called once, before any `onFile`, with how many file reports will follow (for progress). */
  onTotal?: (files: number) => void;
  /**
   * Transcript files found by `sessions discover`, imported after `paths` as files met in a folder
   * walk: an empty one is skipped, where an empty file named in `paths` is an error.
   */
  discovered?: string[];
}

/** Session operations over one (workspace-scoped) storage. Errors are the domain's typed errors. */
export class SessionService {
  readonly #storage: Storage;

  constructor(storage: Storage) {
    this.#storage = storage;
  }

  /**
   * Imports transcripts (files or folders). Consecutive files are written together, up to
   * {@link IMPORT_GROUP_FILES} files or {@link IMPORT_GROUP_CHARS} characters of stored form per transaction,
   * each file under its own savepoint: each file is all-or-nothing, a bad file is reported with its error
   * (naming file and line) and the others still import; re-importing is idempotent. A session never
   * replaces a stored session of its external id unless it is the same transcript read again or grown
   * ({@link Storage.importSessions}): otherwise it is stored beside it and its file reports a
   * {@link SessionConflictWarning}, never an error. `onFile` is called for each file in order, once its
   * group is committed (so a report never names sessions that a crash could still undo).
   */
  async importFiles(
    paths: string[],
    opts: ImportSessionsOptions = {},
    resources?: SessionResource[],
  ): Promise<ImportReport> {
    const acc: ImportReport = {
      files: [],
      session_ids: [],
      totals: { files: 0, failed_files: 0, skipped_files: 0, created: 0, updated: 0, unchanged: 0 },
    };
    const gen = importTranscripts(paths, {
      format: opts.format,
      agent_id: opts.agent_id,
      team_id: opts.team_id,
      invalid_utf8: opts.invalid_utf8,
      invalid_json: opts.invalid_json,
      onTotal: opts.onTotal,
      discovered: opts.discovered,
    });
    let group: PendingFile[] = [];
    let chars = 0;
    for await (const r of gen) {
      const p =
        'error' in r
          ? failedFile(r.file, r.error)
          : r.skipped
            ? skippedFile(r.file, r.format, r.warnings)
            : prepareFile(r, opts.team_id, opts.user_id);
      group.push(p);
      chars += p.chars;
      if (group.length >= IMPORT_GROUP_FILES || chars >= IMPORT_GROUP_CHARS) {
        this.#report(acc, await this.#storeGroup(group, resources), opts.onFile);
        group = [];
        chars = 0;
      }
    }
    if (group.length > 0) this.#report(acc, await this.#storeGroup(group, resources), opts.onFile);
    if (resources && resources.length > 0) acc.resources = resources;
    return acc;
  }

  /** Adds a committed group's file reports to `acc`, calling `onFile` for each. */
  #report(acc: ImportReport, reports: FileImportReport[], onFile: ImportSessionsOptions['onFile']): void {
    for (const report of reports) {
      acc.totals.files++;
      if (report.status === 'failed') acc.totals.failed_files++;
      else if (report.status === 'skipped') acc.totals.skipped_files++;
      else
        for (const it of report.sessions) {
          acc.totals[it.status]++;
          acc.session_ids.push(it.session_id);
        }
      acc.files.push(report);
      onFile?.(report, acc.files.length - 1);
    }
  }

  /**
   * Writes a group of files in one transaction (see {@link Storage.importSessionFiles}). Should the
   * transaction as a whole fail, each file is retried in a transaction of its own, so that one file's
   * failure never costs the others.
   */
  async #storeGroup(group: PendingFile[], resources?: SessionResource[]): Promise<FileImportReport[]> {
    const writable = group.filter((p) => p.prepared !== null);
    let results: SessionFileResult[] | null = null;
    if (writable.length > 0) {
      try {
        results = await this.#storage.importSessionFiles(
          writable.map((p) => p.prepared!),
          { resources },
        );
      } catch {
        results = [];
        for (const p of writable) results.push(...(await this.#storeAlone(p.prepared!, resources)));
      }
    }
    let k = 0;
    return group.map((p) => (p.prepared === null ? p.report : fileReport(p.report, results![k++]!)));
  }

  /** One file in a transaction of its own; a failure of the transaction becomes the file's error. */
  async #storeAlone(
    prepared: PreparedSession[],
    resources?: SessionResource[],
  ): Promise<SessionFileResult[]> {
    try {
      return await this.#storage.importSessionFiles([prepared], { resources });
    } catch (error) {
      return [{ error }];
    }
  }

  /** Lists sessions. */
  list(q: Parameters<Storage['listSessions']>[0] = {}): Promise<Page<Session>> {
    return this.#storage.listSessions(q);
  }

  /** The sessions with these ids that exist (unknown ids are left out), in no particular order. */
  async getMany(ids: readonly string[]): Promise<Session[]> {
    return ids.length === 0 ? [] : this.#storage.getSessions([...ids]);
  }

  /** Returns a session. @throws NotFoundError */
  async get(id: string): Promise<Session> {
    const s = await this.#storage.getSession(id);
    if (!s) throw new NotFoundError('session', id);
    return s;
  }

  /**
   * The stores attached to each of these sessions (hosted `resources[]`), in attach order; a session
   * without any is absent from the map.
   */
  resources(ids: readonly string[]): Promise<Map<string, SessionResource[]>> {
    return ids.length === 0 ? Promise.resolve(new Map()) : this.#storage.listSessionResources(ids);
  }

  /** Returns a session's normalized events. @throws NotFoundError */
  async events(id: string): Promise<SessionEvent[]> {
    await this.get(id);
    return this.#storage.getEvents(id);
  }

  /** Sets (or clears) a session's outcome. @throws NotFoundError; ValidationError on a bad result value. */
  async setOutcome(id: string, outcome: Outcome | null): Promise<Session> {
    if (outcome && !['satisfied', 'failed', 'partial', 'unknown'].includes(outcome.result))
      throw new ValidationError(
        `outcome.result must be satisfied, failed, partial or unknown`,
        'outcome.result',
      );
    await this.#storage.setOutcome(id, outcome);
    return this.get(id);
  }
}

/** Most files written in one transaction by {@link SessionService.importFiles}. */
export const IMPORT_GROUP_FILES = 100;
/**
 * Characters of stored form (events JSON, blobs, metadata) after which {@link SessionService.importFiles}
 * commits its group early (~8 MB of ASCII): bounds the memory held and the time the write lock is held.
 */
export const IMPORT_GROUP_CHARS = 8_000_000;

/**
 * A file read and prepared, waiting for its group to be written: its report so far (failed, or imported
 * with no sessions yet), its sessions in stored form (`null` when there is nothing to write because it
 * failed), and their size in characters.
 */
interface PendingFile {
  report: FileImportReport;
  prepared: PreparedSession[] | null;
  chars: number;
}

/** A file that failed before storage: `error` names the file already (reading, parsing). */
function failedFile(file: string, error: { type: string; message: string }): PendingFile {
  return {
    report: { file, status: 'failed', error: { type: error.type, message: error.message } },
    prepared: null,
    chars: 0,
  };
}

/** A file left out on purpose before storage (see {@link FileImportReport}): nothing to write. */
function skippedFile(file: string, format: SourceFormat | undefined, warnings: ImportWarning[]): PendingFile {
  const report: FileImportReport =
    format === undefined
      ? { file, status: 'skipped', warnings }
      : { file, format, status: 'skipped', warnings };
  return { report, prepared: null, chars: 0 };
}

/** The report of a file that an unexpected error stopped, its message prefixed with the file. */
function failure(file: string, e: unknown): FileImportReport {
  const err = ReverieError.isInstance(e) ? e : new ReverieError('internal_error', (e as Error).message);
  return { file, status: 'failed', error: { type: err.type, message: `${file}: ${err.message}` } };
}

/** Computes the stored form of a parsed file's sessions, with the importer's team and user applied. */
function prepareFile(
  r: ParsedTranscript,
  teamId: string | undefined,
  userId: string | undefined,
): PendingFile {
  let prepared: PreparedSession[];
  try {
    prepared = r.sessions.map((s) =>
      prepareSession({
        ...s,
        team_id: teamId ?? (s as { team_id?: string | null }).team_id ?? null,
        user_id: s.user_id ?? userId ?? null,
      }),
    );
  } catch (e) {
    return { report: failure(r.file, e), prepared: null, chars: 0 };
  }
  const report: FileImportReport = { file: r.file, format: r.format, status: 'imported', sessions: [] };
  if (r.warnings.length > 0) report.warnings = r.warnings;
  let chars = 0;
  for (const p of prepared) {
    chars += p.events_json.length + p.metadata_json.length;
    for (const b of p.blobs) chars += b.content.length;
  }
  return { report, prepared, chars };
}

/** A prepared file's report once storage has written it, or the storage error that rolled it back. */
function fileReport(report: FileImportReport, result: SessionFileResult): FileImportReport {
  if (!('items' in result)) return failure(report.file, result.error);
  if (report.status !== 'imported') return report;
  const conflicts = conflictWarnings(report.file, result.items);
  if (conflicts.length === 0) return { ...report, sessions: result.items };
  return { ...report, sessions: result.items, warnings: [...(report.warnings ?? []), ...conflicts] };
}
