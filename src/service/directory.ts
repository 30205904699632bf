/**
 * Memory stores as folders, in the layout agents already use (e.g. a Claude Code memory directory:
 * `MEMORY.md` plus topic files): memory path `/a/b.md` ↔ file `DIR/a/b.md`. Hidden entries (names
 * starting with `.`) are skipped on read, so tools can keep metadata in `DIR/.reverie/`.
 * Writes go to a temporary sibling folder that is renamed into place, so a crash never leaves a
 * half-written folder behind.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { ValidationError, validateMemoryContent, validateMemoryPath } from '../domain/index.js';

/** A file of a memory folder: its memory path, UTF-8 content and modification time (ISO). */
export interface FolderFile {
  path: string;
  content: string;
  mtime: string;
}

/**
 * Reads every non-hidden file under `dir` as a memory.
 * @throws ValidationError naming the file if its path or size breaks the memory rules, or it is not UTF-8 text.
 */
export async function readMemoryFolder(dir: string): Promise<FolderFile[]> {
  const st = await stat(dir).catch(() => null);
  if (!st?.isDirectory()) throw new ValidationError(`memory folder not found: ${dir}`, 'memory');
  const out: FolderFile[] = [];
  async function walk(d: string): Promise<void> {
    const entries = await readdir(d, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const full = join(d, e.name);
      if (e.isDirectory()) await walk(full);
      else if (e.isFile()) {
        const rel = relative(dir, full).split(sep).join('/');
        const path = `/${rel.normalize('NFC')}`;
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
        out.push({ path, content, mtime: (await stat(full)).mtime.toISOString() });
      }
    }
  }
  await walk(dir);
  return out;
}

/** Marker file that identifies a folder written by reverie (and so safe to replace). */
export const OUTPUT_MARKER = '.reverie/output.json';

/**
 * Writes `files` (memory paths → content) as the folder `dir`, replacing it atomically: everything is
 * written to a temporary sibling, then renamed into place. `extra` files (relative paths, e.g.
 * `.reverie/changes.json`) are written alongside.
 * @throws ValidationError if `dir` exists, is not empty and was not written by reverie (no marker),
 *   unless `force` is set.
 */
export async function writeMemoryFolder(
  dir: string,
  files: { path: string; content: string }[],
  extra: Record<string, string> = {},
  opts: { force?: boolean } = {},
): Promise<void> {
  if (existsSync(dir)) {
    const entries = await readdir(dir);
    if (entries.length > 0 && !existsSync(join(dir, OUTPUT_MARKER)) && !opts.force)
      throw new ValidationError(
        `output folder ${dir} exists and was not written by reverie; choose another --out or empty it`,
        'out',
      );
  }
  const tmp = join(dirname(dir), `.${basename(dir)}.tmp-${process.pid}-${Date.now()}`);
  await rm(tmp, { recursive: true, force: true });
  try {
    for (const f of files) {
      validateMemoryPath(f.path);
      const target = join(tmp, ...f.path.slice(1).split('/'));
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, f.content);
    }
    for (const [rel, content] of Object.entries({
      [OUTPUT_MARKER]: '{"written_by":"reverie"}\n',
      ...extra,
    })) {
      const target = join(tmp, ...rel.split('/'));
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, content);
    }
    await mkdir(tmp, { recursive: true });
    if (existsSync(dir)) {
      const old = `${tmp}-old`;
      await rename(dir, old);
      await rename(tmp, dir);
      await rm(old, { recursive: true, force: true });
    } else {
      await mkdir(dirname(dir), { recursive: true });
      await rename(tmp, dir);
    }
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}
