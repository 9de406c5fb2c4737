import type { AuditEvent } from '../event.js';
import { toOcsf } from '../ocsf.js';
import type { AuditFormat, AuditSink } from './sink.js';

/** One JSON line per event through the CLI's writer (`--audit-stdout`). */
export function stdoutSink(write: (line: string) => void, format: AuditFormat): AuditSink {
  return {
    name: 'stdout',
    async deliver(event: AuditEvent) {
      write(`${JSON.stringify(format === 'ocsf' ? toOcsf(event) : event)}\n`);
    },
  };
}
