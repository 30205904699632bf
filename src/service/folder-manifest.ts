/**
 * The marker `DIR/.reverie/output.json` of a folder reverie wrote, and the manifest it carries: each
 * file reverie wrote there (folder-relative path, `/`-separated) with the SHA-256 of the bytes it wrote.
 * A file counts as reverie's only while its bytes still hash to what the manifest recorded; a file a
 * person added, or edited after reverie wrote it, is theirs, and reverie never removes or overwrites it.
 * `pending` lists files a write in progress is putting in place, so a crash half-way through leaves
 * every file recognisable (old hash in `files`, new hash in `pending`).
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ValidationError, validateMemoryPath } from '../domain/index.js';

/** Marker file that identifies a folder written by reverie; it holds the {@link OutputManifest}. */
export const OUTPUT_MARKER = '.reverie/output.json';

/**
 * Content of the marker. `files` and `pending` map folder-relative paths to SHA-256 hex digests of the
 * bytes reverie wrote. A marker written before manifests existed is `{"written_by":"reverie"}`: it is
 * read with empty `files`, so every file in such a folder counts as a person's.
 */
export interface OutputManifest {
  written_by: 'reverie';
  files: Record<string, string>;
  pending?: Record<string, string>;
}

/**
 * Reads the manifest of `dir`.
 * @returns null when `dir` has no marker.
 * @throws ValidationError naming the marker file when it is not a manifest reverie wrote.
 */
export async function readManifest(dir: string): Promise<OutputManifest | null> {
  const file = join(dir, OUTPUT_MARKER);
  if (!existsSync(file)) return null;
  let m: Partial<OutputManifest>;
  try {
    m = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new ValidationError(`${file}: not a reverie output marker (${(e as Error).message})`, 'out');
  }
  const isMap = (v: unknown) =>
    v === undefined ||
    (typeof v === 'object' && v !== null && Object.values(v).every((h) => typeof h === 'string'));
  if (m?.written_by !== 'reverie' || !isMap(m.files) || !isMap(m.pending))
    throw new ValidationError(
      `${file}: not a reverie output marker (expected {"written_by":"reverie","files":{…}})`,
      'out',
    );
  for (const rel of [...Object.keys(m.files ?? {}), ...Object.keys(m.pending ?? {})]) {
    try {
      validateMemoryPath(`/${rel}`); // relative, no empty, "." or ".." segment: never outside the folder
    } catch {
      throw new ValidationError(`${file}: not a path inside the folder: ${JSON.stringify(rel)}`, 'out');
    }
  }
  return { written_by: 'reverie', files: m.files ?? {}, ...(m.pending ? { pending: m.pending } : {}) };
}

/** True when the manifest says reverie wrote `rel` with exactly the bytes hashing to `sha`. */
export function wroteExactly(m: OutputManifest | null, rel: string, sha: string): boolean {
  return m !== null && (m.files[rel] === sha || m.pending?.[rel] === sha);
}

/** The manifest as stored: keys sorted, so the same folder always gets the same bytes. */
function render(m: OutputManifest): string {
  const sorted = (r: Record<string, string>) =>
    Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const out: OutputManifest = { written_by: 'reverie', files: sorted(m.files) };
  if (m.pending) out.pending = sorted(m.pending);
  return `${JSON.stringify(out, null, 2)}\n`;
}

/**
 * Writes a file by writing a hidden `.NAME.reverie-tmp-PID` beside it and renaming it over `file`
 * (atomic on POSIX file systems: a reader sees the old bytes or the new ones, never a part; a crash
 * leaves at most a hidden temporary file, which memory folders never read).
 */
export async function writeFileAtomic(file: string, content: string | Buffer): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = join(dirname(file), `.${basename(file)}.reverie-tmp-${process.pid}`);
  await writeFile(tmp, content);
  await rename(tmp, file);
}

/** Writes the manifest of `dir` (write-then-rename). */
export async function writeManifest(dir: string, m: OutputManifest): Promise<void> {
  await writeFileAtomic(join(dir, OUTPUT_MARKER), render(m));
}
