import { randomBytes } from 'node:crypto';
import { link, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';

/** Who holds a lock: written into the lock file so a refused caller can say who to ask. */
export interface LockHolder {
  pid: number;
  host: string;
  time: string;
  purpose?: string;
}

export type ReleaseLock = () => Promise<void>;

export class LockHeldError extends Error {
  constructor(
    readonly path: string,
    readonly holder: LockHolder | undefined,
  ) {
    super(`lock ${path} is held`);
  }
}

export function describeHolder(holder: LockHolder | undefined): string {
  if (!holder) return 'an unknown process';
  return `pid ${holder.pid} on ${holder.host} since ${holder.time}${holder.purpose ? ` (${holder.purpose})` : ''}`;
}

/** The lock's raw text (undefined: no lock), so a takeover can check the stale lock is still the same one. */
async function readRaw(path: string): Promise<string | undefined> {
  return readFile(path, 'utf8').catch(() => undefined);
}

function parseHolder(text: string | undefined): LockHolder | undefined {
  try {
    const parsed = JSON.parse(text ?? '') as Partial<LockHolder>;
    if (typeof parsed.pid === 'number' && typeof parsed.host === 'string' && typeof parsed.time === 'string') {
      return parsed as LockHolder;
    }
  } catch {
    // Unreadable or garbled: see isStale.
  }
  return undefined;
}

/**
 * A lock is stale when its holder ran on this host and that process is gone, or when it names no
 * holder at all (empty or garbled: a full disk or a crash). A live lock is never half-written, since
 * tryCreate links a complete file into place, so an empty one cannot be a holder still writing.
 */
function isStale(text: string | undefined, holder: LockHolder | undefined): boolean {
  if (text === undefined) return false;
  if (!holder) return true;
  if (holder.host !== hostname()) return false;
  if (holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Create `path` holding `holder`, only if absent: the content is written to a private temp file
 * first and hard-linked into place (link() fails with EEXIST atomically), so the lock is never seen
 * empty. Where hard links are not supported, falls back to O_CREAT|O_EXCL.
 */
async function tryCreate(path: string, holder: LockHolder): Promise<boolean> {
  const text = `${JSON.stringify(holder)}\n`;
  const temp = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temp, text, { flag: 'wx', mode: 0o600 });
  try {
    await link(temp, path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw error;
    try {
      await writeFile(path, text, { flag: 'wx', mode: 0o600 });
      return true;
    } catch (fallback) {
      if ((fallback as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw fallback;
    }
  } finally {
    await rm(temp, { force: true });
  }
}

/**
 * Remove the stale lock `seen`, under a takeover guard (`<lock>.takeover`, itself a lock): of many
 * processes finding the same stale lock, one removes it, after checking under the guard that it is
 * still that same lock, and none can remove a fresh lock another just took. Returns false when
 * another process holds the guard (the caller looks again).
 */
async function removeStale(path: string, seen: string, holder: LockHolder): Promise<boolean> {
  const guard = `${path}.takeover`;
  if (!(await tryCreate(guard, holder))) {
    // A guard whose holder died mid-takeover would block every takeover: it is stale the same way.
    const text = await readRaw(guard);
    if (isStale(text, parseHolder(text)) && (await readRaw(guard)) === text) await rm(guard, { force: true });
    return false;
  }
  try {
    if ((await readRaw(path)) === seen) await rm(path, { force: true });
    return true;
  } finally {
    await rm(guard, { force: true });
  }
}

/**
 * Take an exclusive lock file (O_CREAT|O_EXCL), naming its holder. A lock left behind by a dead
 * process on this host is taken over; a live one is waited for up to `waitMs`, then LockHeldError.
 */
export async function acquireLock(
  path: string,
  options: { purpose?: string; waitMs?: number; pollMs?: number } = {},
): Promise<ReleaseLock> {
  const holder: LockHolder = {
    pid: process.pid,
    host: hostname(),
    time: new Date().toISOString(),
    ...(options.purpose ? { purpose: options.purpose } : {}),
  };
  const deadline = Date.now() + (options.waitMs ?? 0);
  for (;;) {
    if (await tryCreate(path, holder)) {
      return async () => {
        await rm(path, { force: true });
      };
    }
    const text = await readRaw(path);
    const current = parseHolder(text);
    if (isStale(text, current)) {
      if (!(await removeStale(path, text!, holder))) await new Promise((resolve) => setTimeout(resolve, 1));
      continue;
    }
    if (text === undefined) continue; // released between our attempt and the read: try again
    if (Date.now() >= deadline) throw new LockHeldError(path, current);
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 20));
  }
}
