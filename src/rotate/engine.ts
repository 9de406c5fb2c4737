import { randomUUID } from 'node:crypto';
import type { AuditRecord } from '../audit/event.js';
import type { AuditTrail } from '../audit/trail.js';
import { ExitCode, KeyguardError, UsageError } from '../shared/errors.js';
import { fingerprint } from '../shared/fingerprint.js';
import { scrubSecrets } from '../shared/scrub.js';
import { checkNewKey } from './check-new-key.js';
import { lockEnvironment } from './env-lock.js';
import { deactivateOldKey } from './finish.js';
import { auditRef, keyRef } from './keys.js';
import type { KeyAdmin, KeyVerifier, VerifyResult } from './ports.js';
import { type Clock, DEFAULT_RETRY, judgeError, RetriesExhausted, type RetryPolicy, withRetry } from './retry.js';
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

/** Thrown by a test hook to stop the engine as a kill would: no cleanup, no audit, state left as is. */
export class Interrupted extends Error {}

/** A failure whose exit code is already decided (3, 4, 5…). */
function failure(code: number, message: string, details: string[] = []): KeyguardError {
  return new KeyguardError(scrubSecrets(message), code, details);
}

function describe(error: unknown): string {
  if (error instanceof RetriesExhausted) return `${describe(error.last)} (gave up after ${error.attempts} attempts)`;
  return scrubSecrets(error instanceof Error ? error.message : String(error)).replace(/\.$/, '');
}

function errorCode(error: unknown): string {
  if (error instanceof RetriesExhausted) return 'RetriesExhausted';
  if (error instanceof Error) return error.name;
  return 'Error';
}

class TransientVerify extends Error {
  readonly transient = true;
  readonly retryAfterMs: number | undefined;
  constructor(readonly result: VerifyResult) {
    super(`the Anthropic API answered ${result.httpStatus ?? 'nothing'}: ${result.detail}`);
    this.retryAfterMs = result.retryAfterSeconds === undefined ? undefined : result.retryAfterSeconds * 1000;
  }
}

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
  }

  async run(): Promise<RotationResult> {
    if (this.request.deactivateOld && !this.deps.admin && !this.request.dryRun) {
      throw new UsageError(
        '--deactivate-old needs an Admin API key (ANTHROPIC_ADMIN_API_KEY, or the variable named by anthropic.adminKeyEnv); nothing was changed.',
      );
    }
    await this.loadPrior();
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
        return this.settle(error, 'writing the new key to the store failed');
      }
    }
    let readBack: string;
    try {
      readBack = await this.call('read back the staged key', () => this.store.readVersion(this.staged!.id));
    } catch (error) {
      return this.settle(error, 'reading back the staged key failed');
    }
    if (fingerprint(readBack) !== this.newRef.fingerprint) {
      return this.settle(
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
        return this.settle(error, 'promoting the new key failed');
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
      return this.rollback(`reading the store after promotion failed: ${describe(error)}`);
    }
    if (fingerprint(current.value) !== this.newRef.fingerprint) {
      return this.rollback(`after promotion the store serves ${keyRef(current.value).hint}, not the new key`);
    }
    let live: VerifyResult;
    try {
      live = await this.verifyLive(this.request.newKey);
    } catch (error) {
      return this.rollback(`the live check after promotion failed: ${describe(error)}`);
    }
    if (live.status !== 'active')
      return this.rollback(`the live check after promotion answered ${live.status}: ${live.detail}`);
    this.log(`✓ the store serves the new key, and it works`);
    await this.deps.trail.recordLate(this.event('RotationSucceeded', { store: this.storeRef(current.version.id) }));
    await this.reached('succeeded');
  }

  /**
   * A step before promotion failed. When the store still serves the old key nothing changed (exit 5,
   * or 4 when transient errors ran out); otherwise consumers may see the new value: roll back.
   */
  private async settle(error: unknown, what: string): Promise<never> {
    if (this.staged && this.store.capabilities.staging) {
      await this.call('abandon the staged version', () => this.store.abandon(this.staged!)).catch((e) =>
        this.log(`  could not drop the staged version ${this.staged!.id}: ${describe(e)}`),
      );
    }
    const current = await this.call('read the current secret', () => this.store.readCurrent()).catch(() => undefined);
    if (current && fingerprint(current.value) === this.oldRef.fingerprint) {
      const code = error instanceof RetriesExhausted ? ExitCode.transient : ExitCode.storeWriteFailed;
      const message = `${what}: ${describe(error)}`;
      await this.deps.trail.recordLate(
        this.event('RotationFailed', { outcome: 'failure', error: { code: errorCode(error), message } }),
      );
      await this.save('failed');
      throw failure(code, `${message}; the store still serves the old key, nothing changed.`);
    }
    return this.rollback(`${what}: ${describe(error)}`);
  }

  private manualSteps(): string[] {
    return [
      `the store ${this.store.type} ${this.store.locator} may serve the new key ${this.newRef.hint} or an unknown value.`,
      `1. Put the old key (${this.oldRef.hint}, fingerprint ${this.oldRef.fingerprint.slice(0, 12)}…) back as the current value${this.previous ? ` (previous version ${this.previous.id})` : ''}, or keep the new key if it works.`,
      '2. Check what consumers read: keyguard rotate status.',
      `3. Both keys stay active in the Console until you decide; then: keyguard revoke --hint '<hint of the key to drop>'.`,
      `4. Remove ${this.request.environment}.json from the state directory once the store is consistent.`,
    ];
  }

  private async rollback(reason: string): Promise<never> {
    this.log(`✗ ${reason}; rolling back`);
    const staged = this.staged;
    const fail = async (why: string): Promise<never> => {
      await this.deps.trail.recordLate(
        this.event('RollbackFailed', {
          outcome: 'failure',
          error: { code: 'RollbackFailed', message: `${reason}; ${why}` },
        }),
      );
      await this.save('rollback-failed');
      throw failure(
        ExitCode.rollbackFailed,
        `${reason}, and the rollback failed: ${why}. Manual steps:`,
        this.manualSteps(),
      );
    };
    if (this.oldValue === undefined)
      return fail('the old value is not known to keyguard (the store keeps no previous version)');
    let now: SecretVersion;
    try {
      now = await this.call('roll back', () =>
        this.store.rollback(this.previous, this.oldValue!, staged ?? this.previous),
      );
      const current = await this.call('read the current secret', () => this.store.readCurrent());
      if (fingerprint(current.value) !== this.oldRef.fingerprint) {
        return fail(`after the rollback the store serves ${keyRef(current.value).hint}, not the old key`);
      }
    } catch (error) {
      if (error instanceof KeyguardError && error.exitCode === ExitCode.rollbackFailed) throw error;
      return fail(describe(error));
    }
    const oldLive = await this.verifyLive(this.oldValue).catch(() => undefined);
    const liveNote =
      oldLive?.status === 'active'
        ? 'and the old key still works'
        : 'but the old key did not answer as active: check it';
    await this.deps.trail.recordLate(
      this.event('RotationRolledBack', {
        outcome: 'failure',
        store: this.storeRef(now.id),
        error: { code: 'RolledBack', message: reason },
      }),
    );
    await this.save('rolled-back');
    throw failure(
      ExitCode.rolledBack,
      `${reason}; rolled back: the store serves the old key again (version ${now.id}), ${liveNote}.`,
    );
  }
}
