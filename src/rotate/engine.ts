import { lockEnvironment } from './env-lock.js';
import { RotationRun } from './run.js';
import type { RotationDeps, RotationRequest, RotationResult } from './run-types.js';

export { Interrupted } from './failure.js';
export type { RotationDeps, RotationRequest, RotationResult } from './run-types.js';

/**
 * Rotate one environment's key (DESIGN §6) under the environment's lock (none for a dry run): one
 * RotationRun (run.ts) owns the rotation. Returns on success; throws a KeyguardError with the exit
 * code otherwise.
 */
export async function rotate(request: RotationRequest, deps: RotationDeps): Promise<RotationResult> {
  const release = request.dryRun ? undefined : await lockEnvironment(deps.stateDir, request.environment, 'rotate');
  try {
    return await new RotationRun(request, deps).execute();
  } finally {
    await release?.();
  }
}
