/**
 * The fuzz corpus: real transcripts from ../shared/data (τ-bench, mini-swe-agent, Claude Code), read in
 * place, and seeded mutations of them (truncation, byte flips, deleted and duplicated lines, wrong
 * types, deep nesting, huge strings, invalid UTF-8, NUL bytes). Same seed → same files, byte for byte.
 * Used by test/fuzz.test.ts (CI) and bench/fuzz.ts (long runs).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Rng } from '../src/eval/generator/prng.js';

/** One real transcript to mutate: its bytes, the file name it must keep (detection), its sidecar. */
export interface FuzzBase {
  /** e.g. `tau-bench[10..14]`, `django__django-10097`, `claude-code/4b2030ed…`. */
  label: string;
  name: string;
  bytes: Buffer;
  /** mini-swe-agent's `report.json`, written beside the trajectory. */
  report?: Buffer;
  /** JSONL (one JSON value per line) rather than one JSON document. */
  jsonl: boolean;
}

/** A mutated transcript: the bytes to write and which mutations made them. */
export interface FuzzCase {
  base: string;
  name: string;
  bytes: Buffer;
  report?: Buffer;
  mutations: string[];
}

/**
 * Loads the bases from the `data` folder (the shared data beside the repository): the τ-bench file cut into runs of 5
 * elements (20 bases), the 100 mini-swe-agent django trajectories with their reports, and the 8
 * Claude Code files (sessions and subagents).
 * @throws Error (ENOENT) when the data folder is missing: the fuzz suite never skips silently.
 */
export function loadBases(data: string): FuzzBase[] {
  const bases: FuzzBase[] = [];
  const tau = JSON.parse(
    readFileSync(join(data, 'tau-bench/airline-gpt-4o.trials-0-1.json'), 'utf8'),
  ) as unknown[];
  for (let i = 0; i < tau.length; i += 5) {
    const bytes = Buffer.from(JSON.stringify(tau.slice(i, i + 5)));
    bases.push({ label: `tau-bench[${i}..${i + 4}]`, name: 'airline.json', bytes, jsonl: false });
  }
  const django = join(data, 'mini-swe-agent/django-100');
  for (const id of readdirSync(django).sort()) {
    const bytes = readFileSync(join(django, id, `${id}.traj.json`));
    const report = readFileSync(join(django, id, 'report.json'));
    bases.push({ label: id, name: `${id}.traj.json`, bytes, report, jsonl: false });
  }
  for (const file of claudeCodeFiles(join(data, 'claude-code'))) {
    bases.push({
      label: `claude-code/${basename(file)}`,
      name: basename(file),
      bytes: readFileSync(file),
      jsonl: true,
    });
  }
  return bases;
}

function claudeCodeFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && e.name.endsWith('.jsonl')) out.push(join(e.parentPath, e.name));
  }
  return out.sort();
}

/** Mutations that edit parsed JSON (applied first, while the text still parses). */
const STRUCTURAL = ['wrong-type', 'deep-nesting', 'huge-string', 'nul-in-string'] as const;
/** Mutations on raw bytes or lines. */
const RAW = [
  'truncate',
  'flip-bytes',
  'delete-lines',
  'duplicate-lines',
  'invalid-utf8',
  'nul-bytes',
] as const;
/** Every mutation name. */
export const MUTATIONS: readonly string[] = [...STRUCTURAL, ...RAW];

/**
 * Builds fuzz case `index` of seed `seed` from `bases`: a base picked by the seeded generator, 1–3
 * mutations (structural ones first), sometimes a mutated report.json too. Independent of other cases.
 */
export function makeCase(bases: FuzzBase[], seed: string, index: number): FuzzCase {
  const rng = new Rng(`${seed}:${index}`);
  const base = rng.pick(bases);
  const names = rng.shuffle(MUTATIONS).slice(0, rng.int(1, 3));
  names.sort((a, b) => MUTATIONS.indexOf(a) - MUTATIONS.indexOf(b));
  let bytes = base.bytes;
  if (!base.jsonl && rng.chance(0.5) && names.some((n) => n.endsWith('-lines')))
    bytes = Buffer.from(JSON.stringify(JSON.parse(bytes.toString('utf8')), null, 1)); // lines to cut
  for (const name of names) bytes = mutate(name, bytes, base.jsonl, rng);
  let report = base.report;
  if (report && rng.chance(0.1)) report = mutate(rng.pick(RAW), report, false, rng);
  return { base: base.label, name: base.name, bytes, report, mutations: names };
}

function mutate(name: string, bytes: Buffer, jsonl: boolean, rng: Rng): Buffer {
  switch (name) {
    case 'truncate':
      return bytes.subarray(0, rng.int(0, Math.max(0, bytes.length - 1)));
    case 'flip-bytes':
      return flipBytes(bytes, rng);
    case 'delete-lines':
      return editLines(bytes, rng, (lines, i) => lines.splice(i, 1));
    case 'duplicate-lines':
      return editLines(bytes, rng, (lines, i) => lines.splice(i, 0, lines[i]!));
    case 'invalid-utf8':
      return insertBytes(bytes, rng, () => rng.pick(INVALID_UTF8));
    case 'nul-bytes':
      return insertBytes(bytes, rng, () => Buffer.from([0]));
    default:
      return mutateValue(name, bytes, jsonl, rng);
  }
}

/** Byte sequences that are not UTF-8: stray continuation, overlong, surrogate, truncated, 0xFF. */
const INVALID_UTF8 = [
  Buffer.from([0x80]),
  Buffer.from([0xc0, 0xaf]),
  Buffer.from([0xed, 0xa0, 0x80]),
  Buffer.from([0xe2, 0x82]),
  Buffer.from([0xff]),
  Buffer.from([0xf5, 0x80, 0x80, 0x80]),
];

function flipBytes(bytes: Buffer, rng: Rng): Buffer {
  const out = Buffer.from(bytes);
  for (let k = rng.int(1, 8); k > 0 && out.length > 0; k--) out[rng.int(0, out.length - 1)] = rng.int(0, 255);
  return out;
}

function insertBytes(bytes: Buffer, rng: Rng, make: () => Buffer): Buffer {
  const parts: Buffer[] = [];
  const cuts = Array.from({ length: rng.int(1, 4) }, () => rng.int(0, bytes.length)).sort((a, b) => a - b);
  let from = 0;
  for (const at of cuts) {
    parts.push(bytes.subarray(from, at), make());
    from = at;
  }
  parts.push(bytes.subarray(from));
  return Buffer.concat(parts);
}

function editLines(bytes: Buffer, rng: Rng, edit: (lines: string[], i: number) => void): Buffer {
  const lines = bytes.toString('latin1').split('\n'); // latin1: byte-exact round trip
  for (let k = rng.int(1, 3); k > 0 && lines.length > 0; k--) edit(lines, rng.int(0, lines.length - 1));
  return Buffer.from(lines.join('\n'), 'latin1');
}

/** Applies a structural mutation to one JSON value: the document, or one line of a JSONL file. */
function mutateValue(name: string, bytes: Buffer, jsonl: boolean, rng: Rng): Buffer {
  const text = bytes.toString('utf8');
  if (!jsonl) return Buffer.from(mutateDocument(name, text, rng) ?? text);
  const lines = text.split('\n');
  for (let tries = 0; tries < 5; tries++) {
    const i = rng.int(0, lines.length - 1);
    const out = mutateDocument(name, lines[i]!, rng);
    if (out !== null) {
      lines[i] = out;
      return Buffer.from(lines.join('\n'));
    }
  }
  return bytes;
}

const MARK = '"\u0000fuzz-mark\u0000"';

/** The JSON text with one randomly chosen value replaced; `null` when the text does not parse. */
function mutateDocument(name: string, text: string, rng: Rng): string | null {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return null;
  }
  const slots = valueSlots(doc);
  if (slots.length === 0) return null;
  const [parent, key] = rng.pick(slots);
  const current = parent[key];
  parent[key] = '\u0000fuzz-mark\u0000';
  return JSON.stringify(doc).replace(JSON.stringify(MARK).slice(1, -1), replacement(name, current, rng));
}

type Slot = [Record<string | number, unknown>, string | number];

/** Every (container, key) pair of `doc`, iteratively (at most 50,000). */
function valueSlots(doc: unknown): Slot[] {
  const slots: Slot[] = [];
  const stack: unknown[] = [doc];
  while (stack.length > 0 && slots.length < 50_000) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null) continue;
    const c = v as Record<string | number, unknown>;
    for (const key of Array.isArray(v) ? v.keys() : Object.keys(v)) {
      slots.push([c, key]);
      stack.push(c[key]);
    }
  }
  return slots;
}

/** JSON text replacing a value for mutation `name`. */
function replacement(name: string, current: unknown, rng: Rng): string {
  switch (name) {
    case 'deep-nesting': {
      const depth = rng.pick([257, 3000, 100_000]);
      return `${'['.repeat(depth)}${']'.repeat(depth)}`;
    }
    case 'huge-string':
      return JSON.stringify(`${'\u001b[31m'.repeat(rng.int(0, 1))}${'x'.repeat(rng.int(1, 5) * 1_000_000)}`);
    case 'nul-in-string':
      return JSON.stringify(`${typeof current === 'string' ? current : 'text'}\u0000after nul`);
    default:
      return wrongType(current, rng);
  }
}

/** A value of another JSON type than `current`. */
function wrongType(current: unknown, rng: Rng): string {
  const options = [
    'null',
    '0',
    '-1.5e308',
    'true',
    '""',
    '"text"',
    '[]',
    '{}',
    '[1,"a",null]',
    '{"a":{"b":[]}}',
  ];
  const kind = current === null ? 'null' : Array.isArray(current) ? 'array' : typeof current;
  const same: Record<string, (o: string) => boolean> = {
    null: (o) => o === 'null',
    number: (o) => /^-?\d/.test(o),
    boolean: (o) => o === 'true',
    string: (o) => o.startsWith('"'),
    array: (o) => o.startsWith('['),
    object: (o) => o.startsWith('{'),
  };
  return rng.pick(options.filter((o) => !same[kind]?.(o)));
}
