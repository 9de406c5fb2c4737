import type { KeyguardConfig } from '../../src/config/types.js';
import { buildContext } from '../../src/doctor/context.js';
import type { Check, CheckResult } from '../../src/doctor/types.js';

/** Run one check against a directory, the way the runner does. */
export async function runCheck(check: Check, dir: string, config: KeyguardConfig = {}): Promise<CheckResult> {
  return check.run(await buildContext(dir, { config, dir }));
}

/** Names that would trip keyguard's own doctor if they were written literally in its test sources. */
export const BROWSER_KEY_VAR = ['NEXT', 'PUBLIC', 'ANTHROPIC', 'API', 'KEY'].join('_');
export const VITE_KEY_VAR = ['VITE', 'ANTHROPIC', 'KEY'].join('_');
export const ALLOW_BROWSER = ['dangerouslyAllowBrowser', 'true'].join(': ');

/** A repository set up the way doctor wants: every check passes. */
export const CLEAN_GITIGNORE = ['node_modules/', 'dist/', '.env', '.env.*', '!.env.example', ''].join('\n');
