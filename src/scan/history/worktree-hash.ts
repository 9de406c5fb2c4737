import { createHash } from 'node:crypto';
import { constants, lstatSync, readlinkSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';

/** Files larger than this are not read to decide the `worktree` label. */
const MAX_BYTES = 256 * 1024 * 1024;
const CHUNK = 1024 * 1024;

export type ObjectFormat = 'sha1' | 'sha256';

/** Git's blob id of `data`: the hash of `blob <size>\0` then the bytes. */
export function blobId(data: Buffer, format: ObjectFormat = 'sha1'): string {
  return createHash(format).update(`blob ${data.length}\0`).update(data).digest('hex');
}

/** `data` with CRLF turned into LF, as `core.autocrlf` / `text` attributes store it; undefined when unchanged. */
function normalized(data: Buffer): Buffer | undefined {
  if (data.indexOf('\r\n') === -1) return undefined;
  return Buffer.from(data.toString('latin1').replaceAll('\r\n', '\n'), 'latin1');
}

/**
 * The blob ids the work-tree files at `paths` (relative to `workTree`) would have, computed here
 * rather than by `git hash-object`, which runs the repository's clean filters (a program named in
 * its config), follows symbolic links (to /dev/zero, a FIFO, outside the tree) and reads paths one
 * a line (a name with a newline broke it). A link hashes as its target text, as git stores it; a
 * file as its bytes, and also with CRLF line ends made LF (what git stores for text files checked
 * out with CRLF). FIFOs, devices, sockets, missing and oversized files get no id. Clean filters
 * such as LFS are not applied: such a file is just not labelled `worktree`.
 */
export async function hashWorktreeFiles(
  workTree: string,
  paths: string[],
  format: ObjectFormat = 'sha1',
): Promise<Map<string, string[]>> {
  const ids = new Map<string, string[]>();
  for (const path of paths) {
    const full = join(workTree, path);
    let stat: import('node:fs').Stats;
    try {
      stat = lstatSync(full);
    } catch {
      continue;
    }
    let data: Buffer | undefined;
    if (stat.isSymbolicLink()) data = readlinkSync(full, { encoding: 'buffer' });
    else if (stat.isFile() && stat.size <= MAX_BYTES) data = await readRegular(full, stat.size);
    if (!data) continue;
    const crlf = normalized(data);
    ids.set(path, crlf ? [blobId(data, format), blobId(crlf, format)] : [blobId(data, format)]);
  }
  return ids;
}

/** Read a regular file without following a link or blocking on a FIFO swapped in since lstat. */
async function readRegular(full: string, size: number): Promise<Buffer | undefined> {
  let handle: import('node:fs/promises').FileHandle;
  try {
    handle = await open(full, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile() || stat.size !== size) return undefined;
    const data = Buffer.allocUnsafe(size);
    let at = 0;
    while (at < size) {
      const { bytesRead } = await handle.read(data, at, Math.min(CHUNK, size - at), at);
      if (bytesRead === 0) return undefined;
      at += bytesRead;
    }
    return data;
  } catch {
    return undefined;
  } finally {
    await handle.close();
  }
}
