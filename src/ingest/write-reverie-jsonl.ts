/**
 * Writes sessions in reverie's normalized JSONL format (docs/normalized-format.md), the inverse of
 * {@link importReverieJsonl} up to `seq`/`source` (re-assigned on import) and `source_format`.
 */
import type { SessionEvent } from '../domain/index.js';
import type { ImportedSession } from './types.js';

/** The line object of one event: its fields without `seq` and `source`; a null `timestamp` omitted. */
export function eventLine(e: SessionEvent): Record<string, unknown> {
  const { seq: _seq, source: _source, timestamp, ...rest } = e;
  return timestamp === null ? rest : { ...rest, timestamp };
}

/**
 * Serializes sessions as normalized JSONL: per session a `session` line, its events, then an
 * `outcome` line when it has one. Ends with a newline; empty input gives `''`.
 * @example toReverieJsonl(readTranscriptFile('x.json').sessions)
 */
export function toReverieJsonl(sessions: readonly ImportedSession[]): string {
  const out: string[] = [];
  for (const s of sessions) {
    const head: Record<string, unknown> = {
      type: 'session',
      external_id: s.external_id,
      agent_id: s.agent_id,
      title: s.title,
    };
    if (s.user_id !== null) head.user_id = s.user_id;
    if (s.team_id != null) head.team_id = s.team_id;
    if (s.parent_external_id !== null) head.parent_external_id = s.parent_external_id;
    if (s.started_at !== null) head.started_at = s.started_at;
    if (s.ended_at !== null) head.ended_at = s.ended_at;
    if (Object.keys(s.metadata).length > 0) head.metadata = s.metadata;
    out.push(JSON.stringify(head));
    for (const e of s.events) out.push(JSON.stringify(eventLine(e)));
    if (s.outcome !== null) {
      const o = s.outcome;
      const line: Record<string, unknown> = { type: 'outcome', result: o.result };
      if (o.score !== null) line.score = o.score;
      if (o.labels.length > 0) line.labels = o.labels;
      if (o.explanation !== null) line.explanation = o.explanation;
      line.source = o.source;
      out.push(JSON.stringify(line));
    }
  }
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}
