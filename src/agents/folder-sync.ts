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
 *
 * Layout `claude-code` (src/service/claude-code-layout.ts): the folder is Claude Code's memory folder
 * (`~/.claude/projects/<project>/memory/`), each reverie memory a flat `<type>_<name>.md` with Claude Code's
 * front matter. The same rules then apply to the files' folder form: the baseline keeps, per file, the hash
 * of the file as written and the store path and content_sha256 it shows (`SyncState.stores`), so a store
 * memory whose hash did not change is not fetched; a local edit goes up converted back
 * (`fromClaudeCodeLayout`) as a new version of the memory the file shows; a remote change comes down
 * converted; a person's own file keeps its path and bytes both ways. `MEMORY.md` is the store's index with
 * its links rewritten and cut to 200 lines / 25 kB: regenerated, and sent back only when a person edited it
 * (then it is theirs: stored as the index with its links mapped back, and said so in `notes`; an index
 * that was shown cut is never sent back, as that would drop the entries it did not show). A folder synced
 * in one layout is refused in another.
 */
import { resolve } from 'node:path';
import { type Actor, ReverieError, sha256Hex, ValidationError } from '../domain/index.js';
import type { Memory } from '../domain/types.js';
import { INDEX_PATH } from '../dream/index.js';
import {
  claudeCodeIndex,
  fromClaudeCodeLayout,
  type MemoryLayout,
  toLayout,
} from '../service/claude-code-layout.js';
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
  type StoreBaseline,
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
  /**
   * The folder's layout: `reverie` (default: files are the store's paths and bytes) or `claude-code`
   * (Claude Code's memory folder; see the module comment).
   */
  layout?: MemoryLayout;
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
  /** Things a person should know that are not failures (e.g. their edited MEMORY.md was kept as theirs). */
  notes: string[];
}

/**
 * A store memory as the folder sees it: `content_sha256` is the hash of its file (the folder form, which
 * is the memory's own bytes in the `reverie` layout), `store_sha` the memory's content_sha256. `disk` is
 * the file's content when this sync already fetched and converted it; `links`/`cut` describe an index.
 */
interface Remote {
  id: string;
  path: string;
  content_sha256: string;
  store_sha: string;
  disk?: string;
  bytes?: number;
  links?: string;
  cut?: boolean;
}

/** A memory as it was written to or read from a file: what the baseline records. */
type Settled = { path: string; store_sha: string; links?: string; cut?: boolean };

const INDEX_FILE = INDEX_PATH.slice(1);

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
 * @throws ValidationError naming the folder when its marker names another store, when it has files
 *   but no marker and `adopt` is not set, or when it was synced in another layout (nothing is touched in
 *   any of these cases); NotFoundError for an unknown store.
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
  readonly #layout: MemoryLayout;
  #state!: SyncState;
  /** Claude Code layout: store path → file path of every memory whose file is named differently. */
  #renamed = new Map<string, string>();

  constructor(reverie: Reverie, storeId: string, dir: string, opts: SyncOptions) {
    this.#r = reverie;
    this.#store = storeId;
    this.#dir = dir;
    this.#o = opts;
    this.#actor = { type: 'sync_actor', id: dir };
    this.#layout = opts.layout ?? 'reverie';
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
      notes: [],
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
    if (marker === null) this.#state = { ...this.#state, baseline: {}, pending_deletes: {}, stores: {} };
    const was = this.#state.layout ?? 'reverie';
    if (was !== this.#layout && Object.keys(this.#state.baseline).length > 0)
      throw new ValidationError(
        `${this.#dir} was synced in the ${was} layout, not ${this.#layout}: sync it with --layout ${was}, or sync the store into another folder; left as found`,
        'layout',
      );
    this.#state.layout = this.#layout;
    if (this.#layout !== 'reverie') this.#state.stores ??= {};
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
    const listed: Memory[] = [];
    for (const m of await listTree(this.#r, this.#store, '/')) {
      const rel = m.path.slice(1);
      if (!syncable(rel))
        this.#report.skipped.push({ path: rel, reason: 'hidden or conflict-copy path: not synced to disk' });
      else if (this.#layout === 'reverie')
        out.set(rel, {
          id: m.id,
          path: m.path,
          content_sha256: m.content_sha256,
          store_sha: m.content_sha256,
        });
      else listed.push(m);
    }
    return this.#layout === 'reverie' ? out : this.#listLayout(listed);
  }

  /**
   * The store as files of the Claude Code layout. A memory whose hash is the one the baseline recorded
   * keeps its file and folder-form hash unfetched; any other is fetched and converted.
   */
  async #listLayout(listed: Memory[]): Promise<Map<string, Remote>> {
    const stores = this.#state.stores ?? {};
    const known = new Map(Object.entries(stores).map(([rel, s]) => [s.path, { rel, ...s }]));
    const out = new Map<string, Remote>();
    const unchanged = (m: Memory) => {
      const k = known.get(m.path);
      return k !== undefined && k.sha === m.content_sha256 && this.#state.baseline[k.rel] !== undefined;
    };
    const fetch = await this.#fetcher(listed.filter((m) => !unchanged(m)));
    let index: Memory | undefined;
    for (const m of listed) {
      if (m.path === INDEX_PATH) {
        index = m;
        continue;
      }
      const k = known.get(m.path);
      let rel: string;
      let r: Remote;
      if (k && unchanged(m)) {
        rel = k.rel;
        r = {
          id: m.id,
          path: m.path,
          content_sha256: this.#state.baseline[rel]!,
          store_sha: m.content_sha256,
        };
      } else {
        const full = await fetch(m);
        const disk = this.#render(full);
        rel = disk.path.slice(1);
        r = { ...this.#remoteOf(full, disk.content) };
      }
      const twin = out.get(rel);
      if (twin) {
        this.#report.skipped.push({
          path: m.path.slice(1),
          reason: `would be written as ${rel}, which ${twin.path} already is: not synced (rename one of them)`,
        });
        continue;
      }
      out.set(rel, r);
      if (rel !== m.path.slice(1)) this.#renamed.set(m.path, `/${rel}`);
    }
    if (index) out.set(INDEX_FILE, await this.#indexRemote(index, fetch));
    return out;
  }

  /**
   * How to fetch the memories in `changed`: one at a time when few (a sync after small changes), or from
   * one snapshot of the store when many (a first download).
   */
  async #fetcher(changed: Memory[]): Promise<(m: Memory) => Promise<Memory>> {
    if (changed.length <= PULL_CONCURRENCY) return (m) => this.#r.getMemory(this.#store, m.id);
    const all = new Map((await this.#r.snapshot(this.#store)).map((m) => [m.id, m]));
    return async (m) => all.get(m.id) ?? this.#r.getMemory(this.#store, m.id);
  }

  /** The index as a file: unfetched when its hash and the link map are those of the baseline. */
  async #indexRemote(index: Memory, fetch: (m: Memory) => Promise<Memory>): Promise<Remote> {
    const links = sha256Hex(JSON.stringify([...this.#renamed].sort()));
    const b = this.#state.stores?.[INDEX_FILE];
    const B = this.#state.baseline[INDEX_FILE];
    if (b && B !== undefined && b.sha === index.content_sha256 && b.links === links)
      return { id: index.id, path: index.path, content_sha256: B, store_sha: b.sha, links, cut: b.cut };
    const full = await fetch(index);
    const { content, cut } = claudeCodeIndex(full.content ?? '', this.#renamed);
    return { ...this.#remoteOf(full, content), links, cut };
  }

  /** A fetched memory and its file content as a {@link Remote}. */
  #remoteOf(m: Memory, disk: string): Remote {
    return {
      id: m.id,
      path: m.path,
      content_sha256: sha256Hex(disk),
      store_sha: m.content_sha256,
      disk,
      bytes: m.content_size_bytes,
    };
  }

  /** Memory `m` as a file of the folder's layout (path with a leading `/`, and content). */
  #render(m: Memory): { path: string; content: string } {
    const content = m.content ?? '';
    if (this.#layout === 'reverie') return { path: m.path, content };
    if (m.path === INDEX_PATH)
      return { path: m.path, content: claudeCodeIndex(content, this.#renamed).content };
    return toLayout([{ path: m.path, content }], this.#layout)[0]!;
  }

  /** Records that file `rel` (hash `sha`) and store memory `s` agree. */
  #settle(rel: string, sha: string, s: Settled): void {
    this.#state.baseline[rel] = sha;
    if (this.#state.stores)
      this.#state.stores[rel] = {
        path: s.path,
        sha: s.store_sha,
        ...(s.links !== undefined ? { links: s.links, cut: s.cut === true } : {}),
      } satisfies StoreBaseline;
  }

  /** Forgets what the baseline knew of file `rel`. */
  #forget(rel: string): void {
    delete this.#state.baseline[rel];
    if (this.#state.stores) delete this.#state.stores[rel];
  }

  /** Writes the marker and every memory; sends nothing to the server. */
  async #download(remote: Map<string, Remote>, why: string): Promise<SyncReport> {
    this.#log(`${this.#dir}: ${why}; downloading the store instead of syncing`);
    this.#report.downloaded = why;
    this.#state.baseline = {};
    this.#state.pending_deletes = {};
    if (this.#state.stores) this.#state.stores = {};
    await atomicWrite(this.#dir, SYNC_MARKER, markerText(this.#store));
    if (this.#layout === 'reverie') {
      const all = (await this.#r.snapshot(this.#store)).filter((m) => remote.has(m.path.slice(1)));
      await pool(all, PULL_CONCURRENCY, (m) =>
        this.#place(m.path.slice(1), this.#remoteOf(m, m.content ?? ''), null).catch((e) =>
          this.#skip(m.path.slice(1), e),
        ),
      );
    } else
      await pool([...remote], PULL_CONCURRENCY, ([rel, R]) =>
        this.#pull(rel, R, null).catch((e) => this.#skip(rel, e)),
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
    if (L === undefined) {
      this.#forget(rel);
      delete this.#state.pending_deletes[rel];
      return;
    }
    if (B !== undefined && L === B) {
      // Deleted on the server; the file holds only what was synced. Re-check right before removing.
      if ((await hashFile(this.#dir, rel)) === B) {
        await removeFile(this.#dir, rel);
        this.#forget(rel);
        this.#report.deleted_local.push(rel);
        return;
      }
    }
    // A new local file, or an edit of a memory deleted remotely: the file is the only copy.
    this.#forget(rel);
    if (this.#o.readOnly)
      return void this.#report.skipped.push({ path: rel, reason: 'local only (read-only sync)' });
    await this.#push(rel, undefined);
  }

  /** The file at `rel` is missing locally; the server has `R`. */
  async #localAbsent(rel: string, R: Remote, B: string | undefined, budget: { left: number }): Promise<void> {
    // a generated index is written again, never read as a request to delete the store's index
    const regenerated = this.#layout !== 'reverie' && rel === INDEX_FILE;
    if (B === undefined || R.content_sha256 !== B || regenerated) {
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
    await this.#r.deleteMemory(this.#store, R.id, { expected_content_sha256: R.store_sha }, this.#actor);
    this.#forget(rel);
    delete this.#state.pending_deletes[rel];
    this.#report.deleted_remote.push(rel);
  }

  /** Both sides have `rel`. */
  async #both(rel: string, L: string, R: Remote, B: string | undefined): Promise<void> {
    if (L === R.content_sha256) {
      this.#settle(rel, L, R);
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
    if (R.disk !== undefined) return this.#place(rel, R, keepLocal);
    const m = await this.#r.getMemory(this.#store, R.id);
    await this.#place(rel, { ...R, ...this.#remoteOf(m, this.#render(m).content) }, keepLocal);
  }

  /** Writes memory `m` (its file form in `m.disk`) to `rel`; see {@link #pull}. */
  async #place(rel: string, m: Remote, keepLocal: string | null): Promise<void> {
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
    await atomicWrite(this.#dir, rel, m.disk ?? '');
    this.#settle(rel, m.content_sha256, m);
    this.#report.pulled.push(rel);
    this.#report.bytes_moved += m.bytes ?? 0;
  }

  /**
   * Uploads `rel`: an update of `R` with a content_sha256 precondition, or a create. In a rewriting
   * layout the file is converted back first, and goes to the memory it shows (`R`).
   * @throws Error naming the file when it is an index that was shown cut (its edit stays on disk).
   */
  async #push(rel: string, R: Remote | undefined): Promise<void> {
    const text = await readText(this.#dir, rel);
    const index = this.#layout !== 'reverie' && rel === INDEX_FILE;
    if (index && R?.cut)
      throw new Error(
        `${rel} shows only part of the store's index (cut to Claude Code's 200 lines / 25 kB), so it is not sent back: your edit is kept on disk; edit ${INDEX_PATH} in the store instead`,
      );
    const up = this.#toStore(rel, text);
    const m = R
      ? await this.#r.updateMemory(
          this.#store,
          R.id,
          { content: up.content, precondition: { type: 'content_sha256', content_sha256: R.store_sha } },
          this.#actor,
        )
      : await this.#r.createMemory(this.#store, up, this.#actor);
    const links = index ? sha256Hex(JSON.stringify([...this.#renamed].sort())) : undefined;
    this.#settle(rel, sha256Hex(text), { path: m.path, store_sha: m.content_sha256, links, cut: false });
    this.#report.pushed.push(rel);
    this.#report.bytes_moved += m.content_size_bytes;
    if (index)
      this.#note(
        `${rel}: edited on disk, so it is yours: kept as written and stored as the index ${INDEX_PATH} (links mapped back to store paths); a later change of the index on the server rewrites it, your version stays in the store's history`,
      );
    else if (this.#layout !== 'reverie' && this.#render(m).content !== text)
      this.#note(
        `${rel}: stored as ${m.path}; its name, description and type are derived from the memory (title, summary, kind), so edits of those lines stay in this file only`,
      );
  }

  /** File `rel` with content `text` as the store memory it stands for (path and content). */
  #toStore(rel: string, text: string): { path: string; content: string } {
    if (this.#layout === 'reverie') return { path: `/${rel}`, content: text };
    if (rel !== INDEX_FILE) {
      const [back] = fromClaudeCodeLayout([{ path: `/${rel}`, content: text }]);
      return back!;
    }
    const storeOf = new Map([...this.#renamed].map(([store, file]) => [file, store]));
    const content = text.replace(/\]\(\s*<?\/?([^)\s>]+)>?\s*\)/g, (m, p: string) => {
      const to = storeOf.get(`/${p.replace(/^\.\//, '')}`);
      return to ? `](${to.slice(1)})` : m;
    });
    return { path: INDEX_PATH, content };
  }

  #note(line: string): void {
    this.#report.notes.push(line);
    this.#log(line);
  }
}
