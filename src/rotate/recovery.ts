import { fingerprint } from '../key/fingerprint.js';
import { ExitCode, KeyguardError } from '../shared/errors.js';
import { describe, errorCode, failure } from './failure.js';
import { keyRef } from './keys.js';
import { RetriesExhausted } from './retry.js';
import type { RunContext } from './run-types.js';
import type { SecretVersion } from './stores/store.js';

/**
 * A step before promotion failed. When the store still serves the old key nothing changed (exit 5,
 * or 4 when transient errors ran out); otherwise consumers may see the new value: roll back.
 */
export async function settle(run: RunContext, error: unknown, what: string): Promise<never> {
  const { store, staged } = run;
  if (staged && store.capabilities.staging) {
    await run
      .call('abandon the staged version', () => store.abandon(staged))
      .catch((e) => run.log(`  could not drop the staged version ${staged.id}: ${describe(e)}`));
  }
  const current = await run.call('read the current secret', () => store.readCurrent()).catch(() => undefined);
  if (current && fingerprint(current.value) === run.oldRef.fingerprint) {
    const code = error instanceof RetriesExhausted ? ExitCode.transient : ExitCode.storeWriteFailed;
    const message = `${what}: ${describe(error)}`;
    await run.deps.trail.recordLate(
      run.event('RotationFailed', { outcome: 'failure', error: { code: errorCode(error), message } }),
    );
    await run.save('failed');
    throw failure(code, `${message}; the store still serves the old key, nothing changed.`);
  }
  return run.rollback(`${what}: ${describe(error)}`);
}

function manualSteps(run: RunContext): string[] {
  return [
    `the store ${run.store.type} ${run.store.locator} may serve the new key ${run.newRef.hint} or an unknown value.`,
    `1. Put the old key (${run.oldRef.hint}, fingerprint ${run.oldRef.fingerprint.slice(0, 12)}…) back as the current value${run.previous ? ` (previous version ${run.previous.id})` : ''}, or keep the new key if it works.`,
    '2. Check what consumers read: keyguard rotate status.',
    `3. Both keys stay active in the Console until you decide; then: keyguard revoke --hint '<hint of the key to drop>'.`,
    `4. Remove ${run.environment}.json from the state directory once the store is consistent.`,
  ];
}

/** The rollback failed: record it, keep the state, and hand the user the manual steps (exit 7). */
async function rollbackFailed(run: RunContext, reason: string, why: string): Promise<never> {
  await run.deps.trail.recordLate(
    run.event('RollbackFailed', {
      outcome: 'failure',
      error: { code: 'RollbackFailed', message: `${reason}; ${why}` },
    }),
  );
  await run.save('rollback-failed');
  throw failure(ExitCode.rollbackFailed, `${reason}, and the rollback failed: ${why}. Manual steps:`, manualSteps(run));
}

/** Consumers may read the new key and something is wrong: put the old key back (exit 6, or 7). */
export async function rollback(run: RunContext, reason: string): Promise<never> {
  run.log(`✗ ${reason}; rolling back`);
  const { store, staged, previous, oldValue } = run;
  if (oldValue === undefined) {
    return rollbackFailed(run, reason, 'the old value is not known to keyguard (the store keeps no previous version)');
  }
  let now: SecretVersion;
  try {
    now = await run.call('roll back', () => store.rollback(previous, oldValue, staged ?? previous));
    const current = await run.call('read the current secret', () => store.readCurrent());
    if (fingerprint(current.value) !== run.oldRef.fingerprint) {
      return rollbackFailed(
        run,
        reason,
        `after the rollback the store serves ${keyRef(current.value).hint}, not the old key`,
      );
    }
  } catch (error) {
    if (error instanceof KeyguardError && error.exitCode === ExitCode.rollbackFailed) throw error;
    return rollbackFailed(run, reason, describe(error));
  }
  const oldLive = await run.verifyLive(oldValue).catch(() => undefined);
  const liveNote =
    oldLive?.status === 'active' ? 'and the old key still works' : 'but the old key did not answer as active: check it';
  await run.deps.trail.recordLate(
    run.event('RotationRolledBack', {
      outcome: 'failure',
      store: run.storeRef(now.id),
      error: { code: 'RolledBack', message: reason },
    }),
  );
  await run.save('rolled-back');
  throw failure(
    ExitCode.rolledBack,
    `${reason}; rolled back: the store serves the old key again (version ${now.id}), ${liveNote}.`,
  );
}
