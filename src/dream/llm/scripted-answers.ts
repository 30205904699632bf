/**
 * Scripted answers for tests and the benchmark of the LLM engine: reads the candidates a batch request
 * shows (`## c1 · mistake · …` headings) and answers a judgement for each, so a scripted model or a
 * loopback server can answer any plan without knowing it in advance.
 */
import type { BatchAnswer, Judgement } from './prompt.js';

/** One candidate as a batch message shows it: local id, kind, and the section text. */
export interface ShownCandidate {
  id: string;
  kind: string;
  text: string;
}

/** The candidates shown in a batch message, in order. */
export function shownCandidates(message: string): ShownCandidate[] {
  const parts = message.split(/^(?=## c\d+ · )/m).slice(1);
  return parts.map((text) => {
    const m = /^## (c\d+) · (\w+)/.exec(text)!;
    return { id: m[1]!, kind: m[2]!, text };
  });
}

/**
 * A judgement that keeps `c` with a lesson built from its text (the first evidence snippet cited), or
 * drops it when `keep` is false.
 */
export function scriptedJudgement(c: ShownCandidate, keep: boolean): Judgement {
  const title = /^Summary: (.*)$/m.exec(c.text)?.[1]?.slice(0, 70) ?? c.id;
  if (!keep)
    return {
      id: c.id,
      verdict: 'drop',
      reason: 'the snippets show no lesson an agent can act on',
      title: null,
      summary: null,
      symptom: null,
      cause: null,
      fix: null,
      how_to_apply: null,
      evidence: [],
      supersedes: null,
      conflicts_with: null,
    };
  return {
    id: c.id,
    verdict: 'keep',
    reason: 'recurs across sessions and the fix recovered',
    title: `Lesson: ${title}`,
    summary: `Scripted lesson for ${c.kind} ${c.id}`,
    symptom: 'The tool call fails with the quoted error.',
    cause: null,
    fix: 'Change what the successful retries changed.',
    how_to_apply: 'Check the inputs before calling the tool again.',
    evidence: [1],
    supersedes: null,
    conflicts_with: null,
  };
}

/** A whole batch answer: every shown candidate kept unless `drop(candidate)` says otherwise. */
export function scriptedAnswer(
  message: string,
  drop: (c: ShownCandidate) => boolean = () => false,
): BatchAnswer {
  return { judgements: shownCandidates(message).map((c) => scriptedJudgement(c, !drop(c))) };
}
