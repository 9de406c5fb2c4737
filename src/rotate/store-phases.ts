import { fingerprint } from '../key/fingerprint.js';
import { describe, Interrupted } from './failure.js';
import { keyRef } from './keys.js';
import type { VerifyResult } from './ports.js';
import type { RunContext } from './run-types.js';
import type { CurrentSecret } from './stores/store.js';

/** Step 3 of DESIGN §6: write the new key as a staged (or new current) version and read it back. */
export async function stageNewKey(run: RunContext): Promise<void> {
  const { store } = run;
  const staged = run.staged;
  if (staged) {
    // Resumed after stage(): is the staged version there with the new value?
    const value = await run.call('read the staged version', () => store.readVersion(staged.id)).catch(() => undefined);
    if (value === undefined || fingerprint(value) !== run.newRef.fingerprint) run.staged = undefined;
  }
  if (!run.staged) {
    try {
      run.staged = await run.call('stage the new key', () => store.stage(run.request.newKey, run.rotationId));
    } catch (error) {
      if (error instanceof Interrupted) throw error;
      return run.settle(error, 'writing the new key to the store failed');
    }
  }
  const written = run.staged;
  let readBack: string;
  try {
    readBack = await run.call('read back the staged key', () => store.readVersion(written.id));
  } catch (error) {
    return run.settle(error, 'reading back the staged key failed');
  }
  if (fingerprint(readBack) !== run.newRef.fingerprint) {
    return run.settle(
      new Error('the value read back differs from the key written (fingerprints differ)'),
      'read-back check failed',
    );
  }
  run.log(`✓ new key staged as version ${written.id} and read back`);
  await run.deps.trail.recordLate(run.event('PendingWritten'));
  await run.reached('staged');
}

/** Step 4: make the staged version the one consumers read (already done when a resumed run finds it so). */
export async function promoteNewKey(run: RunContext): Promise<void> {
  const { store } = run;
  const staged = run.staged!;
  const now = await run.call('read the current secret', () => store.readCurrent()).catch(() => undefined);
  const done =
    now !== undefined &&
    fingerprint(now.value) === run.newRef.fingerprint &&
    (!store.capabilities.staging || now.version.id === staged.id);
  if (!done) {
    try {
      await run.call('promote the new key', () => store.promote(staged, run.previous));
    } catch (error) {
      if (error instanceof Interrupted) throw error;
      return run.settle(error, 'promoting the new key failed');
    }
  }
  run.log(`✓ promoted: consumers now read the new key`);
  await run.deps.trail.recordLate(run.event('Promoted'));
  await run.reached('promoted');
}

/** Step 5: the store serves the new key and the key works; otherwise roll back. */
export async function verifyAgain(run: RunContext): Promise<void> {
  let current: CurrentSecret;
  try {
    current = await run.call('read the current secret', () => run.store.readCurrent());
  } catch (error) {
    return run.rollback(`reading the store after promotion failed: ${describe(error)}`);
  }
  if (fingerprint(current.value) !== run.newRef.fingerprint) {
    return run.rollback(`after promotion the store serves ${keyRef(current.value).hint}, not the new key`);
  }
  let live: VerifyResult;
  try {
    live = await run.verifyLive(run.request.newKey);
  } catch (error) {
    return run.rollback(`the live check after promotion failed: ${describe(error)}`);
  }
  if (live.status !== 'active') {
    return run.rollback(`the live check after promotion answered ${live.status}: ${live.detail}`);
  }
  run.log(`✓ the store serves the new key, and it works`);
  await run.deps.trail.recordLate(run.event('RotationSucceeded', { store: run.storeRef(current.version.id) }));
  await run.reached('succeeded');
}
