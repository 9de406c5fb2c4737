import { describe, expect, it } from 'vitest';
import { DeltaCache } from '../../../src/scan/history/pack/delta-cache.js';
import { PackFormatError } from '../../../src/scan/history/pack/format.js';
import { markerNear } from '../../../src/scan/history/pack/marker-near.js';
import { PackReader, TooLarge } from '../../../src/scan/history/pack/pack-reader.js';
import { type Fresh, Rebuilder } from '../../../src/scan/history/pack/rebuilder.js';
import type { PackTask } from '../../../src/scan/history/pack/task-types.js';
import { hasMarker } from '../../../src/scan/history/prefilter.js';
import { newKey } from './fixtures.js';
import { blobOf, editedVersions, packedRepo, packedTask, shrinkingVersions } from './pack-fixtures.js';

function rebuilderFor(task: PackTask, maxRebuilt = 1 << 24, budget?: number) {
  const reader = PackReader.open(task, maxRebuilt);
  const cache = new DeltaCache(task.uses, budget);
  return { reader, cache, rebuilder: new Rebuilder(reader, cache, task.bases) };
}

describe('Rebuilder', () => {
  it('rebuilds every object as git reads it, from an empty cache or a warm one', async () => {
    const dir = packedRepo(editedVersions(25));
    const { task, oids } = await packedTask(dir);
    for (const budget of [0, undefined]) {
      const { reader, cache, rebuilder } = rebuilderFor(task, 1 << 24, budget);
      try {
        for (let i = 0; i < task.offsets.length; i++) {
          expect(rebuilder.contentOf(i).equals(blobOf(dir, oids[i]!))).toBe(true);
        }
        if (budget === 0) expect(cache.keptBytes).toBe(0);
        else expect(cache.keptBytes).toBeGreaterThan(0);
      } finally {
        reader.close();
      }
    }
  });

  it('says what a delta added to its base, so a marker in a delta of a marker-free base is found near it', async () => {
    const keys = [newKey().key, newKey().key];
    const dir = packedRepo(
      editedVersions(24, (lines, c) => {
        if (c % 6 === 2) lines[120 + c] = `const KEY = "${keys[c % 2]}";`;
        // Longer than the key's line: git tends to make the larger versions the bases.
        if (c % 6 === 4) lines[120 + c - 2] = `// ${'a comment, not a key. '.repeat(12)}`;
      }),
    );
    const { task, oids } = await packedTask(dir);
    const { reader, rebuilder } = rebuilderFor(task);
    try {
      let fromClean = 0;
      for (let i = 0; i < task.offsets.length; i++) {
        const fresh: Fresh = { ranges: [], valid: false };
        const content = rebuilder.contentOf(i, fresh);
        expect(fresh.valid).toBe(task.bases[i]! >= 0);
        if (!fresh.valid) continue;
        const { ranges } = fresh;
        for (let k = 0; k < ranges.length; k += 2) {
          // Inserted bytes, or an empty range at a seam between copies.
          expect(ranges[k]!).toBeLessThanOrEqual(ranges[k + 1]!);
          expect(ranges[k + 1]!).toBeLessThanOrEqual(k + 2 < ranges.length ? ranges[k + 2]! : content.length);
        }
        if (hasMarker(blobOf(dir, oids[task.bases[i]!]!))) continue;
        expect(markerNear(content, ranges)).toBe(hasMarker(content));
        if (hasMarker(content)) fromClean++;
      }
      expect(fromClean).toBeGreaterThan(0);
    } finally {
      reader.close();
    }
  });

  it('fails a delta whose base is marked broken, but not the base itself', async () => {
    const dir = packedRepo(editedVersions(10));
    const { task } = await packedTask(dir);
    const { reader, rebuilder } = rebuilderFor(task, 1 << 24, 0);
    try {
      const delta = task.bases.findIndex((b) => b >= 0 && task.bases[b]! >= 0);
      const base = task.bases[delta]!;
      rebuilder.markBroken(base);
      expect(() => rebuilder.contentOf(delta)).toThrow(PackFormatError);
      expect(() => rebuilder.contentOf(base)).toThrow('delta base is damaged');
      const root = task.bases.findIndex((b) => b < 0);
      rebuilder.markBroken(root);
      expect(rebuilder.contentOf(root).length).toBeGreaterThan(0);
    } finally {
      reader.close();
    }
  });

  it('rebuilds deltas of an object too large to hold from the parts they copy, and streams any object', async () => {
    const dir = packedRepo(shrinkingVersions());
    const { task, oids } = await packedTask(dir, 4096);
    const { reader, cache, rebuilder } = rebuilderFor(task, 4096);
    try {
      let refused = 0;
      for (let i = 0; i < task.offsets.length; i++) {
        const want = blobOf(dir, oids[i]!);
        const base = task.bases[i]!;
        const largeBase = base >= 0 && blobOf(dir, oids[base]!).length > 4096;
        if (want.length <= 4096) {
          cache.unpinAll();
          try {
            rebuilder.contentOf(i);
          } catch (error) {
            expect(error).toBeInstanceOf(TooLarge);
            refused++;
          }
          expect((await rebuilder.materialize(i)).equals(want)).toBe(true);
        }
        cache.unpinAll();
        const pieces: Buffer[] = [];
        let next = 0;
        const streamed = rebuilder.stream(i, (at, piece) => {
          expect(at).toBe(next);
          next += piece.length;
          pieces.push(piece);
        });
        // A delta is streamed over its base, which must be held.
        if (largeBase) {
          await expect(streamed).rejects.toThrow(TooLarge);
          continue;
        }
        await streamed;
        expect(Buffer.concat(pieces).equals(want)).toBe(true);
      }
      expect(refused).toBeGreaterThan(0);
      expect(rebuilder.rebuiltFromParts).toBe(refused);
    } finally {
      reader.close();
    }
  });
});
