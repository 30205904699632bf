/**
 * Recurring mistakes: error occurrences of all sessions grouped by (kind, tool, template), near-duplicate
 * templates of the same tool merged (token-set Jaccard ≥ 0.8 via MinHash/LSH), support counted by
 * distinct sessions and agents; clusters under `min_support` sessions are dropped as noise. Each kept
 * cluster carries the fix that worked afterwards (see `recovery.ts`), weighted by session outcome.
 */
import type { ErrorOccurrence, RecoveryOccurrence } from './digest.js';
import {
  dayOf,
  type GatheredSession,
  type PlannedEvidence,
  type PlannedMemory,
  supportConfidence,
  supportOf,
} from './plan.js';
import { clusterNearDuplicates } from './similarity.js';
import { isVacuousTemplate } from './templates.js';
import { compareStrings, ellipsize, fileSlug, wordTokens } from './text.js';

/** Counters {@link mineMistakes} reports. */
export interface MistakeStats {
  error_occurrences: number;
  error_templates: number;
  error_clusters: number;
  mistakes_promoted: number;
  mistakes_noise: number;
}

interface Occ {
  s: GatheredSession;
  e: ErrorOccurrence;
  recoveries: RecoveryOccurrence[];
}

const KIND_WEIGHT = { tool_error: 1, harness: 0.9, warning: 0.7 } as const;

function countBy<T>(items: Iterable<T>, key: (t: T) => string | null): [string, number][] {
  const m = new Map<string, number>();
  for (const it of items) {
    const k = key(it);
    if (k !== null) m.set(k, (m.get(k) ?? 0) + 1);
  }
  return [...m.entries()].sort((a, b) => b[1] - a[1] || compareStrings(a[0], b[0]));
}

function fmtCounts(entries: [string, number][], max: number): string {
  return entries
    .slice(0, max)
    .map(([k, n]) => `\`${k}\` (${n})`)
    .join(', ');
}

/**
 * Finds recurring mistakes across sessions.
 * @param sessions gathered sessions, sorted by id.
 * @param minSupport minimum distinct sessions to promote a cluster.
 * @returns planned mistake memories (sorted by key) and counters.
 */
export function mineMistakes(
  sessions: readonly GatheredSession[],
  minSupport: number,
): { memories: PlannedMemory[]; stats: MistakeStats } {
  const byKey = new Map<string, Occ[]>();
  let occurrences = 0;
  for (const s of sessions) {
    const recs = new Map<number, RecoveryOccurrence[]>();
    for (const r of s.digest.recoveries) {
      const l = recs.get(r.error);
      if (l) l.push(r);
      else recs.set(r.error, [r]);
    }
    s.digest.errors.forEach((e, i) => {
      if (e.kind === 'tool_error' && isVacuousTemplate(e.template) && !e.template.includes('exited non-zero'))
        return;
      occurrences++;
      const key = `${e.kind}\u0000${e.tool}\u0000${e.template}`;
      const occ: Occ = { s, e, recoveries: recs.get(i) ?? [] };
      const l = byKey.get(key);
      if (l) l.push(occ);
      else byKey.set(key, [occ]);
    });
  }
  const keys = [...byKey.keys()].sort(compareStrings);
  const heads = keys.map((k) => k.split('\u0000').slice(0, 2).join('\u0000'));
  const tokenSets = keys.map((k) => {
    const [, , template] = k.split('\u0000');
    return [...new Set(wordTokens(template!))].sort();
  });
  const groups = clusterNearDuplicates(tokenSets, {
    threshold: 0.8,
    accept: (i, j) => heads[i] === heads[j],
  });
  const memories: PlannedMemory[] = [];
  let noise = 0;
  for (const g of groups) {
    const occs = g.flatMap((i) => byKey.get(keys[i]!)!);
    const support = supportOf(occs.map((o) => o.s));
    if (support.sessions < minSupport) {
      noise++;
      continue;
    }
    memories.push(
      renderMistake(
        g.map((i) => keys[i]!),
        occs,
        support,
      ),
    );
  }
  memories.sort((a, b) => compareStrings(a.key, b.key));
  return {
    memories,
    stats: {
      error_occurrences: occurrences,
      error_templates: keys.length,
      error_clusters: groups.length,
      mistakes_promoted: memories.length,
      mistakes_noise: noise,
    },
  };
}

function renderMistake(
  clusterKeys: string[],
  occs: Occ[],
  support: { sessions: number; agents: number },
): PlannedMemory {
  // the representative template is the most frequent one (ties: smallest key)
  const templateCounts = countBy(occs, (o) => o.e.template);
  const template = templateCounts[0]![0];
  const { kind, tool } = occs[0]!.e;
  occs.sort((a, b) => compareStrings(a.s.id, b.s.id) || a.e.seq - b.e.seq);
  // one entry per distinct session content: the first occurrence
  const perSession: Occ[] = [];
  const seen = new Set<string>();
  for (const o of occs) {
    if (seen.has(o.s.content_sha256)) continue;
    seen.add(o.s.content_sha256);
    perSession.push(o);
  }
  const outcomes = countBy(perSession, (o) => o.s.outcome);
  const recovered = perSession.filter((o) => occs.some((x) => x.s === o.s && x.recoveries.length > 0));
  const recs = occs.flatMap((o) => o.recoveries.map((r) => ({ o, r })));
  // per session, the first recovery
  const recPerSession = new Map<string, { o: Occ; r: RecoveryOccurrence }>();
  for (const x of recs)
    if (!recPerSession.has(x.o.s.content_sha256)) recPerSession.set(x.o.s.content_sha256, x);
  const recList = [...recPerSession.values()];
  const changed = countBy(
    recList.flatMap((x) => x.r.changed),
    (p) => p,
  );
  const between = countBy(
    recList.flatMap((x) => x.r.between),
    (l) => l,
  );
  const fixLabels = countBy(recList, (x) => x.r.label);
  const satisfiedRecovered = recList.filter((x) => x.o.s.outcome === 'satisfied').length;
  const numeric = recList.flatMap((x) => x.r.numeric).slice(0, 2);
  const labels = countBy(occs, (o) => o.e.label);
  const agents = countBy(perSession, (o) => o.s.agent_id);
  const lastSeen =
    perSession
      .map((o) => dayOf(o.s.time))
      .filter((d): d is string => d !== null)
      .sort()
      .pop() ?? null;

  const shortTemplate = template.replace(/^Error:\s*/i, '');
  const title =
    kind === 'harness'
      ? `Harness: ${ellipsize(shortTemplate, 56)}`
      : `${tool}: ${ellipsize(shortTemplate, 56)}`;
  const fixHint =
    kind !== 'tool_error'
      ? recList.length > 0
        ? `a following call succeeded in ${recList.length} of ${perSession.length} sessions`
        : 'no recovery seen'
      : changed.length > 0 && !(changed.length === 1 && changed[0]![0] === 'command')
        ? `fix: change ${changed
            .slice(0, 2)
            .map(([p]) => p)
            .join(', ')}`
        : between.length > 0
          ? `fix: call ${between[0]![0]} first`
          : recList.length > 0
            ? `then ${fixLabels[0]![0]} succeeded`
            : 'no recovery seen';
  const subject =
    kind === 'harness' ? 'harness feedback' : kind === 'warning' ? `${tool} warning` : `${tool} fails`;
  const summary = `${support.sessions} sessions; ${fixHint}; ${subject}: ${ellipsize(shortTemplate, 70)}`;

  const lines: string[] = [];
  lines.push(`# ${title}`, '');
  lines.push(
    `${kind === 'harness' ? 'Harness message' : kind === 'warning' ? 'Warning' : 'Error'} template (\`${tool}\`):`,
    '',
  );
  lines.push('```text', template, '```', '');
  const outcomeText = outcomes.map(([k, n]) => `${n} ${k}`).join(', ');
  lines.push(
    `Seen ${occs.length} time${occs.length === 1 ? '' : 's'} in ${support.sessions} sessions (${support.agents} agent${support.agents === 1 ? '' : 's'}: ${agents
      .slice(0, 3)
      .map(([a]) => `\`${a}\``)
      .join(', ')}); session outcomes: ${outcomeText}.`,
  );
  if (templateCounts.length > 1) lines.push(`Variants: ${fmtCounts(templateCounts.slice(1), 3)}.`);
  if (labels.length > 0 && labels.some(([l]) => l.includes(':')))
    lines.push(`Failing calls: ${fmtCounts(labels, 5)}.`);
  lines.push('', '## What worked afterwards', '');
  if (recList.length === 0) {
    lines.push('- No successful retry of the same tool was observed after this error.');
  } else {
    const sat = satisfiedRecovered > 0 ? `, ${satisfiedRecovered} of them in satisfied sessions` : '';
    const what =
      kind === 'harness' ? 'a following tool call succeeded' : `a later \`${tool}\` call succeeded`;
    lines.push(`- In ${recList.length} of ${support.sessions} sessions ${what}${sat}.`);
    if (changed.length > 0 && kind === 'tool_error')
      lines.push(
        `- The successful retry changed: ${fmtCounts(changed, 5)}${numeric.length ? ` — e.g. ${numeric.map((n) => `\`${n}\``).join(', ')}` : ''}.`,
      );
    if (between.length > 0) lines.push(`- Calls made before the successful retry: ${fmtCounts(between, 5)}.`);
    if (kind !== 'tool_error' || fixLabels.some(([l]) => l.includes(':')))
      lines.push(`- Successful follow-up calls: ${fmtCounts(fixLabels, 5)}.`);
    const failedNoFix = perSession.length - recList.length;
    if (failedNoFix > 0)
      lines.push(`- No successful retry in ${failedNoFix} session${failedNoFix === 1 ? '' : 's'}.`);
  }
  // evidence: the error in up to 6 sessions, plus up to 3 error→fix ranges (prefer satisfied sessions)
  const evidence: PlannedEvidence[] = perSession.slice(0, 6).map((o) => ({
    session_id: o.s.id,
    seq_from: o.e.seq,
    seq_to: o.e.seq,
    quote: o.e.quote,
    source: o.e.kind === 'harness' ? 'system.message' : 'agent.tool_result',
  }));
  const fixes = [...recList].sort(
    (a, b) =>
      Number(b.o.s.outcome === 'satisfied') - Number(a.o.s.outcome === 'satisfied') ||
      compareStrings(a.o.s.id, b.o.s.id),
  );
  for (const x of fixes.slice(0, 3)) {
    evidence.push({
      session_id: x.o.s.id,
      seq_from: x.o.e.seq,
      seq_to: x.r.seq_result,
      quote: x.r.quote,
      source: 'agent.tool_use',
    });
  }
  lines.push('', '## Evidence', '');
  for (const ev of evidence) {
    const range = ev.seq_from === ev.seq_to ? `#${ev.seq_from}` : `#${ev.seq_from}–${ev.seq_to}`;
    const what = ev.source === 'agent.tool_use' ? 'fix' : 'error';
    // fix quotes are tool inputs (they may hold one customer's details): cite, do not copy, them
    lines.push(
      ev.source === 'agent.tool_use'
        ? `- ${ev.session_id} ${range} (${what})`
        : `- ${ev.session_id} ${range} (${what}): ${JSON.stringify(ellipsize(ev.quote, 140))}`,
    );
  }
  const recoveredRate = perSession.length ? recovered.length / perSession.length : 0;
  const key = `mistake:${kind}:${tool}:${template}`;
  return {
    key,
    match_text: shortTemplate,
    kind: 'mistake',
    slug: fileSlug(`${kind === 'harness' ? 'harness' : tool} ${shortTemplate}`),
    title,
    summary,
    body: `${lines.join('\n')}\n`,
    support,
    confidence: supportConfidence(support.sessions, recoveredRate > 0.5 ? 0.05 : 0),
    last_seen: lastSeen,
    evidence,
    score: support.sessions * KIND_WEIGHT[kind] * (1 + recoveredRate * 0.5),
    reason: `Recurring ${kind === 'tool_error' ? 'tool error' : kind} in ${support.sessions} sessions (${occs.length} occurrences${
      clusterKeys.length > 1 ? `, ${clusterKeys.length} near-duplicate templates merged` : ''
    }); ${recList.length} sessions show a successful retry.`,
  };
}
