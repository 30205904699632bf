/**
 * `reverie dream --demo`: a first dream that needs nothing but a clone. The project's own seeded
 * generator (src/eval/generator, the planted benchmark) writes a small corpus into a new temporary
 * folder — customer-support sessions in OpenAI chat format, coding sessions in Claude Code JSONL, and
 * a memory folder with duplicates and stale entries — and the one-shot dream runs over it. Without an
 * explicit `--db`, the dream's database is a file in that folder, so a demo never mixes its sessions
 * into your own database.
 */
import { mkdtemp, readdir, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { ReverieError } from '../domain/index.js';
import { generatePlanted } from '../eval/index.js';

/** Sessions the demo corpus holds (half support, half coding) and the generator seed it uses. */
export const DEMO = { sessions: 60, seed: 1 } as const;

/** What {@link prepareDemo} wrote: the transcript folders and the memory folder to dream. */
export interface DemoCorpus {
  dir: string;
  transcripts: string[];
  memory: string;
  /** The database the demo uses (`DIR/reverie.db`, or the explicit `--db`). */
  db: string;
}

/**
 * Writes the demo corpus (see the module comment) and points the command's `--db` at
 * `DIR/reverie.db` unless `--db` was given.
 * @param cmd the `dream` command (its parent holds the global `--db`).
 * @param o the dream command's options; `--demo` excludes transcripts, `--memory` and `--store`.
 * @throws ReverieError (`invalid_request_error`) when `--demo` is combined with transcripts, `--memory` or `--store`.
 */
export async function prepareDemo(
  cmd: Command,
  transcripts: string[],
  o: { memory?: string; store?: string },
): Promise<DemoCorpus> {
  if (transcripts.length > 0 || o.memory || o.store)
    throw new ReverieError(
      'invalid_request_error',
      '--demo dreams a corpus it generates itself: give no transcripts, --memory or --store with it',
    );
  const dir = await mkdtemp(join(tmpdir(), 'reverie-demo-'));
  const gt = await generatePlanted({ outDir: dir, sessions: DEMO.sessions, seed: DEMO.seed });
  // The memory files date from the corpus's own time line (as the benchmark reads them), not from now:
  // relative dates in them resolve the same way on every run.
  const at = new Date(gt.time.memory_updated_at);
  const memory = join(dir, gt.layout.memory_dir);
  for (const f of await readdir(memory, { recursive: true, withFileTypes: true }))
    if (f.isFile()) await utimes(join(f.parentPath, f.name), at, at);
  const root = cmd.parent!;
  if (!root.opts().db) root.setOptionValue('db', join(dir, 'reverie.db'));
  return {
    dir,
    // transcripts/support-reverie holds the same support sessions in reverie's format: not dreamed twice.
    transcripts: [join(dir, 'transcripts/support'), join(dir, 'transcripts/coding')],
    memory,
    db: root.opts().db as string,
  };
}

/** The line the demo prints before the dream's own output. */
export function demoLine(d: DemoCorpus): string {
  return `Generated a demo corpus in ${d.dir}: ${DEMO.sessions} sessions (${DEMO.sessions / 2} customer-support chats, ${DEMO.sessions / 2} Claude Code coding sessions; seed ${DEMO.seed}) and a memory folder\n`;
}
