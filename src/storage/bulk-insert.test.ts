import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { insertRows } from './bulk-insert.js';
import type { KyselyStorage } from './kysely-storage.js';
import { openSqliteStorage } from './sqlite/index.js';

let storage: KyselyStorage;
beforeEach(async () => {
  storage = await openSqliteStorage(':memory:');
});
afterEach(() => storage.close());

describe('insertRows on SQLite', () => {
  it('writes every row with its values as given, and skips rows that collide on the conflict column', async () => {
    const db = storage.db;
    const quote = 'it\'s "quoted"\n\u0000 and ünïcode';
    await insertRows(db, 'sqlite', 'blobs', [
      { sha256: 'a', content: quote },
      { sha256: 'b', content: '' },
    ]);
    // same row count again (the cached SQL text), one colliding row and one new
    await insertRows(
      db,
      'sqlite',
      'blobs',
      [
        { sha256: 'a', content: 'changed' },
        { sha256: 'c', content: 'x' },
      ],
      'sha256',
    );
    const rows = await db.selectFrom('blobs').selectAll().orderBy('sha256').execute();
    expect(rows).toEqual([
      { sha256: 'a', content: quote },
      { sha256: 'b', content: '' },
      { sha256: 'c', content: 'x' },
    ]);
  });

  it('stores UTF-8 bytes bound in a utf8 column as the text they encode, byte for byte as the string', async () => {
    const db = storage.db;
    const text = 'it\'s "quoted"\n\u0000 ünïcode, a lone \ud800 surrogate, 𝄞';
    await insertRows(db, 'sqlite', 'blobs', [{ sha256: 's', content: text }]);
    await insertRows(db, 'sqlite', 'blobs', [{ sha256: 'b', content: Buffer.from(text, 'utf8') }], 'sha256', [
      'content',
    ]);
    const rows = await sql<{ sha256: string; type: string; content: string; hex: string }>`
      select sha256, typeof(content) as type, content, hex(content) as hex from blobs order by sha256`.execute(
      db,
    );
    expect(rows.rows.map((r) => r.type)).toEqual(['text', 'text']);
    expect(rows.rows[0]!.content).toBe(rows.rows[1]!.content);
    expect(rows.rows[0]!.hex).toBe(rows.rows[1]!.hex);
    expect(rows.rows[0]!.content).toBe(text.replace('\ud800', '\ufffd'));
  });

  it('refuses utf8 columns on PostgreSQL (its builder binds strings)', async () => {
    await expect(
      insertRows(storage.db, 'postgres', 'blobs', [{ sha256: 'x', content: 'y' }], undefined, ['content']),
    ).rejects.toThrow(/utf8 columns are for SQLite only/);
  });

  it('raises the database error of a violated constraint, leaving the transaction to undo the statement', async () => {
    const db = storage.db;
    await insertRows(db, 'sqlite', 'blobs', [{ sha256: 'a', content: '1' }]);
    await expect(
      insertRows(db, 'sqlite', 'blobs', [
        { sha256: 'z', content: '2' },
        { sha256: 'a', content: '3' },
      ]),
    ).rejects.toThrow(/UNIQUE constraint failed: blobs.sha256/);
    expect(await db.selectFrom('blobs').select('sha256').execute()).toEqual([{ sha256: 'a' }]);
  });
});
