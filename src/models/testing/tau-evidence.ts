/**
 * Real evidence for model tests and the LLM benchmark: the tool errors of the τ-bench airline trajectories
 * (`[{task_id, trial, reward, traj: [{role, content}]}]`, the format described in
 * ../shared/reference/transcript-formats.md), read in place from ../shared/data.
 */
import { readFileSync } from 'node:fs';

/** One tool error: the task and trial it came from and the verbatim error text. */
export interface TauToolError {
  taskId: number;
  trial: number;
  text: string;
}

/**
 * Every `role: "tool"` message of `file` whose content starts with `Error`, in file order.
 * @throws Error naming `file` when it cannot be read or is not a τ-bench trajectory list.
 */
export function readTauToolErrors(file: string): TauToolError[] {
  const data = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  if (!Array.isArray(data)) throw new Error(`${file}: expected a JSON array of τ-bench trajectories`);
  const errors: TauToolError[] = [];
  for (const run of data as Array<{
    task_id: number;
    trial: number;
    traj: Array<{ role: string; content: unknown }>;
  }>) {
    for (const message of run.traj ?? []) {
      if (
        message.role === 'tool' &&
        typeof message.content === 'string' &&
        message.content.startsWith('Error')
      ) {
        errors.push({ taskId: run.task_id, trial: run.trial, text: message.content });
      }
    }
  }
  return errors;
}
