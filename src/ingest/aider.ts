/**
 * Aider chat histories (`.aider.chat.history.md` in the repository aider ran in; written by aider's
 * `InputOutput` with `chat_history_file`, aider.chat/docs): Markdown, appended to by every run.
 * - `# aider chat started at <YYYY-MM-DD HH:MM:SS>` starts a session (local time without a zone; read
 *   as UTC);
 * - `#### <text>` lines are what the person typed (consecutive ones form one message; slash commands
 *   such as `/add` and `/run` included);
 * - `> <text>` lines (and a bare `>`) are aider's and the tools' output: start-up banner, lint and test
 *   runs, `Applied edit to <file>`, `Commit <sha> <message>`, errors — never speech;
 * - everything else is the model's reply, with edits as SEARCH/REPLACE blocks (`<path>` line, a fence,
 *   `<<<<<<< SEARCH`, `=======`, `>>>>>>> REPLACE`) in the `diff` edit formats.
 * Lines end with two spaces (Markdown line breaks), which are removed.
 *
 * Mapping: `####` runs → `user.message` (except aider's own echoes, see {@link userBlock}); a reply → `agent.message` (its prose, edit blocks removed)
 * and one `agent.tool_use {tool: 'edit', kind: 'edit', input: {path, search, replace}}` per
 * SEARCH/REPLACE block (`call_id` `edit-<n>`). There are no ids, so results pair by order: an
 * `Applied edit to <file>` line (printed once per file) answers every open edit of that file with a
 * successful result, a `SearchReplaceNoExactMatch: … in <file>` line the oldest open edit of that file
 * with a failed one (a line naming no open edit answers the oldest open edit; with none open, an edit
 * call is added for it, as for the `whole` edit format, whose replies carry no blocks). The other `>` lines of a block
 * form one `system.message`. Metadata: `model`, `aider_version`, `commits` (the `Commit` lines).
 * external_id `aider:<absolute file path>:<start time>` (`#2`, … for a repeated start time); agent_id `aider`.
 * Pointers `{file, line}` (1-based, the block's first line).
 */
import { resolve } from 'node:path';
import { ImportError, type Timestamp } from '../domain/index.js';
import { EventList } from './event-list.js';
import { stripBom } from './json.js';
import { titleFrom } from './text.js';
import type { ImportedSession, ImporterOptions } from './types.js';

/** The header that starts every aider session. */
export const AIDER_SESSION_HEADER = '# aider chat started at ';

/** True if `text` (a file's content) is an aider chat history. */
export function isAiderHistory(text: string): boolean {
  return stripBom(text).trimStart().startsWith(AIDER_SESSION_HEADER);
}

type BlockKind = 'user' | 'tool' | 'agent';

/** An edit call still waiting for its `Applied edit` / no-match line. */
interface OpenEdit {
  id: string;
  path: string;
}

/** One session being read. */
class AiderSession {
  readonly events = new EventList();
  readonly open: OpenEdit[] = [];
  edits = 0;
  commits = 0;
  model: string | null = null;
  version: string | null = null;
  readonly started: Timestamp | null;
  readonly line: number;
  constructor(started: Timestamp | null, line: number) {
    this.started = started;
    this.line = line;
  }
}

/**
 * Imports an aider chat history: one session per `# aider chat started at` header.
 * @throws ImportError when the file does not start with a session header.
 */
export function importAider(file: string, text: string, opts: ImporterOptions = {}): ImportedSession[] {
  const body = stripBom(text);
  if (!isAiderHistory(body))
    throw new ImportError(file, `aider: expected "${AIDER_SESSION_HEADER.trim()}"`, 1);
  const sessions: AiderSession[] = [];
  let current: AiderSession | null = null;
  let kind: BlockKind | null = null;
  let lines: string[] = [];
  let blockLine = 0;
  const flush = () => {
    if (current !== null && kind !== null && lines.length > 0) block(file, current, kind, lines, blockLine);
    kind = null;
    lines = [];
  };
  let start = 0;
  let n = 0;
  while (start <= body.length) {
    let end = body.indexOf('\n', start);
    if (end === -1) end = body.length;
    n++;
    let l = body.slice(start, end);
    start = end + 1;
    if (l.endsWith('\r')) l = l.slice(0, -1);
    if (l.startsWith(AIDER_SESSION_HEADER)) {
      flush();
      current = new AiderSession(headerTime(l.slice(AIDER_SESSION_HEADER.length)), n);
      sessions.push(current);
      continue;
    }
    const k: BlockKind | null = l.startsWith('#### ')
      ? 'user'
      : l === '>' || l.startsWith('> ')
        ? 'tool'
        : l.trim() === ''
          ? null
          : 'agent';
    if (k === null) {
      // A blank line ends a user or tool block; inside a reply it is part of the text.
      if (kind === 'agent') lines.push('');
      else flush();
      continue;
    }
    if (k !== kind) {
      flush();
      kind = k;
      blockLine = n;
    }
    lines.push(k === 'user' ? l.slice(5).trimEnd() : k === 'tool' ? l.slice(2).trimEnd() : l.trimEnd());
  }
  flush();
  return toSessions(file, sessions, opts);
}

/** `2024-08-05 19:33:02` → `2024-08-05T19:33:02.000Z` (no zone in the file: read as UTC). */
function headerTime(s: string): Timestamp | null {
  const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)/.exec(s.trim());
  return m ? `${m[1]}T${m[2]}.000Z` : null;
}

function block(file: string, s: AiderSession, kind: BlockKind, lines: string[], line: number): void {
  const source = { file, line };
  const ts = s.started;
  // Aider applies a reply's edits before the next prompt or reply: older open edits got no result.
  if (kind === 'user') s.open.length = 0;
  if (kind === 'user') userBlock(s, lines.join('\n'), ts, source);
  else if (kind === 'agent') reply(s, lines, ts, file, line);
  else toolOutput(s, lines, ts, file, line);
}

/** Text with runs of white space made one space, for comparing a `#### ` echo with what it repeats. */
function squash(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * A `#### ` block. Aider logs two inputs there that the person did not type: in architect mode the
 * architect's reply is handed to the editor model as its prompt (aider's `ArchitectCoder` runs the
 * editor `with_message` = the reply), so the block repeats the last `agent.message` since the person
 * last spoke → `system.message`; and a chat-mode command such as `/ask <text>` is logged again as
 * `<text>` → dropped (the person's words are already recorded). Anything else → `user.message`.
 */
function userBlock(
  s: AiderSession,
  text: string,
  ts: Timestamp | null,
  source: { file: string; line: number },
): void {
  const said = squash(text);
  const events = s.events.events;
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (e.type === 'user.message') {
      const m = /^\/\w+ ([\s\S]*)$/.exec(squash(e.text));
      if (m && m[1] === said && i === events.length - 1) return;
      break;
    }
    if (e.type === 'agent.message' && squash(e.text) === said) {
      s.events.systemMessage(`[architect to editor] ${text}`, ts, source);
      return;
    }
  }
  s.events.userMessage(text, ts, source);
}

/** True for a fence line around an edit block: ```` ```lang ````, `~~~`, or aider's `<source>` fences. */
function isFence(l: string | undefined): boolean {
  return l !== undefined && (l.startsWith('```') || l.startsWith('~~~') || /^<\/?source/.test(l));
}

/** A model reply: its prose as `agent.message`, each SEARCH/REPLACE block as an edit call. */
function reply(s: AiderSession, lines: string[], ts: Timestamp | null, file: string, line: number): void {
  const prose: string[] = [];
  const edits: { path: string; search: string; replace: string; line: number }[] = [];
  for (let i = 0; i < lines.length; i++) {
    // `<path>` / fence / <<<<<<< SEARCH … ======= … >>>>>>> REPLACE / fence
    if (lines[i] === '<<<<<<< SEARCH') {
      const sep = lines.indexOf('=======', i + 1);
      const end = sep === -1 ? -1 : lines.indexOf('>>>>>>> REPLACE', sep);
      if (end !== -1) {
        if (isFence(prose.at(-1))) prose.pop();
        const path = (prose.pop() ?? '').trim();
        edits.push({
          path,
          search: lines.slice(i + 1, sep).join('\n'),
          replace: lines.slice(sep + 1, end).join('\n'),
          line: line + i,
        });
        i = isFence(lines[end + 1]) ? end + 1 : end;
        continue;
      }
    }
    prose.push(lines[i]!);
  }
  const text = prose.join('\n').trim();
  if (text !== '') s.events.agentMessage(text, ts, { file, line });
  for (const e of edits) {
    const id = `edit-${++s.edits}`;
    s.open.push({ id, path: e.path });
    s.events.toolUse('edit', 'edit', { path: e.path, search: e.search, replace: e.replace }, id, ts, {
      file,
      line: e.line,
    });
  }
}

const APPLIED = 'Applied edit to ';
const NO_MATCH = /^## SearchReplaceNoExactMatch: .* in (.+)$/;

/** Aider's output: edit results by order, the other lines as `system.message`s between them. */
function toolOutput(
  s: AiderSession,
  lines: string[],
  ts: Timestamp | null,
  file: string,
  line: number,
): void {
  let rest: string[] = [];
  let restLine = line;
  const flush = () => {
    const text = rest.join('\n').trim();
    if (text !== '') s.events.systemMessage(text, ts, { file, line: restLine });
    rest = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    const source = { file, line: line + i };
    const noMatch = NO_MATCH.exec(l);
    if (l.startsWith(APPLIED) || noMatch) {
      flush();
      restLine = line + i + 1;
      const path = noMatch ? noMatch[1]!.trim() : l.slice(APPLIED.length).trim();
      // A failure names one block; `Applied edit to <file>` is printed once for all blocks of the file.
      let answered = s.open.filter((e) => e.path === path);
      if (noMatch) answered = answered.slice(0, 1);
      if (answered.length === 0 && s.open.length > 0) answered = [s.open[0]!];
      if (answered.length === 0) {
        answered = [{ id: `edit-${++s.edits}`, path }];
        s.events.toolUse('edit', 'edit', { path }, answered[0]!.id, ts, source);
      }
      for (const call of answered) {
        const k = s.open.indexOf(call);
        if (k !== -1) s.open.splice(k, 1);
        s.events.toolResult(call.id, 'edit', noMatch ? l.slice(3) : l, noMatch !== null, ts, source);
      }
      continue;
    }
    if (/^Commit [0-9a-f]{7,40} /.test(l)) s.commits++;
    const model = /^Models?: (\S+) with /.exec(l);
    if (model) s.model ??= model[1]!;
    const version = /^Aider v(\S+)/.exec(l);
    if (version) s.version ??= version[1]!;
    rest.push(l);
  }
  flush();
}

function toSessions(file: string, sessions: AiderSession[], opts: ImporterOptions): ImportedSession[] {
  const seen = new Map<string, number>();
  return sessions.map((s) => {
    const key = s.started ?? `line-${s.line}`;
    const k = (seen.get(key) ?? 0) + 1;
    seen.set(key, k);
    const first = s.events.events.find((e) => e.type === 'user.message');
    return {
      external_id: `aider:${resolve(file)}:${key}${k > 1 ? `#${k}` : ''}`,
      agent_id: opts.agent_id ?? 'aider',
      user_id: null,
      team_id: opts.team_id ?? null,
      parent_external_id: null,
      source_format: 'aider',
      source_file: file,
      title:
        (first && 'text' in first ? titleFrom(first.text) : '') || `aider session ${s.started ?? ''}`.trim(),
      started_at: s.started,
      ended_at: null,
      metadata: { model: s.model, aider_version: s.version, commits: s.commits, header_line: s.line },
      events: s.events.events,
      outcome: null,
    };
  });
}
