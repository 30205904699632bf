/**
 * Turns command-line arguments (files and folders) into the list of transcript files to import.
 */
import {
  closeSync,
  type Dirent,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  type Stats,
  statSync,
} from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { ImportError } from '../domain/index.js';
import { isAiderHistory } from './aider.js';
import { isOpenHandsEventsDir, OPENHANDS_EVENTS_DIR } from './openhands-file-store.js';

/** Name of mini-swe-agent's SWE-bench sidecar, read beside the trajectory, never imported alone. */
export const REPORT_SIDECAR = 'report.json';

/**
 * True for a file name a folder walk imports: `*.jsonl`, `*.json` (incl. `*.traj.json`), SWE-agent's
 * `*.traj`, not `report.json`.
 */
export function isTranscriptName(name: string): boolean {
  return (
    (name.endsWith('.jsonl') || name.endsWith('.json') || name.endsWith('.traj')) &&
    name !== REPORT_SIDECAR &&
    !name.startsWith('.')
  );
}

/**
 * Hidden folders that agents keep their transcripts in, and the subfolder holding them: Claude Code's
 * `.claude/projects/<project>/<session>.jsonl`, Codex's `.codex/sessions/YYYY/MM/DD/rollout-*.jsonl`,
 * Gemini CLI's `.gemini/tmp/<hash>/chats/*.json`. A folder walk enters only that subfolder (a repository
 * that committed its `.claude/projects`, a backup of a home folder); the rest of these folders (settings,
 * to-do lists, caches) holds JSON that is no transcript.
 */
const TRANSCRIPT_HOMES: ReadonlyMap<string, string> = new Map([
  ['.claude', 'projects'],
  ['.codex', 'sessions'],
  ['.gemini', 'tmp'],
]);

/**
 * Expands paths into transcript files, in argument order (each folder's files sorted by path in
 * code-unit order), de-duplicated by resolved path (the first mention wins). Keeping the user's order
 * makes results independent of where the files happen to live.
 * Files named explicitly are kept whatever their name; folders are walked recursively, keeping
 * `*.jsonl` and `*.json` entries (so `*.traj.json` and Claude Code `subagents/agent-*.jsonl` too), and
 * Markdown files (`*.md`, hidden ones too, such as aider's `.aider.chat.history.md`) whose content is an
 * aider chat history ({@link isMarkdownTranscript}), skipping `report.json` (mini-swe-agent's sidecar),
 * other hidden files, hidden folders (but the transcript subfolder of an agent's own, such as
 * `.claude/projects`: {@link TRANSCRIPT_HOMES}), `node_modules`, and symlinked folders. Returned paths are joined onto the argument as given (not resolved).
 * An OpenHands conversation folder (one holding an `events/` folder of numbered event files, see
 * openhands-file-store.ts) is returned as its `events` folder, one entry, and nothing else in it is
 * walked (`metadata.json`, the `event_cache/` copies); so is an `events` folder given itself.
 * Entries with a transcript name that are not regular files (a FIFO, socket or device, directly or
 * through a symlink) are returned too, never opened here: the reader ({@link readRegularFile}) refuses
 * them by path, so they are reported as failed files instead of hanging the import or vanishing.
 * @throws ImportError naming the path when it does not exist or cannot be read.
 * @example await expandInputs(['../shared/data/claude-code']) // [...'/0ccf….jsonl', '…/subagents/agent-a5bdbc1.jsonl', …]
 */
export async function expandInputs(paths: string[]): Promise<string[]> {
  const seen = new Map<string, string>();
  for (const p of paths) {
    for (const f of await expandOne(p)) {
      const key = resolve(f);
      if (!seen.has(key)) seen.set(key, f);
    }
  }
  return [...seen.values()];
}

/**
 * Expands one path (see {@link expandInputs}), sorted. The folder walk is synchronous, as file reads are
 * (import-transcripts.ts): the asynchronous calls cost a thread-pool round trip and a promise each, about
 * 20 ms of CPU for 1,000 Claude Code files in 250 folders against ~2 ms synchronously.
 * @throws ImportError naming `p` when it does not exist.
 */
export async function expandOne(p: string): Promise<string[]> {
  let st: Stats;
  try {
    st = statSync(p);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ImportError(
      p,
      code === 'ENOENT' ? 'no such file or directory' : `cannot read: ${code ?? String(e)}`,
    );
  }
  if (!st.isDirectory()) return [p];
  if (basename(p) === OPENHANDS_EVENTS_DIR && isOpenHandsEventsDir(p, readRegular)) return [p];
  const out: string[] = [];
  walk(p, out);
  return out.sort(compareCodeUnits);
}

function walk(dir: string, out: string[]): void {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    throw new ImportError(dir, `cannot read folder: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  if (entries.some((e) => e.name === OPENHANDS_EVENTS_DIR && e.isDirectory())) {
    const events = join(dir, OPENHANDS_EVENTS_DIR);
    if (isOpenHandsEventsDir(events, readRegular)) {
      out.push(events);
      return;
    }
  }
  for (const entry of entries) {
    const name = entry.name;
    const full = join(dir, name);
    if (name.endsWith('.md') && !entry.isDirectory()) {
      if (entry.isFile() && isMarkdownTranscript(full)) out.push(full);
      continue;
    }
    const home = entry.isDirectory() ? TRANSCRIPT_HOMES.get(name) : undefined;
    if (home !== undefined) {
      const inner = join(full, home);
      if (statSync(inner, { throwIfNoEntry: false })?.isDirectory()) walk(inner, out);
      continue;
    }
    if (name.startsWith('.') || name === 'node_modules') continue;
    if (entry.isDirectory()) walk(full, out);
    else if (!isTranscriptName(name)) continue;
    else if (entry.isSymbolicLink()) {
      // A dangling link or a link to a folder is skipped; a link to anything else is kept, and the
      // reader refuses what is not a regular file (FIFO, socket, device), naming it.
      const st = statSync(full, { throwIfNoEntry: false });
      if (st && !st.isDirectory()) out.push(full);
    } else out.push(full);
  }
}

/** Reads a regular file's bytes (anything else, e.g. a FIFO, throws instead of being opened). */
function readRegular(path: string): Buffer {
  if (!statSync(path).isFile()) throw new Error(`${path}: not a regular file`);
  return readFileSync(path);
}

/** How many bytes of a Markdown file are read to tell whether it is a transcript. */
const MARKDOWN_SNIFF_BYTES = 1024;

/**
 * True if the Markdown file at `path` is a transcript: its first {@link MARKDOWN_SNIFF_BYTES} bytes open
 * like an aider chat history (`# aider chat started at`, after blank lines or a BOM). A file that cannot
 * be read is not one (folders hold many Markdown files that are not transcripts; a file named explicitly
 * is still read, and its errors reported, by the importer).
 */
export function isMarkdownTranscript(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return false;
  }
  try {
    const buf = Buffer.alloc(MARKDOWN_SNIFF_BYTES);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return isAiderHistory(buf.toString('utf8', 0, n));
  } catch {
    return false;
  } finally {
    closeSync(fd);
  }
}

/** Deterministic, locale-independent string order. */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
