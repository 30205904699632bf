import { describe, expect, it } from 'vitest';
import { editThenReply, personStatements } from '../test-helpers.js';
import { answerForm, asksPerson, saysForGood } from './answers.js';

/** A session: the task, an edit by the agent, then the agent's message and the person's reply. */
function reply(agent: string, text: string) {
  const events = editThenReply({
    task: 'Add an export endpoint for invoices.',
    file: 'src/api/export.ts',
    code: 'export const invoices = () => csv(rows);',
    agent: agent,
    person: text,
  });
  return personStatements(events);
}

const ASKS =
  'I added the export endpoint for invoices. Two questions:\n1. Should the file be CSV or JSON?\n2. Should I keep the old report route?';
const TELLS = 'I added the export endpoint for invoices and the report route.';

describe('asksPerson', () => {
  it('reads a question anywhere in the message, or labelled options, never a `?` in code', () => {
    expect(asksPerson('Should I migrate the old rows too? Meanwhile I will update the schema.')).toBe(true);
    expect(
      asksPerson('Two ways:\n**Option A** – a cron job\n**Option B** – a queue worker\nTell me which.'),
    ).toBe(true);
    expect(
      asksPerson(
        'Three ways to cache it:\n1. in memory\n2. in redis\n3. on disk\nLet me know which you want.',
      ),
    ).toBe(true);
    expect(asksPerson('Done: `a ? b : c` reads better now, see https://example.test/x?y=1')).toBe(false);
    expect(asksPerson('Done. Let me know if anything else comes up.')).toBe(false);
    expect(asksPerson('Fixed:\n```js\nconst v = ok ? 1 : 2;\n```')).toBe(false);
  });
});

describe('answerForm', () => {
  it('knows numbered answers, option picks, yes/no and "go with"', () => {
    for (const t of [
      '1 as a new tab, 2 yes same model, 3 both',
      '1. JSON\n2. keep it',
      'Q1: JSON. Q2: keep it',
      'name it billing, and option 2 sounds right for the cache',
      'option 2',
      'the second one.',
      'go with the queue worker, and name it billing',
      "let's go with B",
      'Yes, keep the route',
      'nope',
    ])
      expect(answerForm(t), t).toBe(true);
  });

  it('does not take an order or a correction for an answer', () => {
    for (const t of [
      "don't create separate files, put it into the existing module",
      'track it in the same file as before, just extend the schema',
      'first run the tests, then push',
      'a new approach is needed here',
    ])
      expect(answerForm(t), t).toBe(false);
  });
});

describe('saysForGood', () => {
  it('needs an explicit cue of generality; "never" inside a report is none', () => {
    expect(saysForGood('Yes, and from now on squash the commits')).toBe(true);
    expect(saysForGood('Use the helper, and never write totals as strings')).toBe(true);
    expect(saysForGood('nope it never worked')).toBe(false);
    expect(saysForGood('keep the old route for now')).toBe(false);
    // "ever" closing the sentence after a dash or comma (batch 14, inside a numbered reply)
    expect(saysForGood("Please don't just agree with me - ever.")).toBe(true);
    expect(saysForGood('did it ever work')).toBe(false);
  });
});

describe('gather: an answer to the agent’s question states no standing rule', () => {
  it('reads no rule from numbered answers, an option pick or a "yes, …" reply, which it reads after a plain report', () => {
    const pick =
      'Go with the second. Use camelCase keys and put the date in the file name so the files sort by day when listed.';
    const yes =
      "Yes, keep the report route. Don't add new dependencies for the export, use the csv helper we already have in the utils folder for this.";
    for (const text of [pick, yes]) {
      expect(reply(ASKS, text), text).toEqual([]);
      expect(reply(TELLS, text).length, text).toBeGreaterThan(0);
    }
    expect(
      reply(
        ASKS,
        '1. JSON, and use camelCase keys for the fields 2. yes, keep the old route but mark it deprecated',
      ),
    ).toEqual([]);
  });

  it('keeps a sentence of the answer that says it holds for good', () => {
    const out = reply(ASKS, 'Go with the second, and never write the totals as strings.');
    expect(out.some((t) => /never write the totals/.test(t))).toBe(true);
  });

  it('keeps a correction that answers no question in form, even after one', () => {
    const out = reply(
      ASKS,
      "don't create separate files for the export, put it into the existing invoices module",
    );
    expect(out.some((t) => /separate files/.test(t))).toBe(true);
  });
});
