/**
 * Reading a dream's output store the way the scorers see it: each file's kind (from its front matter
 * `kind:`, else its top folder), front-matter fields and body. Independent of the engine's own
 * parser on purpose.
 */
import type { PlantedKind } from '../ground-truth.js';

/** The index path every store keeps. */
export const INDEX_FILE = '/MEMORY.md';

/** Kind of an output file as the scorers classify it. */
export type FileKind = PlantedKind | 'other' | 'index';

/** An output file, classified. */
export interface ClassifiedFile {
  path: string;
  content: string;
  kind: FileKind;
  /** Front-matter `key: value` pairs (top-level scalars only; empty without front matter). */
  front: Record<string, string>;
  /** Content without the front matter. */
  body: string;
}

const FOLDER_KIND: Record<string, PlantedKind> = {
  mistakes: 'mistake',
  workflows: 'workflow',
  preferences: 'preference',
  facts: 'fact',
  feedback: 'feedback',
};
const KINDS = new Set<string>(['mistake', 'workflow', 'preference', 'fact', 'feedback']);

/**
 * Splits `---\n…\n---\n` front matter off `content`. Values are kept as raw strings (quotes removed).
 * Returns an empty record when there is no front matter.
 */
export function splitFrontMatter(content: string): { front: Record<string, string>; body: string } {
  if (!content.startsWith('---\n') && !content.startsWith('---\r\n')) return { front: {}, body: content };
  const end = content.search(/\r?\n---\s*(\r?\n|$)/);
  if (end === -1) return { front: {}, body: content };
  const head = content.slice(content.indexOf('\n') + 1, end);
  const rest = content.slice(end).replace(/^\r?\n---\s*(\r?\n)?/, '');
  const front: Record<string, string> = {};
  for (const line of head.split(/\r?\n/)) {
    const m = /^([A-Za-z_][\w-]*):\s*(.*)$/.exec(line);
    if (m) front[m[1]!] = m[2]!.replace(/^["']|["']$/g, '').trim();
  }
  return { front, body: rest };
}

/**
 * Classifies one output file: `/MEMORY.md` is the index; otherwise a front-matter `kind` of
 * mistake/workflow/preference/fact/feedback wins, then the top folder (`/mistakes/` … `/facts/`,
 * `/feedback/`), else `other`.
 */
export function classifyFile(path: string, content: string): ClassifiedFile {
  const { front, body } = splitFrontMatter(content);
  let kind: FileKind = 'other';
  if (path === INDEX_FILE) kind = 'index';
  else if (front.kind && KINDS.has(front.kind)) kind = front.kind as PlantedKind;
  else {
    const top = path.split('/')[1] ?? '';
    kind = FOLDER_KIND[top] ?? 'other';
  }
  return { path, content, kind, front, body };
}
