import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliRunner } from '../../test/cli-harness.js';
import { Reverie } from '../service/index.js';

let dir: string;
let db: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'reverie-keys-cli-'));
  db = join(dir, 'r.db');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = cliRunner(() => db);

describe('reverie keys', () => {
  it('create prints the key once as {id,key,workspace_id}; the database keeps only its SHA-256; list and revoke', async () => {
    const r = await cli('keys', 'create', '--name', 'ci bot', '--json');
    expect(r.code, r.err).toBe(0);
    const k = JSON.parse(r.out);
    expect(k).toMatchObject({ workspace_id: 'wrkspc_default', name: 'ci bot' });
    expect(k.id).toMatch(/^apikey_[0-9A-Z]{26}$/);
    expect(k.key).toMatch(/^rvr_sk_[A-Za-z0-9_-]{43}$/);

    // Stored: the hash, not the key (neither in the table nor anywhere in the database file).
    const raw = new BetterSqlite3(db, { readonly: true });
    const row = raw.prepare('select * from api_keys where id = ?').get(k.id) as Record<string, string>;
    raw.close();
    expect(row.key_sha256).toBe(createHash('sha256').update(k.key).digest('hex'));
    expect(Object.values(row)).not.toContain(k.key);
    for (const f of [db, `${db}-wal`]) {
      let bytes = '';
      try {
        bytes = readFileSync(f, 'latin1');
      } catch {}
      expect(bytes.includes(k.key)).toBe(false);
    }

    // A named workspace is created on first use and reused after.
    const t1 = JSON.parse(
      (await cli('keys', 'create', '--name', 'a', '--workspace', 'team-a', '--json')).out,
    );
    const t2 = JSON.parse(
      (await cli('keys', 'create', '--name', 'b', '--workspace', 'team-a', '--json')).out,
    );
    expect(t1.workspace_id).toMatch(/^wrkspc_[0-9A-Z]{26}$/);
    expect(t1.workspace_created).toBe(true);
    expect(t2).toMatchObject({ workspace_id: t1.workspace_id, workspace_created: false });

    const human = await cli('keys', 'list');
    expect(human.out).toContain('ci bot');
    expect(human.out).toContain(`…${k.key.slice(-4)}`);
    expect(human.out).not.toContain(k.key);
    const teamA = JSON.parse((await cli('keys', 'list', '--workspace', 'team-a', '--json')).out);
    expect(teamA.data.map((x: { name: string }) => x.name)).toEqual(['b', 'a']);

    const svc = await Reverie.open({ db });
    try {
      expect(await svc.keys.authenticate(k.key)).toEqual({
        key_id: k.id,
        key_name: 'ci bot',
        workspace_id: 'wrkspc_default',
        role: 'admin',
      });
      expect(await svc.keys.authenticate(`${k.key.slice(0, -1)}x`)).toBeNull();
      const rv = await cli('keys', 'revoke', k.id);
      expect(rv.code).toBe(0);
      expect(rv.out).toMatch(/^Revoked apikey_\S+ "ci bot"/);
      // a server that verified the key before the CLI revoked it may trust it for its cache TTL (2 s)
      const later = await Reverie.open({ db });
      expect(await later.keys.authenticate(k.key)).toBeNull();
      await later.close();
    } finally {
      await svc.close();
    }
    const active = JSON.parse((await cli('keys', 'list', '--json')).out).data;
    expect(active.map((x: { id: string }) => x.id)).toEqual([t2.id, t1.id]);
    const all = JSON.parse((await cli('keys', 'list', '--all', '--workspace', 'default', '--json')).out).data;
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ id: k.id, revoked_at: expect.stringMatching(/^20/) });

    const ro = JSON.parse((await cli('keys', 'create', '--name', 'ro', '--role', 'reader', '--json')).out);
    expect(ro.role).toBe('reader');
    expect(k.role).toBe('admin');
    expect((await cli('keys', 'list')).out).toMatch(/ro\s+reader/);
    const badRole = await cli('keys', 'create', '--name', 'x', '--role', 'root');
    expect(badRole.code).toBe(2);
    expect(badRole.err).toContain("argument 'root' is invalid");
    const bad = await cli('keys', 'create', '--name', ' ');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('name must be 1–255 characters');
    expect((await cli('keys', 'revoke', 'apikey_NOPE')).err).toContain('api_key not found: apikey_NOPE');
  });
});
