import { randomUUID } from 'node:crypto';
import type { AuditRecord } from '../audit/event.js';
import type { AuditTrail } from '../audit/trail.js';
import { fingerprint } from '../key/fingerprint.js';
import { ExitCode, UsageError } from '../shared/errors.js';
import { checkNewKey } from './check-new-key.js';
import { lockEnvironment } from './env-lock.js';
import { describe, failure, Interrupted, StopRequested, TransientVerify } from './failure.js';
import { deactivateOldKey } from './finish.js';
import { auditRef, keyRef } from './keys.js';
import type { KeyAdmin, KeyVerifier, VerifyResult } from './ports.js';
import { type RecoveryContext, rollback, settle } from './recovery.js';
import { type Clock, DEFAULT_RETRY, judgeError, type RetryPolicy, withRetry } from './retry.js';
import {
  type ActivePhase,
  isInFlight,
  type KeyRef,
  type Phase,
  phaseDone,
  type RotationState,
  readState,
  writeState,
} from './state.js';
import type { CurrentSecret, SecretStore, SecretVersion } from './stores/store.js';

export interface RotationDeps {
  store: SecretStore;
  verifier: KeyVerifier;
  admin?: KeyAdmin;
  trail: AuditTrail;
  stateDir: string;
  clock?: Clock;
  retry?: RetryPolicy;
  /** Progress lines (stderr). */
  log?: (line: string) => void;
  /** Aborted when the user asked to stop (Ctrl-C, SIGTERM): checked between steps, once state is recorded. */
  stop?: AbortSignal;
  /** Tests: called after each phase is recorded; throwing `Interrupted` stops the run dead, like a kill. */
  afterPhase?: (phase: ActivePhase) => Promise<void> | void;
}

export interface RotationRequest {
  environment: string;
  newKey: string;
  /** The workspace the key must belong to (config environments.<env>.workspaceId). */
  workspaceId?: string;
  dryRun?: boolean;
  resume?: boolean;
  deactivateOld?: boolean;
  archiveOld?: boolean;
}

export interface RotationResult {
  rotationId: string;
  environment: string;
  phase: Phase;
  dryRun: boolean;
  store: { type: string; locator: string; versionId: string | null };
  oldKey: KeyRef;
  newKey: KeyRef;
  oldKeyStatus?: string;
}

export { Interrupted } from './failure.js';

/** Rotate one environment's key (DESIGN §6). Returns on success; throws a KeyguardError with the exit code otherwise. */
export async function rotate(request: RotationRequest, deps: RotationDeps): Promise<RotationResult> {
  const release = request.dryRun ? undefined : await lockEnvironment(deps.stateDir, request.environment, 'rotate');
  try {
    return await new Rotation(request, deps).run();
  } finally {
    await release?.();
  }
}

class Rotation {
  private readonly log: (line: string) => void;
  private state: RotationState | undefined;
  private rotationId: string = randomUUID();
  private oldRef!: KeyRef;
  private newRef: KeyRef;
  private oldValue: string | undefined;
  private previous!: SecretVersion;
  private staged: SecretVersion | undefined;

  constructor(
    private readonly request: RotationRequest,
    private readonly deps: RotationDeps,
  ) {
    this.log = deps.log ?? (() => {});
    this.newRef = keyRef(request.newKey);
  }

  private get store(): SecretStore {
    return this.deps.store;
  }

  private storeRef(versionId: string | null | undefined) {
    return { type: this.store.type, locator: this.store.locator, versionId: versionId ?? null };
  }

  private event(action: AuditRecord['action'], extra: Partial<AuditRecord> = {}): AuditRecord {
    return {
      action,
      environment: this.request.environment,
      rotationId: this.rotationId,
      store: this.storeRef(this.staged?.id ?? this.previous?.id),
      oldKey: auditRef(this.oldRef),
      newKey: auditRef(this.newRef),
      ...extra,
    };
  }

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return withRetry(fn, judgeError, {
      policy: this.deps.retry ?? DEFAULT_RETRY,
      ...(this.deps.clock ? { clock: this.deps.clock } : {}),
      onRetry: (attempt, delay, error) => this.log(`  ${what}: ${describe(error)}; retry ${attempt} in ${delay} ms`),
    });
  }

  private async verifyLive(key: string): Promise<VerifyResult> {
    return this.call('live check', async () => {
      const result = await this.deps.verifier.verify(key);
      if (result.transient) throw new TransientVerify(result);
      return result;
    });
  }

  private async save(phase: Phase): Promise<void> {
    if (this.request.dryRun) return;
    const now = new Date().toISOString();
    this.state = {
      v: 1,
      rotationId: this.rotationId,
      environment: this.request.environment,
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

  private async reached(phase: ActivePhase): Promise<void> {
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
    const { environment } = this.request;
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

  async run(): Promise<RotationResult> {
    if (this.request.deactivateOld && !this.deps.admin && !this.request.dryRun) {
      throw new UsageError(
        '--deactivate-old needs an Admin API key (ANTHROPIC_ADMIN_API_KEY, or the variable named by anthropic.adminKeyEnv); nothing was changed.',
      );
    }
    await this.loadPrior();
    this.stopIfAsked(undefined);
    const current = await this.preflight();
    if (!phaseDone(this.state, 'verified')) {
      await checkNewKey(
        {
          newKey: this.request.newKey,
          oldValue: this.oldValue,
          oldRef: this.oldRef,
          newRef: this.newRef,
          ...(this.request.workspaceId ? { workspaceId: this.request.workspaceId } : {}),
        },
        {
          verifyLive: (key) => this.verifyLive(key),
          admin: this.deps.admin,
          call: (what, fn) => this.call(what, fn),
          log: this.log,
          reject: (code, message) => this.rejectNewKey(code, message),
        },
      );
      this.log(`✓ new key ${this.newRef.hint} verified`);
      if (this.request.dryRun) return this.result('verified');
      await this.deps.trail.record(this.event('NewKeyVerified'));
      await this.reached('verified');
    }
    if (!phaseDone(this.state, 'staged')) await this.stage();
    if (!phaseDone(this.state, 'promoted')) await this.promote(current);
    if (!phaseDone(this.state, 'succeeded')) await this.postVerify();
    let oldKeyStatus: string | undefined;
    if (this.request.deactivateOld) {
      try {
        oldKeyStatus = await deactivateOldKey(
          { environment: this.request.environment, archive: Boolean(this.request.archiveOld) },
          { ...this.deps, state: this.state!, call: (what, fn) => this.call(what, fn) },
        );
      } catch (error) {
        const { environment } = this.request;
        throw failure(
          ExitCode.usage,
          `${environment} was rotated (the store serves ${this.newRef.hint}), but the old key was not deactivated: ${describe(error)}. Run keyguard rotate --env ${environment} --finish when that is fixed.`,
        );
      }
    }
    return { ...this.result(oldKeyStatus ? 'finished' : 'succeeded'), ...(oldKeyStatus ? { oldKeyStatus } : {}) };
  }

  private result(phase: Phase): RotationResult {
    return {
      rotationId: this.rotationId,
      environment: this.request.environment,
      phase,
      dryRun: Boolean(this.request.dryRun),
      store: this.storeRef(this.staged?.id ?? this.previous?.id),
      oldKey: this.oldRef,
      newKey: this.newRef,
    };
  }

  /** An interrupted rotation must be resumed (or it blocks a new one); --resume needs one. */
  private async loadPrior(): Promise<void> {
    const { environment } = this.request;
    const prior = await readState(this.deps.stateDir, environment);
    if (this.request.resume) {
      if (!prior || !isInFlight(prior)) {
        const last = prior ? ` (the last rotation, ${prior.rotationId}, ended: ${prior.phase})` : '';
        throw new UsageError(`there is no interrupted rotation of ${environment} to resume${last}.`);
      }
      if (prior.newKey.fingerprint !== this.newRef.fingerprint) {
        throw new UsageError(
          `the key given is not the one rotation ${prior.rotationId} was rotating in (${prior.newKey.hint}); pass that key again.`,
        );
      }
      this.state = prior;
      this.rotationId = prior.rotationId;
      this.staged = prior.stagedVersion ?? undefined;
      this.log(`resuming rotation ${prior.rotationId} of ${environment} after phase ${prior.phase}`);
    } else if (prior?.phase === 'succeeded' && !this.request.dryRun) {
      this.log(
        `note: the old key of the last rotation (${prior.oldKey.apiKeyId ?? prior.oldKey.hint}) was never deactivated (rotate --finish); check it in the Console`,
      );
    } else if (prior && isInFlight(prior) && !this.request.dryRun) {
      throw new UsageError(
        `rotation ${prior.rotationId} of ${environment} was interrupted after phase ${prior.phase}: run keyguard rotate --env ${environment} --resume with the same new key.`,
      );
    }
  }

  private async preflight(): Promise<CurrentSecret> {
    await this.call('store preflight', () => this.store.preflight(this.rotationId));
    const current = await this.call('read the current secret', () => this.store.readCurrent());
    if (this.state) {
      this.oldRef = this.state.oldKey;
      this.previous = this.state.previousVersion ?? current.version;
      this.oldValue = await this.recoverOldValue(current);
      return current;
    }
    this.oldValue = current.value;
    this.previous = current.version;
    this.oldRef = keyRef(current.value);
    this.log(`current key of ${this.request.environment}: ${this.oldRef.hint} (${this.store.locator})`);
    if (this.deps.admin) {
      const matches = await this.call('find the old key in the Console', () =>
        this.deps.admin!.findByHint(this.oldRef.hint),
      );
      const active = matches.filter((k) => k.status === 'active');
      const match = matches.length === 1 ? matches[0] : active.length === 1 ? active[0] : undefined;
      if (match) {
        this.oldRef = keyRef(current.value, match.id, match.workspaceId);
        this.log(`  Console id ${match.id} (${match.name})`);
      } else {
        this.log(
          matches.length === 0
            ? '  the Admin API does not list the current key (another organization, or not an API key)'
            : `  ${matches.length} Console keys share the hint ${this.oldRef.hint}; the old key id stays unknown`,
        );
      }
    }
    if (!this.request.dryRun) {
      // Until something changes, an audit log that cannot be written stops the rotation (record
      // throws); after a change, stopping would be worse than a gap, so later events use recordLate.
      await this.deps.trail.record(this.event('RotationStarted'));
      await this.reached('started');
    }
    return current;
  }

  /** On resume the old value is needed for a rollback: it is the current one, or the previous version. */
  private async recoverOldValue(current: CurrentSecret): Promise<string | undefined> {
    if (fingerprint(current.value) === this.oldRef.fingerprint) return current.value;
    if (this.state?.previousVersion) {
      try {
        const value = await this.store.readVersion(this.state.previousVersion.id);
        if (fingerprint(value) === this.oldRef.fingerprint) return value;
      } catch {
        // Not versioned: a rollback will say it needs manual steps.
      }
    }
    return undefined;
  }

  private async rejectNewKey(code: number, message: string): Promise<never> {
    if (!this.request.dryRun) {
      await this.deps.trail.recordLate(
        this.event('RotationFailed', {
          outcome: 'failure',
          error: { code: code === ExitCode.transient ? 'Transient' : 'NewKeyRejected', message },
        }),
      );
      await this.save('failed');
    }
    throw failure(code, `the new key ${this.newRef.hint} was rejected: ${message}; nothing was changed.`);
  }

  private async stage(): Promise<void> {
    if (this.staged) {
      // Resumed after stage(): is the staged version there with the new value?
      const value = await this.call('read the staged version', () => this.store.readVersion(this.staged!.id)).catch(
        () => undefined,
      );
      if (value === undefined || fingerprint(value) !== this.newRef.fingerprint) this.staged = undefined;
    }
    if (!this.staged) {
      try {
        this.staged = await this.call('stage the new key', () =>
          this.store.stage(this.request.newKey, this.rotationId),
        );
      } catch (error) {
        if (error instanceof Interrupted) throw error;
        return settle(this.recovery(), error, 'writing the new key to the store failed');
      }
    }
    let readBack: string;
    try {
      readBack = await this.call('read back the staged key', () => this.store.readVersion(this.staged!.id));
    } catch (error) {
      return settle(this.recovery(), error, 'reading back the staged key failed');
    }
    if (fingerprint(readBack) !== this.newRef.fingerprint) {
      return settle(
        this.recovery(),
        new Error('the value read back differs from the key written (fingerprints differ)'),
        'read-back check failed',
      );
    }
    this.log(`✓ new key staged as version ${this.staged.id} and read back`);
    await this.deps.trail.recordLate(this.event('PendingWritten'));
    await this.reached('staged');
  }

  private async promote(_before: CurrentSecret): Promise<void> {
    const staged = this.staged!;
    const now = await this.call('read the current secret', () => this.store.readCurrent()).catch(() => undefined);
    const done =
      now !== undefined &&
      fingerprint(now.value) === this.newRef.fingerprint &&
      (!this.store.capabilities.staging || now.version.id === staged.id);
    if (!done) {
      try {
        await this.call('promote the new key', () => this.store.promote(staged, this.previous));
      } catch (error) {
        if (error instanceof Interrupted) throw error;
        return settle(this.recovery(), error, 'promoting the new key failed');
      }
    }
    this.log(`✓ promoted: consumers now read the new key`);
    await this.deps.trail.recordLate(this.event('Promoted'));
    await this.reached('promoted');
  }

  private async postVerify(): Promise<void> {
    let current: CurrentSecret;
    try {
      current = await this.call('read the current secret', () => this.store.readCurrent());
    } catch (error) {
      return rollback(this.recovery(), `reading the store after promotion failed: ${describe(error)}`);
    }
    if (fingerprint(current.value) !== this.newRef.fingerprint) {
      return rollback(
        this.recovery(),
        `after promotion the store serves ${keyRef(current.value).hint}, not the new key`,
      );
    }
    let live: VerifyResult;
    try {
      live = await this.verifyLive(this.request.newKey);
    } catch (error) {
      return rollback(this.recovery(), `the live check after promotion failed: ${describe(error)}`);
    }
    if (live.status !== 'active')
      return rollback(this.recovery(), `the live check after promotion answered ${live.status}: ${live.detail}`);
    this.log(`✓ the store serves the new key, and it works`);
    await this.deps.trail.recordLate(this.event('RotationSucceeded', { store: this.storeRef(current.version.id) }));
    await this.reached('succeeded');
  }

  /** What settle/rollback (recovery.ts) need of this run, as it stands now. */
  private recovery(): RecoveryContext {
    return {
      store: this.store,
      trail: this.deps.trail,
      environment: this.request.environment,
      oldRef: this.oldRef,
      newRef: this.newRef,
      oldValue: this.oldValue,
      previous: this.previous,
      staged: this.staged,
      log: this.log,
      call: (what, fn) => this.call(what, fn),
      verifyLive: (key) => this.verifyLive(key),
      event: (action, extra) => this.event(action, extra),
      storeRef: (versionId) => this.storeRef(versionId),
      save: (phase) => this.save(phase),
    };
  }
}
