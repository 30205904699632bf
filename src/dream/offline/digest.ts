/**
 * The per-session gather result ("digest"): everything the offline extractors found in one session,
 * as plain JSON. Digests are what the gather cache stores under `${engine.version}:${content_sha256}`,
 * so they hold no session ids, agent ids or outcomes (those are attached after lookup from the
 * `Session`), only event `seq` numbers and verbatim (secret-redacted) quotes.
 */
import type { KindChange } from './recovery.js';

/** Bumped whenever the digest shape or an extractor's meaning changes (part of the engine version). */
export const DIGEST_VERSION = 88;

/** A failed tool call, harness complaint or tool warning, reduced to a template. */
export interface ErrorOccurrence {
  /** `tool_error`: a failed tool result; `harness`: a harness `system.message` after the agent acted; `warning`: a `<warning>` in a successful tool result. */
  kind: 'tool_error' | 'harness' | 'warning';
  /** Tool name, or `(harness)` for harness feedback. */
  tool: string;
  /** Masked template (see `templates.ts`). */
  template: string;
  /** Seq of the event holding the error text (tool_result or system.message). */
  seq: number;
  /** Seq of the failing tool_use, when known. */
  seq_use: number | null;
  /** Verbatim (redacted) quote of the error line, ≤ 200 chars. */
  quote: string;
  /** Label of the failing call (e.g. `bash:python`), when known. */
  label: string | null;
  /** The kind of work the failing call did (`recovery.ts` `callWork`: `read`, `search`, `shell` …), when known. */
  work?: string;
  /**
   * Set when the error is part of normal exploration rather than an avoidable mistake (see
   * `exploration.ts`): `search` — a search or read that found nothing; `own-code` — the agent's own
   * reproduction script or inline snippet failed (it wrote it to fail or to find out); `test-run` — a
   * test run failed (how the agent checks its work); `cleanup` — housekeeping on something already gone
   * or there, or a throw-away script no longer there.
   */
  exploration?: 'search' | 'own-code' | 'test-run' | 'cleanup';
  /**
   * True when the failing call is an API tool's (the importer's kind `other`, not a shell command):
   * the same error of one backend may come back from several of its tools (`book_reservation`,
   * `update_reservation_flights`), and `mistakes.ts` merges their paraphrases across tools.
   */
  api?: true;
  /**
   * True when the call was declined, the person's decision rather than the tool's failure: its result
   * carries the importer's `declined` marker, or (formats without one) the person answered the failed
   * result — the agent's turn ended there and the person (or the harness's note of an interruption)
   * spoke next (see `declined.ts`).
   */
  declined?: true;
  /**
   * True when the failed result came right after another failed result, with only tool calls and results
   * between them: possibly a call the harness cancelled because a sibling failed (see `cancelled.ts`).
   */
  after_failure?: true;
  /**
   * True when the call waited for a person: its output prompted whoever sat at the terminal to act, then
   * the wait ran out (see `awaitedPerson` in `templates.ts`). Never read as the agent's mistake.
   */
  awaited?: true;
  /**
   * True when the error's own words go on to tell the agent what to do next ("File has not been read yet.
   * Read it first before writing to it.": `templates.ts` `instructsAgent`); the template keeps the failure.
   */
  instructs?: true;
  /**
   * True when the harness refused the call's input against the tool's schema (Claude Code's
   * `InputValidationError`: `templates.ts` `refusedInput`), whatever the tool: the refusal names what to mend.
   */
  refused_input?: true;
}

/** The successful retry that followed an error. */
export interface RecoveryOccurrence {
  /** Index into the digest's `errors` of the error it recovers from. */
  error: number;
  /** Seq of the successful tool_use and its result. */
  seq_use: number;
  seq_result: number;
  /** Label of the successful call. */
  label: string;
  /** Changed input paths (see `recovery.ts`). */
  changed: string[];
  numeric: string[];
  /**
   * Leaves whose typed-identifier value changed kind (`payment_id`: `certificate` → `gift_card`, see
   * `recovery.ts` `kindChanges`); absent when none did (and for shell commands).
   */
  kinds?: KindChange[];
  /** Labels of other non-trivial tools called in between, in order, de-duplicated (≤ 5). */
  between: string[];
  /**
   * The labels of {@link between} whose calls only inspected (read or searched: `Read`, `Grep`, `bash:cat`),
   * absent when none did: the agent looking again before its retry, not a step that mended anything.
   */
  looked?: string[];
  /** Verbatim (redacted) quote of the fixing call's input, ≤ 200 chars. */
  quote: string;
  /**
   * What changed from the failed call to this one, for evidence (`payment_id: "a" → "b"`, at most 3
   * leaves, values ≤ 40 chars, redacted); empty for shell commands and unrelated calls.
   */
  change_quote?: string;
  /** Shell tools: verbatim (redacted) quote of the failed call's command, ≤ 200 chars. */
  failed_quote?: string;
  /**
   * Shell retries of the same run (see `shell-scripts.ts` `runKey`): the tokens (`changeTokens`) the
   * successful run had and the failed one lacked — in its command or in the script it runs, as last
   * written — plus those of the set-up steps taken in between (`isSetupStep`: not inspections, not
   * in-place edits of code), and `after:<token>`/`before:<token>` for a line moved after or before a line
   * holding the token (an import moved after `django.setup()`); sorted, at most 400.
   */
  setup?: string[];
  /** The lines behind {@link setup}, verbatim (redacted), trimmed, ≤ 120 chars each, at most 40. */
  setup_lines?: string[];
  /**
   * Edits made between the error and the fix (file-edit calls with old/new text), each reduced to the
   * changed span widened to whole words, verbatim (redacted), ≤ 80 chars a side; at most 3.
   */
  edits?: { from: string; to: string }[];
  /**
   * True when no call of the failing tool succeeded later in the session and this is instead the first
   * successful call of a different tool after the error (e.g. `return_order` after `cancel_order`
   * failed).
   */
  alt?: boolean;
  /** For an {@link alt} call: the kind of work it did (`recovery.ts` `callWork`). */
  work?: string;
}

/** One step of the session's collapsed tool sequence (successful calls only; failed calls are mistakes). */
export interface ToolStep {
  label: string;
  /** Seq of the first tool_use of the run of equal labels. */
  seq: number;
  /** Seq of the last tool_use of the run. */
  seq_last: number;
  /** Verbatim (redacted) quote of the first call's input, ≤ 120 chars. */
  quote: string;
  /** True when the first call only inspects (a `read`/`search` kind, or a shell `isInspection` command). */
  inspect?: true;
}

/** A user preference or correction sentence. */
export interface StatementOccurrence {
  kind: 'preference' | 'correction';
  seq: number;
  /** Verbatim (redacted) sentence. */
  text: string;
  tokens: string[];
  /** Where it came from; only `user.message` is ever extracted. */
  source: 'user.message';
  /** The speaker the message names (`Audrey: …` in a transcript of several people), if any. */
  speaker?: string;
}

/** A declarative fact stated in the session (see `facts.ts`). */
export interface FactOccurrence {
  seq: number;
  subject: string;
  value: string;
  type: string;
  pattern: string;
  change: boolean;
  text: string;
  /** The value as written in `text` (see `Fact.raw`). */
  raw: string;
  source: 'user.message' | 'agent.message';
  /** The speaker the message names, if any (see `StatementOccurrence.speaker`). */
  speaker?: string;
}

/** A person's feedback to the agent: a rule they stated or a correction of what it did (see `feedback.ts`). */
export interface FeedbackOccurrence {
  /**
   * `rule`/`correction`: feedback; `project`/`reference`: a fact the person stated (see
   * `project-facts.ts`); `follows`: the agent's own commitment ("I won't force-push; I'll rebase
   * instead"), which reinforces a rule said in an earlier session (see `feedback-mining.ts`).
   */
  cue: 'rule' | 'correction' | 'project' | 'reference' | 'follows';
  seq: number;
  /** The person's words, verbatim (redacted), ≤ 300 chars. */
  text: string;
  /** Their reason, verbatim, when given. */
  why: string | null;
  /** What the agent had just said or done (its last message's first sentence, or its last tool call), ≤ 160 chars. */
  context: string | null;
  /**
   * The tool call the agent made after the words in `context`, as `Tool \`command or file\`` (target ≤ 100
   * chars), when it made one before the person spoke; absent otherwise.
   */
  context_call?: string;
  /** True for an objection in the speaker's own words, kept only after the agent changed something (see `addressed.ts`). */
  needs_change?: true;
  tokens: string[];
  /** The speaker the message names, if any. */
  speaker?: string;
}

/**
 * A sentence in which a person says something about themselves, in a session without tool calls (see
 * `person-facts.ts`): relative dates already made absolute against the message's time.
 */
export interface PersonFactOccurrence {
  seq: number;
  /** The sentence, verbatim but for absolute dates. */
  text: string;
  /** Content tokens of `text` (for dropping the same statement said again). */
  tokens: string[];
  /** `YYYY-MM-DD` of the message, when its time is known. */
  day: string | null;
  /** The speaker the message names, if any (see `StatementOccurrence.speaker`). */
  speaker?: string;
}

/** Everything gathered from one session. */
export interface SessionDigest {
  v: number;
  events: number;
  first_ts: string | null;
  last_ts: string | null;
  errors: ErrorOccurrence[];
  recoveries: RecoveryOccurrence[];
  steps: ToolStep[];
  statements: StatementOccurrence[];
  facts: FactOccurrence[];
  /** A person's feedback (rules and corrections), minus what they took back later in the session. */
  feedback: FeedbackOccurrence[];
  /** What people said about themselves (kept only for sessions without tool calls; absent in older digests). */
  person?: PersonFactOccurrence[];
  /** SHA-256 (hex, first 16 chars) of each distinct system prompt text: context, never memory. */
  system_prompts: string[];
  /** Number of tool calls and failed tool results. */
  tool_calls: number;
  tool_errors: number;
  /** Secret-looking strings redacted while gathering (from user/agent messages and quotes). */
  redactions: number;
  /**
   * Prints of the agent's own texts (see `agentTextPrints` in `replays.ts`): sessions sharing most of them
   * are one run replayed. Absent in older digests.
   */
  prints?: string[];
}

/** True if a cached value looks like a digest of the current version (else it is treated as a miss). */
export function isSessionDigest(v: unknown): v is SessionDigest {
  if (!v || typeof v !== 'object') return false;
  const d = v as Partial<SessionDigest>;
  return (
    d.v === DIGEST_VERSION &&
    typeof d.events === 'number' &&
    Array.isArray(d.errors) &&
    Array.isArray(d.recoveries) &&
    Array.isArray(d.steps) &&
    Array.isArray(d.statements) &&
    Array.isArray(d.facts) &&
    Array.isArray(d.feedback) &&
    Array.isArray(d.system_prompts)
  );
}
