import { describe, expect, it } from 'vitest';
import { walkChain } from '../../../src/scan/history/pack/delta-chain.js';
import { PackFormatError } from '../../../src/scan/history/pack/format.js';
import { PackReader } from '../../../src/scan/history/pack/pack-reader.js';
import { editedVersions, packedRepo, packedTask } from './pack-fixtures.js';

/** 4 → 3 → 1 → 0, and 2 → 0: object i is a delta against bases[i]. */
const bases = [-1, 0, 0, 1, 3];
const baseOf = (i: number) => bases[i]!;
const never = () => false;

describe('walkChain', () => {
  it.each([
    [4, never, [4, 3, 1], 0],
    [2, never, [2], 0],
    [0, never, [], 0],
    [4, (i: number) => i === 1, [4, 3], 1],
    [4, (i: number) => i === 4, [], 4],
    [3, (i: number) => i === 4, [3, 1], 0],
  ])('from %i: passes %j, ends at %i', (from, stop, links, end) => {
    expect(walkChain(from, baseOf, stop)).toEqual({ links, end });
  });

  it('asks for the base only of objects it does not stop at', () => {
    const asked: number[] = [];
    walkChain(
      4,
      (i) => {
        asked.push(i);
        return bases[i]!;
      },
      (i) => i === 1,
    );
    expect(asked).toEqual([4, 3]);
  });

  it('ends a chain that loops (damaged data) with a format error', () => {
    expect(() => walkChain(0, (i) => (i + 1) % 3, never)).toThrow(PackFormatError);
  });

  it('passes a refusal from baseOf on', () => {
    expect(() =>
      walkChain(
        4,
        (i) => {
          if (i === 3) throw new PackFormatError('delta base is damaged');
          return bases[i]!;
        },
        never,
      ),
    ).toThrow('delta base is damaged');
  });

  it('walks a real pack by its headers to the same roots as by the planned task', async () => {
    const dir = packedRepo(editedVersions(20));
    const { task } = await packedTask(dir);
    const reader = PackReader.open(task, 1 << 24);
    const index = new Map(task.offsets.map((o, i) => [o, i]));
    try {
      // By offsets, as the planner walks (only offset deltas here: git's default).
      const byHeader = (offset: number) => reader.header(index.get(offset)!).baseOffset ?? -1;
      let deep = 0;
      for (let i = 0; i < task.offsets.length; i++) {
        const byTask = walkChain(i, (j) => task.bases[j]!, never);
        const byPack = walkChain(task.offsets[i]!, byHeader, never);
        expect(byPack.links).toEqual(byTask.links.map((j) => task.offsets[j]));
        expect(byPack.end).toBe(task.offsets[byTask.end]);
        expect(task.bases[byTask.end]).toBe(-1);
        deep = Math.max(deep, byTask.links.length);
      }
      expect(deep).toBeGreaterThan(2);
    } finally {
      reader.close();
    }
  });
});
