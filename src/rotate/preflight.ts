import { fingerprint } from '../key/fingerprint.js';
import { UsageError } from '../shared/errors.js';
import { keyRef } from './keys.js';
import type { RunContext } from './run-types.js';
import { isInFlight, readState } from './state.js';
import type { CurrentSecret } from './stores/store.js';

/** An interrupted rotation must be resumed (or it blocks a new one); --resume needs one. */
export async function loadPrior(run: RunContext): Promise<void> {
  const { environment, request } = run;
  const prior = await readState(run.deps.stateDir, environment);
  if (request.resume) {
    if (!prior || !isInFlight(prior)) {
      const last = prior ? ` (the last rotation, ${prior.rotationId}, ended: ${prior.phase})` : '';
      throw new UsageError(`there is no interrupted rotation of ${environment} to resume${last}.`);
    }
    if (prior.newKey.fingerprint !== run.newRef.fingerprint) {
      throw new UsageError(
        `the key given is not the one rotation ${prior.rotationId} was rotating in (${prior.newKey.hint}); pass that key again.`,
      );
    }
    run.state = prior;
    run.rotationId = prior.rotationId;
    run.staged = prior.stagedVersion ?? undefined;
    run.log(`resuming rotation ${prior.rotationId} of ${environment} after phase ${prior.phase}`);
  } else if (prior?.phase === 'succeeded' && !request.dryRun) {
    run.log(
      `note: the old key of the last rotation (${prior.oldKey.apiKeyId ?? prior.oldKey.hint}) was never deactivated (rotate --finish); check it in the Console`,
    );
  } else if (prior && isInFlight(prior) && !request.dryRun) {
    throw new UsageError(
      `rotation ${prior.rotationId} of ${environment} was interrupted after phase ${prior.phase}: run keyguard rotate --env ${environment} --resume with the same new key.`,
    );
  }
}

/** Step 1 of DESIGN §6: the store agrees to a rotation, the old key is read and matched to its Console id. */
export async function preflight(run: RunContext): Promise<CurrentSecret> {
  const { store } = run;
  await run.call('store preflight', () => store.preflight(run.rotationId));
  const current = await run.call('read the current secret', () => store.readCurrent());
  if (run.state) {
    run.oldRef = run.state.oldKey;
    run.previous = run.state.previousVersion ?? current.version;
    run.oldValue = await recoverOldValue(run, current);
    return current;
  }
  run.oldValue = current.value;
  run.previous = current.version;
  run.oldRef = keyRef(current.value);
  run.log(`current key of ${run.environment}: ${run.oldRef.hint} (${store.locator})`);
  await findOldKey(run, current.value);
  if (!run.request.dryRun) {
    // Until something changes, an audit log that cannot be written stops the rotation (record
    // throws); after a change, stopping would be worse than a gap, so later events use recordLate.
    await run.deps.trail.record(run.event('RotationStarted'));
    await run.reached('started');
  }
  return current;
}

/** With an admin key: the old key's Console id, when exactly one key (or one active key) has its hint. */
async function findOldKey(run: RunContext, oldValue: string): Promise<void> {
  const { admin } = run.deps;
  if (!admin) return;
  const matches = await run.call('find the old key in the Console', () => admin.findByHint(run.oldRef.hint));
  const active = matches.filter((k) => k.status === 'active');
  const match = matches.length === 1 ? matches[0] : active.length === 1 ? active[0] : undefined;
  if (match) {
    run.oldRef = keyRef(oldValue, match.id, match.workspaceId);
    run.log(`  Console id ${match.id} (${match.name})`);
  } else {
    run.log(
      matches.length === 0
        ? '  the Admin API does not list the current key (another organization, or not an API key)'
        : `  ${matches.length} Console keys share the hint ${run.oldRef.hint}; the old key id stays unknown`,
    );
  }
}

/** On resume the old value is needed for a rollback: it is the current one, or the previous version. */
async function recoverOldValue(run: RunContext, current: CurrentSecret): Promise<string | undefined> {
  if (fingerprint(current.value) === run.oldRef.fingerprint) return current.value;
  const previous = run.state?.previousVersion;
  if (previous) {
    try {
      const value = await run.store.readVersion(previous.id);
      if (fingerprint(value) === run.oldRef.fingerprint) return value;
    } catch {
      // Not versioned: a rollback will say it needs manual steps.
    }
  }
  return undefined;
}
