/**
 * The LLM engine's units of work, read from the offline pre-pass: every change the offline engine proposes
 * for a memory it generated (a file whose front matter carries the cluster `key:`) of kind mistake,
 * workflow, preference, feedback or fact, created or refreshed. The offline engine found the pattern,
 * counted its support and chose its evidence; the model only judges and rewrites it. Changes to a person's
 * own files (reinforcement lines, cleanup, supersession) and the index are never candidates: they keep the
 * offline form.
 *
 * Ranking: the offline engine orders `/MEMORY.md` by its usefulness `score` (generated memories by score,
 * after the entries the previous index listed), and the score itself is not part of a change; so the rank
 * is the memory's position in the offline index, then (for memories the index left out) support in
 * sessions, confidence and path.
 */
import { parseFrontMatter } from '../offline/front-matter.js';
import { INDEX_PATH } from '../offline/orient.js';
import { contentTokens } from '../offline/text.js';
import type { ProposedChange } from '../types.js';

/** Memory kinds the model judges and rewrites. */
export const LLM_KINDS = ['mistake', 'workflow', 'preference', 'feedback', 'fact'] as const;

/** One unit of work: an offline change (its index in the change set) and what the prompt shows of it. */
export interface LlmCandidate {
  /** Position of the change in the offline change set. */
  index: number;
  change: ProposedChange;
  kind: (typeof LLM_KINDS)[number];
  /** 0-based rank by value (0 = most useful). */
  rank: number;
  /** Front-matter fields of the offline file (kind, summary, support, confidence, last_seen, key). */
  fields: Record<string, string>;
  /** The offline file's body (Markdown after the front matter). */
  body: string;
  /**
   * Memories a person wrote that speak about the same thing (statements only; see {@link relateMemories}),
   * shown read-only so the model can say when the candidate contradicts one.
   */
  related: { path: string; content: string }[];
}

/** Related memories shown per statement candidate. */
export const MAX_RELATED = 2;

/**
 * Attaches to each preference, feedback and fact candidate the person's memories (`files` of the output,
 * restricted to `personPaths`) that share at least 2 content terms with it (`contentTokens` of its
 * summary and title against the memory's body), and at least 30 % of the smaller of the two term sets,
 * best first, at most {@link MAX_RELATED}.
 */
export function relateMemories(
  candidates: LlmCandidate[],
  files: readonly { path: string; content: string }[],
  personPaths: ReadonlySet<string>,
): void {
  const people = files
    .filter((f) => personPaths.has(f.path) && f.path !== INDEX_PATH)
    .map((f) => ({ ...f, tokens: new Set(contentTokens(parseFrontMatter(f.content).body)) }));
  for (const c of candidates) {
    if (c.kind === 'mistake' || c.kind === 'workflow') continue;
    const want = contentTokens(`${c.fields.summary ?? ''} ${/^#\s+(.*)$/m.exec(c.body)?.[1] ?? ''}`).filter(
      (t) => !t.startsWith('<'),
    );
    if (want.length < 2) continue;
    c.related = people
      .map((p) => ({ p, shared: want.filter((t) => p.tokens.has(t)).length }))
      .filter((x) => x.shared >= 2 && x.shared >= 0.3 * Math.min(want.length, x.p.tokens.size))
      .sort((a, b) => b.shared - a.shared || (a.p.path < b.p.path ? -1 : 1))
      .slice(0, MAX_RELATED)
      .map(({ p }) => ({ path: p.path, content: p.content }));
  }
}

/** Index link targets in order, as `/path` (the offline index writes `- [Title](path) — hook`). */
function indexOrder(changes: readonly ProposedChange[]): Map<string, number> {
  const index = changes.find((c) => c.path === INDEX_PATH && c.after !== null);
  const order = new Map<string, number>();
  for (const line of index?.after?.split('\n') ?? []) {
    const m = /^\s*-\s+\[(?:[^\]\\]|\\.)*\]\(([^)\s]+)\)/.exec(line);
    if (!m) continue;
    let path = `/${m[1]!}`;
    try {
      path = decodeURI(path).replace(/%28/g, '(').replace(/%29/g, ')');
    } catch {
      /* keep as written */
    }
    if (!order.has(path)) order.set(path, order.size);
  }
  return order;
}

/**
 * The candidates of an offline change set, ranked by value (see the module comment).
 * @returns candidates sorted by rank; `rank` is their position in that order.
 */
export function candidatesOf(changes: readonly ProposedChange[]): LlmCandidate[] {
  const order = indexOrder(changes);
  const out: Omit<LlmCandidate, 'rank'>[] = [];
  changes.forEach((change, index) => {
    if (change.op !== 'create' && change.op !== 'update') return;
    if (change.after === null || !(LLM_KINDS as readonly string[]).includes(change.kind)) return;
    const { fields, body, hasFrontMatter } = parseFrontMatter(change.after);
    if (!hasFrontMatter || !fields.key || fields.kind !== change.kind) return;
    if (change.evidence.length === 0) return;
    out.push({ index, change, kind: change.kind as LlmCandidate['kind'], fields, body, related: [] });
  });
  const pos = (c: Omit<LlmCandidate, 'rank'>) => order.get(c.change.path) ?? Number.MAX_SAFE_INTEGER;
  out.sort(
    (a, b) =>
      pos(a) - pos(b) ||
      b.change.support.sessions - a.change.support.sessions ||
      b.change.confidence - a.change.confidence ||
      (a.change.path < b.change.path ? -1 : a.change.path > b.change.path ? 1 : 0),
  );
  return out.map((c, rank) => ({ ...c, rank }));
}
