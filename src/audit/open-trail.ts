import { resolve } from 'node:path';
import { checkAuditTokenEnv, checkEndpoint } from '../config/trust.js';
import type { LoadedConfig } from '../config/types.js';
import { currentActor } from './event.js';
import { httpSink } from './sinks/http.js';
import type { AuditFormat, AuditSink } from './sinks/sink.js';
import { stdoutSink } from './sinks/stdout.js';
import { AuditTrail } from './trail.js';

export const DEFAULT_AUDIT_FILE = '.keyguard/audit.jsonl';

/** The audit log file of a config (relative paths resolve against the config's directory). */
export function auditFile(loaded: LoadedConfig): string {
  return resolve(loaded.dir, loaded.config.audit?.file ?? DEFAULT_AUDIT_FILE);
}

export interface TrailOptions {
  env: Record<string, string | undefined>;
  /** `--audit-stdout`: where to write event lines. */
  stdout?: (line: string) => void;
  /** `--audit-format`, over the config's audit.format. */
  format?: AuditFormat;
  fetch?: typeof fetch;
}

/** Build the trail a command writes to: the file, plus stdout and the SIEM endpoint when configured. */
export function openAuditTrail(loaded: LoadedConfig, options: TrailOptions): AuditTrail {
  const audit = loaded.config.audit ?? {};
  const format: AuditFormat = options.format ?? audit.format ?? 'keyguard';
  const sinks: AuditSink[] = [];
  if (options.stdout) sinks.push(stdoutSink(options.stdout, format));
  const warnings: string[] = [];
  if (audit.http) {
    // Even from a config the user chose: no events over plain http, no token from an unrelated variable.
    checkEndpoint(audit.http.url, 'audit.http.url');
    if (audit.http.tokenEnv) checkAuditTokenEnv(audit.http.tokenEnv);
    const token = audit.http.tokenEnv ? options.env[audit.http.tokenEnv] : undefined;
    if (audit.http.tokenEnv && !token) {
      warnings.push(
        `audit.http.tokenEnv names ${audit.http.tokenEnv}, which is not set: events are sent without a token.`,
      );
    }
    sinks.push(
      httpSink({
        url: audit.http.url,
        format,
        ...(token ? { token } : {}),
        ...(audit.http.timeoutMs ? { timeoutMs: audit.http.timeoutMs } : {}),
        ...(options.fetch ? { fetch: options.fetch } : {}),
      }),
    );
  }
  const trail = new AuditTrail(auditFile(loaded), currentActor(options.env), sinks);
  trail.warnings.push(...warnings);
  return trail;
}
