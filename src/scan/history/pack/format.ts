/**
 * Git's pack formats, parsed by pure functions: the version-2 pack index (`.idx`), an object's
 * header inside a `.pack`, and the delta encoding. See git's Documentation/gitformat-pack.txt.
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

function varint(delta: Uint8Array, at: number): [number, number] {
  let value = 0;
  let scale = 1;
  let c: number;
  do {
    if (at >= delta.length) throw new PackFormatError('truncated delta header');
    c = delta[at++]!;
    value += (c & 0x7f) * scale;
    scale *= 128;
  } while (c & 0x80);
  return [value, at];
}

/** The size of the object a delta produces, read from its header. */
export function deltaResultSize(delta: Uint8Array): number {
  const [, at] = varint(delta, 0);
  return varint(delta, at)[0];
}

/** What a delta copies from: a whole object, or only the parts of one that a delta needs. */
export interface DeltaBase {
  readonly length: number;
  copy(target: Buffer, targetStart: number, sourceStart: number, sourceEnd: number): number;
}

/** The copy instructions of a delta, as [from, to) ranges of its base (to rebuild it from parts of the base). */
export function copiedRanges(delta: Buffer): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  let p = varint(delta, varint(delta, 0)[1])[1];
  while (p < delta.length) {
    const op = delta[p++]!;
    if (op & 0x80) {
      const { from, length, next } = copyOp(delta, op, p);
      p = next;
      ranges.push([from, from + length]);
    } else if (op !== 0) p += op;
    else throw new PackFormatError('delta has a reserved instruction');
  }
  return ranges;
}

/** A decoded copy instruction, written by copyOp (one per thread, so decoding allocates nothing). */
const copied = { from: 0, length: 0, next: 0 };

/** Decode the copy instruction `op` whose arguments start at p, into `copied`. */
function copyOp(delta: Uint8Array, op: number, p: number): typeof copied {
  let from = 0;
  let length = 0;
  if (op & 0x01) from = delta[p++]!;
  if (op & 0x02) from |= delta[p++]! << 8;
  if (op & 0x04) from |= delta[p++]! << 16;
  if (op & 0x08) from += delta[p++]! * 0x1000000;
  if (op & 0x10) length = delta[p++]!;
  if (op & 0x20) length |= delta[p++]! << 8;
  if (op & 0x40) length |= delta[p++]! << 16;
  if (length === 0) length = 0x10000;
  if (p > delta.length) throw new PackFormatError('truncated delta instruction');
  copied.from = from;
  copied.length = length;
  copied.next = p;
  return copied;
}

/**
 * Rebuild an object from its base and a delta (copy and insert instructions). When `fresh` is
 * given, it receives [start, end) pairs (in the result) of what the base does not already hold
 * in that order: inserted bytes, and the seams between copies of non-adjacent parts of the base
 * (empty ranges). Any byte string in the result that touches none of them is a copy of the base.
 */
export function applyDelta(base: DeltaBase, delta: Buffer, fresh?: number[]): Buffer {
  let [baseSize, p] = varint(delta, 0);
  if (baseSize !== base.length) throw new PackFormatError('delta base size does not match');
  let size: number;
  [size, p] = varint(delta, p);
  // Deltas are thousands of small copies (an insert carries at most 127 bytes). Within one
  // ArrayBuffer a copy is copyWithin, about three times cheaper than a copy between two buffers,
  // so the base and the delta are first copied (in bulk) into a scratch area beside the result.
  const whole = base instanceof Uint8Array;
  const deltaAt = whole ? base.length : 0;
  const outAt = deltaAt + delta.length;
  const area = scratch(outAt + size);
  if (whole) area.set(base, 0);
  area.set(delta, deltaAt);
  let o = 0;
  /** Where the previous copy ended in the base, or -1 after an insert or at the start. */
  let copiedTo = -1;
  while (p < delta.length) {
    const op = delta[p++]!;
    if (op & 0x80) {
      const { from, length, next } = copyOp(delta, op, p);
      p = next;
      if (from + length > base.length || o + length > size) throw new PackFormatError('delta copies outside its base');
      if (whole) area.copyWithin(outAt + o, from, from + length);
      else base.copy(Buffer.from(area.buffer, area.byteOffset + outAt, size), o, from, from + length);
      if (fresh && copiedTo !== -1 && copiedTo !== from) fresh.push(o, o);
      copiedTo = from + length;
      o += length;
    } else if (op !== 0) {
      if (p + op > delta.length || o + op > size) throw new PackFormatError('delta inserts past its end');
      area.copyWithin(outAt + o, deltaAt + p, deltaAt + p + op);
      if (fresh) {
        // Consecutive inserts make one range.
        if (copiedTo === -1 && fresh.length && fresh[fresh.length - 1] === o) fresh[fresh.length - 1] = o + op;
        else fresh.push(o, o + op);
      }
      copiedTo = -1;
      p += op;
      o += op;
    } else throw new PackFormatError('delta has a reserved instruction');
  }
  if (o !== size) throw new PackFormatError('delta result has the wrong size');
  const out = Buffer.allocUnsafe(size);
  out.set(area.subarray(outAt, outAt + size));
  return out;
}

let area = new Uint8Array(0);
/** A scratch area of at least `size` bytes, reused from call to call (one per thread). */
function scratch(size: number): Uint8Array {
  if (area.length < size) area = new Uint8Array(Math.max(size, Math.min(area.length * 2, 64 * 1024 * 1024)));
  return area;
}

/**
 * Apply a delta that arrives in pieces (a delta too large to hold, inflated as a stream): the
 * rebuilt object is passed to `emit` in pieces of `pieceSize` bytes (the last one shorter), each a
 * buffer of its own.
 */
export class DeltaStream {
  private pending: Buffer = Buffer.alloc(0);
  private sizes: number[] = [];
  private insertLeft = 0;
  private produced = 0;
  /**
   * One area for the base, the piece being written and the pushed data, so that every copy is a
   * copyWithin (see applyDelta): [base | piece | data].
   */
  private area: Uint8Array;
  private readonly pieceAt: number;
  private readonly dataAt: number;
  private outLength = 0;

  constructor(
    private readonly base: Buffer,
    private readonly emit: (piece: Buffer) => void,
    private readonly pieceSize = 1024 * 1024,
  ) {
    this.pieceAt = base.length;
    this.dataAt = base.length + pieceSize;
    this.area = new Uint8Array(this.dataAt + 2 * pieceSize);
    this.area.set(base, 0);
  }

  push(chunk: Buffer): void {
    const data = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    if (this.area.length < this.dataAt + data.length) {
      const grown = new Uint8Array(this.dataAt + data.length * 2);
      grown.set(this.area.subarray(0, this.dataAt));
      this.area = grown;
    }
    this.area.set(data, this.dataAt);
    let p = 0;
    while (p < data.length) {
      if (this.insertLeft > 0) {
        const take = Math.min(this.insertLeft, data.length - p);
        this.write(this.dataAt + p, take);
        p += take;
        this.insertLeft -= take;
        continue;
      }
      if (this.sizes.length < 2) {
        let end = p;
        while (end < data.length && data[end]! & 0x80) end++;
        if (end >= data.length) break;
        const [value, after] = varint(data, p);
        this.sizes.push(value);
        p = after;
        if (this.sizes.length === 1 && value !== this.base.length)
          throw new PackFormatError('delta base size does not match');
        continue;
      }
      const op = data[p]!;
      if (op & 0x80) {
        let need = 1;
        for (let bit = 0; bit < 7; bit++) if (op & (1 << bit)) need++;
        if (p + need > data.length) break;
        const { from, length, next } = copyOp(data, op, p + 1);
        if (from + length > this.base.length) throw new PackFormatError('delta copies outside its base');
        this.write(from, length);
        p = next;
      } else if (op !== 0) {
        this.insertLeft = op;
        p++;
      } else throw new PackFormatError('delta has a reserved instruction');
    }
    this.pending = Buffer.from(data.subarray(p));
  }

  /** Checks that the delta ended where it should (the promised size, nothing left over) and emits the last piece. */
  end(): void {
    if (this.pending.length || this.insertLeft || this.sizes.length < 2 || this.produced !== this.sizes[1])
      throw new PackFormatError('delta result has the wrong size');
    if (this.outLength) this.flush();
  }

  /** Append `length` bytes found at `at` in the area to the piece being written. */
  private write(at: number, length: number): void {
    this.produced += length;
    if (this.sizes.length === 2 && this.produced > this.sizes[1]!)
      throw new PackFormatError('delta result has the wrong size');
    while (length > 0) {
      const take = Math.min(length, this.pieceSize - this.outLength);
      this.area.copyWithin(this.pieceAt + this.outLength, at, at + take);
      this.outLength += take;
      at += take;
      length -= take;
      if (this.outLength === this.pieceSize) this.flush();
    }
  }

  private flush(): void {
    const piece = Buffer.allocUnsafe(this.outLength);
    piece.set(this.area.subarray(this.pieceAt, this.pieceAt + this.outLength));
    this.outLength = 0;
    this.emit(piece);
  }
}

/** The parts of a large object that a delta copies from, gathered while the object streams by. */
export class PartialBase implements DeltaBase {
  private readonly starts: number[] = [];
  private readonly parts: Buffer[] = [];
  private next = 0;

  constructor(
    readonly length: number,
    ranges: Array<[number, number]>,
  ) {
    const sorted = ranges.slice().sort((a, b) => a[0] - b[0]);
    let current: [number, number] | undefined;
    const close = () => {
      if (!current) return;
      this.starts.push(current[0]);
      this.parts.push(Buffer.alloc(current[1] - current[0]));
    };
    for (const [from, to] of sorted) {
      if (to > length) throw new PackFormatError('delta copies outside its base');
      if (current && from <= current[1]) current[1] = Math.max(current[1], to);
      else {
        close();
        current = [from, to];
      }
    }
    close();
  }

  /** Offer the base's bytes at [at, at + piece.length); pieces come in order. */
  fill(at: number, piece: Buffer): void {
    const end = at + piece.length;
    while (this.next < this.parts.length) {
      const start = this.starts[this.next]!;
      const part = this.parts[this.next]!;
      if (start >= end) return;
      const from = Math.max(start, at);
      const to = Math.min(start + part.length, end);
      if (to > from) piece.copy(part, from - start, from - at, to - at);
      if (start + part.length > end) return;
      this.next++;
    }
  }

  copy(target: Buffer, targetStart: number, sourceStart: number, sourceEnd: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.starts[mid]! <= sourceStart) lo = mid;
      else hi = mid - 1;
    }
    const start = this.starts[lo]!;
    const part = this.parts[lo]!;
    if (start > sourceStart || sourceEnd > start + part.length)
      throw new PackFormatError('delta copies outside its base');
    return part.copy(target, targetStart, sourceStart - start, sourceEnd - start);
  }
}
