/**
 * The MCP server's dream and review tools (see server.ts): start a dream over the store's recent sessions,
 * read its status and change set, approve or reject changes. Scoped to the server's store: a dream or
 * change of another store is refused. Results are JSON text.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { type Change, type Dream, ValidationError } from '../domain/index.js';
import type { ReviewService } from '../service/review-service.js';
import { toolCall } from './results.js';

const json = (v: unknown) => JSON.stringify(v, null, 2);

/** The content of a change, shortened for a tool result: at most this many characters of before/after. */
const MAX_CONTENT_CHARS = 4000;

interface DreamToolContext {
  server: McpServer;
  review: ReviewService;
  storeId: string;
  reviewer: () => string;
  /** The dream `id` (default: the store's latest), refused unless it is a dream of this store. */
  ownDream: (id: string | undefined) => Promise<Dream>;
  runs: Runs;
}

/**
 * The dreams an MCP server started and is still running. `shutdown` cancels them (they end `canceled`, never
 * stuck `running`) and resolves once each has settled; call it before closing the database.
 */
export interface DreamRuns {
  shutdown(): Promise<void>;
}

/** A fresh {@link DreamRuns}, to share between servers (e.g. the per-request servers of the HTTP shell). */
export function createDreamRuns(): DreamRuns {
  return new Runs();
}

class Runs implements DreamRuns {
  readonly #abort = new AbortController();
  readonly #running = new Set<Promise<unknown>>();

  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  add(p: Promise<unknown>): void {
    const settled = p.catch(() => {});
    this.#running.add(settled);
    void settled.finally(() => this.#running.delete(settled));
  }

  async shutdown(): Promise<void> {
    this.#abort.abort();
    await Promise.all([...this.#running]);
  }
}

/**
 * Registers `dream_start`, `dream_status`, `dream_changes` and `change_decide` on `server`.
 * @param shared where to keep started dreams (from {@link createDreamRuns}); default a new set.
 * @returns the dreams it runs (see {@link DreamRuns}).
 */
export function registerDreamTools(
  server: McpServer,
  review: ReviewService,
  storeId: string,
  reviewer: () => string,
  shared?: DreamRuns,
): DreamRuns {
  const ownDream = async (id: string | undefined): Promise<Dream> => {
    const d = id
      ? await review.reverie.getDream(id)
      : (await review.reverie.listDreams({ memory_store_id: storeId, limit: 1 })).data[0];
    if (!d) throw new ValidationError(`store ${storeId} has no dreams yet`, 'dream_id');
    if (d.inputs[0].memory_store_id !== storeId)
      throw new ValidationError(`dream ${d.id} is not a dream of store ${storeId}`, 'dream_id');
    return d;
  };
  const runs = shared instanceof Runs ? shared : new Runs();
  const ctx: DreamToolContext = { server, review, storeId, reviewer, ownDream, runs };
  registerDreamStart(ctx);
  registerDreamReading(ctx);
  registerChangeDecide(ctx);
  return runs;
}

function registerDreamStart({ server, review, storeId, runs }: DreamToolContext): void {
  const reverie = review.reverie;
  server.registerTool(
    'dream_start',
    {
      description:
        'Start a dream over this store and the sessions imported since its last dream (or the given session ids). Returns the dream id; poll dream_status. Proposals are reviewed before they reach the store.',
      inputSchema: {
        session_ids: z
          .array(z.string())
          .optional()
          .describe('sessions to dream over (default: new since the last dream)'),
        update_existing: z
          .boolean()
          .optional()
          .describe('propose changes to this store (default) rather than a new output store'),
        instructions: z.string().max(4096).optional().describe('guidance for the dream'),
        min_support: z.number().int().min(1).optional().describe('sessions a pattern needs (default 2)'),
      },
    },
    (a) =>
      toolCall(async () => {
        const d = await reverie.createDream({
          memory_store_id: storeId,
          session_ids: a.session_ids,
          instructions: a.instructions,
          output_behavior:
            a.update_existing === false
              ? { type: 'create_new' }
              : { type: 'update_existing', memory_store_id: storeId },
          options: a.min_support !== undefined ? { min_support: a.min_support } : undefined,
        });
        // Runs in the background; a failure is recorded on the dream (status `failed`, `error`).
        runs.add(reverie.runDream(d.id, { signal: runs.signal }));
        return json({ dream_id: d.id, status: d.status, sessions: d.inputs[1].session_ids.length });
      }),
  );
}

function registerDreamReading({ server, review, ownDream }: DreamToolContext): void {
  const reverie = review.reverie;
  server.registerTool(
    'dream_status',
    {
      description:
        "A dream's status, progress, figures and its changes counted by review status (default: this store's latest dream).",
      inputSchema: { dream_id: z.string().optional() },
      annotations: { readOnlyHint: true },
    },
    ({ dream_id }) => toolCall(async () => json(await statusOf(review, await ownDream(dream_id)))),
  );
  server.registerTool(
    'dream_changes',
    {
      description:
        "A dream's change set: per change its id, op, path, kind, reason, confidence, support, evidence and content.",
      inputSchema: {
        dream_id: z.string(),
        status: z.enum(['pending', 'approved', 'rejected', 'applied', 'conflict']).optional(),
      },
      annotations: { readOnlyHint: true },
    },
    ({ dream_id, status }) =>
      toolCall(async () => {
        const d = await ownDream(dream_id);
        const changes = (await reverie.listChanges(d.id)).filter((c) => !status || c.status === status);
        return json(changes.map(changeView));
      }),
  );
}

function registerChangeDecide({ server, review, reviewer, ownDream }: DreamToolContext): void {
  server.registerTool(
    'change_decide',
    {
      description:
        'Approve or reject one change of a dream of this store (recorded with the MCP client as reviewer).',
      inputSchema: {
        change_id: z.string(),
        decision: z.enum(['approve', 'reject']),
        comment: z.string().max(2000).optional(),
      },
    },
    ({ change_id, decision, comment }) =>
      toolCall(async () => {
        await ownDream((await review.getChange(change_id)).dream_id);
        const c = await review.decide(change_id, { decision, by: reviewer(), comment: comment ?? null });
        return json({ id: c.id, status: c.status, review: c.review });
      }),
  );
}

async function statusOf(review: ReviewService, d: Dream) {
  const counts: Record<string, number> = {};
  for (const c of await review.reverie.listChanges(d.id)) counts[c.status] = (counts[c.status] ?? 0) + 1;
  return {
    id: d.id,
    status: d.status,
    progress: d.progress,
    error: d.error,
    sessions: d.inputs[1].session_ids.length,
    output_behavior: d.output_behavior,
    outputs: d.outputs,
    stats: d.stats,
    changes: counts,
    created_at: d.created_at,
    ended_at: d.ended_at,
  };
}

function clip(s: string | null): string | null {
  return s !== null && s.length > MAX_CONTENT_CHARS ? `${s.slice(0, MAX_CONTENT_CHARS)}…` : s;
}

function changeView(c: Change) {
  return {
    id: c.id,
    status: c.status,
    op: c.op,
    kind: c.kind,
    path: c.path,
    to_path: c.to_path,
    reason: c.reason,
    confidence: c.confidence,
    support: c.support,
    evidence: c.evidence.slice(0, 5),
    before: clip(c.before),
    after: clip(c.after),
  };
}
