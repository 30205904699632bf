import { describe, expect, it } from 'vitest';
import { allCorpusLabels, NO_FIX_RE, parseCorpusLabels } from './schema.js';
import tau from './tau-airline.json' with { type: 'json' };

describe('corpus labels', () => {
  it('every label file passes the schema, with unique ids and the corpora in report order', () => {
    const all = allCorpusLabels();
    expect(all.map((c) => c.corpus)).toEqual([
      'tau-airline',
      'swe-django-100',
      'claude-code',
      'openhands',
      'swe-agent',
      'codex',
    ]);
    for (const c of all.slice(0, 4)) expect(c.patterns.filter((p) => p.required).length).toBeGreaterThan(0);
    for (const c of all) {
      for (const p of c.patterns) expect(p.support.examples.length).toBeLessThanOrEqual(p.support.sessions);
    }
  });

  it('rejects an invalid regular expression, naming the file and the field', () => {
    const bad = structuredClone(tau) as { patterns: { match: string[] }[] };
    bad.patterns[1]!.match[0] = 'unclosed (group';
    expect(() => parseCorpusLabels(bad, 'x.json')).toThrow(
      /x\.json: invalid labels: patterns\.1\.match\.0: not a valid regular expression/,
    );
  });

  it('rejects a duplicated id and an unknown field', () => {
    const dup = structuredClone(tau) as { noise: { id: string }[] };
    dup.noise[1]!.id = dup.noise[0]!.id;
    expect(() => parseCorpusLabels(dup, 'y.json')).toThrow(/y\.json: duplicate label id tau\.policy-prompt/);
    expect(() => parseCorpusLabels({ ...tau, extra: 1 }, 'z.json')).toThrow(/z\.json: invalid labels/);
  });

  it('recognises the usual ways of saying no fix was found, and not a stated fix', () => {
    expect(NO_FIX_RE.test('No reliable fix was seen in these sessions.')).toBe(true);
    expect(NO_FIX_RE.test('no fix found yet')).toBe(true);
    expect(NO_FIX_RE.test('Fix: change payment_methods[].amount')).toBe(false);
  });
});
