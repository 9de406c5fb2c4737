import { availableParallelism } from 'node:os';
import { type ContentResult, ContentScanner, scanBuffer } from '../content.js';
import { type BlobSink, readBlobs } from './blob-reader.js';
import type { BlobEntry } from './enumerate.js';
import { MarkerFilter } from './prefilter.js';

/** Blobs up to this size are kept whole while they stream, so a hit is scanned without a re-read. */
const KEEP_WHOLE = 4 * 1024 * 1024;
/** git cat-file processes reading at once: inflating and applying deltas is most of the work. */
const READERS = Math.max(1, Math.min(4, availableParallelism()));

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
 * Read every blob once and run the detector on those the prefilter flags. Several git readers run
 * side by side (one per core) while this thread filters their output. Large flagged blobs are read
 * a second time through a streaming ContentScanner, so memory stays bounded by KEEP_WHOLE per
 * reader plus the pipes' chunks, whatever the size of a blob.
 */
export async function scanBlobs(cwd: string, blobs: BlobEntry[], progress?: BlobProgress): Promise<BlobScan> {
  const result: BlobScan = { hits: new Map(), blobs: 0, bytes: 0, missing: [], failed: [] };
  const deferred: string[] = [];
  const keep = (oid: string, found: ContentResult) => {
    if (found.findings.length || found.allowed) result.hits.set(oid, found);
  };
  const firstPass = (): BlobSink => {
    let oid = '';
    let size = 0;
    let filter = new MarkerFilter();
    let parts: Buffer[] = [];
    return {
      start(id, bytes) {
        oid = id;
        size = bytes;
        filter = new MarkerFilter();
        parts = [];
      },
      chunk(data) {
        filter.push(data);
        if (size <= KEEP_WHOLE) parts.push(data);
      },
      end() {
        result.blobs++;
        result.bytes += size;
        if (filter.hit) {
          if (size > KEEP_WHOLE) deferred.push(oid);
          else keep(oid, scanBuffer(parts.length === 1 ? parts[0]! : Buffer.concat(parts), { path: '' }));
        }
        parts = [];
        progress?.(result.blobs, result.bytes);
      },
      abort() {
        parts = [];
      },
      missing(id) {
        result.missing.push(id);
      },
      failed(id, reason) {
        result.failed.push({ oid: id, reason });
      },
    };
  };
  await Promise.all(
    splitBySize(blobs, READERS).map((slice) =>
      readBlobs(
        cwd,
        slice.map((b) => b.oid),
        firstPass(),
      ),
    ),
  );
  if (deferred.length === 0) return result;
  let oid = '';
  let scanner = new ContentScanner({ path: '' });
  await readBlobs(cwd, deferred, {
    start(id) {
      oid = id;
      scanner = new ContentScanner({ path: '' });
    },
    chunk(data) {
      scanner.push(data);
    },
    end() {
      keep(oid, scanner.end());
    },
    abort() {},
    missing() {},
    failed() {},
  });
  return result;
}
