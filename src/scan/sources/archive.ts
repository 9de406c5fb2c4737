import { createRequire } from 'node:module';

/** zlib loads when an archive is opened: most scans meet none. */
let zlibModule: typeof import('node:zlib') | undefined;
const zlib = () => (zlibModule ??= createRequire(import.meta.url)('node:zlib') as typeof import('node:zlib'));

/**
 * Archives are opened and their members scanned: zip, tar, gzip (and their nestings, such as
 * .tar.gz or a zip inside a zip). Bounded in depth and in total bytes expanded, so an archive bomb
 * costs at most those bounds.
 */
export interface ArchiveMember {
  name: string;
  data: Buffer;
}

export interface ArchiveLimits {
  maxDepth: number;
  /** Total bytes all members of one top-level archive may expand to. */
  maxTotalBytes: number;
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = { maxDepth: 3, maxTotalBytes: 256 * 1024 * 1024 };

export type ArchiveKind = 'zip' | 'tar' | 'gzip';

export function archiveKind(head: Buffer): ArchiveKind | undefined {
  if (head.length >= 4 && head.readUInt32LE(0) === 0x04034b50) return 'zip';
  if (head.length >= 4 && head.readUInt32LE(0) === 0x06054b50) return 'zip';
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 262 && head.toString('latin1', 257, 262) === 'ustar') return 'tar';
  return undefined;
}

class Budget {
  constructor(public remaining: number) {}
  take(bytes: number): boolean {
    if (bytes > this.remaining) return false;
    this.remaining -= bytes;
    return true;
  }
}

function* zipMembers(buf: Buffer, budget: Budget): Generator<ArchiveMember> {
  // Central directory: find the end record from the back (it may be followed by a comment).
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('zip end record not found');
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  for (let n = 0; n < count && at + 46 <= buf.length; n++) {
    if (buf.readUInt32LE(at) !== 0x02014b50) throw new Error('bad zip central directory');
    const method = buf.readUInt16LE(at + 10);
    const compressed = buf.readUInt32LE(at + 20);
    const size = buf.readUInt32LE(at + 24);
    const nameLength = buf.readUInt16LE(at + 28);
    const extraLength = buf.readUInt16LE(at + 30);
    const commentLength = buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.toString('utf8', at + 46, at + 46 + nameLength);
    at += 46 + nameLength + extraLength + commentLength;
    if (name.endsWith('/') || local + 30 > buf.length) continue;
    const dataStart = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(dataStart, dataStart + compressed);
    if (!budget.take(size)) return;
    if (method === 0) yield { name, data: raw };
    else if (method === 8) yield { name, data: zlib().inflateRawSync(raw, { maxOutputLength: Math.max(size, 1) }) };
  }
}

function* tarMembers(buf: Buffer, budget: Budget): Generator<ArchiveMember> {
  let at = 0;
  let longName: string | undefined;
  while (at + 512 <= buf.length) {
    const header = buf.subarray(at, at + 512);
    if (header.every((b) => b === 0)) return;
    const rawName = header.toString('utf8', 0, 100).replace(/\0.*$/s, '');
    const prefix = header.toString('utf8', 345, 500).replace(/\0.*$/s, '');
    const size = Number.parseInt(header.toString('latin1', 124, 136).replace(/\0.*$/s, '').trim() || '0', 8);
    const type = String.fromCharCode(header[156]!);
    const dataStart = at + 512;
    const data = buf.subarray(dataStart, dataStart + size);
    at = dataStart + Math.ceil(size / 512) * 512;
    if (type === 'L') {
      longName = data.toString('utf8').replace(/\0.*$/s, '');
      continue;
    }
    const name = longName ?? (prefix ? `${prefix}/${rawName}` : rawName);
    longName = undefined;
    if (type !== '0' && type !== '\0' && type !== '7') continue;
    if (!budget.take(size)) return;
    yield { name, data };
  }
}

function gzipMember(buf: Buffer, budget: Budget, outerName: string): ArchiveMember[] {
  const data = zlib().gunzipSync(buf, { maxOutputLength: Math.max(1, budget.remaining) });
  budget.take(data.length);
  const inner = outerName.replace(/\.(tgz)$/i, '.tar').replace(/\.gz$/i, '') || 'data';
  return [{ name: inner.split('/').at(-1)!, data }];
}

/**
 * Expand an archive into its leaf members, following nested archives up to `maxDepth`. Member names
 * are `outer!inner!leaf`. Throws when the archive is damaged; the caller then scans it as bytes.
 */
export function expandArchive(
  name: string,
  data: Buffer,
  limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS,
): ArchiveMember[] {
  const budget = new Budget(limits.maxTotalBytes);
  const out: ArchiveMember[] = [];
  const visit = (path: string, buf: Buffer, depth: number) => {
    const kind = archiveKind(buf);
    if (!kind || depth >= limits.maxDepth) {
      out.push({ name: path, data: buf });
      return;
    }
    const members =
      kind === 'zip'
        ? zipMembers(buf, budget)
        : kind === 'tar'
          ? tarMembers(buf, budget)
          : gzipMember(buf, budget, path);
    for (const member of members) {
      // gzip has one member, named after the archive itself: keep the path readable (`a.tar.gz!x`).
      const child = kind === 'gzip' ? path : `${path}!${member.name}`;
      try {
        visit(child, member.data, depth + 1);
      } catch {
        out.push({ name: child, data: member.data });
      }
    }
  };
  if (archiveKind(data) === 'gzip') {
    const [member] = gzipMember(data, budget, name);
    if (archiveKind(member!.data)) {
      visit(name, member!.data, 1);
      return out;
    }
    return [{ name: `${name}!${member!.name}`, data: member!.data }];
  }
  visit(name, data, 0);
  return out;
}
