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
  it('at least 93% of the train wordings (questions, negations, sarcasm, reasons, scopes) become one memory about their item', () => {
    const all = FEEDBACK.flatMap((fb) => feedbackWordings(fb, 'train').map((w) => ({ fb, w })));
    expect(all.length).toBeGreaterThanOrEqual(80);
    const missed = all.filter(({ fb, w }) => !found(fb, w)).map(({ fb, w }) => `${fb.id}: ${w}`);
    // 86 wordings of 15 items (11 items added by an independent writer: 16 missed when they arrived, 6
    // now). Left: "Sure, let's pull in a whole library …" and "check with me before installing anything
    // new" (no word shared with "pnpm add lodash.debounce"), "keep fixes minimal; drive-by refactors …"
    // (the model does not know "refactors" is a plural), "If TypeScript complains, …" (a name in the
    // condition), "That's an N+1: …" and "Move that test …, that's where all our tests are" (a reason
    // said as a statement about this one thing)
    expect(missed.length / all.length, missed.join('\n')).toBeLessThanOrEqual(0.07);
  });
});

/**
 * Sentences written apart from the catalog while making the reader general (a development set: the
 * reader was tuned on these too, so they guard against regressions, they do not measure generality).
 * 13 of 46 are still missed: sarcasm without a cue ("there goes everyone's work"), verdicts without a
 * negation ("summary files in the repo are clutter"), words the agent's work does not share ("rewrite
 * published history" after a force push), "I don't need …", or a memory whose words the item's markers
 * do not hold ("lodash" for a package).
 */
const MORE: Record<string, string[]> = {
  'feedback.coding.no-skipped-tests': [
    'Why is the test marked as skipped?',
    "Don't ever disable a test to make the pipeline pass.",
    'How is skipping the test a fix?',
    'So we just skip tests now when they fail?',
    'You skipped it? The test was right.',
    'Since when do we skip failing tests?',
    'Turning off a test is not fixing it.',
    "I'd rather see a red build than a skipped test.",
    'No skipping tests, ever.',
    "That test caught a real bug; you can't just skip it.",
    'Skipped tests are bugs waiting to happen.',
    "Please don't paper over failures with .skip.",
    'Fantastic, the test is skipped and the bug is still there.',
  ],
  'feedback.coding.no-force-push': [
    'Who told you to force-push?',
    'Never use --force on a branch someone else pushes to.',
    'You force-pushed? Seriously?',
    'Force pushes are not allowed on shared branches.',
    'Did you just force-push to a shared branch?',
    'Rebase and push normally; a force push is never the answer here.',
    "We don't use --force on branches other people share.",
    'Avoid force pushes on anything shared.',
    "Great, there goes everyone's work on that branch.",
    'Please never rewrite published history.',
    "That force push just wiped out someone's commits.",
  ],
  'feedback.coding.ask-before-dependencies': [
    "Don't install new packages without asking.",
    'A whole dependency for five lines? Really?',
    'Adding packages needs approval here.',
    'Check with me before you install any package.',
    'Did anyone ask for a new dependency?',
    'We keep dependencies to a minimum, so ask before adding one.',
    "Don't add dependencies without my approval.",
    'Who approved this new package?',
    'Why do we need lodash for a debounce?',
    'Please write small helpers yourself instead of adding libraries.',
    "That's a lot of package for a debounce.",
  ],
  'feedback.coding.no-summary-docs': [
    "Don't leave summary markdown files around.",
    'Nobody needs a changelog file for every task.',
    'Please just tell me what changed instead of writing a summary file.',
    "Please don't add CHANGES files to the repo.",
    'Nobody reads those summary markdown files.',
    'Why is there a new summary document in the repo?',
    'Stop creating markdown reports after every task.',
    'What is CHANGES_SUMMARY.md for?',
    'Summary files in the repo are clutter.',
    "I don't need a summary file, just a short message.",
    'Keep summaries out of the repo; the PR description is the place for them.',
  ],
};

/** Said right after the same offenses: thanks, questions for information, the next task, encouragement. */
const NOT_FEEDBACK = [
  'Thanks, that works.',
  'Can you also run the linter?',
  'What does the flaky test do?',
  'Okay, now update the README with the new flag.',
  'Great, ship it!',
  'Looks good to me.',
  'Please rebase onto main and push again.',
  'Add a test for the rounding edge case.',
  'Is the build green now?',
  "Let's merge it after lunch.",
  'Nice work on the refactor.',
  "Keep going, you're almost there!",
  'Sounds good, go ahead and open the PR.',
  "Hmm, interesting, I didn't know that.",
  'Good catch on the timezone bug.',
];

describe('planted feedback, sentences beyond the catalog', () => {
  it('the development sentences (questions, negations, sarcasm, norms) are found', () => {
    const all = FEEDBACK.flatMap((fb) => (MORE[fb.id] ?? []).map((w) => ({ fb, w })));
    const missed = all.filter(({ fb, w }) => !found(fb, w)).map(({ w }) => w);
    expect(all.length).toBe(46);
    // (two plain questions, "Why do we need lodash for a debounce?" and "Why is there a new summary
    // document in the repo?", ask and state no rule: no longer feedback, as on unseen real sessions)
    expect(missed.length, missed.join('\n')).toBeLessThanOrEqual(15);
  });

  it('thanks, questions, the next task and encouragement after the same offenses are not feedback', () => {
    for (const fb of FEEDBACK)
      for (const w of NOT_FEEDBACK) {
        const digest = gatherSession(plantedSession(fb, w));
        expect(
          digest.feedback.filter((f) => f.cue !== 'follows'),
          `${fb.id}: ${w}`,
        ).toEqual([]);
      }
  });
});
