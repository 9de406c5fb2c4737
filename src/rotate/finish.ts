import { fingerprint } from '../key/fingerprint.js';
import { UsageError } from '../shared/errors.js';
import { lockEnvironment } from './env-lock.js';
import { auditRef, keyRef } from './keys.js';
import type { KeyAdmin } from './ports.js';
import type { RotationDeps, RunContext } from './run-types.js';
import { type RotationState, readState, writeState } from './state.js';
import { runStep } from './step.js';

/** What ending the overlap needs of a run: a RotationRun that just succeeded, or a RecordedRotation. */
type OverlapRun = Pick<RunContext, 'environment' | 'deps' | 'log' | 'call'>;

/**
 * End the overlap: after checking that the store serves the new key, set the old key inactive
 * (reversible) through the Admin API; archived only when asked. Returns the old key's new status.
 */
export async function deactivateOldKey(run: OverlapRun, state: RotationState, archive: boolean): Promise<string> {
  const { store, trail } = run.deps;
  const admin = adminOf(run.deps);
  const current = await run.call('read the current secret', () => store.readCurrent());
  if (fingerprint(current.value) !== state.newKey.fingerprint) {
    throw new UsageError(
      `the store serves ${keyRef(current.value).hint}, not the new key ${state.newKey.hint}: the old key was left active.`,
    );
  }
  const id = state.oldKey.apiKeyId ?? (await findOldKeyId(run, admin, state));
  const target = archive ? 'archived' : 'inactive';
  const updated = await run.call(`set the old key ${target}`, () => admin.setStatus(id, target));
  run.log(`✓ old key ${state.oldKey.hint} (${id}) is now ${updated.status}`);
  await retireOldVersion(run, state);
  await trail.recordLate({
    action: 'OldKeyDeactivated',
    environment: run.environment,
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
  await writeState(run.deps.stateDir, next);
  return updated.status;
}

function adminOf(deps: RotationDeps): KeyAdmin {
  if (deps.admin) return deps.admin;
  throw new UsageError(
    'deactivating the old key needs an Admin API key: set ANTHROPIC_ADMIN_API_KEY (or the variable named by anthropic.adminKeyEnv).',
  );
}

/** The old key's Console id when the rotation did not learn it: exactly one key must have its hint. */
async function findOldKeyId(run: OverlapRun, admin: KeyAdmin, state: RotationState): Promise<string> {
  const { hint } = state.oldKey;
  const matches = await run.call('find the old key in the Console', () => admin.findByHint(hint));
  if (matches.length !== 1) {
    throw new UsageError(
      matches.length === 0
        ? `the Admin API does not list the old key ${hint}; deactivate it in the Console.`
        : `${matches.length} Console keys share the hint ${hint} (${matches.map((k) => k.id).join(', ')}); deactivate the right one with keyguard revoke or in the Console.`,
    );
  }
  return matches[0]!.id;
}

/**
 * Stores that keep versions may disable the one holding the old key (GCP always, Azure with
 * `disableOldVersion`). The key is already inactive, so a failure here is reported, not fatal.
 */
async function retireOldVersion(run: OverlapRun, state: RotationState): Promise<void> {
  const { store } = run.deps;
  const old = state.previousVersion;
  if (!store.retire || !old) return;
  try {
    await run.call(`disable the old version ${old.id}`, () => store.retire!(old));
    run.log(`✓ ${store.locator}: old version ${old.id} retired`);
  } catch (error) {
    run.log(`! ${store.locator}: could not retire old version ${old.id}: ${(error as Error).message}`);
  }
}

/** `rotate --finish`: the environment's last rotation, read back from its state file. */
class RecordedRotation implements OverlapRun {
  readonly log: (line: string) => void;

  constructor(
    readonly environment: string,
    readonly deps: RotationDeps,
  ) {
    this.log = deps.log ?? (() => {});
  }

  call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return runStep(what, fn, this.deps, this.log);
  }

  /** The state of its last successful rotation, under the environment's lock. */
  async succeeded(): Promise<RotationState> {
    const state = await readState(this.deps.stateDir, this.environment);
    if (!state || (state.phase !== 'succeeded' && state.phase !== 'finished')) {
      const why = state
        ? `its last rotation (${state.rotationId}) ended: ${state.phase}`
        : 'it has no recorded rotation';
      throw new UsageError(`nothing to finish for ${this.environment}: ${why}.`);
    }
    return state;
  }
}

/** `rotate --finish`: end the overlap of the environment's last successful rotation. */
export async function finishRotation(
  request: { environment: string; archive: boolean },
  deps: RotationDeps,
): Promise<{ state: RotationState; status: string }> {
  const release = await lockEnvironment(deps.stateDir, request.environment, 'finish');
  try {
    const run = new RecordedRotation(request.environment, deps);
    const state = await run.succeeded();
    const status = await deactivateOldKey(run, state, request.archive);
    return { state, status };
  } finally {
    await release();
  }
}
