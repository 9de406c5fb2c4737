import type { AuditRecord } from '../audit/event.js';
import type { AuditTrail } from '../audit/trail.js';
import type { KeyAdmin, KeyVerifier, VerifyResult } from './ports.js';
import type { Clock, RetryPolicy } from './retry.js';
import type { ActivePhase, KeyRef, Phase, RotationState } from './state.js';
import type { SecretStore, SecretVersion } from './stores/store.js';

/**
 * What a rotation run works with. `rotate` and `rotate --finish` build it the same way
 * (connectRotation in connect.ts, plus the trail, state directory and progress log of the command).
 */
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

/**
 * The face of a RotationRun (run.ts) that its phase files (preflight, check-new-key, store-phases,
 * recovery, finish) see. RotationRun is the one implementation: the phases read and update the run
 * itself, not a copy of its state. Declared here, below them all, so no phase file imports run.ts.
 */
export interface RunContext {
  readonly request: RotationRequest;
  readonly deps: RotationDeps;
  readonly environment: string;
  readonly store: SecretStore;
  readonly newRef: KeyRef;
  state: RotationState | undefined;
  rotationId: string;
  oldRef: KeyRef;
  /** The old value, when known (needed to roll back a store without versions). */
  oldValue: string | undefined;
  previous: SecretVersion;
  staged: SecretVersion | undefined;
  log(line: string): void;
  /** One step against the store or the API, with the run's retry policy. */
  call<T>(what: string, fn: () => Promise<T>): Promise<T>;
  /** The live check of a key; a transient answer is retried. */
  verifyLive(key: string): Promise<VerifyResult>;
  event(action: AuditRecord['action'], extra?: Partial<AuditRecord>): AuditRecord;
  storeRef(versionId: string | null | undefined): { type: string; locator: string; versionId: string | null };
  /** Record the phase in the state file (not on a dry run). */
  save(phase: Phase): Promise<void>;
  /** Record a phase reached, then stop there if the user asked to. */
  reached(phase: ActivePhase): Promise<void>;
  /** Refuse the new key (exit 3, or 4 when the live check kept failing): nothing was changed. */
  reject(code: number, message: string): Promise<never>;
  /** A step before promotion failed: exit 5 (or 4) when the store still serves the old key, else roll back. */
  settle(error: unknown, what: string): Promise<never>;
  /** Put the old key back (exit 6), or hand over the manual steps (exit 7). */
  rollback(reason: string): Promise<never>;
}
