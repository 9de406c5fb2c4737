import { availableParallelism } from 'node:os';
import { mapPool } from '../../shared/pool.js';
import { type ContentResult, ContentScanner, scanBuffer } from '../content.js';
import { type BlobSink, readBlobs } from './blob-reader.js';
import type { BlobEntry } from './enumerate.js';
import { planPacks } from './pack/plan.js';
import { scanPacks } from './pack/scan-packs.js';
import { MarkerFilter } from './prefilter.js';

/** Blobs up to this size are kept whole while they stream and scanned only when the prefilter flags them. */
const KEEP_WHOLE = 4 * 1024 * 1024;
/** git cat-file processes reading at once: inflating and applying deltas is most of the work. */
const READERS = Math.max(1, Math.min(4, availableParallelism()));
/** Slices per reader: enough to even out uneven slices, few enough that delta bases stay cached. */
const SLICES_PER_READER = 8;
/** Fewer blobs than this are read through git: starting pack-reading threads would cost more. */
export const PACK_MIN_BLOBS = 256;
/** Pack-reading tasks per thread: enough to balance the threads at the end. */
const TASKS_PER_THREAD = 8;

export interface BlobScan {
  /** Detector results for blobs with at least one finding or allowed key, by blob id. */
  hits: Map<string, ContentResult>;
  blobs: number;
  bytes: number;
  missing: string[];
  failed: Array<{ oid: string; reason: string }>;
}

export type BlobProgress = (blobs: number, bytes: number) => void;

/**
 * Cut a list in pack order into `parts` contiguous slices of about equal bytes (by count when
 * sizes are unknown). Contiguous, so each reader still walks its part of the pack front to back
 * and finds delta bases in its cache.
 */
export function splitBySize(blobs: BlobEntry[], parts: number): BlobEntry[][] {
  const weight = (b: BlobEntry) => Math.max(b.size, 1);
  const total = blobs.reduce((sum, b) => sum + weight(b), 0);
  const slices: BlobEntry[][] = [];
  let current: BlobEntry[] = [];
  let acc = 0;
  for (const blob of blobs) {
    current.push(blob);
    acc += weight(blob);
    if (acc >= (total * (slices.length + 1)) / parts && slices.length < parts - 1) {
      slices.push(current);
      current = [];
    }
  }
  if (current.length) slices.push(current);
  return slices;
}

export interface BlobScanOptions {
  /** Read blobs from the packs from this many blobs on (default PACK_MIN_BLOBS); Infinity: git only. */
  packMinBlobs?: number;
  /** Blobs larger than this are streamed from the pack rather than rebuilt in memory (tests lower it). */
  maxRebuilt?: number;
  /** Told each blob's outcome as soon as it is known: a hit (it goes into `hits`) or clean. */
  onBlob?: (oid: string, hit: boolean) => void;
}

/**
 * Read every blob once. Blobs in packs are rebuilt by worker threads straight from the pack files
 * (inflate, apply deltas, scan), which is several times cheaper than having git write every blob
 * into a pipe; loose blobs, blobs whose delta base is in another pack, and anything the pack
 * readers cannot read (damage, a large delta of a large base) go through `git cat-file --batch`.
 */
export async function scanBlobs(
  cwd: string,
  blobs: BlobEntry[],
  progress?: BlobProgress,
  options: BlobScanOptions = {},
): Promise<BlobScan> {
  const result: BlobScan = { hits: new Map(), blobs: 0, bytes: 0, missing: [], failed: [] };
  let fromPacks = { blobs: 0, bytes: 0 };
  const report = () => progress?.(result.blobs + fromPacks.blobs, result.bytes + fromPacks.bytes);
  let rest = blobs;
  let packed: ReturnType<typeof scanPacks> | undefined;
  if (blobs.length >= (options.packMinBlobs ?? PACK_MIN_BLOBS)) {
    const plan = await planPacks(cwd, blobs, READERS * TASKS_PER_THREAD, options.maxRebuilt).catch(() => undefined);
    if (plan) {
      rest = plan.rest;
      packed = scanPacks(
        plan,
        READERS,
        (count, bytes) => {
          fromPacks = { blobs: count, bytes };
          report();
        },
        options.onBlob,
      );
    }
  }
  await readThroughGit(cwd, rest, result, report, options.onBlob);
  if (packed) {
    const scan = await packed;
    for (const [oid, hit] of scan.hits) result.hits.set(oid, hit);
    fromPacks = { blobs: 0, bytes: 0 };
    result.blobs += scan.blobs;
    result.bytes += scan.bytes;
    await readThroughGit(cwd, scan.fallback, result, report, options.onBlob);
  }
  return result;
}

/**
 * Read blobs through git. Several readers run side by side, each on a contiguous slice of the
 * pack, taking the next slice when done so a slow slice (deep deltas, one huge blob) does not hold
 * the others up; this thread scans their output. Small blobs are kept whole while they stream and
 * go to the detector only when the prefilter flags them; larger ones stream through a
 * ContentScanner, so memory stays bounded by KEEP_WHOLE per reader whatever the size of a blob.
 */
async function readThroughGit(
  cwd: string,
  blobs: BlobEntry[],
  result: BlobScan,
  progress: () => void,
  onBlob?: (oid: string, hit: boolean) => void,
) {
  if (blobs.length === 0) return;
  const keep = (oid: string, found: ContentResult | undefined) => {
    const hit = Boolean(found && (found.findings.length || found.allowed));
    if (hit) result.hits.set(oid, found!);
    onBlob?.(oid, hit);
  };
  const sink = (): BlobSink => {
    let oid = '';
    let size = 0;
    let filter = new MarkerFilter();
    let scanner: ContentScanner | undefined;
    let parts: Buffer[] = [];
    return {
      start(id, bytes) {
        oid = id;
        size = bytes;
        parts = [];
        filter = new MarkerFilter();
        scanner = bytes > KEEP_WHOLE ? new ContentScanner({ path: '' }) : undefined;
      },
      chunk(data) {
        if (scanner) scanner.push(data);
        else {
          filter.push(data);
          parts.push(data);
        }
      },
      end() {
        result.blobs++;
        result.bytes += size;
        if (scanner) keep(oid, scanner.end());
        else if (filter.hit) keep(oid, scanBuffer(parts.length === 1 ? parts[0]! : Buffer.concat(parts), { path: '' }));
        else keep(oid, undefined);
        parts = [];
        scanner = undefined;
        progress();
      },
      abort() {
        parts = [];
        scanner = undefined;
      },
      missing(id) {
        result.missing.push(id);
      },
      failed(id, reason) {
        result.failed.push({ oid: id, reason });
      },
    };
  };
  const slices = splitBySize(blobs, READERS * SLICES_PER_READER);
  await mapPool(slices, READERS, (slice) =>
    readBlobs(
      cwd,
      slice.map((b) => b.oid),
      sink(),
    ),
  );
}
