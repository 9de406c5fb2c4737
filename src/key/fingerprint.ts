import { createRequire } from 'node:module';

/**
 * node:crypto, loaded on first use: loading it costs 6-7 ms of start-up that a command which never
 * meets a key (`--version`, `--help`, a clean scan) need not pay.
 */
let crypto: typeof import('node:crypto') | undefined;
export const lazyCrypto = (): typeof import('node:crypto') => {
  crypto ??= createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
  return crypto;
};

/** Identity of a key everywhere (findings, baselines, trace, audit): hex SHA-256 of the exact key. */
export function fingerprint(key: string): string {
  return lazyCrypto().createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The Console's `partial_key_hint` shape: first 16 characters, `...`, last 4. */
export function hint(key: string): string {
  if (key.length <= 20) return `${key.slice(0, Math.min(8, key.length))}...`;
  return `${key.slice(0, 16)}...${key.slice(-4)}`;
}

const FINGERPRINT = /^[0-9a-f]{64}$/;

export function isFingerprint(value: string): boolean {
  return FINGERPRINT.test(value);
}
