import { copyOp, type DeltaBase, varint } from './delta-format.js';
import { PackFormatError } from './format.js';

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
