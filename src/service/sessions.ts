/**
 * Sessions: import transcripts (files or folders, each file in its own transaction, idempotent), list,
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
  type InvalidUtf8Mode,
  importTranscripts,
  type ParsedTranscript,
} from '../ingest/index.js';
import type { Page, SessionImportItem, Storage } from '../storage/index.js';

/**
 * Per-file result of {@link SessionService.importFiles} (`Reverie.importSessions`): imported sessions (with
 * `warnings`, e.g. invalid UTF-8, when there are any), or the error that stopped the file.
 */
export type FileImportReport =
  | {
      file: string;
      format: SourceFormat;
      status: 'imported';
      sessions: SessionImportItem[];
      warnings?: ImportWarning[];
    }
  | { file: string; status: 'failed'; error: { type: string; message: string } };

/** Result of `Reverie.importSessions`: per file, plus totals. */
export interface ImportReport {
  files: FileImportReport[];
  totals: { files: number; failed_files: number; created: number; updated: number; unchanged: number };
  /** Ids of all sessions in the imported files (created, updated or unchanged), in file order. */
  session_ids: string[];
}

/** Options of `Reverie.importSessions`. */
export interface ImportSessionsOptions {
  format?: SourceFormat;
  agent_id?: string;
  team_id?: string;
  /** The person whose sessions these are (`--user`), when the format does not say. */
  user_id?: string;
  /** Bytes that are not UTF-8: `warn` (default; imported as U+FFFD, reported) or `error` (file refused). */
  invalid_utf8?: InvalidUtf8Mode;
  /** Called after each file with its report and its index in `files`. */
  onFile?: (r: FileImportReport, index: number) => void;
}

/** Session operations over one (workspace-scoped) storage. Errors are the domain's typed errors. */
export class SessionService {
  readonly #storage: Storage;

  constructor(storage: Storage) {
    this.#storage = storage;
  }

  /**
   * Imports transcripts (files or folders). Each file is imported in its own transaction: a bad file is
   * reported with its error (naming file and line) and the others still import; re-importing is idempotent.
   */
  async importFiles(paths: string[], opts: ImportSessionsOptions = {}): Promise<ImportReport> {
    const files: FileImportReport[] = [];
    const session_ids: string[] = [];
    const totals = { files: 0, failed_files: 0, created: 0, updated: 0, unchanged: 0 };
    const gen = importTranscripts(paths, {
      format: opts.format,
      agent_id: opts.agent_id,
      team_id: opts.team_id,
      invalid_utf8: opts.invalid_utf8,
    });
    for await (const r of gen) {
      totals.files++;
      const report: FileImportReport =
        'error' in r
          ? { file: r.file, status: 'failed', error: { type: r.error.type, message: r.error.message } }
          : await this.#store(r, opts.team_id, opts.user_id);
      if (report.status === 'failed') totals.failed_files++;
      else
        for (const it of report.sessions) {
          totals[it.status]++;
          session_ids.push(it.session_id);
        }
      files.push(report);
      opts.onFile?.(report, files.length - 1);
    }
    return { files, totals, session_ids };
  }

  /** Stores one parsed file's sessions in one transaction; a storage error becomes the file's failure. */
  async #store(
    r: ParsedTranscript,
    teamId: string | undefined,
    userId: string | undefined,
  ): Promise<FileImportReport> {
    try {
      const items = await this.#storage.importSessions(
        r.sessions.map((s) => ({
          ...s,
          team_id: teamId ?? (s as { team_id?: string | null }).team_id ?? null,
          user_id: s.user_id ?? userId ?? null,
        })),
      );
      const report: FileImportReport = {
        file: r.file,
        format: r.format,
        status: 'imported',
        sessions: items,
      };
      if (r.warnings.length > 0) report.warnings = r.warnings;
      return report;
    } catch (e) {
      const err = ReverieError.isInstance(e) ? e : new ReverieError('internal_error', (e as Error).message);
      return {
        file: r.file,
        status: 'failed',
        error: { type: err.type, message: `${r.file}: ${err.message}` },
      };
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
