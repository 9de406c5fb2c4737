import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../src/key/keygen.js';
import { PREFIX } from '../../../src/key/matcher.js';
import { encodedMarkers } from '../../../src/scan/detect/decoders.js';
import { applyDelta, copiedRanges, deltaResultSize } from '../../../src/scan/history/pack/delta-format.js';
import { DeltaStream, PartialBase } from '../../../src/scan/history/pack/delta-stream.js';
import {
  OBJ_OFS_DELTA,
  OBJ_REF_DELTA,
  PackFormatError,
  PackIndex,
  parseObjectHeader,
} from '../../../src/scan/history/pack/format.js';
import { markerNear } from '../../../src/scan/history/pack/marker-near.js';
import { hasMarker } from '../../../src/scan/history/prefilter.js';
import { GIT_ENV, git, gitdir, writeFiles } from '../../helpers/git.js';

/** Git's size encoding in delta headers: 7 bits a byte, least significant first. */
function varint(n: number): number[] {
  const bytes: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    bytes.push(b);
  } while (n > 0);
  return bytes;
}

type Op = { copy: [number, number] } | { insert: string };

/** A delta in git's encoding, built from copy and insert instructions. */
function makeDelta(baseLength: number, ops: Op[]): { delta: Buffer; size: number } {
  const body: number[] = [];
  let size = 0;
  for (const op of ops) {
    if ('insert' in op) {
      // An insert instruction carries at most 127 bytes.
      const bytes = Buffer.from(op.insert);
      for (let at = 0; at < bytes.length; at += 127) {
        const part = bytes.subarray(at, at + 127);
        body.push(part.length, ...part);
      }
      size += bytes.length;
      continue;
    }
    const [from, length] = op.copy;
    let code = 0x80;
    const args: number[] = [];
    for (let i = 0; i < 4; i++) {
      const byte = Math.floor(from / 256 ** i) % 256;
      if (byte) {
        code |= 1 << i;
        args.push(byte);
      }
    }
    const encoded = length === 0x10000 ? 0 : length;
    for (let i = 0; i < 3; i++) {
      const byte = (encoded >> (8 * i)) & 0xff;
      if (byte) {
        code |= 0x10 << i;
        args.push(byte);
      }
    }
    body.push(code, ...args);
    size += length;
  }
  return { delta: Buffer.from([...varint(baseLength), ...varint(size), ...body]), size };
}

const base = Buffer.from('0123456789abcdefghijklmnopqrstuvwxyz');

describe('applyDelta', () => {
  it('copies ranges of the base and inserts new bytes', () => {
    const { delta } = makeDelta(base.length, [{ copy: [0, 4] }, { insert: '-new-' }, { copy: [30, 6] }]);
    expect(applyDelta(base, delta).toString()).toBe('0123-new-uvwxyz');
    expect(deltaResultSize(delta)).toBe(15);
    expect(copiedRanges(delta)).toEqual([
      [0, 4],
      [30, 36],
    ]);
  });

  it('reads a copy of size 0 as 65536 bytes, and offsets over 16 MB', () => {
    const big = Buffer.alloc(0x1000010 + 0x10000, 7);
    big.write('START', 0x1000010);
    const { delta } = makeDelta(big.length, [{ copy: [0x1000010, 0x10000] }]);
    const out = applyDelta(big, delta);
    expect(out.length).toBe(0x10000);
    expect(out.subarray(0, 5).toString()).toBe('START');
  });

  it('rejects damaged deltas with a format error', () => {
    const good = makeDelta(base.length, [{ copy: [0, 4] }]).delta;
    expect(() => applyDelta(base.subarray(1), good)).toThrow(PackFormatError);
    const outside = makeDelta(base.length, [{ copy: [30, 10] }]).delta;
    expect(() => applyDelta(base, outside)).toThrow(PackFormatError);
    const reserved = Buffer.from([...varint(base.length), 1, 0]);
    expect(() => applyDelta(base, reserved)).toThrow(PackFormatError);
    const short = Buffer.from([...varint(base.length), 9, 2, 0x41, 0x42]);
    expect(() => applyDelta(base, short)).toThrow(PackFormatError);
  });
});

describe('fresh ranges: where a delta can hold a marker its base does not', () => {
  it('markerNear agrees with a full search whenever the base has no marker', () => {
    const random = seededRandom(7);
    const pick = (n: number) => Math.floor(random() * n);
    // Pieces of `sk-ant-` and of its encoded forms, so that markers form across copy seams.
    const fragments = [PREFIX.toString('latin1'), ...encodedMarkers().map((m) => m.toString('latin1'))].flatMap((m) => [
      m.slice(0, 3),
      m.slice(3),
      m.slice(0, 1),
      m.slice(1),
      m,
    ]);
    let checked = 0;
    for (let round = 0; round < 400; round++) {
      // The base is a run of tokens; copies take whole tokens, so that the pieces of a marker meet
      // at copy seams and insert edges (whole markers go only into inserts: most bases are clean).
      const starts: number[] = [];
      let text = '';
      while (text.length < 300) {
        starts.push(text.length);
        text += random() < 0.5 ? fragments[pick(fragments.length / 5) * 5 + pick(4)] : 'abc; ';
      }
      starts.push(text.length);
      const base = Buffer.from(text, 'latin1');
      if (hasMarker(base)) continue;
      const ops: Op[] = [];
      for (let n = 0; n < 2 + pick(8); n++) {
        if (random() < 0.4) ops.push({ insert: fragments[pick(fragments.length)]! });
        else {
          const a = pick(starts.length - 1);
          const b = a + 1 + pick(Math.min(3, starts.length - 1 - a));
          ops.push({ copy: [starts[a]!, starts[b]! - starts[a]!] });
        }
      }
      const { delta } = makeDelta(base.length, ops);
      const fresh: number[] = [];
      const result = applyDelta(base, delta, fresh);
      expect(markerNear(result, fresh)).toBe(hasMarker(result));
      if (hasMarker(result)) checked++;
    }
    // Enough results held a marker for the comparison to mean something.
    expect(checked).toBeGreaterThan(50);
  });
});

describe('DeltaStream', () => {
  const { delta } = makeDelta(base.length, [
    { insert: 'head:' },
    { copy: [10, 20] },
    { insert: 'x'.repeat(200) },
    { copy: [0, 36] },
  ]);
  const whole = applyDelta(base, delta);

  it('gives the same bytes as applyDelta wherever the delta is cut', () => {
    for (let cut = 0; cut <= delta.length; cut++) {
      const pieces: Buffer[] = [];
      const stream = new DeltaStream(base, (p) => pieces.push(Buffer.from(p)));
      stream.push(delta.subarray(0, cut));
      stream.push(delta.subarray(cut));
      stream.end();
      expect(Buffer.concat(pieces).equals(whole)).toBe(true);
    }
  });

  it('takes a delta one byte at a time, and gives pieces of the size asked', () => {
    const pieces: Buffer[] = [];
    const stream = new DeltaStream(base, (p) => pieces.push(Buffer.from(p)), 5);
    for (let i = 0; i < delta.length; i++) stream.push(delta.subarray(i, i + 1));
    stream.end();
    expect(Buffer.concat(pieces).equals(whole)).toBe(true);
    expect(pieces.slice(0, -1).every((p) => p.length === 5)).toBe(true);
  });

  it('fails at the end when the delta was cut short, and on a base of the wrong size', () => {
    const stream = new DeltaStream(base, () => {});
    stream.push(delta.subarray(0, delta.length - 3));
    expect(() => stream.end()).toThrow(PackFormatError);
    expect(() => new DeltaStream(base.subarray(2), () => {}).push(delta)).toThrow(PackFormatError);
  });
});

describe('PartialBase', () => {
  it('keeps just the copied parts of a base that streams past in pieces', () => {
    const source = Buffer.from('abcdefghijklmnopqrstuvwxyz'.repeat(40));
    const ranges: Array<[number, number]> = [
      [500, 520],
      [3, 9],
      [5, 12],
      [1000, 1040],
      [12, 14],
    ];
    for (const step of [1, 7, 64, source.length]) {
      const partial = new PartialBase(source.length, ranges);
      for (let at = 0; at < source.length; at += step) partial.fill(at, source.subarray(at, at + step));
      for (const [from, to] of ranges) {
        const out = Buffer.alloc(to - from);
        partial.copy(out, 0, from, to);
        expect(out.toString()).toBe(source.subarray(from, to).toString());
      }
      expect(() => partial.copy(Buffer.alloc(10), 0, 20, 30)).toThrow(PackFormatError);
    }
    expect(() => new PartialBase(10, [[5, 11]])).toThrow(PackFormatError);
  });

  it('rebuilds a delta through applyDelta', () => {
    const { delta } = makeDelta(base.length, [{ copy: [2, 3] }, { insert: '|' }, { copy: [20, 5] }]);
    const partial = new PartialBase(base.length, copiedRanges(delta));
    partial.fill(0, base);
    expect(applyDelta(partial, delta).toString()).toBe(applyDelta(base, delta).toString());
  });
});

/** A repository whose one pack holds many versions of a file (deltas against each other). */
function packedRepo(config: string[] = []): { dir: string; pack: Buffer; idx: PackIndex } {
  const dir = gitdir();
  let text = Array.from({ length: 200 }, (_, i) => `line ${i} of a file that changes a little each commit`).join('\n');
  for (let c = 0; c < 12; c++) {
    text = text.replace(`line ${c * 7} `, `line ${c * 7} changed in ${c} `);
    writeFiles(dir, { 'file.txt': text, [`other-${c}.txt`]: `other ${c}\n` });
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', `commit ${c}`);
  }
  git(dir, ...config, 'repack', '-adq', '-f', '--depth=50', '--window=50');
  const packDir = join(dir, '.git', 'objects', 'pack');
  const name = readdirSync(packDir)
    .find((f) => f.endsWith('.idx'))!
    .slice(0, -4);
  return {
    dir,
    pack: readFileSync(join(packDir, `${name}.pack`)),
    idx: new PackIndex(readFileSync(join(packDir, `${name}.idx`))),
  };
}

/** `git show-index`: offset and object id of every object in the pack. */
function showIndex(dir: string): Array<{ offset: number; oid: string }> {
  const packDir = join(dir, '.git', 'objects', 'pack');
  const idx = readdirSync(packDir).find((f) => f.endsWith('.idx'))!;
  const out = execFileSync('git', ['show-index'], { input: readFileSync(join(packDir, idx)), env: GIT_ENV });
  return out
    .toString()
    .trim()
    .split('\n')
    .map((line) => {
      const [offset, oid] = line.split(' ');
      return { offset: Number(offset), oid: oid! };
    });
}

describe('PackIndex and object headers, against git', () => {
  it('finds every object at the offset git lists, and nothing else', () => {
    const { dir, idx } = packedRepo();
    const listed = showIndex(dir);
    expect(idx.count).toBe(listed.length);
    for (const { offset, oid } of listed) expect(idx.find(Buffer.from(oid, 'hex'))).toBe(offset);
    expect(idx.find(Buffer.alloc(20, 0xee))).toBe(-1);
    expect([...idx.sortedOffsets()]).toEqual(listed.map((l) => l.offset).sort((a, b) => a - b));
    expect(() => new PackIndex(Buffer.from('not an index'))).toThrow(PackFormatError);
  });

  it('reads types, sizes and delta bases as git verify-pack reports them', () => {
    for (const config of [[], ['-c', 'repack.useDeltaBaseOffset=false']]) {
      const { dir, pack, idx } = packedRepo(config);
      const packDir = join(dir, '.git', 'objects', 'pack');
      const idxFile = readdirSync(packDir).find((f) => f.endsWith('.idx'))!;
      const lines = git(dir, 'verify-pack', '-v', join(packDir, idxFile))
        .split('\n')
        .filter((l) => /^[0-9a-f]{40} /.test(l));
      let deltas = 0;
      for (const line of lines) {
        const [oid, , , , offset, , baseOid] = line.split(/\s+/);
        const header = parseObjectHeader(pack.subarray(Number(offset), Number(offset) + 64), Number(offset));
        expect(idx.find(Buffer.from(oid!, 'hex'))).toBe(Number(offset));
        if (!baseOid) continue;
        deltas++;
        const expected = config.length ? OBJ_REF_DELTA : OBJ_OFS_DELTA;
        expect(header.type).toBe(expected);
        if (header.type === OBJ_OFS_DELTA) expect(header.baseOffset).toBe(idx.find(Buffer.from(baseOid, 'hex')));
        else expect(header.baseOid?.toString('hex')).toBe(baseOid);
      }
      expect(deltas).toBeGreaterThan(5);
    }
  });
});
