import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, type Stats } from 'node:fs';
import { type ContentLocation, type ContentResult, ContentScanner, scanBuffer } from '../content.js';
import { hasMarkerIn, residentBuffers } from '../detect/marker-search.js';
import { MAX_MARKER } from '../detect/markers.js';
import type { Finding } from '../finding.js';
import { archiveKind, expandArchive } from './archive.js';
import type { ScanTarget } from './source.js';

/** Files up to this size are read whole; larger ones are streamed in chunks of this size. */
export const CHUNK_SIZE = 4 * 1024 * 1024;
/** Archives up to this size are opened; larger ones are scanned as bytes. */
export const MAX_ARCHIVE_BYTES = 64 * 1024 * 1024;

export interface FileScanResult {
  findings: Finding[];
  bytes: number;
  allowed: number;
  /** Set when the file could not be read: the reason, for the summary. */
  skipped?: string;
  /** Set when an archive could not be opened and was scanned as raw bytes instead. */
  warning?: string;
}

export const SKIP_CODES: Record<string, string> = {
  ENOENT: 'missing or broken link',
  ELOOP: 'symbolic link loop',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'a directory',
};

function merge(results: ContentResult[]): FileScanResult {
  return {
    findings: results.flatMap((r) => r.findings),
    bytes: results.reduce((n, r) => n + r.bytes, 0),
    allowed: results.reduce((n, r) => n + r.allowed, 0),
  };
}

/** Scan an archive's members; when it cannot be opened, its raw bytes, with a warning saying so. */
function scanArchive(location: ContentLocation, data: Buffer): FileScanResult {
  let members: ReturnType<typeof expandArchive>;
  try {
    members = expandArchive(location.path, data);
  } catch (error) {
    const why =
      (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' ? 'expands past the size bound' : 'damaged';
    return {
      ...asBytes(data, location),
      warning: `${location.path}: archive not opened (${why}); scanned as raw bytes`,
    };
  }
  const results = members.map((m) => scanBuffer(m.data, { ...location, path: m.name }));
  return { ...merge(results), bytes: data.length };
}

const asBytes = (data: Buffer, location: ContentLocation) => merge([scanBuffer(data, location)]);

/** Scan bytes already in memory (a git blob, a staged file): archives opened, the rest as is. */
export function scanBytes(data: Buffer, location: ContentLocation): FileScanResult {
  if (!archiveKind(data.subarray(0, 512))) return asBytes(data, location);
  if (data.length <= MAX_ARCHIVE_BYTES) return scanArchive(location, data);
  return {
    ...asBytes(data, location),
    warning: `${location.path}: archive not opened (over ${MAX_ARCHIVE_BYTES / 1048576} MB); scanned as raw bytes`,
  };
}

/** Read up to `length` bytes at `position` into `into`, looping over short reads. */
function readFully(fd: number, into: Buffer, length: number, position: number): number {
  let have = 0;
  while (have < length) {
    const n = readSync(fd, into, have, length - have, position + have);
    if (n === 0) break;
    have += n;
  }
  return have;
}

/**
 * One read buffer per thread, reused for every file: allocating a fresh buffer per file costs more
 * (page faults on new memory) than reading the file. It lies in the marker search's memory, so the
 * bytes are searched where they were read. Nothing keeps a reference to it after a file is scanned:
 * findings hold strings, never slices of the input. The extra bytes carry a marker's worth of the
 * previous chunk when a large file is searched chunk by chunk.
 */
let scratch: Buffer | undefined;
export const CARRY = MAX_MARKER - 1;
export const readBuffer = () => (scratch ??= residentBuffers(1, CHUNK_SIZE + CARRY)[0]!);
/**
 * Bytes read at a time. Each piece is searched for markers right after its read, while it is still
 * in the CPU cache: a whole 4 MiB chunk is not, and searching it from memory is much slower.
 */
export const PIECE = 256 * 1024;

/**
 * Like readFully into `into` at `offset`, searching the bytes for markers as they arrive (each piece
 * with the CARRY bytes before it, so none is cut; bytes before `offset` count as before it).
 */
function readSearching(
  fd: number,
  into: Buffer,
  offset: number,
  length: number,
  position: number,
): { bytes: number; hit: boolean } {
  let have = 0;
  let hit = false;
  while (have < length) {
    const at = offset + have;
    const n = readSync(fd, into, at, Math.min(PIECE, length - have), position + have);
    if (n === 0) break;
    hit ||= hasMarkerIn(into, Math.max(0, at - CARRY), at + n);
    have += n;
  }
  return { bytes: have, hit };
}

/**
 * Whether any detector marker occurs in a large file, read chunk by chunk through the read buffer
 * (each chunk after the last bytes of the one before, so no marker is cut); and its size.
 */
function largeFileHasMarker(fd: number, buf: Buffer): { hit: boolean; bytes: number } {
  let carry = 0;
  let position = 0;
  for (;;) {
    const { bytes: n, hit } = readSearching(fd, buf, carry, CHUNK_SIZE, position);
    if (hit) return { hit: true, bytes: position + n };
    if (n === 0) return { hit: false, bytes: position };
    position += n;
    const tail = Math.min(CARRY, carry + n);
    buf.copyWithin(0, carry + n - tail, carry + n);
    carry = tail;
  }
}

/** archiveKind's answer is undefined unless this holds (checked without slicing the buffer). */
export function mayBeArchive(buf: Buffer, length: number): boolean {
  return (
    (length >= 4 && buf[0] === 0x50 && buf[1] === 0x4b) ||
    (length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) ||
    (length >= 262 && buf[257] === 0x75 && buf[258] === 0x73)
  );
}

/** A file read whole into `buf` and searched on the way. */
export function smallFileResult(buf: Buffer, bytes: number, hit: boolean, location: ContentLocation): FileScanResult {
  // Clean bytes, not an archive: what scanBytes would answer, without a second pass.
  if (!hit && !mayBeArchive(buf, bytes)) return { findings: [], bytes, allowed: 0 };
  return scanBytes(buf.subarray(0, bytes), location);
}

/**
 * Scan an open file of `size` bytes, reading through `buf` (a read buffer of CHUNK_SIZE + CARRY bytes:
 * the shared one, or one of the read-ahead's own while other files are scanned meanwhile).
 */
export function scanOpenFile(fd: number, size: number, location: ContentLocation, buf = readBuffer()): FileScanResult {
  if (size <= CHUNK_SIZE) {
    const { bytes, hit } = readSearching(fd, buf, 0, size, 0);
    return smallFileResult(buf, bytes, hit, location);
  }
  const head = Buffer.alloc(512);
  readFully(fd, head, 512, 0);
  if (archiveKind(head) && size <= MAX_ARCHIVE_BYTES) {
    const data = Buffer.allocUnsafe(size);
    return scanArchive(location, data.subarray(0, readFully(fd, data, size, 0)));
  }
  const warning = archiveKind(head)
    ? `${location.path}: archive not opened (over ${MAX_ARCHIVE_BYTES / 1048576} MB); scanned as raw bytes`
    : undefined;
  // Large files are nearly always clean: one fast pass for the markers decides whether the detector
  // needs to see the file at all (the content scanner's windows cost a copy of every chunk).
  const prefiltered = largeFileHasMarker(fd, buf);
  if (!prefiltered.hit) {
    return { findings: [], bytes: prefiltered.bytes, allowed: 0, ...(warning ? { warning } : {}) };
  }
  // Streamed: memory stays at one chunk plus the scanner's window, whatever the file's size. Each
  // chunk is a fresh buffer because the scanner may keep a reference to the last one.
  const scanner = new ContentScanner(location);
  for (let position = 0; ; ) {
    const chunk = Buffer.allocUnsafe(CHUNK_SIZE);
    const n = readFully(fd, chunk, CHUNK_SIZE, position);
    if (n === 0) break;
    scanner.push(n === CHUNK_SIZE ? chunk : chunk.subarray(0, n));
    position += n;
  }
  return { ...merge([scanner.end()]), ...(warning ? { warning } : {}) };
}

export const OPEN_KNOWN_FILE = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
export const empty = (): FileScanResult => ({ findings: [], bytes: 0, allowed: 0 });

/** Why a file is not read, from its stat: not a regular file, empty, or over the size limit. */
export function skipReason(info: Stats, maxBytes: number): FileScanResult | undefined {
  if (info.isSymbolicLink()) return { ...empty(), skipped: 'symbolic link (not followed)' };
  if (info.isDirectory()) return { ...empty(), skipped: 'a directory (submodule?)' };
  if (!info.isFile()) return { ...empty(), skipped: 'not a regular file' };
  if (info.size === 0) return empty();
  if (maxBytes > 0 && info.size > maxBytes) return { ...empty(), skipped: 'larger than scan.maxFileSizeMB' };
  return undefined;
}

/**
 * Scan one file of the work tree. Symbolic links are not followed (what they point to inside the
 * tree is scanned in its own right); files that cannot be read are reported as skipped, never fatal.
 * Synchronous on purpose: on a warm cache a blocking read beats a round trip through the thread pool,
 * and large scans run several of these in worker threads.
 */
export function scanFile(target: ScanTarget, location: ContentLocation, maxBytes = 0): FileScanResult {
  let fd: number | undefined;
  try {
    if (target.regularFile) {
      // Known from the directory listing: open it straight away (one system call fewer a file).
      // O_NOFOLLOW and O_NONBLOCK keep the lstat path's promises should it have changed since:
      // a link is not followed, a pipe does not block; both end up classified below.
      try {
        fd = openSync(target.absolute!, OPEN_KNOWN_FILE);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ELOOP') throw error;
      }
    }
    if (fd !== undefined && maxBytes === 0) {
      // No stat either: read until the file ends; only one that fills a chunk needs its size.
      let first: { bytes: number; hit: boolean };
      try {
        first = readSearching(fd, readBuffer(), 0, CHUNK_SIZE, 0);
      } catch (error) {
        // No longer a regular file (a directory, a pipe): classified as the stat path would.
        const skipped = skipReason(fstatSync(fd), maxBytes);
        if (skipped !== undefined) return skipped;
        throw error;
      }
      if (first.bytes < CHUNK_SIZE) return smallFileResult(readBuffer(), first.bytes, first.hit, location);
    }
    if (fd === undefined) {
      const info = lstatSync(target.absolute!);
      const skipped = skipReason(info, maxBytes);
      if (skipped !== undefined) return skipped;
      fd = openSync(target.absolute!, 'r');
    }
    // The size from the open file: it may have changed since lstat.
    const info = fstatSync(fd);
    const skipped = skipReason(info, maxBytes);
    if (skipped !== undefined) return skipped;
    return scanOpenFile(fd, info.size, location);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    return { ...empty(), skipped: SKIP_CODES[code] ?? `unreadable (${code || (error as Error).message})` };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
