/**
 * Error → recovery pairs: after a failed tool call, the next successful call of the same tool is taken
 * as "the fix that worked", described by what changed in its input (JSON paths whose values differ, with
 * array indices folded to `[]`, e.g. `payment_methods[].amount`) and by the tools called in between
 * (e.g. a search before retrying a booking); and whether another tool that succeeded instead could
 * have done the failed call's work ({@link isSubstitute}).
 */
import { isInspection } from './shell-scripts.js';
import { commandHead, unwrapCommand } from './tool-labels.js';

/** What changed between a failed call's input and the successful retry's input. */
export interface InputChange {
  /** Changed, added or removed leaf paths (`a.b`, `list[].field`), sorted, de-duplicated. */
  paths: string[];
  /** Examples of numeric changes, e.g. `payment_methods[].amount: 1625 → 4875` (at most 3). */
  numeric: string[];
}

function flatten(value: unknown, prefix: string, out: Map<string, string>): void {
  if (value === null || typeof value !== 'object') {
    out.set(prefix || '(input)', JSON.stringify(value) ?? 'undefined');
    return;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) out.set(prefix || '(input)', '[]');
    value.forEach((v, i) => {
      flatten(v, `${prefix}[${i}]`, out);
    });
    return;
  }
  const keys = Object.keys(value as Record<string, unknown>).sort();
  if (keys.length === 0) out.set(prefix || '(input)', '{}');
  for (const k of keys) flatten((value as Record<string, unknown>)[k], prefix ? `${prefix}.${k}` : k, out);
}

/**
 * What changed between two tool inputs, for an evidence quote: up to `max` changed leaves as
 * `path: before → after` (JSON values, each cut to 40 characters), joined by `; `. Empty when the
 * inputs are equal or either is a plain string.
 * @example changeQuote({amount: 299, id: 'a'}, {amount: 128, id: 'a'}) === 'amount: 299 → 128'
 */
export function changeQuote(before: unknown, after: unknown, max = 3): string {
  if (typeof before === 'string' || typeof after === 'string') return '';
  const a = new Map<string, string>();
  const b = new Map<string, string>();
  flatten(before, '', a);
  flatten(after, '', b);
  const cut = (v: string | undefined) =>
    v === undefined ? '(none)' : v.length > 40 ? `${v.slice(0, 39)}…` : v;
  const out: string[] = [];
  for (const k of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    if (a.get(k) === b.get(k)) continue;
    if (out.length >= max) break;
    out.push(`${k}: ${cut(a.get(k))} → ${cut(b.get(k))}`);
  }
  return out.join('; ');
}

/** `a[0].b[12]` → `a[].b[]`. */
export function foldIndices(path: string): string {
  return path.replace(/\[\d+\]/g, '[]');
}

/**
 * Compares two tool inputs (parsed JSON or strings).
 * @returns the changed leaf paths (indices folded) and up to 3 numeric before → after examples. Two
 *   different strings give the single path `(input)`.
 */
export function diffInputs(before: unknown, after: unknown): InputChange {
  const a = new Map<string, string>();
  const b = new Map<string, string>();
  flatten(before, '', a);
  flatten(after, '', b);
  const paths = new Set<string>();
  const numeric: string[] = [];
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
  for (const k of keys) {
    const va = a.get(k);
    const vb = b.get(k);
    if (va === vb) continue;
    const folded = foldIndices(k);
    paths.add(folded);
    if (
      va !== undefined &&
      vb !== undefined &&
      /^-?\d+(?:\.\d+)?$/.test(va) &&
      /^-?\d+(?:\.\d+)?$/.test(vb) &&
      numeric.length < 3
    )
      numeric.push(`${folded}: ${va} → ${vb}`);
  }
  return { paths: [...paths].sort(), numeric };
}

/**
 * The kind of a typed identifier value: its leading word parts when the rest carries a digit
 * (`certificate_9380982` → `certificate`, `gift_card_5634230` → `gift_card`, `credit-card-7334` →
 * `credit-card`); null for anything else (numbers, free text, flight numbers like `HAT078` with no
 * separator, ids that start with a digit).
 * @example valueKind('"gift_card_5634230"') === 'gift_card'
 * @param json a leaf value as {@link flatten} renders it (JSON text).
 */
export function valueKind(json: string): string | null {
  if (!json.startsWith('"')) return null;
  const m = /^"([A-Za-z]+(?:[_-][A-Za-z]+)*)[_-]([A-Za-z0-9]*\d[A-Za-z0-9_-]*)"$/.exec(json);
  return m ? m[1]!.toLowerCase() : null;
}

/** One input leaf whose typed-identifier value changed kind from the failed call to the retry. */
export interface KindChange {
  /** The leaf path, indices folded (`payment_id`, `payment_methods[].payment_id`). */
  path: string;
  /** {@link valueKind} in the failed call (`certificate`). */
  from: string;
  /** {@link valueKind} in the successful retry (`gift_card`). */
  to: string;
}

/**
 * The leaves whose value is a typed identifier in both inputs and whose kind differs: what the retry
 * used instead (a gift card where a certificate was refused), as opposed to which argument changed.
 * Sorted by path, one entry per (path, from, to); empty for string inputs.
 * @example kindChanges({payment_id: 'certificate_1'}, {payment_id: 'gift_card_2'})
 *   // [{path: 'payment_id', from: 'certificate', to: 'gift_card'}]
 */
export function kindChanges(before: unknown, after: unknown): KindChange[] {
  if (typeof before === 'string' || typeof after === 'string') return [];
  const a = new Map<string, string>();
  const b = new Map<string, string>();
  flatten(before, '', a);
  flatten(after, '', b);
  const out = new Map<string, KindChange>();
  for (const [k, va] of a) {
    const vb = b.get(k);
    if (vb === undefined || va === vb) continue;
    const from = valueKind(va);
    const to = valueKind(vb);
    if (from === null || to === null || from === to) continue;
    const path = foldIndices(k);
    out.set(`${path}\u0000${from}\u0000${to}`, { path, from, to });
  }
  return [...out.values()].sort((x, y) =>
    x.path < y.path
      ? -1
      : x.path > y.path
        ? 1
        : x.from < y.from
          ? -1
          : x.from > y.from
            ? 1
            : x.to < y.to
              ? -1
              : 1,
  );
}

/** Programs that only print files (`cat`, `head` …): reading, what a `read` tool does. */
const READ_PROGRAMS: ReadonlySet<string> = new Set('cat head tail less more nl type bat'.split(' '));
/** Programs that list or search (`ls`, `find`, `grep` …): what a `search` tool does. */
const SEARCH_PROGRAMS: ReadonlySet<string> = new Set(
  'grep egrep fgrep rg ag ack find fd ls tree locate which whereis'.split(' '),
);
/** Programs that fetch from the web. */
const WEB_PROGRAMS: ReadonlySet<string> = new Set('curl wget http https'.split(' '));

/**
 * The kind of work a call did, in the importers' tool kinds (`shell`, `edit`, `read`, `search`, `web`,
 * `memory`, `delegate`, `other`; DESIGN.md's event model): the importer's kind for a tool call; for a
 * shell command the kind its program does — `read` for an inspection that only prints files (`cat f`,
 * `head -n 5 f`), `search` for one that lists or searches (`ls`, `find`, `grep`), `web` for `curl` or
 * `wget`, else `shell` (a program run: `npm`, `docker`, `python`, `dir /B` in a POSIX shell).
 * @param kind the tool kind the importer set (absent: `other`); `command` the shell command, or null.
 * @example callWork('shell', 'cat README.md') === 'read'; callWork('search', null) === 'search'
 */
export function callWork(kind: string | undefined, command: string | null): string {
  if (command === null) return kind ?? 'other';
  const head = commandHead(unwrapCommand(command));
  if (WEB_PROGRAMS.has(head)) return 'web';
  if (!isInspection(command)) return 'shell';
  return READ_PROGRAMS.has(head) ? 'read' : SEARCH_PROGRAMS.has(head) ? 'search' : 'shell';
}

/**
 * True when another tool that succeeded after a call failed (and the failing tool never succeeded
 * again) could have done the failed call's work: both did the same kind of work ({@link callWork}) — a
 * search tool for a failed `grep`, `Read` for a failed `cat`, a fetch tool for a failed `curl`. A call
 * that merely ran next (`Read` after a failed `git clone`, a subagent's output after a failed `npm`
 * run) is no replacement and never a fix. False when either kind is unknown.
 */
export function isSubstitute(failed: string | undefined, alt: string | undefined): boolean {
  return failed !== undefined && failed === alt;
}
