import type { DeltaCache } from './delta-cache.js';
import { walkChain } from './delta-chain.js';
import { applyDelta, copiedRanges, deltaResultSize } from './delta-format.js';
import { DeltaStream, PartialBase } from './delta-stream.js';
import { PackFormatError } from './format.js';
import { type PackReader, STREAM_PIECE, TooLarge } from './pack-reader.js';

/** What a delta added to its base: [start, end) pairs in the result (see applyDelta). */
export interface Fresh {
  ranges: number[];
  valid: boolean;
}

/**
 * Rebuilds a task's objects along their delta chains: from the nearest base the cache holds (or
 * the chain's root), each delta applied in turn, the objects passed on the way offered to the
 * cache. An object too large to hold is never rebuilt whole: it is streamed, and a delta against
 * it is rebuilt from just the parts of it that the delta copies (pinned in the cache until the
 * object being rebuilt is done). Objects marked broken fail every delta built on them.
 */
export class Rebuilder {
  /** Deltas rebuilt from parts of a base too large to hold, so far. */
  rebuiltFromParts = 0;
  private readonly broken = new Set<number>();
  /** The walk's two questions, made once rather than per object. */
  private readonly baseOf = (j: number): number => {
    const base = this.bases[j]!;
    if (base >= 0 && this.broken.has(j)) throw new PackFormatError('delta base is damaged');
    return base;
  };
  private readonly held = (j: number): boolean => this.cache.get(j) !== undefined;

  /** `bases[i]`: the index of object i's delta base in the task, or -1. */
  constructor(
    private readonly reader: PackReader,
    private readonly cache: DeltaCache,
    private readonly bases: readonly number[],
  ) {}

  /** Object i is damaged: deltas against it fail at once rather than read it again. */
  markBroken(i: number): void {
    this.broken.add(i);
  }

  /**
   * The content of object i, held or rebuilt along its delta chain (synchronous); TooLarge when a
   * link is too large to hold. When i itself is rebuilt from its delta, `fresh` gets what the delta
   * added (see applyDelta).
   */
  contentOf(i: number, fresh?: Fresh): Buffer {
    const { reader, cache } = this;
    const { links, end } = walkChain(i, this.baseOf, this.held);
    let content = cache.get(end) ?? reader.inflate(end);
    cache.keep(end, content);
    for (let k = links.length - 1; k >= 0; k--) {
      const delta = reader.inflate(links[k]!);
      if (deltaResultSize(delta) > reader.maxRebuilt) throw new TooLarge(links[k]!);
      const own = k === 0 && fresh ? fresh : undefined;
      content = applyDelta(content, delta, own?.ranges);
      if (own) own.valid = true;
      if (k > 0) cache.keep(links[k]!, content);
    }
    return content;
  }

  /** contentOf, rebuilding from parts each link of the chain whose base is too large to hold. */
  async materialize(i: number, fresh?: Fresh): Promise<Buffer> {
    const bases = this.bases;
    for (;;) {
      try {
        return this.contentOf(i, fresh);
      } catch (error) {
        if (!(error instanceof TooLarge) || error.at === i) throw error;
        const large = error.at;
        // The link of i's chain that is a delta against the large object.
        const { end: d } = walkChain(
          i,
          (j) => bases[j]!,
          (j) => bases[j] === large,
        );
        if (bases[d] !== large || this.cache.isPinned(d)) throw error;
        this.cache.pin(d, await this.fromParts(d, large, await this.sizeOf(large)));
      }
    }
  }

  /**
   * Stream object i (a whole object, or a delta whose base can be held) to `sink` in pieces, each
   * with its place in the object.
   */
  async stream(i: number, sink: (at: number, piece: Buffer) => void): Promise<void> {
    const header = this.reader.header(i);
    let at = 0;
    const emit = (piece: Buffer) => {
      sink(at, piece);
      at += piece.length;
    };
    const base = this.bases[i]!;
    const delta = base >= 0 ? new DeltaStream(await this.materialize(base), emit, STREAM_PIECE) : undefined;
    await this.reader.stream(i, delta ? (chunk) => delta.push(chunk) : emit, header);
    delta?.end();
  }

  /** Rebuild delta d, whose base (too large to hold) is streamed past to collect the parts d copies. */
  private async fromParts(d: number, large: number, size: number): Promise<Buffer> {
    const delta = this.reader.inflate(d);
    const base = new PartialBase(size, copiedRanges(delta));
    let length = 0;
    await this.stream(large, (at, piece) => {
      base.fill(at, piece);
      length = at + piece.length;
    });
    if (length !== size) throw new PackFormatError('object has the wrong size');
    this.rebuiltFromParts++;
    return applyDelta(base, delta);
  }

  /** The size of object i without rebuilding it. */
  private async sizeOf(i: number): Promise<number> {
    const header = this.reader.header(i);
    if (this.bases[i]! < 0) return header.size;
    return this.reader.deltaResultSize(i);
  }
}
