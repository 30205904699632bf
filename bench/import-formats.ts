/**
 * `node dist/bench/import-formats.js` — importer throughput per transcript format, as a ratio to plain
 * `JSON.parse` of the same bytes (each JSONL line parsed on its own, a JSON document whole), for 100
 * and 1,000 sessions made by importing the real sample of each format (../shared/data/formats) again
 * and again from memory (samples and baseline shared with bench:dream, bench/corpora.ts). Only the importer
 * is measured (detection, parsing, normalization), not storage: `npm run bench:dream` measures the whole
 * import into SQLite of τ-bench, Claude Code and the JSONL formats. Target (issue 13): ≥ 0.5× JSON.parse
 * for the JSONL formats.
 *
 * Usage: node dist/bench/import-formats.js [--data DIR] [--json]
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseTranscript } from '../src/ingest/index.js';
import { median, parseText, SAMPLES } from './corpora.js';

const here = fileURLToPath(import.meta.url);

/** Figures of one format at one size. */
interface Row {
  format: string;
  sessions: number;
  mb: number;
  json_parse_ms: number;
  import_ms: number;
  ratio: number;
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
          for (let i = 0; i < copies; i++) parseText(text, s.jsonl);
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
