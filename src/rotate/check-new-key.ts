import { fingerprint } from '../key/fingerprint.js';
import { ExitCode } from '../shared/errors.js';
import { malformedReason } from './keys.js';
import type { ConsoleKey, KeyAdmin, VerifyResult } from './ports.js';
import { RetriesExhausted } from './retry.js';
import type { KeyRef } from './state.js';

export interface NewKeyInput {
  newKey: string;
  oldValue: string | undefined;
  oldRef: KeyRef;
  /** Filled in with the Console id and workspace when the Admin API finds the key. */
  newRef: KeyRef;
  workspaceId?: string;
}

export interface NewKeyChecks {
  verifyLive(key: string): Promise<VerifyResult>;
  admin: KeyAdmin | undefined;
  call<T>(what: string, fn: () => Promise<T>): Promise<T>;
  log(line: string): void;
  /** Record the rejection and throw with the exit code. */
  reject(code: number, message: string): Promise<never>;
}

/**
 * Step 2 of DESIGN §6: the new key is well-formed, differs from the old, works (GET /v1/models), and,
 * when an admin key is available, is an active key of the same workspace as the old one.
 */
export async function checkNewKey(input: NewKeyInput, checks: NewKeyChecks): Promise<void> {
  const { newKey, newRef } = input;
  const malformed = malformedReason(newKey);
  if (malformed) return checks.reject(ExitCode.newKeyRejected, malformed);
  if (
    newRef.fingerprint === input.oldRef.fingerprint ||
    (input.oldValue && fingerprint(input.oldValue) === newRef.fingerprint)
  ) {
    return checks.reject(ExitCode.newKeyRejected, 'it is the key the store already holds');
  }
  let live: VerifyResult;
  try {
    live = await checks.verifyLive(newKey);
  } catch (error) {
    if (error instanceof RetriesExhausted) {
      return checks.reject(
        ExitCode.transient,
        `the live check kept failing with transient errors (${(error.last as Error).message}; ${error.attempts} attempts)`,
      );
    }
    throw error;
  }
  if (live.status === 'inactive') return checks.reject(ExitCode.newKeyRejected, `the API refused it: ${live.detail}`);
  if (live.status === 'forbidden')
    return checks.reject(ExitCode.newKeyRejected, `it is not allowed to call the API: ${live.detail}`);
  if (live.status !== 'active')
    return checks.reject(
      ExitCode.newKeyRejected,
      `its live check was inconclusive (${live.detail}); keyguard fails closed`,
    );
  checks.log(`  live check: active${live.requestId ? ` (request ${live.requestId})` : ''}`);

  if (!checks.admin) {
    if (input.workspaceId) checks.log(`  cannot check workspace ${input.workspaceId} without an Admin API key`);
    return;
  }
  const admin = checks.admin;
  const matches: ConsoleKey[] = await checks.call('find the new key in the Console', () =>
    admin.findByHint(newRef.hint),
  );
  if (matches.length === 0) {
    return checks.reject(
      ExitCode.newKeyRejected,
      'the Admin API does not list it (another organization, or the admin key cannot see it)',
    );
  }
  const workspaces = new Set(matches.map((k) => k.workspaceId ?? null));
  if (workspaces.size > 1) {
    return checks.reject(
      ExitCode.newKeyRejected,
      `${matches.length} Console keys share its hint across workspaces; cannot tell which it is`,
    );
  }
  const match = matches.length === 1 ? matches[0]! : (matches.find((k) => k.status === 'active') ?? matches[0]!);
  if (match.status !== 'active')
    return checks.reject(ExitCode.newKeyRejected, `the Console lists it as ${match.status}`);
  const workspace = match.workspaceId ?? null;
  const expected = input.workspaceId ?? (input.oldRef.apiKeyId ? (input.oldRef.workspaceId ?? null) : undefined);
  if (expected !== undefined && workspace !== expected) {
    return checks.reject(
      ExitCode.newKeyRejected,
      `it belongs to workspace ${workspace ?? 'default'}, the old key to ${expected ?? 'default'}`,
    );
  }
  newRef.apiKeyId = matches.length === 1 ? match.id : null;
  newRef.workspaceId = workspace;
  checks.log(`  Console id ${match.id} (${match.name}), workspace ${workspace ?? 'default'}`);
}
