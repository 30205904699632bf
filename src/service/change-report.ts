/**
 * Renders a change set for people: each change with its kind, operation, reason, confidence, support,
 * evidence (session, event range, quote) and a unified diff (jsdiff's `createPatch`). Used by
 * `reverie changes`, the one-shot output folder (`.reverie/CHANGES.md`) and the web review page.
 * Output is deterministic for a given change set.
 */
import { basename } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import type { Change, Session, SessionEvent, SourcePointer } from '../domain/index.js';
import { redactTranscriptText } from '../dream/index.js';
import type { ProposedChange } from '../dream/types.js';

/** A change as rendered: a stored change, or a proposal not yet stored. */
export type RenderableChange = ProposedChange & Partial<Pick<Change, 'id' | 'status'>>;

/** Looks up a session for evidence lines (title, external id); may return undefined. */
export type SessionLookup = (
  id: string,
) => (Pick<Session, 'title' | 'external_id'> & Partial<Pick<Session, 'user_id'>>) | undefined;

/** The source pointer of a session's event by seq, or undefined when unknown. */
export type EventSourceLookup = (sessionId: string, seq: number) => SourcePointer | undefined;

/**
 * Where an evidence range comes from in its transcript file: `file:line` (or `file:from–to` over
 * several lines) for line-based formats, `file#/json/pointer` (RFC 6901 as a URI fragment) for JSON
 * documents, else the file; null when the event has no source pointer. The file is named by its base
 * name (the evidence line names the session, whose `source_file` holds the full path), so the same
 * transcripts read from another folder render the same text.
 * @example sourceText({ file: '/t/a.jsonl', line: 49 }, { file: '/t/a.jsonl', line: 55 }) // 'a.jsonl:49–55'
 */
export function sourceText(from: SourcePointer | undefined, to?: SourcePointer): string | null {
  if (!from?.file) return null;
  const line =
    from.line === undefined
      ? ''
      : `:${from.line}${to?.line !== undefined && to.file === from.file && to.line !== from.line ? `–${to.line}` : ''}`;
  const pointer = from.pointer
    ? `#${from.pointer}`
    : from.index !== undefined && !line
      ? `#${from.index}`
      : '';
  return `${basename(from.file)}${line}${pointer}`;
}

/**
 * A lookup of the source pointers of the events that `changes` cite as evidence: loads the events of
 * each cited session once (`getEvents`, e.g. `Reverie.getEvents`).
 */
export async function evidenceSources(
  changes: readonly Pick<RenderableChange, 'evidence'>[],
  getEvents: (sessionId: string) => Promise<SessionEvent[]>,
): Promise<EventSourceLookup> {
  const bySession = new Map<string, Map<number, SourcePointer>>();
  for (const id of new Set(changes.flatMap((c) => c.evidence.map((e) => e.session_id)))) {
    const events = await getEvents(id);
    bySession.set(id, new Map(events.map((e) => [e.seq, e.source])));
  }
  return (sessionId, seq) => bySession.get(sessionId)?.get(seq);
}

/** Unified diff of one change, from `before` to `after` (renames show both paths). */
export function changeDiff(c: RenderableChange): string {
  const from = c.op === 'create' ? '/dev/null' : c.path;
  const to = c.op === 'delete' ? '/dev/null' : (c.to_path ?? c.path);
  const patch = createTwoFilesPatch(from, to, c.before ?? '', c.after ?? '', undefined, undefined, {
    context: 3,
  });
  // Drop jsdiff's "====" preamble line; keep ---/+++ and hunks.
  return patch
    .split('\n')
    .filter((l) => !/^=+$/.test(l))
    .join('\n')
    .trimEnd();
}

/** One-line title of a change, e.g. `update /facts/deploys.md (fact)`. */
export function changeTitle(c: RenderableChange): string {
  const target = c.op === 'rename' ? `${c.path} → ${c.to_path}` : c.path;
  return `${c.op} ${target} (${c.kind})`;
}

/**
 * Renders a change set as Markdown: a summary table by kind and operation, then one section per change.
 * @param opts.lookup resolves evidence session ids to titles; `opts.sources` resolves evidence events to
 *   their place in the transcript file (see {@link evidenceSources}, {@link sourceText}); `opts.diff`
 *   includes diffs (default true).
 */
export function renderChangeSetMarkdown(
  changes: readonly RenderableChange[],
  opts: { title?: string; lookup?: SessionLookup; sources?: EventSourceLookup; diff?: boolean } = {},
): string {
  const lines: string[] = [`# ${opts.title ?? 'Change set'}`, ''];
  const counts = new Map<string, number>();
  for (const c of changes) counts.set(`${c.kind} ${c.op}`, (counts.get(`${c.kind} ${c.op}`) ?? 0) + 1);
  lines.push(
    `${changes.length} change${changes.length === 1 ? '' : 's'}.`,
    '',
    '| kind | op | count |',
    '|---|---|---|',
  );
  for (const [k, n] of [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const [kind, op] = k.split(' ');
    lines.push(`| ${kind} | ${op} | ${n} |`);
  }
  lines.push('');
  changes.forEach((c, i) => {
    lines.push(`## ${i + 1}. ${changeTitle(c)}${c.status ? ` — ${c.status}` : ''}`, '');
    if (c.id) lines.push(`id: \`${c.id}\``, '');
    lines.push(`**Why:** ${c.reason}`, '');
    lines.push(
      `confidence ${c.confidence.toFixed(2)} · support ${c.support.sessions} session${c.support.sessions === 1 ? '' : 's'}, ${c.support.agents} agent${c.support.agents === 1 ? '' : 's'}`,
      '',
    );
    if (c.evidence.length > 0) {
      lines.push('Evidence:');
      for (const e of c.evidence) {
        const s = opts.lookup?.(e.session_id);
        // titles come from transcripts: credentials and personal data in them are redacted here too
        const where = s
          ? `${e.session_id} (${redactTranscriptText(s.title || s.external_id, s.user_id ? [s.user_id] : [])})`
          : e.session_id;
        const range = e.seq_from === e.seq_to ? `event ${e.seq_from}` : `events ${e.seq_from}–${e.seq_to}`;
        const at = sourceText(
          opts.sources?.(e.session_id, e.seq_from),
          opts.sources?.(e.session_id, e.seq_to),
        );
        lines.push(`- ${where}, ${range}${at ? ` (${at})` : ''}: “${e.quote.replace(/\s+/g, ' ').trim()}”`);
      }
      lines.push('');
    }
    if (opts.diff !== false) lines.push('```diff', changeDiff(c), '```', '');
  });
  return `${lines.join('\n').trimEnd()}\n`;
}
