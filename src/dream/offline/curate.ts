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
 * ---
 * ```
 */

import { renderFrontMatter } from './front-matter.js';
import type { Inventory } from './orient.js';
import { KIND_FOLDERS } from './orient.js';
import type { PlannedMemory } from './plan.js';
import { compareStrings } from './text.js';
import type { Workspace } from './workspace.js';

/** Renders one planned memory as file content (front matter + body). */
export function renderMemoryFile(p: PlannedMemory): string {
  const pairs: [string, string | number][] = [
    ['kind', p.kind],
    ['summary', p.summary],
    ['support', `{sessions: ${p.support.sessions}, agents: ${p.support.agents}}`],
    ['confidence', p.confidence],
  ];
  if (p.last_seen) pairs.push(['last_seen', p.last_seen]);
  pairs.push(['key', p.key]);
  return renderFrontMatter(pairs) + p.body;
}

/** Counters {@link curateMemories} reports. */
export interface CurateStats {
  memories_created: number;
  memories_refreshed: number;
  memories_unchanged: number;
  memories_skipped_protected: number;
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
    memories_created: 0,
    memories_refreshed: 0,
    memories_unchanged: 0,
    memories_skipped_protected: 0,
  };
  const byKey = new Map(inv.memories.filter((m) => m.generatedKey).map((m) => [m.generatedKey!, m]));
  const sorted = [...planned].sort((a, b) => compareStrings(a.kind, b.kind) || compareStrings(a.key, b.key));
  for (const p of sorted) {
    const content = renderMemoryFile(p);
    const existing = byKey.get(p.key);
    if (existing && ws.exists(existing.path)) {
      if (existing.protected) {
        stats.memories_skipped_protected++;
        continue;
      }
      if (ws.get(existing.path)!.content === content) {
        stats.memories_unchanged++;
        continue;
      }
      stats.memories_refreshed++;
      ws.write(
        existing.path,
        content,
        {
          reason: `refreshed with this dream's sessions: ${p.reason}`,
          kind: p.kind,
          confidence: p.confidence,
          support: p.support,
          evidence: p.evidence,
          group: null,
        },
        p.score,
      );
      continue;
    }
    const folder = KIND_FOLDERS[p.kind];
    let path = `${folder}${p.slug}.md`;
    for (let n = 2; ws.taken(path); n++) path = `${folder}${p.slug}-${n}.md`;
    stats.memories_created++;
    ws.write(
      path,
      content,
      {
        reason: p.reason,
        kind: p.kind,
        confidence: p.confidence,
        support: p.support,
        evidence: p.evidence,
        group: null,
      },
      p.score,
    );
  }
  return stats;
}
