import { describe, expect, it } from 'vitest';
import { applyDelta, deltaResultSize } from '../../../src/scan/history/pack/delta-format.js';
import { PackFormatError } from '../../../src/scan/history/pack/format.js';
import { PackReader, TooLarge } from '../../../src/scan/history/pack/pack-reader.js';
import { blobOf, editedVersions, packedRepo, packedTask } from './pack-fixtures.js';

async function opened(maxRebuilt = 1 << 24) {
  const dir = packedRepo(editedVersions(12));
  const { task, oids } = await packedTask(dir);
  const reader = PackReader.open(task, maxRebuilt);
  return { dir, task, oids, reader };
}

describe('PackReader', () => {
  it('reads each whole object as git does, and each delta as what rebuilds its blob from its base', async () => {
    const { dir, task, oids, reader } = await opened();
    try {
      let deltas = 0;
      for (let i = 0; i < task.offsets.length; i++) {
        const data = reader.inflate(i);
        const header = reader.header(i);
        expect(data.length).toBe(header.size);
        const base = task.bases[i]!;
        if (base < 0) {
          expect(header.baseOffset ?? header.baseOid).toBeUndefined();
          expect(data.equals(blobOf(dir, oids[i]!))).toBe(true);
          continue;
        }
        deltas++;
        const want = blobOf(dir, oids[i]!);
        expect(deltaResultSize(data)).toBe(want.length);
        // One link at a time: the base's own content from git.
        expect(applyDelta(blobOf(dir, oids[base]!), data).equals(want)).toBe(true);
      }
      expect(deltas).toBeGreaterThan(5);
    } finally {
      reader.close();
    }
  });

  it('streams the same bytes it inflates whole, and reads a delta result size without inflating it', async () => {
    const { task, reader } = await opened();
    try {
      for (let i = 0; i < task.offsets.length; i++) {
        const pieces: Buffer[] = [];
        await reader.stream(i, (chunk) => pieces.push(chunk));
        const whole = reader.inflate(i);
        expect(Buffer.concat(pieces).equals(whole)).toBe(true);
        if (task.bases[i]! >= 0) expect(await reader.deltaResultSize(i)).toBe(deltaResultSize(whole));
      }
    } finally {
      reader.close();
    }
  });

  it('refuses to inflate an object over its limit, naming the object', async () => {
    const { task, reader } = await opened(1024);
    try {
      const whole = task.bases.findIndex((b) => b < 0);
      expect(() => reader.inflate(whole)).toThrow(TooLarge);
      try {
        reader.inflate(whole);
      } catch (error) {
        expect((error as TooLarge).at).toBe(whole);
      }
      // Streaming has no limit.
      let length = 0;
      await reader.stream(whole, (chunk) => {
        length += chunk.length;
      });
      expect(length).toBe(reader.header(whole).size);
    } finally {
      reader.close();
    }
  });

  it('calls a layout that does not fit the pack damage', async () => {
    const { task } = await opened();
    const short = PackReader.open({ ...task, ends: task.offsets.map((o) => o) }, 1 << 24);
    const cut = PackReader.open({ ...task, ends: task.offsets.map((o) => o + 8) }, 1 << 24);
    try {
      expect(() => short.inflate(0)).toThrow(PackFormatError);
      expect(() => cut.inflate(0)).toThrow(/unexpected end|wrong size|Z_/);
    } finally {
      short.close();
      cut.close();
    }
    expect(() => PackReader.open({ ...task, pack: `${task.pack}.missing` }, 1 << 24)).toThrow(/ENOENT/);
  });
});
