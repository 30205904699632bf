import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { cachingDatabase } from './statement-cache.js';

describe('cachingDatabase', () => {
  it('prepares each SQL text once, evicts the least recently used, and never shares a busy statement', () => {
    const raw = new BetterSqlite3(':memory:');
    const db = cachingDatabase(raw, 2);
    raw.exec('create table t (x integer); insert into t values (1), (2), (3)');
    const a = db.prepare('select x from t order by x');
    expect(db.prepare('select x from t order by x')).toBe(a);
    expect(a.all([])).toEqual([{ x: 1 }, { x: 2 }, { x: 3 }]);
    // An open iterator makes the statement busy: the next prepare of the same SQL gets its own.
    const it1 = a.iterate([]);
    expect(it1.next().value).toEqual({ x: 1 });
    const b = db.prepare('select x from t order by x');
    expect(b).not.toBe(a);
    expect(b.all([])).toHaveLength(3);
    expect(it1.next().value).toEqual({ x: 2 });
    it1.return?.();
    // Bounded: a third SQL text evicts the least recently used one.
    db.prepare('select 1');
    db.prepare('select 2');
    expect(db.cached).toBe(2);
    expect(db.prepare('select x from t order by x')).not.toBe(a);
    db.close();
    expect(raw.open).toBe(false);
  });
});
