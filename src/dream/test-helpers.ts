/**
 * Test support for dream tests (not exported from the package): turns imported transcripts into the
 * {@link DreamSessionRef}s storage would hand an engine, with stable `sesn_` ids derived from the
 * external id and `content_sha256` over the normalized events (as storage computes it).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  type OutcomeResult,
  type Session,
  type SessionEvent,
  sha256Hex,
  stableId,
  type ToolKind,
} from '../domain/index.js';
import { importTranscripts } from '../ingest/index.js';
import type { ImportedSession } from '../ingest/types.js';
import { gatherSession } from './offline/gather.js';
import type { DreamSessionRef, GatherCache, InputMemory } from './types.js';

/** A stored-like session built from an imported one, with a stable id. */
export function sessionFromImported(s: ImportedSession, idSalt = ''): Session {
  return {
    type: 'session',
    id: stableId('sesn', sha256Hex(`${idSalt}${s.external_id}`)),
    external_id: s.external_id,
    agent_id: s.agent_id,
    team_id: null,
    user_id: s.user_id,
    parent_session_id: null,
    parent_external_id: s.parent_external_id,
    source_format: s.source_format,
    source_file: s.source_file,
    title: s.title,
    started_at: s.started_at,
    ended_at: s.ended_at,
    metadata: s.metadata,
    event_count: s.events.length,
    content_sha256: sha256Hex(JSON.stringify(s.events)),
    outcome: s.outcome,
    imported_at: '2026-01-01T00:00:00.000Z',
  };
}

/**
 * The sessions with their parent links removed: every subagent's transcript read as a top-level session,
 * so that its "user" messages (the prompts the parent agent wrote) count as a person's words. For tests
 * that need many real statements of one kind, such as the poem prompts of the shared Claude Code corpus.
 */
export function asTopLevel(sessions: readonly ImportedSession[]): ImportedSession[] {
  return sessions.map((s) => ({ ...s, parent_external_id: null }));
}

/** A session ref whose `loadEvents()` counts its calls in `loads`. */
export interface CountingRef extends DreamSessionRef {
  loads: { n: number };
  events: SessionEvent[];
}

/** Wraps imported sessions as dream inputs. */
export function refsFromImported(sessions: readonly ImportedSession[], idSalt = ''): CountingRef[] {
  return sessions.map((s) => {
    const loads = { n: 0 };
    return {
      session: sessionFromImported(s, idSalt),
      events: s.events,
      loads,
      loadEvents: async () => {
        loads.n++;
        return s.events;
      },
    };
  });
}

/** Imports transcripts (files or folders) and returns all sessions, failing on any import error. */
export async function importAll(paths: string[]): Promise<ImportedSession[]> {
  const out: ImportedSession[] = [];
  for await (const r of importTranscripts(paths)) {
    if ('error' in r) throw r.error;
    out.push(...r.sessions);
  }
  return out;
}

/** An in-memory gather cache that stores JSON text (so values round-trip like a real store's). */
export class MemoryCache implements GatherCache {
  readonly map = new Map<string, string>();
  async get(key: string): Promise<unknown | undefined> {
    const v = this.map.get(key);
    return v === undefined ? undefined : JSON.parse(v);
  }
  async set(key: string, value: unknown): Promise<void> {
    this.map.set(key, JSON.stringify(value));
  }
}

/**
 * Loads a memory-folder fixture: every `.md` file (except `README.md` at the root) becomes a memory at
 * `/<relative path>`, with `updated_at` from the folder's `updated-at.json` (path → ISO timestamp).
 */
export function loadMemoryFixture(dir: string): InputMemory[] {
  const updated = JSON.parse(readFileSync(join(dir, 'updated-at.json'), 'utf8')) as Record<string, string>;
  const out: InputMemory[] = [];
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      if (statSync(join(dir, r)).isDirectory()) walk(r);
      else if (name.endsWith('.md') && r !== 'README.md') {
        const content = readFileSync(join(dir, r), 'utf8');
        const path = `/${r}`;
        out.push({
          path,
          content,
          content_sha256: sha256Hex(content),
          updated_at: updated[path] ?? '2026-01-01T00:00:00.000Z',
        });
      }
    }
  };
  walk('');
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** A step of a synthetic session: a user message, or a tool call with its result (`kind` default `other`). */
export type Step =
  | string
  | { tool: string; input?: unknown; result: string; error?: boolean; kind?: ToolKind; command?: string };

/** A `Bash` step of a {@link syntheticSession}: a shell call of `command` with `result` (failed when `error`). */
export function shellStep(command: string, result: string, error = false): Step {
  return { tool: 'Bash', kind: 'shell', command, input: { command }, result, error };
}

/**
 * A synthetic session (default: satisfied, agent `agent-a`, title = id; all events at 2026-02-01T10:00Z):
 * user messages and tool call/result pairs in order; `content_sha256` over the events as storage
 * computes it.
 */
export function syntheticSession(
  id: string,
  user: string | null,
  steps: Step[],
  opts: { title?: string; outcome?: OutcomeResult; agent?: string; metadata?: Record<string, unknown> } = {},
): DreamSessionRef {
  const src = { file: 'synthetic' };
  const events: SessionEvent[] = [];
  let seq = 0;
  const ts = '2026-02-01T10:00:00.000Z';
  for (const t of steps) {
    if (typeof t === 'string') {
      events.push({ type: 'user.message', text: t, seq: seq++, timestamp: ts, source: src });
      continue;
    }
    const call_id = `c${seq}`;
    events.push({
      type: 'agent.tool_use',
      tool: t.tool,
      kind: t.kind ?? 'other',
      ...(t.command !== undefined ? { command: t.command } : {}),
      input: t.input ?? {},
      call_id,
      seq: seq++,
      timestamp: ts,
      source: src,
    } as SessionEvent);
    events.push({
      type: 'agent.tool_result',
      tool: t.tool,
      call_id,
      content: t.result,
      is_error: t.error ?? false,
      seq: seq++,
      timestamp: ts,
      source: src,
    } as SessionEvent);
  }
  const s: Session = {
    type: 'session',
    id,
    external_id: id,
    agent_id: opts.agent ?? 'agent-a',
    team_id: null,
    user_id: user,
    parent_session_id: null,
    source_format: 'reverie',
    source_file: 'synthetic',
    title: opts.title ?? id,
    started_at: ts,
    ended_at: '2026-02-01T11:00:00.000Z',
    metadata: opts.metadata ?? {},
    event_count: events.length,
    content_sha256: sha256Hex(JSON.stringify(events)),
    outcome: {
      result: opts.outcome ?? 'satisfied',
      score: null,
      labels: [],
      explanation: null,
      source: 'user',
    },
    imported_at: '2026-02-02T00:00:00.000Z',
  };
  return { session: s, loadEvents: async () => events };
}

/** What {@link editThenReply} builds: the person's task, the agent's edit and message, the person's reply. */
export interface EditThenReply {
  /** The person's opening request. */
  task: string;
  /** The file the agent edits, and the code it writes there. */
  file: string;
  code: string;
  /** The agent's message after the edit. */
  agent: string;
  /** The person's reply, the message under test. */
  person: string;
}

/**
 * The events of a short session (no timestamps, source `hand-made`): the person's task, one `Edit` call of
 * the agent writing `code` into `file` and its result, the agent's message, then the person's reply — the
 * shape in which the person-statement tests read one reply after the agent acted.
 */
export function editThenReply(o: EditThenReply): SessionEvent[] {
  let seq = 0;
  const at = () => ({ seq: seq++, timestamp: null, source: { file: 'hand-made' } });
  return [
    { type: 'user.message', text: o.task, ...at() },
    {
      type: 'agent.tool_use',
      tool: 'Edit',
      kind: 'edit',
      input: { file_path: o.file, old_string: 'a', new_string: o.code },
      call_id: 'c1',
      ...at(),
    },
    { type: 'agent.tool_result', call_id: 'c1', tool: 'Edit', content: 'ok', is_error: false, ...at() },
    { type: 'agent.message', text: o.agent, ...at() },
    { type: 'user.message', text: o.person, ...at() },
  ];
}

/**
 * What gather reads as a person's words in `events`, each as quoted: their feedback (not the agent's
 * commitments), preference statements, then facts.
 */
export function personStatements(events: readonly SessionEvent[]): string[] {
  const d = gatherSession(events);
  return [
    ...d.feedback.filter((f) => f.cue !== 'follows').map((f) => f.text),
    ...d.statements.map((s) => s.text),
    ...d.facts.map((f) => f.text),
  ];
}
