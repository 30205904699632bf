/**
 * Secret redaction, synchronous part: anything that looks like a credential is replaced by `[REDACTED]`
 * before it can be stored as (or quoted in) a memory. The maintained rule set is secretlint's
 * recommended preset, run asynchronously by `redactor.ts`; the rules here fill its gaps and serve
 * synchronous callers: token formats from gitleaks' and GitHub secret scanning's published lists
 * (AWS key ids, Anthropic/OpenAI/Stripe keys, GitHub/GitLab/npm/Slack tokens, JWTs), a bare AWS secret
 * access key (40 base64 characters of high Shannon entropy, gitleaks' entropy approach), a generic
 * `password=`/`token:` assignment rule and two prose rules (`password <value>`, `login is <user> /
 * <value>`). The marker itself is never matched again, so redaction is idempotent.
 */

/** The replacement text for a redacted secret. */
export const REDACTED = '[REDACTED]';

const TOKEN_PATTERNS: RegExp[] = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g,
  /\bsk-(?:ant-|proj-|live-|test-)?[A-Za-z0-9_-]{20,}/g, // OpenAI / Anthropic / Stripe style
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, // AWS access key id
  /\bgh[pousr]_[A-Za-z0-9]{30,}\b/g, // GitHub tokens
  /\bgithub_pat_[A-Za-z0-9_]{40,}\b/g,
  /\bxox[abposr]-[A-Za-z0-9-]{10,}/g, // Slack
  /\bAIza[0-9A-Za-z_-]{35}\b/g, // Google API key
  /\bglpat-[A-Za-z0-9_-]{20,}\b/g, // GitLab
  /\bnpm_[A-Za-z0-9]{36}\b/g,
  /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/g, // JWT
  /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}/g, // Stripe secret and restricted keys
  /\b(?:Bearer|Basic)\s+[A-Za-z0-9._~+/-]{20,}=*/g,
  /(?<=:\/\/[^/\s:@]{1,64}:)(?!\[REDACTED\]@)[^@\s/]{3,}(?=@)/g, // password in a URL's userinfo
];

/** A 40-character base64 run (an AWS secret access key's shape), checked for entropy before redacting. */
const AWS_SECRET_SHAPE = /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;

/** Shannon entropy of a string's characters, in bits per character. */
export function shannonEntropy(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** True for a random-looking key: upper and lower case letters and a digit, entropy ≥ 4.2 bits/char. */
function randomKey(s: string): boolean {
  return /[A-Z]/.test(s) && /[a-z]/.test(s) && /\d/.test(s) && shannonEntropy(s) >= 4.2;
}

/** `password = hunter2`, `api_key: "abc…"`, `SECRET_TOKEN=…`: keep the name, redact the value. */
const ASSIGNMENT =
  /\b([A-Za-z0-9_.-]*(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|client[_-]?secret|auth[_-]?token|authorization|credentials?)[A-Za-z0-9_.-]*)(["']?\s*[:=]\s*["']?)([^\s"'`,;]{6,})/gi;

/**
 * Credentials written in prose: `password Tulip!42-meadow`, `password is …`, `passcode: …` (a
 * keyword, optional "is", then the value), and `login is admin / Tulip!42-meadow` or
 * `credentials: admin / …` (a user name, a slash, then the password). Only values that mix in a digit
 * or a symbol count, so "password reset" or "user / group" stay.
 */
const PROSE_PASSWORD =
  /\b(pass(?:word|wd|phrase|code)|pwd|pin)(\s+(?:is\s+)?|\s*(?:is|=|:)\s*)([^\s"'`,;]{6,})/gi;
const USER_SLASH_PASSWORD =
  /\b(log-?in|sign-?in|credentials?|user(?:name)?|account)\b([^\n/]{0,30}?\b[\w.@+-]{1,64}\s*\/\s*)([^\s"'`,;]{6,})/gi;

/** True if a prose credential value looks like a secret (has a digit or a symbol, is not a placeholder). */
function secretish(value: string): boolean {
  if (value.startsWith('[') || /^<[A-Z]+>$/.test(value) || /^\$\{?\w+\}?$/.test(value)) return false;
  return /[\d!#$%&*+=?@^~]/.test(value) && /[A-Za-z]/.test(value);
}

/**
 * Replaces secret-looking substrings of `text` with {@link REDACTED}.
 * @returns the redacted text and how many secrets were replaced (0 → `text` is returned unchanged).
 */
export function redactSecrets(text: string): { text: string; count: number } {
  let count = 0;
  let out = text;
  for (const re of TOKEN_PATTERNS) {
    out = out.replace(re, () => {
      count++;
      return REDACTED;
    });
  }
  out = out.replace(AWS_SECRET_SHAPE, (m) => {
    if (!randomKey(m)) return m;
    count++;
    return REDACTED;
  });
  out = out.replace(ASSIGNMENT, (m, name: string, sep: string, value: string) => {
    if (value.startsWith('[') || /^\d+$/.test(value)) return m; // already redacted, or a plain number
    // values that are clearly not secrets: placeholders, booleans, short words like "required"
    if (/^(?:true|false|null|none|required|optional|<[A-Z]+>|\$\{?\w+\}?|\*+)$/i.test(value)) return m;
    count++;
    return `${name}${sep}${REDACTED}`;
  });
  const prose = (m: string, name: string, sep: string, value: string) => {
    const v = value.replace(/[.!?)]+$/, '');
    if (!secretish(v)) return m;
    count++;
    return `${name}${sep}${REDACTED}${value.slice(v.length)}`;
  };
  out = out.replace(PROSE_PASSWORD, prose);
  out = out.replace(USER_SLASH_PASSWORD, prose);
  return { text: out, count };
}

/** True if `text` contains something {@link redactSecrets} would redact. */
export function hasSecret(text: string): boolean {
  return redactSecrets(text).count > 0;
}
