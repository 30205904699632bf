/**
 * Secret redaction: anything that looks like a credential is replaced by `[REDACTED]` before it can be
 * stored as (or quoted in) a memory. Patterns follow common secret scanners (gitleaks' and GitHub secret
 * scanning's published token formats) plus a generic `password=`/`token:` assignment rule and two
 * prose rules (`password <value>`, `login is <user> / <value>`).
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
  /\b(?:Bearer|Basic)\s+[A-Za-z0-9._~+/-]{20,}=*/g,
  /(?<=:\/\/[^/\s:@]{1,64}:)[^@\s/]{3,}(?=@)/g, // password in a URL's userinfo
];

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
