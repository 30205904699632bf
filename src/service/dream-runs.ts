/**
 * Dreams as asynchronous jobs, the way the hosted `/v1/dreams` runs them (shared/reference/
 * anthropic-api.md §2 "Lifecycle"): creating one returns it `pending` and runs it in this process in
 * the background (pending → running → completed | failed | canceled); cancelling stops a running
 * engine through its abort signal, and {@link stopDreamRuns} stops them all at shutdown (they end
 * `canceled`). Until reverie has a job queue (DESIGN "schedule/"), a process killed outright leaves its
 * dream `running`.
 *
 * Rules kept here, as hosted (§0a): model `reverie-offline` is the deterministic engine (another model
 * needs an LLM provider, which this server does not have: 400); `session_ids` must be unique and are
 * stored sorted; a second `update_existing` dream on a store that one still pending or running holds is
 * a 409 `conflict_error` naming the holder.
 */
import { ConflictError, type Dream, type OutputBehavior, ValidationError } from '../domain/index.js';
import { enqueueCreated } from './dream-queue.js';
import type { CreateDreamInput, Reverie } from './reverie.js';

/** The model id of the offline, deterministic engine. */
export const OFFLINE_MODEL = 'reverie-offline';

/** Input of {@link startDream}: the hosted create body, already shape-checked. */
export interface StartDreamInput {
  memory_store_id: string;
  session_ids: string[];
  model: { id: string; speed?: 'standard' | 'fast' | null };
  instructions?: string | null;
  output_behavior?: OutputBehavior;
  /** reverie's extension: engine option overrides, e.g. the client's instruction files. */
  options?: CreateDreamInput['options'];
}

const running = new Map<string, AbortController>();

/**
 * Creates a dream and starts it in the background: in this process, or with `queue: true` as a job on
 * the service's queue for a worker (`reverie serve` runs one unless `--no-worker`; `reverie worker`).
 * @returns the dream as created (`pending`, `outputs: []`).
 * @throws ValidationError for a model without an engine, duplicate session ids; ConflictError when
 *   another `update_existing` dream holds the store; whatever `Reverie.createDream` throws (unknown
 *   store or session: NotFoundError; bad instructions: ValidationError).
 */
export async function startDream(
  reverie: Reverie,
  input: StartDreamInput,
  opts: { queue?: boolean } = {},
): Promise<Dream> {
  if (input.model.id !== OFFLINE_MODEL)
    throw new ValidationError(
      `model ${input.model.id} has no engine on this server: use "${OFFLINE_MODEL}" (the deterministic offline engine); LLM models need a provider configured for reverie`,
      'model',
    );
  const dup = input.session_ids.find((id, i) => input.session_ids.indexOf(id) !== i);
  if (dup !== undefined)
    throw new ValidationError(`session_ids must be unique: ${dup} is repeated`, 'inputs');
  if (input.output_behavior?.type === 'update_existing') {
    const open = await reverie.listDreams({
      memory_store_id: input.memory_store_id,
      statuses: ['pending', 'running'],
      include_archived: true,
      limit: 100,
    });
    const holder = open.data.find((d) => d.output_behavior.type === 'update_existing');
    if (holder)
      throw new ConflictError(
        `memory store ${input.memory_store_id} is held by dream ${holder.id} (update_existing, ${holder.status}); wait for it to end or cancel it`,
        { dream_id: holder.id },
      );
  }
  const dream = await reverie.createDream({
    memory_store_id: input.memory_store_id,
    session_ids: [...input.session_ids].sort(),
    model: { id: input.model.id, ...(input.model.speed ? { speed: input.model.speed } : {}) },
    instructions: input.instructions ?? null,
    output_behavior: input.output_behavior,
    engine: 'offline',
    ...(input.options ? { options: input.options } : {}),
  });
  if (opts.queue) {
    await enqueueCreated(reverie, dream);
    return dream;
  }
  const ac = new AbortController();
  running.set(dream.id, ac);
  setImmediate(() => {
    reverie
      .runDream(dream.id, { signal: ac.signal })
      .catch(() => {}) // recorded on the dream as failed or canceled
      .finally(() => running.delete(dream.id));
  });
  return dream;
}

/**
 * Cancels a dream: pending or running → canceled (a running engine is aborted); canceled → no-op.
 * @throws ValidationError for a completed or failed dream; NotFoundError.
 */
export async function cancelDreamRun(reverie: Reverie, id: string): Promise<Dream> {
  const d = await reverie.cancelDream(id);
  running.get(id)?.abort();
  return d;
}

/**
 * Stops every dream this process started and is still running (server shutdown): each one's engine is
 * aborted, so it ends `canceled` instead of staying `running` in the database; then waits for them
 * (at most `timeoutMs`).
 * @returns how many runs were stopped.
 */
export async function stopDreamRuns(timeoutMs = 30_000): Promise<number> {
  const n = running.size;
  for (const ac of running.values()) ac.abort();
  await settleDreamRuns(timeoutMs);
  return n;
}

/** Resolves once no dream started by {@link startDream} in this process is still running (for shutdown and tests). */
export async function settleDreamRuns(timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (running.size > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
}
