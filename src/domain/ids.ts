/**
 * Identifiers. Every id is `<prefix>_<26 chars>`: a 10-char Crockford base32 millisecond timestamp
 * followed by 16 random base32 chars (the ULID layout, https://github.com/ulid/spec, with its monotonic
 * rule within one millisecond), so ids sort by creation time, which keyset pagination relies on. Prefixes mirror the hosted API where it has
 * them (`memstore_`, `mem_`, `memver_`, `sesn_`, `drm_`, `outc_`, `sevt_`) and add reverie's own.
 */
import { randomBytes } from 'node:crypto';

/** Id prefixes by resource. */
export const ID_PREFIX = {
  memoryStore: 'memstore',
  memory: 'mem',
  memoryVersion: 'memver',
  session: 'sesn',
  dream: 'drm',
  change: 'chg',
  outcome: 'outc',
  job: 'job',
  workspace: 'wrkspc',
  apiKey: 'apikey',
  team: 'team',
} as const;

/** One of the id prefixes in {@link ID_PREFIX}. */
export type IdPrefix = (typeof ID_PREFIX)[keyof typeof ID_PREFIX];

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * Makes a new time-ordered id, e.g. `newId('mem')` → `mem_01JD6X4K2M9Q0V5ZJ3S8R7T1BC`.
 * @param prefix resource prefix without the underscore.
 * @param nowMs clock in ms since the epoch (defaults to `Date.now()`; pass a value for reproducible ids).
 */
export function newId(prefix: IdPrefix, nowMs: number = Date.now()): string {
  let ms = Math.max(0, Math.floor(nowMs));
  let digits: number[];
  if (ms <= last.ms) {
    // the ULID spec's monotonic rule: within one millisecond (or if the clock steps back) the random part
    // of the last id is incremented, so ids made in one process still sort in creation order
    ms = last.ms;
    digits = [...last.digits];
    let i = digits.length - 1;
    while (i >= 0 && digits[i] === 31) digits[i--] = 0;
    if (i >= 0) digits[i]!++;
  } else {
    const bytes = randomBytes(16);
    digits = Array.from(bytes, (b) => b % 32);
  }
  last = { ms, digits };
  let time = '';
  let t = ms;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  return `${prefix}_${time}${digits.map((d) => ALPHABET[d]).join('')}`;
}

/** The last id's time and random digits (see the monotonic rule in {@link newId}). */
let last: { ms: number; digits: number[] } = { ms: -1, digits: [] };

/**
 * Derives a stable id from content, for things that must be identical across runs (e.g. the changes of
 * a deterministic dream): `<prefix>_` + the first 26 base32 chars of the SHA-256 of `parts` joined by NUL.
 */
export function stableId(prefix: IdPrefix, hashHex: string): string {
  let out = '';
  for (let i = 0; i < 26; i++) out += ALPHABET[Number.parseInt(hashHex.slice(i * 2, i * 2 + 2), 16) % 32];
  return `${prefix}_${out}`;
}

/** True if `id` has the given prefix and the shape `newId` produces. */
export function isId(prefix: IdPrefix, id: string): boolean {
  return id.startsWith(`${prefix}_`) && /^[0-9A-Z]{26}$/.test(id.slice(prefix.length + 1));
}
