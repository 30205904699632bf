/**
 * τ-bench trajectories (github.com/sierra-research/tau-bench, `historical_trajectories/*.json` and the
 * `results/*.json` that `run.py` writes): a JSON array of
 * `{task_id, reward, info: {task: {user_id, instruction, actions, …}, …}, traj: [OpenAI chat
 * messages], trial?}`. One session per element.
 *
 * - Events: see {@link normalizeChatMessages}; the policy system prompt is a `system.message`; a tool
 *   result is an error when its content starts with `Error:` (τ-bench's tools raise that way).
 * - Reused `tool_call_id`s are paired with the most recent unanswered call (see {@link CallRegistry}).
 * - Source pointers: `{file, index: <message index in traj>, pointer: '/<element>/traj/<index>'}`.
 * - Outcome: reward 1 → satisfied, 0 → failed, in between → partial; `score` = reward; source
 *   `tau-bench.reward`.
 * - external_id `tau-bench:<file basename>:task-<task_id>:trial-<trial>` (`:element-<i>` when an
 *   element has no `trial`); agent_id `tau-bench/<basename up to the first '.'>`; user_id
 *   `info.task.user_id`.
 */
import { basename } from 'node:path';
import { z } from 'zod';
import { ImportError, type Outcome } from '../domain/index.js';
import { normalizeChatMessages } from './chat-messages.js';
import { EventList } from './event-list.js';
import { titleFrom } from './text.js';
import type { ToolKindTable } from './tool-kinds.js';
import type { ImportedSession, ImporterOptions } from './types.js';
import { describeIssue } from './zod-issues.js';

const Element = z.looseObject({
  task_id: z.union([z.number(), z.string()]),
  reward: z.number(),
  trial: z.number().nullish(),
  info: z
    .looseObject({
      task: z.looseObject({ user_id: z.string().optional(), instruction: z.string().optional() }).optional(),
    })
    .optional(),
  traj: z.array(z.unknown()),
});

/**
 * τ-bench's tools are the domain's API (`get_user_details`, `book_reservation`, `calculate`, `think`,
 * `transfer_to_human_agents`, …): none runs a shell, edits files or browses, so every call is `other`.
 */
const TAU_BENCH_TOOL_KINDS: ToolKindTable = {};

/** Tool results of τ-bench are errors when they start with `Error:`. */
export function isTauBenchError(content: string): boolean {
  return content.startsWith('Error:');
}

/** The outcome a τ-bench reward in [0, 1] stands for. */
export function tauBenchOutcome(reward: number): Outcome {
  return {
    result: reward >= 1 ? 'satisfied' : reward <= 0 ? 'failed' : 'partial',
    score: reward,
    labels: [],
    explanation: null,
    source: 'tau-bench.reward',
  };
}

/**
 * Imports a parsed τ-bench file.
 * @param file the path as given (used in `source_file`, pointers and ids).
 * @param data the parsed JSON (must be an array).
 * @returns one session per element, in file order.
 * @throws ImportError `file: element 12: missing traj` (and similar, naming the element index and
 *   field) when an element does not have the τ-bench shape.
 */
export function importTauBench(file: string, data: unknown, opts: ImporterOptions = {}): ImportedSession[] {
  if (!Array.isArray(data)) throw new ImportError(file, 'τ-bench: expected a JSON array of trajectories');
  const base = basename(file);
  const dot = base.indexOf('.');
  const agentId = opts.agent_id ?? `tau-bench/${dot === -1 ? base : base.slice(0, dot)}`;
  const sessions: ImportedSession[] = [];
  for (let e = 0; e < data.length; e++) {
    const raw = data[e];
    const parsed = Element.safeParse(raw);
    if (!parsed.success) throw new ImportError(file, `element ${e}: ${describeIssue(parsed.error)}`);
    // Use the original object: zod's output is a copy and we never mutate.
    const el = raw as z.infer<typeof Element>;
    const events = new EventList();
    normalizeChatMessages(
      el.traj,
      {
        file,
        pointer: `/${e}/traj`,
        where: `element ${e}: traj`,
        isError: isTauBenchError,
        toolKinds: TAU_BENCH_TOOL_KINDS,
      },
      events,
    );
    const firstUser = events.events.find((ev) => ev.type === 'user.message');
    const trialPart = el.trial == null ? `element-${e}` : `trial-${el.trial}`;
    const head = `Task ${el.task_id}${el.trial == null ? '' : ` (trial ${el.trial})`}`;
    const task = el.info?.task;
    sessions.push({
      external_id: `tau-bench:${base}:task-${el.task_id}:${trialPart}`,
      agent_id: agentId,
      user_id: task?.user_id ?? null,
      team_id: opts.team_id ?? null,
      parent_external_id: null,
      source_format: 'tau-bench',
      source_file: file,
      title: firstUser ? `${head}: ${titleFrom(firstUser.text, 72)}` : head,
      started_at: null,
      ended_at: null,
      metadata: {
        task_id: el.task_id,
        trial: el.trial ?? null,
        reward: el.reward,
        element_index: e,
        instruction: task?.instruction ?? null,
      },
      events: events.events,
      outcome: tauBenchOutcome(el.reward),
    });
  }
  return sessions;
}
