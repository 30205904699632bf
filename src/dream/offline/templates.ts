/**
 * Error templates: the recurring shape of a tool error with its variable parts masked, e.g.
 * `Error: flight HAT030 not available on date 2024-05-13` → `Error: flight <ID> not available on date <DATE>`.
 * Masking follows the log-template idea of Drain (He et al. 2017, "Drain: An Online Log Parsing Approach
 * with Fixed Depth Tree") in a simpler, regex-only form: variables are recognized by shape, not learned.
 */

interface MaskRule {
  re: RegExp;
  to: string;
}

/** Masking rules, applied in order (earlier, more specific shapes first). */
const RULES: MaskRule[] = [
  { re: /\bhttps?:\/\/[^\s'"`<>)]+/g, to: '<URL>' },
  { re: /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, to: '<UUID>' },
  {
    re: /\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b/g,
    to: '<DATE>',
  },
  { re: /\b\d{1,2}\/\d{1,2}\/\d{2,4}\b/g, to: '<DATE>' },
  { re: /\b\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\b/g, to: '<TIME>' },
  // quoted values; the opening quote must not follow a letter (so "can't" is not a quote)
  { re: /(?<![\p{L}\p{N}])'[^'\n]{0,200}'(?![\p{L}\p{N}])/gu, to: '<VALUE>' },
  { re: /"[^"\n]{0,200}"/g, to: '<VALUE>' },
  { re: /`[^`\n]{0,200}`/g, to: '<VALUE>' },
  // paths: two or more segments with a slash, or ./x, ../x, /x
  { re: /(?:~|\.{1,2})?\/?(?:[\w.@+-]+\/)+[\w.@+-]*/g, to: '<PATH>' },
  { re: /(?<![\w<])\/[\w.@+-]+(?=$|[\s:,;)])/g, to: '<PATH>' },
  { re: /\b0x[0-9a-f]+\b/gi, to: '<HEX>' },
  { re: /\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{7,}\b/gi, to: '<HEX>' },
  // identifiers mixing letters and digits (HAT030, gift_card_5094406) or snake_case names
  { re: /\b(?=[\w-]*[A-Za-z])(?=[\w-]*\d)[A-Za-z0-9][\w-]*\b/g, to: '<ID>' },
  { re: /\b_*[A-Za-z][A-Za-z0-9]*(?:_+[A-Za-z0-9]+)+_*\b/g, to: '<ID>' },
  { re: /[-+]?\b\d+(?:[.,]\d+)*\b/g, to: '<N>' },
];

/**
 * Masks the variable parts of one line of error text: URLs, UUIDs, dates, times, quoted values, paths,
 * hex strings, ids (letters mixed with digits, snake_case names) and numbers become `<URL>`, `<UUID>`,
 * `<DATE>`, `<TIME>`, `<VALUE>`, `<PATH>`, `<HEX>`, `<ID>`, `<N>`. Whitespace is collapsed and the
 * result is cut to 240 characters.
 * @example maskVariables('Error: not enough seats on flight HAT290') === 'Error: not enough seats on flight <ID>'
 */
export function maskVariables(line: string): string {
  let s = line.replace(/\s+/g, ' ').trim();
  if (s.length > 400) s = s.slice(0, 400);
  for (const r of RULES) s = s.replace(r.re, r.to);
  s = s.replace(/(<[A-Z]+>)(?:\s*[,;]\s*\1)+/g, '$1');
  return s.length > 240 ? s.slice(0, 240) : s;
}

/** Harness wrapper tags some agents put around tool output (mini-swe-agent's `<returncode>`, `<output>`). */
const WRAPPER_LINE = /^\s*<\/?(?:output|returncode|warning|stdout|stderr|error)>\s*$/i;
const INLINE_WRAPPER = /<\/?(?:output|returncode|stdout|stderr)>/gi;

const EXCEPTION_LINE =
  /^\s*(?:[A-Za-z_][\w.]*\.)?[A-Z]\w*(?:Error|Exception|Exit|Interrupt|Warning|Failure)\b(?::|$)/;
const STRONG_LINE =
  /^(?:FAILED \(|ERROR:|E\s{2,}\w|fatal:|error(?:\[\w+\])?:|Error:)|\b(?:command not found|No such file or directory|Permission denied|cannot access|cannot remove|failed to remove|not found)\b/;
const WEAK_LINE =
  /\b(?:error|fail(?:ed|ure)?|cannot|can't|unable|invalid|denied|refused|timed? ?out|missing|not allowed)\b/i;

/** A line that is only a heading (`ERROR:`, `Error:`, `stderr:`): the error is named on the next line. */
const BARE_HEADING = /^[A-Za-z]+:\s*$/;

/** The line of an error output that names the error, and where it starts in the original text. */
export interface ErrorSignature {
  /** The chosen line, verbatim (trimmed). Empty when the output is empty. */
  line: string;
  /** Offset of `line` in the original text (for verbatim quotes), or -1 when empty. */
  offset: number;
}

/**
 * Picks the line of a tool's error output that best names the error: a single-line output is itself;
 * otherwise the last Python-style exception line (`ValueError: …`, the end of a traceback), else the last
 * strong marker (`FAILED (`, `fatal:`, `No such file or directory`, …), else the last line with a weak
 * marker (`error`, `failed`, `cannot` …), else the last non-empty line. A bare heading (`ERROR:` alone on
 * its line, as OpenHands' editor writes) gives way to the line after it. Wrapper tags such as
 * `<returncode>`/`<output>` are ignored.
 */
export function errorSignature(content: string): ErrorSignature {
  const lines: { text: string; offset: number }[] = [];
  let pos = 0;
  for (const raw of content.split('\n')) {
    const offset = pos;
    pos += raw.length + 1;
    if (WRAPPER_LINE.test(raw)) continue;
    const stripped = raw.replace(INLINE_WRAPPER, '');
    const text = stripped.trim();
    if (!text) continue;
    // keep offsets pointing at the verbatim text (wrapper tags only ever prefix a line)
    const inner = raw.indexOf(text);
    lines.push({ text, offset: offset + Math.max(inner, 0) });
  }
  if (lines.length === 0) return { line: '', offset: -1 };
  if (lines.length === 1) return { line: lines[0]!.text, offset: lines[0]!.offset };
  const first = lines[0]!;
  // a bare heading (`ERROR:`) names nothing: the line after it does
  const named = (i: number): ErrorSignature => {
    const l = BARE_HEADING.test(lines[i]!.text) && i + 1 < lines.length ? lines[i + 1]! : lines[i]!;
    return { line: l.text, offset: l.offset };
  };
  if (/^Error\b/.test(first.text) || /^error:\s*$/i.test(first.text)) return named(0);
  const pick = (re: RegExp): ErrorSignature | null => {
    for (let i = lines.length - 1; i >= 0; i--) if (re.test(lines[i]!.text)) return named(i);
    return null;
  };
  return (
    pick(EXCEPTION_LINE) ??
    pick(STRONG_LINE) ??
    pick(WEAK_LINE) ?? { line: lines[lines.length - 1]!.text, offset: lines[lines.length - 1]!.offset }
  );
}

/**
 * The template of a failed tool result: the masked {@link errorSignature} line, or `(no output)` when
 * the output is empty.
 */
export function errorTemplate(content: string): { template: string; signature: ErrorSignature } {
  const signature = errorSignature(content);
  if (!signature.line) return { template: '(no output)', signature };
  return { template: maskVariables(signature.line), signature };
}

/**
 * True when a template is too unspecific to be a useful mistake on its own (only placeholders and
 * punctuation, or a bare `(no output)`).
 */
export function isVacuousTemplate(template: string): boolean {
  return template.replace(/<[A-Z]+>/g, '').replace(/[^\p{L}]+/gu, '').length < 3;
}
