import { constants, type Stats } from 'node:fs';
import { type FileHandle, lstat, open, realpath, rename, rm } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { InputError } from './errors.js';

/**
 * The doors for files a repository controls (config, baseline, env files, ignore files, hook
 * configs). A scanned repository may be hostile: a committed symlink can point at /dev/zero,
 * ~/.profile or anything outside the tree, and a copied tree can hold FIFOs and devices. Every read
 * and write of such a file goes through readRepoFile / writeRepoFile, so that rule lives in one place.
 */

/** Config, baselines, env files and ignore files are small: anything larger is refused, not read. */
export const REPO_FILE_LIMIT = 4 * 1024 * 1024;

/** A repository file keyguard refuses to read or write; exit 2 with one clear sentence. */
export class RepoFileError extends InputError {
  constructor(
    message: string,
    readonly reason: 'outside' | 'symlink' | 'special' | 'too-large' | 'directory',
  ) {
    super(message);
  }
}

export interface RepoReadOptions {
  /** The work tree (or folder) the file belongs to: a symlink may not lead out of it. */
  root: string;
  /** How to name the file in an error (default: path relative to root). */
  shown?: string;
  /** Size bound in bytes (default REPO_FILE_LIMIT). */
  limit?: number;
  /** The user named this path on the command line: it may live, or lead, anywhere. */
  named?: boolean;
}

const within = (root: string, path: string) => {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
};

function kindOf(info: Stats): string {
  if (info.isFIFO()) return 'a FIFO';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  if (info.isDirectory()) return 'a directory';
  return 'not a regular file';
}

const showName = (file: string, options: { root: string; shown?: string }) =>
  options.shown ?? (relative(options.root, file) || file);

/** The root's real path, so a tree reached through a symlinked folder (macOS /tmp) still contains itself. */
async function realRoot(root: string): Promise<string> {
  return realpath(root).catch(() => resolve(root));
}

/**
 * Where `file` really is, refusing a link or parent folder that leads out of `root`.
 * Returns undefined when the file does not exist (a dangling link inside the tree counts as missing).
 */
async function resolveInside(file: string, options: RepoReadOptions): Promise<string | undefined> {
  let real: string;
  try {
    real = await realpath(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP') {
      // A dangling link pointing out of the tree says nothing either way; treat it as absent.
      return undefined;
    }
    throw error;
  }
  if (!options.named && !within(await realRoot(options.root), real)) {
    throw new RepoFileError(
      `${showName(file, options)} is a symlink leading outside the repository (to ${real}); keyguard does not follow it.`,
      'outside',
    );
  }
  return real;
}

/**
 * Read a repository-controlled file: never through a link out of `root`, never a FIFO, device or
 * socket (opened non-blocking, checked with fstat), never more than `limit` bytes. Returns undefined
 * when the file does not exist; throws RepoFileError when it is refused.
 */
export async function readRepoFile(file: string, options: RepoReadOptions): Promise<Buffer | undefined> {
  const limit = options.limit ?? REPO_FILE_LIMIT;
  const shown = showName(file, options);
  const real = await resolveInside(file, options);
  if (real === undefined) return undefined;
  // A named path may be a pipe the user meant (--config <(…)): block on it; a repository's may not.
  const flags = constants.O_RDONLY | (options.named ? 0 : constants.O_NONBLOCK | constants.O_NOFOLLOW);
  let handle: FileHandle;
  try {
    handle = await open(real, flags);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    if (code === 'ELOOP') throw new RepoFileError(`${shown} changed into a symlink while being read.`, 'symlink');
    if (code === 'ENXIO') throw new RepoFileError(`${shown} is a socket or FIFO; keyguard skips it.`, 'special');
    throw error;
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw new RepoFileError(`${shown} is a directory, not a file.`, 'directory');
    if (!info.isFile() && !options.named) {
      throw new RepoFileError(`${shown} is ${kindOf(info)}, not a regular file; keyguard skips it.`, 'special');
    }
    if (info.isFile() && info.size > limit) throw tooLarge(shown, limit);
    // Read at most limit + 1 bytes: a file that grows (or a pipe) cannot make us read more.
    const buffer = Buffer.alloc(Math.min(limit + 1, info.isFile() ? info.size + 1 : limit + 1));
    let used = 0;
    for (;;) {
      if (used === buffer.length) break;
      const { bytesRead } = await handle.read(buffer, used, buffer.length - used, null);
      if (bytesRead === 0) break;
      used += bytesRead;
    }
    if (used > limit) throw tooLarge(shown, limit);
    return buffer.subarray(0, used);
  } finally {
    await handle.close();
  }
}

function tooLarge(shown: string, limit: number): RepoFileError {
  return new RepoFileError(
    `${shown} is larger than ${Math.round(limit / 1024 / 1024)} MB; keyguard does not read it.`,
    'too-large',
  );
}

/** readRepoFile as UTF-8 text. */
export async function readRepoText(file: string, options: RepoReadOptions): Promise<string | undefined> {
  return (await readRepoFile(file, options))?.toString('utf8');
}

export interface RepoWriteOptions {
  /** The work tree (or folder) the file must stay in. */
  root: string;
  shown?: string;
  /** The user named this path on the command line: it may be outside `root` (never a symlink). */
  named?: boolean;
  /** Mode for a file keyguard creates (default: 0666 less the umask); with `forceMode` also an existing one's. */
  mode?: number;
  forceMode?: boolean;
  /** 'replace' (default): temp file + rename; 'append': O_APPEND; 'create': only if absent (O_EXCL). */
  how?: 'replace' | 'append' | 'create';
}

/**
 * Check that `file` may be written: its folder really lies inside `root` (unless the user named a
 * path outside it), and the file itself is not a symlink or special file. Returns the file's lstat,
 * or undefined when it does not exist.
 */
export async function checkRepoWrite(file: string, options: RepoWriteOptions): Promise<Stats | undefined> {
  const shown = showName(file, options);
  const root = resolve(options.root);
  // A path the user typed that lies outside the tree is theirs; one inside must stay inside.
  const confined = !options.named || within(root, resolve(file));
  if (confined) {
    if (!within(root, resolve(file))) {
      throw new RepoFileError(`${shown} is outside the repository; keyguard does not write there.`, 'outside');
    }
    const dir = await realpath(dirname(resolve(file))).catch(() => undefined);
    if (dir !== undefined && !within(await realRoot(root), dir)) {
      throw new RepoFileError(
        `${shown} lies in a folder that is a symlink leading outside the repository; keyguard does not write there.`,
        'outside',
      );
    }
  }
  const info = await lstat(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (info?.isSymbolicLink()) {
    throw new RepoFileError(
      `${shown} is a symlink; keyguard does not write through it (replace it with a regular file, or write elsewhere).`,
      'symlink',
    );
  }
  if (info && !info.isFile()) {
    throw new RepoFileError(
      `${shown} is ${kindOf(info)}, not a regular file; keyguard does not write to it.`,
      'special',
    );
  }
  return info;
}

/** Marks keyguard's temp files: `.env.keyguard-tmp-1a2b…`. */
export const TEMP_MARK = '.keyguard-tmp-';

const NOFOLLOW_WRITE = constants.O_WRONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/** Write a repository file through the one door: see checkRepoWrite for what is refused. */
export async function writeRepoFile(file: string, data: string | Buffer, options: RepoWriteOptions): Promise<void> {
  const info = await checkRepoWrite(file, options);
  const how = options.how ?? 'replace';
  if (how === 'replace') {
    const keep = options.forceMode || !info ? options.mode : info.mode & 0o7777;
    await replaceFile(file, data, keep);
    return;
  }
  const mode = options.mode ?? 0o666;
  const flags =
    NOFOLLOW_WRITE | constants.O_CREAT | (how === 'create' || !info ? constants.O_EXCL : 0) | constants.O_APPEND;
  const handle = await open(file, flags, mode).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ELOOP') {
      throw new RepoFileError(
        `${showName(file, options)} is a symlink; keyguard does not write through it.`,
        'symlink',
      );
    }
    throw error;
  });
  try {
    if (options.forceMode && options.mode !== undefined) await handle.chmod(options.mode);
    await handle.writeFile(data);
  } finally {
    await handle.close();
  }
}

/**
 * Replace `file` in one step: a temp file beside it (O_EXCL|O_NOFOLLOW, so nothing planted there is
 * written through), synced, renamed over; rename() replaces a link itself, never its target. With
 * `mode`, the temp file is 0600 from creation and gets `mode` only once it has the final name (fchmod
 * on the still-open handle), so a kill at any point never leaves a wider-open copy. The temp name
 * `<name>.keyguard-tmp-<hex>` is one doctor's env-file patterns cover, and removeLeftovers() finds.
 */
export async function replaceFile(file: string, data: string | Buffer, mode?: number): Promise<void> {
  const { randomBytes } = await import('node:crypto');
  const temp = join(dirname(file), `${basename(file)}${TEMP_MARK}${randomBytes(6).toString('hex')}`);
  try {
    const handle = await open(
      temp,
      NOFOLLOW_WRITE | constants.O_CREAT | constants.O_EXCL,
      mode === undefined ? 0o666 : 0o600,
    );
    try {
      await handle.writeFile(data);
      await handle.sync();
      await rename(temp, file);
      if (mode !== undefined) await handle.chmod(mode);
    } finally {
      await handle.close();
    }
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** chmod that never follows a link: opens the file O_NOFOLLOW and changes the open file's mode. */
export async function chmodRepoFile(file: string, mode: number, options: RepoWriteOptions): Promise<void> {
  await checkRepoWrite(file, options);
  const handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    await handle.chmod(mode);
  } finally {
    await handle.close();
  }
}

/**
 * Remove temp files a killed run left beside `file` (they may hold a new key). Only regular files
 * with keyguard's mark are removed; the caller holds the lock that makes them leftovers.
 */
export async function removeLeftovers(file: string): Promise<string[]> {
  const { readdir } = await import('node:fs/promises');
  const prefix = `${basename(file)}${TEMP_MARK}`;
  const names = await readdir(dirname(file)).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of names.filter((n) => n.startsWith(prefix))) {
    const path = join(dirname(file), name);
    const info = await lstat(path).catch(() => undefined);
    if (!info?.isFile()) continue;
    await rm(path, { force: true });
    removed.push(name);
  }
  return removed;
}
