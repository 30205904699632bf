/** Small builders shared by the cross-dialect storage suites. */
import {
  type Actor,
  DEFAULT_POLICY,
  type Dream,
  type MemoryStore,
  type NewSession,
  newId,
  type SessionEvent,
} from '../src/domain/index.js';

/** The actor test writes are attributed to. */
export const testActor: Actor = { type: 'api_actor', id: 'test' };

/** A fresh, empty memory store record named `test`. */
export function newTestStore(): MemoryStore {
  const now = new Date().toISOString();
  return {
    type: 'memory_store',
    id: newId('memstore'),
    name: 'test',
    description: '',
    metadata: {},
    policy: DEFAULT_POLICY,
    created_at: now,
    updated_at: now,
    archived_at: null,
  };
}

/** A session from `x.jsonl` with the given events; `extra` overrides any other field. */
export function newTestSession(
  ext: string,
  events: SessionEvent[],
  extra: Partial<NewSession> = {},
): NewSession {
  return {
    external_id: ext,
    agent_id: 'agent-a',
    user_id: null,
    parent_external_id: null,
    source_format: 'reverie',
    source_file: 'x.jsonl',
    title: ext,
    started_at: null,
    ended_at: null,
    metadata: {},
    events,
    outcome: null,
    ...extra,
  };
}

/**
 * A dream record for the storage suites: offline engine, `create_new`, no usage, created now.
 * @param status its status (default `completed`).
 * @param sessionIds the sessions it read (default none).
 */
export function newTestDream(
  storeId: string,
  status: Dream['status'] = 'completed',
  sessionIds: string[] = [],
): Dream {
  return {
    type: 'dream',
    id: newId('drm'),
    status,
    inputs: [
      { type: 'memory_store', memory_store_id: storeId },
      { type: 'sessions', session_ids: sessionIds },
    ],
    outputs: [],
    model: { id: 'offline' },
    instructions: null,
    output_behavior: { type: 'create_new' },
    session_id: null,
    usage: { input_tokens: 0, output_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
    error: null,
    created_at: new Date().toISOString(),
    ended_at: null,
    archived_at: null,
    engine: 'offline',
    progress: null,
    stats: {},
    base: {},
  };
}
