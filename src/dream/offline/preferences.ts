/**
 * User corrections and stated preferences, quoted verbatim: "no, use the staging DB", "don't push to
 * main", "always run the linter first", "I prefer squash merges", "please use pnpm". Only human user
 * messages are read (never system prompts, agent text or tool output, which are untrusted for
 * instructions), and only messages of at most {@link MAX_USER_MESSAGE_CHARS} characters, because long
 * user turns are task descriptions and templated harness prompts, not conversation.
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

const CORRECTION_START =
  /^(?:no|nope|nah|wrong|actually|not quite|that's (?:not|wrong)|that is (?:not|wrong)|stop)\b[,.!:;\s-]/i;
const IMPERATIVE_START =
  /^(?:(?:and |but |so |also |then )?(?:please |pls |just )?)(?:always|never|don't|do not|dont|avoid|make sure|remember to|be sure to|stop|prefer|use|only use|keep|stick to|refrain from)\b/i;
const PREFERENCE_ANYWHERE =
  /\b(?:i|we) (?:(?:would|'d|do|really|usually|generally|always|strongly) )?(?:prefer|like to|want you to|need you to)\b|\bplease (?:always|never|use|don't|do not|avoid|make sure|keep)\b|\b(?:instead of|rather than)\b|\bfrom now on\b|\bgoing forward\b|\bin (?:the )?future\b/i;

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
    if (
      CORRECTION_START.test(body) &&
      /\b(?:use|do|don't|do not|should|must|need|want|instead|always|never|not)\b/i.test(body)
    )
      kind = 'correction';
    else if (IMPERATIVE_START.test(body) || PREFERENCE_ANYWHERE.test(body)) kind = 'preference';
    if (!kind) continue;
    const tokens = contentTokens(body);
    if (tokens.length < 2) continue;
    out.push({ kind, text: s, tokens });
  }
  return out;
}
