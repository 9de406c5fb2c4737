import { type ContentResult, ContentScanner, scanBuffer } from '../content.js';
import { readBlobs } from './blob-reader.js';
import { MarkerFilter } from './prefilter.js';

/** Blobs up to this size are kept whole while they stream, so a hit is scanned without a re-read. */
const KEEP_WHOLE = 4 * 1024 * 1024;

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
 * Read every blob once and run the detector on those the prefilter flags. Large flagged blobs are
 * read a second time through a streaming ContentScanner, so memory stays bounded by KEEP_WHOLE
 * plus the pipe's chunks whatever the size of a blob.
 */
export async function scanBlobs(cwd: string, oids: string[], progress?: BlobProgress): Promise<BlobScan> {
  const result: BlobScan = { hits: new Map(), blobs: 0, bytes: 0, missing: [], failed: [] };
  const deferred: string[] = [];
  let oid = '';
  let size = 0;
  let filter = new MarkerFilter();
  let parts: Buffer[] = [];
  const keep = (found: ContentResult) => {
    if (found.findings.length || found.allowed) result.hits.set(oid, found);
  };
  await readBlobs(cwd, oids, {
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
        if (size <= KEEP_WHOLE) keep(scanBuffer(parts.length === 1 ? parts[0]! : Buffer.concat(parts), { path: '' }));
        else deferred.push(oid);
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
  });
  if (deferred.length === 0) return result;
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
      keep(scanner.end());
    },
    abort() {},
    missing() {},
    failed() {},
  });
  return result;
}
