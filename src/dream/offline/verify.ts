/**
 * The verify phase: invariants every change set must satisfy before it is offered. Two layers:
 *
 * 1. {@link filterDrafts} *drops* offending changes (with their whole group, so a merge never loses its
 *    survivor update) and counts each reason in stats: protected paths (`dropped_protected`), invalid
 *    paths (`dropped_invalid_path`), content over 100 kB (`dropped_too_large`), new or changed memories
 *    without session evidence (`dropped_no_evidence`; `cleanup` and `index` changes derived only from the
 *    input memories are exempt — their reason names the memories involved and `base_sha256` pins them),
 *    preferences/facts/workflows whose evidence comes from tool output or system prompts
 *    (`dropped_untrusted`: tool results may evidence a mistake but never source an instruction),
 *    preferences/feedback/facts that tell the agent to ignore its instructions or to send data to a host the input
 *    store never mentions, whatever their source (`dropped_injection`, see `injection.ts`), the
 *    store limit of 10,000 memories (`dropped_store_limit`; checked only against a result that grows the
 *    store, so a store already at the limit can still be dreamed and shrunk) and `max_changes` (`dropped_cap`).
 *    Secret-looking strings in any output text are redacted (`redactions`).
 * 2. {@link assertInvariants} *throws* (a bug, not bad input) if the final result still breaks a rule:
 *    `files` must equal the input with `changes` applied, every changed input must be accounted for by a
 *    change with a reason, nothing protected may change, limits hold, no secrets remain in changed files.
 */
import { LIMITS, matchesAnyGlob, utf8Bytes, validateMemoryPath } from '../../domain/index.js';
import type { DreamOptions, InputMemory, ProposedChange } from '../types.js';
import { hostsIn, injectionReason } from './injection.js';
import { Redactor } from './redactor.js';
import { compareStrings } from './text.js';
import { applyChanges, type DraftChange } from './workspace.js';

/** Counters {@link filterDrafts} reports (all present, zero when nothing was dropped). */
export interface VerifyStats {
  dropped_protected: number;
  dropped_invalid_path: number;
  dropped_too_large: number;
  dropped_no_evidence: number;
  dropped_untrusted: number;
  dropped_injection: number;
  dropped_store_limit: number;
  dropped_cap: number;
  dropped_group: number;
  redactions: number;
}

const SESSION_KINDS = new Set(['mistake', 'workflow', 'preference', 'feedback', 'fact']);

/**
 * The most memories a dream's output may hold: the store limit ({@link LIMITS}`.maxMemoriesPerStore`),
 * or the input's count when the input already holds more (a dream may shrink such a store, never grow it).
 */
export function storeCap(inputCount: number): number {
  return Math.max(LIMITS.maxMemoriesPerStore, inputCount);
}

/** Options of {@link filterDrafts}. */
export interface FilterOptions {
  /** Change slots to keep free under `max_changes` (the index rewrite). Default 1. */
  reserve?: number;
  /** Memories to keep room for under the store limit (a new index file). Default 0. */
  reserveSlots?: number;
  /** The dream's redactor (default: the synchronous rules only). */
  redactor?: Redactor;
}

/**
 * Expected value of a change for review order: confidence × supporting sessions (a proposal's
 * probability of being right times how much it is backed; changes derived only from the input memories
 * — cleanup — have 0 sessions and so come after every change from sessions).
 * @example expectedValue({ confidence: 0.85, support: { sessions: 6, agents: 1 } }) // 5.1
 */
export function expectedValue(c: Pick<DraftChange, 'confidence' | 'support'>): number {
  return c.confidence * c.support.sessions;
}

/**
 * Changes in review order: by {@link expectedValue}, highest first; ties keep their given order (the
 * workspace's kind-then-path order). Stable and deterministic.
 */
export function byExpectedValue<T extends Pick<DraftChange, 'confidence' | 'support'>>(
  changes: readonly T[],
): T[] {
  return changes
    .map((c, i) => ({ c, i, v: expectedValue(c) }))
    .sort((a, b) => b.v - a.v || a.i - b.i)
    .map((x) => x.c);
}

/** The drafts dropped so far, the groups that lost a member, and the counters, for {@link filterDrafts}. */
interface Drops {
  dropped: Set<DraftChange>;
  badGroups: Set<string>;
  stats: VerifyStats;
  /** Drops `d` (once) under `counter`; its groups are marked as having lost a member. */
  drop(d: DraftChange, counter: keyof VerifyStats): void;
}

function newDrops(): Drops {
  const stats: VerifyStats = {
    dropped_protected: 0,
    dropped_invalid_path: 0,
    dropped_too_large: 0,
    dropped_no_evidence: 0,
    dropped_untrusted: 0,
    dropped_injection: 0,
    dropped_store_limit: 0,
    dropped_cap: 0,
    dropped_group: 0,
    redactions: 0,
  };
  const dropped = new Set<DraftChange>();
  const badGroups = new Set<string>();
  return {
    dropped,
    badGroups,
    stats,
    drop(d, counter) {
      if (dropped.has(d)) return;
      dropped.add(d);
      stats[counter]++;
      for (const g of d.groups) badGroups.add(g);
    },
  };
}

/**
 * Why one draft cannot be kept on its own, or null: a protected or invalid path, content over the size
 * limit, a change from sessions with no evidence, a person-statement kind whose evidence reads as an
 * injection, or one made from text that is not a person's or agent's message (a workflow only from calls).
 */
function draftVerdict(
  d: DraftChange,
  options: DreamOptions,
  injected: (d: DraftChange) => boolean,
): keyof VerifyStats | null {
  if (
    matchesAnyGlob(d.path, options.protected_paths) ||
    (d.to_path && matchesAnyGlob(d.to_path, options.protected_paths))
  )
    return 'dropped_protected';
  try {
    validateMemoryPath(d.path);
    if (d.to_path) validateMemoryPath(d.to_path, 'to_path');
  } catch {
    return 'dropped_invalid_path';
  }
  if (d.after !== null && utf8Bytes(d.after) > LIMITS.maxContentBytes) return 'dropped_too_large';
  if (SESSION_KINDS.has(d.kind) && d.op !== 'delete' && d.evidence.length === 0) return 'dropped_no_evidence';
  const said = d.kind === 'preference' || d.kind === 'feedback' || d.kind === 'fact';
  if (said && d.op !== 'delete' && injected(d)) return 'dropped_injection';
  const untrusted = said && d.sources.some((s) => s !== 'user.message' && s !== 'agent.message');
  const badWorkflow = d.kind === 'workflow' && d.sources.some((s) => s !== 'agent.tool_use');
  return untrusted || badWorkflow ? 'dropped_untrusted' : null;
}

/** Drops every member of a group that lost a member, until no group changes. */
function dropBrokenGroups(work: readonly DraftChange[], x: Drops): void {
  for (let changed = true; changed; ) {
    changed = false;
    for (const d of work) {
      if (!x.dropped.has(d) && d.groups.some((g) => x.badGroups.has(g))) {
        x.drop(d, 'dropped_group');
        changed = true;
      }
    }
  }
}

/**
 * Store limit: creates beyond it go, lowest score first (a store already at or over the limit may
 * still shrink, and never grows). `reserveSlots` counts files the caller will add (a new index).
 */
function enforceStoreLimit(
  work: readonly DraftChange[],
  inputs: number,
  reserveSlots: number,
  x: Drops,
): void {
  const cap = storeCap(inputs);
  let live = inputs + reserveSlots;
  for (const d of work) if (!x.dropped.has(d)) live += d.op === 'create' ? 1 : d.op === 'delete' ? -1 : 0;
  if (live <= cap) return;
  const creates = work
    .filter((d) => !x.dropped.has(d) && d.op === 'create' && d.groups.length === 0)
    .sort((a, b) => a.score - b.score || compareStrings(b.path, a.path));
  for (const d of creates) {
    if (live <= cap) break;
    x.drop(d, 'dropped_store_limit');
    live--;
  }
}

/** `max_changes` (less `reserve`): cleanup groups first (in order), then the rest by score; groups whole. */
function enforceMaxChanges(work: readonly DraftChange[], budget: number, x: Drops): void {
  const ranked = work
    .filter((d) => !x.dropped.has(d))
    .map((d, i) => ({ d, i }))
    .sort(
      (a, b) =>
        Number(b.d.kind === 'cleanup') - Number(a.d.kind === 'cleanup') || b.d.score - a.d.score || a.i - b.i,
    );
  let used = 0;
  const keep = new Set<DraftChange>();
  for (const { d } of ranked) {
    if (keep.has(d)) continue;
    const members = d.groups.length
      ? work.filter((m) => !x.dropped.has(m) && m.groups.some((g) => d.groups.includes(g)))
      : [d];
    if (used + members.length > budget) continue;
    for (const m of members) keep.add(m);
    used += members.length;
  }
  for (const d of work) if (!x.dropped.has(d) && !keep.has(d)) x.drop(d, 'dropped_cap');
}

/**
 * Filters and sanitizes draft changes. Redaction: credentials everywhere; personal data too in
 * evidence quotes, reasons and new memories made from sessions (never in people's own files).
 * @returns the kept drafts in review order ({@link byExpectedValue}) and counters.
 */
export function filterDrafts(
  drafts: readonly DraftChange[],
  inputs: readonly InputMemory[],
  options: DreamOptions,
  filter: FilterOptions = {},
): { kept: DraftChange[]; stats: VerifyStats } {
  const redactor = filter.redactor ?? new Redactor();
  const x = newDrops();
  const clean = (text: string, personal: boolean): string => {
    const r = personal ? redactor.sensitive(text) : redactor.secrets(text);
    x.stats.redactions += r.count;
    return r.text;
  };
  const knownHosts = new Set(inputs.flatMap((m) => hostsIn(m.content)));
  // the statements behind the change, and a new memory's text (a user's own file is not re-judged)
  const injected = (d: DraftChange) =>
    [...d.evidence.map((e) => e.quote), d.op === 'create' ? (d.after ?? '') : ''].some(
      (t) => injectionReason(t, knownHosts) !== null,
    );
  const work: DraftChange[] = drafts.map((d) => ({
    ...d,
    after: d.after === null ? null : clean(d.after, d.op === 'create' && SESSION_KINDS.has(d.kind)),
    reason: clean(d.reason, true),
    evidence: d.evidence.map((e) => ({ ...e, quote: clean(e.quote, true) })),
  }));
  for (const d of work) {
    const verdict = draftVerdict(d, options, injected);
    if (verdict) x.drop(d, verdict);
  }
  dropBrokenGroups(work, x);
  enforceStoreLimit(work, inputs.length, filter.reserveSlots ?? 0, x);
  if (options.max_changes !== null)
    enforceMaxChanges(work, Math.max(0, options.max_changes - (filter.reserve ?? 1)), x);
  return { kept: byExpectedValue(work.filter((d) => !x.dropped.has(d))), stats: x.stats };
}

/**
 * Checks the final result; throws on any violation (which would be an engine bug).
 * @param redactor the dream's redactor (default: the synchronous rules only).
 * @throws Error naming the broken invariant.
 */
export function assertInvariants(
  inputs: readonly InputMemory[],
  changes: readonly ProposedChange[],
  files: readonly { path: string; content: string }[],
  options: DreamOptions,
  redactor: Redactor = new Redactor(),
): void {
  const applied = applyChanges(inputs, changes);
  if (JSON.stringify(applied) !== JSON.stringify(files))
    throw new Error('verify: files differ from inputs with changes applied');
  const changedPaths = new Set<string>();
  const inputByPath = new Map(inputs.map((m) => [m.path, m]));
  for (const c of changes) {
    if (!c.reason.trim()) throw new Error(`verify: change of ${c.path} has no reason`);
    if (!(c.confidence >= 0 && c.confidence <= 1))
      throw new Error(`verify: confidence of ${c.path} out of [0, 1]`);
    if (changedPaths.has(c.path)) throw new Error(`verify: two changes for ${c.path}`);
    changedPaths.add(c.path);
    if (matchesAnyGlob(c.path, options.protected_paths))
      throw new Error(`verify: change of protected path ${c.path}`);
    if (SESSION_KINDS.has(c.kind) && c.op !== 'delete' && c.evidence.length === 0)
      throw new Error(`verify: ${c.kind} change of ${c.path} has no evidence`);
    if (c.after !== null && redactor.secrets(c.after).count > 0)
      throw new Error(`verify: secret-looking string in ${c.path}`);
    const input = inputByPath.get(c.path);
    if ((input?.content_sha256 ?? null) !== c.base_sha256)
      throw new Error(`verify: wrong base_sha256 for ${c.path}`);
  }
  const out = new Map(files.map((f) => [f.path, f.content]));
  for (const m of inputs) {
    if (out.get(m.path) !== m.content && !changedPaths.has(m.path))
      throw new Error(`verify: ${m.path} changed without a change`);
  }
  if (files.length > storeCap(inputs.length)) throw new Error('verify: too many memories');
  for (const f of files) {
    validateMemoryPath(f.path);
    if (utf8Bytes(f.content) > LIMITS.maxContentBytes) throw new Error(`verify: ${f.path} too large`);
  }
}
