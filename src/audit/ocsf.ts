import type { AuditAction, AuditEvent } from './event.js';

/** The released OCSF schema version these events follow (Entity Management has `entity` there). */
export const OCSF_VERSION = '1.2.0';

const SEVERITY: Partial<Record<AuditAction, [number, string]>> = {
  RotationFailed: [3, 'Medium'],
  RotationRolledBack: [4, 'High'],
  RollbackFailed: [5, 'Critical'],
  KeyDeactivated: [3, 'Medium'],
};

/**
 * Map a keyguard event to OCSF Entity Management (class 3004, category IAM 3), activity Update (3):
 * the managed entity is the API key, the result is the key now in use.
 */
export function toOcsf(event: AuditEvent): Record<string, unknown> {
  const [severityId, severity] =
    SEVERITY[event.action] ?? (event.outcome === 'failure' ? [3, 'Medium'] : [1, 'Informational']);
  const key =
    event.action === 'KeyDeactivated' || event.action === 'OldKeyDeactivated'
      ? event.oldKey
      : (event.oldKey ?? event.newKey);
  const result = event.action === 'KeyDeactivated' ? event.oldKey : event.newKey;
  const entity = (ref: AuditEvent['oldKey']) =>
    ref
      ? { type: 'API Key', uid: ref.apiKeyId ?? ref.fingerprint ?? undefined, name: ref.hint ?? undefined }
      : undefined;
  return {
    activity_id: 3,
    activity_name: 'Update',
    category_uid: 3,
    category_name: 'Identity & Access Management',
    class_uid: 3004,
    class_name: 'Entity Management',
    type_uid: 300403,
    type_name: 'Entity Management: Update',
    severity_id: severityId,
    severity,
    status_id: event.outcome === 'success' ? 1 : 2,
    status: event.outcome === 'success' ? 'Success' : 'Failure',
    status_detail: event.action,
    time: Date.parse(event.time),
    message: `${event.action}${event.environment ? ` (${event.environment})` : ''}`,
    comment: event.error ? `${event.error.code}: ${event.error.message}` : undefined,
    metadata: {
      version: OCSF_VERSION,
      uid: event.id,
      correlation_uid: event.rotationId ?? undefined,
      sequence: event.seq,
      product: { name: 'keyguard', vendor_name: 'keyguard', version: event.tool.version },
    },
    actor: { user: { name: event.actor.user ?? undefined } },
    device: event.actor.host ? { hostname: event.actor.host, type_id: 0 } : undefined,
    entity: entity(key),
    entity_result: entity(result),
    unmapped: {
      environment: event.environment,
      ci: event.actor.ci,
      store: event.store,
      old_key_fingerprint: event.oldKey?.fingerprint ?? null,
      new_key_fingerprint: event.newKey?.fingerprint ?? null,
      hash: event.hash,
      prev_hash: event.prevHash,
    },
  };
}
