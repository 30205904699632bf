/**
 * Claude Code's memory conventions as an output layout of a store's files (issue 15 scope 3), for
 * `dream --out`, `store export` and folder sync: one memory per file, flat in the memory folder, named
 * `<type>_<slug>.md`, with front matter
 *
 * ```
 * ---
 * name: <the memory's title>
 * description: <one line: what it says, to decide relevance>
 * type: feedback
 * metadata:
 *   type: feedback
 *   kind: feedback
 *   key: …            # reverie's fields, so a later dream still recognises its own memory
 * ---
 * ```
 *
 * and `MEMORY.md` as the index (`- [Title](file.md) — hook`), cut to at most 200 lines and 25,000 bytes
 * (what Claude Code loads of it). Types are Claude Code's four: `user`, `feedback`, `project`,
 * `reference`. Reverie's kinds map to them: a person's feedback, preferences, mistakes with their fix and
 * workflows are guidance on how to work (`feedback`); facts are `project`, or the `type` a stated fact
 * carries (`project` or `reference`).
 *
 * Format source: Claude Code's memory directory (`~/.claude/projects/<project>/memory/`; MEMORY.md's
 * first 200 lines and 25 kB are loaded) and its memory-file front matter (`name`, `description`, `type`
 * of user|feedback|project|reference), as described in Claude Code's documentation on memory and seen in
 * its memory-type definitions. The top-level `type` is what Claude Code reads; `metadata.type` is the
 * same value under the `metadata` map the hosted memory conventions use.
 *
 * Files that are not reverie's (no `kind` in their front matter, e.g. a person's own notes) keep their
 * path and bytes. {@link fromClaudeCodeLayout} reverses the mapping for files it wrote.
 */
import { utf8Bytes, ValidationError } from '../domain/index.js';
import { INDEX_PATH, KIND_FOLDERS, parseFrontMatter, renderFrontMatter } from '../dream/index.js';

/** Output layouts of a memory folder: reverie's own (`/feedback/x.md` …) or Claude Code's. */
export type MemoryLayout = 'reverie' | 'claude-code';

/** Every layout, for option parsing. */
export const MEMORY_LAYOUTS: readonly MemoryLayout[] = ['reverie', 'claude-code'];

/** Claude Code's memory types. */
export type ClaudeCodeMemoryType = 'user' | 'feedback' | 'project' | 'reference';

/** Most lines and UTF-8 bytes of MEMORY.md Claude Code loads (the index is cut to fit). */
export const CLAUDE_CODE_INDEX_LIMITS = { lines: 200, bytes: 25_000 } as const;

/** A memory file: store path and content. */
export interface LayoutFile {
  path: string;
  content: string;
}

/** Reverie's front-matter fields kept under `metadata:` (in this order). */
const KEPT = [
  'kind',
  'type',
  'summary',
  'support',
  'confidence',
  'last_seen',
  'key',
  'support_sessions',
] as const;

/** Claude Code's type of a reverie memory kind (and a stated fact's own `type`), or null for a person's file. */
export function claudeCodeType(kind: string | undefined, type?: string): ClaudeCodeMemoryType | null {
  if (kind === 'fact') return type === 'reference' || type === 'user' ? type : 'project';
  if (kind === 'feedback' || kind === 'preference' || kind === 'mistake' || kind === 'workflow')
    return 'feedback';
  return null;
}

/** Front-matter lines (without the `---` delimiters) of ordered pairs, in reverie's YAML subset. */
function yamlLines(pairs: readonly (readonly [string, string])[]): string[] {
  return renderFrontMatter(pairs).split('\n').slice(1, -2);
}

function titleOf(body: string, fallback: string): string {
  return /^#\s+(.+)$/m.exec(body)?.[1]?.trim() ?? fallback;
}

/** `/feedback/x.md` → `feedback_x.md` (flat, as Claude Code keeps its topic files). */
function flatName(type: ClaudeCodeMemoryType, path: string): string {
  const base = path.split('/').pop()!.replace(/\.md$/, '');
  return `/${type}_${base}.md`;
}

/** Rewrites one reverie memory into Claude Code's front matter; null for a file that is not reverie's. */
function convert(f: LayoutFile): { file: LayoutFile; type: ClaudeCodeMemoryType } | null {
  const { fields, body, hasFrontMatter } = parseFrontMatter(f.content);
  // only reverie's own front matter is rewritten: a file with fields of a person's is left as it is
  const own = Object.keys(fields).every((k) => (KEPT as readonly string[]).includes(k));
  const type = hasFrontMatter && own ? claudeCodeType(fields.kind, fields.type) : null;
  if (!type) return null;
  // reverie's own lines, verbatim (a stated fact's `type` as `fact_type`), so the way back is exact
  const raw = (/^---\r?\n([\s\S]*?)\r?\n---/.exec(f.content)?.[1] ?? '')
    .split(/\r?\n/)
    .filter((l) => /^[A-Za-z_]/.test(l))
    .map((l) => l.replace(/^type:/, 'fact_type:'));
  const lines = [
    '---',
    ...yamlLines([
      ['name', titleOf(body, f.path)],
      ['description', fields.summary ?? titleOf(body, f.path)],
      ['type', type],
    ]),
    'metadata:',
    ...[`type: ${type}`, ...raw, ...yamlLines([['path', f.path]])].map((l) => `  ${l}`),
    '---',
  ];
  return { file: { path: flatName(type, f.path), content: `${lines.join('\n')}\n${body}` }, type };
}

/** Cuts an index to Claude Code's limits, saying how many entries were left out. */
function fitIndex(index: string): string {
  const lines = index.replace(/\n+$/, '').split('\n');
  const { lines: maxLines, bytes: maxBytes } = CLAUDE_CODE_INDEX_LIMITS;
  const fits = (ls: string[]) => ls.length <= maxLines && utf8Bytes(`${ls.join('\n')}\n`) <= maxBytes;
  if (fits(lines)) return `${lines.join('\n')}\n`;
  let keep = lines.slice(0, maxLines - 1);
  while (keep.length > 0 && !fits([...keep, 'x'.repeat(80)])) keep = keep.slice(0, -1);
  const dropped = lines.slice(keep.length).filter((l) => /^\s*[-*+]\s+\[/.test(l)).length;
  return `${[...keep, `_${dropped} more memories are in this folder, not listed here (index limits)._`].join('\n')}\n`;
}

/**
 * A store's index (`/MEMORY.md` content) as Claude Code's layout writes it: links to renamed memories
 * (`renamed`: store path → file path, e.g. `/feedback/x.md` → `/feedback_x.md`) rewritten, and the
 * whole cut to 200 lines / 25,000 bytes.
 * @returns the index and whether entries were cut.
 */
export function claudeCodeIndex(
  content: string,
  renamed: ReadonlyMap<string, string>,
): { content: string; cut: boolean } {
  const relinked = content.replace(/\]\(\s*<?\/?([^)\s>]+)>?\s*\)/g, (m, p: string) => {
    const to = renamed.get(`/${p.replace(/^\.\//, '')}`);
    return to ? `](${to.slice(1)})` : m;
  });
  const fitted = fitIndex(relinked);
  return { content: fitted, cut: fitted !== `${relinked.replace(/\n+$/, '')}\n` };
}

/**
 * The files of a store in `layout`: for `reverie`, as they are; for `claude-code`, every reverie memory
 * renamed to `/<type>_<name>.md` with Claude Code's front matter (see the module comment), the index's
 * links rewritten to the new names and the index cut to 200 lines / 25,000 bytes. A person's own files
 * keep their path and bytes.
 * @throws ValidationError when two memories would get one file name (named).
 */
export function toLayout(files: readonly LayoutFile[], layout: MemoryLayout): LayoutFile[] {
  if (layout === 'reverie') return [...files];
  const renamed = new Map<string, string>();
  const out: LayoutFile[] = [];
  const taken = new Map<string, string>();
  for (const f of files) {
    if (f.path === INDEX_PATH) continue;
    const c = convert(f);
    const file = c?.file ?? f;
    const twin = taken.get(file.path);
    if (twin)
      throw new ValidationError(
        `claude-code layout: ${twin} and ${f.path} would both be written as ${file.path}; rename one of them`,
        'layout',
      );
    taken.set(file.path, f.path);
    if (c) renamed.set(f.path, file.path);
    out.push(file);
  }
  const index = files.find((f) => f.path === INDEX_PATH);
  if (index) out.push({ path: INDEX_PATH, content: claudeCodeIndex(index.content, renamed).content });
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The `metadata:` map of a Claude Code memory file (two-space indented `key: value` lines), in order. */
function metadataOf(content: string): [string, string][] {
  const head = /^---\r?\n([\s\S]*?)\r?\n---/.exec(content)?.[1] ?? '';
  const out: [string, string][] = [];
  let inside = false;
  for (const line of head.split(/\r?\n/)) {
    if (/^metadata:\s*$/.test(line)) inside = true;
    else if (!/^\s/.test(line)) inside = false;
    else if (inside) {
      const kv = /^\s+([A-Za-z_][\w-]*)\s*:\s*(.*)$/.exec(line);
      if (kv) out.push([kv[1]!, kv[2]!.trim()]);
    }
  }
  return out;
}

/**
 * Reads a folder written in Claude Code's layout back into reverie's: files that carry reverie's fields
 * under `metadata:` (a `kind` and the original `path`) get their reverie path and front matter again,
 * the index's links point at those paths again; every other file is kept as it is. Other fields of a
 * file (e.g. its modification time) are kept.
 */
export function fromClaudeCodeLayout<T extends LayoutFile>(files: readonly T[]): T[] {
  const renamed = new Map<string, string>();
  const out: T[] = [];
  for (const f of files) {
    const meta = metadataOf(f.content);
    const get = (k: string) => meta.find(([key]) => key === k)?.[1];
    const kind = get('kind');
    const at = get('path');
    if (f.path === INDEX_PATH || !kind || !(kind in KIND_FOLDERS) || !at) {
      out.push(f);
      continue;
    }
    const path = parseFrontMatter(`---\npath: ${at}\n---\n`).fields.path!;
    const body = f.content.replace(/^---\r?\n[\s\S]*?\r?\n---[ \t]*\r?\n/, '');
    // reverie's lines as they were: Claude Code's `type` (the first) and `path` dropped, `fact_type` → `type`
    const head = meta
      .slice(1)
      .filter(([k]) => k !== 'path')
      .map(([k, v]) => `${k === 'fact_type' ? 'type' : k}: ${v}`)
      .join('\n');
    renamed.set(f.path, path);
    out.push({ ...f, path, content: `---\n${head}\n---\n${body}` });
  }
  return out.map((f) =>
    f.path !== INDEX_PATH
      ? f
      : {
          ...f,
          content: f.content.replace(/\]\(\s*<?\/?([^)\s>]+)>?\s*\)/g, (m, p: string) => {
            const to = renamed.get(`/${p}`);
            return to ? `](${to.slice(1)})` : m;
          }),
        },
  );
}
