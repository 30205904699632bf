/**
 * The planted-benchmark generator: writes N synthetic sessions (half customer support in OpenAI chat
 * and reverie normalized JSONL, half coding in Claude Code JSONL), an input memory store, a manifest
 * and `ground-truth.json` into one folder. Deterministic: the same seed and size give byte-identical
 * files. Streams to disk one session at a time, so 10,000 sessions need little memory.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type {
  GroundTruth,
  ManifestEntry,
  NoiseItem,
  PlantedItem,
  PlantedKind,
  PoisonItem,
  SecretItem,
} from '../ground-truth.js';
import {
  FACTS,
  FEEDBACK,
  factTemplates,
  feedbackWordings,
  type ItemDef,
  MISTAKES,
  makeTeamSecrets,
  memoryStore,
  type Phrasings,
  POISON,
  PREFERENCES,
  type PreferenceDef,
  preferenceWordings,
  type SecretDef,
  TEAMS,
  WORKFLOWS,
} from './catalog.js';
import { buildCodingSession } from './coding-domain.js';
import type { BuiltSession } from './context.js';
import { Rng } from './prng.js';
import { buildSupportSession } from './support-domain.js';
import { buildTeamsCorpus, type TeamsTruth, teamsCorpusFiles } from './teams-corpus.js';
import { toClaudeCodeJsonl, toOpenAiChatJson, toReverieJsonl } from './writers.js';

/** Writes the three-team corpus under `transcripts/teams/` and its `teams-truth.json`. */
async function writeTeamsCorpus(
  out: string,
  seed: string,
  phrasings: Phrasings,
  startMs: number,
): Promise<void> {
  const dir = 'transcripts/teams';
  const { sessions, truth } = buildTeamsCorpus(seed, phrasings, startMs);
  for (const f of teamsCorpusFiles(sessions, dir)) {
    await mkdir(dirname(join(out, f.file)), { recursive: true });
    await writeFile(join(out, f.file), f.text);
  }
  const full: TeamsTruth = { ...truth, dir };
  await writeFile(join(out, 'teams-truth.json'), `${JSON.stringify(full, null, 2)}\n`);
}

/** Options of {@link generatePlanted}. */
export interface GenerateOptions {
  /** Folder to write into (created; previously generated files in it are replaced). */
  outDir: string;
  /** Number of sessions (≥ 1); even indexes are support sessions, odd ones coding sessions. */
  sessions: number;
  /** Seed; the same seed and size give byte-identical output. Default `1`. */
  seed?: string | number;
  /** Time span the sessions cover, in days. Default 90. */
  spanDays?: number;
  /** Support threshold recorded as `min_support` and used for `expected`. Default 2. */
  minSupport?: number;
  /**
   * Which half of the planted wordings (preferences, fact statements, feedback) to write. Default `train`: the
   * original wordings with the original RNG draws, so earlier output is byte-identical. `test`: the
   * held-out wordings; the same draws pick among them, so sessions, items and support stay the same.
   */
  phrasings?: Phrasings;
  /**
   * Also write the planted three-team corpus (`transcripts/teams/`, `teams-truth.json`; see
   * `teams-corpus.ts`) from its own RNG streams: every other file is byte-identical either way.
   */
  teams?: boolean;
}

/** The markers of a planted item for one half of the wordings. */
function itemMarkers(d: ItemDef, half: Phrasings): ItemDef['markers'] {
  return half === 'test' && d.test_markers ? d.test_markers : d.markers;
}

/** Time the generated history starts: 2026-01-05T08:00:00Z. */
export const GENERATION_START_MS = Date.UTC(2026, 0, 5, 8, 0, 0);

const DAY = 86_400_000;

interface Agg {
  sessions: string[];
  times: number[];
  agents: Set<string>;
  users: Set<string>;
  first: number | null;
  last: number | null;
}

function agg(): Agg {
  return { sessions: [], times: [], agents: new Set(), users: new Set(), first: null, last: null };
}

/** Buffered line writer over a file stream that respects back-pressure. */
class LineWriter {
  #stream: ReturnType<typeof createWriteStream>;
  constructor(path: string) {
    this.#stream = createWriteStream(path, { encoding: 'utf8' });
  }
  async write(line: string): Promise<void> {
    if (!this.#stream.write(`${line}\n`))
      await new Promise<void>((r) => this.#stream.once('drain', () => r()));
  }
  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#stream.end((err?: Error | null) => (err ? reject(err) : resolve()));
    });
  }
}

/** All planted item definitions in a stable order. */
export function allItemDefs(): ItemDef[] {
  return [
    ...Object.values(MISTAKES),
    ...Object.values(WORKFLOWS),
    ...PREFERENCES.support,
    ...PREFERENCES.coding,
    ...FACTS.support,
    ...FACTS.coding,
    ...FEEDBACK,
  ];
}

/**
 * Generates the planted benchmark into `opts.outDir` and returns its ground truth (also written to
 * `ground-truth.json`). Layout: `memory/` (input store; memory path = file path under it),
 * `transcripts/coding/<uuid>.jsonl` (Claude Code), `transcripts/support/<id>.json` (OpenAI chat),
 * `transcripts/support-reverie/<id>.jsonl` (normalized), `manifest.jsonl`, `ground-truth.json`.
 * @throws Error when `sessions` < 1.
 * @example
 * const gt = await generatePlanted({ outDir: '/tmp/planted', sessions: 200, seed: 7 });
 * gt.items.filter((i) => i.expected).length; // planted items the dream should find
 */
export async function generatePlanted(opts: GenerateOptions): Promise<GroundTruth> {
  const n = Math.floor(opts.sessions);
  if (!(n >= 1)) throw new Error(`generatePlanted: sessions must be >= 1, got ${opts.sessions}`);
  const seed = String(opts.seed ?? 1);
  const minSupport = opts.minSupport ?? 2;
  const phrasings: Phrasings = opts.phrasings ?? 'train';
  const span = (opts.spanDays ?? 90) * DAY;
  const start = GENERATION_START_MS;
  const factChangeAt = start + Math.floor(span * 0.6);
  const memoryUpdatedAt = start - 10 * DAY;
  const out = opts.outDir;
  const layout = {
    memory_dir: 'memory',
    coding_dir: 'transcripts/coding',
    support_dir: 'transcripts/support',
    support_reverie_dir: 'transcripts/support-reverie',
    manifest: 'manifest.jsonl',
  };
  for (const p of ['memory', 'transcripts', 'manifest.jsonl', 'ground-truth.json', 'teams-truth.json'])
    await rm(join(out, p), { recursive: true, force: true });
  for (const d of [layout.memory_dir, layout.coding_dir, layout.support_dir, layout.support_reverie_dir])
    await mkdir(join(out, d), { recursive: true });

  // Input memory store.
  const store = memoryStore();
  for (const f of store.files) {
    const file = join(out, layout.memory_dir, f.path.slice(1));
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, f.content);
  }

  const secrets = makeTeamSecrets(new Rng(`${seed}:secrets`));
  const secretDefs = new Map<string, SecretDef>();
  for (const s of [
    secrets.stripeKey,
    secrets.openaiKey,
    secrets.awsKeyId,
    secrets.awsSecret,
    secrets.dbPassword,
    secrets.dashboardPassword,
    secrets.serviceToken,
    ...Object.values(secrets.githubTokens),
  ])
    secretDefs.set(s.id, s);

  const defs = allItemDefs();
  const itemIds = new Set(defs.map((d) => d.id));
  const poisonIds = new Set<string>(Object.values(POISON).map((p) => p.id));
  const aggs = new Map<string, Agg>();
  const noise: NoiseItem[] = [];
  const usedWords = new Set<string>();
  const counts = { events: 0, tool_errors: 0, satisfied: 0, failed: 0, support: 0, coding: 0 };
  const manifest = new LineWriter(join(out, layout.manifest));
  const slot = span / n;

  for (let i = 0; i < n; i++) {
    const rng = new Rng(`${seed}:session:${i}`);
    const domain = i % 2 === 0 ? 'support' : 'coding';
    const startMs = start + Math.floor(i * slot) + rng.int(0, Math.max(0, Math.floor(slot / 3)));
    const extra = new Rng(`${seed}:extra:${i}`);
    const j = Math.floor(i / 2);
    const ctx = { rng, extra, index: i, j, startMs, factChangeAt, secrets, usedWords, phrasings };
    const built: BuiltSession = domain === 'support' ? buildSupportSession(ctx) : buildCodingSession(ctx);
    const s = built.session;
    const writerRng = new Rng(`${seed}:writer:${i}`);
    let file: string;
    let reverieFile: string | null = null;
    if (domain === 'support') {
      file = `${layout.support_dir}/${s.id}.json`;
      reverieFile = `${layout.support_reverie_dir}/${s.id}.jsonl`;
      await writeFile(join(out, file), toOpenAiChatJson(s));
      await writeFile(join(out, reverieFile), toReverieJsonl(s));
      counts.support++;
    } else {
      file = `${layout.coding_dir}/${s.id}.jsonl`;
      await writeFile(join(out, file), toClaudeCodeJsonl(s, writerRng));
      counts.coding++;
    }
    counts.events += s.events.length;
    counts.tool_errors += s.events.filter((e) => e.t === 'tool_result' && e.is_error).length;
    if (s.outcome.result === 'satisfied') counts.satisfied++;
    else counts.failed++;
    for (const sec of built.oneOffSecrets) secretDefs.set(sec.id, sec);
    for (const nz of built.noise) noise.push({ ...nz, session: file });
    const at = s.events[0]!.at;
    for (const id of s.planted) {
      let a = aggs.get(id);
      if (!a) {
        a = agg();
        aggs.set(id, a);
      }
      a.sessions.push(file);
      a.times.push(at);
      a.agents.add(s.agent_id);
      a.users.add(s.user_id);
      a.first ??= at;
      a.last = at;
    }
    const entry: ManifestEntry = {
      file,
      reverie_file: reverieFile,
      format: domain === 'support' ? 'openai-chat' : 'claude-code',
      domain,
      source_session_id: s.id,
      agent_id: s.agent_id,
      user_id: s.user_id,
      team_id: s.team_id,
      task: s.task,
      started_at: new Date(at).toISOString(),
      ended_at: new Date(s.events.at(-1)!.at).toISOString(),
      outcome: s.outcome,
      planted: [...s.planted].sort(),
    };
    await manifest.write(JSON.stringify(entry));
  }
  await manifest.close();

  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  const support = (a: Agg | undefined) => ({
    sessions: a?.sessions.length ?? 0,
    agents: a?.agents.size ?? 0,
    users: a?.users.size ?? 0,
  });
  const items: PlantedItem[] = defs.map((d) => {
    const a = aggs.get(d.id);
    const item: PlantedItem = {
      id: d.id,
      kind: d.kind,
      domain: d.domain,
      title: d.title,
      markers: itemMarkers(d, phrasings),
      subject:
        d.subject ??
        (d.kind === 'mistake'
          ? { all: itemMarkers(d, phrasings).all.slice(0, 1) }
          : itemMarkers(d, phrasings)),
      examples: [...d.examples],
      support: support(a),
      sessions: a?.sessions ?? [],
      first_seen: iso(a?.first ?? null),
      last_seen: iso(a?.last ?? null),
      ...(d.min_support === undefined ? {} : { min_support: d.min_support }),
      expected: (a?.sessions.length ?? 0) >= (d.min_support ?? minSupport),
    };
    if ('fix' in d && d.fix) item.fix = d.fix;
    const fb = FEEDBACK.find((x) => x.id === d.id);
    if (fb) item.examples = [...feedbackWordings(fb, phrasings)];
    if ('paraphrases' in d) item.examples = [...preferenceWordings(d as PreferenceDef, phrasings)];
    const f = FACTS[d.domain].find((x) => x.id === d.id);
    if (f) {
      item.examples = factTemplates(f, phrasings).map((t) => t.replace('{v}', f.value ?? f.new!));
      if (f.old && f.new)
        item.change = {
          key: f.key,
          old_value: f.old,
          new_value: f.new,
          old_markers: f.old_markers ?? [f.old],
          new_markers: f.new_markers ?? [f.new],
          changed_at: new Date(factChangeAt).toISOString(),
          memory_paths: f.memory_paths ?? [],
          old_sessions: a?.times.filter((t) => t < factChangeAt).length ?? 0,
          new_sessions: a?.times.filter((t) => t >= factChangeAt).length ?? 0,
        };
    }
    return item;
  });
  const poison: PoisonItem[] = Object.values(POISON).map((p) => ({
    id: p.id,
    domain: p.domain,
    tool: p.tool,
    examples: [...p.variants],
    markers: [...p.markers],
    support: support(aggs.get(p.id)),
  }));
  const secretItems: SecretItem[] = [...secretDefs.values()]
    .map((s) => ({
      id: s.id,
      type: s.type,
      value: s.value,
      where: s.where,
      sessions: aggs.get(s.id)?.sessions.length ?? 0,
    }))
    .filter((s) => s.sessions > 0);
  const kinds: PlantedKind[] = ['mistake', 'workflow', 'preference', 'fact', 'feedback'];
  const byKind = (pred: (i: PlantedItem) => boolean) =>
    Object.fromEntries(kinds.map((k) => [k, items.filter((i) => i.kind === k && pred(i)).length])) as Record<
      PlantedKind,
      number
    >;
  // Sanity: every planted id is known.
  for (const id of aggs.keys())
    if (!itemIds.has(id) && !poisonIds.has(id) && !secretDefs.has(id) && !id.startsWith('noise.'))
      throw new Error(`generatePlanted: unknown planted id ${id}`);

  const gt: GroundTruth = {
    schema: 'reverie.eval.ground-truth/v1',
    seed,
    ...(phrasings === 'test' ? { phrasings } : {}),
    sessions: n,
    min_support: minSupport,
    time: {
      start: new Date(start).toISOString(),
      end: new Date(start + span).toISOString(),
      fact_change_at: new Date(factChangeAt).toISOString(),
      memory_updated_at: new Date(memoryUpdatedAt).toISOString(),
    },
    layout,
    teams: Object.values(TEAMS).map((t) => ({
      id: t.id,
      domain: t.domain,
      users: [...t.users],
      agents: t.agents.map((a) => a.id),
    })),
    counts: {
      sessions: n,
      support_sessions: counts.support,
      coding_sessions: counts.coding,
      events: counts.events,
      tool_errors: counts.tool_errors,
      satisfied: counts.satisfied,
      failed: counts.failed,
      items: byKind(() => true),
      expected_items: byKind((i) => i.expected),
      noise: noise.length,
      poison_occurrences: poison.reduce((a, p) => a + p.support.sessions, 0),
      secret_occurrences: secretItems.reduce((a, s) => a + s.sessions, 0),
      memory_files: store.files.length,
    },
    items,
    noise,
    poison,
    secrets: secretItems,
    memory: {
      files: store.files.map(({ content: _c, ...f }) => f),
      duplicate_groups: store.groups,
    },
  };
  await writeFile(join(out, 'ground-truth.json'), `${JSON.stringify(gt, null, 2)}\n`);
  if (opts.teams) await writeTeamsCorpus(out, seed, phrasings, start);
  return gt;
}
