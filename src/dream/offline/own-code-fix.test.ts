import { describe, expect, it } from 'vitest';
import { createOfflineEngine } from '../index.js';
import { syntheticSession } from '../test-helpers.js';
import { DEFAULT_DREAM_OPTIONS } from '../types.js';

// Snippets and outputs written for this test: an agent probing a metrics file with inline Python. Its
// first snippet asks for a key the file lacks; the next snippet, without that key, runs.
const snippet = (keys: string) =>
  `python -c "import json; d = json.load(open('metrics.json')); print(${keys})"`;

const session = (id: string, retry: string) =>
  syntheticSession(id, null, [
    `Summarise the metrics of run ${id}`,
    {
      tool: 'Bash',
      kind: 'shell',
      input: { command: snippet("d['loss_freq'], d['split']") },
      result:
        'Traceback (most recent call last):\n  File "<string>", line 1, in <module>\nKeyError: \'loss_freq\'',
      error: true,
    },
    { tool: 'Bash', kind: 'shell', input: { command: snippet(retry) }, result: "{'loss': 0.41}" },
  ]);

describe("the agent's own snippet failing, then another snippet running", () => {
  const engine = createOfflineEngine();

  it('is no lesson when the next snippet only left words out (blind batch 8: "drop `loss_freq`, `split`")', async () => {
    const r = await engine.run({
      memories: [],
      sessions: ['r1', 'r2', 'r3'].map((id) => session(id, 'd')),
      options: DEFAULT_DREAM_OPTIONS,
    });
    expect(r.changes.filter((c) => c.kind === 'mistake')).toEqual([]);
  });

  it('is one when the next snippet added the same change each time', async () => {
    const r = await engine.run({
      memories: [],
      sessions: ['r1', 'r2', 'r3'].map((id) => session(id, "d.get('loss_freq', 'n/a')")),
      options: DEFAULT_DREAM_OPTIONS,
    });
    const [m, ...rest] = r.changes.filter((c) => c.kind === 'mistake');
    expect(rest).toEqual([]);
    expect(m?.after).toContain('get');
  });
});
