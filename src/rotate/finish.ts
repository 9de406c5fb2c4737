import type { AuditTrail } from '../audit/trail.js';
import { fingerprint } from '../key/fingerprint.js';
import { UsageError } from '../shared/errors.js';
import { auditRef, keyRef } from './keys.js';
import type { KeyAdmin } from './ports.js';
import { type RotationState, writeState } from './state.js';
import type { SecretStore } from './stores/store.js';

export interface FinishDeps {
  store: SecretStore;
  admin?: KeyAdmin;
  trail: AuditTrail;
  stateDir: string;
  state: RotationState;
  call<T>(what: string, fn: () => Promise<T>): Promise<T>;
  log?: (line: string) => void;
}

/**
 * End the overlap: after checking that the store serves the new key, set the old key inactive
 * (reversible) through the Admin API; archived only when asked. Returns the old key's new status.
 */
export async function deactivateOldKey(
  request: { environment: string; archive: boolean },
  deps: FinishDeps,
): Promise<string> {
  const { state, store } = deps;
  const log = deps.log ?? (() => {});
  if (!deps.admin) {
    throw new UsageError(
      'deactivating the old key needs an Admin API key: set ANTHROPIC_ADMIN_API_KEY (or the variable named by anthropic.adminKeyEnv).',
    );
  }
  const admin = deps.admin;
  const current = await deps.call('read the current secret', () => store.readCurrent());
  if (fingerprint(current.value) !== state.newKey.fingerprint) {
    throw new UsageError(
      `the store serves ${keyRef(current.value).hint}, not the new key ${state.newKey.hint}: the old key was left active.`,
    );
  }
  let id = state.oldKey.apiKeyId;
  if (!id) {
    const matches = await deps.call('find the old key in the Console', () => admin.findByHint(state.oldKey.hint));
    if (matches.length !== 1) {
      throw new UsageError(
        matches.length === 0
          ? `the Admin API does not list the old key ${state.oldKey.hint}; deactivate it in the Console.`
          : `${matches.length} Console keys share the hint ${state.oldKey.hint} (${matches.map((k) => k.id).join(', ')}); deactivate the right one with keyguard revoke or in the Console.`,
      );
    }
    id = matches[0]!.id;
  }
  const target = request.archive ? 'archived' : 'inactive';
  const updated = await deps.call(`set the old key ${target}`, () => admin.setStatus(id!, target));
  log(`✓ old key ${state.oldKey.hint} (${id}) is now ${updated.status}`);
  await retireOldVersion(deps, log);
  await deps.trail.recordLate({
    action: 'OldKeyDeactivated',
    environment: request.environment,
    rotationId: state.rotationId,
    store: { type: store.type, locator: store.locator, versionId: current.version.id },
    oldKey: auditRef({ ...state.oldKey, apiKeyId: id }),
    newKey: auditRef(state.newKey),
  });
  const next: RotationState = {
    ...state,
    phase: 'finished',
    oldKey: { ...state.oldKey, apiKeyId: id },
    deactivatedAt: new Date().toISOString(),
  };
  await writeState(deps.stateDir, next);
  return updated.status;
}

/**
 * Stores that keep versions may disable the one holding the old key (GCP always, Azure with
 * `disableOldVersion`). The key is already inactive, so a failure here is reported, not fatal.
 */
async function retireOldVersion(deps: FinishDeps, log: (line: string) => void): Promise<void> {
  const { store, state } = deps;
  const old = state.previousVersion;
  if (!store.retire || !old) return;
  try {
    await deps.call(`disable the old version ${old.id}`, () => store.retire!(old));
    log(`✓ ${store.locator}: old version ${old.id} retired`);
  } catch (error) {
    log(`! ${store.locator}: could not retire old version ${old.id}: ${(error as Error).message}`);
  }
}

/** `rotate --finish`: end the overlap of the environment's last successful rotation. */
export async function finishRotation(
  request: { environment: string; archive: boolean },
  deps: Omit<FinishDeps, 'state'> & {
    readState: () => Promise<RotationState | undefined>;
    lock: () => Promise<() => Promise<void>>;
  },
): Promise<{ state: RotationState; status: string }> {
  const release = await deps.lock();
  try {
    const state = await deps.readState();
    if (!state || (state.phase !== 'succeeded' && state.phase !== 'finished')) {
      const why = state
        ? `its last rotation (${state.rotationId}) ended: ${state.phase}`
        : 'it has no recorded rotation';
      throw new UsageError(`nothing to finish for ${request.environment}: ${why}.`);
    }
    const status = await deactivateOldKey(request, { ...deps, state });
    return { state, status };
  } finally {
    await release();
  }
}
