import { describe, expect, it } from 'vitest';
import { editThenReply, personStatements } from '../test-helpers.js';
import { DICTATED_MIN_WORDS, dictated } from './dictated.js';

/** A session: the task, an edit by the agent and its report, then the person's message. */
function read(text: string) {
  const events = editThenReply({
    task: 'Fix the totals of the monthly report.',
    file: 'src/report/totals.ts',
    code: 'export const totals = sum(months);',
    agent: 'I changed how the monthly totals are summed in the report.',
    person: text,
  });
  return personStatements(events);
}

/** The same rule typed in a short message, and inside a long run-on turn as speech-to-text writes it. */
const RULE = 'The export must always use the same numbers as the report page';
const TYPED = `ok the totals look right now. ${RULE}.`;
const SPOKEN =
  'So I was looking at the report page and the totals look wrong for the older months. ' +
  `${RULE} and the device copy has to follow the server copy but only if the server has a newer date otherwise ` +
  'keep what the device sent and then recompute everything from that month forward help me think through all the cases';

describe('dictated', () => {
  it('knows a long message with few sentence ends from a typed one, and leaves short ones alone', () => {
    expect(dictated(SPOKEN)).toBe(true);
    expect(dictated(TYPED)).toBe(false);
    const short = Array.from({ length: DICTATED_MIN_WORDS - 1 }, () => 'word').join(' ');
    expect(dictated(short)).toBe(false);
    // line breaks end sentences too: a list is not speech
    expect(dictated(SPOKEN.replace(/ and /g, '\n'))).toBe(false);
  });
});

describe('gather: a dictated turn', () => {
  it('reads no rule from its fragments, though the same rule typed with its stops is read', () => {
    expect(read(TYPED).some((t) => /same numbers/i.test(t))).toBe(true);
    expect(read(SPOKEN)).toEqual([]);
  });

  it('keeps a fragment that says it holds for good', () => {
    const out = read(
      SPOKEN.replace(RULE, 'From now on the export must use the same numbers as the report page'),
    );
    expect(out.some((t) => /From now on the export/.test(t))).toBe(true);
  });

  it('keeps a rule in another language, which the foreign reader reads only with a cue of generality (s30)', () => {
    // written for this test: a Portuguese run-on turn (blind batch 11 showed the shape)
    const pt =
      'nao use mocks nos totals do report, configure os testes de modo que sempre rodem com dados reais de cada mes, tirando prints ou fazendo o que for necessario, deve haver uma fase de QA com dados de cada filial - ja tentei com mocks e so funcionava para os testes';
    expect(dictated(pt)).toBe(true);
    expect(read(pt)).toEqual([pt]);
  });
});
