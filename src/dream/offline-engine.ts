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
import { INDEX_PATH, orient } from './offline/orient.js';
import { mineContrasts } from './offline/outcome-contrast.js';
import { minePersonFacts } from './offline/person-facts.js';
import type { GatheredSession, PlannedMemory } from './offline/plan.js';
import { holdsFactStatement } from './offline/preferences.js';
import { mineProjectFacts } from './offline/project-facts.js';
import { Redactor } from './offline/redactor.js';
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
      subagent: s.parent_session_id !== null && s.parent_session_id !== undefined,
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

/** The offline engine (see the module comment). */
class OfflineEngine implements DreamEngine {
  readonly id = 'offline' as const;
  readonly version = OFFLINE_ENGINE_VERSION;

  async run(request: DreamRequest, hooks: DreamHooks = {}): Promise<DreamResult> {
    const options: DreamOptions = { ...DEFAULT_DREAM_OPTIONS, ...request.options };
    const minSupport = Math.max(1, Math.floor(options.min_support));
    const phase = (p: DreamPhase, done: number, total: number) =>
      hooks.onProgress?.({ phase: p, done, total });
    const check = () => {
      if (hooks.signal?.aborted) throw abortError(hooks.signal);
    };

    // orient
    phase('orient', 0, 1);
    check();
    const inv = orient(request.memories, options.protected_paths);
    const redactor = await dreamRedactor(request);
    phase('orient', 1, 1);

    // gather
    const g = await gatherAll(request.sessions, this.version, hooks, redactor);
    const sessions = g.sessions;

    // consolidate
    check();
    phase('consolidate', 0, 1);
    const mistakes = mineMistakes(sessions, minSupport);
    const workflows = mineWorkflows(sessions, { minSupport });
    const knownHosts = new Set(request.memories.flatMap((m) => hostsIn(m.content)));
    const prefs = minePreferences(sessions, minSupport, (t) => injectionReason(t, knownHosts) !== null);
    const contrasts = mineContrasts(sessions, minSupport);
    const sessionFacts = collectSessionFacts(sessions);
    // fact topics: (value type, canonical subject) over what sessions and the user's memories state
    const memoryFacts = inv.memories
      .filter((m) => m.kind !== 'index' && !m.generatedKey)
      .flatMap((m) => extractFacts(m.body));
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
    const topicOf = (subject: string, type: string) =>
      `${type}\u0000${canon.get(`${type}\u0000${subject}`) ?? subject}`;
    const ws = new Workspace(request.memories);
    const times = [...sessions.map((s) => s.time), ...request.memories.map((m) => m.updated_at)].filter(
      (t): t is string => typeof t === 'string' && !Number.isNaN(Date.parse(t)),
    );
    const now = times.length ? times.sort(compareStrings)[times.length - 1]! : null;
    const supersededValues = new Map<string, string[]>();
    const cleanup = cleanupMemories(ws, inv, sessionFacts, {
      minSupport,
      now,
      topicOf,
      redactor,
      onSuperseded: (path, value) =>
        supersededValues.set(path, [...(supersededValues.get(path) ?? []), value]),
    });
    const covered = new Set(memoryFacts.map((f) => topicOf(f.subject, f.type)));
    const facts = promoteSessionFacts(sessionFacts, minSupport, (f) => topicOf(f.subject, f.type), covered);
    const cited = citedStatements(prefs.memories);
    // a statement of a fact ("from now on the staging DB is …") is a fact, never a rule about how to work
    const feedback = mineFeedback(
      sessions,
      cited,
      (t) => injectionReason(t, knownHosts) !== null || holdsFactStatement(t),
      earlierRules(inv.memories),
    );
    const stated = mineProjectFacts(sessions, (t) => injectionReason(t, knownHosts) !== null);
    const people = minePersonFacts(sessions);
    // what the project's CLAUDE.md / AGENTS.md already says is not proposed; what contradicts it is flagged
    const screen = screenInstructions(
      [
        ...mistakes.memories,
        ...workflows.memories,
        ...prefs.memories,
        ...feedback.memories,
        ...stated.memories,
        ...people.memories,
        ...contrasts.memories,
        ...facts,
      ],
      options.instruction_files ?? [],
    );
    const planned: PlannedMemory[] = screen.memories;
    const focus = focusKeywords(options.instructions);
    if (focus.length) {
      for (const p of planned) {
        const t = new Set(contentTokens(`${p.title} ${p.summary}`));
        if (focus.some((f) => t.has(f))) p.score *= 1.5;
      }
    }
    phase('consolidate', 1, 1);

    // curate
    check();
    phase('curate', 0, 1);
    const curate = curateMemories(ws, inv, planned);
    phase('curate', 1, 1);

    // verify (drafts), then the index over what survived, then the final invariants
    check();
    phase('verify', 0, 1);
    const indexProtected = matchesAnyGlob(INDEX_PATH, options.protected_paths);
    const drafts = ws.changes();
    const indexCreate = !indexProtected && inv.index === null;
    const verified = filterDrafts(drafts, request.memories, options, {
      reserve: indexProtected ? 0 : 1,
      reserveSlots: indexCreate ? 1 : 0,
      redactor,
    });
    let changes = verified.kept.map(strip);
    let files = applyChanges(request.memories, changes);
    const generated = new Map(
      verified.kept.filter((d) => d.op !== 'delete' && d.kind !== 'cleanup').map((d) => [d.path, d.score]),
    );
    const generatedInputs = new Set(inv.memories.filter((m) => m.generatedKey).map((m) => m.path));
    let indexLines = 0;
    let indexOmitted = 0;
    if (!indexProtected && files.some((f) => f.path !== INDEX_PATH)) {
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
      indexLines = rendered.content.split('\n').length - 1;
      indexOmitted = rendered.omitted;
      // titles and hooks come from already-redacted files, but shortening can cut a marker: redact again
      rendered.content = redactor.secrets(rendered.content).text;
      const before = inv.index?.input.content ?? null;
      // a new index file must fit the store limit too (the reserved slot is gone when the input is full)
      const fits = before !== null || files.length + 1 <= storeCap(request.memories.length);
      if (!fits) {
        indexLines = 0;
        indexOmitted = rendered.listed.length + rendered.omitted;
      }
      if (rendered.content !== before && fits) {
        const prevListed = new Set(inv.indexed);
        const added = rendered.listed.filter((p) => !prevListed.has(p)).length;
        const removed = [...prevListed].filter((p) => !rendered.listed.includes(p)).length;
        const indexChange: ProposedChange = {
          op: before === null ? 'create' : 'update',
          path: INDEX_PATH,
          to_path: null,
          before,
          after: rendered.content,
          base_sha256: inv.index?.input.content_sha256 ?? null,
          kind: 'index',
          reason: `${before === null ? 'created' : 'rebuilt'} the index: ${rendered.listed.length} entries (${added} added, ${removed} removed${
            rendered.omitted
              ? `, ${rendered.omitted} left out to stay within ${options.max_index_lines} lines / ${options.max_index_bytes} bytes`
              : ''
          }), ordered by usefulness`,
          confidence: 0.9,
          support: { sessions: 0, agents: 0 },
          evidence: [],
        };
        changes = [...changes, indexChange];
        files = applyChanges(request.memories, changes);
      }
    }
    assertInvariants(request.memories, changes, files, options, redactor);
    phase('verify', 1, 1);

    const promptHashes = new Set<string>();
    let promptSessions = 0;
    for (const s of sessions) {
      if (s.digest.system_prompts.length) promptSessions++;
      for (const h of s.digest.system_prompts) promptHashes.add(h);
    }
    const count = (op: string) => changes.filter((c) => c.op === op).length;
    const stats: Record<string, number> = {
      sessions: sessions.length,
      events: g.events,
      cache_hits: g.hits,
      cache_misses: g.misses,
      memories_in: request.memories.length,
      memories_out: files.length,
      tool_calls: sessions.reduce((n, s) => n + s.digest.tool_calls, 0),
      tool_errors: sessions.reduce((n, s) => n + s.digest.tool_errors, 0),
      recoveries: sessions.reduce((n, s) => n + s.digest.recoveries.length, 0),
      gather_redactions: sessions.reduce((n, s) => n + s.digest.redactions, 0),
      system_prompts_distinct: promptHashes.size,
      system_prompt_sessions: promptSessions,
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
      ...curate,
      ...verified.stats,
      candidates: planned.length,
      index_lines: indexLines,
      index_omitted: indexOmitted,
      changes: changes.length,
      changes_create: count('create'),
      changes_update: count('update'),
      changes_delete: count('delete'),
    };
    phase('verify', 1, 1);
    return {
      files,
      changes,
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
