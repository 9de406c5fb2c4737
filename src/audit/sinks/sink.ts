import type { AuditEvent } from '../event.js';

/** Where an event goes besides the hash-chained file: stdout, a SIEM. */
export interface AuditSink {
  readonly name: string;
  deliver(event: AuditEvent): Promise<void>;
}

export type AuditFormat = 'keyguard' | 'ocsf';
