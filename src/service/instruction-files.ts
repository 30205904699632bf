/**
 * Finding a project's instruction files for a dream (issue 15 scope 4): `CLAUDE.md` and `AGENTS.md` in
 * the working directory (`cwd`) the sessions ran in, when that folder exists on this machine, plus files
 * named explicitly (`--instructions-file PATH`). The dream then proposes nothing that repeats them and
 * flags what contradicts them (see `dream/offline/instruction-files.ts`); the files are only read.
 */
import { lstat, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ValidationError } from '../domain/index.js';
import type { Reverie } from './reverie.js';

/** File names looked for in a session's working directory. */
export const INSTRUCTION_FILE_NAMES = ['CLAUDE.md', 'AGENTS.md'] as const;

/** Largest instruction file read (bytes); a larger one is read up to this size. */
const MAX_BYTES = 256 * 1024;

async function readIfFile(path: string): Promise<string | null> {
  const st = await lstat(path).catch(() => null);
  if (!st?.isFile()) return null;
  const buf = await readFile(path);
  return buf.subarray(0, MAX_BYTES).toString('utf8');
}

/**
 * The instruction files of a dream's sessions: for each distinct `metadata.cwd` of the sessions (main
 * sessions and subagents alike), its `CLAUDE.md` and `AGENTS.md` when they are regular files on this
 * machine; then every `explicit` path. Each file once, in that order.
 * @param explicit paths given by the person (`--instructions-file`); each must be a readable file.
 * @returns `{path, content}` with absolute paths; empty when there are none.
 * @throws ValidationError naming an explicit path that is not a regular file.
 */
export async function findInstructionFiles(
  svc: Reverie,
  sessionIds: readonly string[],
  explicit: readonly string[] = [],
): Promise<{ path: string; content: string }[]> {
  const out: { path: string; content: string }[] = [];
  const seen = new Set<string>();
  const sessions = sessionIds.length > 0 ? await svc.getSessions([...sessionIds]) : [];
  const cwds = new Set<string>();
  for (const s of sessions) {
    const cwd = (s.metadata as { cwd?: unknown } | null)?.cwd;
    if (typeof cwd === 'string' && cwd.startsWith('/')) cwds.add(cwd);
  }
  for (const cwd of [...cwds].sort()) {
    for (const name of INSTRUCTION_FILE_NAMES) {
      const path = join(cwd, name);
      const content = seen.has(path) ? null : await readIfFile(path);
      if (content === null) continue;
      seen.add(path);
      out.push({ path, content });
    }
  }
  for (const p of explicit) {
    const path = resolve(p);
    if (seen.has(path)) continue;
    const content = await readIfFile(path);
    if (content === null)
      throw new ValidationError(
        `instructions file ${path}: not found or not a regular file`,
        'instructions_file',
      );
    seen.add(path);
    out.push({ path, content });
  }
  return out;
}
