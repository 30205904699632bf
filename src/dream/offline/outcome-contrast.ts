/**
 * Outcome contrast within task families: sessions that attempted the same task (τ-bench `task_id`,
 * SWE-bench `instance_id`) where at least one succeeded and one failed. For each such family, the tool
 * labels and error templates that appear only in the failed attempts are counted; a label or template
 * that is failure-only in at least `min_support` families (and at least twice as often failure-only as
 * success-only, plus one) becomes a mistake memory ("agents that called
 * `X` in this situation failed where others succeeded"). A contrastive, controlled comparison — the same
 * task differing in outcome — in the spirit of contrast-set mining (Bay & Pazzani 2001). Precision
 * rules: the call's presence must predict failure over all sessions with known outcomes (one-sided
 * Fisher's exact test at α = 0.05, `significance.ts`), and a step that at least half of the satisfied
 * sessions take is never advice to skip.
 */
import {
  type GatheredSession,
  type PlannedEvidence,
  type PlannedMemory,
  supportConfidence,
  supportOf,
} from './plan.js';
import { outcomeTable, presencePredicts } from './significance.js';
import { compareStrings, fileSlug } from './text.js';

/** Counters {@link mineContrasts} reports. */
export interface ContrastStats {
  contrast_families: number;
  contrasts_promoted: number;
}

/** At most this many contrast memories per dream. */
const MAX_CONTRASTS = 3;

/**
 * Mines failure-only tool calls across task families with mixed outcomes.
 * @returns planned mistake memories (best first) and counters.
 */
export function mineContrasts(
  sessions: readonly GatheredSession[],
  minSupport: number,
): { memories: PlannedMemory[]; stats: ContrastStats } {
  const families = new Map<string, GatheredSession[]>();
  for (const s of sessions) {
    if (!s.family) continue;
    const l = families.get(s.family);
    if (l) l.push(s);
    else families.set(s.family, [s]);
  }
  const failOnly = new Map<string, { family: string; failed: GatheredSession[]; ok: GatheredSession[] }[]>();
  const okOnly = new Map<string, number>();
  let mixed = 0;
  for (const fam of [...families.keys()].sort(compareStrings)) {
    const members = families.get(fam)!;
    const ok = members.filter((s) => s.outcome === 'satisfied');
    const failed = members.filter((s) => s.outcome === 'failed');
    if (ok.length === 0 || failed.length === 0) continue;
    mixed++;
    const okLabels = new Set(ok.flatMap((s) => s.digest.steps.map((st) => st.label)));
    const failLabels = new Set(failed.flatMap((s) => s.digest.steps.map((st) => st.label)));
    for (const l of okLabels) if (!failLabels.has(l)) okOnly.set(l, (okOnly.get(l) ?? 0) + 1);
    for (const l of [...failLabels].sort(compareStrings)) {
      if (okLabels.has(l)) continue;
      const entry = {
        family: fam,
        failed: failed.filter((s) => s.digest.steps.some((st) => st.label === l)),
        ok,
      };
      const list = failOnly.get(l);
      if (list) list.push(entry);
      else failOnly.set(l, [entry]);
    }
  }
  // a step most successful sessions take is never advice to skip
  const satisfied = sessions.filter((s) => s.outcome === 'satisfied');
  const commonInSuccess = (label: string) =>
    satisfied.filter((s) => s.digest.steps.some((st) => st.label === label)).length * 2 >= satisfied.length;
  const ranked = [...failOnly.entries()]
    // the call must discriminate: failure-only clearly more often than success-only, and its presence
    // must predict failure over all sessions with known outcomes (one-sided Fisher's exact test)
    .filter(
      ([label, fams]) =>
        fams.length >= minSupport &&
        fams.length >= 2 * (okOnly.get(label) ?? 0) + 1 &&
        !commonInSuccess(label) &&
        presencePredicts(
          outcomeTable(sessions, (s) => s.digest.steps.some((st) => st.label === label)),
          'failed',
        ),
    )
    .sort((a, b) => b[1].length - a[1].length || compareStrings(a[0], b[0]))
    .slice(0, MAX_CONTRASTS);
  const memories = ranked.map(([label, fams]): PlannedMemory => {
    const failedSessions = fams.flatMap((f) => f.failed);
    const support = supportOf([...failedSessions, ...fams.flatMap((f) => f.ok)]);
    const evidence: PlannedEvidence[] = [];
    for (const f of fams) {
      if (evidence.length >= 6) break;
      const s = [...f.failed].sort((a, b) => compareStrings(a.id, b.id))[0]!;
      const step = s.digest.steps.find((st) => st.label === label)!;
      evidence.push({
        session_id: s.id,
        seq_from: step.seq,
        seq_to: step.seq_last,
        // the call, not its whole argument object
        quote: step.label.includes(':') ? (step.quote.split('\n')[0] ?? '') : step.label,
        source: 'agent.tool_use',
      });
    }
    const title = `Calling ${label} where successful attempts did not`;
    const body = [
      `# ${title}`,
      '',
      `In ${fams.length} task families with both a successful and a failed attempt, only the failed attempt called \`${label}\`.`,
      'Before calling it, check that the task really requires it (successful attempts of the same task did without).',
      '',
      `Families: ${fams
        .slice(0, 10)
        .map((f) => `\`${f.family}\``)
        .join(', ')}${fams.length > 10 ? ', …' : ''}.`,
      '',
      '## Evidence',
      '',
      ...evidence.map((e) => `- ${e.session_id} #${e.seq_from}–${e.seq_to}: ${JSON.stringify(e.quote)}`),
    ];
    return {
      key: `mistake:contrast:${label}`,
      kind: 'mistake',
      slug: fileSlug(`contrast ${label}`, 48, 'contrast'),
      title,
      summary: `${fams.length} task families with mixed outcomes: only the failed attempt called ${label}`,
      body: `${body.join('\n')}\n`,
      support,
      confidence: supportConfidence(fams.length, -0.15),
      last_seen: null,
      evidence,
      score: fams.length * 0.8,
      reason: `Outcome contrast: in ${fams.length} task families only the failed attempt called ${label}.`,
    };
  });
  return { memories, stats: { contrast_families: mixed, contrasts_promoted: memories.length } };
}
