import { describe, expect, it } from 'vitest';
import { extractFact, extractFacts, factsContradict } from './facts.js';

describe('facts', () => {
  it('keys schedule and change statements by subject', () => {
    const a = extractFact('- Deploys happen on Tuesdays.')!;
    const b = extractFact('Deploys moved to Thursdays as of March.')!;
    expect(a).toMatchObject({ subject: 'deploy', value: 'tuesday', type: 'weekday', change: false });
    expect(b).toMatchObject({ subject: 'deploy', value: 'thursday', type: 'weekday', change: true });
    expect(factsContradict(a, b)).toBe(true);
    expect(factsContradict(a, extractFact('Deploys happen on Tuesdays')!)).toBe(false);
  });

  it('does not treat two plain "X is Y" statements as contradicting', () => {
    const a = extractFact('Alice is the tech lead')!;
    const b = extractFact('Alice is on vacation')!;
    expect(a.subject).toBe(b.subject);
    expect(factsContradict(a, b)).toBe(false);
    const c = extractFact('The database is now MySQL')!;
    const d = extractFact('The database is Postgres')!;
    expect(factsContradict(c, d)).toBe(true);
  });

  it('reads "we use X for Y" and key: value lines, skipping code and headings', () => {
    const facts = extractFacts(
      '# Tools\n\nWe use pnpm for package management.\nCI: GitHub Actions\n```\nX: y\n```\n',
    );
    expect(facts.map((f) => [f.pattern, f.subject, f.value])).toEqual([
      ['uses-for', 'package management', 'pnpm'],
      ['key-value', 'ci', 'github action'],
    ]);
  });
});
