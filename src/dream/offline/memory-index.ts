/**
 * The curate phase, part 2: the `/MEMORY.md` index, in Claude Code's auto-memory format — one line per
 * memory, `- [Title](path) — hook`, at most ~150 characters a line, ordered by usefulness, within
 * `max_index_lines` lines and `max_index_bytes` UTF-8 bytes (defaults 200 / 25,000; only that much of the
 * index is loaded into an agent's context). Links are relative to the store root (`mistakes/x.md`), so
 * they also resolve in a checked-out folder. Order: memories the existing index lists (in its order),
 * then other users' memories (by path), then generated memories by score; what does not fit is left out
 * (the files remain).
 */
import { utf8Bytes } from '../../domain/index.js';
import { parseFrontMatter } from './front-matter.js';
import { INDEX_PATH } from './orient.js';
import { compareStrings, ellipsize } from './text.js';

/** Longest index line (characters) before the hook is shortened. */
export const MAX_INDEX_LINE_CHARS = 150;

/** One file the index may list. */
export interface IndexCandidate {
  path: string;
  content: string;
  /** Generated memories' usefulness score; ignored for users' files. */
  score: number;
  generated: boolean;
}

/** What the previous index said about a path. */
interface PreviousEntry {
  title: string;
  hook: string | null;
  position: number;
}

function parsePrevious(index: string | null): { header: string[]; entries: Map<string, PreviousEntry> } {
  const entries = new Map<string, PreviousEntry>();
  const header: string[] = [];
  if (!index) return { header, entries };
  let inEntries = false;
  for (const line of index.split('\n')) {
    const m = /^\s*[-*+]\s+\[([^\]]*)\]\(\s*<?([^)\s>]+)>?\s*\)\s*(?:[—–:-]+\s*(.*))?$/.exec(line);
    if (m) {
      inEntries = true;
      let p = m[2]!.replace(/^\.\//, '');
      if (/^[a-z]+:/i.test(p)) continue;
      if (!p.startsWith('/')) p = `/${p}`;
      try {
        p = decodeURI(p);
      } catch {
        /* keep */
      }
      if (!entries.has(p))
        entries.set(p, { title: m[1]!.trim(), hook: m[3]?.trim() || null, position: entries.size });
    } else if (!inEntries && header.length < 10) header.push(line);
  }
  while (header.length > 0 && header[header.length - 1]!.trim() === '') header.pop();
  return { header, entries };
}

function titleOf(path: string, body: string): string {
  const h = /^#\s+(.+)$/m.exec(body);
  if (h) return h[1]!.trim();
  const name = path.slice(path.lastIndexOf('/') + 1).replace(/\.md$/i, '');
  return name.replace(/[-_]+/g, ' ').trim() || path;
}

function hookOf(fields: Record<string, string>, body: string): string {
  if (fields.summary) return fields.summary;
  if (fields.description) return fields.description;
  for (const l of body.split('\n')) {
    const t = l.trim();
    // records a dream adds (superseded values, reinforcement notes) are not what the memory says
    if (/^(?:Superseded:|_Dream:)/.test(t)) continue;
    if (t && !t.startsWith('#') && !t.startsWith('```') && !/^[-*_]{3,}$/.test(t))
      return t.replace(/^[-*+>]\s+/, '');
  }
  return '';
}

function linkTarget(path: string): string {
  return encodeURI(path.slice(1)).replace(/\(/g, '%28').replace(/\)/g, '%29');
}

function escapeTitle(t: string): string {
  return t.replace(/[[\]]/g, (c) => `\\${c}`);
}

/** Formats one index line within {@link MAX_INDEX_LINE_CHARS} (the hook is shortened first, then the title). */
export function indexLine(path: string, title: string, hook: string): string {
  const head = `- [${escapeTitle(ellipsize(title, 56))}](${linkTarget(path)})`;
  if (!hook) return head;
  const room = MAX_INDEX_LINE_CHARS - head.length - 3;
  if (room < 12) return head;
  return `${head} — ${ellipsize(hook, room)}`;
}

/** The rendered index and what it contains. */
export interface RenderedIndex {
  content: string;
  listed: string[];
  omitted: number;
}

/**
 * Renders `/MEMORY.md` for the given output files (the index file itself is ignored).
 * @param previous the current index content, or null.
 * @param limits line and byte limits (the result never exceeds either).
 * @param stale true when a previous hook of a path must not be reused (it repeats a value this dream
 *   superseded); the hook is then taken from the file again.
 */
export function renderIndex(
  files: readonly IndexCandidate[],
  previous: string | null,
  limits: { maxLines: number; maxBytes: number },
  stale: (path: string, hook: string) => boolean = () => false,
): RenderedIndex {
  const prev = parsePrevious(previous);
  const header = prev.header.length > 0 ? prev.header : ['# Memory index'];
  const rows = files
    .filter((f) => f.path !== INDEX_PATH)
    .map((f) => {
      const fm = parseFrontMatter(f.content);
      const p = prev.entries.get(f.path);
      const tier = p ? 0 : f.generated ? 2 : 1;
      return {
        path: f.path,
        tier,
        position: p?.position ?? 0,
        score: f.generated ? f.score : 0,
        line: indexLine(
          f.path,
          f.generated || !p ? titleOf(f.path, fm.body) : p.title,
          f.generated || !p?.hook || stale(f.path, p.hook) ? hookOf(fm.fields, fm.body) : p.hook,
        ),
      };
    })
    .sort(
      (a, b) =>
        a.tier - b.tier || a.position - b.position || b.score - a.score || compareStrings(a.path, b.path),
    );
  const lines = [...header, ''];
  let bytes = utf8Bytes(`${lines.join('\n')}\n`);
  const listed: string[] = [];
  let omitted = 0;
  for (const r of rows) {
    const add = utf8Bytes(r.line) + 1;
    if (lines.length + 1 > limits.maxLines || bytes + add > limits.maxBytes) {
      omitted++;
      continue;
    }
    lines.push(r.line);
    bytes += add;
    listed.push(r.path);
  }
  return { content: `${lines.join('\n')}\n`, listed, omitted };
}
