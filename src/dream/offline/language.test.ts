import { describe, expect, it } from 'vitest';
import { extractFact } from './facts.js';
import { contentLemmas, isForeign, sentenceSpans } from './language.js';
import { extractPreferences } from './preferences.js';

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
