import { closeSync, fstatSync, lstatSync, openSync, read, readSync, type Stats } from 'node:fs';
import type { ContentLocation } from '../content.js';
import { hasMarkerIn, residentBuffers } from '../detect/marker-search.js';
import { archiveKind } from './archive.js';
import {
  CARRY,
  CHUNK_SIZE,
  type FileScanResult,
  MAX_ARCHIVE_BYTES,
  mayBeArchive,
  OPEN_KNOWN_FILE,
  PIECE,
  readBuffer,
  SKIP_CODES,
  scanFile,
  scanOpenFile,
  skipReason,
  smallFileResult,
} from './files.js';
import type { ScanTarget } from './source.js';

/**
 * The working-tree scan on one thread, with reads of larger files handed to the thread pool: while
 * the pool copies a large file into memory, this thread goes on with the small files after it, and
 * searches each piece of the large one as it arrives. Copying file contents is the kernel's biggest
 * cost in a scan, and it overlaps here with the search (worker threads, each a JavaScript runtime of
 * its own, cost more to start than they give back on two cores; see README, benchmarks).
 *
 * Scans with a size limit go through scanFile unchanged.
 */

/** Large files read at once; each holds one read buffer (a chunk) until it is done. */
const READ_AHEAD = 3;
/** Bytes asked of the thread pool at a time (searched as each arrives, still in the CPU cache). */
const ASYNC_PIECE = 512 * 1024;
/** Small files scanned between two looks at finished reads. */
const YIELD_EVERY = 16;

let slots: Buffer[] | undefined;

const readAsync = (fd: number, into: Buffer, offset: number, length: number, position: number) =>
  new Promise<number>((resolve, reject) => {
    read(fd, into, offset, length, position, (error, n) => (error ? reject(error) : resolve(n)));
  });

/** readSearching (files.ts) through the thread pool. */
async function readSearchingAsync(fd: number, into: Buffer, offset: number, length: number, position: number) {
  let have = 0;
  let hit = false;
  while (have < length) {
    const at = offset + have;
    const n = await readAsync(fd, into, at, Math.min(ASYNC_PIECE, length - have), position + have);
    if (n === 0) break;
    hit ||= hasMarkerIn(into, Math.max(0, at - CARRY), at + n);
    have += n;
  }
  return { bytes: have, hit };
}

const unreadable = (error: unknown): FileScanResult => {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  return {
    findings: [],
    bytes: 0,
    allowed: 0,
    skipped: SKIP_CODES[code] ?? `unreadable (${code || (error as Error).message})`,
  };
};

/** A file opened from the listing whose first piece filled up: `have` bytes of it are in `slot`. */
async function finishLarge(
  fd: number,
  slot: Buffer,
  have: number,
  hit: boolean,
  location: ContentLocation,
): Promise<FileScanResult> {
  try {
    const rest = await readSearchingAsync(fd, slot, have, CHUNK_SIZE - have, have);
    const total = have + rest.bytes;
    if (total < CHUNK_SIZE) return smallFileResult(slot, total, hit || rest.hit, location);
    const info = fstatSync(fd);
    if (info.size <= CHUNK_SIZE) return smallFileResult(slot, total, hit || rest.hit, location);
    const archive = mayBeArchive(slot, 512) ? archiveKind(slot.subarray(0, 512)) : undefined;
    // An archive to open, or a marker already seen: the synchronous path does it (and re-reads).
    if ((archive && info.size <= MAX_ARCHIVE_BYTES) || hit || rest.hit)
      return scanOpenFile(fd, info.size, location, slot);
    // Streamed search for a marker, each chunk after the last bytes of the one before.
    let carry = Math.min(CARRY, total);
    slot.copyWithin(0, total - carry, total);
    for (let position = total; ; ) {
      const next = await readSearchingAsync(fd, slot, carry, CHUNK_SIZE, position);
      if (next.hit) return scanOpenFile(fd, info.size, location, slot);
      if (next.bytes === 0) {
        const warning = archive
          ? `${location.path}: archive not opened (over ${MAX_ARCHIVE_BYTES / 1048576} MB); scanned as raw bytes`
          : undefined;
        return { findings: [], bytes: position, allowed: 0, ...(warning ? { warning } : {}) };
      }
      position += next.bytes;
      const tail = Math.min(CARRY, carry + next.bytes);
      slot.copyWithin(0, carry + next.bytes - tail, carry + next.bytes);
      carry = tail;
    }
  } catch (error) {
    return unreadable(error);
  } finally {
    closeSync(fd);
  }
}

type Started = FileScanResult | { fd: number; have: number; hit: boolean };

/** The first piece of a file: its whole result, or a large file to finish. */
function start(target: ScanTarget, location: ContentLocation, maxBytes: number): Started {
  if (maxBytes > 0) return scanFile(target, location, maxBytes);
  if (!target.regularFile) {
    // From git's list: what it is decides first (links, folders, pipes are never opened).
    let info: Stats;
    try {
      info = lstatSync(target.absolute!);
    } catch (error) {
      return unreadable(error);
    }
    const skipped = skipReason(info, maxBytes);
    if (skipped !== undefined) return skipped;
  }
  let fd: number;
  try {
    fd = openSync(target.absolute!, OPEN_KNOWN_FILE);
  } catch (error) {
    // A link now, or gone: scanFile classifies it.
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') return scanFile(target, location, maxBytes);
    return unreadable(error);
  }
  let handedOver = false;
  try {
    const buf = readBuffer();
    let have = 0;
    let hit = false;
    try {
      for (;;) {
        const n = readSync(fd, buf, have, Math.min(PIECE, CHUNK_SIZE - have), have);
        if (n === 0) break;
        hit ||= hasMarkerIn(buf, Math.max(0, have - CARRY), have + n);
        have += n;
        // A whole piece: likely a large file, finished by the thread pool (reads are at most a
        // piece each, so at most two pieces are in by now).
        if (have >= PIECE) {
          handedOver = true;
          return { fd, have, hit };
        }
      }
    } catch (error) {
      // No longer a regular file (a directory, a pipe): classified as the stat path would.
      const skipped = skipReason(fstatSync(fd), maxBytes);
      if (skipped !== undefined) return skipped;
      throw error;
    }
    return smallFileResult(buf, have, hit, location);
  } catch (error) {
    return unreadable(error);
  } finally {
    if (!handedOver) closeSync(fd);
  }
}

/** scanFile over every target, in order; large files are read by the thread pool meanwhile. */
export async function scanFilesReadingAhead(
  targets: ScanTarget[],
  locate: (target: ScanTarget) => ContentLocation,
  maxBytes: number,
  onResult: (result: FileScanResult) => void,
): Promise<FileScanResult[]> {
  const results = new Array<FileScanResult>(targets.length);
  slots ??= residentBuffers(READ_AHEAD, CHUNK_SIZE + CARRY);
  const free = [...slots];
  const running = new Set<Promise<void>>();
  const done = (index: number, result: FileScanResult) => {
    results[index] = result;
    onResult(result);
  };
  let sinceYield = 0;
  for (let index = 0; index < targets.length; index++) {
    const target = targets[index]!;
    const location = locate(target);
    const started = start(target, location, maxBytes);
    if ('findings' in started) done(index, started);
    else {
      // The first piece waits in the shared read buffer: nothing else writes there meanwhile, as the
      // large files' own code reads only into their buffers (scanOpenFile is given one).
      while (free.length === 0) await Promise.race(running);
      const slot = free.pop()!;
      readBuffer().copy(slot, 0, 0, started.have);
      const job: Promise<void> = finishLarge(started.fd, slot, started.have, started.hit, location).then((result) => {
        done(index, result);
        free.push(slot);
        running.delete(job);
      });
      running.add(job);
    }
    // Let finished reads in, so their files are searched and their buffers freed.
    if (++sinceYield === YIELD_EVERY) {
      sinceYield = 0;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  await Promise.all(running);
  return results;
}
