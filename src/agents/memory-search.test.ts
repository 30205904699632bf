import { beforeEach, describe, expect, it, vi } from 'vitest';
import { Reverie } from '../service/reverie.js';
import { openSqliteStorage } from '../storage/index.js';
import { MemorySearch } from './memory-search.js';

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

  it('sees writes from elsewhere, re-reading only the memories that changed', async () => {
    await search.search('bags');
    const refund = await svc.getMemoryByPath(store, '/mistakes/refund.md');
    await svc.updateMemory(store, refund.id, { content: 'Refunds: ask for the booking code first.\n' });
    await svc.createMemory(store, { path: '/prefs/seat.md', content: 'Aisle seat, never middle.\n' });
    const bag = await svc.getMemoryByPath(store, '/facts/baggage.md');
    await svc.deleteMemory(store, bag.id);
    const fetch = vi.spyOn(svc, 'getMemory');
    expect((await search.search('booking code')).map((h) => h.path)).toEqual([
      '/memories/mistakes/refund.md',
    ]);
    expect(fetch.mock.calls.map((c) => c[1]).sort()).toEqual(
      [refund.id, (await svc.getMemoryByPath(store, '/prefs/seat.md')).id].sort(),
    );
    expect((await search.search('aisle')).map((h) => h.path)).toEqual(['/memories/prefs/seat.md']);
    expect(await search.search('bags')).toEqual([]);
    expect(fetch).toHaveBeenCalledTimes(2);
  });
});
