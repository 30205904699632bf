/**
 * Memory stores attached to a session at its creation (issue 14 item 3, session side), in the hosted
 * shape (shared/reference/anthropic-api.md, "Attaching a store to a session"): a session's
 * `resources[]` holds up to 8 `{type: "memory_store", memory_store_id, access?, instructions?}`; the
 * echoed resource adds the store's `name` and `description` (snapshotted at attach time) and the
 * read-only `mount_path` `/mnt/memory/<slug>/`. reverie creates sessions by importing transcripts, so
 * the import (HTTP `POST /v1/reverie/sessions?resources=…`, CLI `sessions import --attach`) takes them.
 */
import { NotFoundError, ReverieError, ValidationError } from '../domain/index.js';
import type { SessionResource } from '../storage/index.js';
import type { Principal } from './keys.js';
import type { Reverie } from './reverie.js';
import { MAX_ATTACHED_STORES } from './teams.js';

/** An attached store as a session echoes it (defined in the storage port, migration 008). */
export type { SessionResource };

/** The longest `instructions` of an attached store, in characters (the hosted limit). */
export const MAX_RESOURCE_INSTRUCTIONS = 4096;

/** Where attached stores are mounted: `/mnt/memory/<slug>/` (read-only itself, as hosted). */
export const MOUNT_ROOT = '/mnt/memory/';

/** One requested attachment, as a client sends it (`type` defaults to `memory_store`). */
export interface SessionResourceInput {
  type?: 'memory_store';
  memory_store_id: string;
  /** Default `read_write`. */
  access?: 'read_write' | 'read_only';
  /** At most {@link MAX_RESOURCE_INSTRUCTIONS} characters: how the session's agent should use the store. */
  instructions?: string | null;
}

/**
 * The mount slug of a store name, by the hosted rule: lowercased, each run of characters that are not
 * letters or digits (Unicode `\p{L}`, `\p{N}`) turned into one `-`. E.g. `Support Team (EU)` →
 * `support-team-eu-`.
 */
export function mountSlug(name: string): string {
  return name.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '-');
}

/**
 * Mount paths for `names` in order: `/mnt/memory/<slug>/`; a slug that an earlier store already took
 * gets `-2`, `-3`, … so that no two attached stores share a mount (clients read `mount_path` rather
 * than deriving it, as the hosted docs advise).
 */
export function mountPaths(names: readonly string[]): string[] {
  const taken = new Set<string>();
  return names.map((name) => {
    const base = mountSlug(name);
    let slug = base;
    for (let k = 2; taken.has(slug); k++) slug = `${base}-${k}`;
    taken.add(slug);
    return `${MOUNT_ROOT}${slug}/`;
  });
}

/** An error whose message starts with the offending field, e.g. `resources[3].memory_store_id: …`. */
function fieldError(
  type: 'invalid_request_error' | 'not_found_error' | 'permission_error',
  field: string,
  message: string,
): ReverieError {
  if (type === 'invalid_request_error') return new ValidationError(`${field}: ${message}`, field);
  return new ReverieError(type, `${field}: ${message}`, { field });
}

/** Checks the shape of one requested attachment. @throws ValidationError naming the field. */
function checkShape(raw: unknown, field: string): Required<SessionResourceInput> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw fieldError(
      'invalid_request_error',
      field,
      'must be an object {type, memory_store_id, access?, instructions?}',
    );
  const r = raw as Record<string, unknown>;
  if (r.type !== undefined && r.type !== 'memory_store')
    throw fieldError(
      'invalid_request_error',
      `${field}.type`,
      `must be "memory_store", got ${JSON.stringify(r.type)}`,
    );
  if (
    typeof r.memory_store_id !== 'string' ||
    r.memory_store_id.length === 0 ||
    r.memory_store_id.length > 200
  )
    throw fieldError('invalid_request_error', `${field}.memory_store_id`, 'must be a memory store id');
  const access = r.access ?? 'read_write';
  if (access !== 'read_write' && access !== 'read_only')
    throw fieldError(
      'invalid_request_error',
      `${field}.access`,
      `must be read_write or read_only, got ${JSON.stringify(r.access)}`,
    );
  const instructions = r.instructions ?? null;
  if (instructions !== null && typeof instructions !== 'string')
    throw fieldError('invalid_request_error', `${field}.instructions`, 'must be a string');
  if (typeof instructions === 'string' && [...instructions].length > MAX_RESOURCE_INSTRUCTIONS)
    throw fieldError(
      'invalid_request_error',
      `${field}.instructions`,
      `is ${[...instructions].length} characters; at most ${MAX_RESOURCE_INSTRUCTIONS}`,
    );
  return { type: 'memory_store', memory_store_id: r.memory_store_id, access, instructions };
}

/**
 * Checks the stores a new session asks to attach and returns them as the session will echo them (name
 * and description snapshotted now, mount paths assigned in order). `reverie` is the caller's view (a key
 * that acts as a person or agent sees only its stores); `principal`, when given, is the key whose role
 * decides whether a store may be attached `read_write` (`TeamService.canWrite`).
 * @throws ValidationError (400) for more than 8 entries, a bad entry, a store listed twice or an
 *   archived store; NotFoundError-typed (404) for a store that is not in the workspace or not visible
 *   to the key; `permission_error` (403) for `read_write` on a store the key may not write. Every
 *   message starts with the field, e.g. `resources[3].memory_store_id`.
 */
export async function checkSessionResources(
  reverie: Reverie,
  input: unknown,
  principal?: Principal,
  field = 'resources',
): Promise<SessionResource[]> {
  if (!Array.isArray(input)) throw fieldError('invalid_request_error', field, 'must be an array');
  if (input.length > MAX_ATTACHED_STORES)
    throw fieldError(
      'invalid_request_error',
      field,
      `a session attaches at most ${MAX_ATTACHED_STORES} memory stores, got ${input.length}`,
    );
  const seen = new Set<string>();
  const checked: Omit<SessionResource, 'mount_path'>[] = [];
  for (const [i, raw] of input.entries()) {
    const at = `${field}[${i}]`;
    const r = checkShape(raw, at);
    if (seen.has(r.memory_store_id))
      throw fieldError(
        'invalid_request_error',
        `${at}.memory_store_id`,
        `${r.memory_store_id} is listed twice`,
      );
    seen.add(r.memory_store_id);
    const store = await reverie.getStore(r.memory_store_id).catch((e) => {
      if (e instanceof NotFoundError || (ReverieError.isInstance(e) && e.type === 'not_found_error'))
        throw fieldError(
          'not_found_error',
          `${at}.memory_store_id`,
          `memory store not found: ${r.memory_store_id}`,
        );
      throw e;
    });
    if (store.archived_at)
      throw fieldError(
        'invalid_request_error',
        `${at}.memory_store_id`,
        `memory store ${store.id} is archived; archived stores cannot be attached`,
      );
    if (r.access === 'read_write' && principal && !(await reverie.teams.canWrite(principal, store)))
      throw fieldError(
        'permission_error',
        `${at}.access`,
        `this API key may not write memory store ${store.id}; attach it with access "read_only"`,
      );
    checked.push({ ...r, name: store.name, description: store.description });
  }
  const paths = mountPaths(checked.map((c) => c.name));
  return checked.map((c, i) => ({ ...c, mount_path: paths[i]! }));
}

/**
 * Parses the CLI's `--attach store_id[:read_only|:read_write]` values into requested attachments.
 * @throws ValidationError naming `--attach` for an empty id or an unknown access.
 */
export function parseAttachOptions(values: readonly string[]): SessionResourceInput[] {
  return values.map((v) => {
    const m = /^([^:]+)(?::(read_only|read_write))?$/.exec(v.trim());
    if (!m)
      throw new ValidationError(
        `--attach takes store_id or store_id:read_only (or :read_write), got ${JSON.stringify(v)}`,
        '--attach',
      );
    return { memory_store_id: m[1]!, access: (m[2] as SessionResourceInput['access']) ?? 'read_write' };
  });
}
