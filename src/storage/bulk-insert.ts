/**
 * Multi-row `INSERT … VALUES (…), (…)` for the session import path without Kysely's query builder on
 * SQLite. Building an insert of a few hundred rows through `insertInto().values(rows)` parses every value
 * into an operation node and compiles it back to SQL: about 25 ms of the ~55 ms that storage spent on 1,000
 * Claude Code sessions (CPU profile, 2026-11-30), more than SQLite's own work. On SQLite the SQL text is
 * built here once per table, column list and row count (so it is also one cached prepared statement, see
 * sqlite/statement-cache.ts) and the values are bound as they are. PostgreSQL keeps the query builder: its
 * NUL-escaping plugin (postgres/nul-escape.ts) works on the builder's nodes, and a network round trip
 * outweighs the builder there.
 */
import { CompiledQuery, type Kysely } from 'kysely';
import type { DialectName } from './migrations/index.js';
import type { Database } from './schema.js';

/** SQL texts by `table|columns|rows|conflict`; a few dozen at most (full chunks share one). */
const texts = new Map<string, string>();
/** Most texts kept; an import uses a handful (one per table for full chunks, one per last chunk). */
const MAX_TEXTS = 256;

/** `"name"`: an SQL identifier quoted for SQLite and PostgreSQL (a `"` inside is doubled). */
function quoted(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * The SQLite text of an insert of `rows` rows of `columns` into `table` (see the module comment); the
 * parameters of `utf8` columns are cast to text (`cast(? as text)`), so that UTF-8 bytes bound there are
 * stored as the text they encode.
 */
function insertText(
  table: string,
  columns: string[],
  rows: number,
  conflict: string | undefined,
  utf8: readonly string[],
): string {
  const key = `${table}|${columns.join(',')}|${rows}|${conflict ?? ''}|${utf8.join(',')}`;
  let text = texts.get(key);
  if (text === undefined) {
    const row = `(${columns.map((c) => (utf8.includes(c) ? 'cast(? as text)' : '?')).join(', ')})`;
    text = `insert into ${quoted(table)} (${columns.map(quoted).join(', ')}) values ${Array(rows).fill(row).join(', ')}`;
    if (conflict !== undefined) text += ` on conflict (${quoted(conflict)}) do nothing`;
    if (texts.size >= MAX_TEXTS) texts.delete(texts.keys().next().value!);
    texts.set(key, text);
  }
  return text;
}

/** A value {@link insertRows} binds: UTF-8 bytes only in the columns it is told hold them (SQLite). */
export type InsertValue = string | number | null | Uint8Array;

/**
 * Inserts `rows` into `table` in one statement: on SQLite through SQL built here (see the module comment),
 * on PostgreSQL through Kysely's builder. Every row must have the same keys, in the same order (the first
 * row's keys name the columns); values must be strings, numbers or `null` (`undefined` is stored as
 * `null` on SQLite), or on SQLite, in the columns named in `utf8`, UTF-8 bytes of a text (stored as that
 * text, byte for byte: what binding the string would store, without encoding it again).
 * @param conflict a unique column: rows that collide on it are skipped (`on conflict (col) do nothing`).
 * @param utf8 text columns whose values may be UTF-8 bytes (SQLite only).
 * @throws Error when `utf8` is given on PostgreSQL; whatever the database raises (constraint violations,
 *   a full disk): the caller's transaction decides what is undone.
 * @example await insertRows(db, 'sqlite', 'blobs', [{ sha256: 'ab…', content: '…' }], 'sha256')
 */
export async function insertRows<T extends keyof Database & string>(
  db: Kysely<Database>,
  dialect: DialectName,
  table: T,
  rows: Record<string, InsertValue>[],
  conflict?: string,
  utf8: readonly string[] = [],
): Promise<void> {
  if (rows.length === 0) return;
  if (utf8.length > 0 && dialect !== 'sqlite')
    throw new Error('insertRows: utf8 columns are for SQLite only');
  if (dialect !== 'sqlite') {
    // biome-ignore lint/suspicious/noExplicitAny: the rows are the table's columns, checked by the caller's types
    let q = db.insertInto(table).values(rows as any);
    if (conflict !== undefined)
      // biome-ignore lint/suspicious/noExplicitAny: a column of `table`
      q = q.onConflict((oc) => oc.column(conflict as any).doNothing());
    await q.execute();
    return;
  }
  const columns = Object.keys(rows[0]!);
  const params: InsertValue[] = new Array(rows.length * columns.length);
  let k = 0;
  for (const r of rows) for (const c of columns) params[k++] = r[c] ?? null;
  await db.executeQuery(CompiledQuery.raw(insertText(table, columns, rows.length, conflict, utf8), params));
}
