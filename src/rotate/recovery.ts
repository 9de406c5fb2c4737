import type { AuditRecord } from '../audit/event.js';
import type { AuditTrail } from '../audit/trail.js';
import { fingerprint } from '../key/fingerprint.js';
import { ExitCode, KeyguardError } from '../shared/errors.js';
import { describe, errorCode, failure } from './failure.js';
import { keyRef } from './keys.js';
import type { VerifyResult } from './ports.js';
import { RetriesExhausted } from './retry.js';
import type { KeyRef, Phase } from './state.js';
import type { SecretStore, SecretVersion } from './stores/store.js';

/** The state of a run that failure handling needs (engine.ts builds it). */
export interface RecoveryContext {
  store: SecretStore;
  trail: AuditTrail;
  environment: string;
  oldRef: KeyRef;
  newRef: KeyRef;
  /** The old value, when known (needed to roll back a store without versions). */
  oldValue: string | undefined;
  previous: SecretVersion;
  staged: SecretVersion | undefined;
  log(line: string): void;
  call<T>(what: string, fn: () => Promise<T>): Promise<T>;
  verifyLive(key: string): Promise<VerifyResult>;
  event(action: AuditRecord['action'], extra?: Partial<AuditRecord>): AuditRecord;
  storeRef(versionId: string | null | undefined): { type: string; locator: string; versionId: string | null };
  save(phase: Phase): Promise<void>;
}

/**
 * A step before promotion failed. When the store still serves the old key nothing changed (exit 5,
 * or 4 when transient errors ran out); otherwise consumers may see the new value: roll back.
 */
export async function settle(ctx: RecoveryContext, error: unknown, what: string): Promise<never> {
  if (ctx.staged && ctx.store.capabilities.staging) {
    await ctx
      .call('abandon the staged version', () => ctx.store.abandon(ctx.staged!))
      .catch((e) => ctx.log(`  could not drop the staged version ${ctx.staged!.id}: ${describe(e)}`));
  }
  const current = await ctx.call('read the current secret', () => ctx.store.readCurrent()).catch(() => undefined);
  if (current && fingerprint(current.value) === ctx.oldRef.fingerprint) {
    const code = error instanceof RetriesExhausted ? ExitCode.transient : ExitCode.storeWriteFailed;
    const message = `${what}: ${describe(error)}`;
    await ctx.trail.recordLate(
      ctx.event('RotationFailed', { outcome: 'failure', error: { code: errorCode(error), message } }),
    );
    await ctx.save('failed');
    throw failure(code, `${message}; the store still serves the old key, nothing changed.`);
  }
  return rollback(ctx, `${what}: ${describe(error)}`);
}

function manualSteps(ctx: RecoveryContext): string[] {
  return [
    `the store ${ctx.store.type} ${ctx.store.locator} may serve the new key ${ctx.newRef.hint} or an unknown value.`,
    `1. Put the old key (${ctx.oldRef.hint}, fingerprint ${ctx.oldRef.fingerprint.slice(0, 12)}…) back as the current value${ctx.previous ? ` (previous version ${ctx.previous.id})` : ''}, or keep the new key if it works.`,
    '2. Check what consumers read: keyguard rotate status.',
    `3. Both keys stay active in the Console until you decide; then: keyguard revoke --hint '<hint of the key to drop>'.`,
    `4. Remove ${ctx.environment}.json from the state directory once the store is consistent.`,
  ];
}

export async function rollback(ctx: RecoveryContext, reason: string): Promise<never> {
  ctx.log(`✗ ${reason}; rolling back`);
  const staged = ctx.staged;
  const fail = async (why: string): Promise<never> => {
    await ctx.trail.recordLate(
      ctx.event('RollbackFailed', {
        outcome: 'failure',
        error: { code: 'RollbackFailed', message: `${reason}; ${why}` },
      }),
    );
    await ctx.save('rollback-failed');
    throw failure(
      ExitCode.rollbackFailed,
      `${reason}, and the rollback failed: ${why}. Manual steps:`,
      manualSteps(ctx),
    );
  };
  if (ctx.oldValue === undefined)
    return fail('the old value is not known to keyguard (the store keeps no previous version)');
  let now: SecretVersion;
  try {
    now = await ctx.call('roll back', () => ctx.store.rollback(ctx.previous, ctx.oldValue!, staged ?? ctx.previous));
    const current = await ctx.call('read the current secret', () => ctx.store.readCurrent());
    if (fingerprint(current.value) !== ctx.oldRef.fingerprint) {
      return fail(`after the rollback the store serves ${keyRef(current.value).hint}, not the old key`);
    }
  } catch (error) {
    if (error instanceof KeyguardError && error.exitCode === ExitCode.rollbackFailed) throw error;
    return fail(describe(error));
  }
  const oldLive = await ctx.verifyLive(ctx.oldValue).catch(() => undefined);
  const liveNote =
    oldLive?.status === 'active' ? 'and the old key still works' : 'but the old key did not answer as active: check it';
  await ctx.trail.recordLate(
    ctx.event('RotationRolledBack', {
      outcome: 'failure',
      store: ctx.storeRef(now.id),
      error: { code: 'RolledBack', message: reason },
    }),
  );
  await ctx.save('rolled-back');
  throw failure(
    ExitCode.rolledBack,
    `${reason}; rolled back: the store serves the old key again (version ${now.id}), ${liveNote}.`,
  );
}
