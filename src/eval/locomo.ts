/**
 * LoCoMo (snap-research/locomo, `data/locomo10.json`; the shared data keeps one conversation per
 * `conv-*.json`) for the evaluation only: not an importer. A conversation is
 * `{speaker_a, speaker_b, session_N: [{speaker, dia_id, text, blip_caption?}], session_N_date_time,
 * …, qa: [{question, answer, evidence: ['D1:3', …], category}]}` (either at the top level or under
 * `conversation`). Each `session_N` becomes one session whose turns are `user.message` events
 * `"<speaker>: <text>"` (both speakers are people), 30 s apart from the session's date.
 *
 * Scoring (see {@link scoreLocomo}):
 * - **evidence retention**: share of the QA evidence turns (distinct dia ids that exist in the
 *   conversation) that some memory cites: a create/update change whose evidence names the turn's
 *   session with `seq_from ≤ seq ≤ seq_to` and whose path is in the output, or an output memory that
 *   contains the turn's text, or one of its sentences of at least 20 characters (normalized).
 * - **compression**: characters of the output files divided by characters of the turn texts.
 * - **feedback without an agent**: feedback memories proposed from a conversation none of whose sessions
 *   has an agent turn — nobody was directed, so the target is 0 (issue 15: two friends' "keep going and
 *   never give up!" is not a rule for an agent); likewise **preferences without an agent** ("life's all
 *   about creating memories" is no preference about how an agent works).
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { SessionEvent } from '../domain/index.js';
import { hasAgentTurns } from '../dream/offline/addressed.js';
import type { ProposedChange } from '../dream/types.js';
import type { ImportedSession } from '../ingest/types.js';
import { normalizeForMatch } from './scorers/markers.js';
import { INDEX_FILE } from './scorers/memory-files.js';

/** One turn's location after loading. */
export interface LocomoTurn {
  dia_id: string;
  external_id: string;
  seq: number;
  speaker: string;
  text: string;
}

/** A loaded LoCoMo conversation. */
export interface LocomoConversation {
  /** File stem, e.g. `conv-26`. */
  id: string;
  speakers: [string, string];
  sessions: ImportedSession[];
  turns: Map<string, LocomoTurn>;
  /** Distinct evidence dia ids of the QA that exist in the conversation. */
  evidence: string[];
  qa: number;
  /** Sum of the turn texts' lengths, in characters. */
  transcript_chars: number;
}

const MONTHS: Record<string, number> = {
  january: 0,
  february: 1,
  march: 2,
  april: 3,
  may: 4,
  june: 5,
  july: 6,
  august: 7,
  september: 8,
  october: 9,
  november: 10,
  december: 11,
};

/** Parses LoCoMo's `"1:56 pm on 8 May, 2023"` to ms since the epoch (UTC); `null` if it does not parse. */
export function parseLocomoDate(s: string): number | null {
  const m = /(\d{1,2}):(\d{2})\s*(am|pm)\s+on\s+(\d{1,2})\s+([A-Za-z]+),?\s+(\d{4})/i.exec(s);
  if (!m) return null;
  let h = Number(m[1]) % 12;
  if (m[3]!.toLowerCase() === 'pm') h += 12;
  const month = MONTHS[m[5]!.toLowerCase()];
  if (month === undefined) return null;
  return Date.UTC(Number(m[6]), month, Number(m[4]), h, Number(m[2]));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Loads one LoCoMo conversation file into sessions.
 * @throws Error when the file has no `session_N` arrays.
 */
export async function loadLocomo(file: string): Promise<LocomoConversation> {
  const raw: unknown = JSON.parse(await readFile(file, 'utf8'));
  if (!isRecord(raw)) throw new Error(`${file}: expected a JSON object`);
  const conv = isRecord(raw.conversation) ? raw.conversation : raw;
  const id = basename(file).replace(/\.json$/, '');
  const a = String(conv.speaker_a ?? 'A');
  const b = String(conv.speaker_b ?? 'B');
  const nums = Object.keys(conv)
    .map((k) => /^session_(\d+)$/.exec(k))
    .filter((m): m is RegExpExecArray => m !== null && Array.isArray(conv[m[0]]))
    .map((m) => Number(m[1]))
    .sort((x, y) => x - y);
  if (nums.length === 0) throw new Error(`${file}: no session_N turns`);
  const turns = new Map<string, LocomoTurn>();
  const sessions: ImportedSession[] = [];
  let chars = 0;
  for (const n of nums) {
    const external_id = `locomo:${id}:session-${n}`;
    const dateText = String(conv[`session_${n}_date_time`] ?? '');
    const startMs = parseLocomoDate(dateText) ?? Date.UTC(2023, 0, 1) + n * 86_400_000;
    const events: SessionEvent[] = [];
    const list = conv[`session_${n}`] as unknown[];
    for (const t of list) {
      if (!isRecord(t)) continue;
      const speaker = String(t.speaker ?? '');
      const text = String(t.text ?? '');
      const caption =
        typeof t.blip_caption === 'string' && t.blip_caption !== ''
          ? ` [shares a photo: ${t.blip_caption}]`
          : '';
      const seq = events.length;
      events.push({
        type: 'user.message',
        seq,
        timestamp: new Date(startMs + seq * 30_000).toISOString(),
        source: { file, index: seq, pointer: `/session_${n}/${seq}` },
        text: `${speaker}: ${text}${caption}`,
      });
      chars += text.length;
      if (typeof t.dia_id === 'string')
        turns.set(t.dia_id, { dia_id: t.dia_id, external_id, seq, speaker, text });
    }
    sessions.push({
      external_id,
      agent_id: 'locomo',
      user_id: null,
      team_id: `locomo-${id}`,
      parent_external_id: null,
      source_format: 'reverie',
      source_file: file,
      title: `${a} and ${b}, session ${n} (${dateText})`,
      started_at: new Date(startMs).toISOString(),
      ended_at: new Date(startMs + Math.max(0, events.length - 1) * 30_000).toISOString(),
      metadata: { conversation: id, session: n, date_time: dateText },
      events,
      outcome: null,
    });
  }
  const qa = Array.isArray(raw.qa) ? raw.qa : Array.isArray(conv.qa) ? (conv.qa as unknown[]) : [];
  const evidence = new Set<string>();
  for (const q of qa) {
    if (!isRecord(q) || !Array.isArray(q.evidence)) continue;
    for (const e of q.evidence) {
      for (const idPart of String(e).split(/[;,\s]+/)) if (turns.has(idPart)) evidence.add(idPart);
    }
  }
  return {
    id,
    speakers: [a, b],
    sessions,
    turns,
    evidence: [...evidence].sort(),
    qa: qa.length,
    transcript_chars: chars,
  };
}

/** Evidence retention and compression of one conversation's dream. */
export interface LocomoScore {
  conversation: string;
  sessions: number;
  evidence_turns: number;
  cited_by_change: number;
  cited_by_quote: number;
  cited: number;
  retention: number | null;
  memory_chars: number;
  transcript_chars: number;
  compression: number;
  memories: number;
  /** True when some session of the conversation has an agent turn (LoCoMo's never do: two people talk). */
  agent: boolean;
  /** Feedback memories the dream proposed (created, updated or renamed into the output). */
  feedback: number;
  /** Preference memories proposed (a preference is how a person wants an agent to work). */
  preferences: number;
}

function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+/)
    .map((s) => normalizeForMatch(s).trim())
    .filter((s) => s.length >= 20);
}

/**
 * Scores a dream over one conversation.
 * @param sessionIdOf maps a session's external id to the `Session.id` the dream saw.
 */
export function scoreLocomo(
  conv: LocomoConversation,
  out: { files: { path: string; content: string }[]; changes: ProposedChange[] },
  sessionIdOf: (externalId: string) => string,
): LocomoScore {
  const paths = new Set(out.files.map((f) => f.path));
  const memories = out.files.filter((f) => f.path !== INDEX_FILE);
  const memText = memories.map((f) => normalizeForMatch(f.content));
  const live = out.changes.filter(
    (c) => (c.op === 'create' || c.op === 'update' || c.op === 'rename') && paths.has(c.to_path ?? c.path),
  );
  let byChange = 0;
  let byQuote = 0;
  let cited = 0;
  for (const dia of conv.evidence) {
    const t = conv.turns.get(dia)!;
    const sid = sessionIdOf(t.external_id);
    const c1 = live.some((c) =>
      c.evidence.some((e) => e.session_id === sid && e.seq_from <= t.seq && t.seq <= e.seq_to),
    );
    const whole = normalizeForMatch(t.text).trim();
    const needles = whole.length >= 8 ? [whole, ...sentences(t.text)] : [];
    const c2 = needles.some((n) => memText.some((m) => m.includes(n)));
    if (c1) byChange++;
    if (c2) byQuote++;
    if (c1 || c2) cited++;
  }
  const memoryChars = out.files.reduce((a, f) => a + f.content.length, 0);
  return {
    conversation: conv.id,
    sessions: conv.sessions.length,
    evidence_turns: conv.evidence.length,
    cited_by_change: byChange,
    cited_by_quote: byQuote,
    cited,
    retention: conv.evidence.length === 0 ? null : cited / conv.evidence.length,
    memory_chars: memoryChars,
    transcript_chars: conv.transcript_chars,
    compression: conv.transcript_chars === 0 ? 0 : memoryChars / conv.transcript_chars,
    memories: memories.length,
    agent: conv.sessions.some((s) => hasAgentTurns(s.events)),
    feedback: live.filter((c) => c.kind === 'feedback').length,
    preferences: live.filter((c) => c.kind === 'preference').length,
  };
}
