/**
 * A second process that holds SQLite's write lock the way `apply` does (its transaction's first
 * statement is `Storage.lockStore`, a write), for the concurrent-writer tests:
 *   node --import ./test/e2e/ts-resolve.mjs test/sqlite-lock-holder.ts DB_FILE STORE_ID HOLD_MS
 * Prints `locked` once inside the transaction, holds it HOLD_MS milliseconds, commits, prints `done`.
 */
import { openSqliteStorage } from '../src/storage/index.js';

const [file, storeId, holdMs] = process.argv.slice(2);
const storage = await openSqliteStorage(file!);
try {
  await storage.transaction(async (tx) => {
    if (!(await tx.lockStore(storeId!))) throw new Error(`no store ${storeId}`);
    process.stdout.write('locked\n');
    await new Promise((r) => setTimeout(r, Number(holdMs)));
  });
  process.stdout.write('done\n');
} finally {
  await storage.close();
}
