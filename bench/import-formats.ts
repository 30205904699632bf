/**
 * `node dist/bench/import-formats.js` — importer throughput per transcript format, as a ratio to plain
 * `JSON.parse` of the same bytes (each JSONL line parsed on its own, a JSON document whole), for 100
 * and 1,000 sessions made by importing the real sample of each format (../shared/data/formats) again
 * and again from memory. Only the importer is measured (detection, parsing, normalization), not
 * storage: `npm run bench:dream` measures the whole import into SQLite on τ-bench. Target (issue 13):
 * ≥ 0.5× JSON.parse for the JSONL formats.
 *
 * Usage: node dist/bench/import-formats.js [--data DIR] [--json]
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseTranscript } from '../src/ingest/index.js';

const here = fileURLToPath(import.meta.url);

/** One sample per format; `jsonl` says how JSON.parse reads the same bytes. */
const SAMPLES: { format: string; path: string; jsonl: boolean }[] = [
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

/** Figures of one format at one size. */
interface Row {
  format: string;
  sessions: number;
  mb: number;
  json_parse_ms: number;
  import_ms: number;
  ratio: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Milliseconds `fn` takes, median of `runs` runs after one warm-up. */
function time(fn: () => void, runs: number): number {
  fn();
  const ts: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    ts.push(performance.now() - t);
  }
  return median(ts);
}

function parseOnly(text: string, jsonl: boolean): void {
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

function measure(dataDir: string, sessionsWanted: number): Row[] {
  const rows: Row[] = [];
  for (const s of SAMPLES) {
    const file = join(dataDir, s.path);
    const text = readFileSync(file, 'utf8');
    const perFile = parseTranscript(file, text).sessions.length;
    const copies = Math.max(1, Math.ceil(sessionsWanted / perFile));
    const runs = copies >= 100 ? 3 : 5;
    const importMs = time(() => {
      for (let i = 0; i < copies; i++) parseTranscript(file, text);
    }, runs);
    const parseMs = s.path.endsWith('.md')
      ? Number.NaN
      : time(() => {
          for (let i = 0; i < copies; i++) parseOnly(text, s.jsonl);
        }, runs);
    rows.push({
      format: s.format,
      sessions: copies * perFile,
      mb: (Buffer.byteLength(text) * copies) / 1e6,
      json_parse_ms: parseMs,
      import_ms: importMs,
      ratio: parseMs / importMs,
    });
  }
  return rows;
}

function main(): void {
  const args = process.argv.slice(2);
  const at = args.indexOf('--data');
  const dataDir =
    at === -1 ? resolve(here, '../../../../shared/data/formats') : resolve(args[at + 1]!, 'formats');
  const rows = [...measure(dataDir, 100), ...measure(dataDir, 1000)];
  if (args.includes('--json')) {
    console.log(JSON.stringify(rows, null, 2));
    return;
  }
  console.log(
    'reverie importer throughput per format (importer only, from memory; ratio = JSON.parse time / import time)\n',
  );
  console.log(
    '| format | sessions | input | JSON.parse (median) | import (median) | import/parse throughput |',
  );
  console.log('|---|---|---|---|---|---|');
  for (const r of rows) {
    const ratio = Number.isNaN(r.ratio) ? '–' : `${r.ratio.toFixed(2)}×`;
    const parse = Number.isNaN(r.json_parse_ms) ? '–' : `${r.json_parse_ms.toFixed(1)} ms`;
    console.log(
      `| ${r.format} | ${r.sessions} | ${r.mb.toFixed(1)} MB | ${parse} | ${r.import_ms.toFixed(1)} ms | ${ratio} |`,
    );
  }
  const jsonl = rows.filter((_r, i) => SAMPLES[i % SAMPLES.length]!.jsonl);
  const worst = Math.min(...jsonl.map((r) => r.ratio));
  console.log(`\nslowest JSONL format: ${worst.toFixed(2)}× JSON.parse (target ≥ 0.5×)`);
}

main();
