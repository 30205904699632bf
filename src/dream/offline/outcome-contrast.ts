/**
 * Outcome contrast within task families: attempts of the same task (τ-bench `task_id`, SWE-bench
 * `instance_id`, a planted `task`) that differ in outcome. A tool call (by its sequence label) becomes a
 * policy-style mistake memory ("Do not call X right after Y …; satisfied attempts of the same tasks
 * called Z instead") only when the data establishes that its presence predicts failure:
 *
 * 1. **Stratified significance**: the exact conditional test over task families (one-sided, the
 *    stratified form of Fisher's exact test, see {@link stratifiedExactGreater}) gives p < α after
 *    Holm's correction over every call tested in the dream ({@link holmSignificant}). Comparing
 *    attempts of the same task keeps a hard task — where most attempts fail whatever they call — from
 *    turning its ordinary lookups into "causes" of failure.
 * 2. **Recurrence**: in at least `max(2, min_support)` distinct families the call appears only in failed
 *    attempts, clearly more families than where it appears only in satisfied ones (≥ 2× + 1), and at
 *    least `min_support` failed sessions took it.
 * 3. **Never advice to skip a step most sessions need**: fewer than half of the satisfied attempts of
 *    the families where the call occurs take it, and fewer than half of all satisfied sessions.
 *
 * What to do instead is named only when the satisfied attempts establish it: a call that, in at least
 * two of the contrast families and in more than half of them, only the satisfied attempts made.
 * Otherwise the memory says that the satisfied attempts did without the call and no common
 * alternative was seen. Everything comes from structure — outcomes, family keys and tool labels as
 * data — never from the words of a corpus. In the spirit of contrast-set mining (Bay & Pazzani 2001),
 * with the stratified test guarding against confounding by task difficulty.
 */
import { scoreConfidence } from './confidence.js';
import { type GatheredSession, type PlannedEvidence, type PlannedMemory, supportOf } from './plan.js';
import { holmSignificant, type Stratum, stratifiedExactGreater } from './significance.js';
import { compareStrings, counted, fileSlug } from './text.js';

/** Counters {@link mineContrasts} reports. */
export interface ContrastStats {
  /** Task families with at least one satisfied and one failed attempt. */
  contrast_families: number;
  /** Calls that recurred failure-only in enough families to be tested. */
  contrasts_tested: number;
  contrasts_promoted: number;
}

/** At most this many contrast memories per dream. */
const MAX_CONTRASTS = 3;

/** A family with both outcomes: its satisfied and failed attempts (deduplicated by content). */
interface Family {
  key: string;
  ok: GatheredSession[];
  failed: GatheredSession[];
}

/** The evidence for one call label across the mixed families. */
interface Candidate {
  label: string;
  p: number;
  /** Families where only failed attempts made the call. */
  failOnly: Family[];
  okOnly: number;
  /** Satisfied attempts in families where the call occurs, and how many of them make it. */
  okInFamilies: number;
  okWith: number;
}

const has = (s: GatheredSession, label: string) => s.digest.steps.some((st) => st.label === label);

/** Mixed-outcome families, sorted by key; each session counted once per content hash. */
function mixedFamilies(sessions: readonly GatheredSession[]): Family[] {
  const byKey = new Map<string, Map<string, GatheredSession>>();
  for (const s of sessions) {
    if (!s.family || (s.outcome !== 'satisfied' && s.outcome !== 'failed')) continue;
    const m = byKey.get(s.family) ?? new Map<string, GatheredSession>();
    if (!m.has(s.content_sha256)) m.set(s.content_sha256, s);
    byKey.set(s.family, m);
  }
  const out: Family[] = [];
  for (const key of [...byKey.keys()].sort(compareStrings)) {
    const members = [...byKey.get(key)!.values()].sort((a, b) => compareStrings(a.id, b.id));
    const ok = members.filter((s) => s.outcome === 'satisfied');
    const failed = members.filter((s) => s.outcome === 'failed');
    if (ok.length && failed.length) out.push({ key, ok, failed });
  }
  return out;
}

/** The candidate of one label over the mixed families, or null when it never recurs failure-only. */
function candidateOf(label: string, families: readonly Family[], minFamilies: number): Candidate | null {
  const strata: Stratum[] = [];
  const failOnly: Family[] = [];
  let okOnly = 0;
  let okInFamilies = 0;
  let okWith = 0;
  for (const f of families) {
    const failedWith = f.failed.filter((s) => has(s, label)).length;
    const okW = f.ok.filter((s) => has(s, label)).length;
    strata.push({
      n: f.ok.length + f.failed.length,
      with: failedWith + okW,
      outcome: f.failed.length,
      both: failedWith,
    });
    if (failedWith + okW > 0) {
      okInFamilies += f.ok.length;
      okWith += okW;
    }
    if (failedWith > 0 && okW === 0) failOnly.push(f);
    if (okW > 0 && failedWith === 0) okOnly++;
  }
  if (failOnly.length < minFamilies) return null;
  return { label, p: stratifiedExactGreater(strata), failOnly, okOnly, okInFamilies, okWith };
}

/**
 * The call that only the satisfied attempts made in at least two contrast families and in more than
 * half of them (ties: more families, then by label), or null when the satisfied attempts establish none.
 */
function alternativeOf(c: Candidate): { label: string; families: number } | null {
  const count = new Map<string, number>();
  for (const f of c.failOnly) {
    const failedLabels = new Set(f.failed.flatMap((s) => s.digest.steps.map((st) => st.label)));
    const okLabels = new Set(f.ok.flatMap((s) => s.digest.steps.map((st) => st.label)));
    for (const l of okLabels) if (!failedLabels.has(l)) count.set(l, (count.get(l) ?? 0) + 1);
  }
  const best = [...count.entries()].sort((a, b) => b[1] - a[1] || compareStrings(a[0], b[0]))[0];
  return best && best[1] >= 2 && best[1] * 2 > c.failOnly.length
    ? { label: best[0], families: best[1] }
    : null;
}

/** The step right before the call in the failed attempts, when one label precedes it in most of them. */
function contextOf(c: Candidate): string | null {
  const count = new Map<string, number>();
  let n = 0;
  for (const f of c.failOnly)
    for (const s of f.failed) {
      const i = s.digest.steps.findIndex((st) => st.label === c.label);
      if (i < 0) continue;
      n++;
      const prev = s.digest.steps[i - 1]?.label;
      if (prev) count.set(prev, (count.get(prev) ?? 0) + 1);
    }
  const best = [...count.entries()].sort((a, b) => b[1] - a[1] || compareStrings(a[0], b[0]))[0];
  return best && best[1] * 2 > n ? best[0] : null;
}

/**
 * Mines calls whose presence predicts failure within task families (see the module comment).
 * @param sessions gathered sessions; only those with a family and a satisfied/failed outcome count.
 * @param minSupport the dream's `min_support` (distinct failed sessions; families are at least 2).
 * @returns planned mistake memories (most significant first, at most 3) and counters.
 */
export function mineContrasts(
  sessions: readonly GatheredSession[],
  minSupport: number,
): { memories: PlannedMemory[]; stats: ContrastStats } {
  const families = mixedFamilies(sessions);
  const minFamilies = Math.max(2, minSupport);
  const labels = new Set(
    families.flatMap((f) => f.failed.flatMap((s) => s.digest.steps.map((st) => st.label))),
  );
  const tested = [...labels]
    .sort(compareStrings)
    .map((l) => candidateOf(l, families, minFamilies))
    .filter((c): c is Candidate => c !== null);
  const significant = holmSignificant(tested.map((c) => c.p));
  // satisfied sessions with a known outcome, families or not: a step half of them take is never advice to skip
  const satisfied = [
    ...new Map(sessions.filter((s) => s.outcome === 'satisfied').map((s) => [s.content_sha256, s])).values(),
  ];
  const commonInSuccess = (label: string) =>
    satisfied.filter((s) => has(s, label)).length * 2 >= satisfied.length;
  const kept = tested
    .filter(
      (c, i) =>
        significant[i] &&
        c.failOnly.length >= 2 * c.okOnly + 1 &&
        c.okWith * 2 < c.okInFamilies &&
        !commonInSuccess(c.label) &&
        supportOf(c.failOnly.flatMap((f) => f.failed.filter((s) => has(s, c.label)))).sessions >= minSupport,
    )
    .sort((a, b) => a.p - b.p || b.failOnly.length - a.failOnly.length || compareStrings(a.label, b.label))
    .slice(0, MAX_CONTRASTS);
  return {
    memories: kept.map((c) => contrastMemory(c, tested.length)),
    stats: {
      contrast_families: families.length,
      contrasts_tested: tested.length,
      contrasts_promoted: kept.length,
    },
  };
}

/**
 * Evidence: the call in one failed attempt per contrast family (at most 6). The quote is what the
 * contrast is about — the call: its label (`cancel_reservation`), or a shell call's first command line —
 * never its whole argument object (the arguments are one customer's case).
 */
function contrastEvidence(c: Candidate): PlannedEvidence[] {
  const evidence: PlannedEvidence[] = [];
  for (const f of c.failOnly) {
    if (evidence.length >= 6) break;
    const s = f.failed.find((x) => has(x, c.label))!;
    const step = s.digest.steps.find((st) => st.label === c.label)!;
    evidence.push({
      session_id: s.id,
      seq_from: step.seq,
      seq_to: step.seq_last,
      quote: step.label.includes(':') ? step.quote.split('\n')[0] || step.label : step.label,
      source: 'agent.tool_use',
    });
  }
  return evidence;
}

function contrastMemory(c: Candidate, tested: number): PlannedMemory {
  const failedWith = c.failOnly.flatMap((f) => f.failed.filter((s) => has(s, c.label)));
  const okWithout = c.failOnly.flatMap((f) => f.ok);
  const support = supportOf([...failedWith, ...okWithout]);
  const alt = alternativeOf(c);
  const ctx = contextOf(c);
  const when = ctx ? ` right after \`${ctx}\`` : '';
  const pText = c.p < 0.001 ? 'p < 0.001' : `p = ${c.p.toFixed(3)}`;
  const evidence = contrastEvidence(c);
  const title = `Do not call ${c.label}${ctx ? ` right after ${ctx}` : ''} unless the task requires it`;
  const instead = alt
    ? `Satisfied attempts of the same tasks called \`${alt.label}\` instead (${alt.families} of ${c.failOnly.length} families).`
    : 'Satisfied attempts of the same tasks did without it; no common alternative was seen.';
  const body = [
    `# ${title}`,
    '',
    `Do not call \`${c.label}\`${when} before checking that the task and its rules require it. ${instead}`,
    '',
    `In ${counted(c.failOnly.length, 'task family', 'task families')} only the failed attempts called it (${counted(failedWith.length, 'failed session')}, ${counted(okWithout.length, 'satisfied session')} without it); the call predicts failure within families (stratified exact test, one-sided ${pText}, significant after Holm's correction over ${counted(tested, 'call')} tested).`,
    '',
    `Families: ${c.failOnly
      .slice(0, 10)
      .map((f) => `\`${f.key}\``)
      .join(', ')}${c.failOnly.length > 10 ? ', …' : ''}.`,
    '',
    '## Evidence',
    '',
    ...evidence.map((e) => `- ${e.session_id} #${e.seq_from}–${e.seq_to}: ${JSON.stringify(e.quote)}`),
  ];
  return {
    key: `mistake:contrast:${c.label}`,
    kind: 'mistake',
    slug: fileSlug(`contrast ${c.label}`, 48, 'contrast'),
    title,
    summary: `${counted(c.failOnly.length, 'task family', 'task families')}: only failed attempts called ${c.label}${alt ? `; satisfied ones called ${alt.label}` : ''}`,
    body: `${body.join('\n')}\n`,
    support,
    confidence: scoreConfidence({
      sessions: support.sessions,
      contexts: c.failOnly.length,
      p: c.p,
      fixEstablished: alt !== null,
    }),
    last_seen: null,
    evidence,
    score: c.failOnly.length * 0.8,
    reason: `Outcome contrast: in ${counted(c.failOnly.length, 'task family', 'task families')} only the failed attempts called ${c.label} (stratified exact test ${pText}).`,
  };
}
