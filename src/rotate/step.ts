import { describe } from './failure.js';
import { DEFAULT_RETRY, judgeError, withRetry } from './retry.js';
import type { RotationDeps } from './run-types.js';

/**
 * One step against the store or the Anthropic API, as every rotation command runs it: transient
 * errors retried with the deps' policy and clock, each retry announced on the progress log.
 */
export function runStep<T>(
  what: string,
  fn: () => Promise<T>,
  deps: Pick<RotationDeps, 'retry' | 'clock'>,
  log: (line: string) => void,
): Promise<T> {
  return withRetry(fn, judgeError, {
    policy: deps.retry ?? DEFAULT_RETRY,
    ...(deps.clock ? { clock: deps.clock } : {}),
    onRetry: (attempt, delay, error) => log(`  ${what}: ${describe(error)}; retry ${attempt} in ${delay} ms`),
  });
}
