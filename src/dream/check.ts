/**
 * The do-no-harm gate (shared/DESIGN.md "The dream", step 6 "check"): the input store and a dream's
 * proposed store are scored on probes taken from sessions the dream did not read (by default its newest
 * 20%, held back), and a proposal that is worse than the input store on any probe class is never applied
 * automatically. Three probe classes:
 *
 * - `errors` — the probe sessions' failed tool calls (as masked templates, see `offline/templates.ts`):
 *   how many are covered by a mistake memory that states a fix. Worse = fewer covered.
 * - `contradictions` — the facts the probe sessions state (`offline/facts.ts`), newer than anything the
 *   dream read: how many memory lines contradict one of them. Worse = more contradictions.
 * - `lost` — information of the input store that the proposal no longer holds: an input memory whose
 *   value tokens (numbers, identifiers, e-mail addresses, URLs, quoted strings) are found nowhere in the
 *   proposal, unless a change on that path gives a reason that removes it on purpose (superseded,
 *   retired, redacted). A change that claims a merge is held to it: the merged values must be present.
 *   The input store loses nothing by definition, so any lost memory is a regression.
 *
 * The probes are read with the offline gather phase, whatever engine made the proposal, so the check is
 * deterministic and needs no model. This is reverie's own design; the motivation (consolidated memory can
 * end worse than none) is the "memory can hurt" result the project's quality issue cites.
 */
import type { CheckRegression, CheckReport, StoreScore } from '../domain/index.js';
import { extractFacts, type Fact, factsContradict } from './offline/facts.js';
import { parseFrontMatter } from './offline/front-matter.js';
import { INDEX_PATH } from './offline/orient.js';
import type { GatheredSession } from './offline/plan.js';
import { ellipsize } from './offline/text.js';
import { gatherAll, OFFLINE_ENGINE_VERSION } from './offline-engine.js';
import type { DreamHooks, DreamSessionRef, ProposedChange } from './types.js';

/** Version of the check's scoring rules, stored with every report. */
export const CHECK_VERSION = 1;

/** Default fraction of a dream's sessions (the newest) held back as probes. */
export const DEFAULT_HOLDOUT = 0.2;

/** Fewest sessions a dream needs before any are held back as probes (below it the check has no probes). */
export const MIN_SESSIONS_FOR_HOLDOUT = 5;

/** A memory file of either store. */
export interface CheckFile {
  path: string;
  content: string;
}

/** Input of {@link checkProposal}. */
export interface CheckInput {
  input: readonly CheckFile[];
  proposed: readonly CheckFile[];
  changes: readonly Pick<ProposedChange, 'op' | 'path' | 'to_path' | 'reason'>[];
  probes: readonly GatheredSession[];
}

const REMOVED_ON_PURPOSE = /\b(?:supersed\w*|retir\w*|redact\w*|stale|outdated|obsolete|contradict\w*)\b/i;
const CLAIMS_MERGE = /\b(?:merged?|duplicates?|same as)\b/i;

/**
 * Reads the probe sessions with the offline gather phase (through the gather cache, so probes already
 * gathered by an earlier dream cost nothing) and runs {@link checkProposal}.
 * @throws the abort reason when `hooks.signal` aborts.
 */
export async function runCheck(
  req: Omit<CheckInput, 'probes'> & { probes: readonly DreamSessionRef[] },
  hooks: Pick<DreamHooks, 'cache' | 'signal'> = {},
): Promise<CheckReport> {
  const gathered =
    req.probes.length > 0 ? (await gatherAll(req.probes, OFFLINE_ENGINE_VERSION, hooks)).sessions : [];
  return checkProposal({ ...req, probes: gathered });
}

/** Scores both stores on the probes and compares them (see the module comment). Pure and deterministic. */
export function checkProposal(req: CheckInput): CheckReport {
  const probeIds = req.probes.map((p) => p.id);
  const errors = probeErrors(req.probes);
  const facts = probeFacts(req.probes);
  const lost = lostMemories(req.input, req.proposed, req.changes);
  const inCov = coveredErrors(req.input, errors);
  const outCov = coveredErrors(req.proposed, errors);
  const inCon = contradictingLines(req.input, facts);
  const outCon = contradictingLines(req.proposed, facts);
  const input: StoreScore = {
    errors_total: errors.length,
    errors_covered: inCov.covered.size,
    contradictions: inCon.length,
    lost: 0,
  };
  const proposed: StoreScore = {
    errors_total: errors.length,
    errors_covered: outCov.covered.size,
    contradictions: outCon.length,
    lost: lost.length,
  };
  const regressions: CheckRegression[] = [];
  if (proposed.errors_covered < input.errors_covered) {
    const gone = [...inCov.covered].filter((i) => !outCov.covered.has(i)).map((i) => errors[i]!);
    regressions.push({
      class: 'errors',
      detail: `probe tool errors covered by a mistake memory with a fix: ${input.errors_covered} → ${proposed.errors_covered} of ${errors.length}`,
      paths: unique(gone.flatMap((e) => inCov.pathsOf.get(e.key) ?? [])),
      session_ids: unique(gone.map((e) => e.session_id)),
    });
  }
  if (proposed.contradictions > input.contradictions) {
    const before = new Set(inCon.map((c) => `${c.path}\u0000${c.line}`));
    const added = outCon.filter((c) => !before.has(`${c.path}\u0000${c.line}`));
    regressions.push({
      class: 'contradictions',
      detail: `memory lines contradicting a fact stated in a probe session: ${input.contradictions} → ${proposed.contradictions} (e.g. "${ellipsize(added[0]?.line ?? '', 80)}" vs "${ellipsize(added[0]?.fact.text ?? '', 80)}")`,
      paths: unique(added.map((c) => c.path)),
      session_ids: unique(added.map((c) => c.session_id)),
    });
  }
  if (lost.length > 0)
    regressions.push({
      class: 'lost',
      detail: `${lost.length} input ${lost.length === 1 ? 'memory' : 'memories'} lose information without a reason (e.g. ${lost[0]!.path}: ${lost[0]!.missing.slice(0, 3).join(', ')} no longer in the store)`,
      paths: lost.map((l) => l.path),
      session_ids: [],
    });
  const verdict = regressions.length > 0 ? 'regression' : probeIds.length === 0 ? 'no_probes' : 'pass';
  return { version: CHECK_VERSION, verdict, probe_session_ids: probeIds, input, proposed, regressions };
}

/**
 * Splits a dream's sessions into the ones it reads and the probes it holds back: the newest
 * `ceil(fraction × n)` sessions by time (ended, else started, else imported), ties by id. Nothing is held
 * back below {@link MIN_SESSIONS_FOR_HOLDOUT} sessions or for a fraction of 0.
 * @throws RangeError for a fraction outside [0, 0.5].
 */
export function splitHoldout<T extends { id: string; time: string | null }>(
  sessions: readonly T[],
  fraction: number,
): { read: T[]; probes: T[] } {
  if (!(fraction >= 0 && fraction <= 0.5))
    throw new RangeError(`holdout must be in [0, 0.5], got ${fraction}`);
  const sorted = [...sessions].sort(
    (a, b) => (a.time ?? '').localeCompare(b.time ?? '') || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  const n =
    fraction > 0 && sorted.length >= MIN_SESSIONS_FOR_HOLDOUT ? Math.ceil(sorted.length * fraction) : 0;
  return { read: sorted.slice(0, sorted.length - n), probes: sorted.slice(sorted.length - n) };
}

interface ProbeError {
  key: string;
  tool: string;
  template: string;
  session_id: string;
}

/**
 * One entry per (probe session, tool, template) of a failed tool call — not a call the person declined
 * or one that waited for them (the person's doing, which no mistake memory is about).
 */
function probeErrors(probes: readonly GatheredSession[]): ProbeError[] {
  const out: ProbeError[] = [];
  for (const p of probes) {
    const seen = new Set<string>();
    for (const e of p.digest.errors) {
      if (e.kind !== 'tool_error' || e.declined || e.awaited) continue;
      const key = `${e.tool}\u0000${e.template}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ key, tool: e.tool, template: e.template, session_id: p.id });
    }
  }
  return out;
}

/** Which probe errors (by index) a store's mistake memories with a stated fix cover, and by which paths. */
function coveredErrors(
  files: readonly CheckFile[],
  errors: readonly ProbeError[],
): { covered: Set<number>; pathsOf: Map<string, string[]> } {
  const pathsOf = new Map<string, string[]>();
  const mistakes = files
    .map((f) => ({ path: f.path, ...parseFrontMatter(f.content) }))
    .filter((f) => f.fields.kind === 'mistake' && statesFix(f.fields.summary ?? '', f.body));
  for (const e of errors) {
    const keyed = `mistake:tool_error:${e.tool}:${e.template}`;
    for (const m of mistakes)
      if (m.fields.key === keyed || m.body.includes(e.template))
        pathsOf.set(e.key, [...(pathsOf.get(e.key) ?? []), m.path]);
  }
  const covered = new Set<number>();
  errors.forEach((e, i) => {
    if (pathsOf.has(e.key)) covered.add(i);
  });
  return { covered, pathsOf };
}

/** True if a mistake memory states a fix (its summary names one and does not say none was seen). */
function statesFix(summary: string, body: string): boolean {
  if (/no reliable fix/i.test(summary) || /no reliable fix/i.test(body)) return false;
  return /\bfix(?:ed)?\b|\bwhat worked\b|\binstead\b/i.test(`${summary}\n${body}`);
}

interface ProbeFact {
  fact: Fact;
  session_id: string;
}

/** Facts stated by a person or the agent in the probe sessions (never by a subagent's prompt). */
function probeFacts(probes: readonly GatheredSession[]): ProbeFact[] {
  return probes.flatMap((p) =>
    p.subagent ? [] : p.digest.facts.map((f) => ({ fact: f as Fact, session_id: p.id })),
  );
}

/** Memory lines (outside the index) that contradict a probe fact. */
function contradictingLines(
  files: readonly CheckFile[],
  facts: readonly ProbeFact[],
): { path: string; line: string; fact: Fact; session_id: string }[] {
  if (facts.length === 0) return [];
  const out: { path: string; line: string; fact: Fact; session_id: string }[] = [];
  for (const f of files) {
    if (f.path === INDEX_PATH) continue;
    for (const mf of extractFacts(parseFrontMatter(f.content).body)) {
      const hit = facts.find((p) => factsContradict(mf, p.fact));
      if (hit) out.push({ path: f.path, line: mf.text, fact: hit.fact, session_id: hit.session_id });
    }
  }
  return out;
}

/**
 * The value tokens of a text: words holding a digit (≥ 2 chars), e-mail addresses, URLs and host names,
 * and quoted strings — what a merge or rewrite must not drop.
 */
export function valueTokens(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(/"([^"\n]{2,80})"|`([^`\n]{2,80})`/g)) out.add((m[1] ?? m[2]!).trim());
  for (const raw of text.split(/[\s,;()[\]{}<>|*]+/)) {
    const t = raw.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}/]+$/gu, '');
    if (t.length < 2) continue;
    if (/\d/.test(t) || t.includes('@') || /^[a-z][\w+.-]*:\/\//i.test(t)) out.add(t);
  }
  return [...out].sort();
}

/** Input memories (outside the index) whose value tokens the proposal no longer holds, with no valid reason. */
function lostMemories(
  input: readonly CheckFile[],
  proposed: readonly CheckFile[],
  changes: CheckInput['changes'],
): { path: string; missing: string[] }[] {
  const byPath = new Map(proposed.map((f) => [f.path, f.content]));
  const all = proposed.map((f) => f.content).join('\n');
  const reasons = new Map<string, string[]>();
  for (const c of changes) reasons.set(c.path, [...(reasons.get(c.path) ?? []), c.reason]);
  const out: { path: string; missing: string[] }[] = [];
  for (const m of input) {
    if (m.path === INDEX_PATH || byPath.get(m.path) === m.content) continue;
    const missing = valueTokens(parseFrontMatter(m.content).body).filter((t) => !all.includes(t));
    if (missing.length === 0) continue;
    const why = (reasons.get(m.path) ?? []).join('\n');
    if (why && REMOVED_ON_PURPOSE.test(why) && !CLAIMS_MERGE.test(why)) continue;
    out.push({ path: m.path, missing });
  }
  return out;
}

function unique(xs: readonly string[]): string[] {
  return [...new Set(xs)].sort();
}
