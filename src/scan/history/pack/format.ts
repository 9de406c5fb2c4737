/**
 * Git's pack formats, parsed by pure functions: the version-2 pack index (`.idx`) and an object's
 * header inside a `.pack` (the delta encoding is in delta-format.ts and delta-stream.ts). See
 * git's Documentation/gitformat-pack.txt.
 */

export const OBJ_COMMIT = 1;
export const OBJ_TREE = 2;
export const OBJ_BLOB = 3;
export const OBJ_TAG = 4;
export const OBJ_OFS_DELTA = 6;
export const OBJ_REF_DELTA = 7;

export class PackFormatError extends Error {}

/** A version-2 pack index: object ids in sorted order and each one's offset in the pack. */
export class PackIndex {
  readonly count: number;
  private readonly namesAt = 8 + 256 * 4;
  private readonly offsetsAt: number;
  private readonly largeAt: number;

  constructor(
    private readonly data: Buffer,
    readonly hashLength = 20,
  ) {
    if (data.length < 8 + 1024 || data.readUInt32BE(0) !== 0xff744f63 || data.readUInt32BE(4) !== 2)
      throw new PackFormatError('not a version-2 pack index');
    this.count = data.readUInt32BE(8 + 255 * 4);
    this.offsetsAt = this.namesAt + this.count * (hashLength + 4);
    this.largeAt = this.offsetsAt + this.count * 4;
    if (this.largeAt + 2 * hashLength > data.length) throw new PackFormatError('pack index is truncated');
  }

  /** The pack offset of the object at sorted position `i`. */
  offsetAt(i: number): number {
    const small = this.data.readUInt32BE(this.offsetsAt + i * 4);
    if (small < 0x80000000) return small;
    const at = this.largeAt + (small & 0x7fffffff) * 8;
    if (at + 8 > this.data.length) throw new PackFormatError('pack index offset out of range');
    return this.data.readUInt32BE(at) * 2 ** 32 + this.data.readUInt32BE(at + 4);
  }

  /** The pack offset of object `oid` (raw bytes), or -1 when this pack does not hold it. */
  find(oid: Uint8Array): number {
    const first = oid[0]!;
    let lo = first === 0 ? 0 : this.data.readUInt32BE(8 + (first - 1) * 4);
    let hi = this.data.readUInt32BE(8 + first * 4);
    const len = this.hashLength;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const at = this.namesAt + mid * len;
      const cmp = this.data.compare(oid, 0, len, at, at + len) * -1;
      if (cmp === 0) return this.offsetAt(mid);
      if (cmp < 0) hi = mid;
      else lo = mid + 1;
    }
    return -1;
  }

  /** Every offset in the pack, ascending: where each object's compressed data ends is the next one. */
  sortedOffsets(): Float64Array {
    const offsets = new Float64Array(this.count);
    for (let i = 0; i < this.count; i++) offsets[i] = this.offsetAt(i);
    return offsets.sort();
  }
}

export interface ObjectHeader {
  type: number;
  /** Inflated size of the object's data (for a delta, of the delta itself). */
  size: number;
  /** Where the zlib stream starts. */
  dataAt: number;
  /** OFS_DELTA: the base's pack offset. */
  baseOffset?: number;
  /** REF_DELTA: the base's object id. */
  baseOid?: Buffer;
}

/** Parse the header of the object at `offset`, given the bytes `buf` read from there (64 are plenty). */
export function parseObjectHeader(buf: Buffer, offset: number, hashLength = 20): ObjectHeader {
  let p = 0;
  const next = () => {
    if (p >= buf.length) throw new PackFormatError(`truncated object header at ${offset}`);
    return buf[p++]!;
  };
  let c = next();
  const type = (c >> 4) & 7;
  let size = c & 15;
  let scale = 16;
  while (c & 0x80) {
    c = next();
    size += (c & 0x7f) * scale;
    scale *= 128;
  }
  if (type === OBJ_OFS_DELTA) {
    c = next();
    let distance = c & 0x7f;
    while (c & 0x80) {
      c = next();
      distance = (distance + 1) * 128 + (c & 0x7f);
    }
    if (distance <= 0 || distance > offset) throw new PackFormatError(`bad delta base distance at ${offset}`);
    return { type, size, dataAt: offset + p, baseOffset: offset - distance };
  }
  if (type === OBJ_REF_DELTA) {
    if (p + hashLength > buf.length) throw new PackFormatError(`truncated object header at ${offset}`);
    const baseOid = Buffer.from(buf.subarray(p, p + hashLength));
    return { type, size, dataAt: offset + p + hashLength, baseOid };
  }
  if (type < OBJ_COMMIT || type > OBJ_TAG) throw new PackFormatError(`unknown object type ${type} at ${offset}`);
  return { type, size, dataAt: offset + p };
}
