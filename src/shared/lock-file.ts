import { open, readFile, rm } from 'node:fs/promises';
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

async function readHolder(path: string): Promise<LockHolder | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<LockHolder>;
    if (typeof parsed.pid === 'number' && typeof parsed.host === 'string' && typeof parsed.time === 'string') {
      return parsed as LockHolder;
    }
  } catch {
    // Unreadable or half-written: the caller treats it as held by an unknown process.
  }
  return undefined;
}

/** A lock is stale when its holder ran on this host and that process is gone. */
function isStale(holder: LockHolder | undefined): boolean {
  if (!holder || holder.host !== hostname()) return false;
  if (holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

async function tryCreate(path: string, holder: LockHolder): Promise<boolean> {
  try {
    const handle = await open(path, 'wx', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(holder)}\n`);
    } finally {
      await handle.close();
    }
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
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
    const current = await readHolder(path);
    if (isStale(current)) {
      await rm(path, { force: true });
      continue;
    }
    if (Date.now() >= deadline) throw new LockHeldError(path, current);
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 20));
  }
}
