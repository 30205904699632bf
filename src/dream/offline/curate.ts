/**
 * The curate phase, part 1: renders planned memories as small Markdown files with brief front matter
 * and writes them into the workspace — under `/mistakes/`, `/workflows/`, `/preferences/`, `/facts/`, or
 * at the path of the file a previous dream generated for the same cluster key (so re-dreaming updates
 * in place instead of duplicating). Front matter:
 *
 * ```yaml
 * ---
 * kind: mistake
 * summary: `book_reservation` error in 8 sessions: "payment amount does not add up…"; fix: change …
 * support: {sessions: 8, agents: 1}
 * confidence: 0.94
 * last_seen: 2024-05-15        # only when sessions carry timestamps
 * key: mistake:tool_error:book_reservation:Error: payment amount does not add up, …
 * support_sessions: 0c5e81f3a9d2 1f07b2c4e6a8 …   # the sessions behind `support` (see accumulate.ts)
 * ---
 * ```
 *
 * A memory an earlier dream generated for the same key is refreshed with this dream's sessions added
 * to the earlier support and evidence (`accumulate.ts`), never replaced by them.
 */

import { accumulate, SUPPORT_SESSIONS_FIELD, supportSessionIds } from './accumulate.js';
import { renderFrontMatter, splitFrontMatter } from './front-matter.js';
import { opposes, stance } from './language.js';
import type { Inventory, MemoryInfo } from './orient.js';
import { KIND_FOLDERS } from './orient.js';
import type { PlannedMemory } from './plan.js';
import { containmentSorted, jaccardSorted } from './similarity.js';
import { CUE_TERMS } from './statements.js';
import { compareStrings, contentTokens, counted, ellipsize } from './text.js';
import type { Workspace } from './workspace.js';

/**
 * Renders one planned memory as file content (front matter + body). The front matter ends with the
 * sessions behind the support (`support_sessions`, see `accumulate.ts`) when they are known.
 */
export function renderMemoryFile(p: PlannedMemory): string {
  const pairs: [string, string | number][] = [
    ['kind', p.kind],
    ...(p.type ? [['type', p.type] as [string, string]] : []),
    ['summary', p.summary],
    ['support', `{sessions: ${p.support.sessions}, agents: ${p.support.agents}}`],
    ['confidence', p.confidence],
  ];
  if (p.last_seen) pairs.push(['last_seen', p.last_seen]);
  pairs.push(['key', p.key]);
  const ids = supportSessionIds(p);
  if (ids?.length) pairs.push([SUPPORT_SESSIONS_FIELD, ids.join(' ')]);
  return renderFrontMatter(pairs) + p.body;
}

/** Start of the line a dream adds to a user's memory that its sessions reinforce (replaced on re-dream). */
export const REINFORCED_PREFIX = '_Dream: seen in';

/** A line of a person's memory (its body, front matter excluded) and the memory it is in. */
interface UserLine {
  m: MemoryInfo;
  line: string;
}

/**
 * The words a planned memory states, for judging its polarity against a person's memory: the person's
 * own sentences behind it (its `user.message` evidence quotes) when it has them, else its match text
 * (a mistake's error template), else its summary.
 */
function statedTexts(p: PlannedMemory): string[] {
  const said = p.evidence.filter((e) => e.source === 'user.message').map((e) => e.quote);
  return said.length > 0 ? said : [p.match_text ?? p.summary];
}

/**
 * True when what `p` states opposes the person's line it matched by shared terms (see `stance` in
 * `language.ts`; cue words such as "use", "never" are not topic terms): then the line is not
 * reinforced by it. "Use what you learn to craft a vivid, evocative poem…" opposes "…no vivid or
 * evocative imagery"; "Never use npm in this repo, yarn only." does not oppose "Use yarn, not npm.".
 */
function opposesLine(p: PlannedMemory, line: string): boolean {
  return opposes(stance(statedTexts(p), CUE_TERMS), stance(line, CUE_TERMS));
}

/**
 * A lookup of the user's own memory (not generated, not the index) that already states a text: some line
 * holds ≥ 80% of the text's content tokens (at least 2 of them) or is a near-duplicate (Jaccard ≥ 0.6).
 * Candidate memories are found through an inverted index of line tokens, so lookups stay cheap.
 */
function userMemoryStating(ws: Workspace, inv: Inventory): (text: string) => UserLine | null {
  const lines: { m: MemoryInfo; line: string; tokens: string[] }[] = [];
  const byToken = new Map<string, number[]>();
  for (const m of inv.memories) {
    if (m.generatedKey || m.kind === 'index') continue;
    const content = ws.get(m.path)?.content;
    if (!content) continue;
    for (const line of splitFrontMatter(content).body.split('\n')) {
      if (line.startsWith(REINFORCED_PREFIX)) continue;
      const tokens = contentTokens(line);
      if (tokens.length === 0) continue;
      const i = lines.length;
      lines.push({ m, line, tokens });
      for (const t of tokens) {
        const l = byToken.get(t);
        if (l) l.push(i);
        else byToken.set(t, [i]);
      }
    }
  }
  return (text) => {
    const want = contentTokens(text).filter((t) => !t.startsWith('<'));
    if (want.length < 2) return null;
    const cands = new Set<number>();
    for (const t of want) for (const i of byToken.get(t) ?? []) cands.add(i);
    let best: UserLine | null = null;
    for (const i of [...cands].sort((a, b) => a - b)) {
      const { m, line, tokens } = lines[i]!;
      const score = Math.max(
        containmentSorted(want, tokens) >= 0.8 ? 1 : 0,
        jaccardSorted(want, tokens) >= 0.6 ? 1 : 0,
      );
      if (score > 0 && (!best || compareStrings(m.path, best.m.path) < 0)) best = { m, line };
    }
    return best;
  };
}

/**
 * A lookup of the user's own memory that states a rule given by its core terms (a preference's terms,
 * see `statements.ts`) in other words: the core terms the store knows at all must be at least half of
 * them, each rare in the store (in at most 2 memories, so it names the topic), and one line must hold
 * them all. "We standardized on pnpm" {pnpm} → "Use pnpm, not npm."; the sign-off rule {acme, care,
 * team, customer, email} does not match a line about customers returning items.
 */
function userMemoryWithTerms(ws: Workspace, inv: Inventory): (terms: readonly string[]) => UserLine | null {
  const lines: { m: MemoryInfo; line: string; tokens: Set<string> }[] = [];
  const df = new Map<string, Set<string>>();
  for (const m of inv.memories) {
    if (m.generatedKey || m.kind === 'index') continue;
    const content = ws.get(m.path)?.content;
    if (!content) continue;
    for (const line of splitFrontMatter(content).body.split('\n')) {
      if (line.startsWith(REINFORCED_PREFIX)) continue;
      const tokens = new Set(contentTokens(line));
      if (tokens.size === 0) continue;
      lines.push({ m, line, tokens });
      for (const t of tokens) {
        const s = df.get(t) ?? new Set<string>();
        s.add(m.path);
        df.set(t, s);
      }
    }
  }
  return (terms) => {
    const known = terms.filter((t) => df.has(t));
    if (known.length === 0 || known.length * 2 < terms.length) return null;
    if (known.some((t) => df.get(t)!.size > 2)) return null;
    const hits = lines.filter((l) => known.every((t) => l.tokens.has(t)));
    const first = hits.sort((a, b) => compareStrings(a.m.path, b.m.path))[0];
    return first ? { m: first.m, line: first.line } : null;
  };
}

/** Counters {@link curateMemories} reports. */
export interface CurateStats {
  /** Planned memories a user's memory already states: that file got a reinforcement line instead. */
  memories_reinforced: number;
  /**
   * Planned memories that share terms with a line of a person's memory but state the opposite: created
   * as their own change (the person's file untouched), their reason naming that memory.
   */
  memories_opposing_user: number;
  memories_created: number;
  memories_refreshed: number;
  memories_unchanged: number;
  memories_skipped_protected: number;
}

/** What a planned memory's write is recorded with (no group: curated memories stand alone). */
function meta(p: PlannedMemory, reason: string) {
  return {
    reason,
    kind: p.kind,
    confidence: p.confidence,
    support: p.support,
    evidence: p.evidence,
    group: null,
  };
}

/**
 * Records a planned memory's support in a memory a person wrote that already states it: one
 * `_Reinforced by …_` line (replaced on later dreams) instead of a near-duplicate file.
 * @returns the counter to bump: `memories_reinforced`, or `memories_unchanged` when the line is the same.
 */
function reinforce(ws: Workspace, path: string, p: PlannedMemory): keyof CurateStats {
  const cur = ws.get(path)!.content!;
  const line = `${REINFORCED_PREFIX} ${counted(p.support.sessions, 'session')}, ${counted(p.support.agents, 'agent')}${p.last_seen ? `, last ${p.last_seen}` : ''} — ${p.summary.replace(/\n/g, ' ')}_`;
  const lines = cur.replace(/\s+$/, '').split('\n');
  const at = lines.findIndex((l) => l.startsWith(REINFORCED_PREFIX));
  if (at >= 0) lines[at] = line;
  else lines.push('', line);
  const next = `${lines.join('\n')}\n`;
  if (next === cur) return 'memories_unchanged';
  ws.write(
    path,
    next,
    meta(
      p,
      `reinforced: this memory already states what ${counted(p.support.sessions, 'session')} ${p.support.sessions === 1 ? 'shows' : 'show'} (${p.kind}); recorded the support instead of creating a near-duplicate. ${p.reason}`,
    ),
  );
  return 'memories_reinforced';
}

/** Refreshes a memory an earlier dream generated with this dream's rendering of it (unless protected). */
function refresh(ws: Workspace, existing: MemoryInfo, p: PlannedMemory, content: string): keyof CurateStats {
  if (existing.protected) return 'memories_skipped_protected';
  if (ws.get(existing.path)!.content === content) return 'memories_unchanged';
  ws.write(existing.path, content, meta(p, `refreshed with this dream's sessions: ${p.reason}`), p.score);
  return 'memories_refreshed';
}

/**
 * Writes planned memories into the workspace.
 * @param planned memories to write; paths are assigned in (kind, key) order so slug collisions resolve
 *   deterministically (`-2`, `-3` …).
 */
export function curateMemories(
  ws: Workspace,
  inv: Inventory,
  planned: readonly PlannedMemory[],
): CurateStats {
  const stats: CurateStats = {
    memories_reinforced: 0,
    memories_opposing_user: 0,
    memories_created: 0,
    memories_refreshed: 0,
    memories_unchanged: 0,
    memories_skipped_protected: 0,
  };
  const byKey = new Map(inv.memories.filter((m) => m.generatedKey).map((m) => [m.generatedKey!, m]));
  const known_ = userMemoryStating(ws, inv);
  const byTerms = userMemoryWithTerms(ws, inv);
  const sorted = [...planned].sort((a, b) => compareStrings(a.kind, b.kind) || compareStrings(a.key, b.key));
  for (const planned of sorted) {
    const existing = byKey.get(planned.key);
    // a memory an earlier dream generated: this dream's sessions add to its support and evidence
    if (existing && ws.exists(existing.path)) {
      const p = accumulate(planned, ws.get(existing.path)!.content!);
      stats[refresh(ws, existing, p, renderMemoryFile(p))]++;
      continue;
    }
    const p = planned;
    const found =
      (p.match_text ? known_(p.match_text) : null) ?? (p.match_terms?.length ? byTerms(p.match_terms) : null);
    // a statement that says the opposite of the person's memory is never recorded as support for it
    const opposing = found !== null && opposesLine(p, found.line);
    const known = opposing ? null : found?.m;
    if (known) {
      stats[known.protected ? 'memories_skipped_protected' : reinforce(ws, known.path, p)]++;
      continue;
    }
    const folder = KIND_FOLDERS[p.kind];
    let path = `${folder}${p.slug}.md`;
    for (let n = 2; ws.taken(path); n++) path = `${folder}${p.slug}-${n}.md`;
    stats.memories_created++;
    if (opposing) stats.memories_opposing_user++;
    const reason = opposing
      ? `${p.reason} It opposes ${found!.m.path}, a memory a person wrote (left unchanged): "${ellipsize(found!.line, 120)}"`
      : p.reason;
    ws.write(path, renderMemoryFile(p), meta(p, reason), p.score);
  }
  return stats;
}
