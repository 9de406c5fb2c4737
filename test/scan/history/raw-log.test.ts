import { describe, expect, it } from 'vitest';
import { introductionsOf, parseLogRecord, RECORD } from '../../../src/scan/history/raw-log.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);
const P1 = '1'.repeat(40);
const P2 = '2'.repeat(40);
const Z = '0'.repeat(40);
const header = (commit: string, parents: string[], date = '2026-01-02T03:04:05Z') =>
  `${RECORD}${commit}\x02${parents.join(' ')}\x02Ada <ada@example.com>\x02${date}\0`;
const entry = (status: string, oldOid: string, newOid: string, ...paths: string[]) =>
  `\n:100644 100644 ${oldOid} ${newOid} ${status}\0${paths.join('\0')}\0`;

describe('parseLogRecord', () => {
  it.each([
    ['add', entry('A', Z, A, 'a.txt'), [{ status: 'A', newOid: A, path: 'a.txt' }]],
    ['modify', entry('M', B, A, 'dir/a b.txt'), [{ status: 'M', newOid: A, path: 'dir/a b.txt' }]],
    ['rename', entry('R100', A, A, 'old.txt', 'new.txt'), [{ status: 'R100', path: 'new.txt', fromPath: 'old.txt' }]],
    ['delete', entry('D', A, Z, 'gone.txt'), [{ status: 'D', newOid: Z, path: 'gone.txt' }]],
    ['no diff', '', []],
  ])('%s', (_name, body, expected) => {
    const record = parseLogRecord(header(C, [P1]) + body);
    expect(record?.commit).toBe(C);
    expect(record?.parents).toEqual([P1]);
    expect(record?.author).toBe('Ada <ada@example.com>');
    expect(record?.date).toBe('2026-01-02T03:04:05Z');
    expect(record?.entries).toMatchObject(expected);
  });

  it('reads several entries and a root commit', () => {
    const record = parseLogRecord(header(C, []) + entry('A', Z, A, 'a') + entry('A', Z, B, 'b'));
    expect(record?.parents).toEqual([]);
    expect(record?.entries.map((e) => e.path)).toEqual(['a', 'b']);
  });
});

describe('introductionsOf', () => {
  it('attributes adds and modifications, not deletions or exact renames', () => {
    const log =
      header(C, [P1]) +
      entry('A', Z, A, 'a.txt') +
      entry('M', B, B, 'm.txt') +
      entry('D', A, Z, 'gone.txt') +
      entry('R100', A, A, 'old.txt', 'moved.txt');
    expect(introductionsOf(log).map((i) => [i.oid, i.path])).toEqual([
      [A, 'a.txt'],
      [B, 'm.txt'],
    ]);
  });

  it('skips submodule commits (gitlinks)', () => {
    const log = `${header(C, [P1])}\n:000000 160000 ${Z} ${A} A\0sub\0`;
    expect(introductionsOf(log)).toEqual([]);
  });

  it('attributes to a merge only what differs from every parent (a conflict resolution)', () => {
    // Diff against parent 1 shows both the branch's file and the resolution; against parent 2 only
    // the resolution: the branch's file came from parent 2.
    const log =
      header(C, [P1, P2]) +
      entry('A', Z, A, 'from-branch.txt') +
      entry('M', B, B, 'conflict.txt') +
      header(C, [P1, P2]) +
      entry('M', C, B, 'conflict.txt');
    expect(introductionsOf(log).map((i) => [i.commit, i.path])).toEqual([[C, 'conflict.txt']]);
  });

  it('keeps only wanted blobs', () => {
    const log = header(C, [P1]) + entry('A', Z, A, 'a') + entry('A', Z, B, 'b');
    expect(introductionsOf(log, (oid) => oid === B).map((i) => i.path)).toEqual(['b']);
  });
});
