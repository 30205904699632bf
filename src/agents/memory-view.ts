/**
 * The memory tool's `view` output, formatted as the SDK's reference filesystem handler formats it
 * (`BetaLocalFilesystemMemoryTool.view` in `@anthropic-ai/sdk/tools/memory/node`, SDK 1.14): a file with
 * right-aligned 6-wide line numbers and a tab; a directory as `size<TAB>path` lines two levels deep,
 * sorted by name, hidden items (`.…`) and `node_modules` left out, sizes as `formatFileSize` writes them.
 */
import type { Memory } from '../domain/types.js';

const LINE_NUMBER_WIDTH = 6;

/**
 * A byte count the way the SDK prints it: `0B`, `512B`, `1.5K`, `2M` (powers of 1,024, one decimal unless whole).
 * @param bytes a non-negative byte count.
 */
export function formatFileSize(bytes: number): string {
  if (bytes === 0) return '0B';
  const sizes = ['B', 'K', 'M', 'G'];
  const i = Math.min(sizes.length - 1, Math.floor(Math.log(bytes) / Math.log(1024)));
  const size = bytes / 1024 ** i;
  return (size % 1 === 0 ? size.toString() : size.toFixed(1)) + sizes[i];
}

/**
 * A file's content with line numbers: `Here's the content of PATH with line numbers:` then one
 * `     N<TAB>line` per line. `range` `[from, to]` is 1-based and inclusive; `to = -1` means the last line.
 */
export function numberLines(path: string, content: string, range?: number[]): string {
  const lines = content.split('\n');
  let shown = lines;
  let first = 1;
  if (range && range.length === 2) {
    const start = Math.max(1, range[0]!) - 1;
    const end = range[1] === -1 ? lines.length : range[1]!;
    shown = lines.slice(start, end);
    first = start + 1;
  }
  const numbered = shown.map((l, i) => `${String(i + first).padStart(LINE_NUMBER_WIDTH, ' ')}\t${l}`);
  return `Here's the content of ${path} with line numbers:\n${numbered.join('\n')}`;
}

interface Node {
  size: number;
  dir: boolean;
  children: Map<string, Node>;
}

const byName = (a: string, b: string) => {
  const x = a.replace(/\/$/, '');
  const y = b.replace(/\/$/, '');
  return x < y ? -1 : x > y ? 1 : 0;
};

const hidden = (name: string) => name.startsWith('.') || name === 'node_modules';

/** Builds the two-level tree of `items` below `prefix`; a directory's size is the bytes of everything under it. */
function buildTree(prefix: string, items: Pick<Memory, 'path' | 'content_size_bytes'>[]): Node {
  const root: Node = { size: 0, dir: true, children: new Map() };
  for (const m of items) {
    const segs = m.path.slice(prefix.length).split('/');
    root.size += m.content_size_bytes;
    let node = root;
    for (let d = 0; d < Math.min(segs.length, 2); d++) {
      const name = segs[d]!;
      if (hidden(name)) break;
      const isDir = d < segs.length - 1;
      let child = node.children.get(isDir ? `${name}/` : name);
      if (!child) {
        child = { size: 0, dir: isDir, children: new Map() };
        node.children.set(isDir ? `${name}/` : name, child);
      }
      child.size += m.content_size_bytes;
      node = child;
    }
  }
  return root;
}

/**
 * A directory listing: the SDK's header line, the directory itself, then its entries two levels deep
 * (directories end in `/`), each `size<TAB>path`.
 * @param given the path as the model wrote it (`/memories` or `/memories/dir`).
 * @param prefix the store prefix listed (`/` or `/dir/`); `items` are the memories under it.
 */
export function renderListing(
  given: string,
  prefix: string,
  items: Pick<Memory, 'path' | 'content_size_bytes'>[],
): string {
  const root = buildTree(prefix, items);
  const base = given.replace(/\/+$/, '') || given;
  const lines = [`${formatFileSize(root.size)}\t${given}`];
  const walk = (node: Node, rel: string) => {
    for (const name of [...node.children.keys()].sort(byName)) {
      const child = node.children.get(name)!;
      lines.push(`${formatFileSize(child.size)}\t${base}/${rel}${name}`);
      if (child.dir) walk(child, `${rel}${name}`);
    }
  };
  walk(root, '');
  return `Here're the files and directories up to 2 levels deep in ${given}, excluding hidden items and node_modules:\n${lines.join('\n')}`;
}
