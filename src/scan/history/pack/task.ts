import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createInflate, inflateSync } from 'node:zlib';
import { type ContentResult, ContentScanner, scanBuffer } from '../../content.js';
import { hasMarkerIn } from '../../detect/marker-search.js';
import { secretOf } from '../../finding.js';
import { hasMarker, MAX_MARKER } from '../prefilter.js';
import {
  applyDelta,
  copiedRanges,
  DeltaStream,
  deltaResultSize,
  PackFormatError,
  PartialBase,
  parseObjectHeader,
} from './format.js';

/**
 * One unit of work for a pack-reading thread: whole delta families of one pack (every object a
 * wanted blob is rebuilt from), in pack order. Plain arrays, so it crosses to a worker as it is.
 */
export interface PackTask {
  pack: string;
  hashLength: number;
  /** Pack offsets, ascending. */
  offsets: number[];
  /** Where each object's compressed data ends (the next object's offset). */
  ends: number[];
  /** Index (into offsets) of each object's delta base, or -1. */
  bases: number[];
  /** How many objects of this task are deltas against each one. */
  uses: number[];
  /** Blob size from the listing for the blobs to scan; -1 for objects that are only bases. */
  sizes: number[];
  /** Objects larger than this are streamed, never held whole (default: MAX_REBUILT). */
  maxRebuilt?: number;
}

export interface PackTaskReply {
  /** Detector results with findings or allowed keys: [object index, result, the keys of its findings]. */
  hits: Array<[number, ContentResult, string[]]>;
  blobs: number;
  bytes: number;
  /** Wanted blobs this thread could not rebuild (damage, or large deltas of large bases): read them through git instead. */
  fallback: number[];
  /** Blobs scanned as a stream, and deltas rebuilt from parts of a large base (how the work was done). */
  streamed: number;
  fromParts: number;
}

/** Objects larger than this are never held whole: they are streamed, and deltas against them rebuilt from parts. */
export const MAX_REBUILT = 16 * 1024 * 1024;
/** Rebuilt objects kept for their later deltas, per thread. */
const CACHE_BYTES = 24 * 1024 * 1024;
/** How often a task reports its progress. */
const PROGRESS_MS = 100;
/** Streamed objects are read, inflated and scanned in pieces of this size. */
const STREAM_PIECE = 1024 * 1024;

/** Object `at` is too large to hold in memory. */
class TooLarge extends Error {
  constructor(readonly at: number) {
    super('object too large to hold');
  }
}

const CLEAN = 1;
const MARKED = 2;

/** What a delta added to its base: [start, end) pairs in the result (see applyDelta). */
interface Fresh {
  ranges: number[];
  valid: boolean;
}

/** Whether a marker overlaps any fresh range: the only places a delta of a marker-free base can have one. */
export function markerNear(content: Buffer, ranges: number[]): boolean {
  const reach = MAX_MARKER - 1;
  let i = 0;
  while (i < ranges.length) {
    const start = Math.max(0, ranges[i]! - reach);
    let end = Math.min(content.length, ranges[i + 1]! + reach);
    i += 2;
    while (i < ranges.length && ranges[i]! - reach <= end) {
      end = Math.min(content.length, ranges[i + 1]! + reach);
      i += 2;
    }
    if (hasMarkerIn(content, start, end)) return true;
  }
  return false;
}

function isDamage(error: unknown): boolean {
  return (
    error instanceof PackFormatError ||
    error instanceof RangeError ||
    (error instanceof Error && 'code' in error && String(error.code).startsWith('Z_'))
  );
}

/**
 * Rebuild and scan the wanted blobs of a task: read each object's compressed bytes from the pack
 * at its offset, inflate, apply its delta to the (cached or rebuilt) base, and run the prefilter,
 * then the detector when the prefilter flags the blob. Every blob is rebuilt once; a base is kept
 * while deltas against it remain, within a fixed budget, and rebuilt again if it was not kept.
 * Objects too large to hold are streamed, and a delta against one is rebuilt from just the parts
 * of it that the delta copies. Damaged objects are handed back, to be read (and reported) by git.
 * `onProgress` hears the blobs and bytes done so far, now and then, before the task ends.
 */
export async function runPackTask(
  task: PackTask,
  onProgress?: (blobs: number, bytes: number) => void,
): Promise<PackTaskReply> {
  const reply: PackTaskReply = { hits: [], blobs: 0, bytes: 0, fallback: [], streamed: 0, fromParts: 0 };
  const { offsets, ends, bases, sizes } = task;
  const maxRebuilt = task.maxRebuilt ?? MAX_REBUILT;
  const uses = task.uses.slice();
  const cache = new Map<number, Buffer>();
  /** Objects rebuilt from parts of a large base, held until the object being rebuilt is done. */
  const pinned = new Map<number, Buffer>();
  const broken = new Set<number>();
  /** Per object: whether its content holds a marker (MARKED), holds none (CLEAN), or is unknown (0). */
  const clean = new Uint8Array(offsets.length);
  let cached = 0;
  let told = performance.now();
  let fd: number;
  try {
    fd = openSync(task.pack, 'r');
  } catch {
    reply.fallback = sizes.flatMap((size, i) => (size >= 0 ? [i] : []));
    return reply;
  }
  let scratch = Buffer.allocUnsafe(64 * 1024);

  const headerOf = (i: number) => {
    const got = readSync(fd, scratch, 0, 64, offsets[i]!);
    return parseObjectHeader(scratch.subarray(0, got), offsets[i]!, task.hashLength);
  };
  const inflateAt = (i: number): Buffer => {
    const length = ends[i]! - offsets[i]!;
    if (length <= 0) throw new PackFormatError('object has no data');
    if (length > maxRebuilt + 1024) throw new TooLarge(i);
    if (scratch.length < length) scratch = Buffer.allocUnsafe(Math.max(length, scratch.length * 2));
    if (readSync(fd, scratch, 0, length, offsets[i]!) !== length)
      throw new PackFormatError('pack is shorter than its index says');
    const header = parseObjectHeader(scratch.subarray(0, Math.min(length, 64)), offsets[i]!, task.hashLength);
    if (header.size > maxRebuilt) throw new TooLarge(i);
    // An output buffer of the right size up front: a third faster than growing it in 16 KB steps.
    const data = inflateSync(scratch.subarray(header.dataAt - offsets[i]!, length), {
      chunkSize: Math.max(64, header.size + 64),
      maxOutputLength: Math.max(header.size, 1),
    });
    if (data.length !== header.size) throw new PackFormatError('object has the wrong size');
    return data;
  };
  const lookup = (i: number) => pinned.get(i) ?? cache.get(i);
  const keep = (i: number, content: Buffer) => {
    if (uses[i]! > 0 && !cache.has(i) && cached + content.length <= CACHE_BYTES) {
      cache.set(i, content);
      cached += content.length;
    }
  };
  const release = (i: number) => {
    uses[i] = uses[i]! - 1;
    const content = cache.get(i);
    if (uses[i]! <= 0 && content) {
      cache.delete(i);
      cached -= content.length;
    }
  };

  /**
   * The content of object i, from the cache or rebuilt along its delta chain (synchronous). When i
   * itself is rebuilt from its delta, `fresh` gets what the delta added (see applyDelta).
   */
  const contentOf = (i: number, fresh?: Fresh): Buffer => {
    const chain: number[] = [];
    let j = i;
    while (!lookup(j) && bases[j]! >= 0) {
      if (broken.has(j)) throw new PackFormatError('delta base is damaged');
      chain.push(j);
      j = bases[j]!;
      if (chain.length > 10_000) throw new PackFormatError('delta chain does not end');
    }
    let content = lookup(j) ?? inflateAt(j);
    keep(j, content);
    for (let k = chain.length - 1; k >= 0; k--) {
      const delta = inflateAt(chain[k]!);
      if (deltaResultSize(delta) > maxRebuilt) throw new TooLarge(chain[k]!);
      const own = k === 0 && fresh ? fresh : undefined;
      content = applyDelta(content, delta, own?.ranges);
      if (own) own.valid = true;
      if (k > 0) keep(chain[k]!, content);
    }
    return content;
  };

  /** Stream object i (a base object, or a delta whose base can be held) to `sink`, in pieces. */
  const streamObject = async (i: number, sink: (at: number, piece: Buffer) => void) => {
    const header = headerOf(i);
    let at = 0;
    const emit = (piece: Buffer) => {
      sink(at, piece);
      at += piece.length;
    };
    const delta = bases[i]! >= 0 ? new DeltaStream(await materialize(bases[i]!), emit, STREAM_PIECE) : undefined;
    await pipeline(
      createReadStream(task.pack, { start: header.dataAt, end: ends[i]! - 1, highWaterMark: STREAM_PIECE }),
      createInflate({ chunkSize: STREAM_PIECE }),
      async (source: AsyncIterable<Buffer>) => {
        for await (const chunk of source) {
          if (delta) delta.push(chunk);
          else emit(chunk);
        }
      },
    );
    delta?.end();
  };

  /** Rebuild delta d, whose base (too large to hold) is streamed past to collect the parts d copies. */
  const fromParts = async (d: number, large: number, size: number): Promise<Buffer> => {
    const delta = inflateAt(d);
    const base = new PartialBase(size, copiedRanges(delta));
    let length = 0;
    await streamObject(large, (at, piece) => {
      base.fill(at, piece);
      length = at + piece.length;
    });
    if (length !== size) throw new PackFormatError('object has the wrong size');
    reply.fromParts++;
    return applyDelta(base, delta);
  };

  /** contentOf, resolving each link of the chain whose base is too large to hold. */
  const materialize = async (i: number, fresh?: Fresh): Promise<Buffer> => {
    for (;;) {
      try {
        return contentOf(i, fresh);
      } catch (error) {
        if (!(error instanceof TooLarge) || error.at === i) throw error;
        let d = i;
        while (bases[d]! >= 0 && bases[d] !== error.at) d = bases[d]!;
        if (bases[d] !== error.at || pinned.has(d)) throw error;
        pinned.set(d, await fromParts(d, error.at, await sizeOf(error.at)));
      }
    }
  };

  /** The size of object i without rebuilding it. */
  const sizeOf = async (i: number): Promise<number> => {
    const header = headerOf(i);
    if (bases[i]! < 0) return header.size;
    let size = -1;
    const stream = createReadStream(task.pack, { start: header.dataAt, end: ends[i]! - 1, highWaterMark: 4096 });
    const inflate = createInflate({ chunkSize: 4096 });
    try {
      for await (const chunk of stream.pipe(inflate)) {
        size = deltaResultSize(chunk as Buffer);
        break;
      }
    } finally {
      stream.destroy();
      inflate.destroy();
    }
    if (size < 0) throw new PackFormatError('empty delta');
    return size;
  };

  const scanLarge = async (i: number): Promise<ContentResult> => {
    const scanner = new ContentScanner({ path: '' });
    let length = 0;
    await streamObject(i, (at, piece) => {
      scanner.push(piece);
      length = at + piece.length;
    });
    if (length !== sizes[i]) throw new PackFormatError('object has the wrong size');
    reply.streamed++;
    return scanner.end();
  };

  try {
    for (let i = 0; i < offsets.length; i++) {
      const size = sizes[i]!;
      let found: ContentResult | undefined;
      let ok = true;
      try {
        if (size > maxRebuilt) found = await scanLarge(i);
        else {
          const fresh: Fresh = { ranges: [], valid: false };
          const content = await materialize(i, fresh);
          keep(i, content);
          if (size >= 0 && content.length !== size) throw new PackFormatError('object has the wrong size');
          // A delta of a base without markers can only have one where it differs from the base.
          const base = bases[i]!;
          const marked =
            fresh.valid && base >= 0 && clean[base] === CLEAN ? markerNear(content, fresh.ranges) : hasMarker(content);
          clean[i] = marked ? MARKED : CLEAN;
          if (marked && size >= 0) found = scanBuffer(content, { path: '' });
        }
      } catch (error) {
        if (!(error instanceof TooLarge || isDamage(error))) throw error;
        // Too large is not damaged: deltas against it are rebuilt from its parts.
        if (!(error instanceof TooLarge)) broken.add(i);
        ok = false;
      }
      pinned.clear();
      if (bases[i]! >= 0) release(bases[i]!);
      if (size < 0) continue;
      if (!ok) {
        reply.fallback.push(i);
        continue;
      }
      reply.blobs++;
      reply.bytes += size;
      // A task is a large share of the work: say how far it is, ten times a second at most.
      if (onProgress && performance.now() - told >= PROGRESS_MS) {
        told = performance.now();
        onProgress(reply.blobs, reply.bytes);
      }
      if (found && (found.findings.length || found.allowed))
        reply.hits.push([i, found, found.findings.map((f) => secretOf(f) ?? '')]);
    }
  } finally {
    closeSync(fd);
  }
  return reply;
}
