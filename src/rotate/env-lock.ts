import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../shared/errors.js';
import { acquireLock, describeHolder, LockHeldError, type ReleaseLock } from '../shared/lock-file.js';

/**
 * One writer per environment: `.keyguard/state/<env>.lock` names its holder. A second rotation is
 * refused at once (exit 2) saying who holds it; a lock left by a dead process on this host is taken over.
 */
export async function lockEnvironment(stateDir: string, environment: string, purpose: string): Promise<ReleaseLock> {
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const path = join(stateDir, `${environment}.lock`);
  try {
    return await acquireLock(path, { purpose: `${purpose} ${environment}` });
  } catch (error) {
    if (error instanceof LockHeldError) {
      throw new UsageError(
        `another keyguard is working on ${environment}: ${describeHolder(error.holder)}. Wait for it, or delete ${path} if that process is gone.`,
      );
    }
    throw error;
  }
}
