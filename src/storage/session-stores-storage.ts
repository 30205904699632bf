/**
 * The memory stores attached to sessions (hosted session `resources[]` of type `memory_store`;
 * migration 008) over Kysely. Every query here is scoped by the workspace id it is given; the caller
 * checks the resources (at most 8, each store readable and unarchived) before they are written.
 */
import type { Kysely, SelectQueryBuilder } from 'kysely';
import type { SessionResource } from './port.js';
import type { Database } from './schema.js';

/**
 * Records `resources` (in order) as the attachments of each session in `sessionIds` (sessions just
 * created in the enclosing transaction). Nothing is written when either list is empty.
 */
export async function insertSessionResources(
  db: Kysely<Database>,
  workspaceId: string,
  sessionIds: readonly string[],
  resources: readonly SessionResource[],
  at: string,
): Promise<void> {
  if (sessionIds.length === 0 || resources.length === 0) return;
  const rows = sessionIds.flatMap((session_id) =>
    resources.map((r, position) => ({
      workspace_id: workspaceId,
      session_id,
      memory_store_id: r.memory_store_id,
      position,
      access: r.access,
      instructions: r.instructions,
      name: r.name,
      description: r.description,
      mount_path: r.mount_path,
      attached_at: at,
    })),
  );
  // 10 columns a row: 80 rows stay far below SQLite's 32,766 bound parameters per statement.
  for (let i = 0; i < rows.length; i += 80)
    await db
      .insertInto('session_stores')
      .values(rows.slice(i, i + 80))
      .execute();
}

/** Subquery: the ids of the workspace's sessions that `storeId` is attached to. */
export function attachedTo(db: Kysely<Database>, workspaceId: string, storeId: string) {
  return db
    .selectFrom('session_stores')
    .select('session_id')
    .where('workspace_id', '=', workspaceId)
    .where('memory_store_id', '=', storeId);
}

/**
 * The attachments of the sessions `sessionIds` selects (a subquery of session ids), by session id, each
 * list in attach order; with `storeIds` (a member's view: the stores it may see), only attachments of
 * those stores, so that a session never shows a member the name of a store it may not see.
 */
export async function resourcesOf(
  db: Kysely<Database>,
  workspaceId: string,
  sessionIds: SelectQueryBuilder<Database, 'sessions', { id: string }>,
  storeIds: SelectQueryBuilder<Database, 'memory_stores', { id: string }> | null = null,
): Promise<Map<string, SessionResource[]>> {
  let q = db
    .selectFrom('session_stores')
    .select(['session_id', 'memory_store_id', 'access', 'instructions', 'name', 'description', 'mount_path'])
    .where('workspace_id', '=', workspaceId)
    .where('session_id', 'in', sessionIds);
  if (storeIds) q = q.where('memory_store_id', 'in', storeIds);
  const rows = await q.orderBy('session_id').orderBy('position').execute();
  const out = new Map<string, SessionResource[]>();
  for (const r of rows) {
    const list = out.get(r.session_id) ?? [];
    list.push({
      type: 'memory_store',
      memory_store_id: r.memory_store_id,
      access: r.access as SessionResource['access'],
      instructions: r.instructions,
      name: r.name,
      description: r.description,
      mount_path: r.mount_path,
    });
    out.set(r.session_id, list);
  }
  return out;
}
