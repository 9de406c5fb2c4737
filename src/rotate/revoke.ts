import type { AuditTrail } from '../audit/trail.js';
import { UsageError } from '../shared/errors.js';
import type { ConsoleKey, KeyAdmin } from './ports.js';

export interface RevokeTarget {
  hint: string;
  fingerprint: string | null;
}

/**
 * Find the one Console key a leaked key (or its hint) belongs to. Several keys sharing the hint are
 * listed and refused: keyguard never guesses which key to turn off.
 */
export async function findRevokeTarget(admin: KeyAdmin, target: RevokeTarget): Promise<ConsoleKey> {
  const matches = await admin.findByHint(target.hint);
  if (matches.length === 0) {
    throw new UsageError(
      `the Admin API lists no key with the hint ${target.hint} (already deleted, another organization, or the admin key cannot see its workspace).`,
    );
  }
  if (matches.length > 1) {
    throw new UsageError(
      `${matches.length} Console keys share the hint ${target.hint}; keyguard will not guess which one to deactivate. Deactivate the right one in the Console:`,
      2,
      matches.map(describeKey),
    );
  }
  return matches[0]!;
}

export function describeKey(key: ConsoleKey): string {
  return `${key.id}  "${key.name}"  ${key.status}  workspace ${key.workspaceId ?? 'default'}  created ${key.createdAt}${key.createdBy ? ` by ${key.createdBy}` : ''}`;
}

/** Set the key inactive (reversible) or archived (only on request) and record KeyDeactivated. */
export async function deactivateKey(
  admin: KeyAdmin,
  key: ConsoleKey,
  target: RevokeTarget,
  options: { archive: boolean; trail: AuditTrail },
): Promise<ConsoleKey> {
  const updated = await admin.setStatus(key.id, options.archive ? 'archived' : 'inactive');
  await options.trail.recordLate({
    action: 'KeyDeactivated',
    oldKey: { hint: target.hint, fingerprint: target.fingerprint, apiKeyId: key.id },
  });
  return updated;
}
