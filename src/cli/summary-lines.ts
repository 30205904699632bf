/** One-line human summaries of imports and dreams, shared by the CLI's command modules. */
import type { Change, Dream } from '../domain/index.js';
import type { FileImportReport } from '../service/index.js';
import { duration } from './output.js';

/** The `file:line: …` warnings of an imported file, one `  ! …` line each (none for a failed or clean file). */
export function warningLines(r: FileImportReport): string {
  if (r.status === 'failed' || !r.warnings) return '';
  return r.warnings.map((w) => `  ! ${w.message}\n`).join('');
}

/** Counts changes by kind, e.g. `{mistake: 4, workflow: 2}`, sorted by kind. */
export function countByKind(changes: Pick<Change, 'kind'>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of [...changes].sort((a, b) => (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0)))
    out[c.kind] = (out[c.kind] ?? 0) + 1;
  return out;
}

/** `4 mistake, 2 workflow` (or `none`): the change counts by kind, for a summary line. */
function kindsLine(changes: Pick<Change, 'kind'>[]): string {
  const parts = Object.entries(countByKind(changes)).map(([k, n]) => `${n} ${k}`);
  return parts.length ? parts.join(', ') : 'none';
}

/** `, N skipped` for the import summary when files were skipped (empty, warm-ups), else nothing. */
export function skippedNote(n: number): string {
  return n > 0 ? `, ${n} skipped` : '';
}

/** One imported file as a line: `  ✓ file (format): N sessions — …`, `  - file: skipped` or `  ✗ error`. */
export function importLine(r: FileImportReport): string {
  if (r.status === 'failed') return `  ✗ ${r.error.message}`;
  if (r.status === 'skipped') return `  - ${r.file}: skipped`;
  const c = { created: 0, updated: 0, unchanged: 0 };
  for (const s of r.sessions) c[s.status]++;
  return `  ✓ ${r.file} (${r.format}): ${r.sessions.length} session${r.sessions.length === 1 ? '' : 's'} — ${c.created} new, ${c.updated} updated, ${c.unchanged} unchanged`;
}

/** `Dream drm_… completed in 1.2 s: N changes (…) over M sessions`. */
export function dreamSummary(d: Dream, changes: Change[]): string {
  const secs = d.stats.elapsed_ms !== undefined ? ` in ${duration(d.stats.elapsed_ms)}` : '';
  const n = d.inputs[1].session_ids.length;
  return `Dream ${d.id} ${d.status}${secs}: ${changes.length} change${changes.length === 1 ? '' : 's'} (${kindsLine(changes)}) over ${n} session${n === 1 ? '' : 's'}`;
}

/** The dream's token usage in the hosted field names, one line. */
export function usageLine(d: Dream): string {
  const u = d.usage;
  return `usage: input_tokens=${u.input_tokens} output_tokens=${u.output_tokens} cache_read_input_tokens=${u.cache_read_input_tokens} cache_creation_input_tokens=${u.cache_creation_input_tokens}`;
}
