import { describe, expect, it } from 'vitest';
import { createOfflineEngine } from '../index.js';
import { syntheticSession } from '../test-helpers.js';
import { DEFAULT_DREAM_OPTIONS } from '../types.js';
import { awaitedPerson, errorSignature } from './templates.js';

// Outputs written for these tests: a privileged command that asks whoever sits at the terminal to
// authenticate, and nobody does.
const PROMPTED =
  'Touch the security key on your keyboard\nAuthentication timed out\nsu: no password was given';
const UNPROMPTED = 'Authentication timed out\nsu: no password was given';

describe('awaitedPerson', () => {
  const awaited = (out: string) => awaitedPerson(out, errorSignature(out));
  it('is true for a prompt to act, then a time-out', () => {
    expect(errorSignature(PROMPTED).line).toBe('Authentication timed out');
    expect(awaited(PROMPTED)).toBe(true);
    expect(awaited('Please insert the smart card.\nPIN entry: timeout after 30 s')).toBe(true);
  });

  it('is false without the prompt, for advice above an error that is no time-out, and for "please wait"', () => {
    expect(awaited(UNPROMPTED)).toBe(false);
    expect(
      awaited(
        'Please read this error message carefully and then retry.\nERRORS:\n- E999 IndentationError: unexpected indent',
      ),
    ).toBe(false);
    expect(awaited('Please wait while the mirror syncs\nrequest timed out')).toBe(false);
  });
});

describe('a dream over calls that waited for the person', () => {
  const engine = createOfflineEngine();
  const session = (id: string, out: string) =>
    syntheticSession(id, null, [
      `Mount the ${id} disk`,
      {
        tool: 'Bash',
        kind: 'shell',
        command: `sudo mount /dev/${id} /mnt/${id}`,
        input: {},
        result: out,
        error: true,
      },
      { tool: 'Bash', kind: 'shell', command: `mount /dev/${id} /mnt/${id}`, input: {}, result: '' },
    ]);
  const mistakes = async (out: string) => {
    const r = await engine.run({
      memories: [],
      sessions: ['sdb', 'sdc', 'sdd'].map((id) => session(id, out)),
      options: DEFAULT_DREAM_OPTIONS,
    });
    return { changes: r.changes.filter((c) => c.kind === 'mistake'), awaited: r.stats.errors_awaited };
  };

  it('proposes no mistake from them', async () => {
    expect(await mistakes(PROMPTED)).toEqual({ changes: [], awaited: 3 });
  });

  it('still proposes the same time-out when nothing prompted the person', async () => {
    const r = await mistakes(UNPROMPTED);
    expect(r.awaited).toBe(0);
    expect(r.changes).toHaveLength(1);
  });
});
