/**
 * Which memory paths a memory folder can hold as files, and under which names: memory path `/a/b.md` ↔
 * file `DIR/a/b.md`, byte for byte. Some paths valid in a store (hosted Memory Stores rules) have no
 * faithful file, and each such case is refused with the memory path named, never written half-way or
 * silently dropped (see README, "store import/export"):
 * - a hidden segment (`/.env`, `/.git/config`, `/.reverie/output.json`): a memory folder leaves names
 *   starting with `.` to other tools (git, editors, reverie's own `.reverie/`) and never reads them back;
 * - a segment longer than 255 bytes: the file-name limit of ext4, APFS, NTFS and most other file systems;
 * - a path that is also the folder of another (`/notes/a.md` beside `/notes/a.md/x.md`): one name
 *   cannot be a file and a folder at once.
 */
import { ValidationError, validateMemoryPath } from '../domain/index.js';

/** Longest file or folder name, in UTF-8 bytes, that common file systems accept (ext4/APFS/NTFS: 255). */
export const MAX_NAME_BYTES = 255;

/** At most this many problems are spelled out in one refusal; the rest are counted. */
const SHOWN = 5;

/** Why one memory path cannot be a file of a folder, or null when it can. */
function segmentProblem(path: string): string | null {
  for (const seg of path.slice(1).split('/')) {
    if (seg.startsWith('.'))
      return `${path}: its name "${seg}" is hidden (starts with "."); a memory folder leaves hidden entries such as .git, .env and .reverie to other tools and never reads them back`;
    const n = Buffer.byteLength(seg, 'utf8');
    if (n > MAX_NAME_BYTES)
      return `${path}: the name "${seg.slice(0, 24)}…" is ${n} bytes; file names are limited to ${MAX_NAME_BYTES} bytes`;
  }
  return null;
}

/** Memory paths that are also the folder of another path, each with one path it contains. */
function fileFolderClashes(paths: readonly string[]): string[] {
  const folders = new Map<string, string>();
  for (const p of paths) {
    const segs = p.split('/');
    for (let i = 2; i < segs.length; i++) {
      const folder = segs.slice(0, i).join('/');
      if (!folders.has(folder)) folders.set(folder, p);
    }
  }
  const out: string[] = [];
  for (const p of paths) {
    const inner = folders.get(p);
    if (inner) out.push(`${p}: ${inner} needs ${p} to be a folder, so ${p} cannot also be a file beside it`);
  }
  return out;
}

/**
 * Maps memory paths to folder-relative file names (`/a/b.md` → `a/b.md`).
 * @param paths memory paths (hosted rules: start with `/`, NFC, no empty/`.`/`..` segments).
 * @returns the relative names, in the order given.
 * @throws ValidationError (field `path`) naming every memory path that cannot be a file (at most 5
 *   spelled out, the rest counted), with the reason: hidden segment, name over 255 bytes, or a path that
 *   is also another path's folder. Nothing is written by the caller then.
 */
export function folderFileNames(paths: readonly string[]): string[] {
  const problems: string[] = [];
  for (const p of paths) {
    validateMemoryPath(p);
    const why = segmentProblem(p);
    if (why) problems.push(why);
  }
  problems.push(...fileFolderClashes(paths));
  if (problems.length > 0) {
    // one problem a line, so that a terminal's line limit cuts a long name, never the list
    const more = problems.length > SHOWN ? `\n  … and ${problems.length - SHOWN} more` : '';
    throw new ValidationError(
      `${problems.length} memory path${problems.length === 1 ? '' : 's'} cannot be written as files, so nothing was written:\n${problems
        .slice(0, SHOWN)
        .map((x) => `  ${x}`)
        .join('\n')}${more}\nRename or delete these memories in the store first.`,
      'path',
      { paths: problems.map((p) => p.slice(0, p.indexOf(': '))) },
    );
  }
  return paths.map((p) => p.slice(1));
}
