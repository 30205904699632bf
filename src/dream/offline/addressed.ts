/**
 * Feedback needs someone being directed (issues 8 and 15): a person's rule or correction is kept only
 * when an agent is in the session to receive it and the statement is about the agent's work.
 *
 * - A session without agent turns (no `agent.message`, no `agent.tool_use`: people talking to each other,
 *   as in LoCoMo) has nobody to correct: none of its statements is feedback or a stated project fact.
 * - A rule or correction must concern the work: one of its topic words (nouns, proper nouns and verbs
 *   other than light verbs, from the sentence and its stated reason, by wink-nlp's part-of-speech tags)
 *   must occur among the words of what the agent did and said — for a rule anywhere in the session (its
 *   tool calls' names, inputs and results — files, commands, code — and its messages), for a correction in the
 *   agent's turns it answers (since the person's previous message), unless its subject is the agent or
 *   what it just made ("that is overkill", "you force-pushed?"). Encouragement, well-wishing and
 *   advice about the person's own life ("keep going and never give up", "don't forget to take care of
 *   yourself") name nothing the agent worked on, or nothing at all beyond a light verb.
 *
 * - A rule in the person's opening request, before the agent did anything, is part of the task it
 *   states ("when running the scan, don't block the push, redact the secret instead") unless it carries
 *   a cue of generality ("always", "never", "from now on").
 * - A rule also concerns the work when it names what the agent did ("You just threw away the local data.
 *   Ask first next time.", `namesAgentAct`), says how "your" work is done for good after the agent acted
 *   ("batch your queries please, always"), orders something done to "it"/"them" right after the agent
 *   acted ("batch it. always"), uses a three-letter clipped form of a work word ("deps"), or names a
 *   command-line flag the agent's calls used ("never run anything with --hard without asking").
 * - A statement that what was made is not needed ("I don't need these …", `needs_change`) is kept only
 *   when the agent edited files or ran a command (tool kinds `edit`, `shell`) since the person's last
 *   message: otherwise nothing was made for it to refuse.
 *
 * Words are compared by the first five letters of their `contentTokens` stems (see `text.ts`).
 */
import type { SessionEvent } from '../../domain/index.js';
import type { FeedbackOccurrence } from './digest.js';
import { ELLIPTIC_EXCESS, namesAgentAct, saysGenerally } from './feedback.js';
import { analyse, isForeign, REPLY_LANGUAGE } from './language.js';
import { contentTokens } from './text.js';

/**
 * Light verbs and general nouns: words that carry no topic of their own ("keep going", "take care",
 * "give it a try", "every time", "one thing"), by lemma.
 */
const LIGHT =
  /^(?:be|have|do|get|make|let|go|keep|give|take|come|put|want|need|know|think|say|tell|forget|remember|worry|try|see|look|like|love|stop|quit|start|feel|mind|care|mean|seem|use|thing|stuff|way|time|lot|bit|one|day|something|anything|everything|nothing|please|thanks|thank)$/;

/** Most characters of one agent message or tool input read into the work vocabulary. */
const MAX_WORK_CHARS = 20_000;

/**
 * The comparison key of a stem: its first {@link KEY_CHARS} letters, so that the light stemmer's forms of
 * one word meet ("commit" and "committ" from "committed", "summar" and "summary").
 */
function wordKey(stem: string): string {
  // a final "e" dropped first: the stemmer keeps it in some forms only ("type", but "typ" from "typed")
  return stem.replace(/(?<=\w{2})e$/, '').slice(0, KEY_CHARS);
}

/** Letters of a stem compared (see {@link wordKey}). */
const KEY_CHARS = 5;

/** A correction whose subject is the agent or what it just made ("that is overkill", "you force-pushed?"). */
const AT_THE_AGENT =
  /^(?:(?:no|nope|ok(?:ay)?|so|well|hmm|oh|again|but|and|wait|seriously|really)\b[\s,.!?]*)*(?:that|this|these|those|you)\b/i;

/** The interjections {@link AT_THE_AGENT} allows before its subject. */
const AT_THE_AGENT_LEAD =
  /^(?:(?:no|nope|ok(?:ay)?|so|well|hmm|oh|again|but|and|wait|seriously|really|ugh|dude|man)\b[\s,.!?]*)*/i;

/** An order whose object is a pronoun for the agent's work ("batch it", "please revert them, always"). */
const ON_THE_WORK = /^(?:(?:please|pls|just|so|and|now|then)\s+)*[a-z]+ (?:it|them)\b(?![\w'])/i;

/** Identifiers cut into their words: `CHANGES_SUMMARY.md` → "CHANGES SUMMARY md", `lastSyncedId` → "last Synced Id". */
function splitIdentifiers(text: string): string {
  return text.replace(/[_./\\-]+/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2');
}

/** True when the session has an agent turn: a message or a tool call of the agent. */
export function hasAgentTurns(events: readonly SessionEvent[]): boolean {
  return events.some((e) => e.type === 'agent.message' || e.type === 'agent.tool_use');
}

/**
 * The session's work vocabulary: the keys ({@link wordKey}) of the `contentTokens` stems of every agent
 * message, every tool call (tool name and input, as JSON) and every tool result (the files and output
 * the agent's actions touched), identifiers cut into words, each read up to {@link MAX_WORK_CHARS}
 * characters.
 */
export function workVocabulary(events: readonly SessionEvent[]): Set<string> {
  const out = new Set<string>();
  const add = (text: string) => {
    for (const t of contentTokens(splitIdentifiers(text.slice(0, MAX_WORK_CHARS)))) out.add(wordKey(t));
  };
  for (const e of events) {
    if (e.type === 'agent.message') add(e.text);
    else if (e.type === 'agent.tool_use') add(`${e.tool} ${JSON.stringify(e.input ?? '')}`);
    else if (e.type === 'agent.tool_result') add(e.content);
  }
  return out;
}

/**
 * The topic words of a statement: the keys ({@link wordKey}) of the `contentTokens` stems of its nouns,
 * proper nouns and verbs (and adjectives when `adjectives`), light verbs and general nouns
 * ({@link LIGHT}) left out.
 */
export function topicTerms(text: string, adjectives = false): string[] {
  const tags = adjectives ? ['NOUN', 'PROPN', 'VERB', 'ADJ'] : ['NOUN', 'PROPN', 'VERB'];
  const out = new Set<string>();
  for (const s of analyse(text))
    for (const t of s.tokens) {
      if (!tags.includes(t.pos) || LIGHT.test(t.lemma) || LIGHT.test(t.normal)) continue;
      // contraction stubs ("'m", "'ll") name nothing
      for (const w of contentTokens(t.text)) if (w.length >= 3) out.add(wordKey(w));
    }
  return [...out];
}

/**
 * A session's feedback occurrences that are addressed to an agent about its work (see the module
 * comment): all of them dropped when the session has no agent turns; otherwise a rule or correction is
 * kept when it is about the agent's work (a topic word of its text or reason in {@link workVocabulary},
 * or the other signs the module comment lists), and a `needs_change` statement only after the agent
 * changed something. Stated project facts and the agent's own commitments are kept as they are.
 * @param events the session's events (any order).
 * @param feedback the occurrences gathered from the session's user messages.
 */
export function addressedFeedback(
  events: readonly SessionEvent[],
  feedback: readonly FeedbackOccurrence[],
): FeedbackOccurrence[] {
  if (feedback.length === 0) return [];
  if (!hasAgentTurns(events)) return [];
  if (!feedback.some((f) => f.cue === 'rule' || f.cue === 'correction')) return [...feedback];
  const work = workVocabulary(events);
  const answered = answeredTurns(events);
  const started = firstAgentSeq(events);
  const flags = commandFlags(events);
  const changed = answeredChanges(events);
  return feedback.filter((f) => {
    if (f.cue !== 'rule' && f.cue !== 'correction') return true;
    // "I don't need these …" refuses what the agent just made, not a case of the speaker's own
    if (f.needs_change && !changed.has(f.seq)) return false;
    // the session's opening request states the task: a rule in it needs a cue of generality
    // (in another language the foreign reader keeps a rule only with such a cue: `foreign-feedback.ts`)
    if (f.seq < started && !saysGenerally(f.text) && !isForeign(f.text)) return false;
    const said = `${f.text} ${f.why ?? ''}`;
    // a rule said with the sentence about what the agent made ("That's a new dependency. Ask me first
    // next time."): its subject is the agent's work
    // (or "You just threw away the local data. Ask first next time.": the agent's act named)
    if (f.cue === 'rule')
      return (
        /^(?:that|this|these|those)\b/i.test(f.text.trim()) ||
        // the language of the agent's replies ("from now on, answer in French"): every turn is that work
        REPLY_LANGUAGE.test(f.text) ||
        (f.seq > started && namesAgentAct(f.text)) ||
        // "batch it. always": an order on "it"/"them", the work just done, right after the agent acted
        // (in any of its sentences: "n+1 query again. batch it. always")
        ((answered.get(f.seq)?.size ?? 0) > 0 &&
          f.text.split(/(?<=[.!?])\s+/).some((x) => ON_THE_WORK.test(x.trim()))) ||
        topicTerms(said).some((t) => work.has(t) || clipped(t, work)) ||
        // "batch your queries please, always": a rule for good about the agent's own way, after it acted
        (f.seq > started && saysGenerally(f.text) && /\byour\b/i.test(f.text)) ||
        // a flag of a command the agent ran ("never run anything with -v or --hard without asking")
        flagsIn(said).some((x) => flags.has(x))
      );
    // a correction answers one turn: its adjectives may name what it objects to ("another summary file")
    const answers = answered.get(f.seq) ?? new Set<string>();
    const text = f.text.trim();
    return (
      AT_THE_AGENT.test(text) ||
      ELLIPTIC_EXCESS.test(text.replace(AT_THE_AGENT_LEAD, '')) ||
      topicTerms(said, true).some((t) => answers.has(t))
    );
  });
}

/**
 * True when a three-letter topic word is a clipped form of a word of the work ("deps" → dep,
 * dependencies; "libs" → lib, library): some key of `work` opens with it.
 */
function clipped(t: string, work: ReadonlySet<string>): boolean {
  if (t.length !== 3) return false;
  for (const k of work) if (k.length > 3 && k.startsWith(t)) return true;
  return false;
}

/** Tool kinds that change the workspace (as the importer set them): what "I don't need these …" can refuse. */
const CHANGING_KINDS: ReadonlySet<string> = new Set(['edit', 'shell']);

/**
 * The `seq` of each person's message whose previous agent turns (since the person's last message)
 * include a tool call that edits files or runs a command ({@link CHANGING_KINDS}).
 */
function answeredChanges(events: readonly SessionEvent[]): Set<number> {
  const out = new Set<number>();
  let changed = false;
  for (const e of events) {
    if (e.type === 'user.message') {
      if (changed) out.add(e.seq);
      changed = false;
    } else if (e.type === 'agent.tool_use' && CHANGING_KINDS.has(e.kind ?? '')) changed = true;
  }
  return out;
}

/** Command-line flags written in a text ("-v", "--force", "--no-verify"), lower-cased. */
function flagsIn(text: string): string[] {
  return [...text.matchAll(/(?<![\w-])(--?[a-z][a-z\d-]*)\b/gi)].map((m) => m[1]!.toLowerCase());
}

/** The flags of the agent's tool calls' inputs (its commands), see {@link flagsIn}. */
function commandFlags(events: readonly SessionEvent[]): Set<string> {
  const out = new Set<string>();
  for (const e of events)
    if (e.type === 'agent.tool_use')
      for (const x of flagsIn(JSON.stringify(e.input ?? '').slice(0, MAX_WORK_CHARS))) out.add(x);
  return out;
}

/** The `seq` of the agent's first turn (a message or a tool call), or +∞ when it never acted. */
function firstAgentSeq(events: readonly SessionEvent[]): number {
  let first = Number.POSITIVE_INFINITY;
  for (const e of events)
    if ((e.type === 'agent.message' || e.type === 'agent.tool_use') && e.seq < first) first = e.seq;
  return first;
}

/**
 * For each person's message (by `seq`), the {@link workVocabulary} of the agent's turns since the
 * person's previous message: what a correction in that message objects to.
 */
function answeredTurns(events: readonly SessionEvent[]): Map<number, Set<string>> {
  const out = new Map<number, Set<string>>();
  let since: SessionEvent[] = [];
  for (const e of events) {
    if (e.type === 'user.message') {
      out.set(e.seq, workVocabulary(since));
      since = [];
    } else since.push(e);
  }
  return out;
}
