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

export const FORMATS = ['text', 'json', 'sarif', 'github'] as const;
export type Format = (typeof FORMATS)[number];
