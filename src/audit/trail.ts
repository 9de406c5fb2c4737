import { appendEvent } from './chain.js';
import type { AuditActor, AuditEvent, AuditRecord } from './event.js';
import type { AuditSink } from './sinks/sink.js';

/**
 * The audit trail of one command run: every record goes to the hash-chained file first (the record
 * of truth), then to each sink. A sink that fails never loses the event; the failure is kept in
 * `warnings` for the command to report.
 */
export class AuditTrail {
  readonly warnings: string[] = [];
  readonly events: AuditEvent[] = [];

  constructor(
    readonly file: string,
    private readonly actor: AuditActor,
    private readonly sinks: AuditSink[] = [],
  ) {}

  async record(record: AuditRecord): Promise<AuditEvent> {
    const event = await appendEvent(this.file, record, this.actor);
    this.events.push(event);
    for (const sink of this.sinks) {
      try {
        await sink.deliver(event);
      } catch (error) {
        this.warnings.push(
          `audit event ${event.seq} (${event.action}) was not delivered to ${sink.name}: ${(error as Error).message}; it is in ${this.file}.`,
        );
      }
    }
    return event;
  }

  /** Record, but keep going when the file cannot be written (after a change has already happened). */
  async recordLate(record: AuditRecord): Promise<AuditEvent | undefined> {
    try {
      return await this.record(record);
    } catch (error) {
      this.warnings.push(`audit event ${record.action} could not be written: ${(error as Error).message}`);
      return undefined;
    }
  }
}
