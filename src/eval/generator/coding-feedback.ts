/**
 * Plants a person's feedback (issue 15) and one-off task instructions into a coding session. Runs
 * after every original draw of the session and draws only from `ctx.extra`, so sessions without
 * feedback are byte-identical to before and the other kinds' figures stay comparable.
 *
 * A feedback item follows what it objects to: the agent says what it did and makes the tool call
 * (`offense`), the person answers with one of the item's wordings, the agent acknowledges.
 */
import type { NoiseItem } from '../ground-truth.js';
import { FEEDBACK, feedbackWordings, inventWord, TASK_INSTRUCTIONS } from './catalog.js';
import type { DomainContext } from './context.js';
import type { GenEvent } from './model.js';
import { SessionBuilder } from './session-builder.js';

/** Values the offense templates refer to (`{file}`, `{branch}`, `{cwd}`). */
export interface OffenseVars {
  file: string;
  branch: string;
  cwd: string;
}

const ACKS = [
  'Understood, sorry about that.',
  'Got it.',
  'Noted, I will undo that.',
  'Sorry, reverting it now.',
];

function fill(s: string, v: OffenseVars): string {
  return s.replaceAll('{file}', v.file).replaceAll('{branch}', v.branch).replaceAll('{cwd}', v.cwd);
}

/**
 * Appends the feedback item and/or task instruction scheduled for coding session `ctx.j` (if any) to
 * `events`, times continuing from the last event. Adds the ids to `planted` and the instruction to
 * `noise` (type `instruction`, marker: its invented word).
 * @param events the session's events so far (appended to in place; must not be empty).
 */
export function appendFeedback(
  ctx: DomainContext,
  events: GenEvent[],
  vars: OffenseVars,
  planted: Set<string>,
  noise: Omit<NoiseItem, 'session'>[],
): void {
  const fb = FEEDBACK.find((f) => f.j === ctx.j);
  const ins = TASK_INSTRUCTIONS.find((t) => t.j === ctx.j);
  if (!fb && !ins) return;
  const rng = ctx.extra;
  const b = new SessionBuilder(rng, events.at(-1)!.at, 'claude');
  if (fb) {
    const o = fb.offense;
    b.say(fill(o.say, vars));
    const input = Object.fromEntries(Object.entries(o.input).map(([k, v]) => [k, fill(v, vars)]));
    b.call(o.tool, input, fill(o.result, vars));
    b.user(rng.pick(feedbackWordings(fb, ctx.phrasings)));
    b.say(rng.pick(ACKS));
    planted.add(fb.id);
  }
  if (ins) {
    const w = inventWord(rng, ctx.usedWords);
    const id = `noise.coding.instruction.${ctx.index}`;
    b.user(ins.text.replaceAll('{w}', w));
    b.say('Done.');
    noise.push({
      id,
      type: 'instruction',
      domain: 'coding',
      text: ins.text.replaceAll('{w}', w),
      markers: [w],
    });
    planted.add(id);
  }
  events.push(...b.events);
}
