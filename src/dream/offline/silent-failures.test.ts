import { describe, expect, it } from 'vitest';
import { createOfflineEngine } from '../index.js';
import { syntheticSession } from '../test-helpers.js';
import { DEFAULT_DREAM_OPTIONS } from '../types.js';
import { errorSignature, errorTemplate } from './templates.js';

// Commands and outputs written for these tests, in the shape Claude Code's Bash tool reports a failure:
// the harness's exit-status line, then whatever the command printed (here often nothing).
const engine = createOfflineEngine();

function bash(command: string, result: string, error = true) {
  return { tool: 'Bash', kind: 'shell' as const, command, input: { command }, result, error };
}

describe('a line that only reports an exit status', () => {
  it('is never the signature; an output with nothing else has none', () => {
    expect(errorSignature('Exit code 1').line).toBe('');
    expect(errorTemplate('Exit code 3221225794').template).toBe('(no output)');
    expect(errorSignature('[The build finished with exit code 2.]').line).toBe('');
    expect(errorSignature('Process exited with code 7').line).toBe('');
    const out = 'Exit code 255\nssh: connect to host db1 port 22: Connection refused';
    const sig = errorSignature(out);
    expect(sig.line).toBe('ssh: connect to host db1 port 22: Connection refused');
    expect(out.slice(sig.offset, sig.offset + sig.line.length)).toBe(sig.line);
  });
});

describe('silent failures in a dream', () => {
  // each session: a few programs fail with nothing but an exit status; a remote restart through ssh
  // fails silently, then another remote command through ssh succeeds
  const session = (id: string, other: string) =>
    syntheticSession(id, null, [
      `Restart the ${id} service on the box`,
      bash(`${other} --check`, 'Exit code 1'),
      bash(`ssh box 'service ${id} restart'`, 'Exit code 1'),
      bash(`ssh box '/etc/init.d/${id} restart'`, 'restarted', false),
    ]);

  it('are no mistake: not "Exit code <N>" across programs, nor one program failing silently', async () => {
    const sessions = [session('web', 'defaults'), session('queue', 'which'), session('cache', 'powershell')];
    const r = await engine.run({ memories: [], sessions, options: DEFAULT_DREAM_OPTIONS });
    expect(r.changes.filter((c) => c.kind === 'mistake').map((c) => c.path)).toEqual([]);
    expect(r.stats.mistakes_silent).toBe(1);
  });

  it('nor is an output that is one generic word of failure ("Error"), across programs', async () => {
    const bare = (id: string, program: string) =>
      syntheticSession(id, null, [
        `Tidy the ${id} workspace`,
        bash(`${program} ${id}`, 'Error'),
        bash(`ls ${id}`, 'a.txt', false),
      ]);
    const r = await engine.run({
      memories: [],
      sessions: [bare('web', 'pkill'), bare('queue', 'ls -la'), bare('cache', 'rm -r')],
      options: DEFAULT_DREAM_OPTIONS,
    });
    expect(r.changes.filter((c) => c.kind === 'mistake').map((c) => c.path)).toEqual([]);
    expect(r.stats.mistakes_silent).toBe(1);
  });

  it('an error the output names is still one, named by its own line', async () => {
    const named = (id: string) =>
      syntheticSession(id, null, [
        `Deploy ${id}`,
        bash(`ssh box 'deploy ${id}'`, 'Exit code 255\nssh: connect to host box port 22: Connection refused'),
        bash(`ssh -p 2222 box 'deploy ${id}'`, 'deployed', false),
      ]);
    const r = await engine.run({
      memories: [],
      sessions: [named('a'), named('b')],
      options: DEFAULT_DREAM_OPTIONS,
    });
    const mistakes = r.changes.filter((c) => c.kind === 'mistake');
    expect(mistakes).toHaveLength(1);
    expect(mistakes[0]!.after).toContain('Connection refused');
    expect(mistakes[0]!.after).not.toContain('Exit code');
  });
});
