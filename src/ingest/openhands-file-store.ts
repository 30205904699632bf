/**
 * OpenHands' local file store: one JSON file per event, one folder per conversation
 * (All-Hands-AI/OpenHands @ 156d068, `openhands/storage/locations.py`, `openhands/events/stream.py`
 * `EventStream.add_event`, `openhands/events/event_store.py`):
 * - `<file_store_path>/sessions/<conversation id>/events/<id>.json` (`file_store_path` is `~/.openhands`
 *   by default), or `users/<user id>/conversations/<conversation id>/events/<id>.json` when a user id is
 *   set; each file holds one event as `event_to_dict` writes it, the same shape as an evaluation
 *   `output.jsonl`'s `history` (see openhands.ts), `id` the file's number, counting from 0;
 * - beside `events/`: `metadata.json` (ConversationMetadata: `title`, `selected_repository`,
 *   `created_at`, `llm_model`, …), `event_cache/<start>-<end>.json` (pages of 25 events copied from the
 *   event files: never read, they would repeat the conversation), `agent_state.pkl`, `init.json`;
 * - V1 (the OpenHands Software Agent SDK, which the OpenHands CLI keeps under
 *   `~/.openhands/conversations/<conversation id>/`): `events/event-<index>-<event id>.json`, one SDK
 *   event per file (read through openhands-sdk-events.ts), and `base_state.json` (the model in
 *   `agent.llm.model`, `execution_status`).
 *
 * A conversation imports as one session (external_id `openhands:<conversation id>`), its events in
 * the order of their file numbers, observations paired to actions by `cause` by the evaluation
 * importer's normalizer. Each event's pointer is `{file: <its event file>, index: <its number>}`.
 * `LocalFileStore.write` writes a file in place, so the highest-numbered file of a conversation still
 * running may be cut short: when it does not parse it is left out (the next import takes it); any
 * other event file that does not parse is skipped with an `invalid_json` warning naming it
 * (`--invalid-json error` refuses the conversation instead).
 */
import { type Dirent, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ImportError } from '../domain/index.js';
import { isRecord, parseJson } from './json.js';
import { importOpenHandsConversation, isOpenHandsEvent } from './openhands.js';
import { fromSdkEvents, isOpenHandsSdkEvent } from './openhands-sdk-events.js';
import type { ParsedTranscript, ReadOptions } from './read-transcript.js';
import { decodeUtf8, type ImportWarning } from './text.js';
import type { ImportedSession } from './types.js';

/** The name of a conversation's folder of event files. */
export const OPENHANDS_EVENTS_DIR = 'events';

/** An event file's name: its id, `.json` (V0), or `event-<index>-<event id>.json` (V1). */
const EVENT_FILE = /^(?:(\d+)|event-(\d{5,})-[0-9a-fA-F-]{8,})\.json$/;

/** Reads a file's bytes (a regular file only; read-transcript.ts's reader, passed in to avoid an import cycle). */
export type ReadBytes = (path: string) => Buffer;

/**
 * The numbered event files in `dir` (`<n>.json`, or V1 `event-<n>-<event id>.json`; files or symlinks,
 * which the reader then refuses unless they lead to a regular file), by number `n`; empty when `dir`
 * cannot be read. Names only: no file is opened.
 */
export function eventFiles(dir: string): { n: number; name: string }[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: { n: number; name: string }[] = [];
  for (const e of entries) {
    const m = EVENT_FILE.exec(e.name);
    if (m && (e.isFile() || e.isSymbolicLink())) out.push({ n: Number(m[1] ?? m[2]), name: e.name });
  }
  return out.sort((a, b) => a.n - b.n);
}

/**
 * True when `dir` is an OpenHands events folder: it holds numbered event files (`<n>.json`, V1
 * `event-<n>-<id>.json`) and the lowest-numbered one is an OpenHands event (V0 `{id: number, action |
 * observation}`, V1 `{id, kind, source, timestamp}`). Reads that one file; false for anything unreadable.
 */
export function isOpenHandsEventsDir(dir: string, read: ReadBytes): boolean {
  const first = eventFiles(dir)[0];
  if (first === undefined) return false;
  try {
    const value: unknown = JSON.parse(read(join(dir, first.name)).toString('utf8'));
    return isOpenHandsEvent(value) || isOpenHandsSdkEvent(value);
  } catch {
    return false;
  }
}

/** True when `path` is a folder named `events` (a candidate OpenHands events folder); no other check. */
export function isEventsFolderPath(path: string): boolean {
  if (basename(path) !== OPENHANDS_EVENTS_DIR) return false;
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() === true;
}

/**
 * Reads one OpenHands conversation from its `events` folder (see the module comment).
 * @param eventsDir `<conversation>/events`.
 * @param opts `agent_id`, `team_id`; `invalid_utf8` and `invalid_json` as for files; a forced `format`
 *   other than `openhands` is refused.
 * @param read reads an event file's bytes (refusing what is not a regular file).
 * @param readSidecar reads `metadata.json` beside `events/` (`null` when absent).
 * @throws ImportError naming the folder (no event file, a forced other format) or the event file (not
 *   an OpenHands event; invalid JSON in `error` mode).
 */
export function readOpenHandsConversation(
  eventsDir: string,
  opts: ReadOptions,
  read: ReadBytes,
  readSidecar: (path: string) => string | null,
): ParsedTranscript {
  if (opts.format !== undefined && opts.format !== 'openhands')
    throw new ImportError(
      eventsDir,
      `an OpenHands conversation folder, not ${opts.format} (format forced with --format)`,
    );
  const files = eventFiles(eventsDir);
  if (files.length === 0)
    throw new ImportError(
      eventsDir,
      'no OpenHands event files (<n>.json, or V1 event-<n>-<id>.json) in this folder',
    );
  const warnings: ImportWarning[] = [];
  const v1 = files[0]!.name.startsWith('event-');
  const events: { value: unknown; source: { file: string; index: number } }[] = [];
  for (let k = 0; k < files.length; k++) {
    const { n, name } = files[k]!;
    const path = join(eventsDir, name);
    const decoded = decodeUtf8(path, read(path), opts.invalid_utf8);
    warnings.push(...decoded.warnings);
    let value: unknown;
    try {
      value = parseJson(path, decoded.text);
    } catch (e) {
      if (k === files.length - 1 && opts.invalid_json !== 'error') break; // still being written
      if (opts.invalid_json === 'error') throw e;
      warnings.push(skipped(path, e));
      continue;
    }
    if (!(v1 ? isOpenHandsSdkEvent(value) : isOpenHandsEvent(value)))
      throw new ImportError(
        path,
        v1
          ? 'expected an OpenHands SDK event {id, kind, source, timestamp}'
          : 'expected an OpenHands event {id: number, action | observation}',
      );
    events.push({ value, source: { file: path, index: n } });
  }
  if (events.length === 0) throw new ImportError(eventsDir, 'no OpenHands event in this folder parses');
  if (v1) {
    const rewritten = fromSdkEvents(events.map((e) => e.value));
    events.forEach((e, k) => {
      e.value = rewritten[k];
    });
  }
  const conversation = dirname(eventsDir);
  const metadata = v1
    ? sdkMetadata(conversation, readSidecar)
    : conversationMetadata(conversation, readSidecar);
  const session = importOpenHandsConversation(eventsDir, basename(conversation), events, metadata, opts);
  return { file: eventsDir, format: 'openhands', sessions: [session] as ImportedSession[], warnings };
}

/** The `invalid_json` warning of an event file skipped because it does not parse. */
function skipped(path: string, e: unknown): ImportWarning {
  const line = e instanceof ImportError && e.line !== undefined ? e.line : 1;
  return {
    type: 'invalid_json',
    file: path,
    line,
    lines: [line],
    count: 1,
    message: `${path}:${line}: invalid JSON; event skipped (--invalid-json error refuses the conversation)`,
  };
}

/** Fields of a conversation's `metadata.json` kept in the session's metadata. */
const METADATA_FIELDS = [
  'title',
  'selected_repository',
  'selected_branch',
  'git_provider',
  'created_at',
  'last_updated_at',
  'llm_model',
  'trigger',
] as const;

/**
 * The session metadata of a conversation: `conversation_id` (its folder's name) and the
 * {@link METADATA_FIELDS} its `metadata.json` has.
 * @throws ImportError naming `metadata.json` when it is not a JSON object.
 */
function conversationMetadata(
  conversation: string,
  readSidecar: (path: string) => string | null,
): Record<string, unknown> {
  const out: Record<string, unknown> = { conversation_id: basename(conversation) };
  const value = readObject(conversation, 'metadata.json', 'OpenHands conversation metadata', readSidecar);
  if (value === null) return out;
  for (const k of METADATA_FIELDS) if (value[k] !== undefined && value[k] !== null) out[k] = value[k];
  return out;
}

/**
 * The session metadata of a V1 conversation: `conversation_id` (its folder's name), `llm_model`
 * (`agent.llm.model`) and `execution_status` from its `base_state.json`, when there.
 * @throws ImportError naming `base_state.json` when it is not a JSON object.
 */
function sdkMetadata(
  conversation: string,
  readSidecar: (path: string) => string | null,
): Record<string, unknown> {
  const out: Record<string, unknown> = { conversation_id: basename(conversation) };
  const value = readObject(conversation, 'base_state.json', 'OpenHands conversation state', readSidecar);
  if (value === null) return out;
  const llm = isRecord(value.agent) && isRecord(value.agent.llm) ? value.agent.llm : {};
  if (typeof llm.model === 'string') out.llm_model = llm.model;
  if (typeof value.execution_status === 'string') out.execution_status = value.execution_status;
  return out;
}

/**
 * The JSON object in the conversation's file `name`, or `null` when there is no such file.
 * @param what what the object is, for the error.
 * @throws ImportError naming the file when it is not JSON, or not an object (`expected a JSON object (<what>)`).
 */
function readObject(
  conversation: string,
  name: string,
  what: string,
  readSidecar: (path: string) => string | null,
): Record<string, unknown> | null {
  const path = join(conversation, name);
  const text = readSidecar(path);
  if (text === null) return null;
  const value = parseJson(path, text);
  if (!isRecord(value)) throw new ImportError(path, `expected a JSON object (${what})`);
  return value;
}
