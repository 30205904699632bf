/**
 * Choosing PostgreSQL by URL: `resolveDbPath` passes `postgres://` URLs through, `Reverie.open` and the
 * CLI's `--db` open PostgreSQL storage with them, and `openPostgresStorage` reports bad input clearly.
 * The database tests run when REVERIE_TEST_PG_URL is set (see test/dialects.ts), each in a schema of
 * its own chosen through the URL's `options=-c search_path=…`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Reverie, resolveDbPath } from '../src/service/index.js';
import { storageOf } from '../src/service/internal.js';
import { openPostgresStorage } from '../src/storage/index.js';
import { cliRunner } from './cli-harness.js';
import { itWithData, TAU } from './data.js';
import { PG_URL } from './dialects.js';

describe('PostgreSQL URLs as --db', () => {
  it('are passed through unchanged, from the option and from REVERIE_DB', () => {
    const url = 'postgres://u:p@db.example:5432/reverie?sslmode=require';
    expect(resolveDbPath(url, {})).toBe(url);
    expect(resolveDbPath(null, { REVERIE_DB: 'postgresql://h/db' })).toBe('postgresql://h/db');
    expect(resolveDbPath('rel/r.db', {})).toMatch(/^\/.*rel\/r\.db$/);
  });

  it('rejects a schema name that is not a plain identifier, before connecting', async () => {
    await expect(
      openPostgresStorage('postgres://127.0.0.1:1/x', { schema: 'a; drop' }),
    ).rejects.toMatchObject({
      type: 'invalid_request_error',
    });
  });

  it('reports an unreachable server as an internal error naming the cause', async () => {
    await expect(
      openPostgresStorage('postgres://nobody@127.0.0.1:1/none', { pool: { connectionTimeoutMillis: 2000 } }),
    ).rejects.toMatchObject({
      type: 'internal_error',
      message: expect.stringMatching(/cannot open PostgreSQL/),
    });
  });
});

describe.skipIf(!PG_URL)('Reverie.open and the CLI on PostgreSQL', () => {
  const schema = `rt_${Date.now().toString(36)}_${randomBytes(6).toString('hex')}`;
  const url = PG_URL
    ? `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}options=-c%20search_path%3D${schema}`
    : '';
  const dir = mkdtempSync(join(tmpdir(), 'reverie-pg-open-'));
  const admin = async (q: string) => {
    const c = new pg.Client({ connectionString: PG_URL! });
    await c.connect();
    try {
      await c.query(q);
    } finally {
      await c.end();
    }
  };
  beforeAll(() => admin(`create schema "${schema}"`));
  afterAll(async () => {
    await admin(`drop schema if exists "${schema}" cascade`);
    rmSync(dir, { recursive: true, force: true });
  });

  it('Reverie.open({db: url}) stores in PostgreSQL, and a second open sees the same data', async () => {
    const svc = await Reverie.open({ db: url });
    try {
      expect(storageOf(svc).dialect).toBe('postgres');
      await svc.createStore({ name: 'in postgres' });
    } finally {
      await svc.close();
    }
    const again = await Reverie.open({ db: url });
    try {
      expect((await again.listStores({})).data.map((s) => s.name)).toContain('in postgres');
    } finally {
      await again.close();
    }
  });

  itWithData('reverie --db postgres://… dream runs the one-shot dream against PostgreSQL', async () => {
    const outDir = join(dir, 'out');
    const { code, out, err } = await cliRunner(() => url)('dream', TAU, '--out', outDir);
    expect(code, err + out).toBe(0);
    expect(readFileSync(join(outDir, '.reverie/changes.json'), 'utf8').length).toBeGreaterThan(2);
    const svc = await Reverie.open({ db: url });
    try {
      expect((await storageOf(svc).listSessions({ limit: 1000 })).data).toHaveLength(100);
    } finally {
      await svc.close();
    }
  });
});
