/**
 * Support and evidence that accumulate across dreams (issue 8). A memory a dream generates records, in
 * its front matter, which sessions support it:
 *
 * ```yaml
 * support: {sessions: 13, agents: 1}
 * support_sessions: 0c5e81f3a9d2 1f07b2c4e6a8 …   # 12-hex-digit prefixes of the sessions' content SHA-256
 * ```
 *
 * When a later dream proposes the same memory (same cluster key) from its own sessions,
 * {@link accumulate} adds them to the earlier ones instead of replacing them: the support becomes the
 * union of both session sets (6 earlier + 7 new → 13; a session both dreams read counts once), agents
 * the larger of the two counts (agent ids are not recorded, so this is a lower bound), the summary's
 * leading "N sessions" follows, and a line states the split. The rest of the text is what this dream's
 * sessions show (the earlier sessions' events are not re-read); its evidence list keeps this dream's
 * lines plus the earlier lines of sessions they do not cite (one entry per session, at most
 * {@link MAX_EVIDENCE_LINES} in all). One exception: when the earlier memory states a mistake's fix and
 * this dream's sessions show the error with no fix of their own, the earlier lesson (its text and
 * evidence, this dream's evidence added) is kept — seeing fewer recoveries does not refute a fix, and a
 * later dream never weakens a lesson that way. A file without `support_sessions` (written by hand or by
 * an older version) is replaced as before: without the session ids nothing can be added without
 * counting a session twice.
 */
import { feedbackConfidence } from './feedback-mining.js';
import { parseFrontMatter } from './front-matter.js';
import { type PlannedMemory, supportContents } from './plan.js';
import { projectFactConfidence } from './project-facts.js';
import { counted } from './text.js';

/** Front-matter field listing the sessions behind a generated memory. */
export const SUPPORT_SESSIONS_FIELD = 'support_sessions';
/** Hex digits of a session's content SHA-256 recorded per session (48 bits: collisions are negligible). */
const ID_CHARS = 12;
/** Evidence lines a merged memory keeps at most. */
export const MAX_EVIDENCE_LINES = 12;
/** Start of the line that states how the support accumulated. */
export const ACCUMULATED_PREFIX = 'Across dreams:';

/**
 * The session ids (content-hash prefixes, sorted) to record in a planned memory's front matter: those
 * {@link accumulate} merged, else those behind its support; null when unknown.
 */
export function supportSessionIds(p: PlannedMemory): string[] | null {
  if (p.support_sessions) return p.support_sessions;
  const contents = supportContents(p.support);
  return contents ? [...new Set(contents.map((c) => c.slice(0, ID_CHARS)))].sort() : null;
}

/** The ids recorded in a memory file's front matter (empty when none). */
function recordedIds(fields: Record<string, string>): string[] {
  const re = new RegExp(`^[0-9a-f]{${ID_CHARS}}$`);
  return (fields[SUPPORT_SESSIONS_FIELD] ?? '').split(/\s+/).filter((x) => re.test(x));
}

/** `agents` of a front-matter `support: {sessions: N, agents: M}` value, or 0. */
function recordedAgents(fields: Record<string, string>): number {
  const m = /agents:\s*(\d+)/.exec(fields.support ?? '');
  return m ? Number(m[1]) : 0;
}

/** The `- …` lines of a body's `## Evidence` section, keyed by their first token (the session id). */
function evidenceLines(body: string): { lines: string[]; start: number; end: number } {
  const all = body.split('\n');
  const start = all.findIndex((l) => /^##\s+Evidence\s*$/.test(l));
  if (start < 0) return { lines: [], start: -1, end: -1 };
  let end = start + 1;
  while (end < all.length && !/^#{1,2}\s/.test(all[end]!)) end++;
  return { lines: all.slice(start + 1, end).filter((l) => l.startsWith('- ')), start, end };
}

const sessionOf = (line: string) => line.slice(2).split(/\s/)[0] ?? '';

/** A mistake summary that states a fix, and one that says none was seen (the mistake miner's wording). */
const FIX_STATED = /; fix: /;
const NO_FIX_STATED = /\bno reliable fix seen\b/;

/** A body without an earlier accumulation line (and the blank line after it). */
function withoutNote(body: string): string {
  return body.replace(new RegExp(`^${ACCUMULATED_PREFIX}.*\n(?:\n)?`, 'm'), '');
}

/**
 * The new body's evidence plus the earlier body's lines for sessions the new lines do not cite (one
 * line per such session), at most {@link MAX_EVIDENCE_LINES} in all, and the accumulation line before
 * the evidence heading.
 */
function mergeBody(body: string, earlierBody: string, note: string): string {
  const mine = evidenceLines(body);
  const lines = body.split('\n');
  if (mine.start < 0) return `${body.replace(/\s+$/, '')}\n\n${note}\n`;
  const cited = new Set(mine.lines.map(sessionOf));
  const added: string[] = [];
  for (const l of evidenceLines(earlierBody).lines) {
    const s = sessionOf(l);
    if (cited.has(s) || mine.lines.length + added.length >= MAX_EVIDENCE_LINES) continue;
    cited.add(s);
    added.push(l);
  }
  let lastLine = mine.end;
  while (lastLine > mine.start && !lines[lastLine - 1]!.startsWith('- ')) lastLine--;
  const out = [
    ...lines.slice(0, mine.start),
    note,
    '',
    ...lines.slice(mine.start, lastLine),
    ...added,
    ...lines.slice(lastLine),
  ];
  return out.join('\n');
}

/**
 * The confidence of a memory of a person's words (feedback, a stated project fact or reference) at
 * `sessions` sessions: those rise with every session that says or follows them (see
 * `feedback-mining.ts`, `project-facts.ts`); other kinds keep this dream's own.
 */
function confidenceAt(p: PlannedMemory, sessions: number): number {
  if (p.kind === 'feedback') return feedbackConfidence(sessions);
  if (p.kind === 'fact' && (p.type === 'project' || p.type === 'reference'))
    return projectFactConfidence(sessions);
  return p.confidence;
}

/**
 * Adds an earlier dream's support and evidence, recorded in `earlier` (the content of the file the
 * earlier dream generated for the same key), to a planned memory (see the module comment).
 * @returns `p` itself when there is nothing to add (no ids recorded, or no session beyond the new
 *   ones), else a copy with merged `support`, `support_sessions`, `summary`, `body` and `reason`.
 */
export function accumulate(p: PlannedMemory, earlier: string): PlannedMemory {
  const { fields, body: earlierBody } = parseFrontMatter(earlier);
  const before = recordedIds(fields);
  const now = supportSessionIds(p);
  if (before.length === 0 || !now) return p;
  const union = [...new Set([...before, ...now])].sort();
  const onlyEarlier = union.length - now.length;
  if (onlyEarlier === 0) return p;
  const sessions = union.length;
  const support = { sessions, agents: Math.max(p.support.agents, recordedAgents(fields)) };
  const recount = (summary: string, from: number) => {
    const lead = counted(from, 'session');
    if (summary.startsWith(lead)) return `${counted(sessions, 'session')}${summary.slice(lead.length)}`;
    // a person's words end their summary with the count: "Never force-push … (1 session)"
    const tail = `(${lead})`;
    return summary.endsWith(tail)
      ? `${summary.slice(0, -tail.length)}(${counted(sessions, 'session')})`
      : summary;
  };
  const reason = `${p.reason} Support accumulated across dreams: ${counted(sessions, 'session')} (${now.length} in this dream, ${onlyEarlier} only in earlier ones).`;
  const earlierSummary = fields.summary ?? '';
  if (p.kind === 'mistake' && FIX_STATED.test(earlierSummary) && NO_FIX_STATED.test(p.summary)) {
    // this dream's sessions show the error but no fix of their own: that does not refute the fix the
    // earlier sessions established, so the earlier lesson stays (a later dream never weakens it by
    // seeing less)
    const earlierCount = /^(\d+) sessions?\b/.exec(earlierSummary);
    const confidence = Number(fields.confidence);
    const note = `${ACCUMULATED_PREFIX} ${counted(sessions, 'session')} in all: ${counted(now.length, 'session')} of this dream add to the error's support, and the fix above is the one the ${counted(onlyEarlier, 'session')} of earlier dreams established.`;
    return {
      ...p,
      support,
      support_sessions: union,
      confidence: Number.isFinite(confidence) ? Math.min(p.confidence, confidence) : p.confidence,
      summary: earlierCount ? recount(earlierSummary, Number(earlierCount[1])) : earlierSummary,
      body: mergeBody(withoutNote(earlierBody), p.body, note),
      reason: `${reason} Kept the fix an earlier dream established: this dream's sessions recover from the error in no satisfied session of their own, which does not refute it.`,
    };
  }
  const note = `${ACCUMULATED_PREFIX} ${counted(sessions, 'session')} in all: ${counted(now.length, 'session')} of this dream, ${onlyEarlier} more from earlier dreams (the text above describes this dream's ${counted(now.length, 'session')}).`;
  return {
    ...p,
    support,
    support_sessions: union,
    confidence: confidenceAt(p, sessions),
    summary: recount(p.summary, p.support.sessions),
    body: mergeBody(p.body, earlierBody, note),
    reason,
  };
}
