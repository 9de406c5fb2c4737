import { UsageError } from '../../shared/errors.js';
import type { ScanResult } from '../finding.js';
import type { ScanOptions } from '../scan.js';

export interface HistoryScanOptions extends ScanOptions {
  paths: string[];
  range?: string;
  reachableOnly?: boolean;
  recurseSubmodules?: boolean;
  progress?: (text: string) => void;
}

// Issue #3 replaces this with the object-store scan.
export async function scanHistory(_options: HistoryScanOptions): Promise<ScanResult> {
  throw new UsageError('history scanning (--history, --range) is not available in this build yet.');
}
