/**
 * KeyService's memory of verified keys (issue 9 "Performance": a request should not pay a hash and a
 * query for its key): a verified key is answered without the database for the TTL, a revoke through the
 * service ends it at once, a revoke by another process within the TTL, and failures are never remembered.
 */
import { describe, expect, it } from 'vitest';
import { openSqliteStorage, type Storage } from '../storage/index.js';
import { KeyService } from './keys.js';
import { Reverie } from './reverie.js';

/** A storage whose `findApiKey` calls are counted. */
async function countingStorage(): Promise<{ storage: Storage; lookups: () => number }> {
  const storage = await openSqliteStorage(':memory:');
  let n = 0;
  const find = storage.findApiKey.bind(storage);
  storage.findApiKey = (hash) => {
    n++;
    return find(hash);
  };
  return { storage, lookups: () => n };
}

describe('KeyService: verified keys', () => {
  it('answers a verified key from memory for the TTL, then asks the database again', async () => {
    const { storage, lookups } = await countingStorage();
    let now = 1_000_000;
    const keys = new KeyService(storage, { cacheTtlMs: 2_000, now: () => now });
    const { key, id } = await keys.createKey({ name: 'a', role: 'writer' });
    const who = { key_id: id, key_name: 'a', workspace_id: 'wrkspc_default', role: 'writer' };
    expect(await keys.authenticate(key)).toEqual(who);
    expect(await keys.authenticate(key)).toEqual(who);
    expect(lookups()).toBe(1);
    now += 2_001;
    expect(await keys.authenticate(key)).toEqual(who);
    expect(lookups()).toBe(2);
    await storage.close();
  });

  it('a revoke through the service ends the key at once; by another process, within the TTL', async () => {
    const { storage } = await countingStorage();
    let now = 1_000_000;
    const server = new KeyService(storage, { cacheTtlMs: 2_000, now: () => now });
    const a = await server.createKey({ name: 'a' });
    const b = await server.createKey({ name: 'b' });
    expect(await server.authenticate(a.key)).not.toBeNull();
    expect(await server.authenticate(b.key)).not.toBeNull();
    await server.revokeKey(a.id);
    expect(await server.authenticate(a.key)).toBeNull();
    // `reverie keys revoke` from another process: the server's memory holds for at most the TTL
    await new KeyService(storage).revokeKey(b.id);
    expect(await server.authenticate(b.key)).not.toBeNull();
    now += 2_001;
    expect(await server.authenticate(b.key)).toBeNull();
    await storage.close();
  });

  it('never remembers a failed key, and keeps at most cacheSize keys', async () => {
    const { storage, lookups } = await countingStorage();
    const keys = new KeyService(storage, { cacheSize: 2 });
    const bad = 'rvr_sk_nottherealkeynottherealkeynottherealkey1';
    expect(await keys.authenticate(bad)).toBeNull();
    expect(await keys.authenticate(bad)).toBeNull();
    expect(lookups()).toBe(2);
    const made = [];
    for (const name of ['a', 'b', 'c']) made.push((await keys.createKey({ name })).key);
    for (const k of made) await keys.authenticate(k);
    expect(lookups()).toBe(5);
    await keys.authenticate(made[0]); // forgotten (oldest of three with room for two)
    await keys.authenticate(made[2]); // remembered
    expect(lookups()).toBe(6);
    await storage.close();
  });

  it('Reverie hands out one KeyService and one service per workspace', async () => {
    const svc = new Reverie({ storage: await openSqliteStorage(':memory:') });
    expect(svc.keys).toBe(svc.keys);
    expect(svc.forWorkspace('wrkspc_default')).toBe(svc.forWorkspace('wrkspc_default'));
    expect(svc.forWorkspace('wrkspc_x')).not.toBe(svc.forWorkspace('wrkspc_default'));
    const { key, id } = await svc.keys.createKey({ name: 'k' });
    expect(await svc.keys.authenticate(key)).not.toBeNull();
    await svc.keys.revokeKey(id);
    expect(await svc.keys.authenticate(key)).toBeNull();
    await svc.close();
  });
});
