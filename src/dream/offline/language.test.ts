import { describe, expect, it } from 'vitest';
import { extractFact } from './facts.js';
import { contentLemmas, isForeign, opposes, sentenceSpans, stance } from './language.js';
import { extractPreferences } from './preferences.js';
import { CUE_TERMS } from './statements.js';

describe('sentenceSpans', () => {
  it('splits at wink-nlp sentence ends but never inside identifiers, hosts or paths', () => {
    expect(
      sentenceSpans(
        'Mock it with vi.fn, not a hand-rolled stub. The queue lives on mq-3.corp.local now.\nNext line',
      ),
    ).toEqual([
      'Mock it with vi.fn, not a hand-rolled stub.',
      'The queue lives on mq-3.corp.local now.',
      'Next line',
    ]);
    expect(sentenceSpans('Pull ghcr.io/acme/base:1.2 first. ok?')).toEqual([
      'Pull ghcr.io/acme/base:1.2 first.',
      'ok?',
    ]);
  });
});

describe('isForeign', () => {
  it('detects sentences in other languages and never short or English ones', () => {
    for (const t of [
      'Bitte schreibt die Tests immer mit vitest.',
      'Les remboursements se font toujours sur la carte d’origine.',
      'Nunca hagas push directamente a la rama principal.',
    ])
      expect(isForeign(t), t).toBe(true);
    for (const t of [
      'I prefer squash merges.',
      'Avoid default exports.',
      'Nice reminder, Gina!',
      'The payroll export moved to Fridays.',
      'Please keep PR descriptions short.',
    ])
      expect(isForeign(t), t).toBe(false);
  });

  it('text mostly in another script is foreign however few its spaces; an English sentence naming one word of it is not', () => {
    expect(isForeign('请用 chrome mcp 打开 http://localhost:3000/admin/users')).toBe(true);
    expect(isForeign('ビルドの前にテストを実行してください')).toBe(true);
    expect(isForeign('Всегда запускай тесты')).toBe(true);
    expect(isForeign('The greeting on the home page should read 你好 for Chinese visitors.')).toBe(false);
  });

  it('leaves rules and facts in another language alone instead of misreading them', () => {
    expect(extractPreferences('Utilisez toujours yarn, jamais npm, dans ce dépôt.')).toEqual([]);
    expect(extractFact('Der Build-Server ist jetzt build-7.corp.local.')).toBeNull();
    // the same in English is read
    expect(extractPreferences('Always use yarn in this repository, never npm.').length).toBe(1);
    expect(extractFact('The build server is now build-7.corp.local.')?.value).toBe('build-7.corp.local');
  });
});

describe('contentLemmas', () => {
  it('gives lemmas of content words only', () => {
    expect(contentLemmas('The staging databases were moved')).toEqual(['staging', 'database', 'move']);
  });
});

describe('stance and opposes', () => {
  const of = (t: string | string[]) => stance(t, CUE_TERMS);

  it('reads negation, contrasts and verbs of leaving out as dispreferring, by sentence structure', () => {
    expect(of('Use yarn, not npm.')).toEqual({ preferred: ['yarn'], dispreferred: ['npm'] });
    expect(of('Use yarn instead of npm, the lockfile is yarn.lock.').dispreferred).toEqual(['npm']);
    expect(of('Use tabs rather than spaces')).toEqual({ preferred: ['tab'], dispreferred: ['space'] });
    expect(of('Prefer composition over inheritance.')).toEqual({
      preferred: ['composition'],
      dispreferred: ['inheritance'],
    });
    expect(of('Avoid default exports.').dispreferred).toEqual(['default', 'export']);
    expect(of('Poems should stay short: no vivid or evocative imagery.').dispreferred).toEqual([
      'evocative',
      'imagery',
      'vivid',
    ]);
    // a contrast's scope ends where an adjunct starts
    expect(of('Prefer graph tools over grep for code discovery.').dispreferred).toEqual(['grep']);
    expect(of('Avoid mocking the database in integration tests.').dispreferred).toEqual(['database', 'mock']);
    // "over" without a verb of choosing states no preference
    expect(of('Run the migration over SSH.').dispreferred).toEqual([]);
  });

  it('composes a negation with what it negates: double negatives prefer', () => {
    expect(of("Don't forget to run the linter.")).toEqual({ preferred: ['linter', 'run'], dispreferred: [] });
    expect(of('Never skip the tests.')).toEqual({ preferred: ['test'], dispreferred: [] });
    // "don't X without Y": Y preferred, nothing said against X
    expect(of("Don't commit without running the tests.")).toEqual({
      preferred: ['run', 'test'],
      dispreferred: [],
    });
  });

  it('across several statements, a rejection outweighs plain mentions, and a term is preferred only when none rejects it', () => {
    const s = of([
      'Use yarn instead of npm.',
      'Never use npm in this repo, yarn only.',
      'Always install with yarn; npm breaks our lockfile.',
    ]);
    expect(s.preferred).toContain('yarn');
    expect(s.dispreferred).toContain('npm');
    // a rejection outweighs two plain mentions (the subject of a complaint looks like one)
    expect(of(['Never use npm here.', 'npm breaks our lockfile.']).dispreferred).toContain('npm');
    // wordings that disagree on a term say nothing of it: it is preferred only when none rejects it
    for (const more of [['npm is slow on this repo.'], ['npm is slow on this repo.', 'npm is old.']]) {
      const t = of(['Never use npm here.', 'npm breaks our lockfile.', ...more]);
      expect([...t.preferred, ...t.dispreferred]).not.toContain('npm');
    }
  });

  it('opposes only when shared terms flip polarity more often than both reject them', () => {
    const yes: [string, string][] = [
      ['Deploy on Fridays.', 'Never deploy on Fridays.'],
      ['Use tabs rather than spaces', 'Indent with spaces, never tabs.'],
      [
        'Use what you learn to craft a vivid, evocative poem.',
        'Poems for the team should stay short and plain: no vivid or evocative imagery.',
      ],
      ["Don't forget to run the linter before you push.", 'Skip the linter before pushing.'],
    ];
    for (const [a, b] of yes) expect(opposes(of(a), of(b)), `${a} | ${b}`).toBe(true);
    const no: [string, string][] = [
      ['Use yarn, not npm.', 'Never use npm in this repo, yarn only.'],
      ['Use yarn, not npm.', 'Use yarn instead of npm, the lockfile is yarn.lock.'],
      ['Never deploy by hand.', 'Deploy with the script, not by hand.'],
      ["Don't commit without running the tests.", 'Run the tests before committing.'],
      ['Indent with spaces, never tabs.', 'Never use tabs to indent, always spaces.'],
    ];
    for (const [a, b] of no) expect(opposes(of(a), of(b)), `${a} | ${b}`).toBe(false);
  });
});
