import { describe, expect, it } from 'vitest';
import type { SessionEvent } from '../../domain/index.js';
import { FEEDBACK, type FeedbackDef, feedbackWordings } from '../../eval/generator/catalog.js';
import { matchesSpec } from '../../eval/scorers/markers.js';
import { mineFeedback } from './feedback-mining.js';
import { gatherSession } from './gather.js';

/**
 * Every TRAIN wording of the planted feedback (src/eval/generator/catalog.ts), said right after the
 * agent did what it objects to, is found and becomes one memory about its item: the planted benchmark
 * draws one wording per run, so this reads them all. The held-out test wordings are never read here.
 */
const vars = { file: 'src/billing/rounding.test.ts', branch: 'feature/rounding', cwd: '/home/dev/shop' };
const fill = (s: string) =>
  s.replaceAll('{file}', vars.file).replaceAll('{branch}', vars.branch).replaceAll('{cwd}', vars.cwd);

function plantedSession(fb: FeedbackDef, wording: string): SessionEvent[] {
  let seq = 0;
  const at = () => ({ seq: seq++, timestamp: null, source: { file: 'planted.jsonl', line: seq } });
  const o = fb.offense;
  const input = Object.fromEntries(Object.entries(o.input).map(([k, v]) => [k, fill(v)]));
  return [
    { type: 'user.message', ...at(), text: 'The checkout totals are off by a cent; please sort it out.' },
    { type: 'agent.message', ...at(), text: fill(o.say) },
    { type: 'agent.tool_use', ...at(), tool: o.tool, kind: 'other', input, call_id: 'c1' },
    { type: 'agent.tool_result', ...at(), call_id: 'c1', content: fill(o.result), is_error: false },
    { type: 'user.message', ...at(), text: wording },
    { type: 'agent.message', ...at(), text: 'Got it.' },
  ] as SessionEvent[];
}

function found(fb: FeedbackDef, wording: string): boolean {
  const digest = gatherSession(plantedSession(fb, wording));
  const { memories } = mineFeedback([
    {
      id: 'sesn_1',
      agent_id: 'coder',
      user_id: null,
      content_sha256: 'x',
      outcome: 'unknown',
      family: null,
      subagent: false,
      time: '2026-11-01T00:00:00Z',
      digest,
    },
  ]);
  return memories.length === 1 && matchesSpec(memories[0]!.body, fb.subject ?? fb.markers);
}

describe('planted feedback, train wordings', () => {
  it('at least 95% of the train wordings (questions, negations, sarcasm, reasons, scopes) become one memory about their item', () => {
    const all = FEEDBACK.flatMap((fb) => feedbackWordings(fb, 'train').map((w) => ({ fb, w })));
    expect(all.length).toBeGreaterThanOrEqual(40);
    const missed = all.filter(({ fb, w }) => !found(fb, w)).map(({ fb, w }) => `${fb.id}: ${w}`);
    // left: a sarcastic "Sure, let's pull in a whole library …" and "check with me before installing
    // anything new" (no word it shares with "pnpm add lodash.debounce")
    expect(missed.length / all.length, missed.join('\n')).toBeLessThanOrEqual(0.05);
  });
});
