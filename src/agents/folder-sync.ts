/**
 * Two-way sync of a memory store with a folder (`reverie sync <store> <dir>`), with the rules of the
 * Anthropic SDK's `SessionMemoryStores` (`@anthropic-ai/sdk/tools/agent-toolset`, SDK 1.14;
 * shared/reference/anthropic-api.md §0a) and safer where it is weak:
 *
 * - a marker file ties the folder to one store; a folder whose marker names another store is left as found
 *   (nothing pushed, nothing deleted, an error); a folder with files but no marker is refused unless
 *   `adopt` (then merged: nothing on either side is lost);
 * - a content-free listing (paths and shas) and the folder's hashes decide; only memories actually written
 *   to disk are fetched, so a sync that finds nothing changed moves no content;
 * - a change on one side goes to the other: remote-only → disk; local-only → up, as an update with a
 *   `content_sha256` precondition or a create;
 * - a change on both sides keeps the server's version at the path and writes the local one beside it as
 *   a conflict copy (`<file>.reverie-conflict-<UTC time>`, never synced) — the SDK discards it;
 * - a file deleted locally is deleted on the server only after `deleteDelayMs` (default 30 s) and a
 *   re-check (marker still there, file still absent), at most max(8, min(50, baseline/4)) per sync;
 * - a memory deleted on the server is removed from disk only if the file still holds the synced bytes;
 * - a folder that vanished, lost its marker while empty, or lost every file at once is re-downloaded,
 *   never read as a mass delete;
 * - `readOnly` pulls but never pushes or deletes on the server;
 * - one sync of a folder at a time (a lock file holding the pid; a dead holder's lock is taken over);
 * - a symlink or folder where a memory's file would go is left alone, and conflict copies are byte for
 *   byte and never overwrite an earlier one.
 *
 * Every server write is a memory version by `{type:'sync_actor', id: <absolute folder path>}`.
 */
import { resolve } from 'node:path';
import { type Actor, ReverieError, ValidationError } from '../domain/index.js';
import type { Memory } from '../domain/types.js';
import { listTree } from '../service/memory-tree.js';
import type { Reverie } from '../service/reverie.js';
import {
  acquireLock,
  atomicWrite,
  CONFLICT_INFIX,
  hashFile,
  keepConflictCopy,
  loadState,
  markerText,
  readMarker,
  readText,
  regularOrAbsent,
  removeFile,
  SYNC_MARKER,
  type SyncState,
  saveState,
  scanFolder,
  syncable,
} from './sync-disk.js';

/** Options of {@link syncFolder}. */
export interface SyncOptions {
  /** Pull only: never push, never delete on the server. */
  readOnly?: boolean;
  /** Merge a folder that has files but no marker (first sync of an existing memory folder). */
  adopt?: boolean;
  /** How long (ms) a file must stay missing locally before its server delete goes out. Default 30,000. */
  deleteDelayMs?: number;
  /** Clock (ms since epoch); tests pass their own. */
  now?: () => number;
  /** Receives one line per notable event (conflicts, refusals, recoveries). */
  log?: (line: string) => void;
}

/** What one sync did. Paths are relative to the folder (`notes/a.md` ↔ store `/notes/a.md`). */
export interface SyncReport {
  memory_store_id: string;
  dir: string;
  /** Memories written to disk. */
  pulled: string[];
  /** Files uploaded (created or updated on the server). */
  pushed: string[];
  /** Files removed from disk because the memory was deleted on the server. */
  deleted_local: string[];
  /** Memories deleted on the server because the file was deleted locally (after the delay). */
  deleted_remote: string[];
  /** Local deletions waiting for their delay or the per-sync cap. */
  pending_deletes: string[];
  /** Both sides changed: the server's version is at `path`, the local one at `conflict_file`. */
  conflicts: { path: string; conflict_file: string }[];
  /** Files or memories left alone, with the reason. */
  skipped: { path: string; reason: string }[];
  /** Content bytes moved (pulled plus pushed). 0 for a sync that found nothing changed. */
  bytes_moved: number;
  /** Set when the folder was (re-)downloaded instead of synced: why. */
  downloaded: string | null;
}

type Remote = Pick<Memory, 'id' | 'path' | 'content_sha256'>;

const DEFAULT_DELETE_DELAY_MS = 30_000;
/**
 * Files a download writes at once. Each write is fsynced (a file that is in the baseline must hold its bytes,
 * or a power loss would later read as a local edit); overlapping 64 of them lets the file system batch the
 * journal commits: 10,000 files took 89 s one at a time, 38 s 16 at a time, 8.6 s 64 at a time (2 shared cores).
 */
const PULL_CONCURRENCY = 64;

/** Runs `fn` over `items`, at most `n` at a time. */
async function pool<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  const it = items[Symbol.iterator]();
  const worker = async () => {
    for (let next = it.next(); !next.done; next = it.next()) await fn(next.value);
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}

/**
 * Syncs store `storeId` with folder `dir` once (see the module comment for the rules).
 * @throws ValidationError naming the folder when its marker names another store, or when it has files
 *   but no marker and `adopt` is not set (nothing is touched either way); NotFoundError for an unknown store.
 */
export async function syncFolder(
  reverie: Reverie,
  storeId: string,
  dir: string,
  opts: SyncOptions = {},
): Promise<SyncReport> {
  const abs = resolve(dir);
  await reverie.getStore(storeId);
  return new FolderSync(reverie, storeId, abs, opts).run();
}

class FolderSync {
  readonly #r: Reverie;
  readonly #store: string;
  readonly #dir: string;
  readonly #o: SyncOptions;
  readonly #actor: Actor;
  readonly #report: SyncReport;
  #state!: SyncState;

  constructor(reverie: Reverie, storeId: string, dir: string, opts: SyncOptions) {
    this.#r = reverie;
    this.#store = storeId;
    this.#dir = dir;
    this.#o = opts;
    this.#actor = { type: 'sync_actor', id: dir };
    this.#report = {
      memory_store_id: storeId,
      dir,
      pulled: [],
      pushed: [],
      deleted_local: [],
      deleted_remote: [],
      pending_deletes: [],
      conflicts: [],
      skipped: [],
      bytes_moved: 0,
      downloaded: null,
    };
  }

  #now(): number {
    return (this.#o.now ?? Date.now)();
  }

  #log(line: string): void {
    this.#o.log?.(line);
  }

  async run(): Promise<SyncReport> {
    const marker = await readMarker(this.#dir);
    if (marker !== null && marker !== this.#store)
      throw new ValidationError(
        `${this.#dir} is synced with ${marker === '?' ? 'an unreadable marker' : `memory store ${marker}`}, not ${this.#store} (${SYNC_MARKER}); left as found`,
        'dir',
      );
    const release = await acquireLock(this.#dir);
    try {
      return await this.#locked(marker);
    } finally {
      await release();
    }
  }

  async #locked(marker: string | null): Promise<SyncReport> {
    this.#state = await loadState(this.#dir, this.#store);
    if (marker === null) this.#state = { ...this.#state, baseline: {}, pending_deletes: {} };
    const local = (await scanFolder(this.#dir, this.#state)) ?? new Map<string, string>();
    if (marker === null && local.size > 0 && !this.#o.adopt)
      throw new ValidationError(
        `${this.#dir} has ${local.size} files but no ${SYNC_MARKER} marker: pass --adopt to merge it with ${this.#store} (nothing on either side is lost), or sync into an empty folder`,
        'dir',
      );
    const remote = await this.#listRemote();
    if (marker === null && local.size === 0)
      return this.#download(remote, 'the folder is new, empty, or lost its marker');
    if (local.size === 0 && Object.keys(this.#state.baseline).length > 1)
      return this.#download(remote, 'every synced file is gone at once');
    if (marker === null) await atomicWrite(this.#dir, SYNC_MARKER, markerText(this.#store));
    await this.#reconcile(local, remote);
    await saveState(this.#dir, this.#state);
    return this.#report;
  }

  async #listRemote(): Promise<Map<string, Remote>> {
    const out = new Map<string, Remote>();
    for (const m of await listTree(this.#r, this.#store, '/')) {
      const rel = m.path.slice(1);
      if (syncable(rel)) out.set(rel, m);
      else
        this.#report.skipped.push({ path: rel, reason: 'hidden or conflict-copy path: not synced to disk' });
    }
    return out;
  }

  /** Writes the marker and every memory; sends nothing to the server. */
  async #download(remote: Map<string, Remote>, why: string): Promise<SyncReport> {
    this.#log(`${this.#dir}: ${why}; downloading the store instead of syncing`);
    this.#report.downloaded = why;
    this.#state.baseline = {};
    this.#state.pending_deletes = {};
    await atomicWrite(this.#dir, SYNC_MARKER, markerText(this.#store));
    const all = (await this.#r.snapshot(this.#store)).filter((m) => remote.has(m.path.slice(1)));
    await pool(all, PULL_CONCURRENCY, (m) =>
      this.#place(m.path.slice(1), m, null).catch((e) => this.#skip(m.path.slice(1), e)),
    );
    await scanFolder(this.#dir, this.#state);
    await saveState(this.#dir, this.#state);
    return this.#report;
  }

  async #reconcile(local: Map<string, string>, remote: Map<string, Remote>): Promise<void> {
    const base = this.#state.baseline;
    const budget = { left: Math.max(8, Math.min(50, Math.floor(Object.keys(base).length / 4))) };
    const paths = [...new Set([...local.keys(), ...remote.keys(), ...Object.keys(base)])].sort();
    for (const rel of paths) {
      const L = local.get(rel);
      const R = remote.get(rel);
      const B = base[rel];
      if (L !== undefined) delete this.#state.pending_deletes[rel];
      try {
        if (R === undefined) await this.#remoteAbsent(rel, L, B);
        else if (L === undefined) await this.#localAbsent(rel, R, B, budget);
        else await this.#both(rel, L, R, B);
      } catch (e) {
        this.#skip(rel, e);
      }
    }
  }

  /** Records a path this sync could not settle (it is retried next time). */
  #skip(rel: string, e: unknown): void {
    const msg = ReverieError.isInstance(e) ? `${e.type}: ${e.message}` : (e as Error).message;
    this.#report.skipped.push({ path: rel, reason: msg });
    this.#log(`${rel}: ${msg}`);
  }

  /** The server has no memory at `rel`. */
  async #remoteAbsent(rel: string, L: string | undefined, B: string | undefined): Promise<void> {
    const base = this.#state.baseline;
    if (L === undefined) {
      delete base[rel];
      delete this.#state.pending_deletes[rel];
      return;
    }
    if (B !== undefined && L === B) {
      // Deleted on the server; the file holds only what was synced. Re-check right before removing.
      if ((await hashFile(this.#dir, rel)) === B) {
        await removeFile(this.#dir, rel);
        delete base[rel];
        this.#report.deleted_local.push(rel);
        return;
      }
    }
    // A new local file, or an edit of a memory deleted remotely: the file is the only copy.
    delete base[rel];
    if (this.#o.readOnly)
      return void this.#report.skipped.push({ path: rel, reason: 'local only (read-only sync)' });
    await this.#push(rel, undefined);
  }

  /** The file at `rel` is missing locally; the server has `R`. */
  async #localAbsent(rel: string, R: Remote, B: string | undefined, budget: { left: number }): Promise<void> {
    if (B === undefined || R.content_sha256 !== B) {
      if (B !== undefined)
        this.#log(`${rel}: deleted locally but changed on the server; restoring the server version`);
      delete this.#state.pending_deletes[rel];
      return this.#pull(rel, R, null);
    }
    if (this.#o.readOnly) return;
    this.#state.pending_deletes[rel] ??= this.#now();
    const first = this.#state.pending_deletes[rel];
    const ready = this.#now() - first >= (this.#o.deleteDelayMs ?? DEFAULT_DELETE_DELAY_MS);
    const confirmed =
      ready && (await readMarker(this.#dir)) === this.#store && (await hashFile(this.#dir, rel)) === null;
    if (!confirmed || budget.left <= 0) return void this.#report.pending_deletes.push(rel);
    budget.left--;
    await this.#r.deleteMemory(this.#store, R.id, { expected_content_sha256: B }, this.#actor);
    delete this.#state.baseline[rel];
    delete this.#state.pending_deletes[rel];
    this.#report.deleted_remote.push(rel);
  }

  /** Both sides have `rel`. */
  async #both(rel: string, L: string, R: Remote, B: string | undefined): Promise<void> {
    const base = this.#state.baseline;
    if (L === R.content_sha256) {
      base[rel] = L;
      return;
    }
    if (R.content_sha256 !== B) {
      // Changed on the server; if the file changed too (or there is no common base), keep it beside.
      return this.#pull(rel, R, L === B ? null : L);
    }
    if (this.#o.readOnly)
      return void this.#report.skipped.push({ path: rel, reason: 'changed locally (read-only sync)' });
    await this.#push(rel, R);
  }

  /**
   * Writes memory `R` to `rel`. `keepLocal` is the sha of a local edit to save beside it first as a
   * conflict copy (null: the file holds nothing unsynced — but it is re-checked right before the write).
   */
  async #pull(rel: string, R: Remote, keepLocal: string | null): Promise<void> {
    await this.#place(rel, await this.#r.getMemory(this.#store, R.id), keepLocal);
  }

  /** Writes memory `m` (with content) to `rel`; see {@link #pull}. */
  async #place(rel: string, m: Memory, keepLocal: string | null): Promise<void> {
    if (!(await regularOrAbsent(this.#dir, rel)))
      throw new Error(`${rel} is a symlink or folder on disk, not a file reverie wrote; left alone`);
    const now = await hashFile(this.#dir, rel);
    const unsynced = now !== null && now !== this.#state.baseline[rel] && now !== m.content_sha256;
    if (now !== null && now !== m.content_sha256 && (keepLocal !== null || unsynced)) {
      const stamp = new Date(this.#now())
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\.\d+Z$/, 'Z');
      const copy = await keepConflictCopy(this.#dir, rel, `${rel}${CONFLICT_INFIX}${stamp}`);
      this.#report.conflicts.push({ path: rel, conflict_file: copy });
      this.#log(`${rel}: changed on both sides; kept the server version, wrote the local one to ${copy}`);
    }
    await atomicWrite(this.#dir, rel, m.content ?? '');
    this.#state.baseline[rel] = m.content_sha256;
    this.#report.pulled.push(rel);
    this.#report.bytes_moved += m.content_size_bytes;
  }

  /** Uploads `rel`: an update of `R` with a content_sha256 precondition, or a create. */
  async #push(rel: string, R: Remote | undefined): Promise<void> {
    const content = await readText(this.#dir, rel);
    const m = R
      ? await this.#r.updateMemory(
          this.#store,
          R.id,
          { content, precondition: { type: 'content_sha256', content_sha256: R.content_sha256 } },
          this.#actor,
        )
      : await this.#r.createMemory(this.#store, { path: `/${rel}`, content }, this.#actor);
    this.#state.baseline[rel] = m.content_sha256;
    this.#report.pushed.push(rel);
    this.#report.bytes_moved += m.content_size_bytes;
  }
}
