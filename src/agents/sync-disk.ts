/**
 * The disk side of two-way folder sync (folder-sync.ts): the marker file that ties a folder to one store,
 * the sync state kept beside it (baseline shas, pending local deletes, a stat cache of file hashes),
 * scanning a folder into `relative path → content_sha256`, and atomic writes (temp file, fsync, rename;
 * mode 0600 as the SDK's reference memory handler writes).
 *
 * What syncs: regular files whose path has no hidden segment (`.…`) and that are not conflict copies
 * (`….reverie-conflict-…`); symlinks are never followed. The marker and state files are hidden, so they
 * never sync.
 */
import { randomUUID } from 'node:crypto';
import { constants, readdirSync, readFileSync, statSync } from 'node:fs';
import { copyFile, lstat, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { sha256Hex } from '../domain/index.js';

/** Marker file name: `version 1\n<memory store id>\n`. A folder is synced only with the store it names. */
export const SYNC_MARKER = '.reverie-memory-store';
/** Sync state file name (JSON, see {@link SyncState}). */
export const SYNC_STATE = '.reverie-sync.json';
/** Infix of the conflict copies sync writes beside a file: `notes.md.reverie-conflict-20261130T124500Z`. */
export const CONFLICT_INFIX = '.reverie-conflict-';

/** What a folder remembers between syncs. */
export interface SyncState {
  version: 1;
  memory_store_id: string;
  /** Per relative path, the content_sha256 both sides held after the last sync that settled it. */
  baseline: Record<string, string>;
  /** Per relative path, when (ms since epoch) a sync first saw the file missing locally. */
  pending_deletes: Record<string, number>;
  /** Stat cache: a file whose size and mtime are unchanged is not re-read to hash it. */
  hashes: Record<string, { size: number; mtime_ms: number; sha: string }>;
  /** The folder's layout; absent in state files written before layouts existed (then `reverie`). */
  layout?: 'reverie' | 'claude-code';
  /**
   * For a layout that rewrites files (`claude-code`): per relative path in the folder, the store memory it
   * shows (`path`) and that memory's content_sha256 at the last settle (`sha`); for the index also the
   * hash of the link map it was rewritten with (`links`) and whether entries were cut from it (`cut`).
   * `baseline` then holds the hashes of the files as written (the folder form).
   */
  stores?: Record<string, StoreBaseline>;
}

/** What a rewritten file of the folder stands for in the store (see {@link SyncState.stores}). */
export interface StoreBaseline {
  path: string;
  sha: string;
  links?: string;
  cut?: boolean;
}

/** The marker's content for `storeId`. */
export function markerText(storeId: string): string {
  return `version 1\n${storeId}\n`;
}

/** The store a folder's marker names, `null` if there is no marker (or no folder), or `'?'` if unreadable. */
export async function readMarker(dir: string): Promise<string | null> {
  try {
    const m = /^version 1\n(\S+)\n?$/.exec(await readFile(join(dir, SYNC_MARKER), 'utf8'));
    return m ? m[1]! : '?';
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR')
      return null;
    throw e;
  }
}

/** Loads the state file, or a fresh state when there is none (or it belongs to another store). */
export async function loadState(dir: string, storeId: string): Promise<SyncState> {
  const fresh: SyncState = {
    version: 1,
    memory_store_id: storeId,
    baseline: {},
    pending_deletes: {},
    hashes: {},
  };
  try {
    const s = JSON.parse(await readFile(join(dir, SYNC_STATE), 'utf8')) as SyncState;
    return s.version === 1 && s.memory_store_id === storeId ? { ...fresh, ...s } : fresh;
  } catch {
    return fresh;
  }
}

/**
 * The layout a folder was last synced in, from its state file whatever store it names: its `layout`, or
 * `reverie` for a state written before layouts existed that has synced files; null for a folder never
 * synced (no state file, an unreadable one, or nothing settled yet).
 */
export async function recordedLayout(dir: string): Promise<'reverie' | 'claude-code' | null> {
  let s: Partial<SyncState>;
  try {
    s = JSON.parse(await readFile(join(dir, SYNC_STATE), 'utf8')) as Partial<SyncState>;
  } catch {
    return null;
  }
  if (s?.layout === 'reverie' || s?.layout === 'claude-code') return s.layout;
  return s && typeof s.baseline === 'object' && s.baseline && Object.keys(s.baseline).length > 0
    ? 'reverie'
    : null;
}

/** Writes the state file atomically. */
export async function saveState(dir: string, state: SyncState): Promise<void> {
  await atomicWrite(dir, SYNC_STATE, JSON.stringify(state));
}

/** True for relative paths sync handles: no hidden segment, not a conflict copy. */
export function syncable(rel: string): boolean {
  return !rel.split('/').some((s) => s.startsWith('.')) && !rel.includes(CONFLICT_INFIX);
}

/**
 * Hashes every syncable regular file under `dir` (relative paths with `/`), reusing `state.hashes` for
 * files whose size and mtime did not change, and refreshing it.
 * @returns `null` when `dir` does not exist.
 */
export async function scanFolder(dir: string, state: SyncState): Promise<Map<string, string> | null> {
  const out = new Map<string, string>();
  const hashes: SyncState['hashes'] = {};
  // Synchronous stats: ~100× cheaper than a thread-pool round trip each, which dominates at 10,000 files.
  const walk = (abs: string, rel: string): void => {
    for (const e of readdirSync(abs, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (!syncable(r)) continue;
      if (e.isDirectory()) walk(join(abs, e.name), r);
      else if (e.isFile()) {
        const st = statSync(join(abs, e.name));
        const c = state.hashes[r];
        const sha =
          c && c.size === st.size && c.mtime_ms === st.mtimeMs
            ? c.sha
            : sha256Hex(readFileSync(join(abs, e.name)));
        hashes[r] = { size: st.size, mtime_ms: st.mtimeMs, sha };
        out.set(r, sha);
      }
    }
  };
  try {
    walk(dir, '');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  state.hashes = hashes;
  return out;
}

/** The content_sha256 of one file now, or `null` if it is gone. */
export async function hashFile(dir: string, rel: string): Promise<string | null> {
  try {
    return sha256Hex(await readFile(join(dir, rel)));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/**
 * Reads a file as UTF-8 text.
 * @throws Error naming the file when its bytes are not valid UTF-8.
 */
export async function readText(dir: string, rel: string): Promise<string> {
  const bytes = await readFile(join(dir, rel));
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new Error(`${join(dir, rel)} is not valid UTF-8`);
  }
}

/** Writes `content` to `dir/rel` atomically (temp file in the same folder, fsync, rename), creating folders. */
export async function atomicWrite(dir: string, rel: string, content: string): Promise<void> {
  const target = join(dir, rel);
  await mkdir(dirname(target), { recursive: true, mode: 0o700 });
  const tmp = join(dirname(target), `.tmp-${process.pid}-${randomUUID()}`);
  const h = await open(tmp, 'wx', 0o600);
  try {
    await h.writeFile(content, 'utf8');
    await h.sync();
  } finally {
    await h.close();
  }
  try {
    await rename(tmp, target);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw e;
  }
}

/** True when `dir/rel` is a regular file or does not exist (not a symlink, folder or device). */
export async function regularOrAbsent(dir: string, rel: string): Promise<boolean> {
  try {
    return (await lstat(join(dir, rel))).isFile();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw e;
  }
}

/**
 * Copies `dir/rel` byte for byte to `dir/name`, or `name-2`, `name-3`, … when taken: an earlier conflict
 * copy is never overwritten.
 * @returns the relative path of the copy.
 */
export async function keepConflictCopy(dir: string, rel: string, name: string): Promise<string> {
  for (let n = 1; ; n++) {
    const copy = n === 1 ? name : `${name}-${n}`;
    try {
      await copyFile(join(dir, rel), join(dir, copy), constants.COPYFILE_EXCL);
      return copy;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}

/** Removes `dir/rel` (a file sync wrote and nobody changed since). */
export async function removeFile(dir: string, rel: string): Promise<void> {
  await unlink(join(dir, rel));
}

/** Lock file name: one sync of a folder at a time (a `--watch` and a Claude Code hook may overlap). */
export const SYNC_LOCK = '.reverie-sync.lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the folder's sync lock (creating the folder if needed): an exclusive-create file holding the pid.
 * A lock whose process is gone is taken over.
 * @returns a function that releases it.
 * @throws SyncBusyError naming the folder and the holder's pid when another live process holds it.
 */
export async function acquireLock(dir: string): Promise<() => Promise<void>> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, SYNC_LOCK);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const h = await open(file, 'wx', 0o600);
      await h.writeFile(String(process.pid));
      await h.close();
      return () => unlink(file).catch(() => {});
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(await readFile(file, 'utf8').catch(() => 'NaN'));
      if (Number.isInteger(pid) && pid > 0 && alive(pid))
        throw new SyncBusyError(
          `${dir} is being synced by process ${pid} (${SYNC_LOCK}); try again when it is done`,
        );
      await unlink(file).catch(() => {});
    }
  }
  throw new SyncBusyError(`${dir}: could not take ${SYNC_LOCK}`);
}

/** Another sync holds the folder's lock. */
export class SyncBusyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SyncBusyError';
  }
}
