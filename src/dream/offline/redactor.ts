/**
 * The redaction a dream applies to everything it stores (memories, evidence quotes, reasons, titles and
 * file names): secretlint's recommended rule preset (`@secretlint/secretlint-rule-preset-recommend`,
 * run through `@secretlint/core`'s `lintSource`; AWS, GCP, Azure, GitHub, GitLab, Slack, Stripe, npm,
 * OpenAI, Anthropic, database connection strings, private keys, basic-auth URLs …) plus the synchronous
 * rules of `secrets.ts`, and for transcript text the personal data of `pii.ts`.
 *
 * `lintSource` is asynchronous while the phases are synchronous, so a {@link Redactor} *learns* first:
 * {@link Redactor.learn} runs secretlint over texts (one lint call per batch, the texts joined) and keeps
 * the secret values it reports; {@link Redactor.secrets} and {@link Redactor.sensitive} then replace
 * those values wherever they occur, synchronously, together with the rule-based redaction. The engine
 * learns from the input memories and from each session's events before gathering it.
 */
import { lintSource } from '@secretlint/core';
import { creator as recommendedPreset } from '@secretlint/secretlint-rule-preset-recommend';
import { PII_MARKERS, REDACTION_MARKER, redactPii } from './pii.js';
import { REDACTED, redactSecrets } from './secrets.js';

/** A redaction result: the text and how many values were replaced. */
export interface Redaction {
  text: string;
  count: number;
}

const CONFIG = { rules: [{ id: recommendedPreset.meta.id, rule: recommendedPreset }] };
/** Separator between the texts of one lint batch (secretlint rules work per line). */
const JOIN = '\n\n';
/** Texts are linted in batches of about this many characters. */
const BATCH_CHARS = 1_000_000;
/** Reported values shorter than this are not treated as secrets (they would redact ordinary words). */
const MIN_SECRET_CHARS = 8;
/**
 * Texts worth linting: a token-like run of 16+ characters, a URL with credentials' shape, or a key
 * block. Every rule of the preset matches a token at least that long (or a `scheme://…` string), so
 * plain prose is skipped without a lint.
 */
const LINTABLE = /[A-Za-z0-9_+/=.-]{16,}|:\/\/|PRIVATE KEY/;

/**
 * The secret value inside a reported range: a URL's password (`scheme://user:PASSWORD@host`), else the
 * value after a `NAME=`/`NAME:` assignment, else the range, extended to the end of its token (some rules
 * report a range shorter than the value).
 */
export function secretValue(text: string, start: number, end: number): string | null {
  let e = end;
  while (e < text.length && !/[\s"'`,;<>)\]}]/.test(text[e]!)) e++;
  const found = text.slice(start, e);
  const url = /^[a-z][\w+.-]*:\/\/[^:/\s@]*:([^@\s]+)@/i.exec(found);
  let v = url ? url[1]! : found;
  if (!url) {
    const assign = /^[A-Za-z_][\w.-]*\s*[:=]\s*["']?/.exec(v);
    if (assign && assign[0].length < v.length) v = v.slice(assign[0].length);
  }
  v = v.replace(/["']+$/, '');
  if (v.length < MIN_SECRET_CHARS || REDACTION_MARKER.test(v)) return null;
  return v;
}

/** Secret redaction learned from secretlint plus the synchronous rules; see the module comment. */
export class Redactor {
  #known = new Set<string>();
  #ids = new Set<string>();
  #idPattern: RegExp | null = null;
  /** Known secret values, longest first (so a value inside another is replaced after it). */
  #ordered: string[] = [];

  /** Number of distinct secret values learned so far. */
  get learned(): number {
    return this.#known.size;
  }

  /**
   * Runs secretlint's recommended preset over `texts` and remembers every secret value it reports.
   * @returns how many new values were learned.
   */
  async learn(texts: Iterable<string>): Promise<number> {
    let added = 0;
    let batch: string[] = [];
    let size = 0;
    const flush = async () => {
      if (batch.length === 0) return;
      const content = batch.join(JOIN);
      batch = [];
      size = 0;
      const r = await lintSource({
        source: { filePath: 'dream-input.txt', content, contentType: 'text', ext: '.txt' },
        options: { config: CONFIG, noPhysicFilePath: true },
      });
      for (const m of r.messages) {
        const v = secretValue(content, m.range[0], m.range[1]);
        if (v === null || this.#known.has(v)) continue;
        this.#known.add(v);
        added++;
      }
    };
    for (const t of texts) {
      if (t.length < MIN_SECRET_CHARS || !LINTABLE.test(t)) continue;
      batch.push(t);
      size += t.length + JOIN.length;
      if (size >= BATCH_CHARS) await flush();
    }
    await flush();
    if (added > 0) this.#ordered = [...this.#known].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
    return added;
  }

  /**
   * Adds customer identifiers (the sessions' user ids, e.g. `mia_li_3668`) that {@link Redactor.sensitive}
   * replaces by `[USER_ID]` wherever they occur as a whole word; ids shorter than 4 characters are ignored.
   */
  addIdentifiers(ids: Iterable<string>): void {
    const before = this.#ids.size;
    for (const id of ids) if (id.length >= 4 && !REDACTION_MARKER.test(id)) this.#ids.add(id);
    if (this.#ids.size === before) return;
    const alt = [...this.#ids]
      .sort((a, b) => b.length - a.length || (a < b ? -1 : 1))
      .map((id) => id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('|');
    this.#idPattern = new RegExp(`(?<![\\w@.-])(?:${alt})(?![\\w@-])`, 'g');
  }

  /** Credentials only (for people's own memory files): learned values, then the rules of `secrets.ts`. */
  secrets(text: string): Redaction {
    let count = 0;
    let out = text;
    for (const v of this.#ordered) {
      if (!out.includes(v)) continue;
      const parts = out.split(v);
      count += parts.length - 1;
      out = parts.join(REDACTED);
    }
    const r = redactSecrets(out);
    return { text: r.text, count: count + r.count };
  }

  /** Credentials and personal data (for transcript text): {@link Redactor.secrets}, then `redactPii`. */
  sensitive(text: string): Redaction {
    const a = this.secrets(text);
    const b = redactPii(a.text);
    let count = a.count + b.count;
    let out = b.text;
    if (this.#idPattern)
      out = out.replace(this.#idPattern, () => {
        count++;
        return PII_MARKERS.customer_id;
      });
    return { text: out, count };
  }
}

/**
 * Every string inside a JSON-like value (object values, array items, nested), for {@link Redactor.learn}.
 */
export function* stringsOf(value: unknown, depth = 0): Generator<string> {
  if (typeof value === 'string') yield value;
  else if (value && typeof value === 'object' && depth < 64) {
    for (const v of Array.isArray(value) ? value : Object.values(value)) yield* stringsOf(v, depth + 1);
  }
}

const RULES_ONLY = new Redactor();

/**
 * Synchronous redaction of one transcript-derived text (a session title, an external id) with the rules
 * only — credentials (`secrets.ts`) and personal data (`pii.ts`) — for shells that print such text.
 * @param ids customer identifiers to redact as well (e.g. the session's user id).
 */
export function redactTranscriptText(text: string, ids: readonly string[] = []): string {
  let out = RULES_ONLY.sensitive(text).text;
  for (const id of ids) if (id.length >= 4) out = out.split(id).join(PII_MARKERS.customer_id);
  return out;
}
