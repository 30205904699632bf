import { describe, expect, it } from 'vitest';
import { CLAUDE_CODE, DATA, describeWithData } from '../../../test/data.js';
import type { SessionEvent } from '../../domain/index.js';
import { allCorpusLabels } from '../../eval/labels/schema.js';
import { runEval } from '../../eval/runner.js';
import { Reverie } from '../../service/reverie.js';
import { openSqliteStorage } from '../../storage/index.js';
import { extractFeedback, retractedTopic, takesBack } from './feedback.js';
import { mineFeedback } from './feedback-mining.js';
import { gatherSession } from './gather.js';
import type { GatheredSession } from './plan.js';

const said = (text: string, afterAgent = true) =>
  extractFeedback(text, afterAgent).map((f) => [f.cue, f.text]);

describe('extractFeedback', () => {
  it('finds rules with a cue of generality, negated imperatives and obligations, with the reason', () => {
    expect(said('Never push straight to the release branch, because the deploy bot watches it.')).toEqual([
      ['rule', 'Never push straight to the release branch, because the deploy bot watches it.'],
    ]);
    expect(
      extractFeedback(
        'Never push straight to the release branch, because the deploy bot watches it.',
        true,
      )[0]!.why,
    ).toBe('because the deploy bot watches it.');
    expect(said('From now on, write the changelog entry before you open a pull request.')).toHaveLength(1);
    expect(said("Please don't reformat files you didn't touch.")).toEqual([
      ['rule', "Please don't reformat files you didn't touch."],
    ]);
    expect(said('You should run the linter before saying a task is finished.')).toHaveLength(1);
    // an evaluative sentence beside a rule is its reason
    const r = extractFeedback(
      'Keep the public API unchanged in general. Stability matters more than elegance here.',
      false,
    );
    expect(r.map((f) => f.cue)).toEqual(['rule']);
    expect(r[0]!.why).toBe('Stability matters more than elegance here.');
  });

  it('finds corrections of what the agent just did, including objecting questions, only after it acted', () => {
    expect(said('That is wrong, the config lives in the home folder.')[0]?.[0]).toBe('correction');
    // a question about what was done states no rule: nothing a later session could apply
    expect(said('Why did you rewrite the whole module?')).toEqual([]);
    expect(said('This is far too verbose.')[0]?.[0]).toBe('correction');
    expect(said('That is wrong, the config lives in the home folder.', false)).toEqual([]);
  });

  it('reads a statement in another language with the foreign reader, not with English cue words', () => {
    // written for this test: "never" as an order is a rule in Spanish and French too (foreign-feedback.ts)
    expect(said('Nunca hagas push directo a la rama principal sin correr las pruebas.')).toEqual([
      ['rule', 'Nunca hagas push directo a la rama principal sin correr las pruebas.'],
    ]);
    expect(said('Ne pousse jamais directement sur la branche principale sans lancer les tests.')).toEqual([
      ['rule', 'Ne pousse jamais directement sur la branche principale sans lancer les tests.'],
    ]);
    // "No …" opens it, as an English prohibition would; in Spanish, without a cue that it holds beyond
    // this task, it is this task's instruction
    expect(said('No agregues comentarios innecesarios al código por favor.')).toEqual([]);
    expect(said('Never push straight to main without running the tests.')).toHaveLength(1);
  });

  it('leaves out task instructions, the speaker’s own case, questions for information and thanks', () => {
    for (const t of [
      'Rename the helper to parse_header.',
      'Open the settings page and click save.',
      'Bump the version in package.json to 2.3.1.',
      'I need a refund for my last order.',
      'Never charge my second card.',
      'Could you show me the failing test output?',
      'Thanks, that looks great!',
      'Sounds good, go ahead.',
      // one case's identifiers (an order id, an e-mail address) make a sentence about that case
      'Order W6134346, item never worked.',
      'Always send the receipt to dana.k@example.org from now on.',
    ])
      expect(said(t), t).toEqual([]);
  });

  it('a purpose the person will act on ("so that I can …") is a task’s goal, not a reason for a rule', () => {
    for (const t of [
      'Now wire the worker into the API so that I can start both with one command.',
      'Merge the two config files so that I could edit them in one place.',
      'Add a flag to the exporter so that I can run it against staging.',
    ])
      expect(said(t), t).toEqual([]);
    // a reason about others, or a rule with a cue of generality, stays a rule
    expect(said('Version the payload so that old clients keep working.')).toHaveLength(1);
    expect(said('Always tag the release so that I can find it later.')).toHaveLength(1);
  });

  it('reads a verbless prohibition ("No force pushes.") as a rule, never a pleasantry', () => {
    expect(said('No force pushes.')).toEqual([['rule', 'No force pushes.']]);
    expect(said('No more mocks in the integration tests, please.')).toHaveLength(1);
    for (const t of ['No big deal.', 'No problem, thanks!', 'No worries at all.', 'No, it is fine.'])
      expect(said(t), t).toEqual([]);
    // only as an answer to what the agent did, or with a cue of generality
    expect(said('No force pushes.', false)).toEqual([]);
  });

  it('completes a correction with the need that follows it and keeps every reason, in order', () => {
    const [f, ...rest] = extractFeedback(
      "That's a bad idea, since the whole table gets copied on every run. Memory is tight. There is a need to copy only the rows changed since the last run.",
      true,
    );
    expect(rest).toEqual([]);
    expect(f!.cue).toBe('correction');
    expect(f!.text).toContain('There is a need to copy only the rows changed since the last run.');
    expect(f!.why).toBe('since the whole table gets copied on every run. Memory is tight.');
  });

  it('objecting questions with a negated auxiliary; statements about something are not imperatives', () => {
    expect(said("Why won't you use the existing retry helper?")[0]?.[0]).toBe('correction');
    expect(said("Why didn't you reuse the parser we already have?")).toEqual([]);
    expect(said('Why not just reuse the existing parser?')).toEqual([]);
    // "X is always Y" states a fact about X; "sign-off" is a compound, not the verb "sign"
    expect(said("Also sign-off for release notes is always 'The Platform Team' here.", false)).toEqual([]);
  });

  it('a condition about any case makes an imperative a rule; the speaker’s own case or a request to be shown does not', () => {
    expect(said('If a migration fails, roll it back before you retry.', false)).toHaveLength(1);
    expect(said('Check with me before renaming any public endpoint.', false)).toHaveLength(1);
    expect(said('When you are done, run the linter.', false)).toEqual([]);
    expect(said("Let me know if there's anything else I need to sign.", false)).toEqual([]);
    expect(said('Show me the schema of the audit table before you change anything else.', false)).toEqual([]);
  });

  it('what "we" always or never do, objecting questions, sarcasm and verdicts on what the agent made', () => {
    expect(said('We never merge without a green pipeline.', false)).toHaveLength(1);
    expect(said("We don't vendor third-party code into the repo.", false)).toHaveLength(1);
    expect(said("We don't know why the job hangs yet.", false)).toEqual([]);
    expect(said('Did you really just delete the migration history?')[0]?.[0]).toBe('correction');
    expect(said("Shouldn't you have asked before dropping the column?")[0]?.[0]).toBe('correction');
    expect(said('Did you run the migrations?')).toEqual([]);
    expect(said('Lovely, another wrapper class around the logger.')[0]?.[0]).toBe('correction');
    expect(said('Great, a green build!')).toEqual([]);
    expect(said('Nobody reads generated changelogs in this team.')[0]?.[0]).toBe('correction');
    expect(said('Fix the import order next time.', false)).toHaveLength(1);
  });

  it('verdicts on a gerund, passive and rhetorical questions, tag questions, elliptic disbelief and bare don’ts', () => {
    const cue = (t: string) => said(t)[0]?.[0];
    expect(cue('Vendoring the whole SDK is not a fix.')).toBe('correction');
    expect(cue("Mocking the clock doesn't test anything.")).toBe('correction');
    expect(cue('Adding a service for this is overkill.')).toBe('correction');
    expect(said('Adding tests is always welcome.', false)).toEqual([]);
    expect(said('Why is the migration squashed?')).toEqual([]);
    expect(said('Why is the build slow?')).toEqual([]);
    expect(cue('Did anyone ask for a changelog entry?')).toBe('correction');
    expect(cue('Was it really necessary to vendor the SDK?')).toBe('correction');
    expect(cue('Since when do we commit build output?')).toBe('correction');
    expect(cue("That's not how we name branches here.")).toBe('correction');
    expect(said('You know we never commit build output, right?', false)).toHaveLength(1);
    expect(said("You didn't need to regenerate the lockfile.")).toHaveLength(1);
    expect(said('An entire ORM for two queries? Seriously?')).toEqual([
      ['correction', 'An entire ORM for two queries? Seriously?'],
    ]);
    expect(said("Thanks for the extra wrapper module, I guess. Please don't.")).toEqual([
      ['correction', "Thanks for the extra wrapper module, I guess. Please don't."],
    ]);
    // disbelief after nothing the agent did, or after a sentence with nothing in it, is no correction
    expect(said('An entire ORM for two queries? Seriously?', false)).toEqual([]);
    expect(said('Ok. Really?')).toEqual([]);
  });

  it('a sentence naming a code identifier to act on is a task instruction, unless general', () => {
    expect(said("Don't add notes, there is a need to track the build_uid there.")).toEqual([]);
    expect(said("Don't touch retryCount in this change.")).toEqual([]);
    expect(said('Never rename public fields like retryCount, since clients read them.')).toHaveLength(1);
    // a call, an environment variable and a class name are code identifiers too
    expect(said("Don't use alert(), just log it.")).toEqual([]);
    expect(said("Don't read DEPLOY_TARGET there, pass it in.")).toEqual([]);
    expect(said("Don't use StaleCacheProvider here, use the plain one.")).toEqual([]);
    expect(said('Never call alert() in library code, always return an error instead.')).toHaveLength(1);
  });

  it('recognises a take-back', () => {
    expect(takesBack('Never mind, the old name was fine.')).toBe(true);
    expect(takesBack('Actually, scratch that.')).toBe(true);
    expect(takesBack('Mind the trailing slash.')).toBe(false);
  });
});

let seq = 0;
const ev = (type: 'user.message' | 'agent.message', text: string): SessionEvent => ({
  type,
  seq: seq++,
  timestamp: null,
  source: { file: 'x.jsonl', line: seq },
  text,
});

function session(
  id: string,
  events: SessionEvent[],
  subagent = false,
  time = '2026-11-01T00:00:00Z',
): GatheredSession {
  return {
    id,
    agent_id: 'coder',
    user_id: null,
    content_sha256: id,
    outcome: 'unknown',
    family: null,
    subagent,
    time,
    digest: gatherSession(events),
  };
}

describe('feedback in gather and across sessions', () => {
  it('keeps the context of a correction and drops feedback the person takes back', () => {
    seq = 0;
    const d = gatherSession([
      ev('user.message', 'Add caching to the lookup.'),
      ev('agent.message', '## Plan\nI will add a new cache module with its own config file.'),
      ev('user.message', 'That is overkill, too many moving parts.'),
      ev('agent.message', 'Understood.'),
      ev('user.message', "Don't add new config files for small features."),
      ev('agent.message', 'Noted.'),
      ev('user.message', 'Never mind, a config file is fine here.'),
    ]);
    // the agent's "I will add …" is kept as a commitment (cue follows), never as feedback
    expect(d.feedback.filter((f) => f.cue !== 'follows').map((f) => [f.cue, f.text])).toEqual([
      ['correction', 'That is overkill, too many moving parts.'],
    ]);
    expect(d.feedback.find((f) => f.cue === 'correction')!.context).toBe(
      'I will add a new cache module with its own config file.',
    );
  });

  it('a first sentence too short to say what the agent did gives way to its whole line as the context', () => {
    seq = 0;
    const d = gatherSession([
      ev('user.message', 'Fix the rounding.'),
      ev('agent.message', 'Done. It was a one-line change, so I did not run the linter.'),
      ev('user.message', 'Always run the linter before you say a change is done.'),
    ]);
    expect(d.feedback.find((f) => f.cue === 'rule')!.context).toBe(
      'Done. It was a one-line change, so I did not run the linter.',
    );
  });

  it('the call the agent made after its words is named with the context, and in How to apply', () => {
    seq = 0;
    const events = [
      ev('user.message', 'Make CI green.'),
      ev('agent.message', 'The remaining failure is flaky, so I marked it as skipped.'),
      {
        type: 'agent.tool_use',
        seq: seq++,
        timestamp: null,
        source: { file: 'x.jsonl', line: seq },
        tool: 'Edit',
        kind: 'edit',
        input: { file_path: 'src/money/round.test.ts', old_string: 'it(', new_string: 'it.skip(' },
        call_id: 'e1',
      } as SessionEvent,
      ev('user.message', 'Skipping is not fixing. Never do that again.'),
    ];
    const f = gatherSession(events).feedback.find((x) => x.cue === 'correction' || x.cue === 'rule')!;
    expect(f.context_call).toBe('Edit `src/money/round.test.ts`');
    const { memories } = mineFeedback([session('sesn_call', events)]);
    expect(memories[0]!.body).toContain(
      'said: “The remaining failure is flaky, so I marked it as skipped.” and called Edit `src/money/round.test.ts`',
    );
  });

  it('a take-back later in the session removes the feedback it names, even with the agent’s reply between', () => {
    seq = 0;
    const d = gatherSession([
      ev('agent.message', 'I wrapped the logger in a new class and committed the generated files.'),
      ev('user.message', "Don't wrap the logger in new classes, since it hides the call site."),
      ev('agent.message', "Understood, I won't wrap the logger again."),
      ev('user.message', 'Never commit generated files.'),
      ev('agent.message', 'Noted.'),
      ev('user.message', 'Actually, forget what I said about wrapping the logger, the wrapper is fine.'),
      ev('agent.message', 'Ok.'),
      ev('user.message', 'Stop adding comments to every line.'),
      ev('agent.message', "Sure, I won't add comments to every line."),
      ev('user.message', 'Never mind, scratch that.'),
    ]);
    expect(d.feedback.filter((f) => f.cue !== 'follows').map((f) => f.text)).toEqual([
      'Never commit generated files.',
    ]);
    expect(retractedTopic('Never mind the logger wrapper comment.')).toEqual(['logger', 'wrapper']);
    expect(retractedTopic('Never mind, scratch that.')).toEqual([]);
  });

  it('a correction the person takes back later, after the agent explains, is not memory', () => {
    const corrected = (takeBack: string | null) => {
      seq = 0;
      const events = [
        ev('user.message', 'The rounding test keeps failing, please look at it.'),
        ev(
          'agent.message',
          'The test is flaky upstream, so I marked it as skipped with a link to the issue.',
        ),
        ev('user.message', 'Why did you skip the test instead of fixing the rounding?'),
        ev(
          'agent.message',
          'The failure comes from the upstream currency service timing out, not from our rounding.',
        ),
        ...(takeBack ? [ev('user.message', takeBack)] : []),
      ];
      return mineFeedback([session('sesn_tb', events)]).memories.map((m) => m.kind);
    };
    expect(corrected(null)).toEqual(['feedback']);
    expect(corrected('Never mind, leave it skipped.')).toEqual([]);
    expect(corrected('Ah, you were right, leave it skipped until upstream fixes it.')).toEqual([]);
    expect(corrected('My bad, that skip is fine.')).toEqual([]);
    // a later message that takes back nothing leaves it
    expect(corrected('Thanks for checking the service.')).toEqual(['feedback']);
  });

  it('one memory per rule, reinforced by a paraphrase in another session; never from a subagent', () => {
    seq = 0;
    const a = session('sesn_a', [
      ev('agent.message', 'Done, committed.'),
      ev('user.message', 'Always run the unit tests before you commit.'),
    ]);
    const b = session('sesn_b', [
      ev('agent.message', 'Committed.'),
      ev('user.message', 'Please always run unit tests before every commit.'),
    ]);
    const sub = session(
      'sesn_sub',
      [ev('user.message', 'Never edit the generated files in this repo.')],
      true,
    );
    const { memories } = mineFeedback([a, b, sub]);
    expect(memories).toHaveLength(1);
    expect(memories[0]).toMatchObject({
      kind: 'feedback',
      support: { sessions: 2, agents: 1 },
      confidence: 0.7,
    });
    expect(memories[0]!.body).toContain('**Why:**');
    expect(memories[0]!.body).toContain('**How to apply:**');
    expect(memories[0]!.evidence.map((e) => e.session_id)).toEqual(['sesn_a', 'sesn_b']);
    // a statement a preference memory already cites is left to it
    expect(mineFeedback([a], new Set([`sesn_a#${a.digest.feedback[0]!.seq}`])).memories).toEqual([]);
  });
});

describe('feedback reinforced when a later session follows it', () => {
  it('the agent of a later session saying it keeps the rule adds support, evidence and confidence; breaking it or saying it earlier does not', () => {
    seq = 0;
    const said = session(
      'sesn_rule',
      [
        ev('agent.message', 'The push was rejected, so I force-pushed the branch.'),
        ev('user.message', 'Never force-push shared branches, because other people lose their commits.'),
      ],
      false,
      '2026-11-02T00:00:00Z',
    );
    const follows = session(
      'sesn_follows',
      [
        ev(
          'agent.message',
          "The push was rejected. I won't force-push the shared branch; I'll rebase instead.",
        ),
      ],
      false,
      '2026-11-03T00:00:00Z',
    );
    const breaks = session(
      'sesn_breaks',
      [ev('agent.message', "I'll force-push the shared branch to clean up the history.")],
      false,
      '2026-11-04T00:00:00Z',
    );
    const before = session(
      'sesn_before',
      [ev('agent.message', "I won't force-push the shared branch, rebasing instead.")],
      false,
      '2026-11-01T00:00:00Z',
    );
    expect(follows.digest.feedback.map((f) => f.cue)).toEqual(['follows']);
    const alone = mineFeedback([said]).memories[0]!;
    expect(alone).toMatchObject({ support: { sessions: 1 }, confidence: 0.6 });
    const [m, ...rest] = mineFeedback([said, follows, breaks, before]).memories;
    expect(rest).toEqual([]);
    expect(m).toMatchObject({ support: { sessions: 2 }, confidence: 0.7 });
    expect(m!.evidence.map((e) => [e.session_id, e.source])).toEqual([
      ['sesn_rule', 'user.message'],
      ['sesn_follows', 'agent.message'],
    ]);
    expect(m!.body).toContain('the agent followed it in 1 later session');
  });
});

describeWithData('feedback on real Claude Code sessions', () => {
  it('on the labelled Claude Code sessions every feedback memory is correct and every feedback label found', async () => {
    const labels = allCorpusLabels().find((l) => l.corpus === 'claude-code')!;
    const r = await runEval('real', { corpora: [labels], dataDir: DATA });
    const cc = r.real!.corpora[0]!;
    const feedback = cc.proposals.filter((p) => p.kind === 'feedback');
    expect(feedback.filter((p) => p.verdict !== 'correct').map((p) => [p.path, p.verdict])).toEqual([]);
    const wanted = labels.patterns.filter((l) => l.kind === 'feedback' && l.required).map((l) => l.id);
    expect(wanted.filter((id) => !cc.found.includes(id))).toEqual([]);
  }, 60_000);

  it('each feedback memory quotes a person’s message in a main session, from one session at confidence 0.6', async () => {
    const svc = new Reverie({ storage: await openSqliteStorage(':memory:') });
    const imported = await svc.importSessions([CLAUDE_CODE, `${DATA}/formats/claude-code-projects`]);
    const store = await svc.createStore({ name: 'cc' });
    const dream = await svc.dream({ memory_store_id: store.id, session_ids: imported.session_ids });
    const changes = (await svc.listChanges(dream.id)).filter((c) => c.kind === 'feedback');
    expect(changes.length).toBeGreaterThan(0);
    for (const c of changes) {
      expect(c.path.startsWith('/feedback/')).toBe(true);
      expect(c.after).toMatch(/\*\*Why:\*\*[\s\S]*\*\*How to apply:\*\*/);
      for (const e of c.evidence) {
        const s = await svc.getSession(e.session_id);
        expect(s.parent_session_id).toBeNull();
        const event = (await svc.getEvents(e.session_id))[e.seq_from]!;
        expect(event.type).toBe('user.message');
        expect((event as { text: string }).text).toContain(e.quote.slice(0, 40));
      }
      if (c.support.sessions === 1) expect(c.confidence).toBe(0.6);
    }
    await svc.close();
  });
});

describe('structures of feedback beyond the planted wordings (issue 15, item 2)', () => {
  const cue = (t: string, afterAgent = true) => said(t, afterAgent).map(([c]) => c);

  it('a scope, a norm about a kind, a denial about a kind', () => {
    expect(cue('On release branches, never amend published commits.', false)).toEqual(['rule']);
    expect(cue('For every change, update the changelog in the same commit.', false)).toEqual(['rule']);
    expect(cue('Migrations ship in their own pull request, not inside feature changes.', false)).toEqual([
      'rule',
    ]);
    expect(cue('Fixtures stay small in this repo.', false)).toEqual(['rule']);
    expect(cue('Integration tests need a real queue, since the mock hides ordering bugs.', false)).toEqual([
      'rule',
    ]);
    expect(cue('A passing linter is not a reviewed change.')).toEqual(['correction']);
    // a report of a state, not a kind
    expect(cue('Prices go up in June.', false)).toEqual([]);
  });

  it('sarcasm in either order, doubt of an action, what the agent may not do', () => {
    expect(cue('Wow, rewriting the whole parser.')).toEqual(['correction']);
    expect(cue('Nice, you just deleted the lockfile.')).toEqual(['correction']);
    expect(cue('A new helper class for one line, lovely.')).toEqual(['correction']);
    expect(cue('Is vendoring the whole SDK really necessary?')).toEqual(['correction']);
    expect(cue('Is there really no way you can escalate this for me?')).toEqual([]);
    expect(cue("You can't just delete a migration because it failed.")).toEqual(['rule']);
    expect(cue("You don't get to change public APIs without a deprecation.")).toEqual(['rule']);
    expect(cue("There's no need for a wrapper class; call the client directly.")).toEqual(['rule']);
    expect(cue('Vendoring dependencies is off the table, because audits take weeks.')).toEqual([
      'correction',
    ]);
  });

  it('rhetorical questions, what a kind may not be, what an action needs, a practice replaced', () => {
    expect(said('Why do we need a queue for three messages?')).toEqual([]);
    expect(cue('How is mocking the database a test?')).toEqual(['correction']);
    expect(cue('How does it feel to ship it?')).toEqual([]);
    expect(cue('So you just delete failing migrations now?')).toEqual(['correction']);
    expect(cue('Direct commits are not allowed on protected branches.', false)).toEqual(['rule']);
    expect(cue('Changing the schema requires a migration review.', false)).toEqual(['rule']);
    expect(cue('Use the existing client instead of writing new wrappers.', false)).toEqual(['rule']);
    expect(cue('Cancel it instead of changing the order.', false)).toEqual([]);
  });

  it('disbelief in a word, harm done, a team’s practice, a preference of how, approvals', () => {
    expect(said('You deleted it? The migration was fine.')).toEqual([
      ['correction', 'You deleted it? The migration was fine.'],
    ]);
    expect(cue('Did you just drop the audit table?')).toEqual(['correction']);
    expect(cue('This broke the nightly build.')).toEqual(['correction']);
    expect(cue('This fixed the nightly build.')).toEqual([]);
    expect(cue('We write migrations by hand.', false)).toEqual(['rule']);
    expect(cue('We fly to Boston on Monday.', false)).toEqual([]);
    expect(cue("I'd rather have a slow test than a flaky one.", false)).toEqual(['rule']);
    expect(cue('Who approved this new endpoint?')).toEqual(['correction']);
    expect(said('Why is there a second config loader?')).toEqual([]);
    expect(cue('The API is slow; you can’t just cache every response.')).toEqual(['rule']);
  });

  it('"but don\'t …" right after a task instruction limits that task; with a cue of generality it is a rule', () => {
    expect(said('Add the retry count to the status page. But don’t show it to guests.')).toEqual([]);
    expect(
      said("if we can get a region, add it to `host_info`. but don't assume europe, just omit it."),
    ).toEqual([]);
    expect(cue('Add the retry count to the status page. But never log access tokens.')).toEqual(['rule']);
    expect(cue('Fix the rounding. But don’t skip tests to get there.')).toEqual(['rule']);
    // typographic apostrophes read like plain ones and are quoted as written
    expect(said('Don’t force-push shared branches, ever.')).toEqual([
      ['rule', 'Don’t force-push shared branches, ever.'],
    ]);
  });

  it('a rule after a correction is one statement; a gerund after a rule is its reason', () => {
    expect(said('Great, a skipped test. Fix the code next time.')).toEqual([
      ['correction', 'Great, a skipped test. Fix the code next time.'],
    ]);
    const [r] = extractFeedback(
      'Never retry payments blindly. Retrying them just double-charges people.',
      false,
    );
    expect(r!.why).toBe('Retrying them just double-charges people.');
  });

  it('not rules: the past after "never", inference with "must", this task’s one thing, a speaker label', () => {
    for (const t of [
      'Never had a chance to look at the logs.',
      'You must have had a long day.',
      'You must be so proud of the release.',
      "Don't replace the tree cache.",
      "don't use --no-git in those tests",
      'make sure they exist, print an error and skip any that dont',
      'if /clipboard is run with an arg, use that as the basename of the tempfile name',
      'Joanna: Anytime!',
      'Maria, since we talked, it has been tough.',
    ])
      expect(said(t), t).toEqual([]);
    // a definite plural names a kind; a speaker label is not part of the words
    expect(cue("Don't edit the generated files.")).toEqual(['rule']);
    expect(said("Audrey: Don't force-push shared branches, ever.")).toEqual([
      ['rule', "Don't force-push shared branches, ever."],
    ]);
    // "since" before the past is a time, "as" without a verb a role: neither is a reason
    expect(
      extractFeedback('Always rebase before pushing, since we talked about it.', false)[0]!.why,
    ).toBeNull();
    expect(extractFeedback('Always use the release tag as the version label.', false)[0]!.why).toBeNull();
  });
});

describe('a general correction in any shape (issue 15, generalising the reader)', () => {
  const cue = (t: string, afterAgent = true) => said(t, afterAgent).map(([c]) => c);

  it('terse chat style: lowercase, no apostrophes, interjections, a dotted name inside the sentence', () => {
    expect(cue('pls dont ever .skip a flaky test to make the suite pass')).toEqual(['rule']);
    expect(cue('ugh, another wrapper class.')).toEqual(['correction']);
    expect(cue('sigh, mocking the clock again.')).toEqual(['correction']);
    expect(cue('way too clever. keep it boring')).toEqual(['correction']);
    expect(said('way too clever. keep it boring')[0]![1]).toBe('way too clever. keep it boring');
    expect(cue('dude, stop rewriting migrations')).toEqual(['rule']);
    // interjections that are also verbs count only before a comma: "look at the logs" is an order for now
    expect(cue('look at the logs', false)).toEqual([]);
    // before the agent did anything, excess with its subject left out corrects nothing
    expect(cue('way too clever.', false)).toEqual([]);
  });

  it('negations: "stop" ending a habit, "don\'t" on a verb the model tags as an adjective, a scope of kinds', () => {
    expect(cue('stop hand editing lockfiles')).toEqual(['rule']);
    expect(cue('stop renaming them')).toEqual(['rule']);
    expect(cue('stop the dev server')).toEqual([]);
    expect(cue("we don't mock the clock in integration tests")).toEqual(['rule']);
    expect(cue('dont mock the queue in end-to-end tests, use the real one')).toEqual(['rule']);
    // one thing of this task, with no kind named: an instruction
    expect(cue("don't mock the queue")).toEqual([]);
    // a kind named before, then a pronoun for it
    expect(cue("Wrapper classes hide the call site, please don't add them.")).toEqual(['rule']);
    expect(cue("The wrapper hides the call site, please don't add it.")).toEqual([]);
  });

  it('an order limited to now ("yet", "for now", "this time") is a task instruction, unless general', () => {
    for (const t of [
      "don't merge yet, the reviewer is still reading",
      "don't touch the migrations for now",
      'skip the e2e suite this time, staging is down',
    ])
      expect(cue(t), t).toEqual([]);
    expect(cue('never merge with a red pipeline, not even for now')).toEqual(['rule']);
  });

  it('objecting questions: intensified "why", rhetorical "who … anyway?"; a verbless "why the …?" or "why did we need …?" only asks', () => {
    expect(cue('Why on earth did you drop the index?')).toEqual(['correction']);
    expect(said('why the extra abstraction layer??')).toEqual([]);
    expect(said('why did we need a new queue for that?')).toEqual([]);
    expect(cue('who even reads these changelog drafts anyway?')).toEqual(['correction']);
    expect(cue('why is everything wrapped in try/catch?')).toEqual(['correction']);
    // asking for information stays out
    for (const t of ['why the timeout?', 'who reads the nightly report?', 'why is the queue slow?'])
      expect(cue(t), t).not.toContain('rule');
    expect(cue('who reads the nightly report?')).toEqual([]);
    expect(cue('why is the queue slow?')).toEqual([]);
  });

  it('an action barred, and a verdict on an infinitive with the subject left out', () => {
    expect(cue('amending published commits is forbidden here.', false)).toEqual(['rule']);
    expect(cue('force push is forbidden here.')).toEqual(['rule']);
    expect(cue('Direct pushes to release are not allowed.')).toEqual(['rule']);
    expect(cue('not ok to delete migrations just because they fail.')).toEqual(['rule']);
    expect(cue('Vendored code is never edited by hand, upstream it.')).toEqual(['rule']);
    // a pronoun subject, or praise: nothing barred
    expect(cue('that is fine.')).toEqual([]);
    expect(cue('it is not ok, the page still crashes.', false)).toEqual([]);
  });

  it('sarcasm restating what the agent did as the new way of working; annoyance before it', () => {
    expect(cue('great, so now we just delete whatever fails')).toEqual(['correction']);
    expect(cue('great, so now we can ship it')).toEqual([]);
  });

  it('conditions about any case, a time frame, a reason before "so", a contrast with what it replaces', () => {
    expect(cue('check with me before you rename endpoints', false)).toEqual(['rule']);
    expect(cue('if deploy gets stuck, roll back and page me, dont retry it')).toEqual(['rule']);
    expect(cue('next time a migration fails, read the log instead of rerunning it')).toEqual(['rule']);
    expect(cue('new endpoints always need an auth check.', false)).toEqual(['rule']);
    const [r] = extractFeedback('every new endpoint is an attack surface, so ask me first', true);
    expect(r?.cue).toBe('rule');
    expect(cue('keep your notes in the chat, not in files')).toEqual(['rule']);
    expect(cue('pls no --amend, make a new commit instead')).toEqual(['correction']);
    // this task's one thing on both sides, or a report of now
    expect(cue('update the readme, not the changelog')).toEqual([]);
    expect(cue('the tests are failing, so check the logs')).toEqual([]);
    expect(cue('no, use the other file instead')).toEqual([]);
    expect(cue('It always reminds me to take a break, breathe, and relax.', false)).toEqual([]);
  });

  it('what the person never wants to see from the agent', () => {
    expect(cue('i never want to see a commented-out block in a PR from you again')).toEqual(['rule']);
    expect(cue("I don't want to see it.")).toEqual([]);
  });
});

describe('task talk that looks like a rule (checked on unseen real Claude Code sessions)', () => {
  const cue = (t: string, afterAgent = true) => said(t, afterAgent).map(([c]) => c);

  it('what "we" need to or should do is this task, a permission is no order, "make sure X is Y" a check of now', () => {
    for (const t of [
      'we need to debug the vpn config: the tunnel dropped again',
      'not sure if we should rewrite the parser or patch it.',
      'do whatever you need to get the staging box back up',
      'make sure the firewall is set to strict',
    ])
      expect(cue(t), t).toEqual([]);
    expect(cue('we should always tag releases from main.', false)).toEqual(['rule']);
    expect(cue('you need to run the linter before every commit.', false)).toEqual(['rule']);
    expect(cue('make sure migrations are reversible.', false)).toEqual(['rule']);
  });

  it('"why do you …?" asks unless it objects to a habit or a refusal; "always" inside a later clause orders', () => {
    expect(cue('why do you print the port twice?')).toEqual([]);
    expect(cue('why do you keep printing the port twice?')).toEqual(['correction']);
    expect(said("why don't you use the existing helper?")).toEqual([]);
    expect(cue('finish the merge, always rebase and rerun the checks. if stuck, ask me')).toEqual(['rule']);
  });

  it('a report with its subject left out, or a past event told with "never", is no rule (s27, blind batch 8)', () => {
    for (const t of [
      'does not work',
      "doesn't work on the staging box",
      'did not run the migrations',
      'Val loss increased from ~105 to ~107 at the stage 10→11 transition, and never recovered.',
      'the nightly build never finished',
    ])
      expect(cue(t), t).toEqual([]);
    expect(cue('do not run the migrations by hand')).toEqual(['rule']);
    // a hedged suggestion, an aside in parentheses, what the agent left out, a duty of this task
    // (dev corpus of earlier batches' developers, each kept as standing feedback before)
    for (const t of [
      'maybe you need to build the model for riscv instead of nds',
      'This is probably insufficient or could produce odd results.',
      "(don't implement)",
      "You didn't try other uarch tuning.",
      'you need to consider the shapes.',
    ])
      expect(cue(t), t).toEqual([]);
    // …but not with a cue, a quantifier or condition, or a reason
    expect(cue('you need to run the linter before every commit.')).toEqual(['rule']);
    expect(cue('you should never push to main')).toEqual(['rule']);
    expect(cue("You didn't need to regenerate the lockfile.")).toHaveLength(1);
    expect(cue("(don't touch original code/script, it's used for other dataset)")).toHaveLength(1);
    // a piece of work asked for now, unless said for good
    for (const t of [
      'Critique if each candidate methods make sense for the current project, and list them if they are worth trying.',
      'Design a configurable approach so we could adjust the config to produce the new algorithm.',
      'Think hard about how to refactor the code so that we can efficiently reuse and update the codebase.',
    ])
      expect(cue(t), t).toEqual([]);
    expect(cue('Always explain your reasoning.')).toEqual(['rule']);
    // the next step of this task
    expect(cue('Did we just get the cycle from plain C? now, we need the assembly code')).toEqual([]);
    expect(cue('You deleted the fixtures. Now restore them and never do that again.')).toHaveLength(1);
    // an agreement that explains this task's design corrects nothing
    expect(
      cue(
        "That's right, your cost model doesn't have to choose the best tile but filter out the worse cases.",
      ),
    ).toEqual([]);
    expect(cue('secrets are never committed to the repo', false)).toEqual(['rule']);
  });
});

describe('more shapes of a correction (issue 15 item 1, second round)', () => {
  const cue = (t: string, afterAgent = true) => said(t, afterAgent).map(([c]) => c);

  it('nobody asked for it, who said you could, who is going to read it, why does every …', () => {
    expect(cue('I never asked for a migration guide.')).toEqual(['correction']);
    expect(cue('I never asked for a migration guide.', false)).toEqual([]);
    expect(cue('wait, who said you could rename the endpoints?')).toEqual(['correction']);
    expect(cue("who's going to maintain a second config loader?")).toEqual(['correction']);
    expect(cue('Why does every fix come with a new helper module?')).toEqual(['correction']);
    expect(cue('why would a disabled lint rule ever be fine?')).toEqual(['correction']);
    expect(cue('Did you honestly vendor the SDK?')).toEqual(['correction']);
    // asking: a question about one thing, or about the person's own life
    expect(cue('who maintains the config loader?')).toEqual([]);
    expect(cue('Why include cardio in your week?')).toEqual([]);
  });

  it('"why" and a bare verb doubting the act; a polite negated order; what the person does not want', () => {
    expect(cue('a retry is three lines, why add a library')).toEqual(['correction']);
    expect(cue('Could you not create wrapper classes for every client?')).toEqual(['rule']);
    expect(cue('Could you not use that word in the title?')).toEqual([]);
    expect(cue("I'd prefer you didn't rename public fields.")).toEqual(['rule']);
    expect(cue("I really don't want more wrapper classes in the codebase.")).toEqual(['rule']);
    expect(cue("I don't want my parents to worry about it.")).toEqual([]);
  });

  it('a policy, no exceptions, a kind that does not belong, a verb of harm on an action', () => {
    expect(cue('We have a squash-merge policy; rebase before you merge.', false)).toEqual(['rule']);
    expect(cue('rule of thumb: no new endpoints without tests', false)).toEqual(['rule']);
    expect(cue('Schema changes need a migration, no exceptions.', false)).toEqual(['rule']);
    expect(cue("Generated clients don't belong in the repo.", false)).toEqual(['rule']);
    expect(cue('Mocking the queue in integration tests defeats the point.')).toEqual(['correction']);
    expect(cue('Networking really pays off.')).toEqual([]);
  });

  it('elliptic refusals and excess, an order scoped by any one, "again", a pronoun for a kind said before', () => {
    expect(said('a whole ORM for two queries? no.')).toEqual([
      ['correction', 'a whole ORM for two queries? no.'],
    ]);
    expect(cue('Is the build green? no.')).toEqual([]);
    expect(cue('Ugh, not another wrapper.')).toEqual(['correction']);
    expect(cue('totally overengineered. one function please')).toEqual(['correction']);
    expect(cue('Please, no more stub modules.')).toEqual(['rule']);
    expect(cue("just paste the diff here, don't save it to a file.")).toEqual(['rule']);
    expect(cue("revert the helper and don't do that again")).toEqual(['rule']);
    expect(said("Nobody reads generated stubs. Don't commit them.")).toEqual([
      ['correction', "Nobody reads generated stubs. Don't commit them."],
    ]);
    expect(said("Generated stubs pile up fast. Don't commit them.", false)).toEqual([
      ['rule', "Generated stubs pile up fast. Don't commit them."],
    ]);
    expect(said("That's a second HTTP client. Check with me first next time.")).toEqual([
      ['rule', "That's a second HTTP client. Check with me first next time."],
    ]);
  });
});

describe('more shapes of a correction (issue 15 item 1, third round)', () => {
  const cue = (t: string, afterAgent = true) => said(t, afterAgent).map(([c]) => c);

  it('"never" in a verdict on an action, a hyphenated no-go, the same act once more, a reason beside an order', () => {
    expect(cue('rewriting migrations is never the fix')).toEqual(['correction']);
    expect(cue('hey, hand-editing lockfiles is a no-go in this team', false)).toEqual(['rule']);
    expect(cue('you renamed the public fields again')).toEqual(['correction']);
    expect(cue('you renamed the public fields')).toEqual([]);
    expect(cue("don't stub the queue, the end-to-end tests need the real broker")).toEqual(['rule']);
    expect(cue("don't stub the queue, I'll do it later")).toEqual([]);
  });
});

describe('generalising the reader (issue 15, fourth round: structural cues)', () => {
  const cue = (t: string, afterAgent = true) => said(t, afterAgent).map(([c]) => c);

  it('a team’s way of working stated in a later clause ("…, we don’t skip them")', () => {
    expect(cue("We fix failing builds, we don't silence them.")).toEqual(['rule']);
    // a state, not a way of working; the past, not a practice
    expect(cue("We fixed the login, we don't know why it broke.")).toEqual([]);
    expect(cue('We looked at the logs, we saw nothing.')).toEqual([]);
  });

  it('an objection right after the agent acted may name the file it made; a number or a question for information may not', () => {
    expect(said('Why is there a NOTES_FOR_REVIEW.md now?')).toEqual([]);
    expect(cue('who is going to read MIGRATION_REPORT.txt?')).toEqual(['correction']);
    expect(cue('Why is there a NOTES_FOR_REVIEW.md now?', false)).toEqual([]);
    expect(cue('Which file holds the settings, config.yaml?')).toEqual([]);
    expect(cue('Why did the build fail on line 42?')).toEqual([]);
    expect(cue('why did you change line 42 in parser.py?')).toEqual([]);
  });

  it('a bare "stop." after a sentence naming the agent’s work ends it; after praise, or alone, it does not', () => {
    expect(said('These wrapper classes are clutter. Stop.')).toEqual([
      ['correction', 'These wrapper classes are clutter. Stop.'],
    ]);
    expect(cue('This looks great so far. Stop.')).toEqual([]);
    expect(cue('Stop.')).toEqual([]);
    expect(cue('stop, I need to check something first')).toEqual([]);
  });

  it('what the agent left undone, asked back with how/why; counts of what it touched; an interjection first', () => {
    expect(cue("how can you be sure it builds if you didn't compile it?")).toEqual(['correction']);
    expect(cue("do you know if you didn't save the file?")).toEqual([]);
    expect(cue("how come the page is blank if you didn't change anything?")).toEqual([]);
    expect(said('why did you rename 12 modules for a typo fix?')).toEqual([]);
    expect(cue('why did you change line 42?')).toEqual([]);
    expect(cue('yikes, you dropped the staging tables without asking?')).toEqual(['correction']);
  });

  it('"No X. Ever.": a lone "ever" belongs to the sentence before; "no any/more X"; a prohibition as a later clause', () => {
    expect(said('no eval. ever.')).toEqual([['rule', 'no eval. ever.']]);
    expect(cue('no any casts in this repo. ever.')).toEqual(['rule']);
    expect(cue('thanks. ever so much.')).toEqual([]);
    expect(cue('keep the commits small, no drive-by renames')).toEqual(['rule']);
    expect(cue('ok, no rush')).toEqual([]);
    expect(cue('no big deal')).toEqual([]);
  });

  it('what a kind needs holds for any one of it; so does an order whose reason is a general statement', () => {
    expect(cue('schema changes need a migration review first')).toEqual(['rule']);
    expect(cue('users need a refund')).toEqual([]);
    expect(cue('new endpoints need our review before merging')).toEqual(['rule']);
    expect(said('Quick fixes cause regressions. Run the tests.')).toEqual([
      ['rule', 'Quick fixes cause regressions. Run the tests.'],
    ]);
    expect(extractFeedback('Quick fixes cause regressions. Run the tests.', true)[0]!.why).toBe(
      'Quick fixes cause regressions.',
    );
    // the order names this task's one thing; the statement is about now or is praise
    expect(cue('Tests pass. Merge the branch.')).toEqual([]);
    expect(cue('Tests are green now. Open the PR.')).toEqual([]);
    expect(cue('Small PRs are great. open one.')).toEqual([]);
    expect(cue('Hotfixes cause regressions. Run the tests.')).toEqual(['rule']);
    expect(cue('Fix bugs. Write tests.')).toEqual([]);
  });

  it('a pronoun for a kind said before ("… Ask me before installing one."); disbelief at a thing named in one word', () => {
    expect(said('new libraries are my call. ask me before adding one')).toEqual([
      ['rule', 'new libraries are my call. ask me before adding one'],
    ]);
    expect(cue('eval? really?')).toEqual(['correction']);
    expect(cue('seriously, ts-expect-error everywhere? no.')).toEqual(['correction']);
    expect(cue('Is the build green? no.')).toEqual([]);
  });

  it('"did you even …?", "what\'s with the …?", "why would I want …?"; doubt about a possibility is no objection', () => {
    expect(cue('did you even open the logs?')).toEqual(['correction']);
    expect(said("what's with all the wrapper classes?")).toEqual([]);
    expect(cue('why would anyone want a second config file?')).toEqual(['correction']);
    expect(cue('can we even do that?')).toEqual([]);
    expect(cue('is it even possible?')).toEqual([]);
    expect(cue('why would I want to know that?')).toEqual([]);
  });

  it('praise said after a repetition or something unwanted is sarcasm; after a thing named alone it may be sincere', () => {
    expect(cue('another wrapper class nobody asked for. wonderful.')).toEqual(['correction']);
    expect(cue('Refactoring the parser. nice.')).toEqual([]);
    expect(cue('Another great release. thanks!')).toEqual([]);
  });

  it('a harm stated of a kind, then an order after a comma, is a rule; encouragement and a continued statement are not', () => {
    expect(cue('loops with a request in them kill performance, fetch everything in one call')).toEqual([
      'rule',
    ]);
    expect(cue('Challenges will come, but believe in yourself and keep going.')).toEqual([]);
    expect(cue('Dance floors help avoid injuries and make dancing more enjoyable.')).toEqual([]);
  });

  it('a distributive "per …" is general; where a kind goes "next to" something holds for any one of it', () => {
    expect(cue("don't call the API once per row, batch the requests")).toEqual(['rule']);
    expect(cue("don't call the API, batch the requests")).toEqual([]);
    expect(cue('story files go next to the component they show')).toEqual(['rule']);
  });

  it('a request to the agent with a cue of generality or "before any …" is a rule; one about this case is not', () => {
    expect(cue('In future, could you only add a dependency when the standard library cannot do it?')).toEqual(
      ['rule'],
    );
    expect(cue('Could you ask me before any schema change?')).toEqual(['rule']);
    expect(cue("From now on I'd prefer you open a draft PR first.")).toEqual(['rule']);
    expect(cue("Could you check if there's any other way to help me?")).toEqual([]);
    expect(cue('Can you please double-check and honor the policy?')).toEqual([]);
    expect(cue('Would you like me to check the config?')).toEqual([]);
  });

  it('"who exactly is going to read …?", a question ending in "?!", a rule label, what was asked against what came', () => {
    expect(cue('who exactly is going to read a MIGRATION_NOTES.md?')).toEqual(['correction']);
    expect(cue('You deleted the fixtures?!')).toEqual(['correction']);
    expect(cue("Team rule: a feature isn't finished until the docs are updated.")).toEqual(['rule']);
    expect(cue("Team rule: a feature isn't finished until the docs are updated.", false)).toEqual(['rule']);
    expect(cue('I asked you to fix one import and got a rewritten module.')).toEqual(['correction']);
    expect(cue('I asked for a refund and got a voucher.')).toEqual([]);
  });

  it('a denial with a bare subject; "please" after a prohibition; a rule taken back in the same message', () => {
    expect(cue('`eval` plus a regex is not a parser, write a real one')).toEqual(['correction']);
    expect(cue('The weather is not a problem.')).toEqual([]);
    expect(cue('No copy-pasted helpers please.')).toEqual(['rule']);
    expect(cue("don't bump the version, well actually, it's your release branch, so go ahead")).toEqual([]);
    expect(cue('never commit generated files. oh wait, the lockfile is fine, keep it')).toEqual([]);
    expect(cue('never commit generated files. oh wait, I meant build output')).toEqual(['rule']);
  });

  it('a short label before a colon; a barred action put after "it is"; "for future reference"; "I\'d appreciate it if you …"', () => {
    expect(cue('Quick heads-up for later: we never rewrite published tags.')).toEqual(['rule']);
    expect(cue("I'd like tidy diffs: please don't rename things outside the task.")).toEqual(['rule']);
    expect(cue('Note: the server is down.')).toEqual([]);
    expect(cue('Step 2: run the migration.')).toEqual([]);
    expect(cue('it is not allowed to edit the lockfile by hand, run the installer')).toEqual(['rule']);
    expect(cue('For future reference, run any schema change past me before applying it.')).toEqual(['rule']);
    expect(cue('Excited for the future!')).toEqual([]);
    expect(cue("I'd appreciate it if you never skipped the hooks again.")).toEqual(['rule']);
  });

  it('deontic "must" of a kind (not inference about someone); a denial through a relative clause; "any" + a kind barred', () => {
    expect(cue('Vendored code must never be patched in place.')).toEqual(['rule']);
    expect(cue('config file must live in the repo root, not in src')).toEqual(['rule']);
    expect(cue('you must be so proud')).toEqual([]);
    expect(cue('Wow, learning about the birds must be so cool.')).toEqual([]);
    expect(cue("A migration that hasn't been reviewed isn't a migration.")).toEqual(['correction']);
    expect(cue('any mutable global is not allowed in this code base')).toEqual(['rule']);
  });

  it('"make sure no … are left"; a condition of any case before "please" + an order', () => {
    expect(cue('Please make sure no debugger statements are left in the code when you finish.')).toEqual([
      'rule',
    ]);
    expect(cue('Before you tell me something works, please try it in the browser.')).toEqual(['rule']);
    expect(cue('Before you start, please pull the latest main.')).toEqual([]);
  });

  it('a statement about code named by its name is a rule; an order on the thing named is this task’s', () => {
    expect(cue('print() in committed code is not acceptable')).toEqual(['rule']);
    expect(cue('settings.local.json is never committed')).toEqual(['rule']);
    expect(cue('use the logger, not print()')).toEqual([]);
    expect(cue("don't edit package.json")).toEqual([]);
    expect(cue('Bump the version in package.json to 2.3.1.')).toEqual([]);
    expect(cue('if we can get a language, add it to `platform_text`.')).toEqual([]);
  });

  it('a rule right after "you" + what the agent did takes that sentence along', () => {
    expect(said('you just deleted the cache folder. ask first next time')).toEqual([
      ['rule', 'you just deleted the cache folder. ask first next time'],
    ]);
    // praise or a saying is not what the agent did wrong
    expect(said('you got this. never give up next time')).not.toContainEqual([
      'rule',
      'you got this. never give up next time',
    ]);
  });
});

describe('task talk that looks like a rule (issue 15, checked on unseen real Claude Code sessions of a fourth developer)', () => {
  const cue = (t: string, afterAgent = true) => said(t, afterAgent).map(([c]) => c);

  it('a long run-on request without a cue of generality is this task’s specification', () => {
    expect(
      cue(
        'look for the ticket with the empty notes and see why it disappears from the report when marked done, maybe i need another field for open tickets during the day, not only the currently open ones',
      ),
    ).toEqual([]);
    expect(
      cue(
        'always run the whole test suite before you tell me something is finished, even for changes you think are tiny',
      ),
    ).toEqual(['rule']);
  });

  it('"check if …" / "about if …" ask whether; "if not, create one" names this task’s thing; a scope needs its comma', () => {
    expect(cue('review the table to check if the job id is empty or something is missing')).toEqual([]);
    expect(
      cue('add a check before saving the form about if the credentials exist, if not create one'),
    ).toEqual([]);
    expect(cue('for photos and receipts add a checkbox that asks if they exist')).toEqual([]);
    expect(cue('For new endpoints, always add an integration test.')).toEqual(['rule']);
    expect(cue('If a test fails, fix the code.')).toEqual(['rule']);
  });

  it('an order on this task’s one thing with a reason about now; a doubt after "not"; a thing of the output judged', () => {
    expect(cue('rebuild the sales dashboard as this is not working now')).toEqual([]);
    expect(cue('ensure the min-width too, not sure why it is not working')).toEqual([]);
    expect(cue('no the spacing looks too big')).toEqual([]);
    expect(cue('no, way too complicated')).toEqual(['correction']);
  });

  it('what a kind may not be is barred or not done to it; a state of this case ("… are not needed/passing") is not', () => {
    expect(cue('Force pushes are not allowed on shared branches.')).toEqual(['rule']);
    expect(cue('Generated files are not edited by hand.')).toEqual(['rule']);
    expect(cue("reviews aren't optional.")).toEqual(['rule']);
    expect(cue('documents are not needed')).toEqual([]);
    expect(cue('tests are not passing')).toEqual([]);
  });

  it('a scope beyond this task ("for all projects", "in every repo") is a cue of generality; "in all files" is this task’s', () => {
    expect(cue('keep notes in the chat, not in markdown files, for all projects')).toEqual(['rule']);
    expect(cue('run the formatter in every repo')).toEqual(['rule']);
    expect(cue('run the formatter')).toEqual([]);
    expect(cue('fix the typo in all files')).toEqual([]);
  });

  it('a task’s output specified instead, a pasted error, an order about a named file, the speaker’s own next steps', () => {
    expect(cue('i dont want more tables, i just want a column in the existing table')).toEqual([]);
    expect(cue("No default view of type 'tree' could be found!")).toEqual([]);
    expect(cue('you should edit Projects_2024.xlsx!')).toEqual([]);
    expect(
      cue(
        'can you note the folders and the commands so next time i run you there you understand the requests?',
      ),
    ).toEqual([]);
    expect(cue('create a .md file inside the module to explain it for future reference')).toEqual([]);
    expect(cue('If you have trouble with uploads, please email the documents to [EMAIL].')).toEqual([]);
    expect(cue('everytime I open it it launches the wrong user')).toEqual([]);
  });
});

describe('more structural cues (issue 15, fourth round, after round 6)', () => {
  const cue = (t: string, afterAgent = true) => said(t, afterAgent).map(([c]) => c);

  it('a lone "always." or "every time." joins the sentence before; "always happy" does not', () => {
    expect(said('batch the lookups. always')).toEqual([['rule', 'batch the lookups. always']]);
    expect(cue('rebase first. every time.')).toEqual(['rule']);
    expect(cue('ok thanks. always happy')).toEqual([]);
  });

  it('a rule named as one, what the team tries to or only does, what it never wants; never a learner’s bare "not + verb"', () => {
    expect(cue('Our policy is to pin every dependency, so new ones get reviewed first.')).toEqual(['rule']);
    expect(cue('we have a strict no-mutation rule in this repo')).toEqual(['rule']);
    expect(cue('we try to keep secrets out of the logs')).toEqual(['rule']);
    expect(cue('We only squash on merge.')).toEqual(['rule']);
    expect(cue('we never want these generated reports in the repo')).toEqual(['rule']);
    // (a bare "not" + verb is as often this task's "don't change anything now, just review …")
    expect(cue('not make changes just review why it fails')).toEqual([]);
    expect(cue('we try to get there by noon')).toEqual([]);
    expect(cue('We should appreciate the small things and not take anything for granted.')).toEqual([]);
  });

  it('"why X?" about one thing named objects; "hm," is an interjection', () => {
    expect(said('why eval?')).toEqual([]);
    expect(cue('why not?')).toEqual([]);
    expect(cue("hm, couldn't you have rebased instead of merging?")).toEqual(['correction']);
  });
});

describe('what a rule points back to (issue 15, fourth round, after round 6)', () => {
  it('"you" + what the agent did goes along with a rule naming things of its own; a demonstrative points back', () => {
    expect(
      said('you wiped the cache, now my builds are slow. before you delete anything, please ask me, always'),
    ).toEqual([
      [
        'rule',
        'you wiped the cache, now my builds are slow. before you delete anything, please ask me, always',
      ],
    ]);
    expect(
      said('the NOTES.md is not needed, please remove. we never want these extra files in the repo'),
    ).toEqual([
      ['rule', 'the NOTES.md is not needed, please remove. we never want these extra files in the repo'],
    ]);
  });
});

describe('more shapes after round 6 (issue 15, fourth round)', () => {
  const cue = (t: string, afterAgent = true) => said(t, afterAgent).map(([c]) => c);

  it('thanks before "but …" is no task instruction; an emoji ends a sentence', () => {
    // ("them" points back to the notes: that sentence goes along)
    expect(said('Thanks for the notes! But could you not create separate .txt files for them?')).toEqual([
      ['rule', 'Thanks for the notes! But could you not create separate .txt files for them?'],
    ]);
    expect(said('Thanks for the summary! But could you not create separate .txt files?')).toEqual([
      ['rule', 'But could you not create separate .txt files?'],
    ]);
    expect(cue('Add the language to the platform text. But don’t assume English as a fallback.')).toEqual([]);
    expect(
      said(
        'Ah, that was my scratch data 😅 Could you please confirm with me before deleting anything next time?',
      ),
    ).toEqual([['rule', 'Could you please confirm with me before deleting anything next time?']]);
  });

  it('a generic indefinite with a cue; an action barred with a phrase after it', () => {
    expect(cue('in general: a failing build gets fixed, never silenced')).toEqual(['rule']);
    expect(cue('a failing build gets fixed')).toEqual([]);
    expect(cue('rebasing on the release branch is not allowed for us, it breaks the tags.', false)).toEqual([
      'rule',
    ]);
    expect(cue('the car in the garage is not allowed')).toEqual([]);
  });
});

describe('more shapes after round 7 (issue 15, fourth round)', () => {
  const cue = (t: string, afterAgent = true) => said(t, afterAgent).map(([c]) => c);

  it('a sentence naming the one before a rule, or a lone "in that order, always"; never after a remark of the speaker', () => {
    expect(cue("migrations get reviewed by two people. that's the team norm")).toEqual(['rule']);
    expect(said('lint the code. then push. in that order, always')).toEqual([
      ['rule', 'lint the code. then push. in that order, always'],
    ]);
    expect(cue("I'm keen to try your recipe. Always up for something sweet.")).toEqual([]);
  });

  it('an order, then a general statement as its reason; never a state after a pasted prompt', () => {
    expect(said('drop the TODO comments. comments explain why, issues track what is left')).toEqual([
      ['rule', 'drop the TODO comments. comments explain why, issues track what is left'],
    ]);
    expect(cue('Press any key to continue . . changes are not available yet in the variables')).toEqual([]);
  });

  it('a relative "that" is no demonstrative; "we don’t do …"; "here and everywhere"; "do that for any …"', () => {
    expect(cue("don't add comments that repeat the code")).toEqual(['rule']);
    expect(cue("don't touch that file")).toEqual([]);
    expect(cue("we don't do per-row queries in this service.")).toEqual(['rule']);
    expect(cue('batch these please, here and everywhere')).toEqual(['rule']);
    expect(cue('Love can be found everywhere.')).toEqual([]);
    expect(cue('fix the column in the schema and regenerate, and do that for any generated model')).toEqual([
      'rule',
    ]);
    expect(cue('check for any errors')).toEqual([]);
    expect(cue('did the ticket say to rename the helpers?')).toEqual(['correction']);
    expect(cue("But it's in these vulnerable moments that we bond.")).toEqual([]);
  });
});

describe('labels and cases after round 7 (issue 15, fourth round)', () => {
  const cue = (t: string, afterAgent = true) => said(t, afterAgent).map(([c]) => c);

  it('what a label naming a rule introduces is that rule; what holds in any case for good; examples after "like"', () => {
    expect(cue('our convention: squash commits only for fixes, never for features')).toEqual(['rule']);
    expect(cue('the rule: bump it to 2.0')).toEqual([]);
    expect(cue('If a build fails, the answer is never a retry loop.')).toEqual(['rule']);
    expect(cue('If a flight is late, I never get a refund.')).toEqual([]);
    expect(cue("Please don't add files like NOTES.md; they go stale fast.")).toEqual(['rule']);
    expect(cue("Please don't add NOTES.md.")).toEqual([]);
  });
});

describe('a person asking about the work states no rule (unseen real sessions, s21)', () => {
  it('a question without a rule is no feedback, however it objects in form', () => {
    for (const t of [
      'why do we need the retry wrapper here?',
      'so why did we need the extra config file in the first place?',
      'why not just pass the flag through to the worker?',
      'yeah but why does it keep failing on the second run?',
      'should it just be a plain string?',
      'shouldn’t it just read the value from the env?',
      'ok so why did you not use the session id there?',
      'but why does it always pick the wrong port?',
      'why is this never called?',
      'why not use the existing helper',
    ])
      expect(said(t), t).toEqual([]);
  });

  it('the rule said beside the question, a request to stop, a habit, a refusal or disbelief keeps it', () => {
    expect(said('why are you using npm? we use pnpm')).toEqual([
      ['correction', 'why are you using npm? we use pnpm'],
    ]);
    expect(said('can you stop adding comments to every line?').map(([c]) => c)).toEqual(['rule']);
    expect(said('why do you keep writing summary files?').map(([c]) => c)).toEqual(['correction']);
    expect(said("why won't you run the publish script?").map(([c]) => c)).toEqual(['correction']);
    expect(said("Why didn't you ask before removing the volumes?").map(([c]) => c)).toEqual(['correction']);
    expect(said('did you seriously just force push?').map(([c]) => c)).toEqual(['correction']);
  });
});

describe('one-off steps, status and bug reports are no feedback (unseen real sessions, s21)', () => {
  it('an order opened by "now", a "for each … them" pass, "still" failing, a bug report, "never mind"', () => {
    for (const t of [
      'now don’t resize.',
      'ok, now don’t rename anything.',
      'for each artifact, check each of them for missing checksums',
      'for each artifact, check the checksum',
      'no, there is still an error',
      'whenever I’m using the export button, I get a permission denied error',
      'never mind, i’ll do it myself',
    ])
      expect(said(t), t).toEqual([]);
  });

  it('the same shapes with a rule in them stay rules', () => {
    for (const t of [
      "from now on, don't resize images without asking",
      'for every new endpoint, add an integration test',
      'whenever a test fails, fix the code instead of skipping it',
    ])
      expect(
        said(t).map(([c]) => c),
        t,
      ).toEqual(['rule']);
    // ("still" about what the agent did is no status report)
    expect(said('you still skipped the failing test?!').map(([c]) => c)).toEqual(['correction']);
  });
});

describe('venting at the agent inside one incident is no rule (unseen real sessions, s21)', () => {
  it('orders in a message that insults the agent are for that incident', () => {
    for (const t of [
      'don’t revert anything, you’re still stupid, figure out why the build fails',
      'don’t touch anything else, you idiot, just find the bug',
      'you are useless. don’t revert the migration, fix it',
      'stop being so dumb and read the error',
      // chat spelling
      'dont delete anything, ur so useless, find out why it fails',
    ])
      expect(said(t), t).toEqual([]);
  });

  it('a rule said to hold beyond now stays, and profanity alone is no insult', () => {
    expect(said('you idiot, never force push to main again').map(([c]) => c)).toEqual(['rule']);
    expect(said('never make manual changes to generated files ffs').map(([c]) => c)).toEqual(['rule']);
    expect(said('wtf, don’t ever commit secrets to the repo').map(([c]) => c)).toEqual(['rule']);
  });
});

describe('what follows an objecting question must state the rule (s21)', () => {
  it('a remark about this case after the question does not make it a rule', () => {
    for (const t of [
      'why does it keep failing? the tests are red again',
      'why did you change the port? the old one was fine',
      'why not just pass the flag through? it would be simpler',
      'should it just be a plain string? the enum seems overkill',
      'why do we need lodash for a debounce? we already have one in utils',
    ])
      expect(said(t), t).toEqual([]);
  });

  it('the team’s practice or a rule after it, or the act echoed in disbelief, keeps it', () => {
    expect(said('why are you using npm? we use pnpm').map(([c]) => c)).toEqual(['correction']);
    expect(said('why did you skip the test? never skip tests').map(([c]) => c)).toEqual(['correction']);
    expect(said('You deleted it? The migration was fine.').map(([c]) => c)).toEqual(['correction']);
  });
});

describe('a lowercase or embedded rule with a cue of generality (s21 item 5)', () => {
  it('"dont ever …" is general, and a rule after "…, but" is read on its own', () => {
    for (const t of [
      'dont ever edit the lockfile by hand',
      'looks good, but pls dont ever edit the lockfile by hand',
      'works now, but next time ask before you delete anything',
    ])
      expect(
        said(t).map(([c]) => c),
        t,
      ).toEqual(['rule']);
  });

  it('after the turn, an order for now, a question or a report stays out', () => {
    for (const t of [
      'looks good, but edit the lockfile by hand',
      'nice, but every time I reload the page the list is empty',
      'ok, also in general how do I change the padding of the list',
    ])
      expect(said(t), t).toEqual([]);
  });
});

describe('shapes found by a fresh dev round (issue 15, session 22)', () => {
  it('a sentence that only widens the order before it to every case makes that order a rule', () => {
    expect(
      said('could you lint the changed files before you hand it back? every time, not only for big diffs'),
    ).toEqual([
      [
        'rule',
        'could you lint the changed files before you hand it back? every time, not only for big diffs',
      ],
    ]);
    expect(said('lint the changed files, then report. that goes for every task')).toHaveLength(1);
    // without the widening sentence the request is this task's
    expect(said('could you lint the changed files before you hand it back?')).toEqual([]);
  });

  it('a rule drawn with "so" from the statement before it takes that statement as its reason', () => {
    const [f] = extractFeedback(
      'we keep the container images small on purpose, every layer is something we pay to ship. so ask before you add one',
      true,
    );
    expect(f?.text).toContain('container images');
    expect(f?.why).toContain('container images');
  });

  it('"No <kind>" said generally or with its reason is a rule; "No <things>" reported is not', () => {
    expect(
      said('in general: no scratch scripts in the repo root, they pile up and nobody cleans them'),
    ).toHaveLength(1);
    expect(said('No print statements in committed code, ever.')).toHaveLength(1);
    // (not after the agent acted: a report, not a prohibition)
    expect(said('No errors in the build log.', false)).toEqual([]);
    expect(said('No errors in the build log, nothing in the warnings either.', false)).toEqual([]);
    expect(said('no worries, take your time')).toEqual([]);
  });

  it('a file name standing for a kind ("NOTES.md type files") names no one file; "I\'d prefer if you" addresses the agent', () => {
    expect(said('pls dont write NOTES.md type files, just tell me in the chat')).toHaveLength(1);
    expect(said('pls dont touch NOTES.md, I am editing it')).toEqual([]);
  });

  it('a kind negated in the passive ("migrations don\'t get edited once merged") is a norm', () => {
    expect(said("migrations don't get edited after they are merged")).toHaveLength(1);
    expect(said("the migration didn't get applied")).toEqual([]);
  });
});

describe('descriptions and run-on paragraphs are not rules (issue 15, session 22)', () => {
  it('a sentence opened by the present moment describes how things are; with a rule in it, it is one', () => {
    expect(
      said("Currently, the settings module isn't a package, but holds most of what the app needs."),
    ).toEqual([]);
    expect(said("Right now, don't touch the settings module, ever.")).toHaveLength(1);
  });

  it('"ik …", "afaik …": the speaker’s knowledge, not an order', () => {
    expect(
      said('ik that we will be calling the billing provider later as it goes through a partner.'),
    ).toEqual([]);
  });

  it('a rule after "but" in a run-on paragraph longer than a rule is this task’s specification', () => {
    const dictated =
      'so the idea is that if the start date moved and there are rows in older months we clear them out and we can do that cheaply with the clearing job, but we must always rerun the totals job if the start date comes from the phone and not from the server and we need to start from that month and then check the rest of the pipeline too because the older months might still hold rows from the previous import that nobody cleaned';
    expect(said(dictated)).toEqual([]);
    expect(said('looks fine, but always rerun the totals job after a migration')).toHaveLength(1);
  });
});

describe('reports of how the work behaves are not corrections (issue 15, session 22)', () => {
  it('"X didn’t work", "it’s not working", a guess at a cause, a state "now": status, not feedback', () => {
    for (const t of [
      'Setting the cache flag in the config didn’t work.',
      'Pinning the older driver did not work either.',
      'It could be a stale lock file, or it could be a broken mirror.',
      'It is picking the wrong timezone now and looks kind of bare',
      'we just drop that retry, no?',
    ])
      expect(said(t), t).toEqual([]);
  });

  it('a verdict on the agent’s way of working still is one', () => {
    expect(said('Wrapping every call in a retry is overkill.')).toHaveLength(1);
    expect(said('so we just skip failing tests now?')).toHaveLength(1);
  });
});

describe('orders about this task’s state (issue 15, session 22)', () => {
  it('an order whose reason is a state in progress is this task’s; a reason about a kind makes a rule', () => {
    expect(said('fix the slow queries on the report page as it is timing out for every customer.')).toEqual(
      [],
    );
    expect(said('keep pull requests small, because reviews get slower with every extra file.')).toHaveLength(
      1,
    );
  });

  it('"before everything else" orders things; it is no condition about any case', () => {
    expect(said('notice the config of the module has the system block before everything else.')).toEqual([]);
    expect(said('before any release, run the smoke tests.')).toHaveLength(1);
  });
});

describe('a thin rule on "it" takes the sentence naming the thing (issue 15, session 22)', () => {
  it('"<thing> again. <verb> it. always" is one statement naming the thing', () => {
    expect(said('the flaky login test again. retry it. always')).toEqual([
      ['rule', 'the flaky login test again. retry it. always'],
    ]);
  });
});

describe('verdicts limited to this case or this moment (issue 15, session 22)', () => {
  it('a verdict "for this page" or with "now" is about this case; sarcasm and objecting questions may say either', () => {
    expect(said('that is overkill for this page, just hardcode the three links')).toEqual([]);
    expect(said('too many borders now, drop the ones around the cards')).toEqual([]);
    expect(said('that is overkill, just hardcode the three links').map(([c]) => c)).toEqual(['correction']);
    expect(said('did we really need a whole new dependency for this?').map(([c]) => c)).toEqual([
      'correction',
    ]);
  });
});

describe('harm or an omission in one part of this task’s output, reported (issue 15, session 22)', () => {
  it('"you forgot the footer", "you broke the login page" report; "you forgot to run the tests" corrects the work', () => {
    expect(said('you forgot the footer links')).toEqual([]);
    expect(said('you broke the login page')).toEqual([]);
    expect(said('you forgot to run the tests before saying it was done').map(([c]) => c)).toEqual([
      'correction',
    ]);
  });
});

describe('shapes opened up by dev round 9 (issue 15, session 22)', () => {
  it('"we never do <a thing>", a greeting before a label, "for all your future work"', () => {
    expect(said('we never do a network call per row in a loop here.')).toHaveLength(1);
    expect(
      said(
        'hello, one request for all your future work: please don’t disable the linter to get a green build',
      ),
    ).toHaveLength(1);
  });

  it('"please never do this again" after a question naming what the agent did takes the question along', () => {
    expect(said('deleted the fixtures without asking?? please never do this again')).toEqual([
      ['rule', 'deleted the fixtures without asking?? please never do this again'],
    ]);
  });
});

describe('more shapes opened up by dev round 9 (issue 15, session 22)', () => {
  it('"check with me before <anything> …", "I don’t want X, never", "<statement>, so <order> next time"', () => {
    expect(said('could you check with me before deleting anything on the shared drive?')).toHaveLength(1);
    expect(said('i dont want debug output in the code, never.')).toHaveLength(1);
    expect(
      said(
        'quick note: in this company every deploy goes through the pipeline, so please use the pipeline next time instead of deploying by hand',
      ),
    ).toHaveLength(1);
    // the speaker's own case stays theirs
    expect(said('i dont want to go to the meeting today')).toEqual([]);
  });
});

describe('an order for one day and a counted state (issue 15, session 22)', () => {
  it('"always …" bounded to one day is for that occasion; a weekday or a clock time recurs', () => {
    expect(said('always use the sandbox account for the client call tomorrow')).toEqual([]);
    expect(said('always use the sandbox account for client calls')).toHaveLength(1);
    expect(said('never deploy after 5pm')).toHaveLength(1);
  });

  it('"you said … but there are 2 failing jobs" reports a state; "… but never ran the tests" corrects the work', () => {
    expect(said('you said "all done" but there are 2 failing jobs in the pipeline')).toEqual([]);
    expect(said('you said all done but never ran the pipeline').map(([c]) => c)).toEqual(['correction']);
  });
});

describe('a cue of generality in the order itself (issue 15, session 23)', () => {
  it('a cue inside a time or purpose clause, or in the infinitive of a thing set up, describes that clause', () => {
    expect(said('bookmark this page for when I come back next time')).toEqual([]);
    expect(said('set up the linter for the CI job to always run on push')).toEqual([]);
    expect(said('keep retrying until it always passes')).toEqual([]);
    // the same cue in the order
    expect(said('always run the linter before you push')).toHaveLength(1);
  });

  it('"in this project" places a plain order’s work; it scopes a norm, a negated order, or a sentence it opens', () => {
    expect(said('list the env files in this repo')).toEqual([]);
    expect(said('create npm scripts from the makefiles in this project')).toEqual([]);
    expect(said('never commit env files in this repo')).toHaveLength(1);
    expect(said('Env files stay out of git in this repo.')).toHaveLength(1);
  });

  it('"do that for all of the <things>" extends this task to a set at hand; "for any other <thing>" holds on', () => {
    expect(said('ooh yes do that for all of the payment services')).toEqual([]);
    expect(said('mask the api key, and do that for any other secret after checking it.')).toHaveLength(1);
  });
});

describe('an order whose purpose is what this task’s things are to do (issue 15, session 24)', () => {
  it('a purpose of the thing at hand specifies the task: its object points back, or the purpose’s subject does', () => {
    expect(said('Rework the importer so that it skips empty rows.')).toEqual([]);
    expect(said('Change them so they follow the new naming.')).toEqual([]);
    expect(said('Put it under the scripts folder so the paths stay short.')).toEqual([]);
    expect(said('Please adjust the fixtures so they load faster.')).toEqual([]);
  });

  it('a purpose of a kind, or of others, is a reason that may hold for good', () => {
    expect(said('Keep handlers thin so that they stay easy to test.')).toHaveLength(1);
    expect(said('extend the schema so that new clients get the field, old ones won’t break')).toHaveLength(1);
    expect(said('Always rerun them so that you catch flaky failures.')).toHaveLength(1);
    // the purpose belongs to the last clause: its object is no pronoun pointing back
    expect(
      said('log it in the same table as before, just add a column so that older readers keep working'),
    ).toHaveLength(1);
  });
});

// Wordings written for these tests (s28: kinds of wrong rule seen on unseen real sessions).
describe('extractFeedback: confusion, requests for the simple way, questions with trailing punctuation', () => {
  it('"(I) don’t get/follow what …" is confusion, not an order; "don’t get rid of …" still is', () => {
    expect(said("Don't get what you're doing with the cache here.")).toEqual([]);
    expect(said("don't follow why the worker restarts twice.")).toEqual([]);
    expect(said("Don't get rid of comments when you refactor.")).toHaveLength(1);
  });

  it('"Can you just …?" asks for the simple way; "Did you just …?" is disbelief at what was done', () => {
    expect(said('Can you just make the flag default to true?')).toEqual([]);
    expect(said('Could you just rerun the migration?')).toEqual([]);
    expect(said('Did you just delete the fixtures folder?')).toHaveLength(1);
  });

  it('a question closed by stray punctuation is still a question; "never-ending" is no cue', () => {
    expect(said('Is there a way to speed up the import?,')).toEqual([]);
    expect(said('This never-ending loop of retries fills the log.')).toEqual([]);
    expect(said('This never ending loop of retries fills the log.')).toEqual([]);
    expect(said('Never retry more than three times.')).toHaveLength(1);
  });

  it('"by default" describing a state (“are running by default”) is no cue; as how to work it is', () => {
    expect(said('You should keep the order the tests are running by default.')).toEqual([]);
    expect(said('Please keep the jobs that are enabled by default.')).toEqual([]);
    expect(said('Run the tests in random order by default.')).toHaveLength(1);
  });

  // Wordings written for these tests (s29: kinds of wrong rule read on a dev corpus of real sessions).
  it('an elided "if any", "when everything is ready", "a plan going forward" and "it works by default" make no rule', () => {
    expect(said('Check the logs and tell me how many requests failed, if any, in the last week.')).toEqual(
      [],
    );
    expect(said('Count the pages that got visits if any these weeks.')).toEqual([]);
    expect(said('Keep going and ping me when everything is merged.')).toEqual([]);
    expect(said('Write this up and help draft a migration plan going forward.')).toEqual([]);
    expect(said('Make sure it builds by default.')).toEqual([]);
    // the same cues where they do make a rule
    expect(said('If any migration fails, roll back before you retry.')).toHaveLength(1);
    expect(said('The retry note covers every job, so if any are flaky, add a timeout.')).toHaveLength(1);
    expect(said('Going forward, write the migration plan before you touch the schema.')).toHaveLength(1);
  });

  it('"No … recently" reports; a judgement that names nothing it judges ("a much bigger problem") corrects nothing', () => {
    expect(said('No orders through the new checkout lately.')).toEqual([]);
    expect(said('No orders through the new checkout.')).toHaveLength(1);
    expect(said('That is a far more serious problem.')).toEqual([]);
    expect(said("That's a terrible migration.")).toHaveLength(1);
  });

  // wordings written for this test (the feedback dev rounds 14–15 showed the forms, not these sentences)
  it('a frustrated opener, "any more", and the team\'s practice after a place are rules', () => {
    expect(said('fuck me stop making edits without asking me first')).toEqual([
      ['rule', 'fuck me stop making edits without asking me first'],
    ]);
    expect(said('ffs stop rewriting the migrations without checking with me')).toHaveLength(1);
    expect(said('avoid any more schema resets unless I ask (they keep wiping the fixtures)')).toHaveLength(1);
    expect(said("don't touch the lockfile any more.")).toHaveLength(1);
    expect(said('are there any more failing specs?')).toEqual([]);
    expect(said('add any more specs you need')).toEqual([]);
    expect(said("In this codebase we don't write new helpers for what a util already does.")).toHaveLength(1);
    expect(said('On this team, we never merge without a review.')).toHaveLength(1);
    expect(said('In this repo the build takes ten minutes.')).toEqual([]);
  });

  it("what the agent never does, and a kind barred for good, stated without an order's form", () => {
    expect(said('you never push to the shared staging branch')).toHaveLength(1);
    expect(said("You don't drop tables without asking me, that's the rule.")).toHaveLength(1);
    expect(said('you do not open the prod console, ever')).toHaveLength(1);
    // a past event (at most a correction of what the agent left out), knowing, the speaker's case: no rule
    expect(said('you never told me the deploy failed').map(([cue]) => cue)).not.toContain('rule');
    expect(said('you never know with flaky tests')).toEqual([]);
    expect(said("you don't run it on my laptop")).toEqual([]);
    expect(said('a yarn.lock should never show up in this repo')).toHaveLength(1);
    expect(said('compiled bundles must never be committed')).toHaveLength(1);
    // one thing of the product, not a kind: a requirement, no way of working
    expect(said('the checkout page should never crash')).toEqual([]);
  });

  it('a reason naming a product does not make the order one case; a report asked for instead of improvising is a rule', () => {
    expect(said("don't edit the vendored files, because they're regenerated from Swagger")).toHaveLength(1);
    expect(said("don't edit the vendored files in Swagger")).toEqual([]);
    expect(said('if a binary is missing, tell me instead of installing another one.')).toHaveLength(1);
    expect(said('if a binary is missing, tell me.')).toEqual([]);
  });

  it('an order not to, unless the person agrees first, is a rule; a flag ending a sentence ends it', () => {
    expect(said("Don't switch the bundler without asking me first.")).toHaveLength(1);
    expect(said("Don't rename the public endpoints without discussing it first.")).toHaveLength(1);
    // one thing of now
    expect(said("don't merge this without my review")).toEqual([]);
    // "-f." is a flag, not an initial: the rule ends there, and the order after it says what to do instead
    expect(said('Stop running rm -f. Ask me which files to delete.')).toEqual([
      ['rule', 'Stop running rm -f. Ask me which files to delete.'],
    ]);
    expect(said('Stop running git add -A. It grabbed the scratch files too.')).toEqual([
      ['rule', 'Stop running git add -A.'],
    ]);
  });
});

describe('remarks, exhortations and one-day orders that state no rule (s31)', () => {
  // Wordings written for these tests, in the shapes of blind batch 12's false positives.
  it('an experience in the perfect after "never" is no order; "never have X do Y" is', () => {
    expect(said('Never have seen that warning before on this registry.')).toEqual([]);
    expect(said('Never have the release bot tag a build by itself.')).toHaveLength(1);
  });

  it('a verdict on the last answer that names nothing of the work is no correction', () => {
    expect(said("That's the wrong answer.")).toEqual([]);
    expect(said("That's the wrong answer, the invoices are stored in cents.")).toHaveLength(1);
  });

  it('a question with "need" asks; a past form echoed back objects', () => {
    expect(said('You need those tokens for the deploy step?')).toEqual([]);
    expect(said('You deleted the fixtures?')).toHaveLength(1);
  });

  it('a call to be thorough names nothing to keep', () => {
    expect(said("Don't miss anything.")).toEqual([]);
    expect(said("Don't make any mistakes.")).toEqual([]);
    expect(said('Never skip anything in the release checklist.')).toHaveLength(1);
  });

  it('a cue inside a bare "so" purpose describes the purpose, not the order', () => {
    expect(said("can you fix the cron entry so it doesn't break in the future?")).toEqual([]);
    expect(said('It burned us twice, so we never deploy on Fridays.')).toHaveLength(1);
  });

  it('an order to report is for now, whatever its purpose; so is one whose reason is a state in progress', () => {
    expect(said('look and summarize the failure rates so we can plan the sprint.')).toEqual([]);
    expect(said('walk me through the panel since it is not showing the option')).toEqual([]);
  });

  it('an order bounded by one day is for that day', () => {
    expect(said("I don't want you to lose the drafts we wrote today")).toEqual([]);
    expect(said("I don't want you to lose the drafts, ever")).toHaveLength(1);
  });
});

describe('requests to be told, remarks on a tool and a verdict on a place (s31, batch 14)', () => {
  // Wordings written for these tests, in the shapes of blind batch 14's false positives.
  it('"when"/"if" after a preposition or before an infinitive asks what to tell, it sets no condition', () => {
    expect(said('write a short note on when to use each of the scripts')).toEqual([]);
    expect(said('give me a summary of when the team should use each queue')).toEqual([]);
    expect(said('check if I pushed a password in this repo')).toEqual([]);
    // a condition about any case stays one
    expect(said('When a migration drops a column, ask me first.')).toHaveLength(1);
  });

  it('what a thing makes anyone do, and a verdict on a place that names none, are no feedback', () => {
    expect(said('The problem with the generated folders is you have to update them by hand.')).toEqual([]);
    expect(said('This is not the right place.')).toEqual([]);
    expect(said('This is not the right place for fixtures, they go under test/data.')).toHaveLength(1);
  });

  it('what the agent should be able to do is a complaint, not an order', () => {
    expect(said('You wrote the fixtures, you should be able to debug the parser.')).toEqual([]);
    expect(said('You should always run the parser tests before you push.')).toHaveLength(1);
  });
});

describe('what the agent is not supposed to do, and "- ever" (s31, batch 14)', () => {
  // Wordings written for these tests.
  it('"you are not supposed to …" bars like "you can\'t …"; "- ever" closing a sentence is a cue', () => {
    expect(said('You are not supposed to ever merge a branch unless I approve the diff.')).toHaveLength(1);
    expect(said("you're not supposed to edit the generated client")).toHaveLength(1);
    expect(said('You are not supposed to be in this folder.')).toEqual([]);
    expect(said("Please don't just paste stack traces into the docs - ever.")).toHaveLength(1);
  });
});

describe('bug reports and verdicts that name nothing (s31, batch 15)', () => {
  // Wordings written for these tests.
  it('a thing that was never called is a bug report; what the agent never did is a correction', () => {
    expect(said('saveDraft was never called when the dialog closed...')).toEqual([]);
    expect(said('you never ran the migration tests before pushing')).toHaveLength(1);
  });

  it('a verdict on the approach or the number of mistakes names nothing to keep', () => {
    expect(said('your approach failed.')).toEqual([]);
    expect(said('You make too many mistakes.')).toEqual([]);
    expect(said('This broke the checkout page.')).toHaveLength(1);
  });

  it('"you need to" inside an embedded "if" is no obligation', () => {
    expect(said('see if you can work it out or if you need to read the vendor docs first')).toEqual([]);
  });
});

describe('one thing to make, and how the product behaves (s31, batch 14)', () => {
  // Wordings written for these tests.
  it('an order to make one thing, with a purpose, is this task’s', () => {
    expect(said('Create a shared helper so we are not parsing dates all over the place.')).toEqual([]);
    expect(said("Don't parse dates by hand, we have a shared helper for that.")).toHaveLength(1);
  });

  it('"it is not …ing correctly" reports how the product behaves', () => {
    expect(said('It is not syncing correctly.')).toEqual([]);
    expect(said('This is not the way we name branches here.')).toHaveLength(1);
  });
});
