/**
 * The gather phase for one session: runs every offline extractor over the session's events and returns
 * a {@link SessionDigest}. Pure and deterministic: the same events always give the same digest, and the
 * digest holds no ids, so it can be cached by content hash.
 */
import { type SessionEvent, sha256Hex } from '../../domain/index.js';
import { addressedFeedback, hasAgentTurns } from './addressed.js';
import { answerForm, asksPerson, saysForGood } from './answers.js';
import { markAfterFailure } from './cancelled.js';
import { markDeclined } from './declined.js';
import { dictated } from './dictated.js';
import {
  DIGEST_VERSION,
  type ErrorOccurrence,
  type FactOccurrence,
  type FeedbackOccurrence,
  type PersonFactOccurrence,
  type RecoveryOccurrence,
  type SessionDigest,
  type StatementOccurrence,
  type ToolStep,
} from './digest.js';
import { AgentWords, withoutEchoes } from './echoed.js';
import { ExplorationTracker } from './exploration.js';
import { extractFact, isChatFact } from './facts.js';
import { agentCommitments, extractFeedback, MAX_COMMITMENTS, retractedTopic, takesBack } from './feedback.js';
import {
  holdsProgramOutput,
  overridesInstructions,
  relaysAssistant,
  withoutQuotedData,
} from './injection.js';
import { isForeign } from './language.js';
import { datedStatement, extractPersonFacts } from './person-facts.js';
import { REDACTION_MARKER } from './pii.js';
import { extractPreferences, MAX_USER_MESSAGE_CHARS, speakerLabel, splitSentences } from './preferences.js';
import { extractProjectFacts } from './project-facts.js';
import { callWork, changeQuote, diffInputs, kindChanges } from './recovery.js';
import { Redactor, stringsOf } from './redactor.js';
import { agentTextPrints } from './replays.js';
import { noteSetupStep, setupChange } from './setup-change.js';
import { isInspection, runKey } from './shell-scripts.js';
import { taskList, ticketTask } from './task-lists.js';
import { awaitedPerson, errorTemplate, instructsAgent, maskVariables, refusedInput } from './templates.js';
import { compareStrings, contentTokens, shortQuote, stripLeadIn } from './text.js';
import { callLabel, commandHead, shellCommandOf, TRIVIAL_TOOLS, toolInputText } from './tool-labels.js';

/** Harness messages that complain about the agent's output (vs. neutral context injected mid-session). */
const HARNESS_COMPLAINT =
  /\b(?:please|must|error|invalid|not allowed|failed|exactly|format(?:ted)?|incorrect|wrong|too long|only one|found \d+)\b/i;
const WARNING = /<warning>\s*([^\n<][^\n]*)/;
/** An importer's note that the harness cut a too-long output, e.g. `[… 12345 characters elided by mini-swe-agent …]`. */
const ELIDED = /\[… ([^\]\n]{0,80}\belided\b[^\]\n]{0,80}) …\]/;
/** A user reply of at most this many words right after the agent asked a question is an answer (see `answers.ts`). */
const ANSWER_MAX_WORDS = 25;
/** Longest opening paragraph of a long message read for feedback (`#leadFeedback`). */
const LEAD_MAX_CHARS = 400;

/** A user-role text repeated this often in one session is a harness template, not a person's words. */
const TEMPLATE_REPEATS = 3;
/**
 * A message that is a command to the harness, not speech: it opens with a slash command (`/web URL`,
 * `/add file`, `/clear`, as Aider, Claude Code and Gemini CLI take them). A path (`/Users/x`) is not one.
 */
const SLASH_COMMAND = /^\s*\/[a-z][\w-]*(?=\s|$)/;
/**
 * Output the person pasted (a stack trace from Python, Node or the JVM): the message quotes a program,
 * so its sentences state no preference or fact of the person's (a correction around it may still be feedback).
 */
const PASTED_TRACE =
  /^\s*Traceback \(most recent call last\)|^\s*File "[^"\n]+", line \d+|^\s+at [\w$.<>]+ \([^)\n]*:\d+:\d+\)$/m;
/** At most this many edit summaries per recovery. */
const MAX_EDITS = 3;

interface CallInfo {
  tool: string;
  input: unknown;
  seq: number;
  label: string;
  /** The tool kind an importer set (`search`, `read`, `edit` …), when the event carries one. */
  kind?: string;
  /** The shell command the call runs ({@link shellCommandOf}), or null when it is not a shell call. */
  command: string | null;
  /** Shell calls: the command and the scripts it runs as then written (`ExplorationTracker.effectiveText`). */
  effective?: string;
  /** Shell calls: the script it runs (`runKey`), or null. */
  run?: string | null;
}

interface PendingError {
  error: number;
  use: CallInfo | null;
  /** Calls made since, one per label; `inspect` when the call only read or searched. */
  between: { label: string; seq: number; inspect: boolean }[];
  edits: { from: string; to: string; seq: number }[];
  /** The first successful call of another tool after the error. */
  alt: { use: CallInfo; seq_result: number } | null;
  /** Shell errors: the set-up steps taken since (commands, see `setup-change.ts`). */
  setup?: string[];
  /** The `seq` of the tool_use behind each entry of {@link setup}, in the same order. */
  setup_seqs?: number[];
}

/** True when a call only reads or searches: a shell inspection (`cat`, `ls`, `grep`) or a tool of kind `read`/`search`. */
function inspects(info: CallInfo): boolean {
  return info.command !== null ? isInspection(info.command) : info.kind === 'read' || info.kind === 'search';
}

/** The `looked` field of a recovery: the labels of the calls before `seq` that only inspected, if any. */
function lookedBetween(between: PendingError['between'], seq: number): { looked?: string[] } {
  const looked = between.filter((b) => b.seq < seq && b.inspect).map((b) => b.label);
  return looked.length > 0 ? { looked: looked.slice(0, 5) } : {};
}

/**
 * Removes what the call made at `seq` left in the pending errors — a call made before their fix
 * (`between`), an edit (`edits`), a set-up step (`setup`) — because it never ran (the person declined it).
 */
function forgetCall(pending: Map<string, PendingError[]>, seq: number): void {
  for (const list of pending.values())
    for (const p of list) {
      p.between = p.between.filter((b) => b.seq !== seq);
      p.edits = p.edits.filter((e) => e.seq !== seq);
      const at = p.setup_seqs?.indexOf(seq) ?? -1;
      if (at !== -1) {
        p.setup!.splice(at, 1);
        p.setup_seqs!.splice(at, 1);
      }
    }
}

/** The old and new text of a file-edit call (`old_string`/`new_string`, `old_str`/`new_str`, …), or null. */
function editTexts(input: unknown): { from: string; to: string } | null {
  if (!input || typeof input !== 'object' || Array.isArray(input)) return null;
  const o = input as Record<string, unknown>;
  for (const [a, b] of [
    ['old_string', 'new_string'],
    ['old_str', 'new_str'],
    ['oldText', 'newText'],
    ['old_text', 'new_text'],
    ['search', 'replace'],
  ] as const) {
    if (typeof o[a] === 'string' && typeof o[b] === 'string') return { from: o[a], to: o[b] };
  }
  return null;
}

/** The patch text of an `apply_patch`-style edit: a string input, or its `input`/`patch` field. */
function patchText(input: unknown): string | null {
  if (typeof input === 'string') return input;
  if (!input || typeof input !== 'object' || Array.isArray(input)) return null;
  const o = input as Record<string, unknown>;
  const v = o.input ?? o.patch;
  return typeof v === 'string' ? v : null;
}

/**
 * The files and first hunk of a patch in Codex's `apply_patch` format (`*** Begin Patch`, `*** Add
 * File: p`, `*** Update File: p`, `*** Delete File: p`, `@@` hunks of ` `/`-`/`+` lines, `*** End
 * Patch`; openai/codex `codex-rs/apply-patch/apply_patch_tool_instructions.md`): the added or updated
 * paths, and the old and new text of the first hunk of the first updated file that changes something (context
 * plus `-` lines, context plus `+` lines). Null when the text is not such a patch.
 */
export function parsePatch(
  text: string,
): { paths: string[]; edit: { from: string; to: string } | null } | null {
  if (!/^\s*\*\*\* Begin Patch/.test(text)) return null;
  const paths: string[] = [];
  const from: string[] = [];
  const to: string[] = [];
  let state: 'none' | 'update' | 'hunk' | 'done' = 'none';
  let changed = false;
  for (const line of text.split('\n')) {
    const file = /^\*\*\* (Add|Update|Delete) File: (.+)$/.exec(line);
    if (file) {
      if (file[1] !== 'Delete') paths.push(file[2]!.trim());
      if (state !== 'none') state = 'done';
      else if (file[1] === 'Update') state = 'update';
      continue;
    }
    if (state !== 'update' && state !== 'hunk') continue;
    if (line.startsWith('***')) state = 'done';
    else if (line.startsWith('@@')) {
      // the first hunk that changes something (a hunk of context only is a locator)
      if (changed) state = 'done';
      else from.length = to.length = 0;
    } else if (/^[ +-]/.test(line)) {
      state = 'hunk';
      if (line[0] !== '+') from.push(line.slice(1));
      if (line[0] !== '-') to.push(line.slice(1));
      changed ||= line[0] !== ' ';
    }
  }
  const edit = changed ? { from: from.join('\n'), to: to.join('\n') } : null;
  return { paths, edit };
}

/** Input keys that hold the whole text a call writes into a file. */
const CONTENT_KEYS = ['content', 'file_text', 'text'] as const;

/** True if a call's input writes a whole file: a path plus new content (`Write`, `create_file` …). */
function writesFile(input: unknown): boolean {
  if (!input || typeof input !== 'object' || Array.isArray(input)) return false;
  const o = input as Record<string, unknown>;
  return (
    ['path', 'file_path', 'filename'].some((k) => typeof o[k] === 'string') &&
    CONTENT_KEYS.some((k) => typeof o[k] === 'string')
  );
}

/** What a tool-use event tells gather: its label, kind and shell command (see {@link shellCommandOf}). */
function callInfo(ev: Extract<SessionEvent, { type: 'agent.tool_use' }>): CallInfo {
  const command = shellCommandOf(ev);
  return {
    tool: ev.tool,
    input: ev.input,
    seq: ev.seq,
    label: callLabel(ev),
    ...(typeof ev.kind === 'string' ? { kind: ev.kind } : {}),
    command,
  };
}

/** Input keys that name one file to read, and the keys a reader may add (a line range, an encoding). */
const PATH_KEYS: ReadonlySet<string> = new Set(['path', 'file_path', 'filepath', 'filename', 'file']);
const READ_OPTIONS: ReadonlySet<string> = new Set([
  'offset',
  'limit',
  'start_line',
  'end_line',
  'view_range',
  'encoding',
]);

/** Kinds an importer sets that say nothing about whether a call reads or writes. */
const UNSAID_KINDS: ReadonlySet<string | undefined> = new Set([undefined, 'other', 'memory']);

/**
 * `'read'` for a structured call whose kind says nothing of reading or writing (none, `other`, or
 * `memory`: a call on the memory folder) and whose input only names one file (a path, plus a line range
 * at most: nothing to write): it reads, so its failure ("No such file or directory" for a memory file
 * not written yet) is exploration like any read (see `exploration.ts`). Else undefined.
 */
function readKind(c: CallInfo): 'read' | undefined {
  if (c.command !== null || !UNSAID_KINDS.has(c.kind)) return undefined;
  if (!c.input || typeof c.input !== 'object' || Array.isArray(c.input)) return undefined;
  const keys = Object.keys(c.input);
  const paths = keys.filter((k) => PATH_KEYS.has(k));
  return paths.length === 1 && keys.every((k) => PATH_KEYS.has(k) || READ_OPTIONS.has(k))
    ? 'read'
    : undefined;
}

/** The readable text of a call: its shell command, else its input ({@link toolInputText}). */
function callText(c: CallInfo): string {
  return c.command ?? toolInputText(c.input);
}

/** What a call acts on, in a few words: its command, else the file it names, else its input as text. */
function callTarget(c: CallInfo): string {
  if (c.command !== null) return c.command;
  const input = c.input && typeof c.input === 'object' && !Array.isArray(c.input) ? c.input : null;
  const path = input
    ? Object.entries(input).find(([k, v]) => PATH_KEYS.has(k) && typeof v === 'string')
    : undefined;
  return typeof path?.[1] === 'string' ? path[1] : toolInputText(c.input);
}

/**
 * The new text a writing call puts into files: its edit's new side, else the whole content it writes
 * (the person may quote it back, see `echoed.ts`).
 */
function writtenTexts(input: unknown, edit: { from: string; to: string } | null): string[] {
  if (edit) return [edit.to];
  if (!input || typeof input !== 'object' || Array.isArray(input)) return [];
  const o = input as Record<string, unknown>;
  return CONTENT_KEYS.flatMap((k) => (typeof o[k] === 'string' ? [o[k]] : []));
}

/**
 * What a call writes: whether it writes files at all (old/new text or path plus content in its input,
 * or an `edit` call by the importer's kind), the old and new text of its (first) edit, and the paths of
 * an `apply_patch`-style patch ({@link parsePatch}) of an `edit` call.
 */
function callWrites(c: CallInfo): {
  writes: boolean;
  edit: { from: string; to: string } | null;
  paths: string[];
} {
  const texts = editTexts(c.input);
  const writes = texts !== null || writesFile(c.input);
  if (texts || c.kind !== 'edit') return { writes, edit: texts, paths: [] };
  const text = patchText(c.input);
  const patch = text === null ? null : parsePatch(text);
  return { writes: true, edit: patch?.edit ?? null, paths: patch?.paths ?? [] };
}

/**
 * The changed span of an edit: the common prefix and suffix removed, then widened to whole words
 * (whitespace-delimited) on both sides; each side ≤ 80 chars. Null when nothing changed.
 * @example editSpan("from './mailer'", "from './mailer.js'") // {from: "'./mailer'", to: "'./mailer.js'"}
 */
export function editSpan(from: string, to: string): { from: string; to: string } | null {
  if (from === to) return null;
  let p = 0;
  while (p < from.length && p < to.length && from[p] === to[p]) p++;
  let q = 0;
  while (q < from.length - p && q < to.length - p && from[from.length - 1 - q] === to[to.length - 1 - q]) q++;
  // widen to whitespace boundaries
  while (p > 0 && !/\s/.test(from[p - 1]!)) p--;
  while (q > 0 && !/\s/.test(from[from.length - q]!)) q--;
  const a = from.slice(p, from.length - q).trim();
  const b = to.slice(p, to.length - q).trim();
  if (a.length > 80 || b.length > 80) return null;
  return { from: a, to: b };
}

/**
 * The first sentence of an agent message's prose (its gist, as the context of a correction): headings,
 * fences, tables and rules are skipped and Markdown emphasis is dropped. A first sentence shorter than
 * {@link SHORT_GIST} chars ("The fix is in.") gives way to its whole line (the caller shortens it), which
 * says what was done.
 */
function firstSentence(text: string): string {
  const line =
    text
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l && !/^(?:#|```|\||---|===|>)/.test(l) && /[a-z]{3}/i.test(l)) ?? '';
  // emphasis and code marks go; an identifier's underscores (CHANGES_SUMMARY.md) stay
  const prose = line
    .replace(/^[-*+]\s+|^\d+[.)]\s+/, '')
    .replace(/[*`]+/g, '')
    .replace(/(^|\s)_+|_+(?=\s|$|[.,;:!?])/g, '$1');
  const first = splitSentences(prose)[0];
  if (first === undefined) return prose;
  return first.length < SHORT_GIST ? prose : first;
}

/** Characters under which a message's first sentence is too short to tell what the agent did. */
const SHORT_GIST = 40;

/**
 * The texts of a session that gather can quote or derive memory from — user and agent messages,
 * harness messages after the agent started (not the system prompt, which is only hashed), tool inputs,
 * and the results of failed calls or with a warning — for the dream's redactor to learn secrets from
 * (the bulk of successful tool output is never quoted, so it is not scanned).
 */
export function* quotableTexts(events: readonly SessionEvent[]): Generator<string> {
  let agentStarted = false;
  for (const ev of events) {
    switch (ev.type) {
      case 'user.message':
        yield ev.text;
        break;
      case 'agent.message':
        agentStarted = true;
        yield ev.text;
        break;
      case 'system.message':
        if (agentStarted) yield ev.text;
        break;
      case 'agent.tool_use':
        agentStarted = true;
        yield* stringsOf(ev.input);
        break;
      case 'agent.tool_result':
        if (ev.is_error || WARNING.test(ev.content) || ELIDED.test(ev.content)) yield ev.content;
        break;
      default:
        agentStarted = true;
    }
  }
}

/** The default redactor of {@link gatherSession}: the synchronous rules only (nothing learned). */
const RULES_ONLY = new Redactor();

/**
 * True for a conversation among people: no agent turn, and messages labelled with two or more speakers
 * (`Ann: …`, `Bob: …`). Nobody there tells an agent how to work.
 */
function amongPeople(events: readonly SessionEvent[]): boolean {
  if (hasAgentTurns(events)) return false;
  const speakers = new Set<string>();
  for (const e of events) {
    if (e.type !== 'user.message') continue;
    const who = speakerLabel(e.text);
    if (who) speakers.add(who);
    if (speakers.size >= 2) return true;
  }
  return false;
}

/** The statements people made about themselves in a session's messages (see `person-facts.ts`). */
function personStatements(
  messages: readonly { text: string; seq: number; at: string | null; speaker: string | null }[],
): PersonFactOccurrence[] {
  const out: PersonFactOccurrence[] = [];
  for (const m of messages) {
    for (const sentence of extractPersonFacts(m.text)) {
      const { text, day } = datedStatement(sentence, m.at);
      out.push({
        seq: m.seq,
        text,
        tokens: contentTokens(text),
        day,
        ...(m.speaker ? { speaker: m.speaker } : {}),
      });
    }
  }
  return out;
}

/**
 * Extracts the digest of one session. Every quote, template and statement is redacted first
 * (credentials and personal data, see `redactor.ts`).
 * @param events the session's events, in `seq` order.
 * @param redactor the dream's redactor, which has learned this session's secrets (default: rules only).
 * @returns tool-error templates, error→recovery pairs, the collapsed tool sequence, user preference and
 *   correction sentences, declarative facts, a person's feedback, and system-prompt hashes (see {@link SessionDigest}).
 */
export function gatherSession(events: readonly SessionEvent[], redactor = RULES_ONLY): SessionDigest {
  const g = new SessionGatherer(events, redactor);
  for (const ev of events) g.event(ev);
  return g.digest();
}

/**
 * A flag asking a program to rehearse, not act (`--dry-run`, `--noop`, `--simulate`, PowerShell's
 * `-WhatIf`): such a run succeeding shows nothing about whether the failed call would now work.
 */
const DRY_RUN = /(?:^|\s)(?:--(?:dry[-_]?run|noop|no-op|simulate|what-?if)|-WhatIf)(?=[\s=]|$)/i;

/** A call step as the digest's tool sequence collects it (collapsed into `steps` at the end). */
type CallStep = { label: string; seq: number; quote: string; failed: boolean; inspect?: true };

/** The agent's last act before the person spoke: its words, or the call it made (see `agentContext`). */
type AgentLast = { said: string } | { called: string } | null;

/**
 * Reads one session's events in order into its digest (see {@link gatherSession}); one gatherer per
 * session. State: the calls and their pending errors (until a recovery), the steps, what the agent last
 * said or did (the context of a correction), and what the person said.
 */
class SessionGatherer {
  readonly #events: readonly SessionEvent[];
  readonly #redactor: Redactor;
  #redactions = 0;
  readonly #calls = new Map<string, CallInfo>();
  readonly #errors: ErrorOccurrence[] = [];
  readonly #recoveries: RecoveryOccurrence[] = [];
  /** Non-trivial calls in order, with whether their result was an error (collapsed into steps at the end). */
  readonly #callSteps: CallStep[] = [];
  readonly #stepOf = new Map<string, number>();
  readonly #statements: StatementOccurrence[] = [];
  readonly #facts: FactOccurrence[] = [];
  readonly #feedback: FeedbackOccurrence[] = [];
  /** A person's messages about themselves, read at the end only when the session had no tool calls. */
  readonly #aboutSelf: { text: string; seq: number; at: string | null; speaker: string | null }[] = [];
  /**
   * What the agent last said or did (the context of a correction), and whether it acted since the person
   * spoke. A message's gist is derived only when feedback needs it, not for every agent message.
   */
  #agentLast: AgentLast = null;
  #agentActed = false;
  /** The agent's last tool call after its words, as `Tool \`target\`` (named with a correction's context). */
  #agentCall: string | null = null;
  /** True once the agent spoke since the person's last message (its words are then the context). */
  #spoke = false;
  #lastFeedbackMessage = -1;
  /** Agent commitments kept so far (at most MAX_COMMITMENTS). */
  #commitments = 0;
  readonly #systemPrompts = new Set<string>();
  /** Unrecovered errors per tool name; `(harness)` errors are recovered by any successful call. */
  readonly #pending = new Map<string, PendingError[]>();
  #agentStarted = false;
  /** The agent's messages and the text it wrote into files since the person's last message. */
  #agentSince: string[] = [];
  /** True while the agent's latest message asked the user a question. */
  #agentAsked = false;
  /** How often each user message text occurs in the session (a harness template repeats). */
  readonly #userTexts = new Map<string, number>();
  readonly #explore = new ExplorationTracker();
  #firstTs: string | null = null;
  #lastTs: string | null = null;
  #toolCalls = 0;
  #toolErrors = 0;

  constructor(events: readonly SessionEvent[], redactor: Redactor) {
    this.#events = events;
    this.#redactor = redactor;
    for (const ev of events)
      if (ev.type === 'user.message') this.#userTexts.set(ev.text, (this.#userTexts.get(ev.text) ?? 0) + 1);
  }

  /** Personal data and credentials redacted from `text` (counted). */
  #clean(text: string): string {
    const r = this.#redactor.sensitive(text);
    this.#redactions += r.count;
    return r.text;
  }

  /** What the agent had just said or done, for a correction's context (null before it acted). */
  #agentContext(): string | null {
    const last = this.#agentLast;
    return last === null
      ? null
      : 'called' in last
        ? `called ${last.called}`
        : this.#clean(shortQuote(firstSentence(last.said), 160));
  }

  /**
   * The pending-error key of a call: its tool, or for shell tools the tool and program (`Bash:git
   * push`), so only a run of the same program recovers a shell error and the commands in between (`git
   * pull --rebase`) are recorded as what was done first — the next command is not a fix by itself.
   */
  #keyOf(c: CallInfo): string {
    return c.command !== null ? `${c.tool}\u0000${c.run ?? c.label}` : c.tool;
  }

  /** Reads one event. */
  event(ev: SessionEvent): void {
    if (ev.timestamp) {
      if (this.#firstTs === null || ev.timestamp < this.#firstTs) this.#firstTs = ev.timestamp;
      if (this.#lastTs === null || ev.timestamp > this.#lastTs) this.#lastTs = ev.timestamp;
    }
    switch (ev.type) {
      case 'system.message':
        this.#system(ev);
        break;
      case 'user.message':
        this.#user(ev);
        break;
      case 'agent.message':
        this.#agentMessage(ev);
        break;
      case 'agent.thinking':
        this.#agentStarted = true;
        break;
      case 'agent.tool_use':
        this.#toolUse(ev);
        break;
      case 'agent.tool_result':
        this.#toolResult(ev);
        break;
    }
  }

  /** A system message: a system prompt (before the agent starts) or a harness complaint (an error). */
  #system(ev: Extract<SessionEvent, { type: 'system.message' }>): void {
    if (!this.#agentStarted) {
      this.#systemPrompts.add(sha256Hex(ev.text).slice(0, 16));
      return;
    }
    const firstLine = ev.text.split('\n').find((l) => l.trim()) ?? '';
    if (!HARNESS_COMPLAINT.test(firstLine)) return;
    const quote = this.#clean(shortQuote(firstLine));
    this.#errors.push({
      kind: 'harness',
      tool: '(harness)',
      template: maskVariables(this.#redactor.sensitive(firstLine).text),
      seq: ev.seq,
      seq_use: null,
      quote,
      label: null,
    });
    const list = this.#pending.get('(harness)') ?? [];
    list.push({ error: this.#errors.length - 1, use: null, between: [], edits: [], alt: null });
    this.#pending.set('(harness)', list);
  }

  /** A person's message: feedback, then (unless an answer or pasted output) preferences and facts. */
  #user(ev: Extract<SessionEvent, { type: 'user.message' }>): void {
    // an answer to the agent's question: a short reply, or one in the form of an answer (`answers.ts`)
    const answering = this.#agentAsked && answerForm(ev.text);
    // a short reply to a question ("Always the aisle seat.") states no preference or fact at all
    const short = this.#agentAsked && !answering && ev.text.trim().split(/\s+/).length <= ANSWER_MAX_WORDS;
    this.#agentAsked = false;
    // a dictated turn (`dictated.ts`): its fragments state nothing but what says it holds generally
    const spoken = dictated(ev.text);
    // a task list (`task-lists.ts`): its items are this task's work
    // (so is a ticket pasted to start its work: "ENGOPS-1: Implement a small change")
    const listed = taskList(ev.text) || ticketTask(ev.text);
    const acted = this.#agentActed;
    this.#agentActed = false;
    const agentWords = this.#agentSince;
    this.#agentSince = [];
    this.#spoke = false;
    // only a person's own words: not a harness template repeated through the session
    if ((this.#userTexts.get(ev.text) ?? 0) >= TEMPLATE_REPEATS) return;
    if (ev.text.length > MAX_USER_MESSAGE_CHARS) {
      // a long message is a task description or a pasted spec; only its short opening paragraph, the
      // person's own words above what they pasted ("avoid any more reseeding unless explicitly required
      // (it keeps causing regressions)" over a 5,000-character plan), may hold feedback
      this.#leadFeedback(ev.text, ev.seq, acted, listed);
      return;
    }
    // a slash command is an instruction to the harness, never a rule or a fact
    if (SLASH_COMMAND.test(ev.text)) return;
    // a message that tells the agent to ignore its instructions is an injection: nothing in it is
    // the person's rule, fact or feedback
    if (overridesInstructions(ev.text)) return;
    // redact first: keys and tokens are derived from the text and must not carry secrets either;
    // blocks the message delimits as data (a pasted ticket, a fenced file) are not the person's words
    // nor text quoted back to the agent, or sentences repeating what it just said or wrote (`echoed.ts`)
    const text = withoutEchoes(
      withoutQuotedData(this.#clean(ev.text)),
      new AgentWords(agentWords),
      (frame) => extractFeedback(frame, acted).length > 0 || extractPreferences(frame).length > 0,
    );
    const speaker = speakerLabel(text);
    // a reply in the form of an answer ("1. … 2. …", "go with the second") decides this task, a task
    // list's items are this task's work, and a dictated turn's fragments are cut at guesses: only what
    // carries an explicit cue of generality may be feedback, a preference or a fact
    // (a rule in another language carries such a cue by construction: `foreign-feedback.ts` reads none
    // without one, and the English cue words would never match it)
    const kept = (said: string) => !(answering || spoken || listed) || saysForGood(said) || isForeign(said);
    // feedback reads each sentence for a rule or a correction itself, so a reply to the agent's
    // question ("should I add a new file?" — "don't create separate documents") can be one
    this.#gatherFeedback(text, ev.seq, acted, speaker, kept);
    // pasted program output states no preference or fact (read before blanking: an exception line is
    // also a field line), nor does a short answer to the agent's question (a simulated user's reply)
    if (short || PASTED_TRACE.test(ev.text) || holdsProgramOutput(ev.text)) return;
    for (const p of extractPreferences(text)) {
      if (!kept(p.text)) continue;
      this.#statements.push({
        kind: p.kind,
        seq: ev.seq,
        text: p.text,
        tokens: p.tokens,
        source: 'user.message',
        ...(speaker ? { speaker } : {}),
      });
    }
    this.#addFacts(text, ev.seq, 'user.message', speaker, kept);
    if (!answering && !spoken) this.#aboutSelf.push({ text, seq: ev.seq, at: ev.timestamp, speaker });
  }

  /**
   * The feedback of a long message's opening paragraph (up to the first blank line), when it is at most
   * {@link LEAD_MAX_CHARS} long and no slash command, injection or task list: read as a message of its own.
   */
  #leadFeedback(message: string, seq: number, acted: boolean, listed: boolean): void {
    const lead = /^\s*([^\n]+(?:\n(?!\s*\n)[^\n]+)*)\n\s*\n/.exec(message)?.[1];
    if (!lead || lead.length > LEAD_MAX_CHARS || listed || SLASH_COMMAND.test(lead)) return;
    // (nor the opening of another assistant's conversation pasted whole: "Logan\n…\n\nGemini\n…")
    if (overridesInstructions(message) || relaysAssistant(message)) return;
    const text = withoutQuotedData(this.#clean(lead));
    this.#gatherFeedback(text, seq, acted, speakerLabel(text), () => true);
  }

  /** The declarative facts of a person's message, each quoted as written. */
  #addFacts(
    text: string,
    seq: number,
    source: FactOccurrence['source'],
    speaker: string | null,
    kept: (sentence: string) => boolean = () => true,
  ): void {
    for (const sentence of splitSentences(text)) {
      if (!kept(sentence)) continue;
      const f = extractFact(sentence);
      if (!f || !isChatFact(f) || REDACTION_MARKER.test(f.value) || REDACTION_MARKER.test(f.raw)) continue;
      const quote = shortQuote(stripLeadIn(sentence));
      if (!quote.includes(f.raw)) continue;
      this.#facts.push({
        seq,
        subject: f.subject,
        value: f.value,
        type: f.type,
        pattern: f.pattern,
        change: f.change,
        text: quote,
        raw: f.raw,
        source,
        ...(speaker ? { speaker } : {}),
      });
    }
  }

  /**
   * A person's rules and corrections in one message; a take-back cancels their previous message's. Only
   * statements `kept` accepts are kept (in an answer to the agent's question or a dictated turn: those
   * that say they hold for good).
   */
  #gatherFeedback(
    text: string,
    seq: number,
    acted: boolean,
    speaker: string | null,
    kept: (statement: string) => boolean,
  ): void {
    if (takesBack(text)) {
      this.#takeBack(text);
      return;
    }
    const stated = extractProjectFacts(text, acted).map((f) => ({ ...f, cue: f.type, why: null }));
    for (const f of [...extractFeedback(text, acted), ...stated]) {
      if (!kept(f.text)) continue;
      const last = this.#agentLast;
      this.#feedback.push({
        cue: f.cue,
        seq,
        text: shortQuote(f.text, 300),
        why: f.why ? shortQuote(f.why, 200) : null,
        context: acted ? this.#agentContext() : null,
        ...('needs_change' in f && f.needs_change ? { needs_change: true as const } : {}),
        ...(acted && this.#agentCall !== null && last !== null && 'said' in last
          ? { context_call: this.#agentCall }
          : {}),
        tokens: f.tokens,
        ...(speaker ? { speaker } : {}),
      });
      this.#lastFeedbackMessage = seq;
    }
  }

  /** A take-back: removes the feedback it names, else the previous message's (never the agent's commitments). */
  #takeBack(text: string): void {
    const topic = retractedTopic(text);
    // stems of one word may differ ("wrapping" → wrapp, "wrap"): a shared 4-letter start counts
    const near = (a: string, b: string) =>
      a === b || (a.length >= 4 && b.length >= 4 && a.slice(0, 4) === b.slice(0, 4));
    const named = (f: FeedbackOccurrence) =>
      f.cue !== 'follows' &&
      topic.filter((t) => f.tokens.some((u) => near(t, u))).length >= Math.min(2, topic.length);
    const gone =
      topic.length > 0 && this.#feedback.some(named)
        ? named
        : (f: FeedbackOccurrence) => f.cue !== 'follows' && f.seq === this.#lastFeedbackMessage;
    const kept = this.#feedback.filter((f) => !gone(f));
    this.#feedback.splice(0, this.#feedback.length, ...kept);
  }

  /** The agent's words: its context for the person's next message, and how it says it will (not) work. */
  #agentMessage(ev: Extract<SessionEvent, { type: 'agent.message' }>): void {
    this.#agentStarted = true;
    this.#agentActed = true;
    this.#agentLast = { said: ev.text };
    this.#agentSince.push(ev.text);
    this.#agentCall = null;
    this.#spoke = true;
    this.#agentAsked = asksPerson(ev.text);
    // the agent saying how it will (not) work: evidence that it follows a rule said before
    for (const f of agentCommitments(ev.text)) {
      if (this.#commitments++ >= MAX_COMMITMENTS) break;
      const said = shortQuote(this.#clean(f.text), 300);
      this.#feedback.push({
        cue: 'follows',
        seq: ev.seq,
        text: said,
        why: null,
        context: null,
        tokens: contentTokens(said),
      });
    }
    // facts come only from a person's own words: an agent's statement may paraphrase tool output
  }

  /** A tool call: its step, what it writes, and what it adds to every pending error of another call. */
  #toolUse(ev: Extract<SessionEvent, { type: 'agent.tool_use' }>): void {
    this.#agentStarted = true;
    this.#agentActed = true;
    this.#toolCalls++;
    const info = callInfo(ev);
    const label = info.label;
    // what the agent said it was doing tells a correction's context better than the call after it
    if (!this.#spoke) this.#agentLast = { called: label };
    else this.#agentCall = `${ev.tool} \`${this.#clean(shortQuote(callTarget(info), 100))}\``;
    const written = callWrites(info);
    if (written.writes) this.#agentSince.push(...writtenTexts(info.input, written.edit));
    this.#explore.note(info.command, written.writes, ev.input);
    for (const path of written.paths) this.#explore.note(null, true, { path });
    if (info.command !== null) {
      info.effective = this.#explore.effectiveText(info.command);
      info.run = runKey(info.command);
    }
    this.#calls.set(ev.call_id, info);
    if (TRIVIAL_TOOLS.has(ev.tool.toLowerCase())) return;
    this.#stepOf.set(ev.call_id, this.#callSteps.length);
    const inspect = inspects(info);
    this.#callSteps.push({
      label,
      seq: ev.seq,
      quote: this.#clean(shortQuote(callText(info), 120)),
      failed: false,
      ...(inspect ? { inspect: true as const } : {}),
    });
    this.#notePending(info, written.edit, ev.seq, inspect);
  }

  /**
   * A call made while other calls' errors wait: a step between, an edit, or a set-up step for each.
   * @param inspect whether the call only reads or searches ({@link inspects}), computed once by the caller.
   */
  #notePending(
    info: CallInfo,
    et: ReturnType<typeof callWrites>['edit'],
    seq: number,
    inspect: boolean,
  ): void {
    const span = et ? editSpan(et.from, et.to) : null;
    const key = this.#keyOf(info);
    for (const [k, list] of this.#pending) {
      if (k === key) continue;
      for (const p of list) {
        if (!p.between.some((b) => b.label === info.label) && p.between.length < 6)
          p.between.push({ label: info.label, seq, inspect });
        if (span && p.edits.length < MAX_EDITS)
          p.edits.push({ from: this.#clean(span.from), to: this.#clean(span.to), seq });
        if (p.setup && info.command !== null) {
          const before = p.setup.length;
          noteSetupStep(p.setup, info.command, p.use?.command ?? null);
          if (p.setup.length > before) {
            p.setup_seqs ??= [];
            p.setup_seqs.push(seq);
          }
        }
      }
    }
  }

  /**
   * A tool's result. A call the person (or the harness for them) declined did not run: it is no step
   * taken, no set-up or edit before a fix, and never the fix itself; its error, if the source flags one,
   * is kept only as declined (never a mistake, see `mistakes.ts`) and waits for no recovery.
   */
  #toolResult(ev: Extract<SessionEvent, { type: 'agent.tool_result' }>): void {
    const call = this.#calls.get(ev.call_id) ?? null;
    const tool = ev.tool ?? call?.tool ?? 'unknown';
    const declined = ev.declined === true;
    if (declined) {
      const st = this.#stepOf.get(ev.call_id);
      if (st !== undefined) this.#callSteps[st]!.failed = true;
      if (call) forgetCall(this.#pending, call.seq);
    }
    if (declined && !ev.is_error) return;
    if (ev.is_error) this.#toolError(ev, call, tool, declined);
    else this.#toolSuccess(ev, call, tool);
  }

  /** A failed result: its error (template, quote, exploration, …), pending until a recovery unless declined. */
  #toolError(
    ev: Extract<SessionEvent, { type: 'agent.tool_result' }>,
    call: CallInfo | null,
    tool: string,
    declined: boolean,
  ): void {
    this.#toolErrors++;
    const st = this.#stepOf.get(ev.call_id);
    if (st !== undefined) this.#callSteps[st]!.failed = true;
    const { template: rawTemplate, signature } = errorTemplate(ev.content);
    const template = this.#redactor.sensitive(rawTemplate).text;
    let t = template;
    if (template === '(no output)' && call?.command != null) {
      const head = commandHead(call.command);
      t = `${head || 'command'} exited non-zero with no output`;
    }
    const quote =
      signature.offset >= 0
        ? shortQuote(ev.content.slice(signature.offset, signature.offset + signature.line.length))
        : shortQuote(ev.content);
    const exploration = call
      ? this.#explore.classify(call.command, readKind(call) ?? call.kind, t)
      : undefined;
    this.#errors.push({
      kind: 'tool_error',
      tool,
      template: t,
      seq: ev.seq,
      seq_use: call?.seq ?? null,
      quote: this.#clean(quote),
      label: call?.label ?? null,
      ...(call ? { work: callWork(call.kind, call.command) } : {}),
      ...(exploration ? { exploration } : {}),
      ...(call?.kind === 'other' && call.command === null ? { api: true as const } : {}),
      ...(awaitedPerson(ev.content, signature) ? { awaited: true as const } : {}),
      ...(instructsAgent(ev.content, signature) ? { instructs: true as const } : {}),
      ...(refusedInput(ev.content) ? { refused_input: true as const } : {}),
      ...(declined ? { declined: true as const } : {}),
    });
    if (declined) return;
    const key = call ? this.#keyOf(call) : tool;
    const list = this.#pending.get(key) ?? [];
    list.push({
      error: this.#errors.length - 1,
      use: call,
      between: [],
      edits: [],
      alt: null,
      ...(call?.effective !== undefined ? { setup: [] } : {}),
    });
    this.#pending.set(key, list);
  }

  /** A successful result: its warnings, the errors it recovers, and other tools' errors it may replace. */
  #toolSuccess(
    ev: Extract<SessionEvent, { type: 'agent.tool_result' }>,
    call: CallInfo | null,
    tool: string,
  ): void {
    const w = WARNING.exec(ev.content);
    const el = w ? null : ELIDED.exec(ev.content);
    if (el) {
      this.#errors.push({
        kind: 'warning',
        tool,
        template: `Output too long: ${maskVariables(el[1]!)}`,
        seq: ev.seq,
        seq_use: call?.seq ?? null,
        quote: this.#clean(el[0]),
        label: call?.label ?? null,
      });
    }
    if (w) {
      const line = w[1]!.trim();
      const offset = ev.content.indexOf(line);
      this.#errors.push({
        kind: 'warning',
        tool,
        template: maskVariables(line),
        seq: ev.seq,
        seq_use: call?.seq ?? null,
        quote: this.#clean(shortQuote(ev.content.slice(offset, offset + line.length))),
        label: call?.label ?? null,
      });
    }
    if (!call) return;
    // a rehearsal that succeeded (`npm publish --dry-run`) did not do the failed call's work: no recovery
    if (call.command !== null && DRY_RUN.test(call.command)) return;
    this.#recover(call, ev.seq);
    // another tool that succeeded instead (another shell program is a step, not a replacement)
    if (TRIVIAL_TOOLS.has(call.tool.toLowerCase())) return;
    for (const [k, list] of this.#pending) {
      if (k === this.#keyOf(call) || k === '(harness)') continue;
      for (const p of list)
        if (!(p.use && p.use.command !== null && call.command !== null))
          p.alt ??= { use: call, seq_result: ev.seq };
    }
  }

  /** A successful call recovers its own pending errors and the harness's: one recovery per distinct template. */
  #recover(use: CallInfo, resultSeq: number): void {
    const lists: PendingError[][] = [];
    const own = this.#pending.get(this.#keyOf(use));
    if (own?.length) lists.push(own);
    const harness = this.#pending.get('(harness)');
    if (harness?.length) lists.push(harness);
    for (const list of lists) {
      // one recovery per distinct template: the latest failure of each
      const seen = new Set<string>();
      for (let i = list.length - 1; i >= 0; i--) {
        const p = list[i]!;
        const template = this.#errors[p.error]!.template;
        if (seen.has(template)) continue;
        seen.add(template);
        this.#recoveries.push(this.#recovery(p, use, resultSeq));
      }
      list.length = 0;
    }
  }

  /** The recovery of pending error `p` by `use`: what changed, what was done first, edits and set-up. */
  #recovery(p: PendingError, use: CallInfo, resultSeq: number): RecoveryOccurrence {
    const change = p.use ? diffInputs(p.use.input, use.input) : { paths: [], numeric: [] };
    const what = p.use && p.use.command === null ? this.#clean(changeQuote(p.use.input, use.input)) : '';
    const kinds = p.use && p.use.command === null ? kindChanges(p.use.input, use.input) : [];
    const rec: RecoveryOccurrence = {
      error: p.error,
      seq_use: use.seq,
      seq_result: resultSeq,
      label: use.label,
      changed: change.paths.slice(0, 12),
      numeric: change.numeric,
      between: p.between
        .filter((b) => b.seq < use.seq)
        .map((b) => b.label)
        .slice(0, 5),
      ...lookedBetween(p.between, use.seq),
      quote: this.#clean(shortQuote(callText(use))),
      ...(what ? { change_quote: what } : {}),
      ...(kinds.length > 0 ? { kinds } : {}),
    };
    if (p.use && p.use.command !== null) rec.failed_quote = this.#clean(shortQuote(p.use.command));
    if (p.use?.effective !== undefined && use.effective !== undefined) {
      const sc = setupChange(p.use.effective, use.effective, p.setup ?? [], {
        failed: p.use.command ?? '',
        success: use.command ?? '',
      });
      // a token holding a secret (`API_KEY=…`) is left out; lines are redacted
      rec.setup = sc.tokens.filter((t) => this.#redactor.sensitive(t).count === 0);
      rec.setup_lines = sc.lines.map((l) => this.#clean(l));
    }
    const edits = p.edits.filter((e) => e.seq < use.seq).map(({ from, to }) => ({ from, to }));
    if (edits.length > 0) rec.edits = edits;
    return rec;
  }

  /** Errors whose tool never succeeded afterwards: the first successful call of another tool instead. */
  #alternatives(): void {
    for (const [tool, list] of [...this.#pending.entries()].sort((a, b) => compareStrings(a[0], b[0]))) {
      if (tool === '(harness)') continue;
      const seen = new Set<string>();
      for (let i = list.length - 1; i >= 0; i--) {
        const p = list[i]!;
        const template = this.#errors[p.error]!.template;
        if (!p.alt || seen.has(template)) continue;
        seen.add(template);
        this.#recoveries.push({
          error: p.error,
          seq_use: p.alt.use.seq,
          seq_result: p.alt.seq_result,
          label: p.alt.use.label,
          changed: [],
          numeric: [],
          between: [],
          quote: this.#clean(shortQuote(callText(p.alt.use))),
          alt: true,
          work: callWork(p.alt.use.kind, p.alt.use.command),
        });
      }
    }
  }

  /** The tool sequence: the steps that did not fail, consecutive calls of one label collapsed. */
  #steps(): ToolStep[] {
    const steps: ToolStep[] = [];
    for (const c of this.#callSteps) {
      if (c.failed) continue;
      const last = steps[steps.length - 1];
      if (last && last.label === c.label) last.seq_last = c.seq;
      else
        steps.push({
          label: c.label,
          seq: c.seq,
          seq_last: c.seq,
          quote: c.quote,
          ...(c.inspect ? { inspect: c.inspect } : {}),
        });
    }
    return steps;
  }

  /** The digest, once every event is read. */
  digest(): SessionDigest {
    const events = this.#events;
    this.#alternatives();
    this.#recoveries.sort((a, b) => a.error - b.error || a.seq_use - b.seq_use);
    markDeclined(events, this.#errors);
    markAfterFailure(events, this.#errors);
    const steps = this.#steps();
    return {
      v: DIGEST_VERSION,
      events: events.length,
      first_ts: this.#firstTs,
      last_ts: this.#lastTs,
      errors: this.#errors,
      recoveries: this.#recoveries,
      steps,
      // a preference is how a person wants an agent to work: none from people talking to each other
      statements: amongPeople(events) ? [] : this.#statements,
      facts: this.#facts,
      // only what was said to an agent about its work (none when no agent took part)
      feedback: addressedFeedback(events, this.#feedback),
      person: this.#toolCalls === 0 ? personStatements(this.#aboutSelf) : [],
      system_prompts: [...this.#systemPrompts].sort(),
      tool_calls: this.#toolCalls,
      tool_errors: this.#toolErrors,
      redactions: this.#redactions,
      prints: agentTextPrints(events),
    };
  }
}
