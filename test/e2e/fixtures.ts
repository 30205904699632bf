/**
 * Test fixtures for the review lane: a store with memories and a completed dream whose change set is
 * inserted directly through storage (no engine needed), so that review, apply, policies, rollback and
 * audit can be tested in isolation.
 */
import {
  type Change,
  type CheckReport,
  DEFAULT_POLICY,
  type Dream,
  type MemoryStore,
  newId,
  type StorePolicy,
  sha256Hex,
} from '../../src/domain/index.js';
import type { Storage } from '../../src/storage/index.js';

/** A change as a test writes it: `op` and `path` required, the rest defaulted. */
export type ChangeSeed = Pick<Change, 'op' | 'path'> & Partial<Omit<Change, 'op' | 'path'>>;

/** What {@link seedDream} made. */
export interface Seeded {
  store: MemoryStore;
  dream: Dream;
  changes: Change[];
}

/** Creates a store holding `memories` (path → content). */
export async function seedStore(
  storage: Storage,
  memories: Record<string, string> = {},
  policy: Partial<StorePolicy> = {},
): Promise<MemoryStore> {
  const now = new Date().toISOString();
  const store: MemoryStore = {
    type: 'memory_store',
    id: newId('memstore'),
    name: 'team memory',
    description: '',
    metadata: {},
    policy: {
      ...DEFAULT_POLICY,
      ...policy,
      auto_apply: { ...DEFAULT_POLICY.auto_apply, ...policy.auto_apply },
    },
    created_at: now,
    updated_at: now,
    archived_at: null,
  };
  await storage.insertStore(store);
  for (const [path, content] of Object.entries(memories))
    await storage.createMemory(store.id, path, content, { actor: { type: 'user_actor', id: 'seed' } });
  return store;
}

/**
 * Creates a completed dream over `store` with the given changes. `before` and `base_sha256` default to
 * the store's current content at `path` (as the engine records them at dream start).
 */
export async function seedDream(
  storage: Storage,
  store: MemoryStore,
  seeds: ChangeSeed[],
  opts: {
    output_behavior?: Dream['output_behavior'];
    session_ids?: string[];
    check?: CheckReport | null;
  } = {},
): Promise<Seeded> {
  const memories = await storage.allMemories(store.id);
  const byPath = new Map(memories.map((m) => [m.path, m]));
  const dream: Dream = {
    type: 'dream',
    id: newId('drm'),
    status: 'completed',
    inputs: [
      { type: 'memory_store', memory_store_id: store.id },
      { type: 'sessions', session_ids: opts.session_ids ?? [] },
    ],
    outputs: [],
    model: { id: 'offline' },
    instructions: null,
    output_behavior: opts.output_behavior ?? { type: 'update_existing', memory_store_id: store.id },
    session_id: null,
    usage: { input_tokens: 0, output_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
    error: null,
    created_at: new Date().toISOString(),
    ended_at: new Date().toISOString(),
    archived_at: null,
    engine: 'offline',
    progress: { phase: 'done', done: 1, total: 1 },
    stats: {},
    base: Object.fromEntries(memories.map((m) => [m.id, m.content_sha256])),
    probe_session_ids: opts.check?.probe_session_ids ?? [],
    check: opts.check ?? null,
  };
  await storage.insertDream(dream);
  const changes: Change[] = seeds.map((s, i) => {
    const cur = byPath.get(s.path);
    const before = s.before !== undefined ? s.before : s.op === 'create' ? null : (cur?.content ?? null);
    return {
      type: 'change',
      id: newId('chg'),
      dream_id: dream.id,
      ordinal: i,
      to_path: null,
      after: null,
      kind: 'fact',
      reason: `reason ${i}`,
      confidence: 0.8,
      support: { sessions: 2, agents: 1 },
      evidence: [],
      status: 'pending',
      review: null,
      applied_at: null,
      ...s,
      before,
      base_sha256: s.base_sha256 !== undefined ? s.base_sha256 : cur ? cur.content_sha256 : null,
    };
  });
  await storage.insertChanges(changes);
  return { store, dream, changes };
}

/** Path → content of a store, for comparing whole states. */
export async function contents(storage: Storage, storeId: string): Promise<Record<string, string>> {
  return Object.fromEntries((await storage.allMemories(storeId)).map((m) => [m.path, m.content!]));
}

/** Path → SHA-256 of a store's contents (byte-exact comparison). */
export async function hashes(storage: Storage, storeId: string): Promise<Record<string, string>> {
  return Object.fromEntries((await storage.allMemories(storeId)).map((m) => [m.path, sha256Hex(m.content!)]));
}

const passScore = { errors_total: 1, errors_covered: 1, contradictions: 0, lost: 0 };
/** A do-no-harm check that passed (for tests about the policy and the page, not the gate). */
export const PASSING_CHECK: CheckReport = {
  version: 1,
  verdict: 'pass',
  probe_session_ids: ['sesn_probe'],
  input: passScore,
  proposed: passScore,
  regressions: [],
};
