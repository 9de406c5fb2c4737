import { PackFormatError } from './format.js';

/**
 * Git's delta encoding (copy and insert instructions against a base), parsed and applied by pure
 * functions; delta-stream.ts applies one that arrives in pieces.
 */

/** A delta header's size field at `at`: [value, where the next field starts]. */
export function varint(delta: Uint8Array, at: number): [number, number] {
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
export function copyOp(delta: Uint8Array, op: number, p: number): typeof copied {
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
