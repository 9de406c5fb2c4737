import { fingerprint } from '../key/fingerprint.js';
import { ExitCode } from '../shared/errors.js';
import { failure } from './failure.js';
import { malformedReason } from './keys.js';
import type { ConsoleKey, VerifyResult } from './ports.js';
import { RetriesExhausted } from './retry.js';
import type { RunContext } from './run-types.js';

/** The new key is refused: record it (not on a dry run) and throw with the exit code; nothing changed. */
export async function rejectNewKey(run: RunContext, code: number, message: string): Promise<never> {
  if (!run.request.dryRun) {
    await run.deps.trail.recordLate(
      run.event('RotationFailed', {
        outcome: 'failure',
        error: { code: code === ExitCode.transient ? 'Transient' : 'NewKeyRejected', message },
      }),
    );
    await run.save('failed');
  }
  throw failure(code, `the new key ${run.newRef.hint} was rejected: ${message}; nothing was changed.`);
}

/**
 * Step 2 of DESIGN §6: the new key is well-formed, differs from the old, works (GET /v1/models), and,
 * when an admin key is available, is an active key of the same workspace as the old one.
 */
export async function checkNewKey(run: RunContext): Promise<void> {
  const { newRef } = run;
  const newKey = run.request.newKey;
  const malformed = malformedReason(newKey);
  if (malformed) return run.reject(ExitCode.newKeyRejected, malformed);
  if (
    newRef.fingerprint === run.oldRef.fingerprint ||
    (run.oldValue && fingerprint(run.oldValue) === newRef.fingerprint)
  ) {
    return run.reject(ExitCode.newKeyRejected, 'it is the key the store already holds');
  }
  let live: VerifyResult;
  try {
    live = await run.verifyLive(newKey);
  } catch (error) {
    if (error instanceof RetriesExhausted) {
      return run.reject(
        ExitCode.transient,
        `the live check kept failing with transient errors (${(error.last as Error).message}; ${error.attempts} attempts)`,
      );
    }
    throw error;
  }
  if (live.status === 'inactive') return run.reject(ExitCode.newKeyRejected, `the API refused it: ${live.detail}`);
  if (live.status === 'forbidden')
    return run.reject(ExitCode.newKeyRejected, `it is not allowed to call the API: ${live.detail}`);
  if (live.status !== 'active')
    return run.reject(
      ExitCode.newKeyRejected,
      `its live check was inconclusive (${live.detail}); keyguard fails closed`,
    );
  run.log(`  live check: active${live.requestId ? ` (request ${live.requestId})` : ''}`);

  const { admin } = run.deps;
  const workspaceId = run.request.workspaceId || undefined;
  if (!admin) {
    if (workspaceId) run.log(`  cannot check workspace ${workspaceId} without an Admin API key`);
    return;
  }
  const matches: ConsoleKey[] = await run.call('find the new key in the Console', () => admin.findByHint(newRef.hint));
  if (matches.length === 0) {
    return run.reject(
      ExitCode.newKeyRejected,
      'the Admin API does not list it (another organization, or the admin key cannot see it)',
    );
  }
  const workspaces = new Set(matches.map((k) => k.workspaceId ?? null));
  if (workspaces.size > 1) {
    return run.reject(
      ExitCode.newKeyRejected,
      `${matches.length} Console keys share its hint across workspaces; cannot tell which it is`,
    );
  }
  const match = matches.length === 1 ? matches[0]! : (matches.find((k) => k.status === 'active') ?? matches[0]!);
  if (match.status !== 'active') return run.reject(ExitCode.newKeyRejected, `the Console lists it as ${match.status}`);
  const workspace = match.workspaceId ?? null;
  const expected = workspaceId ?? (run.oldRef.apiKeyId ? (run.oldRef.workspaceId ?? null) : undefined);
  if (expected !== undefined && workspace !== expected) {
    return run.reject(
      ExitCode.newKeyRejected,
      `it belongs to workspace ${workspace ?? 'default'}, the old key to ${expected ?? 'default'}`,
    );
  }
  newRef.apiKeyId = matches.length === 1 ? match.id : null;
  newRef.workspaceId = workspace;
  run.log(`  Console id ${match.id} (${match.name}), workspace ${workspace ?? 'default'}`);
}
