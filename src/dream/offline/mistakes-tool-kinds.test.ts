/**
 * Mistakes of shell tools that the engine knows as shell only from the importer's kind (Cursor's
 * `run_terminal_cmd`, Gemini CLI's `run_shell_command`): their fixes read like `bash`'s.
 */
import { describe, expect, it } from 'vitest';
import { createOfflineEngine } from '../index.js';
import { type Step, syntheticSession } from '../test-helpers.js';
import { DEFAULT_DREAM_OPTIONS, type DreamSessionRef } from '../types.js';

const engine = createOfflineEngine();
const run = async (sessions: DreamSessionRef[]) =>
  (await engine.run({ memories: [], sessions, options: DEFAULT_DREAM_OPTIONS })).changes.filter(
    (c) => c.kind === 'mistake',
  );
const shell = (tool: string, command: string, result: string, error = false): Step => ({
  tool,
  kind: 'shell',
  command,
  input: { command },
  result,
  error,
});

describe('mistakes of shell tools known by their kind', () => {
  for (const tool of ['run_terminal_cmd', 'run_shell_command']) {
    it(`${tool}: the fix is the command run before the same program succeeded again`, async () => {
      const sessions = [0, 1, 2].map((i) =>
        syntheticSession(`sesn_${tool}_${i}`, `u${i}`, [
          `task ${i}`,
          shell(tool, `git push origin feat-${i}`, 'error: failed to push some refs to origin', true),
          shell(tool, `git pull --rebase origin feat-${i}`, 'Successfully rebased'),
          shell(tool, `git push origin feat-${i}`, 'ok'),
        ]),
      );
      const [m, ...rest] = await run(sessions);
      expect(rest).toEqual([]);
      expect(m!.after).toContain('fix: run git pull first');
      expect(m!.after).toContain(`${tool}:git push`);
    });
  }
});
