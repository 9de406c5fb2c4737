import { createHash, randomUUID } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { VERSION } from '../shared/version.js';
import { canonicalJson } from './canonical.js';

/** CloudTrail-style action names (reference/rotation-facts.md §6.1), plus revoke's KeyDeactivated. */
export const AUDIT_ACTIONS = [
  'RotationStarted',
  'NewKeyVerified',
  'PendingWritten',
  'Promoted',
  'RotationSucceeded',
  'RotationFailed',
  'RotationRolledBack',
  'RollbackFailed',
  'OldKeyDeactivated',
  'KeyDeactivated',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const GENESIS_HASH = '0'.repeat(64);

/** A key as the audit trail knows it: never the value, only what identifies it. */
export interface AuditKeyRef {
  hint: string | null;
  fingerprint: string | null;
  apiKeyId: string | null;
}

export interface AuditActor {
  user: string | null;
  host: string | null;
  ci: string | null;
}

export interface AuditStoreRef {
  type: string;
  locator: string;
  versionId: string | null;
}

/** One line of the audit log (DESIGN §7). */
export interface AuditEvent {
  v: 1;
  seq: number;
  id: string;
  time: string;
  type: 'API_KEY_ROTATION';
  action: AuditAction;
  environment: string | null;
  rotationId: string | null;
  actor: AuditActor;
  store: AuditStoreRef | null;
  oldKey: AuditKeyRef | null;
  newKey: AuditKeyRef | null;
  outcome: 'success' | 'failure';
  error: { code: string; message: string } | null;
  tool: { name: 'keyguard'; version: string };
  prevHash: string;
  hash: string;
}

/** What a caller supplies; the trail fills in seq, id, time, actor, tool and the chain. */
export type AuditRecord = Pick<AuditEvent, 'action'> &
  Partial<Pick<AuditEvent, 'environment' | 'rotationId' | 'store' | 'oldKey' | 'newKey' | 'outcome' | 'error'>>;

export function hashEvent(event: Omit<AuditEvent, 'hash'> | AuditEvent): string {
  const { hash: _drop, ...rest } = event as AuditEvent;
  return createHash('sha256')
    .update(rest.prevHash + canonicalJson(rest), 'utf8')
    .digest('hex');
}

/** Who ran keyguard: the OS user, the host, and the CI job when there is one. */
export function currentActor(env: Record<string, string | undefined>): AuditActor {
  let user = env.USER ?? env.USERNAME ?? null;
  if (!user) {
    try {
      user = userInfo().username;
    } catch {
      user = null;
    }
  }
  return { user, host: hostname(), ci: ciJob(env) };
}

function ciJob(env: Record<string, string | undefined>): string | null {
  if (env.GITHUB_ACTIONS === 'true' && env.GITHUB_RUN_ID) {
    return `github-actions:${env.GITHUB_REPOSITORY ?? '?'}/runs/${env.GITHUB_RUN_ID}`;
  }
  if (env.GITLAB_CI && env.CI_JOB_URL) return `gitlab:${env.CI_JOB_URL}`;
  if (env.BUILDKITE_BUILD_URL) return `buildkite:${env.BUILDKITE_BUILD_URL}`;
  if (env.CIRCLE_BUILD_URL) return `circleci:${env.CIRCLE_BUILD_URL}`;
  if (env.CI && env.CI !== 'false' && env.CI !== '0') return 'ci';
  return null;
}

/** Build the event that follows `prev` in the chain. */
export function sealEvent(
  record: AuditRecord,
  prev: { seq: number; hash: string } | undefined,
  actor: AuditActor,
  now: Date = new Date(),
): AuditEvent {
  const unsealed: Omit<AuditEvent, 'hash'> = {
    v: 1,
    seq: (prev?.seq ?? 0) + 1,
    id: randomUUID(),
    time: now.toISOString(),
    type: 'API_KEY_ROTATION',
    action: record.action,
    environment: record.environment ?? null,
    rotationId: record.rotationId ?? null,
    actor,
    store: record.store ?? null,
    oldKey: record.oldKey ?? null,
    newKey: record.newKey ?? null,
    outcome: record.outcome ?? 'success',
    error: record.error ?? null,
    tool: { name: 'keyguard', version: VERSION },
    prevHash: prev?.hash ?? GENESIS_HASH,
  };
  return { ...unsealed, hash: hashEvent(unsealed) };
}
