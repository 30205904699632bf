/**
 * Workspaces and API keys over Kysely: administration across workspaces, so these queries are not
 * scoped (see the Storage port). Keys are looked up by the SHA-256 of the presented key; the key
 * itself is never stored.
 */
import type { Kysely, Selectable } from 'kysely';
import type { ApiKeyRecord, Workspace } from './port.js';
import type { ApiKeysTable, Database } from './schema.js';

function toKey(r: Selectable<ApiKeysTable>): ApiKeyRecord {
  return {
    id: r.id,
    workspace_id: r.workspace_id,
    name: r.name,
    key_hint: r.key_hint,
    role: r.role as ApiKeyRecord['role'],
    created_at: r.created_at,
    revoked_at: r.revoked_at,
    ...(r.member_type && r.member_id
      ? { member: { type: r.member_type as 'person' | 'agent', id: r.member_id } }
      : {}),
  };
}

/** Inserts a workspace. @throws the driver's unique-constraint error on a taken id or name. */
export async function insertWorkspace(db: Kysely<Database>, ws: Workspace): Promise<void> {
  await db.insertInto('workspaces').values(ws).execute();
}

/** The workspace with id `idOrName`, else the one named so. */
export async function findWorkspace(db: Kysely<Database>, idOrName: string): Promise<Workspace | undefined> {
  const byId = await db.selectFrom('workspaces').selectAll().where('id', '=', idOrName).executeTakeFirst();
  return (
    byId ?? (await db.selectFrom('workspaces').selectAll().where('name', '=', idOrName).executeTakeFirst())
  );
}

/** All workspaces, oldest first. */
export async function listWorkspaces(db: Kysely<Database>): Promise<Workspace[]> {
  return db.selectFrom('workspaces').selectAll().orderBy('created_at').orderBy('id').execute();
}

/** Stores a key record and the key's SHA-256 (hex). */
export async function insertApiKey(
  db: Kysely<Database>,
  key: ApiKeyRecord,
  keySha256: string,
): Promise<void> {
  const { member, ...rest } = key;
  await db
    .insertInto('api_keys')
    .values({
      ...rest,
      key_sha256: keySha256,
      member_type: member?.type ?? null,
      member_id: member?.id ?? null,
    })
    .execute();
}

/** Keys newest first (by id, which is time-ordered), optionally of one workspace and with revoked ones. */
export async function listApiKeys(
  db: Kysely<Database>,
  q: { workspace_id?: string; include_revoked?: boolean },
): Promise<ApiKeyRecord[]> {
  let query = db.selectFrom('api_keys').selectAll();
  if (q.workspace_id) query = query.where('workspace_id', '=', q.workspace_id);
  if (!q.include_revoked) query = query.where('revoked_at', 'is', null);
  return (await query.orderBy('id', 'desc').execute()).map(toKey);
}

/** The key with this id, revoked or not. */
export async function getApiKey(db: Kysely<Database>, id: string): Promise<ApiKeyRecord | undefined> {
  const r = await db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
  return r && toKey(r);
}

/** The unrevoked key with this SHA-256. */
export async function findApiKey(db: Kysely<Database>, keySha256: string): Promise<ApiKeyRecord | undefined> {
  const r = await db
    .selectFrom('api_keys')
    .selectAll()
    .where('key_sha256', '=', keySha256)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return r && toKey(r);
}

/** Revokes a key (keeps an earlier `revoked_at`). @returns the key after the change, or undefined. */
export async function revokeApiKey(
  db: Kysely<Database>,
  id: string,
  at: string,
): Promise<ApiKeyRecord | undefined> {
  await db
    .updateTable('api_keys')
    .set({ revoked_at: at })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .execute();
  const r = await db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
  return r && toKey(r);
}
