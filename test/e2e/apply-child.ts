/**
 * A separate process that applies a dream (for the concurrency and kill tests):
 *   node --import ./test/e2e/ts-resolve.mjs test/e2e/apply-child.ts DB_FILE DREAM_ID BY [PAUSE_AFTER PAUSE_MS]
 * Prints the ApplyResult as JSON on stdout, or `{"error":{type,message}}` and exits 1.
 * With PAUSE_AFTER = N: after the N-th write, prints `reverie: apply paused after N writes` on stderr and
 * waits PAUSE_MS (default 60,000) inside the open transaction — a pause this test harness injects
 * through apply's hooks; production code has none.
 */
import { type ApplyHooks, applyDream } from '../../src/review/index.js';
import { openSqliteStorage } from '../../src/storage/index.js';

const [file, dreamId, by, pauseAfter, pauseMs] = process.argv.slice(2);

/** The pause asked for on the command line, as apply hooks. */
function pauseHooks(): ApplyHooks {
  const n = Number(pauseAfter);
  if (!Number.isInteger(n) || n < 1) return {};
  const ms = Number(pauseMs ?? 60_000);
  return {
    afterWrite: async (i) => {
      if (i !== n) return;
      process.stderr.write(`reverie: apply paused after ${n} writes\n`);
      await new Promise((r) => setTimeout(r, ms));
    },
  };
}

const storage = await openSqliteStorage(file!);
try {
  const r = await applyDream(storage, dreamId!, { by: by!, hooks: pauseHooks() });
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
