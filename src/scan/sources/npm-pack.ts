import { UsageError } from '../../shared/errors.js';
import type { ScanResult } from '../finding.js';
import type { ScanOptions } from '../scan.js';

// Issue #7 replaces this with a scan of the files `npm pack --dry-run --json` lists.
export async function scanNpmPack(_options: ScanOptions): Promise<ScanResult> {
  throw new UsageError('--npm-pack is not available in this build yet.');
}
