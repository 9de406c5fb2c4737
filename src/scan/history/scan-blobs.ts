import { availableParallelism } from 'node:os';
import { type ContentResult, ContentScanner, scanBuffer } from '../content.js';
import { mapPool } from '../pool.js';
import { type BlobSink, readBlobs } from './blob-reader.js';
import type { BlobEntry } from './enumerate.js';
import { MarkerFilter } from './prefilter.js';

/** Blobs up to this size are kept whole while they stream and scanned only when the prefilter flags them. */
const KEEP_WHOLE = 4 * 1024 * 1024;
/** git cat-file processes reading at once: inflating and applying deltas is most of the work. */
const READERS = Math.max(1, Math.min(4, availableParallelism()));
/** Slices per reader: enough to even out uneven slices, few enough that delta bases stay cached. */
const SLICES_PER_READER = 8;

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

/**
 * Read every blob once. Several git readers run side by side, each on a contiguous slice of the
 * pack, taking the next slice when done so a slow slice (deep deltas, one huge blob) does not hold
 * the others up; this thread scans their output. Small blobs are kept whole while they stream and
 * go to the detector only when the prefilter flags them; larger ones stream through a
 * ContentScanner, so memory stays bounded by KEEP_WHOLE per reader whatever the size of a blob.
 */
export async function scanBlobs(cwd: string, blobs: BlobEntry[], progress?: BlobProgress): Promise<BlobScan> {
  const result: BlobScan = { hits: new Map(), blobs: 0, bytes: 0, missing: [], failed: [] };
  const keep = (oid: string, found: ContentResult) => {
    if (found.findings.length || found.allowed) result.hits.set(oid, found);
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
        parts = [];
        scanner = undefined;
        progress?.(result.blobs, result.bytes);
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
  return result;
}
