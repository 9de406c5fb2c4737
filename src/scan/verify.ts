import type { KeyguardConfig } from '../config/types.js';
import { UsageError } from '../shared/errors.js';
import type { Finding } from './finding.js';

export interface VerifyOptions {
  env: Record<string, string | undefined>;
  config: KeyguardConfig;
}

// Issue #4 replaces this with live verification through the Anthropic API.
export async function verifyFindings(_findings: Finding[], _options: VerifyOptions): Promise<void> {
  throw new UsageError('--verify is not available in this build yet.');
}
