/**
 * A generic secret scan of a dream's output, for suites without planted secrets (real data): the
 * evaluation's own patterns, deliberately independent of the engine's redaction. Sources: GitHub
 * secret-scanning token formats (`ghp_`, `github_pat_`), AWS access key ids (`AKIA`), OpenAI/Stripe
 * style `sk-` keys, Slack `xox?-` tokens, JWTs, bearer tokens, PEM private keys, and
 * `password|passwd|pwd|secret|token = value` assignments whose value is not a placeholder.
 */

/** Named patterns. */
export const SECRET_PATTERNS: { name: string; re: RegExp }[] = [
  { name: 'sk-key', re: /\bsk-[A-Za-z0-9_-]{20,}/g },
  { name: 'github-token', re: /\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,}|\bgithub_pat_[A-Za-z0-9_]{20,}/g },
  { name: 'aws-access-key-id', re: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g },
  { name: 'slack-token', re: /\bxox[abprs]-[A-Za-z0-9-]{10,}/g },
  { name: 'jwt', re: /\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/g },
  { name: 'bearer', re: /\bBearer\s+[A-Za-z0-9._~+/-]{20,}=*/g },
  { name: 'private-key', re: /-----BEGIN [A-Z ]*PRIVATE KEY-----/g },
  {
    name: 'password-assignment',
    re: /\b(?:password|passwd|pwd|secret|api[_-]?key|token)\s*[:=]\s*["']?([^\s"',;]{6,})/gi,
  },
];

const PLACEHOLDER = /redacted|^[<[*$]|^x{4,}$|^(?:true|false|null|none|required|optional|example|changeme)$/i;

/** A suspicious string found in an output file. */
export interface SecretHit {
  path: string;
  pattern: string;
  /** The match with its middle masked (first 4 and last 2 characters kept). */
  sample: string;
}

function mask(s: string): string {
  return s.length <= 8 ? '*'.repeat(s.length) : `${s.slice(0, 4)}…${s.slice(-2)}`;
}

/** Scans files for secret-looking strings (see module doc); placeholders like `[REDACTED]` are ignored. */
export function scanSecrets(files: { path: string; content: string }[]): SecretHit[] {
  const hits: SecretHit[] = [];
  for (const f of files) {
    for (const p of SECRET_PATTERNS) {
      for (const m of f.content.matchAll(p.re)) {
        const value = m[1] ?? m[0];
        if (PLACEHOLDER.test(value)) continue;
        hits.push({ path: f.path, pattern: p.name, sample: mask(m[0]) });
      }
    }
  }
  return hits;
}
