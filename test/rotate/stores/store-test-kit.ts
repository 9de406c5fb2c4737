import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { StoreContext } from '../../../src/rotate/stores/store.js';
import { KeyguardError, StoreError } from '../../../src/shared/errors.js';

/** A store context with a short timeout and a private config dir. */
export function storeContext(env: Record<string, string | undefined>, timeoutMs = 3000): StoreContext {
  return { env, configDir: mkdtempSync(join(tmpdir(), 'keyguard-store-')), timeoutMs };
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function failure(promise: Promise<unknown>): Promise<KeyguardError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(KeyguardError);
    return error as KeyguardError;
  }
  throw new Error('expected the call to fail');
}

/** A StoreError classified as `transient` (or permanent) whose message holds none of `secrets`. */
export async function storeFailure(
  promise: Promise<unknown>,
  transient: boolean,
  secrets: readonly string[],
): Promise<StoreError> {
  const error = await failure(promise);
  expect(error).toBeInstanceOf(StoreError);
  expect((error as StoreError).transient).toBe(transient);
  for (const secret of secrets) expect(error.message).not.toContain(secret);
  expect(error.message).not.toMatch(/sk-ant-/);
  return error as StoreError;
}
