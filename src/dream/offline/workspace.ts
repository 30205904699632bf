/**
 * The output store under construction: every input memory plus the files a dream creates, each with the
 * notes (reasons, evidence) of every edit made to it. At the end each touched path becomes exactly one
 * {@link ProposedChange} (create, update or delete), so reviewing a change means reviewing one file's
 * diff with all its reasons. Changes that belong together (a merge's delete and its survivor's update,
 * a supersession's two sides) share a `group`, which verify drops or keeps as a whole.
 */
import type { ChangeKind, Support } from '../../domain/index.js';
import type { InputMemory, ProposedChange } from '../types.js';
import type { PlannedEvidence } from './plan.js';
import { compareStrings } from './text.js';

/** One edit's rationale. */
export interface EditNote {
  reason: string;
  kind: ChangeKind;
  confidence: number;
  support: Support;
  evidence: PlannedEvidence[];
  /** Changes sharing a group are kept or dropped together. */
  group: string | null;
}

/** A file of the workspace. `content === null` means deleted. */
export interface WorkFile {
  path: string;
  input: InputMemory | null;
  content: string | null;
  notes: EditNote[];
  /** Usefulness score (for the change cap and index order); 0 for untouched input files. */
  score: number;
}

/** A proposed change plus the internal fields verify needs (stripped before returning). */
export interface DraftChange extends ProposedChange {
  groups: string[];
  score: number;
  sources: PlannedEvidence['source'][];
}

const KIND_ORDER: Record<ChangeKind, number> = {
  cleanup: 0,
  preference: 1,
  feedback: 1,
  mistake: 2,
  workflow: 3,
  fact: 4,
  index: 5,
};

/** The mutable output store of one dream run. */
export class Workspace {
  #files = new Map<string, WorkFile>();

  /** Starts from the input memories (unchanged). */
  constructor(inputs: readonly InputMemory[]) {
    for (const m of inputs)
      this.#files.set(m.path, { path: m.path, input: m, content: m.content, notes: [], score: 0 });
  }

  /** The file at `path`, or undefined. */
  get(path: string): WorkFile | undefined {
    return this.#files.get(path);
  }

  /** True if `path` exists (not deleted). */
  exists(path: string): boolean {
    const f = this.#files.get(path);
    return f !== undefined && f.content !== null;
  }

  /** True if `path` was ever used (exists, or existed in the input, or was created in this run). */
  taken(path: string): boolean {
    return this.#files.has(path);
  }

  /** Existing (not deleted) files, sorted by path. */
  live(): WorkFile[] {
    return [...this.#files.values()]
      .filter((f) => f.content !== null)
      .sort((a, b) => compareStrings(a.path, b.path));
  }

  /** Writes `content` to `path` (creating it if needed) and records why. */
  write(path: string, content: string, note: EditNote, score = 0): void {
    const f = this.#files.get(path);
    if (f) {
      f.content = content;
      f.notes.push(note);
      f.score = Math.max(f.score, score);
    } else this.#files.set(path, { path, input: null, content, notes: [note], score });
  }

  /** Deletes `path` and records why. */
  delete(path: string, note: EditNote): void {
    const f = this.#files.get(path);
    if (!f) return;
    f.content = null;
    f.notes.push(note);
  }

  /**
   * The change set: one change per path whose content differs from the input (create, update, delete),
   * with the notes' reasons joined by `; `, the union of their evidence (≤ 12, in order), the largest
   * support, the smallest confidence, and the first note's kind. Sorted by kind (cleanup first, index
   * last), then path.
   */
  changes(): DraftChange[] {
    const out: DraftChange[] = [];
    for (const f of this.#files.values()) {
      const before = f.input?.content ?? null;
      if (before === f.content) continue;
      if (f.notes.length === 0) throw new Error(`internal: ${f.path} changed without a reason`);
      const op = before === null ? 'create' : f.content === null ? 'delete' : 'update';
      const reasons = [...new Set(f.notes.map((n) => n.reason))];
      const evidence: PlannedEvidence[] = [];
      const seen = new Set<string>();
      for (const n of f.notes)
        for (const e of n.evidence) {
          const k = `${e.session_id}\u0000${e.seq_from}\u0000${e.seq_to}`;
          if (seen.has(k) || evidence.length >= 12) continue;
          seen.add(k);
          evidence.push(e);
        }
      const primary = f.notes.find((n) => n.kind !== 'cleanup') ?? f.notes[0]!;
      out.push({
        op,
        path: f.path,
        to_path: null,
        before,
        after: f.content,
        base_sha256: f.input?.content_sha256 ?? null,
        kind: op === 'create' ? primary.kind : f.notes[0]!.kind,
        reason: reasons.join('; '),
        confidence: Math.min(...f.notes.map((n) => n.confidence)),
        support: {
          sessions: Math.max(...f.notes.map((n) => n.support.sessions)),
          agents: Math.max(...f.notes.map((n) => n.support.agents)),
        },
        evidence: evidence.map(({ session_id, seq_from, seq_to, quote }) => ({
          session_id,
          seq_from,
          seq_to,
          quote,
        })),
        groups: [...new Set(f.notes.map((n) => n.group).filter((g): g is string => g !== null))].sort(
          compareStrings,
        ),
        score: f.score,
        sources: evidence.map((e) => e.source),
      });
    }
    return out.sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || compareStrings(a.path, b.path));
  }
}

/**
 * Applies a change set to input memories: the reference semantics of a change set (used by verify and
 * tests). Creates must not exist, updates/deletes must match `base_sha256`'s path, renames move.
 * @returns the resulting files sorted by path.
 * @throws Error when a change does not apply (missing path, existing create target).
 */
export function applyChanges(
  inputs: readonly { path: string; content: string }[],
  changes: readonly ProposedChange[],
): { path: string; content: string }[] {
  const files = new Map(inputs.map((m) => [m.path, m.content]));
  for (const c of changes) {
    switch (c.op) {
      case 'create':
        if (files.has(c.path)) throw new Error(`create of existing path ${c.path}`);
        files.set(c.path, c.after ?? '');
        break;
      case 'update':
        if (!files.has(c.path)) throw new Error(`update of missing path ${c.path}`);
        files.set(c.path, c.after ?? '');
        break;
      case 'delete':
        if (!files.delete(c.path)) throw new Error(`delete of missing path ${c.path}`);
        break;
      case 'rename': {
        const content = files.get(c.path);
        if (content === undefined || !c.to_path) throw new Error(`bad rename of ${c.path}`);
        files.delete(c.path);
        files.set(c.to_path, c.after ?? content);
        break;
      }
    }
  }
  return [...files.entries()]
    .map(([path, content]) => ({ path, content }))
    .sort((a, b) => compareStrings(a.path, b.path));
}
