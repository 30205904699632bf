import { describe, expect, it } from 'vitest';
import {
  canonicalSubjects,
  extractFact,
  extractFacts,
  factsContradict,
  identifierWords,
  isChatFact,
  sameSubject,
} from './facts.js';

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

  it('reads no fact off a pasted shell command: an option line or a line continued with a backslash', () => {
    const pasted =
      "curl 'https://api.example.net/v1/items' \\\n  -H 'Origin: https://app.example.net' \\\n  --data-raw '{}'";
    expect(extractFacts(pasted)).toEqual([]);
    expect(extractFacts('Origin: https://app.example.net').map((f) => f.subject)).toEqual(['origin']);
  });
});

describe('typed facts and topics', () => {
  it('reads typed values with their verbatim span and one subject across paraphrases', () => {
    const cases: [string, string, string, string][] = [
      ['FYI the staging database host is db-staging-2.internal.', 'stag db', 'host', 'db-staging-2.internal'],
      ['heads up: the staging DB lives on db-staging-2.internal', 'stag db', 'host', 'db-staging-2.internal'],
      [
        "Note that staging's database server is db-staging-2.internal.",
        'stag db',
        'host',
        'db-staging-2.internal',
      ],
      [
        'Staging database host: db-staging-1.internal (Postgres 16).',
        'stag db',
        'host',
        'db-staging-1.internal',
      ],
      ['Remember CI uses ci-runner:2025.1 for every job.', 'ci', 'image', 'ci-runner:2025.1'],
      ['The CI job image is ghcr.io/acme/ci-runner:2025.1.', 'ci job', 'image', 'ci-runner:2025.1'],
      ['Customers have 45 days to return items.', 'return window', 'duration', '45 days'],
      ['Returns are accepted within 45 days of delivery.', 'return window', 'duration', '45 days'],
      ['Customers can return items within 30 days of delivery.', 'return window', 'duration', '30 days'],
      ['Escalations go to tier2@acme-shop.com.', 'escalation', 'email', 'tier2@acme-shop.com'],
      [
        'the escalation address is escalations@acme-shop.com',
        'escalation',
        'email',
        'escalations@acme-shop.com',
      ],
      [
        "Send anything you can't resolve to tier2@acme-shop.com.",
        'anyth resolve',
        'email',
        'tier2@acme-shop.com',
      ],
      ['If it needs tier 2, email tier2@acme-shop.com.', 'need tier', 'email', 'tier2@acme-shop.com'],
      ['Standup happens at 9:30.', 'standup', 'time', '09:30'],
    ];
    for (const [text, subject, type, value] of cases) {
      const f = extractFact(text);
      expect(f, text).not.toBeNull();
      expect([f!.subject, f!.type, f!.value], text).toEqual([subject, type, value]);
      expect(text).toContain(f!.raw);
      expect(isChatFact(f!), text).toBe(f!.pattern !== 'key-value');
    }
  });

  it('keeps conditionals, questions, personal and free-text chat statements out', () => {
    expect(extractFact('If it rains, the game is at 10:00.')).toBeNull();
    expect(extractFact('Is the staging host db-1.internal?')).toBeNull();
    expect(isChatFact(extractFact('my flight is at 10am')!)).toBe(false);
    expect(isChatFact(extractFact('The API is really slow today')!)).toBe(false);
    // a region identifier is a precise value, not free text
    expect(extractFact('Staging runs in eu-west-3.')!.type).toBe('id');
  });

  it('unites subjects that contain each other, share an identifier value, or name it', () => {
    const canon = canonicalSubjects([
      { subject: 'ci', type: 'image', value: 'ci-runner:2025.1', weight: 5 },
      { subject: 'ci job', type: 'image', value: 'ci-runner:2025.1', weight: 1 },
      { subject: 'ci build', type: 'image', value: 'ci-runner:2024.3', weight: 1 },
      { subject: 'escalation', type: 'email', value: 'escalations@acme-shop.com', weight: 2 },
      { subject: 'anyth resolve', type: 'email', value: 'escalations@acme-shop.com', weight: 1 },
      { subject: 'need tier', type: 'email', value: 'x@acme-shop.com', weight: 1 },
      { subject: 'billing', type: 'email', value: 'tier2@acme-shop.com', weight: 1 },
      { subject: 'alice', type: 'text', value: 'tech lead', weight: 1 },
    ]);
    expect(canon.get('image\u0000ci job')).toBe('ci');
    expect(canon.get('image\u0000ci build')).toBe('ci');
    expect(canon.get('email\u0000anyth resolve')).toBe('escalation');
    // `tier2@…` is named like "needs tier 2": those subjects join
    expect(canon.get('email\u0000need tier')).toBe(canon.get('email\u0000billing'));
    expect(canon.get('email\u0000need tier')).not.toBe('escalation');
    expect(identifierWords('db-staging-2.internal')).toEqual(['db', 'stag']);
    expect(sameSubject('ci', 'ci job')).toBe(true);
    expect(sameSubject('ci job', 'ci build')).toBe(false);
  });

  it('contradicts on different precise values of one subject', () => {
    const a = extractFact('Staging database host: db-staging-1.internal')!;
    const b = extractFact('the staging DB lives on db-staging-2.internal')!;
    expect(factsContradict(a, b)).toBe(true);
    expect(factsContradict(a, extractFact('The staging Postgres is at db-staging-1.internal')!)).toBe(false);
  });
});

describe('chat facts', () => {
  it('treats labelled dialogue and first-person remarks as conversation, not facts', () => {
    expect(isChatFact(extractFact('Andrew: Last Friday, I hiked with some friends.')!)).toBe(false);
    expect(isChatFact(extractFact('The hike is on Saturday, I think')!)).toBe(false);
    expect(isChatFact(extractFact('The standup is on Monday')!)).toBe(true);
  });
});
