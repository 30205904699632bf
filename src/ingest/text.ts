/** Small text helpers shared by the importers: truncation and titles. */

/** Default cap for long tool outputs, in UTF-16 code units (≈ bytes for ASCII): 4,096. */
export const MAX_TOOL_OUTPUT_CHARS = 4096;

/**
 * Shortens `text` to about `max` characters by keeping its head and tail and replacing the middle
 * with a line `[… N characters truncated by reverie …]` (N = characters removed). Text within the cap
 * is returned unchanged. Never splits a surrogate pair.
 * @param max cap in UTF-16 code units, ≥ 2; the result is at most `max` plus the marker line.
 */
export function truncateMiddle(text: string, max: number = MAX_TOOL_OUTPUT_CHARS): string {
  if (text.length <= max) return text;
  let headEnd = Math.floor(max / 2);
  let tailStart = text.length - (max - headEnd);
  if (isHighSurrogate(text.charCodeAt(headEnd - 1))) headEnd--;
  if (isLowSurrogate(text.charCodeAt(tailStart))) tailStart++;
  const removed = tailStart - headEnd;
  return `${text.slice(0, headEnd)}\n[… ${removed} characters truncated by reverie …]\n${text.slice(tailStart)}`;
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/**
 * A one-line title from free text: the first non-empty line, whitespace collapsed, cut to `max`
 * characters with `…`. Returns `''` for empty text.
 * @param max maximum length in characters, default 80.
 */
export function titleFrom(text: string, max = 80): string {
  let start = 0;
  let line = '';
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const l = (end - start > 4 * max ? text.slice(start, start + 4 * max) : text.slice(start, end)).trim();
    if (l !== '') {
      line = l;
      break;
    }
    start = end + 1;
  }
  if (/\s\s|[\t\r\v\f]/.test(line)) line = line.replace(/\s+/g, ' ');
  return line.length > max ? `${line.slice(0, max - 1).trimEnd()}…` : line;
}

/** Converts Unix seconds or an ISO string to an ISO-8601 UTC timestamp; `null` if unusable. */
export function toTimestamp(v: unknown): string | null {
  if (typeof v === 'number' && Number.isFinite(v)) {
    const d = new Date(v < 1e12 ? v * 1000 : v);
    return Number.isNaN(d.getTime()) ? null : d.toISOString();
  }
  if (typeof v === 'string' && v !== '') {
    if (v.length === 24 && v.endsWith('Z') && v[10] === 'T') return v;
    const d = new Date(v);
    return Number.isNaN(d.getTime()) ? null : d.toISOString();
  }
  return null;
}
