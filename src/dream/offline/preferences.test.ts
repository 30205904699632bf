import { describe, expect, it } from 'vitest';
import { extractPreferences, MAX_USER_MESSAGE_CHARS, splitSentences } from './preferences.js';

describe('extractPreferences', () => {
  it('finds standing rules and corrections, verbatim', () => {
    const got = extractPreferences(
      'No, use the staging database. Always run the linter before committing. I prefer squash merges.\nUse pnpm instead of npm.',
    );
    expect(got.map((p) => [p.kind, p.text])).toEqual([
      ['correction', 'No, use the staging database.'],
      ['preference', 'Always run the linter before committing.'],
      ['preference', 'I prefer squash merges.'],
      ['preference', 'Use pnpm instead of npm.'],
    ]);
  });

  it('ignores one-off requests, answers and questions', () => {
    for (const m of [
      'Please use my credit card ending in 7334 for the payment.',
      'No, I do not want travel insurance.',
      "I don't remember the reservation ID.",
      'Could you please always check the fare?',
    ])
      expect(extractPreferences(m)).toEqual([]);
  });

  it('skips long messages (task descriptions, templated prompts)', () => {
    expect(extractPreferences(`Always do X. ${'x'.repeat(MAX_USER_MESSAGE_CHARS)}`)).toEqual([]);
  });
});

describe('extractPreferences: weaker cues and sentence splitting', () => {
  it('accepts impersonal rules stated without an imperative opener', () => {
    for (const m of [
      "sign-off for customer emails is always 'The Acme Care Team'",
      'Commit messages should follow Conventional Commits (feat:, fix:, chore:).',
      'Tests are vitest only.',
      "We don't do default exports in this codebase.",
      "we're a pnpm shop, so no npm install please",
      'Remember our commits are Conventional Commits style, e.g. fix(api): handle empty cart.',
      'Quick note: use conventional commit prefixes in the commit message',
    ])
      expect(
        extractPreferences(m).map((p) => p.kind),
        m,
      ).toEqual(['preference']);
    // the discourse opener is not part of the quote
    expect(extractPreferences('Quick note: please never push store credit proactively.')[0]!.text).toBe(
      'please never push store credit proactively.',
    );
  });

  it('leaves answers, chit-chat, narratives, one-case remarks and typed facts alone', () => {
    for (const m of [
      'Yes, everything looks correct.',
      'There should definitely be 3 passengers on the reservation.',
      'Order #W2158448, item never worked.',
      'Keep going!',
      'Exploring new cities is always so much fun.',
      "It's always been just chilling at the lake.",
      'No worries, John.',
      'Remember CI uses ci-runner:2025.1 for every job.',
      'I only need one bag this time.',
    ])
      expect(extractPreferences(m), m).toEqual([]);
  });

  it('splits run-on messages where a sentence ends without punctuation', () => {
    expect(
      splitSentences(
        "sign-off for customer emails is always 'The Acme Care Team' Customers have 45 days to return items.",
      ),
    ).toEqual([
      "sign-off for customer emails is always 'The Acme Care Team'",
      'Customers have 45 days to return items.',
    ]);
    expect(
      splitSentences('we moved off jest, use vitest for any new tests If you need the dashboard: user admin'),
    ).toEqual(['we moved off jest, use vitest for any new tests', 'If you need the dashboard: user admin']);
    expect(
      splitSentences('use conventional commit prefixes btw the staging DB lives on db-1.internal'),
    ).toEqual(['use conventional commit prefixes', 'btw the staging DB lives on db-1.internal']);
    expect(splitSentences('We standardized on pnpm. staging dashboard login is admin')).toEqual([
      'We standardized on pnpm.',
      'staging dashboard login is admin',
    ]);
    // noun phrases and abbreviations stay whole
    for (const t of [
      'As always, the staging Postgres is at db-2.internal',
      'No Jest please, vitest is our test runner.',
      'Remember our commits are Conventional Commits style, e.g. fix(api): handle empty cart.',
    ])
      expect(splitSentences(t)).toEqual([t]);
  });
});

// Wordings written for these tests (not the planted generator's held-out half).
describe('extractPreferences: a contrast is a cue only in the main clause', () => {
  it('a contrast inside a condition or a reason states no rule', () => {
    for (const m of [
      'same trouble if the service tried to stream results rather than return them at once.',
      'because the job ran hourly rather than daily, the report was late.',
      'it broke when the worker read the cache instead of the database.',
    ])
      expect(extractPreferences(m), m).toEqual([]);
  });

  it('a contrast in the main clause still does, also after a condition closed by a comma', () => {
    for (const m of [
      'Store dates in UTC rather than local time.',
      'When writing tests, use vitest rather than jest.',
      'If a branch is behind, rebase it instead of merging main into it.',
      'Tabs, not spaces.',
      'Logs go to stderr (not stdout).',
    ])
      expect(
        extractPreferences(m).map((p) => p.kind),
        m,
      ).toEqual(['preference']);
  });
});

describe('extractPreferences: cues of generality', () => {
  it('reads rules stated as a deontic, a rule label, "all …", the team’s own things or its habit', () => {
    for (const m of [
      'Force pushes are not allowed on shared branches.',
      'House style: headings in sentence case.',
      'All invoices go out with the PO number in the subject line.',
      'Our services are deployed with Helm charts.',
      'We squash feature branches before merging.',
    ])
      expect(
        extractPreferences(m).map((p) => p.kind),
        m,
      ).toEqual(['preference']);
  });

  it('no rule without such a cue, from a subordinate "we", a question, or a stated fact', () => {
    for (const m of [
      'run the linter, and while we wait, update the changelog',
      'Are all the builds green now',
      'From now on the metrics database is metrics-3.corp.local.',
      'No, the payout window is 14 days.',
      'We went through the logs yesterday.',
      "we're a yarn shop, so no npm please staging login is admin / [REDACTED] if you need it",
    ])
      expect(extractPreferences(m), m).toEqual([]);
  });

  it('does not cut a sentence before a capitalised name', () => {
    expect(splitSentences('Invoices are signed The Finance Desk, never by a person.')).toEqual([
      'Invoices are signed The Finance Desk, never by a person.',
    ]);
  });
});

describe('extractPreferences: pasted program output is never a rule', () => {
  it('passes over a message that holds an error report, an exception line or a log record', () => {
    for (const m of [
      // an error page copied from a browser: a heading, then the program's own sentences
      "Permission Error\n\nYou are not allowed to modify 'Invoice' (billing.invoice) records.\n\nContact your administrator to request access if necessary.",
      "Server Error in '/' Application.\nBuild Error\nDetails: A failure was reported while building a page required to answer this call.",
      // an exception line, then a sentence with a rule's shape
      'ValueError: negative totals are not allowed\nis what i get now',
      // a log record
      '2031-04-05 10:11:12,345 7 WARNING shop.http: Guests are not permitted to open the admin pages.',
    ])
      expect(extractPreferences(m)).toEqual([]);
  });

  it('keeps the same rules typed by a person', () => {
    expect(extractPreferences('You are not allowed to push to main.').map((p) => p.text)).toEqual([
      'You are not allowed to push to main.',
    ]);
    expect(
      extractPreferences('The build broke again. Reviews are required before every merge.').map(
        (p) => p.text,
      ),
    ).toEqual(['Reviews are required before every merge.']);
  });

  it('reads a deontic participle after a noun, with a verb before it, as a description, not a rule', () => {
    // the participle describes "a module" in a report of what happened (a reduced relative clause)
    expect(
      extractPreferences('A failure occurred while loading a module required to render the page.'),
    ).toEqual([]);
    expect(extractPreferences('The job stopped on a step forbidden by the sandbox.')).toEqual([]);
    // no verb before it: a rule in telegraphic style
    expect(extractPreferences('Reviews required for every pull request.').map((p) => p.text)).toEqual([
      'Reviews required for every pull request.',
    ]);
  });

  it('reads no rule from a participle before its noun, an HTTP status or a setting', () => {
    for (const t of [
      'The single required field in the signup form is the email.',
      'works, but now after saving the page 403: Forbidden',
      'the upload answers 405 Method Not Allowed',
      'set search.index.required=false in the config file',
    ])
      expect(extractPreferences(t), t).toEqual([]);
    // the same words said as a rule
    expect(extractPreferences('Reviews are required before every merge.')).toHaveLength(1);
  });
});

describe('extractPreferences: one-offs are no standing preference (unseen real sessions, s21)', () => {
  it('a question without its mark, a "now" step, a bug report, an order on this task over a set, a "whenever" report', () => {
    for (const t of [
      'hm, why does the build keep breaking after every merge',
      'now don’t resize.',
      'ok now never touch the layout file.',
      'every time I open the settings page, I get a blank screen',
      'whenever i run the script it crashes with a segfault',
      'implement it for all systems',
      'apply the same change to all the services',
      'every time the page reloads the list is empty',
      'never mind, I will do it myself',
    ])
      expect(extractPreferences(t), t).toEqual([]);
  });

  it('standing preferences with the same words stay', () => {
    for (const t of [
      'Never touch the layout file.',
      'Whenever you change the schema, run the migrations.',
      'Keep it simple for all new services.',
      'Every time you open a PR, add a changelog entry.',
      'Whenever the schema changes, run the migrations.',
    ])
      expect(extractPreferences(t).length, t).toBe(1);
  });
});

describe('extractPreferences: an order about one thing of this task is no rule (s25)', () => {
  it('a rule-setting verb whose object is one thing, or a set this task has, states no preference', () => {
    for (const t of [
      'Write a script that prints the failing tests.',
      'name the file report-card.ts',
      'use it for the second chart too',
      'commit all the changes',
      'write the summary to notes.md',
      'follow this link and summarize the page',
      // (s26: telegraphic orders over this task's set, a setting's value, a report of what is not always so)
      'commit and push all repos',
      'iterate all functions',
      "run 'make test-all' and fix all warnings",
      "format 'make bench-all' output.",
      'write into plan.md to review',
      'how to run all unit tests',
      "don't understand",
      'explain sparse=always  ~ do not understand',
      'the FPGA board is not always available',
      'reuse the results of run_04_r1 for the detection',
      'comparing the histograms across cells and all regions is extremely useful',
      'no test.jsonl',
      'we are testing libm only',
      // (s27: a past event told with "never")
      'the nightly build never finished',
    ])
      expect(extractPreferences(t), t).toEqual([]);
  });

  it('the same verbs over a kind of thing, or a norm to follow, still do', () => {
    for (const t of [
      'write commit messages in the imperative mood',
      'use pnpm for everything',
      'Follow the existing layout.',
      'log every request',
      'Format all dates as ISO 8601.',
      'Run all tests before pushing.',
      'Always run the tests and fix all warnings.',
      'Ensure that all tests pass before you push.',
      // (s27: a participle after a comma leaves "are" out, it is not a past event told)
      'Renames go in their own PR, never mixed into a fix.',
    ])
      expect(extractPreferences(t).length, t).toBe(1);
  });
});

describe('extractPreferences: venting at the agent (s21)', () => {
  it('keeps only what is said to hold beyond the incident', () => {
    expect(extractPreferences('don’t touch anything else, you idiot, just find the bug')).toEqual([]);
    expect(extractPreferences('you are useless. don’t revert the migration, fix it')).toEqual([]);
    expect(extractPreferences('you idiot, never force push to main again').length).toBe(1);
  });
});

describe('extractPreferences: the present state inside a design question (s21)', () => {
  it('"currently …", "the current default is …" describe how things are, not a preference', () => {
    for (const t of [
      'currently the export always uses UTC, which confuses users. should we switch to local time?',
      'currently the scheduler never cleans up old jobs, so the table keeps growing. how would you fix it?',
      'the current default is that every user gets admin rights, which is bad. how can we restrict it?',
    ])
      expect(extractPreferences(t), t).toEqual([]);
    expect(extractPreferences('The export always uses UTC, never local time.').length).toBe(1);
  });
});

describe('status replies and task scopes are no preferences (s31)', () => {
  // Wordings written for these tests, in the shapes of blind batch 12's false positives (a status reply
  // and a ticket scope each repeated over sessions became "preferences").
  it('ignores "no" before a status or an order, and a ticket key before "only"', () => {
    for (const m of [
      'No still broken , look at the logs again',
      'No check the newest migration files first',
      'OPS-31/OPS-32 only.',
    ])
      expect(extractPreferences(m)).toEqual([]);
  });

  it('keeps "no" before a kind and "only" after a tool', () => {
    expect(extractPreferences('No default exports please.').map((p) => p.kind)).toEqual(['preference']);
    expect(extractPreferences('Squash merges only.').map((p) => p.kind)).toEqual(['preference']);
  });
});
