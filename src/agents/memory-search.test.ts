import MiniSearch from 'minisearch';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { Reverie } from '../service/reverie.js';
import { redactVersion } from '../service/versions.js';
import { openSqliteStorage } from '../storage/index.js';
import { MAX_INCREMENTAL_VERSIONS, MemorySearch } from './memory-search.js';

describe('MemorySearch', () => {
  let svc: Reverie;
  let store: string;
  let search: MemorySearch;

  beforeEach(async () => {
    svc = new Reverie({ storage: await openSqliteStorage(':memory:') });
    store = (await svc.createStore({ name: 'search' })).id;
    await svc.createMemory(store, {
      path: '/facts/baggage.md',
      content: '# Baggage\nTwo free checked bags in business.\n',
    });
    await svc.createMemory(store, {
      path: '/mistakes/refund.md',
      content: 'Refunds go to the original payment method.\n',
    });
    search = new MemorySearch(svc, store);
  });

  it('ranks by words in paths and content, with numbered snippet lines', async () => {
    const hits = await search.search('baggage');
    expect(hits.map((h) => h.path)).toEqual(['/memories/facts/baggage.md']);
    expect(hits[0]!.snippet).toBe('1: # Baggage\n2: Two free checked bags in business.\n3: ');
    expect((await search.search('refnd payment')).map((h) => h.path)).toEqual([
      '/memories/mistakes/refund.md',
    ]);
    expect(await search.search('nothing-like-this')).toEqual([]);
    expect((await search.search('baggage refund')).length).toBe(2);
    expect(
      (await search.search('baggage refund', { pathPrefix: '/memories/mistakes/' })).map((h) => h.path),
    ).toEqual(['/memories/mistakes/refund.md']);
    expect((await search.search('baggage', { pathPrefix: '/facts/' })).map((h) => h.path)).toEqual([
      '/memories/facts/baggage.md',
    ]);
  });

  it("ranks as a MiniSearch OR query over the same memories would, also from the words' kept scores, until a write", async () => {
    const words = ['refund', 'baggage', 'seat', 'upgrade', 'payment', 'voucher', 'delay', 'cabin'];
    for (let i = 0; i < 60; i++)
      await svc.createMemory(store, {
        path: `/t${i % 4}/${words[i % 8]}-${i}.md`,
        content: `${words[(i * 3) % 8]} ${words[(i * 5) % 8]} note ${i}\n${i % 7 === 0 ? words[(i + 1) % 8] : 'plain'} text\n`,
      });
    const all = await svc.snapshot(store);
    const reference = new MiniSearch<{ id: string; path: string; content: string }>({
      fields: ['path', 'content'],
      tokenize: (t) => t.match(/[\p{L}\p{N}]+/gu) ?? [],
    });
    reference.addAll(all.map((m) => ({ id: m.id, path: m.path, content: m.content! })));
    const pathOf = new Map(all.map((m) => [m.id, `/memories${m.path}`]));
    const queries = ['refund seat', 'voucher delay cabin', 'baggage', 'upgrade payment refund', 'cab'];
    // twice: first through MiniSearch's own OR query, then from each word's kept scores
    for (const q of [...queries, ...queries]) {
      const expected = reference
        .search(q, { boost: { path: 2 }, combineWith: 'OR', prefix: (t) => t.length >= 3 })
        .slice(0, 10);
      const got = await search.search(q);
      expect(got.map((h) => h.score)).toEqual(expected.map((h) => Math.round(h.score * 1000) / 1000));
      const unique = expected.filter((h) => expected.filter((o) => o.score === h.score).length === 1);
      for (const h of unique)
        expect(got.find((g) => g.score === Math.round(h.score * 1000) / 1000)?.path).toBe(pathOf.get(h.id));
    }
    expect(await search.search('zeppelin')).toEqual([]);
    await svc.createMemory(store, { path: '/facts/zeppelin.md', content: 'A zeppelin is an airship.\n' });
    expect((await search.search('zeppelin')).map((h) => h.path)).toEqual(['/memories/facts/zeppelin.md']);
  });

  it('sees writes from elsewhere by reading only the versions written since the last search', async () => {
    await search.search('bags');
    const refund = await svc.getMemoryByPath(store, '/mistakes/refund.md');
    await svc.updateMemory(store, refund.id, { content: 'Refunds: ask for the booking code first.\n' });
    await svc.createMemory(store, { path: '/prefs/seat.md', content: 'Aisle seat, never middle.\n' });
    const seat = await svc.getMemoryByPath(store, '/prefs/seat.md');
    await svc.updateMemory(store, seat.id, { path: '/prefs/seating.md' });
    const bag = await svc.getMemoryByPath(store, '/facts/baggage.md');
    await svc.deleteMemory(store, bag.id);
    const reads = [vi.spyOn(svc, 'getMemory'), vi.spyOn(svc, 'snapshot'), vi.spyOn(svc, 'listMemories')];
    const versions = vi.spyOn(svc, 'listVersions');
    expect((await search.search('booking code')).map((h) => h.path)).toEqual([
      '/memories/mistakes/refund.md',
    ]);
    expect((await search.search('aisle')).map((h) => h.path)).toEqual(['/memories/prefs/seating.md']);
    expect(await search.search('bags')).toEqual([]);
    for (const r of reads) expect(r).not.toHaveBeenCalled();
    // one head check per search, plus one page of the four new versions on the first
    expect(versions).toHaveBeenCalledTimes(4);
  });

  it('follows the versions since the last search past a redacted one (the latest per memory decides)', async () => {
    await search.search('bags');
    const bag = await svc.getMemoryByPath(store, '/facts/baggage.md');
    await svc.updateMemory(store, bag.id, { content: 'Bags: one carry-on.\n' });
    const v = (await svc.listVersions(store, { limit: 1 })).data[0]!;
    await svc.updateMemory(store, bag.id, { content: 'Bags: two carry-ons.\n' });
    await redactVersion(svc, store, v.id, { type: 'api_actor', id: 'test' });
    await svc.deleteMemory(store, bag.id);
    await svc.createMemory(store, { path: '/facts/carry-on.md', content: 'Carry-on under 8 kg.\n' });
    expect((await search.search('carry')).map((h) => h.path)).toEqual(['/memories/facts/carry-on.md']);
    expect(await search.search('bags')).toEqual([]);
  });

  it('keeps up with a store changed by more versions than it applies one by one', async () => {
    await search.search('bags');
    const bag = await svc.getMemoryByPath(store, '/facts/baggage.md');
    for (let i = 0; i <= MAX_INCREMENTAL_VERSIONS; i++)
      await svc.updateMemory(store, bag.id, { content: `Bags: rule ${i}\n` });
    const listing = vi.spyOn(svc, 'getMemory');
    expect((await search.search(`rule ${MAX_INCREMENTAL_VERSIONS}`)).map((h) => h.path)).toEqual([
      '/memories/facts/baggage.md',
    ]);
    expect(listing).toHaveBeenCalledTimes(1); // the re-read listing fetched the one changed memory
    expect((await search.search('business')).length).toBe(0);
  });
});
