import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATA, describeWithData } from '../../../test/data.js';
import type { SessionEvent } from '../../domain/index.js';
import { loadLocomo } from '../../eval/locomo.js';
import { addressedFeedback, hasAgentTurns, topicTerms } from './addressed.js';
import { extractFeedback } from './feedback.js';
import { gatherSession } from './gather.js';

let seq = 0;
const ev = (type: 'user.message' | 'agent.message', text: string): SessionEvent =>
  ({ type, seq: seq++, timestamp: null, source: { file: 'x.jsonl', line: seq }, text }) as SessionEvent;
const call = (tool: string, input: Record<string, string>): SessionEvent =>
  ({
    type: 'agent.tool_use',
    seq: seq++,
    timestamp: null,
    source: { file: 'x.jsonl', line: seq },
    tool,
    kind: 'shell',
    input,
    call_id: `c${seq}`,
  }) as SessionEvent;
const feedbackOf = (events: SessionEvent[]) =>
  gatherSession(events)
    .feedback.filter((f) => f.cue !== 'follows')
    .map((f) => f.text);

/** Statements of the two-way LoCoMo test still read as feedback (the figure reached: 165 before issue 15, 64, now 53 with "we need to/should" read as this task). */
const MAX_LEFT = 53;

describe('feedback needs an agent being directed and a statement about its work', () => {
  it('a session without agent turns has nobody to correct: no feedback, no stated project facts', () => {
    seq = 0;
    const people = [
      ev('user.message', "Never force-push shared branches, since other people's commits get lost."),
      ev('user.message', 'conversationId is the same as sessionId.'),
    ];
    // the same words are a rule and a fact once an agent is there to hear them
    expect(feedbackOf([ev('agent.message', 'I force-pushed the branch.'), ...people])).toHaveLength(2);
    expect(hasAgentTurns(people)).toBe(false);
    expect(feedbackOf(people)).toEqual([]);
  });

  it('encouragement and advice about the person’s own life said to an agent are not feedback; a rule about its work is', () => {
    seq = 0;
    const events = [
      ev('user.message', 'Add retries to the upload client.'),
      ev('agent.message', 'I added lodash.debounce and a retry loop to the upload client.'),
      call('Bash', { command: 'pnpm add lodash.debounce' }),
      ev('user.message', 'Keep going and never give up!'),
      ev('user.message', "Don't forget to take care of yourself and have some fun too!"),
      ev('user.message', 'Never add a package for a five-line helper; write the helper yourself.'),
    ];
    // the sentence reader alone takes all three for rules: the session's work tells them apart
    for (const t of [
      'Keep going and never give up!',
      "Don't forget to take care of yourself and have some fun too!",
      'Never add a package for a five-line helper.',
    ])
      expect(extractFeedback(t, true).map((f) => f.cue)).toEqual(['rule']);
    expect(feedbackOf(events)).toEqual([
      'Never add a package for a five-line helper; write the helper yourself.',
    ]);
  });

  /** The person's replies after the agent loaded orders one by one in a loop (no word of "lookups" or "batch" in its work). */
  const afterLoop = (...replies: string[]) => {
    seq = 0;
    return feedbackOf([
      ev('user.message', 'List the orders on the account page.'),
      ev('agent.message', 'I load each order inside the loop so the page can build the list.'),
      call('Bash', { command: 'pnpm test' }),
      ...replies.map((r) => ev('user.message', r)),
    ]);
  };

  it('a rule for good about "your" way of working, after the agent acted, is about its work whatever words it uses', () => {
    expect(afterLoop('batch your lookups please, always', 'And remember, I am always here for you.')).toEqual(
      ['batch your lookups please, always'],
    );
  });

  it('an order on "it" right after the agent acted is about its work in any sentence of the statement', () => {
    expect(afterLoop('n+1 lookups again. batch it. always')).toEqual(['n+1 lookups again. batch it. always']);
  });

  it('a correction must answer what the agent just did, unless it names the agent or its work as subject', () => {
    seq = 0;
    const events = [
      ev('agent.message', 'I wrote the migration for the audit table.'),
      ev('user.message', 'Sharing our experiences isn’t always easy.'),
      ev('agent.message', 'I marked the flaky test as skipped to keep CI green.'),
      ev('user.message', 'Skipping the test doesn’t fix the bug.'),
      ev('agent.message', 'I added a cache module with its own config file.'),
      ev('user.message', 'That is overkill, too many moving parts.'),
    ];
    // read alone, the first is a verdict on an action like the second
    expect(extractFeedback('Sharing our experiences isn’t always easy.', true).map((f) => f.cue)).toEqual([
      'correction',
    ]);
    expect(feedbackOf(events)).toEqual([
      'Skipping the test doesn’t fix the bug.',
      'That is overkill, too many moving parts.',
    ]);
  });

  it('excess with its subject left out answers what the agent just made; a form the stemmer cuts differently still meets', () => {
    seq = 0;
    const events = [
      ev('agent.message', 'I added a plugin registry and an event bus for the export option.'),
      ev('user.message', 'way too complicated. keep it small'),
      ev('agent.message', 'I typed the response payload as any so the build passes.'),
      ev('user.message', 'never use any to silence the compiler, fix the types'),
    ];
    expect(feedbackOf(events)).toEqual([
      'way too complicated. keep it small',
      'never use any to silence the compiler, fix the types',
    ]);
    // the same excess before the agent made anything is no correction
    seq = 0;
    expect(feedbackOf([ev('user.message', 'way too complicated.')])).toEqual([]);
  });

  it('a rule in the opening request is part of the task unless it says always/never', () => {
    seq = 0;
    const open = (text: string) => [
      ev('user.message', text),
      ev('agent.message', 'I changed the pre-commit hook so the scan redacts secrets in staged files.'),
      call('Bash', { command: 'git commit -m "hook: redact instead of block"' }),
    ];
    expect(
      feedbackOf(
        open("when the scan finds secrets in staged files don't block the commit, redact them instead"),
      ),
    ).toEqual([]);
    seq = 0;
    expect(
      feedbackOf(open('Never block a commit on the scan; always redact secrets in staged files.')),
    ).toHaveLength(1);
  });

  it('topic words leave out light verbs and general nouns', () => {
    expect(topicTerms('Keep going and never give up!')).toEqual([]);
    expect(topicTerms("Don't create separate documents.").sort()).toEqual(['creat', 'docum']);
  });

  it('keeps stated project facts and the agent’s commitments of a directed session as they are', () => {
    const f = { seq: 1, why: null, context: null, tokens: [] };
    const kept = [
      { ...f, cue: 'project' as const, text: 'conversationId is the same as sessionId.' },
      { ...f, cue: 'follows' as const, text: "I won't force-push." },
    ];
    expect(addressedFeedback([ev('agent.message', 'Done.')], kept)).toEqual(kept);
  });
});

describeWithData('LoCoMo: two friends chatting, no agent', () => {
  it('none of conv-30’s encouragements ("Keep going and never give up!") becomes feedback', async () => {
    const conv = await loadLocomo(join(DATA, 'locomo/conv-30.json'));
    const users = conv.sessions.flatMap((s) => s.events.filter((e) => e.type === 'user.message'));
    // the sentence reader alone finds "rules" in these turns: only the missing agent rules them out
    const read = users.flatMap((e) => ('text' in e ? extractFeedback(e.text, false) : []));
    expect(read.length).toBeGreaterThan(10);
    for (const s of conv.sessions) expect(gatherSession(s.events).feedback, s.external_id).toEqual([]);
  });
});

describeWithData('LoCoMo with one friend’s turns made the agent’s', () => {
  it('encouragement and life advice addressed to the "agent" are not feedback, whichever friend is the agent', async () => {
    const texts: string[] = [];
    let people = 0;
    for (const id of ['26', '30', '41', '42', '43', '44']) {
      const conv = await loadLocomo(join(DATA, `locomo/conv-${id}.json`));
      for (const agent of conv.speakers)
        for (const s of conv.sessions) {
          const events = s.events.map((e) => {
            if (e.type !== 'user.message') return e;
            if (!e.text.startsWith(`${agent}:`)) {
              people++;
              return e;
            }
            return {
              ...e,
              type: 'agent.message',
              text: e.text.slice(agent.length + 1).trim(),
            } as SessionEvent;
          });
          for (const f of gatherSession(events).feedback) if (f.cue !== 'follows') texts.push(f.text);
        }
    }
    expect(people).toBeGreaterThan(2000);
    for (const t of [
      'Keep going and never give up!',
      "Don't give up, buddy!",
      "And remember, I'm always here for you.",
    ])
      expect(
        texts.filter((x) => x.includes(t)),
        t,
      ).toEqual([]);
    expect(texts.length).toBeLessThanOrEqual(MAX_LEFT);
  }, 60_000);
});

describe('a rule said with what the agent did (issue 15, fourth round)', () => {
  it('"You just deleted the cache folder. Ask first next time." is about the agent’s work; encouragement is not', () => {
    seq = 0;
    const events = [
      ev('user.message', 'Clean up the build output.'),
      call('Bash', { command: 'rm -rf .turbo dist' }),
      ev('user.message', 'You just deleted the cache folder. Ask first next time.'),
      ev('agent.message', 'Sorry about that.'),
      ev('user.message', 'You got this. Never give up next time!'),
    ];
    expect(feedbackOf(events)).toEqual(['You just deleted the cache folder. Ask first next time.']);
  });
});

describe('a flag of a command the agent ran (issue 15, fourth round)', () => {
  it('"never run anything with -v without asking" is about the agent’s `docker compose down -v`', () => {
    seq = 0;
    const events = [
      ev('user.message', 'The migrations are confused, sort it out.'),
      call('Bash', { command: 'docker compose down -v' }),
      ev('user.message', 'Please never run anything with -v without asking me.'),
      ev('agent.message', 'Understood.'),
      ev('user.message', 'Never run anything with --privileged without asking me.'),
    ];
    expect(feedbackOf(events)).toEqual(['Please never run anything with -v without asking me.']);
  });
});

describe('a clipped word for a word of the work (issue 15, fourth round)', () => {
  it('"no new deps" meets "dependencies" in the agent’s output; a three-letter word opening nothing there does not', () => {
    seq = 0;
    const events = [
      ev('user.message', 'Add throttling to the retries.'),
      call('Bash', { command: 'pnpm add lodash.throttle' }),
      {
        type: 'agent.tool_result',
        seq: seq++,
        timestamp: null,
        source: { file: 'x.jsonl', line: seq },
        call_id: `c${seq - 1}`,
        content: 'dependencies:\n+ lodash.throttle 4.1.1',
        is_error: false,
      } as SessionEvent,
      ev('user.message', 'Never pull in deps without asking.'),
      ev('agent.message', 'Understood.'),
      ev('user.message', 'Never install gui tools without asking.'),
    ];
    expect(feedbackOf(events)).toEqual(['Never pull in deps without asking.']);
  });
});

describe('"I don\'t need these …" refuses what the agent just made (issue 15, fourth round)', () => {
  it('kept after the agent wrote a file; dropped when the agent only talked or called a non-changing tool', () => {
    seq = 0;
    const write = {
      type: 'agent.tool_use',
      seq: 0,
      timestamp: null,
      source: { file: 'x.jsonl', line: 1 },
      tool: 'Write',
      kind: 'edit',
      input: { file_path: 'NOTES_SUMMARY.md', content: '# Summary' },
      call_id: 'w1',
    } as SessionEvent;
    const refusal = "Thanks, but I don't need these summary files; tell me in the chat.";
    const refusalAfter = (first: SessionEvent[]) => {
      seq = 0;
      return feedbackOf([
        ev('user.message', 'Tidy up the notes.'),
        ...first.map((e) => ({ ...e, seq: seq++ })),
        ev('user.message', refusal),
      ]);
    };
    expect(refusalAfter([ev('agent.message', 'I also wrote a summary file.'), write])).toEqual([refusal]);
    expect(refusalAfter([ev('agent.message', 'I can also write summary files for each change.')])).toEqual(
      [],
    );
    expect(extractFeedback(refusal, true)[0]?.needs_change).toBe(true);
  });
});

describe('an order on "it" right after the agent acted (issue 15, fourth round)', () => {
  it('"batch it. always" after the agent’s loop of queries is about that work; before it acted, it is not', () => {
    seq = 0;
    const events = [
      ev('user.message', 'batch it. always'),
      ev('agent.message', 'I load each order inside the loop.'),
      call('Edit', { file_path: 'src/orders.ts', new_string: 'for (const id of ids) await db.find(id)' }),
      ev('user.message', 'Batch it. Always.'),
    ];
    expect(feedbackOf(events)).toEqual(['Batch it. Always.']);
  });
});

// Wordings written for this test.
describe('a rule on the language the agent answers in (s29)', () => {
  /** The person's `rule` after the agent reported and ran a firmware build. */
  const afterBuild = (rule: string) => {
    seq = 0;
    return feedbackOf([
      ev('user.message', 'Check why the nightly build is red.'),
      ev('agent.message', 'The linker fails on the ARM target; I fixed the flag.'),
      call('Bash', { command: 'make -C firmware' }),
      ev('user.message', rule),
      ev('agent.message', 'OK.'),
    ]);
  };

  it('concerns the work whatever the tool calls name, in English and in other languages', () => {
    for (const rule of [
      'From now on, reply to me in German, but keep code comments as they are.',
      '以后请用简体中文回答我',
      '今後は日本語で答えてください',
      // (s30: Russian and Polish, written for this test)
      'всегда отвечай мне по-русски, пожалуйста',
      'zawsze odpowiadaj mi po polsku',
    ])
      expect(afterBuild(rule), rule).toEqual([rule]);
    // in another language a rule carries its cue of generality (the foreign reader needs one), so it is
    // kept in the opening request too
    seq = 0;
    const opening = [
      ev('user.message', '以后请用简体中文回答我'),
      ev('agent.message', '好的。'),
      call('Bash', { command: 'make -C firmware' }),
    ];
    expect(feedbackOf(opening)).toEqual(['以后请用简体中文回答我']);
    // a rule naming nothing of the work and no language of the replies is still left out
    expect(afterBuild('From now on, water the plants every morning.')).toEqual([]);
  });
});
