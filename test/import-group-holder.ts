/**
 * A process that writes a group of files with `Storage.importSessionFiles` and then never commits, for the
 * SIGKILL test of test/import-groups.test.ts:
 *   node --import ./test/e2e/ts-resolve.mjs test/import-group-holder.ts DB_FILE TRANSCRIPTS…
 * Reads and prepares the transcripts, writes them all as one group inside an open transaction, prints
 * `written N` (N files written) and waits inside the transaction until it is killed.
 */
import { importTranscripts } from '../src/ingest/index.js';
import { openSqliteStorage, type PreparedSession, prepareSession } from '../src/storage/index.js';

const [file, ...paths] = process.argv.slice(2);
const storage = await openSqliteStorage(file!);
const files: PreparedSession[][] = [];
for await (const r of importTranscripts(paths)) {
  if ('error' in r) throw r.error;
  files.push(r.sessions.map((s) => prepareSession({ ...s, team_id: null, user_id: s.user_id ?? null })));
}
await storage.transaction(async (tx) => {
  const results = await tx.importSessionFiles(files);
  const written = results.filter((x) => 'items' in x).length;
  process.stdout.write(`written ${written}\n`);
  await new Promise(() => {});
});
