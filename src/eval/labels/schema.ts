/**
 * Hand-written labels for the real corpora in `../shared/data` (issue 8 scope 1, issue 15): per
 * corpus, the recurring patterns an expert would want in memory (with the correct lesson, or "no
 * reliable fix") and the known noise that must stay out. The labels were written by reading the
 * transcripts and counting support with one-off scripts over the raw files, never from reverie's
 * output; each carries a one-line rationale. They hold short patterns only, never copied transcript
 * text. `scorers/real.ts` matches a dream's proposals against them (`reverie eval --suite real`).
 *
 * Matching rules (used by the scorer, documented here because the labels are written for them):
 * - every `match` entry is a JavaScript regular expression, tested case-insensitively on the
 *   memory's title + body; a label matches when ALL its entries match (each may hold alternatives);
 * - for a `mistake` pattern, `lesson.fix` is tested on the memory's lines that match none of the
 *   pattern's `match` entries, so an error message that itself mentions the remedy (django's
 *   "…or call settings.configure()") does not count as a stated fix; for other kinds on the whole text;
 * - `lesson.fix: null` means "no reliable fix": a memory is right only when it says so
 *   ({@link NO_FIX_RE}); `accept_no_fix` also accepts that statement for a label that has a fix.
 */
import { z } from 'zod';
import claudeCode from './claude-code.json' with { type: 'json' };
import codex from './codex.json' with { type: 'json' };
import openhands from './openhands.json' with { type: 'json' };
import sweAgent from './swe-agent.json' with { type: 'json' };
import sweDjango from './swe-django-100.json' with { type: 'json' };
import tauAirline from './tau-airline.json' with { type: 'json' };

/** Label kinds: the dream's memory kinds plus Claude Code's `feedback`, `project`, `reference`. */
export const LABEL_KINDS = [
  'mistake',
  'workflow',
  'preference',
  'fact',
  'feedback',
  'project',
  'reference',
] as const;

/** A label kind (see {@link LABEL_KINDS}). */
export type LabelKind = (typeof LABEL_KINDS)[number];

/** How a memory that claims no fix was found says so (case-insensitive). */
export const NO_FIX_RE =
  /no (reliable|consistent|established|known|working) (fix|recovery|remedy)|no fix (was |has been )?(seen|found|established|observed)|no (single )?fix|did not (find|see) a (reliable )?fix|none of the (retries|attempts) (recovered|succeeded)/i;

const regex = z
  .string()
  .min(1)
  .max(240)
  .refine(
    (s) => {
      try {
        new RegExp(s, 'i');
        return true;
      } catch {
        return false;
      }
    },
    { message: 'not a valid regular expression' },
  );

const id = z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, 'lower-case id: letters, digits, dots, dashes');

/** One recurring pattern an expert would want in memory. */
export const PatternLabelSchema = z.strictObject({
  id,
  kind: z.enum(LABEL_KINDS),
  /** Regexes that all must match the memory text for it to be about this pattern. */
  match: z.array(regex).min(1).max(4),
  lesson: z.strictObject({
    /** Regex over the stated fix / rule; `null` = no reliable fix exists in the data. */
    fix: regex.nullable(),
    /** Also count "no reliable fix" as right (a fix exists but is weakly established). */
    accept_no_fix: z.boolean(),
  }),
  /** Support counted by the labeller: distinct sessions, with a few example session ids. */
  support: z.strictObject({
    sessions: z.number().int().positive(),
    examples: z.array(z.string().min(1).max(120)).min(1).max(6),
  }),
  /** Counted in recall. Optional labels (`false`) score a proposal but are not expected. */
  required: z.boolean(),
  rationale: z.string().min(10).max(400),
});

/** Known noise that must stay out of memory. */
export const NoiseLabelSchema = z.strictObject({
  id,
  /** Memory kinds it applies to; default all. */
  kinds: z.array(z.enum(LABEL_KINDS)).min(1).optional(),
  match: z.array(regex).min(1).max(4),
  rationale: z.string().min(10).max(400),
});

/** The labels of one corpus. */
export const CorpusLabelsSchema = z.strictObject({
  corpus: id,
  title: z.string().min(1).max(200),
  /** Paths below the shared data root that make up the corpus (files or folders). */
  sources: z.array(z.string().min(1)).min(1),
  /** Whether memory titles and paths derived from this data may be quoted in docs (false: test use only). */
  quotable: z.boolean(),
  /** Sessions the labeller read (subagent sessions counted separately). */
  sessions: z.number().int().positive(),
  /** When and how the labels were written. */
  labelled: z.string().min(10).max(600),
  /** May be empty: a corpus where nothing is established (every proposal is then noise or unlabelled). */
  patterns: z.array(PatternLabelSchema),
  noise: z.array(NoiseLabelSchema),
});

/** One pattern label. */
export type PatternLabel = z.infer<typeof PatternLabelSchema>;
/** One noise label. */
export type NoiseLabel = z.infer<typeof NoiseLabelSchema>;
/** The labels of one corpus. */
export type CorpusLabels = z.infer<typeof CorpusLabelsSchema>;

/**
 * Checks one corpus's labels: the schema, plus unique ids across patterns and noise.
 * @param source a name for error messages (the JSON file).
 * @throws Error naming `source` and the offending field path (e.g. `patterns.2.match.0: not a valid
 *   regular expression`) or the duplicated id.
 */
export function parseCorpusLabels(data: unknown, source: string): CorpusLabels {
  const r = CorpusLabelsSchema.safeParse(data);
  if (!r.success) {
    const msg = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`${source}: invalid labels: ${msg}`);
  }
  const seen = new Set<string>();
  for (const l of [...r.data.patterns, ...r.data.noise]) {
    if (seen.has(l.id)) throw new Error(`${source}: duplicate label id ${l.id}`);
    seen.add(l.id);
  }
  return r.data;
}

/**
 * The labels of every labelled corpus, in report order, checked with {@link parseCorpusLabels}.
 * @throws Error when a label file is invalid (names the file and field).
 */
export function allCorpusLabels(): CorpusLabels[] {
  return [
    parseCorpusLabels(tauAirline, 'src/eval/labels/tau-airline.json'),
    parseCorpusLabels(sweDjango, 'src/eval/labels/swe-django-100.json'),
    parseCorpusLabels(claudeCode, 'src/eval/labels/claude-code.json'),
    parseCorpusLabels(openhands, 'src/eval/labels/openhands.json'),
    parseCorpusLabels(sweAgent, 'src/eval/labels/swe-agent.json'),
    parseCorpusLabels(codex, 'src/eval/labels/codex.json'),
  ];
}
