/**
 * A separate process that applies a dream (for the concurrency and kill tests):
 *   node --import ./test/e2e/ts-resolve.mjs test/e2e/apply-child.ts DB_FILE DREAM_ID BY
 * Prints the ApplyResult as JSON on stdout, or `{"error":{type,message}}` and exits 1.
 * Honors REVERIE_TEST_APPLY_PAUSE_AFTER / REVERIE_TEST_APPLY_PAUSE_MS (see applyHooksFromEnv).
 */
import { applyDream, applyHooksFromEnv } from '../../src/review/index.js';
import { openSqliteStorage } from '../../src/storage/index.js';

const [file, dreamId, by] = process.argv.slice(2);
const storage = await openSqliteStorage(file!);
try {
  const r = await applyDream(storage, dreamId!, { by: by!, hooks: applyHooksFromEnv() });
  process.stdout.write(`${JSON.stringify(r)}\n`);
} catch (e) {
  const err = e as { type?: string; message: string };
  process.stdout.write(
    `${JSON.stringify({ error: { type: err.type ?? 'internal_error', message: err.message } })}\n`,
  );
  process.exitCode = 1;
} finally {
  await storage.close();
}
