/**
 * Errors without an established fix where the sessions' outcomes cannot tell whether they mattered (every
 * session `unknown`, as in real Claude Code sessions): a lesson only when the error persisted through
 * attempts to mend it in most of its sessions; one met once and routed around, or mended, is nothing.
 */
import { describe, expect, it } from 'vitest';
import { createOfflineEngine } from '../index.js';
import { type Step, shellStep, syntheticSession } from '../test-helpers.js';
import { DEFAULT_DREAM_OPTIONS, type DreamSessionRef } from '../types.js';

const engine = createOfflineEngine();
const run = async (sessions: DreamSessionRef[]) =>
  engine.run({ memories: [], sessions, options: DEFAULT_DREAM_OPTIONS });
const sh = shellStep;
// another shell command is a step, never a replacement tool (`gather.ts`): no fix comes from it
const look = (path: string) => sh(`cat ${path}`, '1 x');
// wordings written for these tests
const BUILD = 'gmake: *** [GNUmakefile:88: all] Error 2';
const session = (id: string, steps: Step[]) =>
  syntheticSession(id, `u-${id}`, [`task ${id}`, ...steps], { outcome: 'unknown' });

describe('an error without an established fix, outcomes unknown', () => {
  it('is a lesson when it persisted through attempts to mend it, and says so', async () => {
    const sessions = ['a', 'b'].map((id) =>
      session(id, [
        sh(`cd /w/${id} && make`, BUILD, true),
        sh(`cd /w/${id} && make clean && make`, BUILD, true),
        look(`/w/${id}/GNUmakefile`),
        sh(`rm -rf /w/${id}/out && cd /w/${id} && make`, BUILD, true),
        sh(`ls /w/${id}`, 'GNUmakefile src'),
      ]),
    );
    const r = await run(sessions);
    const [m, ...rest] = r.changes.filter((c) => c.kind === 'mistake');
    expect(rest).toEqual([]);
    expect(m!.after).toContain('no reliable fix seen');
    expect(m!.after).toContain('It persisted in 2 of 2 sessions');
    expect(m!.after).toContain('up to 3 times in a row');
    expect(r.stats.mistakes_unfixed).toBe(0);
  });

  it('is nothing when it was met once in each session and routed around', async () => {
    const sessions = ['a', 'b', 'c'].map((id) =>
      session(id, [
        sh(`tree /w/${id}`, 'bash: line 1: tree: command not found', true),
        look(`/w/${id}/a.txt`),
      ]),
    );
    const r = await run(sessions);
    expect(r.changes.filter((c) => c.kind === 'mistake')).toEqual([]);
    expect(r.stats.mistakes_unfixed).toBe(1);
  });

  it('is nothing when it came back but a later try of the same program worked', async () => {
    const sessions = ['a', 'b'].map((id) =>
      session(id, [
        sh(`cd /w/${id} && make`, BUILD, true),
        sh(`cd /w/${id} && make`, BUILD, true),
        look(`/w/${id}/src/main.c`),
        sh(`cd /w/${id} && make`, 'built out/app'),
      ]),
    );
    const r = await run(sessions);
    expect(r.changes.filter((c) => c.kind === 'mistake')).toEqual([]);
    expect(r.stats.mistakes_unfixed).toBe(1);
  });

  it('is nothing when it persisted in fewer than half of its sessions', async () => {
    const persisted = ['a', 'b'].map((id) =>
      session(id, [sh(`cd /w/${id} && make`, BUILD, true), sh(`cd /w/${id} && make -B`, BUILD, true)]),
    );
    const once = ['c', 'd', 'e'].map((id) =>
      session(id, [sh(`cd /w/${id} && make`, BUILD, true), look(`/w/${id}/README`)]),
    );
    const r = await run([...persisted, ...once]);
    expect(r.changes.filter((c) => c.kind === 'mistake')).toEqual([]);
    expect(r.stats.mistakes_unfixed).toBe(1);
  });
});
