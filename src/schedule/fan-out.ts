/**
 * The gather fan-out of a big dream (issue 10, "scale past one machine"): a dream with more than
 * `minSessions` input sessions does not gather them in its own job. Its job splits the sessions (in
 * session-id order, the order the engine gathers them) into batches of `batchSize`, queues one
 * `dream.gather` job per batch that still has a gather-cache miss, and ends its attempt deferred
 * (`{defer_ms}`: the worker slot is free while it waits). Any worker runs a batch: it gathers those
 * sessions with the offline gather (`gatherAll`, the redactor the engine would start with) and writes
 * the digests to the shared gather cache. The worker that ends the last open batch wakes the dream job
 * ({@link wakeGatheredDream}); the dream job finds every batch ended and runs the dream, whose gather
 * then reads all its sessions from the cache: the dream is consolidated once, by one worker. In case
 * no wake comes (a worker lost between its last write and the wake), the waiting dream job also
 * checks again by itself, with a growing delay ({@link nextCheckMs}): a few checks (on pg-boss, a few
 * jobs) however long it waits, instead of one per `pollMs`.
 *
 * A batch whose worker died is retried like any job (lease or heartbeat lost). A batch that ended
 * without writing (dead-lettered or canceled) does not fail the dream: the dream's own gather computes
 * the sessions the cache lacks, so the result is the same, only slower. Canceling the dream cancels its
 * queued batches ({@link cancelGatherJobs}) and a running batch stops at its next session.
 * Probe sessions (the do-no-harm check's hold-out) are not fanned out: the check gathers them itself.
 */
import type { DreamJob, GatherBatch, MemoryStore } from '../domain/index.js';
import { NotFoundError } from '../domain/index.js';
import { dreamRedactor, gatherAll, gatherCacheKey } from '../dream/index.js';
import type { GatherCache } from '../dream/types.js';
import type { Storage } from '../storage/index.js';
import type { JobEnd, JobQueue } from './port.js';

/** Options of the gather fan-out. */
export interface FanOutOptions {
  /** A dream with more input sessions than this fans its gather out. Default 500. */
  minSessions?: number;
  /** Sessions per gather batch. Default 500. */
  batchSize?: number;
  /** Shortest delay, in ms, between a waiting dream's checks of its batches. Default 1,000. */
  pollMs?: number;
  /** Longest delay, in ms, between a waiting dream's checks of its batches. Default 30,000. */
  maxPollMs?: number;
}

/** The defaults of {@link FanOutOptions}. */
export const DEFAULT_FAN_OUT: Required<FanOutOptions> = {
  minSessions: 500,
  batchSize: 500,
  pollMs: 1_000,
  maxPollMs: 30_000,
};

/**
 * The delay before a waiting dream's next check of its batches, in ms: half the time it has waited so
 * far (`waitedMs`, since its batches were queued), at least `pollMs` and at most `maxPollMs`. Each check
 * then comes 1.5 times as long after the batches were queued as the one before (geometric backoff), so
 * waiting T ms takes about log₁.₅(T / pollMs) checks up to the cap, then one every `maxPollMs`.
 * @example nextCheckMs(0, 1000, 30000) → 1000; nextCheckMs(8000, 1000, 30000) → 4000
 */
export function nextCheckMs(waitedMs: number, pollMs: number, maxPollMs: number): number {
  return Math.round(Math.min(Math.max(pollMs, maxPollMs), Math.max(pollMs, waitedMs / 2)));
}

/**
 * Splits session ids into batches of at most `size` (≥ 1), in code-point order of the ids (the order
 * `gatherAll` gathers in). @example planGatherBatches(['c','a','b'], 2) → [['a','b'],['c']]
 */
export function planGatherBatches(sessionIds: readonly string[], size: number): string[][] {
  const ids = [...new Set(sessionIds)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const n = Math.max(1, Math.floor(size));
  const out: string[][] = [];
  for (let i = 0; i < ids.length; i += n) out.push(ids.slice(i, i + n));
  return out;
}

/** What the fan-out needs from the dream runner: the storage and the gather-cache version of a dream. */
export interface FanOutHost {
  readonly storage: Storage;
  /** The engine version the dream's gather caches under (see `DreamRunner.gatherVersion`). */
  gatherVersion(dreamId: string): Promise<string>;
}

const ENDED = new Set(['completed', 'canceled', 'dead_letter']);

/**
 * The dream job's fan-out step, before it runs the dream: `ready` when the dream is small, every batch
 * has ended, or nothing is left to gather; else (queuing the batches on the first call) a deferral.
 * While it waits, the pending dream's `progress` says `gather` with the sessions whose batch ended.
 * @throws NotFoundError for an unknown dream; what the queue throws on enqueue.
 */
export async function fanOutGather(
  host: FanOutHost,
  queue: JobQueue,
  job: DreamJob,
  opts: FanOutOptions = {},
): Promise<'ready' | JobEnd> {
  const o = { ...DEFAULT_FAN_OUT, ...opts };
  const storage = host.storage;
  const dream = await storage.getDream(job.dream_id);
  if (!dream) throw new NotFoundError('dream', job.dream_id);
  const ids = dream.inputs[1].session_ids;
  if (ids.length <= o.minSessions) return 'ready';
  const batches = await storage.listJobs({ dream_ids: [dream.id], kinds: ['dream.gather'] });
  if (batches.length === 0) {
    const todo = await batchesToGather(host, dream.id, ids, o.batchSize);
    if (todo.length === 0) return 'ready';
    for (const batch of todo)
      batches.push(
        await queue.enqueue({
          kind: 'dream.gather',
          dream_id: dream.id,
          batch,
          workspace_id: job.workspace_id,
          memory_store_id: job.memory_store_id,
          singleton_key: `gather:${dream.id}:${batch.index}`,
          apply: job.apply,
        }),
      );
  }
  const open = batches.filter((b) => !ENDED.has(b.state));
  if (open.length === 0) return 'ready';
  // the worker of the last batch wakes the dream before its queue records that batch's end
  if (open.every((b) => b.state === 'active') && (await allGathered(host, dream.id, open))) return 'ready';
  const waiting = open.reduce((n, b) => n + (b.batch?.session_ids.length ?? 0), 0);
  await storage.updateDreamIf(dream.id, ['pending'], {
    progress: { phase: 'gather', done: ids.length - waiting, total: ids.length },
  });
  const queuedAt = Math.min(...batches.map((b) => Date.parse(b.created_at)));
  return { defer_ms: nextCheckMs(Date.now() - queuedAt, o.pollMs, o.maxPollMs) };
}

/**
 * Called once gather batch `job` has ended: when no other batch of its dream is still open, wakes the
 * dream's job deferred meanwhile ({@link JobQueue.wake}), so that the dream runs now rather than at its
 * next check. Another batch still `active` whose sessions are all in the gather cache counts as ended:
 * its worker is past its last write, and when two last batches end at once each sees the other so (both
 * may wake the dream; a second wake finds it no longer queued). @returns whether the dream job was woken.
 */
export async function wakeGatheredDream(host: FanOutHost, queue: JobQueue, job: DreamJob): Promise<boolean> {
  const batches = await host.storage.listJobs({ dream_ids: [job.dream_id], kinds: ['dream.gather'] });
  const open = batches.filter((b) => b.id !== job.id && !ENDED.has(b.state));
  if (open.some((b) => b.state !== 'active')) return false;
  if (open.length > 0 && !(await allGathered(host, job.dream_id, open))) return false;
  const dreamJob = await host.storage.getJob({ dream_id: job.dream_id });
  return dreamJob?.state === 'queued' ? queue.wake(dreamJob) : false;
}

/** Whether every session of these batches has its digest in the gather cache. */
async function allGathered(
  host: FanOutHost,
  dreamId: string,
  batches: readonly DreamJob[],
): Promise<boolean> {
  const version = await host.gatherVersion(dreamId);
  const sessions = await host.storage.getSessions(batches.flatMap((b) => b.batch?.session_ids ?? []));
  const keys = sessions.map((s) => gatherCacheKey(version, s.content_sha256));
  const have = await host.storage.cacheHas(keys);
  return keys.every((k) => have.has(k));
}

/** The batches of a dream's sessions with at least one gather-cache miss (`index`/`count` over all batches). */
async function batchesToGather(
  host: FanOutHost,
  dreamId: string,
  ids: readonly string[],
  size: number,
): Promise<GatherBatch[]> {
  const version = await host.gatherVersion(dreamId);
  const sessions = await host.storage.getSessions([...ids]);
  const keyOf = new Map(sessions.map((s) => [s.id, gatherCacheKey(version, s.content_sha256)]));
  const have = await host.storage.cacheHas([...keyOf.values()]);
  const user_ids = userIds(sessions);
  const all = planGatherBatches(ids, size);
  return all
    .map((session_ids, index) => ({ index, count: all.length, session_ids, user_ids }))
    .filter((b) => b.session_ids.some((id) => !have.has(keyOf.get(id) ?? '')));
}

/** The distinct user ids of sessions, sorted. */
function userIds(sessions: readonly { user_id?: string | null }[]): string[] {
  return [...new Set(sessions.flatMap((s) => (s.user_id ? [s.user_id] : [])))].sort();
}

/**
 * Runs one `dream.gather` job: gathers its batch's sessions into the gather cache with the redactor
 * the dream's engine starts with (the input memories' secrets, every dream session's user id, which
 * the batch carries: it reads only its own sessions' rows).
 * Resolves `canceled` without work when the dream already ended (canceled, failed or completed), or
 * when it is canceled meanwhile (noticed every `cancelPollMs` and between sessions).
 * @throws NotFoundError for an unknown dream; what storage or gather throw (the attempt is retried).
 */
export async function runGatherBatch(
  host: FanOutHost,
  job: DreamJob,
  cancelPollMs = 500,
): Promise<'completed' | 'canceled'> {
  const storage = host.storage;
  const dream = await storage.getDream(job.dream_id);
  if (!dream) throw new NotFoundError('dream', job.dream_id);
  if (dream.status !== 'pending' && dream.status !== 'running') return 'canceled';
  const store: MemoryStore | undefined = await storage.getStore(dream.inputs[0].memory_store_id);
  if (!store) throw new NotFoundError('memory_store', dream.inputs[0].memory_store_id);
  const memories = await storage.allMemories(store.id);
  const dreamIds = new Set(dream.inputs[1].session_ids);
  const mine = (job.batch?.session_ids ?? []).filter((id) => dreamIds.has(id));
  const refs = (await storage.getSessions(mine)).map((s) => ({
    session: s,
    loadEvents: () => storage.getEvents(s.id),
  }));
  // the dream's redactor hides every dream session's user id; a batch planned before `user_ids` existed
  // reads them from the dream's sessions
  const users = job.batch?.user_ids ?? userIds(await storage.getSessions(dream.inputs[1].session_ids));
  const redactor = await dreamRedactor({
    memories: memories.map((m) => ({ content: m.content ?? '' })),
    sessions: users.map((user_id) => ({ session: { user_id } })),
  });
  const cache: GatherCache = { get: (k) => storage.cacheGet(k), set: (k, v) => storage.cachePut(k, v) };
  const ac = new AbortController();
  const poll = setInterval(() => {
    storage
      .getDream(dream.id)
      .then((d) => {
        if (d?.status === 'canceled' || d?.status === 'failed') ac.abort();
      })
      .catch(() => {});
  }, cancelPollMs);
  poll.unref();
  try {
    await gatherAll(refs, await host.gatherVersion(dream.id), { cache, signal: ac.signal }, redactor);
    return 'completed';
  } catch (e) {
    if (ac.signal.aborted) return 'canceled';
    throw e;
  } finally {
    clearInterval(poll);
  }
}

/**
 * Cancels a dream's gather batches that have not started (`queued` or `retry` → `canceled`); running
 * ones notice the canceled dream themselves. @returns how many were canceled.
 */
export async function cancelGatherJobs(storage: Storage, dreamId: string): Promise<number> {
  const states = ['queued', 'retry'] as const;
  const jobs = await storage.listJobs({ dream_ids: [dreamId], kinds: ['dream.gather'], states: [...states] });
  let n = 0;
  for (const j of jobs)
    if (await storage.updateJob(j.id, { state: 'canceled', lease_until: null }, { states: [...states] })) n++;
  return n;
}
