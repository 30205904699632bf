/**
 * Cross-session preferences and facts. Preference/correction sentences are grouped by exact token key,
 * then near-duplicates (token-set Jaccard ≥ 0.6, MinHash/LSH); support counts distinct *speakers*
 * (the session's `user_id`, or the session itself when the user is unknown), so one customer repeating
 * themselves in two sessions is still one voice. Facts stated in sessions are grouped by (subject, value)
 * and returned for contradiction checks against memories; user-stated ones with enough speakers become
 * fact memories.
 */
import type { FactOccurrence, StatementOccurrence } from './digest.js';
import {
  dayOf,
  type GatheredSession,
  type PlannedEvidence,
  type PlannedMemory,
  supportConfidence,
  supportOf,
} from './plan.js';
import { clusterNearDuplicates } from './similarity.js';
import { compareStrings, ellipsize, fileSlug } from './text.js';

/** The speaker key of a session: its user, or its content when the user is unknown. */
export function speakerOf(s: GatheredSession): string {
  return s.user_id ? `user:${s.user_id}` : `session:${s.content_sha256}`;
}

/** Counters {@link minePreferences} reports. */
export interface PreferenceStats {
  preference_statements: number;
  preference_clusters: number;
  preferences_promoted: number;
  preferences_noise: number;
}

/**
 * Finds preferences and corrections stated by at least `minSupport` distinct speakers.
 * @returns planned preference memories (sorted by key) and counters.
 */
export function minePreferences(
  sessions: readonly GatheredSession[],
  minSupport: number,
): { memories: PlannedMemory[]; stats: PreferenceStats } {
  const byKey = new Map<string, { s: GatheredSession; st: StatementOccurrence }[]>();
  let count = 0;
  for (const s of sessions) {
    for (const st of s.digest.statements) {
      if (st.source !== 'user.message') continue; // never from agents or tools
      count++;
      const key = st.tokens.join(' ');
      const l = byKey.get(key);
      if (l) l.push({ s, st });
      else byKey.set(key, [{ s, st }]);
    }
  }
  const keys = [...byKey.keys()].sort(compareStrings);
  const groups = clusterNearDuplicates(
    keys.map((k) => k.split(' ')),
    { threshold: 0.6 },
  );
  const memories: PlannedMemory[] = [];
  let noise = 0;
  for (const g of groups) {
    const occ = g
      .flatMap((i) => byKey.get(keys[i]!)!)
      .sort((a, b) => compareStrings(a.s.id, b.s.id) || a.st.seq - b.st.seq);
    const speakers = new Set(occ.map((o) => speakerOf(o.s)));
    const support = supportOf(occ.map((o) => o.s));
    if (speakers.size < minSupport || support.sessions < minSupport) {
      noise++;
      continue;
    }
    // quotes: distinct texts, most frequent first
    const texts = new Map<string, number>();
    for (const o of occ) texts.set(o.st.text, (texts.get(o.st.text) ?? 0) + 1);
    const quotes = [...texts.entries()].sort((a, b) => b[1] - a[1] || compareStrings(a[0], b[0]));
    const corrections = occ.filter((o) => o.st.kind === 'correction').length;
    const kindWord = corrections * 2 > occ.length ? 'Correction' : 'Preference';
    const head = quotes[0]![0];
    const seen = new Set<string>();
    const evidence: PlannedEvidence[] = [];
    for (const o of occ) {
      if (seen.has(o.s.content_sha256) || evidence.length >= 6) continue;
      seen.add(o.s.content_sha256);
      evidence.push({
        session_id: o.s.id,
        seq_from: o.st.seq,
        seq_to: o.st.seq,
        quote: o.st.text,
        source: 'user.message',
      });
    }
    const lastSeen =
      occ
        .map((o) => dayOf(o.s.time))
        .filter((d): d is string => d !== null)
        .sort()
        .pop() ?? null;
    const title = `${kindWord}: ${ellipsize(head, 70)}`;
    const body = [
      `# ${title}`,
      '',
      `Stated by ${speakers.size} distinct users in ${support.sessions} sessions. In their words:`,
      '',
      ...quotes.slice(0, 5).map(([q, n]) => `> ${q}${n > 1 ? ` (×${n})` : ''}`.replace(/\n/g, ' ')),
      '',
      '## Evidence',
      '',
      ...evidence.map((e) => `- ${e.session_id} #${e.seq_from}: ${JSON.stringify(e.quote)}`),
    ];
    memories.push({
      key: `preference:${keys[g[0]!]!}`,
      match_text: head,
      kind: 'preference',
      slug: fileSlug(head, 50, 'preference'),
      title,
      summary: `${ellipsize(head, 90)} (${speakers.size} users)`,
      body: `${body.join('\n')}\n`,
      support,
      confidence: supportConfidence(speakers.size, 0.05),
      last_seen: lastSeen,
      evidence,
      score: speakers.size * 1.2,
      reason: `${kindWord} stated verbatim by ${speakers.size} distinct users in ${support.sessions} sessions.`,
    });
  }
  memories.sort((a, b) => compareStrings(a.key, b.key));
  return {
    memories,
    stats: {
      preference_statements: count,
      preference_clusters: groups.length,
      preferences_promoted: memories.length,
      preferences_noise: noise,
    },
  };
}

/** A fact as stated in sessions: one (subject, value) with who said it. */
export interface SessionFact {
  subject: string;
  value: string;
  type: string;
  change: boolean;
  /** Most frequent verbatim sentence. */
  text: string;
  /** Weighted support: user statements 1 per speaker, agent statements 0.5 per session. */
  weight: number;
  /** Distinct user speakers. */
  users: number;
  /** Latest session time stating it, or null. */
  time: string | null;
  occurrences: { s: GatheredSession; f: FactOccurrence }[];
}

/**
 * Groups the facts stated in sessions by (subject, value).
 * @returns one entry per (subject, value), sorted by subject then value.
 */
export function collectSessionFacts(sessions: readonly GatheredSession[]): SessionFact[] {
  const by = new Map<string, { s: GatheredSession; f: FactOccurrence }[]>();
  for (const s of sessions) {
    for (const f of s.digest.facts) {
      const key = `${f.subject}\u0000${f.type}\u0000${f.value}`;
      const l = by.get(key);
      if (l) l.push({ s, f });
      else by.set(key, [{ s, f }]);
    }
  }
  const out: SessionFact[] = [];
  for (const key of [...by.keys()].sort(compareStrings)) {
    const occ = by.get(key)!.sort((a, b) => compareStrings(a.s.id, b.s.id) || a.f.seq - b.f.seq);
    const users = new Set(occ.filter((o) => o.f.source === 'user.message').map((o) => speakerOf(o.s)));
    const agentSessions = new Set(
      occ.filter((o) => o.f.source === 'agent.message').map((o) => o.s.content_sha256),
    );
    const texts = new Map<string, number>();
    for (const o of occ)
      if (o.f.source === 'user.message' || users.size === 0)
        texts.set(o.f.text, (texts.get(o.f.text) ?? 0) + 1);
    const text =
      [...texts.entries()].sort((a, b) => b[1] - a[1] || compareStrings(a[0], b[0]))[0]?.[0] ??
      occ[0]!.f.text;
    const f0 = occ[0]!.f;
    out.push({
      subject: f0.subject,
      value: f0.value,
      type: f0.type,
      change: occ.some((o) => o.f.change),
      text,
      weight: users.size + agentSessions.size * 0.5,
      users: users.size,
      time:
        occ
          .map((o) => o.s.time)
          .filter((t): t is string => t !== null)
          .sort()
          .pop() ?? null,
      occurrences: occ,
    });
  }
  return out;
}

/** Evidence (up to `max`) for a session fact, user statements first. */
export function sessionFactEvidence(f: SessionFact, max = 5): PlannedEvidence[] {
  const occ = [...f.occurrences].sort(
    (a, b) =>
      Number(b.f.source === 'user.message') - Number(a.f.source === 'user.message') ||
      compareStrings(a.s.id, b.s.id),
  );
  const seen = new Set<string>();
  const out: PlannedEvidence[] = [];
  for (const o of occ) {
    if (seen.has(o.s.content_sha256) || out.length >= max) continue;
    seen.add(o.s.content_sha256);
    out.push({ session_id: o.s.id, seq_from: o.f.seq, seq_to: o.f.seq, quote: o.f.text, source: o.f.source });
  }
  return out;
}

/**
 * Fact memories for facts that users (not agents) stated in at least `minSupport` distinct voices and that
 * no memory already covers (`covered` holds `subject` keys known from memories).
 */
export function promoteSessionFacts(
  facts: readonly SessionFact[],
  minSupport: number,
  covered: ReadonlySet<string>,
): PlannedMemory[] {
  const out: PlannedMemory[] = [];
  // per subject, only the best-supported value (newest on ties) is promoted
  const bySubject = new Map<string, SessionFact[]>();
  for (const f of facts) {
    if (f.users < minSupport || covered.has(f.subject)) continue;
    const l = bySubject.get(f.subject);
    if (l) l.push(f);
    else bySubject.set(f.subject, [f]);
  }
  for (const subject of [...bySubject.keys()].sort(compareStrings)) {
    const best = bySubject
      .get(subject)!
      .sort(
        (a, b) =>
          b.users - a.users || compareStrings(b.time ?? '', a.time ?? '') || compareStrings(a.value, b.value),
      )[0]!;
    const evidence = sessionFactEvidence(best);
    const support = supportOf(best.occurrences.map((o) => o.s));
    out.push({
      key: `fact:${best.subject}`,
      match_text: best.text,
      kind: 'fact',
      slug: fileSlug(best.subject, 50, 'fact'),
      title: ellipsize(best.text, 70),
      summary: `${ellipsize(best.text, 90)} (${best.users} users)`,
      body: `# ${ellipsize(best.text, 90)}\n\n${best.text}\n\nStated by ${best.users} users in ${support.sessions} sessions.\n\n## Evidence\n\n${evidence
        .map((e) => `- ${e.session_id} #${e.seq_from}: ${JSON.stringify(e.quote)}`)
        .join('\n')}\n`,
      support,
      confidence: supportConfidence(best.users),
      last_seen: dayOf(best.time),
      evidence,
      score: best.users,
      reason: `Fact stated by ${best.users} distinct users in ${support.sessions} sessions.`,
    });
  }
  return out;
}
