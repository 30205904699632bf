/**
 * Error templates: the recurring shape of a tool error with its variable parts masked, e.g.
 * `Error: flight HAT030 not available on date 2024-05-13` → `Error: flight <ID> not available on date <DATE>`.
 * Masking follows the log-template idea of Drain (He et al. 2017, "Drain: An Online Log Parsing Approach
 * with Fixed Depth Tree") in a simpler, regex-only form: variables are recognized by shape, not learned.
 */
import { analyse } from './language.js';

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

/** An ANSI terminal control sequence (colours, bold: `ESC[1;33m`). */
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

/**
 * Masks the variable parts of one line of error text: URLs, UUIDs, dates, times, quoted values, paths,
 * hex strings, ids (letters mixed with digits, snake_case names) and numbers become `<URL>`, `<UUID>`,
 * `<DATE>`, `<TIME>`, `<VALUE>`, `<PATH>`, `<HEX>`, `<ID>`, `<N>`. Terminal colour codes are dropped,
 * whitespace is collapsed and the result is cut to 240 characters.
 * @example maskVariables('Error: not enough seats on flight HAT290') === 'Error: not enough seats on flight <ID>'
 */
export function maskVariables(line: string): string {
  // terminal colour codes (ANSI CSI sequences) are no part of the message
  let s = line.replace(ANSI, '').replace(/\s+/g, ' ').trim();
  if (s.length > 400) s = s.slice(0, 400);
  for (const r of RULES) s = s.replace(r.re, r.to);
  s = s.replace(/(<[A-Z]+>)(?:\s*[,;]\s*\1)+/g, '$1');
  return s.length > 240 ? s.slice(0, 240) : s;
}

/** Harness wrapper tags some agents put around tool output (mini-swe-agent's `<returncode>`, `<output>`). */
const WRAPPER_LINE = /^\s*<\/?(?:output|returncode|warning|stdout|stderr|error)>\s*$/i;
const INLINE_WRAPPER = /<\/?(?:output|returncode|stdout|stderr)>/gi;
/**
 * A line that only reports the exit status a harness saw (Claude Code's `Exit code 1`, OpenHands'
 * `[The command completed with exit code 1.]`, `Process exited with code 2`): it says that the command
 * failed, which the failed result already says, never how. Passed over like the wrapper tags.
 */
const STATUS_LINE =
  /^\W*(?:\p{L}+\s+){0,5}(?:exit(?:ed)?|return(?:ed)?)(?:\s+with)?\s*(?:code|status)\s*[:=]?\s*-?\d+\W*$/iu;

const EXCEPTION_LINE =
  /^\s*(?:(?:[A-Za-z_][\w.]*\.)?[A-Z]\w*(?:Error|Exception|Exit|Interrupt|Warning|Failure)\b(?::|$)|(?:[a-z_]\w*\.)+[A-Z]\w*: \S)/;
const STRONG_LINE =
  /^(?:FAILED \(|ERROR:|(?:ERRORS|Errors):\s*$|E\s{2,}\w|fatal:|error(?:\[\w+\])?:|Error:)|\b(?:command not found|No such file or directory|Permission denied|cannot access|cannot remove|failed to remove|not found)\b/;
const WEAK_LINE =
  /\b(?:error|fail(?:ed|ure)?|cannot|can't|unable|invalid|denied|refused|timed? ?out|missing|not allowed)\b/i;

/**
 * A line beside the message, never the message itself: one that opens with a marker character (an echo
 * of the code, `+ foreach ( in ) {`; a caret underline, `+   ~`; a table border) or only gives a
 * position (`At line:12 char:10`, `line 3, column 7`).
 */
const ASIDE_LINE =
  /^(?:[+~^|]|(?:at\s+)?(?:line|char|column|col|position|pos)\W*\d+(?:\W+(?:line|char|column|col|position|pos)\W*\d+)*\W*$)/i;

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
 * What an instruction's opening can look like (see {@link isInstruction}), checked before the tagger
 * runs (it would double the time of gathering a session with many errors): "please", a negated "do"
 * within its first three words, or one or two words and then a determiner or pronoun.
 */
const MAY_INSTRUCT =
  /^(?:please\b|(?:[\p{L}-]+\s+){0,2}(?:do\s+not|don['’]t)\b|(?:[\p{L}-]+\s+){1,2}(?:the|a|an|this|that|these|those|it|them|its|your|my|our|their|his|her|all|any|every|each|some|no|what|which|you|me|us|him)\b)/iu;

/** Sentence ends inside one line of output: `.`, `!` or `?`, a space, and a capital or an opening quote. */
const SENTENCE_END = /(?<=[.!?])\s+(?=[\p{Lu}"'`(])/u;

/**
 * True when a sentence is an instruction to its reader — a harness or tool telling the agent what to do
 * next ("DO NOT re-run the same failed edit command.", "Please fix your edit command and try again.",
 * "Read it first before writing to it.") — rather than a statement of what went wrong. After an optional
 * "please" and adverbs ("never", "just"), it opens with a negated "do" ("do not …", "don't …"), or with a
 * word in its base form that either follows "please" as a verb or takes a determiner or pronoun as its
 * object ("Edit the file again …", "Load it first …", "Stop what you are doing …"). A base-form word
 * followed by a noun or a verb names the failure instead ("Compile error: …", "Update failed",
 * "Read timed out"). Part-of-speech tags, lemmas and the sentence are wink-nlp's (see `language.ts`);
 * its light model tags some sentence-initial verbs NOUN or PROPN ("Check the logs …"), so an object
 * (determiner or pronoun) admits those too.
 * @example isInstruction('DO NOT re-run the same failed edit command.') === true
 * @example isInstruction('File has not been read yet.') === false
 */
export function isInstruction(sentence: string): boolean {
  if (!MAY_INSTRUCT.test(sentence)) return false;
  const ts = analyse(sentence)[0]?.tokens ?? [];
  const please = ts[0]?.normal === 'please';
  let i = please ? 1 : 0;
  while (ts[i]?.pos === 'ADV') i++;
  const t = ts[i];
  const next = ts[i + 1];
  if (!t) return false;
  if (t.normal === 'do' && (next?.normal === 'not' || next?.normal === "n't")) return true;
  if (t.normal !== t.lemma || !['VERB', 'NOUN', 'PROPN'].includes(t.pos)) return false;
  if (please && t.pos === 'VERB') return true;
  return next?.pos === 'DET' || next?.pos === 'PRON';
}

/** A signature that reports a wait that ran out: "Verification timed out", "timeout after 30s". */
const TIMED_OUT = /\btimed?[ -]?out\b|\btimeout\b/i;

/**
 * True when a failed call waited for a person: a line of its output before the error's signature
 * prompts its reader to act on something (an instruction whose verb takes a determiner or pronoun as
 * its object, see {@link isInstruction}: "Place your finger on the reader", "Please touch the security
 * key"), and the signature reports that the wait ran out ("Verification timed out"). The program asked
 * whoever sat at the terminal and nobody answered: the call needed the person, which no change to the
 * call fixes. A harness's advice printed above an error that is not a time-out ("Please read this error
 * message carefully …" above a linter's findings) is not such a prompt.
 * @param content the tool result's text; `signature` its {@link errorSignature}.
 */
export function awaitedPerson(content: string, signature: ErrorSignature): boolean {
  if (signature.offset <= 0 || !TIMED_OUT.test(signature.line)) return false;
  return content
    .slice(0, signature.offset)
    .split('\n')
    .some((line) =>
      line
        .trim()
        .split(SENTENCE_END)
        .some((s) => promptsToAct(s.trim())),
    );
}

/** An instruction whose verb takes a determiner or pronoun as its object ("Touch the key", "Please enter your PIN"). */
function promptsToAct(sentence: string): boolean {
  if (!sentence || !isInstruction(sentence)) return false;
  const ts = analyse(sentence)[0]?.tokens ?? [];
  let i = ts[0]?.normal === 'please' ? 1 : 0;
  while (ts[i]?.pos === 'ADV') i++;
  const next = ts[i + 1];
  return ts[i]?.normal !== 'do' && (next?.pos === 'DET' || next?.pos === 'PRON');
}

/**
 * The sentences of one line of output before its first instruction (see {@link isInstruction}),
 * verbatim: "File has not been read yet. Read it first …" → "File has not been read yet."; empty when
 * the line opens with an instruction.
 */
function beforeInstructions(text: string): string {
  let end = 0;
  for (const s of text.split(SENTENCE_END)) {
    if (isInstruction(s)) break;
    const at = text.indexOf(s, end);
    if (at < 0) break;
    end = at + s.length;
  }
  return text.slice(0, end).trim();
}

/**
 * Picks the line of a tool's error output that best names the error: a single-line output is itself;
 * otherwise the last Python-style exception line (`ValueError: …`, the end of a traceback), else the last
 * strong marker (`FAILED (`, `fatal:`, `No such file or directory`, …), else the last line with a weak
 * marker (`error`, `failed`, `cannot` …), else the first line that is not beside the message (a code
 * echo, a caret underline or a bare position, see {@link ASIDE_LINE}): a command states what went wrong
 * first and adds its usage, hints and suggested commands after it (BusyBox's `ps: unrecognized option`
 * above its help text, git's "The following paths are ignored …" above its `hint:` lines). An exception
 * line is also a qualified class name and its message (`django.core.exceptions.ImproperlyConfigured: …`),
 * whatever the class is called. A bare heading (`ERROR:` alone on
 * its line, as OpenHands' editor writes, or `ERRORS:` above a list, as SWE-agent's linter does) gives way
 * to the line after it. Wrapper tags such as `<returncode>`/`<output>` and lines that only report an
 * exit status (`Exit code 1`) are ignored: an output that holds nothing else has no signature (its
 * template is `(no output)`, which gather names by the command). Instructions to the
 * agent in the output are never the error (the harness's "DO NOT re-run the same failed edit command."
 * under a rejected edit): a line is cut before its first instruction sentence and a line that opens with
 * one is passed over, unless no other line is left.
 */
export function errorSignature(content: string): ErrorSignature {
  const lines: { text: string; offset: number }[] = [];
  let pos = 0;
  for (const raw of content.split('\n')) {
    const offset = pos;
    pos += raw.length + 1;
    if (WRAPPER_LINE.test(raw) || STATUS_LINE.test(raw)) continue;
    const stripped = raw.replace(INLINE_WRAPPER, '');
    const text = stripped.trim();
    if (!text) continue;
    // keep offsets pointing at the verbatim text (wrapper tags only ever prefix a line)
    const inner = raw.indexOf(text);
    lines.push({ text, offset: offset + Math.max(inner, 0) });
  }
  if (lines.length === 0) return { line: '', offset: -1 };
  /** Line `i` without its instructions, or null when it opens with one (or loses what `re` found). */
  const stated = (i: number, re?: RegExp): ErrorSignature | null => {
    const l = lines[i]!;
    const text = beforeInstructions(l.text);
    return text && (!re || re.test(text)) ? { line: text, offset: l.offset } : null;
  };
  const last = lines.length - 1;
  const whole = { line: lines[last]!.text, offset: lines[last]!.offset };
  if (lines.length === 1) return stated(0) ?? whole;
  // a bare heading (`ERROR:`) names nothing: the line after it does
  const named = (i: number): ErrorSignature | null =>
    BARE_HEADING.test(lines[i]!.text) && i + 1 < lines.length ? stated(i + 1) : stated(i);
  if (/^Error\b/.test(lines[0]!.text) || /^error:\s*$/i.test(lines[0]!.text)) {
    const first = named(0);
    if (first) return first;
  }
  const pick = (re: RegExp): ErrorSignature | null => {
    for (let i = last; i >= 0; i--) {
      if (!re.test(lines[i]!.text)) continue;
      const found = BARE_HEADING.test(lines[i]!.text) ? named(i) : stated(i, re);
      if (found) return found;
    }
    return null;
  };
  const plain = (): ErrorSignature | null => {
    for (let i = 0; i <= last; i++) {
      if (ASIDE_LINE.test(lines[i]!.text)) continue;
      const found = stated(i);
      if (found) return found;
    }
    return null;
  };
  return pick(EXCEPTION_LINE) ?? pick(STRONG_LINE) ?? pick(WEAK_LINE) ?? plain() ?? whole;
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
 * Claude Code's refusal of a tool call whose input does not match the tool's schema: its own wording, or
 * the schema library's list of issues (`InputValidationError: [ { "code": "invalid_type", … } ]`).
 */
const INPUT_VALIDATION =
  /^\s*(?:<tool_use_error>\s*)?InputValidationError: (?:\S+ failed due to the following issues?:|\[\s*\{)/;

/**
 * True when `content` is Claude Code's refusal of a call whose input does not match the tool's schema
 * ({@link INPUT_VALIDATION}); the harness checks every tool so, built-in, MCP or an SDK's own.
 * @example refusedInput('InputValidationError: TaskCreate failed due to the following issue:\n…') // true
 */
export function refusedInput(content: string): boolean {
  return INPUT_VALIDATION.test(content);
}

/**
 * True when the error's own words tell the agent what to do next: the line its {@link errorSignature}
 * came from goes on past the failure with an instruction ({@link isInstruction}: "File has not been read
 * yet. Read it first before writing to it.", "File content (30000 tokens) exceeds maximum allowed tokens
 * (25000). Please use offset and limit parameters …"), or Claude Code's schema check of the call's input
 * (`InputValidationError: <tool> failed due to the following issue: …`, which names the parameter to mend).
 * The signature keeps only the failure.
 * @param content the tool result's text; `signature` its {@link errorSignature}.
 */
export function instructsAgent(content: string, signature: ErrorSignature): boolean {
  // Claude Code's check of a call's input against the tool's schema ("InputValidationError: TaskCreate
  // failed due to the following issue:\nThe required parameter `subject` is missing"): the lines after it
  // name the parameter to mend, as every such refusal does
  if (refusedInput(content)) return true;
  if (signature.offset < 0) return false;
  const line = content.slice(signature.offset).split('\n', 1)[0]!.trim();
  const rest = line.slice(signature.line.length).trim();
  return rest.length > 0 && line.startsWith(signature.line) && rest.split(SENTENCE_END).some(isInstruction);
}

/**
 * True when a template is too unspecific to be a useful mistake on its own (only placeholders and
 * punctuation, or a bare `(no output)`).
 */
export function isVacuousTemplate(template: string): boolean {
  return template.replace(/<[A-Z]+>/g, '').replace(/[^\p{L}]+/gu, '').length < 3;
}
