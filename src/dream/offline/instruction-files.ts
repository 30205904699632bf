/**
 * The project's instruction files (`CLAUDE.md`, `AGENTS.md`: what every session of the project already
 * reads) against the memories a dream plans (issue 15 scope 4). A memory that repeats a line of them adds
 * nothing and is not proposed; a memory that contradicts one is proposed only flagged — its reason and
 * body name the file and line, its confidence is capped so no policy applies it unreviewed — and the
 * instruction file is never edited (it is not part of the store).
 *
 * Repeats and contradictions are found per line (a Markdown bullet, heading text or paragraph line of at
 * least 3 content words): the memory's content terms (see `contentTokens`, stemmed, stop words out)
 * overlap the line's in at least {@link MIN_SHARED} terms covering at least {@link MIN_COVER} of the
 * smaller set; the same polarity is a repeat, opposite polarity (one side's action negated: don't,
 * never, avoid, stop, no, should not) a contradiction. A lexical rule in the spirit of the engine's near-duplicate test
 * (`similarity.ts`), with polarity as the contradiction cue.
 */
import type { PlannedMemory } from './plan.js';
import { contentTokens } from './text.js';

/** One instruction file as the engine reads it. */
export interface InstructionFile {
  /** Where it came from (shown in reasons), e.g. `/home/me/repo/CLAUDE.md`. */
  path: string;
  content: string;
}

/** Fewest shared content terms for a memory to be about an instruction line. */
export const MIN_SHARED = 3;
/** Shared terms ÷ the smaller term set, at least. */
export const MIN_COVER = 0.6;
/** Confidence cap of a memory that contradicts an instruction file. */
export const CONTRADICTION_CONFIDENCE = 0.3;

/**
 * A rule whose action is negated: it opens with don't / do not / never / avoid / stop / no (after
 * "please", "we" or "you"), or forbids with a modal ("you should not …", "must never …"). A negation
 * inside the object ("…, not mocks") does not make the rule negative.
 */
const NEGATION =
  /^(?:(?:please|we|you|agents?)\s+)?(?:don'?t|do not|never|avoid|stop|no)\b|\b(?:should|must|shall)(?:n'?t| not| never)\b/i;

interface Line {
  file: string;
  line: number;
  text: string;
  terms: Set<string>;
  negated: boolean;
}

/** The rule's text without a leading verdict ("Feedback: ") or punctuation, for the polarity test. */
const bare = (text: string) => text.replace(/^[\w ]{0,20}:\s+/, '').replace(/^[\s"'“>*-]+/, '');

function linesOf(files: readonly InstructionFile[]): Line[] {
  const out: Line[] = [];
  for (const f of files) {
    let fenced = false;
    f.content.split(/\r?\n/).forEach((raw, i) => {
      if (/^\s*```/.test(raw)) fenced = !fenced;
      const text = raw.replace(/^\s*(?:[-*+]|\d+[.)]|#+)\s*/, '').trim();
      const terms = new Set(contentTokens(text));
      if (fenced || terms.size < 3) return;
      out.push({ file: f.path, line: i + 1, text, terms, negated: NEGATION.test(bare(text)) });
    });
  }
  return out;
}

/** What {@link screenInstructions} did. */
export interface InstructionScreen {
  /** The memories to propose (contradicting ones flagged). */
  memories: PlannedMemory[];
  /** Memories left out because an instruction file already says them. */
  repeats: { key: string; file: string; line: number }[];
  /** Memories flagged because they contradict an instruction file. */
  contradictions: { key: string; file: string; line: number }[];
}

/** The instruction line a memory is about, or null. */
function about(m: PlannedMemory, lines: readonly Line[]): { l: Line; same: boolean } | null {
  const text = m.match_text ?? m.title;
  const terms = new Set(m.match_terms?.length ? m.match_terms : contentTokens(text));
  const negated = NEGATION.test(bare(text));
  let best: { l: Line; score: number } | null = null;
  for (const l of lines) {
    let shared = 0;
    for (const t of terms) if (l.terms.has(t)) shared++;
    const cover = shared / Math.min(terms.size, l.terms.size);
    if (shared >= MIN_SHARED && cover >= MIN_COVER && (!best || cover > best.score))
      best = { l, score: cover };
  }
  return best ? { l: best.l, same: best.l.negated === negated } : null;
}

/**
 * Screens planned memories against the project's instruction files: repeats dropped, contradictions
 * flagged (reason and body name the file and line; confidence ≤ {@link CONTRADICTION_CONFIDENCE}).
 * With no instruction files, returns the memories as they are.
 */
export function screenInstructions(
  planned: readonly PlannedMemory[],
  files: readonly InstructionFile[],
): InstructionScreen {
  const lines = linesOf(files);
  const out: InstructionScreen = { memories: [], repeats: [], contradictions: [] };
  for (const m of planned) {
    const hit = lines.length > 0 ? about(m, lines) : null;
    if (!hit) {
      out.memories.push(m);
      continue;
    }
    const where = { key: m.key, file: hit.l.file, line: hit.l.line };
    if (hit.same) {
      out.repeats.push(where);
      continue;
    }
    out.contradictions.push(where);
    const note = `Contradicts ${hit.l.file} line ${hit.l.line} (“${hit.l.text}”): review it against the instruction file, which the dream does not edit.`;
    out.memories.push({
      ...m,
      body: m.body.replace(/^(# .*\n)/, `$1\n> **${note}**\n`),
      confidence: Math.min(m.confidence, CONTRADICTION_CONFIDENCE),
      reason: `${note} ${m.reason}`,
    });
  }
  return out;
}
