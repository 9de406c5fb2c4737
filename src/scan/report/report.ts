import type { Finding, ScanSummary } from '../finding.js';

/** Everything a reporter needs; reporters are pure functions of this. */
export interface ReportInput {
  findings: Finding[];
  summary: ScanSummary;
  warnings?: string[];
  /** Print whole keys (only with --show-secrets). */
  secrets?: (finding: Finding) => string | undefined;
  /** Colour functions; identity when colour is off. */
  color?: Palette;
}

export interface Palette {
  red: (s: string) => string;
  yellow: (s: string) => string;
  cyan: (s: string) => string;
  dim: (s: string) => string;
  bold: (s: string) => string;
  green: (s: string) => string;
}

export const plain: Palette = {
  red: (s) => s,
  yellow: (s) => s,
  cyan: (s) => s,
  dim: (s) => s,
  bold: (s) => s,
  green: (s) => s,
};

/** The default --fail-on; a report names the level only when a flag or config changed it. */
export const DEFAULT_FAIL_ON = 'high';

/** What was left out of a scan, in words, for the one-line summaries (text, github). */
export function leftOut(s: ScanSummary): string[] {
  const parts: string[] = [];
  if (s.skipped) parts.push(`${s.skipped} skipped`);
  if (s.excluded) parts.push(`${s.excluded} excluded`);
  if (s.baselined) parts.push(`${s.baselined} in baseline`);
  if (s.allowed) parts.push(`${s.allowed} allowed inline`);
  if (s.failOn && s.failOn !== DEFAULT_FAIL_ON) parts.push(`fail-on ${s.failOn}`);
  return parts;
}

export const FORMATS = ['text', 'json', 'sarif', 'github'] as const;
export type Format = (typeof FORMATS)[number];
