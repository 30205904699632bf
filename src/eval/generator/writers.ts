/**
 * Serializers from the generator's {@link GenSession} to transcript formats the importers read:
 * - Claude Code JSONL (shared/reference/transcript-formats.md): `user`/`assistant` lines with `uuid`,
 *   `parentUuid`, `sessionId`, `timestamp`, `cwd`, `gitBranch`, `version`; one assistant line per
 *   content block sharing one `message.id`; `tool_result` blocks with `is_error`; `toolUseResult`.
 * - OpenAI chat: `{messages, metadata}` with `tool_calls` and `role: "tool"` results, like τ-bench.
 * - reverie normalized JSONL (docs/normalized-format.md): a `session` line, one line per event, an
 *   `outcome` line.
 * All output is deterministic for a given session and generator.
 */
import type { GenEvent, GenSession } from './model.js';
import type { Rng } from './prng.js';

const CLAUDE_CODE_VERSION = '2.1.14';

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * Claude Code JSONL text of a coding session (one line per record, trailing newline).
 * @param rng used for line uuids, message ids and request ids.
 */
export function toClaudeCodeJsonl(s: GenSession, rng: Rng): string {
  const lines: string[] = [];
  let parent: string | null = null;
  const base = () => ({
    parentUuid: parent,
    isSidechain: false,
    userType: 'external',
    cwd: s.cwd,
    sessionId: s.id,
    version: CLAUDE_CODE_VERSION,
    gitBranch: s.branch,
  });
  const toolUseLine = new Map<string, string>();
  let msg: { id: string; requestId: string } | null = null;
  const evs = s.events;
  for (let i = 0; i < evs.length; i++) {
    const e = evs[i]!;
    const uuid = rng.uuid();
    if (e.t === 'user' || e.t === 'system') {
      msg = null;
      lines.push(
        JSON.stringify({
          ...base(),
          type: 'user',
          message: { role: 'user', content: e.text },
          uuid,
          timestamp: iso(e.at),
        }),
      );
    } else if (e.t === 'tool_result') {
      msg = null;
      const block: Record<string, unknown> = {
        tool_use_id: e.call_id,
        type: 'tool_result',
        content: e.content,
        is_error: e.is_error,
      };
      lines.push(
        JSON.stringify({
          ...base(),
          type: 'user',
          message: { role: 'user', content: [block] },
          uuid,
          timestamp: iso(e.at),
          toolUseResult: e.shell
            ? { stdout: e.shell.stdout, stderr: e.shell.stderr, interrupted: false, isImage: false }
            : e.is_error
              ? `Error: ${e.content}`
              : e.content,
          sourceToolAssistantUUID: toolUseLine.get(e.call_id) ?? null,
        }),
      );
    } else {
      if (!msg) msg = { id: `msg_01${rng.alnum(22)}`, requestId: `req_011C${rng.alnum(20)}` };
      let block: Record<string, unknown>;
      if (e.t === 'thinking') block = { type: 'thinking', thinking: e.text, signature: rng.alnum(64) };
      else if (e.t === 'assistant') block = { type: 'text', text: e.text };
      else {
        block = { type: 'tool_use', id: e.call_id, name: e.tool, input: e.input };
        toolUseLine.set(e.call_id, uuid);
      }
      const next = evs[i + 1];
      const last = !next || next.t === 'user' || next.t === 'tool_result' || next.t === 'system';
      lines.push(
        JSON.stringify({
          ...base(),
          message: {
            model: s.model,
            id: msg.id,
            type: 'message',
            role: 'assistant',
            content: [block],
            stop_reason: last ? (e.t === 'tool_use' ? 'tool_use' : 'end_turn') : null,
            stop_sequence: null,
            usage: {
              input_tokens: rng.int(3, 12),
              cache_creation_input_tokens: rng.int(0, 4000),
              cache_read_input_tokens: rng.int(10000, 60000),
              output_tokens: rng.int(20, 900),
            },
          },
          requestId: msg.requestId,
          type: 'assistant',
          uuid,
          timestamp: iso(e.at),
        }),
      );
    }
    parent = uuid;
  }
  return `${lines.join('\n')}\n`;
}

/** OpenAI chat message shapes written by {@link toOpenAiChat}. */
export type OpenAiMessage =
  | { role: 'system' | 'user'; content: string }
  | {
      role: 'assistant';
      content: string | null;
      tool_calls?: { id: string; type: 'function'; function: { name: string; arguments: string } }[];
    }
  | { role: 'tool'; tool_call_id: string; name: string; content: string };

/**
 * OpenAI chat transcript of a session: consecutive agent text and tool calls become one assistant
 * message; thinking is dropped (the format has none). Tool errors are results whose text starts with
 * `Error:` (τ-bench's convention). Returns the `messages` array.
 */
export function toOpenAiMessages(s: GenSession): OpenAiMessage[] {
  const out: OpenAiMessage[] = [];
  let cur: Extract<OpenAiMessage, { role: 'assistant' }> | null = null;
  for (const e of s.events) {
    if (e.t === 'thinking') continue;
    if (e.t === 'assistant' || e.t === 'tool_use') {
      if (!cur || (e.t === 'assistant' && (cur.content !== null || cur.tool_calls))) {
        cur = { role: 'assistant', content: null };
        out.push(cur);
      }
      if (e.t === 'assistant') cur.content = e.text;
      else {
        cur.tool_calls ??= [];
        cur.tool_calls.push({
          id: e.call_id,
          type: 'function',
          function: { name: e.tool, arguments: JSON.stringify(e.input) },
        });
      }
      continue;
    }
    cur = null;
    if (e.t === 'system') out.push({ role: 'system', content: e.text });
    else if (e.t === 'user') out.push({ role: 'user', content: e.text });
    else out.push({ role: 'tool', tool_call_id: e.call_id, name: e.tool, content: e.content });
  }
  return out;
}

/**
 * OpenAI chat file text: `{"id", "model", "user", "messages": [...], "metadata": {...}}` (JSON,
 * trailing newline); the importer keeps `id`, `model` and `user` as session metadata. Metadata
 * carries the session id, agent, user, team, times and outcome for readers that use them.
 */
export function toOpenAiChatJson(s: GenSession): string {
  const evs = s.events;
  return `${JSON.stringify({
    id: s.id,
    model: s.model,
    user: s.user_id,
    messages: toOpenAiMessages(s),
    metadata: {
      session_id: s.id,
      agent_id: s.agent_id,
      user_id: s.user_id,
      team_id: s.team_id,
      model: s.model,
      task: s.task,
      started_at: iso(evs[0]?.at ?? 0),
      ended_at: iso(evs.at(-1)?.at ?? 0),
      reward: s.outcome.score,
    },
  })}\n`;
}

function normalizedEvent(e: GenEvent): Record<string, unknown> {
  const timestamp = iso(e.at);
  switch (e.t) {
    case 'system':
      return { type: 'system.message', timestamp, text: e.text };
    case 'user':
      return { type: 'user.message', timestamp, text: e.text };
    case 'assistant':
      return { type: 'agent.message', timestamp, text: e.text };
    case 'thinking':
      return { type: 'agent.thinking', timestamp, text: e.text };
    case 'tool_use':
      return { type: 'agent.tool_use', timestamp, tool: e.tool, input: e.input, call_id: e.call_id };
    case 'tool_result':
      return {
        type: 'agent.tool_result',
        timestamp,
        call_id: e.call_id,
        tool: e.tool,
        content: e.content,
        is_error: e.is_error,
      };
  }
}

/**
 * reverie normalized JSONL of a session: a `{"type":"session",…}` line (external id, agent, user,
 * team, title, times, metadata), one line per event (without `seq`/`source`, which the importer
 * assigns), and a `{"type":"outcome",…}` line.
 */
export function toReverieJsonl(s: GenSession, externalPrefix = 'reverie-eval'): string {
  const evs = s.events;
  const lines: string[] = [
    JSON.stringify({
      type: 'session',
      external_id: `${externalPrefix}:${s.id}`,
      agent_id: s.agent_id,
      user_id: s.user_id,
      team_id: s.team_id,
      title: s.title,
      started_at: iso(evs[0]?.at ?? 0),
      ended_at: iso(evs.at(-1)?.at ?? 0),
      metadata: { task: s.task, model: s.model, domain: s.domain },
    }),
  ];
  for (const e of evs) lines.push(JSON.stringify(normalizedEvent(e)));
  lines.push(
    JSON.stringify({
      type: 'outcome',
      result: s.outcome.result,
      score: s.outcome.score,
      labels: [s.task],
      explanation: null,
      source: 'reverie-eval.generator',
    }),
  );
  return `${lines.join('\n')}\n`;
}
