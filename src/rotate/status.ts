import type { AuditEvent } from '../audit/event.js';
import type { EnvironmentConfig } from '../config/types.js';
import { fingerprint } from '../key/fingerprint.js';
import { scrubSecrets } from '../key/scrub.js';
import { keyRef } from './keys.js';
import type { KeyAdmin } from './ports.js';
import type { KeyRef } from './state.js';
import type { SecretStore } from './stores/store.js';

/** Policy defaults by environment name when the config gives no maxAgeDays. */
export const DEFAULT_MAX_AGE: Record<string, number> = {
  prod: 30,
  production: 30,
  staging: 60,
  dev: 90,
  development: 90,
};
export const FALLBACK_MAX_AGE = 90;

export type AgeSource = 'admin-api' | 'audit-log' | 'store-version';

export interface EnvironmentStatus {
  name: string;
  store: { type: string; locator: string | null };
  key: KeyRef | null;
  /** When the key in use was created or rotated in, and who says so. */
  since: string | null;
  ageSource: AgeSource | null;
  ageDays: number | null;
  maxAgeDays: number;
  policySource: 'config' | 'default';
  overdue: boolean;
  error: string | null;
}

export function maxAgeFor(name: string, env: EnvironmentConfig): { days: number; source: 'config' | 'default' } {
  if (env.maxAgeDays) return { days: env.maxAgeDays, source: 'config' };
  return { days: DEFAULT_MAX_AGE[name.toLowerCase()] ?? FALLBACK_MAX_AGE, source: 'default' };
}

export interface StatusDeps {
  openStore(env: EnvironmentConfig): Promise<SecretStore>;
  admin?: KeyAdmin;
  events: AuditEvent[];
  now?: Date;
}

/**
 * The age of one environment's key, from the best source available: the Console's created_at (the
 * key's true age), else the audit log's last RotationSucceeded that put this very key in, else the
 * store's version date.
 */
export async function environmentStatus(
  name: string,
  env: EnvironmentConfig,
  deps: StatusDeps,
): Promise<EnvironmentStatus> {
  const policy = maxAgeFor(name, env);
  const status: EnvironmentStatus = {
    name,
    store: { type: env.store.type, locator: null },
    key: null,
    since: null,
    ageSource: null,
    ageDays: null,
    maxAgeDays: policy.days,
    policySource: policy.source,
    overdue: false,
    error: null,
  };
  let value: string;
  let versionDate: string | undefined;
  try {
    const store = await deps.openStore(env);
    status.store.locator = store.locator;
    const current = await store.readCurrent();
    value = current.value;
    versionDate = current.version.createdAt;
  } catch (error) {
    status.error = scrubSecrets((error as Error).message);
    return status;
  }
  const ref = keyRef(value);
  status.key = ref;
  const candidates: Array<[AgeSource, string | undefined]> = [];
  if (deps.admin) {
    try {
      const matches = await deps.admin.findByHint(ref.hint);
      if (matches.length === 1) {
        ref.apiKeyId = matches[0]!.id;
        candidates.push(['admin-api', matches[0]!.createdAt]);
      }
    } catch (error) {
      status.error = scrubSecrets((error as Error).message);
    }
  }
  const fp = fingerprint(value);
  const rotated = deps.events.findLast(
    (e) => e.action === 'RotationSucceeded' && e.environment === name && e.newKey?.fingerprint === fp,
  );
  candidates.push(['audit-log', rotated?.time], ['store-version', versionDate]);
  const found = candidates.find(([, when]) => when && !Number.isNaN(Date.parse(when)));
  if (found) {
    const [source, when] = found as [AgeSource, string];
    status.since = new Date(Date.parse(when)).toISOString();
    status.ageSource = source;
    status.ageDays = Math.floor(((deps.now ?? new Date()).getTime() - Date.parse(when)) / 86_400_000);
    status.overdue = status.ageDays > policy.days;
  }
  return status;
}

const SOURCE_LABEL: Record<AgeSource, string> = {
  'admin-api': 'Console created_at',
  'audit-log': 'last rotation (audit log)',
  'store-version': 'store version date',
};

export function formatStatusText(rows: EnvironmentStatus[]): string {
  if (rows.length === 0) return 'no environments in the config (add "environments" to keyguard.config.json)\n';
  const table = [
    ['ENVIRONMENT', 'KEY', 'AGE', 'POLICY', 'STATE', 'AGE FROM'],
    ...rows.map((r) => [
      r.name,
      r.key?.hint ?? '-',
      r.ageDays === null ? '?' : `${r.ageDays}d`,
      `${r.maxAgeDays}d${r.policySource === 'default' ? '*' : ''}`,
      r.error && !r.key ? 'error' : r.overdue ? 'OVERDUE' : r.ageDays === null ? 'unknown' : 'ok',
      r.ageSource ? SOURCE_LABEL[r.ageSource] : '-',
    ]),
  ];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  let out = `${table
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`;
  for (const r of rows) if (r.error) out += `${r.name}: ${r.error}\n`;
  if (rows.some((r) => r.policySource === 'default'))
    out += '* default policy for the name (prod 30, staging 60, dev 90, else 90 days)\n';
  return out;
}
