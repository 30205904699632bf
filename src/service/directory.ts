/**
 * Memory stores as folders, in the layout agents already use (e.g. a Claude Code memory directory:
 * `MEMORY.md` plus topic files): memory path `/a/b.md` ↔ file `DIR/a/b.md` (which paths have no file:
 * see folder-paths.ts). Hidden entries (names starting with `.`) are skipped on read and never touched
 * on write, so `.git/`, `.env` and reverie's own `DIR/.reverie/` live beside the memories.
 * Writing never loses a person's bytes: reverie records what it wrote (folder-manifest.ts), removes or
 * overwrites only files whose bytes are still exactly what it wrote, and refuses, before writing
 * anything, when another file would be overwritten with different content. Each file is written to a
 * hidden temporary file and renamed into place.
 */
import { existsSync } from 'node:fs';
import { lstat, readdir, readFile, rmdir, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import {
  ReverieError,
  sha256Hex,
  ValidationError,
  validateMemoryContent,
  validateMemoryPath,
} from '../domain/index.js';
import {
  OUTPUT_MARKER,
  type OutputManifest,
  readManifest,
  writeFileAtomic,
  writeManifest,
  wroteExactly,
} from './folder-manifest.js';
import { folderFileNames } from './folder-paths.js';

/** The marker file (with the manifest of written files) of a folder reverie wrote; see `folder-manifest.ts`. */
export { OUTPUT_MARKER } from './folder-manifest.js';

/** A file of a memory folder: its memory path, UTF-8 content and modification time (ISO). */
export interface FolderFile {
  path: string;
  content: string;
  mtime: string;
}

/** Reads one file of a memory folder as a memory, or throws naming the file. */
async function readMemoryFile(full: string, path: string): Promise<FolderFile> {
  const buf = await readFile(full);
  const content = buf.toString('utf8');
  if (Buffer.compare(Buffer.from(content, 'utf8'), buf) !== 0)
    throw new ValidationError(`${full}: not UTF-8 text`, 'memory');
  try {
    validateMemoryPath(path);
    validateMemoryContent(content);
  } catch (e) {
    throw new ValidationError(`${full}: ${(e as Error).message}`, 'memory');
  }
  return { path, content, mtime: (await stat(full)).mtime.toISOString() };
}

/**
 * Reads every non-hidden regular file under `dir` as a memory (path = `/` + the relative name in
 * Unicode NFC, as memory paths are), sorted by name.
 * @throws ValidationError naming the file if its path or size breaks the memory rules or it is not
 *   UTF-8 text; naming both files when two names differ only in Unicode normalization (e.g. `café.md`
 *   in NFC and in NFD), which would otherwise be one memory path holding only one of their contents.
 */
export async function readMemoryFolder(dir: string): Promise<FolderFile[]> {
  const st = await stat(dir).catch(() => null);
  if (!st?.isDirectory()) throw new ValidationError(`memory folder not found: ${dir}`, 'memory');
  const out: FolderFile[] = [];
  const seen = new Map<string, string>();
  async function walk(d: string): Promise<void> {
    const entries = await readdir(d, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const full = join(d, e.name);
      if (e.isDirectory()) await walk(full);
      else if (e.isFile()) {
        const path = `/${relative(dir, full).split(sep).join('/').normalize('NFC')}`;
        const twin = seen.get(path);
        if (twin)
          throw new ValidationError(
            `${twin} and ${full} are the same memory path ${path}: their names differ only in Unicode normalization (NFC/NFD); rename or merge one of them`,
            'memory',
            { files: [twin, full] },
          );
        seen.set(path, full);
        out.push(await readMemoryFile(full, path));
      }
    }
  }
  await walk(dir);
  return out;
}

/** What {@link writeMemoryFolder} did: folder-relative paths written and removed, and files left as they were. */
export interface FolderWriteReport {
  /** Folder-relative paths written (new or changed bytes), in the order written. */
  written: string[];
  /** Folder-relative paths of reverie's earlier files that the write removed. */
  removed: string[];
  /** Files that already held exactly the bytes to write (left untouched). */
  unchanged: number;
}

/** The writes, removals and refusals one folder write works out before touching anything. */
interface WritePlan {
  writes: { rel: string; content: string; sha: string }[];
  removals: string[];
  unchanged: number;
  /** The manifest after the write: every file whose bytes are reverie's. */
  owned: Record<string, string>;
  conflicts: string[];
}

/** SHA-256 of a regular file's bytes; null when it is missing or not a regular file. */
async function fileSha(full: string): Promise<string | null> {
  const st = await lstat(full).catch(() => null);
  return st?.isFile() ? sha256Hex(await readFile(full)) : null;
}

/** The first folder of `rel` that exists as something other than a folder (and stays), or null. */
async function blockedFolder(dir: string, rel: string, removed: ReadonlySet<string>): Promise<string | null> {
  const segs = rel.split('/');
  for (let i = 1; i < segs.length; i++) {
    const prefix = segs.slice(0, i).join('/');
    const st = await lstat(join(dir, prefix)).catch(() => null);
    if (!st || (st.isFile() && removed.has(prefix))) return null;
    if (!st.isDirectory()) return prefix;
  }
  return null;
}

/** Reverie's own files of the old manifest that the new write drops and whose bytes are still reverie's. */
async function staleFiles(dir: string, m: OutputManifest | null, targets: Map<string, string>) {
  const out: string[] = [];
  for (const rel of new Set([...Object.keys(m?.files ?? {}), ...Object.keys(m?.pending ?? {})])) {
    if (targets.has(rel) || (await blockedFolder(dir, rel, new Set()))) continue;
    const sha = await fileSha(join(dir, rel));
    if (sha && wroteExactly(m, rel, sha)) out.push(rel);
  }
  return out.sort();
}

/**
 * A file beside `rel` whose name differs from its name only in Unicode normalization (a user's NFD
 * `café.md` where reverie writes the NFC one), or null. Only non-ASCII names can have one.
 */
async function normalizationTwin(dir: string, rel: string): Promise<string | null> {
  const name = basename(rel);
  if (/^[\x00-\x7f]*$/.test(name)) return null;
  const names = await readdir(join(dir, dirname(rel))).catch(() => [] as string[]);
  const twin = names.find((n) => n !== name && n.normalize('NFC') === name.normalize('NFC'));
  return twin === undefined ? null : join(dir, dirname(rel), twin);
}

/** Works out a folder write (see {@link writeMemoryFolder}); reads the folder, changes nothing. */
async function planWrite(dir: string, targets: Map<string, string>, m: OutputManifest | null) {
  const removals = await staleFiles(dir, m, targets);
  const removed = new Set(removals);
  const plan: WritePlan = { writes: [], removals, unchanged: 0, owned: {}, conflicts: [] };
  for (const [rel, content] of targets) {
    const sha = sha256Hex(content);
    const full = join(dir, rel);
    const blocked = await blockedFolder(dir, rel, removed);
    if (blocked) {
      plan.conflicts.push(`${join(dir, blocked)} is a file or link where ${rel} needs a folder`);
      continue;
    }
    const st = await lstat(full).catch(() => null);
    if (st && !st.isFile()) {
      plan.conflicts.push(`${full} is a ${st.isDirectory() ? 'folder' : 'link or special file'}`);
      continue;
    }
    const twin = st ? null : await normalizationTwin(dir, rel);
    if (twin) {
      if ((await fileSha(twin)) === sha) plan.unchanged++;
      else
        plan.conflicts.push(`${twin} (its name differs from ${rel} only in Unicode normalization, NFC/NFD)`);
      continue;
    }
    const cur = st ? sha256Hex(await readFile(full)) : null;
    // Everything under .reverie/ is reverie's by definition (the marker's own folder).
    const ours = cur === null || wroteExactly(m, rel, cur) || rel.startsWith('.reverie/');
    if (cur === sha) {
      plan.unchanged++;
      if (ours) plan.owned[rel] = sha;
    } else if (ours) {
      plan.writes.push({ rel, content, sha });
      plan.owned[rel] = sha;
    } else
      plan.conflicts.push(
        `${full} (${m && rel in m.files ? 'edited since reverie wrote it' : 'not written by reverie'})`,
      );
  }
  return plan;
}

/** A file-system failure as an error naming the file, in words rather than raw errno text. */
function fsFailure(e: unknown, what: string): ReverieError {
  const code = (e as NodeJS.ErrnoException).code;
  const words: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    ENOSPC: 'no space left on the device',
    EROFS: 'the file system is read-only',
    ENAMETOOLONG: 'the name is too long for the file system',
    EDQUOT: 'disk quota exceeded',
    EISDIR: 'it is a folder',
    ENOTDIR: 'a part of the path is not a folder',
  };
  const why = (code && words[code]) ?? (e as Error).message;
  return new ReverieError('invalid_request_error', `cannot ${what}: ${why}${code ? ` (${code})` : ''}`, {
    field: 'out',
  });
}

/** Removes `rel` and then each of its folders that is left empty, up to (not including) `dir`. */
async function removeWithEmptyFolders(dir: string, rel: string): Promise<void> {
  await unlink(join(dir, rel));
  for (let d = dirname(rel); d !== '.' && d !== ''; d = dirname(d)) {
    try {
      await rmdir(join(dir, d));
    } catch {
      return; // not empty (a person's files, or still ours): keep it
    }
  }
}

/** Carries out a plan: pending manifest, each file write-then-rename, removals, final manifest. */
async function executePlan(dir: string, plan: WritePlan, m: OutputManifest | null): Promise<void> {
  const pending = { ...m?.pending, ...Object.fromEntries(plan.writes.map((w) => [w.rel, w.sha])) };
  let step = `write ${join(dir, OUTPUT_MARKER)}`;
  try {
    await writeManifest(dir, { written_by: 'reverie', files: m?.files ?? {}, pending });
    for (const w of plan.writes) {
      step = `write ${join(dir, w.rel)}`;
      await writeFileAtomic(join(dir, w.rel), w.content);
    }
    for (const rel of plan.removals) {
      step = `remove ${join(dir, rel)}`;
      await removeWithEmptyFolders(dir, rel);
    }
    step = `write ${join(dir, OUTPUT_MARKER)}`;
    await writeManifest(dir, { written_by: 'reverie', files: plan.owned });
  } catch (e) {
    throw fsFailure(e, step);
  }
}

/** Refuses a write into a folder that is not one, or that is non-empty and has no marker (unless forced). */
async function checkTarget(dir: string, force: boolean | undefined): Promise<OutputManifest | null> {
  if (!existsSync(dir)) return null;
  const st = await stat(dir);
  if (!st.isDirectory()) throw new ValidationError(`output folder ${dir} is a file, not a folder`, 'out');
  const m = await readManifest(dir);
  if (!m && !force && (await readdir(dir)).length > 0)
    throw new ValidationError(
      `output folder ${dir} exists and was not written by reverie; choose another --out or empty it`,
      'out',
    );
  return m;
}

/**
 * Writes `files` (memory paths → content) into the folder `dir` (created when missing), plus `extra`
 * files (folder-relative paths under `.reverie/`, e.g. `.reverie/changes.json`), and records what it
 * wrote in the marker `DIR/.reverie/output.json` (see folder-manifest.ts). Files reverie wrote there
 * before and that `files` no longer holds are removed, if their bytes are still exactly what reverie
 * wrote. Nothing else in `dir` is ever removed or changed: hidden entries (`.git/`, `.env`), a person's
 * own files, and files edited since reverie wrote them are kept as they are. Each file is written to a
 * hidden temporary file and renamed into place.
 * @param opts.force write into a non-empty folder that has no marker (its files are kept all the same).
 * @returns the folder-relative paths written and removed, and how many files already had the bytes.
 * @throws ValidationError, before anything is written: when a memory path cannot be a file (see
 *   {@link folderFileNames}); when `dir` is non-empty with no marker and `force` is not set; when files
 *   not written by reverie (or edited since) would be overwritten with different content (all named).
 *   A file-system failure while writing throws an error naming the file and the cause in words.
 */
export async function writeMemoryFolder(
  dir: string,
  files: { path: string; content: string }[],
  extra: Record<string, string> = {},
  opts: { force?: boolean } = {},
): Promise<FolderWriteReport> {
  const names = folderFileNames(files.map((f) => f.path));
  const targets = new Map(names.map((rel, i) => [rel, files[i]!.content]));
  for (const [rel, content] of Object.entries(extra)) {
    if (!rel.startsWith('.reverie/') || rel === OUTPUT_MARKER)
      throw new ValidationError(`extra file ${rel} must be under .reverie/ (and not the marker)`, 'extra');
    targets.set(rel, content);
  }
  const manifest = await checkTarget(dir, opts.force);
  const plan = await planWrite(dir, targets, manifest);
  if (plan.conflicts.length > 0) {
    const n = plan.conflicts.length;
    throw new ValidationError(
      `output folder ${dir}: ${n} file${n === 1 ? '' : 's'} would be overwritten with different content, so nothing was written: ${plan.conflicts.slice(0, 5).join('; ')}${n > 5 ? `; and ${n - 5} more` : ''}. Move ${n === 1 ? 'it' : 'them'} away or choose another folder.`,
      'out',
      { files: plan.conflicts },
    );
  }
  await executePlan(dir, plan, manifest);
  return { written: plan.writes.map((w) => w.rel), removed: plan.removals, unchanged: plan.unchanged };
}
