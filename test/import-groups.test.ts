/**
 * Import grouped into transactions (issue 13's throughput): consecutive files are written in one
 * transaction with a savepoint per file. Pinned down on every dialect of test/dialects.ts with the real
 * Claude Code and τ-bench files: a file the database refuses in the middle of a group is reported and
 * leaves nothing behind (sessions, events, blobs) while the files around it import; re-import stays
 * idempotent; `onFile` still reports every file in order; groups are bounded; a failed group transaction
 * falls back to one transaction per file. SIGKILL safety (SQLite file): a group not yet committed leaves
 * nothing.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { sha256Hex } from '../src/domain/index.js';
import { type FileImportReport, type ImportReport, Reverie } from '../src/service/index.js';
import { IMPORT_GROUP_FILES } from '../src/service/sessions.js';
import { type KyselyStorage, openSqliteStorage, type Storage } from '../src/storage/index.js';
import { CLAUDE_CODE, describeWithData, TAU } from './data.js';
import { DIALECTS } from './dialects.js';

const ROOT = resolve(import.meta.dirname, '..');

/** A text long enough to be stored as a blob, unique to the refused file. */
const REFUSED_TEXT = `refused-file marker ${'x'.repeat(2000)}`;

/** A reverie JSONL file of two sessions (a parent and its subagent), one event holding REFUSED_TEXT. */
function writeRefusedFile(dir: string): string {
  const d = join(dir, 'refused');
  mkdirSync(d, { recursive: true });
  const file = join(d, 'refused.jsonl');
  writeFileSync(
    file,
    [
      { type: 'session', external_id: 'refused-parent', agent_id: 'a' },
      { type: 'user.message', text: REFUSED_TEXT },
      { type: 'session', external_id: 'refused-child', agent_id: 'a', parent_external_id: 'refused-parent' },
      { type: 'user.message', text: 'hello' },
    ]
      .map((l) => JSON.stringify(l))
      .join('\n'),
  );
  return file;
}

/**
 * Makes the database refuse the events of sessions read from a file under a `refused/` folder: a trigger
 * that fails after the file's blobs and session rows are written, so that a rollback must undo them.
 */
async function refuseFolder(storage: Storage, dialect: string): Promise<void> {
  const db = (storage as KyselyStorage).db;
  if (dialect === 'sqlite') {
    await sql`create trigger refuse_events before insert on session_events
      when (select source_file from sessions where id = new.session_id) like '%/refused/%'
      begin select raise(abort, 'refused by the test trigger'); end`.execute(db);
    return;
  }
  await sql`create function refuse_events() returns trigger language plpgsql as $$
    begin
      if (select source_file from sessions where id = new.session_id) like '%/refused/%' then
        raise exception 'refused by the test trigger';
      end if;
      return new;
    end $$`.execute(db);
  await sql`create trigger refuse_events before insert on session_events
    for each row execute function refuse_events()`.execute(db);
}

/** Writes `n` small reverie JSONL files (one session each) under `dir`, in name order. */
function writeSmallFiles(dir: string, n: number): string {
  const d = join(dir, 'small');
  mkdirSync(d, { recursive: true });
  for (let i = 0; i < n; i++)
    writeFileSync(
      join(d, `s-${String(i).padStart(4, '0')}.jsonl`),
      `{"type":"session","external_id":"small-${i}","agent_id":"a"}\n{"type":"user.message","text":"hi ${i}"}\n`,
    );
  return d;
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'reverie-import-groups-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

for (const dialect of DIALECTS) {
  describeWithData(`grouped import (${dialect.name})`, () => {
    let storage: Storage;
    let svc: Reverie;
    beforeEach(async () => {
      storage = await dialect.open();
      svc = new Reverie({ storage });
    });
    afterEach(async () => {
      await storage.close();
    });

    it('a file the database refuses mid-group is reported, leaves nothing, and the others import', async () => {
      await refuseFolder(storage, dialect.name);
      const refused = writeRefusedFile(dir);
      const seen: [string, number][] = [];
      const onFile = (r: FileImportReport, i: number) => seen.push([r.file, i]);
      const r = await svc.importSessions([CLAUDE_CODE, refused, TAU], { onFile });
      expect(r.totals).toEqual({
        files: 10,
        failed_files: 1,
        skipped_files: 0,
        created: 108,
        updated: 0,
        unchanged: 0,
      });
      expect(r.files.map((f) => f.status)).toEqual([...Array(8).fill('imported'), 'failed', 'imported']);
      const bad = r.files[8]!;
      expect(bad.file).toBe(refused);
      expect(bad.status === 'failed' && bad.error.message).toMatch(
        /refused\.jsonl: .*refused by the test trigger/,
      );
      expect(seen).toEqual(r.files.map((f, i) => [f.file, i]));
      await expectNothingOfRefused(storage);
      const all = (await svc.listSessions({ limit: 1000 })).data;
      expect(all).toHaveLength(108);
      expect(all.filter((s) => s.parent_session_id !== null)).toHaveLength(6);
      const events = await svc.getEvents(r.session_ids[107]!);
      expect(events.length).toBeGreaterThan(0);

      const again = await svc.importSessions([CLAUDE_CODE, refused, TAU]);
      expect(again.totals).toEqual({
        files: 10,
        failed_files: 1,
        skipped_files: 0,
        created: 0,
        updated: 0,
        unchanged: 108,
      });
      expect(again.session_ids).toEqual(r.session_ids);
      await expectNothingOfRefused(storage);
    });

    it("a session in two files of one group: the second file sees the first one's and is kept beside it, warned", async () => {
      const a = join(dir, 'a.jsonl');
      const b = join(dir, 'b.jsonl');
      const line = (text: string) =>
        `{"type":"session","external_id":"twice","agent_id":"a"}\n{"type":"user.message","text":"${text}"}\n`;
      writeFileSync(a, line('first version'));
      writeFileSync(b, `${line('second version')}{"type":"session","external_id":"once","agent_id":"a"}\n`);
      const statuses = (rep: ImportReport) =>
        rep.files.map((f) => f.status === 'imported' && f.sessions.map((it) => [it.external_id, it.status]));
      const r = await svc.importSessions([a, b]);
      expect(statuses(r)).toEqual([
        [['twice', 'created']],
        [
          ['twice@b.jsonl', 'created'],
          ['once', 'created'],
        ],
      ]);
      const second = r.files[1]!;
      expect(second.status === 'imported' && second.warnings?.map((w) => w.type)).toEqual([
        'session_conflict',
      ]);
      const texts = async (id: string) =>
        (await svc.getEvents(id)).map((e) => (e.type === 'user.message' ? e.text : ''));
      expect(await texts(r.session_ids[0]!)).toEqual(['first version']);
      expect(await texts(r.session_ids[1]!)).toEqual(['second version']);
      const again = await svc.importSessions([a, b]);
      expect(statuses(again)).toEqual([
        [['twice', 'unchanged']],
        [
          ['twice@b.jsonl', 'unchanged'],
          ['once', 'unchanged'],
        ],
      ]);
    });

    it('writes at most IMPORT_GROUP_FILES files per transaction and reports every file in order', async () => {
      const n = 2 * IMPORT_GROUP_FILES + 5;
      const spy = vi.spyOn(storage, 'importSessionFiles');
      const seen: number[] = [];
      const r = await svc.importSessions([writeSmallFiles(dir, n)], { onFile: (_f, i) => seen.push(i) });
      expect(r.totals).toMatchObject({ files: n, failed_files: 0, created: n });
      expect(spy.mock.calls.map((c) => c[0].length)).toEqual([IMPORT_GROUP_FILES, IMPORT_GROUP_FILES, 5]);
      expect(seen).toEqual([...Array(n).keys()]);
      expect((await svc.listSessions({ limit: 1000 })).data).toHaveLength(n);
    });

    it('falls back to one transaction per file when a group transaction fails as a whole', async () => {
      const spy = vi.spyOn(storage, 'importSessionFiles');
      spy.mockRejectedValueOnce(new Error('database or disk is full'));
      const r = await svc.importSessions([CLAUDE_CODE]);
      expect(r.totals).toMatchObject({ files: 8, failed_files: 0, created: 8 });
      expect(spy.mock.calls.map((c) => c[0].length)).toEqual([8, 1, 1, 1, 1, 1, 1, 1, 1]);
      expect((await svc.listSessions({ limit: 100 })).data).toHaveLength(8);
    });
  });
}

/** Asserts that no session, event row or blob of the refused file is stored. */
async function expectNothingOfRefused(storage: Storage): Promise<void> {
  const db = (storage as KyselyStorage).db;
  const sessions = await db
    .selectFrom('sessions')
    .select('id')
    .where('external_id', 'like', 'refused-%')
    .execute();
  expect(sessions).toEqual([]);
  const events = await db
    .selectFrom('session_events')
    .innerJoin('sessions', 'sessions.id', 'session_events.session_id')
    .select('session_events.session_id')
    .where('sessions.source_file', 'like', '%/refused/%')
    .execute();
  expect(events).toEqual([]);
  const blobs = await db
    .selectFrom('blobs')
    .select('sha256')
    .where('sha256', '=', sha256Hex(REFUSED_TEXT))
    .execute();
  expect(blobs).toEqual([]);
}

describeWithData('grouped import and SIGKILL (sqlite file)', () => {
  it('a group killed before its commit leaves nothing; the database then imports normally', async () => {
    const file = join(dir, 'killed.db');
    await (await openSqliteStorage(file)).close();
    const child = spawn(
      process.execPath,
      [
        '--import',
        join(ROOT, 'test/e2e/ts-resolve.mjs'),
        join(ROOT, 'test/import-group-holder.ts'),
        file,
        CLAUDE_CODE,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const closed = new Promise<NodeJS.Signals | null>((r) => child.on('close', (_code, signal) => r(signal)));
    const written = await new Promise<string>((r) =>
      child.stdout.once('data', (b: Buffer) => r(b.toString())),
    );
    expect(written).toBe('written 8\n');
    child.kill('SIGKILL');
    expect(await closed).toBe('SIGKILL');
    const storage = await openSqliteStorage(file);
    try {
      expect((await storage.listSessions({ limit: 100 })).data).toEqual([]);
      expect(await storage.db.selectFrom('blobs').select('sha256').execute()).toEqual([]);
      const r = await new Reverie({ storage }).importSessions([CLAUDE_CODE]);
      expect(r.totals).toMatchObject({ files: 8, failed_files: 0, created: 8 });
    } finally {
      await storage.close();
    }
  });
});
