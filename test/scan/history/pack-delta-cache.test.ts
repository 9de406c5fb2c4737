import { describe, expect, it } from 'vitest';
import { CACHE_BYTES, DeltaCache } from '../../../src/scan/history/pack/delta-cache.js';

const bytes = (n: number) => Buffer.alloc(n, 0x61);

describe('DeltaCache', () => {
  it('keeps an object only while deltas against it remain', () => {
    const cache = new DeltaCache([0, 2], 100);
    cache.keep(0, bytes(10));
    expect(cache.get(0)).toBeUndefined();
    const one = bytes(10);
    cache.keep(1, one);
    expect(cache.get(1)).toBe(one);
    cache.release(1);
    expect(cache.get(1)).toBe(one);
    cache.release(1);
    expect(cache.get(1)).toBeUndefined();
    expect(cache.keptBytes).toBe(0);
  });

  it('keeps the first content offered, counted once', () => {
    const cache = new DeltaCache([3], 100);
    const first = bytes(10);
    cache.keep(0, first);
    cache.keep(0, bytes(10));
    expect(cache.get(0)).toBe(first);
    expect(cache.keptBytes).toBe(10);
  });

  it('stays within its budget: what does not fit is not kept, and nothing is evicted for it', () => {
    const cache = new DeltaCache([1, 1, 1], 25);
    cache.keep(0, bytes(10));
    cache.keep(1, bytes(20));
    cache.keep(2, bytes(15));
    expect(cache.get(0)).toBeDefined();
    expect(cache.get(1)).toBeUndefined();
    expect(cache.get(2)).toBeDefined();
    expect(cache.keptBytes).toBe(25);
    // Room made by a release is used again.
    cache.release(0);
    cache.keep(1, bytes(10));
    expect(cache.get(1)).toBeDefined();
    expect(cache.keptBytes).toBe(25);
  });

  it('holds pinned objects outside the budget until unpinned, before what it keeps', () => {
    const cache = new DeltaCache([1, 0], 5);
    const kept = bytes(4);
    const pinned = bytes(50);
    cache.keep(0, kept);
    cache.pin(0, pinned);
    cache.pin(1, bytes(50));
    expect(cache.get(0)).toBe(pinned);
    expect(cache.isPinned(1)).toBe(true);
    expect(cache.keptBytes).toBe(4);
    cache.unpinAll();
    expect(cache.isPinned(1)).toBe(false);
    expect(cache.get(1)).toBeUndefined();
    expect(cache.get(0)).toBe(kept);
  });

  it('counts down its own copy of the uses, with a 24 MB budget by default', () => {
    const uses = [1];
    const cache = new DeltaCache(uses);
    cache.release(0);
    expect(uses).toEqual([1]);
    expect(CACHE_BYTES).toBe(24 * 1024 * 1024);
    cache.keep(0, bytes(1));
    expect(cache.get(0)).toBeUndefined();
  });
});
