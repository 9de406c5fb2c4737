import type { Severity } from '../key/severity.js';

export interface Verification {
  status: 'active' | 'inactive' | 'unknown';
  detail: string;
}

/** What a scan reports: one key at one place. The key itself never appears in a Finding. */
export interface Finding {
  rule: string;
  severity: Severity;
  fingerprint: string;
  hint: string;
  path: string;
  line: number;
  column: number;
  commit: string | null;
  author: string | null;
  date: string | null;
  reachability: string[];
  verification: Verification | null;
  /** How the key was stored when it was not plain text, e.g. `base64`. Not in the JSON contract. */
  encoding?: string;
}

/**
 * Keys stay in memory beside their findings, never inside them, so that no serializer can print
 * one by accident. Only `--show-secrets` and `--verify` read them.
 */
const secrets = new WeakMap<Finding, string>();

export function attachSecret(finding: Finding, secret: string): Finding {
  secrets.set(finding, secret);
  return finding;
}

export function secretOf(finding: Finding): string | undefined {
  return secrets.get(finding);
}

export interface ScanSummary {
  files: number;
  bytes: number;
  findings: number;
  durationMs: number;
  /** Files that could not be read (unreadable, broken links, loops); counted, never fatal. */
  skipped?: number;
  /** Findings left out because their fingerprint is in the baseline. */
  baselined?: number;
  /** Findings left out by an inline `keyguard:allow`. */
  allowed?: number;
  /**
   * Left out by `scan.exclude` / `--exclude`: files for working-tree, staged and npm-pack scans;
   * findings for --history and --range (a blob is only placed at a path once it has a hit).
   */
  excluded?: number;
  /** The effective --fail-on, so a config that raised it is visible in every report. */
  failOn?: Severity;
}

export interface ScanResult {
  findings: Finding[];
  summary: ScanSummary;
  warnings: string[];
}
