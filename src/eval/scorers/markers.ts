/**
 * Marker matching: how a scorer decides that a text "mentions" a planted item.
 *
 * Rules (all case-insensitive, after {@link normalizeForMatch}):
 * - a marker occurs in a text when the text contains it and, if the marker starts with a word
 *   character ([a-z0-9_]), the character before the occurrence is not a word character (a word
 *   boundary at the start only, so `default export` matches "default exports" but `read` does not
 *   match "thread");
 * - a group (list of alternatives) matches when any alternative occurs;
 * - a {@link MarkerSpec} matches when every `all` group matches and, if `ordered` is set, at least
 *   `ordered.min` (default: all) of `ordered.seq` occur in that order, each occurrence starting after
 *   the previous one ends;
 * - an empty spec matches nothing.
 */
import type { MarkerSpec } from '../ground-truth.js';

/**
 * Lower-cases, applies NFKC, maps curly quotes to straight ones, and collapses runs of whitespace to
 * one space. Markdown emphasis and code ticks are kept (they are non-word characters and do not
 * break matching).
 */
export function normalizeForMatch(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .toLowerCase()
    .replace(/\s+/g, ' ');
}

const WORD = /[a-z0-9_]/;

/**
 * Start offsets of `marker` in `norm` (both already normalized), honouring the start word boundary.
 * @param from first offset to consider.
 */
export function markerOffsets(norm: string, marker: string, from = 0): number[] {
  const m = normalizeForMatch(marker);
  if (m === '') return [];
  const needBoundary = WORD.test(m[0]!);
  const out: number[] = [];
  let i = norm.indexOf(m, from);
  while (i !== -1) {
    if (!needBoundary || i === 0 || !WORD.test(norm[i - 1]!)) out.push(i);
    i = norm.indexOf(m, i + 1);
  }
  return out;
}

/** True if `marker` occurs in `text` (see module rules). */
export function hasMarker(text: string, marker: string): boolean {
  return markerOffsets(normalizeForMatch(text), marker).length > 0;
}

/** True if any of `markers` occurs in `text`. */
export function hasAnyMarker(text: string, markers: readonly string[]): boolean {
  const norm = normalizeForMatch(text);
  return markers.some((m) => markerOffsets(norm, m).length > 0);
}

/** True if all of `seq` occur in order in the normalized text, each after the previous one ends. */
function inOrder(norm: string, seq: readonly string[]): boolean {
  let pos = 0;
  for (const s of seq) {
    const offs = markerOffsets(norm, s, pos);
    if (offs.length === 0) return false;
    pos = offs[0]! + normalizeForMatch(s).length;
  }
  return true;
}

/**
 * The largest number of `seq` elements that occur in order in `text` (a subsequence of the markers,
 * matched greedily leftmost for each candidate subset; exact for the ≤ 8-element sequences used here).
 */
export function orderedMatchCount(text: string, seq: readonly string[]): number {
  const norm = normalizeForMatch(text);
  const n = seq.length;
  if (n > 12) throw new Error('orderedMatchCount: sequences longer than 12 are not supported');
  let best = 0;
  for (let mask = 1; mask < 1 << n; mask++) {
    const size = popcount(mask);
    if (size <= best) continue;
    const sub = seq.filter((_, k) => (mask >> k) & 1);
    if (inOrder(norm, sub)) best = size;
  }
  return best;
}

function popcount(x: number): number {
  let c = 0;
  let v = x;
  while (v) {
    v &= v - 1;
    c++;
  }
  return c;
}

/** True if `text` satisfies `spec` (see module rules). */
export function matchesSpec(text: string, spec: MarkerSpec): boolean {
  if (spec.all.length === 0 && !spec.ordered) return false;
  const norm = normalizeForMatch(text);
  for (const group of spec.all) {
    if (!group.some((m) => markerOffsets(norm, m).length > 0)) return false;
  }
  if (spec.ordered) {
    const min = spec.ordered.min ?? spec.ordered.seq.length;
    if (min > 0 && orderedMatchCount(text, spec.ordered.seq) < min) return false;
  }
  return true;
}
