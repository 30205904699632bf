import { describe, expect, it } from 'vitest';
import type { SessionEvent } from '../../domain/index.js';
import { AgentWords, quotedRanges, withoutEchoes } from './echoed.js';
import { gatherSession } from './gather.js';

const src = { file: 'hand-made' };
function session(turns: (['user' | 'agent', string] | ['write', string])[]): SessionEvent[] {
  let seq = 0;
  const out: SessionEvent[] = [];
  for (const [who, text] of turns) {
    const base = { seq: seq++, timestamp: null, source: src };
    if (who === 'user') out.push({ type: 'user.message', text, ...base });
    else if (who === 'agent') out.push({ type: 'agent.message', text, ...base });
    else {
      out.push({
        type: 'agent.tool_use',
        tool: 'Write',
        kind: 'edit',
        input: { file_path: 'docs/notice.md', content: text },
        call_id: `w${seq}`,
        ...base,
      });
      out.push({
        type: 'agent.tool_result',
        call_id: `w${base.seq}`,
        tool: 'Write',
        content: 'ok',
        is_error: false,
        seq: seq++,
        timestamp: null,
        source: src,
      });
    }
  }
  return out;
}
const said = (events: SessionEvent[]) => {
  const d = gatherSession(events);
  return [
    ...d.feedback.filter((f) => f.cue !== 'follows').map((f) => f.text),
    ...d.statements.map((s) => s.text),
  ];
};

describe('quotedRanges', () => {
  it('finds quotations of four words or more, never a short name or an apostrophe', () => {
    const t = `Use the "nightly sync" job. It says "always rebuild the cache before a deploy." Don't ask.`;
    const r = quotedRanges(t);
    expect(r.map(([a, b]) => t.slice(a, b))).toEqual(['"always rebuild the cache before a deploy."']);
    expect(quotedRanges("it's the team's call, isn't it")).toEqual([]);
    // single quotes: an apostrophe inside ("don't") does not close the quotation
    const single =
      "Your note says 'don't retry the payment more than twice. It is safe.' Never retry payments.";
    expect(quotedRanges(single).map(([a, b]) => single.slice(a, b))).toEqual([
      "'don't retry the payment more than twice. It is safe.'",
    ]);
  });

  it('leaves a phrase quoted as an example, unless it is long or repeats the agent', () => {
    const example = "Don't leave notes like 'TODO: fix this later please' in the code.";
    expect(quotedRanges(example)).toEqual([]);
    expect(withoutEchoes(example, new AgentWords([]))).toBe(example);
    const agent = new AgentWords(['I left a note: TODO fix this later please, then pushed.']);
    expect(quotedRanges(example, agent)).toHaveLength(1);
    // the sentence is kept when what is left of it is a rule of its own
    expect(withoutEchoes(example, agent).trim()).toBe('');
    expect(withoutEchoes(example, agent, (frame) => frame === "Don't leave notes like … in the code.")).toBe(
      example,
    );
  });
});

describe('withoutEchoes', () => {
  it('blanks a sentence that lies inside a quotation and keeps the person’s sentence after it', () => {
    const t =
      'The handbook line reads "Never merge on Fridays without two approvals." Always squash merges though.';
    const out = withoutEchoes(t, new AgentWords([]));
    expect(out).toHaveLength(t.length);
    expect(out).not.toContain('Never merge');
    expect(out).toContain('Always squash merges though.');
  });

  it('blanks a sentence repeating six words in a row of the agent’s message, or most of its words in order', () => {
    const agent = new AgentWords([
      'I drafted the banner. It reads: please always restart the billing worker after each schema change.',
    ]);
    expect(
      withoutEchoes(
        'please always restart the billing worker after each schema change?? where did that come from',
        agent,
      ).trim(),
    ).toBe('where did that come from');
    // most content words of one agent sentence, in its order, though not six in a row
    expect(withoutEchoes('Always restart billing worker after every schema change', agent).trim()).toBe('');
    // the person's own rule shares a few words only
    const own = 'Never restart anything in production without asking me.';
    expect(withoutEchoes(own, agent)).toBe(own);
  });
});

describe('gather: quoted and echoed text is not the person’s rule', () => {
  it('reads no rule from the agent’s draft copy quoted back, but keeps the person’s own sentence', () => {
    const events = session([
      ['user', 'Write the maintenance notice for the status page.'],
      [
        'agent',
        'Here is a draft: "Never use the old dashboard during the migration window. Always log in through the new portal."',
      ],
      [
        'user',
        'You wrote "Never use the old dashboard during the migration window." That is too stiff. Never use exclamation marks in notices.',
      ],
    ]);
    const out = said(events);
    expect(out.some((t) => /old dashboard/.test(t))).toBe(false);
    expect(out.some((t) => /exclamation marks/.test(t))).toBe(true);
  });

  it('reads no rule from a sentence of the text the agent just wrote into a file, repeated by the person', () => {
    const events = session([
      ['user', 'Add a contributing guide.'],
      ['write', '# Contributing\n\nAlways run the formatter before opening a pull request.\n'],
      ['agent', 'Added the guide.'],
      [
        'user',
        'Always run the formatter before opening a pull request. Where did that line come from. Never add emoji to docs.',
      ],
    ]);
    const out = said(events);
    expect(out.some((t) => /formatter/.test(t))).toBe(false);
    expect(out.some((t) => /emoji/.test(t))).toBe(true);
  });

  it('keeps a correction that quotes what the agent wrote as its example, not a bare quotation of it', () => {
    const wrote = (reply: string) =>
      said(
        session([
          ['user', 'Fix the rounding of the cents.'],
          [
            'write',
            '// FIXED: rounding bug squashed here (was floor)\nconst cents = Math.round(amount * 100);',
          ],
          ['agent', 'Fixed the rounding.'],
          ['user', reply],
        ]),
      );
    expect(
      wrote("Never leave comments like '// FIXED: rounding bug squashed here' in the code.").some((t) =>
        /Never leave comments/.test(t),
      ),
    ).toBe(true);
    expect(wrote("You wrote 'FIXED: rounding bug squashed here (was floor)'.")).toEqual([]);
  });

  it('keeps a correction that turns the agent’s own words around (a negation, "please" of its own)', () => {
    const events = session([
      ['user', 'Add tests for the invoice renderer.'],
      ['agent', 'I put the new tests in a top-level tests/ directory.'],
      ['user', 'we colocate tests here, no top-level tests directory please'],
    ]);
    expect(said(events).some((t) => /top-level tests directory/.test(t))).toBe(true);
  });

  it('still reads the same rule when the agent never said it', () => {
    const events = session([
      ['user', 'Add a contributing guide.'],
      ['write', '# Contributing\n\nOpen an issue first.\n'],
      ['agent', 'Added the guide.'],
      ['user', 'Always run the formatter before opening a pull request.'],
    ]);
    expect(said(events).some((t) => /formatter/.test(t))).toBe(true);
  });
});
