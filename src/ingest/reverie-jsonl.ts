/**
 * reverie's normalized JSONL format (documented with a full example in docs/normalized-format.md).
 * One JSON object per line; a `{"type":"session", …}` line starts a session, the lines after it
 * (until the next session line) are its events in the normalized shapes without `seq`/`source`
 * (those are assigned: `seq` dense from 0, `source` `{file, line}`; a tool call without `kind` is
 * `other`), plus at most one
 * `{"type":"outcome", …}` line. Every line is validated with zod; unknown fields are errors.
 */
import { z } from 'zod';
import { ImportError, type Outcome, type SessionEvent, TOOL_KINDS, type ToolKind } from '../domain/index.js';
import { EventList } from './event-list.js';
import { forEachJsonLine, isRecord } from './json.js';
import { titleFrom, toTimestamp } from './text.js';
import type { ImportedSession, ImporterOptions } from './types.js';
import { describeIssue } from './zod-issues.js';

const Timestamp = z.iso.datetime({ offset: true });
const OptionalTimestamp = Timestamp.nullable().optional();
const OptionalString = z.string().nullable().optional();

/** Schema of a session line. */
export const SessionLine = z.strictObject({
  type: z.literal('session'),
  external_id: z.string().min(1),
  agent_id: z.string().min(1).optional(),
  user_id: OptionalString,
  team_id: OptionalString,
  title: z.string().optional(),
  started_at: OptionalTimestamp,
  ended_at: OptionalTimestamp,
  metadata: z.record(z.string(), z.unknown()).optional(),
  parent_external_id: OptionalString,
});

const textEvent = <T extends string>(type: T) =>
  z.strictObject({ type: z.literal(type), text: z.string(), timestamp: OptionalTimestamp });

/** Schema of an event line (the normalized event shapes without `seq` and `source`). */
export const EventLine = z.discriminatedUnion('type', [
  textEvent('user.message'),
  textEvent('agent.message'),
  textEvent('agent.thinking'),
  textEvent('system.message'),
  z.strictObject({
    type: z.literal('agent.tool_use'),
    tool: z.string().min(1),
    kind: z.enum(TOOL_KINDS as [ToolKind, ...ToolKind[]]).optional(),
    input: z.unknown().optional(),
    call_id: z.string().min(1),
    command: z.string().optional(),
    timestamp: OptionalTimestamp,
  }),
  z.strictObject({
    type: z.literal('agent.tool_result'),
    call_id: z.string().min(1),
    tool: OptionalString,
    content: z.string(),
    is_error: z.boolean().optional(),
    exit_code: z.number().int().nullable().optional(),
    declined: z.literal(true).optional(),
    timestamp: OptionalTimestamp,
  }),
]);

/** Schema of an outcome line; `source` defaults to `import`, `labels` to `[]`. */
export const OutcomeLine = z.strictObject({
  type: z.literal('outcome'),
  result: z.enum(['satisfied', 'failed', 'partial', 'unknown']),
  score: z.number().min(0).max(1).nullable().optional(),
  labels: z.array(z.string()).optional(),
  explanation: OptionalString,
  source: z.string().min(1).optional(),
});

const EVENT_TYPES = new Set([
  'user.message',
  'agent.message',
  'agent.thinking',
  'system.message',
  'agent.tool_use',
  'agent.tool_result',
]);

interface Building {
  session: ImportedSession;
  events: EventList;
  titled: boolean;
}

/**
 * Imports a reverie normalized JSONL file.
 * @param opts `agent_id` is the default for session lines without one; `team_id` the default team.
 * @returns the sessions in file order.
 * @throws ImportError `file:line: <field>: <problem>` for a line that does not parse or validate, an
 *   event before the first session line, a second outcome, or a repeated `external_id`.
 */
export function importReverieJsonl(
  file: string,
  text: string,
  opts: ImporterOptions = {},
): ImportedSession[] {
  const sessions: ImportedSession[] = [];
  const firstLine = new Map<string, number>();
  let current: Building | null = null;
  const finish = () => {
    if (current === null) return;
    const s = current.session;
    if (!current.titled) {
      const first = current.events.events.find((e) => e.type === 'user.message');
      s.title = (first ? titleFrom(first.text) : '') || s.external_id;
    }
    sessions.push(s);
    current = null;
  };
  forEachJsonLine(
    file,
    text,
    (o, line) => {
      if (!isRecord(o)) throw new ImportError(file, 'expected a JSON object', line);
      if (o.type === 'session') {
        const next = sessionLine(o, file, line, opts, firstLine);
        finish();
        current = next;
        return;
      }
      const type = lineType(o, file, line);
      const building = current as Building | null;
      if (building === null) throw new ImportError(file, `${type} line before the first session line`, line);
      if (type === 'outcome') outcomeLine(o, building, file, line);
      else eventLine(o, building, file, line);
    },
    opts.first_line,
  );
  finish();
  return sessions;
}

/**
 * A `session` line: the session it opens (no events yet).
 * @throws ImportError for an invalid line, a missing agent id, or an external id seen before in the file.
 */
function sessionLine(
  o: Record<string, unknown>,
  file: string,
  line: number,
  opts: ImporterOptions,
  firstLine: Map<string, number>,
): Building {
  const parsed = SessionLine.safeParse(o);
  if (!parsed.success) throw new ImportError(file, describeIssue(parsed.error), line);
  const v = parsed.data;
  const agentId = v.agent_id ?? opts.agent_id;
  if (agentId === undefined)
    throw new ImportError(file, 'missing agent_id (or pass an agent id option)', line);
  const seen = firstLine.get(v.external_id);
  if (seen !== undefined) {
    throw new ImportError(
      file,
      `duplicate session external_id ${JSON.stringify(v.external_id)} (first at line ${seen})`,
      line,
    );
  }
  firstLine.set(v.external_id, line);
  const events = new EventList();
  return {
    events,
    titled: v.title !== undefined && v.title !== '',
    session: {
      external_id: v.external_id,
      agent_id: agentId,
      user_id: v.user_id ?? null,
      team_id: v.team_id ?? opts.team_id ?? null,
      parent_external_id: v.parent_external_id ?? null,
      source_format: 'reverie',
      source_file: file,
      title: v.title ?? '',
      started_at: toTimestamp(v.started_at),
      ended_at: toTimestamp(v.ended_at),
      metadata: v.metadata ?? {},
      events: events.events,
      outcome: null,
    },
  };
}

/**
 * The type of a line that is not a `session` line: `outcome` or an event type.
 * @throws ImportError for a missing or unknown type.
 */
function lineType(o: Record<string, unknown>, file: string, line: number): string {
  const type = o.type;
  if (typeof type !== 'string') throw new ImportError(file, 'missing type', line);
  if (type !== 'outcome' && !EVENT_TYPES.has(type)) {
    throw new ImportError(
      file,
      `type: unknown value ${JSON.stringify(type)} (expected session, outcome, ${[...EVENT_TYPES].join(', ')})`,
      line,
    );
  }
  return type;
}

/**
 * An `outcome` line: the current session's outcome.
 * @throws ImportError for an invalid line or a second outcome of the session.
 */
function outcomeLine(o: Record<string, unknown>, building: Building, file: string, line: number): void {
  const parsed = OutcomeLine.safeParse(o);
  if (!parsed.success) throw new ImportError(file, describeIssue(parsed.error), line);
  if (building.session.outcome !== null) {
    throw new ImportError(
      file,
      `second outcome for session ${JSON.stringify(building.session.external_id)}`,
      line,
    );
  }
  const v = parsed.data;
  const outcome: Outcome = {
    result: v.result,
    score: v.score ?? null,
    labels: v.labels ?? [],
    explanation: v.explanation ?? null,
    source: v.source ?? 'import',
  };
  building.session.outcome = outcome;
}

/**
 * An event line of the current session.
 * @throws ImportError for an invalid line.
 */
function eventLine(o: Record<string, unknown>, building: Building, file: string, line: number): void {
  const parsed = EventLine.safeParse(o);
  if (!parsed.success) throw new ImportError(file, describeIssue(parsed.error), line);
  const v = parsed.data;
  const ts = toTimestamp(v.timestamp);
  const source = { file, line };
  const events = building.events;
  switch (v.type) {
    case 'agent.tool_use':
      events.toolUse(v.tool, v.kind ?? 'other', v.input ?? {}, v.call_id, ts, source, v.command);
      break;
    case 'agent.tool_result': {
      const r = events.toolResult(
        v.call_id,
        v.tool ?? null,
        v.content,
        v.is_error ?? false,
        ts,
        source,
        v.exit_code,
      );
      if (v.declined) r.declined = true;
      break;
    }
    default:
      events.push({ seq: 0, type: v.type, timestamp: ts, source, text: v.text } as SessionEvent);
  }
}
