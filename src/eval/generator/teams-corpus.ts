/**
 * The planted three-team corpus (issue 14, `generatePlanted({teams: true})`): short coding sessions of
 * nine people in three teams, written as reverie normalized JSONL (`transcripts/teams/<team>/…`) with
 * `user_id`, `agent_id` and `team_id`, and its ground truth (`teams-truth.json`). Drawn from its own
 * RNG streams (`<seed>:teams:…`), so the rest of the benchmark is byte-identical with or without it.
 *
 * What is planted (each statement in the train or the held-out test wordings of the catalog's
 * preferences, like the main benchmark):
 * - a team-wide preference per team, stated by every person of that team (3 people, 2 sessions each):
 *   it belongs in that team's store and in no other team's;
 * - one person's habit (one person of the first team, 2 sessions: their agent passes vitest a Jest
 *   flag and recovers; they also state a preference of their own): it stays personal, in no team or
 *   org store;
 * - an organisation-wide preference stated by one person in each team (2 sessions each): it reaches the
 *   organisation store (3 teams) and no team store (1 person per team);
 * - personal details that recur: each person gives their own e-mail address and phone number, and
 *   two people of one team discuss the same customer's order: none may reach a team or org store.
 */
import type { Phrasings, PreferenceDef } from './catalog.js';
import { MISTAKES, PREFERENCES, preferenceWordings, withPrefix } from './catalog.js';
import type { GenSession } from './model.js';
import { Rng } from './prng.js';
import { SessionBuilder } from './session-builder.js';
import { toReverieJsonl } from './writers.js';

/** One team of the corpus. */
export interface CorpusTeam {
  name: string;
  agent: string;
  people: string[];
}

/** The three teams (people's ids are first names; agents one per team). */
export const CORPUS_TEAMS: readonly CorpusTeam[] = [
  { name: 'payments', agent: 'payments-agent', people: ['ana', 'ben', 'chloe'] },
  { name: 'search', agent: 'search-agent', people: ['dan', 'eve', 'farid'] },
  { name: 'mobile', agent: 'mobile-agent', people: ['gia', 'hugo', 'ines'] },
];

/** A planted statement of the teams corpus and where it belongs. */
export interface TeamsTruthItem {
  id: string;
  /** `team`: the team's store; `org`: the organisation store; `personal`: no shared store. */
  belongs: 'team' | 'org' | 'personal';
  /** The team whose people state it (absent for the org item). */
  team?: string;
  people: string[];
  sessions: number;
  /** Lower-case words, all of which a memory about it contains (the catalog's markers). */
  markers: string[][];
}

/** `teams-truth.json`: teams, items, and the personal strings no shared store may hold. */
export interface TeamsTruth {
  schema: 'reverie.eval.teams-truth/v1';
  seed: string;
  phrasings: Phrasings;
  dir: string;
  teams: CorpusTeam[];
  items: TeamsTruthItem[];
  /** E-mail addresses, phone numbers, order ids and people's ids that must stay out of shared stores. */
  personal_strings: string[];
  sessions: number;
}

/** Topics of the tickets sessions start from (each session names its own ticket number). */
const TOPICS = [
  'the flaky checkout test',
  'retries in the webhook sender',
  'the config loader rename',
  'the HTTP client upgrade',
  'validation on the settings endpoint',
  'the open-issues counter script',
];

/** Which catalog preference plays which role: team prefs by team, personal habits by team, the org pref. */
function roles(): { team: PreferenceDef[]; personal: PreferenceDef[]; org: PreferenceDef } {
  const byId = (id: string) => PREFERENCES.coding.find((p) => p.id === id)!;
  return {
    team: [
      byId('preference.coding.pnpm'),
      byId('preference.coding.vitest'),
      byId('preference.coding.named-exports'),
    ],
    personal: [byId('preference.coding.utc-iso-logs')],
    org: byId('preference.coding.conventional-commits'),
  };
}

interface Plan {
  person: string;
  team: CorpusTeam;
  planted: string[];
}

/**
 * Each person's sessions and what is said in them (deterministic, no randomness): every person states
 * the team's preference in two sessions; the first person of the first team states a habit of their
 * own in two more; the second person of every team the organisation's preference in two more; two
 * people of the second team mention the same customer's order in a third session each.
 */
function plans(): Plan[] {
  const r = roles();
  const out: Plan[] = [];
  CORPUS_TEAMS.forEach((team, t) => {
    team.people.forEach((person, p) => {
      const own = [[r.team[t]!.id], [r.team[t]!.id]];
      if (t === 0 && p === 0)
        own.push([`${r.personal[0]!.id}@${person}`], [`${r.personal[0]!.id}@${person}`]);
      if (p === 1) own.push([r.org.id], [r.org.id]);
      if (t === 1 && p < 2) own.push(['case']);
      for (const planted of own) out.push({ person, team, planted });
    });
  });
  return out;
}

/**
 * The habit of one person's agent: a Jest flag passed to vitest, refused, and the run repeated with
 * vitest's own flag (the catalog's `mistake.coding.vitest-unknown-option`).
 */
function habitMistake(b: SessionBuilder, rng: Rng): void {
  const file = `src/${rng.pick(['cart', 'totals', 'auth'])}.test.ts`;
  const stderr = 'CACError: Unknown option `--runInBand`';
  b.call('Bash', { command: `pnpm vitest run ${file} --runInBand` }, `Exit code 1\n${stderr}`, {
    isError: true,
    shell: { stdout: '', stderr },
  });
  b.think('--runInBand is a Jest flag; vitest wants --no-file-parallelism.');
  const ok = ` ✓ ${file} (${rng.int(3, 30)} tests)\n Test Files  1 passed (1)`;
  b.call('Bash', { command: `pnpm vitest run ${file} --no-file-parallelism` }, ok, {
    shell: { stdout: ok, stderr: '' },
  });
}

/** A person's contact details (deterministic from the seed). */
function contact(seed: string, person: string): { email: string; phone: string } {
  const rng = new Rng(`${seed}:teams:contact:${person}`);
  return {
    email: `${person}.${rng.alnum(4).toLowerCase()}@example.com`,
    phone: `+1 415 555 ${String(rng.int(1000, 9999))}`,
  };
}

/** One session of the corpus: the person's request with what `plan` plants in it, and a short run. */
function buildSession(
  seed: string,
  phrasings: Phrasings,
  startMs: number,
  plan: Plan,
  i: number,
  order: string,
): GenSession {
  const r = roles();
  const prefById = new Map([...r.team, ...r.personal, r.org].map((p) => [p.id, p]));
  const rng = new Rng(`${seed}:teams:session:${i}`);
  const b = new SessionBuilder(rng, startMs + i * 3_600_000, 'claude');
  const c = contact(seed, plan.person);
  b.system('You are a coding agent working in the company monorepo.');
  const lines = [`I'm on ticket ${1000 + i * 7} today, about ${rng.pick(TOPICS)}.`];
  for (const id of plan.planted) {
    const pref = prefById.get(id.split('@')[0]!);
    if (pref) lines.push(withPrefix(rng, rng.pick(preferenceWordings(pref, phrasings))));
    if (id === 'case')
      lines.push(`Customer order ${order} was charged twice; always refund ${order} to the original card.`);
  }
  lines.push(`If anything is unclear, mail me at ${c.email} or call ${c.phone}.`);
  b.user(lines.join(' '));
  b.say('On it.');
  if (plan.planted.some((id) => id.includes('@'))) habitMistake(b, rng);
  b.call('Bash', { command: 'git status --short' }, ' M src/index.ts', {
    shell: { stdout: ' M src/index.ts', stderr: '' },
  });
  b.say('Done: the change is in src/index.ts.');
  b.user('Thanks.');
  return {
    index: i,
    domain: 'coding',
    id: `team-${plan.team.name}-${String(i).padStart(3, '0')}`,
    agent_id: plan.team.agent,
    user_id: plan.person,
    team_id: plan.team.name,
    task: 'teams',
    title: lines[0]!,
    cwd: `/home/${plan.person}/src`,
    branch: 'main',
    model: 'claude-sonnet-4-5',
    events: b.events,
    outcome: { result: 'satisfied', score: 1 },
    planted: new Set(plan.planted),
  };
}

/** The planted items of the corpus, with the markers of the wordings written. */
function truthItems(phrasings: Phrasings): TeamsTruthItem[] {
  const r = roles();
  const markers = (p: PreferenceDef) =>
    (phrasings === 'test' && p.test_markers ? p.test_markers : p.markers).all;
  return [
    ...CORPUS_TEAMS.map((t, i) => ({
      id: r.team[i]!.id,
      belongs: 'team' as const,
      team: t.name,
      people: [...t.people],
      sessions: t.people.length * 2,
      markers: markers(r.team[i]!),
    })),
    {
      id: `${MISTAKES.vitestFlag.id}@${CORPUS_TEAMS[0]!.people[0]}`,
      belongs: 'personal' as const,
      team: CORPUS_TEAMS[0]!.name,
      people: [CORPUS_TEAMS[0]!.people[0]!],
      sessions: 2,
      markers: MISTAKES.vitestFlag.markers.all.map((m) => [...m]),
    },
    {
      id: r.org.id,
      belongs: 'org',
      people: CORPUS_TEAMS.map((t) => t.people[1]!),
      sessions: CORPUS_TEAMS.length * 2,
      markers: markers(r.org),
    },
  ];
}

/**
 * Builds the sessions and the truth of the teams corpus.
 * @param startMs when the first session starts; sessions follow an hour apart.
 */
export function buildTeamsCorpus(
  seed: string,
  phrasings: Phrasings,
  startMs: number,
): { sessions: GenSession[]; truth: Omit<TeamsTruth, 'dir'> } {
  const order = `W${new Rng(`${seed}:teams:order`).int(1_000_000, 9_999_999)}`;
  const sessions = plans().map((plan, i) => buildSession(seed, phrasings, startMs, plan, i, order));
  const everyone = CORPUS_TEAMS.flatMap((t) => t.people);
  return {
    sessions,
    truth: {
      schema: 'reverie.eval.teams-truth/v1',
      seed,
      phrasings,
      teams: CORPUS_TEAMS.map((t) => ({ ...t, people: [...t.people] })),
      items: truthItems(phrasings),
      personal_strings: [
        order,
        ...everyone.flatMap((p) => {
          const c = contact(seed, p);
          return [c.email, c.phone];
        }),
        ...everyone,
      ],
      sessions: sessions.length,
    },
  };
}

/** The JSONL text and relative file of each session of the corpus (under `dir`). */
export function teamsCorpusFiles(sessions: GenSession[], dir: string): { file: string; text: string }[] {
  return sessions.map((s) => ({
    file: `${dir}/${s.team_id}/${s.id}.jsonl`,
    text: toReverieJsonl(s, 'reverie-eval-teams'),
  }));
}
