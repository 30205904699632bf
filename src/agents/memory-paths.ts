/**
 * The memory tool's paths (`/memories/…`, Anthropic's `memory_20250818` tool) mapped to memory-store
 * paths: `/memories` is the store's root and `/memories/a/b.md` is the memory `/a/b.md`. Paths are
 * canonicalised the way the SDK's reference handler (`BetaLocalFilesystemMemoryTool` in
 * `@anthropic-ai/sdk/tools/memory/node`) resolves them (`.`/`..` segments and repeated or trailing
 * slashes folded), and anything that leaves `/memories` is refused with that handler's messages.
 */
import { ReverieError, validateMemoryPath } from '../domain/index.js';

/** The root every memory-tool path lives under. */
export const MEMORY_ROOT = '/memories';

/**
 * An error the memory tool reports to the model: its message is the text of the tool result (the same
 * strings as the SDK's reference filesystem handler where it has one).
 */
export class MemoryToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MemoryToolError';
  }
}

/** A segment that is `.` or `..` once percent-decoded (`%2e%2e`, `.%2E`): refused as a traversal attempt. */
const ENCODED_DOTS = /^(?:%2e|\.){1,2}$/i;

/** A memory-tool path resolved against a store: `root` for `/memories` itself, else the store path. */
export interface ResolvedPath {
  /** The path as the model wrote it (used verbatim in messages, as the SDK does). */
  given: string;
  /** True for `/memories` itself. */
  root: boolean;
  /** The store path (`/a/b.md`), or `/` for the root. */
  store: string;
}

/**
 * Resolves a memory-tool path to a store path.
 * @throws MemoryToolError `Path must start with /memories, got: …` for a path outside `/memories`,
 *   `Path … would escape /memories directory` for one whose `..` segments leave it (or that has a
 *   percent-encoded `.`/`..` segment), and the path rule
 *   broken (control characters, non-NFC, longer than 1,024 bytes) otherwise.
 */
export function resolveToolPath(given: unknown): ResolvedPath {
  if (typeof given !== 'string') throw new MemoryToolError(`Path must be a string, got: ${typeof given}`);
  if (given !== MEMORY_ROOT && !given.startsWith(`${MEMORY_ROOT}/`))
    throw new MemoryToolError(`Path must start with /memories, got: ${given}`);
  const segments: string[] = [];
  for (const s of given.slice(MEMORY_ROOT.length).split('/')) {
    if (s === '' || s === '.') continue;
    if (ENCODED_DOTS.test(s) && s.includes('%'))
      throw new MemoryToolError(`Path ${given} would escape /memories directory`);
    if (s !== '..') segments.push(s);
    else if (segments.pop() === undefined)
      throw new MemoryToolError(`Path ${given} would escape /memories directory`);
  }
  const store = `/${segments.join('/')}`;
  if (store === '/') return { given, root: true, store };
  try {
    validateMemoryPath(store);
  } catch (e) {
    throw new MemoryToolError(`Invalid path ${given}: ${ReverieError.isInstance(e) ? e.message : String(e)}`);
  }
  return { given, root: false, store };
}

/** The memory-tool path of a store path: `/a.md` → `/memories/a.md`. */
export function toToolPath(storePath: string): string {
  return storePath === '/' ? MEMORY_ROOT : `${MEMORY_ROOT}${storePath}`;
}
