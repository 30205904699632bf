/**
 * The deterministic offline dream engine: orient → gather → consolidate → curate → verify, with no
 * model and no network. Same request → byte-identical result (no clock, no randomness, stable sorting);
 * for that reason `stats` holds counts only, no timings (the caller measures wall time).
 *
 * Phases: orient (`offline/orient.ts`); gather per session with the cache (`offline/gather.ts`, cached
 * digests hold no session ids); consolidate — recurring mistakes with their fixes (`mistakes.ts`),
 * workflows (`workflows.ts`), preferences and session facts (`statements.ts`), outcome contrast
 * (`outcome-contrast.ts`), cleanup of the input memories (`memory-cleanup.ts`); curate — files
 * (`curate.ts`) and the `/MEMORY.md` index (`memory-index.ts`, rendered after verify's filtering so it
 * never links a dropped file); verify (`verify.ts`: filters with counters, then asserts invariants).
 * Evidence rule: mistake/workflow/preference/fact changes always cite session evidence; `cleanup` and
 * `index` changes derived only from the input memories may have none (their reason names the memories
 * and `base_sha256` pins them).
 */
import { type DreamPhase, matchesAnyGlob, type SessionEvent } from '../domain/index.js';
import { curateMemories } from './offline/curate.js';
import { DIGEST_VERSION, isSessionDigest, type SessionDigest } from './offline/digest.js';
import { canonicalSubjects, extractFacts } from './offline/facts.js';
import { citedStatements, earlierRules, mineFeedback } from './offline/feedback-mining.js';
import { gatherSession, quotableTexts } from './offline/gather.js';
import { hostsIn, injectionReason } from './offline/injection.js';
import { screenInstructions } from './offline/instruction-files.js';
import { cleanupMemories } from './offline/memory-cleanup.js';
import { renderIndex } from './offline/memory-index.js';
import { mineMistakes } from './offline/mistakes.js';
import { INDEX_PATH, type Inventory, orient } from './offline/orient.js';
import { mineContrasts } from './offline/outcome-contrast.js';
import { minePersonFacts } from './offline/person-facts.js';
import type { GatheredSession, PlannedMemory } from './offline/plan.js';
import { holdsFactStatement } from './offline/preferences.js';
import { mineProjectFacts } from './offline/project-facts.js';
import { Redactor } from './offline/redactor.js';
import { sessionReplays, withoutReplayedStatements } from './offline/replayed-statements.js';
import { collectSessionFacts, minePreferences, promoteSessionFacts } from './offline/statements.js';
import { compareStrings, contentTokens } from './offline/text.js';
import { assertInvariants, filterDrafts, storeCap } from './offline/verify.js';
import { mineWorkflows } from './offline/workflows.js';
import { applyChanges, type DraftChange, Workspace } from './offline/workspace.js';
import {
  DEFAULT_DREAM_OPTIONS,
  type DreamEngine,
  type DreamHooks,
  type DreamOptions,
  type DreamRequest,
  type DreamResult,
  type DreamSessionRef,
  type ProposedChange,
} from './types.js';

/** Version of the offline engine; part of the gather-cache key. */
export const OFFLINE_ENGINE_VERSION = `offline-${DIGEST_VERSION}`;

/** How many sessions' events are loaded concurrently during gather. */
const GATHER_CONCURRENCY = 4;
/** Sessions gathered per chunk (one secretlint pass per chunk; bounds the events held in memory). */
const GATHER_CHUNK = 32;

/** The gather-cache key of a session for an engine version. */
export function gatherCacheKey(engineVersion: string, contentSha256: string): string {
  return `${engineVersion}:${contentSha256}`;
}

function abortError(signal: AbortSignal): Error {
  const r: unknown = signal.reason;
  if (r instanceof Error) return r;
  const e = new Error('dream aborted');
  e.name = 'AbortError';
  return e;
}

function familyOf(metadata: Record<string, unknown>): string | null {
  for (const k of ['task_id', 'instance_id', 'task', 'family']) {
    const v = metadata[k];
    if (typeof v === 'string' || typeof v === 'number') return `${k}:${v}`;
  }
  return null;
}

/**
 * Runs the gather phase over all sessions: digests from the cache when present (no `loadEvents()`),
 * else extracted from the loaded events — after `redactor` learned the secrets in them, so the digest
 * (and the cache) holds none — and written back to the cache.
 * @returns gathered sessions sorted by session id, plus cache hit/miss counts.
 * @throws the abort reason when `hooks.signal` aborts between sessions.
 */
export async function gatherAll(
  refs: readonly DreamSessionRef[],
  version: string,
  hooks: DreamHooks,
  redactor: Redactor = new Redactor(),
): Promise<{ sessions: GatheredSession[]; hits: number; misses: number; events: number }> {
  const unique = new Map<string, DreamSessionRef>();
  for (const r of refs) if (!unique.has(r.session.id)) unique.set(r.session.id, r);
  const ordered = [...unique.values()].sort((a, b) => compareStrings(a.session.id, b.session.id));
  const digests: SessionDigest[] = new Array(ordered.length);
  let hits = 0;
  let misses = 0;
  let done = 0;
  const total = ordered.length;
  hooks.onProgress?.({ phase: 'gather', done: 0, total });
  // sessions go in chunks: load (cache misses) concurrently, learn the chunk's secrets in one
  // secretlint pass, then gather each missed session with them redacted
  for (let from = 0; from < total; from += GATHER_CHUNK) {
    const to = Math.min(total, from + GATHER_CHUNK);
    const loaded = new Map<number, SessionEvent[]>();
    let next = from;
    const worker = async () => {
      for (;;) {
        if (hooks.signal?.aborted) throw abortError(hooks.signal);
        const i = next++;
        if (i >= to) return;
        const ref = ordered[i]!;
        const cached = hooks.cache
          ? await hooks.cache.get(gatherCacheKey(version, ref.session.content_sha256))
          : undefined;
        if (cached !== undefined && isSessionDigest(cached)) {
          hits++;
          digests[i] = cached;
          done++;
          hooks.onProgress?.({ phase: 'gather', done, total });
        } else loaded.set(i, await ref.loadEvents());
      }
    };
    await Promise.all(Array.from({ length: Math.min(GATHER_CONCURRENCY, to - from) }, worker));
    if (loaded.size === 0) continue;
    const order = [...loaded.keys()].sort((a, b) => a - b);
    await redactor.learn(order.flatMap((i) => [...quotableTexts(loaded.get(i)!)]));
    for (const i of order) {
      if (hooks.signal?.aborted) throw abortError(hooks.signal);
      misses++;
      const digest = gatherSession(loaded.get(i)!, redactor);
      digests[i] = digest;
      if (hooks.cache)
        await hooks.cache.set(gatherCacheKey(version, ordered[i]!.session.content_sha256), digest);
      done++;
      hooks.onProgress?.({ phase: 'gather', done, total });
    }
  }
  let events = 0;
  const sessions = ordered.map((ref, i): GatheredSession => {
    const s = ref.session;
    const d = digests[i]!;
    events += d.events;
    return {
      id: s.id,
      agent_id: s.agent_id,
      user_id: s.user_id,
      content_sha256: s.content_sha256,
      outcome: s.outcome?.result ?? 'unknown',
      family: familyOf(s.metadata ?? {}),
      // a subagent's transcript names its parent even when the parent's own file was never imported
      subagent: (s.parent_session_id ?? s.parent_external_id ?? null) !== null,
      time: s.ended_at ?? s.started_at ?? d.last_ts,
      digest: d,
    };
  });
  return { sessions, hits, misses, events };
}

/**
 * The redactor a dream's gather starts with: the secrets found in the input memories, and every
 * session's user id (a customer identifier, redacted wherever a transcript quotes it). The engine's
 * own gather and a gather batch fanned out to a worker (schedule/) start from the same one, so that
 * their digests agree.
 */
export async function dreamRedactor(request: {
  memories: readonly { content: string }[];
  sessions: readonly { session: { user_id?: string | null } }[];
}): Promise<Redactor> {
  const redactor = new Redactor();
  await redactor.learn(request.memories.map((m) => m.content));
  redactor.addIdentifiers(request.sessions.flatMap((r) => (r.session.user_id ? [r.session.user_id] : [])));
  return redactor;
}

/** Focus keywords from free-text instructions: content words of ≥ 4 letters. */
function focusKeywords(instructions: string | null): string[] {
  if (!instructions) return [];
  return contentTokens(instructions).filter((t) => t.length >= 4 && !t.startsWith('<'));
}

function strip(d: DraftChange): ProposedChange {
  const { groups: _g, score: _s, sources: _src, ...change } = d;
  return change;
}

/** What the consolidate phase found and planned: the miners' results, the workspace and the facts. */
interface Consolidated {
  ws: Workspace;
  planned: PlannedMemory[];
  /** Stats of each miner and of the memory clean-up, merged into the dream's stats. */
  stats: Record<string, number>;
  /** Values each memory path stated before a session superseded them (the index must not repeat them). */
  supersededValues: Map<string, string[]>;
}

/**
 * Maps a fact's (subject, value type) to its topic key: subjects that name the same thing across
 * sessions and the input memories share one canonical subject (see `canonicalSubjects`).
 */
function factTopics(
  sessionFacts: ReturnType<typeof collectSessionFacts>,
  memoryFacts: ReturnType<typeof extractFacts>,
): (subject: string, type: string) => string {
  const canon = canonicalSubjects([
    ...sessionFacts.map((f) => ({
      subject: f.subject,
      type: f.type,
      value: f.value,
      weight: f.weight,
      // every wording (up to 20): one of them may name the value this one replaced
      text: [...new Set([f.text, ...f.occurrences.map((o) => o.f.text)])].slice(0, 20).join('\n'),
    })),
    ...memoryFacts.map((f) => ({
      subject: f.subject,
      type: f.type,
      value: f.value,
      weight: 1,
      text: f.text,
    })),
  ]);
  return (subject, type) => `${type}\u0000${canon.get(`${type}\u0000${subject}`) ?? subject}`;
}

/** The newest valid timestamp among the sessions and the input memories (ISO 8601), or null. */
function latestTime(sessions: readonly GatheredSession[], request: DreamRequest): string | null {
  const times = [...sessions.map((s) => s.time), ...request.memories.map((m) => m.updated_at)].filter(
    (t): t is string => typeof t === 'string' && !Number.isNaN(Date.parse(t)),
  );
  return times.length ? times.sort(compareStrings)[times.length - 1]! : null;
}

/**
 * The consolidate phase: every miner over the gathered sessions, the clean-up of the input memories
 * (contradictions, expired and superseded facts, redaction), the session facts promoted, what the
 * project's instruction files already say screened out, and `--instructions` focus applied to scores.
 */
function consolidate(
  request: DreamRequest,
  sessions: readonly GatheredSession[],
  inv: Inventory,
  options: DreamOptions,
  redactor: Redactor,
): Consolidated {
  const minSupport = Math.max(1, Math.floor(options.min_support));
  // runs replayed under other ids (resumed or forked sessions, replayed demonstrations): found once
  const replays = sessionReplays(sessions);
  const mistakes = mineMistakes(sessions, minSupport, replays);
  const workflows = mineWorkflows(sessions, { minSupport });
  const knownHosts = new Set(request.memories.flatMap((m) => hostsIn(m.content)));
  const injected = (t: string) => injectionReason(t, knownHosts) !== null;
  // what a person said is counted once when a resumed or forked session copied it (replayed-statements.ts)
  const said = withoutReplayedStatements(sessions, replays);
  const prefs = minePreferences(said, minSupport, injected);
  const contrasts = mineContrasts(sessions, minSupport);
  const sessionFacts = collectSessionFacts(said);
  // fact topics: (value type, canonical subject) over what sessions and the user's memories state
  const memoryFacts = inv.memories
    .filter((m) => m.kind !== 'index' && !m.generatedKey)
    .flatMap((m) => extractFacts(m.body));
  const topicOf = factTopics(sessionFacts, memoryFacts);
  const ws = new Workspace(request.memories);
  const supersededValues = new Map<string, string[]>();
  const cleanup = cleanupMemories(ws, inv, sessionFacts, {
    minSupport,
    now: latestTime(sessions, request),
    topicOf,
    redactor,
    onSuperseded: (path, value) => supersededValues.set(path, [...(supersededValues.get(path) ?? []), value]),
  });
  const covered = new Set(memoryFacts.map((f) => topicOf(f.subject, f.type)));
  const facts = promoteSessionFacts(sessionFacts, minSupport, (f) => topicOf(f.subject, f.type), covered);
  // a statement of a fact ("from now on the staging DB is …") is a fact, never a rule about how to work
  const feedback = mineFeedback(
    said,
    citedStatements(prefs.memories),
    (t) => injected(t) || holdsFactStatement(t),
    earlierRules(inv.memories),
  );
  const stated = mineProjectFacts(said, injected);
  const people = minePersonFacts(said);
  const mined = [mistakes, workflows, prefs, feedback, stated, people, contrasts];
  // what the project's CLAUDE.md / AGENTS.md already says is not proposed; what contradicts it is flagged
  const screen = screenInstructions(
    [...mined.flatMap((m) => m.memories), ...facts],
    options.instruction_files ?? [],
  );
  applyFocus(screen.memories, options.instructions);
  return {
    ws,
    planned: screen.memories,
    supersededValues,
    stats: {
      ...mistakes.stats,
      ...workflows.stats,
      ...prefs.stats,
      ...feedback.stats,
      ...stated.stats,
      ...people.stats,
      instruction_repeats_dropped: screen.repeats.length,
      instruction_contradictions_flagged: screen.contradictions.length,
      ...contrasts.stats,
      session_facts: sessionFacts.length,
      facts_promoted: facts.length,
      ...cleanup,
    },
  };
}

/** `--instructions` focus: a planned memory whose title or summary names a focus keyword scores 1.5×. */
function applyFocus(planned: PlannedMemory[], instructions: string | null | undefined): void {
  const focus = focusKeywords(instructions ?? null);
  if (!focus.length) return;
  for (const p of planned) {
    const t = new Set(contentTokens(`${p.title} ${p.summary}`));
    if (focus.some((f) => t.has(f))) p.score *= 1.5;
  }
}

/** The verify phase's outcome: the changes kept (index included) and the files they give. */
interface Verified {
  changes: ProposedChange[];
  files: ReturnType<typeof applyChanges>;
  /** `filterDrafts`' counters. */
  stats: Record<string, number>;
  /** Lines of the index, and entries left out of it to stay within its limits. */
  index: { lines: number; omitted: number };
}

/**
 * The verify phase: the drafts filtered (`filterDrafts`: limits, redaction, reserved slots), then the
 * index rebuilt over what survived (unless `/MEMORY.md` is protected), then the final invariants.
 * @throws Error when an invariant does not hold (`assertInvariants`).
 */
function verify(
  request: DreamRequest,
  inv: Inventory,
  c: Consolidated,
  options: DreamOptions,
  redactor: Redactor,
): Verified {
  const indexProtected = matchesAnyGlob(INDEX_PATH, options.protected_paths);
  const verified = filterDrafts(c.ws.changes(), request.memories, options, {
    reserve: indexProtected ? 0 : 1,
    reserveSlots: !indexProtected && inv.index === null ? 1 : 0,
    redactor,
  });
  let changes = verified.kept.map(strip);
  let files = applyChanges(request.memories, changes);
  let index = { lines: 0, omitted: 0 };
  if (!indexProtected && files.some((f) => f.path !== INDEX_PATH)) {
    const generated = new Map(
      verified.kept.filter((d) => d.op !== 'delete' && d.kind !== 'cleanup').map((d) => [d.path, d.score]),
    );
    const built = indexChange(request, inv, files, generated, c.supersededValues, options, redactor);
    index = built;
    if (built.change) {
      changes = [...changes, built.change];
      files = applyChanges(request.memories, changes);
    }
  }
  assertInvariants(request.memories, changes, files, options, redactor);
  return {
    changes,
    files,
    stats: { ...verified.stats },
    index: { lines: index.lines, omitted: index.omitted },
  };
}

/**
 * The index (`/MEMORY.md`) over `files`, ordered by usefulness within the line and byte limits, as a
 * create or update change — or no change when it is unchanged or a new index would not fit the store.
 */
function indexChange(
  request: DreamRequest,
  inv: Inventory,
  files: ReturnType<typeof applyChanges>,
  generated: Map<string, number>,
  supersededValues: Map<string, string[]>,
  options: DreamOptions,
  redactor: Redactor,
): { change: ProposedChange | null; lines: number; omitted: number } {
  const generatedInputs = new Set(inv.memories.filter((m) => m.generatedKey).map((m) => m.path));
  const rendered = renderIndex(
    files.map((f) => ({
      path: f.path,
      content: f.content,
      score: generated.get(f.path) ?? 0,
      generated: generated.has(f.path) || generatedInputs.has(f.path),
    })),
    inv.index?.input.content ?? null,
    { maxLines: options.max_index_lines, maxBytes: options.max_index_bytes },
    (path, hook) => (supersededValues.get(path) ?? []).some((v) => v !== '' && hook.includes(v)),
  );
  // titles and hooks come from already-redacted files, but shortening can cut a marker: redact again
  rendered.content = redactor.secrets(rendered.content).text;
  const before = inv.index?.input.content ?? null;
  // a new index file must fit the store limit too (the reserved slot is gone when the input is full)
  if (before === null && files.length + 1 > storeCap(request.memories.length))
    return { change: null, lines: 0, omitted: rendered.listed.length + rendered.omitted };
  const lines = rendered.content.split('\n').length - 1;
  if (rendered.content === before) return { change: null, lines, omitted: rendered.omitted };
  const prevListed = new Set(inv.indexed);
  const added = rendered.listed.filter((p) => !prevListed.has(p)).length;
  const removed = [...prevListed].filter((p) => !rendered.listed.includes(p)).length;
  const left = rendered.omitted
    ? `, ${rendered.omitted} left out to stay within ${options.max_index_lines} lines / ${options.max_index_bytes} bytes`
    : '';
  const change: ProposedChange = {
    op: before === null ? 'create' : 'update',
    path: INDEX_PATH,
    to_path: null,
    before,
    after: rendered.content,
    base_sha256: inv.index?.input.content_sha256 ?? null,
    kind: 'index',
    reason: `${before === null ? 'created' : 'rebuilt'} the index: ${rendered.listed.length} entries (${added} added, ${removed} removed${left}), ordered by usefulness`,
    confidence: 0.9,
    support: { sessions: 0, agents: 0 },
    evidence: [],
  };
  return { change, lines, omitted: rendered.omitted };
}

/** The dream's stats: inputs, gather, every phase's counters, and the changes by operation. */
function dreamStats(
  request: DreamRequest,
  sessions: readonly GatheredSession[],
  g: { events: number; hits: number; misses: number },
  phases: Record<string, number>,
  planned: number,
  v: Verified,
): Record<string, number> {
  const promptHashes = new Set<string>();
  let promptSessions = 0;
  for (const s of sessions) {
    if (s.digest.system_prompts.length) promptSessions++;
    for (const h of s.digest.system_prompts) promptHashes.add(h);
  }
  const count = (op: string) => v.changes.filter((c) => c.op === op).length;
  const sum = (f: (s: GatheredSession) => number) => sessions.reduce((n, s) => n + f(s), 0);
  return {
    sessions: sessions.length,
    events: g.events,
    cache_hits: g.hits,
    cache_misses: g.misses,
    memories_in: request.memories.length,
    memories_out: v.files.length,
    tool_calls: sum((s) => s.digest.tool_calls),
    tool_errors: sum((s) => s.digest.tool_errors),
    recoveries: sum((s) => s.digest.recoveries.length),
    gather_redactions: sum((s) => s.digest.redactions),
    system_prompts_distinct: promptHashes.size,
    system_prompt_sessions: promptSessions,
    ...phases,
    ...v.stats,
    candidates: planned,
    index_lines: v.index.lines,
    index_omitted: v.index.omitted,
    changes: v.changes.length,
    changes_create: count('create'),
    changes_update: count('update'),
    changes_delete: count('delete'),
  };
}

/** The offline engine (see the module comment). */
class OfflineEngine implements DreamEngine {
  readonly id = 'offline' as const;
  readonly version = OFFLINE_ENGINE_VERSION;

  async run(request: DreamRequest, hooks: DreamHooks = {}): Promise<DreamResult> {
    const options: DreamOptions = { ...DEFAULT_DREAM_OPTIONS, ...request.options };
    const phase = (p: DreamPhase, done: number, total: number) =>
      hooks.onProgress?.({ phase: p, done, total });
    const check = () => {
      if (hooks.signal?.aborted) throw abortError(hooks.signal);
    };

    phase('orient', 0, 1);
    check();
    const inv = orient(request.memories, options.protected_paths);
    const redactor = await dreamRedactor(request);
    phase('orient', 1, 1);

    const g = await gatherAll(request.sessions, this.version, hooks, redactor);

    check();
    phase('consolidate', 0, 1);
    const c = consolidate(request, g.sessions, inv, options, redactor);
    phase('consolidate', 1, 1);

    check();
    phase('curate', 0, 1);
    const curate = curateMemories(c.ws, inv, c.planned);
    phase('curate', 1, 1);

    check();
    phase('verify', 0, 1);
    const v = verify(request, inv, c, options, redactor);
    phase('verify', 1, 1);

    const stats = dreamStats(request, g.sessions, g, { ...c.stats, ...curate }, c.planned.length, v);
    phase('verify', 1, 1);
    return {
      files: v.files,
      changes: v.changes,
      stats,
      usage: {
        input_tokens: 0,
        output_tokens: 0,
        cache_read_input_tokens: 0,
        cache_creation_input_tokens: 0,
      },
    };
  }
}

/**
 * Creates the deterministic offline dream engine (no model, no network).
 * @example
 * const engine = createOfflineEngine();
 * const result = await engine.run({ memories, sessions, options: DEFAULT_DREAM_OPTIONS }, { cache });
 */
export function createOfflineEngine(): DreamEngine {
  return new OfflineEngine();
}
