import { randomUUID } from 'node:crypto';
import type { AuditRecord } from '../audit/event.js';
import { ExitCode, UsageError } from '../shared/errors.js';
import { checkNewKey, rejectNewKey } from './check-new-key.js';
import { describe, failure, StopRequested, TransientVerify } from './failure.js';
import { deactivateOldKey } from './finish.js';
import { auditRef, keyRef } from './keys.js';
import type { VerifyResult } from './ports.js';
import { loadPrior, preflight } from './preflight.js';
import { rollback, settle } from './recovery.js';
import type { RotationDeps, RotationRequest, RotationResult, RunContext } from './run-types.js';
import { type ActivePhase, type KeyRef, type Phase, phaseDone, type RotationState, writeState } from './state.js';
import { runStep } from './step.js';
import { promoteNewKey, stageNewKey, verifyAgain } from './store-phases.js';
import type { CurrentSecret, SecretStore, SecretVersion } from './stores/store.js';

/**
 * One rotation of one environment's key (DESIGN §6), and the one owner of its state: the plan
 * (request), the store and the Anthropic clients (deps), the state file, the audit trail and the
 * stop signal. One method per phase; the longer phases live in preflight.ts, check-new-key.ts,
 * store-phases.ts, recovery.ts and finish.ts as functions of the run (RunContext).
 */
export class RotationRun implements RunContext {
  readonly log: (line: string) => void;
  readonly environment: string;
  readonly newRef: KeyRef;
  state: RotationState | undefined;
  rotationId: string = randomUUID();
  oldRef!: KeyRef;
  oldValue: string | undefined;
  previous!: SecretVersion;
  staged: SecretVersion | undefined;

  constructor(
    readonly request: RotationRequest,
    readonly deps: RotationDeps,
  ) {
    this.log = deps.log ?? (() => {});
    this.environment = request.environment;
    this.newRef = keyRef(request.newKey);
  }

  get store(): SecretStore {
    return this.deps.store;
  }

  /** Every phase in order, skipping those a resumed rotation already did. */
  async execute(): Promise<RotationResult> {
    if (this.request.deactivateOld && !this.deps.admin && !this.request.dryRun) {
      throw new UsageError(
        '--deactivate-old needs an Admin API key (ANTHROPIC_ADMIN_API_KEY, or the variable named by anthropic.adminKeyEnv); nothing was changed.',
      );
    }
    await loadPrior(this);
    this.stopIfAsked(undefined);
    await this.preflight();
    if (!phaseDone(this.state, 'verified')) {
      await this.verify();
      if (this.request.dryRun) return this.result('verified');
    }
    if (!phaseDone(this.state, 'staged')) await this.stage();
    if (!phaseDone(this.state, 'promoted')) await this.promote();
    if (!phaseDone(this.state, 'succeeded')) await this.verifyAgain();
    if (!this.request.deactivateOld) return this.result('succeeded');
    const oldKeyStatus = await this.finish();
    return { ...this.result(oldKeyStatus ? 'finished' : 'succeeded'), ...(oldKeyStatus ? { oldKeyStatus } : {}) };
  }

  // The phases.

  /** Take the prior state into account, read the current secret, record RotationStarted. */
  preflight(): Promise<CurrentSecret> {
    return preflight(this);
  }

  /** The new key is well-formed, new, live and of the right workspace; recorded unless a dry run. */
  async verify(): Promise<void> {
    await checkNewKey(this);
    this.log(`✓ new key ${this.newRef.hint} verified`);
    if (this.request.dryRun) return;
    await this.deps.trail.record(this.event('NewKeyVerified'));
    await this.reached('verified');
  }

  stage(): Promise<void> {
    return stageNewKey(this);
  }

  promote(): Promise<void> {
    return promoteNewKey(this);
  }

  verifyAgain(): Promise<void> {
    return verifyAgain(this);
  }

  /** A step before promotion failed: exit 5 (or 4) when nothing changed, else roll back. */
  settle(error: unknown, what: string): Promise<never> {
    return settle(this, error, what);
  }

  /** Put the old key back (exit 6), or hand over manual steps (exit 7). */
  rollback(reason: string): Promise<never> {
    return rollback(this, reason);
  }

  /** Refuse the new key (exit 3 or 4): nothing was changed. */
  reject(code: number, message: string): Promise<never> {
    return rejectNewKey(this, code, message);
  }

  /** --deactivate-old: end the overlap right after success; returns the old key's new status. */
  async finish(): Promise<string> {
    try {
      return await deactivateOldKey(this, this.state!, Boolean(this.request.archiveOld));
    } catch (error) {
      const { environment } = this;
      throw failure(
        ExitCode.usage,
        `${environment} was rotated (the store serves ${this.newRef.hint}), but the old key was not deactivated: ${describe(error)}. Run keyguard rotate --env ${environment} --finish when that is fixed.`,
      );
    }
  }

  // What every phase uses.

  storeRef(versionId: string | null | undefined) {
    return { type: this.store.type, locator: this.store.locator, versionId: versionId ?? null };
  }

  event(action: AuditRecord['action'], extra: Partial<AuditRecord> = {}): AuditRecord {
    return {
      action,
      environment: this.environment,
      rotationId: this.rotationId,
      store: this.storeRef(this.staged?.id ?? this.previous?.id),
      oldKey: auditRef(this.oldRef),
      newKey: auditRef(this.newRef),
      ...extra,
    };
  }

  call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return runStep(what, fn, this.deps, this.log);
  }

  verifyLive(key: string): Promise<VerifyResult> {
    return this.call('live check', async () => {
      const result = await this.deps.verifier.verify(key);
      if (result.transient) throw new TransientVerify(result);
      return result;
    });
  }

  async save(phase: Phase): Promise<void> {
    if (this.request.dryRun) return;
    const now = new Date().toISOString();
    this.state = {
      v: 1,
      rotationId: this.rotationId,
      environment: this.environment,
      phase,
      startedAt: this.state?.startedAt ?? now,
      updatedAt: now,
      store: { type: this.store.type, locator: this.store.locator },
      previousVersion: this.previous ?? null,
      stagedVersion: this.staged ?? null,
      oldKey: this.oldRef,
      newKey: this.newRef,
    };
    await writeState(this.deps.stateDir, this.state);
  }

  async reached(phase: ActivePhase): Promise<void> {
    await this.save(phase);
    await this.deps.afterPhase?.(phase);
    if (phase !== 'succeeded') this.stopIfAsked(phase);
  }

  /**
   * A safe point: the phase just reached is recorded, so stopping here is a clean interruption that
   * --resume continues. Nothing is rolled back: the user asked to stop, not to undo.
   */
  private stopIfAsked(phase: ActivePhase | undefined): void {
    const stop = this.deps.stop;
    if (!stop?.aborted) return;
    const { environment } = this;
    if (!phase) {
      throw new StopRequested(
        `stopped by ${String(stop.reason)} before rotating ${environment}; nothing was changed.`,
        stop.reason,
      );
    }
    const where = phaseDone(this.state, 'staged')
      ? `the store holds the new key ${this.newRef.hint}`
      : `the store still holds the old key ${this.oldRef.hint}`;
    throw new StopRequested(
      `stopped by ${String(stop.reason)} after phase ${phase} of rotation ${this.rotationId} (${where}); run keyguard rotate --env ${environment} --resume with the same new key to continue.`,
      stop.reason,
    );
  }

  private result(phase: Phase): RotationResult {
    return {
      rotationId: this.rotationId,
      environment: this.environment,
      phase,
      dryRun: Boolean(this.request.dryRun),
      store: this.storeRef(this.staged?.id ?? this.previous?.id),
      oldKey: this.oldRef,
      newKey: this.newRef,
    };
  }
}
