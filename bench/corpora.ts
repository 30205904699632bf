/**
 * What the import benchmarks share (bench/dream.ts end to end into SQLite, bench/import-formats.ts the
 * importers alone): the real sample of each transcript format, the `JSON.parse` baseline that import
 * throughput is a ratio to, and corpora of 100 or 1,000 sessions made from the real samples by repeating them
 * under new session ids (so that every copy imports as a new session).
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseTranscript } from '../src/ingest/index.js';

/**
 * One real sample per format, under ../shared/data/formats; `jsonl` says how the `JSON.parse` baseline
 * reads the same bytes (line by line, or the whole document).
 */
export interface FormatSample {
  format: string;
  path: string;
  jsonl: boolean;
}

/** The samples, JSONL formats first. */
export const SAMPLES: FormatSample[] = [
  {
    format: 'claude-code',
    path: 'claude-code-projects/e9fb405b-169f-40eb-9396-7e75076f045d.jsonl',
    jsonl: true,
  },
  {
    format: 'claude-code-stream-json',
    path: 'claude-code-stream-json/8bed4027-e09a-4363-8fa7-0565effb22ea.stream.jsonl',
    jsonl: true,
  },
  {
    format: 'codex',
    path: 'codex-rollout/sessions/2026/05/11/rollout-2026-05-11T11-26-55-019e1625-789d-76c0-80ab-3724b5ddb799.jsonl',
    jsonl: true,
  },
  { format: 'managed-agents', path: 'managed-agents/phase-7-T-001.jsonl', jsonl: true },
  { format: 'openhands (output.jsonl)', path: 'openhands/multi-swe-bench.output.jsonl', jsonl: true },
  {
    format: 'gemini-cli',
    path: 'gemini-cli/chats/session-2026-01-16T11-01-file-ops-37b7abef.json',
    jsonl: false,
  },
  { format: 'swe-agent', path: 'swe-agent/gpt4__pydicom__pydicom-1458.traj', jsonl: false },
  { format: 'cline', path: 'cline/tasks/1769053680585/api_conversation_history.json', jsonl: false },
  { format: 'aider (Markdown)', path: 'aider/chat-history.sessions-000-315.md', jsonl: false },
];

/** Middle value of `xs` (the upper middle for an even count). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** CPU time (user + system) of this process since `since`, in ms (`process.cpuUsage`, µs). */
export function cpuMs(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
}

/** Every regular file under `path` (or `path` itself), sorted. */
export function filesUnder(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { recursive: true, encoding: 'utf8' })
    .map((f) => join(path, f))
    .filter((f) => statSync(f).isFile())
    .sort();
}

/**
 * The baseline: `JSON.parse` of `text` as the importer reads it, the whole document or (`jsonl`) each
 * non-empty line on its own.
 */
export function parseText(text: string, jsonl: boolean): void {
  if (!jsonl) {
    JSON.parse(text);
    return;
  }
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    if (end > start) JSON.parse(text.slice(start, end));
    start = end + 1;
  }
}

/** {@link parseText} of file bytes, UTF-8 decoding included (as the importer decodes them). */
export function parseBytes(bytes: Buffer, jsonl: boolean): void {
  parseText(bytes.toString('utf8'), jsonl);
}

/** How many sessions the transcript file `src` holds. */
export function sessionsIn(src: string): number {
  return parseTranscript(src, readFileSync(src, 'utf8')).sessions.length;
}

/**
 * Writes `copies` copies of the transcript file `src` into the folder `out` (`<k>-<name>`), copy k with each
 * session's id (its external id after the format's `prefix:`, and before any `/agent-…`) replaced by
 * `<id>-r<k>` wherever it occurs in the text, so that each copy imports as new sessions.
 * @returns the number of sessions written (copies × sessions per file).
 * @throws Error when an id of the sample does not occur in its text (the copies would not be new sessions).
 */
export function repeatSessions(src: string, copies: number, out: string): number {
  const text = readFileSync(src, 'utf8');
  const sessions = parseTranscript(src, text).sessions;
  const ids = [
    ...new Set(sessions.map((s) => s.external_id.slice(s.external_id.indexOf(':') + 1).split('/')[0]!)),
  ];
  for (const id of ids) if (!text.includes(id)) throw new Error(`${src}: session id ${id} not in the text`);
  mkdirSync(out, { recursive: true });
  for (let k = 0; k < copies; k++) {
    const copy = ids.reduce((t, id) => t.replaceAll(id, `${id}-r${k}`), text);
    writeFileSync(join(out, `${k}-${basename(src)}`), copy);
  }
  return sessions.length * copies;
}

/** Writes a τ-bench file with the real sessions of `src` repeated `times` times under new trial numbers. */
export function repeatTau(src: string, times: number, out: string): void {
  const data = JSON.parse(readFileSync(src, 'utf8')) as { trial?: number }[];
  const all = [];
  for (let k = 0; k < times; k++) for (const s of data) all.push({ ...s, trial: (s.trial ?? 0) + 1000 * k });
  writeFileSync(out, JSON.stringify(all));
}

/**
 * Writes `copies` copies of the Claude Code folder `src` (session files `<uuid>.jsonl` and their
 * `<uuid>/subagents/`) under `out`, copy k with every session uuid's last 12 digits replaced by k (in
 * file names and content), so that each copy imports as new sessions. Returns the number of sessions.
 */
export function repeatClaudeCode(src: string, copies: number, out: string): number {
  const files = filesUnder(src).map((f) => ({ rel: f.slice(src.length + 1), text: readFileSync(f, 'utf8') }));
  const uuids = [
    ...new Set(files.map((f) => /^([0-9a-f-]{36})/.exec(f.rel)?.[1]).filter((u) => u !== undefined)),
  ];
  for (let k = 0; k < copies; k++) {
    const swap = (t: string) =>
      uuids.reduce((acc, u) => acc.replaceAll(u, `${u.slice(0, 24)}${k.toString(16).padStart(12, '0')}`), t);
    for (const f of files) {
      const dest = join(out, swap(f.rel));
      mkdirSync(resolve(dest, '..'), { recursive: true });
      writeFileSync(dest, swap(f.text));
    }
  }
  return files.length * copies;
}
