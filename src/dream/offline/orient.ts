/**
 * The orient phase: inventory of the input memories — kind (from the top folder, else front matter
 * `kind`), whether a previous dream generated it (front matter `key:`), whether it is protected, and which
 * paths the `/MEMORY.md` index already lists.
 */
import { matchesAnyGlob } from '../../domain/index.js';
import type { InputMemory } from '../types.js';
import { parseFrontMatter } from './front-matter.js';
import { compareStrings } from './text.js';

/** Path of the index file. */
export const INDEX_PATH = '/MEMORY.md';

/** Folder of each generated memory kind. */
export const KIND_FOLDERS = {
  mistake: '/mistakes/',
  workflow: '/workflows/',
  preference: '/preferences/',
  feedback: '/feedback/',
  fact: '/facts/',
} as const;

/** One input memory as orient sees it. */
export interface MemoryInfo {
  path: string;
  input: InputMemory;
  fields: Record<string, string>;
  body: string;
  /** `mistake`, `workflow`, `preference`, `fact`, `index` or `note`. */
  kind: string;
  /** The cluster key a previous dream wrote (`key:` in front matter), or null for users' own files. */
  generatedKey: string | null;
  protected: boolean;
}

/** What orient returns. */
export interface Inventory {
  memories: MemoryInfo[];
  /** Paths (absolute) the current index links to, in index order. */
  indexed: string[];
  index: MemoryInfo | null;
}

function kindOf(path: string, fields: Record<string, string>): string {
  if (path === INDEX_PATH) return 'index';
  const top = path.split('/')[1] ?? '';
  const folder = top.replace(/s$/, '');
  const kinds = ['mistake', 'workflow', 'preference', 'feedback', 'fact'];
  if (kinds.includes(folder)) return folder;
  const k = (fields.kind ?? '').toLowerCase();
  if (kinds.includes(k)) return k;
  return 'note';
}

/** Absolute store paths linked from an index text (`[t](mistakes/x.md)` or `(/mistakes/x.md)`). */
export function indexLinks(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/\]\(\s*<?([^)\s>]+)>?\s*\)/g)) {
    let p = m[1]!;
    if (/^[a-z]+:/i.test(p) || p.startsWith('#')) continue;
    p = p.replace(/^\.\//, '');
    if (!p.startsWith('/')) p = `/${p}`;
    try {
      p = decodeURI(p);
    } catch {
      /* keep as written */
    }
    if (!out.includes(p)) out.push(p);
  }
  return out;
}

/**
 * Inventories the input store.
 * @param protectedGlobs globs of paths no change may touch (see `matchesAnyGlob`).
 */
export function orient(memories: readonly InputMemory[], protectedGlobs: readonly string[]): Inventory {
  const infos = [...memories]
    .sort((a, b) => compareStrings(a.path, b.path))
    .map((m): MemoryInfo => {
      const fm = parseFrontMatter(m.content);
      const key = fm.fields.key;
      return {
        path: m.path,
        input: m,
        fields: fm.fields,
        body: fm.body,
        kind: kindOf(m.path, fm.fields),
        generatedKey:
          key && /^(?:mistake|workflow|preference|fact|feedback|project|reference):/.test(key) ? key : null,
        protected: matchesAnyGlob(m.path, protectedGlobs),
      };
    });
  const index = infos.find((i) => i.path === INDEX_PATH) ?? null;
  return { memories: infos, indexed: index ? indexLinks(index.input.content) : [], index };
}
