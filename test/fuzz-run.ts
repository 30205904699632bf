/**
 * The fuzz runner: writes seeded mutated transcripts (test/fuzz-corpus.ts) to a folder, imports each
 * through the service layer into a fresh SQLite database, and checks the invariants of issue 7:
 * - no crash: `importSessions` never throws, whatever the bytes;
 * - no internal error: every failed file is an `import_error` / `invalid_request_error` whose message
 *   starts with the file's path, never "internal error" or `internal_error`;
 * - nothing half-written: a failed file left no session behind (no row has its `source_file`); an
 *   imported file has every session it reported, each with all of its events.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FileImportReport } from '../src/service/index.js';
import { Reverie } from '../src/service/index.js';
import { storageOf } from '../src/service/internal.js';
import type { KyselyStorage } from '../src/storage/index.js';
import { type FuzzBase, makeCase } from './fuzz-corpus.js';

/** What {@link runFuzz} counted. `problems` holds the first 20 violations, each naming its file. */
export interface FuzzCounts {
  files: number;
  imported: number;
  failed: number;
  /** Imported files that carried warnings (invalid UTF-8). */
  warned: number;
  crashes: number;
  internal_errors: number;
  /** Failed files whose message does not start with the file's path. */
  unnamed_errors: number;
  half_written: number;
  /** Per mutation: files it took part in, and how many of those failed. */
  by_mutation: Record<string, { files: number; failed: number }>;
  problems: string[];
}

/** Options of {@link runFuzz}. */
export interface FuzzOptions {
  bases: FuzzBase[];
  files: number;
  seed: string;
  /** Scratch folder (created); the cases and the database are written under it. */
  dir: string;
  /** Called after each file (progress). */
  onFile?: (index: number, counts: FuzzCounts) => void;
}

/** Runs the fuzz cases `0 … files-1` of `seed`; see the module comment for what is checked. */
export async function runFuzz(opts: FuzzOptions): Promise<FuzzCounts> {
  const counts: FuzzCounts = {
    files: 0,
    imported: 0,
    failed: 0,
    warned: 0,
    crashes: 0,
    internal_errors: 0,
    unnamed_errors: 0,
    half_written: 0,
    by_mutation: {},
    problems: [],
  };
  mkdirSync(opts.dir, { recursive: true });
  const svc = await Reverie.open({ db: join(opts.dir, 'fuzz.db') });
  try {
    for (let i = 0; i < opts.files; i++) {
      const c = makeCase(opts.bases, opts.seed, i);
      const file = writeCase(opts.dir, i, c);
      const failed = await importAndCheck(svc, file, i % 5 === 4 ? 'error' : 'warn', counts);
      for (const m of c.mutations) {
        counts.by_mutation[m] ??= { files: 0, failed: 0 };
        const row = counts.by_mutation[m];
        row.files++;
        if (failed) row.failed++;
      }
      opts.onFile?.(i, counts);
    }
  } finally {
    await svc.close();
  }
  return counts;
}

function writeCase(dir: string, i: number, c: ReturnType<typeof makeCase>): string {
  const caseDir = join(dir, String(i).padStart(5, '0'));
  mkdirSync(caseDir, { recursive: true });
  const file = join(caseDir, c.name);
  writeFileSync(file, c.bytes);
  if (c.report) writeFileSync(join(caseDir, 'report.json'), c.report);
  return file;
}

/** Imports one file and checks it; returns true when the file failed (as it may). */
async function importAndCheck(
  svc: Reverie,
  file: string,
  invalid_utf8: 'warn' | 'error',
  counts: FuzzCounts,
): Promise<boolean> {
  counts.files++;
  let report: FileImportReport;
  try {
    const rep = await svc.importSessions([file], { invalid_utf8 });
    report = rep.files[0]!;
  } catch (e) {
    counts.crashes++;
    problem(counts, `${file}: crash: ${(e as Error).stack ?? String(e)}`);
    return true;
  }
  if (report.status === 'failed') {
    counts.failed++;
    checkError(file, report.error, counts);
    if ((await storedFrom(svc, file)) > 0) {
      counts.half_written++;
      problem(counts, `${file}: failed, yet sessions from it are stored`);
    }
    return true;
  }
  counts.imported++;
  if (report.warnings?.length) counts.warned++;
  await checkComplete(
    svc,
    file,
    report.status === 'skipped' ? [] : report.sessions.map((s) => s.session_id),
    counts,
  );
  return false;
}

function checkError(file: string, error: { type: string; message: string }, counts: FuzzCounts): void {
  if (error.type === 'internal_error' || /internal error|call stack/i.test(error.message)) {
    counts.internal_errors++;
    problem(counts, `${file}: internal error: ${error.type}: ${error.message.slice(0, 300)}`);
  } else if (!['import_error', 'invalid_request_error'].includes(error.type)) {
    counts.internal_errors++;
    problem(counts, `${file}: unexpected error type ${error.type}: ${error.message.slice(0, 300)}`);
  }
  if (!error.message.startsWith(file)) {
    counts.unnamed_errors++;
    problem(counts, `${file}: error does not name the file: ${error.message.slice(0, 300)}`);
  }
}

/** Every reported session is stored with all its events. */
async function checkComplete(svc: Reverie, file: string, ids: string[], counts: FuzzCounts): Promise<void> {
  for (const id of new Set(ids)) {
    const s = await svc.getSession(id).catch(() => null);
    const events = s ? await svc.getEvents(id) : [];
    if (!s || events.length !== s.event_count) {
      counts.half_written++;
      problem(
        counts,
        `${file}: session ${id} ${s ? `has ${events.length} of ${s.event_count} events` : 'missing'}`,
      );
      return;
    }
  }
}

/** How many stored sessions name `file` as their source. */
async function storedFrom(svc: Reverie, file: string): Promise<number> {
  const db = (storageOf(svc) as KyselyStorage).db;
  const row = await db
    .selectFrom('sessions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('source_file', '=', file)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

function problem(counts: FuzzCounts, text: string): void {
  if (counts.problems.length < 20) counts.problems.push(text);
}
