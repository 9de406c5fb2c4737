import { describe, expect, it } from 'vitest';
import { firstByPath } from '../../../src/scan/history/attribute.js';
import { parseBatchCheck } from '../../../src/scan/history/enumerate.js';
import { progressLine } from '../../../src/scan/history/progress.js';
import { refLabel, sortLabels } from '../../../src/scan/history/reachability.js';
import { parseFsckUnreachable, parseTreeListing } from '../../../src/scan/history/repo.js';
import { splitBySize } from '../../../src/scan/history/scan-blobs.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

describe('parseBatchCheck', () => {
  it('keeps blobs once, with their size', () => {
    const text = `${A} blob 12\n${B} tree 40\n${A} blob 12\n${B.replace(/b/g, 'c')} blob 0\n`;
    expect(parseBatchCheck(text)).toEqual([
      { oid: A, size: 12 },
      { oid: 'c'.repeat(40), size: 0 },
    ]);
  });
});

describe('parseTreeListing', () => {
  it('reads ls-tree and ls-files output, gitlinks apart', () => {
    const text = [
      `100644 blob ${A}\tsrc/a.ts`,
      `100644 blob ${A}\tcopy of a.ts`,
      `160000 commit ${B}\tvendor/lib`,
      `100644 ${B} 0\tindex-entry`,
    ].join('\0');
    const { blobs, gitlinks } = parseTreeListing(`${text}\0`);
    expect(blobs.get(A)).toEqual(['src/a.ts', 'copy of a.ts']);
    expect(blobs.get(B)).toEqual(['index-entry']);
    expect([...gitlinks]).toEqual([['vendor/lib', B]]);
  });
});

describe('parseFsckUnreachable', () => {
  it('splits commits and blobs', () => {
    const text = `unreachable blob ${A}\nunreachable commit ${B}\nunreachable tree ${A}\ndangling blob ${B}\n`;
    expect(parseFsckUnreachable(text)).toEqual({ commits: [B], blobs: new Set([A]) });
  });
});

describe('labels', () => {
  it.each([
    ['refs/heads/main', 'branch:main'],
    ['refs/heads/feature/x', 'branch:feature/x'],
    ['refs/tags/v1.0', 'tag:v1.0'],
    ['refs/remotes/origin/main', 'remote:origin/main'],
    ['refs/remotes/origin/HEAD', undefined],
    ['refs/stash', undefined],
    ['refs/notes/commits', undefined],
  ])('%s → %s', (ref, label) => {
    expect(refLabel(ref)).toBe(label);
  });

  it('sorts in the contract order', () => {
    expect(sortLabels(['reflog', 'tag:b', 'branch:z', 'HEAD', 'remote:o/m', 'branch:a', 'worktree', 'tag:b'])).toEqual([
      'HEAD',
      'worktree',
      'branch:a',
      'branch:z',
      'tag:b',
      'remote:o/m',
      'reflog',
    ]);
  });
});

describe('firstByPath', () => {
  it('keeps the oldest introduction per blob and path', () => {
    const intro = (commit: string, path: string, date: string) => ({ oid: A, path, commit, author: 'x', date });
    const map = firstByPath([
      intro('new', 'a', '2026-02-01T00:00:00Z'),
      intro('old', 'a', '2026-01-01T00:00:00Z'),
      intro('other', 'b', '2026-03-01T00:00:00Z'),
    ]);
    expect(map.get(A)?.map((i) => [i.path, i.commit])).toEqual([
      ['a', 'old'],
      ['b', 'other'],
    ]);
  });
});

describe('progressLine', () => {
  it.each([
    [0, 10, 0, 0, 0, 'history: 0/10 blobs'],
    [5, 10, 50 * 1048576, 100 * 1048576, 10_000, 'history: 5/10 blobs · 50 MB/100 MB · ETA 10s'],
    [1, 10, 1048576, 100 * 1048576, 1_000, 'history: 1/10 blobs · 1 MB/100 MB · ETA 1m39s'],
  ])('%i/%i blobs', (blobs, total, bytes, totalBytes, ms, expected) => {
    expect(progressLine(blobs, total, bytes, totalBytes, ms)).toBe(expected);
  });
});

describe('splitBySize', () => {
  const blob = (size: number, i: number) => ({ oid: String(i), size });
  it.each([
    [[10, 10, 10, 10], 2, [2, 2]],
    [[100, 1, 1, 1, 1], 2, [1, 4]],
    [[1, 1, 1], 1, [3]],
    [[0, 0, 0, 0], 2, [2, 2]],
    [[5], 4, [1]],
    [[], 2, []],
  ])('%j into %i parts', (sizes, parts, lengths) => {
    const slices = splitBySize(sizes.map(blob), parts);
    expect(slices.map((s) => s.length)).toEqual(lengths);
    expect(slices.flat().map((b) => b.oid)).toEqual(sizes.map((_, i) => String(i)));
  });
});
