/**
 * Finding the transcripts that known agents keep on this machine (`reverie sessions discover`), under a
 * home folder (the user's, or another one for tests):
 * - Claude Code: `~/.claude/projects/<project>/*.jsonl` (and subagent files below them);
 * - Codex CLI: `~/.codex/sessions/YYYY/MM/DD/rollout-*.jsonl`;
 * - Gemini CLI: `~/.gemini/tmp/<project hash>/chats/session-*.json` (`.jsonl` in newer CLIs, whose
 *   subagents write `chats/<parent session id>/<session id>.jsonl`);
 * - Cline: `tasks/<id>/api_conversation_history.json` in VS Code's global storage of
 *   `saoudrizwan.claude-dev` (Linux `~/.config/Code/User/globalStorage/…`, macOS `~/Library/Application
 *   Support/Code/User/globalStorage/…`, also Cursor and VSCodium), and `~/.cline/data/tasks`; the same
 *   layout under its forks' extension ids `rooveterinaryinc.roo-cline` (Roo Code) and
 *   `kilocode.kilo-code` (Kilo Code), listed as `roo-code`;
 * - OpenHands: `~/.openhands/sessions/<conversation id>/events/` (its local file store, one JSON file
 *   per event) and, V1, `~/.openhands/conversations/<conversation id>/events/` (see
 *   openhands-file-store.ts), one entry per conversation: the `events` folder, dated by that folder's
 *   modification time (a new event file changes it);
 * - Aider: `.aider.chat.history.md` files under the folders given (aider writes one per repository;
 *   searched at most {@link AIDER_MAX_DEPTH} levels deep, skipping `node_modules` and hidden folders
 *   other than the history itself).
 * Only reads folder listings and file times; never opens a transcript.
 */
import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { SourceFormat, Timestamp } from '../domain/index.js';
import { ValidationError } from '../domain/index.js';
import { compareCodeUnits } from './expand-inputs.js';
import { eventFiles, OPENHANDS_EVENTS_DIR } from './openhands-file-store.js';

/**
 * Where OpenHands keeps its conversations, under the home folder: V0's default `file_store_path` plus
 * `sessions`, and the V1 CLI's conversations folder.
 */
const OPENHANDS_ROOTS = ['.openhands/sessions', '.openhands/conversations'];

/** How deep under each aider root a `.aider.chat.history.md` is looked for. */
export const AIDER_MAX_DEPTH = 4;

/** Options of {@link discoverTranscripts}. */
export interface DiscoverOptions {
  /** The home folder whose agent folders are searched (the user's home by default in the CLI). */
  home: string;
  /** Folders under which aider histories are looked for; none by default. */
  aiderRoots?: string[];
  /** Only files modified at or after this time. */
  since?: Date | null;
}

/** One agent's transcript folder on this machine. */
export interface DiscoveredSource {
  /** The agent, e.g. `claude-code`, `codex`. */
  agent: string;
  /** The format its files are read as. */
  format: SourceFormat;
  /** The folder searched. */
  root: string;
  /**
   * The transcript files found (after `since`), sorted; a task folder counts once (its history file), an
   * OpenHands conversation once (its `events` folder).
   */
  files: string[];
  /** When the newest of them was last modified (ISO-8601 UTC), or null when there are none. */
  newest: Timestamp | null;
}

interface Found {
  path: string;
  mtime: number;
}

/** A known agent: where it keeps transcripts (relative to the home) and which files are transcripts. */
interface AgentSpec {
  agent: string;
  format: SourceFormat;
  roots: string[];
  keep(relPath: string, name: string): boolean;
}

/** The task folders an editor extension keeps in VS Code's (and its forks') global storage. */
const extensionTasks = (extension: string) =>
  ['Code', 'Cursor', 'VSCodium', 'Code - Insiders'].flatMap((app) => [
    join('.config', app, 'User/globalStorage', extension, 'tasks'),
    join('Library/Application Support', app, 'User/globalStorage', extension, 'tasks'),
  ]);
const CLINE_STORAGE = extensionTasks('saoudrizwan.claude-dev');

/**
 * True for a Gemini CLI chat under `~/.gemini/tmp`: `…/chats/session-*.json` or `.jsonl`, or a subagent's
 * `…/chats/<parent session id>/<session id>.jsonl` (gemini-cli's chatRecordingService.ts).
 * @param rel the path relative to `~/.gemini/tmp`, file name included; `name` the file name.
 */
export function isGeminiChatPath(rel: string, name: string): boolean {
  if (!/(^|[\\/])chats[\\/]/.test(rel)) return false;
  if (name.startsWith('session-') && (name.endsWith('.json') || name.endsWith('.jsonl'))) return true;
  return name.endsWith('.jsonl') && /(^|[\\/])chats[\\/][^\\/]+[\\/][^\\/]+$/.test(rel);
}

const AGENTS: AgentSpec[] = [
  {
    agent: 'claude-code',
    format: 'claude-code',
    roots: ['.claude/projects'],
    keep: (_r, n) => n.endsWith('.jsonl'),
  },
  {
    agent: 'codex',
    format: 'codex',
    roots: ['.codex/sessions'],
    keep: (_r, n) => n.startsWith('rollout-') && n.endsWith('.jsonl'),
  },
  {
    agent: 'gemini-cli',
    format: 'gemini-cli',
    roots: ['.gemini/tmp'],
    keep: isGeminiChatPath,
  },
  {
    agent: 'cline',
    format: 'cline',
    roots: [...CLINE_STORAGE, '.cline/data/tasks'],
    keep: (_r, n) => n === 'api_conversation_history.json',
  },
  {
    // Roo Code and Kilo Code, forks of Cline, keep the same task folders under their own extension ids.
    agent: 'roo-code',
    format: 'cline',
    roots: [...extensionTasks('rooveterinaryinc.roo-cline'), ...extensionTasks('kilocode.kilo-code')],
    keep: (_r, n) => n === 'api_conversation_history.json',
  },
];

/**
 * Lists the transcript folders of the known agents under `opts.home` (and aider histories under
 * `opts.aiderRoots`), with their files and newest modification time. Folders that do not exist are
 * left out; unreadable subfolders are skipped.
 * @throws ValidationError (field `aider_root`) naming an aider root that does not exist.
 * @example await discoverTranscripts({ home: os.homedir(), since: new Date(Date.now() - 7 * 86400e3) })
 */
export async function discoverTranscripts(opts: DiscoverOptions): Promise<DiscoveredSource[]> {
  const since = opts.since?.getTime() ?? Number.NEGATIVE_INFINITY;
  const out: DiscoveredSource[] = [];
  for (const spec of AGENTS) {
    for (const rel of spec.roots) {
      const root = join(opts.home, rel);
      if (!(await isDir(root))) continue;
      const found: Found[] = [];
      await walk(root, '', 12, found, spec.keep, false);
      out.push(source(spec.agent, spec.format, root, found, since));
    }
  }
  for (const rel of OPENHANDS_ROOTS) {
    const root = join(opts.home, rel);
    if (await isDir(root))
      out.push(source('openhands', 'openhands', root, await openHandsConversations(root), since));
  }
  for (const root of opts.aiderRoots ?? []) {
    if (!(await isDir(root))) throw new ValidationError(`${root}: no such folder (aider root)`, 'aider_root');
    const found: Found[] = [];
    await walk(root, '', AIDER_MAX_DEPTH, found, (_r, n) => n === '.aider.chat.history.md', true);
    out.push(source('aider', 'aider', root, found, since));
  }
  return out;
}

function source(
  agent: string,
  format: SourceFormat,
  root: string,
  found: Found[],
  since: number,
): DiscoveredSource {
  const kept = found.filter((f) => f.mtime >= since);
  const newest = kept.reduce((m, f) => Math.max(m, f.mtime), Number.NEGATIVE_INFINITY);
  return {
    agent,
    format,
    root,
    files: kept.map((f) => f.path).sort(compareCodeUnits),
    newest: kept.length === 0 ? null : new Date(newest).toISOString(),
  };
}

/**
 * The `events` folders of the OpenHands conversations directly under `root` that hold numbered event
 * files (names only: no file is opened), with the folder's modification time.
 */
async function openHandsConversations(root: string): Promise<Found[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch {
    return [];
  }
  const found: Found[] = [];
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    const events = join(root, e.name, OPENHANDS_EVENTS_DIR);
    if (eventFiles(events).length === 0) continue;
    const st = await stat(events).catch(() => null);
    if (st) found.push({ path: events, mtime: st.mtimeMs });
  }
  return found;
}

async function isDir(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/** Collects files under `dir` that `keep` accepts, `depth` levels deep at most. */
async function walk(
  dir: string,
  rel: string,
  depth: number,
  out: Found[],
  keep: (relPath: string, name: string) => boolean,
  hiddenFilesOnly: boolean,
): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return; // unreadable: skipped
  }
  for (const e of entries) {
    const full = join(dir, e.name);
    const r = rel === '' ? e.name : join(rel, e.name);
    if (e.isDirectory()) {
      if (depth > 0 && e.name !== 'node_modules' && !(hiddenFilesOnly && e.name.startsWith('.')))
        await walk(full, r, depth - 1, out, keep, hiddenFilesOnly);
    } else if (e.isFile() && keep(r, e.name)) {
      const st = await stat(full).catch(() => null);
      if (st) out.push({ path: full, mtime: st.mtimeMs });
    }
  }
}

/**
 * Parses a `--since` value: a duration back from `now` (`90m`, `12h`, `7d`, `2w`) or a date
 * (`2026-05-01`, ISO-8601).
 * @throws ValidationError (field `since`) for anything else.
 * @example parseSince('7d', new Date('2026-05-08T00:00:00Z')) // 2026-05-01T00:00:00.000Z
 */
export function parseSince(value: string, now: Date = new Date()): Date {
  const m = /^(\d+)\s*([mhdw])$/.exec(value.trim());
  if (m) {
    const unit = { m: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3 }[m[2] as 'm' | 'h' | 'd' | 'w'];
    return new Date(now.getTime() - Number(m[1]) * unit);
  }
  const d = new Date(value);
  if (/^\d{4}-\d\d-\d\d/.test(value) && !Number.isNaN(d.getTime())) return d;
  throw new ValidationError(
    `--since: expected a duration such as 7d, 12h, 90m, 2w or a date, got ${JSON.stringify(value)}`,
    'since',
  );
}
