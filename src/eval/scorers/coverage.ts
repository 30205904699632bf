/**
 * Predictive coverage: does a store dreamed from some sessions already know the tool errors that
 * held-out sessions run into?
 *
 * Definitions (independent of the engine's own templating on purpose):
 * - the **signature line** of an error text is its last line that looks like an error message
 *   (`error`, `exception`, `fail`, `denied`, `not found`, `invalid`, `cannot`, `unable`, `refused`,
 *   `no such`, `rejected`), else its first non-empty line; at most 300 characters.
 * - {@link maskVariables} unwraps backtick code spans that contain spaces (Markdown presentation) and
 *   replaces the other backtick spans, quoted strings, URLs, e-mails, dates and times, UUIDs and long hex,
 *   paths, ids (tokens that mix digits with letters, `_`, `-`, `#`), and numbers with placeholders
 *   (`<q>`, `<url>`, `<email>`, `<date>`, `<time>`, `<hex>`, `<path>`, `<id>`, `<n>`), lower-cases and
 *   collapses whitespace.
 * - the **template** of an error is the masked signature line without a leading `error:`; its
 *   **segments** are the literal parts between placeholders that have at least 3 letters or digits.
 * - a held-out error is **covered** when some `/mistakes/` memory (kind `mistake`), masked the same
 *   way, contains all the segments of the error's template in order. A template without segments is
 *   never covered.
 * - **coverage** = covered held-out error events / held-out error events (each `is_error` tool result
 *   the person did not decline, `declined`, counts once).
 */
import type { SessionEvent } from '../../domain/index.js';
import { classifyFile } from './memory-files.js';

const ERRORISH =
  /(error|exception|fail|denied|not found|invalid|cannot|can't|unable|refused|no such|rejected)/i;

/** The signature line of an error text (see module definitions). */
export function signatureLine(text: string): string {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  if (lines.length === 0) return '';
  let pick = lines[0]!;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (ERRORISH.test(lines[i]!)) {
      pick = lines[i]!;
      break;
    }
  }
  return pick.slice(0, 300);
}

/**
 * Masks the variable parts of a text (see module definitions).
 * @example maskVariables('Error: flight HAT030 not available on date 2024-05-13') // 'error: flight <id> not available on date <date>'
 */
export function maskVariables(text: string): string {
  return text
    .replace(/`([^`\n]{0,200})`/g, (_m, inner: string) => (/\s/.test(inner) ? ` ${inner} ` : ' <q> '))
    .replace(/"[^"\n]{0,200}"|'[^'\n]{0,200}'/g, ' <q> ')
    .replace(/\bhttps?:\/\/\S+/gi, ' <url> ')
    .replace(/\b[\w.+-]+@[\w-]+(\.[\w-]+)+\b/g, ' <email> ')
    .replace(/\b\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?/g, ' <date> ')
    .replace(/\b\d{1,2}:\d{2}(?::\d{2})?\b/g, ' <time> ')
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, ' <hex> ')
    .replace(/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b/gi, ' <hex> ')
    .replace(/(?:[A-Za-z]:)?(?:\/[\w.@-]+){2,}\/?/g, ' <path> ')
    .replace(/#?\b(?=[\w-]*\d)(?=[\w-]*[A-Za-z_])[\w-]+/g, ' <id> ')
    .replace(/#\d+|\b\d+(?:\.\d+)?\b/g, ' <n> ')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** The template of an error text: masked signature line without a leading `error:`. */
export function errorTemplate(text: string): string {
  return maskVariables(signatureLine(text))
    .replace(/^error:\s*/, '')
    .trim();
}

/** Literal segments of a template (between placeholders, ≥ 3 letters/digits each). */
export function templateSegments(template: string): string[] {
  return template
    .split(/<[a-z]+>/)
    .map((s) => s.replace(/^[\s.,:;()[\]{}'"-]+|[\s.,:;()[\]{}'"-]+$/g, '').trim())
    .filter((s) => (s.match(/[a-z0-9]/g)?.length ?? 0) >= 3);
}

/** True if all `segments` occur in `masked` in order. */
export function segmentsInOrder(masked: string, segments: string[]): boolean {
  if (segments.length === 0) return false;
  let pos = 0;
  for (const s of segments) {
    const i = masked.indexOf(s, pos);
    if (i === -1) return false;
    pos = i + s.length;
  }
  return true;
}

/** A held-out error event and whether the store covers it. */
export interface HeldOutError {
  session: string;
  seq: number;
  template: string;
  covered: boolean;
  /** Paths of the mistake memories that cover it. */
  by: string[];
}

/** Coverage result. `coverage` is `null` when there are no held-out errors. */
export interface CoverageScore {
  heldout_sessions: number;
  errors: number;
  covered: number;
  coverage: number | null;
  /** Distinct templates among held-out errors, with counts and whether covered. */
  templates: { template: string; count: number; covered: boolean }[];
  /** `/mistakes/` memories available. */
  mistake_memories: number;
}

/**
 * Scores how many held-out tool errors the output store's mistake memories cover.
 * @param files the dream's output files.
 * @param heldOut held-out sessions: a label (external id) and their events.
 */
export function scoreCoverage(
  files: { path: string; content: string }[],
  heldOut: { id: string; events: SessionEvent[] }[],
): CoverageScore {
  const mistakes = files
    .map((f) => classifyFile(f.path, f.content))
    .filter((f) => f.kind === 'mistake')
    .map((f) => ({ path: f.path, masked: maskVariables(f.content) }));
  const results: HeldOutError[] = [];
  for (const s of heldOut) {
    for (const e of s.events) {
      if (e.type !== 'agent.tool_result' || !e.is_error || e.declined) continue;
      const template = errorTemplate(e.content);
      const segs = templateSegments(template);
      const by = mistakes.filter((m) => segmentsInOrder(m.masked, segs)).map((m) => m.path);
      results.push({ session: s.id, seq: e.seq, template, covered: by.length > 0, by });
    }
  }
  const byTemplate = new Map<string, { count: number; covered: boolean }>();
  for (const r of results) {
    const t = byTemplate.get(r.template) ?? { count: 0, covered: r.covered };
    t.count++;
    byTemplate.set(r.template, t);
  }
  const covered = results.filter((r) => r.covered).length;
  return {
    heldout_sessions: heldOut.length,
    errors: results.length,
    covered,
    coverage: results.length === 0 ? null : covered / results.length,
    templates: [...byTemplate]
      .map(([template, v]) => ({ template, ...v }))
      .sort((a, b) => b.count - a.count || (a.template < b.template ? -1 : 1)),
    mistake_memories: mistakes.length,
  };
}
