import { createReadStream } from 'node:fs';
import { lstat, open } from 'node:fs/promises';
import { type ContentLocation, type ContentResult, scanBuffer, scanChunks } from '../content.js';
import type { Finding } from '../finding.js';
import { archiveKind, expandArchive } from './archive.js';
import type { ScanTarget } from './source.js';

/** Files up to this size are read whole; larger ones are streamed in chunks of this size. */
export const CHUNK_SIZE = 4 * 1024 * 1024;
/** Archives up to this size are opened; larger ones are scanned as bytes. */
const MAX_ARCHIVE_BYTES = 64 * 1024 * 1024;

export interface FileScanResult {
  findings: Finding[];
  bytes: number;
  allowed: number;
  /** Set when the file could not be read: the reason, for the summary. */
  skipped?: string;
}

const SKIP_CODES: Record<string, string> = {
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

function scanArchive(location: ContentLocation, data: Buffer): FileScanResult | undefined {
  try {
    const members = expandArchive(location.path, data);
    const results = members.map((m) => scanBuffer(m.data, { ...location, path: m.name }));
    return { ...merge(results), bytes: data.length };
  } catch {
    return undefined;
  }
}

/** Scan bytes already in memory (a git blob, a staged file): archives opened, the rest as is. */
export function scanBytes(data: Buffer, location: ContentLocation): FileScanResult {
  if (archiveKind(data.subarray(0, 512)) && data.length <= MAX_ARCHIVE_BYTES) {
    const archive = scanArchive(location, data);
    if (archive) return archive;
  }
  return merge([scanBuffer(data, location)]);
}

/**
 * Scan one file of the work tree. Symbolic links are not followed (what they point to inside the
 * tree is scanned in its own right); files that cannot be read are reported as skipped, never fatal.
 */
export async function scanFile(target: ScanTarget, location: ContentLocation): Promise<FileScanResult> {
  const empty = { findings: [], bytes: 0, allowed: 0 };
  try {
    const info = await lstat(target.absolute!);
    if (info.isSymbolicLink()) return { ...empty, skipped: 'symbolic link (not followed)' };
    if (info.isDirectory()) return { ...empty, skipped: 'a directory (submodule?)' };
    if (!info.isFile()) return { ...empty, skipped: 'not a regular file' };
    if (info.size === 0) return empty;
    if (info.size <= CHUNK_SIZE) {
      const handle = await open(target.absolute!, 'r');
      let data: Buffer;
      try {
        data = await handle.readFile();
      } finally {
        await handle.close();
      }
      return scanBytes(data, location);
    }
    const head = Buffer.alloc(512);
    const handle = await open(target.absolute!, 'r');
    try {
      await handle.read(head, 0, 512, 0);
    } finally {
      await handle.close();
    }
    if (archiveKind(head) && info.size <= MAX_ARCHIVE_BYTES) {
      const { readFile } = await import('node:fs/promises');
      const archive = scanArchive(location, await readFile(target.absolute!));
      if (archive) return archive;
    }
    const stream = createReadStream(target.absolute!, { highWaterMark: CHUNK_SIZE });
    return merge([await scanChunks(stream as AsyncIterable<Buffer>, location)]);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    return { ...empty, skipped: SKIP_CODES[code] ?? `unreadable (${code || (error as Error).message})` };
  }
}
