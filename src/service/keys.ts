/**
 * API keys and workspaces (issue 9): create a key (shown once), list, revoke, and authenticate a
 * presented key. A key is `rvr_sk_` + 43 base64url characters (32 random bytes, 256 bits); only its
 * SHA-256 is stored. A plain, unsalted SHA-256 is enough here because the key is high-entropy random
 * data, not a password: guessing a preimage of 2^256 possibilities is out of reach, so slow password
 * hashes (scrypt, argon2) add cost without adding safety (the reasoning GitHub and Stripe document for
 * their tokens).
 */
import { randomBytes } from 'node:crypto';
import { type MemberRef, NotFoundError, newId, sha256Hex, ValidationError } from '../domain/index.js';
import {
  API_KEY_ROLES,
  type ApiKeyRecord,
  type ApiKeyRole,
  DEFAULT_WORKSPACE_ID,
  type Storage,
  type Workspace,
} from '../storage/index.js';

/** What {@link KeyService.createKey} returns: the key itself appears here and nowhere else, ever. */
export interface CreatedKey {
  /** `apikey_…` */
  id: string;
  /** The secret key (`rvr_sk_…`); shown once, stored only as its SHA-256. */
  key: string;
  workspace_id: string;
  name: string;
  role: ApiKeyRole;
  /** Whether `--workspace` named a workspace that did not exist and was created. */
  workspace_created: boolean;
  /** The person or agent the key acts as, when it has one. */
  member?: MemberRef;
}

/** Who a presented key belongs to, and what it may do. */
export interface Principal {
  key_id: string;
  key_name: string;
  workspace_id: string;
  role: ApiKeyRole;
  /** The person or agent the key acts as (it then sees only that member's stores), when it has one. */
  member?: MemberRef;
}

/** True when `role` allows what `needed` allows (reader < writer < reviewer < admin). */
export function roleAllows(role: ApiKeyRole, needed: ApiKeyRole): boolean {
  return API_KEY_ROLES.indexOf(role) >= API_KEY_ROLES.indexOf(needed);
}

const principal = (k: ApiKeyRecord): Principal => ({
  key_id: k.id,
  key_name: k.name,
  workspace_id: k.workspace_id,
  role: k.role,
  ...(k.member ? { member: k.member } : {}),
});

const KEY_PREFIX = 'rvr_sk_';
const CONTROL = /[\u0000-\u001f\u007f]/;

function validateName(name: string, field: string): string {
  const n = name.trim();
  if (n.length < 1 || n.length > 255 || CONTROL.test(n))
    throw new ValidationError(`${field} must be 1–255 characters without control characters`, field);
  return n;
}

/** Options of {@link KeyService}: how long a verified key is trusted without asking the database. */
export interface KeyServiceOptions {
  /**
   * Milliseconds a key verified by {@link KeyService.authenticate} is answered from memory (default
   * 2,000; 0 disables the cache). A key revoked through this service stops at once; one revoked by
   * another process (`reverie keys revoke` while `reverie serve` runs) stops within this time.
   */
  cacheTtlMs?: number;
  /** At most this many verified keys are remembered (default 1,000; the oldest is forgotten first). */
  cacheSize?: number;
  /** The clock, in ms since the epoch (tests). Default `Date.now`. */
  now?: () => number;
}

/**
 * Administration of API keys and workspaces, across workspaces. Construct over the root storage
 * (any workspace view works: these tables are not scoped). Verified keys are remembered for a short
 * time (see {@link KeyServiceOptions}), so a request does not pay a hash and a query for its key.
 */
export class KeyService {
  #storage: Storage;
  #ttl: number;
  #size: number;
  #now: () => number;
  /** Verified keys (the presented key → who it is and until when that answer holds). */
  #verified = new Map<string, { principal: Principal; until: number }>();

  constructor(storage: Storage, opts: KeyServiceOptions = {}) {
    this.#storage = storage;
    this.#ttl = opts.cacheTtlMs ?? 2_000;
    this.#size = opts.cacheSize ?? 1_000;
    this.#now = opts.now ?? Date.now;
  }

  /**
   * The workspace with this id or name; a name that does not exist yet is created.
   * Omitted: the default workspace (`wrkspc_default`, where the CLI's data lives).
   * @throws ValidationError for a bad name (1–255 characters, no control characters).
   */
  async resolveWorkspace(idOrName?: string): Promise<{ workspace: Workspace; created: boolean }> {
    const wanted = idOrName === undefined ? DEFAULT_WORKSPACE_ID : validateName(idOrName, 'workspace');
    const found = await this.#storage.findWorkspace(wanted);
    if (found) return { workspace: found, created: false };
    if (/^wrkspc_/.test(wanted)) throw new NotFoundError('workspace', wanted);
    const workspace: Workspace = { id: newId('wrkspc'), name: wanted, created_at: new Date().toISOString() };
    await this.#storage.insertWorkspace(workspace);
    return { workspace, created: true };
  }

  /**
   * Creates a key named `name` in `workspace` (id or name; created when it is a new name; default:
   * the default workspace) with `role` (default `admin`).
   * @returns the key, which is not stored and cannot be shown again.
   * @throws ValidationError for a bad name or role; NotFoundError for an unknown `wrkspc_…` id.
   */
  async createKey(input: {
    name: string;
    workspace?: string;
    role?: ApiKeyRole;
    /** The person or agent the key acts as (it then sees only that member's stores; see `Storage.forMember`). */
    member?: MemberRef;
  }): Promise<CreatedKey> {
    const name = validateName(input.name, 'name');
    const role = input.role ?? 'admin';
    if (!API_KEY_ROLES.includes(role))
      throw new ValidationError(`role must be one of ${API_KEY_ROLES.join(', ')}`, 'role');
    const { workspace, created } = await this.resolveWorkspace(input.workspace);
    const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
    const record: ApiKeyRecord = {
      id: newId('apikey'),
      workspace_id: workspace.id,
      name,
      key_hint: key.slice(-4),
      created_at: new Date().toISOString(),
      revoked_at: null,
      role,
      ...(input.member ? { member: input.member } : {}),
    };
    await this.#storage.insertApiKey(record, sha256Hex(key));
    return {
      id: record.id,
      key,
      workspace_id: workspace.id,
      name,
      role,
      workspace_created: created,
      ...(input.member ? { member: input.member } : {}),
    };
  }

  /** Keys newest first, optionally of one workspace (id or name); revoked ones with `include_revoked`. */
  async listKeys(q: { workspace?: string; include_revoked?: boolean } = {}): Promise<ApiKeyRecord[]> {
    let workspaceId: string | undefined;
    if (q.workspace !== undefined) {
      const ws = await this.#storage.findWorkspace(q.workspace);
      if (!ws) throw new NotFoundError('workspace', q.workspace);
      workspaceId = ws.id;
    }
    return this.#storage.listApiKeys({ workspace_id: workspaceId, include_revoked: q.include_revoked });
  }

  /** Revokes a key: it stops working at once. Idempotent. @throws NotFoundError for an unknown id. */
  async revokeKey(id: string): Promise<ApiKeyRecord> {
    const k = await this.#storage.revokeApiKey(id, new Date().toISOString());
    if (!k) throw new NotFoundError('api_key', id);
    for (const [key, v] of this.#verified) if (v.principal.key_id === id) this.#verified.delete(key);
    return k;
  }

  /** The workspaces, oldest first. */
  listWorkspaces(): Promise<Workspace[]> {
    return this.#storage.listWorkspaces();
  }

  /** Who the key with id `keyId` is, or null once it is revoked (or for an unknown id). */
  async principalOf(keyId: string): Promise<Principal | null> {
    const k = await this.#storage.getApiKey(keyId);
    return k && !k.revoked_at ? principal(k) : null;
  }

  /**
   * Who `key` belongs to, or null for an unknown, malformed or revoked key (one indexed lookup of
   * its SHA-256; the comparison is of hashes, so its timing says nothing about the key). A verified
   * key is answered from memory for `cacheTtlMs`; failures are never remembered.
   */
  async authenticate(key: string | undefined | null): Promise<Principal | null> {
    if (!key?.startsWith(KEY_PREFIX) || key.length > 200) return null;
    const now = this.#now();
    const hit = this.#verified.get(key);
    if (hit && hit.until > now) return hit.principal;
    this.#verified.delete(key);
    const k = await this.#storage.findApiKey(sha256Hex(key));
    if (!k) return null;
    const p = principal(k);
    if (this.#ttl > 0) {
      if (this.#verified.size >= this.#size) this.#verified.delete(this.#verified.keys().next().value!);
      this.#verified.set(key, { principal: p, until: now + this.#ttl });
    }
    return p;
  }
}
