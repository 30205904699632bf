/**
 * Memory path and size rules, as the hosted Memory Stores API has them
 * (shared/reference/anthropic-api.md §1): a path starts with `/`, is at most 1,024 UTF-8 bytes,
 * case-sensitive, has no empty, `.` or `..` segments, no control characters, and is NFC; content is at
 * most 102,400 bytes; a store holds at most 10,000 memories.
 */
import { ValidationError } from './errors.js';
import { utf8Bytes } from './hash.js';

/** Limits on memory paths, content and store size. Units: bytes, except `maxMemoriesPerStore`. */
export const LIMITS = {
  maxPathBytes: 1024,
  maxContentBytes: 102_400,
  maxMemoriesPerStore: 10_000,
  maxStoreNameChars: 255,
  maxDescriptionChars: 1024,
  maxMetadataPairs: 16,
  maxInstructionsChars: 4096,
} as const;

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Checks a memory path and returns it unchanged.
 * @throws ValidationError naming `field` when the path breaks a rule.
 */
export function validateMemoryPath(path: unknown, field = 'path'): string {
  if (typeof path !== 'string') throw new ValidationError(`${field} must be a string`, field);
  if (!path.startsWith('/'))
    throw new ValidationError(`${field} must start with "/": ${JSON.stringify(path)}`, field);
  if (utf8Bytes(path) > LIMITS.maxPathBytes)
    throw new ValidationError(`${field} is longer than ${LIMITS.maxPathBytes} bytes`, field);
  if (CONTROL.test(path)) throw new ValidationError(`${field} contains a control character`, field);
  if (path.normalize('NFC') !== path) throw new ValidationError(`${field} must be NFC-normalized`, field);
  const segments = path.slice(1).split('/');
  for (const s of segments) {
    if (s === '' || s === '.' || s === '..')
      throw new ValidationError(`${field} has an empty, "." or ".." segment: ${JSON.stringify(path)}`, field);
  }
  return path;
}

/**
 * Checks memory content size and returns it unchanged.
 * @throws ValidationError when content is not a string or exceeds 102,400 bytes.
 */
export function validateMemoryContent(content: unknown, field = 'content'): string {
  if (typeof content !== 'string') throw new ValidationError(`${field} must be a string`, field);
  const n = utf8Bytes(content);
  if (n > LIMITS.maxContentBytes)
    throw new ValidationError(`${field} is ${n} bytes; the limit is ${LIMITS.maxContentBytes}`, field);
  return content;
}

/**
 * Checks a `path_prefix` list filter: it must start and end with `/` (whole segments only).
 * @throws ValidationError otherwise.
 */
export function validatePathPrefix(prefix: string, field = 'path_prefix'): string {
  if (!prefix.startsWith('/') || !prefix.endsWith('/'))
    throw new ValidationError(`${field} must start and end with "/"`, field);
  if (prefix !== '/') validateMemoryPath(prefix.slice(0, -1), field);
  return prefix;
}

/**
 * Turns a name into the mount slug the hosted product uses: lowercased, runs of non-alphanumerics
 * replaced by `-`, trimmed of leading/trailing `-`.
 */
export function slugify(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * Minimal glob matcher for protected-path and bulk-review globs: `**` matches across segments,
 * `*` within one segment, `?` one character. Anchored at both ends.
 */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
      if (glob[i + 1] === '/') i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** True if `path` matches any of `globs` (see {@link globToRegExp}). */
export function matchesAnyGlob(path: string, globs: readonly string[]): boolean {
  return globs.some((g) => globToRegExp(g).test(path));
}
