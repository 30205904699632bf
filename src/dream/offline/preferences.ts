/**
 * User corrections and stated preferences, quoted verbatim: "no, use the staging DB", "don't push to
 * main", "always run the linter first", "I prefer squash merges", "use pnpm instead of npm". Only human
 * user messages are read (never system prompts, agent text or tool output, which are untrusted for
 * instructions), and only messages of at most {@link MAX_USER_MESSAGE_CHARS} characters, because long
 * user turns are task descriptions and templated harness prompts, not conversation.
 *
 * A sentence counts when it sets a standing rule (an imperative such as "always/never/don't/avoid/make
 * sure …", "use X instead of Y", "from now on", "by default", "I/we prefer …") or corrects the agent
 * ("no, use …", "actually, it should …"). One-off requests ("please use my card ending in 7334") and
 * answers ("no, I don't want insurance") do not.
 */
import { contentTokens } from './text.js';

/** Longer user messages are treated as task descriptions / prompts and skipped. */
export const MAX_USER_MESSAGE_CHARS = 1500;

/** A preference or correction sentence. */
export interface PreferenceStatement {
  kind: 'preference' | 'correction';
  /** The sentence verbatim (trimmed), at most 200 characters. */
  text: string;
  /** Comparison key: content tokens (see `contentTokens`). */
  tokens: string[];
}

/** "No, …"-style openers; the rest must be an instruction to the agent (not "No, I don't want …"). */
const CORRECTION_START =
  /^(?:no|nope|nah|wrong|actually|not quite|not like that|that's (?:not|wrong)|that is (?:not|wrong))\b[,.!:;\s-]+/i;
const CORRECTION_REST =
  /^(?:please |you )?(?:use|do|don't|do not|never|always|stop|avoid|run|put|keep|call|check|should|need to|must|it should|it's|it is|that should|we use|we don't|we do not|the (?:\w+ ){0,3}(?:is|are|should))\b/i;
/** Imperatives that set a standing rule. "Please use X" alone is a one-off request, not a preference. */
const IMPERATIVE_START =
  /^(?:(?:and |but |so |also |then )?(?:please |pls |just )?)(?:always|never|don't|do not|dont|avoid|make sure|remember to|be sure to|stop|only use|stick to|refrain from)\b/i;
const USE_INSTEAD = /^(?:please )?(?:use|prefer|pick|choose) .{1,80}\b(?:instead of|rather than|not|over)\b/i;
const PREFERENCE_ANYWHERE =
  /\b(?:i|we) (?:(?:would|'d|do|really|usually|generally|always|strongly) )?(?:prefer|rather)\b|\bi'd rather\b|\bplease (?:always|never|don't|do not|avoid|make sure)\b|\bfrom now on\b|\bgoing forward\b|\bin (?:the )?future\b|\bby default\b|\bevery time\b|\bwhenever\b/i;

/** Splits a message into sentences (by `.!?` followed by space, and by line breaks). */
export function splitSentences(text: string): string[] {
  return text
    .split(/\n+|(?<=[.!?])\s+(?=[A-Z"'(])/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/**
 * Finds preference and correction sentences in one user message.
 * @returns the matching sentences (verbatim, ≤ 200 chars, with ≥ 2 content words), in order; none when
 *   the message is longer than {@link MAX_USER_MESSAGE_CHARS}.
 */
export function extractPreferences(message: string): PreferenceStatement[] {
  if (message.length > MAX_USER_MESSAGE_CHARS) return [];
  const out: PreferenceStatement[] = [];
  for (const s of splitSentences(message)) {
    if (s.length < 8 || s.length > 200 || s.endsWith('?')) continue;
    const body = s.replace(/^[-*+>]\s+/, '');
    let kind: PreferenceStatement['kind'] | null = null;
    const corr = CORRECTION_START.exec(body);
    if (corr && CORRECTION_REST.test(body.slice(corr[0].length))) kind = 'correction';
    else if (IMPERATIVE_START.test(body) || USE_INSTEAD.test(body) || PREFERENCE_ANYWHERE.test(body))
      kind = 'preference';
    if (!kind) continue;
    const tokens = contentTokens(body);
    if (tokens.length < 2) continue;
    out.push({ kind, text: s, tokens });
  }
  return out;
}
