/**
 * "Use <other tool> instead" is a fix only when the other tool could have done the failed call's work
 * (the same kind of work, `recovery.ts` `callWork`), never because it merely ran next.
 */
import { describe, expect, it } from 'vitest';
import { createOfflineEngine } from '../index.js';
import { type Step, shellStep, syntheticSession } from '../test-helpers.js';
import { DEFAULT_DREAM_OPTIONS, type DreamSessionRef } from '../types.js';
import { callWork, isSubstitute } from './recovery.js';

const engine = createOfflineEngine();
const mistakes = async (sessions: DreamSessionRef[]) =>
  (await engine.run({ memories: [], sessions, options: DEFAULT_DREAM_OPTIONS })).changes.filter(
    (c) => c.kind === 'mistake',
  );
const sh = shellStep;
const read = (path: string): Step => ({
  tool: 'Read',
  kind: 'read',
  input: { file_path: path },
  result: '1 x',
});
const session = (id: string, steps: Step[]) => syntheticSession(id, `u-${id}`, [`task ${id}`, ...steps]);

describe('the kind of work a call did', () => {
  it('reads shell commands by their program', () => {
    expect(callWork('shell', 'cat /w/a.txt')).toBe('read');
    expect(callWork('shell', 'cd /w && head -n 5 a.txt')).toBe('read');
    expect(callWork('shell', 'grep -rn foo src')).toBe('search');
    expect(callWork('shell', 'ls -la /w')).toBe('search');
    expect(callWork('shell', 'curl -s https://example.test/x')).toBe('web');
    expect(callWork('shell', 'git clone https://example.test/r.git')).toBe('shell');
    expect(callWork('shell', 'npm run build')).toBe('shell');
    expect(callWork('read', null)).toBe('read');
    expect(callWork(undefined, null)).toBe('other');
  });

  it('counts another tool as a substitute only for the same kind of work', () => {
    expect(isSubstitute('read', 'read')).toBe(true);
    expect(isSubstitute('shell', 'read')).toBe(false);
    expect(isSubstitute('search', 'read')).toBe(false);
    expect(isSubstitute(undefined, 'read')).toBe(false);
  });
});

describe('another tool used instead of a failed call', () => {
  // wordings written for these tests
  const CAT = 'cat: /w/notes.txt: Invalid argument';
  const CLONE = "fatal: unable to access 'https://example.test/r.git/': Could not resolve host";

  it('is the fix when it does the same work (Read for a failed cat)', async () => {
    const sessions = ['a', 'b', 'c'].map((id) =>
      session(id, [sh(`cat /w/${id}/notes.txt`, CAT, true), read(`/w/${id}/notes.txt`)]),
    );
    const [m, ...rest] = await mistakes(sessions);
    expect(rest).toEqual([]);
    expect(m!.after).toContain('fix: use Read instead');
  });

  it('is no fix when it only ran next (Read after a failed clone)', async () => {
    const sessions = ['a', 'b', 'c'].map((id) =>
      session(id, [
        sh(`git clone https://example.test/r.git /w/${id}`, CLONE, true),
        read(`/w/${id}/README`),
      ]),
    );
    const ms = await mistakes(sessions);
    // all sessions satisfied: the error stays a lesson, but without a fix and without naming Read
    expect(ms).toHaveLength(1);
    expect(ms[0]!.after).toContain('no reliable fix seen');
    expect(ms[0]!.after).not.toContain('Read');
  });
});
